"""The home page: what needs the signed-in person's attention today."""
from __future__ import annotations

from flask import Blueprint, render_template

from ..current import api, is_hr, signed_in, user
from ..backend import ApiError
from ..ui import register_filters
from .appraisal import next_deadline
from .hr import mattering, overdue_in

blp = Blueprint("home", __name__)
register_filters(blp)


@blp.get("/")
@signed_in
def index():
    calls = api()
    me = user()
    # asked for by person: for HR, the first page of everything they may see need not hold their own
    mine = [{**a, "deadline": next_deadline(a)}  # late shows here, not only on the appraisal page (outsider)
            for a in calls.all_pages("/api/appraisal/appraisals", reviewee_id=str(me.staff_id))]
    reviewees = calls.all_pages("/api/appraisal/appraisals", appraiser_id=str(me.staff_id))
    try:
        surveys = [s for s in calls.get("/api/wellbeing/me/surveys") if not s.get("answered")]
    except ApiError:
        surveys = []
    unread = calls.get("/api/notifications/inbox/unread-count")["unread"]
    return render_template("home.html", mine=mine, reviewees=reviewees, surveys=surveys, unread=unread,
                           hr=hr_summary(calls) if is_hr() else None)


def hr_summary(calls) -> dict:
    """For HR, the trust (or their academy) at a glance: how many appraisals are overdue in each open cycle, and
    the targets by where they stand, and how much recognition or feedback is reported to HR and waiting."""
    # every open cycle: the one that matters alone undercounted (support staff's overdue were left out)
    open_cycles = sorted((c for c in calls.get("/api/appraisal/cycles") if c["status"] == "open"), key=mattering)
    me = user()
    own = None if me.has_role("trust_hr") else str(me.academy_id)
    standing: dict[str, int] = {}
    for target in calls.get("/api/targets/targets"):
        figure = next((f for f in target["figures"] if f["academy_id"] == own), None)
        if figure is not None:
            standing[figure["status"]] = standing.get(figure["status"], 0) + 1
    return {"overdue": [(cycle, len(overdue_in(calls, cycle))) for cycle in open_cycles], "targets": standing,
            "academy": own, "reported": len(calls.get("/api/appraisal/recognition/reported"))}


@blp.get("/accessibility")
def accessibility():
    return render_template("accessibility.html")
