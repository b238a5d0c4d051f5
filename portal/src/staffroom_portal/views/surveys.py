"""Wellbeing surveys: staff answer them anonymously; HR build them, watch the response rate and read the results.

Anonymity: the answering link carries its single-use token in the URL fragment (#token=…), which browsers never
send to a server. So /surveys/respond is an empty page here; static/survey.js reads the token in the browser and
talks to the wellbeing API directly. Nothing in this module ever sees a token, except the new link the API hands
back when someone has lost theirs, which goes straight back to their browser as a redirect.
"""
from __future__ import annotations

import re
from datetime import date, timedelta
from urllib.parse import urlsplit

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for

from staffroom_shared.figures import ratio

from ..current import api, is_hr, signed_in, user
from ..backend import ApiError
from ..ui import Form, day, fields, submit, whole
from . import survey_insights as insights, survey_results as results_page

blp = Blueprint("surveys", __name__)

CUTS = [("trust", "The whole trust"), ("academy", "Each academy"), ("staff_type", "Each staff type"),
        ("service_band", "Each length of service"), ("academy_staff_type", "Each staff type in each academy")]
STAFF_TYPES = [("teaching", "Teaching staff"), ("support", "Support staff"), ("leadership", "Leaders")]
SCALES = [("agreement5", "Strongly disagree … Strongly agree"), ("zero_ten", "0 to 10"), ("text", "Written answer")]
OWN_QUESTIONS = 3  # blank rows for the trust's own questions on the builder


# -- staff ----------------------------------------------------------------------------------------------

@blp.get("/surveys")
@signed_in
def index():
    return render_template("surveys/index.html", surveys=api().get("/api/wellbeing/me/surveys"))


@blp.post("/surveys/<uuid:run_id>/link")
@signed_in
def new_link(run_id):
    try:
        link = api().post(f"/api/wellbeing/runs/{run_id}/link")["link"]
    except ApiError as error:
        if error.status != 409:
            raise
        flash(f"{error.detail.capitalize()}.", "error")
        return redirect(url_for(".index"))
    return redirect(link)  # the token rides in the fragment: the browser keeps it and never sends it back


@blp.get("/surveys/respond")
def respond():
    # No sign-in: answering must not say who is answering, nor show the name of whoever is signed in.
    return render_template("surveys/respond.html", anonymous_page=True)


# -- HR: runs -------------------------------------------------------------------------------------------

@blp.get("/surveys/runs")
@signed_in
def runs():
    calls = api()
    rows = []
    for run in calls.get("/api/wellbeing/runs"):
        rate = None
        if run["status"] in ("open", "closed"):
            counts = calls.get(f"/api/wellbeing/runs/{run['id']}/progress")
            invited = sum(c["invited"] for c in counts)
            rate = ratio(sum(c["responded"] for c in counts), invited, 1, 100)
        rows.append({**run, "response_rate": rate})
    return render_template("surveys/runs.html", runs=rows)


def instrument_options(calls) -> list[tuple[str, str]]:
    """The question sets as checkboxes: each title with how many questions it asks."""
    return [(i["key"], f"{i['title']} ({len(i['items'])} question{'s' if len(i['items']) != 1 else ''})")
            for i in calls.get("/api/wellbeing/instruments")]


def asked_and_scope(survey: dict, instruments: list[dict], academies: dict) -> tuple[list[str], str]:
    """What a survey (or a pulse series' template) asks, and whom, in words."""
    asked = [i["title"] for i in instruments if i["key"] in survey["instruments"]]
    asked += [f"{len(survey['questions'])} of the trust's own questions"] if survey["questions"] else []
    who = ", ".join(dict(STAFF_TYPES)[t] for t in survey["staff_types"]) or "All staff"
    where = ", ".join(academies.get(a, "an academy") for a in survey["academy_ids"])
    return asked, f"{who}, {'at ' + where if where else 'in every academy'}"


