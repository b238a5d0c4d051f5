"""A broker-less bus in one SQLite file, safe across processes and against kill -9 at any moment.

kombu's memory://, filesystem:// and sqla+ transports remove a message when it is fetched, so a
crash between fetch and ack loses it. Here a delivery is leased, not removed: the row stays until
the handler has committed and we delete it (the ack); a lease that runs out is delivered again.
A publish is one committed transaction (synchronous=FULL), which is our publisher confirm.
"""
from __future__ import annotations

import json
import logging
import os
import sqlite3
import threading
import time
import uuid
from pathlib import Path
from typing import Callable, Sequence

from .messages import MAX_ATTEMPTS, BusUnavailable, DeadLetter, Delivery, Handler, OutgoingMessage, PoisonMessage, topic_matches

log = logging.getLogger(__name__)
FORGET_AFTER = 1.0  # seconds a consumer idles after handling a message before it empties the write-ahead log
FORGET_EVERY = 60.0  # and at least this often while idle (forget_delivered)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS bindings (
    queue TEXT NOT NULL, pattern TEXT NOT NULL, PRIMARY KEY (queue, pattern)
);
CREATE TABLE IF NOT EXISTS deliveries (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    queue TEXT NOT NULL, message_id TEXT NOT NULL, routing_key TEXT NOT NULL,
    body BLOB NOT NULL, headers TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0, visible_at REAL NOT NULL, lease TEXT
);
CREATE INDEX IF NOT EXISTS ix_deliveries_queue_visible ON deliveries (queue, visible_at, seq);
CREATE TABLE IF NOT EXISTS dead_letters (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    queue TEXT NOT NULL, message_id TEXT NOT NULL, routing_key TEXT NOT NULL,
    body BLOB NOT NULL, headers TEXT NOT NULL, attempts INTEGER NOT NULL, reason TEXT NOT NULL, dead_at REAL NOT NULL
);
"""


class EmbeddedBus:
    def __init__(self, url: str, *, lease_seconds: float = 30.0, poll_interval: float = 0.02,
                 retry_delay: float = 0.5):
        self.path = _path_from_url(url)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.lease_seconds = lease_seconds
        self.poll_interval = poll_interval
        self.retry_delay = retry_delay
        self._local = threading.local()
        self._bindings_cache: tuple[float, list[tuple[str, str]]] | None = None
        self._conn().executescript(_SCHEMA)

    # -- connection handling: one connection per thread, autocommit mode with explicit transactions
    def _conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=FULL")
            conn.execute("PRAGMA busy_timeout=30000")
            conn.execute("PRAGMA secure_delete=ON")  # a delivered message's bytes are zeroed when it is deleted
            self._local.conn = conn
        return conn

    def _tx(self):
        bus = self

        class _Tx:
            def __enter__(self_inner):
                self_inner.db = bus._conn()
                self_inner.db.execute("BEGIN IMMEDIATE")
                return self_inner.db

            def __exit__(self_inner, exc_type, *_):
                self_inner.db.execute("ROLLBACK" if exc_type else "COMMIT")

        return _Tx()

    # -- topology
    def declare(self, queue: str, bindings: Sequence[str], max_attempts: int = MAX_ATTEMPTS) -> None:
        # max_attempts is accepted for parity with RabbitMQ (where it is a queue argument); here the
        # consumer counts attempts itself, so the queue needs no such setting.
        with self._tx() as db:
            db.executemany("INSERT OR IGNORE INTO bindings (queue, pattern) VALUES (?, ?)",
                           [(queue, pattern) for pattern in bindings])
        self._bindings_cache = None

    def _bindings(self, db: sqlite3.Connection) -> list[tuple[str, str]]:
        # Re-read at most once a second: a queue declared by another process is seen promptly.
        now = time.monotonic()
        if self._bindings_cache is None or now - self._bindings_cache[0] > 1.0:
            self._bindings_cache = (now, db.execute("SELECT queue, pattern FROM bindings").fetchall())
        return self._bindings_cache[1]

    # -- publishing
    def publish(self, messages: Sequence[OutgoingMessage]) -> None:
        if not messages:
            return
        try:
            with self._tx() as db:
                self._bindings_cache = None  # a publish must never miss a queue declared a moment ago
                bindings = self._bindings(db)
                now = time.time()
                rows = []
                for m in messages:
                    queues = sorted({q for q, pattern in bindings if topic_matches(pattern, m.routing_key)})
                    headers = json.dumps(m.headers)
                    rows.extend((q, m.message_id, m.routing_key, m.body, headers, now) for q in queues)
                db.executemany(
                    "INSERT INTO deliveries (queue, message_id, routing_key, body, headers, visible_at)"
                    " VALUES (?, ?, ?, ?, ?, ?)", rows)
        except sqlite3.OperationalError as exc:
            raise BusUnavailable(str(exc)) from exc

    # -- consuming
    def _lease_next(self, queue: str) -> tuple[int, Delivery] | None:
        lease = uuid.uuid4().hex
        with self._tx() as db:
            now = time.time()
            row = db.execute(
                "SELECT seq, message_id, routing_key, body, headers, attempts FROM deliveries"
                " WHERE queue = ? AND visible_at <= ? ORDER BY seq LIMIT 1", (queue, now)).fetchone()
            if row is None:
                return None
            seq, message_id, routing_key, body, headers, attempts = row
            db.execute("UPDATE deliveries SET attempts = attempts + 1, visible_at = ?, lease = ? WHERE seq = ?",
                       (now + self.lease_seconds, lease, seq))
        return seq, Delivery(message_id=message_id, routing_key=routing_key, body=bytes(body),
                             headers=json.loads(headers), attempt=attempts + 1)

    def _ack(self, seq: int) -> None:
        with self._tx() as db:
            db.execute("DELETE FROM deliveries WHERE seq = ?", (seq,))

    def _dead_letter(self, seq: int, reason: str) -> None:
        with self._tx() as db:
            db.execute(
                "INSERT INTO dead_letters (queue, message_id, routing_key, body, headers, attempts, reason, dead_at)"
                " SELECT queue, message_id, routing_key, body, headers, attempts, ?, ? FROM deliveries WHERE seq = ?",
                (reason[:2000], time.time(), seq))
            db.execute("DELETE FROM deliveries WHERE seq = ?", (seq,))

    def _retry_later(self, seq: int, attempt: int) -> None:
        delay = min(self.retry_delay * (2 ** (attempt - 1)), 60.0)
        with self._tx() as db:
            db.execute("UPDATE deliveries SET visible_at = ?, lease = NULL WHERE seq = ?", (time.time() + delay, seq))

    def consume(self, queue: str, bindings: Sequence[str], handler: Handler, *,
                should_stop: Callable[[], bool], max_attempts: int = MAX_ATTEMPTS) -> None:
        self.declare(queue, bindings)
        forgotten = last_handled = time.monotonic()
        while not should_stop():
            try:
                handled = self.consume_one(queue, handler, max_attempts=max_attempts)
                now = time.monotonic()
                if handled:
                    last_handled = now
                # Once a burst is over (outsider O6, issue 24: words HR had just removed stayed in bus.db-wal for a
                # minute inside subject access answers), and every FORGET_EVERY s anyway.
                elif (last_handled > forgotten and now - last_handled > FORGET_AFTER) or now - forgotten > FORGET_EVERY:
                    self.forget_delivered()
                    forgotten = time.monotonic()
            except sqlite3.Error as exc:
                # The bus file was busy or unreadable for a moment: the lease keeps the message safe.
                log.warning("embedded bus unavailable (%s); retrying", exc)
                handled = False
            if not handled:
                time.sleep(self.poll_interval)

    def forget_delivered(self) -> None:
        """Empty the write-ahead log, which still holds messages already delivered and deleted (issue 21: a person
        erased from every service could be read back from it). Run by a consumer FORGET_AFTER s after the last message
        it handled, and every FORGET_EVERY s while idle."""
        self._conn().execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def consume_one(self, queue: str, handler: Handler, *, max_attempts: int = MAX_ATTEMPTS) -> bool:
        """Handle the next visible delivery, if any; True when one was handled (or dead-lettered)."""
        leased = self._lease_next(queue)
        if leased is None:
            return False
        seq, delivery = leased
        if delivery.attempt > max_attempts:
            self._dead_letter(seq, f"delivered {max_attempts} times without being acknowledged")
            return True
        try:
            handler(delivery)
        except PoisonMessage as exc:
            self._dead_letter(seq, f"poison: {exc}")
        except Exception as exc:  # noqa: BLE001 - any failure is retried, then dead-lettered
            if delivery.attempt >= max_attempts:
                self._dead_letter(seq, f"failed {delivery.attempt} times; last error: {exc!r}")
            else:
                self._retry_later(seq, delivery.attempt)
        else:
            self._ack(seq)
        return True

    # -- dead letters
    def dead_letters(self, queue: str, limit: int = 100) -> list[DeadLetter]:
        rows = self._conn().execute(
            "SELECT message_id, routing_key, body, reason, attempts FROM dead_letters WHERE queue = ?"
            " ORDER BY seq LIMIT ?", (queue, limit)).fetchall()
        return [DeadLetter(m, r, bytes(b), reason, a) for m, r, b, reason, a in rows]

    def replay_dead_letters(self, queue: str, message_ids: Sequence[str] | None = None) -> int:
        with self._tx() as db:
            where, args = "queue = ?", [queue]
            if message_ids is not None:
                where += f" AND message_id IN ({','.join('?' * len(message_ids))})"
                args += list(message_ids)
            # `where` holds only column names and ? placeholders; every value goes as a parameter.
            db.execute(
                "INSERT INTO deliveries (queue, message_id, routing_key, body, headers, visible_at)"  # noqa: S608
                f" SELECT queue, message_id, routing_key, body, headers, ? FROM dead_letters WHERE {where} ORDER BY seq",
                [time.time(), *args])
            count = db.execute(f"DELETE FROM dead_letters WHERE {where}", args).rowcount  # noqa: S608
        return count

    # -- health
    def pending(self, queue: str) -> int:
        return self._conn().execute("SELECT count(*) FROM deliveries WHERE queue = ?", (queue,)).fetchone()[0]

    def ping(self) -> None:
        try:
            self._conn().execute("SELECT 1 FROM bindings LIMIT 1").fetchall()
        except sqlite3.Error as exc:
            raise BusUnavailable(str(exc)) from exc

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None


def _path_from_url(url: str) -> Path:
    return Path(os.path.abspath(url.split("://", 1)[1] or "bus.db"))
