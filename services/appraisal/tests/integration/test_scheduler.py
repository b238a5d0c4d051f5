"""The daily job: each missed key date announced once (appraisal.overdue), from the day after it."""
from __future__ import annotations

import uuid
from datetime import date, timedelta

from appraisal.adapters.orm import staff
from appraisal.domain.model import Status
from appraisal.service.daily_job import run_daily

DAY = timedelta(days=1)
KEY_DATES = {"starts_on": date(2026, 9, 1), "objectives_due": date(2026, 10, 31), "mid_year_due": date(2027, 2, 26),
             "end_of_year_due": date(2027, 7, 16), "ends_on": date(2027, 8, 31)}


def _open(world) -> None:
    # Staff first, then the cycle opened on a fixed day: nothing here depends on the day the tests run.
    world.open_cycle("teachers", today=date(2026, 9, 10), **KEY_DATES)


def _run(world, today: date) -> list[dict]:
    """Run the job for `today`; the appraisal.overdue payloads it added to the outbox."""
    before = len(world.outbox("appraisal.overdue"))
    counts = run_daily(world.context.uow(actor="scheduler"), today=today)
    added = [e["payload"] for e in world.outbox("appraisal.overdue")[before:]]
    assert counts["overdue"] == len(added)
    return added


def test_each_missed_key_date_is_announced_once_from_the_day_after_it(world):
    person = world.join()
    _open(world)
    (appraisal,) = world.appraisals_of(person["staff_id"])

    assert _run(world, date(2026, 10, 31)) == []  # the key date itself is not yet missed
    (notice,) = _run(world, date(2026, 11, 1))
    assert (notice["milestone"], notice["due_on"], notice["days_overdue"]) == ("objectives", "2026-10-31", 1)
    assert notice["appraisal_id"] == str(appraisal.id) and notice["reviewee_id"] == str(person["staff_id"])
    assert _run(world, date(2026, 11, 1)) == []  # a second run the same day
    assert _run(world, date(2027, 2, 26)) == []  # still only the one missed date

    (notice,) = _run(world, date(2027, 2, 27))
    assert (notice["milestone"], notice["days_overdue"]) == ("mid_year_review", 1)
    assert _run(world, date(2027, 7, 16)) == []
    (notice,) = _run(world, date(2027, 7, 17))
    assert (notice["milestone"], notice["days_overdue"]) == ("end_of_year_review", 1)
    assert _run(world, date(2027, 8, 31)) == []
    sent = world.outbox("appraisal.overdue")
    assert [e["payload"]["milestone"] for e in sent] == ["objectives", "mid_year_review", "end_of_year_review"]
    assert len({e["correlation_id"] for e in sent}) == 3  # each day's run is its own piece of work


def test_a_job_that_did_not_run_for_months_announces_every_missed_date_once(world):
    world.join()
    _open(world)

    notices = _run(world, date(2027, 3, 10))

    assert sorted((n["milestone"], n["days_overdue"]) for n in notices) == [("mid_year_review", 12), ("objectives", 130)]
    assert _run(world, date(2027, 3, 11)) == []


def test_a_step_done_on_time_is_not_overdue(world):
    person = world.join()
    _open(world)
    world.force(person["staff_id"], status=Status.OBJECTIVES_AGREED)

    assert _run(world, date(2026, 11, 1)) == []
    assert [n["milestone"] for n in _run(world, date(2027, 2, 27))] == ["mid_year_review"]


def test_finished_appraisals_are_never_overdue(world):
    signed, withdrawn = world.join(), world.join()
    _open(world)
    for person, status in ((signed, Status.SIGNED_OFF), (withdrawn, Status.WITHDRAWN)):
        world.force(person["staff_id"], status=status)

    assert _run(world, date(2027, 8, 1)) == []


def test_someone_the_open_cycle_covers_but_who_has_no_appraisal_gets_one_from_the_daily_job(world):
    _open(world)
    # As when staff.joined is applied on PostgreSQL while HR opens the cycle: the copy has the person,
    # neither side created the appraisal. Written straight to the copy to stand for that race.
    person = world.person(line_manager_id=uuid.uuid4())
    with world.context.engine.begin() as conn:
        conn.execute(staff.insert().values(**{k: v for k, v in person.items() if k != "fte"}))
    leaver = world.person(leaving_date=date(2026, 10, 1))
    with world.context.engine.begin() as conn:
        conn.execute(staff.insert().values(**{k: v for k, v in leaver.items() if k != "fte"}))

    counts = run_daily(world.context.uow(actor="scheduler"), today=date(2026, 10, 15))

    assert counts["opened"] == 1
    (appraisal,) = world.appraisals_of(person["staff_id"])
    assert (appraisal.appraiser_id, appraisal.status) == (person["line_manager_id"], "not_started")
    assert [e["payload"]["reviewee_id"] for e in world.outbox("appraisal.appraisal_opened")] == [str(person["staff_id"])]
    assert world.appraisals_of(leaver["staff_id"]) == []
    assert run_daily(world.context.uow(actor="scheduler"), today=date(2026, 10, 16))["opened"] == 0


def test_a_starter_s_key_dates_count_from_their_first_day(world):
    """Issue 20: a teacher starting on 1 January showed "Objectives due 31 October: overdue" before she joined. Her
    appraisal opens with her own dates, and nothing of hers is overdue until they pass."""
    starter = world.join(start_date=date(2027, 1, 1))
    _open(world)
    [opened] = [e["payload"] for e in world.outbox("appraisal.appraisal_opened")
                if e["payload"]["reviewee_id"] == str(starter["staff_id"])]
    assert (opened["objectives_due"], opened["mid_year_due"], opened["end_of_year_due"]) == (
        "2027-03-02", "2027-05-09", "2027-07-16")
    assert _run(world, date(2026, 11, 1)) == [] and _run(world, date(2027, 3, 2)) == []
    (notice,) = _run(world, date(2027, 3, 3))
    assert (notice["milestone"], notice["due_on"], notice["days_overdue"]) == ("objectives", "2027-03-02", 1)
