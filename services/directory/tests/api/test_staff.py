"""Staff records: adding, listing, changing, promotions and leavers, with their events and audit rows."""
import uuid

import pytest

from staffroom_shared.events import parse_event


def new_person(academy_id, **overrides):
    body = {"staff_code": "N1", "academy_id": academy_id, "first_name": "Niamh", "last_name": "Nowak",
            "email": "niamh.nowak@oaktrust.example", "staff_type": "support", "post": "Teaching Assistant",
            "fte": "0.60", "start_date": "2024-09-02"}
    body.update(overrides)
    return body


def events_for(db, staff_id):
    return [parse_event(e) for e in db.events() if e["payload"].get("staff_id") == staff_id]


# -- adding ----------------------------------------------------------------------------------------

def test_adding_a_member_of_staff_publishes_staff_joined_and_audits_it(client, trust_hr, trust, db):
    response = client.post("/staff", json=new_person(trust.oak["id"], line_manager_id=trust.head["id"]),
                           headers={**trust_hr, "X-Correlation-ID": "corr-123"})
    assert response.status_code == 201, response.json
    member = response.json
    assert (member["fte"], member["line_manager_id"], member["leaving_date"]) == ("0.60", trust.head["id"], None)
    [event] = events_for(db, member["id"])
    assert (event.type, event.version, event.producer, str(event.academy_id)) == (
        "staff.joined", 1, "directory", trust.oak["id"])
    assert event.correlation_id == "corr-123"
    assert event.payload["post"] == "Teaching Assistant" and str(event.payload["line_manager_id"]) == trust.head["id"]
    audit = [a for a in db.rows("audit_log") if a["entity_id"] == member["id"]]
    assert [a["action"] for a in audit] == ["staff.added"]
    assert audit[0]["correlation_id"] == "corr-123"


def test_every_setup_write_left_an_event_and_an_audit_row(trust, db):
    assert [e["type"] for e in db.events()] == ["academy.registered"] * 2 + ["staff.joined"] * 5
    assert sorted(a["action"] for a in db.rows("audit_log")) == ["academy.registered"] * 2 + ["staff.added"] * 5


def test_duplicate_email_is_a_conflict_and_changes_nothing(client, trust_hr, trust, db, problem):
    before = db.snapshot()
    body = problem(client.post("/staff", json=new_person(trust.oak["id"], email="Tom.Taylor@oaktrust.example"),
                               headers=trust_hr), 409)
    assert "Tom Taylor" in body["detail"]
    assert db.snapshot() == before


def test_unknown_line_manager_is_a_field_error(client, trust_hr, trust, db, problem):
    before = db.snapshot()
    body = problem(client.post("/staff", json=new_person(trust.oak["id"], line_manager_id=str(uuid.uuid4())),
                               headers=trust_hr), 422)
    assert body["errors"][0]["pointer"] == "#/line_manager_id"
    assert db.snapshot() == before


def test_academy_hr_adds_staff_to_their_own_academy_only(client, tokens, trust, db, problem):
    hr = tokens.headers(uuid.uuid4(), roles=["academy_hr"], academy_id=trust.oak["id"])
    before = db.snapshot()
    problem(client.post("/staff", json=new_person(trust.elm["id"]), headers=hr), 403)
    assert db.snapshot() == before
    assert client.post("/staff", json=new_person(trust.oak["id"]), headers=hr).status_code == 201


def test_staff_cannot_add_staff(client, tokens, trust, db, problem):
    before = db.snapshot()
    headers = tokens.headers(trust.head["id"], academy_id=trust.oak["id"])
    problem(client.post("/staff", json=new_person(trust.oak["id"]), headers=headers), 403)
    assert db.snapshot() == before


# -- listing: pagination and filters ---------------------------------------------------------------

def test_list_is_paged_in_name_order(client, trust_hr, trust):
    first = client.get("/staff?page_size=2", headers=trust_hr).json
    second = client.get("/staff?page_size=2&page=2", headers=trust_hr).json
    third = client.get("/staff?page_size=2&page=3", headers=trust_hr).json
    assert (first["total"], first["page"], first["page_size"]) == (5, 1, 2)
    names = [p["last_name"] for page in (first, second, third) for p in page["items"]]
    assert names == ["Davies", "Hughes", "Lewis", "Roberts", "Taylor"]
    assert client.get("/staff?page=9", headers=trust_hr).json["items"] == []


