"""staff.*, academy.* and cpd.completed applied to appraisal's database through the inbox consumer."""
from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest
from appraisal.adapters.orm import academies, trained_appraisers
from appraisal.service.daily_job import run_daily
from staffroom_shared.events import new_event

TODAY = date.today()


def test_staff_joined_creates_the_local_copy(world):
    manager = uuid.uuid4()
    person = world.join(first_name="Kwame", last_name="Owen", post="Class Teacher", line_manager_id=manager)

    copy = world.staff_copy(person["staff_id"])
    assert (copy.first_name, copy.last_name, copy.post, copy.staff_type) == ("Kwame", "Owen", "Class Teacher", "teaching")
    assert (copy.academy_id, copy.line_manager_id, copy.start_date) == (world.academy_id, manager, date(2020, 9, 1))
    assert world.appraisals_of(person["staff_id"]) == []  # no cycle is open
    assert world.outbox() == []


def test_joiner_during_an_open_cycle_gets_an_appraisal_and_appraisal_opened(world):
    cycle_id = world.open_cycle("teachers")
    manager = uuid.uuid4()
    person = world.join(line_manager_id=manager, correlation_id="hr-added-priya")

    (appraisal,) = world.appraisals_of(person["staff_id"])
    assert (appraisal.cycle_id, appraisal.appraiser_id, appraisal.status) == (cycle_id, manager, "not_started")
    (opened,) = world.outbox("appraisal.appraisal_opened")
    assert opened["payload"]["appraisal_id"] == str(appraisal.id)
    assert opened["payload"]["reviewee_id"] == str(person["staff_id"])
    assert opened["payload"]["appraiser_id"] == str(manager)
    assert opened["correlation_id"] == "hr-added-priya"  # the directory request's id, carried on
    assert opened["payload"]["starts_on"] is None  # in post already: nothing to wait for


def test_a_starter_added_ahead_of_joining_has_their_first_day_in_appraisal_opened(world):
    """So notifications tells them on the day, not weeks before at an address they may not read yet (issue 20)."""
    world.open_cycle("teachers")
    first_day = TODAY + timedelta(days=30)
    person = world.join(line_manager_id=uuid.uuid4(), start_date=first_day)
    (opened,) = world.outbox("appraisal.appraisal_opened")
    assert opened["payload"]["reviewee_id"] == str(person["staff_id"])
    assert opened["payload"]["starts_on"] == first_day.isoformat()


def test_joiner_outside_the_open_cycles_scope_gets_no_appraisal(world):
    world.open_cycle("teachers")
    person = world.join(staff_type="support", post="Teaching Assistant")

    assert world.staff_copy(person["staff_id"]) is not None
    assert world.appraisals_of(person["staff_id"]) == []
    assert world.outbox("appraisal.appraisal_opened") == []


@pytest.mark.parametrize("leaving_date", [TODAY - timedelta(days=1), TODAY], ids=["yesterday", "today"])
def test_leaver_has_in_progress_appraisal_closed_and_kept(world, leaving_date):
    world.open_cycle("teachers")
    person = world.join()
    (before,) = world.appraisals_of(person["staff_id"])

    world.deliver(world.staff_event("staff.left", {**person, "leaving_date": leaving_date}))

    (after,) = world.appraisals_of(person["staff_id"])  # kept for the personnel file, not deleted
    assert after.id == before.id
    assert (after.status, after.finished_reason) == ("closed", f"left on {leaving_date}")
    (closed,) = world.outbox("appraisal.closed")
    assert closed["payload"]["appraisal_id"] == str(after.id)
    assert closed["payload"]["status"] == "closed"
    assert world.staff_copy(person["staff_id"]).leaving_date == leaving_date


def test_future_leaving_date_closes_nothing_until_the_daily_job_runs_on_that_date(world):
    world.open_cycle("teachers")
    person = world.join()
    leaving = TODAY + timedelta(days=10)

    world.deliver(world.staff_event("staff.left", {**person, "leaving_date": leaving}))
    (appraisal,) = world.appraisals_of(person["staff_id"])
    assert appraisal.status == "not_started"

    assert run_daily(world.context.uow(actor="scheduler"), today=leaving - timedelta(days=1))["closed"] == 0
    assert world.appraisals_of(person["staff_id"])[0].status == "not_started"
    assert world.outbox("appraisal.closed") == []

    assert run_daily(world.context.uow(actor="scheduler"), today=leaving)["closed"] == 1
    (appraisal,) = world.appraisals_of(person["staff_id"])
    assert (appraisal.status, appraisal.finished_reason) == ("closed", f"left on {leaving}")
    assert len(world.outbox("appraisal.closed")) == 1

    assert run_daily(world.context.uow(actor="scheduler"), today=leaving + timedelta(days=1))["closed"] == 0
    assert len(world.outbox("appraisal.closed")) == 1


def test_new_line_manager_becomes_the_appraiser(world):
    world.open_cycle("teachers")
    old, new = uuid.uuid4(), uuid.uuid4()
    person = world.join(line_manager_id=old)

    world.deliver(world.staff_event("staff.updated", {**person, "line_manager_id": new}, changed=["line_manager_id"]))

    (appraisal,) = world.appraisals_of(person["staff_id"])
    assert appraisal.appraiser_id == new
    (assigned,) = world.outbox("appraisal.appraiser_assigned")
    assert assigned["payload"]["appraiser_id"] == str(new)
    assert assigned["payload"]["previous_appraiser_id"] == str(old)
    assert assigned["payload"]["by_hr"] is False


