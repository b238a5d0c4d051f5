"""The audit log's read API (issue 21): every service answers GET /audit the same way, to trust HR and the data
protection officer only, newest first, filtered by record, person acting, action and day; on SQLite and PostgreSQL."""
from __future__ import annotations

import importlib
import uuid
from contextlib import ExitStack
from datetime import datetime, timezone

import pytest
from sqlalchemy import insert

from staffroom_shared.config import ServiceConfig
from staffroom_shared.testing import Tokens, postgres_database

SERVICES = ("directory", "appraisal", "cpd", "wellbeing", "notifications", "targets")
ME = uuid.uuid4()


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.integration)])
def services(request, tmp_path_factory):
    """Each service's app, on its own database, with three audit rows of its own (made once per backend: the tests
    only read)."""
    backend, tmp_path = request.param, tmp_path_factory.mktemp("audit")
    tokens = Tokens(tmp_path / "keys")
    apps = {}
    with ExitStack() as stack:
        for name in SERVICES:
            overrides = {"jwt_public_key_file": str(tokens.public)}
            if backend == "postgresql":
                overrides["database_url"] = stack.enter_context(postgres_database(f"audit{name[:6]}"))
            config = ServiceConfig.from_env(name, {"STAFFROOM_DATA_DIR": str(tmp_path / name)}, **overrides)
            importlib.import_module(f"{name}.bootstrap").migrate(config)
            app = importlib.import_module(f"{name}.entrypoints.web").create_app(config)
            context = app.extensions["staffroom"]
            stack.callback(context.engine.dispose)
            with context.engine.begin() as conn:
                conn.execute(insert(context.metadata.tables["audit_log"]), [
                    {"at": datetime(2026, 9, 1, 9, tzinfo=timezone.utc), "actor": str(ME), "action": "created",
                     "entity": "thing", "entity_id": "1", "changes": {"title": "First"}},
                    {"at": datetime(2026, 10, 1, 9, tzinfo=timezone.utc), "actor": "scheduler", "action": "expired",
                     "entity": "retention", "entity_id": "2026-10-01", "changes": {"outbox": 3}},
                    {"at": datetime(2026, 10, 2, 9, tzinfo=timezone.utc), "actor": str(ME), "action": "changed",
                     "entity": "thing", "entity_id": "1", "changes": {"title": ["First", "Second"]}},
                ])
            apps[name] = app.test_client()
        yield apps, tokens


@pytest.mark.parametrize("name", SERVICES)
def test_trust_hr_and_the_dpo_read_a_services_audit_log_newest_first(services, name):
    apps, tokens = services
    for roles in (("staff", "trust_hr"), ("staff", "dpo")):
        page = apps[name].get("/audit", headers=tokens.headers(uuid.uuid4(), roles=roles))
        assert page.status_code == 200, page.json
        body = page.json
        assert body["total"] == 3 and [e["action"] for e in body["items"]] == ["changed", "expired", "created"]
        assert body["items"][0]["at"] == "2026-10-02T09:00:00+00:00"
        assert body["items"][0]["changes"] == {"title": ["First", "Second"]}


@pytest.mark.parametrize("name", SERVICES)
def test_the_audit_log_filters_by_record_person_action_and_day(services, name):
    apps, tokens = services
    hr = tokens.headers(uuid.uuid4(), roles=("trust_hr",))

    def actions(query):
        answer = apps[name].get(f"/audit?{query}", headers=hr)
        assert answer.status_code == 200, answer.json
        return [e["action"] for e in answer.json["items"]]

    assert actions("entity=thing&entity_id=1") == ["changed", "created"]
    assert actions(f"actor={ME}") == ["changed", "created"]
    assert actions("action=expired") == ["expired"]
    assert actions("since=2026-10-01&until=2026-10-01") == ["expired"]
    assert actions("until=2026-09-30") == ["created"]
    assert actions("page=2&page_size=2") == ["created"]
    assert actions("entity=nothing") == []


@pytest.mark.parametrize("name", SERVICES)
@pytest.mark.parametrize("roles", [("staff",), ("staff", "academy_hr")])
def test_nobody_else_reads_the_audit_log(services, name, roles):
    apps, tokens = services
    answer = apps[name].get("/audit", headers=tokens.headers(uuid.uuid4(), roles=roles, academy_id=uuid.uuid4()))
    assert answer.status_code == 403 and answer.mimetype == "application/problem+json"
    assert apps[name].get("/audit").status_code == 401


@pytest.mark.parametrize("query", ["since=yesterday", "page=0", "page_size=501", "colour=red", "until=1899-12-31",
                                   "entity=" + "x" * 101])
def test_a_bad_audit_query_is_422_in_the_one_error_shape(services, query):
    apps, tokens = services
    answer = apps["appraisal"].get(f"/audit?{query}", headers=tokens.headers(uuid.uuid4(), roles=("trust_hr",)))
    assert answer.status_code == 422 and answer.mimetype == "application/problem+json", answer.json
