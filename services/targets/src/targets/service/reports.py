"""What HR reads: each target's definition with its figures as of today, the people behind them, and the trend.

Trust HR see the trust and every academy; academy HR the trust-wide figure and their own academy, and only
their own academy's people. Nobody else sees targets.
"""
from __future__ import annotations

import uuid
from dataclasses import asdict
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from staffroom_shared.authz import academy_scope, can_manage_academy, require
from staffroom_shared.errors import NotFound
from staffroom_shared.principal import Principal

from ..adapters.orm import scope_of, snapshots
from ..domain.targets import TARGETS, Definition
from . import definitions, measures
from .evaluation import current


def _hr(principal: Principal) -> list[uuid.UUID] | None:
    """The academies the caller may see (None: all); refuses anyone but HR."""
    scope = academy_scope(principal)
    require(scope is None or bool(scope), "the trust's targets are for trust HR and academy HR")
    return scope


def _academies(principal: Principal, academy_id: uuid.UUID | None) -> tuple[list[uuid.UUID] | None, bool]:
    """(academies to show, whether to show the trust's figure): the one asked for, else all the caller may see."""
    scope = _hr(principal)
    if academy_id is not None:
        require(can_manage_academy(principal, academy_id), "academy HR see their own academy's figures only")
        return [academy_id], False
    return scope, True


def describe(d: Definition) -> dict:
    target = TARGETS[d.key]
    return {"key": d.key, "title": target.title, "definition": target.definition, "lists_people": target.lists_people,
            "threshold": d.threshold, "at_risk_below": d.at_risk_below, "window_months": d.window_months,
            "deadline": d.deadline, "academy_ids": list(d.academy_ids), "benchmarks": [asdict(b) for b in d.benchmarks]}


def _view(session: Session, d: Definition, today: date, academy_ids, trust: bool, names: dict) -> dict:
    figures = [{"academy_id": f.academy_id, "academy_name": names.get(f.academy_id), "numerator": f.numerator,
                "denominator": f.denominator, "value": f.value, "status": status.value,
                "benchmarks": f.benchmarks if TARGETS[d.key].uses_benchmarks else None}
               for f, status in current(session, d, today, academy_ids, trust=trust)]
    return {**describe(d), "as_of": today, "figures": figures}


def overview(session: Session, principal: Principal, today: date, academy_id: uuid.UUID | None = None) -> list[dict]:
    academy_ids, trust = _academies(principal, academy_id)
    names = measures.academy_names(session)
    return [_view(session, d, today, academy_ids, trust, names) for d in definitions.load_all(session).values()]


def target(session: Session, principal: Principal, key: str, today: date,
           academy_id: uuid.UUID | None = None) -> dict:
    academy_ids, trust = _academies(principal, academy_id)
    definitions.target_or_404(key)
    return _view(session, definitions.load(session, key), today, academy_ids, trust, measures.academy_names(session))


def people(session: Session, principal: Principal, key: str, today: date,
           academy_id: uuid.UUID | None = None) -> list[dict]:
    """Who is not counted: trust HR for any academy or the whole trust, academy HR for their own academy."""
    scope = _hr(principal)
    if academy_id is not None:
        require(can_manage_academy(principal, academy_id), "academy HR see their own academy's people only")
        scope = [academy_id]
    found = definitions.target_or_404(key)
    if not found.lists_people:
        raise NotFound(f"{key} counts anonymous survey figures: there is nobody to list")
    listed = measures.people(session, definitions.load(session, key), today, scope)
    return [{**row, "reason": found.states.get(row["state"], row["state"])} for row in listed]


def trend(session: Session, principal: Principal, key: str, academy_id: uuid.UUID | None,
          since: date | None, until: date | None) -> dict:
    """The daily snapshots, oldest first: trust-wide, or for one academy."""
    _hr(principal)
    if academy_id is not None:
        require(can_manage_academy(principal, academy_id), "academy HR see their own academy's figures only")
    definitions.target_or_404(key)
    query = select(snapshots).where(snapshots.c.key == key, snapshots.c.scope == scope_of(academy_id))
    if since is not None:
        query = query.where(snapshots.c.taken_on >= since)
    if until is not None:
        query = query.where(snapshots.c.taken_on <= until)
    points = [{"taken_on": r.taken_on, "numerator": r.numerator, "denominator": r.denominator, "value": r.value,
               "status": r.status} for r in session.execute(query.order_by(snapshots.c.taken_on))]
    return {"key": key, "academy_id": academy_id, "points": points}
