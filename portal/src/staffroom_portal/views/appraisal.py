"""Appraisal pages: a person's appraisals, and one appraisal worked through by the reviewee and their appraiser
(objectives, progress, reviews, comments, sign-off, meetings). Every step is an appraisal API call made as the
signed-in person, so the API decides who may do what; the pages only offer the steps that fit."""
from __future__ import annotations

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for

from staffroom_shared.app import DOCUMENT_CSP

from ..current import api, signed_in, user
from ..backend import ApiError
from . import recognition
from ..ui import Form, day, fields, readable, refused, register_filters, staff_options, submit
from .priorities import priority_choices, priority_titles, school_year_of

blp = Blueprint("appraisal", __name__)
register_filters(blp)

API = "/api/appraisal"
LONDON = ZoneInfo("Europe/London")
OBJECTIVE_TYPES = [("pupil_outcomes", "Pupil outcomes"), ("professional_practice", "Professional practice"),
                   ("leadership", "Leadership"), ("wellbeing", "Wellbeing")]
STANDARDS = [("TS1", "TS1: Set high expectations"), ("TS2", "TS2: Promote good progress"),
             ("TS3", "TS3: Subject and curriculum knowledge"), ("TS4", "TS4: Plan and teach well-structured lessons"),
             ("TS5", "TS5: Adapt teaching"), ("TS6", "TS6: Use assessment well"), ("TS7", "TS7: Manage behaviour"),
             ("TS8", "TS8: Wider professional responsibilities"),
             ("PART2", "Part Two: Personal and professional conduct")]
RATINGS = [("not_met", "Not met"), ("partially_met", "Partially met"), ("met", "Met"), ("exceeded", "Exceeded")]
OUTCOMES = [("exceeds_expectations", "Exceeds expectations"), ("meets_expectations", "Meets expectations"),
            ("partially_meets_expectations", "Partially meets expectations"),
            ("does_not_meet_expectations", "Does not meet expectations")]
JUDGEMENTS = [("good_or_better", "Good or better"), ("requires_improvement", "Requires improvement"),
              ("inadequate", "Inadequate")]
PAY = [("progress", "Pay progression"), ("no_progress", "No pay progression"), ("not_eligible", "Not eligible")]
MEETING_KINDS = [("objective_setting", "Objective setting"), ("mid_year_review", "Mid-year review"),
                 ("end_of_year_review", "End-of-year review")]
STAGES = {"mid-year": ("mid_year", "Mid-year review"), "end-of-year": ("end_of_year", "End-of-year review")}
NEED_SLOTS = (1, 2)  # blank development-need rows on the review form
# What each status waits for next, and the cycle's key date for it.
NEXT_DUE = {"not_started": ("objectives_due", "Objectives"),
            "objectives_agreed": ("mid_year_due", "Mid-year review"),
            "mid_year_reviewed": ("end_of_year_due", "End-of-year review"),
            "end_of_year_reviewed": ("ends_on", "Sign-off")}


def today() -> date:
    return datetime.now(LONDON).date()


ERASED = "Former member of staff"  # the directory's name for a record anonymised when its retention ended


@blp.app_template_filter("first_name")
def first_name(name: str | None) -> str:
    """How a page names someone in passing; an erased record's name is said whole, not as "Former" (outsiders 9, 10)."""
    name = (name or "someone").strip()
    return ERASED if name.startswith(ERASED) else name.split(" ")[0]


def cycles_for(appraisals: list[dict]) -> dict[str, dict]:
    """The cycles (names and key dates) of these appraisals, by id."""
    found = {}
    for cycle_id in {a["cycle_id"] for a in appraisals}:
        try:
            found[cycle_id] = api().get(f"{API}/cycles/{cycle_id}")
        except ApiError as error:
            if error.status not in (403, 404):
                raise
    return found


def next_deadline(appraisal: dict) -> dict | None:
    """{what, due, overdue} for the next key date this appraisal must meet (the reviewee's own: a starter's count
    from their first day), or None when nothing is due."""
    step = NEXT_DUE.get(appraisal["status"])
    dates = appraisal.get("key_dates") or {}
    if not step or not dates.get(step[0]):
        return None
    due = date.fromisoformat(dates[step[0]])
    return {"what": step[1], "due": due, "overdue": today() > due}


