"""Text no database can hold (NUL, lone surrogates) is refused with 422 wherever a request carries it into the
directory, and nothing changes (issue 19)."""
import io

import pytest

from staffroom_shared.testing import UNSTORABLE_TEXT

CSV = ("Staff ID,Forename,Surname,Work Email,School URN,Staff Category,Job Title,Employment Start\n"
       "P1,Priya,Patel,priya.patel@oaktrust.example,140001,Teacher,Teacher of Science,01/09/2015\n"
       "P2,Kwame,Ow\x00en,kwame.owen@oaktrust.example,140001,Teacher,Head of Science,01/09/2018\n")


@pytest.fixture
def unchanged(db, trust):
    before = db.snapshot()
    yield
    assert db.snapshot() == before


@pytest.mark.parametrize("text", UNSTORABLE_TEXT.values(), ids=UNSTORABLE_TEXT.keys())
def test_a_name_that_cannot_be_stored_is_refused_naming_the_field(client, trust_hr, trust, unchanged, problem, text):
    body = problem(client.patch(f"/staff/{trust.teacher['id']}", json={"first_name": text}, headers=trust_hr), 422)
    assert [(e["location"], e["pointer"]) for e in body["errors"]] == [("json", "#/first_name")]
    assert body["detail"].startswith("first_name: contains ") and body["detail"].endswith("; remove it")


def test_a_csv_import_with_a_nul_is_refused_naming_its_line(client, trust_hr, unchanged, problem):
    body = problem(client.post("/imports/staff", data=CSV.encode(), content_type="text/csv", headers=trust_hr), 422)
    assert body["errors"][0]["location"] == "body" and body["errors"][0]["line"] == 3


def test_an_uploaded_csv_with_a_nul_is_refused(client, trust_hr, unchanged, problem):
    body = problem(client.post("/imports/staff", data={"file": (io.BytesIO(CSV.encode()), "staff.csv")},
                               headers=trust_hr), 422)
    assert body["errors"][0]["pointer"] == "#/file"


def test_a_search_with_a_nul_is_refused(client, trust_hr, unchanged, problem):
    body = problem(client.get("/staff?q=Tay%00lor", headers=trust_hr), 422)
    assert body["errors"][0] == {"location": "query", "pointer": "#/q", "detail": body["detail"].split(": ", 1)[1]}


def test_a_correlation_id_with_a_nul_is_refused(client, trust_hr, unchanged, problem):
    problem(client.get("/academies", headers={**trust_hr, "X-Correlation-ID": "abc\x00"}), 422)


def test_a_member_name_with_a_lone_surrogate_is_refused_not_just_called_unknown(client, trust_hr, trust, unchanged,
                                                                                 problem):
    body = problem(client.patch(f"/academies/{trust.oak['id']}", json={"\ud800": "x"}, headers=trust_hr), 422)
    assert body["errors"][0]["pointer"] == "#/\\ud800" and "the name" in body["errors"][0]["detail"]


@pytest.mark.parametrize("body", [
    '{"first_name": ' + "1" * 5000 + "}",              # an integer Python will not read (over 4,300 digits)
    '{"first_name": ' + "[" * 20_000 + "]" * 20_000 + "}",  # nesting deeper than the interpreter's stack
    '{"first_name": "\\u0000", "x": ' + "[" * 20_000 + "]" * 20_000 + "}",  # both, past the text guard too
], ids=["long integer", "deep nesting", "deep nesting with a NUL"])
def test_json_python_cannot_read_is_a_400_not_a_500(client, trust_hr, trust, unchanged, problem, body):
    refused = problem(client.patch(f"/staff/{trust.teacher['id']}", data=body, content_type="application/json",
                                   headers=trust_hr), 400)
    assert refused["errors"] == [{"location": "json", "pointer": "#", "detail": "Invalid JSON body."}]
