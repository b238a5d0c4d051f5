"""Catalogue rules: what a programme must record, and cohorts' places and dates."""
import uuid
from datetime import date
from decimal import Decimal

import pytest

from cpd.domain.catalogue import Cohort, Programme
from cpd.domain.errors import CpdError


def programme(**kw) -> Programme:
    return Programme(**{"title": "Phonics refresh", "kind": "internal_course", "provider": "Oak English hub",
                        "delivery_mode": "in_person", "cost": Decimal("0"), **kw})


def test_an_npq_names_which_one():
    with pytest.raises(CpdError, match="NPQLT"):
        programme(kind="npq")
    assert programme(kind="npq", npq="NPQSL").npq == "NPQSL"


def test_only_an_npq_names_an_npq():
    with pytest.raises(CpdError):
        programme(npq="NPQH")


def test_an_apprenticeship_records_at_least_20_percent_off_the_job():
    with pytest.raises(CpdError, match="at least 20%"):
        programme(kind="apprenticeship", levy_funded=True, off_the_job_percent=19)
    assert programme(kind="apprenticeship", levy_funded=True, off_the_job_percent=20).levy_funded


def test_levy_funding_is_for_apprenticeships_only():
    with pytest.raises(CpdError):
        programme(levy_funded=True)


def test_cost_cannot_be_negative_and_is_kept_to_the_penny():
    with pytest.raises(CpdError):
        programme(cost=Decimal("-1"))
    assert programme(cost=Decimal("12.5")).cost == Decimal("12.50")


def test_hours_are_optional_kept_to_the_tenth_and_within_reason():
    assert programme().hours is None
    assert programme(hours=6.25).hours == Decimal("6.2") and programme(hours=0).hours == Decimal("0.0")
    for wrong in (-0.1, 5000.1):
        with pytest.raises(CpdError, match="hours run from 0 to 5000"):
            programme(hours=wrong)


def test_a_programme_is_available_to_its_academy_and_trust_wide_ones_to_all():
    oak, elm = uuid.uuid4(), uuid.uuid4()
    assert programme(academy_id=oak).available_to(oak) and not programme(academy_id=oak).available_to(elm)
    assert programme().available_to(elm)
    inactive = programme()
    inactive.active = False
    assert not inactive.available_to(elm)


def test_a_cohort_has_a_place_and_ends_after_it_starts():
    with pytest.raises(CpdError):
        Cohort(programme_id=uuid.uuid4(), name="x", starts_on=date(2027, 1, 1), ends_on=date(2027, 2, 1), capacity=0)
    with pytest.raises(CpdError):
        Cohort(programme_id=uuid.uuid4(), name="x", starts_on=date(2027, 1, 2), ends_on=date(2027, 1, 1), capacity=3)