def review_opens(appraisal: dict, stage: str) -> date | None:
    """The day a review ("mid_year", "end_of_year") can be completed from, if that is still to come."""
    opens = (appraisal.get("key_dates") or {}).get(f"{stage}_opens_on")
    return date.fromisoformat(opens) if opens and date.fromisoformat(opens) > today() else None


def with_deadlines(appraisals: list[dict]) -> list[dict]:
    cycles = cycles_for(appraisals)
    return [{**a, "cycle": cycles.get(a["cycle_id"]), "deadline": next_deadline(a)} for a in appraisals]


@blp.get("/appraisals")
@signed_in
def index():
    me = str(user().staff_id)
    mine = api().all_pages(f"{API}/appraisals", reviewee_id=me)
    appraising = api().all_pages(f"{API}/appraisals", appraiser_id=me)
    return render_template("appraisal/index.html", mine=with_deadlines(mine),
                           appraising=sorted(with_deadlines(appraising), key=lambda a: a["reviewee_name"] or ""))


# -- one appraisal ------------------------------------------------------------------------------

def _load(appraisal_id) -> tuple[dict, dict | None]:
    appraisal = api().get(f"{API}/appraisals/{appraisal_id}")
    return appraisal, cycles_for([appraisal]).get(appraisal["cycle_id"])


def _role(appraisal: dict) -> str:
    me = str(user().staff_id)
    if appraisal["reviewee_id"] == me:
        return "reviewee"
    return "appraiser" if appraisal.get("appraiser_id") == me else "hr"


def next_step(a: dict, role: str, cycle: dict | None) -> str:
    """What happens next, for this person, in plain words."""
    reviewee, appraiser = first_name(a["reviewee_name"]), first_name(a.get("appraiser_name"))
    deadline = next_deadline(a)
    # a date gone by is said as late, not as one to meet (second outsider, issue 20: "agree them by 27 October" in
    # December, above "Objectives due 27 October: Overdue")
    by = "" if not deadline else f" now: it was due on {day(deadline['due'])}" if deadline["overdue"] else \
        f" by {day(deadline['due'])}"
    status = a["status"]
    if not a.get("appraiser_id") and status in NEXT_DUE:
        return "Nobody is the appraiser yet. The academy's HR team will choose one."
    if status == "not_started":
        if not a["objectives"]:
            return {"reviewee": f"Add your objectives with {appraiser}, then you both agree them{by}.",
                    "appraiser": f"Add objectives for {reviewee}, then you both agree them{by}."}.get(
                role, f"Waiting for {appraiser} and {reviewee} to set objectives{by}.")
        agreed = {"appraiser": a["objectives_agreed_by_appraiser_on"],
                  "reviewee": a["objectives_agreed_by_reviewee_on"]}
        other = {"appraiser": ("reviewee", reviewee), "reviewee": ("appraiser", appraiser)}.get(role)
        if other is None:
            waiting = [n for r, n in (("appraiser", appraiser), ("reviewee", reviewee)) if not agreed[r]]
            return f"Waiting for {' and '.join(waiting)} to agree the objectives{by}."
        if agreed[role]:
            return f"Waiting for {other[1]} to agree the objectives."
        if agreed[other[0]]:
            return f"{other[1]} has agreed the objectives. Read them and agree them too{by}, or change them first."
        return f"Read the objectives and agree them{by}. {other[1]} agrees them too."
    if status in ("objectives_agreed", "mid_year_reviewed"):
        stage = "mid-year" if status == "objectives_agreed" else "end-of-year"
        if role == "appraiser":
            return f"Complete the {stage} review{by}. You and {reviewee} can record progress meanwhile."
        if role == "reviewee":
            return f"Record your progress and evidence. Waiting for {appraiser} to complete the {stage} review{by}."
        return f"Waiting for {appraiser} to complete the {stage} review{by}."
    if status == "end_of_year_reviewed":
        if role == "reviewee":
            return f"Read your end-of-year review, add any comments, then sign off your appraisal{by}."
        return f"Waiting for {reviewee} to sign off the appraisal{by}."
    if status == "signed_off":
        return f"Signed off by {reviewee}. Nothing more to do."
    # the reason as the API recorded it ("left on 2020-12-08"), its date as people write it (outsider 9, issue 21)
    return f"This appraisal is {status.replace('_', ' ')}" + (f": {readable(a['finished_reason'])}."
                                                             if a.get("finished_reason") else ". Nothing more to do.")


