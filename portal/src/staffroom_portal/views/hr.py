"""HR pages for academy and trust HR: appraisal cycles and completion, CPD spend against budget, and the staff list
with its CSV import. Every figure comes from the APIs as the signed-in person, so academy HR see their own academy
and trust HR the whole trust."""
from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from functools import wraps

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for

from staffroom_shared.money import pounds

from ..current import api, hr_only, portal, signed_in, user
from ..backend import ApiError
from ..ui import UUID as ID_PATTERN
from ..ui import Form, day, fields, readable, real_day, refusal, refused, staff_options, submit
from .appraisal import LONDON, today, with_deadlines
from .cpd import KINDS, MODES, NPQS, titles

blp = Blueprint("hr", __name__, url_prefix="/hr")

TEMPLATES = [("teachers", "Teachers"), ("support", "Support staff"), ("leaders", "Leaders")]
STATUSES = ["not_started", "objectives_agreed", "mid_year_reviewed", "end_of_year_reviewed", "signed_off",
            "withdrawn", "closed"]
# The canonical columns of the staff CSV (docs/staff-import.md); MIS exports' own headers are accepted too.
CSV_COLUMNS = ["staff_code", "first_name", "last_name", "email", "academy_urn", "staff_type", "post", "fte",
               "start_date", "leaving_date", "line_manager"]


def school_year(today: date | None = None) -> int:
    """The calendar year this school year began in (2026 for 2026/27); it turns on 1 September."""
    today = today or date.today()
    return today.year if today.month >= 9 else today.year - 1


def academies() -> dict[str, dict]:
    """The academies the signed-in person runs, by id: all for trust HR, their own for academy HR."""
    me = user()
    found = {a["id"]: a for a in api().get("/api/directory/academies")}
    if me.has_role("trust_hr"):
        return found
    return {k: v for k, v in found.items() if k == str(me.academy_id)}


def academy_choice() -> tuple[dict[str, dict], str | None]:
    """The academies HR run, and the one chosen (academy HR: their own; trust HR: the one asked for, if any)."""
    mine = academies()
    chosen = request.values.get("academy_id", "")
    if chosen not in mine:
        chosen = next(iter(mine)) if len(mine) == 1 else None
    return mine, chosen


@blp.get("")
@hr_only
def index():
    return render_template("hr/index.html", academies=academies())


# -- appraisal ------------------------------------------------------------------------------------------------

@blp.get("/appraisal")
@hr_only
def appraisal():
    return appraisal_page(request.args.get("cycle"))


def appraisal_page(chosen: str | None):
    """Cycles, the chosen one's completion and overdue list (the one that matters if none is chosen), and the
    trend."""
    calls = api()
    cycles = calls.get("/api/appraisal/cycles")
    chosen = chosen or (min(cycles, key=mattering)["id"] if cycles else None)
    cycle = next((c for c in cycles if c["id"] == chosen), None)
    completion = [with_agreed(row) for row in calls.get(f"/api/appraisal/cycles/{cycle['id']}/completion")] \
        if cycle else []
    overdue = overdue_in(calls, cycle) if cycle and cycle["status"] == "open" else []
    reminded = {r["appraisal_id"]: reminder_shown(r) for r in
                calls.get(f"/api/appraisal/cycles/{cycle['id']}/reminders")} if overdue else {}
    # Completion over time: the targets service records the share of reviews done on time every day.
    me = user()
    academy_id = None if me.has_role("trust_hr") else me.academy_id
    trend = calls.get("/api/targets/targets/reviews_on_time/trend", academy_id=academy_id)["points"]
    return render_template("hr/appraisal.html", cycles=cycles, cycle=cycle, completion=completion,
                           statuses=STATUSES, academies=academies(), trend=trend, trend_academy=academy_id,
                           overdue=overdue, reminded=reminded, today=today(),
                           left_out=through_induction(cycle["left_out_for_induction"])
                           if cycle and cycle.get("left_out_for_induction") else None,
                           form=Form())


def through_induction(count: int) -> str:
    """Why a cycle has fewer appraisals than HR might count (issue 25): ECTs are appraised through induction."""
    if count == 1:
        return "1 early career teacher serving induction is appraised through induction instead."
    return f"{count} early career teachers serving induction are appraised through induction instead."


def overdue_in(calls, cycle: dict) -> list[dict]:
    """The cycle's appraisals whose next key date has passed (each reviewee's own dates; the API shows academy
    HR their own academy's), the longest overdue first."""
    found = with_deadlines(calls.all_pages("/api/appraisal/appraisals", cycle_id=cycle["id"]))
    late = [a for a in found if a["deadline"] and a["deadline"]["overdue"]]
    return sorted(late, key=lambda a: (a["deadline"]["due"], a["reviewee_name"] or ""))


AGREED = ("objectives_agreed", "mid_year_reviewed", "end_of_year_reviewed", "signed_off")