def _builder(form: Form, status: int = 200, survey: dict | None = None):
    """The survey builder: a new survey, or (`survey`) a draft to change. Nothing is ticked that HR did not tick:
    issue 20 found eNPS in a survey because the builder started with it ticked."""
    if not is_hr():  # the API refuses a member of staff's run anyway; don't offer them the form
        raise ApiError(403, "Forbidden", "building surveys is for HR")
    calls = api()
    names = ("instruments", "academy_ids", "staff_types")
    if form.error:
        chosen = {name: request.form.getlist(name) for name in names}
    elif survey:
        chosen = {name: [str(v) for v in survey[name]] for name in names}
    else:
        chosen = {name: [] for name in names}
    today = date.today()
    return render_template(
        "surveys/new.html", form=form, chosen=chosen, staff_types=STAFF_TYPES, scales=SCALES, survey=survey,
        rows=range(OWN_QUESTIONS), trust_wide=user().has_role("trust_hr") and not (survey or {}).get("owner_academy_id"),
        instruments=instrument_options(calls),
        academies=[(a["id"], a["name"]) for a in calls.get("/api/directory/academies")],
        opens=today.isoformat(), closes=(today + timedelta(days=21)).isoformat()), status


def _draft_values(survey: dict) -> dict:
    """A draft's settings as the builder's fields."""
    values = {name: str(survey[name]) for name in ("title", "opens_on", "closes_on", "min_group_size")}
    for i, question in enumerate(survey["questions"][:OWN_QUESTIONS]):
        values[f"question_{i}"], values[f"scale_{i}"] = question["text"], question["scale"]
    return values


@blp.get("/surveys/runs/new")
@signed_in
def new():
    return _builder(Form())


def _slug(text: str, taken: set[str]) -> str:
    """A question's key from its wording (the API wants a short lower-case key)."""
    # cut, then trimmed: a key cut just after a separator ends in "_", which the API refuses (outsider 5, issue 20)
    base = re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")[:36].rstrip("_") or "question"
    if not base[0].isalpha():
        base = ("q_" + base[:34]).rstrip("_")
    key, n = base, 2
    while key in taken:
        key, n = f"{base}_{n}", n + 1
    taken.add(key)
    return key


def _run_body(survey: dict | None = None) -> dict:
    """The builder's fields as the API's run (`survey`: the draft being changed, whose owner stays as it is)."""
    body = fields("title", "opens_on", "closes_on", "min_group_size", blanks_as_none=False, min_group_size=whole)
    body["instruments"] = request.form.getlist("instruments")
    body["staff_types"] = request.form.getlist("staff_types")
    taken: set[str] = set()
    body["questions"] = [{"key": _slug(text, taken), "text": text, "scale": request.form.get(f"scale_{i}", "")}
                         for i in range(OWN_QUESTIONS) if (text := request.form.get(f"question_{i}", "").strip())]
    if survey is not None:
        if survey["owner_academy_id"] is None:
            body["academy_ids"] = request.form.getlist("academy_ids")
    elif user().has_role("trust_hr"):
        body["academy_ids"] = request.form.getlist("academy_ids")
    else:  # academy HR run their own academy's surveys
        body["owner_academy_id"] = str(user().academy_id)
    return body


@blp.post("/surveys/runs/new")
@signed_in
def create():
    made = {}
    form = submit(lambda: made.update(api().post("/api/wellbeing/runs", json=_run_body())), name="run")
    if form.error:
        return _builder(form, 422)
    flash("Survey saved as a draft. Check it, then schedule it to send the invitations.")
    return redirect(url_for(".run", run_id=made["id"]))


@blp.get("/surveys/runs/<uuid:run_id>/edit")
@signed_in
def edit(run_id):
    survey = api().get(f"/api/wellbeing/runs/{run_id}")
    if survey["status"] != "draft":
        flash("Only a draft survey can be changed: this one has been scheduled.", "error")
        return redirect(url_for(".run", run_id=run_id))
    return _builder(Form(_draft_values(survey)), survey=survey)


@blp.post("/surveys/runs/<uuid:run_id>/edit")
@signed_in
def update(run_id):
    survey = api().get(f"/api/wellbeing/runs/{run_id}")
    form = submit(lambda: api().patch(f"/api/wellbeing/runs/{run_id}", json=_run_body(survey)), name="run")
    if form.error:
        if form.error.status == 409:
            flash(f"{form.error.detail.capitalize()}.", "error")
            return redirect(url_for(".run", run_id=run_id))
        return _builder(form, 422, survey=survey)
    flash("Your changes to the draft are saved. Check it, then schedule it to send the invitations.")
    return redirect(url_for(".run", run_id=run_id))


