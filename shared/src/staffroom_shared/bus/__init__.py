"""The message bus behind one interface: RabbitMQ (production) or an embedded SQLite log (one-command run).

Both give the same guarantees to the code above them:
- `publish` returns only once every message is durably accepted (publisher confirms / committed);
- a consumer's message is removed only after its handler returns (ack after commit), so a crash
  redelivers it;
- a handler that keeps failing sends the message to the queue's dead-letter queue after
  `max_attempts` deliveries, and `PoisonMessage` sends it there at once.
"""
from __future__ import annotations

from .messages import (  # noqa: F401 - the bus's interface, for the code above it
    DEAD_LETTER_EXCHANGE, EXCHANGE, MAX_ATTEMPTS, REPLAY_EXCHANGE, Bus, BusUnavailable, DeadLetter, Delivery, Handler,
    OutgoingMessage, PoisonMessage, topic_matches,
)


def connect(url: str, **options) -> Bus:
    if url.startswith("embedded://"):
        from .embedded import EmbeddedBus

        return EmbeddedBus(url, **options)
    if url.startswith(("amqp://", "amqps://", "pyamqp://")):
        from .rabbitmq import RabbitBus

        return RabbitBus(url, **options)
    raise ValueError(f"BUS_URL must start with embedded:// or amqp:// (got {url.split(':', 1)[0]}://)")
