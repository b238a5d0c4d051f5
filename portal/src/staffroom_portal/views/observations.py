"""Observation and coaching pages (issue 24): HR's observation templates, recording an observation on a template
(its criteria's grades, or none), and coaching action steps with their follow-ups. Every step is an appraisal API
call made as the signed-in person, so the API decides who may do what."""
from __future__ import annotations

import re

from flask import Blueprint, flash, redirect, render_template, request, url_for

from ..backend import ApiError
from ..current import api, is_hr, signed_in, user
from ..ui import Form, fields, register_filters, submit, whole
from . import appraisal as appraisal_pages

blp = Blueprint("observations", __name__)
register_filters(blp)

API = "/api/appraisal"
KINDS = [("lesson_observation", "Lesson observation"), ("learning_walk", "Learning walk"), ("drop_in", "Drop-in"),
         ("instructional_coaching", "Instructional coaching")]
BANDS = [("strength", "A strength"), ("development", "Developing"), ("intervention", "Needs support")]
CRITERION_SLOTS = range(1, 7)  # blank criterion rows on the template form
GRADE_SLOTS = range(1, 5)  # blank grade rows per criterion (a criterion with none filled in is not graded)


@blp.app_template_global("observation_templates_of")
def observation_templates_of(a: dict) -> dict[str, dict]:
    """The templates an appraisal's observations were recorded on, by id, for their criteria's names."""
    found = {}
    for template_id in {o.get("template_id") for o in a.get("observations", []) if o.get("template_id")}:
        try:
            found[template_id] = api().get(f"{API}/observation-templates/{template_id}")
        except ApiError as error:
            if error.status not in (403, 404):
                raise
    return found


# -- HR: the templates ------------------------------------------------------------------------------

@blp.get("/hr/observation-templates")
@signed_in
def templates():
    if not is_hr():
        return render_template("error.html", status=403, message="Observation templates are kept by HR."), 403
    found = api().get(f"{API}/observation-templates", retired="true")
    # trust HR see every academy's templates: each is labelled by its academy's name, not "Your academy" (outsider,
    # issue 24: trust HR based at Hillcrest read an Oakfield-only template as theirs)
    names = ({a["id"]: a["name"] for a in api().get("/api/directory/academies")} if user().has_role("trust_hr")
             else None)
    return render_template("observations/templates.html", templates=found, kinds=dict(KINDS),
                           used_by={t["id"]: used_by(t, names) for t in found})


def used_by(template: dict, academy_names: dict[str, str] | None) -> str:
    """Who uses a template, in words: the whole trust, or its academy, named for trust HR (`academy_names`), who see
    every academy's templates; academy HR see only their own academy's, which is theirs."""
    if template["academy_id"] is None:
        return "The whole trust"
    if academy_names is None:
        return "Your academy"
    return academy_names.get(template["academy_id"], "One academy of the trust")


def _key(label: str, taken: set[str]) -> str:
    """A criterion's key, made from its name (HR never see keys)."""
    base = re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")[:36] or "criterion"
    key, n = base, 2
    while key in taken:
        key, n = f"{base}-{n}", n + 1
    taken.add(key)
    return key


def _criteria() -> tuple[list[dict], dict[int, int]]:
    """The criterion rows HR filled in, as the API takes them, and each one's row number on the form."""
    criteria, rows, taken = [], {}, set()
    for n in CRITERION_SLOTS:
        label = request.form.get(f"c{n}_label", "").strip()
        grades = [{"label": request.form.get(f"c{n}_g{m}_label", "").strip(),
                   "band": request.form.get(f"c{n}_g{m}_band") or None}
                  for m in GRADE_SLOTS if request.form.get(f"c{n}_g{m}_label", "").strip()]
        if not label and not grades:
            continue
        rows[len(criteria)] = n
        criteria.append({"key": _key(label, taken), "label": label,
                         "standard": request.form.get(f"c{n}_standard") or None, "grades": grades})
    return criteria, rows


def _point_at_rows(form: Form, rows: dict[int, int]) -> None:
    """`#/criteria/1/grades/0/band` → the form's `c2_g1_band`; anything else about a criterion → its name field."""
    mapped = {}
    for error in form.error.errors:
        parts = error.get("pointer", "#").removeprefix("#").strip("/").split("/")
        if parts[0] == "criteria" and len(parts) >= 2 and parts[1].isdigit() and int(parts[1]) in rows:
            n = rows[int(parts[1])]
            if len(parts) >= 5 and parts[2] == "grades" and parts[3].isdigit():
                name = f"c{n}_g{int(parts[3]) + 1}_{parts[4]}"
            else:
                name = f"c{n}_{parts[2] if len(parts) > 2 and parts[2] in ('label', 'standard') else 'label'}"
        else:
            name = parts[0] or "_"
        mapped.setdefault(name, error.get("detail", "this is not valid"))
    form.fields = mapped


