"""Actions on a real database (a SQLite file and PostgreSQL, built by the migrations): what a command stores reads
back the same, refusals leave nothing, and the lists pick the right rows."""
from __future__ import annotations

import uuid
from datetime import date, datetime, timezone

import pytest
from sqlalchemy.orm import Session

from staffroom_shared.errors import Conflict
from staffroom_shared.principal import Principal
from wellbeing.adapters.actions import ActionRepository
from wellbeing.domain.actions import ActionStatus
from wellbeing.service import actions

HR = Principal(staff_id=uuid.uuid4(), roles=frozenset({"staff", "trust_hr"}), academy_id=None, subject="hr")
NOW = datetime(2027, 2, 1, 9, 30, tzinfo=timezone.utc)


def test_an_action_its_updates_and_its_publishing_read_back_as_stored(world):
    owner = world.join()
    made = actions.create(world.context.uow(), HR, {
        "title": "Quieter Wednesdays", "description": "No meetings after school", "measure": "enps", "run_id": None,
        "academy_id": None, "staff_type": "support", "owner_id": owner["staff_id"], "due_on": date(2027, 7, 1)},
        now=NOW)
    me = Principal(staff_id=owner["staff_id"], roles=frozenset({"staff"}), academy_id=world.academy_id,
                   subject="owner")
    actions.post_update(world.context.uow(), me, made.id, "Started \u2014 with \u00e9lan", ActionStatus.IN_PROGRESS,
                        today=date(2027, 2, 3))
    actions.publish(world.context.uow(), HR, made.id, now=NOW)
    with pytest.raises(Conflict):
        actions.publish(world.context.uow(), HR, made.id, now=NOW)
    with Session(world.context.engine) as session:
        stored = ActionRepository(session)
        [back] = stored.listed([uuid.uuid4()], published=True)  # the trust's, seen from any academy
        assert (back.status, back.staff_type, back.published_at) == (ActionStatus.IN_PROGRESS, "support", NOW)
        assert back.updates == [{"on": "2027-02-03", "text": "Started \u2014 with \u00e9lan"}]
        assert [a.id for a in stored.led_by(owner["staff_id"])] == [made.id]
        assert stored.led_by(uuid.uuid4()) == []
    assert [e["payload"]["staff_type"] for e in world.outbox("wellbeing.action_published")] == ["support"]
