"""The home page: what needs the signed-in person's attention today."""
from __future__ import annotations

from flask import Blueprint, render_template

from ..app import api, signed_in, user
from ..backend import ApiError
from ..ui import register_filters

blp = Blueprint("home", __name__)
register_filters(blp)


@blp.get("/")
@signed_in
def index():
    calls = api()
    me = user()
    appraisals = calls.get("/api/appraisal/appraisals", page_size=100)["items"]
    mine = [a for a in appraisals if a["reviewee_id"] == str(me.staff_id)]
    reviewees = [a for a in appraisals if a.get("appraiser_id") == str(me.staff_id)]
    try:
        surveys = [s for s in calls.get("/api/wellbeing/me/surveys") if not s.get("answered")]
    except ApiError:
        surveys = []
    unread = calls.get("/api/notifications/inbox/unread-count")["unread"]
    return render_template("home.html", mine=mine, reviewees=reviewees, surveys=surveys, unread=unread)


@blp.get("/accessibility")
def accessibility():
    return render_template("accessibility.html")
