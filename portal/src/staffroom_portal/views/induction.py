"""Statutory induction pages (issue 25): HR's list of the academy's ECTs, registering one, the academy's term dates,
the tutor and mentor, absence, the appropriate body's decision and leaving; the induction tutor's dashboard, the
term's timetable and the reviews and formal assessments they record; the ECT's own induction and their signature;
the mentor's mentees. Each page calls the CPD API as the signed-in person, so the API decides who may see and do
what (a mentor is given no outcomes or notes); these pages only choose which forms to offer."""
from __future__ import annotations

import time
from datetime import date

import httpx

from flask import Blueprint, Response, abort, flash, g, redirect, render_template, request, session, url_for

from staffroom_shared.app import DOCUMENT_CSP

from ..backend import ApiError
from ..current import api, hr_only, is_hr, signed_in, user
from ..ui import Form, fields, refused, staff_options, submit
from .hr import academy_choice

blp = Blueprint("induction", __name__, url_prefix="/induction")
API = "/api/cpd/inductions"

PROGRAMMES = [("provider-led", "Provider-led: a lead provider's training programme"),
              ("school-led", "School-led: the school's own programme")]
LEAVES = [("sickness", "Sickness"), ("other absence", "Other absence"),
          ("statutory maternity leave", "Statutory maternity leave"),
          ("statutory paternity leave", "Statutory paternity leave"), ("shared parental leave", "Shared parental leave"),
          ("statutory adoption leave", "Statutory adoption leave"),
          ("parental bereavement leave", "Parental bereavement leave"), ("carer's leave", "Carer's leave")]
DECISIONS = [("passed", "Passed: induction is complete"), ("extended", "Extended by some terms"),
             ("failed", "Failed")]
# What each kind of meeting may conclude, in the API's words (cpd.domain.ects.OUTCOMES).
OUTCOMES = {
    "progress_review": [("on track", "On track"),
                        ("not making satisfactory progress", "Not making satisfactory progress")],
    "first_formal_assessment": [("making satisfactory progress", "Making satisfactory progress"),
                                ("not making satisfactory progress", "Not making satisfactory progress")],
    "final_formal_assessment": [("satisfactory", "Satisfactory"), ("unsatisfactory", "Unsatisfactory"),
                                ("an extension should be considered", "An extension should be considered")],
}
STANDARDS = [("TS1", "Set high expectations which inspire, motivate and challenge pupils"),
             ("TS2", "Promote good progress and outcomes by pupils"),
             ("TS3", "Demonstrate good subject and curriculum knowledge"),
             ("TS4", "Plan and teach well structured lessons"),
             ("TS5", "Adapt teaching to respond to the strengths and needs of all pupils"),
             ("TS6", "Make accurate and productive use of assessment"),
             ("TS7", "Manage behaviour effectively to ensure a good and safe learning environment"),
             ("TS8", "Fulfil wider professional responsibilities"),
             ("Part 2", "Personal and professional conduct")]
STATUSES = {"serving": "Serving induction", "passed": "Passed", "failed": "Failed", "left": "Left before completing"}
TERMS = {1: "Autumn term", 2: "Spring term", 3: "Summer term"}
SIGNED_AS = {"tutor": "You signed as the induction tutor.", "head": "You signed for the headteacher.",
             "ect": "You signed. Your comments are part of the record."}
PLAN_LISTS = ("areas_to_improve", "objectives", "support")
RELATIONS_SECONDS = 60  # how long the navigation trusts what it last learnt of the person's part in induction


@blp.app_template_filter("induction_status")
def _status(value) -> str:
    return STATUSES.get(value, str(value or ""))


@blp.app_template_filter("terms")
def _terms(value) -> str:
    """A number of terms as people say it: "6 terms", "1 term", "2.5 terms"."""
    if value is None:
        return ""
    text = f"{float(value):.2f}".rstrip("0").rstrip(".")
    return f"{text} term" if text == "1" else f"{text} terms"


@blp.app_template_filter("fte")
def _fte(value) -> str:
    return "full-time" if value is not None and float(value) >= 1 else f"{float(value or 0):g} of full-time"


def _term_name(value) -> str:
    return str(value or "")[:1].upper() + str(value or "")[1:]


blp.app_template_filter("term_name")(_term_name)


# -- who is who ---------------------------------------------------------------------------------------------

def _mine() -> dict | None:
    try:
        return api().get(f"{API}/mine")
    except ApiError as error:
        if error.status != 404:
            raise
        return None