def _meeting_times(meetings: list[dict]) -> list[dict]:
    return [{**m, "starts": datetime.fromisoformat(m["starts_at"]).astimezone(LONDON)} for m in meetings]


def _render_detail(appraisal_id, form: Form | None = None, status: int = 200):
    a, cycle = _load(appraisal_id)
    role = _role(a)
    names = {a["reviewee_id"]: a["reviewee_name"], a.get("appraiser_id"): a.get("appraiser_name")}
    reviews = {r["stage"]: r for r in a["reviews"]}
    form = form or Form()
    return render_template(
        "appraisal/detail.html", a=a, cycle=cycle, role=role, form=form, names=names, reviews=reviews,
        next_step=next_step(a, role, cycle), deadline=next_deadline(a),
        opens={stage: review_opens(a, stage) for stage in ("mid_year", "end_of_year")},
        meetings=_meeting_times(a["meetings"]), chosen_standards=_chosen_standards(form.for_("objective"), []),
        objective_types=OBJECTIVE_TYPES, standards=STANDARDS, standard_names=dict(STANDARDS), ratings=dict(RATINGS),
        outcomes=dict(OUTCOMES),
        judgements=dict(JUDGEMENTS), pay=dict(PAY), meeting_kinds=MEETING_KINDS,
        meeting_names=dict(MEETING_KINDS), observation_kinds=OBSERVATION_KINDS,
        candidates=_candidates(a) if role == "hr" else [], evidence=recognition.kept_evidence(a["id"]),
        priority_choices=_priority_choices(a, cycle) if role != "hr" and a["status"] == "not_started" else [],
        priority_titles=priority_titles(o.get("priority_id") for o in a["objectives"]),
        can_observe=_can_observe(a, role),
        cpd_evidence=api().get(f"{API}/appraisals/{a['id']}/cpd-evidence")), status


IN_PROGRESS = ("not_started", "objectives_agreed", "mid_year_reviewed", "end_of_year_reviewed")


def _can_observe(a: dict, role: str) -> list[tuple[str, str]]:
    """Who the appraiser or HR can name as an observation's observer: themselves first, then the academy's staff
    (a head or deputy often observes for the appraiser, outsider, issue 20)."""
    if role not in ("appraiser", "hr") or a["status"] not in IN_PROGRESS:
        return []
    me = str(user().staff_id)
    people = api().get(f"{API}/appraisals/{a['id']}/observers")
    mine = [(p["id"], f"You ({p['name']})") for p in people if p["id"] == me] or [(me, "You")]
    return mine + [(p["id"], f"{p['name']}, {p['post']}") for p in people if p["id"] != me]


def _candidates(a: dict) -> list[tuple[str, str]]:
    """Who HR can choose as the appraiser: the academy's staff in post, but not the reviewee, by surname."""
    if a["status"] not in NEXT_DUE:
        return []
    today = date.today().isoformat()  # in post now: not a starter who has yet to join (outsider 5, issue 20)
    return staff_options([p for p in api().all_pages("/api/directory/staff", academy_id=a["academy_id"], current=True)
                          if p["start_date"] <= today], leave_out=a["reviewee_id"])


@blp.get("/appraisals/<uuid:appraisal_id>")
@signed_in
def detail(appraisal_id):
    return _render_detail(appraisal_id)


def _after(form: Form, appraisal_id, done: str):
    """POST/redirect/GET, or the same page again with the reasons and what was typed."""
    if form.error:
        return _render_detail(appraisal_id, form, 422)
    flash(done)
    return redirect(url_for(".detail", appraisal_id=appraisal_id))


# -- objectives ---------------------------------------------------------------------------------

def _number(raw: str):
    # Not a number: pass it on as typed, so the API's reason is shown beside it.
    try:
        return int(raw)
    except ValueError:
        return raw


def _lines(name: str) -> list[str]:
    return [line.strip() for line in request.form.get(name, "").splitlines() if line.strip()]


def _chosen_standards(form: Form, current: list[str]) -> list[str]:
    return form.values.getlist("standards") if form.error else current


