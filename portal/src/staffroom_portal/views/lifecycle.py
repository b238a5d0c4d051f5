"""Onboarding and exit surveys for HR: trust HR switch them on and say when people are asked; HR follow each pool
and read its results (the survey's own page) and why people leave. The wellbeing API decides who sees what."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for

from ..current import api, is_hr, signed_in, user
from ..ui import Form, refused, submit

blp = Blueprint("lifecycle", __name__)

WORDS = {"onboarding": ("after they start", "weeks after someone starts"),
         "exit": ("before they leave", "weeks before someone's leaving date")}


def _page():
    if not is_hr():
        return render_template("error.html", status=403, message="Onboarding and exit surveys are for HR."), 403
    calls = api()
    return render_template("surveys/lifecycle.html", series=calls.get("/api/wellbeing/lifecycle"),
                           leaving=why_people_leave(calls), words=WORDS, may_change=user().has_role("trust_hr"),
                           trust_wide=user().has_role("trust_hr"))


def _changing(kind: str, form: Form | None = None, status: int = 200):
    series = next((s for s in api().get("/api/wellbeing/lifecycle") if s["kind"] == kind), None)
    if series is None:
        return render_template("error.html", status=404, message="There is no such survey."), 404
    about = {"onboarding": "New starters are asked how their first weeks went.",
             "exit": "People leaving are asked why, before their leaving date, at their work email."}[kind]
    return render_template("surveys/lifecycle_change.html", series=series, about=about, when=WORDS[kind][1],
                           form=form or Form()), status


def why_people_leave(calls) -> dict | None:
    """The latest closed exit pool's reasons for leaving across the trust, as chart rows, most given first (None:
    no exit pool has closed, or its trust figures are hidden), and how many left in its window as the directory
    records them (at the academies the caller may see)."""
    pool = next(iter(calls.get("/api/wellbeing/lifecycle/leaving-reasons")), None)
    trust = pool and next((g for g in pool["groups"] if g["cut"] == "trust"), None)
    if trust is None:
        return None
    out = {**pool, "answered": trust["answered"], "rows": [
        {"label": r["reason"], "value": r["count"], "text": str(r["count"]), "marks": []}
        for r in sorted(trust["reasons"], key=lambda r: -r["count"])]}
    out["leavers"] = sum(1 for p in calls.all_pages("/api/directory/staff", current=False)
                         if p["leaving_date"] and pool["opens_on"] <= p["leaving_date"] <= pool["closes_on"])
    return out


@blp.get("/surveys/lifecycle")
@signed_in
def index():
    return _page()


def _weeks(raw: str, low: int, high: int) -> int | None:
    """Weeks as typed, in days; None unless a whole number from low to high."""
    return int(raw) * 7 if raw.strip().isdigit() and low <= int(raw) <= high else None


@blp.route("/surveys/lifecycle/<kind>", methods=["GET", "POST"])
@signed_in
def change(kind):
    if not user().has_role("trust_hr"):
        return render_template("error.html", status=403, message="Only trust HR can change these surveys."), 403
    if request.method == "GET":
        return _changing(kind)
    body = {"enabled": request.form.get("enabled") == "on"}
    for name, low, high in (("delay_days", 0, 52), ("window_days", 2, 52)):
        days = _weeks(request.form.get(name, ""), low, high)
        if days is None:
            return _changing(kind, refused(name, f"Enter a whole number of weeks from {low} to {high}."), 422)
        body[name] = days
    form = submit(lambda: api().patch(f"/api/wellbeing/lifecycle/{kind}", json=body))
    if form.error:
        return _changing(kind, form, 422)
    flash(f"The {form.answer['name'].lower()} is {'switched on' if body['enabled'] else 'switched off'}.")
    return redirect(url_for(".index"))
