"""A respondent cannot stop a survey with text no database can hold (issue 19, finding 3): the API refuses it
with 422 before anything is saved or sealed, the link still works, and everyone is counted at the close."""
from __future__ import annotations

import pytest

from staffroom_shared.testing import UNSTORABLE_TEXT

PROBLEM = "application/problem+json"


@pytest.fixture
def open_run(trust):
    trust.academy("Oak", teaching=5)
    run, links = trust.open()
    return run, list(links.values())


def _refused(response) -> dict:
    assert response.status_code == 422, response.get_json()
    assert response.mimetype == PROBLEM
    return response.get_json()


@pytest.mark.parametrize("text", UNSTORABLE_TEXT.values(), ids=UNSTORABLE_TEXT.keys())
@pytest.mark.parametrize("final", [False, True], ids=["save", "submit"])
def test_a_comment_that_cannot_be_stored_is_refused_and_nothing_is_kept(trust, db, open_run, answers, text, final):
    _, tokens = open_run
    before = db.snapshot()
    body = _refused(trust.answer(tokens[0], answers(4, comment=f"More planning time {text}"), final=final))
    assert body["errors"] == [{"location": "json", "pointer": "#/answers/trust.improve",
                               "detail": body["detail"].removeprefix("answers.trust.improve: ")}]
    assert body["detail"].startswith("answers.trust.improve: contains ") and "remove it" in body["detail"]
    assert db.snapshot() == before


def test_after_a_refused_comment_the_same_link_submits_and_the_run_closes_with_everyone(trust, open_run, answers):
    run, tokens = open_run
    _refused(trust.answer(tokens[0], answers(4, comment="Fewer meetings \ud800")))
    for token in tokens:
        assert trust.answer(token, answers(4, comment="Fewer meetings")).status_code == 204
    closed = trust.close(run["id"])
    assert closed["status"] == "closed"
    progress = trust.client.get(f"/runs/{run['id']}/progress", headers=trust.hr()).get_json()
    assert [p["responded"] for p in progress] == [len(tokens)]


def test_a_survey_token_header_with_a_nul_is_refused(trust, client, db, open_run):
    before = db.snapshot()
    body = _refused(client.get("/survey", headers={"X-Survey-Token": "abc\x00"}))
    assert body["errors"][0]["location"] == "headers" and body["detail"].startswith("header X-Survey-Token:")
    assert db.snapshot() == before


def test_a_run_title_with_a_nul_is_refused_for_hr(trust, client, db):
    before = db.snapshot()
    body = _refused(client.post("/runs", json={"title": "Autumn\x00", "opens_on": "2026-12-01",
                                               "closes_on": "2026-12-10"}, headers=trust.hr()))
    assert body["errors"][0]["pointer"] == "#/title"
    assert db.snapshot() == before


def test_a_stranger_is_told_to_sign_in_not_what_is_wrong(client, db):
    response = client.post("/runs", json={"title": "Autumn\x00"})
    assert response.status_code == 401 and response.mimetype == PROBLEM
