"""Every bad request gets a 4xx application/problem+json, never a 500, and changes nothing."""
import uuid
from datetime import timedelta

import pytest

from staffroom_shared.testing import Tokens

MAX_BODY = 64 * 1024  # the app fixture's MAX_CONTENT_LENGTH


@pytest.fixture
def unchanged(db, trust):
    """Asserts after the test that no table changed."""
    before = db.snapshot()
    yield
    assert db.snapshot() == before


def valid_person(trust):
    return {"staff_code": "N1", "academy_id": trust.oak["id"], "first_name": "Niamh", "last_name": "Nowak",
            "email": "niamh@oaktrust.example", "staff_type": "support", "post": "TA", "start_date": "2024-09-02"}


def test_malformed_json_is_400_with_a_json_error(client, trust_hr, unchanged, problem):
    body = problem(client.post("/staff", data='{"staff_code": ', content_type="application/json",
                               headers=trust_hr), 400)
    assert body["errors"] == [{"location": "json", "pointer": "#", "detail": "Invalid JSON body."}]


def test_body_that_is_not_utf8_is_400(client, trust_hr, unchanged, problem):
    problem(client.post("/staff", data=b"\xff\xfe{", content_type="application/json", headers=trust_hr), 400)


@pytest.mark.parametrize("start_date", ["9999-12-31", "0001-01-01", "1899-12-31", "2101-01-01"])
def test_a_start_date_outside_1900_to_2100_is_422(client, trust_hr, trust, unchanged, problem, start_date):
    """Outsider, issue 20: 9999-12-31 was accepted, and targets' copy failed on it five times and parked it."""
    body = problem(client.post("/staff", json={**valid_person(trust), "start_date": start_date}, headers=trust_hr), 422)
    assert body["errors"] == [{"location": "json", "pointer": "#/start_date",
                               "detail": "must be a date between 1900 and 2100"}]


@pytest.mark.parametrize("code", ["A\nB", "A\r\nB", "\t=1"])
def test_a_staff_code_with_a_line_break_or_tab_is_422(client, trust_hr, trust, unchanged, problem, code):
    """Outsider 4, issue 20: names refused a line break and a tab, the staff code took both."""
    body = problem(client.post("/staff", json={**valid_person(trust), "staff_code": code}, headers=trust_hr), 422)
    assert [e["pointer"] for e in body["errors"]] == ["#/staff_code"]


@pytest.mark.parametrize("body, content_type", [
    ("<staff><first_name>Niamh</first_name></staff>", "application/xml"),
    ("first_name=Niamh&last_name=Nowak", "application/x-www-form-urlencoded"),
    ('{"first_name": "Niamh"}', "text/plain"),
])
def test_a_body_that_is_not_json_is_415_not_every_field_missing(client, trust_hr, unchanged, problem, body,
                                                                content_type):
    """Outsider 4, issue 20: XML or a form was read as no body at all, and the 422 listed every field as missing."""
    refused = problem(client.post("/staff", data=body, content_type=content_type, headers=trust_hr), 415)
    assert refused["detail"] == f"send the body as application/json, not {content_type}"


def test_unknown_field_is_422_naming_the_field(client, trust_hr, trust, unchanged, problem):
    body = problem(client.post("/staff", json={**valid_person(trust), "salary": 1}, headers=trust_hr), 422)
    assert body["title"] == "Unprocessable Content"
    assert body["errors"] == [{"location": "json", "pointer": "#/salary", "detail": "Unknown field."}]


@pytest.mark.parametrize("field,value", [
    ("fte", "lots"), ("fte", "1.5"), ("fte", "NaN"), ("start_date", "31/02/2024"), ("academy_id", "oak"),
    ("line_manager_id", 42), ("first_name", ["Niamh"]), ("email", "niamh-at-oak"), ("staff_type", "volunteer"),
    ("first_name", "x" * 101),
])
def test_wrong_type_or_value_is_422_with_a_pointer(client, trust_hr, trust, unchanged, problem, field, value):
    body = problem(client.post("/staff", json={**valid_person(trust), field: value}, headers=trust_hr), 422)
    assert [(e["location"], e["pointer"]) for e in body["errors"]] == [("json", f"#/{field}")]
    assert body["errors"][0]["detail"]


def test_missing_required_fields_are_each_listed(client, trust_hr, unchanged, problem):
    body = problem(client.post("/staff", json={"staff_code": "N1"}, headers=trust_hr), 422)
    assert {e["pointer"] for e in body["errors"]} == {
        "#/academy_id", "#/first_name", "#/last_name", "#/email", "#/staff_type", "#/post", "#/start_date"}


@pytest.mark.parametrize("payload", ["[1, 2]", "null", "\"text\"", "42"])
def test_json_that_is_not_an_object_is_422(client, trust_hr, unchanged, problem, payload):
    problem(client.post("/staff", data=payload, content_type="application/json", headers=trust_hr), 422)


def test_oversize_body_is_413_naming_the_limit(client, trust_hr, trust, unchanged, problem):
    big = {**valid_person(trust), "post": "x" * (MAX_BODY + 1)}
    body = problem(client.post("/staff", json=big, headers=trust_hr), 413)
    assert str(MAX_BODY) in body["detail"]