def _objective_body() -> dict:
    # The form offers Teachers' Standards to teachers and job-description areas to others; the API checks which fit.
    body = fields("title", "type", "description", "success_criteria", "weighting", weighting=_number)
    body.update(standards=request.form.getlist("standards"), job_areas=_lines("job_areas"),
                priorities=_lines("priorities"))
    if "priority_id" in request.form:  # offered only where there are priorities: blank is "serves none"
        body["priority_id"] = request.form.get("priority_id") or None
    return body


def _priority_choices(a: dict, cycle: dict | None, current: str | None = None) -> list[tuple[str, str]]:
    """The priorities (issue 24) an objective of this appraisal may serve, in its cycle's school year."""
    if cycle is None:
        return []
    return priority_choices(a["academy_id"], school_year_of(date.fromisoformat(cycle["starts_on"])), current)


@blp.post("/appraisals/<uuid:appraisal_id>/objectives")
@signed_in
def add_objective(appraisal_id):
    form = submit(lambda: api().post(f"{API}/appraisals/{appraisal_id}/objectives", json=_objective_body()),
                  name="objective")
    return _after(form, appraisal_id, "Objective added. Both of you agree the objectives once they are all there.")


def _objective(appraisal: dict, objective_id) -> dict:
    objective = next((o for o in appraisal["objectives"] if o["id"] == str(objective_id)), None)
    if objective is None:
        abort(404)
    return objective


@blp.route("/appraisals/<uuid:appraisal_id>/objectives/<uuid:objective_id>/edit", methods=["GET", "POST"])
@signed_in
def edit_objective(appraisal_id, objective_id):
    a, cycle = _load(appraisal_id)
    objective = _objective(a, objective_id)
    form = Form()
    if request.method == "POST":
        path = f"{API}/appraisals/{appraisal_id}/objectives/{objective_id}"
        form = submit(lambda: api().patch(path, json=_objective_body()), name="objective")
        if not form.error:
            flash("Objective changed. Both of you agree the objectives again.")
            return redirect(url_for(".detail", appraisal_id=appraisal_id))
    return render_template("appraisal/edit_objective.html", a=a, o=objective, form=form,
                           priority_choices=_priority_choices(a, cycle, objective.get("priority_id")),
                           chosen_standards=_chosen_standards(form, objective["standards"]),
                           objective_types=OBJECTIVE_TYPES, standards=STANDARDS), 422 if form.error else 200


@blp.post("/appraisals/<uuid:appraisal_id>/objectives/<uuid:objective_id>/delete")
@signed_in
def delete_objective(appraisal_id, objective_id):
    form = submit(lambda: api().delete(f"{API}/appraisals/{appraisal_id}/objectives/{objective_id}"), name="delete")
    return _after(form, appraisal_id, "Objective deleted.")


@blp.post("/appraisals/<uuid:appraisal_id>/agree")
@signed_in
def agree(appraisal_id):
    form = submit(lambda: api().post(f"{API}/appraisals/{appraisal_id}/objectives/agreement"), name="agree")
    return _after(form, appraisal_id, "You have agreed the objectives.")


@blp.route("/appraisals/<uuid:appraisal_id>/objectives/<uuid:objective_id>/progress", methods=["GET", "POST"])
@signed_in
def progress(appraisal_id, objective_id):
    a, _ = _load(appraisal_id)
    objective = _objective(a, objective_id)
    form = Form()
    if request.method == "POST":
        path = f"{API}/appraisals/{appraisal_id}/objectives/{objective_id}/progress"
        form = submit(lambda: api().post(path, json=fields("note", "evidence")), name="progress")
        if not form.error:
            flash("Progress recorded.")
            return redirect(url_for(".detail", appraisal_id=appraisal_id))
    return render_template("appraisal/progress.html", a=a, o=objective, form=form), 422 if form.error else 200


# -- reviews, comments and sign-off -------------------------------------------------------------

def _filled_needs() -> list[int]:
    """The development-need rows the appraiser filled in (blank rows are left out)."""
    return [n for n in NEED_SLOTS if any(request.form.get(f"need_{n}_{part}", "").strip()
                                         for part in ("area", "description", "suggested_support"))]


