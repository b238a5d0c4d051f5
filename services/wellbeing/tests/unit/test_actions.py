"""Action plans: the aggregate's rules with no I/O, and the commands against the in-memory unit of work (what changed,
what was published and audited, and that a refusal commits nothing)."""
from __future__ import annotations

import uuid
from datetime import date, datetime, timezone

import pytest

from staffroom_shared.errors import Conflict, Forbidden, NotFound, Unprocessable
from staffroom_shared.principal import Principal
from wellbeing.domain.actions import Action, ActionError, ActionStatus, before_and_after
from wellbeing.domain.events import ActionPublished
from wellbeing.domain.model import StaffMember
from wellbeing.service import actions

from .fakes import FakeWellbeingUnitOfWork

OAK, ELM = uuid.UUID(int=1), uuid.UUID(int=2)
NOW = datetime(2027, 2, 1, 9, tzinfo=timezone.utc)
HR = Principal(staff_id=uuid.uuid4(), roles=frozenset({"staff", "trust_hr"}), academy_id=None, subject="hr")
OAK_HR = Principal(staff_id=uuid.uuid4(), roles=frozenset({"staff", "academy_hr"}), academy_id=OAK, subject="oak-hr")


def person(uow, academy=OAK, first="Ada", leaving=None) -> Principal:
    staff_id = uuid.uuid4()
    uow.staff.rows[staff_id] = StaffMember(staff_id, academy, "teaching", date(2020, 9, 1), leaving)
    uow.staff.details[staff_id] = {"first_name": first, "last_name": "Lovelace"}
    return Principal(staff_id=staff_id, roles=frozenset({"staff"}), academy_id=academy, subject=first.lower())


@pytest.fixture
def uow():
    uow = FakeWellbeingUnitOfWork(actor="hr")
    uow.academies.rows.update({OAK: "Oak", ELM: "Elm"})
    return uow


def plan(uow, principal=HR, **extra) -> Action:
    owner = extra.pop("owner", None) or person(uow)
    return actions.create(uow, principal, {
        "title": "Protect planning time", "description": "No meetings on Wednesdays", "measure": "hse.demands",
        "run_id": None, "academy_id": OAK, "staff_type": None, "owner_id": owner.staff_id,
        "due_on": date(2027, 7, 1), **extra}, now=NOW)


def state(uow) -> tuple:
    return uow.commits, len(uow.published), len(uow.audits)


# -- the aggregate ----------------------------------------------------------------------------------------

def action(**extra) -> Action:
    return Action(**{"title": "T", "description": "D", "measure": "enps", "measure_title": "eNPS", "academy_id": None,
                     "staff_type": None, "owner_id": uuid.uuid4(), "due_on": date(2027, 7, 1), "created_by": "hr",
                     "created_at": NOW, **extra})


def test_a_new_action_is_a_planned_draft_that_records_nothing():
    made = action()
    assert made.status is ActionStatus.PLANNED and not made.published and made.recorded == []


def test_publishing_records_whom_it_is_for_once():
    made = action(academy_id=OAK, staff_type="support")
    made.publish(NOW)
    [event] = made.recorded
    assert isinstance(event, ActionPublished) and (event.academy_id, event.staff_type) == (OAK, "support")
    with pytest.raises(ActionError) as refused:
        made.publish(NOW)
    assert refused.value.field is None  # a stage: 409


@pytest.mark.parametrize("path, allowed", [
    (["in_progress", "done"], True), (["done"], True), (["dropped"], True), (["in_progress", "dropped"], True),
    (["done", "in_progress"], False), (["dropped", "planned"], False), (["in_progress", "planned"], False),
])
def test_status_moves_only_forward(path, allowed):
    made = action()
    try:
        for step in path:
            made.move_to(ActionStatus(step))
    except ActionError:
        assert not allowed
    else:
        assert allowed


def test_a_published_action_keeps_its_group_and_measure():
    made = action()
    made.publish(NOW)
    made.edit(NOW.date(), title="Clearer", academy_id=None)  # unchanged group: fine
    with pytest.raises(ActionError, match="staff were told"):
        made.edit(NOW.date(), academy_id=OAK)
    assert made.academy_id is None and made.title == "Clearer"


def test_an_action_is_due_today_or_later_when_planned_or_its_date_changed():
    with pytest.raises(ActionError) as refused:
        action(due_on=date(2027, 1, 31))  # the day before NOW: overdue the moment it was planned
    assert refused.value.field == "due_on"
    made = action(due_on=NOW.date())  # today will do
    with pytest.raises(ActionError, match="today or later"):
        made.edit(date(2027, 2, 3), due_on=date(2027, 2, 2))
    made.edit(date(2027, 3, 1), title="Still due on 1 February")  # a date passed may stay while the title changes
    assert made.due_on == date(2027, 2, 1) and made.title == "Still due on 1 February"


def test_updates_are_kept_dated_in_order():
    made = action()
    made.post_update("Started", date(2027, 2, 1))
    made.post_update("Halfway", date(2027, 3, 1))
    assert [(u["on"], u["text"]) for u in made.updates] == [("2027-02-01", "Started"), ("2027-03-01", "Halfway")]


BEFORE, AFTER = uuid.uuid4(), uuid.uuid4()


def point(run_id, withheld=None):
    return {"run_id": run_id, "title": "S", "closed_on": date(2027, 1, 1), "mean": 3.1, "favourable": None,
            "withheld": withheld}


