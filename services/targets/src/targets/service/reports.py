"""What HR reads: each target's definition with its figures as of today, the people behind them, and the trend.

Trust HR see the trust and every academy; academy HR the trust-wide figure and their own academy, and only
their own academy's people. Nobody else sees targets. Each reads through repositories on the page's read session.
"""
from __future__ import annotations

import uuid
from dataclasses import asdict
from datetime import date

from staffroom_shared.authz import academy_scope, can_manage_academy, require
from staffroom_shared.errors import NotFound
from staffroom_shared.principal import Principal

from ..adapters.definitions import DefinitionRepository
from ..adapters.judgements import Snapshots
from ..adapters.measures import Measures
from ..domain.targets import TARGETS, Definition, Figure
from .evaluation import current
from .known_targets import target_or_404


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
    return {"key": d.key, "title": target.title, "definition": target.explained(d), "lists_people": target.lists_people,
            "threshold": d.threshold, "at_risk_below": d.at_risk_below, "window_months": d.window_months,
            "deadline": d.deadline, "period": d.period, "period_unit": target.period_unit, "academy_ids": list(d.academy_ids), "benchmarks": [asdict(b) for b in d.benchmarks]}


def _investment(f: Figure, academy_ids: list[uuid.UUID] | None, names: dict) -> dict | None:
    """The academies compared, as far as the page shows them: every one on the trust's figure for trust HR, and
    otherwise only the academies asked for (academy HR: their own, whose survey results they see), beside how many
    academies and people were compared in all."""
    if f.investment is None:
        return None
    shown = [f.academy_id] if f.academy_id is not None else academy_ids

    def named(found: list[dict]) -> list[dict]:
        return [{**p, "academy_name": names.get(p["academy_id"])} for p in found
                if shown is None or p["academy_id"] in shown]
    return {**f.investment, "points": named(f.investment["points"]),
            "left_out": named(f.investment.get("left_out", []))}


def _view(session, d: Definition, today: date, academy_ids, trust: bool, names: dict) -> dict:
    figures = [{"academy_id": f.academy_id, "academy_name": names.get(f.academy_id), "numerator": f.numerator,
                "denominator": f.denominator, "value": f.value, "status": status.value,
                "benchmarks": f.benchmarks if TARGETS[d.key].uses_benchmarks else None,
                "investment": _investment(f, academy_ids, names)}
               for f, status in current(session, d, today, academy_ids, trust=trust)]
    return {**describe(d), "as_of": today, "figures": figures}


def overview(session, principal: Principal, today: date, academy_id: uuid.UUID | None = None) -> list[dict]:
    academy_ids, trust = _academies(principal, academy_id)
    names = Measures(session).academy_names()
    return [_view(session, d, today, academy_ids, trust, names) for d in DefinitionRepository(session).all().values()]


def target(session, principal: Principal, key: str, today: date,
           academy_id: uuid.UUID | None = None) -> dict:
    academy_ids, trust = _academies(principal, academy_id)
    target_or_404(key)
    return _view(session, DefinitionRepository(session).get(key), today, academy_ids, trust,
                 Measures(session).academy_names())


def people(session, principal: Principal, key: str, today: date,
           academy_id: uuid.UUID | None = None) -> list[dict]:
    """Who is not counted: trust HR for any academy or the whole trust, academy HR for their own academy."""
    scope = _hr(principal)
    if academy_id is not None:
        require(can_manage_academy(principal, academy_id), "academy HR see their own academy's people only")
        scope = [academy_id]
    found = target_or_404(key)
    if not found.lists_people:
        raise NotFound(f"{key} counts anonymous survey figures: there is nobody to list")
    listed = Measures(session).people(DefinitionRepository(session).get(key), today, scope)
    return [{**row, "reason": found.states.get(row["state"], row["state"])} for row in listed]


def trend(session, principal: Principal, key: str, academy_id: uuid.UUID | None,
          since: date | None, until: date | None) -> dict:
    """The daily snapshots, oldest first: trust-wide, or for one academy."""
    _hr(principal)
    if academy_id is not None:
        require(can_manage_academy(principal, academy_id), "academy HR see their own academy's figures only")
    target_or_404(key)
    return {"key": key, "academy_id": academy_id, "points": Snapshots(session).trend(key, academy_id, since, until)}