def test_new_line_manager_does_not_replace_an_appraiser_hr_chose(world):
    world.open_cycle("teachers")
    old, chosen_by_hr, new = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    person = world.join(line_manager_id=old)
    world.force(person["staff_id"], appraiser_id=chosen_by_hr, appraiser_set_by_hr=True)

    world.deliver(world.staff_event("staff.updated", {**person, "line_manager_id": new}, changed=["line_manager_id"]))

    (appraisal,) = world.appraisals_of(person["staff_id"])
    assert appraisal.appraiser_id == chosen_by_hr
    assert world.outbox("appraisal.appraiser_assigned") == []
    assert world.staff_copy(person["staff_id"]).line_manager_id == new  # the copy still follows the directory


def _cpd_completed(staff_id, *, appraisal_training: bool):
    return new_event("cpd.completed", {
        "enrolment_id": uuid.uuid4(), "staff_id": staff_id, "academy_id": uuid.uuid4(), "programme_id": uuid.uuid4(),
        "programme_title": "Appraising well" if appraisal_training else "Phonics refresher",
        "category": "appraisal_training" if appraisal_training else "subject_knowledge",
        "appraisal_training": appraisal_training, "completed_on": date(2026, 10, 1)},
        producer="cpd", correlation_id="cpd-1")


def test_cpd_completed_appraisal_training_marks_the_appraiser_trained(world):
    trained, untrained = uuid.uuid4(), uuid.uuid4()

    world.deliver(_cpd_completed(trained, appraisal_training=True))
    world.deliver(_cpd_completed(untrained, appraisal_training=False))
    world.deliver(_cpd_completed(trained, appraisal_training=True))  # a second course: still one row

    rows = world.rows(trained_appraisers)
    assert [(r.staff_id, r.completed_on) for r in rows] == [(trained, date(2026, 10, 1))]


def test_academy_events_fill_academy_names(world):
    academy_id = uuid.uuid4()
    registered = {"academy_id": academy_id, "name": "Oakfield Primary", "urn": "140001", "phase": "primary"}
    world.deliver(new_event("academy.registered", registered, producer="directory", correlation_id="a1"))
    assert [(r.name, r.urn) for r in world.rows(academies)] == [("Oakfield Primary", "140001")]

    world.deliver(new_event("academy.updated", {**registered, "name": "Oakfield Primary Academy"},
                            producer="directory", correlation_id="a2"))
    assert [(r.name, r.urn) for r in world.rows(academies)] == [("Oakfield Primary Academy", "140001")]


def test_a_duplicate_delivery_changes_nothing(world):
    world.open_cycle("teachers")
    person = world.person(line_manager_id=uuid.uuid4())
    joined = world.staff_event("staff.joined", person)
    moved = world.staff_event("staff.updated", {**person, "line_manager_id": uuid.uuid4()}, changed=["line_manager_id"])
    left = world.staff_event("staff.left", {**person, "leaving_date": TODAY})
    for event in (joined, moved, left):
        world.deliver(event)
    after_once = world.snapshot()

    for event in (joined, moved, left, joined):
        world.deliver(event)

    assert world.snapshot() == after_once
    assert len(world.appraisals_of(person["staff_id"])) == 1
    assert world.count("inbox") == 3


def test_a_move_to_another_academy_takes_a_trust_wide_appraisal_along(world):
    world.open_cycle("teachers")
    person = world.join()
    (before,) = world.appraisals_of(person["staff_id"])
    elsewhere = uuid.uuid4()

    world.deliver(world.staff_event("staff.updated", {**person, "academy_id": elsewhere}, changed=["academy_id"]))

    (after,) = world.appraisals_of(person["staff_id"])
    assert (after.id, after.academy_id, after.status) == (before.id, elsewhere, "not_started")  # the new HR sees it


def test_a_move_out_of_an_academys_own_cycle_closes_it_and_the_new_academys_cycle_opens_one(world):
    old_cycle = world.open_cycle("teachers", academy_id=world.academy_id)
    elsewhere = uuid.uuid4()
    new_cycle = world.open_cycle("teachers", academy_id=elsewhere)
    person = world.join()

    world.deliver(world.staff_event("staff.updated", {**person, "academy_id": elsewhere}, changed=["academy_id"]))

    by_cycle = {a.cycle_id: a for a in world.appraisals_of(person["staff_id"])}
    assert (by_cycle[old_cycle].status, by_cycle[old_cycle].academy_id) == ("closed", world.academy_id)
    assert by_cycle[old_cycle].finished_reason == "moved to another academy in the trust"
    assert (by_cycle[new_cycle].status, by_cycle[new_cycle].academy_id) == ("not_started", elsewhere)
    assert [e["payload"]["cycle_id"] for e in world.outbox("appraisal.closed")] == [str(old_cycle)]


def test_an_older_staff_event_arriving_late_does_not_undo_a_newer_one(world):
    """A retried delivery can be overtaken: the leaver's snapshot must win over the update taken before it."""
    person = world.join()
    stale = world.staff_event("staff.updated", {**person, "post": "Head of Maths"})  # taken first...
    left = world.staff_event("staff.left", {**person, "leaving_date": TODAY - timedelta(days=1)})
    world.deliver(left)  # ...but delivered after the newer one
    world.deliver(stale)
    copy = world.staff_copy(person["staff_id"])
    assert (copy.leaving_date, copy.post) == (TODAY - timedelta(days=1), person["post"])
