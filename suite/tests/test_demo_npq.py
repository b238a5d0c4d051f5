"""The demo's NPQs (issue 25): three places at the demo people's academy, none theirs; the passed NPQ for Senior
Leadership put its holder among the future leaders; and a restart makes nothing twice."""
from __future__ import annotations

import pytest

from staffroom.testing import running_suite


@pytest.mark.slow
def test_demo_seeds_three_npq_places_and_a_passed_leadership_npq_makes_a_future_leader(tmp_path):
    from cpd.domain.npq import cohort_name

    from staffroom import demo

    with running_suite(tmp_path / "data", {"LOG_LEVEL": "WARNING"}) as (suite, _clients, _headers):
        suite.seed()
        directory, cpd = suite.contexts["directory"], suite.contexts["cpd"]
        assert demo.seed_npq(directory, cpd) == {"places": 3}
        personas = {p["staff_id"] for p in demo.demo_people(directory)}
        with cpd.uow() as uow:
            places = uow.npq_places.visible(None, None)
            assert sorted((p.short_code, p.status) for p in places) == [
                ("NPQLT", "active"), ("NPQSENCO", "awaiting"), ("NPQSL", "passed")]
            assert not personas & {p.staff_id for p in places}
            passed = next(p for p in places if p.status == "passed")
            assert passed.registered_on < passed.cohort_starts_on < passed.completed_on
            assert cohort_name(passed.cohort_starts_on)
            nomination = uow.nominations.open_for(passed.staff_id)
            assert nomination.reason.startswith("Passed the NPQ for Senior Leadership on ")

        # Run again, as a restart would: nothing is made twice.
        assert demo.seed_npq(directory, cpd) == {"places": 0}
