"""The trust's staff targets for HR: where each stands today, trust-wide and per academy, its trend, and the people
it does not yet count. The targets API decides who may see which academy (academy HR: their own)."""
from __future__ import annotations

import uuid
from datetime import date
from urllib.parse import quote

from flask import Blueprint, flash, redirect, render_template, request, url_for
from staffroom_shared.money import pounds

from ..current import api, is_hr, signed_in, user
from ..ui import Form, day, signed, submit
from . import qa as qa_map
from .lifecycle import why_people_leave
from .survey_results import STAFF_TYPE_NAMES

blp = Blueprint("targets", __name__, url_prefix="/targets")


@blp.get("")
@signed_in
def index():
    calls = api()
    leaving = why_people_leave(calls) if is_hr() else None
    trust_wide = user().has_role("trust_hr")
    return render_template("targets/index.html", targets=calls.get("/api/targets/targets"), show_leaving=is_hr(),
                           leaving=leaving, trust_wide=trust_wide, qa=qa_map.latest_map(calls, trust_wide))


@blp.get("/<key>")
@signed_in
def target(key, form: Form | None = None):
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
    if people:
        for person in people:
            person["why"] = why(person)
    me = user()
    # academy HR see the trust's figure but only their own academy's people: say so (issue 20: the headline was
    # the trust's and the list their academy's, and nothing said which was which)
    own = None if academy_id or me.has_role("trust_hr") else next(
        (f["academy_name"] for f in every["figures"] if f["academy_id"] == str(me.academy_id)), "your academy")
    titles = {}
    if shown and shown.get("benchmarks"):
        titles = {m["key"]: m["title"] for i in calls.get("/api/wellbeing/instruments") for m in i["measures"]}
    form = form or Form(settings(figure))
    charts = investment_charts(shown["investment"]) if shown and shown.get("investment") else None
    return render_template("targets/target.html", target=every, figure=shown, trend=trend["points"], people=people,
                           academy_id=academy_id, titles=titles, amount=amount, form=form, own=own, charts=charts,
                           period=period_words(every), may_change=me.has_role("trust_hr")), 422 if form.error else 200


# The two induction targets whose allowance the trust sets (the API's `period`, in `period_unit`), in words:
# what the fact reads beside the figure, and the form's label and hint.
PERIODS = {
    "ect_tutor_and_mentor": {"label": "Tutor and mentor named", "text": "within {n} of starting induction",
                             "field": "Weeks to name a tutor and a mentor",
                             "hint": "Counted from the day induction starts; that last day still counts. From 1 to "
                                     "52."},
    "ects_retained": {"label": "Looked for in post", "text": "{n} after passing induction",
                      "field": "Months after passing induction",
                      "hint": "Whether each early career teacher who passed is still in post this long after. From "
                              "1 to 60."},
}


def period_words(target: dict) -> dict | None:
    """The target's period as the page shows it ("within 2 weeks of starting induction"); None: it has none."""
    words, n, unit = PERIODS.get(target["key"]), target.get("period"), target.get("period_unit")
    if words is None or n is None or unit is None:
        return None
    amount = f"{n} {unit[:-1] if n == 1 else unit}"
    return {**words, "text": words["text"].format(n=amount)}


def points(value: float) -> str:
    """A change in percentage points, signed with a true minus: +6 points, \u22122.5 points, no change."""
    if value == 0:
        return "no change"
    shown, sign = f"{abs(value):g}", "+" if value > 0 else "\u2212"
    return f"{sign}{shown} {'point' if shown == '1' else 'points'}"


def per_head(group: dict) -> str:
    """Spend and hours a head in words: "£250 and 5.5 hours a head", "£20 and 1 hour a head"."""
    hours = f"{group['hours_per_head']:g}"
    return f"{pounds(group['spend_per_head'])} and {hours} {'hour' if hours == '1' else 'hours'} a head"


