"""The trust's staff targets for HR: where each stands today, trust-wide and per academy, its trend, and the people
it does not yet count. The targets API decides who may see which academy (academy HR: their own)."""
from __future__ import annotations

import uuid
from urllib.parse import quote

from flask import Blueprint, render_template, request

from ..app import api, signed_in

blp = Blueprint("targets", __name__, url_prefix="/targets")


@blp.get("")
@signed_in
def index():
    return render_template("targets/index.html", targets=api().get("/api/targets/targets"))


@blp.get("/<key>")
@signed_in
def target(key):
    academy_id = request.args.get("academy_id") or None
    if academy_id is not None:
        try:
            academy_id = str(uuid.UUID(academy_id))
        except ValueError:
            return render_template("error.html", status=404, message="There is no academy with that id."), 404
    calls = api()
    path = f"/api/targets/targets/{quote(key, safe='')}"
    # Asked for one academy first, so the API's own rule (academy HR: their academy only) decides the page.
    figure = calls.get(path, academy_id=academy_id)
    every = calls.get(path) if academy_id else figure  # the other academies this person may see, to switch to
    trend = calls.get(f"{path}/trend", academy_id=academy_id)
    people = calls.get(f"{path}/people", academy_id=academy_id) if figure["lists_people"] else None
    shown = next((f for f in figure["figures"] if f["academy_id"] == academy_id), None)
    return render_template("targets/target.html", target=every, figure=shown, trend=trend["points"], people=people,
                           academy_id=academy_id)
