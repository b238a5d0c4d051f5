"""Who may do what: reviewees their own, appraisers their reviewees', academy HR their academy, trust HR all.

Someone with no relation to an appraisal gets 404, as if it did not exist: never its content, never a hint.
Someone related but in the wrong part gets 403. A refused request changes nothing.
"""
import uuid
from datetime import date

import pytest

from staffroom_shared.events import new_event, parse_event

CONFIDENTIAL = {"support_plan", "support_plan_notes"}
EVERYONE = ["teacher", "hod", "head", "other_teacher", "ta", "oak_hr", "elm_hr", "trust_hr", "elm_teacher", "elm_head"]


@pytest.fixture
def toms(client, trust, steps):
    """Tom's appraisal (appraiser: Dev, his head of department), with a confidential support plan."""
    a = steps.started()
    steps.ok(client.put(f"/appraisals/{a['id']}/support-plan", json={"support_plan": True, "notes": "Weekly coaching"},
                        headers=trust.hod.headers))
    return a


@pytest.fixture
def unchanged(db, trust):
    """Asserts after the test that no table changed (taken once the fixtures before it have run)."""
    state = {}

    def mark():
        state["before"] = db.snapshot()

    yield mark
    assert "before" in state, "call unchanged() once the scene is set"
    assert db.snapshot() == state["before"]


# -- reading one appraisal -------------------------------------------------------------------------

READERS = {"teacher": True, "hod": True, "oak_hr": True, "trust_hr": True,
           "head": False, "other_teacher": False, "ta": False, "elm_hr": False, "elm_teacher": False, "elm_head": False}


@pytest.mark.parametrize("who,sees", READERS.items())
def test_who_can_read_an_appraisal(client, trust, toms, problem, who, sees):
    person = getattr(trust, who)
    response = client.get(f"/appraisals/{toms['id']}", headers=person.headers)
    if sees:
        assert response.status_code == 200 and response.json["reviewee_id"] == trust.teacher.id
    else:
        body = problem(response, 404)
        text = response.get_data(as_text=True)
        assert "Taylor" not in text and trust.teacher.id not in text and "coaching" not in text
        assert body["detail"] == f"there is no appraisal with id {toms['id']}"


@pytest.mark.parametrize("path", ["", "/meetings.ics", "/record"])
def test_a_colleague_gets_404_for_every_view_of_someone_elses_appraisal(client, trust, toms, problem, path):
    body = problem(client.get(f"/appraisals/{toms['id']}{path}", headers=trust.other_teacher.headers), 404)
    assert body["detail"] == f"there is no appraisal with id {toms['id']}"


def test_an_unknown_appraisal_and_a_forbidden_one_look_the_same(client, trust, toms, problem):
    hidden = problem(client.get(f"/appraisals/{toms['id']}", headers=trust.other_teacher.headers), 404)
    missing_id = uuid.uuid4()
    missing = problem(client.get(f"/appraisals/{missing_id}", headers=trust.other_teacher.headers), 404)
    assert hidden["detail"].replace(toms["id"], "X") == missing["detail"].replace(str(missing_id), "X")


@pytest.mark.parametrize("who,sees_plan", [("teacher", False), ("hod", True), ("oak_hr", True), ("trust_hr", True)])
def test_the_support_plan_is_for_the_appraiser_and_hr_only(client, trust, toms, who, sees_plan):
    view = client.get(f"/appraisals/{toms['id']}", headers=getattr(trust, who).headers).json
    if sees_plan:
        assert (view["support_plan"], view["support_plan_notes"]) == (True, "Weekly coaching")
    else:
        assert CONFIDENTIAL.isdisjoint(view) and "coaching" not in str(view)


def test_the_reviewee_does_not_see_the_support_plan_in_responses_to_their_own_writes(client, trust, toms, steps):
    objective = steps.add_objective(toms, trust.hod)
    view = steps.ok(client.patch(f"/appraisals/{toms['id']}/objectives/{objective['id']}", json={"title": "New"},
                                 headers=trust.teacher.headers))
    assert CONFIDENTIAL.isdisjoint(view)
    view = steps.agree(toms, trust.teacher)
    assert CONFIDENTIAL.isdisjoint(view)


def test_an_hr_officer_does_not_act_as_hr_on_their_own_appraisal(client, trust, steps, problem, unchanged):
    a = steps.started(person_key="oak_hr", template="support")
    steps.ok(client.put(f"/appraisals/{a['id']}/support-plan", json={"support_plan": True, "notes": "Coaching"},
                        headers=trust.head.headers))
    unchanged()
    view = steps.get(a["id"], trust.oak_hr)
    assert CONFIDENTIAL.isdisjoint(view)
    problem(client.post(f"/appraisals/{a['id']}/withdrawal", json={"reason": "Busy"}, headers=trust.oak_hr.headers), 403)
    problem(client.put(f"/appraisals/{a['id']}/appraiser", json={"appraiser_id": trust.hod.id},
                       headers=trust.oak_hr.headers), 403)


