"""Reports of a closed run, read from the rows its close stored (service.results), filtered to the caller: the
groups beside national benchmarks, the trend across runs, the CSV, the comments and the drivers.

Nothing here adds up answers: a hidden figure was stored without its values, so no report can show them.
"""
from __future__ import annotations

import uuid
from collections import defaultdict

from staffroom_shared.authz import require
from staffroom_shared.errors import NotFound
from staffroom_shared.spreadsheet import csv_text as write_csv

from ..adapters.repository import AcademyRepository
from ..adapters.results import ResultRepository
from ..domain.benchmarks import compare as _compare, direction, unlike as _unlike
from ..domain.disclosure import comparable
from ..domain.instruments import SCALES, Questionnaire
from ..domain.model import STAFF_TYPES, SurveyRun, bands_named, staff_types_named


def visible_groups(session, run: SurveyRun, academy_ids, cut: str | None = None, kinds=None) -> list[dict]:
    """The run's stored result rows the caller may see (academy HR: trust-wide cuts and their academies)."""
    return ResultRepository(session).visible(run.id, academy_ids, cut, kinds)


def report(session, run: SurveyRun, academy_ids, cut: str | None = None) -> dict:
    """Groups with their measures and items, each beside its national benchmarks, plus the trend across runs."""
    names = academy_names(session)
    return {"run_id": run.id, "title": run.title, "closes_on": run.closes_on, "min_group_size": run.min_group_size,
            "everyone": everyone(run, names), "groups": shown_groups(session, run, academy_ids, cut, names),
            "trend": trend(session, run, academy_ids)}


def shown_groups(session, run: SurveyRun, academy_ids, cut: str | None, names: dict[str, str], kinds=None
                 ) -> list[dict]:
    """The report's groups, each with its measures and items as the report shows them (a hidden one without values);
    `kinds` as ResultRepository.visible."""
    form = run.questionnaire()
    groups: dict[tuple, dict] = {}
    for row in visible_groups(session, run, academy_ids, cut, kinds):
        key = (row["cut"], row["academy_id"], row["staff_type"], row["service_band"])
        group = groups.get(key)
        if group is None:
            academy = row["academy_id"] or None
            group = groups[key] = {
                "cut": row["cut"], "academy_id": academy, "academy_name": names.get(academy),
                "staff_type": row["staff_type"] or None, "service_band": row["service_band"] or None,
                "staff_type_name": staff_types_named(row["staff_type"]) if row["staff_type"] else None,
                "service_band_name": bands_named(row["service_band"]) if row["service_band"] else None,
                "responses": None, "invited": None, "response_rate": None, "suppressed": True, "measures": [],
                "items": []}
        if row["kind"] == "responses":
            group["suppressed"] = row["suppressed"]
            if not row["suppressed"]:
                group["responses"], group["invited"] = row["n"], row["invited"]
                group["response_rate"] = round(100.0 * row["n"] / row["invited"], 1) if row["invited"] else None
        elif row["kind"] == "measure" and row["figure"] in form.measures:
            types = set(row["staff_type"].split("+")) if row["staff_type"] else set(run.staff_types or STAFF_TYPES)
            group["measures"].append(_measure(form, row, types))
        elif row["kind"] == "item" and row["figure"] in form.items:
            group["items"].append(_item(form, row))
    order = {key: i for i, key in enumerate(form.measures)}
    item_order = {key: i for i, key in enumerate(form.items)}
    for group in groups.values():
        group["measures"].sort(key=lambda m: order[m["key"]])
        group["items"].sort(key=lambda i: item_order[i["key"]])
    return list(groups.values())


def everyone(run: SurveyRun, names: dict[str, str]) -> str:
    """What the run's "trust" group is, in words: the whole trust, or who it asked and where ("Leaders across the
    trust", "Support staff asked at Oak": issue 19's thirteenth outsider read a leaders' survey as the trust's)."""
    who = staff_types_named("+".join(t for t in STAFF_TYPES if t in run.staff_types)) if run.staff_types else None
    if not run.academy_ids:
        return f"{who} across the trust" if who else "The whole trust"
    return f"{who or 'Everyone'} asked at " + ", ".join(sorted(names.get(a, "an academy") for a in run.academy_ids))


