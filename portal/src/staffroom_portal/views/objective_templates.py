"""Objective templates per role (issue 24): HR write them; a line manager adds them to their reviewees' appraisals as
draft objectives, to adapt on each appraisal's page. Every step is an appraisal API call as the signed-in person."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, flash, redirect, render_template, request, url_for

from ..current import api, is_hr, signed_in, user
from ..ui import Form, fields, register_filters, submit
from .appraisal import API, OBJECTIVE_TYPES, with_deadlines
from .priorities import academy_names, label, school_year_of

blp = Blueprint("objective_templates", __name__)
register_filters(blp)

GROUPS = [("teachers", "Teachers"), ("support", "Support staff"), ("leaders", "Leaders")]


def _priority_choices() -> list[tuple[str, str]]:
    names = academy_names()
    found = api().get(f"{API}/priorities", school_year=school_year_of(date.today()))
    return [(p["id"], label(p, names)) for p in found if not p["archived"] and p["level"] != "team"]


def _manage(form: Form | None = None, status: int = 200):
    me = user()
    names = academy_names()
    academies = names if me.has_role("trust_hr") else {}
    return render_template("objective_templates/manage.html", templates=api().get(f"{API}/objective-templates"),
                           form=form or Form(), types=OBJECTIVE_TYPES, type_names=dict(OBJECTIVE_TYPES), groups=GROUPS,
                           academies=list(academies.items()), names=names, priorities=_priority_choices()), status


@blp.get("/objective-templates")
@signed_in
def manage():
    if not is_hr():
        return render_template("error.html", status=403), 403
    return _manage()


@blp.post("/objective-templates")
@signed_in
def add():
    body = fields("title", "type", "description", "success_criteria", "post", "staff_group", "priority_id")
    body = {k: v for k, v in body.items() if v is not None}
    if user().has_role("trust_hr"):
        body["academy_id"] = request.form.get("academy_id") or None  # blank: every academy
    form = submit(lambda: api().post(f"{API}/objective-templates", json=body), name="template")
    if form.error:
        return _manage(form, 422)
    flash(f"Template added: {form.answer['title']}, for {form.answer['for_whom']}.")
    return redirect(url_for(".manage"))


@blp.post("/objective-templates/<uuid:template_id>/delete")
@signed_in
def delete(template_id):
    form = submit(lambda: api().delete(f"{API}/objective-templates/{template_id}"), name="delete")
    if form.error:
        return _manage(form, 422)
    flash("Template deleted. Objectives already made from it stay as they are.")
    return redirect(url_for(".manage"))


def _team(form: Form | None = None, status: int = 200):
    me = str(user().staff_id)
    appraising = [a for a in with_deadlines(api().all_pages(f"{API}/appraisals", appraiser_id=me))
                  if a["status"] == "not_started"]
    posts = {p["id"]: p["post"] for p in api().all_pages("/api/directory/staff")}
    people = sorted(({**a, "post": posts.get(a["reviewee_id"], "")} for a in appraising),
                    key=lambda a: (a["reviewee_name"] or "", a["id"]))
    chosen = request.form.getlist("appraisal_ids") if form else []
    return render_template("objective_templates/apply.html", templates=api().get(f"{API}/objective-templates"),
                           people=people, form=form or Form(), chosen=chosen,
                           chosen_templates=request.form.getlist("template_ids") if form else []), status


@blp.get("/team/objective-templates")
@signed_in
def team():
    return _team()


@blp.post("/team/objective-templates")
@signed_in
def apply():
    body = {"template_ids": request.form.getlist("template_ids"),
            "appraisal_ids": request.form.getlist("appraisal_ids") or None}
    form = submit(lambda: api().post(f"{API}/objective-templates/apply", json=body), name="apply")
    if form.error:
        return _team(form, 422)
    applied, refused = form.answer["applied"], form.answer["refused"]
    if applied:
        flash("Added as draft objectives for " + _and([a["reviewee_name"] or "someone" for a in applied])
              + ". Open each appraisal to adapt them, then agree them together.")
    for r in refused:
        flash(f"Not added for {r['reviewee_name'] or 'someone'}: {r['reason']}.", "error")
    if not applied and not refused:
        flash("Nobody you appraise is in the role these templates are for, so nothing was added.", "error")
    return redirect(url_for(".team"))


def _and(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
