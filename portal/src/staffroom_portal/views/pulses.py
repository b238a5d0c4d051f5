"""Pulse surveys (HR and heads): a short survey made again each month or term; its pulses and the trend across them.

Each pulse is an ordinary survey run, so its own page (surveys.run) shows its progress and results.
"""
from __future__ import annotations

from datetime import date

from flask import Blueprint, flash, redirect, render_template, request, url_for

from ..backend import ApiError
from ..current import api, is_hr, signed_in, user
from ..ui import Form, day, fields, refused, submit, whole
from . import survey_results as results_page
from .surveys import STAFF_TYPES, _may_manage, asked_and_scope, instrument_options

blp = Blueprint("pulses", __name__)

TERMS = (("autumn", "Autumn term"), ("spring", "Spring term"), ("summer", "Summer term"))
STATUS = {"active": "Running", "paused": "Paused", "ended": "Ended"}


def _when(series: dict) -> str:
    """How often, in words: "Every month but August, from the 4th, open 7 days"."""
    if series["cadence"] == "monthly":
        n = series["day_of_month"]
        suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
        often = f"Every month but August, on the {n}{suffix}"
    else:
        days = [date(2024, *map(int, d.split("-"))) for d in series["term_opens"]]
        often = "Each term, on " + ", ".join(f"{d.day} {d:%B}" for d in days)
    return f"{often}, open {series['open_days']} days (a weekend start moves to the Monday)"


@blp.get("/surveys/pulses")
@signed_in
def index():
    listed = api().get("/api/wellbeing/pulses")  # 403 for staff
    return render_template("surveys/pulses.html", series=[{**s, "when": _when(s)} for s in listed], status=STATUS)


def _form(form: Form, status: int = 200):
    if not is_hr():
        raise ApiError(403, "Forbidden", "pulse surveys are for HR")
    calls = api()
    chosen = {name: request.form.getlist(name) if form.error else [] for name in ("instruments", "academy_ids",
                                                                                  "staff_types")}
    return render_template(
        "surveys/pulse_new.html", form=form, chosen=chosen, staff_types=STAFF_TYPES, terms=TERMS,
        trust_wide=user().has_role("trust_hr"),
        instruments=instrument_options(calls),
        academies=[(a["id"], a["name"]) for a in calls.get("/api/directory/academies")],
        today=date.today().isoformat()), status


@blp.get("/surveys/pulses/new")
@signed_in
def new():
    return _form(Form())


def _body() -> dict:
    body = fields("title", "cadence", "day_of_month", "open_days", "starts_on", "min_group_size", blanks_as_none=False,
                  day_of_month=whole, open_days=whole, min_group_size=whole)
    for name in ("instruments", "staff_types"):
        body[name] = request.form.getlist(name)
    if body.get("cadence") == "termly":
        body.pop("day_of_month", None)
        # a day of the year in each term: the date fields' year is not used
        body["term_opens"] = [request.form.get(f"term_{term}", "")[5:] for term, _ in TERMS]
    if user().has_role("trust_hr"):
        body["academy_ids"] = request.form.getlist("academy_ids")
    else:  # academy HR and heads run their own academy's
        body["owner_academy_id"] = str(user().academy_id)
    return body


@blp.post("/surveys/pulses/new")
@signed_in
def create():
    body = _body()
    if body.get("cadence") == "termly" and not all(body["term_opens"]):
        return _form(refused("term_opens", "choose the day each term's pulse opens: autumn, spring and summer"), 422)
    form = submit(lambda: api().post("/api/wellbeing/pulses", json=body))
    if form.error:
        return _form(form, 422)
    made = form.answer
    flash(f"The pulse survey is set up. Its first pulse opens on {day(made['next_on'])}; it is scheduled two weeks "
          "before, and invitations go out on the day.")
    for warning in made["warnings"]:
        flash(warning, "error")
    return redirect(url_for(".series", series_id=made["id"]))


@blp.get("/surveys/pulses/<uuid:series_id>")
@signed_in
def series(series_id):
    calls = api()
    found = calls.get(f"/api/wellbeing/pulses/{series_id}")
    s = found["series"]
    instruments = calls.get("/api/wellbeing/instruments")
    academies = {a["id"]: a["name"] for a in calls.get("/api/directory/academies")}
    titles = {m["key"]: m["title"] for i in instruments for m in i["measures"]}
    titles.update({f"custom.{q['key']}": q["text"] for q in s["questions"]})
    asked, scope = asked_and_scope(s, instruments, academies)
    trend = calls.get(f"/api/wellbeing/pulses/{series_id}/trend")["trend"]
    return render_template(
        "surveys/pulse.html", series=s, pulses=found["pulses"], status=STATUS, when=_when(s), asked=asked,
        scope=scope, may_manage=_may_manage(s),
        trend=results_page.trend(trend, instruments, titles, academies, "everyone asked", "trust"))


@blp.route("/surveys/pulses/<uuid:series_id>/<any(pause, resume, end):step>", methods=["GET", "POST"])
@signed_in
def step(series_id, step):
    """Pausing and resuming act at once; ending is for good, so it is confirmed first."""
    if request.method == "GET":
        s = api().get(f"/api/wellbeing/pulses/{series_id}")["series"]
        return render_template("surveys/pulse_end.html", series=s)
    try:
        api().post(f"/api/wellbeing/pulses/{series_id}/{step}")
    except ApiError as error:
        if error.status != 409:
            raise
        flash(f"{error.detail.capitalize()}.", "error")
        return redirect(url_for(".series", series_id=series_id))
    flash({"pause": "Paused: no new pulses are made until you resume. A pulse already scheduled still runs.",
           "resume": "Resumed: the next pulse is made two weeks before its day; days missed while paused are skipped.",
           "end": "Ended: no more pulses will be made. Past pulses and their results stay."}[step])
    return redirect(url_for(".series", series_id=series_id))