def _measure(form: Questionnaire, row: dict, types: set[str]) -> dict:
    """`types`: the staff types the group's figures are about."""
    measure = form.measures[row["figure"]]
    out = {"key": measure.key, "title": measure.title, "higher_is_better": measure.higher_is_better,
           "suppressed": row["suppressed"], "n": row["n"] if not row["suppressed"] else None,
           "mean": row["mean"], "favourable": row["favourable"], "benchmarks": []}
    for bench in measure.benchmarks:
        ours = row["mean"] if bench.statistic == "mean" else row["favourable"]
        better_when_higher = measure.higher_is_better or bench.statistic == "percent_favourable"
        out["benchmarks"].append({
            "statistic": bench.statistic, "value": bench.value, "source": bench.source, "url": bench.url,
            "year": bench.year, "population": bench.population, "note": bench.note, "licence": bench.licence,
            "difference": None if ours is None else round(ours - bench.value, 2),
            "comparison": None if ours is None else "not comparable" if _unlike(bench.population, types) else
            _compare(ours, bench.value, better_when_higher)})
    if not measure.benchmarks:
        out["benchmark_note"] = "no national benchmark"
    return out


def _item(form: Questionnaire, row: dict) -> dict:
    item = form.items[row["figure"]]
    return {"key": item.key, "text": item.text, "scale": item.scale, "suppressed": row["suppressed"],
            "n": row["n"] if not row["suppressed"] else None, "mean": row["mean"], "favourable": row["favourable"],
            "distribution": row["distribution"],
            "choices": list(SCALES[item.scale].labels) if SCALES[item.scale].choice else None}


def academy_names(session) -> dict[str, str]:
    return AcademyRepository(session).names()


def trend(session, run: SurveyRun, academy_ids, among: list[uuid.UUID] | None = None) -> list[dict]:
    """Each shown trust-wide (and, for academy HR, academy) measure across every closed run of the same owner and
    the same scope (academies and staff types), or only those of them `among`, oldest first; a point whose people
    changed by fewer than the minimum group since an earlier one shown is withheld (domain.disclosure)."""
    stored = ResultRepository(session)
    alike = [r for r in stored.alike(run) if among is None or r in among]
    series: dict[tuple, dict] = {}
    for row in stored.trend_points(alike, list(run.questionnaire().measures), academy_ids):
        key = (row.figure, row.cut, row.academy_id)
        entry = series.setdefault(key, {"measure": row.figure, "cut": row.cut,
                                        "academy_id": row.academy_id or None, "points": []})
        closed_on = row.closed_at.date() if row.closed_at else row.closes_on
        entry["points"].append({"run_id": row.run_id, "title": row.title, "closed_on": closed_on,
                                "closed_at": row.closed_at,
                                "n": row.n, "mean": row.mean, "favourable": row.favourable, "withheld": None,
                                "k": row.min_group_size})
    pairs = stored.between({p["run_id"] for e in series.values() for p in e["points"]})
    answered = stored.shown_responses(alike, academy_ids)  # shown counts only: a hidden one is 0
    for entry in series.values():
        points = entry["points"]
        scope = entry["academy_id"] or ""

        def changed(i, j, points=points, scope=scope):
            return pairs.get((points[i]["run_id"], points[j]["run_id"], scope))

        # who skipped the figure: the group's respondents that run, less those who answered it (not known where the
        # group's count is not shown: then the point is not compared)
        counts = [(p["n"], p["k"], answered[(p["run_id"], entry["cut"], scope)] - p["n"]
                   if (p["run_id"], entry["cut"], scope) in answered else None) for p in points]
        for point, ok in zip(points, comparable(counts, changed)):
            k = point.pop("k")
            if not ok:
                point.update(mean=None, favourable=None, withheld=(
                    f"not compared: the people answering changed by fewer than {k} since an earlier survey shown "
                    "here, so the difference could reveal their answers"))
    return list(series.values())


CUT_NAMES = {"trust": "The whole trust", "academy": "Each academy", "staff_type": "Each staff type",
             "service_band": "Each length of service", "academy_staff_type": "Each staff type in each academy"}
COMPARISONS = {"above": "better", "below": "worse", "level with": "level",
               "not comparable": "not compared: the national figure is for other staff"}


