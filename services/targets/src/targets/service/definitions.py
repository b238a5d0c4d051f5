"""Target definitions as the trust has set them: defaults until trust HR changes them."""
from __future__ import annotations

from dataclasses import asdict

from sqlalchemy import select
from sqlalchemy.orm import Session

from staffroom_shared.errors import NotFound

from ..adapters.orm import definitions
from ..adapters.sql import insert_missing
from ..domain.targets import TARGETS, Definition, definition_from


def target_or_404(key: str):
    if key not in TARGETS:
        raise NotFound(f"there is no target {key!r}; the targets are: {', '.join(TARGETS)}")
    return TARGETS[key]


def stored(d: Definition) -> dict:
    return {"threshold": d.threshold, "at_risk_below": d.at_risk_below, "window_months": d.window_months,
            "deadline": d.deadline, "academy_ids": [str(a) for a in d.academy_ids],
            "benchmarks": [asdict(b) for b in d.benchmarks]}


def _from_row(row) -> Definition:
    return definition_from(row.key, {"threshold": row.threshold, "at_risk_below": row.at_risk_below,
                                     "window_months": row.window_months, "deadline": row.deadline,
                                     "academy_ids": row.academy_ids, "benchmarks": row.benchmarks})


def load(session: Session, key: str) -> Definition:
    row = session.execute(select(definitions).where(definitions.c.key == key)).first()
    return _from_row(row) if row is not None else TARGETS[key].default()


def load_all(session: Session) -> dict[str, Definition]:
    stored = {row.key: _from_row(row) for row in session.execute(select(definitions))}
    return {key: stored.get(key) or target.default() for key, target in TARGETS.items()}


def lock(session: Session, key: str) -> Definition:
    """The definition, its row locked (PostgreSQL) until commit: whoever judges a target next waits, then sees
    the facts this transaction wrote, so two consumers never announce the same change twice."""
    insert_missing(session, definitions, key=key, **stored(TARGETS[key].default()))
    row = session.execute(select(definitions).where(definitions.c.key == key).with_for_update()).one()
    return _from_row(row)


def lock_free(session: Session, keys: list[str]) -> list[str]:
    """Of these targets, the ones nobody else is judging now, their definitions' rows locked (PostgreSQL) until
    commit; a target another transaction holds (a judge on another replica, the daily job, trust HR's change) is
    skipped, not waited for."""
    for key in keys:
        insert_missing(session, definitions, key=key, **stored(TARGETS[key].default()))
    free = set(session.scalars(select(definitions.c.key).where(definitions.c.key.in_(keys))
                               .with_for_update(skip_locked=True)))
    return [key for key in keys if key in free]
