"""The four induction targets on real events (cpd.induction_*), on SQLite and PostgreSQL: each event in its table
whatever order it arrives in, the figures and the people listed, and the consumer marking what they move."""
from __future__ import annotations

import json
import uuid
from datetime import date, timedelta

from staffroom_shared.events import new_event

from .induction_events import assigned, ended, held, overdue, started, timetable

TODAY = date(2027, 6, 15)
START = date(2026, 9, 1)
DUE = START + timedelta(weeks=2)  # the default allowance: two weeks


def _ect(world, academy_id=None, **names) -> dict:
    return world.starter(date(2026, 9, 1), staff_type="teaching", **({"academy_id": academy_id} if academy_id else {}),
                         **names)


def _start(world, ect, on=START, **people) -> dict:
    induction = started(ect, on, **people)
    world.send("cpd.induction_started", induction, on - timedelta(days=30))
    return induction


def test_tutor_and_mentor_within_two_weeks_counts_the_last_day_and_not_one_day_over(world):
    at_registration = _start(world, _ect(world), tutor=uuid.uuid4(), mentor=uuid.uuid4())
    on_the_day = _start(world, _ect(world))
    world.send("cpd.induction_people_assigned", assigned(on_the_day, DUE), DUE)
    late = _ect(world, last_name="Late")
    one_day_over = _start(world, late)
    world.send("cpd.induction_people_assigned", {**assigned(one_day_over, DUE), "mentor_id": None}, DUE)
    world.send("cpd.induction_people_assigned", assigned(one_day_over, DUE + timedelta(days=1)), DUE)
    left_first = _start(world, _ect(world))
    world.send("cpd.induction_ended", ended(left_first, "left", DUE - timedelta(days=1)), DUE)
    assert at_registration

    key = "ect_tutor_and_mentor"
    assert world.figures(key, TODAY) == {world.academy_id: (2, 3), None: (2, 3)}
    assert world.people(key, TODAY) == [(late["staff_id"], "late", DUE, "2026-09-16")]
    assert world.figures(key, DUE) == {world.academy_id: (2, 2), None: (2, 2)}  # the last day: still time


def test_people_named_before_the_registration_arrives_still_count(world):
    ect = _ect(world)
    induction = started(ect, START)
    world.send("cpd.induction_people_assigned", assigned(induction, START + timedelta(days=3)), START)
    world.send("cpd.induction_started", induction, START - timedelta(days=30))
    world.send("cpd.induction_people_assigned", assigned(induction, DUE + timedelta(days=20)), DUE)  # a change
    assert world.figures("ect_tutor_and_mentor", TODAY) == {world.academy_id: (1, 1), None: (1, 1)}


def test_reviews_and_assessments_on_time_late_and_overdue_and_none_owed_after_leaving(world):
    ect, slow = _ect(world), _ect(world, last_name="Slow")
    induction, other = _start(world, ect), _start(world, slow)
    term1, term3 = date(2026, 12, 11), date(2027, 5, 20)
    world.send("cpd.induction_review_held", held(induction, "progress_review", term1, term1), term1)
    world.send("cpd.induction_item_due", overdue(other, "progress_review", term1), term1 + timedelta(days=1))
    world.send("cpd.induction_item_due", overdue(other, "first_formal_assessment", term3, 3), term3)
    # held late, after the overdue notice: the same item, now held
    world.send("cpd.induction_review_held", held(other, "progress_review", term1, date(2027, 1, 8)), date(2027, 1, 8))
    gone = _start(world, _ect(world))
    world.send("cpd.induction_item_due", overdue(gone, "progress_review", term1), term1)
    world.send("cpd.induction_ended", ended(gone, "left", date(2026, 12, 20)), date(2026, 12, 20))

    key = "ect_reviews_on_time"
    assert world.figures(key, TODAY) == {world.academy_id: (1, 3), None: (1, 3)}
    assert world.people(key, TODAY) == [
        (slow["staff_id"], "late", term1, "progress review"),
        (slow["staff_id"], "overdue", term3, "first formal assessment")]


