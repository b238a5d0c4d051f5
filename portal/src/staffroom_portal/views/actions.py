"""Action plans on survey results: HR and heads plan, publish and follow them; the owner posts progress; staff read
"You said, we did". The figures come from the wellbeing API's own rules (before and after only where the survey
reports show both); nothing here works one out."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for

from ..current import api, is_hr, signed_in, user
from ..ui import Form, day, fields, signed, staff_options, submit

blp = Blueprint("actions", __name__)

STAFF_TYPES = [("teaching", "Teaching staff"), ("support", "Support staff"), ("leadership", "Leaders")]
STATUSES = [("planned", "Planned"), ("in_progress", "In progress"), ("done", "Done"), ("dropped", "Dropped")]
NEXT = {"planned": ["in_progress", "done", "dropped"], "in_progress": ["done", "dropped"]}  # as the service allows
FIELDS = ("title", "description", "measure", "run_id", "academy_id", "staff_type", "owner_id", "due_on")


def figure(side: dict) -> str:
    """One survey's figure as the results page writes it: a share favourable, or an average (eNPS signed)."""
    if side.get("favourable") is not None:
        return f"{side['favourable']:.1f}% favourable"
    return f"{side['mean']:.2f}"


def in_words(pair: dict, measure: str) -> dict:
    """Before and after for the page: each survey's figure by its title and date, or why there is none (with the
    before alone while the after is awaited)."""
    sides = {side: {"value": signed(p["mean"]) if measure == "enps" else figure(p),
                    "survey": f"{p['title']} (closed {day(p['closed_on'])})"}
             for side in ("before", "after") if (p := pair.get(side))}
    if pair["status"] != "shown":
        return {"shown": False, "before": sides.get("before"), "note": pair["note"][:1].upper() + pair["note"][1:] + "."}
    return {"shown": True, **sides}


def _measures(run: dict | None = None) -> list[tuple[str, str]]:
    """Every measure the trust's surveys can ask (and a named survey's own questions), by title."""
    found = {m["key"]: m["title"] for i in api().get("/api/wellbeing/instruments") for m in i["measures"]}
    if run:
        found |= {f"custom.{q['key']}": q["text"] for q in run["questions"] if q["scale"] != "text"}
    return sorted(found.items(), key=lambda kv: kv[1].lower())


def _choices(run: dict | None) -> dict:
    """The form's choices: where (trust HR: the trust or any academy; academy HR: theirs), who leads it, what."""
    calls, me = api(), user()
    academies = {a["id"]: a["name"] for a in calls.get("/api/directory/academies")}
    trust_wide = me.has_role("trust_hr")
    where = ([("", "The whole trust")] if trust_wide else []) + sorted(
        ((a, name) for a, name in academies.items() if trust_wide or a == str(me.academy_id)), key=lambda x: x[1])
    staff = calls.all_pages("/api/directory/staff", current=True)
    return {"where": where, "owners": staff_options(staff, academies=academies if trust_wide else None),
            "measures": _measures(run), "staff_types": STAFF_TYPES}


def _body() -> dict:
    body = fields(*FIELDS)
    body["academy_id"] = body.get("academy_id") or None
    body["staff_type"] = body.get("staff_type") or None
    return body


# -- staff: you said, we did ---------------------------------------------------------------------------

@blp.get("/surveys/actions")
@signed_in
def board():
    shown = api().get("/api/wellbeing/me/actions")
    me = str(user().staff_id) if user().staff_id else None
    for a in shown:
        a["pair"] = in_words(a["before_after"], a["measure"])
        a["mine"] = a["owner_id"] == me
    return render_template("surveys/board.html", trust=[a for a in shown if not a["academy_id"]],
                           academy=[a for a in shown if a["academy_id"]])


# -- HR and heads: action plans ------------------------------------------------------------------------

@blp.get("/surveys/action-plans")
@signed_in
def plans():
    found = api().get("/api/wellbeing/actions")
    return render_template("surveys/plans.html", plans=found, may_plan=is_hr())


def _new(form: Form, status: int = 200):
    run_id = request.values.get("run_id") or None
    run = api().get(f"/api/wellbeing/runs/{run_id}") if run_id else None
    values = {"measure": request.args.get("measure", ""), "run_id": run_id or ""}
    return render_template("surveys/plan_new.html", form=form, run=run, values=values, **_choices(run)), status


@blp.get("/surveys/action-plans/new")
@signed_in
def new():
    return _new(Form())


@blp.post("/surveys/action-plans/new")
@signed_in
def create():
    form = submit(lambda: api().post("/api/wellbeing/actions", json=_body()))
    if form.error:
        return _new(form, form.error.status)
    flash("Action saved as a draft: staff see it once you publish it.", "success")
    return redirect(url_for(".plan", action_id=form.answer["id"]))


def _page(action_id, form: Form = Form(), status: int = 200):
    plan_ = api().get(f"/api/wellbeing/actions/{action_id}")
    me = user()
    manage = me.has_role("trust_hr") or (me.has_role("academy_hr") and plan_["academy_id"] == str(me.academy_id))
    run = api().get(f"/api/wellbeing/runs/{plan_['run_id']}") if manage and plan_["run_id"] else None
    return render_template(
        "surveys/plan.html", plan=plan_, form=form, manage=manage, pair=in_words(plan_["before_after"], plan_["measure"]),
        statuses=[(s, dict(STATUSES)[s]) for s in NEXT.get(plan_["status"], [])]
        if manage or plan_["owner_id"] == str(me.staff_id) else [],
        **(_choices(run) if manage else {})), status


@blp.get("/surveys/action-plans/<uuid:action_id>")
@signed_in
def plan(action_id):
    return _page(action_id)


@blp.post("/surveys/action-plans/<uuid:action_id>")
@signed_in
def edit(action_id):
    body = fields("title", "description", "owner_id", "due_on")  # whom it is for is set when it is planned
    form = submit(lambda: api().patch(f"/api/wellbeing/actions/{action_id}", json=body), "edit")
    if form.error:
        return _page(action_id, form, form.error.status)
    flash("Action changed.", "success")
    return redirect(url_for(".plan", action_id=action_id))


@blp.post("/surveys/action-plans/<uuid:action_id>/publish")
@signed_in
def publish(action_id):
    form = submit(lambda: api().post(f"/api/wellbeing/actions/{action_id}/publish"), "publish")
    if form.error:
        return _page(action_id, form, form.error.status)
    flash("Published: the staff it is for can read it on “You said, we did”, and are told of it.", "success")
    return redirect(url_for(".plan", action_id=action_id))


@blp.post("/surveys/action-plans/<uuid:action_id>/updates")
@signed_in
def post_update(action_id):
    body = fields("text", "status")
    form = submit(lambda: api().post(f"/api/wellbeing/actions/{action_id}/updates", json=body), "update")
    if form.error:
        return _page(action_id, form, form.error.status)
    flash("Progress posted.", "success")
    return redirect(url_for(".plan", action_id=action_id))
