"""Consuming events: the handler's changes and an inbox row commit together, then the message is acked."""
from __future__ import annotations

import json
import logging
import time
from datetime import datetime, timezone
from typing import Callable

from marshmallow import ValidationError
from sqlalchemy import select
from sqlalchemy.exc import DBAPIError, IntegrityError

from .bus import Delivery, PoisonMessage
from .events import Event, parse_event
from .log import correlation
from .uow import UnitOfWork

log = logging.getLogger(__name__)

EventHandler = Callable[[UnitOfWork, Event], None]


class InboxConsumer:
    """Turns bus deliveries into handler calls, exactly once in effect.

    - a duplicate (same consumer, same event id) is recognised by the inbox row and changes nothing;
    - a malformed envelope or a payload that breaks its contract is a PoisonMessage (dead-lettered at once);
    - a message under a routing key this consumer does not handle, or whose envelope names another type, is
      dropped (logged): nobody meant it for this service;
    - a database that is down is not the message's fault: we wait for it rather than burn attempts;
    - any other exception propagates, so the bus retries and finally dead-letters the message.
    """

    def __init__(self, name: str, uow_factory: Callable[[], UnitOfWork], handlers: dict[str, EventHandler],
                 *, should_stop: Callable[[], bool] = lambda: False, max_db_wait: float = 300.0):
        self.name = name
        self.uow_factory = uow_factory
        self.handlers = handlers
        self.should_stop = should_stop
        self.max_db_wait = max_db_wait

    @property
    def bindings(self) -> list[str]:
        return sorted(self.handlers)

    def __call__(self, delivery: Delivery) -> None:
        if delivery.routing_key not in self.handlers:
            # Its queue is bound only to the types it handles: a message under another key came by RabbitMQ's
            # sender-selected distribution (CC and BCC headers, which topic permissions do not check; outsider 13,
            # issue 21) or a stray binding. Dropped, logged, never dead-lettered: nobody meant it for this service.
            log.warning("%s dropped message %s: it came as %r, which it does not handle", self.name,
                        delivery.message_id, delivery.routing_key)
            return
        try:
            data = json.loads(delivery.body)
        except ValueError as exc:
            raise PoisonMessage(f"{self.name} cannot read message {delivery.message_id}: {exc}") from exc
        claimed = data.get("type") if isinstance(data, dict) else None
        if isinstance(claimed, str) and claimed != delivery.routing_key:
            # The broker lets each service publish only its own event types as routing keys; an envelope that says
            # it is another type came from someone forging it (outsider 9, issue 21). It is dropped, before its
            # payload is even checked, never dead-lettered: a dead letter can be replayed, and a forged x-death
            # header made the operator's replay deliver one as the type it claimed (outsiders 11, 12). Nothing a
            # producer sent is lost by this.
            log.warning("%s dropped message %s: it came as %r but says it is %r (a forgery?)", self.name,
                        delivery.message_id, delivery.routing_key, claimed)
            return
        try:
            event = parse_event(data)
        except (ValueError, ValidationError) as exc:
            raise PoisonMessage(f"{self.name} cannot read message {delivery.message_id}: {exc}") from exc
        handler = self.handlers[event.type]  # the routing key's, which the envelope's type equals
        with correlation(event.correlation_id):
            self._handle_with_db_retry(handler, event)

    def _handle_with_db_retry(self, handler: EventHandler, event: Event) -> None:
        delay, waited = 0.2, 0.0
        while True:
            try:
                self.handle(handler, event)
                return
            except DBAPIError as exc:
                if isinstance(exc, IntegrityError) or not _is_connection_error(exc) or waited >= self.max_db_wait \
                        or self.should_stop():
                    raise
                log.warning("database unavailable while handling %s; retrying in %.1fs", event.id, delay)
                time.sleep(delay)
                waited += delay
                delay = min(delay * 2, 5.0)

    def handle(self, handler: EventHandler, event: Event) -> bool:
        """Apply one event; False when this consumer had already applied it."""
        with self.uow_factory() as uow:
            inbox = uow.metadata.tables["inbox"]
            if self._seen(uow, inbox, event):
                log.info("duplicate %s %s ignored", event.type, event.id)
                return False
            try:
                # On PostgreSQL a replica racing us blocks on this insert until it commits, then the
                # insert itself (not the commit) fails on the inbox key: both must count as a duplicate.
                uow.session.execute(inbox.insert().values(
                    consumer=self.name, event_id=event.id, event_type=event.type,
                    processed_at=datetime.now(timezone.utc)))
                handler(uow, event)
                uow.commit()
            except IntegrityError:
                uow.rollback()
                if not self._seen(uow, inbox, event):
                    raise
                # Another replica applied it between our check and our commit: the inbox key saw to it.
                log.info("duplicate %s %s ignored (concurrent)", event.type, event.id)
                return False
        log.info("applied %s %s", event.type, event.id)
        return True

    def _seen(self, uow: UnitOfWork, inbox, event: Event) -> bool:
        query = select(inbox.c.event_id).where(inbox.c.consumer == self.name, inbox.c.event_id == event.id)
        return uow.session.execute(query).first() is not None


def _is_connection_error(exc: DBAPIError) -> bool:
    """The database is down, busy or locked (worth waiting for), as opposed to a mistake in what we asked."""
    from sqlalchemy.exc import OperationalError

    if exc.connection_invalidated:
        return True
    # SQLite reports a missing table or column as an OperationalError too; waiting will not create it.
    return isinstance(exc, OperationalError) and "no such " not in str(exc.orig)
