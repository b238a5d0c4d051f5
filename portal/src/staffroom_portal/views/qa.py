"""The trust's quality-assurance map (issue 24): HR calendar QA rounds (a series every six weeks), observers record
observations in a round, and heads and the trust read the map of strengths, areas for development and areas of
intervention, open a cell and act on it (share a strength, set a challenge, plan an intervention). The appraisal
API makes each person's map from the teachers they may see, and says in words what it is made from."""
from __future__ import annotations

import uuid
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from ..backend import ApiError
from ..current import api, signed_in, user
from ..ui import Form, day, fields, refusal, refused, submit

blp = Blueprint("qa", __name__, url_prefix="/qa")
API = "/api/appraisal"
BANDS = {"strength": "Strength", "development": "Area for development", "intervention": "Area of intervention"}
MOVES = {"up": "↑ Better than last round", "down": "↓ Worse than last round", "same": "→ The same as last round",
         "new": "New this round"}
KINDS = {"intervention": "Intervention", "challenge": "Challenge", "share": "Shared strength"}
PREFIX = {"challenge": "challenge_", "share": "share_"}
STATUSES = {"planned": "Planned", "under_way": "Under way", "reviewed": "Reviewed", "stopped": "Stopped"}


def _uuid(value: str | None) -> str | None:
    if not value:
        return None
    try:
        return str(uuid.UUID(value))
    except ValueError:
        abort(404)


def latest_map(calls, trust_wide: bool = False) -> dict | None:
    """The map for the targets dashboard, with the words its cells need and a line saying which round it is (None:
    no round has started, or no map is for them). Appraisal chooses the round: the newest that has ended with a
    teacher observed whom this person may see (trust HR: rounds covering every academy first), so that a round
    that started today with one observation does not replace the map of the round before, nor one academy's own
    round the trust's (outsiders, issue 24); only when none has, the newest started round, still running. The QA page
    links every round's map, a running one's too. The portal reads appraisal's API rather than a copy in targets:
    what a map is made from depends on who is looking, which only appraisal can decide."""
    try:
        found = calls.get(f"{API}/qa-rounds/latest-map")
    except ApiError as error:
        if error.status in (403, 404):
            return None
        raise
    first = " (rounds across every academy come first)" if trust_wide else ""
    if found.get("still_running"):
        which = ("No quality assurance round has ended yet with teachers observed on your map, so this is the newest "
                 "that has started. It is still running, so its map is not final")
    elif found["made_from"]["teachers"]:
        which = f"The newest quality assurance round that has ended with teachers observed on your map{first}"
    else:
        which = "The newest quality assurance round that has ended; nobody on your map was observed in it"
    return {"m": found, "bands": BANDS, "moves": MOVES, "which": which}


@blp.get("")
@signed_in
def index(form: Form | None = None):
    calls = api()
    me = user()
    rounds = calls.get(f"{API}/qa-rounds")
    hr = me.has_role("trust_hr", "academy_hr")
    templates = [t for t in calls.get(f"{API}/observation-templates")
                 if any(c["grades"] for c in t["criteria"])] if hr else []
    academies = calls.get("/api/directory/academies") if me.has_role("trust_hr") else []
    coaching = calls.get(f"{API}/qa-coaching-links")
    # Every round someone sees covers their academy (trust HR: all), so one round answers for all whether they may
    # open the maps (HR, heads and line managers): no link to a page that would refuse them.
    maps = bool(rounds) and _may_open_map(calls, rounds[-1]["id"])
    # "Record an observation" only in the rounds where they have someone to observe (outsider, issue 24)
    appraisals = _appraisals(calls) if rounds else []
    observes = {r["id"] for r in rounds if _observable(calls, r, appraisals)}
    return render_template("qa/index.html", rounds=rounds, hr=hr, templates=templates, coaching=coaching,
                           me_id=str(me.staff_id), maps=maps, observes=observes,
                           template_options=[(t["id"], t["name"]) for t in templates],
                           academy_options=[(a["id"], a["name"]) for a in academies],
                           form=form or Form({"interval_weeks": "6", "count": "6"}),
                           trust_hr=me.has_role("trust_hr")), 422 if form and form.error else 200


