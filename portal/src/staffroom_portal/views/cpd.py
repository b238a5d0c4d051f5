"""CPD pages: the catalogue and asking for a place, requests and their approval, my development plan,
training agreements and future-leader nominations. Each page calls the CPD API as the signed-in person,
so the API decides who may see and do what; these pages only choose which buttons to offer."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from ..current import api, is_hr, signed_in, user
from ..backend import ApiError
from ..ui import Form, fields, refusal, refused, submit

blp = Blueprint("cpd", __name__, url_prefix="/cpd")

KINDS = {"internal_course": "Course run by the trust", "external_course": "External course",
         "npq": "National professional qualification (NPQ)", "ect_induction": "Early career teacher induction",
         "staff_induction": "Induction for new staff", "middle_leadership": "Middle leadership",
         "appraisal_training": "Appraisal training", "mentor_training": "Mentor training (for ECT mentors)", "apprenticeship": "Apprenticeship"}
MODES = {"in_person": "In person", "online": "Online", "blended": "Blended (in person and online)"}
NPQS = {"NPQLT": "Leading Teaching", "NPQLBC": "Leading Behaviour and Culture",
        "NPQLPM": "Leading Primary Mathematics", "NPQLTD": "Leading Teacher Development", "NPQLL": "Leading Literacy",
        "NPQSENCO": "Special Educational Needs Co-ordinators", "NPQSL": "Senior Leadership", "NPQH": "Headship",
        "NPQEL": "Executive Leadership", "NPQEYL": "Early Years Leadership"}  # as the CPD API knows them
COSTS = {"free": "Free", "paid": "Paid"}
STATUSES = {"requested": "waiting for the line manager", "awaiting_hr": "waiting for HR",
            "awaiting_agreement": "waiting for the training agreement to be signed", "waiting": "on the waiting list",
            "confirmed": "place confirmed", "completed": "completed", "did_not_complete": "did not complete",
            "declined": "declined", "withdrawn": "withdrawn"}
OPEN = ("requested", "awaiting_hr", "awaiting_agreement", "waiting", "confirmed")
SOURCES = {"induction": "Induction", "promotion": "After a promotion", "development_need": "From your appraisal",
           "appraisal_objective": "Serves an appraisal objective", "own_goal": "Your own goal",
           "role": "For your role"}
PLAN_STEPS = {"accept": "Accepted.", "dismiss": "Dismissed.", "complete": "Marked as done."}


def me() -> str:
    return str(user().staff_id)


def names() -> dict[str, str]:
    """Everyone whose name the signed-in person may see: themselves and their reports (HR: their academy)."""
    return {s["id"]: f"{s['first_name']} {s['last_name']}" for s in api().all_pages("/api/directory/staff")}


def titles(programme_ids) -> dict[str, str]:
    """Programme titles: the catalogue, then one look-up for any no longer offered."""
    found = {p["id"]: p["title"] for p in api().all_pages("/api/cpd/programmes")}
    for pid in set(programme_ids) - set(found):
        try:
            found[pid] = api().get(f"/api/cpd/programmes/{pid}")["title"]
        except ApiError:
            found[pid] = "A programme no longer offered"
    return found


@blp.app_template_filter("cpd_status")
def _cpd_status(value) -> str:
    return STATUSES.get(value, str(value).replace("_", " "))


@blp.app_template_filter("cpd_cost")
def _cost(value) -> str:
    return "Free" if value in (None, "") or float(value) == 0 else f"£{float(value):,.2f}".replace(".00", "")


# -- the catalogue --------------------------------------------------------------------------------

@blp.get("")
@signed_in
def catalogue():
    chosen = {k: request.args.get(k, "").strip() for k in ("q", "kind", "delivery_mode", "cost", "tag")}
    query = {"q": chosen["q"][:100], "tag": chosen["tag"][:60],
             "kind": chosen["kind"] if chosen["kind"] in KINDS else None,
             "delivery_mode": chosen["delivery_mode"] if chosen["delivery_mode"] in MODES else None}
    if chosen["cost"] == "free":
        query["max_cost"] = "0"
    elif chosen["cost"] == "paid":
        query["min_cost"] = "0.01"
    programmes = api().all_pages("/api/cpd/programmes", **query)
    return render_template("cpd/catalogue.html", programmes=programmes, chosen=chosen, kinds=KINDS, modes=MODES,
                           costs=COSTS, filtered=any(chosen.values()), settings=api().get("/api/cpd/settings"))


@blp.get("/programmes/<uuid:programme_id>")
@signed_in
def programme(programme_id, form: Form | None = None):
    calls = api()
    item = calls.get(f"/api/cpd/programmes/{programme_id}")
    cohorts = calls.get(f"/api/cpd/programmes/{programme_id}/cohorts")
    today = date.today().isoformat()
    open_cohorts = [c for c in cohorts if c["ends_on"] >= today]
    mine = calls.all_pages("/api/cpd/enrolments", staff_id=me(), programme_id=str(programme_id))
    return render_template("cpd/programme.html", programme=item, cohorts=cohorts, open_cohorts=open_cohorts,
                           today=today, mine=mine, settings=calls.get("/api/cpd/settings"), kinds=KINDS, modes=MODES,
                           form=form or Form()), 422 if form and form.error else 200


@blp.post("/programmes/<uuid:programme_id>/request")
@signed_in
def request_place(programme_id):
    body = fields("cohort_id", "reason")
    if not body["cohort_id"]:
        return programme(programme_id, refused("cohort_id", "Choose the dates you would like"))
    if not body["reason"]:
        return programme(programme_id, refused("reason", "Say why you would like this place, for example the "
                                                         "appraisal objective it would help with"))
    created = {}
    form = submit(lambda: created.update(api().post("/api/cpd/enrolments", json=body)))
    if form.error:
        return programme(programme_id, form)
    flash({"requested": "Your request has gone to your line manager to approve.",
           "awaiting_agreement": "Please sign the training agreement so that your place can be given.",
           "waiting": "The cohort is full, so you are on the waiting list.",
           "confirmed": "Your place is confirmed."}.get(created["status"], "Your request has been made."))
    return redirect(url_for("cpd.enrolment", enrolment_id=created["id"]))


# -- requests and approvals -----------------------------------------------------------------------

@blp.get("/requests")
@signed_in
def requests():
    calls = api()
    mine = calls.all_pages("/api/cpd/enrolments", staff_id=me())
    people = names()
    reports = {s["id"] for s in calls.all_pages("/api/directory/staff", line_manager_id=me())}
    to_decide = [e for e in calls.all_pages("/api/cpd/enrolments", status="requested") if e["staff_id"] in reports]
    for_hr = calls.all_pages("/api/cpd/enrolments", status="awaiting_hr") if is_hr() else []
    for_hr = [e for e in for_hr if e["staff_id"] != me()]
    programme_titles = titles({e["programme_id"] for e in mine + to_decide + for_hr})
    return render_template("cpd/requests.html", mine=mine, to_decide=to_decide, for_hr=for_hr, people=people,
                           titles=programme_titles, has_reports=bool(reports))


@blp.get("/enrolments/<uuid:enrolment_id>")
@signed_in
def enrolment(enrolment_id, form: Form | None = None):
    calls = api()
    item = calls.get(f"/api/cpd/enrolments/{enrolment_id}")
    mine = item["staff_id"] == me()
    try:
        person = calls.get(f"/api/directory/staff/{item['staff_id']}")
    except ApiError:
        person = {"first_name": "A member", "last_name": "of staff", "line_manager_id": None}
    manager = person.get("line_manager_id") == me()
    hr = is_hr() and not mine
    can_approve = (item["status"] == "requested" and (manager or (hr and not person.get("line_manager_id")))) or \
        (item["status"] == "awaiting_hr" and hr)
    can_decline = (item["status"] == "requested" and (manager or hr)) or (item["status"] == "awaiting_hr" and hr)
    return render_template(
        "cpd/enrolment.html", enrolment=item, person=person, mine=mine,
        programme=calls.get(f"/api/cpd/programmes/{item['programme_id']}"),
        cohort=calls.get(f"/api/cpd/cohorts/{item['cohort_id']}"), settings=calls.get("/api/cpd/settings"),
        can_approve=can_approve, can_decline=can_decline, can_withdraw=mine and item["status"] in OPEN,
        form=form or Form()), 422 if form and form.error else 200


@blp.post("/enrolments/<uuid:enrolment_id>/<any(approve, decline, withdraw):step>")
@signed_in
def decide(enrolment_id, step):
    # Each of the page's forms has its own note field, so a refused one keeps its text in the right place.
    body = {"note": request.form.get(f"{step}_note", "").strip() or None}
    if step == "decline" and not body["note"]:
        return enrolment(enrolment_id, refused("decline_note", "Say why you are declining: the member of staff "
                                                               "will read this", name="decline"))
    form = submit(lambda: api().post(f"/api/cpd/enrolments/{enrolment_id}/{step}", json=body), name=step)
    if form.error:
        return enrolment(enrolment_id, form)
    flash({"approve": "You approved the request.", "decline": "You declined the request.",
           "withdraw": "You withdrew."}[step])
    return redirect(url_for("cpd.enrolment", enrolment_id=enrolment_id))


# -- my development plan ---------------------------------------------------------------------------

def my_plan() -> dict | None:
    try:
        return api().get("/api/cpd/plans/me")
    except ApiError as error:
        if error.status != 404:
            raise
        return None


@blp.get("/plan")
@signed_in
def plan(form: Form | None = None):
    found = my_plan()
    programmes = api().all_pages("/api/cpd/programmes")
    return render_template("cpd/plan.html", plan=found, programmes=programmes, sources=SOURCES,
                           titles={p["id"]: p["title"] for p in programmes}, today_iso=date.today().isoformat(),
                           form=form or Form()), 422 if form and form.error else 200


@blp.post("/plan")
@signed_in
def start_plan():
    form = submit(lambda: api().post("/api/cpd/plans/me"))
    flash(refusal(form.error) if form.error else "Your development plan has started.",
          "error" if form.error else "message")
    return redirect(url_for("cpd.plan"))


@blp.post("/plan/items")
@signed_in
def add_goal():
    found = my_plan() or abort(404)
    body = fields("title", "detail", "due_on", "programme_id", blanks_as_none=False)
    if not body.get("title"):
        return plan(refused("title", "Give your goal a short title", name="goal"))
    form = submit(lambda: api().post(f"/api/cpd/plans/{found['id']}/items", json=body), name="goal")
    if form.error:
        return plan(form)
    flash("Your goal is in your plan.")
    return redirect(url_for("cpd.plan"))


@blp.post("/plan/items/<uuid:item_id>/<any(accept, dismiss, complete):step>")
@signed_in
def plan_step(item_id, step):
    found = my_plan() or abort(404)
    form = submit(lambda: api().post(f"/api/cpd/plans/{found['id']}/items/{item_id}/{step}"), name="step")
    if form.error:
        return plan(form)
    flash(PLAN_STEPS[step])
    return redirect(url_for("cpd.plan"))


# -- training agreements --------------------------------------------------------------------------

@blp.get("/agreements")
@signed_in
def agreements():
    calls = api()
    items = calls.get("/api/cpd/agreements")
    enrolments = {a["enrolment_id"]: calls.get(f"/api/cpd/enrolments/{a['enrolment_id']}") for a in items}
    programme_titles = titles({e["programme_id"] for e in enrolments.values()})
    for a in items:
        a["title"] = programme_titles[enrolments[a["enrolment_id"]]["programme_id"]]
    return render_template("cpd/agreements.html", agreements=items, people=names() if is_hr() else {})


@blp.get("/agreements/<uuid:agreement_id>")
@signed_in
def agreement(agreement_id, form: Form | None = None):
    calls = api()
    item = calls.get(f"/api/cpd/agreements/{agreement_id}")
    place = calls.get(f"/api/cpd/enrolments/{item['enrolment_id']}")
    return render_template("cpd/agreement.html", agreement=item, enrolment=place, mine=item["staff_id"] == me(),
                           programme=calls.get(f"/api/cpd/programmes/{place['programme_id']}"),
                           form=form or Form()), 422 if form and form.error else 200


@blp.post("/agreements/<uuid:agreement_id>/sign")
@signed_in
def sign(agreement_id):
    if request.form.get("agree") != "yes":
        return agreement(agreement_id, refused("agree", "Tick the box to say you have read the agreement and "
                                                        "agree to it"))
    form = submit(lambda: api().post(f"/api/cpd/agreements/{agreement_id}/sign"))
    if form.error:
        return agreement(agreement_id, form)
    flash("You signed the training agreement.")
    return redirect(url_for("cpd.agreement", agreement_id=agreement_id))


# -- future leaders -------------------------------------------------------------------------------

@blp.get("/future-leaders")
@signed_in
def future_leaders(form: Form | None = None):
    calls = api()
    nominations = calls.get("/api/cpd/future-leaders")
    reports = calls.all_pages("/api/directory/staff", line_manager_id=me(), current="true")
    return render_template("cpd/future_leaders.html",
                           mine=[n for n in nominations if n["staff_id"] == me()],
                           others=[n for n in nominations if n["staff_id"] != me()], reports=reports,
                           form=form or Form()), 422 if form and form.error else 200


@blp.post("/future-leaders")
@signed_in
def nominate():
    body = fields("staff_id", "reason")
    if not body["staff_id"]:
        return future_leaders(refused("staff_id", "Choose who you are nominating"))
    if not body["reason"]:
        return future_leaders(refused("reason", "Say why you are nominating them: they will be told"))
    form = submit(lambda: api().post("/api/cpd/future-leaders", json=body))
    if form.error:
        return future_leaders(form)
    flash("Your nomination is made. They will be told.")
    return redirect(url_for("cpd.future_leaders"))


@blp.post("/future-leaders/<uuid:nomination_id>/response")
@signed_in
def respond(nomination_id):
    accept = request.form.get("accept") == "yes"
    form = submit(lambda: api().post(f"/api/cpd/future-leaders/{nomination_id}/response", json={"accept": accept}),
                  name="response")
    if form.error:
        return future_leaders(form)
    flash("You accepted the nomination." if accept else "You declined the nomination.")
    return redirect(url_for("cpd.future_leaders"))