def relations() -> set[str]:
    """The signed-in person's parts in induction ('ect', 'tutor', 'mentor', 'hr'), for the navigation: asked of the
    API at most once a minute per session, since every page's navigation needs it."""
    if "induction_relations" in g:
        return g.induction_relations
    cached = session.get("induction")
    if cached and time.time() - cached.get("at", 0) < RELATIONS_SECONDS and cached.get("who") == str(user().staff_id):
        return _remember(set(cached["relations"]))
    if g.get("refused_by_the_portal"):  # its own refusal asks no API, the navigation's neither (test_refusal_pages)
        return {"hr"} if is_hr() else set()
    calls = api()
    try:
        return _remember({part for part, found in (("tutor", calls.get(f"{API}/tutoring")),
                                                   ("mentor", calls.get(f"{API}/mentees")), ("ect", _mine()))
                          if found})
    except (ApiError, httpx.HTTPError):
        return {"hr"} if is_hr() else set()  # the navigation never stops a page (its error page included)


def _remember(parts: set[str]) -> set[str]:
    parts.discard("hr")
    session["induction"] = {"at": time.time(), "who": str(user().staff_id), "relations": sorted(parts)}
    g.induction_relations = parts | ({"hr"} if is_hr() else set())
    return g.induction_relations


def forget_relations() -> None:
    """After a change that may give someone a part (HR name a tutor, register an ECT), the next page asks again."""
    session.pop("induction", None)
    g.pop("induction_relations", None)


# -- everyone's start page --------------------------------------------------------------------------------

@blp.get("")
@signed_in
def index():
    calls = api()
    mine = _mine()
    tutoring = calls.get(f"{API}/tutoring")
    mentees = calls.get(f"{API}/mentees")
    try:
        training = calls.get(f"{API}/mentor-training")
    except ApiError:  # the mentor's own training is a courtesy on this page: never a reason it fails
        training = []
    _remember({part for part, found in (("tutor", tutoring), ("mentor", mentees), ("ect", mine)) if found})
    return render_template("induction/index.html", mine=mine, tutoring=tutoring, mentees=mentees, hr=is_hr(),
                           mentor_training=training)


@blp.get("/mine")
@signed_in
def mine():
    found = _mine()
    if found is None:
        return render_template("induction/none.html"), 404
    return redirect(url_for("induction.one", induction_id=found["id"]))


# -- one induction ----------------------------------------------------------------------------------------

def _people(academy_id: str) -> list[tuple[str, str]]:
    return staff_options(api().all_pages("/api/directory/staff", academy_id=academy_id, current="true"))


@blp.get("/<uuid:induction_id>")
@signed_in
def one(induction_id, form: Form | None = None):
    item = api().get(f"{API}/{induction_id}")
    may = set(item["may"])
    terms = {(s["school_year"], s["term_number"]): s["term"] for s in item["schedule"] + item["entitlement"]}
    # the tutor is offered what the schedule asks of the school now: anything overdue, and the meeting due next once
    # its term has begun (the entitlement lists the terms begun so far)
    begun = {(e["school_year"], e["term_number"]) for e in item["entitlement"]}
    to_record = [s for s in item["schedule"] if s["review_id"] is None and (
        s["overdue"] or (s == item["next_due"] and (s["school_year"], s["term_number"]) in begun))]
    return render_template(
        "induction/one.html", item=item, may=may, terms=terms, to_record=to_record, form=form or Form(),
        blank=Form(), people=_people(item["academy_id"]) if "hr" in may and item["status"] == "serving" else [],
        leaves=LEAVES, decisions=DECISIONS, standards=dict(STANDARDS), today_iso=date.today().isoformat(),
        timetable_terms=[(f"{e['school_year']}-{e['term_number']}", _term_name(e["term"]))
                         for e in item["entitlement"]]), 422 if form and form.error else 200


def _done(induction_id, message: str):
    flash(message)
    return redirect(url_for("induction.one", induction_id=induction_id))


@blp.post("/<uuid:induction_id>/people")
@signed_in
def people(induction_id):
    body = fields("tutor_id", "mentor_id")
    form = submit(lambda: api().put(f"{API}/{induction_id}/people", json=body), name="people")
    if form.error:
        return one(induction_id, form)
    forget_relations()
    return _done(induction_id, "The induction tutor and mentor are saved.")