def with_agreed(row: dict) -> dict:
    """A completion row with how many have agreed objectives (or gone further), and that as a share of all."""
    agreed = sum(row["counts"].get(s, 0) for s in AGREED)
    return {**row, "signed_off": row["counts"].get("signed_off", 0), "agreed": agreed,
            "agreed_percent": round(100 * agreed / row["total"], 1) if row["total"] else 0.0}


def reminder_shown(r: dict) -> dict:
    """The last reminder about an appraisal, in UK dates, and whether another may be sent yet."""
    sent, again = (datetime.fromisoformat(r[k]).astimezone(LONDON) for k in ("sent_at", "next_allowed_at"))
    return {**r, "sent_on": sent.date(), "again_on": again.date(), "waiting": again > datetime.now(LONDON)}


# Who HR's reminder goes to, by the step that is late (the appraisal service's rule).
REMINDED = {"Objectives": ("reviewee_name", "appraiser_name"), "Mid-year review": ("appraiser_name",),
            "End-of-year review": ("appraiser_name",), "Sign-off": ("reviewee_name",)}


@blp.post("/appraisal/appraisals/<uuid:appraisal_id>/reminder")
@hr_only
def send_reminder(appraisal_id):
    """The overdue list's "Send a reminder": at most one a week per appraisal (the API refuses sooner: 429)."""
    try:
        api().post(f"/api/appraisal/appraisals/{appraisal_id}/reminders", json={})
    except ApiError as error:
        if error.status not in (409, 429):
            raise
        # said on the list, at the list's own address: left on the form's, a refresh sent it again (outsider)
        flash(error.detail[:1].upper() + error.detail[1:] + ("" if error.detail.endswith(".") else "."), "error")
        return redirect(url_for("hr.appraisal", cycle=request.form.get("cycle") or None, _anchor="overdue"))
    found = with_deadlines([api().get(f"/api/appraisal/appraisals/{appraisal_id}")])[0]
    step = found["deadline"]["what"] if found["deadline"] else "Objectives"
    names = [found[k] for k in REMINDED[step] if found.get(k)]
    flash(f"Reminder sent to {' and '.join(names) or 'the people concerned'}. Another can be sent in a week.")
    return redirect(url_for("hr.appraisal", cycle=found["cycle_id"], _anchor="overdue"))


def mattering(cycle: dict) -> tuple:
    """The cycle /hr/appraisal opens on: the open one most staff are in (trust-wide before an academy's own,
    teachers' before others'), the latest of those; not whichever happened to be set up last."""
    return (cycle["status"] != "open", cycle["academy_id"] is not None, cycle["template"] != "teachers",
            -date.fromisoformat(cycle["starts_on"]).toordinal())


@blp.get("/appraisal/cycles/<uuid:cycle_id>/completion.csv")
@hr_only
def completion_csv(cycle_id):
    upstream = api().request("GET", f"/api/appraisal/cycles/{cycle_id}/completion.csv", raw=True)
    disposition = upstream.headers.get("Content-Disposition") or \
        f'attachment; filename="appraisal-completion-{cycle_id}.csv"'
    return Response(upstream.content, mimetype="text/csv", headers={"Content-Disposition": disposition})


@blp.route("/appraisal/cycles/new", methods=["GET", "POST"])
@hr_only
def new_cycle():
    form = Form()
    if request.method == "POST":
        body = fields("name", "template", "academy_id", "school_year", "starts_on", "objectives_due",
                      "mid_year_due", "end_of_year_due", "ends_on", "review_window_weeks", blanks_as_none=False,
                      school_year=lambda v: int(v) if v.isdigit() else v,
                      review_window_weeks=lambda v: int(v) if v.isdigit() else v)
        if not body.get("name"):  # the API's own words for this ("Missing data for required field") are not plain
            form = refused("name", "Enter a name for the cycle, for example 2026/27 leaders", detail="The cycle needs a name.")
        else:
            form = submit(lambda: api().post("/api/appraisal/cycles", json=body))
        if cycle := form.answer:
            flash(f"'{cycle['name']}' is set up as a draft. Check it, then open it.")
            return redirect(url_for("hr.open_cycle", cycle_id=cycle["id"]))
    this_year = school_year()
    runs = academies()
    return render_template("hr/new_cycle.html", form=form, templates=TEMPLATES, academies=runs,
                           academy_options=sorted(((k, v["name"]) for k, v in runs.items()), key=lambda o: o[1]),
                           years=[(y, f"{y}/{(y + 1) % 100:02d}") for y in (this_year - 1, this_year, this_year + 1)],
                           this_year=this_year), 422 if form.error else 200


