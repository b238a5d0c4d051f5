"""National professional qualifications pages (issue 25): HR's list of the academy's NPQ places with filters,
registering a place, and recording the lead provider's news, the funding and the outcome; a member of staff's own
NPQs. Each page calls the CPD API as the signed-in person, so the API decides who may see and do what."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for

from ..current import api, hr_only, signed_in
from ..ui import Form, fields, refused, staff_options, submit
from .hr import academy_choice

blp = Blueprint("npq", __name__, url_prefix="/npq")
API = "/api/cpd/npq-places"

STATUSES = {"awaiting": "Waiting for the lead provider's answer", "rejected": "Not accepted by the lead provider",
            "active": "Being taken", "deferred": "Deferred", "withdrawn": "Withdrawn", "passed": "Passed",
            "failed": "Not passed"}
FUNDING = {"awaiting": "Waiting for DfE's scholarship decision", "scholarship": "DfE scholarship",
           "academy": "Paid by the academy", "trust": "Paid by the trust", "self": "Paid by the participant"}
# What HR may record next, for a place where it stands (the API refuses anything else in words).
NEWS = {"awaiting": [("accepted", "The lead provider accepted the application"),
                     ("rejected", "The lead provider did not accept the application")],
        "active": [("deferred", "They deferred the course"), ("withdrawn", "They withdrew from the course")],
        "deferred": [("resumed", "They resumed the course"), ("withdrawn", "They withdrew from the course")]}
DONE = {"accepted": "The lead provider's acceptance is recorded.", "rejected": "The lead provider's answer is recorded.",
        "deferred": "The deferral is recorded.", "resumed": "They are taking the course again.",
        "withdrawn": "The withdrawal is recorded."}
OUTCOMES = [("passed", "Passed"), ("failed", "Not passed")]


@blp.app_template_filter("npq_status")
def _status(value) -> str:
    return STATUSES.get(value, str(value or ""))


@blp.app_template_filter("npq_funding")
def _funding(value) -> str:
    return FUNDING.get(value, str(value or ""))


def _courses() -> list[tuple[str, str]]:
    return [(c["short_code"], f"NPQ for {c['name']}") for c in api().get("/api/cpd/npq-courses")]


@blp.get("")
@hr_only
def index():
    choices, chosen = academy_choice()
    wanted = {k: request.args.get(k) or None for k in ("course", "cohort", "status")}
    if wanted["course"] not in dict(_courses()):
        wanted["course"] = None
    if wanted["status"] not in STATUSES:
        wanted["status"] = None
    every = api().get(API, academy_id=chosen)
    places = api().get(API, academy_id=chosen, **{k: v for k, v in wanted.items() if v})
    cohorts = sorted({p["cohort"] for p in every}, key=lambda c: (c.split()[-1], c))
    return render_template("npq/index.html", places=places, academies=choices, chosen=chosen, courses=_courses(),
                           cohorts=cohorts, statuses=STATUSES, wanted=wanted, any_at_all=bool(every))


@blp.get("/new")
@hr_only
def register(form: Form | None = None):
    choices, chosen = academy_choice()
    people = staff_options(api().all_pages("/api/directory/staff", academy_id=chosen, current="true")) if chosen else []
    return render_template("npq/register.html", academies=choices, chosen=chosen, people=people, courses=_courses(),
                           funding=list(FUNDING.items()), form=form or Form()), 422 if form and form.error else 200


@blp.post("/new")
@hr_only
def register_place():
    _, chosen = academy_choice()
    if not chosen:
        return register(refused("academy_id", "Choose the academy first"))
    body = fields("staff_id", "course", "lead_provider", "cohort_starts_on", "funding")
    for name, words in (("staff_id", "Choose the member of staff"), ("course", "Choose the NPQ"),
                        ("lead_provider", "Name the lead provider"),
                        ("cohort_starts_on", "Give the day the provider's cohort starts"),
                        ("funding", "Say how it is funded")):
        if body[name] is None:
            return register(refused(name, words))
    created = {}
    form = submit(lambda: created.update(api().post(API, json=body)))
    if form.error:
        return register(form)
    flash(f"{created['staff_name'] or 'They'} {'is' if created['staff_name'] else 'are'} registered for the NPQ for "
          f"{created['course_name']}, waiting for the lead provider's answer.")
    return redirect(url_for("npq.one", place_id=created["id"]))


@blp.get("/mine")
@signed_in
def mine():
    return render_template("npq/mine.html", places=api().get(f"{API}/mine"))


@blp.get("/<uuid:place_id>")
@signed_in
def one(place_id, form: Form | None = None):
    place = api().get(f"{API}/{place_id}")
    return render_template("npq/one.html", place=place, news=NEWS.get(place["status"], []), outcomes=OUTCOMES,
                           funding=list(FUNDING.items()), form=form or Form()), 422 if form and form.error else 200


def _step(place_id, name: str, call, message: str):
    form = submit(call, name=name)
    if form.error:
        return one(place_id, form)
    flash(message)
    return redirect(url_for("npq.one", place_id=place_id))


@blp.post("/<uuid:place_id>/provider")
@hr_only
def provider(place_id):
    body = fields("news")
    if body["news"] not in DONE:
        return one(place_id, refused("news", "Choose what the lead provider told you", name="provider"))
    return _step(place_id, "provider", lambda: api().post(f"{API}/{place_id}/provider", json=body),
                 DONE[body["news"]])


@blp.post("/<uuid:place_id>/funding")
@hr_only
def funding(place_id):
    body = fields("funding")
    if body["funding"] is None:
        return one(place_id, refused("funding", "Say how it is funded", name="funding"))
    return _step(place_id, "funding", lambda: api().put(f"{API}/{place_id}/funding", json=body),
                 "The funding is recorded.")


@blp.post("/<uuid:place_id>/outcome")
@hr_only
def outcome(place_id):
    body = fields("outcome", "completed_on")
    for name, words in (("outcome", "Choose the outcome"), ("completed_on", "Give the day the lead provider gave it")):
        if body[name] is None:
            return one(place_id, refused(name, words, name="outcome"))
    passed = {}
    form = submit(lambda: passed.update(api().post(f"{API}/{place_id}/outcome", json=body)), name="outcome")
    if form.error:
        return one(place_id, form)
    if passed["outcome"] == "passed" and passed["leadership"]:
        flash("The pass is recorded. As a leadership NPQ, it puts them among the trust's future leaders: they are "
              "told, and can accept or decline.")
    else:
        flash("The outcome is recorded.")
    return redirect(url_for("npq.one", place_id=place_id))
