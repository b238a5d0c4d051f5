"""HR opening or closing one cycle twice at the same moment (outsider, issue 22): on PostgreSQL four requests of six
opened one draft cycle, and four appraisal.cycle_opened went out for it. The cycle's row is locked for the change, so
one opens it and the rest are told it is open already."""
from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta

from staffroom_shared.errors import Conflict

from appraisal.service.cycles import close_cycle, create_cycle, open_cycle

from .conftest import TRUST_HR

AT_ONCE = 4


def at_once(command) -> list[str]:
    barrier = threading.Barrier(AT_ONCE)

    def attempt(_):
        barrier.wait()
        try:
            command()
            return "done"
        except Conflict:
            return "refused"

    with ThreadPoolExecutor(AT_ONCE) as pool:
        return sorted(pool.map(attempt, range(AT_ONCE)))


def test_a_cycle_opened_and_closed_by_several_at_once_opens_and_closes_once(world):
    today = date.today()
    cycle = create_cycle(world.context.uow(), TRUST_HR, {
        "name": "Nobody to appraise", "template": "leaders", "academy_id": None,
        "starts_on": today - timedelta(days=60), "objectives_due": today + timedelta(days=30),
        "mid_year_due": today + timedelta(days=120), "end_of_year_due": today + timedelta(days=200),
        "ends_on": today + timedelta(days=250)})

    opened = at_once(lambda: open_cycle(world.context.uow(), TRUST_HR, cycle.id, today=today))
    closed = at_once(lambda: close_cycle(world.context.uow(), TRUST_HR, cycle.id))

    assert opened == closed == ["done"] + ["refused"] * (AT_ONCE - 1)
    assert len(world.outbox("appraisal.cycle_opened")) == 1
    audit = [row.action for row in world.rows(world.context.metadata.tables["audit_log"])]
    assert audit.count("cycle.opened") == 1 and audit.count("cycle.closed") == 1