@pytest.mark.parametrize("points, before, after, status", [
    ([point(BEFORE), point(AFTER)], BEFORE, AFTER, "shown"),
    ([point(BEFORE), point(AFTER, withheld="not compared")], BEFORE, AFTER, "not_compared"),
    ([point(AFTER)], BEFORE, AFTER, "hidden"),        # the earlier survey's figure for the group is hidden
    ([point(BEFORE)], BEFORE, AFTER, "hidden"),
    ([point(BEFORE)], BEFORE, None, "waiting"),
    ([], None, None, "no_before"),
])
def test_before_and_after_only_where_the_trend_shows_both(points, before, after, status):
    found = before_and_after(points, before, after)
    assert found["status"] == status
    assert ("before" in found) == (status == "shown") and ("after" in found) == (status == "shown")
    if status != "shown":
        assert found["note"]


def test_until_the_after_the_before_is_shown_alone_where_its_report_shows_it():
    waiting = before_and_after([], BEFORE, None, point(BEFORE))
    assert waiting["status"] == "waiting" and waiting["before"]["mean"] == 3.1 and "after" not in waiting
    hidden = before_and_after([], BEFORE, None, None)
    assert "before" not in hidden and "too few answers from this group" in hidden["note"]


# -- the commands -----------------------------------------------------------------------------------------

def test_hr_plans_an_action_for_an_academy_and_it_is_audited_not_announced(uow):
    made = plan(uow)
    assert uow.actions.rows[made.id] is made and made.measure_title == "Demands"
    assert uow.audits[-1]["action"] == "create" and uow.audits[-1]["entity"] == "action"
    assert uow.published == [] and uow.commits == 1


def test_publishing_announces_the_group_and_no_people(uow):
    made = plan(uow, staff_type="teaching")
    actions.publish(uow, HR, made.id, now=NOW)
    [payload] = uow.payloads("wellbeing.action_published")
    assert payload["academy_id"] == str(OAK) and payload["staff_type"] == "teaching"
    assert set(payload) == {"action_id", "title", "measure", "measure_title", "academy_id", "staff_type", "owner_id",
                            "due_on"}
    before = state(uow)
    with pytest.raises(Conflict):
        actions.publish(uow, HR, made.id, now=NOW)
    assert state(uow) == before


@pytest.mark.parametrize("principal, extra, refusal", [
    (OAK_HR, {"academy_id": None}, Forbidden),                          # the trust's: trust HR's
    (OAK_HR, {"academy_id": ELM}, Forbidden),                           # another academy
    (HR, {"academy_id": uuid.UUID(int=99)}, Unprocessable),             # an academy nobody told us of
    (HR, {"measure": "no.such"}, Unprocessable),
    (HR, {"measure": "custom.wellbeing"}, Unprocessable),               # a run's own question needs the run
    (HR, {"run_id": uuid.uuid4()}, Unprocessable),                      # no such survey
    (HR, {"owner_id": uuid.uuid4()}, Unprocessable),                    # nobody in the staff copy
])
def test_planning_refused_commits_nothing(uow, principal, extra, refusal):
    owner = person(uow)
    with pytest.raises(refusal):
        plan(uow, principal, owner=owner, **extra)
    assert uow.actions.rows == {} and state(uow) == (0, 0, 0)


def test_an_academy_s_hr_names_an_owner_from_their_own_academy(uow):
    with pytest.raises(Unprocessable):
        plan(uow, OAK_HR, owner=person(uow, academy=ELM))
    made = plan(uow, OAK_HR, owner=person(uow, academy=OAK))
    assert made.academy_id == OAK


def test_a_leaver_cannot_lead_an_action(uow):
    with pytest.raises(Unprocessable):
        plan(uow, owner=person(uow, leaving=date(2020, 1, 1)))


def test_the_owner_posts_progress_and_moves_the_status(uow):
    owner = person(uow)
    made = plan(uow, owner=owner)
    actions.post_update(uow, owner, made.id, "Wednesdays cleared", ActionStatus.IN_PROGRESS, today=date(2027, 2, 3))
    assert made.status is ActionStatus.IN_PROGRESS and made.updates[-1]["text"] == "Wednesdays cleared"
    assert uow.audits[-1]["action"] == "update"


def test_a_status_the_action_cannot_take_is_409_and_changes_nothing(uow):
    owner = person(uow)
    made = plan(uow, owner=owner)
    actions.post_update(uow, owner, made.id, "Done", ActionStatus.DONE)
    before = state(uow)
    with pytest.raises(Conflict):
        actions.post_update(uow, owner, made.id, "Again", ActionStatus.IN_PROGRESS)
    assert made.status is ActionStatus.DONE and len(made.updates) == 1 and state(uow) == before


def test_someone_else_cannot_post_progress_nor_see_a_draft(uow):
    made = plan(uow)
    stranger = person(uow, first="Bob")
    with pytest.raises(NotFound):  # a draft is not theirs to know of
        actions.post_update(uow, stranger, made.id, "Hello")
    actions.publish(uow, HR, made.id, now=NOW)
    with pytest.raises(Forbidden):
        actions.post_update(uow, stranger, made.id, "Hello")


def test_a_due_date_in_the_past_is_a_422_naming_it_and_changes_nothing(uow):
    with pytest.raises(Unprocessable) as refused:
        plan(uow, due_on=date(1900, 1, 1))
    assert refused.value.extensions["errors"][0]["pointer"] == "#/due_on" and uow.actions.rows == {} and state(uow) == (0, 0, 0)
    made = plan(uow)
    before = state(uow)
    with pytest.raises(Unprocessable):
        actions.edit(uow, HR, made.id, {"due_on": date(2027, 1, 1)}, today=NOW.date())
    assert made.due_on == date(2027, 7, 1) and state(uow) == before


def test_a_published_action_s_group_cannot_change_409(uow):
    made = plan(uow)
    actions.publish(uow, HR, made.id, now=NOW)
    before = state(uow)
    with pytest.raises(Conflict):
        actions.edit(uow, HR, made.id, {"academy_id": ELM})
    assert made.academy_id == OAK and state(uow) == before
