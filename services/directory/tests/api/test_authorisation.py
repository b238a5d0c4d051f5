"""Who sees whom: staff themselves and those below them in line management; academy HR their academy; trust HR all."""
import uuid

import pytest


def names(response):
    assert response.status_code == 200, response.json
    return sorted(p["last_name"] for p in response.json["items"])


def as_staff(tokens, person, trust):
    return tokens.headers(person["id"], roles=["staff"], academy_id=trust.oak["id"])


def test_a_member_of_staff_with_no_reports_sees_only_themselves(client, tokens, trust):
    assert names(client.get("/staff", headers=as_staff(tokens, trust.teacher, trust))) == ["Taylor"]


def test_a_line_manager_sees_everyone_below_them_at_any_depth(client, tokens, trust):
    assert names(client.get("/staff", headers=as_staff(tokens, trust.head, trust))) == [
        "Davies", "Hughes", "Lewis", "Taylor"]
    assert names(client.get("/staff", headers=as_staff(tokens, trust.hod, trust))) == ["Davies", "Taylor"]


def test_a_line_manager_reads_a_report_two_levels_down(client, tokens, trust):
    response = client.get(f"/staff/{trust.teacher['id']}", headers=as_staff(tokens, trust.head, trust))
    assert response.status_code == 200 and response.json["id"] == trust.teacher["id"]


@pytest.mark.parametrize("viewer,target", [("teacher", "hod"), ("teacher", "other_teacher"), ("hod", "head"),
                                           ("hod", "other_teacher"), ("head", "elm_teacher")])
def test_staff_cannot_read_colleagues_above_or_beside_them(client, tokens, trust, problem, viewer, target):
    headers = as_staff(tokens, getattr(trust, viewer), trust)
    missing = problem(client.get(f"/staff/{uuid.uuid4()}", headers=headers), 404)
    hidden = problem(client.get(f"/staff/{getattr(trust, target)['id']}", headers=headers), 404)
    assert hidden["detail"].split(" with id ")[0] == missing["detail"].split(" with id ")[0]  # no hint it exists


def test_staff_read_their_own_record_and_me(client, tokens, trust):
    headers = as_staff(tokens, trust.teacher, trust)
    assert client.get(f"/staff/{trust.teacher['id']}", headers=headers).json["last_name"] == "Taylor"
    assert client.get("/staff/me", headers=headers).json["id"] == trust.teacher["id"]


def test_staff_filtering_by_academy_still_sees_only_their_own_people(client, tokens, trust):
    headers = as_staff(tokens, trust.teacher, trust)
    assert names(client.get(f"/staff?academy_id={trust.elm['id']}", headers=headers)) == []


def test_staff_cannot_change_even_their_own_record(client, tokens, trust, db, problem):
    before = db.snapshot()
    headers = as_staff(tokens, trust.head, trust)
    problem(client.patch(f"/staff/{trust.head['id']}", json={"post": "Executive Head"}, headers=headers), 403)
    problem(client.patch(f"/staff/{trust.teacher['id']}", json={"post": "Head of Year"}, headers=headers), 403)
    problem(client.post(f"/staff/{trust.teacher['id']}/leaving", json={"leaving_date": "2025-08-31"},
                        headers=headers), 403)
    assert db.snapshot() == before


def test_academy_hr_sees_their_academy_only(client, tokens, trust, problem):
    hr = tokens.headers(uuid.uuid4(), roles=["academy_hr"], academy_id=trust.oak["id"])
    assert names(client.get("/staff", headers=hr)) == ["Davies", "Hughes", "Lewis", "Taylor"]
    problem(client.get(f"/staff?academy_id={trust.elm['id']}", headers=hr), 403)
    problem(client.get(f"/staff/{trust.elm_teacher['id']}", headers=hr), 404)
    assert client.get(f"/staff/{trust.teacher['id']}", headers=hr).status_code == 200


def test_academy_hr_cannot_change_another_academys_staff_nor_learn_who_is_there(client, tokens, trust, db, problem):
    """Another academy's member of staff is 404, as an unknown id is, for changes as for reads (outsider 8, issue 21:
    a 403 told the caller the id was someone's)."""
    hr = tokens.headers(uuid.uuid4(), roles=["academy_hr"], academy_id=trust.oak["id"])
    before = db.snapshot()
    for staff_id in (trust.elm_teacher["id"], str(uuid.uuid4())):
        problem(client.patch(f"/staff/{staff_id}", json={"post": "x"}, headers=hr), 404)
        problem(client.post(f"/staff/{staff_id}/promotion", headers=hr, json={
            "post": "Head of Science", "staff_type": "teaching", "effective_date": "2025-09-01"}), 404)
        problem(client.post(f"/staff/{staff_id}/leaving", headers=hr, json={"leaving_date": "2026-08-31"}), 404)
    assert db.snapshot() == before


def test_a_member_of_staff_may_not_change_their_own_record_and_is_told_why(client, tokens, trust, problem):
    me = tokens.headers(uuid.UUID(trust.teacher["id"]), roles=["staff"], academy_id=trust.oak["id"])
    body = problem(client.patch(f"/staff/{trust.teacher['id']}", json={"post": "x"}, headers=me), 403)
    assert "only HR" in body["detail"]


def test_academy_hr_token_without_an_academy_has_no_hr_powers(client, tokens, trust, problem):
    hr = tokens.headers(uuid.uuid4(), roles=["academy_hr"])
    assert names(client.get("/staff", headers=hr)) == []
    problem(client.get(f"/staff/{trust.teacher['id']}", headers=hr), 404)


def test_trust_hr_sees_every_academy(client, trust_hr, trust):
    assert names(client.get("/staff", headers=trust_hr)) == ["Davies", "Hughes", "Lewis", "Roberts", "Taylor"]
    assert client.get(f"/staff/{trust.elm_teacher['id']}", headers=trust_hr).status_code == 200


def test_a_service_token_signs_in_without_a_staff_id(client, tokens, trust, problem):
    service = tokens.headers(None, roles=["service", "trust_hr"])
    assert names(client.get("/staff", headers=service))[:1] == ["Davies"]
    problem(client.get("/staff/me", headers=service), 404)


def test_the_data_protection_officer_reads_the_directory_but_changes_nothing(client, tokens, trust, db, problem):
    """Issue 21 (outsider 9): the audit log names people by id; a DPO could not see who they were."""
    dpo = tokens.headers(uuid.uuid4(), roles=["staff", "dpo"])
    listed = client.get("/staff?page_size=500", headers=dpo).json
    assert {p["id"] for p in listed["items"]} >= {trust.teacher["id"], trust.elm_teacher["id"]}
    assert client.get(f"/staff/{trust.elm_teacher['id']}", headers=dpo).status_code == 200
    before = db.snapshot()
    problem(client.patch(f"/staff/{trust.elm_teacher['id']}", json={"post": "x"}, headers=dpo), 403)  # seen, not theirs
    assert db.snapshot() == before
