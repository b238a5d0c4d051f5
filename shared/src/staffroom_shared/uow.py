"""Unit of work: one database transaction holding the change, its outbox events and its audit rows.

Each service subclasses it once (`<service>.service.unit_of_work`): `repositories` names the repositories its
commands use (`uow.appraisals`), and `contracts` is the one table from its domain events to their versioned
contracts. Service code reads and writes through the repositories and never holds the session.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass, fields
from datetime import datetime, timezone
from typing import Any, Callable, ClassVar, Mapping

from sqlalchemy import MetaData, String, cast, text
from sqlalchemy.orm import Session, sessionmaker

from .db import forget_old_pages
from .domain import Aggregate, DomainEvent
from .events import Event, new_event
from .log import current_correlation_id

# PostgreSQL: each commit that writes outbox rows notifies this channel, on which the relay LISTENs.
OUTBOX_CHANNEL = "staffroom_outbox"
OUTBOX_CHUNK = 1000  # outbox rows written per statement


def _fields(event: DomainEvent) -> dict:
    return {f.name: getattr(event, f.name) for f in fields(event)}


def _academy(event: DomainEvent) -> uuid.UUID | None:
    return getattr(event, "academy_id", None)


@dataclass(frozen=True)
class Contract:
    """How one domain event is published: its contract's type and version, its payload (by default the event's
    fields as they are) and the academy it concerns (by default its `academy_id`)."""

    type: str
    version: int = 1
    payload: Callable[[DomainEvent], dict] = _fields
    academy: Callable[[DomainEvent], uuid.UUID | None] = _academy


class Repository:
    """Base of a service's repositories: `seen` holds the aggregates it handed out or was given, so the unit of work
    can collect what they recorded, including aggregates written around the session (a bulk insert)."""

    def __init__(self, session: Session | None = None):
        self.session = session
        self.seen: list[Aggregate] = []

    def track(self, aggregate):
        if aggregate is not None:
            self.seen.append(aggregate)
        return aggregate

    def track_all(self, aggregates) -> list:
        aggregates = list(aggregates)
        self.seen.extend(aggregates)
        return aggregates


class UnitOfWork:
    """`with uow:` opens a session; `commit()` writes the change, its events and its audit trail together.

    Events never go straight to the bus: they are rows in the outbox, published later by the relay,
    so a change and the news of it are committed or lost together (no dual writes).
    """

    contracts: ClassVar[Mapping[type[DomainEvent], Contract]] = {}
    # name -> repository class: each is opened on the unit of work's session as `uow.<name>`
    repositories: ClassVar[Mapping[str, Callable[[Session], Repository]]] = {}

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
        self._forgetting: set[str] | None = None
        self._repositories: list[Repository] = []

    def open_repositories(self, session: Session) -> list[Repository]:
        """Each of `repositories` on this session, as an attribute of the unit of work; returns them."""
        for name, repository in self.repositories.items():
            setattr(self, name, repository(session))
        return [getattr(self, name) for name in self.repositories]

    def forget_old_pages(self, tables: tuple[str, ...] = ()) -> None:
        """After a commit that erased words: SQLite's write-ahead log still holds them until a checkpoint empties it,
        and PostgreSQL `tables`' old row versions until vacuumed (db.forget_old_pages)."""
        forget_old_pages(self._session_factory.kw["bind"], tables)

    def forget_sent_events(self, about) -> int:
        """The outbox's copies of events naming `about` (a person, a record) that were already sent: each reached its
        subscribers, so they go now, not after the outbox's own window (erasure; recognition HR removed). An unsent
        one is kept: it has yet to be delivered."""
        return self.session.execute(self._outbox.delete().where(
            self._outbox.c.sent_at.is_not(None), cast(self._outbox.c.envelope, String).contains(str(about)))).rowcount

    def __enter__(self) -> "UnitOfWork":
        self.session = self._session_factory()
        self._begin()
        return self

    def _begin(self) -> None:
        self.events = []
        self._after_commit, self._forgetting = [], None
        self.correlation_id = current_correlation_id()  # one id for everything this unit of work does
        self._repositories = self.open_repositories(self.session)

    def __exit__(self, *exc) -> None:
        try:
            self._aggregates_and_events()  # what was recorded and not committed is forgotten with the change
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

    def _aggregates(self) -> list[Aggregate]:
        """Every aggregate this unit of work touched: those its repositories saw, and any the session holds (so an
        aggregate reached through another's relationship cannot keep its events to itself)."""
        touched = {id(a): a for repository in self._repositories for a in repository.seen}
        if self.session is not None:
            for obj in (*self.session.identity_map.values(), *self.session.new):
                if isinstance(obj, Aggregate):
                    touched.setdefault(id(obj), obj)
        return list(touched.values())

    def _aggregates_and_events(self) -> list[DomainEvent]:
        recorded = [item for aggregate in self._aggregates() for item in aggregate.pull_events()]
        return [event for _, event in sorted(recorded, key=lambda item: item[0])]

    def collect(self) -> None:
        """Turn what the aggregates recorded into outbox events, in the order it happened, through `contracts`."""
        for event in self._aggregates_and_events():
            contract = self.contracts[type(event)]
            self.emit(contract.type, contract.payload(event), academy_id=contract.academy(event),
                      version=contract.version)

    def commit(self) -> None:
        self.collect()
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
        done, self._after_commit, self._forgetting = self._after_commit, [], None
        for then in done:
            then()

    def forget_old_pages_after_commit(self, tables: tuple[str, ...] = ()) -> None:
        """`forget_old_pages` once this change has committed, once however many parts of it ask (an upward round's
        close closes every manager's request), over every table they name."""
        if self._forgetting is None:
            forgetting = self._forgetting = set()
            self.after_commit(lambda: self.forget_old_pages(tuple(sorted(forgetting))))
        self._forgetting.update(tables)

    def after_commit(self, then) -> None:
        """Run `then()` once this unit of work's change has committed (never if it rolls back)."""
        self._after_commit.append(then)

    def rollback(self) -> None:
        self._aggregates_and_events()
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


class Reads:
    """A unit of work's repositories on a request's read session, for the pages (which change nothing): a service's
    subclass names its `unit_of_work`."""

    unit_of_work: ClassVar[type[UnitOfWork]]

    def __init__(self, session: Session):
        for name, repository in self.unit_of_work.repositories.items():
            setattr(self, name, repository(session))
