"""In memory: targets' repositories, with the method names and behaviour of the SQL ones (adapters), and its unit
of work, for fast tests of the service layer (test_commands.py). The read model's figures are given, not counted:
`FakeMeasures.found` holds what the SQL would count for each target."""
from __future__ import annotations

import uuid
from datetime import date, datetime

from staffroom_shared.events import Event
from staffroom_shared.testing import FakeUnitOfWork
from staffroom_shared.uow import Repository
from targets.adapters.facts import SNAPSHOT_EVENTS, STAFF_EVENTS
from targets.domain.standings import Standing, scope_of
from targets.domain.targets import TARGETS, Definition, Figure, Status
from targets.service.unit_of_work import CONTRACTS


class FakeDefinitions(Repository):
    def __init__(self):
        super().__init__()
        self.stored: dict[str, Definition] = {}
        self.saved_by: dict[str, tuple[str, datetime]] = {}
        self.held_elsewhere: set[str] = set()  # locked by another transaction: lock_free skips them

    def get(self, key: str) -> Definition:
        return self.stored.get(key) or TARGETS[key].default()

    def all(self) -> dict[str, Definition]:
        return {key: self.get(key) for key in TARGETS}

    def lock(self, key: str) -> Definition:
        self.stored.setdefault(key, TARGETS[key].default())
        return self.stored[key]

    def lock_free(self, keys: list[str]) -> list[str]:
        for key in keys:
            self.stored.setdefault(key, TARGETS[key].default())
        return [key for key in keys if key not in self.held_elsewhere]

    def save(self, d: Definition, by: str, at: datetime) -> None:
        self.stored[d.key] = d
        self.saved_by[d.key] = (by, at)


class FakeStandings(Repository):
    def __init__(self):
        super().__init__()
        self.rows: dict[tuple[str, str], dict] = {}

    def for_target(self, key: str) -> dict[str, Standing]:
        return {scope: self.track(Standing(key, row["academy_id"], row["status"], row["since"],
                                           Figure(row["academy_id"], row["numerator"], row["denominator"]),
                                           row["evaluated_on"]))
                for (k, scope), row in self.rows.items() if k == key}

    def add(self, standing: Standing) -> Standing:
        return self.track(standing)

    def save(self, s: Standing) -> None:
        self.rows[(s.key, s.scope)] = {"academy_id": s.academy_id, "status": s.status, "since": s.since,
                                       "numerator": s.figure.numerator, "denominator": s.figure.denominator,
                                       "value": s.figure.value, "evaluated_on": s.evaluated_on}

    def hold(self, key: str, academy_id, status: Status, since: date) -> None:
        """Arrange a standing as an earlier judgement left it."""
        self.rows[(key, scope_of(academy_id))] = {"academy_id": academy_id, "status": status.value, "since": since,
                                                  "numerator": 0, "denominator": 0, "value": None,
                                                  "evaluated_on": since}


class FakeSnapshots(Repository):
    def __init__(self):
        super().__init__()
        self.rows: dict[tuple[str, str, date], dict] = {}

    def taken_on(self, key: str, day: date) -> set[str]:
        return {scope for (k, scope, taken_on) in self.rows if k == key and taken_on == day}

    def take(self, key: str, figure: Figure, status: Status, today: date) -> None:
        self.rows[(key, scope_of(figure.academy_id), today)] = {
            "academy_id": figure.academy_id, "numerator": figure.numerator, "denominator": figure.denominator,
            "value": figure.value, "status": status.value}

    def trend(self, key: str, academy_id, since: date | None, until: date | None) -> list[dict]:
        return [{"taken_on": day, **{k: v for k, v in row.items() if k != "academy_id"}}
                for (k, scope, day), row in sorted(self.rows.items(), key=lambda item: item[0][2])
                if k == key and scope == scope_of(academy_id) and (since is None or day >= since)
                and (until is None or day <= until)]


class FakePending(Repository):
    def __init__(self):
        super().__init__()
        self.marks: dict[str, dict] = {}

    def mark(self, keys, now: datetime) -> None:
        for key in sorted(set(keys)):
            if key in self.marks:
                self.marks[key]["version"] += 1
            else:
                self.marks[key] = {"since": now, "version": 1}

    def any(self) -> bool:
        return bool(self.marks)

    def marked(self) -> dict[str, int]:
        return {key: mark["version"] for key, mark in self.marks.items()}

    def clear(self, key: str, version: int) -> None:
        if key in self.marks and self.marks[key]["version"] == version:
            del self.marks[key]


class FakeMeasures(Repository):
    def __init__(self):
        super().__init__()
        self.found: dict[str, dict] = {}  # target key -> {academy_id (None: trust): Figure}
        self.listed: dict[str, list[dict]] = {}
        self.names: dict[uuid.UUID, str] = {}
        self.asked: list[str] = []

    def figures(self, d: Definition, today: date) -> dict:
        self.asked.append(d.key)
        return dict(self.found.get(d.key, {None: Figure(None)}))

    def people(self, d: Definition, today: date, academy_ids) -> list[dict]:
        return [p for p in self.listed.get(d.key, []) if academy_ids is None or p["academy_id"] in academy_ids]

    def known_academies(self) -> list[uuid.UUID]:
        academies = {a for found in self.found.values() for a in found if a is not None} | set(self.names)
        return sorted(academies, key=str)

    def academy_names(self) -> dict[uuid.UUID, str]:
        return dict(self.names)


class FakeFacts(Repository):
    """The read model as the list of events applied to it, in order."""

    def __init__(self):
        super().__init__()
        self.applied: list[Event] = []

    def apply(self, event: Event) -> None:
        self.applied.append(event)

    def clear(self) -> None:
        self.applied = []


class FakeEventStore(Repository):
    def __init__(self):
        super().__init__()
        self.stored: list[Event] = []
        self.held = False

    def remember(self, event: Event) -> None:
        self.stored.append(event)

    def hold(self) -> None:
        self.held = True

    def replay(self, batch: int):
        yield from list(self.stored)

    def forget_superseded_staff_copies(self, before: datetime) -> int:
        staff_events = [e for e in self.stored if e.type in STAFF_EVENTS]
        newest: dict[str, datetime] = {}
        for e in staff_events:
            person = str(e.payload["staff_id"])
            newest[person] = max(newest.get(person, e.occurred_at), e.occurred_at)
        stale = [e for e in staff_events if e.type in SNAPSHOT_EVENTS and e.occurred_at < before
                 and e.occurred_at < newest[str(e.payload["staff_id"])]]
        self.stored = [e for e in self.stored if e not in stale]
        return len(stale)


class FakeTargetsUnitOfWork(FakeUnitOfWork):
    contracts = CONTRACTS

    def __init__(self, actor: str = "system"):
        super().__init__("targets", actor=actor)
        self.definitions, self.standings, self.snapshots = FakeDefinitions(), FakeStandings(), FakeSnapshots()
        self.pending, self.measures = FakePending(), FakeMeasures()
        self.facts, self.event_store = FakeFacts(), FakeEventStore()
