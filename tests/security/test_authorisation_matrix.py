"""Authorisation matrix (issue 8): every endpoint of every service, called as every role, against authorisation.csv.

One embedded suite (SQLite, embedded bus, demo trust seeded, workers running) is built for the module. From the
demo data it picks, around one member of staff in academy A ("staff"):

  staff             the member of staff whose records the calls are about
  other_staff       a member of staff in academy B, with no relation to them
  appraiser         their line manager, who is their appraiser in this year's cycle
  other_appraiser   another line manager in academy A (someone else's appraiser)
  academy_hr        academy HR of academy A          other_academy_hr  academy HR of academy B
  trust_hr          trust HR (a person in academy C, with no relation to them)
  no_token, expired_token, wrong_key (signed with another key), altered_token (the staff token with
  roles changed to trust_hr after signing)

It creates, through the APIs and as the right person, what the path parameters need (an objective, a cycle for
academy A, a programme and cohorts, enrolments, a training agreement, a nomination, a secondment, a draft survey
run, ...), then for every row of the table calls the endpoint as every role: the roles the table denies first,
so that the allowed calls find a state a denial must not have changed. "deny" is 401, 403 or 404 (404 is how a
service hides that a record exists); "allow" is anything else (2xx, or a 409/422 from a step at the wrong stage,
which is only reached after authorisation). The four bad-token roles must be 401 everywhere but on the public
endpoints. All mismatches are reported together.
"""
from __future__ import annotations

import base64
import csv
import itertools
import json
import time
import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Callable

import pytest

from staffroom.cli import Suite, _web
from directory.adapters.google import GoogleSignIn
from directory.service.roles import grant_first
from staffroom_shared.auth import ensure_dev_keys, issue_dev_token
from staffroom_shared.testing import CLIENT_ID, Provider, ServiceDb

TABLE = Path(__file__).with_name("authorisation.csv")
ROLES = ("staff", "other_staff", "appraiser", "other_appraiser", "academy_hr", "other_academy_hr", "trust_hr",
         "no_token", "expired_token", "wrong_key", "altered_token")
BAD_TOKENS = ("no_token", "expired_token", "wrong_key", "altered_token")
METHODS = ("get", "post", "put", "patch", "delete")
TODAY = date.today()
SCHOOL_YEAR = TODAY.year if TODAY.month >= 9 else TODAY.year - 1


def load_table() -> dict[tuple[str, str, str], dict]:
    with TABLE.open(newline="") as f:
        rows = [row for row in csv.DictReader(f) if row["service"] and not row["service"].startswith("#")]
    return {(r["service"], r["method"].upper(), r["path"]): r for r in rows}


def documented_endpoints() -> set[tuple[str, str, str]]:
    docs = Path(__file__).parents[2] / "docs" / "openapi"
    found = set()
    for doc in docs.glob("*.json"):
        for path, operations in json.loads(doc.read_text())["paths"].items():
            found |= {(doc.stem, method.upper(), path) for method in operations if method in METHODS}
    return found


# -- the trust, the people and the records ---------------------------------------------------------------

class Ids(dict):
    """The path parameters' ids. A few are made on first use (`later`: id -> maker): the staff member's statutory
    induction is registered only when the matrix reaches cpd's induction rows, because appraisal then withdraws their
    appraisal (an ECT is appraised through induction, issue 25) and every appraisal row before needs it in progress."""

    def __init__(self):
        super().__init__()
        self.later: dict[str, Callable[[], None]] = {}

    def __missing__(self, key):
        if key not in self.later:
            raise KeyError(key)
        self.later.pop(key)()
        return self[key]


@dataclass
class World:
    clients: dict
    tokens: dict[str, str | None]
    people: dict[str, dict]
    ids: dict[str, Any] = field(default_factory=Ids)
    serial: Any = field(default_factory=lambda: itertools.count(1))
    issue: Callable[[dict], str] | None = None  # a staff token for a person
    google: Any = None  # the trust's Google Workspace, as a local OpenID Connect provider

    def call(self, role: str, service: str, method: str, path: str, *, json_body=None, query=None, headers=None,
             data=None, content_type=None):
        token = self.tokens[role]
        sent = {**({"Authorization": f"Bearer {token}"} if token else {}), **(headers or {})}
        return self.clients[service].open(path, method=method, json=json_body, query_string=query, headers=sent,
                                          data=data, content_type=content_type)

    def ok(self, role: str, service: str, method: str, path: str, **kwargs):
        """A setup call that must work: its JSON body."""
        response = self.call(role, service, method, path, **kwargs)
        assert response.status_code < 300, f"setup {method} /{service}{path} as {role}: {response.status_code} " \
                                           f"{response.get_data(as_text=True)[:500]}"
        return response.get_json(silent=True)

    def n(self) -> int:
        return next(self.serial)


def wait_for(check: Callable[[], Any], what: str, timeout: float = 60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.2)
    pytest.fail(f"timed out waiting for {what}")


def _altered(token: str) -> str:
    """The same signature over a payload edited afterwards to claim trust HR."""
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["roles"] = ["trust_hr"]
    edited = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    return f"{header}.{edited}.{signature}"


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("authz")
    suite = Suite(tmp / "data", environ={"LOG_LEVEL": "WARNING"})
    suite.prepare()
    suite.seed()
    suite.start_workers()
    google = Provider(email_verified=True, hd="oaktrust.example")  # the trust's Google Workspace, for its sign-in
    try:
        suite.seed_after_workers()
        apps = {m.NAME: _web(m).create_app(suite.configs[m.NAME]) for m in suite.modules}
        clients = {name: app.test_client() for name, app in apps.items()}
        private = suite.data_dir / "dev-keys" / "private.pem"
        w = World(clients, {}, {}, google=google)
        apps["directory"].extensions["google_sign_in"] = GoogleSignIn(
            client_id=CLIENT_ID, domains=frozenset({"oaktrust.example"}), signing_key=private.read_bytes(),
            issuer="staffroom-dev", audience="staffroom", google_issuers=(google.issuer,),
            google_jwks_url=f"{google.issuer}/jwks")
        _pick_people(w, suite, private, ensure_dev_keys(tmp / "other-keys")[0])
        _make_records(w)
        w.ids["feedback_token"] = _feedback_token(w, apps["wellbeing"], suite.configs["wellbeing"])
        yield w
    finally:
        google.server.shutdown()
        suite.stop.set()
        for thread in suite.threads:
            thread.join(timeout=10)


def _pick_people(w: World, suite: Suite, private: Path, other_private: Path) -> None:
    service = issue_dev_token(private, staff_id=None, roles=["trust_hr", "service"], subject="authz-matrix")
    w.tokens["setup"] = service
    academies = w.ok("setup", "directory", "GET", "/academies")
    a, b, c = (x["id"] for x in academies)
    w.ids["urn_a"], w.ids["urn_b"] = academies[0]["urn"], academies[1]["urn"]
    staff = {x: w.ok("setup", "directory", "GET", "/staff", query={"academy_id": x, "page_size": 500})["items"]
             for x in (a, b, c)}
    managers = {p["line_manager_id"] for people in staff.values() for p in people if p["line_manager_id"]}
    # The demo's member of staff: the demo works everyone else's appraisal part-way through the year, and the
    # matrix needs one at its start (theirs is kept there for the people trying the suite).
    persona = next(str(p["staff_id"]) for p in suite.demo_people() if p["as"] == "member of staff")
    me = next(p for p in staff[a] if p["id"] == persona)
    assert me["id"] not in managers and any(m["id"] == me["line_manager_id"] and m["post"] == "Head of Department"
                                            for m in staff[a])
    appraiser = next(p for p in staff[a] if p["id"] == me["line_manager_id"])
    other_appraiser = next(p for p in staff[a] if p["post"] == "Head of Department" and p["id"] != appraiser["id"])
    unrelated = {me["id"], appraiser["id"], other_appraiser["id"]} | managers
    w.people = {
        "staff": me, "appraiser": appraiser, "other_appraiser": other_appraiser,
        "other_staff": next(p for p in staff[b] if p["id"] not in unrelated and p["staff_type"] == "teaching"),
        "academy_hr": next(p for p in staff[a] if p["id"] not in unrelated and p["staff_type"] == "support"),
        "other_academy_hr": next(p for p in staff[b] if p["id"] not in unrelated and p["staff_type"] == "support"),
        "trust_hr": next(p for p in staff[c] if p["id"] not in unrelated),
    }
    roles = {"academy_hr": ["academy_hr"], "other_academy_hr": ["academy_hr"], "trust_hr": ["trust_hr"]}
    # With Google sign-in on, the directory reads each person's roles from its own records, as trust HR gave them.
    for role, (granted,) in roles.items():
        grant_first(suite.contexts["directory"].uow(actor="authz-matrix"), w.people[role]["email"], granted)
    for role, person in w.people.items():
        w.tokens[role] = issue_dev_token(private, staff_id=person["id"], roles=roles.get(role, ["staff"]),
                                         academy_id=person["academy_id"])
    mine = dict(staff_id=me["id"], roles=["staff"], academy_id=a)
    w.tokens.update(no_token=None, altered_token=_altered(w.tokens["staff"]),
                    expired_token=issue_dev_token(private, **mine, lifetime=timedelta(hours=-1)),
                    wrong_key=issue_dev_token(other_private, **mine))
    w.ids.update(academy_a=a, academy_b=b, academy_c=c,
                 respondents=[p for p in staff[c] if p["id"] not in unrelated | {w.people["trust_hr"]["id"]}])
    w.issue = lambda person: issue_dev_token(private, staff_id=person["id"], roles=["staff"],
                                             academy_id=person["academy_id"])


