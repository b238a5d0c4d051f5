"""Target definitions as the trust has set them, kept in `definitions`: defaults until trust HR changes them."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from staffroom_shared.uow import Repository

from ..domain.targets import TARGETS, Definition, definition_from
from .orm import definitions
from .sql import insert_missing


def _from_row(row) -> Definition:
    return definition_from(row.key, {"threshold": row.threshold, "at_risk_below": row.at_risk_below,
                                     "window_months": row.window_months, "deadline": row.deadline,
                                     "academy_ids": row.academy_ids, "benchmarks": row.benchmarks,
                                     **({"period": row.period} if row.period is not None else {})})


def load(session: Session, key: str) -> Definition:
    row = session.execute(select(definitions).where(definitions.c.key == key)).first()
    return _from_row(row) if row is not None else TARGETS[key].default()


def load_all(session: Session) -> dict[str, Definition]:
    stored = {row.key: _from_row(row) for row in session.execute(select(definitions))}
    return {key: stored.get(key) or target.default() for key, target in TARGETS.items()}


class DefinitionRepository(Repository):
    def get(self, key: str) -> Definition:
        return load(self.session, key)

    def all(self) -> dict[str, Definition]:
        return load_all(self.session)

    def lock(self, key: str) -> Definition:
        """The definition, its row locked (PostgreSQL) until commit: whoever judges a target next waits, then sees
        the facts this transaction wrote, so two consumers never announce the same change twice."""
        insert_missing(self.session, definitions, key=key, **TARGETS[key].default().settings())
        row = self.session.execute(select(definitions).where(definitions.c.key == key).with_for_update()).one()
        return _from_row(row)

    def lock_free(self, keys: list[str]) -> list[str]:
        """Of these targets, the ones nobody else is judging now, their definitions' rows locked (PostgreSQL) until
        commit; a target another transaction holds (a judge on another replica, the daily job, trust HR's change)
        is skipped, not waited for."""
        for key in keys:
            insert_missing(self.session, definitions, key=key, **TARGETS[key].default().settings())
        free = set(self.session.scalars(select(definitions.c.key).where(definitions.c.key.in_(keys))
                                        .with_for_update(skip_locked=True)))
        return [key for key in keys if key in free]

    def save(self, d: Definition, by: str, at: datetime) -> None:
        """Keep what trust HR set (the row is there: `lock` made it)."""
        self.session.execute(definitions.update().where(definitions.c.key == d.key).values(
            **d.settings(), updated_by=by, updated_at=at))
