"""Trust HR changing a target's threshold, at-risk line, window or deadline (PATCH /targets/<key>) on a real
database, SQLite and PostgreSQL: the change, its audit row and any announcement commit together; a refused change
leaves nothing behind, not even the definition's row the lock would have made."""
from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from staffroom_shared.errors import Forbidden, Unprocessable
from staffroom_shared.principal import Principal
from targets.adapters.orm import definitions, statuses
from targets.service.commands import change_definition
from targets.adapters.definitions import load

TODAY = datetime.now(timezone.utc).date()
KEY = "induction_for_new_starters"
TRUST_HR = Principal(uuid.uuid4(), frozenset({"staff", "trust_hr"}), None, "trust-hr")


def audit_rows(world) -> list:
    audit_log = world.context.metadata.tables["audit_log"]
    return world.rows(audit_log, audit_log.c.entity_id == KEY)


def test_a_lower_threshold_and_a_deadline_are_kept_audited_and_announced_together(world):
    starters = [world.starter(TODAY - timedelta(days=30)) for _ in range(4)]
    for person in starters[:3]:
        world.enrol(person, "staff_induction", TODAY - timedelta(days=1))
    world.judge()
    deadline = TODAY + timedelta(days=200)

    new = change_definition(world.context.uow(actor=TRUST_HR.actor), TRUST_HR, KEY,
                            {"threshold": 75, "at_risk_below": 50, "deadline": deadline})

    assert (new.threshold, new.at_risk_below, new.deadline, new.window_months) == (75, 50, deadline, 12)
    with world.context.read_sessions() as session:
        assert load(session, KEY) == new
    [row] = world.rows(definitions, definitions.c.key == KEY)
    assert row.updated_by == TRUST_HR.actor
    assert {(r.scope, r.status) for r in world.rows(statuses, statuses.c.key == KEY)} == {
        ("trust", "met"), (str(world.academy_id), "met")}
    assert [(e["payload"]["status"], e["payload"]["previous_status"], e["payload"]["threshold"])
            for e in world.outbox("targets.met")] == [("met", "at_risk", 75.0), ("met", "at_risk", 75.0)]
    [audit] = audit_rows(world)
    assert (audit.actor, audit.action) == (TRUST_HR.actor, "target_definition_set")
    assert audit.changes == {"threshold": {"from": 100.0, "to": 75.0}, "at_risk_below": {"from": 90.0, "to": 50.0},
                             "deadline": {"from": None, "to": deadline.isoformat()}}


@pytest.mark.parametrize("who, changes, refused", [
    (TRUST_HR, {"threshold": 85}, Unprocessable),  # under the at-risk line it would leave where it is
    (Principal(uuid.uuid4(), frozenset({"staff", "academy_hr"}), uuid.uuid4(), "academy-hr"), {"threshold": 50},
     Forbidden),
])
def test_a_refused_change_leaves_nothing_behind(world, who, changes, refused):
    world.starter(TODAY - timedelta(days=30))
    world.judge()
    held = world.rows(definitions), world.rows(statuses), world.outbox(), audit_rows(world)
    with pytest.raises(refused):
        change_definition(world.context.uow(actor=who.actor), who, KEY, changes)
    assert (world.rows(definitions), world.rows(statuses), world.outbox(), audit_rows(world)) == held
    with world.context.read_sessions() as session:
        assert session.scalar(select(definitions.c.threshold).where(definitions.c.key == KEY)) in (None, 100.0)