def _make_records(w: World) -> None:
    """What the path parameters point at, each made through the API by the person who would make it."""
    ids, me = w.ids, w.people["staff"]["id"]
    ids.update(staff_id=me, school_year=SCHOOL_YEAR, instrument="enps", stage="mid-year", lifecycle_kind="exit")
    # appraisal: the staff member's appraisal in this year's trust-wide cycle, with an objective; a cycle for academy A
    [appraisal] = wait_for(lambda: w.ok("appraiser", "appraisal", "GET", "/appraisals",
                                        query={"reviewee_id": me})["items"], "the staff member's appraisal")
    assert appraisal["appraiser_id"] == w.people["appraiser"]["id"]
    ids["appraisal_id"] = appraisal["id"]
    ids["objective_id"] = _objective(w)["id"]
    ids["cycle_id"] = w.ok("academy_hr", "appraisal", "POST", "/cycles", json_body={
        "name": f"{SCHOOL_YEAR + 1} support (academy A)", "template": "support", "academy_id": ids["academy_a"],
        "school_year": SCHOOL_YEAR + 1})["id"]
    # appraisal: the appraiser's thanks to the staff member, shared with them as line manager (issue 24)
    ids["recognition_id"] = _recognition(w, "appraiser", me, visibility="line_manager")
    ids["observation_template_id"] = w.ok("academy_hr", "appraisal", "POST", "/observation-templates", json_body=_observation_template(w))["id"]
    ids["step_id"] = _action_step(w)
    _qa_records(w)
    # cpd: a costly programme of academy A (manager and HR approval, then a training agreement), two cohorts
    programme = w.ok("academy_hr", "cpd", "POST", "/programmes", json_body={
        "title": "Leading curriculum change", "kind": "external_course", "provider": "Oak Teaching School Hub",
        "delivery_mode": "blended", "cost": "1200.00", "requires_approval": True, "academy_id": ids["academy_a"]})
    ids["programme_id"] = programme["id"]
    cohorts = [w.ok("academy_hr", "cpd", "POST", f"/programmes/{programme['id']}/cohorts", json_body={
        "name": name, "starts_on": str(TODAY + timedelta(days=60)), "ends_on": str(TODAY + timedelta(days=90)),
        "capacity": 10}) for name in ("Spring", "Summer")]
    ids["cohort_id"] = cohorts[0]["id"]
    wait_for(lambda: w.call("staff", "cpd", "GET", "/plans/me").status_code == 200, "the staff member's plan in CPD")
    ids["enrolment_id"] = w.ok("staff", "cpd", "POST", "/enrolments", json_body={
        "cohort_id": cohorts[0]["id"], "reason": "To lead our new KS3 curriculum"})["id"]
    signed = w.ok("staff", "cpd", "POST", "/enrolments", json_body={
        "cohort_id": cohorts[1]["id"], "reason": "The summer dates suit better"})["id"]
    w.ok("appraiser", "cpd", "POST", f"/enrolments/{signed}/approve", json_body={"note": "Yes"})
    ids["agreement_id"] = w.ok("academy_hr", "cpd", "POST", f"/enrolments/{signed}/approve",
                               json_body={"note": "Within budget"})["agreement_id"]
    plan = w.ok("staff", "cpd", "GET", "/plans/me")
    ids["plan_id"] = plan["id"]
    ids["item_id"] = w.ok("staff", "cpd", "POST", f"/plans/{plan['id']}/items",
                          json_body={"title": "Observe an outstanding KS3 lesson"})["id"]
    ids["nomination_id"] = w.ok("appraiser", "cpd", "POST", "/future-leaders", json_body={
        "staff_id": me, "reason": "Leads the department's reading project"})["id"]
    ids["secondment_id"] = w.ok("academy_hr", "cpd", "POST", "/secondments", json_body=_secondment(w))["id"]
    ids["completed_enrolment_id"] = _completed_enrolment(w)
    # wellbeing: last summer's closed run, the open pulse, and a draft run of academy A's
    runs = w.ok("trust_hr", "wellbeing", "GET", "/runs")
    ids["closed_run"] = next(r["id"] for r in runs if r["status"] == "closed")
    ids["open_run"] = next(r["id"] for r in runs if r["status"] == "open")
    ids["run_id"] = w.ok("academy_hr", "wellbeing", "POST", "/runs", json_body=_run(w))["id"]
    ids["action_id"] = w.ok("academy_hr", "wellbeing", "POST", "/actions", json_body=_action(w))["id"]  # a draft
    ids["figure_id"] = w.ok("trust_hr", "wellbeing", "POST", "/benchmarks", json_body=_figure(w))["id"]
    ids["series_id"] = w.ok("academy_hr", "wellbeing", "POST", "/pulses", json_body=_pulse(w))["id"]
    # wellbeing feedback: a 360 request about the staff member, and an upward round of academy A's
    ids["request_360"] = wait_for(lambda: _feedback_request(w), "a feedback request")
    ids["round_id"] = w.ok("academy_hr", "wellbeing", "POST", "/feedback/rounds", json_body={
        "title": "Upward feedback", "academy_id": ids["academy_a"], "closes_on": str(TODAY + timedelta(days=14))})["id"]
    # notifications: a message in the staff member's inbox, and an email that could not be delivered
    ids["message_id"] = wait_for(lambda: w.ok("staff", "notifications", "GET", "/inbox")["items"],
                                 "the staff member's inbox")[0]["id"]
    ids["delivery_id"] = _dead_delivery(w)
    # targets: one target's key
    ids["key"] = w.ok("trust_hr", "targets", "GET", "/targets")[0]["key"]
    ids["checked_id"] = _checked_file(w, "trust_hr")  # what the people denied try to import
    # directory: a subject access request about the staff member, opened by trust HR
    ids["request_id"] = w.ok("trust_hr", "directory", "POST", "/subject-access-requests",
                             json_body={"staff_id": me})["id"]
    _cascade(w)  # appraisal's priorities and objective templates (issue 24)
    for key in ("induction_id", "term_number", "review_id"):  # cpd's statutory induction (issue 25), when reached
        w.ids.later[key] = lambda: _induction_records(w)
    w.ids.later["place_id"] = lambda: _npq_place(w)  # cpd's NPQs (issue 25), when reached


def _observation_template(w: World) -> dict:
    """An observation template of academy A's, with a graded and an ungraded criterion (issue 24)."""
    return {"name": f"Lesson observation {w.n()}", "kind": "lesson_observation", "academy_id": w.ids["academy_a"],
            "criteria": [{"key": "behaviour", "label": "Behaviour", "grades": [
                {"label": "Secure", "band": "strength"}, {"label": "Not yet", "band": "intervention"}]},
                {"key": "questioning", "label": "Questioning"}]}


def _action_step(w: World) -> str:
    """A coaching action step in the staff member's appraisal, not yet followed up (issue 24)."""
    return w.ok("appraiser", "appraisal", "POST", f"/appraisals/{w.ids['appraisal_id']}/action-steps", json_body={
        "step": f"Cold call after each explanation ({w.n()})", "follow_up_on": str(TODAY + timedelta(days=14))})["id"]


