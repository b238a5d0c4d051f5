"""End to end over a real bus: staff added through the directory's API are invited to a wellbeing survey.

directory app (POST /academies, POST /staff) -> directory outbox -> relay -> bus -> wellbeing's InboxConsumer ->
wellbeing's staff copy and academy names; HR then schedules a run and everyone in scope is invited. On
RabbitMQ + PostgreSQL, and on the embedded default.
"""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from wellbeing.adapters.orm import academies, staff

from .conftest import directory_and_wellbeing


@pytest.mark.parametrize("backend", [pytest.param("rabbitmq", marks=pytest.mark.integration),
                                     pytest.param("embedded")])
def test_staff_added_in_the_directory_are_invited_to_a_survey(backend, tmp_path):
    with directory_and_wellbeing(backend, tmp_path) as both:
        for i in range(5):
            made = both.directory.post("/staff", headers=both.trust_hr, json={
                "academy_id": both.academy["id"], "fte": "1.00", "start_date": "2019-09-01", "staff_code": f"T{i}",
                "first_name": f"Teacher{i}", "last_name": "Iqbal", "email": f"t{i}@oaktrust.example",
                "staff_type": "teaching", "post": "Teacher"})
            assert made.status_code == 201, made.json
        both.deliver(lambda: len(both.rows(select(staff))) == 5, "five staff.joined in wellbeing's staff copy")

        assert both.rows(select(academies.c.name))[0].name == "Oakfield Primary"
        run = both.survey.post("/runs", headers=both.trust_hr, json={
            "title": "Autumn pulse", "instruments": ["enps"], "opens_on": str(date.today()),
            "closes_on": str(date.today() + timedelta(days=7))}).json
        opened = both.survey.post(f"/runs/{run['id']}/schedule", headers=both.trust_hr)
        assert opened.status_code == 200 and opened.json["invited"] == 5
