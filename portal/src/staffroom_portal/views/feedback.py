"""360, upward and peer feedback: ask for it (about yourself or someone you line-manage), answer it (staff: "Answer
now" on this page, which fetches a fresh link for their own browser; people outside the trust: the link in their
email, no sign-in), read your report, and (HR) open an upward round. The wellbeing API decides who sees what; like
the survey page, /feedback/respond is an empty page whose script reads the link's token in the browser. Nothing here
keeps a token: the one "Answer now" is given goes straight back to the browser as a redirect."""
from __future__ import annotations

from datetime import date, timedelta
from urllib.parse import urlsplit, urlunsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for

from ..backend import ApiError
from ..current import api, is_hr, signed_in, user
from ..ui import Form, counted, refused, submit

blp = Blueprint("feedback", __name__)

CATEGORY = {"line_manager": "Line manager", "peers": "Peers", "direct_reports": "Direct reports",
            "others": "People outside the trust"}
MAX_OUTSIDE = 10  # the wellbeing API's limit; it refuses more, in words
SCALE = ["Strongly disagree", "Disagree", "Neutral", "Agree", "Strongly agree"]
# The answer page's address after "Answer now" says so (in its query: the token stays in the fragment), so the page
# tells a colleague what is true for them, not an outside rater's "the link from your email" (outsider, issue 24).
FROM_ANSWER_NOW = "answer-now"


@blp.get("/feedback")
@signed_in
def index():
    calls = api()
    requests = calls.get("/api/wellbeing/feedback/requests")
    mine = [r for r in requests if r["you_are"] == "subject"]
    team = [r for r in requests if r["you_are"] == "line_manager"]
    return render_template("feedback/index.html", mine=mine, team=team, category=CATEGORY, hr=is_hr(),
                           asked=calls.get("/api/wellbeing/feedback/asked"))


@blp.post("/feedback/asked/<uuid:request_id>/answer")
@signed_in
def answer_now(request_id):
    """"Answer now": a fresh link for the signed-in rater's own invitation, sent straight back to their browser (the
    token rides in the fragment, which the browser keeps and never sends back)."""
    try:
        link = api().post(f"/api/wellbeing/feedback/requests/{request_id}/link")["link"]
    except ApiError as error:
        if error.status != 409:
            raise
        flash(f"{error.detail.capitalize()}.", "error")
        return redirect(url_for(".index"))
    return redirect(urlunsplit(urlsplit(link)._replace(query=f"from={FROM_ANSWER_NOW}")))


def _asking(form: Form | None = None, status: int = 200, subject_id: str | None = None):
    choices = api().get("/api/wellbeing/feedback/choices", **({"subject_id": subject_id} if subject_id else {}))
    default = (date.today() + timedelta(days=14)).isoformat()
    return render_template("feedback/new.html", choices=choices, form=form or Form(), default_close=default,
                           subject_id=subject_id), status


@blp.get("/feedback/new")
@signed_in
def new():
    return _asking(subject_id=request.args.get("subject_id") or None)


@blp.post("/feedback/new")
@signed_in
def create():
    subject_id = request.form.get("subject_id") or None
    peers = request.form.getlist("peers")
    reports = request.form.getlist("direct_reports")
    if set(peers) & set(reports):
        return _asking(refused("raters", "Choose each person once: as a peer or as a direct report."), 422, subject_id)
    # One address a line (or separated by commas or spaces): the API checks each, in words that never repeat it.
    outside = [a for a in request.form.get("outside_trust", "").replace(",", " ").split() if a]
    body = {"closes_on": request.form.get("closes_on", ""), "include_line_manager": "line_manager" in request.form,
            "raters": [{"staff_id": p, "category": "peers"} for p in peers]
            + [{"staff_id": p, "category": "direct_reports"} for p in reports], "outside_trust": outside}
    if subject_id:
        body["subject_id"] = subject_id
    form = submit(lambda: api().post("/api/wellbeing/feedback/requests", json=body))
    if form.error:
        return _asking(form, 422, subject_id)
    flash(f"Asked {counted(form.answer['invited'], 'person', 'people')}. Colleagues answer from Feedback in "
          "Staffroom; anyone outside the trust gets a private link by email.")
    return redirect(url_for(".detail", request_id=form.answer["id"]))


@blp.get("/feedback/requests")
@signed_in
def hr_requests():
    """HR: the 360 requests about their academy's people (trust HR: everyone's): whom about, who asked, the state,
    and while open how many of those asked have answered; never a report (the API gives HR none)."""
    if not is_hr():
        return render_template("error.html", status=403, message="The list of feedback requests is for HR."), 403
    found = [r for r in api().get("/api/wellbeing/feedback/requests") if r["kind"] == "360" and r["you_are"] == "hr"]
    return render_template("feedback/requests.html", requests=found)


