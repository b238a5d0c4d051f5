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


def _report_deadlines_dated_from_the_meeting(url: str) -> None:
    """Migration 0010 (outsider F6): a formal assessment's report deadline, stored 10 working days from its due date,
    is dated again from the day it was held; a progress review keeps none; kept summaries are made afresh."""
    import sqlalchemy as sa
    config = alembic_config(MIGRATIONS, url)
    command.upgrade(config, "0008")
    types = {"report_by": sa.Date, "id": sa.Uuid, "staff_id": sa.Uuid, "academy_id": sa.Uuid, "induction_id": sa.Uuid,
             "recorded_by": sa.Uuid, "summary": sa.JSON, "standards": sa.JSON}
    inductions = sa.table("inductions", *(sa.column(c, types.get(c)) for c in (
        "id", "staff_id", "academy_id", "qts_on", "starts_on", "appropriate_body", "programme_type",
        "served_elsewhere", "status", "registered_on", "summary")))
    reviews = sa.table("induction_reviews", *(sa.column(c, types.get(c)) for c in (
        "id", "induction_id", "kind", "school_year", "term_number", "due_on", "report_by", "held_on", "outcome",
        "standards", "next_steps", "recorded_by")))
    ect, first, review = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(inductions.insert().values(
            id=ect, staff_id=uuid.uuid4(), academy_id=uuid.uuid4(), qts_on=date(2025, 7, 1),
            starts_on=date(2025, 9, 1), appropriate_body="Hub", programme_type="school-led", served_elsewhere="0",
            status="serving", registered_on=date(2025, 9, 1), summary=sa.null()))
        for id_, kind, due, report in ((first, "first formal assessment", date(2026, 7, 21), date(2026, 8, 3)),
                                       (review, "progress review", date(2025, 12, 19), None)):
            conn.execute(reviews.insert().values(
                id=id_, induction_id=ect, kind=kind, school_year=2025, term_number=3, due_on=due, report_by=report,
                held_on=date(2026, 7, 6) if id_ == first else date(2025, 12, 12), outcome="on track", standards={},
                next_steps="", recorded_by=uuid.uuid4()))
    command.upgrade(config, "head")
    with engine.connect() as conn:
        found = dict(conn.execute(sa.select(reviews.c.id, reviews.c.report_by)).all())
        after = sa.table("inductions", sa.column("trn"), sa.column("date_of_birth", sa.Date),
                         sa.column("summary", sa.JSON))
        columns = conn.execute(sa.select(after.c.trn, after.c.date_of_birth, after.c.summary)).one()
    engine.dispose()
    assert found == {first: date(2026, 7, 17), review: None}  # held Monday 6 July: due Friday 17 July
    assert tuple(columns) == (None, None, None)


def test_migration_0010_dates_reports_from_the_meeting_on_sqlite(tmp_path):
    _report_deadlines_dated_from_the_meeting(f"sqlite:///{tmp_path / 'cpd.db'}")


@pytest.mark.integration
def test_migration_0010_dates_reports_from_the_meeting_on_postgresql():
    with postgres_database("cpdmig10") as url:
        _report_deadlines_dated_from_the_meeting(url)
