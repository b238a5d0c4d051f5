"""Property-based fuzzing of every service's HTTP API from its own OpenAPI document (security suite, issue 8).

Each service's app is built in-process on a temporary SQLite file, as its API tests build it, with a little data
seeded (through its own API where it can) so that generated ids in paths hit real records about half the time.
schemathesis loads the document from the app and calls every operation as trust HR with generated data, valid and
invalid; each response must:
- never be a 5xx;
- conform to the document: a documented status code, content type and body (errors too, as problem+json);
- refuse invalid input with a 4xx.

Examples per operation and mode: STAFFROOM_FUZZ_EXAMPLES (default 5, to keep CI quick). For a longer local run:
    STAFFROOM_FUZZ_EXAMPLES=50 .venv/bin/python -m pytest tests/security/test_api_fuzzing.py --timeout=0
"""
from __future__ import annotations

import importlib
import os
import uuid
from datetime import date, datetime, timedelta, timezone

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    negative_data_rejection,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from staffroom_shared.config import ServiceConfig
from staffroom_shared.testing import ServiceDb, Tokens

SERVICES = ["directory", "appraisal", "cpd", "wellbeing", "notifications", "targets"]
EXAMPLES = int(os.environ.get("STAFFROOM_FUZZ_EXAMPLES", "5"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance,
          negative_data_rejection]
TODAY = date.today()


@pytest.fixture(scope="module")
def tokens(tmp_path_factory) -> Tokens:
    return Tokens(tmp_path_factory.mktemp("keys"))


@pytest.fixture(scope="module")
def hr_id() -> uuid.UUID:
    return uuid.uuid4()


@pytest.fixture(scope="module")
def trust_hr(tokens, hr_id) -> dict:
    return tokens.headers(hr_id, roles=["staff", "trust_hr"])


@pytest.fixture(params=SERVICES)
def service(request, tmp_path, tokens, trust_hr, hr_id):
    """(app, ids): the service's app on a fresh SQLite file and, by path parameter name, ids of seeded records."""
    name = request.param
    bootstrap = importlib.import_module(f"{name}.bootstrap")
    config = ServiceConfig.from_env(name, {"STAFFROOM_DATA_DIR": str(tmp_path), "LOG_LEVEL": "WARNING",
                                           "JWT_PUBLIC_KEY_FILE": str(tokens.public)})
    bootstrap.migrate(config)
    app = importlib.import_module(f"{name}.api").create_app(config)
    ids = SEEDS[name](app, trust_hr, hr_id)
    yield app, ids
    app.extensions["staffroom"].engine.dispose()


def test_every_operation_keeps_to_its_document(service, trust_hr):
    app, ids = service
    schema = schemathesis.openapi.from_wsgi("/openapi.json", app)
    # Every call carries trust HR's token (below), so no generated case may count on a missing or broken one.
    schema.config.generation.update(with_security_parameters=False)
    failures = []
    for result in schema.get_all_operations():
        operation = result.ok()
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            try:
                _fuzz(operation, mode, ids, trust_hr)
            except (Exception, BaseExceptionGroup) as exc:  # report every failing operation, not just the first
                failures.append(f"{operation.label} ({mode.value}): {exc}")
    assert not failures, f"{len(failures)} operation(s) broke their document:\n\n" + "\n\n".join(failures)


def _fuzz(operation, mode: GenerationMode, ids: dict, headers: dict) -> None:
    """Call one operation with generated data (schemathesis via hypothesis) and check every response."""

    # No shrinking: a failure is reported as found (with its curl command), which keeps a failing run quick.
    @settings(max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck),
              phases=[Phase.explicit, Phase.generate])
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case):
        for name, value in (case.path_parameters or {}).items():
            if ids.get(name) and _is_uuid(value) and int(str(value)[-1], 16) % 2 == 0:  # half the time, a real record
                case.path_parameters[name] = ids[name][int(str(value)[-2], 16) % len(ids[name])]
        case.call_and_validate(headers=headers, checks=CHECKS)

    try:
        run()
    except Unsatisfiable:
        if mode is GenerationMode.POSITIVE:
            raise
        # No invalid request exists: the operation takes no parameters and no body (e.g. GET /staff/me).


def _is_uuid(value) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


# -- a little data per service, made through its own API (or, for copies of other services' data, its tables) ----

