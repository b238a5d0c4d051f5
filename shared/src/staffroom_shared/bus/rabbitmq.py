"""RabbitMQ through kombu: declared topology, quorum queues, publisher confirms, dead-lettering."""
from __future__ import annotations

import logging
import socket
import threading
import time
from typing import Callable, Sequence

from amqp.exceptions import AccessRefused, NotFound
from kombu import Connection, Exchange, Queue, binding
from kombu.exceptions import OperationalError as KombuOperationalError

from .messages import (
    DEAD_LETTER_EXCHANGE, EXCHANGE, MAX_ATTEMPTS, REPLAY_EXCHANGE, BusUnavailable, DeadLetter, Delivery, Handler,
    OutgoingMessage, PoisonMessage, UnknownQueue,
)

log = logging.getLogger(__name__)

# Declared passively (asserting they exist): a service's broker user may not configure the exchanges every service
# shares, so that none can delete them (issue 21; deploy/rabbitmq/permissions.json). ensure_exchanges() makes them
# where they are missing, on a development broker with no definitions loaded.
events_exchange = Exchange(EXCHANGE, type="topic", durable=True, passive=True)
# A topic exchange, though each dead-letter queue is bound by its queue's exact name: topic permissions then let a
# service bind only its own (on a direct exchange any service could bind to another's dead letters; outsider 9).
dead_letter_exchange = Exchange(DEAD_LETTER_EXCHANGE, type="topic", durable=True, passive=True)
replay_exchange = Exchange(REPLAY_EXCHANGE, type="topic", durable=True, passive=True)
ORIGINAL_ROUTING_KEY = "x-original-routing-key"
RETURN_WAIT = 5.0  # seconds a listing waits for the dead letters it looked at to be back in their queue
_CONNECTION_ERRORS = (KombuOperationalError, OSError, *Connection("pyamqp://").connection_errors)


def service_queue(queue: str, bindings: Sequence[str], max_attempts: int = MAX_ATTEMPTS) -> Queue:
    # Quorum queues count deliveries themselves (x-delivery-limit) and dead-letter at-least-once,
    # so a message that keeps failing is parked, never dropped and never retried for ever.
    return Queue(
        queue, bindings=[*(binding(events_exchange, routing_key=key) for key in bindings),
                         binding(replay_exchange, routing_key=queue)],  # its own dead letters, replayed
        durable=True,
        queue_arguments={
            "x-queue-type": "quorum",
            "x-dead-letter-exchange": DEAD_LETTER_EXCHANGE,
            "x-dead-letter-routing-key": queue,
            "x-dead-letter-strategy": "at-least-once",
            "x-overflow": "reject-publish",
            "x-delivery-limit": max_attempts - 1,  # RabbitMQ counts redeliveries, not deliveries
        },
    )


def dead_letter_queue(queue: str) -> Queue:
    return Queue(f"{queue}.dlq", exchange=dead_letter_exchange, routing_key=queue, durable=True,
                 queue_arguments={"x-queue-type": "quorum"})


def _declare(conn: Connection, queue: str, bindings: Sequence[str], max_attempts: int):
    """A channel on which `queue` is ready to consume: declared with its dead-letter queue and bindings (a development
    broker), or, where this user may configure nothing (production), asserted and bound (_bind_defined)."""
    try:
        channel = conn.channel()
        dead_letter_queue(queue)(channel).declare()
        service_queue(queue, bindings, max_attempts)(channel).declare()
        return channel
    except AccessRefused:
        channel = conn.channel()  # the refusal closed the other
        _bind_defined(channel, queue, bindings)
        return channel