@blp.route("/appraisal/cycles/<uuid:cycle_id>/open", methods=["GET", "POST"])
@hr_only
def open_cycle(cycle_id):
    """Opening creates an appraisal for everyone in scope and tells them, so it is confirmed first."""
    calls = api()
    form = Form()
    if request.method == "POST":
        form = submit(lambda: calls.post(f"/api/appraisal/cycles/{cycle_id}/open"))
        if opened := form.answer:
            count = opened.get("appraisal_count", 0)
            flash(f"'{opened['name']}' is open: {count} {'appraisal' if count == 1 else 'appraisals'} created."
                  + (f" {through_induction(left_out)}" if (left_out := opened.get("left_out_for_induction")) else ""))
            return redirect(url_for("hr.appraisal", cycle=cycle_id, _anchor="completion"))
    cycle = calls.get(f"/api/appraisal/cycles/{cycle_id}")
    return render_template("hr/open_cycle.html", form=form, cycle=cycle, templates=dict(TEMPLATES),
                           academies=academies()), form.error.status if form.error else 200


# -- HR contacts ----------------------------------------------------------------------------------------------

@blp.get("/contacts")
@hr_only
def contacts(form: Form | None = None):
    """Who in HR hears what needs HR (a CPD request over the approval limit, an appraisal long overdue): one
    person per academy, and for the trust those academies that name nobody. Only the API could set them."""
    calls, me = api(), user()
    named = calls.get("/api/notifications/hr-contacts")["contacts"]
    runs = sorted(academies().items(), key=lambda a: a[1]["name"])
    rows = []
    for academy_id, academy in runs:
        staff = calls.all_pages("/api/directory/staff", academy_id=academy_id, current=True)
        rows.append({"key": academy_id, "name": academy["name"], "chosen": (named.get(academy_id) or [""])[0],
                     "options": staff_options(staff)})
    if me.has_role("trust_hr"):
        staff = calls.all_pages("/api/directory/staff", current=True)
        rows.append({"key": "trust", "name": "the trust", "chosen": (named.get("trust") or [""])[0],
                     "options": staff_options(staff)})
    return render_template("hr/contacts.html", rows=rows, form=form or Form()), 422 if form and form.error else 200


@blp.post("/contacts/<key>")
@hr_only
def set_contacts(key):
    if key != "trust" and key not in academies():
        return render_template("error.html", status=404), 404
    chosen = request.form.get("staff_id", "").strip()
    path = "/api/notifications/hr-contacts/trust" if key == "trust" else f"/api/notifications/hr-contacts/{key}"
    form = submit(lambda: api().put(path, json={"staff_ids": [chosen] if chosen else []}), name=key)
    if form.error:
        return contacts(form)
    flash("Saved. They hear what needs HR from now on." if chosen else
          "Saved: nobody is named, so the trust's HR contacts hear instead.")
    return redirect(url_for("hr.contacts"))


# -- CPD ------------------------------------------------------------------------------------------------------

def year_label(year: int) -> str:
    return f"{year}/{(year + 1) % 100:02d}"




TYPED_POUNDS = re.compile(r"£?\s*(?P<whole>[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?P<pence>\.[0-9]{1,2})?", re.ASCII)


def typed_pounds(raw: str) -> str | None:
    """An amount as people type it (£12,000 or 12000.50) as the API takes it, or None for anything else: "12,5"
    (a decimal comma) became £125, and "£12,500.505" lost its last digit, without a word (outsider, issue 20)."""
    found = TYPED_POUNDS.fullmatch(raw.strip())
    return found["whole"].replace(",", "") + (found["pence"] or "") if found else None


@blp.get("/cpd")
@hr_only
def cpd(form: Form | None = None):
    this_year = school_year()
    year = request.values.get("year", type=int)
    if year is None or not 2000 <= year <= 2100:
        year = this_year
    spend = api().get("/api/cpd/reports/spend", year_starting=year)
    reported = {a["academy_id"]: a for a in spend["academies"]}
    runs = academies()
    # Academies with no budget and no places yet are shown as nothing spent rather than left out.
    rows = [reported.pop(academy_id, {"academy_id": academy_id, "academy_name": academy["name"], "places": 0,
                                      "spent": 0, "budget": None, "remaining": None, "percent_used": None})
            for academy_id, academy in sorted(runs.items(), key=lambda a: a[1]["name"])]
    rows += list(reported.values())
    # The budget form: for one academy, or the one whose "Set"/"Change" was chosen, with its budget filled in.
    chosen = request.args.get("academy") if request.args.get("academy") in runs else None
    chosen = chosen or (next(iter(runs)) if len(runs) == 1 else None)
    budget = next((r["budget"] for r in rows if r["academy_id"] == chosen), None)
    form = form or Form({"academy": chosen or "", "amount": typed_pounds(pounds(budget)) if budget else ""})
    return render_template("hr/cpd.html", spend=spend, rows=rows, year=year, year_label=year_label(year), form=form,
                           academy_options=[(r["academy_id"], r["academy_name"]) for r in rows if r["academy_id"] in runs],
                           years=[(y, year_label(y)) for y in range(this_year + 1, this_year - 4, -1)]), \
        422 if form.error else 200


