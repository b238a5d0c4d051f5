"""Your data (issue 21): a copy of everything Staffroom holds about you, asked for and downloaded here; and, for
trust HR and the data protection officer, every subject access request in the trust, opened for anyone."""
from __future__ import annotations

from datetime import date
from flask import Blueprint, Response, flash, redirect, render_template, request, url_for

from ..current import api, signed_in, user
from ..ui import Form, day, submit
from .hr import AREAS, UUID, trust_hr_and_dpo_only

blp = Blueprint("data", __name__, url_prefix="/data")
PARTS = dict(AREAS)


def shown(found: dict, today: date | None = None) -> dict:
    """A request as the page shows it: days in words, and what it is waiting for in the parts' own names."""
    ready = found["status"] == "ready"
    return {**found, "received": day(found["received_on"]), "due": day(found["respond_by"]), "ready": ready,
            "answered_on": day(found["answered_at"][:10]) if found.get("answered_at") else "",
            "waiting": [PARTS.get(part, part) for part in found["waiting_for"]],
            "late": not ready and date.fromisoformat(found["respond_by"]) < (today or date.today())}


@blp.get("")
@signed_in
def mine(form: Form | None = None):
    me = user()
    found = api().get("/api/directory/subject-access-requests", staff_id=str(me.staff_id)) if me.staff_id else []
    status = 422 if form and form.error else 200
    return render_template("data/mine.html", requests=[shown(r) for r in found], form=form or Form(),
                           has_record=me.staff_id is not None), status


@blp.post("/requests")
@signed_in
def open_request():
    """Ask for a copy: of your own data, or (trust HR, the DPO) of the person chosen."""
    me = user()
    staff_id = request.form.get("staff_id", "").strip() or str(me.staff_id or "")
    if not UUID.match(staff_id):
        return render_template("error.html", status=404), 404
    for_self = staff_id == str(me.staff_id)
    form = submit(lambda: api().post("/api/directory/subject-access-requests", json={"staff_id": staff_id}))
    if form.error:
        return mine(form) if for_self else requests(form)
    if for_self:
        flash("Your copy is being gathered from each part of Staffroom. It is usually ready within a minute or two: "
              "download it from this page.")
        return redirect(url_for("data.mine"))
    flash(f"Opened a request for {form.answer['name']}. It must be answered by {day(form.answer['respond_by'])}.")
    return redirect(url_for("data.requests"))


@blp.get("/requests")
@trust_hr_and_dpo_only
def requests(form: Form | None = None):
    """Every request, newest first, with its deadline and progress; and a search to open one for someone."""
    calls = api()
    q = request.args.get("q", "").strip()[:100]
    found = calls.get("/api/directory/staff", q=q, page_size=20)["items"] if q else []
    rows = [shown(r) for r in calls.get("/api/directory/subject-access-requests")]
    status = 422 if form and form.error else 200
    return render_template("data/requests.html", rows=rows, q=q, found=found, form=form or Form()), status


@blp.get("/requests/<uuid:request_id>/download")
@signed_in
def download(request_id):
    upstream = api().request("GET", f"/api/directory/subject-access-requests/{request_id}/bundle", raw=True)
    return Response(upstream.content, mimetype="application/zip", headers={
        "Content-Disposition": upstream.headers.get("Content-Disposition") or
        'attachment; filename="staffroom-data.zip"', "Cache-Control": "no-store"})
