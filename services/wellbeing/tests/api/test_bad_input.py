"""Bad input gets a clear 4xx problem and changes nothing."""
from __future__ import annotations

import uuid

import pytest

PROBLEM = "application/problem+json"


@pytest.fixture
def open_run(trust):
    trust.academy("Oak", teaching=5)
    run, links = trust.open()
    return run, next(iter(links.values()))


def _refused(response, status, db, before):
    assert response.status_code == status, response.get_json()
    assert response.mimetype == PROBLEM and response.get_json()["status"] == status
    assert db.snapshot() == before


@pytest.mark.parametrize("body, pointer", [
    ({"title": "", "opens_on": "2026-12-01", "closes_on": "2026-12-10"}, "title"),
    ({"title": "Autumn\npulse", "opens_on": "2026-12-01", "closes_on": "2026-12-10"}, "title"),  # one line (issue 20)
    ({"title": "S", "opens_on": "tomorrow", "closes_on": "2026-12-10"}, "opens_on"),
    ({"title": "S", "opens_on": "2026-12-01", "closes_on": "2026-12-10", "staff_types": ["cooks"]}, "staff_types"),
    ({"title": "S", "opens_on": "2026-12-01", "closes_on": "2026-12-10", "academy_ids": ["not-a-uuid"]}, "academy_ids"),
    ({"title": "S", "opens_on": "2026-12-01", "closes_on": "2026-12-10", "surprise": 1}, "surprise"),
    ({"title": "S", "opens_on": "2026-12-01", "closes_on": "2026-12-10",
      "questions": [{"key": "Bad Key", "text": "x", "scale": "agreement5"}]}, "questions"),
    ({"title": "S", "opens_on": "2026-12-01", "closes_on": "2026-12-10",
      "questions": [{"key": "ok", "text": "x", "scale": "stars"}]}, "questions"),
    # issue 19's fourth outsider: these were accepted, and made a run that invites nobody or leaves its trend
    ({"title": "S", "opens_on": "2026-12-01", "closes_on": "2026-12-10", "staff_types": ["teaching", "teaching"]},
     "staff_types"),
    ({"title": "S", "opens_on": "2026-12-01", "closes_on": "2026-12-10", "academy_ids": [str(uuid.UUID(int=0))]},
     "academy_ids"),
    ({"title": "S", "opens_on": "2026-12-10", "closes_on": "2026-12-10"}, "closes_on"),
    ({"title": "S", "opens_on": "2026-12-01", "closes_on": "2026-12-10", "min_group_size": 5.5}, "min_group_size"),
])
def test_a_bad_run_is_refused_field_by_field(trust, client, db, body, pointer):
    before = db.snapshot()
    response = client.post("/runs", json=body, headers=trust.hr())
    _refused(response, 422, db, before)
    assert pointer in str(response.get_json()["errors"])


@pytest.mark.parametrize("body, detail", [
    ({"title": "S", "instruments": ["enps"], "opens_on": "2026-12-10", "closes_on": "2026-12-01"}, "after opens_on"),
    ({"title": "S", "instruments": ["gallup"], "opens_on": "2026-12-01", "closes_on": "2026-12-10"}, "unknown"),
    ({"title": "S", "instruments": [], "opens_on": "2026-12-01", "closes_on": "2026-12-10"}, "rated question"),
    ({"title": "S", "instruments": ["enps"], "opens_on": "2026-12-01", "closes_on": "2026-12-10",
      "outcome": "hse.demands"}, "outcome"),
])
def test_a_run_that_makes_no_sense_is_refused(trust, client, db, body, detail):
    before = db.snapshot()
    response = client.post("/runs", json=body, headers=trust.hr())
    _refused(response, 422, db, before)
    assert detail in str(response.get_json())


def test_malformed_and_unauthenticated_requests(trust, client, db):
    before = db.snapshot()
    _refused(client.post("/runs", data="{not json", content_type="application/json", headers=trust.hr()), 400, db,
             before)
    _refused(client.post("/runs", json={"title": "S"}), 401, db, before)
    _refused(client.get("/runs/not-a-uuid", headers=trust.hr()), 404, db, before)
    _refused(client.get(f"/runs/{uuid.uuid4()}", headers=trust.hr()), 404, db, before)
    _refused(client.post("/runs", json={"title": "S", "opens_on": "2026-12-01", "closes_on": "2026-12-10",
                                         "instruments": ["enps"]},
                         headers=trust.tokens.headers(uuid.uuid4())), 403, db, before)
    _refused(client.get("/runs?status=finished", headers=trust.hr()), 422, db, before)
    _refused(client.get("/instruments/gallup", headers=trust.hr()), 404, db, before)


@pytest.mark.parametrize("answers, where", [
    ({"hse.1": 6}, "hse.1"), ({"hse.1": 0}, "hse.1"), ({"hse.1": "4"}, "hse.1"), ({"hse.1": True}, "hse.1"),
    ({"hse.1": 3.5}, "hse.1"), ({"ons.anxiety": 11}, "ons.anxiety"), ({"trust.improve": "   "}, "trust.improve"),
    ({"trust.improve": "x" * 2001}, "trust.improve"), ({"hse.99": 3}, "#/answers"), ({"trust.improve": 5}, "trust.improve"),
])
def test_bad_answers_are_refused_and_nothing_is_saved_or_submitted(trust, client, db, open_run, answers, where):
    _, token = open_run
    before = db.snapshot()
    for final in (False, True):
        response = trust.answer(token, answers, final=final)
        _refused(response, 422, db, before)
        assert where in str(response.get_json()["errors"])


def test_bad_links_and_bodies_on_the_survey(trust, client, db, open_run):
    _, token = open_run
    before = db.snapshot()
    _refused(client.get("/survey"), 404, db, before)
    _refused(client.get("/survey", headers={"X-Survey-Token": "guess"}), 404, db, before)
    _refused(client.post("/survey/submission", json={"answers": {"hse.1": 3}}, headers={"X-Survey-Token": "x"}),
             404, db, before)
    _refused(client.post("/survey/submission", json={"answers": []}, headers={"X-Survey-Token": token}), 422, db,
             before)
    _refused(client.post("/survey/submission", json={"answers": {}}, headers={"X-Survey-Token": token}), 422, db,
             before)
    _refused(client.put("/survey/answers", json={"answers": {}, "extra": 1}, headers={"X-Survey-Token": token}), 422,
             db, before)


def test_steps_out_of_order_are_conflicts(trust, client, db, open_run):
    run, token = open_run
    before = db.snapshot()
    _refused(client.patch(f"/runs/{run['id']}", json={"title": "New"}, headers=trust.hr()), 409, db, before)
    _refused(client.post(f"/runs/{run['id']}/schedule", headers=trust.hr()), 409, db, before)
    trust.close(run["id"])
    before = db.snapshot()
    _refused(client.post(f"/runs/{run['id']}/close", headers=trust.hr()), 409, db, before)
    _refused(trust.answer(token, {"hse.1": 3}), 409, db, before)