@blp.post("/<uuid:induction_id>/absences")
@signed_in
def absence(induction_id):
    body = fields("starts_on", "ends_on", "leave", "days", days=lambda v: int(v) if v.isdecimal() else v)
    body["extend"] = request.form.get("extend") == "yes"
    for name, words in (("starts_on", "Give the first day of the absence"), ("ends_on", "Give the last day of the "
                        "absence"), ("leave", "Choose the kind of absence")):
        if not body[name]:
            return one(induction_id, refused(name, words, name="absence"))
    form = submit(lambda: api().post(f"{API}/{induction_id}/absences", json=body), name="absence")
    if form.error:
        return one(induction_id, form)
    return _done(induction_id, "The absence is recorded, and the dates below take it into account.")


@blp.post("/<uuid:induction_id>/posts")
@signed_in
def post(induction_id):
    body = fields("school", "starts_on", "fte", fte=_number)
    for name, words in (("school", "Name the school"), ("starts_on", "Give the first day of the new working pattern"),
                        ("fte", "Give the new working pattern as a full-time equivalent, 1 for full-time")):
        if body[name] is None:
            return one(induction_id, refused(name, words, name="post"))
    form = submit(lambda: api().post(f"{API}/{induction_id}/posts", json=body), name="post")
    if form.error:
        return one(induction_id, form)
    return _done(induction_id, "The new working pattern is recorded, and the dates below take it into account.")


@blp.post("/<uuid:induction_id>/decision")
@signed_in
def decision(induction_id):
    body = fields("decision", "decided_on", "extension_terms",
                  extension_terms=lambda v: float(v) if v.replace(".", "", 1).isdecimal() else v)
    if not body["decision"]:
        return one(induction_id, refused("decision", "Choose the appropriate body's decision", name="decision"))
    if not body["decided_on"]:
        return one(induction_id, refused("decided_on", "Give the day the appropriate body decided", name="decision"))
    if body["decision"] != "extended":
        body["extension_terms"] = None  # a length typed and then "passed" chosen: the decision is what counts
    elif body["extension_terms"] is None:
        return one(induction_id, refused("extension_terms", "Say by how many terms induction is extended",
                                         name="decision"))
    form = submit(lambda: api().post(f"{API}/{induction_id}/decision", json=body), name="decision")
    if form.error:
        return one(induction_id, form)
    return _done(induction_id, "The appropriate body's decision is recorded.")


@blp.post("/<uuid:induction_id>/leaving")
@signed_in
def leaving(induction_id):
    body = fields("left_on")
    if not body["left_on"]:
        return one(induction_id, refused("left_on", "Give the last day they worked here", name="leaving"))
    form = submit(lambda: api().post(f"{API}/{induction_id}/leaving", json=body), name="leaving")
    if form.error:
        return one(induction_id, form)
    return _done(induction_id, "Their leaving is recorded and induction here has ended.")


@blp.post("/<uuid:induction_id>/timetable")
@signed_in
def timetable(induction_id):
    term = request.form.get("term", "")
    percent = request.form.get("percent", "").strip()
    year, _, number = term.partition("-")
    if not (year.isdecimal() and number.isdecimal()):
        return one(induction_id, refused("term", "Choose the term", name="timetable"))
    if not percent:
        return one(induction_id, refused("percent", "Give the share of a full timetable they teach, as a "
                                                    "percentage", name="timetable"))
    try:
        share: float | str = float(percent.rstrip("%"))
    except ValueError:
        share = percent
    form = submit(lambda: api().put(f"{API}/{induction_id}/timetable/{int(year)}/{int(number)}",
                                    json={"percent": share}), name="timetable")
    if form.error:
        return one(induction_id, form)
    return _done(induction_id, "The term's timetable is recorded.")


@blp.post("/<uuid:induction_id>/reviews/<uuid:review_id>/sign")
@signed_in
def sign(induction_id, review_id):
    as_ = request.form.get("signing_as", "")
    body = {"signing_as": as_, "comments": request.form.get("comments", "").strip() or None}
    form = submit(lambda: api().post(f"{API}/{induction_id}/reviews/{review_id}/signatures", json=body),
                  name=f"sign-{review_id}")
    if form.error:
        return one(induction_id, form)
    return _done(induction_id, SIGNED_AS.get(as_, "Signed."))


# -- the tutor's review or assessment -------------------------------------------------------------------------

