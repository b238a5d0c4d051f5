"""Lifecycle surveys over HTTP: trust HR switch them on, refusals change nothing, and a closed exit pool's reasons
for leaving are read as counts for shown groups only."""
from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from wellbeing.service.daily_job import run_daily
from wellbeing.service.respond import seal_key
from wellbeing.service.runs import Links

from .conftest import TODAY


def daily(db, today):
    config = db.context.config
    return run_daily(db.context.uow(actor="scheduler"), Links.from_config(config), seal_key(config), today=today)


def test_hr_see_both_series_switched_off_until_trust_hr_switch_one_on(trust):
    hr = trust.hr()
    listed = trust.client.get("/lifecycle", headers=hr).get_json()
    assert [(s["kind"], s["enabled"], s["pools"]) for s in listed] == [("onboarding", False, []), ("exit", False, [])]
    switched = trust.client.patch("/lifecycle/exit", json={"enabled": True, "delay_days": 21}, headers=hr)
    assert switched.status_code == 200, switched.get_json()
    body = switched.get_json()
    assert body["enabled"] and body["delay_days"] == 21 and body["since"] == str(TODAY)
    assert body["questions"] == [{"key": "main_reason", "text": "What is the main reason you are leaving?",
                                  "scale": "leaving_reason"}]


@pytest.mark.parametrize("who, kind, body, status", [
    ("academy_hr", "exit", {"enabled": True}, 403),
    ("trust_hr", "probation", {"enabled": True}, 404),
    ("trust_hr", "exit", {"window_days": 10}, 422),
    ("trust_hr", "exit", {"enabled": "yes"}, 422),
    ("trust_hr", "exit", {"answer_days": 30, "window_days": 40}, 422),
    ("trust_hr", "exit", {"instruments": ["nope"]}, 422),
    ("trust_hr", "exit", {"instruments": [], "questions": []}, 422),
    ("trust_hr", "exit", {"min_group_size": 2}, 422),
    ("trust_hr", "exit", {"questions": [{"key": "why", "text": "Why\u0000", "scale": "text"}]}, 422),
    ("trust_hr", "exit", {"questions": [{"key": "why", "text": "Why \ud800", "scale": "text"}]}, 422),
    ("trust_hr", "exit", {"colour": "blue"}, 422),
    # outsider, issue 23: a fraction was accepted and stored rounded down
    ("trust_hr", "exit", {"delay_days": 1.5}, 422),
    ("trust_hr", "exit", {"window_days": 100.5}, 422),
    ("trust_hr", "exit", {"answer_days": "30"}, 422),
    ("trust_hr", "exit", {"min_group_size": 6.5}, 422),
])
def test_a_refused_change_is_a_problem_and_changes_nothing(trust, db, who, kind, body, status):
    trust.academy("Oak", 3)
    trust.client.patch("/lifecycle/exit", json={"enabled": True}, headers=trust.hr())
    before = db.snapshot()
    refused = trust.client.patch(f"/lifecycle/{kind}", json=body,
                                 headers=trust.hr("Oak") if who == "academy_hr" else trust.hr())
    assert refused.status_code == status and refused.content_type == "application/problem+json"
    assert db.snapshot() == before


def test_staff_cannot_see_lifecycle_surveys(trust):
    trust.academy("Oak", 1)
    me = trust.me(trust.staff["Oak"][0])
    assert trust.client.get("/lifecycle", headers=me).status_code == 403
    assert trust.client.get("/lifecycle/leaving-reasons", headers=me).status_code == 403


def test_an_exit_pool_invites_leavers_and_shows_its_reasons_once_closed(trust, db):
    oak, elm, ash = trust.academy("Oak", 0), trust.academy("Elm", 0), trust.academy("Ash", 0)
    leavers = [{"staff_id": uuid.uuid4(), "academy_id": oak if i < 6 else elm if i < 8 else ash, "first_name": f"L{i}",
                "last_name": "Leaver", "email": f"l{i}@trust.example", "staff_type": "teaching",
                "start_date": TODAY - timedelta(days=900), "leaving_date": TODAY + timedelta(days=10)}
               for i in range(10)]
    db.insert("staff", *leavers)
    trust.client.patch("/lifecycle/exit", json={"enabled": True}, headers=trust.hr())
    daily(db, TODAY)

    [series] = [s for s in trust.client.get("/lifecycle", headers=trust.hr()).get_json() if s["kind"] == "exit"]
    [pool] = series["pools"]
    assert pool["status"] == "open" and pool["invited"] == 10 and pool["answered"] == 0
    issued = [e["payload"] for e in db.events("wellbeing.invitation_issued")]
    assert len(issued) == 10 and all(p["sealed_link"] is None and p["answer_in_staffroom"] for p in issued)
    for n, person in enumerate(leavers):  # each chooses "Answer now" in Staffroom: the link comes to them alone
        asked = trust.client.post(f"/runs/{pool['run_id']}/link", headers=trust.me(person))
        assert asked.status_code == 201, asked.get_json()
        token = asked.get_json()["link"].split("#token=")[1]
        sent = trust.answer(token, {"enps.recommend": 6, "custom.main_reason": 1 + (n % 3 == 0)})
        assert sent.status_code in (200, 201, 204), sent.get_json()
    assert trust.client.get("/lifecycle/leaving-reasons", headers=trust.hr()).get_json() == []  # nothing while open
    early = trust.client.post(f"/runs/{pool['run_id']}/close", headers=trust.hr())  # only the daily job closes a pool
    assert early.status_code == 409 and early.mimetype == "application/problem+json"
    assert "closes only at the end of its window" in early.get_json()["detail"]
    assert trust.client.get(f"/runs/{pool['run_id']}", headers=trust.hr()).get_json()["status"] == "open"

    daily(db, TODAY + timedelta(days=92))
    [reasons] = trust.client.get("/lifecycle/leaving-reasons", headers=trust.hr()).get_json()
    groups = {(g["cut"], g["academy_id"]): g for g in reasons["groups"]}
    # Elm's two leavers and Ash's two are hidden: fewer than five each, so they decide nothing, and Oak's six, which
    # the trust less those four would give, are hidden too (the usual rules); hidden groups are not listed at all
    assert set(groups) == {("trust", None)}
    counts = {r["reason"]: r["count"] for r in groups[("trust", None)]["reasons"]}
    assert counts["Workload"] == 6 and counts["Pay"] == 4 and sum(counts.values()) == 10

    oak_hr = trust.client.get("/lifecycle/leaving-reasons", headers=trust.hr("Oak")).get_json()
    assert [(g["cut"], g["answered"]) for g in oak_hr[0]["groups"]] == [("trust", 10)]

    report = trust.client.get(f"/runs/{pool['run_id']}/report", headers=trust.hr()).get_json()
    trust_group = next(g for g in report["groups"] if g["cut"] == "trust")
    [reason] = [i for i in trust_group["items"] if i["key"] == "custom.main_reason"]
    assert reason["distribution"] == {"1": 6, "2": 4} and reason.get("mean") is None
