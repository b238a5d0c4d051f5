"""The inbox, preferences and unsubscribe over HTTP; bad input changes nothing."""
from __future__ import annotations

import uuid

from notifications.service.email import unsubscribe_signature

PROBLEM = "application/problem+json"


def test_my_inbox_newest_first_unread_count_and_marking_read(client, tokens, inbox_of):
    me, someone = uuid.uuid4(), uuid.uuid4()
    mine = inbox_of(me, 3)
    theirs = inbox_of(someone, 2)
    headers = tokens.headers(me)
    page = client.get("/inbox?page_size=2", headers=headers).get_json()
    assert page["total"] == 3 and [m["subject"] for m in page["items"]] == ["Message 2", "Message 1"]
    assert client.get("/inbox/unread-count", headers=headers).get_json() == {"unread": 3}
    assert client.post(f"/inbox/{mine[0]}/read", headers=headers).get_json() == {"marked": 1}
    assert client.get("/inbox?unread=true", headers=headers).get_json()["total"] == 2
    assert client.post(f"/inbox/{theirs[0]}/read", headers=headers).status_code == 404  # not mine
    assert client.post("/inbox/read-all", headers=headers).get_json() == {"marked": 2}
    assert client.get("/inbox/unread-count", headers=tokens.headers(someone)).get_json() == {"unread": 2}


def test_preferences_optional_categories_only(client, tokens, db):
    me = uuid.uuid4()
    headers = tokens.headers(me)
    prefs = {p["category"]: p for p in client.get("/preferences", headers=headers).get_json()}
    assert prefs["appraisal"]["statutory"] and prefs["surveys"]["email"] == "instant"
    changed = client.put("/preferences", json={"email": {"surveys": "off", "appraisal": "digest"}}, headers=headers)
    assert {p["category"]: p["email"] for p in changed.get_json()} | {} == {**{p["category"]: "instant" for p in changed.get_json()}, "surveys": "off", "appraisal": "digest"}
    before = db.snapshot()
    refused = client.put("/preferences", json={"email": {"appraisal": "off", "surveys": "instant", "nonsense": "off"}},
                         headers=headers)
    assert refused.status_code == 422 and refused.mimetype == PROBLEM
    assert {e["pointer"] for e in refused.get_json()["errors"]} == {"#/appraisal", "#/nonsense"}
    assert db.snapshot() == before


def test_one_click_unsubscribe_needs_a_valid_signature(client, app, db):
    me = uuid.uuid4()
    key = app.extensions["staffroom"].config.secret_key()
    good = unsubscribe_signature(key, me, "surveys")
    before = db.snapshot()
    for query, status in ((f"staff_id={me}&category=surveys&signature={'0' * 64}", 404),
                          (f"staff_id={me}&category=surveys&signature=%F0%BC%9E%8A%EA%A8%A5", 404),  # not ASCII
                          (f"staff_id={me}&category=appraisal&signature={unsubscribe_signature(key, me, 'appraisal')}",
                           409),
                          (f"staff_id=not-a-uuid&category=surveys&signature={good}", 422),
                          (f"staff_id={me}&category=surveys", 422)):
        for response in (client.get(f"/unsubscribe?{query}"), client.post(f"/unsubscribe?{query}")):
            assert response.status_code == status and response.mimetype == PROBLEM, query
    assert db.snapshot() == before
    link = f"/unsubscribe?staff_id={me}&category=surveys&signature={good}"
    asked = client.get(link)  # what the confirmation page shows: asking changes nothing
    assert asked.status_code == 200 and asked.get_json()["email"] == "instant"
    assert asked.get_json()["title"] == "Staff surveys: invitations and reminders"
    assert db.snapshot() == before
    done = client.post(link)
    assert done.status_code == 200 and done.get_json()["email"] == "off"
    assert client.get(link).get_json()["email"] == "off"


def test_dead_letters_are_for_trust_hr(client, tokens):
    assert client.get("/deliveries/dead", headers=tokens.headers(uuid.uuid4())).status_code == 403
    assert client.get("/deliveries/dead", headers=tokens.headers(uuid.uuid4(), roles=("trust_hr",))).get_json() == []
    missing = client.post(f"/deliveries/{uuid.uuid4()}/retry", headers=tokens.headers(uuid.uuid4(), roles=("trust_hr",)))
    assert missing.status_code == 404 and missing.mimetype == PROBLEM


def test_bad_input_is_a_clear_problem_and_changes_nothing(client, tokens, db):
    headers = tokens.headers(uuid.uuid4())
    before = db.snapshot()
    for response, status in (
        (client.get("/inbox"), 401),
        (client.get("/inbox?page=0", headers=headers), 422),
        (client.get("/inbox?page_size=1000", headers=headers), 422),
        (client.get("/inbox?colour=red", headers=headers), 422),
        (client.post("/inbox/not-a-uuid/read", headers=headers), 404),
        (client.put("/preferences", data="{", content_type="application/json", headers=headers), 400),
        (client.put("/preferences", json={"email": {"surveys": False}}, headers=headers), 422),
        (client.put("/preferences", json={"email": {"surveys": "weekly"}}, headers=headers), 422),
        (client.put("/preferences", json={"email": {}, "extra": 1}, headers=headers), 422),
    ):
        assert response.status_code == status and response.mimetype == PROBLEM
    assert db.snapshot() == before


def test_a_page_past_any_inbox_is_422_not_a_server_error(client, tokens):
    # Found by the API fuzzing (tests/security): a huge page number overflowed the SQL offset (500).
    response = client.get("/inbox?page=117447482285103168&page_size=100", headers=tokens.headers(uuid.uuid4()))
    assert response.status_code == 422 and response.mimetype == PROBLEM
    assert response.get_json()["errors"][0]["pointer"] == "#/page"


def test_quiet_hours_and_hr_contacts(client, tokens, db):
    me = uuid.uuid4()
    headers = tokens.headers(me)
    assert client.get("/preferences/quiet-hours", headers=headers).status_code == 404
    assert client.put("/preferences/quiet-hours", json={"starts": "21:00", "ends": "07:00"},
                      headers=headers).get_json() == {"starts": "21:00", "ends": "07:00"}
    assert client.get("/preferences/quiet-hours", headers=headers).get_json()["ends"] == "07:00"
    before = db.snapshot()
    for body in ({"starts": "21:00", "ends": "21:00"}, {"starts": "25:00", "ends": "07:00"}, {"starts": "21:00"}):
        refused = client.put("/preferences/quiet-hours", json=body, headers=headers)
        assert refused.status_code == 422 and refused.mimetype == PROBLEM
    assert db.snapshot() == before
    assert client.delete("/preferences/quiet-hours", headers=headers).status_code == 204

    academy = uuid.uuid4()
    contact = uuid.uuid4()
    academy_hr = tokens.headers(uuid.uuid4(), roles=("academy_hr",), academy_id=academy)
    assert client.put(f"/hr-contacts/{uuid.uuid4()}", json={"staff_ids": [str(contact)]},
                      headers=academy_hr).status_code == 403
    assert client.put("/hr-contacts/trust", json={"staff_ids": [str(contact)]}, headers=academy_hr).status_code == 403
    done = client.put(f"/hr-contacts/{academy}", json={"staff_ids": [str(contact)]}, headers=academy_hr)
    assert done.get_json() == {"contacts": {str(academy): [str(contact)]}}
    assert client.get("/hr-contacts", headers=headers).status_code == 403