def test_oversize_csv_upload_is_413(client, trust_hr, unchanged, problem):
    problem(client.post("/imports/staff", data="x" * (MAX_BODY + 1), content_type="text/csv", headers=trust_hr), 413)


def test_bad_uuid_in_the_path_is_404(client, trust_hr, unchanged, problem):
    problem(client.get("/staff/not-a-uuid", headers=trust_hr), 404)
    problem(client.patch("/staff/1234", json={"post": "x"}, headers=trust_hr), 404)


@pytest.mark.parametrize("query,pointer", [
    ("academy_id=oak", "#/academy_id"), ("line_manager_id=1", "#/line_manager_id"), ("page=abc", "#/page"),
    ("page=0", "#/page"), ("page_size=100000", "#/page_size"), ("current=perhaps", "#/current"),
    ("staff_type=volunteer", "#/staff_type"), ("colour=blue", "#/colour"),
])
def test_bad_query_parameter_is_422_in_query(client, trust_hr, unchanged, problem, query, pointer):
    body = problem(client.get(f"/staff?{query}", headers=trust_hr), 422)
    assert [(e["location"], e["pointer"]) for e in body["errors"]] == [("query", pointer)]


def test_unknown_route_is_404_problem(client, trust_hr, problem):
    body = problem(client.get("/teachers", headers=trust_hr), 404)
    assert body["instance"] == "/teachers"


def test_wrong_method_is_405_problem_with_allow(client, trust_hr, unchanged, problem):
    response = client.delete("/staff", headers=trust_hr)
    problem(response, 405)
    assert set(response.headers["Allow"].split(", ")) >= {"GET", "POST"}


def test_form_body_to_a_json_endpoint_changes_nothing(client, trust_hr, unchanged):
    response = client.post("/staff", data={"staff_code": "N1"}, headers=trust_hr)
    assert 400 <= response.status_code < 500 and response.mimetype == "application/problem+json"


# -- authentication -----------------------------------------------------------------------------------

def test_missing_token_is_401_with_www_authenticate(client, unchanged, problem):
    response = client.get("/staff")
    problem(response, 401)
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_write_without_a_token_is_401_and_changes_nothing(client, trust, unchanged, problem):
    problem(client.post("/staff", json=valid_person(trust)), 401)


def test_an_anonymous_bad_body_is_401_and_reveals_no_validation_errors(client, unchanged, problem):
    response = client.post("/staff", json={"not_a_field": 1})
    problem(response, 401)
    assert "errors" not in response.get_json()


@pytest.mark.parametrize("header", ["Basic dXNlcjpwYXNz", "Bearer", "Bearer not.a.jwt", "Bearer abc", "token"])
def test_malformed_authorization_header_is_401(client, trust, unchanged, problem, header):
    problem(client.post("/staff", json=valid_person(trust), headers={"Authorization": header}), 401)


def test_expired_token_is_401(client, tokens, trust, unchanged, problem):
    headers = tokens.headers(uuid.uuid4(), roles=["trust_hr"], lifetime=timedelta(minutes=-5))
    body = problem(client.post("/staff", json=valid_person(trust), headers=headers), 401)
    assert "expired" in body["detail"]


def test_token_signed_by_another_key_is_401(client, tmp_path, trust, unchanged, problem):
    stranger = Tokens(tmp_path / "stranger-keys")
    body = problem(client.post("/staff", json=valid_person(trust),
                               headers=stranger.headers(uuid.uuid4(), roles=["trust_hr"])), 401)
    assert "Signature" in body["detail"] or "signature" in body["detail"]


def test_token_for_another_audience_is_401(client, tokens, trust, unchanged, problem):
    headers = tokens.headers(uuid.uuid4(), roles=["trust_hr"], audience="payroll")
    body = problem(client.post("/staff", json=valid_person(trust), headers=headers), 401)
    assert "Audience" in body["detail"] or "audience" in body["detail"]


def test_token_from_another_issuer_is_401(client, tokens, trust, unchanged, problem):
    headers = tokens.headers(uuid.uuid4(), roles=["trust_hr"], issuer="someone-else")
    problem(client.post("/staff", json=valid_person(trust), headers=headers), 401)


def test_unsigned_token_is_401(client, trust, unchanged, problem):
    import jwt

    forged = jwt.encode({"sub": str(uuid.uuid4()), "roles": ["trust_hr"], "aud": "staffroom", "iss": "staffroom-dev",
                         "exp": 4102444800, "iat": 0}, key=None, algorithm="none")
    problem(client.post("/staff", json=valid_person(trust), headers={"Authorization": f"Bearer {forged}"}), 401)


def test_token_whose_staff_id_is_not_a_uuid_is_401(client, tokens, trust, unchanged, problem):
    problem(client.get("/staff", headers=tokens.headers("mrs-smith", roles=["staff"])), 401)


def test_unknown_roles_in_a_token_grant_nothing(client, tokens, trust, unchanged, problem):
    headers = tokens.headers(uuid.uuid4(), roles=["admin", "superuser"])
    problem(client.post("/staff", json=valid_person(trust), headers=headers), 403)