def _post(client, path, body, headers) -> dict:
    response = client.post(path, json=body, headers=headers)
    assert response.status_code in (200, 201), (path, response.get_data(as_text=True))
    return response.json


def _people(app) -> tuple[str, list[str]]:
    """An academy and two staff in the service's copy of the directory; (academy id, staff ids)."""
    academy, staff = uuid.uuid4(), [uuid.uuid4(), uuid.uuid4()]
    db = ServiceDb(app)
    db.insert("academies", {"academy_id": academy, "name": "Oak Primary Academy", "urn": "140001"})
    db.insert("staff", *[{"staff_id": s, "academy_id": academy, "first_name": "Tom", "last_name": f"Taylor{i}",
                          "email": f"t{i}@oaktrust.example", "staff_type": "teaching", "post": "Teacher",
                          "start_date": date(2019, 9, 1), "leaving_date": None,
                          "line_manager_id": staff[0] if i else None} for i, s in enumerate(staff)])
    return str(academy), [str(s) for s in staff]


def seed_directory(app, hr, _hr_id) -> dict:
    client = app.test_client()
    academy = _post(client, "/academies", {"name": "Oak Primary Academy", "urn": "140001", "phase": "primary"}, hr)
    person = _post(client, "/staff", {
        "staff_code": "S1", "academy_id": academy["id"], "first_name": "Tom", "last_name": "Taylor",
        "email": "tom.taylor@oaktrust.example", "staff_type": "teaching", "post": "Teacher",
        "start_date": "2019-09-01"}, hr)
    return {"academy_id": [academy["id"]], "staff_id": [person["id"]]}


def seed_appraisal(app, hr, _hr_id) -> dict:
    academy, _staff = _people(app)
    client = app.test_client()
    cycle = _post(client, "/cycles", {
        "name": "Teachers", "template": "teachers", "academy_id": academy,
        "starts_on": str(TODAY - timedelta(days=60)), "objectives_due": str(TODAY + timedelta(days=10)),
        "mid_year_due": str(TODAY + timedelta(days=20)), "end_of_year_due": str(TODAY + timedelta(days=30)),
        "ends_on": str(TODAY + timedelta(days=200))}, hr)
    _post(client, f"/cycles/{cycle['id']}/open", {}, hr)
    appraisals = client.get(f"/appraisals?cycle_id={cycle['id']}", headers=hr).json["items"]
    return {"cycle_id": [cycle["id"]], "appraisal_id": [a["id"] for a in appraisals]}


def seed_cpd(app, hr, _hr_id) -> dict:
    academy, _staff = _people(app)
    client = app.test_client()
    programme = _post(client, "/programmes", {
        "title": "Adaptive teaching", "kind": "external_course", "provider": "Ambition Institute",
        "delivery_mode": "blended", "cost": "300.00", "academy_id": academy}, hr)
    cohort = _post(client, f"/programmes/{programme['id']}/cohorts", {
        "name": "Spring", "starts_on": str(TODAY + timedelta(days=30)), "ends_on": str(TODAY + timedelta(days=90)),
        "capacity": 10}, hr)
    return {"academy_id": [academy], "programme_id": [programme["id"]], "cohort_id": [cohort["id"]]}


def seed_wellbeing(app, hr, _hr_id) -> dict:
    _people(app)
    run = _post(app.test_client(), "/runs", {
        "title": "Autumn staff survey", "instruments": ["ons4", "enps"], "opens_on": str(TODAY + timedelta(days=1)),
        "closes_on": str(TODAY + timedelta(days=14))}, hr)
    return {"run_id": [run["id"]]}


def seed_notifications(app, _hr, hr_id) -> dict:
    message = uuid.uuid4()
    ServiceDb(app).insert("messages", {
        "id": message, "recipient_id": hr_id, "category": "cpd_updates", "subject": "Welcome", "body": "Dear HR,",
        "link": "/cpd/enrolments/1", "event_id": uuid.uuid4(), "event_type": "cpd.enrolled",
        "created_at": datetime(2026, 11, 1, tzinfo=timezone.utc), "read_at": None})
    return {"message_id": [str(message)]}


def seed_targets(_app, _hr, _hr_id) -> dict:
    return {}


SEEDS = {"directory": seed_directory, "appraisal": seed_appraisal, "cpd": seed_cpd, "wellbeing": seed_wellbeing,
         "notifications": seed_notifications, "targets": seed_targets}