@blp.post("/cpd/budget")
@hr_only
def set_budget():
    """Set or change an academy's CPD budget for the year on show; the page then shows what is left."""
    year = request.form.get("year", type=int)
    academy_id, amount = request.form.get("academy", ""), typed_pounds(request.form.get("amount", ""))
    runs = academies()
    if year is None or not 2000 <= year <= 2100:
        return cpd(refused("year", "Choose the budget year at the top of the page, then set its budget"))
    if academy_id not in runs:
        return cpd(refused("academy", "Choose the academy whose budget this is"))
    if not request.form.get("amount", "").strip():
        return cpd(refused("amount", "Enter the year's budget in pounds, for example 12000"))
    if amount is None:
        return cpd(refused("amount", "Enter pounds and pence with a full stop, for example 12000 or £12,000.50"))
    form = submit(lambda: api().put(f"/api/cpd/budgets/{academy_id}/{year}", json={"amount": amount}))
    if form.error:
        return cpd(form)
    row = next((a for a in api().get("/api/cpd/reports/spend", year_starting=year)["academies"]
                if a["academy_id"] == academy_id), None)
    left = ""
    if row and row["remaining"] is not None:
        over = Decimal(row["remaining"]) < 0
        left = f": {pounds(row['spent'])} spent, {pounds(abs(Decimal(row['remaining'])))} {'over' if over else 'left'}"
    flash(f"{runs[academy_id]['name']}'s CPD budget for {year_label(year)} is now {pounds(form.answer['amount'])}{left}.")
    return redirect(url_for("hr.cpd", year=year, _anchor="by-academy"))


def may_run(programme: dict) -> bool:
    """Whether the signed-in person runs this programme (the API decides; this only chooses which forms to show)."""
    me = user()
    return me.has_role("trust_hr") or (programme.get("academy_id") is not None
                                        and programme["academy_id"] == str(me.academy_id))


@blp.get("/cpd/programmes")
@hr_only
def programmes():
    found = api().all_pages("/api/cpd/programmes", include_inactive="true")
    return render_template("hr/cpd_programmes.html", offered=[p for p in found if p["active"]],
                           retired=[p for p in found if not p["active"]],
                           names={k: v["name"] for k, v in academies().items()}, kinds=KINDS, may_run=may_run)


PROGRAMME_TEXT = ("title", "kind", "npq", "provider", "delivery_mode", "cost", "duration", "description",
                  "off_the_job_percent")


def programme_form(programme: dict) -> Form:
    """A programme as its form shows it."""
    values = {name: "" if programme.get(name) is None else str(programme[name]) for name in PROGRAMME_TEXT}
    values.update(cost=typed_pounds(pounds(programme["cost"])) if programme.get("cost") is not None else "",
                  tags=", ".join(programme.get("tags") or []), levy_funded="yes" if programme.get("levy_funded") else "",
                  requires_approval="no" if programme.get("requires_approval") is False else "yes",
                  academy=programme.get("academy_id") or "")
    return Form(values)


def programme_body() -> dict:
    """The programme form as the API takes it: blanks left out as the API expects, tags split at commas."""
    body = fields(*PROGRAMME_TEXT, cost=lambda v: typed_pounds(v) or v,  # not pounds: the API says why
                  off_the_job_percent=lambda v: int(v.rstrip("%")) if v.rstrip("%").isdigit() else v)
    body.update(description=body["description"] or "", duration=body["duration"] or "",
                tags=[t.strip() for t in request.form.get("tags", "").split(",") if t.strip()],
                levy_funded=request.form.get("levy_funded") == "yes",
                requires_approval=request.form.get("requires_approval") != "no")
    return body


def _programme_refused(body: dict) -> Form | None:
    """What the portal turns back before asking: the API would list every NPQ's code."""
    if body.get("kind") == "npq" and not body.get("npq"):
        return refused("npq", "Choose which NPQ this is", detail="Choose which NPQ this is.")
    return None


def _programme_page(template: str, programme: dict | None, form: Form):
    runs = academies()
    return render_template(template, programme=programme, form=form, kinds=KINDS, modes=MODES, npqs=NPQS,
                           academy_options=sorted(((k, v["name"]) for k, v in runs.items()), key=lambda o: o[1])), \
        422 if form.error else 200