@blp.route("/hr/observation-templates/new", methods=["GET", "POST"])
@signed_in
def new_template():
    if not is_hr():
        return render_template("error.html", status=403, message="Observation templates are kept by HR."), 403
    form = Form()
    trust_wide = user().has_role("trust_hr")
    if request.method == "POST":
        criteria, rows = _criteria()
        body = {**fields("name", "kind", "notice_days", notice_days=whole), "criteria": criteria,
                "academy_id": None if trust_wide else str(user().academy_id)}
        form = submit(lambda: api().post(f"{API}/observation-templates", json=body), name="template")
        if not form.error:
            flash(f"Template “{body['name']}” saved. Appraisers can record observations on it now.")
            return redirect(url_for(".templates"))
        _point_at_rows(form, rows)
    return render_template("observations/template_form.html", form=form, kinds=KINDS, bands=BANDS,
                           standards=appraisal_pages.STANDARDS, criterion_slots=CRITERION_SLOTS,
                           grade_slots=GRADE_SLOTS, trust_wide=trust_wide), 422 if form.error else 200


@blp.post("/hr/observation-templates/<uuid:template_id>/retired")
@signed_in
def retire(template_id):
    retired = request.form.get("retired") == "yes"
    found = api().patch(f"{API}/observation-templates/{template_id}", json={"retired": retired})
    flash(f"“{found['name']}” is no longer offered for new observations." if retired
          else f"“{found['name']}” is offered for new observations again.")
    return redirect(url_for(".templates"))


# -- recording an observation on a template --------------------------------------------------------------

@blp.route("/appraisals/<uuid:appraisal_id>/observe", methods=["GET", "POST"])
@signed_in
def observe(appraisal_id):
    a = api().get(f"{API}/appraisals/{appraisal_id}")
    if appraisal_pages._role(a) == "reviewee":  # the appraiser or HR record observations; the reviewee reads them
        return render_template("error.html", status=403), 403
    offered = api().get(f"{API}/observation-templates", academy_id=a["academy_id"])
    chosen_id = request.values.get("template", "")
    chosen = next((t for t in offered if t["id"] == chosen_id), None)
    form = Form()
    if request.method == "POST" and chosen is not None:
        body = fields("observer_id", "observed_on", "focus", "department", "strengths", "areas_to_develop",
                      "notice_given_on", blanks_as_none=False)
        body["template_id"] = chosen["id"]
        body["grades"] = {c["key"]: request.form[f"grade_{c['key']}"] for c in chosen["criteria"]
                          if c["grades"] and request.form.get(f"grade_{c['key']}")}
        form = submit(lambda: api().post(f"{API}/appraisals/{appraisal_id}/observations", json=body),
                      name="observation")
        if not form.error:
            flash("Observation recorded. It is part of the appraisal record.")
            return redirect(url_for("appraisal.detail", appraisal_id=appraisal_id))
        form.fields = {(f"grade_{k.split('/')[-1]}" if k.startswith("grades") else k): v
                       for k, v in _pointers(form).items()}
    observers = appraisal_pages._can_observe(a, appraisal_pages._role(a))
    grade_options = {c["key"]: [(g["label"], g["label"]) for g in c["grades"]]
                     for c in (chosen["criteria"] if chosen else [])}
    return render_template("observations/observe.html", a=a, offered=offered, chosen=chosen, form=form,
                           observers=observers, kinds=dict(KINDS), grade_options=grade_options), \
        422 if form.error else 200


def _pointers(form: Form) -> dict[str, str]:
    """The API's reasons by the whole path of the field they are about (`grades/behaviour`, not `grades`)."""
    found = {}
    for error in form.error.errors:
        path = error.get("pointer", "#").removeprefix("#").strip("/") or "_"
        found.setdefault(path, error.get("detail", "this is not valid"))
    return found


# -- coaching action steps ----------------------------------------------------------------------------

@blp.post("/appraisals/<uuid:appraisal_id>/action-steps")
@signed_in
def agree_action_step(appraisal_id):
    body = fields("step", "follow_up_on", "observation_id", blanks_as_none=False)
    form = submit(lambda: api().post(f"{API}/appraisals/{appraisal_id}/action-steps", json=body), name="action-step")
    if form.error:
        return appraisal_pages._render_detail(appraisal_id, form, 422)
    flash("Action step recorded. You can record what you saw when you follow it up.")
    return redirect(url_for("appraisal.detail", appraisal_id=appraisal_id, _anchor="h-coaching"))


@blp.post("/appraisals/<uuid:appraisal_id>/action-steps/<uuid:step_id>/follow-up")
@signed_in
def follow_up(appraisal_id, step_id):
    path = f"{API}/appraisals/{appraisal_id}/action-steps/{step_id}/follow-up"
    form = submit(lambda: api().post(path, json=fields("seen")), name=f"follow-up-{step_id}")
    if form.error:
        return appraisal_pages._render_detail(appraisal_id, form, 422)
    flash("Follow-up recorded.")
    return redirect(url_for("appraisal.detail", appraisal_id=appraisal_id, _anchor="h-coaching"))
