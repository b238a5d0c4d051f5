"""What every service's domain shares: aggregates record what happened to them as domain events.

A domain event is a small frozen dataclass named in the past tense (`AppraisalOpened`), holding the facts in the
domain's own words. The aggregate a rule changed records it (`self.record(...)`); the unit of work collects what
its aggregates recorded at commit, in the order it happened, and turns each into its versioned contract through
the service's one table (`UnitOfWork.contracts`). The domain never sees an envelope, a topic or the outbox.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass

_sequence = itertools.count()  # orders events across aggregates as they were recorded (next() is atomic in CPython)
_RECORDED = "_recorded_events"


@dataclass(frozen=True)
class DomainEvent:
    """Base of every service's domain events."""


class Aggregate:
    """Mixin for an aggregate root. The ORM builds loaded objects without calling __init__, so the list of what was
    recorded is made on first use."""

    def record(self, event: DomainEvent) -> None:
        self.__dict__.setdefault(_RECORDED, []).append((next(_sequence), event))

    def pull_events(self) -> list[tuple[int, DomainEvent]]:
        """What this aggregate recorded since it was last asked, with the order it was recorded in; forgotten here."""
        return self.__dict__.pop(_RECORDED, [])

    @property
    def recorded(self) -> list[DomainEvent]:
        """What is recorded and not yet collected (for tests and for the service layer's answers)."""
        return [event for _, event in self.__dict__.get(_RECORDED, [])]