def _may_open_map(calls, round_id: str) -> bool:
    try:
        calls.get(f"{API}/qa-rounds/{round_id}/map")
    except ApiError as error:
        if error.status in (403, 404):
            return False
        raise
    return True


@blp.post("/series")
@signed_in
def series():
    me = user()
    body = fields("name", "template_id", "starts_on", "count", "interval_weeks")
    chosen = request.form.getlist("academy_ids") if me.has_role("trust_hr") else [str(me.academy_id)]
    if not chosen:
        return index(refused("academy_ids", "Choose at least one academy."))
    body["academy_ids"] = chosen
    for name in ("count", "interval_weeks"):
        body[name] = int(body[name]) if (body.get(name) or "").isdigit() else body.get(name)
    form = submit(lambda: api().post(f"{API}/qa-rounds/series", json=body))
    if form.error:
        return index(form)
    made = form.answer
    flash(f"Calendared {len(made)} rounds, from {day(made[0]['starts_on'])} to {day(made[-1]['ends_on'])}.")
    return redirect(url_for("qa.index"))


def _cell_text(cell: dict) -> str:
    if not cell["teachers"]:
        return "Not observed"
    return BANDS[cell["band"]]


@blp.get("/rounds/<round_id>")
@signed_in
def qa_map(round_id):
    round_id = _uuid(round_id)
    calls = api()
    found = calls.get(f"{API}/qa-rounds/{round_id}/map")
    return render_template("qa/map.html", m=found, bands=BANDS, moves=MOVES, cell_text=_cell_text,
                           observes=bool(_observable(calls, found["round"])))


def _appraisals(calls) -> list[dict]:
    return calls.get(f"{API}/appraisals", page_size=500)["items"]


def _observable(calls, qa_round: dict, appraisals: list[dict] | None = None) -> list[dict]:
    """The appraisals this person may record an observation in (their reviewees'; HR their academies'), in the
    round's academies."""
    seen, found = set(), []
    for a in _appraisals(calls) if appraisals is None else appraisals:
        if a["id"] in seen or a["academy_id"] not in qa_round["academy_ids"] or a["status"] in (
                "signed_off", "closed", "withdrawn"):
            continue
        if a.get("reviewee_id") == str(user().staff_id):
            continue
        seen.add(a["id"])
        found.append(a)
    return sorted(found, key=lambda a: a.get("reviewee_name") or "")


@blp.route("/rounds/<round_id>/observe", methods=["GET", "POST"])
@signed_in
def observe(round_id):
    round_id = _uuid(round_id)
    calls = api()
    qa_round = calls.get(f"{API}/qa-rounds/{round_id}")
    template = calls.get(f"{API}/observation-templates/{qa_round['template_id']}")
    appraisals = _observable(calls, qa_round)
    form = Form()
    if request.method == "POST":
        body = fields("observed_on", "focus", "department", "strengths", "areas_to_develop", blanks_as_none=False)
        grades = {c["key"]: request.form.get(f"grade-{c['key']}") for c in template["criteria"] if c["grades"]}
        body.update(template_id=template["id"], qa_round_id=round_id,
                    grades={k: v for k, v in grades.items() if v})
        appraisal_id = _uuid(request.form.get("appraisal_id"))
        if appraisal_id is None:
            form = refused("appraisal_id", "Choose whose lesson it was.")
        else:
            form = submit(lambda: calls.post(f"{API}/appraisals/{appraisal_id}/observations", json=body))
            if not form.error:
                name = next((a["reviewee_name"] for a in appraisals if a["id"] == appraisal_id), "the teacher")
                flash(f"Recorded the observation of {name} in {qa_round['name']}.")
                return redirect(url_for("qa.observe", round_id=round_id))
    return render_template("qa/observe.html", qa_round=qa_round, template=template, appraisals=appraisals,
                           form=form, maps=_may_open_map(calls, round_id)), 422 if form.error else 200


