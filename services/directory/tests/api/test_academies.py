"""Academies: listing, registering and correcting them, and who may."""
import uuid


def test_trust_hr_registers_an_academy_and_it_is_audited(client, trust_hr, db):
    response = client.post("/academies", json={"name": "Ash Special Academy", "urn": "140009", "phase": "special"},
                           headers=trust_hr)
    assert response.status_code == 201
    academy = response.json
    assert client.get(f"/academies/{academy['id']}", headers=trust_hr).json == academy
    [audit] = db.rows("audit_log")
    assert (audit["action"], audit["entity_id"]) == ("academy.registered", academy["id"])


def test_academy_hr_cannot_register_an_academy(client, tokens, trust, db, problem):
    before = db.counts()
    hr = tokens.headers(uuid.uuid4(), roles=["academy_hr"], academy_id=trust.oak["id"])
    response = client.post("/academies", json={"name": "New", "urn": "140010", "phase": "primary"}, headers=hr)
    problem(response, 403)
    assert db.counts() == before


def test_duplicate_urn_is_a_conflict(client, trust_hr, trust, db, problem):
    before = db.snapshot()
    body = problem(client.post("/academies", json={"name": "Other", "urn": "140001", "phase": "primary"},
                               headers=trust_hr), 409)
    assert "140001" in body["detail"]
    assert db.snapshot() == before


def test_any_member_of_staff_can_list_academies(client, tokens, trust):
    response = client.get("/academies", headers=tokens.headers(trust.teacher["id"], academy_id=trust.oak["id"]))
    assert response.status_code == 200
    assert [a["name"] for a in response.json] == ["Elm Secondary Academy", "Oak Primary Academy"]


def test_patch_changes_only_the_fields_sent(client, tokens, trust, db):
    hr = tokens.headers(uuid.uuid4(), roles=["academy_hr"], academy_id=trust.oak["id"])
    response = client.patch(f"/academies/{trust.oak['id']}", json={"name": "Oak Primary"}, headers=hr)
    assert response.status_code == 200, response.json
    assert response.json == {**trust.oak, "name": "Oak Primary"}
    assert db.rows("audit_log")[-1]["action"] == "academy.updated"


def test_academy_hr_cannot_change_another_academy(client, tokens, trust, db, problem):
    before = db.snapshot()
    hr = tokens.headers(uuid.uuid4(), roles=["academy_hr"], academy_id=trust.oak["id"])
    problem(client.patch(f"/academies/{trust.elm['id']}", json={"name": "Mine now"}, headers=hr), 403)
    assert db.snapshot() == before


def test_unknown_academy_is_404(client, trust_hr, problem):
    problem(client.get(f"/academies/{uuid.uuid4()}", headers=trust_hr), 404)


def test_invalid_phase_in_patch_is_a_field_error(client, trust_hr, trust, problem):
    body = problem(client.patch(f"/academies/{trust.oak['id']}", json={"phase": "nursery"}, headers=trust_hr), 422)
    assert body["errors"] == [{"location": "json", "pointer": "#/phase", "detail": body["errors"][0]["detail"]}]