def _qa_round(w: World) -> dict:
    """A QA round of academy A's on its observation template, around today (issue 24)."""
    return {"name": f"Drop-ins {w.n()}", "template_id": w.ids["observation_template_id"], "academy_ids": [w.ids["academy_a"]],
            "starts_on": str(TODAY - timedelta(days=7)), "ends_on": str(TODAY + timedelta(days=7))}


def _qa_action(w: World) -> dict:
    """An intervention on academy A's maths cell of the round, owned by the staff member's appraiser."""
    return {"kind": "intervention", "criterion": "behaviour", "academy_id": w.ids["academy_a"], "department": "Maths",
            "owner_id": w.people["appraiser"]["id"], "review_on": str(TODAY + timedelta(days=42)),
            "success_criteria": "Calm starts in every lesson", "support": "Coaching", "monitoring": "Drop-ins"}


def _qa_records(w: World) -> None:
    """A QA round of academy A's with the staff member observed in it (by their appraiser), and an action."""
    ids = w.ids
    ids["qa_round_id"] = w.ok("academy_hr", "appraisal", "POST", "/qa-rounds", json_body=_qa_round(w))["id"]
    w.ok("appraiser", "appraisal", "POST", f"/appraisals/{ids['appraisal_id']}/observations", json_body={
        "template_id": ids["observation_template_id"], "observed_on": str(TODAY), "focus": "Starts of lessons",
        "grades": {"behaviour": "Not yet"}, "department": "Maths", "qa_round_id": ids["qa_round_id"]})
    ids["qa_action_id"] = w.ok("academy_hr", "appraisal", "POST", f"/qa-rounds/{ids['qa_round_id']}/actions",
                               json_body=_qa_action(w))["id"]


def _feedback_body(w: World) -> dict:
    """A 360 request about the staff member: three colleagues of academy A as peers (none of the matrix's people, so
    that only their line manager is a rater among them), and their line manager."""
    me, manager = w.people["staff"], w.people["appraiser"]
    ours = {p["id"] for p in w.people.values()}
    peers = [p["id"] for p in w.ok("setup", "directory", "GET", "/staff", query={
        "academy_id": w.ids["academy_a"], "page_size": 500})["items"]
        if p["id"] not in ours | {me["id"], manager["id"]} and p["leaving_date"] is None][:3]
    return {"subject_id": me["id"], "closes_on": str(TODAY + timedelta(days=14)), "include_line_manager": True,
            "raters": [{"staff_id": p, "category": "peers"} for p in peers]}


def _feedback_request(w: World) -> str | None:
    """Made once wellbeing's copy of the directory knows everyone (the bus may still be delivering)."""
    made = w.call("staff", "wellbeing", "POST", "/feedback/requests", json_body=_feedback_body(w))
    return made.get_json()["id"] if made.status_code == 201 else None


def _feedback_token(w: World, app, config) -> str:
    """A peer's link to the 360 request, as Staffroom gives it to their own signed-in browser ("Answer now"): a
    member of staff's invitation carries none (issue 24)."""
    for event in ServiceDb(app).events("wellbeing.invitation_issued"):
        payload = event["payload"]
        if payload["run_id"] == w.ids["request_360"] and payload["staff_id"] != w.people["appraiser"]["id"]:
            assert payload["sealed_link"] is None and payload["answer_in_staffroom"]
            peer = w.issue({"id": payload["staff_id"], "academy_id": payload["academy_id"]})
            made = w.clients["wellbeing"].post(f"/feedback/requests/{w.ids['request_360']}/link",
                                               headers={"Authorization": f"Bearer {peer}"})
            assert made.status_code == 201, made.get_data(as_text=True)
            return made.get_json()["link"].split("#token=")[1]
    raise AssertionError("no feedback invitation found")


def _objective(w: World) -> dict:
    """A new objective (the appraiser's), first removing one the matrix's own calls added if at the cap of six."""
    path = f"/appraisals/{w.ids['appraisal_id']}"
    objectives = w.ok("appraiser", "appraisal", "GET", path)["objectives"] if "objective_id" in w.ids else []
    if len(objectives) >= 6:
        extra = next(o["id"] for o in objectives if o["id"] != w.ids["objective_id"])
        w.ok("appraiser", "appraisal", "DELETE", f"{path}/objectives/{extra}")
    return w.ok("appraiser", "appraisal", "POST", f"/appraisals/{w.ids['appraisal_id']}/objectives",
                json_body=_objective_body(w))


def _objective_body(w: World) -> dict:
    return {"title": f"Raise Year 9 attainment in algebra ({w.n()})", "type": "pupil_outcomes",
            "description": "By July, 80% of Year 9 secure in algebra", "success_criteria": "Summer assessment"}


def _completed_enrolment(w: World) -> str:
    """CPD impact (issue 24): the staff member's place on a free session of academy A that began 100 days ago,
    completed 60 days ago, so the six-week impact check is due."""
    free = w.ok("academy_hr", "cpd", "POST", "/programmes", json_body={
        "title": "Questioning twilight", "kind": "internal_course", "provider": "Oak Teaching School Hub",
        "delivery_mode": "in_person", "cost": "0.00", "requires_approval": False, "academy_id": w.ids["academy_a"]})
    cohort = w.ok("academy_hr", "cpd", "POST", f"/programmes/{free['id']}/cohorts", json_body={
        "name": "Autumn twilight", "starts_on": str(TODAY - timedelta(days=100)),
        "ends_on": str(TODAY + timedelta(days=30)), "capacity": 10})
    placed = w.ok("staff", "cpd", "POST", "/enrolments", json_body={"cohort_id": cohort["id"], "reason": "Questioning"})
    w.ok("appraiser", "cpd", "POST", f"/enrolments/{placed['id']}/completion",
         json_body={"completed": True, "completed_on": str(TODAY - timedelta(days=60))})
    return placed["id"]


def _secondment(w: World) -> dict:
    return {"staff_id": w.ids["staff_id"], "host_academy_id": w.ids["academy_b"], "post": "Acting Head of Year",
            "starts_on": str(TODAY + timedelta(days=120 + w.n())), "ends_on": str(TODAY + timedelta(days=300))}


def _run(w: World) -> dict:
    return {"title": f"Academy A spring pulse {w.n()}", "instruments": ["enps"], "academy_ids": [w.ids["academy_a"]],
            "owner_academy_id": w.ids["academy_a"], "opens_on": str(TODAY), "closes_on": str(TODAY + timedelta(days=14))}


def _action(w: World) -> dict:
    """An action of academy A's, led by the staff member."""
    return {"title": f"Quieter Wednesdays {w.n()}", "description": "No meetings after school on Wednesdays",
            "measure": "enps", "academy_id": w.ids["academy_a"], "owner_id": w.people["staff"]["id"],
            "due_on": str(TODAY + timedelta(days=90))}


def _pulse(w: World) -> dict:
    return {"title": f"Academy A monthly pulse {w.n()}", "owner_academy_id": w.ids["academy_a"], "cadence": "monthly",
            "day_of_month": 10, "starts_on": str(TODAY)}


def _dead_delivery(w: World) -> str:
    """No API makes an email undeliverable: mark one of the staff member's emails dead in notifications' own table.
    One already sent: the suite's email sender runs beside the test, and one it had claimed while pending it would
    mark sent over the top (seen once: the retry then found no dead email)."""
    from sqlalchemy import select, update

    context = w.clients["notifications"].application.extensions["staffroom"]
    deliveries = context.metadata.tables["deliveries"]

    def one():
        with context.engine.execution_options(staffroom_readonly=True).connect() as conn:
            return conn.scalar(select(deliveries.c.id).where(deliveries.c.status == "sent").limit(1))
    delivery = wait_for(one, "an email sent by notifications")
    with context.engine.begin() as conn:
        conn.execute(update(deliveries).where(deliveries.c.id == delivery).values(status="dead", attempts=5))
    return str(delivery)


def _link_token(w: World) -> str:
    """A single-use link to the open survey, each call another invited colleague's (a submitted link stops working)."""
    person = w.ids["respondents"].pop()
    w.tokens["respondent"] = w.issue(person)
    return w.ok("respondent", "wellbeing", "POST", f"/runs/{w.ids['open_run']}/link")["link"].split("#token=")[1]


def _replies_link(w: World) -> dict:
    """One link to the open survey, with a browser's key, for every call about replies (reading or answering never
    uses a link up; while the survey is open, both are a 409)."""
    if "replies_link" not in w.ids:
        w.ids["replies_link"] = {"X-Survey-Token": _link_token(w), "X-Draft-Key": "k" * 22}
    return w.ids["replies_link"]