def _cell(m: dict, criterion: str, academy_id: str | None, department: str | None) -> dict | None:
    if academy_id is None:  # the trust's total: on trust HR's map only
        return next((c for c in m["trust"] or [] if c["criterion"] == criterion), None)
    row = next((r for r in m["rows"] if r["academy_id"] == academy_id and r["department"] == department), None)
    return next((c for c in row["cells"] if c["criterion"] == criterion), None) if row else None


@blp.route("/rounds/<round_id>/cell", methods=["GET", "POST"])
@signed_in
def cell(round_id):
    round_id = _uuid(round_id)
    criterion = request.args.get("criterion", "")
    academy_id, department = _uuid(request.args.get("academy_id")), request.args.get("department") or None
    calls = api()
    m = calls.get(f"{API}/qa-rounds/{round_id}/map")
    shown = _cell(m, criterion, academy_id, department)
    if shown is None:
        abort(404)
    label = next(c["label"] for c in m["criteria"] if c["key"] == criterion)
    row = next((r for r in m["rows"] if r["academy_id"] == academy_id), None)
    where = "the whole trust" if academy_id is None else (
        f"{department} at {row['academy_name']}" if department else f"all of {row['academy_name']}")
    if m["made_from"]["whom"] == "reviewees":  # a line manager's cells are their reviewees', not the department's
        where = f"your reviewees in {where}" if department else f"all your reviewees at {row['academy_name']}"
    form = Form()
    if request.method == "POST":
        kind = request.form.get("kind")
        prefix = PREFIX.get(kind, "")  # three forms on one page: each field its own id
        body = {"kind": kind, "criterion": criterion, "academy_id": academy_id, "department": department,
                **{name: request.form.get(prefix + name, "").strip() or None
                   for name in ("owner_id", "review_on", "idea", "success_criteria", "support", "monitoring")}}
        if kind == "share":
            body["pairs"] = [dict(zip(("coach_id", "colleague_id"), p.split(":"))) for p in request.form.getlist("pair")]
        form = submit(lambda: calls.post(f"{API}/qa-rounds/{round_id}/actions", json=body), name=kind)
        form.fields = {prefix + name: message for name, message in form.fields.items()}
        if not form.error:
            flash(f"{KINDS.get(kind, 'Action')} planned for {label} in {where}.")
            return redirect(url_for("qa.cell", round_id=round_id, criterion=criterion, academy_id=academy_id,
                                    department=department))
    actions = [a for a in calls.get(f"{API}/qa-rounds/{round_id}/actions")
               if a["criterion"] == criterion and a["academy_id"] == academy_id and a["department"] == department]
    pairs, people = None, []
    me = user()
    may_act = me.has_role("trust_hr") or (academy_id is not None and me.has_role("academy_hr")
                                          and str(me.academy_id) == academy_id)
    if may_act and shown["teachers"]:
        pairs = calls.get(f"{API}/qa-rounds/{round_id}/pairs", criterion=criterion, academy_id=academy_id)
        people = calls.get("/api/directory/staff", academy_id=academy_id or str(me.academy_id),
                           page_size=500)["items"]
    return render_template("qa/cell.html", m=m, c=shown, label=label, where=where, actions=actions, pairs=pairs,
                           people=people, may_act=may_act, form=form, me_id=str(me.staff_id), bands=BANDS,
                           moves=MOVES,
                           kinds=KINDS, statuses=STATUSES, cell_text=_cell_text), 422 if form.error else 200


@blp.post("/actions/<action_id>")
@signed_in
def move_on(action_id):
    """The owner or HR move an action on: under way, reviewed (with what the review found) or stopped."""
    action_id = _uuid(action_id)
    body = fields("status", "review_note")
    form = submit(lambda: api().patch(f"{API}/qa-actions/{action_id}", json=body))
    if form.error:
        flash(f"Not changed. {refusal(form.error)}")
    else:
        flash(f"The {KINDS[form.answer['kind']].lower()} is now {STATUSES[form.answer['status']].lower()}.")
    back = request.form.get("back", "")
    return redirect(back if back.startswith("/qa/") else url_for("qa.index"))