@blp.get("/surveys/runs/<uuid:run_id>/preview")
@signed_in
def preview(run_id):
    calls = api()
    survey = calls.get(f"/api/wellbeing/runs/{run_id}")
    questionnaire = calls.get(f"/api/wellbeing/runs/{run_id}/questionnaire")
    notes = [{"title": section["title"], "items": section["items"], "licence": _linked(section["licence"]),
              "citation": _linked(section["citation"])} for section in questionnaire["sections"]]
    return render_template("surveys/preview.html", run=survey, questionnaire=questionnaire, notes=notes)


# Who publishes what the licences and citations link to, as HR would name them (a bare "hse.gov.uk" read as a
# measure key, and addresses mean little to people).
PUBLISHERS = {"hse.gov.uk": "Health and Safety Executive", "gov.uk": "GOV.UK", "warwick.ac.uk": "University of Warwick",
              "doi.org": "the paper", "ons.gov.uk": "Office for National Statistics",
"gss.civilservice.gov.uk": "Government Statistical Service",
              "healthcareandprotection.com": "Healthcare and Protection", "nps.bain.com": "Bain & Company",
              "measure.whatworkswellbeing.org": "What Works Centre for Wellbeing", "agendrix.com": "Agendrix",
              "help.workleap.com": "Workleap"}


def _linked(text: str) -> list[dict]:
    """A licence or citation as text and links named by their site, not as raw addresses (one long address made a
    phone's page scroll sideways, issue 20)."""
    parts, at = [], 0
    for found in re.finditer(r"https?://[^\s)]+[^\s).,;]", text or ""):
        parts.append({"text": text[at:found.start()]})
        host = urlsplit(found.group(0)).hostname or ""
        parts.append({"url": found.group(0), "site": PUBLISHERS.get(host.removeprefix("www."), "the source")})
        at = found.end()
    parts.append({"text": (text or "")[at:]})
    return [p for p in parts if p.get("url") or p["text"]]


@blp.get("/surveys/runs/<uuid:run_id>")
@signed_in
def run(run_id):
    calls = api()
    survey = calls.get(f"/api/wellbeing/runs/{run_id}")  # 403 for staff, 404 for a run you may not see
    academies = {a["id"]: a["name"] for a in calls.get("/api/directory/academies")}
    instruments = calls.get("/api/wellbeing/instruments")
    titles = {m["key"]: m["title"] for i in instruments for m in i["measures"]}
    titles.update({f"custom.{q['key']}": q["text"] for q in survey["questions"]})
    asked, scope = asked_and_scope(survey, instruments, academies)
    page = {"run": survey, "asked": asked, "scope": scope, "academies": academies, "cuts": CUTS, "cut": request.args.get("cut") or "trust",
            "staff_types": dict(STAFF_TYPES), "may_manage": _may_manage(survey), "today_iso": date.today().isoformat()}
    if survey["status"] in ("open", "closed"):
        page["progress"] = calls.get(f"/api/wellbeing/runs/{run_id}/progress")
    if survey["status"] == "open" and page["may_manage"]:
        page["pool"] = _pool_of(calls, run_id)
    if survey["status"] == "closed":
        # the whole first (issue 20: every group at once made the page 41,600 px tall), every group on request
        report = calls.get(f"/api/wellbeing/runs/{run_id}/report", cut=None if page["cut"] == "all" else page["cut"])
        order = [cut for cut, _ in CUTS]
        report["groups"].sort(key=lambda g: order.index(g["cut"]) if g["cut"] in order else len(order))
        one_academy = len(survey["academy_ids"]) == 1  # its academy is everyone asked: say it once
        report["groups"] = [g for g in report["groups"] if not (one_academy and g["cut"] == "academy")]
        page["report"] = report
        whole = report if page["cut"] in ("trust", "all") else calls.get(f"/api/wellbeing/runs/{run_id}/report", cut="trust")
        page["summary"] = results_page.summary(whole, instruments, survey)
        page["plan_measures"] = [(m["key"], m["title"]) for i in instruments if i["key"] in survey["instruments"]
                                 for m in i["measures"]] + [(f"custom.{q['key']}", q["text"]) for q in
                                                            survey["questions"] if q["scale"] != "text"]
        page["sections"] = results_page.sections(report, instruments, survey, trust_wide=not survey["academy_ids"])
        page["hidden"] = [results_page.group_name(g, report["everyone"], not survey["academy_ids"])
                          for g in report["groups"] if g["suppressed"]]
        page["trend"] = results_page.trend(report["trend"], instruments, titles, academies,
                                           report["everyone"][:1].lower() + report["everyone"][1:], page["cut"])
        page["comments"] = [{**group, "comments": [{**q, "texts": _counted(q["texts"])} for q in group["comments"]]}
                            for group in calls.get(f"/api/wellbeing/runs/{run_id}/comments")
                            if group["comments"] and not (one_academy and group["cut"] == "academy")]
        page["drivers"] = _drivers(run_id)
        page["focus"], page["heatmap"] = insights.focus(calls, run_id), insights.heatmap(
            calls, run_id, trust_wide=not survey["academy_ids"])
    return render_template("surveys/run.html", **page)