@blp.get("/feedback/requests/<uuid:request_id>")
@signed_in
def detail(request_id):
    found = api().get(f"/api/wellbeing/feedback/requests/{request_id}")
    return render_template("feedback/detail.html", r=found, category=CATEGORY, scale=SCALE)


@blp.post("/feedback/requests/<uuid:request_id>/share")
@signed_in
def share(request_id):
    shared = request.form.get("shared") == "yes"
    api().post(f"/api/wellbeing/feedback/requests/{request_id}/share", json={"shared": shared})
    flash("Your line manager can now read this report." if shared else "Your line manager can no longer read it.")
    return redirect(url_for(".detail", request_id=request_id))


@blp.post("/feedback/requests/<uuid:request_id>/close")
@signed_in
def close(request_id):
    form = submit(lambda: api().post(f"/api/wellbeing/feedback/requests/{request_id}/close"))
    if form.error:
        flash(form.error.detail.capitalize() + ".", "error")
    else:  # a line manager may close a request about someone they manage, and reads its report only if it is shared
        flash("Closed. The report is ready." if form.answer["report"] else
              f"Closed. The report is ready for {form.answer['subject']}; you can read it if they share it with you.")
    return redirect(url_for(".detail", request_id=request_id))


@blp.get("/feedback/respond")
def respond():
    # No sign-in: answering must not say who is answering (unless the rater ticks to be named). Whether they came
    # from "Answer now" is in the address, not in who is signed in.
    return render_template("feedback/respond.html", anonymous_page=True,
                           answer_now=request.args.get("from") == FROM_ANSWER_NOW)


# -- HR: upward rounds -------------------------------------------------------------------------------------------

def _rounds(form: Form | None = None, status: int = 200):
    if not is_hr():
        return render_template("error.html", status=403, message="Upward feedback rounds are for HR."), 403
    calls = api()
    academies = {a["id"]: a["name"] for a in calls.get("/api/directory/academies")}
    trust = user().has_role("trust_hr")
    choose = sorted(academies.items(), key=lambda a: a[1]) if trust else [
        (user().academy_id, academies.get(str(user().academy_id), "Your academy"))]
    return render_template("feedback/rounds.html", rounds=calls.get("/api/wellbeing/feedback/rounds"),
                           academies=academies, choose=choose, trust=trust, form=form or Form(), needed=_needed(calls),
                           default_close=(date.today() + timedelta(days=14)).isoformat()), status


def _needed(calls) -> int:
    """The direct reports upward feedback needs, as the trust's smallest group sets it now (at least five; "five"
    was written here whatever the trust set, outsider, issue 24)."""
    return calls.get("/api/wellbeing/feedback/settings")["direct_reports"]


@blp.get("/feedback/rounds")
@signed_in
def rounds():
    return _rounds()


@blp.post("/feedback/rounds")
@signed_in
def open_round():
    body = {"title": request.form.get("title", "").strip(), "closes_on": request.form.get("closes_on", ""),
            "academy_id": request.form.get("academy_id") or None}
    form = submit(lambda: api().post("/api/wellbeing/feedback/rounds", json=body))
    if form.error:
        return _rounds(form, 422)
    opened = form.answer
    # Each manager left out with why, in the API's words; those with too few direct reports only counted (there
    # may be many).
    few = [x for x in opened["left_out"] if x["reason"].startswith("fewer than")]
    held = [x for x in opened["left_out"] if x not in few]
    left = (f" {counted(len(few), 'manager')} with fewer than {_needed(api())} direct reports "
            f"{'was' if len(few) == 1 else 'were'} left out." if few else "") + "".join(
        f" Left out: {x['manager']}, as {x['reason']}." for x in held)
    flash(f"Upward feedback opened for {counted(opened['managers'], 'manager')}: "
          f"{counted(opened['invited'], 'person', 'people')} asked.{left}")
    return redirect(url_for(".round_", round_id=opened["id"]))


@blp.get("/feedback/rounds/<uuid:round_id>")
@signed_in
def round_(round_id):
    return render_template("feedback/round.html", r=api().get(f"/api/wellbeing/feedback/rounds/{round_id}"))


@blp.post("/feedback/rounds/<uuid:round_id>/close")
@signed_in
def close_round(round_id):
    form = submit(lambda: api().post(f"/api/wellbeing/feedback/rounds/{round_id}/close"))
    flash("Closed. Each manager can now read their report." if not form.error else form.error.detail.capitalize() + ".",
          "error" if form.error else "message")
    return redirect(url_for(".round_", round_id=round_id))
