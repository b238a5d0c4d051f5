"""Outside tester, issue 24: whoever held the mail spool answered with two peers' emailed links and read the third
peer's answers off the report. A member of staff's invitation now carries no link; they see what they are asked to
answer in Staffroom and choose "Answer now", which makes a fresh link for their own invitation (voiding any earlier
one) and gives it to their signed-in browser only. Nobody else can get it."""
import uuid

import pytest

from wellbeing.service.respond import token_hash

from .test_feedback import CLOSES, School, rated


@pytest.fixture
def school(client, db, tokens):
    return School(client, db, tokens)


def _asked(school, person) -> list[dict]:
    found = school.client.get("/feedback/asked", headers=school.as_(person))
    assert found.status_code == 200, found.get_json()
    return found.get_json()


def test_a_staff_rater_is_emailed_no_link_and_answers_through_answer_now(school, client):
    peers = school.team[1:4]
    request = school.ask(peers).get_json()
    issued = [e["payload"] for e in school.db.events("wellbeing.invitation_issued")]
    assert len(issued) == 4 and all(p["sealed_link"] is None and p["answer_in_staffroom"] for p in issued)
    [mine] = _asked(school, peers[0])
    assert mine == {"request_id": request["id"], "title": "Feedback for T0 Teacher", "about": "T0 Teacher",
                    "kind": "360", "category": "peers", "category_name": "Peers", "closes_on": CLOSES,
                    "answered": False, "open": True}
    assert _asked(school, school.me) == [] and _asked(school, school.team[4]) == []  # the subject; someone not asked
    link = school.answer_now(request["id"], peers[0]["staff_id"])
    assert link.startswith("http") and "/feedback/respond#token=" in link
    token = link.split("#token=")[1]
    form = client.get("/feedback/respond", headers={"X-Survey-Token": token}).get_json()
    assert form["subject"] == "T0 Teacher" and form["category"] == "peers"
    assert school.answer(token, rated(4, "Keeps the team calm")).status_code == 204
    assert _asked(school, peers[0])[0]["answered"] is True
    again = client.post(f"/feedback/requests/{request['id']}/link", headers=school.as_(peers[0]))
    assert again.status_code == 409 and again.content_type == "application/problem+json"
    assert again.get_json()["detail"] == "you have already given this feedback"
    # no news of "Answer now": in notifications and the mail spool it named who answered (outsider O8)
    assert not [e for e in school.db.events("wellbeing.invitation_issued") if e["payload"]["reissued"]]
    assert token not in str(school.db.snapshot()) + str(school.db.rows("feedback_invitations"))


def test_answer_now_voids_the_link_before_it(school, client):
    request = school.ask(school.team[1:4]).get_json()
    rater = school.team[1]["staff_id"]
    first = school.answer_now(request["id"], rater).split("#token=")[1]
    second = school.answer_now(request["id"], rater).split("#token=")[1]
    assert client.get("/feedback/respond", headers={"X-Survey-Token": first}).status_code == 404
    assert school.answer(first, rated(1)).status_code == 404
    assert school.answer(second, rated(5)).status_code == 204


def test_nobody_but_the_rater_gets_their_link_and_asking_changes_nothing(school, client):
    """The subject, another member of staff, the subject's line manager when not asked, academy and trust HR: all
    told the request does not exist, in plain words; nothing is written or published."""
    request = school.ask(school.team[1:4], line_manager=False).get_json()
    path = f"/feedback/requests/{request['id']}/link"
    before, events = school.db.rows("feedback_invitations"), len(school.db.events("wellbeing.invitation_issued"))
    for headers in (school.as_(school.me), school.as_(school.team[4]), school.as_(school.manager), school.hr(),
                    school.hr(trust=True)):
        refused = client.post(path, headers=headers)
        assert refused.status_code == 404 and refused.content_type == "application/problem+json"
        assert refused.get_json()["detail"] == "you were not asked to give this feedback"
    assert client.post(f"/feedback/requests/{uuid.uuid4()}/link", headers=school.as_(school.team[1])).status_code == 404
    assert client.post(path).status_code == 401
    assert school.db.rows("feedback_invitations") == before
    assert len(school.db.events("wellbeing.invitation_issued")) == events


def test_answer_now_is_refused_once_the_request_has_closed(school, client):
    request = school.ask(school.team[1:4]).get_json()
    assert client.post(f"/feedback/requests/{request['id']}/close", headers=school.as_(school.me)).status_code == 200
    assert _asked(school, school.team[1]) == []  # a closed request is no longer listed
    closed = client.post(f"/feedback/requests/{request['id']}/link", headers=school.as_(school.team[1]))
    assert closed.status_code == 409 and "closed" in closed.get_json()["detail"]


def test_a_link_emailed_before_the_change_works_until_answer_now_replaces_it(school, client, db):
    """Requests open at the upgrade keep the links their raters were emailed until they close (decided: voiding
    them would leave raters with a link that says "not found"); "Answer now" voids such a link too."""
    request = school.ask(school.team[1:4]).get_json()
    rater = school.team[1]
    emailed = "emailed-before-the-change-" + "x" * 18
    with db.context.engine.begin() as conn:  # as an invitation made before stood: its token's hash, emailed sealed
        conn.exec_driver_sql("UPDATE feedback_invitations SET token_hash = ? WHERE staff_id = ?",
                             (token_hash(emailed), rater["staff_id"].hex))
    assert client.get("/feedback/respond", headers={"X-Survey-Token": emailed}).status_code == 200
    fresh = school.answer_now(request["id"], rater["staff_id"]).split("#token=")[1]
    assert school.answer(emailed, rated(2)).status_code == 404
    assert school.answer(fresh, rated(2)).status_code == 204


def test_an_upward_rounds_direct_report_sees_whom_it_is_about_and_answers_now(school, client):
    opened = client.post("/feedback/rounds", headers=school.hr(), json={
        "title": "Spring upward feedback", "academy_id": str(school.academy), "closes_on": CLOSES})
    assert opened.status_code == 201, opened.get_json()
    [part] = opened.get_json()["requests"]
    [mine] = _asked(school, school.team[2])
    assert (mine["request_id"], mine["about"], mine["kind"], mine["category_name"]) == (
        part["request_id"], "Mo Head", "upward", "Direct reports")
    assert _asked(school, school.manager) == []  # asked about, not asked to answer
    token = school.answer_now(part["request_id"], school.team[2]["staff_id"]).split("#token=")[1]
    assert school.answer(token, rated(3, prefix="upward")).status_code == 204
