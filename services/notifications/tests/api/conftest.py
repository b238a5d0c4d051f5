"""The notifications app on a temporary SQLite database and embedded bus, as the one-command run builds it."""
from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone

import pytest

from notifications import bootstrap
from notifications.entrypoints.web import create_app
from staffroom_shared.testing import ServiceDb, sqlite_service_fixtures

TABLES = ("staff", "messages", "deliveries", "preferences", "outbox", "audit_log")

tokens, migrated_db, app, client = sqlite_service_fixtures(bootstrap, create_app)


@pytest.fixture
def db(app):
    return ServiceDb(app, TABLES)


@pytest.fixture
def inbox_of(db):
    """Put `n` messages in someone's inbox (oldest first); returns their ids."""
    def make(staff_id, n, category="cpd_updates"):
        start = datetime(2026, 11, 1, tzinfo=timezone.utc)
        rows = [{"id": uuid.uuid4(), "recipient_id": staff_id, "category": category, "subject": f"Message {i}",
                 "body": "Dear Tom,\n\nSomething happened.", "link": "/cpd/enrolments/1", "event_id": uuid.uuid4(),
                 "event_type": "cpd.enrolled", "created_at": start + timedelta(hours=i), "read_at": None}
                for i in range(n)]
        db.insert("messages", *rows)
        return [r["id"] for r in rows]
    return make
