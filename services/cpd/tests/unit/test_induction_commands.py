"""Statutory induction's commands against the in-memory fakes: the change, the events published (type and payload),
the audit row, and for each refusal that nothing was committed or published."""
from __future__ import annotations

import uuid
from datetime import date

import pytest

from cpd.service import inductions
from staffroom_shared.errors import Conflict, Forbidden, NotFound, Unprocessable
from staffroom_shared.principal import Principal

from .fakes import FakeCpdUnitOfWork

OAK, ELM = uuid.uuid4(), uuid.uuid4()
HR = Principal(uuid.uuid4(), frozenset({"staff", "academy_hr"}), OAK, "oak-hr")
ELM_HR = Principal(uuid.uuid4(), frozenset({"staff", "academy_hr"}), ELM, "elm-hr")
TERMS = [{"school_year": y, "number": n, "starts_on": date(*s), "ends_on": date(*e)} for y in range(2025, 2030)
         for n, s, e in ((1, (y, 9, 1), (y, 12, 19)), (2, (y + 1, 1, 5), (y + 1, 4, 1)),
                         (3, (y + 1, 4, 19), (y + 1, 7, 21)))]


@pytest.fixture
def uow() -> FakeCpdUnitOfWork:
    return FakeCpdUnitOfWork()


def _people(uow):
    ect, tutor = uow.person(academy_id=OAK), uow.person(academy_id=OAK, first_name="Tariq")
    inductions.set_term_dates(uow, HR, OAK, TERMS)
    return ect, tutor, Principal(tutor, frozenset({"staff"}), OAK, "tutor")


def _registration(ect, tutor=None) -> dict:
    return {"staff_id": ect, "academy_id": OAK, "qts_on": date(2025, 7, 1), "starts_on": date(2025, 9, 1),
            "fte": 1, "appropriate_body": "Hub", "programme_type": "school-led", "tutor_id": tutor}


def _nothing(uow) -> bool:
    return uow.commits == 0 and uow.published == [] and uow.audits == []


def _settle(uow) -> None:
    uow.published.clear()
    uow.audits.clear()
    uow.commits = 0


def test_registering_publishes_induction_started_and_is_audited(uow):
    ect, tutor, _ = _people(uow)
    _settle(uow)
    made = inductions.register(uow, HR, _registration(ect, tutor), today=date(2025, 9, 1))
    [started] = uow.payloads("cpd.induction_started")
    assert (started["induction_id"], started["tutor_id"], started["expected_completion"]) == (
        str(made), str(tutor), "2027-07-21")
    assert [a["action"] for a in uow.audits] == ["induction.registered"]


def test_another_academys_hr_cannot_register_and_nothing_happens(uow):
    ect, tutor, _ = _people(uow)
    _settle(uow)
    with pytest.raises(Forbidden):
        inductions.register(uow, ELM_HR, _registration(ect, tutor))
    assert _nothing(uow)


def test_a_second_registration_is_refused_in_plain_words(uow):
    ect, tutor, _ = _people(uow)
    inductions.register(uow, HR, _registration(ect, tutor))
    _settle(uow)
    with pytest.raises(Unprocessable, match="already registered"):
        inductions.register(uow, HR, _registration(ect, tutor))
    assert _nothing(uow)


def test_a_concern_at_a_review_publishes_the_support_plan_without_its_words(uow):
    ect, tutor, as_tutor = _people(uow)
    made = inductions.register(uow, HR, _registration(ect, tutor))
    _settle(uow)
    review = {"kind": "progress_review", "school_year": 2025, "term_number": 1, "held_on": date(2025, 12, 10),
              "outcome": "not making satisfactory progress", "standards": {"TS7": "Routines"}}
    with pytest.raises(Unprocessable, match="support plan"):
        inductions.record_review(uow, as_tutor, made, review, today=date(2025, 12, 11))
    assert _nothing(uow)
    inductions.record_review(uow, as_tutor, made, {**review, "support_plan": {
        "areas_to_improve": ["Behaviour"], "objectives": ["TS7"], "support": ["Coaching"], "evidence": "Two lessons"}},
        today=date(2025, 12, 11))
    [plan] = uow.payloads("cpd.induction_support_plan_started")
    assert plan["staff_id"] == str(ect) and "evidence" not in plan


