"""The outbox relay: publishes committed outbox rows to the bus and marks them sent once confirmed."""
from __future__ import annotations

import json
import logging
import time
from datetime import datetime, timezone
from typing import Callable

from sqlalchemy import Table, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError

from .bus import Bus, BusUnavailable, OutgoingMessage

log = logging.getLogger(__name__)


class Relay:
    """At-least-once: a crash after the confirm but before the row is marked sends it again, and the
    consumers' inbox makes that harmless. Replicas may run side by side on PostgreSQL (SKIP LOCKED)."""

    def __init__(self, engine: Engine, outbox: Table, bus: Bus, *, batch_size: int = 500):
        self.engine = engine
        self.outbox = outbox
        self.bus = bus
        self.batch_size = batch_size

    def relay_once(self) -> int:
        """Publish one batch; returns how many rows were confirmed and marked sent."""
        query = (
            select(self.outbox.c.seq, self.outbox.c.event_id, self.outbox.c.event_type, self.outbox.c.envelope)
            .where(self.outbox.c.sent_at.is_(None))
            .order_by(self.outbox.c.seq)
            .limit(self.batch_size)
        )
        if self.engine.dialect.name == "sqlite":
            # SQLite has one writer lock per file; don't hold it while waiting on the bus.
            with self.engine.execution_options(staffroom_readonly=True).connect() as conn:
                rows = conn.execute(query).all()
                conn.rollback()
            if rows:
                self._publish(rows)
                with self.engine.begin() as conn:
                    self._mark_sent(conn, rows)
            return len(rows)
        with self.engine.begin() as conn:
            rows = conn.execute(query.with_for_update(skip_locked=True)).all()
            if rows:
                self._publish(rows)
                self._mark_sent(conn, rows)
        return len(rows)

    def _publish(self, rows) -> None:
        self.bus.publish([
            OutgoingMessage(
                message_id=str(row.event_id), routing_key=row.event_type,
                body=json.dumps(row.envelope, separators=(",", ":")).encode(),
                headers={"correlation_id": row.envelope.get("correlation_id", "")},
            )
            for row in rows
        ])

    def _mark_sent(self, conn, rows) -> None:
        conn.execute(
            update(self.outbox)
            .where(self.outbox.c.seq.in_([row.seq for row in rows]))
            .values(sent_at=datetime.now(timezone.utc))
        )

    def run(self, should_stop: Callable[[], bool], *, idle_sleep: float = 0.05, max_backoff: float = 10.0) -> None:
        backoff = idle_sleep
        while not should_stop():
            try:
                sent = self.relay_once()
                backoff = idle_sleep
                if sent < self.batch_size:
                    time.sleep(idle_sleep)
            except (BusUnavailable, DBAPIError) as exc:
                log.warning("relay paused: %s; retrying in %.1fs", exc, backoff)
                time.sleep(backoff)
                backoff = min(backoff * 2, max_backoff)

    def unsent(self) -> int:
        from sqlalchemy import func

        with self.engine.execution_options(staffroom_readonly=True).connect() as conn:
            return conn.execute(select(func.count()).select_from(self.outbox).where(self.outbox.c.sent_at.is_(None))).scalar_one()