def _comment_of_academy_a(w: World) -> str:
    """A comment of the closed survey labelled with academy A (the staff member's) with room for a reply, as trust
    HR are shown it."""
    found = w.ok("trust_hr", "wellbeing", "GET", f"/runs/{w.ids['closed_run']}/conversations")
    return next(c["comment_id"] for c in found if c["academy_id"] == w.ids["academy_a"] and c["may_reply"])


def _unsubscribe(w: World) -> dict:
    from notifications.service.email import unsubscribe_signature

    key = w.clients["notifications"].application.extensions["staffroom"].config.secret_key()
    me = w.ids["staff_id"]
    return {"staff_id": me, "category": "cpd_updates",
            "signature": unsubscribe_signature(key, uuid.UUID(me), "cpd_updates")}


# -- how each endpoint is called -----------------------------------------------------------------------------

@dataclass
class Case:
    params: dict = field(default_factory=dict)  # path parameter -> key of World.ids (default: the same name)
    body: Callable[[World], Any] | None = None  # a valid body, made afresh for each call
    query: Callable[[World], dict] | None = None
    headers: Callable[[World], dict] | None = None  # made afresh for each call
    csv: Callable[[World], str] | None = None  # a CSV body instead of JSON
    fresh: dict[str, Callable[[World], str]] = field(default_factory=dict)  # a new record for each call
    unchanged: str | None = None  # GET this path (trust HR) before and after the denied calls: it must not change
    fresh_by_caller: dict[str, Callable[[World, str], str]] = field(default_factory=dict)  # made by the caller


APPRAISAL = "/appraisals/{appraisal_id}"
CASES: dict[tuple[str, str, str], Case] = {}


def case(service: str, method: str, path: str, **kwargs) -> None:
    CASES[(service, method, path)] = Case(**kwargs)


# Listed in the order they run: reads first; then each record through its life, so that a step finds the
# stage it needs where it can; things that end a record's life (withdrawal, close, leaving) last.
case("directory", "GET", "/academies")
for _service in ("directory", "appraisal", "cpd", "wellbeing", "notifications", "targets"):
    case(_service, "GET", "/audit")  # every service's audit log (issue 21)
case("directory", "GET", "/academies/{academy_id}", params={"academy_id": "academy_a"})
case("directory", "GET", "/staff")
case("directory", "GET", "/staff/me")
case("directory", "GET", "/staff/{staff_id}")
case("directory", "POST", "/academies", body=lambda w: {
    "name": f"New Academy {w.n()}", "urn": f"{150000 + w.n()}", "phase": "primary"})
case("directory", "PATCH", "/academies/{academy_id}", params={"academy_id": "academy_a"},
     body=lambda w: {"phase": "primary"}, unchanged="/academies/{academy_id}")
case("directory", "POST", "/staff", body=lambda w: {
    "academy_id": w.ids["academy_a"], "staff_code": f"AZ{w.n():04d}", "first_name": "Rosa", "last_name": "Lopez",
    "email": f"rosa.lopez.{w.n()}@oaktrust.example", "staff_type": "support", "post": "Teaching Assistant",
    "start_date": str(TODAY), "line_manager_id": w.people["appraiser"]["id"]})
case("directory", "PATCH", "/staff/{staff_id}", body=lambda w: {"fte": w.people["staff"]["fte"]},
     unchanged="/staff/{staff_id}")
def _staff_file(w: World, urn_key: str = "urn_a") -> str:
    n = w.n()
    return ("Staff ID,Forename,Surname,Work Email,School URN,Staff Category,Job Title,FTE,Employment Start,"
            f"Leaving Date,Line Manager\nZZ{9000 + n},Sam,Ward,sam.ward.{n}@oaktrust.example,{w.ids[urn_key]},Support,"
            "Office Manager,1.0,01/09/2026,,\n")


def _checked_file(w: World, role: str) -> str:
    """A staff file the caller checked (only they may import it), for their own academy."""
    file = _staff_file(w, "urn_b" if role == "other_academy_hr" else "urn_a")
    response = w.call(role, "directory", "POST", "/imports/staff", query={"dry_run": "true"}, data=file,
                      content_type="text/csv")
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.json["checked_id"]


case("directory", "POST", "/imports/staff", query=lambda w: {"dry_run": "true"}, csv=_staff_file)
case("directory", "GET", "/subject-access-requests")
case("directory", "GET", "/roles")
case("directory", "GET", "/staff/{staff_id}/roles")
case("directory", "PUT", "/staff/{staff_id}/roles", body=lambda w: {"roles": []}, unchanged="/staff/{staff_id}/roles")
case("directory", "POST", "/sign-in", body=lambda w: {"id_token": w.google.id_token(email=w.people["staff"]["email"])})
case("directory", "GET", "/sign-in/keys")
case("directory", "POST", "/subject-access-requests", body=lambda w: {"staff_id": w.ids["staff_id"]})
case("directory", "GET", "/subject-access-requests/{request_id}")
case("directory", "GET", "/subject-access-requests/{request_id}/bundle")
case("directory", "POST", "/imports/staff/checked/{checked_id}", params={"checked_id": "checked_id"},
     fresh_by_caller={"checked_id": _checked_file})

case("appraisal", "GET", "/cycles")
case("appraisal", "GET", "/cycles/{cycle_id}")
case("appraisal", "GET", "/cycles/{cycle_id}/completion")
case("appraisal", "GET", "/cycles/{cycle_id}/completion.csv")
case("appraisal", "GET", "/reports/untrained-appraisers")
case("appraisal", "GET", "/appraisals")
case("appraisal", "GET", APPRAISAL)
case("appraisal", "GET", APPRAISAL + "/meetings.ics")
case("appraisal", "GET", APPRAISAL + "/record")
case("appraisal", "GET", APPRAISAL + "/cpd-evidence")  # CPD impact as evidence (issue 24)
case("appraisal", "GET", APPRAISAL + "/observers")
case("appraisal", "POST", "/cycles", body=lambda w: {
    "name": f"{SCHOOL_YEAR + 2} leaders {w.n()}", "template": "leaders", "academy_id": w.ids["academy_a"],
    "school_year": SCHOOL_YEAR + 2})
case("appraisal", "PATCH", "/cycles/{cycle_id}", body=lambda w: {"observation_cap": 3},
     unchanged="/cycles/{cycle_id}")
case("appraisal", "POST", APPRAISAL + "/objectives", body=_objective_body)
case("appraisal", "PATCH", APPRAISAL + "/objectives/{objective_id}", body=lambda w: {"success_criteria": "Summer test"},
     unchanged=APPRAISAL)
case("appraisal", "DELETE", APPRAISAL + "/objectives/{objective_id}", fresh={"objective_id": lambda w: _objective(w)["id"]})
case("appraisal", "POST", APPRAISAL + "/meetings", body=lambda w: {
    "kind": "objective_setting", "location": "Room 12", "starts_at": f"{TODAY + timedelta(days=7)}T15:30:00Z"})
case("appraisal", "POST", APPRAISAL + "/observations", body=lambda w: {
    "kind": "lesson_observation", "focus": "Questioning in Year 8 maths", "observed_on": str(TODAY)})
case("appraisal", "PUT", APPRAISAL + "/support-plan", body=lambda w: {"support_plan": False, "notes": None}, unchanged=APPRAISAL)
case("appraisal", "POST", APPRAISAL + "/objectives/agreement", unchanged=APPRAISAL)
case("appraisal", "POST", APPRAISAL + "/objectives/{objective_id}/progress", body=lambda w: {
    "note": "Half of Year 9 secure after the autumn test", "evidence": "Autumn assessment"})
case("appraisal", "POST", APPRAISAL + "/reviews/{stage}", body=lambda w: {
    "overall_outcome": "meets_expectations", "assessments": {}, "summary": "On track"}, unchanged=APPRAISAL)