def _review_body(appraisal: dict) -> dict:
    body = fields("overall_outcome", "teaching_judgement", "pay_recommendation", "summary", blanks_as_none=False)
    body.setdefault("overall_outcome", None)
    body["assessments"] = {o["id"]: {"rating": request.form.get(f"objective_{n}_rating") or None,
                                     "comment": request.form.get(f"objective_{n}_comment", "").strip()}
                           for n, o in enumerate(appraisal["objectives"], start=1)}
    body["development_needs"] = [
        {"area": request.form.get(f"need_{n}_area", "").strip(),
         "description": request.form.get(f"need_{n}_description", "").strip(),
         "suggested_support": request.form.get(f"need_{n}_suggested_support", "").strip() or None}
        for n in _filled_needs()]
    return body


def _review_fields(form: Form, appraisal: dict) -> None:
    """Point the API's reasons at the form's own fields: `#/assessments/<objective id>/value/rating` →
    `objective_<n>_rating`, `#/development_needs/0/area` → `need_<n>_area` for the first row filled in."""
    position = {o["id"]: n for n, o in enumerate(appraisal["objectives"], start=1)}
    needs = _filled_needs()
    mapped = {}
    for error in form.error.errors:
        parts = error.get("pointer", "#").removeprefix("#").strip("/").split("/")
        if parts[0] == "assessments" and len(parts) >= 3 and parts[1] in position:
            name = f"objective_{position[parts[1]]}_{parts[-1]}"
        elif parts[0] == "development_needs" and len(parts) == 3 and parts[1].isdigit() and int(parts[1]) < len(needs):
            name = f"need_{needs[int(parts[1])]}_{parts[2]}"
        else:
            name = parts[0] or "_"
        mapped.setdefault(name, error.get("detail", "this is not valid"))
    form.fields = mapped


@blp.route("/appraisals/<uuid:appraisal_id>/reviews/<any('mid-year', 'end-of-year'):stage>", methods=["GET", "POST"])
@signed_in
def review(appraisal_id, stage):
    a, cycle = _load(appraisal_id)
    form = Form()
    if request.method == "POST":
        body = _review_body(a)
        form = submit(lambda: api().post(f"{API}/appraisals/{appraisal_id}/reviews/{stage}", json=body), name="review")
        if not form.error:
            flash(f"{STAGES[stage][1]} completed. {first_name(a['reviewee_name'])} can now read it and add comments.")
            return redirect(url_for(".detail", appraisal_id=appraisal_id))
        _review_fields(form, a)
    return render_template("appraisal/review.html", a=a, cycle=cycle, stage=stage, title=STAGES[stage][1], form=form,
                           opens=review_opens(a, STAGES[stage][0]),
                           ratings=RATINGS, outcomes=OUTCOMES, judgements=JUDGEMENTS, pay=PAY,
                           need_slots=NEED_SLOTS), 422 if form.error else 200


@blp.route("/appraisals/<uuid:appraisal_id>/reviews/<any('mid-year', 'end-of-year'):stage>/comments",
           methods=["GET", "POST"])
@signed_in
def comments(appraisal_id, stage):
    a, _ = _load(appraisal_id)
    done = next((r for r in a["reviews"] if r["stage"] == STAGES[stage][0]), None)
    if done is None:
        abort(404)
    form = Form()
    if request.method == "POST":
        path = f"{API}/appraisals/{appraisal_id}/reviews/{stage}/comments"
        form = submit(lambda: api().put(path, json=fields("comments")), name="comments")
        if not form.error:
            flash("Your comments are saved with the review.")
            return redirect(url_for(".detail", appraisal_id=appraisal_id))
    return render_template("appraisal/comments.html", a=a, r=done, stage=stage, title=STAGES[stage][1], form=form,
                           ratings=dict(RATINGS), outcomes=dict(OUTCOMES)), 422 if form.error else 200


@blp.post("/appraisals/<uuid:appraisal_id>/sign-off")
@signed_in
def sign_off(appraisal_id):
    form = submit(lambda: api().post(f"{API}/appraisals/{appraisal_id}/sign-off", json=fields("comment")),
                  name="sign-off")
    return _after(form, appraisal_id, "You have signed off your appraisal.")


# -- meetings and documents ---------------------------------------------------------------------

def _aware(raw: str | None):
    """A time typed in the school's own time zone, as the API needs it (with its UTC offset)."""
    if not raw:
        return None
    try:
        return datetime.fromisoformat(raw).replace(tzinfo=LONDON).isoformat()
    except ValueError:
        return raw