@blp.route("/cpd/programmes/new", methods=["GET", "POST"])
@hr_only
def new_programme():
    me = user()
    form = Form({"requires_approval": "yes", "academy": "" if me.has_role("trust_hr") else str(me.academy_id)})
    if request.method == "POST":
        body = programme_body()
        # Trust HR choose the academy (blank: the whole trust); academy HR add to their own.
        body["academy_id"] = (request.form.get("academy") or None) if me.has_role("trust_hr") else str(me.academy_id)
        form = _programme_refused(body) or submit(lambda: api().post("/api/cpd/programmes", json=body))
        if added := form.answer:
            flash(f"'{added['title']}' is in the catalogue. Add its dates so that staff can ask for a place.")
            return redirect(url_for("hr.manage_programme", programme_id=added["id"], _anchor="dates"))
    return _programme_page("hr/cpd_programme_form.html", None, form)


@blp.route("/cpd/programmes/<uuid:programme_id>/edit", methods=["GET", "POST"])
@hr_only
def edit_programme(programme_id):
    calls = api()
    programme = calls.get(f"/api/cpd/programmes/{programme_id}")
    if not may_run(programme):  # academy HR may read the trust's programmes, not change them (nor would the API)
        return render_template("error.html", status=403), 403
    form = programme_form(programme)
    if request.method == "POST":
        body = programme_body()
        form = _programme_refused(body) or submit(lambda: calls.patch(f"/api/cpd/programmes/{programme_id}", json=body))
        if changed := form.answer:
            flash(f"'{changed['title']}' is changed.")
            return redirect(url_for("hr.manage_programme", programme_id=programme_id))
    return _programme_page("hr/cpd_programme_form.html", programme, form)


@blp.get("/cpd/programmes/<uuid:programme_id>")
@hr_only
def manage_programme(programme_id, form: Form | None = None):
    calls = api()
    programme = calls.get(f"/api/cpd/programmes/{programme_id}")
    cohorts = calls.get(f"/api/cpd/programmes/{programme_id}/cohorts")
    return render_template("hr/cpd_programme.html", programme=programme, cohorts=cohorts, kinds=KINDS, modes=MODES,
                           npqs=NPQS, names={k: v["name"] for k, v in academies().items()}, may_run=may_run(programme),
                           form=form or Form()), 422 if form and form.error else 200


@blp.post("/cpd/programmes/<uuid:programme_id>/cohorts")
@hr_only
def add_cohort(programme_id):
    body = fields("name", "starts_on", "ends_on", "capacity", "location",
                  capacity=lambda v: int(v) if v.isdigit() else v)
    body["location"] = body["location"] or ""
    form = submit(lambda: api().post(f"/api/cpd/programmes/{programme_id}/cohorts", json=body), name="cohort")
    if form.error:
        return manage_programme(programme_id, form)
    flash(f"'{form.answer['name']}' is added: {form.answer['capacity']} places from {day(form.answer['starts_on'])}.")
    return redirect(url_for("hr.manage_programme", programme_id=programme_id, _anchor="dates"))


@blp.post("/cpd/programmes/<uuid:programme_id>/active")
@hr_only
def programme_active(programme_id):
    """Retire a programme (no new requests; places already given carry on) or offer it again. Not deleted: its
    places, agreements and the plans that suggest it still refer to it."""
    active = request.form.get("active") == "yes"
    form = submit(lambda: api().put(f"/api/cpd/programmes/{programme_id}/active", json={"active": active}),
                  name="active")
    if form.error:
        return manage_programme(programme_id, form)
    flash(f"'{form.answer['title']}' is offered again." if active else
          f"'{form.answer['title']}' is no longer offered. Places already given carry on.")
    return redirect(url_for("hr.manage_programme", programme_id=programme_id))


# -- staff ----------------------------------------------------------------------------------------------------

@blp.get("/staff")
@hr_only
def staff():
    page = max(request.args.get("page", type=int) or 1, 1)
    q = request.args.get("q", "").strip()[:100]
    found = api().get("/api/directory/staff", q=q, page=page, page_size=50)
    names = {k: v["name"] for k, v in academies().items()}
    return render_template("hr/staff.html", found=found, q=q, page=page, names=names, form=Form(request.args))


# Where a plan's goal came from, said about someone else (the person's own page says "your").
THEIR_SOURCES = {"induction": "induction", "promotion": "after a promotion", "development_need": "from their appraisal",
                 "appraisal_objective": "serves an appraisal objective", "own_goal": "their own goal",
                 "role": "for their role"}