# -- listing ---------------------------------------------------------------------------------------

@pytest.fixture
def both_academies(steps):
    """A trust-wide teachers' cycle: Oak's hod, teacher and other teacher; Elm's teacher."""
    cycle = steps.cycle("teachers", academy=None)
    steps.open(cycle)
    return cycle


def reviewees(client, trust, who, query=""):
    response = client.get(f"/appraisals?{query}", headers=getattr(trust, who).headers)
    assert response.status_code == 200, response.json
    ids = {p.id: name for name, p in vars(trust).items() if hasattr(p, "headers")}
    return sorted(ids[item["reviewee_id"]] for item in response.json["items"])


@pytest.mark.parametrize("who,expected", [
    ("teacher", ["teacher"]), ("hod", ["hod", "teacher"]), ("head", ["hod", "other_teacher"]),
    ("ta", []), ("oak_hr", ["hod", "other_teacher", "teacher"]), ("elm_hr", ["elm_teacher"]),
    ("trust_hr", ["elm_teacher", "hod", "other_teacher", "teacher"]),
])
def test_the_list_shows_only_what_each_person_may_see(client, trust, both_academies, who, expected):
    assert reviewees(client, trust, who) == expected


def test_a_member_of_staff_filtering_for_someone_else_sees_nothing(client, trust, both_academies):
    assert reviewees(client, trust, "teacher", f"reviewee_id={trust.other_teacher.id}") == []
    assert reviewees(client, trust, "teacher", f"academy_id={trust.elm}") == []


def test_academy_hr_cannot_list_another_academy(client, trust, both_academies, problem):
    problem(client.get(f"/appraisals?academy_id={trust.elm}", headers=trust.oak_hr.headers), 403)


# -- who may write what ----------------------------------------------------------------------------

def write(client, trust, a, action):
    """The request for each kind of write, on appraisal `a` at the right stage for it."""
    url = f"/appraisals/{a['id']}"
    objective_id = a["objectives"][0]["id"] if a["objectives"] else uuid.uuid4()
    return {
        "reassign": lambda h: client.put(f"{url}/appraiser", json={"appraiser_id": trust.head.id}, headers=h),
        "withdraw": lambda h: client.post(f"{url}/withdrawal", json={"reason": "Long-term absence"}, headers=h),
        "add objective": lambda h: client.post(f"{url}/objectives", json={
            "title": "T", "description": "D", "type": "wellbeing", "success_criteria": "S"}, headers=h),
        "support plan": lambda h: client.put(f"{url}/support-plan", json={"support_plan": True}, headers=h),
        "observation": lambda h: client.post(f"{url}/observations", json={
            "kind": "learning_walk", "observed_on": date.today().isoformat(), "focus": "Behaviour",
            "observer_id": trust.head.id}, headers=h),
        "meeting": lambda h: client.post(f"{url}/meetings", json={
            "kind": "objective_setting", "starts_at": "2026-10-05T15:30:00+01:00", "location": "Room 4"}, headers=h),
        "mid-year review": lambda h: client.post(f"{url}/reviews/mid-year", json={
            "assessments": {o["id"]: {"rating": "met"} for o in a["objectives"]},
            "overall_outcome": "meets_expectations"}, headers=h),
        "comment": lambda h: client.put(f"{url}/reviews/mid-year/comments", json={"comments": "Agreed"}, headers=h),
        "sign off": lambda h: client.post(f"{url}/sign-off", json={}, headers=h),
        "progress": lambda h: client.post(f"{url}/objectives/{objective_id}/progress", json={"note": "n"}, headers=h),
    }[action]


STAGE_FOR = {"reassign": "started", "withdraw": "started", "add objective": "started", "support plan": "started",
             "observation": "started", "meeting": "started", "mid-year review": "objectives_agreed",
             "progress": "objectives_agreed", "comment": "mid_year_reviewed", "sign off": "end_of_year_reviewed"}

# Who may do each write to Tom's appraisal (the reviewee is Tom, the appraiser Dev the hod).
ALLOWED = {
    "reassign": {"oak_hr", "trust_hr"},
    "withdraw": {"oak_hr", "trust_hr"},
    "add objective": {"teacher", "hod"},
    "progress": {"teacher", "hod"},
    "support plan": {"hod", "oak_hr", "trust_hr"},
    "observation": {"hod", "oak_hr", "trust_hr"},
    "meeting": {"hod", "oak_hr", "trust_hr"},
    "mid-year review": {"hod"},
    "comment": {"teacher"},
    "sign off": {"teacher"},
}
RELATED = {"teacher", "hod", "oak_hr", "trust_hr"}
WRITERS = ["teacher", "hod", "oak_hr", "trust_hr", "other_teacher", "elm_hr"]