def _skipped(raw: str | None) -> bool:
    """A time the UK clocks skip (01:30 on the last Sunday in March): it does not happen (outsider 4, issue 20)."""
    try:
        typed = datetime.fromisoformat(raw or "")
    except ValueError:
        return False
    return typed.replace(tzinfo=LONDON).astimezone(timezone.utc).astimezone(LONDON).replace(tzinfo=None) != typed


OBSERVATION_KINDS = {"lesson_observation": "Lesson observation", "learning_walk": "Learning walk",
                     "drop_in": "Drop-in", "instructional_coaching": "Instructional coaching"}  # issue 24


@blp.post("/appraisals/<uuid:appraisal_id>/observations")
@signed_in
def record_observation(appraisal_id):
    """The appraiser (or HR) records a lesson observation or learning walk, by them or by a colleague they name."""
    body = fields("observation_kind", "observer_id", "observed_on", "focus", "strengths", "areas_to_develop",
                  blanks_as_none=False)
    if not body.get("observer_id"):
        body.pop("observer_id", None)  # the API's default: the person recording it
    if "observation_kind" in body:  # named apart from the meeting form's "kind" on the same page (one id each)
        body["kind"] = body.pop("observation_kind")
    form = submit(lambda: api().post(f"{API}/appraisals/{appraisal_id}/observations", json=body), name="observation")
    if "kind" in form.fields:
        form.fields["observation_kind"] = form.fields.pop("kind")
    return _after(form, appraisal_id, "Observation recorded. It is part of the appraisal record.")


@blp.post("/appraisals/<uuid:appraisal_id>/meetings")
@signed_in
def arrange_meeting(appraisal_id):
    body = fields("kind", "location", "minutes", minutes=_number)
    typed = request.form.get("starts_at", "").strip()
    if _skipped(typed):
        return _render_detail(appraisal_id, refused(
            "starts_at", "That time does not happen: the clocks go forward an hour that night. Choose another.",
            "meeting"), 422)
    body["starts_at"] = _aware(typed)
    if body["minutes"] is None:
        del body["minutes"]  # the API's usual length
    form = submit(lambda: api().post(f"{API}/appraisals/{appraisal_id}/meetings", json=body), name="meeting")
    return _after(form, appraisal_id, "Meeting arranged. Download the calendar file to add it to your calendar.")


# -- HR (and, for support plans, the appraiser) ------------------------------------------------------

@blp.post("/appraisals/<uuid:appraisal_id>/appraiser")
@signed_in
def reassign(appraisal_id):
    form = submit(lambda: api().put(f"{API}/appraisals/{appraisal_id}/appraiser", json=fields("appraiser_id")),
                  name="appraiser")
    return _after(form, appraisal_id, "Appraiser changed. The new appraiser can see the appraisal now, and the "
                                      "previous one no longer can.")


@blp.post("/appraisals/<uuid:appraisal_id>/support-plan")
@signed_in
def support_plan(appraisal_id):
    body = {"support_plan": request.form.get("support_plan") == "yes", **fields("notes")}
    form = submit(lambda: api().put(f"{API}/appraisals/{appraisal_id}/support-plan", json=body), name="support")
    return _after(form, appraisal_id, "Support plan recorded." if body["support_plan"] else
                  "Recorded: no support plan.")


@blp.post("/appraisals/<uuid:appraisal_id>/withdrawal")
@signed_in
def withdraw(appraisal_id):
    form = submit(lambda: api().post(f"{API}/appraisals/{appraisal_id}/withdrawal", json=fields("reason")),
                  name="withdraw")
    return _after(form, appraisal_id, "The appraisal is withdrawn. It is kept on record, and nothing more is due.")


@blp.get("/appraisals/<uuid:appraisal_id>/meetings.ics")
@signed_in
def meetings_ics(appraisal_id):
    upstream = api().request("GET", f"{API}/appraisals/{appraisal_id}/meetings.ics", raw=True)
    return Response(upstream.content, mimetype="text/calendar", headers={
        "Content-Disposition": f'attachment; filename="appraisal-{appraisal_id}.ics"'})


@blp.get("/appraisals/<uuid:appraisal_id>/record")
@signed_in
def record(appraisal_id):
    upstream = api().request("GET", f"{API}/appraisals/{appraisal_id}/record", raw=True)
    response = Response(upstream.content, mimetype="text/html")
    # The record is a self-contained print document with its own <style> and no script: allow just that.
    response.headers["Content-Security-Policy"] = DOCUMENT_CSP
    return response
