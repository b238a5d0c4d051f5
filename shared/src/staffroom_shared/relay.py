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
from .uow import OUTBOX_CHANNEL

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

    def run(self, should_stop: Callable[[], bool], *, idle_sleep: float = 0.05, idle_wait: float = 1.0,
            max_backoff: float = 10.0) -> None:
        """Relay until `should_stop()`. Between batches an idle relay on PostgreSQL waits for the NOTIFY that
        commits with outbox rows send (UnitOfWork.commit), looking again after `idle_wait` seconds even without
        one; on SQLite it looks every `idle_sleep` seconds."""
        backoff = idle_sleep
        wakeups = _Wakeups(self.engine) if self.engine.dialect.name == "postgresql" else None
        try:
            while not should_stop():
                try:
                    if wakeups is not None:
                        wakeups.listen()  # before looking, so no commit after the look goes unheard
                    sent = self.relay_once()
                    backoff = idle_sleep
                    if sent < self.batch_size:
                        if wakeups is not None:
                            wakeups.wait(idle_wait, should_stop)
                        else:
                            time.sleep(idle_sleep)
                except (BusUnavailable, DBAPIError, _ListenFailed) as exc:
                    log.warning("relay paused: %s; retrying in %.1fs", exc, backoff)
                    time.sleep(backoff)
                    backoff = min(backoff * 2, max_backoff)
        finally:
            if wakeups is not None:
                wakeups.close()

    def unsent(self) -> int:
        from sqlalchemy import func

        with self.engine.execution_options(staffroom_readonly=True).connect() as conn:
            return conn.execute(select(func.count()).select_from(self.outbox).where(self.outbox.c.sent_at.is_(None))).scalar_one()


class _ListenFailed(Exception):
    pass


class _Wakeups:
    """A connection of its own that LISTENs on the outbox channel (PostgreSQL), so an idle relay costs nothing
    and still hears of a new event as soon as its transaction commits."""

    STOP_CHECK = 0.5

    def __init__(self, engine: Engine):
        self.engine = engine
        self.conn = None

    def listen(self) -> None:
        import psycopg

        if self.conn is not None:
            return
        try:
            url = self.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
            self.conn = psycopg.connect(url, autocommit=True, connect_timeout=10)
            self.conn.execute(f"LISTEN {OUTBOX_CHANNEL}")
        except psycopg.Error as exc:
            self.close()
            raise _ListenFailed(f"cannot LISTEN for outbox commits: {exc}") from None

    def wait(self, timeout: float, should_stop: Callable[[], bool]) -> None:
        """Until a notification arrives, `timeout` passes or `should_stop()` (checked every STOP_CHECK seconds).
        Several commits may have notified meanwhile: one look at the outbox serves them all, so the rest are read
        and dropped."""
        import psycopg

        deadline = time.monotonic() + timeout
        try:
            while not should_stop() and (left := deadline - time.monotonic()) > 0:
                if any(True for _ in self.conn.notifies(timeout=min(left, self.STOP_CHECK), stop_after=1)):
                    for _ in self.conn.notifies(timeout=0):
                        pass
                    return
        except psycopg.Error as exc:
            self.close()
            raise _ListenFailed(f"lost the LISTEN connection: {exc}") from None

    def close(self) -> None:
        if self.conn is not None:
            try:
                self.conn.close()
            finally:
                self.conn = None