def test_only_the_tutor_records_a_review_and_a_stranger_learns_nothing(uow):
    ect, tutor, _ = _people(uow)
    made = inductions.register(uow, HR, _registration(ect, tutor))
    _settle(uow)
    review = {"kind": "progress_review", "school_year": 2025, "term_number": 1, "held_on": date(2025, 12, 10),
              "outcome": "on track", "standards": {"TS1": "x"}}
    with pytest.raises(Forbidden):
        inductions.record_review(uow, HR, made, review, today=date(2025, 12, 11))
    with pytest.raises(NotFound):
        inductions.record_review(uow, ELM_HR, made, review, today=date(2025, 12, 11))
    assert _nothing(uow)


def test_leaving_publishes_induction_ended_and_a_second_leaving_is_refused(uow):
    ect, tutor, _ = _people(uow)
    made = inductions.register(uow, HR, _registration(ect, tutor))
    inductions.record_leaving(uow, HR, made, date(2026, 4, 1))
    [ended] = uow.payloads("cpd.induction_ended")
    assert (ended["outcome"], ended["ended_on"]) == ("left", "2026-04-01")
    _settle(uow)
    with pytest.raises(Conflict):
        inductions.record_leaving(uow, HR, made, date(2026, 4, 2))
    assert _nothing(uow)


def test_changing_the_tutor_and_mentor_publishes_people_assigned_once_per_change(uow):
    ect, tutor, _ = _people(uow)
    mentor = uow.person(academy_id=OAK, first_name="Mo")
    made = inductions.register(uow, HR, _registration(ect, tutor))
    _settle(uow)
    inductions.assign(uow, HR, made, tutor, mentor, today=date(2025, 9, 8))
    [assigned] = uow.payloads("cpd.induction_people_assigned")
    assert (assigned["tutor_id"], assigned["mentor_id"], assigned["assigned_on"]) == (
        str(tutor), str(mentor), "2025-09-08")
    assert [a["action"] for a in uow.audits] == ["induction.assigned"]
    inductions.assign(uow, HR, made, tutor, mentor, today=date(2025, 9, 9))  # the same people again: no news
    assert len(uow.payloads("cpd.induction_people_assigned")) == 1


def test_registering_with_a_tutor_publishes_no_people_assigned(uow):
    """cpd.induction_started carries the tutor and mentor named at registration; targets reads both."""
    ect, tutor, _ = _people(uow)
    inductions.register(uow, HR, _registration(ect, tutor))
    assert uow.payloads("cpd.induction_people_assigned") == []


def test_a_refused_assignment_publishes_nothing(uow):
    ect, tutor, _ = _people(uow)
    made = inductions.register(uow, HR, _registration(ect, tutor))
    _settle(uow)
    with pytest.raises(Unprocessable, match="their own induction tutor"):
        inductions.assign(uow, HR, made, ect, None)
    assert _nothing(uow)


def test_the_tutor_recording_the_timetable_publishes_it_with_the_cap(uow):
    ect, tutor, as_tutor = _people(uow)
    made = inductions.register(uow, HR, _registration(ect, tutor))
    _settle(uow)
    inductions.record_timetable(uow, as_tutor, made, 2025, 1, 87.5, today=date(2025, 9, 5))
    [recorded] = uow.payloads("cpd.induction_timetable_recorded")
    assert (recorded["school_year"], recorded["term_number"], recorded["percent"], recorded["cap_percent"]) == (
        2025, 1, "87.50", "90.00")
    _settle(uow)
    with pytest.raises(Unprocessable, match="no more than 90%"):
        inductions.record_timetable(uow, as_tutor, made, 2025, 2, 92, today=date(2026, 1, 5))
    assert _nothing(uow)


def test_a_review_recorded_publishes_review_held_before_any_support_plan(uow):
    ect, tutor, as_tutor = _people(uow)
    made = inductions.register(uow, HR, _registration(ect, tutor))
    _settle(uow)
    inductions.record_review(uow, as_tutor, made, {
        "kind": "progress_review", "school_year": 2025, "term_number": 1, "held_on": date(2025, 12, 10),
        "outcome": "not making satisfactory progress", "standards": {"TS7": "Routines"}, "support_plan": {
            "areas_to_improve": ["Behaviour"], "objectives": ["TS7"], "support": ["Coaching"],
            "evidence": "Two lessons"}}, today=date(2025, 12, 11))
    assert [e.type for e in uow.published] == ["cpd.induction_review_held", "cpd.induction_support_plan_started"]
    [held] = uow.payloads("cpd.induction_review_held")
    assert (held["kind"], held["due_on"], held["held_on"]) == ("progress_review", "2025-12-19", "2025-12-10")
    assert "outcome" not in held