case("appraisal", "PUT", APPRAISAL + "/reviews/{stage}/comments", body=lambda w: {"comments": "A fair review"})
case("appraisal", "POST", APPRAISAL + "/sign-off", body=lambda w: {"comment": "Agreed"}, unchanged=APPRAISAL)
case("appraisal", "PUT", APPRAISAL + "/appraiser", body=lambda w: {"appraiser_id": w.people["appraiser"]["id"]})
case("appraisal", "POST", "/cycles/{cycle_id}/open", unchanged="/cycles/{cycle_id}")
case("appraisal", "POST", "/cycles/{cycle_id}/close", unchanged="/cycles/{cycle_id}")
def _recognition(w: World, giver: str, recipient_id: str, visibility: str = "private") -> str:
    """Recognition from `giver` (a role, or None: the next colleague in academy C, so no one reaches the daily limit)."""
    if giver is None:
        person = w.ids["respondents"][w.n() % len(w.ids["respondents"])]
        w.tokens["colleague"], giver = w.issue(person), "colleague"
    return w.ok(giver, "appraisal", "POST", "/recognition", json_body={
        "recipient_id": recipient_id, "kind": "recognition", "words": "Thank you for the science fair",
        "visibility": visibility})["id"]


def _reported(w: World) -> str:
    """Recognition the staff member was given and reported to HR."""
    recognition_id = _recognition(w, None, w.ids["staff_id"])
    w.ok("staff", "appraisal", "POST", f"/recognition/{recognition_id}/report", json_body={})
    return recognition_id


RECOGNITION = "/recognition/{recognition_id}"
case("appraisal", "POST", "/recognition", body=lambda w: {
    "recipient_id": w.ids["staff_id"], "kind": "feedback", "words": "Keep sharing your KS3 resources",
    "visibility": "private"})
case("appraisal", "GET", "/recognition/received")
case("appraisal", "GET", "/recognition/given")
case("appraisal", "GET", "/recognition/team")
case("appraisal", "GET", "/recognition/colleagues", query=lambda w: {"q": w.people["staff"]["last_name"]})
case("appraisal", "GET", "/recognition/reported")
case("appraisal", "GET", RECOGNITION)
case("appraisal", "POST", RECOGNITION + "/withdrawal", unchanged=RECOGNITION, fresh_by_caller={
    "recognition_id": lambda w, role: _recognition(w, role, w.people["other_appraiser"]["id"])})
case("appraisal", "PUT", RECOGNITION + "/evidence", body=lambda w: {"kept": True}, unchanged=RECOGNITION,
     fresh={"recognition_id": lambda w: _recognition(w, None, w.ids["staff_id"])})
case("appraisal", "PUT", RECOGNITION + "/hidden", body=lambda w: {"hidden": True}, unchanged=RECOGNITION,
     fresh={"recognition_id": lambda w: _recognition(w, None, w.ids["staff_id"])})
case("appraisal", "POST", RECOGNITION + "/report", body=lambda w: {"because": "Unkind"}, unchanged=RECOGNITION,
     fresh={"recognition_id": lambda w: _recognition(w, None, w.ids["staff_id"])})
case("appraisal", "POST", RECOGNITION + "/report/dismissal", unchanged=RECOGNITION,
     fresh={"recognition_id": lambda w: _reported(w)})
case("appraisal", "POST", RECOGNITION + "/removal", body=lambda w: {"because": "Abusive"}, unchanged=RECOGNITION,
     fresh={"recognition_id": lambda w: _recognition(w, None, w.ids["staff_id"])})
case("appraisal", "GET", APPRAISAL + "/recognition")
case("appraisal", "GET", "/cycles/{cycle_id}/reminders")
case("appraisal", "POST", APPRAISAL + "/reminders", body=lambda w: {})
case("appraisal", "GET", "/observation-templates")
case("appraisal", "GET", "/observation-templates/{observation_template_id}")
case("appraisal", "POST", "/observation-templates", body=_observation_template)
case("appraisal", "PATCH", "/observation-templates/{observation_template_id}", body=lambda w: {"notice_days": 2},
     unchanged="/observation-templates/{observation_template_id}")
case("appraisal", "POST", APPRAISAL + "/action-steps", body=lambda w: {
    "step": "Cold call after each explanation", "follow_up_on": str(TODAY + timedelta(days=14))})
case("appraisal", "POST", APPRAISAL + "/action-steps/{step_id}/follow-up", body=lambda w: {"seen": "Cold calling in"
     " every explanation"}, fresh={"step_id": _action_step}, unchanged=APPRAISAL)
case("appraisal", "GET", "/qa-rounds")
case("appraisal", "GET", "/qa-rounds/{qa_round_id}")
case("appraisal", "GET", "/qa-rounds/{qa_round_id}/map")
case("appraisal", "GET", "/qa-rounds/latest-map")
case("appraisal", "GET", "/qa-rounds/{qa_round_id}/pairs",
     query=lambda w: {"criterion": "behaviour", "academy_id": w.ids["academy_a"]})
case("appraisal", "GET", "/qa-rounds/{qa_round_id}/actions")
case("appraisal", "GET", "/qa-actions/{qa_action_id}")
case("appraisal", "GET", "/qa-coaching-links")
case("appraisal", "GET", "/qa-coaching-requests")
case("appraisal", "POST", "/qa-rounds", body=_qa_round)
case("appraisal", "POST", "/qa-rounds/series", body=lambda w: {
    "name": f"Six-weekly drop-ins {w.n()}", "template_id": w.ids["observation_template_id"], "academy_ids": [w.ids["academy_a"]],
    "starts_on": str(TODAY), "count": 2})
case("appraisal", "POST", "/qa-rounds/{qa_round_id}/actions", body=_qa_action, unchanged="/qa-rounds/{qa_round_id}/actions")
case("appraisal", "PATCH", "/qa-actions/{qa_action_id}", body=lambda w: {"status": "under_way"},
     unchanged="/qa-actions/{qa_action_id}")
case("appraisal", "POST", "/qa-coaching-requests", body=lambda w: {"criterion": "behaviour"})
case("appraisal", "POST", APPRAISAL + "/withdrawal", body=lambda w: {"reason": "Long-term absence"}, unchanged=APPRAISAL)

case("cpd", "GET", "/programmes")
case("cpd", "GET", "/programmes/{programme_id}")
case("cpd", "GET", "/programmes/{programme_id}/cohorts")
case("cpd", "GET", "/cohorts/{cohort_id}")
case("cpd", "GET", "/enrolments")
case("cpd", "GET", "/enrolments/{enrolment_id}")
case("cpd", "GET", "/agreements")
case("cpd", "GET", "/agreements/{agreement_id}")
case("cpd", "GET", "/settings")
case("cpd", "GET", "/budgets")
case("cpd", "GET", "/reports/spend", query=lambda w: {"year_starting": SCHOOL_YEAR})
case("cpd", "GET", "/plans")
case("cpd", "GET", "/plans/me")
case("cpd", "GET", "/plans/{plan_id}")
case("cpd", "GET", "/future-leaders")
case("cpd", "GET", "/future-leaders/{nomination_id}")
case("cpd", "GET", "/secondments")
case("cpd", "GET", "/secondments/{secondment_id}")
case("cpd", "POST", "/programmes", body=lambda w: {
    "title": f"Phonics refresher {w.n()}", "kind": "internal_course", "provider": "Oakfield English lead",
    "delivery_mode": "in_person", "cost": "0.00", "academy_id": w.ids["academy_a"]})
case("cpd", "PATCH", "/programmes/{programme_id}", body=lambda w: {"duration": "3 days"},
     unchanged="/programmes/{programme_id}")
case("cpd", "PUT", "/programmes/{programme_id}/active", body=lambda w: {"active": True},
     unchanged="/programmes/{programme_id}")
case("cpd", "POST", "/programmes/{programme_id}/cohorts", body=lambda w: {
    "name": f"Autumn {w.n()}", "starts_on": str(TODAY + timedelta(days=200)),
    "ends_on": str(TODAY + timedelta(days=230)), "capacity": 12})
case("cpd", "PATCH", "/cohorts/{cohort_id}", body=lambda w: {"location": "Oakfield library"},
     unchanged="/cohorts/{cohort_id}")
case("cpd", "PUT", "/settings", body=lambda w: {"approval_threshold": "500.00", "agreement_threshold": "1000.00",
                                                "repayment_schedule": [[12, 100], [24, 50]]}, unchanged="/settings")
case("cpd", "PUT", "/budgets/{academy_id}/{year_starting}", params={"academy_id": "academy_a",
                                                                     "year_starting": "school_year"},
     body=lambda w: {"amount": "25000.00"})
case("cpd", "POST", "/enrolments", body=lambda w: {"cohort_id": w.ids["cohort_id"], "reason": "Curriculum lead"})
case("cpd", "POST", "/enrolments/{enrolment_id}/approve", body=lambda w: {"note": "Good fit"},
     unchanged="/enrolments/{enrolment_id}")
