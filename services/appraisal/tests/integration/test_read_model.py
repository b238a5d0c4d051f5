"""The read model on both databases: a change to any row an appraisal is made of rewrites its document in the
same commit (the autouse check in tests/conftest.py compares every document with a fresh render after each
commit; these tests make sure each kind of row is changed at least once)."""
from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import update

from appraisal.adapters.read_model import rebuild_all
from appraisal.adapters.orm import appraisal_documents, appraisals
from appraisal.domain.model import Stage, Status
from appraisal.service import appraisals as commands
from staffroom_shared.principal import Principal

TODAY = date.today()


def _staff(world, staff_id) -> Principal:
    return Principal(staff_id=staff_id, roles=frozenset({"staff"}), academy_id=world.academy_id, subject=str(staff_id))


def _appraisal_with_everything(world) -> uuid.UUID:
    """An appraisal with an agreed objective, a progress update, an observation, a meeting and a mid-year review."""
    manager = world.join()["staff_id"]
    reviewee = world.join(line_manager_id=manager)["staff_id"]
    world.open_cycle("teachers")
    (row,) = world.appraisals_of(reviewee)
    appraiser, uow = _staff(world, manager), world.context.uow
    objective = commands.add_objective(uow(), appraiser, row.id, {
        "title": "Raise Year 6 reading", "description": "By July, 85% at the expected standard",
        "type": "pupil_outcomes", "success_criteria": "KS2 reading at or above 85%"})
    commands.agree_objectives(uow(), appraiser, row.id)
    commands.agree_objectives(uow(), _staff(world, reviewee), row.id)
    commands.record_progress(uow(), appraiser, row.id, objective.id, {"note": "Groups started", "evidence": None})
    commands.add_observation(uow(), appraiser, row.id, {
        "kind": "lesson_observation", "observed_on": TODAY, "focus": "Questioning", "strengths": "Wait time",
        "areas_to_develop": "Challenge"})
    commands.schedule_meeting(uow(), appraiser, row.id, {
        "kind": "mid_year_review", "starts_at": datetime(2027, 2, 10, 15, 30, tzinfo=timezone(timedelta(hours=1))),
        "minutes": 45, "location": "Maths office"})
    commands.complete_review(uow(), appraiser, row.id, Stage.MID_YEAR, {
        "assessments": {objective.id: {"rating": "met", "comment": "On track"}},
        "overall_outcome": "meets_expectations", "development_needs": []},
        today=date.today() + timedelta(days=120))  # the day it is due (World.open_cycle), within its window
    return row.id


def _document(world, appraisal_id) -> str:
    (row,) = world.rows(appraisal_documents, appraisal_documents.c.appraisal_id == appraisal_id)
    return row.document


# Each edits one kind of row, and only that row (no command does it alone, e.g. a progress note changed in place).
EDITS = {
    "appraisal": lambda a: setattr(a, "sign_off_comment", "edited"),
    "objective": lambda a: setattr(a.objectives[0], "title", "edited"),
    "progress update": lambda a: setattr(a.objectives[0].progress[0], "note", "edited"),
    "review": lambda a: setattr(a.reviews[0], "summary", "edited"),
    "observation": lambda a: setattr(a.observations[0], "focus", "edited"),
    "meeting": lambda a: setattr(a.meetings[0], "location", "edited"),
}


@pytest.mark.parametrize("edit", EDITS, ids=lambda name: name.replace(" ", "_"))
def test_a_change_to_any_row_of_an_appraisal_rewrites_its_document(world, edit):
    appraisal_id = _appraisal_with_everything(world)
    before = _document(world, appraisal_id)

    with world.context.uow() as uow:
        EDITS[edit](uow.appraisals.get(appraisal_id))
        uow.commit()

    after = _document(world, appraisal_id)
    assert after != before and '"edited"' in after


def test_a_meeting_is_stored_as_it_reads_back_in_utc(world):
    appraisal_id = _appraisal_with_everything(world)
    assert '"starts_at": "2027-02-10T14:30:00+00:00"' in _document(world, appraisal_id)


def test_rows_added_out_of_order_are_stored_in_the_order_they_read_back(world):
    """A change re-reads the collections it added to (not only the new rows), so a meeting booked before one
    already booked, and an observation dated before one already made, come first in the document, as a
    fresh read orders them (the autouse check after each commit compares them whole)."""
    appraisal_id = _appraisal_with_everything(world)
    (row,) = world.rows(appraisals, appraisals.c.id == appraisal_id)
    appraiser, uow = _staff(world, row.appraiser_id), world.context.uow
    commands.schedule_meeting(uow(), appraiser, appraisal_id, {
        "kind": "end_of_year_review", "starts_at": datetime(2027, 1, 5, 8, 0, tzinfo=timezone.utc), "minutes": 15,
        "location": "Staffroom"})
    commands.add_observation(uow(), appraiser, appraisal_id, {
        "kind": "lesson_observation", "observed_on": TODAY - timedelta(days=30), "focus": "Earlier",
        "strengths": "Routines", "areas_to_develop": "Pace"})
    document = _document(world, appraisal_id)
    assert document.index('"Staffroom"') < document.index('"Maths office"')
    assert document.index('"Earlier"') < document.index('"Questioning"')


def test_handler_changes_rewrite_the_document(world):
    manager, new_manager = uuid.uuid4(), uuid.uuid4()
    world.open_cycle("teachers")
    person = world.join(line_manager_id=manager)  # a joiner in an open cycle: created with its document
    (row,) = world.appraisals_of(person["staff_id"])
    assert f'"appraiser_id": "{manager}"' in _document(world, row.id)

    world.deliver(world.staff_event("staff.updated", {**person, "line_manager_id": new_manager},
                                    changed=["line_manager_id"]))
    assert f'"appraiser_id": "{new_manager}"' in _document(world, row.id)

    world.deliver(world.staff_event("staff.left", {**person, "leaving_date": TODAY - timedelta(days=1)}))
    assert '"status": "closed"' in _document(world, row.id)


def test_a_document_left_behind_is_noticed(world, stale_documents):
    """The check the other tests rely on can fail: a write that goes round the read model is caught."""
    appraisal_id = _appraisal_with_everything(world)
    assert stale_documents(world.context.engine) == []
    with world.context.engine.begin() as conn:
        conn.execute(update(appraisals).where(appraisals.c.id == appraisal_id).values(status=Status.WITHDRAWN))

    [problem] = stale_documents(world.context.engine)
    assert str(appraisal_id) in problem and "document.status" in problem

    with world.context.engine.begin() as conn:  # put it back, so the commit check at teardown has nothing to say
        conn.execute(update(appraisals).where(appraisals.c.id == appraisal_id).values(status=Status.MID_YEAR_REVIEWED))
    assert stale_documents(world.context.engine) == []


def test_rebuilding_every_document_puts_right_one_that_is_out_of_date(world, stale_documents):
    appraisal_id = _appraisal_with_everything(world)
    with world.context.engine.begin() as conn:  # as if written by an older release
        conn.execute(update(appraisal_documents).where(appraisal_documents.c.appraisal_id == appraisal_id)
                     .values(document="{}"))
    assert stale_documents(world.context.engine) != []
    with world.context.uow() as uow:
        assert rebuild_all(uow.session) >= 1
        uow.commit()
    assert stale_documents(world.context.engine) == []