def _counted(texts: list[str]) -> list[tuple[str, int]]:
    """Identical written answers once each, with how many gave them (the order stays alphabetical)."""
    counts: dict[str, int] = {}
    for text in texts:
        counts[text] = counts.get(text, 0) + 1
    return list(counts.items())


def _pool_of(calls, run_id) -> str | None:
    """The onboarding or exit survey whose pool this run is (its series alone closes it), or None."""
    return next((s["name"] for s in calls.get("/api/wellbeing/lifecycle")
                 if any(p["run_id"] == str(run_id) for p in s["pools"])), None)


def _may_manage(survey: dict) -> bool:
    """Mirrors the API's rule, only to decide which buttons to offer (the API still decides)."""
    me = user()
    if survey["owner_academy_id"] is None:
        return me.has_role("trust_hr")
    return me.has_role("trust_hr") or (me.has_role("academy_hr") and str(me.academy_id) == survey["owner_academy_id"])


def _drivers(run_id):
    me = user()
    academy = None if me.has_role("trust_hr") else me.academy_id  # academy HR may ask for their own academy only
    try:
        return api().get(f"/api/wellbeing/runs/{run_id}/drivers", academy_id=academy)
    except ApiError as error:
        if error.status in (403, 404):
            return None  # too few answers in that group: no drivers, and the page says so
        raise


@blp.post("/surveys/runs/<uuid:run_id>/schedule")
@signed_in
def schedule(run_id):
    survey = api().post(f"/api/wellbeing/runs/{run_id}/schedule")
    if survey["status"] == "open":
        flash(f"The survey is open: {survey['invited']} people have been sent their link.")
    else:
        flash(f"The survey is scheduled: it opens on {day(survey['opens_on'])} and invitations go out then.")
    return redirect(url_for(".run", run_id=run_id))


@blp.route("/surveys/runs/<uuid:run_id>/close", methods=["GET", "POST"])
@signed_in
def close(run_id):
    """Closing early cannot be undone (nobody can answer after it), so it is confirmed first, as opening a cycle
    is; it acted on one click (outsider, issue 20)."""
    if request.method == "POST":
        api().post(f"/api/wellbeing/runs/{run_id}/close")
        flash("The survey is closed and its results have been worked out.")
        return redirect(url_for(".run", run_id=run_id))
    survey = api().get(f"/api/wellbeing/runs/{run_id}")
    if survey["status"] != "open" or not _may_manage(survey) or _pool_of(api(), run_id):
        return redirect(url_for(".run", run_id=run_id))
    progress = api().get(f"/api/wellbeing/runs/{run_id}/progress")
    return render_template("surveys/close.html", run=survey, invited=sum(p["invited"] for p in progress),
                           answered=sum(p["responded"] for p in progress))


@blp.get("/surveys/runs/<uuid:run_id>/report.csv")
@signed_in
def report_csv(run_id):
    cut = request.args.get("cut")
    upstream = api().request("GET", f"/api/wellbeing/runs/{run_id}/report.csv", raw=True,
                             params={"cut": cut} if cut and cut != "all" else {})
    return Response(upstream.content, mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="survey-results-{run_id}.csv"'})

