"""HR reply to the comments of a closed survey, and remove a reply or an answer that should not stand.

Authors read and answer on /surveys/respond with their own link (static/survey.js): nothing here knows who they are.
"""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for

from ..current import api, signed_in
from ..ui import Form, fields, submit

blp = Blueprint("survey_replies", __name__)


@blp.get("/surveys/runs/<uuid:run_id>/replies")
@signed_in
def conversations(run_id, form: Form | None = None):
    survey = api().get(f"/api/wellbeing/runs/{run_id}")
    found = api().get(f"/api/wellbeing/runs/{run_id}/conversations")
    groups: dict[str, list[dict]] = {}
    for talk in found:
        groups.setdefault(talk["academy_name"] or "Academies whose results are hidden, together", []).append(talk)
    return render_template("surveys/replies.html", run=survey, groups=groups, form=form or Form())


@blp.post("/surveys/runs/<uuid:run_id>/replies")
@signed_in
def reply(run_id):
    form = submit(lambda: api().post(f"/api/wellbeing/runs/{run_id}/replies", json=fields("comment_id", "text")),
                  name="reply")
    if form.error:
        return conversations(run_id, form)
    flash("Your reply is posted. Whoever wrote the comment reads it by opening their survey link again.")
    return redirect(url_for(".conversations", run_id=run_id))


@blp.post("/surveys/runs/<uuid:run_id>/removals")
@signed_in
def remove(run_id):
    form = submit(lambda: api().post(f"/api/wellbeing/runs/{run_id}/removals",
                                     json=fields("message_id", "because")), name="remove")
    if form.error:
        return conversations(run_id, form)
    flash("The message is removed. Everyone now sees that it was removed, and not what it said.")
    return redirect(url_for(".conversations", run_id=run_id))
