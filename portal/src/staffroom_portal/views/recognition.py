"""Recognition and feedback pages (issue 24): give a colleague recognition or feedback, read what colleagues gave you
(keep it as appraisal evidence, hide it, report it to HR), withdraw what you gave, for a line manager what was shared
with them about their team, and for HR what recipients reported (read it, remove it or leave it as it is). Every step
is an appraisal API call made as the signed-in person."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import Blueprint, flash, redirect, render_template, request, url_for

from ..backend import ApiError
from ..current import api, hr_only, signed_in
from ..ui import Form, fields, refusal, refused, register_filters, submit

blp = Blueprint("recognition", __name__)
register_filters(blp)

API = "/api/appraisal"
LONDON = ZoneInfo("Europe/London")
KINDS = [("recognition", "Recognition: a thank you or well done"),
         ("feedback", "Feedback: something to keep doing, or to consider")]
VISIBILITY = [("private", "Only them"), ("line_manager", "Them and their line manager")]
STANDARDS = [("TS1", "TS1: Set high expectations"), ("TS2", "TS2: Promote good progress"),
             ("TS3", "TS3: Subject and curriculum knowledge"), ("TS4", "TS4: Plan and teach well-structured lessons"),
             ("TS5", "TS5: Adapt teaching"), ("TS6", "TS6: Use assessment well"), ("TS7", "TS7: Manage behaviour"),
             ("TS8", "TS8: Wider professional responsibilities"),
             ("PART2", "Part Two: Personal and professional conduct")]


def _day(moment: str | None):
    return datetime.fromisoformat(moment).astimezone(LONDON).date() if moment else None


def shown(items: list[dict]) -> list[dict]:
    """Each item with the day it was given (and reported, and its report dismissed) and, for the giver, until when
    it can be withdrawn, in UK time."""
    out = []
    for item in items:
        until = item.get("withdrawable_until")
        out.append({**item, "given_on": _day(item["given_at"]), "reported_on": _day(item.get("reported_at")),
                    "dismissed_on": _day(item.get("report_dismissed_at")),
                    "withdraw_until": datetime.fromisoformat(until).astimezone(LONDON) if until else None})
    return out


def kept_evidence(appraisal_id) -> list[dict]:
    """What the reviewee keeps as evidence in this appraisal, for the appraisal page."""
    return shown(api().get(f"{API}/appraisals/{appraisal_id}/recognition"))


@blp.get("/recognition")
@signed_in
def index():
    hidden = request.args.get("hidden") == "1"
    received = shown(api().get(f"{API}/recognition/received", hidden="true" if hidden else "false"))
    given = shown(api().get(f"{API}/recognition/given"))
    return render_template("recognition/index.html", received=received, given=given, hidden=hidden)


def _colleagues(q: str) -> list[dict]:
    if len(q) < 2:
        return []
    try:
        return api().get(f"{API}/recognition/colleagues", q=q)
    except ApiError as error:
        if error.status != 422:
            raise
        return []


@blp.route("/recognition/give", methods=["GET", "POST"])
@signed_in
def give():
    form = Form()
    q = (request.args.get("q") or request.form.get("q") or "").strip()
    if request.method == "POST":
        if not request.form.get("recipient_id"):
            form = refused("recipient_id", "Choose the colleague: search for them by name, then pick one.")
        else:
            body = fields("recipient_id", "kind", "words", "visibility", "value", "standard")
            body = {k: v for k, v in body.items() if v is not None or k in ("value", "standard")}
            form = submit(lambda: api().post(f"{API}/recognition", json=body), name="give")
        if not form.error:
            who = form.answer.get("recipient_name") or "your colleague"
            flash(f"Sent to {who}. They will see your name with it. You can withdraw it within 24 hours.")
            return redirect(url_for(".index"))
    found = _colleagues(q)
    return render_template("recognition/give.html", form=form, q=q, found=found, kinds=KINDS,
                           visibility=VISIBILITY, standards=STANDARDS,
                           searched=len(q) >= 2), 422 if form.error else 200


def _back(form: Form, done: str, to: str = ".index"):
    if form.error:
        flash(refusal(form.error), "error")
    else:
        flash(done)
    return redirect(url_for(to))


@blp.post("/recognition/<uuid:recognition_id>/keep")
@signed_in
def keep(recognition_id):
    kept = request.form.get("kept") == "yes"
    form = submit(lambda: api().put(f"{API}/recognition/{recognition_id}/evidence", json={"kept": kept}))
    return _back(form, "Kept as evidence in your appraisal. Your appraiser can now see it there." if kept else
                 "No longer kept as evidence in your appraisal.")


@blp.post("/recognition/<uuid:recognition_id>/hide")
@signed_in
def hide(recognition_id):
    hidden = request.form.get("hidden") == "yes"
    form = submit(lambda: api().put(f"{API}/recognition/{recognition_id}/hidden", json={"hidden": hidden}))
    return _back(form, "Hidden. Find it again under \u201cShow the ones you hid\u201d." if hidden else
                 "Shown again.")


@blp.post("/recognition/<uuid:recognition_id>/report")
@signed_in
def report(recognition_id):
    because = (request.form.get("because") or "").strip() or None
    form = submit(lambda: api().post(f"{API}/recognition/{recognition_id}/report", json={"because": because}))
    return _back(form, "Reported to HR. They will read it and can remove it. The colleague who gave it is not "
                 "told that you reported it.")


@blp.post("/recognition/<uuid:recognition_id>/withdraw")
@signed_in
def withdraw(recognition_id):
    form = submit(lambda: api().post(f"{API}/recognition/{recognition_id}/withdrawal"))
    return _back(form, "Withdrawn. Your colleague no longer sees it.")


@blp.get("/recognition/team")
@signed_in
def team():
    return render_template("recognition/team.html", items=shown(api().get(f"{API}/recognition/team")))


# -- HR: what recipients reported ----------------------------------------------------------------------------

@blp.get("/hr/recognition")
@hr_only
def reported():
    items = shown(api().get(f"{API}/recognition/reported"))
    return render_template("recognition/reported.html", items=items)


def _reported_item(recognition_id, form: Form | None = None, status: int = 200):
    """One reported item for HR (the API audits HR's reading of it), with the forms to remove it or leave it."""
    try:
        [item] = shown([api().get(f"{API}/recognition/{recognition_id}")])
    except ApiError as error:
        if error.status != 404:
            raise
        flash("That recognition or feedback is no longer there: the colleague who gave it may have withdrawn it.",
              "error")
        return redirect(url_for(".reported"))
    return render_template("recognition/reported_item.html", g=item, form=form or Form()), status


@blp.get("/hr/recognition/<uuid:recognition_id>")
@hr_only
def reported_item(recognition_id):
    return _reported_item(recognition_id)


@blp.post("/hr/recognition/<uuid:recognition_id>/remove")
@hr_only
def remove(recognition_id):
    because = (request.form.get("because") or "").strip()
    if not because:
        form = refused("because", "Say why it is being removed: the reason is kept, the words are not.",
                       name="remove")
    else:
        form = submit(lambda: api().post(f"{API}/recognition/{recognition_id}/removal", json={"because": because}),
                      name="remove")
    if form.error and form.error.status == 422:
        return _reported_item(recognition_id, form, 422)
    return _back(form, "Removed. Its words are deleted and everyone who could see it now sees that HR removed it.",
                 ".reported")


@blp.post("/hr/recognition/<uuid:recognition_id>/dismiss")
@hr_only
def dismiss(recognition_id):
    form = submit(lambda: api().post(f"{API}/recognition/{recognition_id}/report/dismissal"))
    return _back(form, "Left as it is. The report is kept with your name and today's date.", ".reported")
