"""Health, readiness and the OpenAPI document."""
import re

EXPECTED_PATHS = {
    "/academies": {"get", "post"}, "/academies/{academy_id}": {"get", "patch"},
    "/staff": {"get", "post"}, "/staff/me": {"get"}, "/staff/{staff_id}": {"get", "patch"},
    "/staff/{staff_id}/promotion": {"post"}, "/staff/{staff_id}/leaving": {"post"}, "/imports/staff": {"post"},
    "/imports/staff/checked/{checked_id}": {"post"}, "/audit": {"get"},
    "/subject-access-requests": {"get", "post"}, "/subject-access-requests/{request_id}": {"get"},
    "/subject-access-requests/{request_id}/bundle": {"get"},
    "/staff/{staff_id}/roles": {"get", "put"}, "/roles": {"get"}, "/sign-in": {"post"}, "/sign-in/keys": {"get"},
}
HTTP_METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}


def test_healthz_needs_no_token(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json == {"status": "ok", "service": "directory"}


def test_readyz_checks_database_and_bus(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json == {"status": "ready", "checks": {"database": "ok", "bus": "ok"}}


def test_readyz_is_503_when_the_database_is_gone(app, client):
    context = app.extensions["staffroom"]
    context.engine.dispose()
    from sqlalchemy import create_engine

    context.engine = create_engine("sqlite:////nonexistent-folder/x.db")
    response = client.get("/readyz")
    assert response.status_code == 503 and response.headers["Retry-After"]
    assert response.json["checks"]["database"].startswith("unavailable")


def test_every_response_carries_a_correlation_id(client):
    assert client.get("/healthz", headers={"X-Correlation-ID": "abc-123"}).headers["X-Correlation-ID"] == "abc-123"
    assert len(client.get("/staff").headers["X-Correlation-ID"]) == 36


def _refs(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


def test_openapi_document_is_3_1_and_lists_every_path(client):
    response = client.get("/openapi.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    spec = response.json
    assert spec["openapi"] == "3.1.0"
    assert spec["info"]["title"] == "Staffroom directory" and spec["info"]["version"] == "1"
    assert {path: set(ops) & HTTP_METHODS for path, ops in spec["paths"].items()} == EXPECTED_PATHS
    assert spec["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"


def test_openapi_document_is_well_formed(client):
    spec = client.get("/openapi.json").json
    operation_ids = []
    for path, item in spec["paths"].items():
        template_params = set(re.findall(r"{(\w+)}", path))
        for method, op in item.items():
            if method not in HTTP_METHODS:
                continue
            assert op["responses"], f"{method} {path} has no responses"
            for status in op["responses"]:
                assert status == "default" or re.fullmatch(r"[1-5]\d\d", status), status
            declared = {p["name"] for p in op.get("parameters", []) + item.get("parameters", []) if p["in"] == "path"}
            assert declared == template_params, f"{method} {path}: path parameters {declared} != {template_params}"
            operation_ids.append(op.get("operationId"))
    for name, schema in spec["components"]["schemas"].items():
        for prop, definition in schema.get("properties", {}).items():
            types = definition.get("type")
            types = set(types) if isinstance(types, list) else {types}
            if types <= {"number", "integer"}:  # bounds and defaults of a number are numbers, not strings
                for key in ("minimum", "maximum", "default", "example"):
                    value = definition.get(key)
                    assert value is None or isinstance(value, (int, float)), f"{name}.{prop}.{key} = {value!r}"
    for ref in _refs(spec):
        assert ref.startswith("#/"), ref
        node = spec
        for part in ref[2:].split("/"):
            assert part in node, f"unresolved $ref {ref}"
            node = node[part]


def test_openapi_documents_problem_responses_and_validation_schemas(client):
    spec = client.get("/openapi.json").json
    schemas = spec["components"]["schemas"]
    assert {"Staff", "Academy", "Problem"} <= set(schemas)
    post_staff = spec["paths"]["/staff"]["post"]
    assert "422" in post_staff["responses"]
    assert "application/json" in post_staff["requestBody"]["content"]


def test_openapi_documents_error_responses_as_problem_json_as_sent(client):
    # Found by the API fuzzing (tests/security): errors were documented as application/json.
    spec = client.get("/openapi.json").json
    responses = spec["components"]["responses"]
    assert {"DEFAULT_ERROR", "UNPROCESSABLE_ENTITY"} <= set(responses)
    for name, response in responses.items():
        assert set(response["content"]) == {"application/problem+json"}, name
    assert client.get("/academies").mimetype == "application/problem+json"  # the 401 it documents