def csv_text(report_: dict) -> str:
    """The report as CSV, one row per shown or hidden figure, in words a spreadsheet user reads (no keys or ids):
    a hidden figure's cells are empty and its "Shown" says why. A measure sits beside its latest national figures,
    as on the page (every wave of DfE's survey made three rows of one figure, issue 20), each saying whom it is
    for; eNPS is its score, not an average of -100, 0 and 100."""
    rows = [["Groups", "Academy", "Staff type", "Length of service", "Figure", "Question or measure", "People",
             "Average", "% favourable", "eNPS score", "Shown", "National benchmark", "Benchmark is",
             "Benchmark is for", "Benchmark source", "Benchmark year", "Compared with the benchmark", "Invited",
             "Response rate %"]]
    cut_names = {**CUT_NAMES, "trust": report_["everyone"]}
    for group in report_["groups"]:
        where = [cut_names.get(group["cut"], group["cut"]), group["academy_name"], group["staff_type_name"],
                 group["service_band_name"]]
        rows.append([*where, "People who answered", None, group["responses"], None, None, None, _shown(group),
                     None, None, None, None, None, None, group["invited"], group["response_rate"]])
        for m in group["measures"]:
            enps = m["key"] == "enps"
            figures = [None, None, None if m["mean"] is None else round(m["mean"])] if enps else [
                m["mean"], m["favourable"], None]
            for b in latest(m["benchmarks"]) or [None]:
                rows.append([*where, "Measure", m["title"], m["n"], *figures, _shown(m),
                             *([b["value"], "% favourable" if b["statistic"] == "percent_favourable" else "average",
                                b["population"], b["source"], b["year"],
                                COMPARISONS.get(b["comparison"], b["comparison"])]
                               if b else [None, None, None, "no national benchmark", None, None])])
        for i in group["items"]:
            rows.append([*where, "Question", i["text"], i["n"], i["mean"], i["favourable"], None, _shown(i)])
    return write_csv([row + [None] * (len(rows[0]) - len(row)) for row in rows])  # every row as wide as the header


def latest(benchmarks: list[dict]) -> list[dict]:
    """Of each statistic's national figures (newest first, as the instruments list them), the newest year's."""
    newest: dict[str, str] = {}
    for b in benchmarks:
        newest.setdefault(b["statistic"], b["year"])
    return [b for b in benchmarks if b["year"] == newest[b["statistic"]]]


def _shown(figure: dict) -> str:
    return "No: too few people, or it would reveal a smaller group" if figure["suppressed"] else "Yes"


# -- comments and drivers ---------------------------------------------------------------------------

def shown_comments(session, run: SurveyRun, academy_ids) -> list[dict]:
    """Free text for the trust and each academy whose group is shown; sorted by text, never by arrival."""
    shown = {r["academy_id"] for r in visible_groups(session, run, academy_ids)
             if r["kind"] == "responses" and r["cut"] in ("trust", "academy") and not r["suppressed"]}
    form = run.questionnaire()
    out = []
    stored = ResultRepository(session)
    if "" in shown and academy_ids is None:
        out.append({"cut": "trust", "academy_id": None, "comments": _by_item(form, stored.comments(run.id))})
    for academy in sorted(a for a in shown if a):
        rows = stored.comments(run.id, uuid.UUID(academy))
        out.append({"cut": "academy", "academy_id": uuid.UUID(academy), "comments": _by_item(form, rows)})
    return out


def _by_item(form: Questionnaire, rows) -> list[dict]:
    grouped: dict[str, list[str]] = defaultdict(list)
    for item, text in rows:
        grouped[item].append(text)
    return [{"item": key, "question": form.items[key].text if key in form.items else key, "texts": texts}
            for key, texts in grouped.items()]


def drivers_seen(session, run: SurveyRun, academy_id: uuid.UUID | None, scope) -> dict:
    """The drivers the caller may see: `scope`, the academies whose records they may list (None: all), must hold
    the academy asked for; and an academy's are shown only where its results are."""
    if scope is not None:
        require(academy_id is not None and academy_id in scope, "ask for your own academy's drivers")
    if academy_id is not None:
        shown = [g for g in visible_groups(session, run, [academy_id], "academy")
                 if g["kind"] == "responses" and not g["suppressed"] and g["academy_id"] == str(academy_id)]
        if not shown:
            raise NotFound(f"no results are shown for academy {academy_id} in this run (too few responses)")
    return drivers(session, run, academy_id)


def drivers(session, run: SurveyRun, academy_id: uuid.UUID | None) -> dict:
    """How strongly each measure goes with the run's outcome measure (Pearson's r over respondents), as worked
    out at the close: for the trust, or an academy whose results are shown, and measures the minimum group
    answered."""
    form = run.questionnaire()
    rows = ResultRepository(session).drivers(run.id, str(academy_id) if academy_id else "")
    outcome = form.measures[run.outcome]
    found = [{"measure": measure, "title": form.measures[measure].title, "n": n, "correlation": r,
              "direction": direction(r, form.measures[measure], outcome)}
             for measure, n, r in rows if measure in form.measures]
    found.sort(key=lambda d: (d["correlation"] is None, -abs(d["correlation"] or 0), d["measure"]))
    return {"run_id": run.id, "outcome": run.outcome, "outcome_title": form.measures[run.outcome].title,
            "academy_id": academy_id, "drivers": found}