def _bind_defined(channel, queue: str, bindings: Sequence[str]) -> None:
    """Production: a service's broker user may configure nothing (issue 21: with configure on its own names it could
    declare an exchange of its queue's name bound into staffroom.events, or redeclare its queue to dead-letter into
    another's, outsider 10). Its queues come from the broker's definitions; it asserts they are there and binds its
    queue to the types it handles (which its topic permissions allow)."""
    channel.queue_declare(queue=f"{queue}.dlq", passive=True)
    channel.queue_declare(queue=queue, passive=True)
    for key in bindings:
        channel.queue_bind(queue=queue, exchange=EXCHANGE, routing_key=key)
    channel.queue_bind(queue=queue, exchange=REPLAY_EXCHANGE, routing_key=queue)


def _routing_key(message, headers: dict, queue: str) -> str:
    """The key the event was published under. A replayed dead letter says what it was in a header; that is believed
    only of a message that came by staffroom.replay under this queue's own name, which nobody but this queue's own
    service may publish (anyone could write the header on a message of their own, outsider 9; or send it on by a
    CC header under their own name, outsider 10, issue 21)."""
    info = message.delivery_info
    if info.get("exchange") == REPLAY_EXCHANGE and info.get("routing_key") == queue and headers.get(ORIGINAL_ROUTING_KEY):
        return headers[ORIGINAL_ROUTING_KEY]
    return info.get("routing_key", "")


def ensure_exchanges(conn: Connection) -> None:
    """The shared exchanges exist: asserted (no permission needed), or made where missing. A failed assertion closes
    its channel, so each try has a channel of its own."""
    for exchange in (events_exchange, dead_letter_exchange, replay_exchange):
        try:
            exchange(conn.channel()).declare()
        except NotFound:
            exchange(conn.channel()).declare(passive=False)