def test_the_timetable_counts_each_recorded_term_against_its_cap_the_newest_record_winning(world):
    ect = _ect(world)
    induction = _start(world, ect)
    world.send("cpd.induction_timetable_recorded", timetable(induction, 1, "90.00"), date(2026, 10, 1))
    world.send("cpd.induction_timetable_recorded", timetable(induction, 2, "92.00"), date(2027, 1, 10))
    world.send("cpd.induction_timetable_recorded", timetable(induction, 3, "85.00"), date(2027, 4, 20))
    world.send("cpd.induction_timetable_recorded", timetable(induction, 3, "95.00"), date(2027, 4, 10))  # older

    key = "ect_timetable_reduction"
    assert world.figures(key, TODAY) == {world.academy_id: (2, 3), None: (2, 3)}
    assert world.people(key, TODAY) == [
        (ect["staff_id"], "over_cap", date(2027, 1, 10), "term 2 of 2026 to 2027 (92% taught, at most 90%)")]


def test_retention_a_year_after_passing_reads_the_directorys_leaving_dates(world):
    stayed, left, failed = _ect(world), _ect(world, last_name="Gone"), _ect(world)
    passed_on = date(2026, 6, 1)
    for person, outcome in ((stayed, "passed"), (left, "passed"), (failed, "failed")):
        induction = _start(world, person, on=date(2024, 9, 2))
        world.send("cpd.induction_ended", ended(induction, outcome, passed_on), passed_on)
    world.leave(left, date(2027, 3, 31))
    world.leave(failed, date(2026, 8, 31))

    key = "ects_retained"
    assert world.figures(key, date(2027, 5, 31)) == {world.academy_id: (0, 1), None: (0, 1)}  # gone: counted now
    assert world.figures(key, TODAY) == {world.academy_id: (1, 2), None: (1, 2)}
    assert world.people(key, TODAY) == [(left["staff_id"], "left", passed_on, "2027-03-31")]


def test_an_ect_serving_induction_without_an_appraisal_is_not_counted_against_reviews_on_time(world):
    ect = _ect(world)
    _start(world, ect, on=date(2026, 9, 1))
    colleague = world.starter(date(2020, 9, 1))
    ref = world.appraisal(colleague)
    world.opened(ref, date(2027, 2, 1), date(2027, 7, 15))
    world.reviewed(ref, "mid_year", date(2027, 1, 30), date(2027, 2, 1))
    assert world.figures("reviews_on_time", TODAY) == {world.academy_id: (1, 1), None: (1, 1)}


def test_induction_events_mark_their_targets_and_the_judgement_announces_them(world):
    ect = _ect(world)
    _start(world, ect)
    judged = world.judge(TODAY)
    assert "ect_tutor_and_mentor" in judged["judged"]
    announced = [(e["payload"]["academy_id"], e["payload"]["numerator"], e["payload"]["denominator"])
                 for e in world.outbox("targets.at_risk") if e["payload"]["target_key"] == "ect_tutor_and_mentor"]
    assert announced == [(None, 0, 1), (str(world.academy_id), 0, 1)]


def test_an_ects_subject_access_copy_holds_their_induction_as_targets_counts_it(world):
    ect, other = _ect(world), _ect(world)
    induction = _start(world, ect, tutor=uuid.uuid4(), mentor=uuid.uuid4())
    world.send("cpd.induction_review_held", held(induction, "progress_review", date(2026, 12, 11),
                                                 date(2026, 12, 10)), date(2026, 12, 10))
    world.send("cpd.induction_timetable_recorded", timetable(induction, 1, "90.00"), date(2026, 10, 1))
    _start(world, other)
    request_id = uuid.uuid4()
    world.deliver(new_event("subject_access.requested", {
        "request_id": request_id, "staff_id": ect["staff_id"], "received_on": TODAY, "by_the_person": True},
        producer="directory", correlation_id="test", academy_id=None))
    [answer] = [e["payload"] for e in world.outbox("targets.subject_access_answered")
                if e["payload"]["request_id"] == str(request_id)]
    rows = {record["key"]: record["rows"] for record in answer["records"]}
    assert [r["starts_on"] for r in rows["ect_inductions"]] == ["2026-09-01"]
    assert [(r["due_on"], r["held_on"]) for r in rows["ect_reviews"]] == [("2026-12-11", "2026-12-10")]
    assert [r["percent"] for r in rows["ect_terms"]] == ["90.00"]
    assert str(other["staff_id"]) not in json.dumps(answer["records"])