def investment_charts(investment: dict) -> dict:
    """The investment target's academies as the page's charts draw them, most spend per head first: spend (with
    hours) per head, and each survey figure's later share against the earlier one."""
    def change(key: str) -> list[dict]:
        return [{"label": p["academy_name"] or "An academy", "value": c["after"], "benchmark": c["before"],
                 "text": f"{c['after']:g}% ({points(c['points'])}; {c['answered']} answered)",
                 "benchmark_text": f"{c['before']:g}% ({c['answered_before']} answered)"}
                for p in investment["points"] if (c := p[key]) is not None]
    spend = [{"label": p["academy_name"] or "An academy", "value": p["spend_per_head"],
              "text": f"{per_head(p)} ({p['staff']} staff)"}
             for p in investment["points"]]
    kinds = [{"label": STAFF_TYPE_NAMES.get(t["staff_type"], "Other staff"), "value": t["spend_per_head"],
              "text": f"{per_head(t)} ({t['staff']} staff)"}
             for t in investment.get("staff_types", [])]
    left_out = [{"label": p["academy_name"] or "An academy", "why": LEFT_OUT.get(p["reason"], LEFT_OUT["changed"])}
                for p in investment.get("left_out", [])]
    return {"spend": spend, "top": max([p["value"] for p in spend + kinds] + [1]), "staff_types": kinds,
            "satisfaction": change("satisfaction"), "useful": change("useful"), "left_out": left_out}


LEFT_OUT = {"hidden": "its job satisfaction was hidden in one of the two surveys, as too few answered there",
            "changed": "fewer than the smallest group the survey shows came, went or skipped the question between "
                       "the two surveys, so the change would be those few people's answers",
            "no_staff": "the directory has nobody in post there when the later survey closed"}


def number(value) -> str:
    """A percentage as typed into the form: 90, 92.5."""
    return f"{float(value):g}"


def settings(target: dict) -> dict:
    """The target's threshold, at-risk line, window, deadline (and period, where it has one) as the form shows
    them."""
    shown = {"threshold": number(target["threshold"]), "at_risk_below": number(target["at_risk_below"]),
             "window_months": str(target["window_months"]), "deadline": target["deadline"] or ""}
    if target.get("period") is not None:
        shown["period"] = str(target["period"])
    return shown


@blp.post("/<key>")
@signed_in
def change(key):
    """Trust HR change a target's threshold, at-risk line, window and deadline; the API keeps its academies and
    benchmarks as they are, refuses anyone else, and judges the target again at once."""
    def percent(raw: str) -> str:
        return raw.replace("%", "").strip()

    raw = {name: request.form.get(name, "").strip() for name in ("threshold", "at_risk_below", "window_months",
                                                                "deadline")}
    body = {"threshold": percent(raw["threshold"]) or None, "at_risk_below": percent(raw["at_risk_below"]) or None,
            "window_months": int(raw["window_months"]) if raw["window_months"].isdigit() else raw["window_months"] or None,
            "deadline": raw["deadline"] or None}  # blank: a rolling target
    if "period" in request.form:  # shown only for a target that has one
        period = request.form["period"].strip()
        body["period"] = int(period) if period.isdigit() else period or None
    form = submit(lambda: api().patch(f"/api/targets/targets/{quote(key, safe='')}", json=body))
    if form.error:
        return target(key, form)
    changed = form.answer
    deadline = f"by {day(changed['deadline'])}" if changed["deadline"] else "with no deadline (a rolling target)"
    months = changed["window_months"]
    period = period_words(changed)
    allowance = f"; {period['label'].lower()} {period['text']}" if period else ""
    flash(f"Changed: met at {number(changed['threshold'])}% or more, at risk below "
          f"{number(changed['at_risk_below'])}%, looking back {months} {'month' if months == 1 else 'months'}, "
          f"{deadline}{allowance}. The figures below use it now.")
    return redirect(url_for("targets.target", key=key, academy_id=request.args.get("academy_id") or None))


STEPS = {"objectives": "objectives", "mid_year": "mid-year review", "end_of_year": "end-of-year review"}


def why(person: dict) -> str:
    """Why a person is listed, in words: the target's reason with its date and what it is about put in."""
    about = person.get("about") or ""
    try:
        about = day(date.fromisoformat(about))
    except ValueError:
        about = STEPS.get(about, about)
    reason = person["reason"].replace("{about}", about)
    if person.get("due_on"):
        reason = reason.replace("{due_on}", day(person["due_on"]))
    return reason[:1].upper() + reason[1:]


def amount(benchmark: dict, value: float | None) -> str:
    """A survey figure or its benchmark as the survey report shows it: eNPS signed and whole (+12, 0, -5),
    a share as a percentage, other scores to two places."""
    if value is None:
        return "not shown"
    if benchmark["statistic"] == "favourable":
        return f"{value:.1f}%"
    if benchmark["figure"] == "enps":
        return signed(value)  # with a true minus, as on the survey results (it was "-44" here, "−44" there)
    return f"{value:.2f}"