def _item(record: dict) -> dict:
    """The schedule's item the form is for, from the query (or the form sent)."""
    kind = request.values.get("kind", "")
    year, number = request.values.get("school_year", ""), request.values.get("term_number", "")
    found = next((s for s in record["schedule"] if s["kind"] == kind and str(s["school_year"]) == year
                  and str(s["term_number"]) == number), None)
    return found or abort(404)


@blp.get("/<uuid:induction_id>/reviews/new")
@signed_in
def new_review(induction_id, form: Form | None = None):
    record = api().get(f"{API}/{induction_id}")
    if "tutor" not in record["may"]:
        return render_template("error.html", status=403), 403
    item = _item(record)
    return render_template("induction/review.html", item=item, record=record, outcomes=OUTCOMES[item["kind"]],
                           standards=STANDARDS, form=form or Form(),
                           today_iso=date.today().isoformat()), 422 if form and form.error else 200


def _lines(name: str) -> list[str]:
    return [line.strip() for line in request.form.get(name, "").splitlines() if line.strip()]


@blp.post("/<uuid:induction_id>/reviews/new")
@signed_in
def record_review(induction_id):
    body = fields("kind", "held_on", "outcome", "next_steps", blanks_as_none=False)
    body.update(school_year=_whole(request.form.get("school_year", "0") or "0"),
                term_number=_whole(request.form.get("term_number", "0") or "0"),
                standards={key: request.form.get(f"std-{key}", "").strip() for key, _ in STANDARDS
                           if request.form.get(f"std-{key}", "").strip()})
    for name, words in (("held_on", "Give the day the meeting was held"), ("outcome", "Choose the outcome")):
        if not body.get(name):
            return new_review(induction_id, refused(name, words))
    if not body["standards"]:
        return new_review(induction_id, refused("standards", "Say what was seen against at least one of the "
                                                             "Teachers' Standards"))
    plan = {name: _lines(name) for name in PLAN_LISTS}
    plan.update(evidence=request.form.get("evidence", "").strip(),
                next_period_plan=request.form.get("next_period_plan", "").strip(),
                consequences_explained=request.form.get("consequences_explained") == "yes")
    if any(plan[name] for name in (*PLAN_LISTS, "evidence", "next_period_plan")):
        body["support_plan"] = plan
    form = submit(lambda: api().post(f"{API}/{induction_id}/reviews", json=body))
    if form.error:
        return new_review(induction_id, form)
    words = {"progress_review": "The progress review", "first_formal_assessment": "The first formal assessment",
             "final_formal_assessment": "The final formal assessment"}.get(body["kind"], "The review")
    plan_words = " The support plan has started, and the ECT and headteacher will see it." \
        if "support_plan" in body else ""
    return _done(induction_id, f"{words} is recorded. Sign it below; the ECT and headteacher sign it too.{plan_words}")


# -- the appropriate body's export ----------------------------------------------------------------------------

@blp.get("/<uuid:induction_id>/record.csv")
@signed_in
def record_csv(induction_id):
    upstream = api().request("GET", f"{API}/{induction_id}/record.csv", raw=True)
    disposition = upstream.headers.get("Content-Disposition") or 'attachment; filename="induction-record.csv"'
    return Response(upstream.content, mimetype="text/csv", headers={"Content-Disposition": disposition})


@blp.get("/<uuid:induction_id>/record")
@signed_in
def record_page(induction_id):
    upstream = api().request("GET", f"{API}/{induction_id}/record", raw=True)
    response = Response(upstream.content, mimetype="text/html")
    response.headers["Content-Security-Policy"] = DOCUMENT_CSP  # a print document with its own <style>, no script
    return response


# -- HR: the list, registering, term dates --------------------------------------------------------------------


@blp.get("/ects")
@hr_only
def ects():
    choices, chosen = academy_choice()
    found = api().get(API, academy_id=chosen)
    return render_template("induction/ects.html", ects=found, academies=choices, chosen=chosen)


@blp.get("/ects/new")
@hr_only
def register(form: Form | None = None):
    choices, chosen = academy_choice()
    people = _people(chosen) if chosen else []
    terms = api().get(f"/api/cpd/academies/{chosen}/term-dates")["terms"] if chosen else []
    return render_template("induction/register.html", academies=choices, chosen=chosen, people=people,
                           has_terms=bool(terms), programmes=PROGRAMMES, form=form or Form()), \
        422 if form and form.error else 200


def _whole(raw: str) -> int | str:
    """A whole number as typed (outsider O7: "abc", "1e5" and "²" were a 500), or the text for the API to refuse."""
    return int(raw) if raw.isdecimal() else raw


