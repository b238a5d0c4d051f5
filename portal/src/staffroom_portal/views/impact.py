"""CPD impact pages: what a participant will change after a programme and how satisfied they were, the impact
their line manager has seen, and HR's report per programme. Each page calls the CPD API as the signed-in person,
so the API decides who may see and do what."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, flash, redirect, render_template, url_for

from ..backend import ApiError
from ..current import api, hr_only, is_hr, signed_in, user
from ..ui import Form, fields, submit

blp = Blueprint("impact", __name__, url_prefix="/cpd/impact")

# The scales, in the words of the API's schemas (1 to 5).
SATISFACTION = [("5", "Very satisfied"), ("4", "Satisfied"), ("3", "Neither satisfied nor dissatisfied"),
                ("2", "Dissatisfied"), ("1", "Very dissatisfied")]
IMPACT_SEEN = [("5", "Transformed practice"), ("4", "Clear change"), ("3", "Some change"), ("2", "A little change"),
               ("1", "No change seen")]


def _me() -> str:
    return str(user().staff_id)


@blp.get("")
@signed_in
def overview():
    calls = api()
    programmes = calls.all_pages("/api/cpd/programmes") if is_hr() else []
    return render_template("impact/overview.html", mine=calls.get("/api/cpd/impact/mine"),
                           checks=calls.get("/api/cpd/impact/checks"), programmes=programmes)


@blp.get("/<uuid:enrolment_id>")
@signed_in
def record(enrolment_id, form: Form | None = None):
    item = api().get(f"/api/cpd/enrolments/{enrolment_id}/impact")
    mine = item["staff_id"] == _me()
    try:
        manager = api().get(f"/api/directory/staff/{item['staff_id']}").get("line_manager_id") == _me()
    except ApiError:
        manager = False
    return render_template("impact/record.html", item=item, mine=mine, manager=manager and not mine,
                           satisfaction=SATISFACTION, impact_seen=IMPACT_SEEN,
                           needs=[(n["development_need_id"], n["title"]) for n in item["development_needs"]],
                           today_iso=date.today().isoformat(), form=form or Form(), blank=Form()), 422 if form and form.error else 200


@blp.post("/<uuid:enrolment_id>/intent")
@signed_in
def intent(enrolment_id):
    body = fields("intent", "satisfaction", "development_need_id",
                  satisfaction=lambda v: int(v) if v.isdigit() else v)
    form = submit(lambda: api().put(f"/api/cpd/enrolments/{enrolment_id}/impact/intent", json=body), name="intent")
    if form.error:
        return record(enrolment_id, form)
    flash("Saved. It is now part of your appraisal evidence.")
    return redirect(url_for("impact.record", enrolment_id=enrolment_id))


@blp.post("/<uuid:enrolment_id>/seen")
@signed_in
def seen(enrolment_id):
    body = fields("rating", "seen", rating=lambda v: int(v) if v.isdigit() else v)
    form = submit(lambda: api().put(f"/api/cpd/enrolments/{enrolment_id}/impact/seen", json=body), name="seen")
    if form.error:
        return record(enrolment_id, form)
    flash("Saved. The impact you have seen is now part of their appraisal evidence.")
    return redirect(url_for("impact.record", enrolment_id=enrolment_id))


@blp.get("/programmes/<uuid:programme_id>")
@hr_only
def report(programme_id):
    return render_template("impact/report.html", report=api().get(f"/api/cpd/reports/impact/{programme_id}"))


@blp.get("/programmes/<uuid:programme_id>.csv")
@hr_only
def report_csv(programme_id):
    upstream = api().request("GET", f"/api/cpd/reports/impact/{programme_id}.csv", raw=True)
    disposition = upstream.headers.get("Content-Disposition") or f'attachment; filename="cpd-impact-{programme_id}.csv"'
    return Response(upstream.content, mimetype="text/csv", headers={"Content-Disposition": disposition})
