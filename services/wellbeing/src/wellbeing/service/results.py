"""Results: worked out once, in SQL, when a run closes; then read, filtered to the caller, as reports.

Nothing is worked out while a run is open: a report that changed after each answer would let anyone
who watched a colleague submit read their answers off the difference. At the close, every figure for
every group is aggregated by the database (GROUP BY per cut), the disclosure rules decide what is
hidden, and the rows are stored; a hidden figure is stored without its values, so no later bug or
query can show them. Reports, the CSV, trends and the results_published event all read those rows.
"""
from __future__ import annotations

import csv
import io
import math
import uuid
from collections import defaultdict

from sqlalchemy import and_, case, func, insert, select

from staffroom_shared.uow import UnitOfWork

from ..adapters.orm import (
    academies, comments, invitations, response_items, response_measures, responses, results, runs,
)
from ..domain.disclosure import CUTS, Cell, equations, suppressed
from ..domain.instruments import Questionnaire
from ..domain.model import RunStatus, SurveyRun
from .respond import release
from .runs import questionnaire, run_payload

_GROUPING = {"trust": (), "academy": ("academy_id",), "staff_type": ("staff_type",),
             "service_band": ("service_band",), "academy_staff_type": ("academy_id", "staff_type")}
_PERCENT = case((response_items.c.favourable.is_(True), 100.0), (response_items.c.favourable.is_(False), 0.0))
_MEASURE_PERCENT = case((response_measures.c.favourable.is_(True), 100.0),
                        (response_measures.c.favourable.is_(False), 0.0))


def close_run(uow: UnitOfWork, run: SurveyRun, key: bytes) -> int:
    """Close the run, release every ballot still in the box, store the results and announce them (in the
    caller's unit of work)."""
    run.close()
    uow.session.flush()
    release(uow, run.id, key, everything=True)
    rows = compute(uow.session, run)
    if rows:
        uow.session.execute(insert(results), rows)
    count = uow.session.scalar(select(func.count()).select_from(responses).where(responses.c.run_id == run.id))
    uow.emit("wellbeing.survey_closed", {**run_payload(run), "invited": run.invited, "responses": count},
             academy_id=run.owner_academy_id)
    uow.emit("wellbeing.results_published", published(run, rows), academy_id=run.owner_academy_id)
    return count


def _cell(cut: str, row) -> Cell:
    values = dict(zip(_GROUPING[cut], row))
    academy = values.get("academy_id")
    return Cell(cut, str(academy) if academy is not None else None, values.get("staff_type"), values.get("service_band"))


def compute(session, run: SurveyRun) -> list[dict]:
    """Every figure for every group (aggregated by the database), with the disclosure rules applied."""
    found: dict[tuple[str, str], dict[Cell, dict]] = defaultdict(dict)  # (kind, figure) -> cell -> values
    for cut in CUTS:
        cols = [responses.c[name] for name in _GROUPING[cut]]
        width = len(cols)
        of_run = responses.c.run_id == run.id
        for row in session.execute(select(*cols, func.count()).where(of_run).group_by(*cols)):
            found[("responses", "responses")][_cell(cut, row[:width])] = {"n": row[width]}
        asked = [invitations.c[name] for name in _GROUPING[cut]]
        for row in session.execute(select(*asked, func.count()).where(invitations.c.run_id == run.id)
                                   .group_by(*asked)):
            counted = found[("responses", "responses")].get(_cell(cut, row[:width]))
            if counted is not None:
                counted["invited"] = row[width]
        measure_rows = session.execute(
            select(*cols, response_measures.c.measure, func.count(), func.avg(response_measures.c.value),
                   func.avg(_MEASURE_PERCENT))
            .join(responses, responses.c.id == response_measures.c.response_id)
            .where(of_run, response_measures.c.run_id == run.id)
            .group_by(*cols, response_measures.c.measure))
        for row in measure_rows:
            measure, n, mean, favourable = row[width:]
            found[("measure", measure)][_cell(cut, row[:width])] = {"n": n, "mean": mean, "favourable": favourable}
        item_rows = session.execute(
            select(*cols, response_items.c.item, func.count(), func.avg(response_items.c.score), func.avg(_PERCENT))
            .join(responses, responses.c.id == response_items.c.response_id)
            .where(of_run, response_items.c.run_id == run.id)
            .group_by(*cols, response_items.c.item))
        for row in item_rows:
            item, n, mean, favourable = row[width:]
            found[("item", item)][_cell(cut, row[:width])] = {"n": n, "mean": mean, "favourable": favourable,
                                                              "distribution": {}}
        spread = session.execute(
            select(*cols, response_items.c.item, response_items.c.value, func.count())
            .join(responses, responses.c.id == response_items.c.response_id)
            .where(of_run, response_items.c.run_id == run.id)
            .group_by(*cols, response_items.c.item, response_items.c.value))
        for row in spread:
            item, value, n = row[width:]
            found[("item", item)][_cell(cut, row[:width])]["distribution"][str(value)] = n

    rows = []
    for (kind, figure), cells in found.items():
        counts = {cell: values["n"] for cell, values in cells.items()}
        hidden = suppressed(counts, equations(counts), run.min_group_size)
        for cell, values in cells.items():
            shown = cell not in hidden
            rows.append({
                "run_id": run.id, "cut": cell.cut, "academy_id": cell.academy_id or "",
                "staff_type": cell.staff_type or "", "service_band": cell.service_band or "",
                "figure": figure, "kind": kind, "suppressed": not shown,
                "n": values["n"] if shown else 0,
                "mean": _round(values.get("mean")) if shown else None,
                "favourable": _round(values.get("favourable"), 1) if shown else None,
                "distribution": values.get("distribution") if shown else None,
                "invited": values.get("invited") if shown else None,
            })
    return rows