@blp.get("/staff/<uuid:staff_id>")
@hr_only
def staff_record(staff_id):
    """One person as HR see them: their details, appraisals, CPD and development plan (the APIs decide what the
    signed-in HR officer may see: academy HR their own academy's staff)."""
    calls = api()
    person = calls.get(f"/api/directory/staff/{staff_id}")
    manager = None
    if person.get("line_manager_id"):
        try:
            manager = calls.get(f"/api/directory/staff/{person['line_manager_id']}")
        except ApiError as error:
            if error.status not in (403, 404):
                raise
    appraisals = with_deadlines(calls.all_pages("/api/appraisal/appraisals", reviewee_id=str(staff_id)))
    enrolments = calls.all_pages("/api/cpd/enrolments", staff_id=str(staff_id))
    plan = next(iter(calls.get("/api/cpd/plans", staff_id=str(staff_id))), None)
    roles = calls.get(f"/api/directory/staff/{staff_id}/roles")["roles"] \
        if roles_given_here() and user().has_role("trust_hr") else None
    return render_template(
        "hr/staff_record.html", person=person, manager=manager, academy=academies().get(person["academy_id"]),
        roles=roles, role_words=ROLE_WORDS, access=said(roles or []),
        appraisals=sorted(appraisals, key=lambda a: a["cycle"]["starts_on"] if a["cycle"] else "", reverse=True),
        enrolments=sorted(enrolments, key=lambda e: e["requested_on"], reverse=True), plan=plan,
        titles=titles({e["programme_id"] for e in enrolments} | {i["programme_id"] for i in (plan or {}).get(
            "items", []) if i.get("programme_id")}), sources=THEIR_SOURCES)


@blp.route("/staff/import", methods=["GET", "POST"])
@hr_only
def staff_import():
    form = Form()
    if request.method == "POST":
        upload = request.files.get("file")
        check_only = request.form.get("dry_run") == "yes"
        if upload is None or not upload.filename:
            form = refused("file", "Choose a CSV file to upload", detail="Choose the staff CSV file to upload.")
        else:
            form = submit(lambda: api().post(
                "/api/directory/imports/staff", params={"dry_run": check_only},
                files={"file": (upload.filename, upload.stream, "text/csv")}))
            if (result := form.answer) and check_only:
                # The checked file is kept (by the directory, for two hours): HR read who it adds, changes or
                # records as leaving, then import that same file without choosing it again.
                return render_template("hr/import.html", form=Form(), academies=academies(), columns=CSV_COLUMNS,
                                       checked=result, file_name=upload.filename, summary=_import_summary(result),
                                       changed_words=CHANGED_WORDS)
            if result := form.answer:
                flash(_import_summary(result))
                return redirect(url_for("hr.staff"))
    return render_template("hr/import.html", form=form, academies=academies(), columns=CSV_COLUMNS), \
        (422 if form.error else 200)


@blp.post("/staff/import/checked/<uuid:checked_id>")
@hr_only
def import_checked(checked_id):
    try:
        form = submit(lambda: api().post(f"/api/directory/imports/staff/checked/{checked_id}"))
    except ApiError as error:
        if error.status != 404:
            raise
        form = refused("file", "Choose the file again", detail="The checked file is no longer kept: it was imported "
                       "already, or checked more than two hours ago. Choose it again to check and import it.")
    if result := form.answer:
        flash(_import_summary(result))
        return redirect(url_for("hr.staff"))
    return render_template("hr/import.html", form=form, academies=academies(), columns=CSV_COLUMNS), 422


# The directory's field names as the preview of a checked file says them.
CHANGED_WORDS = {"first_name": "first name", "last_name": "last name", "email": "email", "academy_id": "academy",
                 "staff_type": "staff group", "post": "post", "fte": "FTE", "start_date": "start date",
                 "line_manager_id": "line manager", "leaving_date": "leaving date"}


def _import_summary(result: dict) -> str:
    counts = (f"{result['created']} added, {result['updated']} changed, {result['unchanged']} unchanged, "
              f"{result['left']} recorded as leaving")
    if result.get("past_retention"):
        counts += (f"; {result['past_retention']} not added, having left long enough ago that their record is no "
                   "longer kept")
    if result.get("dry_run"):
        return f"The file is ready to import ({result['rows']} rows): {counts}. Nothing has been imported yet."
    return f"Staff imported from {result['rows']} rows: {counts}."


@blp.get("/staff/import/template.csv")
@hr_only
def import_template():
    return Response(",".join(CSV_COLUMNS) + "\r\n", mimetype="text/csv",
                    headers={"Content-Disposition": 'attachment; filename="staff-import-template.csv"'})


# -- the audit log (issue 21) ---------------------------------------------------------------------------------

AREAS = [("directory", "Staff records"), ("appraisal", "Appraisal"), ("cpd", "CPD"), ("wellbeing", "Surveys"),
         ("notifications", "Notifications"), ("targets", "Targets")]
# Who acted, when it was not a person: the processes that write audit rows.
PROCESSES = {"scheduler": "The daily job", "retention": "The retention schedule", "import": "A staff file import",
             "rebuild": "A rebuild of the targets", "republish": "The directory, republishing staff",
             "identity-provider": "The trust's identity provider"}
