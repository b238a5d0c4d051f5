"""Appraisal's migrations over rows as an earlier release left them (SQLite here; PostgreSQL runs them in every
integration test's database)."""
from __future__ import annotations

import uuid
from datetime import datetime, timezone
from pathlib import Path

from alembic import command
from sqlalchemy import create_engine, inspect, text

from staffroom_shared.runner import alembic_config

MIGRATIONS = Path(__import__("appraisal").__file__).parent / "migrations"
REPORT_COLUMNS = {"reported_at", "reported_because", "report_dismissed_at", "report_dismissed_by"}


def _columns(engine) -> set[str]:
    return {c["name"] for c in inspect(engine).get_columns("recognitions")}


def test_0012_adds_the_report_to_hr_and_takes_it_away_again_keeping_what_was_given(tmp_path):
    url = f"sqlite:///{tmp_path / 'appraisal.db'}"
    config = alembic_config(MIGRATIONS, url)
    command.upgrade(config, "0011")
    engine = create_engine(url)
    item = uuid.uuid4()
    with engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO recognitions (id, giver_id, recipient_id, academy_id, kind, words, visibility, given_at, "
            "hidden) VALUES (:id, :g, :r, :a, 'recognition', 'Thank you', 'private', :at, 0)"),
            {"id": item.hex, "g": uuid.uuid4().hex, "r": uuid.uuid4().hex, "a": uuid.uuid4().hex,
             "at": datetime(2026, 12, 1, tzinfo=timezone.utc)})
    assert not REPORT_COLUMNS & _columns(engine)
    command.upgrade(config, "0012")
    assert REPORT_COLUMNS <= _columns(engine)
    with engine.connect() as conn:
        row = conn.execute(text("SELECT words, reported_at, report_dismissed_at FROM recognitions")).one()
    assert tuple(row) == ("Thank you", None, None)
    command.downgrade(config, "0011")
    assert not REPORT_COLUMNS & _columns(engine)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT words FROM recognitions")).scalar_one() == "Thank you"
    engine.dispose()