def _number(raw: str) -> float | str:
    try:
        return float(raw)
    except ValueError:
        return raw  # for the API to refuse in its own words


@blp.post("/ects/new")
@hr_only
def register_ect():
    _, chosen = academy_choice()
    body = fields("staff_id", "qts_on", "starts_on", "fte", "appropriate_body", "programme_type", "lead_provider",
                  "delivery_partner", "tutor_id", "mentor_id", "served_elsewhere", "reduced_to", "trn", "date_of_birth",
                  fte=_number, served_elsewhere=_number, reduced_to=_number)
    if not chosen:
        return register(refused("academy_id", "Choose the academy first"))
    body["academy_id"] = chosen
    for name, words in (("staff_id", "Choose the early career teacher"),
                        ("qts_on", "Give the day they were awarded qualified teacher status"),
                        ("starts_on", "Give the day induction starts, as agreed with the appropriate body"),
                        ("fte", "Give their working pattern as a full-time equivalent, 1 for full-time"),
                        ("appropriate_body", "Name the appropriate body"),
                        ("programme_type", "Choose how their training is delivered")):
        if body[name] in (None, ""):
            return register(refused(name, words))
    created = {}
    form = submit(lambda: created.update(api().post(API, json=body)))
    if form.error:
        return register(form)
    forget_relations()
    flash("The ECT is registered. Their schedule of reviews and assessments is below.")
    return redirect(url_for("induction.one", induction_id=created["id"]))


def _given_year(existing: list[dict], year: int) -> dict[int, dict]:
    return {t["number"]: t for t in existing if t["school_year"] == year}


@blp.get("/term-dates")
@hr_only
def term_dates(form: Form | None = None):
    choices, chosen = academy_choice()
    terms = api().get(f"/api/cpd/academies/{chosen}/term-dates")["terms"] if chosen else []
    years = sorted({t["school_year"] for t in terms})
    this_year = date.today().year if date.today().month >= 8 else date.today().year - 1
    year = request.values.get("school_year", "")
    year = int(year) if year.isdecimal() and 2000 <= int(year) <= 2100 else (max(years) + 1 if years else this_year)
    return render_template("induction/term_dates.html", academies=choices, chosen=chosen, terms=terms, year=year,
                           given=_given_year(terms, year), term_names=TERMS,
                           year_choices=[(y, f"{y} to {y + 1}") for y in range(this_year - 3, this_year + 6)],
                           form=form or Form()), 422 if form and form.error else 200


@blp.post("/term-dates")
@hr_only
def give_term_dates():
    _, chosen = academy_choice()
    if not chosen:
        return term_dates(refused("academy_id", "Choose the academy first"))
    year = request.form.get("school_year", "")
    if not year.isdecimal():
        return term_dates(refused("school_year", "Choose the school year"))
    year_terms = []
    for number in (1, 2, 3):
        starts, ends = (request.form.get(f"t{number}-{end}", "").strip() for end in ("starts_on", "ends_on"))
        if not (starts and ends):
            return term_dates(refused(f"t{number}-starts_on", f"Give the first and last day of the "
                                                              f"{TERMS[number].lower()}"))
        breaks = []
        b_starts, b_ends = (request.form.get(f"t{number}-break-{end}", "").strip() for end in ("starts_on", "ends_on"))
        if b_starts or b_ends:
            if not (b_starts and b_ends):
                return term_dates(refused(f"t{number}-break-starts_on", "Give the first and last day of the "
                                                                        "half-term holiday, or neither"))
            breaks.append({"starts_on": b_starts, "ends_on": b_ends})
        year_terms.append({"school_year": int(year), "number": number, "starts_on": starts, "ends_on": ends,
                           "breaks": breaks})
    existing = api().get(f"/api/cpd/academies/{chosen}/term-dates")["terms"]
    kept = [{k: t[k] for k in ("school_year", "number", "starts_on", "ends_on", "breaks")}
            for t in existing if t["school_year"] != int(year)]
    form = submit(lambda: api().put(f"/api/cpd/academies/{chosen}/term-dates",
                                    json={"terms": sorted(kept + year_terms,
                                                          key=lambda t: (t["school_year"], t["number"]))}))
    if form.error:
        return term_dates(form)
    flash(f"The term dates for {year} to {int(year) + 1} are saved.")
    return redirect(url_for("induction.term_dates", academy_id=chosen))