case("cpd", "POST", "/enrolments/{enrolment_id}/decline", body=lambda w: {"note": "No cover that week"},
     unchanged="/enrolments/{enrolment_id}")
case("cpd", "POST", "/agreements/{agreement_id}/sign", unchanged="/agreements/{agreement_id}")
case("cpd", "POST", "/enrolments/{enrolment_id}/attendance", body=lambda w: {"percent": 100})
case("cpd", "POST", "/enrolments/{enrolment_id}/completion", body=lambda w: {"completed": True,
                                                                              "completed_on": str(TODAY)})
case("cpd", "POST", "/enrolments/{enrolment_id}/evaluation", body=lambda w: {
    "rating": 4, "notes": "Changed how we plan KS3"})
case("cpd", "POST", "/enrolments/{enrolment_id}/withdraw", body=lambda w: {"note": "Leaving the course"},
     unchanged="/enrolments/{enrolment_id}")
case("cpd", "GET", "/enrolments/{enrolment_id}/impact", params={"enrolment_id": "completed_enrolment_id"})
case("cpd", "PUT", "/enrolments/{enrolment_id}/impact/intent", params={"enrolment_id": "completed_enrolment_id"},
     body=lambda w: {"intent": "Wait five seconds after every question", "satisfaction": 4},
     unchanged="/enrolments/{enrolment_id}/impact")
case("cpd", "PUT", "/enrolments/{enrolment_id}/impact/seen", params={"enrolment_id": "completed_enrolment_id"},
     body=lambda w: {"rating": 4, "seen": "More pupils answer"}, unchanged="/enrolments/{enrolment_id}/impact")
case("cpd", "GET", "/impact/mine")
case("cpd", "GET", "/impact/checks")
case("cpd", "GET", "/impact/settings")
case("cpd", "PUT", "/impact/settings", body=lambda w: {"check_after_weeks": 6}, unchanged="/impact/settings")
case("cpd", "GET", "/reports/impact/{programme_id}")
case("cpd", "GET", "/reports/impact/{programme_id}.csv")
case("cpd", "POST", "/plans/me")
case("cpd", "POST", "/plans/{plan_id}/items", body=lambda w: {"title": f"Read 'Making every lesson count' {w.n()}"})
case("cpd", "POST", "/plans/{plan_id}/items/{item_id}/dismiss", unchanged="/plans/{plan_id}")
case("cpd", "POST", "/plans/{plan_id}/items/{item_id}/accept", unchanged="/plans/{plan_id}")
case("cpd", "POST", "/plans/{plan_id}/items/{item_id}/complete", unchanged="/plans/{plan_id}")
case("cpd", "POST", "/future-leaders", body=lambda w: {"staff_id": w.ids["staff_id"], "reason": "A natural leader"})
case("cpd", "POST", "/future-leaders/{nomination_id}/response", body=lambda w: {"accept": True},
     unchanged="/future-leaders/{nomination_id}")
case("cpd", "POST", "/future-leaders/{nomination_id}/shadowing", body=lambda w: {
    "host_staff_id": w.people["other_appraiser"]["id"], "focus": "Running a department",
    "starts_on": str(TODAY + timedelta(days=30)), "ends_on": str(TODAY + timedelta(days=32))})
case("cpd", "POST", "/secondments", body=_secondment)
case("cpd", "POST", "/secondments/{secondment_id}/cancel", unchanged="/secondments/{secondment_id}")

case("wellbeing", "GET", "/instruments")
case("wellbeing", "GET", "/instruments/{key}", params={"key": "instrument"})
case("wellbeing", "GET", "/me/surveys")
case("wellbeing", "GET", "/runs")
case("wellbeing", "GET", "/runs/{run_id}")
case("wellbeing", "GET", "/runs/{run_id}/questionnaire")
case("wellbeing", "GET", "/runs/{run_id}/progress", params={"run_id": "open_run"})
case("wellbeing", "GET", "/runs/{run_id}/report", params={"run_id": "closed_run"})
case("wellbeing", "GET", "/runs/{run_id}/report.csv", params={"run_id": "closed_run"})
case("wellbeing", "GET", "/runs/{run_id}/comments", params={"run_id": "closed_run"})
case("wellbeing", "GET", "/runs/{run_id}/drivers", params={"run_id": "closed_run"},
     query=lambda w: {"academy_id": w.ids["academy_a"]})
case("wellbeing", "GET", "/runs/{run_id}/conversations", params={"run_id": "closed_run"})
case("wellbeing", "POST", "/runs/{run_id}/replies", params={"run_id": "closed_run"},
     body=lambda w: {"comment_id": _comment_of_academy_a(w), "text": f"Thank you {w.n()}"})
case("wellbeing", "POST", "/runs/{run_id}/removals", params={"run_id": "closed_run"}, body=lambda w: {
    "message_id": w.ok("trust_hr", "wellbeing", "POST", f"/runs/{w.ids['closed_run']}/replies", json_body={
        "comment_id": _comment_of_academy_a(w), "text": "To remove"})["id"], "because": "A test"})
case("wellbeing", "POST", "/survey/replies", headers=lambda w: _replies_link(w),
     body=lambda w: {"answer": {"comment_id": str(uuid.uuid4()), "text": "Thank you"}})
case("wellbeing", "GET", "/runs/{run_id}/heatmap", params={"run_id": "closed_run"})
case("wellbeing", "GET", "/runs/{run_id}/priorities", params={"run_id": "closed_run"})
case("wellbeing", "GET", "/benchmarks")


def _figure(w: World) -> dict:
    return {"measure": "hse.demands", "statistic": "mean", "value": 3.2, "percentile": 50, "year": "2025",
            "source": "HSE Analysis Tool", "population": "its users", "licence": "Licensed to the trust"}


case("wellbeing", "POST", "/benchmarks", body=_figure)
case("wellbeing", "PATCH", "/benchmarks/{figure_id}", body=lambda w: {"value": 3.3}, unchanged="/benchmarks")
case("wellbeing", "POST", "/benchmarks/{figure_id}/retire", unchanged="/benchmarks")
case("wellbeing", "POST", "/runs", body=_run)
case("wellbeing", "PATCH", "/runs/{run_id}", body=lambda w: {"closes_on": str(TODAY + timedelta(days=14))},
     unchanged="/runs/{run_id}")
case("wellbeing", "POST", "/runs/{run_id}/link", params={"run_id": "open_run"})
case("wellbeing", "GET", "/survey", headers=lambda w: {"X-Survey-Token": _link_token(w)})
case("wellbeing", "PUT", "/survey/answers", headers=lambda w: {"X-Survey-Token": _link_token(w)},
     body=lambda w: {"answers": {"enps.recommend": 8}})
case("wellbeing", "POST", "/survey/submission", headers=lambda w: {"X-Survey-Token": _link_token(w)},
     body=lambda w: {"answers": {"enps.recommend": 8}})
case("wellbeing", "GET", "/pulses")
case("wellbeing", "GET", "/pulses/{series_id}")
case("wellbeing", "GET", "/pulses/{series_id}/trend")
case("wellbeing", "POST", "/pulses", body=_pulse)
case("wellbeing", "PATCH", "/pulses/{series_id}", body=lambda w: {"open_days": 10}, unchanged="/pulses/{series_id}")
case("wellbeing", "POST", "/pulses/{series_id}/pause", unchanged="/pulses/{series_id}")
case("wellbeing", "POST", "/pulses/{series_id}/resume", unchanged="/pulses/{series_id}")
case("wellbeing", "POST", "/pulses/{series_id}/end", unchanged="/pulses/{series_id}")
case("wellbeing", "POST", "/runs/{run_id}/schedule", unchanged="/runs/{run_id}")
case("wellbeing", "GET", "/actions")
case("wellbeing", "GET", "/me/actions")
case("wellbeing", "GET", "/actions/{action_id}")
case("wellbeing", "POST", "/actions", body=_action)
case("wellbeing", "PATCH", "/actions/{action_id}", body=lambda w: {"title": "Quieter Wednesdays"},
     unchanged="/actions/{action_id}")
case("wellbeing", "POST", "/actions/{action_id}/updates", body=lambda w: {"text": "Meetings moved"})
case("wellbeing", "POST", "/actions/{action_id}/publish")
case("wellbeing", "POST", "/runs/{run_id}/close", unchanged="/runs/{run_id}")
case("wellbeing", "GET", "/lifecycle")
case("wellbeing", "GET", "/lifecycle/leaving-reasons")
case("wellbeing", "PATCH", "/lifecycle/{kind}", params={"kind": "lifecycle_kind"}, body=lambda w: {"delay_days": 21},
     unchanged="/lifecycle")
