"""From a closed survey's results to action, as HR and heads read it: the heatmap (each group against its benchmark
and the trust's own figure, in colour and in words), the "focus on" list, and the benchmark registry page."""
from __future__ import annotations

import re

from flask import Blueprint, flash, redirect, render_template, request, url_for
from markupsafe import Markup

from ..backend import ApiError
from ..current import api, signed_in, user
from ..ui import Form, as_entered, bdi, fields, minus, submit
from .survey_results import group_name

blp = Blueprint("benchmarks", __name__)

AGAINST = {"above": "better than", "below": "worse than", "level with": "level with"}
STATISTICS = [("mean", "An average (for eNPS, its score from −100 to +100)"),
              ("percent_favourable", "A share favourable, 0 to 100%")]
BANDS = [("", "Not a band: a figure for everyone surveyed"), ("50", "The median (50th percentile)"),
         ("75", "The top quartile (75th percentile)"), ("25", "The bottom quartile (25th percentile)"),
         ("20", "The 20th percentile"), ("80", "The 80th percentile")]  # HSE's Analysis Tool gives 20th, 50th, 80th


def _unit(measure: dict) -> str:
    if measure["key"] == "enps":
        return "score, −100 to +100"
    return "% favourable" if measure["statistic"] == "percent_favourable" else "average"


def _figure(b: dict, statistic: str) -> str:
    value = f"{as_entered(b['value'])}{'%' if statistic == 'percent_favourable' else ''}"
    return f"{b['band'].removeprefix('the ')} {value}" if b.get("band") else value


def _legend(m: dict) -> Markup:
    """One measure's line of the key; what the trust typed (whom a figure is for, its source and year, a question of
    its own) each isolated for direction, so it cannot turn the key's own words round."""
    ref = m["reference"]
    if ref is None:
        return Markup("{}: no benchmark.").format(bdi(m["title"]))
    who = "added by the trust" if not ref["built_in"] else "built in"
    line = Markup("{}: against {}, for {} ({}, {}; {}).").format(
        bdi(m["title"]), _figure(ref, m["statistic"]), bdi(ref["population"]), bdi(ref["source"]), bdi(ref["year"]),
        who)
    others = [b for b in m["bands"] if b["id"] != ref["id"]]
    if others:
        line += Markup(" Bands from the same source: {}.").format(", ".join(_figure(b, m["statistic"]) for b in others))
    return line


def _cell(cell: dict, trust_row: bool) -> dict:
    if not cell["shown"]:
        return {"css": "heat-hidden", "value": "hidden", "lines": [] if cell["hidden"].startswith("hidden") else
                [cell["hidden"]]}
    against = cell["against_benchmark"]
    lines = [f"{AGAINST[against]} benchmark" if against in AGAINST else
             "not compared: the benchmark is for other staff" if against == "not comparable" else "no benchmark"]
    if cell["bands"]:
        lines.append(cell["bands"])
    if not trust_row and cell["against_trust"]:
        lines.append(f"{AGAINST[cell['against_trust']]} the trust")
    css = {"above": "heat-above", "below": "heat-below", "level with": "heat-level"}.get(against, "heat-none")
    return {"css": css, "value": minus(cell["text"]), "lines": lines}


def heatmap(calls, run_id, trust_wide: bool) -> dict | None:
    try:
        heat = calls.get(f"/api/wellbeing/runs/{run_id}/heatmap")
    except ApiError as error:
        if error.status in (403, 404):
            return None
        raise
    rows = [{"name": group_name(r, heat["everyone"], trust_wide), "suppressed": r["suppressed"],
             "cells": [_cell(c, r["cut"] == "trust") for c in r["cells"]]} for r in heat["rows"]]
    return {"measures": [{"title": m["title"], "unit": _unit(m)} for m in heat["measures"]], "rows": rows,
            "legend": [_legend(m) for m in heat["measures"]], "academy_name": heat["academy_name"],
            "k": heat["min_group_size"], "everyone": heat["everyone"]}


def focus(calls, run_id) -> dict | None:
    try:
        found = calls.get(f"/api/wellbeing/runs/{run_id}/priorities")
    except ApiError as error:
        if error.status in (403, 404):
            return None
        raise
    # "worse", not "lower": for anxiety a higher figure is the worse one (outsider, issue 23)
    worse = "worse than the benchmark" if found["compared_with"] == "benchmark" else "worse than the trust as a whole"
    return {"where": found["academy_name"], "worse": worse, "min_pairs": found["min_pairs"],
            "outcome": found["outcome_words"], "note": found["note"],
            "items": [{"title": f["title"], "value": minus(f["text"]), "link": f["link"]} for f in found["focus"]]}


# -- the registry (HR) ----------------------------------------------------------------------------------------

@blp.get("/surveys/benchmarks")
@signed_in
def registry(form: Form | None = None):
    calls = api()
    figures = calls.get("/api/wellbeing/benchmarks")
    measures: dict[str, dict] = {}
    for f in figures:
        entry = measures.setdefault(f["measure"], {"title": f["measure_title"], "figures": []})
        entry["figures"].append({**f, "shown": _figure(f, f["statistic"])})
    options = [(m["key"], f"{m['title']} ({i['title']})") for i in calls.get("/api/wellbeing/instruments")
               for m in i["measures"]]
    status = 422 if form and form.error else 200
    return render_template("surveys/benchmarks.html", measures=list(measures.values()), options=options,
                           statistics=STATISTICS, bands=BANDS, form=form or Form(),
                           may_edit=user().has_role("trust_hr")), status


def _typed_number(raw: str) -> float | str:
    """A number typed into the form, as a number (the API takes no number in quotes); anything else as typed, for
    the API to say why."""
    raw = raw.replace("\u2212", "-")
    return float(raw) if re.fullmatch(r"-?\d+(\.\d+)?", raw) else raw


@blp.post("/surveys/benchmarks")
@signed_in
def add():
    body = fields("measure", "statistic", "value", "percentile", "source", "url", "year", "population", "licence",
                  "note", blanks_as_none=False, percentile=lambda v: int(v) if v.isdigit() else v, value=_typed_number)
    body["reference"] = request.form.get("reference") == "yes"
    form = submit(lambda: api().post("/api/wellbeing/benchmarks", json=body))
    if form.error:
        return registry(form)
    flash("The figure is added to the trust's benchmarks.")
    return redirect(url_for(".registry"))


@blp.post("/surveys/benchmarks/<uuid:figure_id>/use")
@signed_in
def use(figure_id):
    api().patch(f"/api/wellbeing/benchmarks/{figure_id}", json={"reference": True})
    flash("The heatmap now colours that measure against this figure.")
    return redirect(url_for(".registry"))


@blp.post("/surveys/benchmarks/<uuid:figure_id>/retire")
@signed_in
def retire(figure_id):
    api().post(f"/api/wellbeing/benchmarks/{figure_id}/retire")
    flash("The figure is retired: it is no longer used or listed.")
    return redirect(url_for(".registry"))
