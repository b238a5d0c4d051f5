"""Unit of work: one database transaction holding the change, its outbox events and its audit rows."""
from __future__ import annotations

import uuid
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import MetaData, text
from sqlalchemy.orm import Session, sessionmaker

from .events import Event, new_event
from .log import current_correlation_id

# PostgreSQL: each commit that writes outbox rows notifies this channel, on which the relay LISTENs.
OUTBOX_CHANNEL = "staffroom_outbox"
OUTBOX_CHUNK = 1000  # outbox rows written per statement


class UnitOfWork:
    """`with uow:` opens a session; `commit()` writes the change, its events and its audit trail together.

    Events never go straight to the bus: they are rows in the outbox, published later by the relay,
    so a change and the news of it are committed or lost together (no dual writes).
    """

    def __init__(self, session_factory: sessionmaker, metadata: MetaData, producer: str, actor: str = "system"):
        self._session_factory = session_factory
        self.metadata = metadata
        self._outbox = metadata.tables["outbox"]
        self._audit = metadata.tables["audit_log"]
        self.producer = producer
        self.actor = actor
        self.session: Session | None = None
        self.events: list[Event] = []
        self._after_commit: list = []

    def __enter__(self) -> "UnitOfWork":
        self.session = self._session_factory()
        self.events = []
        self._after_commit = []
        self.correlation_id = current_correlation_id()  # one id for everything this unit of work does
        return self

    def __exit__(self, *exc) -> None:
        try:
            self.session.rollback()
        finally:
            self.session.close()
            self.session = None

    def emit(self, event_type: str, payload: dict, *, academy_id: uuid.UUID | None, version: int = 1) -> Event:
        event = new_event(
            event_type, payload, producer=self.producer, correlation_id=self.correlation_id,
            academy_id=academy_id, version=version,
        )
        self.events.append(event)
        return event

    def audit(self, action: str, entity: str, entity_id: Any, changes: dict | None = None, note: str | None = None) -> None:
        self.session.execute(self._audit.insert().values(
            at=datetime.now(timezone.utc), actor=self.actor, action=action, entity=entity,
            entity_id=str(entity_id), changes=_jsonable(changes), correlation_id=self.correlation_id, note=note,
        ))

    def commit(self) -> None:
        if self.events:
            now = datetime.now(timezone.utc)
            for start in range(0, len(self.events), OUTBOX_CHUNK):  # a big import's envelopes are not all in memory at once
                self.session.execute(self._outbox.insert(), [
                    {"event_id": e.id, "event_type": e.type, "envelope": e.to_dict(), "created_at": now, "sent_at": None}
                    for e in self.events[start:start + OUTBOX_CHUNK]
                ])
            if self.session.get_bind().dialect.name == "postgresql":
                self.session.execute(text(f"NOTIFY {OUTBOX_CHANNEL}"))  # wakes the relay when this commits
        self.session.commit()
        self.events = []
        done, self._after_commit = self._after_commit, []
        for then in done:
            then()

    def after_commit(self, then) -> None:
        """Run `then()` once this unit of work's change has committed (never if it rolls back)."""
        self._after_commit.append(then)

    def rollback(self) -> None:
        self.session.rollback()
        self.events = []


def _jsonable(value):
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [_jsonable(v) for v in value]
    return str(value)