def test_the_daily_job_announces_each_item_once_per_stage(uow):
    from cpd.service.daily_job import run_daily

    ect, tutor, _ = _people(uow)
    made = inductions.register(uow, HR, _registration(ect, tutor), today=date(2025, 9, 1))
    _settle(uow)
    assert run_daily(uow, today=date(2025, 12, 4))["induction_items_due"] == 0  # 15 days before 19 December
    assert run_daily(uow, today=date(2025, 12, 5))["induction_items_due"] == 1
    assert run_daily(uow, today=date(2025, 12, 5))["induction_items_due"] == 0
    [due] = uow.payloads("cpd.induction_item_due")
    assert due == {"induction_id": str(made), "staff_id": str(ect), "academy_id": str(OAK), "kind": "progress_review",
                   "stage": "due_soon", "due_on": "2025-12-19", "school_year": 2025, "term_number": 1,
                   "tutor_id": str(tutor)}
    assert run_daily(uow, today=date(2025, 12, 20))["induction_items_due"] == 1
    assert [p["stage"] for p in uow.payloads("cpd.induction_item_due")] == ["due_soon", "overdue"]
    assert {e.academy_id for e in uow.published} == {OAK}


def test_the_daily_job_takes_the_notice_it_is_given(uow):
    from cpd.service.daily_job import run_daily

    ect, tutor, _ = _people(uow)
    inductions.register(uow, HR, _registration(ect, tutor), today=date(2025, 9, 1))
    assert run_daily(uow, today=date(2025, 12, 5), due_soon_days=7)["induction_items_due"] == 0
    assert run_daily(uow, today=date(2025, 12, 12), due_soon_days=7)["induction_items_due"] == 1


@pytest.mark.parametrize("value, days", [(None, 14), ("7", 7), ("0", 0)])
def test_the_notice_setting_defaults_to_a_fortnight(value, days):
    from cpd.entrypoints.scheduler import due_soon_days

    assert due_soon_days({} if value is None else {"CPD_INDUCTION_DUE_SOON_DAYS": value}) == days


@pytest.mark.parametrize("value", ["-1", "fortnight", "91"])
def test_a_notice_setting_that_is_not_a_number_of_days_is_refused_in_words(value):
    from cpd.entrypoints.scheduler import due_soon_days
    from staffroom_shared.config import ConfigError

    with pytest.raises(ConfigError, match="whole number of days from 0 to 90"):
        due_soon_days({"INDUCTION_DUE_SOON_DAYS": value})


def test_each_change_keeps_the_inductions_summary_true_and_a_list_reads_it(uow):
    """Bench (l), issue 25: a tutor's dashboard read every ECT's schedule from the statutory rules on every request;
    each induction now keeps its summary, made again at every change: a review held, new term dates."""
    ect, tutor, as_tutor = _people(uow)
    made = inductions.register(uow, HR, _registration(ect, tutor))
    kept = uow.store.inductions[made]
    assert kept.summary == kept.summary_of(uow.inductions.calendar(OAK))
    assert kept.summary["completes"] == "2027-07-21" and kept.summary["schedule"][0]["due_on"] == "2025-12-19"
    inductions.record_review(uow, as_tutor, made, {
        "kind": "progress_review", "school_year": 2025, "term_number": 1, "held_on": date(2025, 12, 10),
        "outcome": "on track", "standards": {"TS1": "High expectations"}},
        today=date(2025, 12, 11))
    assert kept.summary["schedule"][0]["held_on"] == "2025-12-10" and kept.summary["schedule"][0]["review_id"]
    later = [{**t, "ends_on": date(2025, 12, 12)} if (t["school_year"], t["number"]) == (2025, 1) else t
             for t in TERMS]
    inductions.set_term_dates(uow, HR, OAK, later)
    assert kept.summary == kept.summary_of(uow.inductions.calendar(OAK))
    [dashboard] = inductions.tutor_dashboard(uow, as_tutor, today=date(2026, 4, 2))
    assert dashboard["next_due"]["term"] == "spring term 2025 to 2026" and dashboard["completes"] == date(2027, 7, 21)
    assert [o["term"] for o in dashboard["overdue"]] == ["spring term 2025 to 2026"]
    kept.summary = None  # as before migration 0008, until the induction next changes: worked out, the same answer
    assert inductions.tutor_dashboard(uow, as_tutor, today=date(2026, 4, 2)) == [dashboard]