def _round(value, places: int = 2):
    return None if value is None else round(float(value), places)


# -- reading ----------------------------------------------------------------------------------------

def visible_groups(session, run: SurveyRun, academy_ids, cut: str | None = None) -> list[dict]:
    """The run's stored result rows the caller may see (academy HR: trust-wide cuts and their academies)."""
    query = select(results).where(results.c.run_id == run.id)
    if cut is not None:
        query = query.where(results.c.cut == cut)
    if academy_ids is not None:
        allowed = [str(a) for a in academy_ids]
        query = query.where((results.c.academy_id == "") | results.c.academy_id.in_(allowed))
    return [dict(r._mapping) for r in session.execute(query.order_by(
        results.c.cut, results.c.academy_id, results.c.staff_type, results.c.service_band, results.c.kind,
        results.c.figure))]


def report(session, run: SurveyRun, academy_ids, cut: str | None = None) -> dict:
    """Groups with their measures and items, each beside its national benchmarks, plus the trend across runs."""
    form = questionnaire(run)
    names = academy_names(session)
    groups: dict[tuple, dict] = {}
    for row in visible_groups(session, run, academy_ids, cut):
        key = (row["cut"], row["academy_id"], row["staff_type"], row["service_band"])
        group = groups.get(key)
        if group is None:
            academy = row["academy_id"] or None
            group = groups[key] = {
                "cut": row["cut"], "academy_id": academy, "academy_name": names.get(academy),
                "staff_type": row["staff_type"] or None, "service_band": row["service_band"] or None,
                "responses": None, "invited": None, "response_rate": None, "suppressed": True, "measures": [],
                "items": []}
        if row["kind"] == "responses":
            group["suppressed"] = row["suppressed"]
            if not row["suppressed"]:
                group["responses"], group["invited"] = row["n"], row["invited"]
                group["response_rate"] = round(100.0 * row["n"] / row["invited"], 1) if row["invited"] else None
        elif row["kind"] == "measure" and row["figure"] in form.measures:
            group["measures"].append(_measure(form, row))
        elif row["kind"] == "item" and row["figure"] in form.items:
            group["items"].append(_item(form, row))
    order = {key: i for i, key in enumerate(form.measures)}
    item_order = {key: i for i, key in enumerate(form.items)}
    for group in groups.values():
        group["measures"].sort(key=lambda m: order[m["key"]])
        group["items"].sort(key=lambda i: item_order[i["key"]])
    return {"run_id": run.id, "title": run.title, "closes_on": run.closes_on, "min_group_size": run.min_group_size,
            "groups": list(groups.values()), "trend": trend(session, run, academy_ids)}


