"""Data migrations, run over rows as an earlier release left them, on SQLite and PostgreSQL."""
from __future__ import annotations

import uuid
from datetime import date
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import create_engine, insert, select

from cpd.adapters.orm import plans, staff
from staffroom_shared.runner import alembic_config
from staffroom_shared.testing import postgres_database

MIGRATIONS = Path(__import__("cpd").__file__).parent / "migrations"


def _plans_dated_by_the_day_cpd_heard(url: str) -> None:
    config = alembic_config(MIGRATIONS, url)
    command.upgrade(config, "0002")
    joined, asked, unknown = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    engine = create_engine(url)
    with engine.begin() as conn:
        for staff_id in (joined, asked):
            conn.execute(insert(staff).values(
                staff_id=staff_id, academy_id=uuid.uuid4(), first_name="A", last_name="B", email="a@b.example",
                staff_type="teaching", post="Teacher", start_date=date(2025, 6, 2)))
        for staff_id, because in ((joined, "joined"), (asked, "requested"), (unknown, "joined")):
            conn.execute(insert(plans).values(id=uuid.uuid4(), staff_id=staff_id, academy_id=uuid.uuid4(),
                                              role="Teacher", created_on=date(2026, 12, 6), created_because=because))
    command.upgrade(config, "head")
    with engine.connect() as conn:
        dated = dict(conn.execute(select(plans.c.staff_id, plans.c.created_on)).all())
    engine.dispose()
    # issue 20: "Started on 6 December 2026 (when you joined)" for someone who joined on 2 June 2025
    assert dated == {joined: date(2025, 6, 2), asked: date(2026, 12, 6), unknown: date(2026, 12, 6)}


def test_a_plan_made_when_someone_joined_is_dated_by_their_start_date_on_sqlite(tmp_path):
    _plans_dated_by_the_day_cpd_heard(f"sqlite:///{tmp_path / 'cpd.db'}")


@pytest.mark.integration
def test_a_plan_made_when_someone_joined_is_dated_by_their_start_date_on_postgresql():
    with postgres_database("cpdmig") as url:
        _plans_dated_by_the_day_cpd_heard(url)