# Words for what was done, where the recorded action does not read well on its own.
ACTIONS = {"expired": "Deleted what had expired", "staff.erased": "Anonymised: the record's retention ended",
           "support_plan.read": "Read the support plan", "staff.added": "Added the member of staff",
           "staff.left": "Recorded leaving", "staff.updated": "Changed the record", "staff.promoted": "Recorded a promotion",
           "staff.imported": "Imported a staff file",
           "staff.deprovisioned": "Deleted in the identity provider (the record is kept)",
           "subject_access.opened": "Opened a subject access request",
           "subject_access.downloaded": "Downloaded a copy of someone's data",
           "subject_access.answered": "Answered a subject access request",
           "staff.roles_changed": "Changed their access", "staff.signed_in": "Signed in with Google"}
RECORDS = {"staff": "Member of staff", "retention": "Retention schedule", "import": "Staff file", "survey_run": "Survey",
           "training_agreement": "Training agreement", "development_plan": "Development plan",
           "hr_contacts": "HR contacts", "target": "Target", "subject_access_request": "Subject access request"}
UUID = re.compile(rf"^{ID_PATTERN}$")


def trust_hr_and_dpo_only(view):
    """The audit log and subject access requests: trust HR and the data protection officer."""
    @wraps(view)
    def wrapper(*args, **kwargs):
        if not user().has_role("trust_hr", "dpo"):
            return render_template("error.html", status=403), 403
        return view(*args, **kwargs)
    return signed_in(wrapper)


# -- who has access (issue 21) --------------------------------------------------------------------------------

# What trust HR may give beyond being a member of staff, as the pages say it.
ROLE_WORDS = {"academy_hr": "HR for their academy", "trust_hr": "trust HR", "dpo": "data protection officer"}


def said(roles: list[str]) -> str:
    """Access as a sentence says it: "trust HR, data protection officer"."""
    return ", ".join(ROLE_WORDS.get(r, r) for r in roles)


def roles_given_here() -> bool:
    """Whether the access trust HR give in Staffroom is what people sign in with: with Google Workspace (and the
    development sign-in's demo), yes; with Microsoft Entra ID, roles are app roles assigned in Entra instead."""
    oidc = portal().oidc
    return oidc is None or oidc.forward == "exchange"


@blp.get("/access")
@trust_hr_and_dpo_only
def access():
    """Everyone trust HR gave access beyond being a member of staff; trust HR give it here or on a staff record."""
    if not roles_given_here():
        return render_template("hr/access.html", holders=None)
    calls = api()
    names = {a["id"]: a["name"] for a in calls.get("/api/directory/academies")}  # every one, for the DPO too
    holders = sorted(({**h, "access": said(h["roles"]), "left": h.get("leaving_date") and h["leaving_date"] < str(today())}
                      for h in calls.get("/api/directory/roles")),
                     key=lambda h: h["name"].split()[::-1])
    # "HR for their academy" depends on where someone works: the list says it (outsider 22)
    options = staff_options(calls.all_pages("/api/directory/staff", current=True), academies=names) \
        if user().has_role("trust_hr") else []
    return render_template("hr/access.html", holders=holders, role_words=ROLE_WORDS, names=names, options=options)


@blp.post("/access")
@trust_hr_and_dpo_only
def give_access():
    """Give someone more access: what is ticked is added to what they have (taking away is on their record)."""
    return _save_access(request.form.get("staff_id", ""), adding=True)


@blp.post("/staff/<uuid:staff_id>/access")
@trust_hr_and_dpo_only
def set_access(staff_id):
    """A person's access, exactly as ticked on their record."""
    return _save_access(str(staff_id), adding=False)


def _save_access(staff_id: str, *, adding: bool):
    back = url_for("hr.access") if adding or not UUID.match(staff_id) else url_for("hr.staff_record", staff_id=staff_id)
    ticked = sorted(set(request.form.getlist("roles")))  # a tick sent twice is one tick (outsider 19)
    if not UUID.match(staff_id):
        flash("Not saved: choose who to give access to.", "error")
        return redirect(back)
    if any(r not in ROLE_WORDS for r in ticked):
        flash("Not saved: choose from the access listed.", "error")
        return redirect(back)
    if adding and not ticked:
        flash("Not saved: tick the access to give.", "error")
        return redirect(back)
    calls = api()
    try:
        roles = sorted(set(ticked) | set(calls.get(f"/api/directory/staff/{staff_id}/roles")["roles"])) \
            if adding else ticked
        calls.put(f"/api/directory/staff/{staff_id}/roles", json={"roles": roles})
    except ApiError as error:
        if error.status not in (403, 404, 409, 422):
            raise
        flash(f"Not saved. {refusal(error)}", "error")
    else:
        flash(f"Saved. From their next sign-in they have: {said(roles)}."
              if roles else "Saved. From their next sign-in they have no HR or data protection access.")
    return redirect(back)