def _measure(form: Questionnaire, row: dict) -> dict:
    measure = form.measures[row["figure"]]
    out = {"key": measure.key, "title": measure.title, "higher_is_better": measure.higher_is_better,
           "suppressed": row["suppressed"], "n": row["n"] if not row["suppressed"] else None,
           "mean": row["mean"], "favourable": row["favourable"], "benchmarks": []}
    for bench in measure.benchmarks:
        ours = row["mean"] if bench.statistic == "mean" else row["favourable"]
        better_when_higher = measure.higher_is_better or bench.statistic == "percent_favourable"
        out["benchmarks"].append({
            "statistic": bench.statistic, "value": bench.value, "source": bench.source, "url": bench.url,
            "year": bench.year, "population": bench.population, "note": bench.note,
            "difference": None if ours is None else round(ours - bench.value, 2),
            "comparison": None if ours is None else _compare(ours, bench.value, better_when_higher)})
    if not measure.benchmarks:
        out["benchmark_note"] = "no national benchmark"
    return out


def _compare(ours: float, theirs: float, higher_is_better: bool) -> str:
    if math.isclose(ours, theirs, abs_tol=0.005):
        return "level with"
    return "above" if (ours > theirs) == higher_is_better else "below"


def _item(form: Questionnaire, row: dict) -> dict:
    item = form.items[row["figure"]]
    return {"key": item.key, "text": item.text, "scale": item.scale, "suppressed": row["suppressed"],
            "n": row["n"] if not row["suppressed"] else None, "mean": row["mean"], "favourable": row["favourable"],
            "distribution": row["distribution"]}


def academy_names(session) -> dict[str, str]:
    return {str(a): name for a, name in session.execute(select(academies.c.academy_id, academies.c.name))}


def trend(session, run: SurveyRun, academy_ids) -> list[dict]:
    """Each shown trust-wide (and, for academy HR, academy) measure across every closed run, oldest first."""
    cells = (results.c.cut == "trust") if academy_ids is None else and_(
        results.c.cut.in_(("trust", "academy")),
        (results.c.academy_id == "") | results.c.academy_id.in_([str(a) for a in academy_ids]))
    query = (select(results.c.run_id, runs.c.title, runs.c.closes_on, results.c.cut, results.c.academy_id,
                    results.c.figure, results.c.n, results.c.mean, results.c.favourable)
             .join(runs, runs.c.id == results.c.run_id)
             .where(runs.c.status == RunStatus.CLOSED, results.c.kind == "measure", results.c.suppressed.is_(False),
                    cells, runs.c.owner_academy_id.is_(None) if run.owner_academy_id is None
                    else runs.c.owner_academy_id == run.owner_academy_id,
                    results.c.figure.in_(list(questionnaire(run).measures)))
             .order_by(results.c.figure, results.c.cut, results.c.academy_id, runs.c.closes_on))
    series: dict[tuple, dict] = {}
    for row in session.execute(query):
        key = (row.figure, row.cut, row.academy_id)
        entry = series.setdefault(key, {"measure": row.figure, "cut": row.cut,
                                        "academy_id": row.academy_id or None, "points": []})
        entry["points"].append({"run_id": row.run_id, "title": row.title, "closes_on": row.closes_on,
                                "n": row.n, "mean": row.mean, "favourable": row.favourable})
    return list(series.values())