@pytest.mark.parametrize("query,expected", [
    ("staff_type=leadership", ["Hughes"]),
    ("q=maths", ["Davies", "Taylor"]),
    ("q=HANNAH", ["Hughes"]),
    ("q=hannah+hughes", ["Hughes"]),  # a whole name: each word in one of the fields
    ("q=hannah+davies", []),
    ("q=%25", []),  # a literal %, not a wildcard
    ("q=_", []),
    ("current=true&staff_type=teaching", ["Davies", "Lewis", "Roberts", "Taylor"]),
    ("current=false", []),
])
def test_list_filters(client, trust_hr, trust, query, expected):
    response = client.get(f"/staff?{query}", headers=trust_hr)
    assert response.status_code == 200, response.json
    assert [p["last_name"] for p in response.json["items"]] == expected


def test_list_filters_by_academy_and_line_manager(client, trust_hr, trust):
    by_academy = client.get(f"/staff?academy_id={trust.elm['id']}", headers=trust_hr).json
    assert [p["last_name"] for p in by_academy["items"]] == ["Roberts"]
    by_manager = client.get(f"/staff?line_manager_id={trust.head['id']}", headers=trust_hr).json
    assert [p["last_name"] for p in by_manager["items"]] == ["Davies", "Lewis"]


def test_leavers_are_listed_with_current_false(client, trust_hr, trust):
    client.post(f"/staff/{trust.other_teacher['id']}/leaving", json={"leaving_date": "2024-08-31"}, headers=trust_hr)
    assert [p["last_name"] for p in client.get("/staff?current=false", headers=trust_hr).json["items"]] == ["Lewis"]
    assert "Lewis" not in [p["last_name"] for p in client.get("/staff?current=true", headers=trust_hr).json["items"]]


# -- changes ---------------------------------------------------------------------------------------

def test_patch_publishes_staff_updated_with_the_changed_fields(client, trust_hr, trust, db):
    response = client.patch(f"/staff/{trust.teacher['id']}", json={"fte": "0.8", "post": "Teacher of Maths"},
                            headers=trust_hr)
    assert response.status_code == 200, response.json
    assert response.json["fte"] == "0.80"
    [joined, updated] = events_for(db, trust.teacher["id"])
    assert (updated.type, updated.payload["changed"]) == ("staff.updated", ["fte"])
    audit = db.rows("audit_log")[-1]
    assert (audit["action"], audit["changes"]) == ("staff.updated", {"fte": ["1.00", "0.80"]})


def test_patch_that_changes_nothing_publishes_nothing(client, trust_hr, trust, db):
    before = db.snapshot()
    response = client.patch(f"/staff/{trust.teacher['id']}", json={"post": "Teacher of Maths"}, headers=trust_hr)
    assert response.status_code == 200
    assert db.snapshot() == before


def test_patch_with_no_fields_is_422(client, trust_hr, trust, problem):
    problem(client.patch(f"/staff/{trust.teacher['id']}", json={}, headers=trust_hr), 422)


def test_line_manager_who_reports_to_them_is_a_409_cycle(client, trust_hr, trust, db, problem):
    before = db.snapshot()
    body = problem(client.patch(f"/staff/{trust.head['id']}", json={"line_manager_id": trust.teacher["id"]},
                                headers=trust_hr), 409)
    assert "Hannah Hughes → Tom Taylor → Dev Davies → Hannah Hughes" in body["detail"]
    assert db.snapshot() == before


def test_own_line_manager_is_a_409(client, trust_hr, trust, db, problem):
    before = db.snapshot()
    problem(client.patch(f"/staff/{trust.hod['id']}", json={"line_manager_id": trust.hod["id"]}, headers=trust_hr), 409)
    assert db.snapshot() == before


def test_academy_hr_cannot_move_staff_into_another_academy(client, tokens, trust, db, problem):
    hr = tokens.headers(uuid.uuid4(), roles=["academy_hr"], academy_id=trust.oak["id"])
    before = db.snapshot()
    problem(client.patch(f"/staff/{trust.teacher['id']}", json={"academy_id": trust.elm["id"]}, headers=hr), 403)
    assert db.snapshot() == before


def test_promotion_publishes_staff_promoted(client, trust_hr, trust, db):
    response = client.post(f"/staff/{trust.teacher['id']}/promotion", headers=trust_hr, json={
        "post": "Head of Year 7", "staff_type": "leadership", "effective_date": "2025-09-01"})
    assert response.status_code == 200, response.json
    event = events_for(db, trust.teacher["id"])[-1]
    assert event.type == "staff.promoted"
    assert (event.payload["previous_post"], event.payload["post"]) == ("Teacher of Maths", "Head of Year 7")
    assert str(event.payload["effective_date"]) == "2025-09-01"
    assert db.rows("audit_log")[-1]["action"] == "staff.promoted"


