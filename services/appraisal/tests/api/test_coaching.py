"""Coaching action steps, notice periods and observations as evidence over HTTP (issue 24): who writes and reads
them, and how they show in the appraisal and on its printable record."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

TODAY = date.today()
GRADED = {"key": "behaviour", "label": "Behaviour and routines", "grades": [
    {"label": "Secure", "band": "strength"}, {"label": "Not yet", "band": "intervention"}]}
UNGRADED = {"key": "questioning", "label": "Questioning in class", "grades": []}


@pytest.fixture
def unchanged(db):
    state = {}

    def mark():
        state["before"] = db.snapshot()

    yield mark
    assert "before" in state, "call unchanged() once the scene is set"
    assert db.snapshot() == state["before"]


def template(client, steps, who, **more) -> dict:
    body = {"name": "Lesson observation", "kind": "lesson_observation", "criteria": [GRADED, UNGRADED], **more}
    return steps.ok(client.post("/observation-templates", json=body, headers=who.headers), 201)


def test_the_appraiser_agrees_an_action_step_the_teacher_reads_it_and_later_its_follow_up(client, trust, steps, db):
    a = steps.started()
    url = f"/appraisals/{a['id']}/action-steps"
    made = steps.ok(client.post(url, json={"step": "Cold call after every explanation",
                                           "follow_up_on": (TODAY + timedelta(days=14)).isoformat()},
                                headers=trust.hod.headers), 201)
    assert made["agreed_on"] == TODAY.isoformat() and made["followed_up_on"] is None and made["set_by"] == trust.hod.id
    [seen] = steps.get(a["id"], trust.teacher)["action_steps"]
    assert seen["step"] == "Cold call after every explanation"
    followed = steps.ok(client.post(f"{url}/{made['id']}/follow-up", json={"seen": "Cold calling all lesson"},
                                    headers=trust.hod.headers))
    assert followed["followed_up_on"] == TODAY.isoformat() and followed["seen_at_follow_up"] == "Cold calling all lesson"
    assert steps.get(a["id"], trust.teacher)["action_steps"][0]["seen_at_follow_up"] == "Cold calling all lesson"
    assert [r["action"] for r in db.rows("audit_log", entity_id=a["id"])][-2:] == [
        "agree_a_coaching_action_step", "follow_up_a_coaching_action_step"]


def test_the_teacher_cannot_write_action_steps_and_a_second_follow_up_is_409(client, trust, steps, problem, unchanged):
    a = steps.started()
    url = f"/appraisals/{a['id']}/action-steps"
    made = steps.ok(client.post(url, json={"step": "Model it first", "follow_up_on": TODAY.isoformat()},
                                headers=trust.hod.headers), 201)
    steps.ok(client.post(f"{url}/{made['id']}/follow-up", json={"seen": "Modelled"}, headers=trust.hod.headers))
    unchanged()
    problem(client.post(url, json={"step": "Mine", "follow_up_on": TODAY.isoformat()}, headers=trust.teacher.headers),
            403)
    problem(client.post(url, json={"step": "Theirs", "follow_up_on": TODAY.isoformat()},
                        headers=trust.elm_hr.headers), 404)
    problem(client.post(f"{url}/{made['id']}/follow-up", json={"seen": "Again"}, headers=trust.hod.headers), 409)
    refused = problem(client.post(url, json={"step": "Late", "follow_up_on": (TODAY - timedelta(days=1)).isoformat()},
                                  headers=trust.hod.headers), 422)
    assert "comes after the step is agreed" in refused["detail"]
    assert refused["errors"][0]["pointer"] == "#/follow_up_on"  # outsider, issue 24: it pointed at nothing
    late = problem(client.post(url, json={"step": "Late", "follow_up_on": (TODAY + timedelta(days=400)).isoformat()},
                               headers=trust.hod.headers), 422)
    assert "within a year" in late["detail"] and late["errors"][0]["pointer"] == "#/follow_up_on"
    # outsider, issue 24: blank or invisible text was taken
    for blank in (" ", "\n\n", "\u200b", "\u202e"):
        refused = problem(client.post(url, json={"step": blank, "follow_up_on": TODAY.isoformat()},
                                      headers=trust.hod.headers), 422)
        assert refused["errors"][0]["pointer"] == "#/step" and "visible text" in refused["errors"][0]["detail"]
    problem(client.post(f"{url}/{made['id']}/follow-up", json={"seen": "\t"}, headers=trust.hod.headers), 422)
    problem(client.post(url, json={"step": "x\x00", "follow_up_on": TODAY.isoformat()}, headers=trust.hod.headers),
            422)
    problem(client.post(url, json={"step": "", "follow_up_on": TODAY.isoformat()}, headers=trust.hod.headers), 422)


def test_too_short_notice_is_422_and_enough_notice_is_kept(client, trust, steps, problem, db):
    needs_notice = template(client, steps, trust.trust_hr, notice_days=5)
    a = steps.started()
    url = f"/appraisals/{a['id']}/observations"
    body = {"template_id": needs_notice["id"], "observed_on": TODAY.isoformat(), "focus": "Behaviour"}
    before = db.snapshot()
    assert "say when the teacher was told" in problem(client.post(url, json=body, headers=trust.hod.headers),
                                                      422)["detail"]
    short = {**body, "notice_given_on": (TODAY - timedelta(days=2)).isoformat()}
    assert "needs 5 days' notice, and the teacher had 2" in problem(
        client.post(url, json=short, headers=trust.hod.headers), 422)["detail"]
    assert db.snapshot() == before
    told = (TODAY - timedelta(days=5)).isoformat()
    kept = steps.ok(client.post(url, json={**body, "notice_given_on": told}, headers=trust.hod.headers), 201)
    assert kept["notice_given_on"] == told


def test_a_drop_in_template_without_notice_needs_none(client, trust, steps):
    drop_in = template(client, steps, trust.trust_hr, name="Drop-in", kind="drop_in", notice_days=None)
    a = steps.started()
    made = steps.ok(client.post(f"/appraisals/{a['id']}/observations", json={
        "template_id": drop_in["id"], "observed_on": TODAY.isoformat(), "focus": "Routines"},
        headers=trust.hod.headers), 201)
    assert made["kind"] == "drop_in" and made["notice_given_on"] is None


def test_the_printable_record_shows_grades_strengths_next_steps_and_action_steps(client, trust, steps):
    made = template(client, steps, trust.trust_hr)
    a = steps.started()
    observation = steps.ok(client.post(f"/appraisals/{a['id']}/observations", json={
        "template_id": made["id"], "observed_on": TODAY.isoformat(), "focus": "Behaviour",
        "grades": {"behaviour": "Secure"}, "department": "Maths", "strengths": "Calm <b>routines</b>",
        "areas_to_develop": "Wait time after questions"}, headers=trust.hod.headers), 201)
    url = f"/appraisals/{a['id']}/action-steps"
    step = steps.ok(client.post(url, json={"step": "Count five seconds after each question",
                                           "observation_id": observation["id"],
                                           "follow_up_on": (TODAY + timedelta(days=7)).isoformat()},
                                headers=trust.hod.headers), 201)
    steps.ok(client.post(f"{url}/{step['id']}/follow-up", json={"seen": "Wait time in every question"},
                         headers=trust.hod.headers))
    record = client.get(f"/appraisals/{a['id']}/record", headers=trust.teacher.headers)
    assert record.status_code == 200
    page = record.get_data(as_text=True)
    for text in ("Lesson observation, ", "Behaviour (Maths)", "Behaviour and routines", "Secure", "Questioning in class", "Not graded",
                 "Calm &lt;b&gt;routines&lt;/b&gt;", "Next steps", "Wait time after questions",
                 "Coaching action steps", "Count five seconds after each question", "Wait time in every question",
                 f"{TODAY:%-d %B %Y}"):
        assert text in page, text
    assert "<b>routines" not in page and made["id"] not in page