def csv_text(report_: dict) -> str:
    """The report as CSV, one row per shown or hidden figure: what a spreadsheet user expects."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["cut", "academy_id", "academy_name", "staff_type", "service_band", "kind", "figure", "title",
                     "n", "mean", "percent_favourable", "suppressed", "benchmark", "benchmark_statistic",
                     "benchmark_source", "benchmark_year", "comparison", "invited", "response_rate"])
    for group in report_["groups"]:
        where = [group["cut"], group["academy_id"] or "", group["academy_name"] or "", group["staff_type"] or "",
                 group["service_band"] or ""]
        writer.writerow([*where, "responses", "responses", "responses", _blank(group["responses"]), "", "",
                         group["suppressed"], "", "", "", "", "", _blank(group["invited"]),
                         _blank(group["response_rate"])])
        for m in group["measures"]:
            benches = m["benchmarks"] or [None]
            for b in benches:
                writer.writerow([*where, "measure", m["key"], m["title"], _blank(m["n"]), _blank(m["mean"]),
                                 _blank(m["favourable"]), m["suppressed"],
                                 *( [b["value"], b["statistic"], b["source"], b["year"], _blank(b["comparison"])]
                                    if b else ["", "", "no national benchmark", "", ""])])
        for i in group["items"]:
            writer.writerow([*where, "item", i["key"], i["text"], _blank(i["n"]), _blank(i["mean"]),
                             _blank(i["favourable"]), i["suppressed"], "", "", "", "", ""])
    return out.getvalue()


def _blank(value):
    return "" if value is None else value


def published(run: SurveyRun, rows: list[dict]) -> dict:
    """results_published: measure figures of the trust and each academy, shown groups only."""
    groups: dict[tuple, dict] = {}
    for row in rows:
        if row["cut"] not in ("trust", "academy") or row["suppressed"] or row["kind"] == "item":
            continue
        group = groups.setdefault((row["cut"], row["academy_id"]), {
            "cut": row["cut"], "academy_id": uuid.UUID(row["academy_id"]) if row["academy_id"] else None,
            "responses": 0, "figures": []})
        if row["kind"] == "responses":
            group["responses"] = row["n"]
        else:
            group["figures"].append({"figure": row["figure"], "n": row["n"], "mean": row["mean"],
                                     "favourable": row["favourable"]})
    shown = [g for g in groups.values() if g["responses"]]
    for g in shown:
        g["figures"].sort(key=lambda f: f["figure"])
    return {**run_payload(run), "min_group_size": run.min_group_size,
            "groups": sorted(shown, key=lambda g: (g["cut"] != "trust", str(g["academy_id"])))}


# -- comments and drivers ---------------------------------------------------------------------------

def shown_comments(session, run: SurveyRun, academy_ids) -> list[dict]:
    """Free text for the trust and each academy whose group is shown; sorted by text, never by arrival."""
    shown = {r["academy_id"] for r in visible_groups(session, run, academy_ids)
             if r["kind"] == "responses" and r["cut"] in ("trust", "academy") and not r["suppressed"]}
    form = questionnaire(run)
    out = []
    if "" in shown and academy_ids is None:
        rows = session.execute(select(comments.c.item, comments.c.text).where(comments.c.run_id == run.id)
                               .order_by(comments.c.item, comments.c.text))
        out.append({"cut": "trust", "academy_id": None, "comments": _by_item(form, rows)})
    for academy in sorted(a for a in shown if a):
        rows = session.execute(select(comments.c.item, comments.c.text)
                               .where(comments.c.run_id == run.id, comments.c.academy_id == uuid.UUID(academy))
                               .order_by(comments.c.item, comments.c.text))
        out.append({"cut": "academy", "academy_id": uuid.UUID(academy), "comments": _by_item(form, rows)})
    return out


def _by_item(form: Questionnaire, rows) -> list[dict]:
    grouped: dict[str, list[str]] = defaultdict(list)
    for item, text in rows:
        grouped[item].append(text)
    return [{"item": key, "question": form.items[key].text if key in form.items else key, "texts": texts}
            for key, texts in grouped.items()]


def drivers(session, run: SurveyRun, academy_id: uuid.UUID | None) -> dict:
    """How strongly each measure goes with the run's outcome measure (Pearson's r over respondents).

    The sums are taken by the database; only the closing formula runs here. A group must be shown in
    the results (so at or above the minimum size) for its drivers to be worked out.
    """
    outcome = response_measures.alias("outcome")
    other = response_measures.alias("other")
    x, y = other.c.value, outcome.c.value
    query = (select(other.c.measure, func.count(), func.sum(x), func.sum(y), func.sum(x * y), func.sum(x * x),
                    func.sum(y * y))
             .select_from(responses.join(outcome, outcome.c.response_id == responses.c.id)
                          .join(other, other.c.response_id == responses.c.id))
             .where(responses.c.run_id == run.id, outcome.c.measure == run.outcome, other.c.measure != run.outcome)
             .group_by(other.c.measure))
    if academy_id is not None:
        query = query.where(responses.c.academy_id == academy_id)
    form = questionnaire(run)
    found = []
    for measure, n, sx, sy, sxy, sxx, syy in session.execute(query):
        if n < run.min_group_size or measure not in form.measures:
            continue
        spread = math.sqrt(max(n * sxx - sx * sx, 0.0) * max(n * syy - sy * sy, 0.0))
        r = (n * sxy - sx * sy) / spread if spread else None
        found.append({"measure": measure, "title": form.measures[measure].title, "n": n,
                      "correlation": None if r is None else round(r, 3)})
    found.sort(key=lambda d: (d["correlation"] is None, -abs(d["correlation"] or 0)))
    return {"run_id": run.id, "outcome": run.outcome, "outcome_title": form.measures[run.outcome].title,
            "academy_id": academy_id, "drivers": found}
