"""Rebuild the read model from the events this service has stored, without asking any other service.

Every envelope the consumer applied is kept in `events`, in the order it was applied. A rebuild empties the
read model's tables and applies them all again, in one transaction, then judges every target (announcing a
status only if the rebuilt figures changed it). Definitions, statuses and the trend are the trust's own
records, not derived from events, so they stay.
"""
from __future__ import annotations

import uuid
from datetime import date, datetime, timezone

from staffroom_shared.log import correlation

from ..domain.targets import TARGETS
from .evaluation import evaluate
from .unit_of_work import TargetsUnitOfWork

BATCH = 500


def rebuild(uow: TargetsUnitOfWork, today: date | None = None) -> dict:
    today = today or datetime.now(timezone.utc).date()
    replayed = 0
    with correlation(f"targets-rebuild-{today}-{uuid.uuid4().hex[:8]}"), uow:
        uow.event_store.hold()  # no event is stored (or applied twice) while they are read
        uow.facts.clear()
        for event in uow.event_store.replay(BATCH):
            uow.facts.apply(event)
            replayed += 1
        counts = evaluate(uow, TARGETS, today)
        uow.commit()
    return {"replayed": replayed, "targets.met": counts["targets.met"], "targets.at_risk": counts["targets.at_risk"]}
