"""What the bus carries and promises, shared by its back-ends (embedded and RabbitMQ) and the code above them."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable, Protocol, Sequence

EXCHANGE = "staffroom.events"
DEAD_LETTER_EXCHANGE = "staffroom.dlx"
# Where a service sends its own dead letters back to its own queue (a topic exchange: each service's broker user may
# publish to it with its own queue's name as the routing key only, so it reaches no other queue; issue 21).
REPLAY_EXCHANGE = "staffroom.replay"
MAX_ATTEMPTS = 5


class PoisonMessage(Exception):
    """This message can never be handled (malformed, unknown contract): dead-letter it now."""


class BusUnavailable(Exception):
    """The bus cannot be reached; the caller should retry later (the outbox keeps the messages)."""


@dataclass(frozen=True)
class OutgoingMessage:
    message_id: str
    routing_key: str
    body: bytes
    headers: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Delivery:
    message_id: str
    routing_key: str
    body: bytes
    headers: dict
    attempt: int  # 1 on first delivery


@dataclass(frozen=True)
class DeadLetter:
    message_id: str
    routing_key: str
    body: bytes
    reason: str
    attempts: int


Handler = Callable[[Delivery], None]


class Bus(Protocol):
    def declare(self, queue: str, bindings: Sequence[str], max_attempts: int = MAX_ATTEMPTS) -> None: ...
    def publish(self, messages: Sequence[OutgoingMessage]) -> None: ...
    def consume(self, queue: str, bindings: Sequence[str], handler: Handler, *,
                should_stop: Callable[[], bool], max_attempts: int = MAX_ATTEMPTS) -> None: ...
    def dead_letters(self, queue: str, limit: int = 100) -> list[DeadLetter]: ...
    def replay_dead_letters(self, queue: str, message_ids: Sequence[str] | None = None) -> int: ...
    def ping(self) -> None: ...
    def close(self) -> None: ...


def topic_matches(pattern: str, routing_key: str) -> bool:
    """AMQP topic matching: `*` is one dot-separated word, `#` is zero or more."""
    return _topic_regex(pattern).fullmatch(routing_key) is not None


_regex_cache: dict[str, re.Pattern] = {}


def _topic_regex(pattern: str) -> re.Pattern:
    if pattern not in _regex_cache:
        parts = []
        for word in pattern.split("."):
            parts.append({"*": r"[^.]+", "#": r".*"}.get(word, re.escape(word)))
        regex = r"\.".join(parts).replace(r".*\.", r"(?:.*\.)?").replace(r"\..*", r"(?:\..*)?")
        _regex_cache[pattern] = re.compile(regex)
    return _regex_cache[pattern]


class UnknownQueue(LookupError):
    """The bus has no such queue (the consumer it belongs to has never started there)."""