def at_stage(steps, stage):
    a = getattr(steps, stage)()
    return steps.get(a["id"], steps.trust.trust_hr)


@pytest.mark.parametrize("action", ALLOWED)
@pytest.mark.parametrize("who", WRITERS)
def test_write_matrix(client, db, trust, steps, problem, action, who):
    a = at_stage(steps, STAGE_FOR[action])
    before = db.snapshot()
    response = write(client, trust, a, action)(getattr(trust, who).headers)
    if who in ALLOWED[action]:
        assert response.status_code in (200, 201), response.get_data(as_text=True)
        assert db.snapshot() != before
        return
    problem(response, 403 if who in RELATED else 404)
    assert db.snapshot() == before


# -- the QA map on the targets dashboard (issue 24) --------------------------------------------------

# Who may read the dashboard's map of an Oak-only round: HR and Oak's line managers (a map each made from whom they
# may see); staff who manage nobody 403; at Elm no round has started (Oak's is not theirs to see): 404.
DASHBOARD_MAP = {"trust_hr": 200, "oak_hr": 200, "head": 200, "hod": 200, "teacher": 403, "ta": 403,
                 "other_teacher": 403, "elm_hr": 404, "elm_head": 404, "elm_teacher": 404}


@pytest.mark.parametrize("who,status", DASHBOARD_MAP.items())
def test_who_reads_the_dashboard_s_qa_map(client, trust, steps, problem, unchanged, who, status):
    template = steps.ok(client.post("/observation-templates", json={
        "name": "Drop-in", "kind": "drop_in", "criteria": [{"key": "adaptive", "label": "Adaptive teaching", "grades": [
            {"label": "Secure", "band": "strength"}, {"label": "Not yet", "band": "intervention"}]}]},
        headers=trust.trust_hr.headers), 201)
    steps.ok(client.post("/qa-rounds", json={"name": "Autumn 2", "template_id": template["id"], "academy_ids": [trust.oak],
                                             "starts_on": date.today().isoformat(),
                                             "ends_on": date.today().isoformat()}, headers=trust.oak_hr.headers), 201)
    unchanged()
    response = client.get("/qa-rounds/latest-map", headers=getattr(trust, who).headers)
    if status == 200:
        assert response.status_code == 200 and response.json["round"]["name"] == "Autumn 2", response.json
    else:
        assert "Autumn" not in str(problem(response, status))


# -- an appraiser loses access when HR reassigns the appraisal -------------------------------------

def test_an_appraiser_loses_access_when_hr_reassigns_the_appraisal(client, trust, steps, problem):
    a = steps.objectives_agreed()
    url = f"/appraisals/{a['id']}"
    assert client.get(url, headers=trust.hod.headers).status_code == 200
    steps.ok(client.put(f"{url}/appraiser", json={"appraiser_id": trust.head.id}, headers=trust.oak_hr.headers))

    problem(client.get(url, headers=trust.hod.headers), 404)
    problem(client.get(f"{url}/record", headers=trust.hod.headers), 404)
    problem(client.post(f"{url}/reviews/mid-year", json=steps.review_body(a["id"]), headers=trust.hod.headers), 404)
    assert [i["id"] for i in client.get("/appraisals", headers=trust.hod.headers).json["items"]] != [a["id"]]
    assert a["id"] not in {i["id"] for i in client.get("/appraisals", headers=trust.hod.headers).json["items"]}

    # The new appraiser has it, confidential parts included, and completes the review.
    view = steps.get(a["id"], trust.head)
    assert view["appraiser_id"] == trust.head.id and "support_plan" in view
    steps.review(a, "mid-year", trust.head)


def test_a_new_line_manager_takes_over_and_the_old_one_loses_access(app, client, db, trust, steps, problem):
    from appraisal.service.handlers import on_staff_changed

    a = steps.started()
    tom = db.rows("staff", staff_id=uuid.UUID(trust.teacher.id))[0]
    payload = {**tom, "line_manager_id": uuid.UUID(trust.head.id), "fte": "1.00", "changed": ["line_manager_id"]}
    # As the consumer hands it over: validated against its contract on the way in.
    event = parse_event(new_event("staff.updated", payload, producer="directory", correlation_id="test",
                                  academy_id=tom["academy_id"]).to_dict())
    uow = app.extensions["staffroom"].uow()
    with uow:
        on_staff_changed(uow, event)
        uow.commit()
    problem(client.get(f"/appraisals/{a['id']}", headers=trust.hod.headers), 404)
    assert steps.get(a["id"], trust.head)["appraiser_id"] == trust.head.id


