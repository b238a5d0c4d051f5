"""Rebuild the read model from the events this service has stored, without asking any other service.

Every envelope the consumer applied is kept in `events`, in the order it was applied. A rebuild empties the
read model's tables and applies them all again, in one transaction, then judges every target (announcing a
status only if the rebuilt figures changed it). Definitions, statuses and the trend are the trust's own
records, not derived from events, so they stay.
"""
from __future__ import annotations

import uuid
from datetime import date, datetime, timezone

from sqlalchemy import delete, select, text

from staffroom_shared.events import parse_event
from staffroom_shared.log import correlation
from staffroom_shared.uow import UnitOfWork

from ..adapters.orm import READ_MODEL, events
from ..domain.targets import TARGETS
from .evaluation import evaluate
from .handlers import APPLY

BATCH = 500


def rebuild(uow: UnitOfWork, today: date | None = None) -> dict:
    today = today or datetime.now(timezone.utc).date()
    replayed = 0
    with correlation(f"targets-rebuild-{today}-{uuid.uuid4().hex[:8]}"), uow:
        session = uow.session
        if session.get_bind().dialect.name == "postgresql":
            # Consumers wait until the rebuild commits (SQLite's write lock does the same), so no event is
            # stored while the events are read and none is applied twice.
            session.execute(text("LOCK TABLE events IN SHARE MODE"))
        for table in reversed(READ_MODEL):
            session.execute(delete(table))
        last = 0
        while True:
            batch = session.execute(select(events.c.seq, events.c.envelope).where(events.c.seq > last)
                                    .order_by(events.c.seq).limit(BATCH)).all()
            if not batch:
                break
            for row in batch:
                event = parse_event(row.envelope)
                APPLY[event.type](session, event)
            replayed += len(batch)
            last = batch[-1].seq
        counts = evaluate(uow, TARGETS, today)
        uow.commit()
    return {"replayed": replayed, "targets.met": counts["targets.met"], "targets.at_risk": counts["targets.at_risk"]}
