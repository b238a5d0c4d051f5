"""Lifecycle surveys end to end over a real bus: staff who join and leave in the directory are invited, when due,
into the onboarding and exit pools; answers go into the pools; the daily job closes each pool once the minimum group
has answered and publishes its results and, for the exit pool, the reasons for leaving.

directory app (POST /staff, POST /staff/{id}/leaving) -> outbox -> relay -> bus -> wellbeing's InboxConsumer ->
staff copy -> wellbeing's daily job -> invitation_issued (sealed links) -> answers -> daily job -> results.
On RabbitMQ + PostgreSQL, and on the embedded default.
"""
from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from wellbeing.adapters.orm import staff
from wellbeing.service.daily_job import run_daily
from wellbeing.service.respond import seal_key
from wellbeing.service.runs import Links

from .conftest import directory_and_wellbeing

TODAY = date.today()


@pytest.mark.parametrize("backend", [pytest.param("rabbitmq", marks=pytest.mark.integration),
                                     pytest.param("embedded")])
def test_joiners_and_leavers_are_invited_into_pools_that_close_with_their_results(backend, tmp_path):
    with directory_and_wellbeing(backend, tmp_path) as both:
        for kind in ("onboarding", "exit"):  # switched on before anyone joins or leaves
            assert both.survey.patch(f"/lifecycle/{kind}", json={"enabled": True},
                                     headers=both.trust_hr).status_code == 200
        people = []
        for i in range(10):  # five joined six weeks ago; five who have been here for years, leaving in ten days
            made = both.directory.post("/staff", headers=both.trust_hr, json={
                "academy_id": both.academy["id"], "fte": "1.00", "staff_code": f"T{i}",
                "start_date": str(TODAY - timedelta(days=42) if i < 5 else date(2019, 9, 1)),
                "first_name": f"Teacher{i}", "last_name": "Iqbal", "email": f"t{i}@oaktrust.example",
                "staff_type": "teaching", "post": "Teacher"})
            assert made.status_code == 201, made.json
            people.append(made.json)
        for leaver in people[5:]:
            left = both.directory.post(f"/staff/{leaver['id']}/leaving", headers=both.trust_hr, json={
                "leaving_date": str(TODAY + timedelta(days=10)), "reason": "resigned"})
            assert left.status_code == 200, left.json

        def events(event_type):
            outbox = both.wellbeing.metadata.tables["outbox"]
            return [r.envelope["payload"] for r in both.rows(select(outbox.c.envelope).where(
                outbox.c.event_type == event_type).order_by(outbox.c.seq))]

        both.deliver(lambda: len([r for r in both.rows(select(staff)) if r.leaving_date]) == 5,
                     "ten staff.joined and five staff.left in wellbeing's staff copy")

        links, key = Links.from_config(both.config), seal_key(both.config)
        run_daily(both.wellbeing.uow(actor="scheduler"), links, key, today=TODAY)
        series = {s["kind"]: s for s in both.survey.get("/lifecycle", headers=both.trust_hr).json}
        [onboarding], [leaving] = series["onboarding"]["pools"], series["exit"]["pools"]
        assert (onboarding["invited"], leaving["invited"]) == (5, 5)
        invited = {}
        for payload in events("wellbeing.invitation_issued"):
            assert payload["sealed_link"] is None and payload["answer_in_staffroom"]  # answered from Staffroom
            invited.setdefault(payload["run_id"], {})[payload["staff_id"]] = both.survey.post(
                f"/runs/{payload['run_id']}/link", headers=both.tokens.headers(uuid.UUID(payload["staff_id"]))
            ).json["link"]
        assert {p["id"] for p in people[:5]} == set(invited[onboarding["run_id"]])
        assert {p["id"] for p in people[5:]} == set(invited[leaving["run_id"]])

        for n, link in enumerate(invited[onboarding["run_id"]].values()):
            sent = both.survey.post("/survey/submission", json={"answers": {"enps.recommend": 7 + n % 3}},
                               headers={"X-Survey-Token": link.split("#token=")[1]})
            assert sent.status_code < 300, sent.json
        for n, link in enumerate(invited[leaving["run_id"]].values()):
            sent = both.survey.post("/survey/submission", json={"answers": {"enps.recommend": 3,
                                                                       "custom.main_reason": 1 + (n == 0)}},
                               headers={"X-Survey-Token": link.split("#token=")[1]})
            assert sent.status_code < 300, sent.json

        run_daily(both.wellbeing.uow(actor="scheduler"), links, key, today=TODAY + timedelta(days=92))
        closed = {p["run_id"]: p["responses"] for p in events("wellbeing.survey_closed")}
        assert closed == {onboarding["run_id"]: 5, leaving["run_id"]: 5}
        # each pool's results say whose they are, so targets never takes leavers' answers for the staff's
        assert {p["run_id"]: p["lifecycle"] for p in events("wellbeing.results_published")} == {
            onboarding["run_id"]: "onboarding", leaving["run_id"]: "exit"}
        [reasons] = events("wellbeing.leaving_reasons_published")
        assert reasons["run_id"] == leaving["run_id"] and reasons["groups"][0]["answered"] == 5
        assert [r["count"] for r in reasons["groups"][0]["reasons"][:2]] == [4, 1]