def test_leaver_publishes_staff_left_and_cannot_leave_twice(client, trust_hr, trust, db, problem):
    url = f"/staff/{trust.teacher['id']}/leaving"
    response = client.post(url, json={"leaving_date": "2025-08-31", "reason": "resigned"}, headers=trust_hr)
    assert response.status_code == 200, response.json
    assert (response.json["leaving_date"], response.json["leaving_reason"]) == ("2025-08-31", "resigned")
    event = events_for(db, trust.teacher["id"])[-1]
    assert (event.type, event.payload["reason"], str(event.payload["leaving_date"])) == (
        "staff.left", "resigned", "2025-08-31")
    assert db.rows("audit_log")[-1]["action"] == "staff.left"
    before = db.snapshot()
    problem(client.post(url, json={"leaving_date": "2025-12-31"}, headers=trust_hr), 409)
    problem(client.post(f"/staff/{trust.teacher['id']}/promotion", headers=trust_hr, json={
        "post": "Head of Year 7", "staff_type": "leadership", "effective_date": "2025-09-01"}), 409)
    assert db.snapshot() == before


def test_leaving_before_starting_is_422_and_changes_nothing(client, trust_hr, trust, db, problem):
    before = db.snapshot()
    problem(client.post(f"/staff/{trust.teacher['id']}/leaving", json={"leaving_date": "2010-01-01"},
                        headers=trust_hr), 422)
    assert db.snapshot() == before


def test_a_leaving_date_past_the_records_retention_is_422_and_changes_nothing(client, trust_hr, trust, db, problem):
    """Outsider 8, issue 21: a mistyped year (2016 for 2026) was accepted, and the daily job anonymised the person
    that night. A date more than six years ago, which would be erased at once, is refused."""
    before = db.snapshot()
    body = problem(client.post(f"/staff/{trust.teacher['id']}/leaving", json={"leaving_date": "2016-08-31"},
                               headers=trust_hr), 422)
    assert "past the record's retention" in body["detail"] and body["errors"][0]["pointer"] == "#/leaving_date"
    assert db.snapshot() == before


def test_every_outbox_envelope_is_a_valid_contract(client, trust_hr, trust, db):
    client.patch(f"/staff/{trust.teacher['id']}", json={"fte": "0.5"}, headers=trust_hr)
    client.post(f"/staff/{trust.hod['id']}/promotion", headers=trust_hr,
                json={"post": "Deputy Head", "staff_type": "leadership", "effective_date": "2025-01-06"})
    client.post(f"/staff/{trust.other_teacher['id']}/leaving", json={"leaving_date": "2025-08-31"}, headers=trust_hr)
    rows = db.rows("outbox", order_by="seq")
    assert {r["event_type"] for r in rows} == {"academy.registered", "staff.joined", "staff.updated",
                                               "staff.promoted", "staff.left"}
    for row in rows:
        event = parse_event(row["envelope"])
        assert (str(event.id), event.type, row["sent_at"]) == (str(row["event_id"]), row["event_type"], None)


def test_a_clash_only_the_database_catches_is_409_not_500(client, trust_hr, trust, db, problem, monkeypatch):
    # Two requests racing past the duplicate check: the unique constraint is the last line of defence.
    from directory.service import staff as commands

    monkeypatch.setattr(commands, "_unique_person", lambda *a, **k: None)
    before = db.snapshot()
    body = problem(client.post("/staff", json=new_person(trust.oak["id"], email="tom.taylor@oaktrust.example"),
                               headers=trust_hr), 409)
    assert "try again" in body["detail"]
    assert db.snapshot() == before


def test_republish_sends_everyone_again_as_unchanged_snapshots(app, trust, db):
    from directory.service.staff import republish

    before = len(db.events())
    assert republish(app.extensions["staffroom"].uow(actor="republish")) == 5
    again = [parse_event(e) for e in db.events()[before:]]
    assert [e.type for e in again] == ["academy.updated"] * 2 + ["staff.updated"] * 5
    assert {str(e.payload["staff_id"]) for e in again[2:]} == {
        trust.head["id"], trust.hod["id"], trust.teacher["id"], trust.other_teacher["id"], trust.elm_teacher["id"]}
    assert all(e.payload["changed"] == [] for e in again[2:])
    assert db.count("staff") == 5  # nothing else changed