case("wellbeing", "GET", "/feedback/settings")
case("wellbeing", "PUT", "/feedback/settings", body=lambda w: {"k": 3}, unchanged="/feedback/settings")
case("wellbeing", "GET", "/feedback/choices")
case("wellbeing", "GET", "/feedback/requests")
case("wellbeing", "POST", "/feedback/requests", body=_feedback_body)
case("wellbeing", "GET", "/feedback/requests/{request_id}", params={"request_id": "request_360"})
case("wellbeing", "POST", "/feedback/requests/{request_id}/share", params={"request_id": "request_360"},
     body=lambda w: {"shared": False}, unchanged="/feedback/requests/{request_id}")
case("wellbeing", "GET", "/feedback/asked")
case("wellbeing", "POST", "/feedback/requests/{request_id}/link", params={"request_id": "request_360"})
case("wellbeing", "GET", "/feedback/respond", headers=lambda w: {"X-Survey-Token": w.ids["feedback_token"]})
case("wellbeing", "POST", "/feedback/respond", headers=lambda w: {"X-Survey-Token": w.ids["feedback_token"]},
     body=lambda w: {"answers": {"fb360.calm": 4}})
case("wellbeing", "POST", "/feedback/requests/{request_id}/close", params={"request_id": "request_360"},
     unchanged="/feedback/requests/{request_id}")
case("wellbeing", "GET", "/feedback/rounds")
case("wellbeing", "POST", "/feedback/rounds", body=lambda w: {
    "title": "Upward feedback", "academy_id": w.ids["academy_a"], "closes_on": str(TODAY + timedelta(days=14))})
case("wellbeing", "GET", "/feedback/rounds/{round_id}")
case("wellbeing", "POST", "/feedback/rounds/{round_id}/close", unchanged="/feedback/rounds/{round_id}")

case("notifications", "GET", "/inbox")
case("notifications", "GET", "/inbox/unread-count")
case("notifications", "GET", "/preferences")
case("notifications", "GET", "/hr-contacts")
case("notifications", "GET", "/deliveries/dead")
case("notifications", "POST", "/inbox/{message_id}/read")
case("notifications", "POST", "/inbox/read-all")
case("notifications", "PUT", "/preferences", body=lambda w: {"email": {"cpd_updates": "digest"}})
case("notifications", "PUT", "/preferences/quiet-hours", body=lambda w: {"starts": "21:00", "ends": "07:00"})
case("notifications", "GET", "/preferences/quiet-hours")
case("notifications", "DELETE", "/preferences/quiet-hours")
case("notifications", "PUT", "/hr-contacts/trust", body=lambda w: {"staff_ids": [w.people["trust_hr"]["id"]]},
     unchanged="/hr-contacts")
case("notifications", "PUT", "/hr-contacts/{academy_id}", params={"academy_id": "academy_a"},
     body=lambda w: {"staff_ids": [w.people["academy_hr"]["id"]]}, unchanged="/hr-contacts")
case("notifications", "POST", "/deliveries/{delivery_id}/retry", unchanged="/deliveries/dead")
case("notifications", "POST", "/unsubscribe", query=_unsubscribe)
case("notifications", "GET", "/unsubscribe", query=_unsubscribe)

case("targets", "GET", "/targets")
case("targets", "GET", "/targets/{key}")
case("targets", "GET", "/targets/{key}/people", query=lambda w: {"academy_id": w.ids["academy_a"]})
case("targets", "GET", "/targets/{key}/trend")
case("targets", "PUT", "/targets/{key}", body=lambda w: {}, unchanged="/targets/{key}")
case("targets", "PATCH", "/targets/{key}", body=lambda w: {"threshold": 100, "at_risk_below": 90},
     unchanged="/targets/{key}")

# appraisal's cascade (issue 24): an academy A priority under a trust one, and an academy A objective template
def _cascade(w: World) -> None:
    w.ids["trust_priority"] = w.ok("trust_hr", "appraisal", "POST", "/priorities", json_body={
        "level": "trust", "school_year": SCHOOL_YEAR, "title": "Reading for pleasure", "description": "Every pupil"})["id"]
    w.ids["priority_id"] = _priority(w)
    w.ids["template_id"] = _template(w)


def _priority(w: World) -> str:
    return w.ok("academy_hr", "appraisal", "POST", "/priorities", json_body=_priority_body(w))["id"]


def _priority_body(w: World) -> dict:
    return {"level": "academy", "school_year": SCHOOL_YEAR, "title": f"KS3 reading {w.n()}", "description": "Reading",
            "academy_id": w.ids["academy_a"], "parent_id": w.ids["trust_priority"]}


def _template(w: World) -> str:
    return w.ok("academy_hr", "appraisal", "POST", "/objective-templates", json_body=_template_body(w))["id"]


def _template_body(w: World) -> dict:
    return {"title": f"Reading in every lesson {w.n()}", "type": "pupil_outcomes", "description": "Weekly reading",
            "success_criteria": "Book looks", "staff_group": "teachers", "academy_id": w.ids["academy_a"]}


case("appraisal", "GET", "/priorities")
case("appraisal", "GET", "/priorities/roll-up")
case("appraisal", "GET", "/priorities/{priority_id}")
case("appraisal", "POST", "/priorities", body=_priority_body)
case("appraisal", "PATCH", "/priorities/{priority_id}", body=lambda w: {"success_measure": "Reading ages up a year"},
     unchanged="/priorities/{priority_id}")
case("appraisal", "POST", "/priorities/{priority_id}/archive", fresh={"priority_id": _priority},
     unchanged="/priorities/{priority_id}")
case("appraisal", "DELETE", "/priorities/{priority_id}", fresh={"priority_id": _priority},
     unchanged="/priorities/{priority_id}")
case("appraisal", "GET", "/objective-templates")
case("appraisal", "POST", "/objective-templates", body=_template_body)
case("appraisal", "PATCH", "/objective-templates/{template_id}", body=lambda w: {"success_criteria": "Book looks"})
case("appraisal", "DELETE", "/objective-templates/{template_id}", fresh={"template_id": _template})
case("appraisal", "POST", "/objective-templates/apply", body=lambda w: {
    "template_ids": [w.ids["template_id"]], "appraisal_ids": [w.ids["appraisal_id"]]})

# cpd's statutory induction (issue 25): the staff member is an ECT in academy A, their appraiser their induction
# tutor, the other appraiser their mentor; one progress review recorded. Leaving, which ends it, comes last.
def _induction_terms(w: World) -> dict:
    return {"terms": [t for y in range(SCHOOL_YEAR - 1, SCHOOL_YEAR + 6) for t in (
        {"school_year": y, "number": 1, "starts_on": f"{y}-09-01", "ends_on": f"{y}-12-19"},
        {"school_year": y, "number": 2, "starts_on": f"{y + 1}-01-05", "ends_on": f"{y + 1}-04-01"},
        {"school_year": y, "number": 3, "starts_on": f"{y + 1}-04-19", "ends_on": f"{y + 1}-07-21"})]}


def _registration(w: World) -> dict:
    return {"staff_id": w.ids["staff_id"], "academy_id": w.ids["academy_a"], "qts_on": f"{SCHOOL_YEAR - 1}-07-15",
            "starts_on": f"{SCHOOL_YEAR - 1}-09-01", "fte": 1, "appropriate_body": "Teaching School Hub",
            "programme_type": "provider-led", "lead_provider": "Ambition Institute",
            "tutor_id": w.people["appraiser"]["id"], "mentor_id": w.people["other_appraiser"]["id"]}


def _induction_records(w: World) -> None:
    """The staff member's induction with one progress review; registered here, or already by the POST /inductions
    row (which runs first)."""
    w.ok("academy_hr", "cpd", "PUT", f"/academies/{w.ids['academy_a']}/term-dates", json_body=_induction_terms(w))
    registered = w.call("academy_hr", "cpd", "POST", "/inductions", json_body=_registration(w))
    made = registered.get_json() if registered.status_code == 201 else w.ok("staff", "cpd", "GET", "/inductions/mine")
    item = made["schedule"][0]
    w.ids.update(induction_id=made["id"], term_number=1)
    w.ids["review_id"] = w.ok("appraiser", "cpd", "POST", f"/inductions/{made['id']}/reviews", json_body={
        "kind": item["kind"], "school_year": item["school_year"], "term_number": item["term_number"],
        "held_on": item["due_on"], "outcome": "on track", "standards": {"TS4": "Well sequenced lessons"}})["reviews"][0]["id"]