class RabbitBus:
    def __init__(self, url: str, *, heartbeat: int = 30, connect_timeout: float = 5.0, retry_delay: float = 0.5,
                 max_retry_delay: float = 10.0):
        self.url = url
        self.heartbeat = heartbeat
        self.connect_timeout = connect_timeout
        self.retry_delay = retry_delay
        self.max_retry_delay = max_retry_delay
        self._publish_conn: Connection | None = None
        self._producer = None
        self._lock = threading.Lock()
        self._max_attempts: dict[str, int] = {}  # per queue, as declared by this process

    def _connection(self) -> Connection:
        return Connection(self.url, heartbeat=self.heartbeat, connect_timeout=self.connect_timeout,
                          transport_options={"confirm_publish": True})

    def declare(self, queue: str, bindings: Sequence[str], max_attempts: int = MAX_ATTEMPTS) -> None:
        self._max_attempts[queue] = max_attempts
        try:
            with self._connection() as conn:
                ensure_exchanges(conn)
                _declare(conn, queue, bindings, max_attempts)
        except _CONNECTION_ERRORS as exc:
            raise BusUnavailable(str(exc)) from exc

    # -- publishing, one confirmed message at a time
    def publish(self, messages: Sequence[OutgoingMessage]) -> None:
        with self._lock:
            while True:
                # A kept connection may have died while idle (nobody sends heartbeats on it between
                # batches, so the broker drops it after two missed beats): one fresh retry, not an outage.
                # Re-sending part of a batch is harmless; the consumers' inbox makes it a no-op.
                stale_allowed = self._producer is not None
                try:
                    producer = self._ensure_producer()
                    for m in messages:
                        producer.publish(
                            m.body, exchange=events_exchange, routing_key=m.routing_key, message_id=m.message_id,
                            headers=m.headers, content_type="application/json", content_encoding="utf-8",
                            delivery_mode=2, retry=False,
                        )
                    return
                except Exception as exc:
                    self._reset_producer()
                    if not stale_allowed:
                        raise BusUnavailable(f"publish not confirmed: {exc!r}") from exc
                    log.info("publishing connection had gone (%r); reconnecting once", exc)

    def _ensure_producer(self):
        if self._producer is None:
            conn = self._connection()
            conn.ensure_connection(max_retries=1)
            ensure_exchanges(conn)
            channel = conn.channel()
            self._publish_conn = conn
            self._producer = conn.Producer(channel)
        return self._producer

    def _reset_producer(self) -> None:
        conn, self._publish_conn, self._producer = self._publish_conn, None, None
        if conn is not None:
            try:
                conn.release()
            except Exception:  # noqa: BLE001, S110 - the connection is already broken; nothing to save
                pass

    # -- consuming
    def consume(self, queue: str, bindings: Sequence[str], handler: Handler, *,
                should_stop: Callable[[], bool], max_attempts: int = MAX_ATTEMPTS, prefetch: int = 10) -> None:
        delay = self.retry_delay
        self._max_attempts[queue] = max_attempts
        while not should_stop():
            try:
                with self._connection() as conn:
                    conn.ensure_connection(max_retries=1)
                    ensure_exchanges(conn)
                    q = service_queue(queue, bindings, max_attempts)(_declare(conn, queue, bindings, max_attempts))
                    on_message = self._on_message(queue, handler, max_attempts)
                    with conn.Consumer([q], on_message=on_message, prefetch_count=prefetch, accept=[],
                                       auto_declare=False):
                        log.info("consuming from %s", queue)
                        delay = self.retry_delay
                        while not should_stop():
                            try:
                                conn.drain_events(timeout=0.5)
                            except socket.timeout:
                                conn.heartbeat_check()
            except _CONNECTION_ERRORS as exc:
                log.warning("bus connection lost (%s); reconnecting in %.1fs", exc, delay)
                time.sleep(delay)
                delay = min(delay * 2, self.max_retry_delay)

    def _on_message(self, queue: str, handler: Handler, max_attempts: int):
        def on_message(message) -> None:
            headers = dict(message.headers or {})
            attempt = int(headers.get("x-delivery-count", 0)) + 1
            delivery = Delivery(
                message_id=message.properties.get("message_id") or "",
                routing_key=_routing_key(message, headers, queue),
                body=message.body if isinstance(message.body, bytes) else message.body.encode(),
                headers=headers, attempt=attempt,
            )
            try:
                handler(delivery)
            except PoisonMessage as exc:
                log.error("dead-lettering poison message %s: %s", delivery.message_id, exc)
                message.reject(requeue=False)
            except Exception as exc:  # noqa: BLE001 - requeue; the broker dead-letters past the limit
                log.warning("handler failed on attempt %d of %s: %r", attempt, delivery.message_id, exc)
                time.sleep(min(self.retry_delay * (2 ** (attempt - 1)), self.max_retry_delay))
                message.requeue()
            else:
                message.ack()

        return on_message

    # -- dead letters
    def dead_letters(self, queue: str, limit: int = 100) -> list[DeadLetter]:
        try:
            return self._dead_letters(queue, limit)
        except NotFound:
            raise _no_dead_letter_queue(queue) from None

    def _dead_letters(self, queue: str, limit: int) -> list[DeadLetter]:
        out: list[DeadLetter] = []
        with self._connection() as conn:
            channel = conn.channel()
            dlq = dead_letter_queue(queue)(channel)  # asserted, not declared: production's user configures nothing
            while len(out) < limit:
                message = dlq.get(no_ack=False, accept=[])
                if message is None:
                    break
                out.append(_dead_letter(message, queue, self._max_attempts.get(queue, MAX_ATTEMPTS)))
            # Every message back in the dead-letter queue before we return, so that a replay straight after finds
            # them. Returning them (basic.recover, or closing the channel) is applied by a quorum queue in its own
            # time: a replay just after a listing once found none of the two it had listed.
            channel.basic_recover(requeue=True)
            deadline = time.monotonic() + RETURN_WAIT
            while dlq.queue_declare(passive=True).message_count < len(out) and time.monotonic() < deadline:
                time.sleep(0.02)
        return out

    def replay_dead_letters(self, queue: str, message_ids: Sequence[str] | None = None) -> int:
        """Send dead letters back to the service's own queue only (not to every subscriber)."""
        try:
            return self._replay(queue, message_ids)
        except NotFound:
            raise _no_dead_letter_queue(queue) from None

    def _replay(self, queue: str, message_ids: Sequence[str] | None) -> int:
        wanted = set(message_ids) if message_ids is not None else None
        replayed = 0
        with self._connection() as conn:
            channel = conn.channel()
            dlq = dead_letter_queue(queue)(channel)  # asserted below, not declared: production's user configures nothing
            producer = conn.Producer(channel)
            # Only the letters there now: a replayed letter that fails again while we loop (its consumer is
            # running) is parked again at the tail and must not be fetched and replayed again, round and
            # round. basic.get never hands this channel a message it holds unacked. (Stopping at the first
            # repeated message id, as this once did, left behind every letter after two copies of one event.)
            present = dlq.queue_declare(passive=True).message_count
            for _ in range(present):
                message = dlq.get(no_ack=False, accept=[])
                if message is None:
                    break
                message_id = message.properties.get("message_id") or ""
                if wanted is not None and message_id not in wanted:
                    continue  # left unacked: returned to the queue when the channel closes
                letter = _dead_letter(message, queue, self._max_attempts.get(queue, MAX_ATTEMPTS))
                if letter.reason == "expired":
                    # No Staffroom publisher sets an expiry and no queue has one: a letter that expired was sent
                    # by someone to reach the dead letters without the consumer dropping it, with an x-death of
                    # their own making (outsider 12, issue 21). Left where it is, for the operator to purge.
                    log.warning("%s: dead letter %s expired, which nothing of ours makes; not replayed", queue,
                                message_id)
                    continue  # left unacked: back in the dead-letter queue when the channel closes
                headers = {k: v for k, v in (message.headers or {}).items() if not k.startswith("x-")}
                headers[ORIGINAL_ROUTING_KEY] = letter.routing_key
                # Through staffroom.replay, which the service's user may publish to with its own queue's name only
                # (not the default exchange, through which it could reach any queue: outsider, issue 21).
                producer.publish(message.body, exchange=replay_exchange, routing_key=queue, message_id=message_id,
                                 headers=headers, content_type="application/json", content_encoding="utf-8",
                                 delivery_mode=2, retry=False)
                message.ack()
                replayed += 1
        return replayed

    # -- health
    def ping(self) -> None:
        try:
            with self._connection() as conn:
                conn.ensure_connection(max_retries=1)
                events_exchange(conn.channel()).declare()
        except Exception as exc:  # noqa: BLE001
            raise BusUnavailable(str(exc)) from exc

    def close(self) -> None:
        self._reset_producer()


