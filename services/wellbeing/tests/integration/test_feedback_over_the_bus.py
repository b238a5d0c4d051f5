"""End to end over a real bus: line management recorded in the directory reaches wellbeing's staff copy, so a
teacher's request for feedback can ask their line manager, and an upward round finds the manager's reports.

directory app (POST /staff with line_manager_id) -> directory outbox -> relay -> bus -> wellbeing's consumer -> staff
copy (line_manager_id) -> POST /feedback/requests and /feedback/rounds. On RabbitMQ + PostgreSQL, and embedded.
"""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from wellbeing.adapters.orm import feedback_invitations, staff

from .conftest import directory_and_wellbeing


@pytest.mark.parametrize("backend", [pytest.param("rabbitmq", marks=pytest.mark.integration),
                                     pytest.param("embedded")])
def test_line_management_from_the_directory_decides_who_is_asked_for_feedback(backend, tmp_path):
    with directory_and_wellbeing(backend, tmp_path) as both:
        def join(code: str, first: str, manager: str | None = None) -> dict:
            made = both.directory.post("/staff", headers=both.trust_hr, json={
                "academy_id": both.academy["id"], "fte": "1.00", "start_date": "2019-09-01", "staff_code": code,
                "first_name": first, "last_name": "Iqbal", "email": f"{code.lower()}@oaktrust.example",
                "staff_type": "teaching", "post": "Teacher", "line_manager_id": manager})
            assert made.status_code == 201, made.json
            return made.json

        head = join("H1", "Hana")
        team = [join(f"T{i}", f"Teacher{i}", head["id"]) for i in range(5)]
        both.deliver(lambda: len(both.rows(select(staff).where(staff.c.line_manager_id.is_not(None)))) == 5,
                     "five staff.joined with their line manager in wellbeing's staff copy")

        me = both.tokens.headers(team[0]["id"], academy_id=both.academy["id"])
        closes = str(date.today() + timedelta(days=7))
        asked = both.survey.post("/feedback/requests", headers=me, json={
            "closes_on": closes, "include_line_manager": True,
            "raters": [{"staff_id": p["id"], "category": "peers"} for p in team[1:4]]})
        assert asked.status_code == 201, asked.json
        line_manager = [a for a in asked.json["asked"] if a["category"] == "line_manager"]
        assert line_manager == [{"name": "Hana Iqbal", "category": "line_manager", "category_name": "Line manager"}]

        opened = both.survey.post("/feedback/rounds", headers=both.trust_hr, json={
            "title": "Upward feedback", "academy_id": both.academy["id"], "closes_on": closes})
        assert opened.status_code == 201, opened.json
        assert opened.json["managers"] == 1 and opened.json["invited"] == 5
        reports = both.rows(select(feedback_invitations.c.staff_id).where(
            feedback_invitations.c.category == "direct_reports"))
        assert {str(r.staff_id) for r in reports} == {p["id"] for p in team}
