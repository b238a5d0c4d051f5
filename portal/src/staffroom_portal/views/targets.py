"""The trust's staff targets for HR: where each stands today, trust-wide and per academy, its trend, and the people
it does not yet count. The targets API decides who may see which academy (academy HR: their own)."""
from __future__ import annotations

import uuid
from datetime import date
from urllib.parse import quote

from flask import Blueprint, render_template, request

from ..app import api, signed_in
from ..ui import day

blp = Blueprint("targets", __name__, url_prefix="/targets")


@blp.get("")
@signed_in
def index():
    return render_template("targets/index.html", targets=api().get("/api/targets/targets"))


@blp.get("/<key>")
@signed_in
def target(key):
    academy_id = request.args.get("academy_id") or None
    if academy_id is not None:
        try:
            academy_id = str(uuid.UUID(academy_id))
        except ValueError:
            return render_template("error.html", status=404, message="There is no academy with that id."), 404
    calls = api()
    path = f"/api/targets/targets/{quote(key, safe='')}"
    # Asked for one academy first, so the API's own rule (academy HR: their academy only) decides the page.
    figure = calls.get(path, academy_id=academy_id)
    every = calls.get(path) if academy_id else figure  # the other academies this person may see, to switch to
    trend = calls.get(f"{path}/trend", academy_id=academy_id)
    people = calls.get(f"{path}/people", academy_id=academy_id) if figure["lists_people"] else None
    shown = next((f for f in figure["figures"] if f["academy_id"] == academy_id), None)
    if people:
        for person in people:
            person["why"] = why(person)
    titles = {}
    if shown and shown.get("benchmarks"):
        titles = {m["key"]: m["title"] for i in calls.get("/api/wellbeing/instruments") for m in i["measures"]}
    return render_template("targets/target.html", target=every, figure=shown, trend=trend["points"], people=people,
                           academy_id=academy_id, titles=titles, amount=amount)


STEPS = {"objectives": "objectives", "mid_year": "mid-year review", "end_of_year": "end-of-year review"}


def why(person: dict) -> str:
    """Why a person is listed, in words: the target's reason with its date and what it is about put in."""
    about = person.get("about") or ""
    try:
        about = day(date.fromisoformat(about))
    except ValueError:
        about = STEPS.get(about, about)
    reason = person["reason"].replace("{about}", about)
    if person.get("due_on"):
        reason = reason.replace("{due_on}", day(person["due_on"]))
    return reason[:1].upper() + reason[1:]


def amount(benchmark: dict, value: float | None) -> str:
    """A survey figure or its benchmark as the survey report shows it: eNPS signed and whole (+12, 0, -5),
    a share as a percentage, other scores to two places."""
    if value is None:
        return "not shown"
    if benchmark["statistic"] == "favourable":
        return f"{value:.1f}%"
    if benchmark["figure"] == "enps":
        return f"{value:+.0f}" if round(value) else "0"
    return f"{value:.2f}"