def _dead_letter(message, queue: str, max_attempts: int) -> DeadLetter:
    headers = message.headers or {}
    deaths = headers.get("x-death") or [{}]
    routing_keys = deaths[0].get("routing-keys") or [message.delivery_info.get("routing_key", "")]
    # The key it came under, as the broker recorded it when it dead-lettered it; the header only for a letter that
    # had come back by staffroom.replay under this queue's name alone, as a replay sends it (outsider 10, issue 21:
    # a forged header, listed and replayed, had the operator launder a forged event).
    replayed = deaths[0].get("exchange") == REPLAY_EXCHANGE and list(routing_keys) == [queue]
    original = headers.get(ORIGINAL_ROUTING_KEY) if replayed else None
    reason = str(deaths[0].get("reason", headers.get("x-first-death-reason", "unknown")))
    # The broker resets x-delivery-count when it dead-letters, so the count cannot be read back: a
    # message that hit the delivery limit was delivered max_attempts times; a rejected one is poison,
    # refused on its first delivery.
    return DeadLetter(
        message_id=message.properties.get("message_id") or "",
        routing_key=original or routing_keys[0],
        body=message.body if isinstance(message.body, bytes) else message.body.encode(),
        reason=reason,
        attempts=max_attempts if reason == "delivery_limit" else 1,
    )


def _no_dead_letter_queue(queue: str) -> UnknownQueue:
    return UnknownQueue(f"there is no queue {queue}.dlq on this bus: {queue}'s consumer has never started here, so it "
                        "has no dead letters")