# -- cycles and reports are for HR -----------------------------------------------------------------

@pytest.mark.parametrize("who,academy,status", [
    ("teacher", "oak", 403), ("hod", "oak", 403), ("elm_hr", "oak", 403), ("oak_hr", None, 403),
    ("oak_hr", "oak", 201), ("trust_hr", None, 201), ("trust_hr", "elm", 201),
])
def test_who_can_set_up_a_cycle(client, trust, key_dates, who, academy, status):
    body = {"name": "2026/27 teachers", "template": "teachers",
            "academy_id": getattr(trust, academy) if academy else None, **key_dates()}
    response = client.post("/cycles", json=body, headers=getattr(trust, who).headers)
    assert response.status_code == status, response.json


@pytest.mark.parametrize("who,status", [("teacher", 403), ("hod", 403), ("elm_hr", 403), ("oak_hr", 200)])
def test_only_hr_for_the_academy_opens_and_closes_its_cycle(client, trust, steps, problem, who, status):
    cycle = steps.cycle()
    response = client.post(f"/cycles/{cycle['id']}/open", headers=getattr(trust, who).headers)
    assert response.status_code == status
    if status == 200:
        assert client.post(f"/cycles/{cycle['id']}/close", headers=getattr(trust, who).headers).status_code == 200


@pytest.mark.parametrize("path", ["/cycles/{id}/completion", "/cycles/{id}/completion.csv",
                                  "/reports/untrained-appraisers"])
@pytest.mark.parametrize("who", ["teacher", "hod", "head"])
def test_reports_are_for_hr(client, trust, steps, problem, path, who):
    cycle = steps.cycle()
    problem(client.get(path.format(id=cycle["id"]), headers=getattr(trust, who).headers), 403)


def test_staff_see_cycles_for_their_academy_and_the_trust_only(client, trust, steps):
    oak, elm, trust_wide = steps.cycle(academy="oak"), steps.cycle(academy="elm"), steps.cycle(academy=None)
    listed = {c["id"] for c in client.get("/cycles", headers=trust.teacher.headers).json}
    assert listed == {oak["id"], trust_wide["id"]}
    assert client.get(f"/cycles/{elm['id']}", headers=trust.teacher.headers).status_code == 404
    assert client.get(f"/cycles/{oak['id']}", headers=trust.teacher.headers).status_code == 200


def test_each_read_of_a_support_plan_is_audited_with_who_read_it(client, db, trust, toms):
    """Issue 21: reads of support plans are audited too (who, when); a read that shows no plan is not."""
    def reads():
        return [(r["actor"], r["action"]) for r in db.audit(toms["id"]) if r["action"] == "support_plan.read"]

    assert reads() == [(str(trust.hod.id), "support_plan.read")]  # the answer to setting it showed it
    assert client.get(f"/appraisals/{toms['id']}", headers=trust.hod.headers).json["support_plan"] is True
    assert client.get(f"/appraisals/{toms['id']}/record", headers=trust.oak_hr.headers).status_code == 200
    assert reads()[1:] == [(str(trust.hod.id), "support_plan.read"), (str(trust.oak_hr.id), "support_plan.read")]
    # the reviewee is not shown the plan, so nothing is recorded; a HEAD shows nothing either (outsider 9)
    assert "support_plan" not in client.get(f"/appraisals/{toms['id']}", headers=trust.teacher.headers).json
    assert client.head(f"/appraisals/{toms['id']}", headers=trust.hod.headers).status_code == 200
    assert len(reads()) == 3
    # a change's answer that shows the plan is a read of it, and so are notes kept once the plan has ended
    # (outsider 9: both showed the notes unaudited)
    client.put(f"/appraisals/{toms['id']}/support-plan", json={"support_plan": False, "notes": "Ended in May"},
               headers=trust.hod.headers)
    assert len(reads()) == 4
    shown = client.get(f"/appraisals/{toms['id']}", headers=trust.oak_hr.headers).json
    assert shown["support_plan_notes"] == "Ended in May" and len(reads()) == 5
    # the printable record shows no notes without a plan, so its reading is not one (outsider 10)
    record = client.get(f"/appraisals/{toms['id']}/record", headers=trust.hod.headers).get_data(as_text=True)
    assert "Ended in May" not in record and len(reads()) == 5
    # and trust HR (or the DPO) finds them in the audit log
    log = client.get(f"/audit?entity_id={toms['id']}&action=support_plan.read",
                     headers=trust.trust_hr.headers).json
    assert [e["actor"] for e in log["items"]] == [str(trust.oak_hr.id), str(trust.hod.id), str(trust.oak_hr.id),
                                                  str(trust.hod.id), str(trust.hod.id)]
