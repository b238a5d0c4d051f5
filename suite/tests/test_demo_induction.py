"""The demo's statutory induction (issue 25) seeds on any day of the school year: the academy's term dates, two early
career teachers with the demo's line manager as their induction tutor and its member of staff as their mentor, the
first's past reviews held and signed but the latest, which waits for the ECT; and a restart makes nothing twice."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from staffroom.testing import running_suite


class DemoDay(date):
    """The directory's demo staff are dated from date.today(); they are dated from the demo's day instead."""

    day = date.today()

    @classmethod
    def today(cls):
        return cls.day


def test_the_demo_term_dates_follow_each_other_on_weekdays_with_a_half_term_inside_each():
    from staffroom.demo import demo_term_dates

    terms = demo_term_dates(2025, 2030)
    assert len(terms) == 18
    for before, after in zip(terms, terms[1:]):
        assert before["ends_on"] < after["starts_on"]
    for term in terms:
        assert term["starts_on"].weekday() < 5 and term["ends_on"].weekday() == 4
        (half_term,) = term["breaks"]
        assert term["starts_on"] < half_term["starts_on"] < half_term["ends_on"] < term["ends_on"]
        assert half_term["starts_on"].weekday() == 0 and half_term["ends_on"] - half_term["starts_on"] == timedelta(4)


@pytest.mark.slow
@pytest.mark.parametrize("today", [date(2026, 12, 7), date(2027, 3, 10), date(2026, 8, 20)], ids=str)
def test_demo_seeds_two_ects_for_the_demo_tutor_and_mentor_whatever_the_day(tmp_path, monkeypatch, today):
    from cpd.service import inductions
    from cpd.service.unit_of_work import CpdReads
    from directory import demo as directory_demo
    from staffroom_shared.principal import Principal

    from staffroom import demo

    monkeypatch.setattr(DemoDay, "day", today)
    monkeypatch.setattr(directory_demo, "date", DemoDay)
    with running_suite(tmp_path / "data", {"LOG_LEVEL": "WARNING"}) as (suite, _clients, _headers):
        suite.seed()
        directory, cpd = suite.contexts["directory"], suite.contexts["cpd"]
        seeded = demo.seed_induction(directory, cpd, today=today)
        assert seeded["ects"] == 2 and seeded["reviews_held"] >= 3, seeded
        people = {p["as"]: p for p in demo.demo_people(directory)}

        def as_(who: str) -> Principal:
            return Principal(staff_id=people[who]["staff_id"], roles=frozenset({"staff"}),
                             academy_id=people[who]["academy_id"], subject=str(people[who]["staff_id"]))

        with cpd.uow() as uow:
            reads = CpdReads(uow.session)
            tutored = inductions.tutor_dashboard(reads, as_("line manager"), today=today)
            mentored = inductions.mentees(reads, as_("member of staff"), today=today)
            assert {e["id"] for e in tutored} == {e["id"] for e in mentored} and len(tutored) == 2
            assert all(e["schedule_problem"] is None and not e["overdue"] and e["next_due"] for e in tutored), tutored
            first = min(tutored, key=lambda e: e["starts_on"])
            record = inductions.visible(reads, as_("line manager"), first["id"], today=today)
        reviews = sorted(record["reviews"], key=lambda r: r["held_on"])
        assert all(r["tutor_signed_on"] and r["head_signed_on"] for r in reviews)
        assert [bool(r["ect_signed_on"]) for r in reviews] == [True] * (len(reviews) - 1) + [False]
        assert "first_formal_assessment" in {r["kind"] for r in reviews}
        assert all(e["taught_percent"] is not None and e["gives_reduction"] for e in record["entitlement"])

        # Run again, as a restart would: nothing is made twice.
        assert demo.seed_induction(directory, cpd, today=today) == {"ects": 0}