INDUCTION = "/inductions/{induction_id}"
case("cpd", "GET", "/academies/{academy_id}/term-dates", params={"academy_id": "academy_a"})
case("cpd", "PUT", "/academies/{academy_id}/term-dates", params={"academy_id": "academy_a"}, body=_induction_terms,
     unchanged="/academies/{academy_id}/term-dates")
case("cpd", "GET", "/inductions")
case("cpd", "POST", "/inductions", body=_registration)
case("cpd", "GET", "/inductions/mine")
case("cpd", "GET", "/inductions/mentees")
case("cpd", "GET", "/inductions/tutoring")
case("cpd", "GET", "/inductions/mentor-training")  # issue 25: the mentor's own mentor training
case("cpd", "GET", INDUCTION)
case("cpd", "GET", INDUCTION + "/record.csv")
case("cpd", "GET", INDUCTION + "/record")
case("cpd", "PUT", INDUCTION + "/people", body=lambda w: {"tutor_id": w.people["appraiser"]["id"],
                                                          "mentor_id": w.people["other_appraiser"]["id"]},
     unchanged=INDUCTION)
case("cpd", "POST", INDUCTION + "/absences", body=lambda w: {
    "starts_on": f"{SCHOOL_YEAR - 1}-10-06", "ends_on": f"{SCHOOL_YEAR - 1}-10-07", "leave": "sickness"},
     unchanged=INDUCTION)
case("cpd", "POST", INDUCTION + "/posts", body=lambda w: {"school": "Academy A", "starts_on": str(TODAY), "fte": 1},
     unchanged=INDUCTION)
case("cpd", "PUT", INDUCTION + "/timetable/{school_year}/{term_number}", body=lambda w: {"percent": 80},
     unchanged=INDUCTION)
case("cpd", "POST", INDUCTION + "/reviews", body=lambda w: {
    "kind": "progress_review", "school_year": SCHOOL_YEAR - 1, "term_number": 1, "held_on": f"{SCHOOL_YEAR - 1}-12-10",
    "outcome": "on track", "standards": {"TS1": "High expectations"}}, unchanged=INDUCTION)
case("cpd", "POST", INDUCTION + "/reviews/{review_id}/signatures", body=lambda w: {"signing_as": "ect"},
     unchanged=INDUCTION)
case("cpd", "POST", INDUCTION + "/decision", body=lambda w: {"decision": "passed", "decided_on": str(TODAY)},
     unchanged=INDUCTION)
case("cpd", "POST", INDUCTION + "/leaving", body=lambda w: {"left_on": str(TODAY)}, unchanged=INDUCTION)


def _npq_registration(w: World) -> dict:
    return {"staff_id": w.ids["staff_id"], "course": "NPQH", "lead_provider": "Ambition Institute",
            "cohort_starts_on": str(TODAY - timedelta(days=100)), "funding": "scholarship"}


def _npq_place(w: World) -> None:
    """The staff member's place on the NPQ for Headship: registered here, or already by the POST /npq-places row."""
    registered = w.call("academy_hr", "cpd", "POST", "/npq-places", json_body=_npq_registration(w))
    w.ids["place_id"] = (registered.get_json()["id"] if registered.status_code == 201
                             else w.ok("staff", "cpd", "GET", "/npq-places/mine")[0]["id"])


NPQ = "/npq-places/{place_id}"
case("cpd", "GET", "/npq-courses")
case("cpd", "GET", "/npq-places")
case("cpd", "POST", "/npq-places", body=_npq_registration)
case("cpd", "GET", "/npq-places/mine")
case("cpd", "GET", NPQ)
case("cpd", "POST", NPQ + "/provider", body=lambda w: {"news": "accepted"}, unchanged=NPQ)
case("cpd", "PUT", NPQ + "/funding", body=lambda w: {"funding": "academy"}, unchanged=NPQ)
case("cpd", "POST", NPQ + "/outcome", body=lambda w: {"outcome": "passed", "completed_on": str(TODAY)}, unchanged=NPQ)

# Last: these change who the staff member is.
case("directory", "POST", "/staff/{staff_id}/promotion", body=lambda w: {
    "post": w.people["staff"]["post"], "staff_type": w.people["staff"]["staff_type"],
    "effective_date": str(TODAY + timedelta(days=30))}, unchanged="/staff/{staff_id}")
case("directory", "POST", "/staff/{staff_id}/leaving", body=lambda w: {
    "leaving_date": str(TODAY + timedelta(days=365)), "reason": "Relocating"}, unchanged="/staff/{staff_id}")


# -- the checks ------------------------------------------------------------------------------------------

def test_the_table_covers_exactly_the_documented_endpoints():
    table, documented = set(load_table()), documented_endpoints()
    missing = sorted(documented - table)
    extra = sorted(table - documented)
    assert not missing and not extra, (
        "authorisation.csv must have one row per documented endpoint.\n"
        + "".join(f"  no row for {s} {m} {p}\n" for s, m, p in missing)
        + "".join(f"  row for an endpoint that is not documented: {s} {m} {p}\n" for s, m, p in extra))
    assert set(CASES) == table, f"no call written for: {sorted(table - set(CASES))}; " \
                                f"calls for no row: {sorted(set(CASES) - table)}"


def test_the_table_says_allow_or_deny_for_every_role_and_bad_tokens_are_denied_off_the_public_endpoints():
    wrong = []
    for key, row in load_table().items():
        wrong += [f"{key} {role}={row[role]!r}" for role in ROLES if row[role] not in ("allow", "deny")]
        public = row["no_token"] == "allow"
        if not public:
            wrong += [f"{key} {role} must be deny (only public endpoints take no token)" for role in BAD_TOKENS
                      if row[role] != "deny"]
    assert not wrong, "\n".join(wrong)


def _fill(path: str, values: dict) -> str:
    for name, value in values.items():
        path = path.replace("{" + name + "}", str(value))
    assert "{" not in path, f"no value for a path parameter of {path}"
    return path


def test_every_role_gets_what_the_table_says_on_every_endpoint(world: World):
    table = load_table()
    mismatches, changed = [], []
    for key, how in CASES.items():
        service, method, template = key
        row = table[key]
        params = {name: world.ids[how.params.get(name, name)] for name in _names(template)}
        denied = [r for r in ROLES if row[r] == "deny"]
        before = _get(world, service, _fill(how.unchanged, params)) if how.unchanged else None
        for role in denied + [r for r in ROLES if r not in denied]:
            fresh = how.fresh if row[role] == "allow" else {}  # a denied call finds the record as it is
            values = {**params, **{name: make(world) for name, make in fresh.items()},
                      **{name: make(world, role) for name, make in (how.fresh_by_caller if row[role] == "allow"
                                                                   else {}).items()}}
            response = world.call(role, service, method, _fill(template, values),
                                  json_body=how.body(world) if how.body else None,
                                  query=how.query(world) if how.query else None,
                                  headers=how.headers(world) if how.headers else None,
                                  data=how.csv(world) if how.csv else None,
                                  content_type="text/csv" if how.csv else None)
            status = response.status_code
            got = "deny" if status in (401, 403, 404) else "allow"
            if role in BAD_TOKENS and row["no_token"] == "deny" and status != 401:
                got = f"{status}, not 401"
            if got != row[role] or status >= 500:
                detail = response.get_data(as_text=True)[:160].replace("\n", " ")
                mismatches.append(f"{service} {method} {template} as {role}: expected {row[role]}, got {status} "
                                  f"({detail})")
            if before is not None and denied and role == denied[-1]:
                after = _get(world, service, _fill(how.unchanged, params))
                if after != before:
                    changed.append(f"{service} {method} {template}: the denied calls changed {how.unchanged}")
    assert not mismatches and not changed, (
        f"{len(mismatches)} call(s) not as authorisation.csv says, {len(changed)} denial(s) that changed something:\n"
        + "\n".join(mismatches + changed))


def _names(template: str) -> list[str]:
    return [part[1:-1] for part in template.replace(".", "/").split("/") if part.startswith("{")]


def _get(world: World, service: str, path: str):
    response = world.call("trust_hr", service, "GET", path)
    assert response.status_code == 200, f"GET /{service}{path}: {response.status_code}"
    return response.get_json()
