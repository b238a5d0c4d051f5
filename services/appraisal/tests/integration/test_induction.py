"""cpd.induction_started and cpd.induction_ended applied to appraisal's database through the inbox consumer (issue
25), on SQLite and PostgreSQL: who serves induction is kept, a cycle leaves them out, a mid-year start withdraws their
appraisal, the daily job never reports them overdue, a redelivery changes nothing, and erasure forgets them."""
from __future__ import annotations

import uuid
from datetime import date, timedelta

from sqlalchemy import select

from appraisal.adapters.orm import cycles, induction_spells
from appraisal.service.daily_job import run_daily
from staffroom_shared.events import new_event

TODAY = date.today()


def started(world, person: dict, starts_on: date, induction_id=None):
    return new_event("cpd.induction_started", {
        "induction_id": induction_id or uuid.uuid4(), "staff_id": person["staff_id"], "academy_id": world.academy_id,
        "starts_on": starts_on, "expected_completion": starts_on + timedelta(days=700),
        "appropriate_body": "Oak Teaching Hub", "programme_type": "provider-led", "tutor_id": None,
        "mentor_id": None}, producer="cpd", correlation_id="cpd-registered", academy_id=world.academy_id)


def ended(world, person: dict, ended_on: date, induction_id, outcome="passed"):
    return new_event("cpd.induction_ended", {
        "induction_id": induction_id, "staff_id": person["staff_id"], "academy_id": world.academy_id,
        "outcome": outcome, "ended_on": ended_on}, producer="cpd", correlation_id="cpd-ended",
        academy_id=world.academy_id)


def test_a_cycle_opened_leaves_out_an_ect_serving_induction_and_keeps_the_count(world):
    ect, teacher = world.join(first_name="Esme"), world.join(first_name="Tom")
    world.deliver(started(world, ect, TODAY - timedelta(days=90)))
    cycle_id = world.open_cycle("teachers")
    assert world.appraisals_of(ect["staff_id"]) == [] and len(world.appraisals_of(teacher["staff_id"])) == 1
    (row,) = world.rows(cycles, cycles.c.id == cycle_id)
    assert row.left_out_for_induction == 1
    (opened,) = world.outbox("appraisal.cycle_opened")
    assert opened["payload"]["appraisal_count"] == 1


def test_a_mid_year_start_withdraws_the_appraisal_once_however_often_it_is_delivered(world):
    ect = world.join(first_name="Esme")
    world.open_cycle("teachers")
    event = started(world, ect, TODAY + timedelta(days=10))
    world.deliver(event)
    after_once = world.snapshot()
    world.deliver(event)
    assert world.snapshot() == after_once
    (appraisal,) = world.appraisals_of(ect["staff_id"])
    assert appraisal.status == "withdrawn" and "statutory induction" in appraisal.finished_reason
    (closed,) = world.outbox("appraisal.closed")
    assert closed["payload"]["status"] == "withdrawn" and closed["correlation_id"] == "cpd-registered"


def test_the_daily_job_reports_the_teacher_overdue_and_never_the_ect(world):
    ect, teacher = world.join(first_name="Esme"), world.join(first_name="Tom")
    world.deliver(started(world, ect, TODAY - timedelta(days=90)))
    world.open_cycle("teachers", objectives_due=TODAY - timedelta(days=5))
    counts = run_daily(world.context.uow(actor="scheduler"), today=TODAY)
    assert counts["overdue"] == 1
    assert [e["payload"]["reviewee_id"] for e in world.outbox("appraisal.overdue")] == [str(teacher["staff_id"])]


def test_an_end_overtaking_its_start_keeps_both_and_brings_nobody_into_the_open_cycle(world):
    ect, induction = world.join(first_name="Esme"), uuid.uuid4()
    world.open_cycle("teachers")  # Esme has an appraisal: cpd's events have not arrived yet
    world.deliver(ended(world, ect, TODAY - timedelta(days=3), induction, outcome="left"))
    world.deliver(started(world, ect, TODAY - timedelta(days=400), induction))
    (kept,) = world.rows(induction_spells)
    assert (kept.starts_on, kept.ended_on, kept.outcome) == (TODAY - timedelta(days=400), TODAY - timedelta(days=3),
                                                              "left")
    (appraisal,) = world.appraisals_of(ect["staff_id"])
    assert appraisal.status == "withdrawn"  # it was served during this cycle: appraised from the next


def test_erasure_forgets_their_induction(world):
    ect = world.join(first_name="Esme")
    world.deliver(started(world, ect, TODAY - timedelta(days=900)))
    other = world.join(first_name="Tom")
    world.deliver(started(world, other, TODAY - timedelta(days=90)))
    world.deliver(world.staff_event("staff.erased", {**ect, "first_name": "Erased", "last_name": "Erased",
                                                     "leaving_date": TODAY - timedelta(days=30)}, erased_on=TODAY))
    with world.context.engine.connect() as conn:
        left = conn.execute(select(induction_spells.c.staff_id)).scalars().all()
    assert left == [other["staff_id"]]