@blp.get("/audit")
@trust_hr_and_dpo_only
def audit():
    """Who changed what, and when, in one area (service) at a time, newest first; for one person's actions or one
    member of staff's record when the staff record page links here."""
    area = request.args.get("area") if request.args.get("area") in dict(AREAS) else "directory"
    page = min(max(request.args.get("page", type=int) or 1, 1), 100_000)  # the API's range: never a bare 422 page
    query = {"page": page, "page_size": 50}
    for name in ("actor", "entity_id"):
        if UUID.match(request.args.get(name, "")):
            query[name] = request.args[name]
    form = Form(request.args)
    for name, label in (("since", "From"), ("until", "To")):
        if _real_date(request.args.get(name, "")):
            query[name] = request.args[name]
        elif request.args.get(name):  # said, not silently dropped (outsider 9, issue 21)
            form = refused(name, f"{label}: enter a real date between 1900 and 2100",
                           detail="That date was left out of the search.")
    calls = api()
    found = calls.get(f"/api/{area}/audit", **query)
    names = _names(calls)
    rows = [_audit_row(entry, names) for entry in found["items"]]
    about = names.get(query.get("actor") or query.get("entity_id") or "")
    keep = {k: v for k, v in query.items() if k not in ("page", "page_size")}
    return render_template("hr/audit.html", areas=AREAS, area=area, area_name=dict(AREAS)[area], rows=rows,
                           found=found, page=page, query=query, keep=keep, about=about, form=form)


def _real_date(text: str) -> bool:
    """A day the APIs take (1900 to 2100); another is left out of the search, and the page says so."""
    return len(text) == 10 and real_day(text) and 1900 <= int(text[:4]) <= 2100


def _names(calls) -> dict[str, str]:
    """Everyone the signed-in person may list, by id (trust HR: the whole trust)."""
    try:
        return {p["id"]: f"{p['first_name']} {p['last_name']}" for p in calls.all_pages("/api/directory/staff")}
    except ApiError:
        return {}


def _audit_row(entry: dict, names: dict[str, str]) -> dict:
    actor = entry["actor"]
    who = names.get(actor) or PROCESSES.get(actor) or ("A member of staff" if UUID.match(actor) else
                                                        "A system account")
    what = ACTIONS.get(entry["action"]) or _words(entry["action"])
    record = RECORDS.get(entry["entity"]) or _words(entry["entity"])
    link = None
    if entry["entity"] == "staff" and UUID.match(entry["entity_id"]):
        record = f"{record}: {names.get(entry['entity_id'], 'someone you cannot list')}"
        link = url_for("hr.staff_record", staff_id=entry["entity_id"])
    elif entry["entity"] == "appraisal" and UUID.match(entry["entity_id"]):
        link = url_for("appraisal.detail", appraisal_id=entry["entity_id"])
    return {"when": day(datetime.fromisoformat(entry["at"]).astimezone(LONDON)), "who": who, "what": what,
            "record": record, "link": link, "details": _access_changes(entry["action"], entry.get("changes"))
            or _changes(entry.get("changes"), names)}


def _access_changes(action: str, changes) -> list[str]:
    """A sign-in's access, or a change to someone's, in the words the Who has access page uses (outsider 18)."""
    if not isinstance(changes, dict) or action not in ("staff.signed_in", "staff.roles_changed"):
        return []
    words = {"staff": "member of staff", **ROLE_WORDS}
    heads = {"roles": "With", "given": "Given", "withdrawn": "Taken away"}
    return [f"{heads[key]}: {', '.join(words.get(str(r), 'another role') for r in value)}"
            for key, value in changes.items() if key in heads and isinstance(value, list) and value]


def _words(key: str) -> str:
    return {"urn": "URN", "fte": "FTE"}.get(key) or key.replace(".", " ").replace("_", " ").strip().capitalize()


def _changes(changes, names: dict[str, str]) -> list[str]:
    """What a row recorded, a line per field, in words: "Last name: Okonkwo → Okonkwo-Bello"."""
    if not isinstance(changes, dict):
        return []
    lines = []
    for field, value in list(changes.items())[:12]:
        if isinstance(value, list) and len(value) == 2 and not isinstance(value[0], (list, dict)):
            shown = f"{_value(value[0], names)} → {_value(value[1], names)}"
        else:
            shown = _value(value, names)
        lines.append(f"{_words(field)}: {shown}")
    return lines


def _value(value, names: dict[str, str]) -> str:
    if value is None or value == "":
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (list, tuple)):
        return ", ".join(_value(v, names) for v in value[:10]) or "none"
    if isinstance(value, dict):  # say what it holds, not its ids or empty fields
        said = [f"{_words(k)} {_value(v, names)}" for k, v in value.items() if k != "id" and v not in (None, "", [], {})]
        return "; ".join(said[:6]) or "none"
    text = str(value)
    if UUID.match(text):
        return names.get(text, "a record")
    if _real_date(text):
        return day(text)
    text = readable(text)
    return text if len(text) <= 120 else text[:117] + "…"
