"""A line manager's team at a glance: each reviewee's appraisal status and next deadline."""
from __future__ import annotations

from flask import Blueprint, render_template

from ..current import api, signed_in, user
from .appraisal import API, with_deadlines

blp = Blueprint("team", __name__)


@blp.get("/team")
@signed_in
def index():
    people = api().all_pages(f"{API}/appraisals", appraiser_id=str(user().staff_id))
    return render_template("team/index.html",
                           people=sorted(with_deadlines(people), key=lambda a: (a["reviewee_name"] or "", a["id"])))
