"""What judging the targets keeps: each target's standing per scope (`statuses`), the daily snapshots (the trend),
and the marks of targets events have moved since they were last judged (`pending_judgements`)."""
from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import delete, select

from staffroom_shared.uow import Repository

from ..domain.standings import Standing, scope_of
from ..domain.targets import Figure, Status
from .orm import pending_judgements, snapshots, statuses
from .sql import upsert


class Standings(Repository):
    def for_target(self, key: str) -> dict[str, Standing]:
        """The standings held for a target, by scope."""
        return {row.scope: self.track(Standing(
            row.key, row.academy_id, row.status, row.since,
            Figure(row.academy_id, row.numerator, row.denominator), row.evaluated_on))
            for row in self.session.execute(select(statuses).where(statuses.c.key == key))}

    def add(self, standing: Standing) -> Standing:
        return self.track(standing)

    def save(self, s: Standing) -> None:
        values = {"academy_id": s.academy_id, "status": s.status, "numerator": s.figure.numerator,
                  "denominator": s.figure.denominator, "value": s.figure.value, "evaluated_on": s.evaluated_on}
        upsert(self.session, statuses, {"key": s.key, "scope": s.scope, "since": s.since, **values},
               {"since": s.since, **values})


class Snapshots(Repository):
    def taken_on(self, key: str, day: date) -> set[str]:
        """The scopes whose figure for this target was already taken that day."""
        return set(self.session.scalars(select(snapshots.c.scope).where(snapshots.c.key == key,
                                                                         snapshots.c.taken_on == day)))

    def take(self, key: str, figure: Figure, status: Status, today: date) -> None:
        """One row per target, scope and day: a second run the same day brings it up to date."""
        values = {"academy_id": figure.academy_id, "numerator": figure.numerator, "denominator": figure.denominator,
                  "value": figure.value, "status": status.value}
        upsert(self.session, snapshots, {"key": key, "scope": scope_of(figure.academy_id), "taken_on": today,
                                         **values}, values)

    def trend(self, key: str, academy_id: uuid.UUID | None, since: date | None, until: date | None) -> list[dict]:
        """The points for one scope, oldest first."""
        query = select(snapshots).where(snapshots.c.key == key, snapshots.c.scope == scope_of(academy_id))
        if since is not None:
            query = query.where(snapshots.c.taken_on >= since)
        if until is not None:
            query = query.where(snapshots.c.taken_on <= until)
        return [{"taken_on": r.taken_on, "numerator": r.numerator, "denominator": r.denominator, "value": r.value,
                 "status": r.status} for r in self.session.execute(query.order_by(snapshots.c.taken_on))]


class PendingJudgements(Repository):
    def mark(self, keys, now: datetime) -> None:
        """These targets need judging again: one mark per target (its `since` kept), its version bumped. Sorted, so
        consumers and judges take the marks' row locks in one order."""
        for key in sorted(set(keys)):
            upsert(self.session, pending_judgements, {"key": key, "since": now, "version": 1},
                   {"version": pending_judgements.c.version + 1})

    def any(self) -> bool:
        return self.session.execute(select(pending_judgements.c.key).limit(1)).first() is not None

    def marked(self) -> dict[str, int]:
        """Each marked target's version, read without a lock."""
        return dict(self.session.execute(select(pending_judgements.c.key, pending_judgements.c.version)).all())

    def clear(self, key: str, version: int) -> None:
        """Clear a mark if no event bumped it since it was read."""
        self.session.execute(delete(pending_judgements).where(pending_judgements.c.key == key,
                                                              pending_judgements.c.version == version))
