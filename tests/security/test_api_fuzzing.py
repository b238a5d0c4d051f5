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

import os
import uuid

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

from fuzzkit import SEEDS, SERVICES, service_app
from staffroom_shared.testing import Tokens

EXAMPLES = int(os.environ.get("STAFFROOM_FUZZ_EXAMPLES", "5"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance,
          negative_data_rejection]


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
    with service_app(request.param, tmp_path, tokens) as app:
        yield app, SEEDS[request.param](app, trust_hr, hr_id)


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
