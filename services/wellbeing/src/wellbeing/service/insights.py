"""From results to action: the heatmap (each group against the reference benchmark and the trust's own figure) and
the "focus on" priorities of a closed run.

Both are read from what the close stored and the report shows (reports.shown_groups, the stored drivers): a
figure the report hides is hidden here too, and a priority rests only on shown figures and shown drivers.
"""
from __future__ import annotations

import uuid

from staffroom_shared.authz import academy_scope, require
from staffroom_shared.errors import NotFound
from staffroom_shared.principal import Principal

from ..adapters.results import ResultRepository
from ..domain import benchmarks as registry
from ..domain.benchmarks import Benchmark, Candidate
from ..domain.model import STAFF_TYPES, SurveyRun
from . import reports
from .benchmarks import every

HIDDEN = "hidden: too few people answered, or showing it would let a smaller group be worked out"
TRUST_LEVEL = ("trust", "academy", "staff_type", "service_band")
ACADEMY_LEVEL = ("trust", "academy", "academy_staff_type")


def level(principal: Principal, academy_id: uuid.UUID | None) -> uuid.UUID | None:
    """The academy a view is for (None: the trust): trust HR any or none; academy HR their own."""
    scope = academy_scope(principal)
    if scope is None:
        return academy_id
    require(bool(scope) and (academy_id is None or academy_id in scope), "ask for your own academy's results")
    return academy_id or scope[0]


def heatmap(session, run: SurveyRun, academy_id: uuid.UUID | None, cuts: tuple[str, ...] | None = None) -> dict:
    """Rows: the trust, each academy, each staff-type group and length-of-service range (the report's, merged or
    not); or for one academy: the trust, the academy and its staff types (or only `cuts` of these). A cell per
    measure."""
    figures = every(session)
    names = reports.academy_names(session)
    form = run.questionnaire()
    chosen = {key: registry.reference(m, figures) for key, m in form.measures.items()}
    bands = {key: registry.bands_for(chosen[key], figures) for key in form.measures}
    legend = {key: {"statistic": registry.statistic_of(m, chosen[key]), "higher_is_better": m.higher_is_better,
                    "reference": chosen[key], "bands": bands[key]} for key, m in form.measures.items()}
    allowed = None if academy_id is None else [academy_id]
    wanted = [cut for cut in (TRUST_LEVEL if academy_id is None else ACADEMY_LEVEL) if cuts is None or cut in cuts]
    found = reports.shown_groups(session, run, allowed, None, names, kinds=("responses", "measure"))
    groups = sorted((g for g in found if g["cut"] in wanted), key=lambda g: wanted.index(g["cut"]))
    if academy_id is not None and not any(g["cut"] == "academy" for g in groups):
        raise NotFound(f"this survey has no results for academy {academy_id}")
    trust = next((g for g in groups if g["cut"] == "trust"), None)
    trust_cells = {c["measure"]: c for c in _cells(run, form, trust, legend, None)} if trust else {}
    rows = [{**{k: g[k] for k in ("cut", "academy_id", "academy_name", "staff_type", "staff_type_name",
                                  "service_band", "service_band_name", "suppressed", "responses")},
             "cells": list(trust_cells.values()) if g is trust else _cells(run, form, g, legend, trust_cells)}
            for g in groups]
    return {"run_id": run.id, "academy_id": academy_id, "academy_name": names.get(str(academy_id)) if academy_id else None,
            "everyone": reports.everyone(run, names), "min_group_size": run.min_group_size,
            "measures": [{"key": key, "title": form.measures[key].title, **legend[key],
                          "reference": chosen[key] and _figure(chosen[key]),
                          "bands": [_figure(b) for b in bands[key]]} for key in form.measures],
            "rows": rows}


def _figure(b: Benchmark) -> dict:
    return {"id": b.id, "value": b.value, "band": b.band, "source": b.source, "year": b.year,
            "population": b.population, "licence": b.licence, "url": b.url, "built_in": b.built_in}


def _cells(run: SurveyRun, form, group: dict, legend: dict, trust: dict | None) -> list[dict]:
    shown = {m["key"]: m for m in group["measures"]}
    types = set(group["staff_type"].split("+")) if group["staff_type"] else set(run.staff_types or STAFF_TYPES)
    out = []
    for key, measure in form.measures.items():
        m, info = shown.get(key), legend[key]
        cell = {"measure": key, "shown": False, "hidden": HIDDEN, "value": None, "text": None,
                "against_benchmark": None, "bands": None, "against_trust": None}
        if group["suppressed"] or m is None or m["suppressed"]:
            out.append(cell)
            continue
        statistic = info["statistic"]
        value = m["mean"] if statistic == "mean" else m["favourable"]
        if value is None:
            cell.update(hidden="does not apply")
            out.append(cell)
            continue
        better = registry.better_when_higher(measure, statistic)
        cell.update(shown=True, hidden=None, value=value, text=_text(measure, statistic, value))
        ref = info["reference"]
        if ref is None:
            cell["against_benchmark"] = "no benchmark"
        elif registry.unlike(ref.population, types):
            cell["against_benchmark"] = "not comparable"
        else:
            cell["against_benchmark"] = registry.compare(value, ref.value, better)
            cell["bands"] = registry.against_bands(value, info["bands"])
        theirs = trust and trust.get(key)
        if theirs and theirs["shown"]:
            places = 0 if measure.method == "enps" else 1 if statistic == "percent_favourable" else 2
            cell["against_trust"] = registry.compare(value, theirs["value"], better, places)
        out.append(cell)
    return out


def _text(measure, statistic: str, value: float) -> str:
    if measure.method == "enps":
        score = round(value)
        return f"{'+' if score > 0 else ''}{score}"
    return f"{value:.1f}%" if statistic == "percent_favourable" else f"{value:.2f}"


def priorities(session, run: SurveyRun, academy_id: uuid.UUID | None) -> dict:
    """Up to three measures to focus on: below the reference benchmark (the trust) or the trust's own figure (an
    academy), ranked by how strongly their shown driver goes with the run's outcome."""
    form = run.questionnaire()
    outcome = form.measures[run.outcome]
    cut = "trust" if academy_id is None else "academy"
    map_ = heatmap(session, run, academy_id, ("trust", cut))
    row = next((r for r in map_["rows"] if r["cut"] == cut and r["academy_id"] == (academy_id and str(academy_id))),
               None)
    base = {"run_id": run.id, "academy_id": academy_id, "academy_name": map_["academy_name"],
            "outcome": outcome.key, "outcome_title": outcome.title, "min_pairs": registry.MIN_PAIRS,
            "outcome_words": registry.OUTCOMES.get(outcome.key, outcome.title.lower()),
            "compared_with": "benchmark" if academy_id is None else "trust", "focus": []}
    if row is None or row["suppressed"]:
        return {**base, "note": "Too few people answered here for results to be shown, so nothing is singled out."}
    drivers = {m: (n, r) for m, n, r in ResultRepository(session).drivers(run.id, str(academy_id or ""))}
    against = "against_benchmark" if academy_id is None else "against_trust"
    candidates = [Candidate(form.measures[c["measure"]], c[against] if c["shown"] else None,
                            *drivers.get(c["measure"], (None, None))) for c in row["cells"]]
    focus, note = registry.priorities(candidates, outcome)
    cells = {c["measure"]: c for c in row["cells"]}
    for f in focus:
        f["text"] = cells[f["measure"]]["text"]
    return {**base, "focus": focus, "note": note}
