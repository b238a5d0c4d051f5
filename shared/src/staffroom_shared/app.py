"""The app factory every service uses: config, database, bus, auth, errors, health, OpenAPI."""
from __future__ import annotations

import logging
import time
import uuid
from decimal import Decimal
from typing import Iterable

from flask import Flask, Response, current_app, g, jsonify, request
from flask_smorest import Api
from marshmallow import fields
from sqlalchemy import text

from .audit import audit_blueprint
from .context import ServiceContext
from .web import Blueprint, ProblemSchema
from .errors import PROBLEM_JSON, Problem, handle_http_exception, register_error_handlers
from .log import SURVEY_LINK_PATH, configure_logging, reset_correlation_id, set_correlation_id
from .storable import refuse_unstorable_text

log = logging.getLogger(__name__)
CORRELATION_HEADER = "X-Correlation-ID"


class ProblemApi(Api):
    ERROR_SCHEMA = ProblemSchema

    def handle_http_exception(self, error):
        return handle_http_exception(error)

    def _register_responses(self):
        # Document the error responses (DEFAULT_ERROR, UNPROCESSABLE_ENTITY, ...) with the content type they are
        # sent with, application/problem+json, not flask-smorest's default application/json.
        self.DEFAULT_RESPONSE_CONTENT_TYPE = PROBLEM_JSON
        try:
            super()._register_responses()
        finally:
            del self.DEFAULT_RESPONSE_CONTENT_TYPE  # back to the class's application/json for success responses


def decimal_as_string_property(self, field, ret, **_kwargs) -> dict:
    """Document a Decimal sent as a string ("300.00") as what it is: a decimal string, or a number on the way in.

    apispec documents every Decimal as a number with its Range bounds as strings ("1000000.00"): neither what the
    API sends nor a valid OpenAPI document. (An apispec attribute function: `self` is its converter.)
    """
    if not (isinstance(field, fields.Decimal) and field.as_string):
        return {}
    types = ret.get("type") if isinstance(ret.get("type"), list) else [ret.get("type")]
    out = {"type": ["string", "number", *(["null"] if "null" in types else [])], "pattern": r"^-?\d+(\.\d+)?$"}
    for bound in ("minimum", "maximum"):
        if isinstance(ret.get(bound), str):
            value = Decimal(ret[bound])
            out[bound] = int(value) if value == value.to_integral_value() else float(value)
    return out


def create_service_app(
    context: ServiceContext, *, title: str, version: str, blueprints: Iterable[Blueprint], description: str = "",
    dpo_only_audit: Iterable[str] = (),
) -> Flask:
    config = context.config
    configure_logging(config.log_level, config.service)
    app = Flask(config.service)
    app.config.update(
        MAX_CONTENT_LENGTH=config.max_content_length,
        API_TITLE=title,
        API_VERSION=version,
        OPENAPI_VERSION="3.1.0",
        OPENAPI_URL_PREFIX="/",
        OPENAPI_JSON_PATH="openapi.json",
        API_SPEC_OPTIONS={
            "info": {"description": description},
            "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}}},
            "security": [{"bearer": []}],
        },
        JSON_SORT_KEYS=False,
    )
    app.extensions["staffroom"] = context
    api = ProblemApi(app)
    api.ma_plugin.converter.add_attribute_function(decimal_as_string_property)
    for blp in blueprints:
        api.register_blueprint(blp)
    api.register_blueprint(audit_blueprint(dpo_only_audit))  # every service's audit log, read the same way (issue 21)
    app.register_blueprint(_health_blueprint(context))
    register_error_handlers(app)
    _correlation_middleware(app)
    app.after_request(security_headers)
    _authenticate_first(app)
    # After authentication (a stranger learns nothing), before any view reads a thing.
    app.before_request(refuse_unstorable_text)
    app.before_request(json_bodies_only)
    if config.proxy_hops:
        from werkzeug.middleware.proxy_fix import ProxyFix

        # Behind nginx: the client's address, scheme, host and /api/<service> prefix come from X-Forwarded-*.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=config.proxy_hops, x_proto=config.proxy_hops,
                                x_host=config.proxy_hops, x_prefix=config.proxy_hops)

    @app.teardown_appcontext
    def _close_session(_exc):
        session = g.pop("db_session", None)
        if session is not None:
            session.close()

    return app


def _health_blueprint(context: ServiceContext):
    from flask import Blueprint as FlaskBlueprint

    blp = FlaskBlueprint("health", __name__)

    @blp.get("/healthz")
    def healthz():
        return jsonify(status="ok", service=context.config.service)

    @blp.get("/readyz")
    def readyz():
        checks: dict[str, str] = {}
        try:
            with context.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            checks["database"] = "ok"
        except Exception as exc:  # noqa: BLE001 - readiness reports, never raises
            checks["database"] = f"unavailable: {type(exc).__name__}"
        try:
            context.bus.ping()
            checks["bus"] = "ok"
        except Exception as exc:  # noqa: BLE001
            checks["bus"] = f"unavailable: {type(exc).__name__}"
        ready = all(v == "ok" for v in checks.values())
        response = jsonify(status="ready" if ready else "not ready", checks=checks)
        response.status_code = 200 if ready else 503
        if not ready:
            response.headers["Retry-After"] = "5"
        return response

    return blp


PUBLIC_ENDPOINTS = {"health.healthz", "health.readyz", "api-docs.openapi_json", "static"}


def _authenticate_first(app: Flask) -> None:
    # Before any body is parsed, so an anonymous caller learns nothing from validation errors.
    from .auth import authenticate

    @app.before_request
    def _require_token():
        if request.endpoint is None or request.endpoint in PUBLIC_ENDPOINTS:
            return
        view = app.view_functions.get(request.endpoint)
        if getattr(view, "public", False) or getattr(getattr(view, "view_class", None), "public", False):
            return
        authenticate()


def json_bodies_only() -> None:
    """A body sent as anything but JSON where JSON is read is 415, saying so: it was read as no body at all, and the
    answer listed every field as missing (outsider 4, issue 20). A view that reads files says so (`takes_files`)."""
    if request.method not in ("POST", "PUT", "PATCH") or request.is_json:
        return
    if not (request.content_length or request.headers.get("Transfer-Encoding")):
        return  # no body: the view's own answer (a command that takes none, or the fields it needs)
    view = current_app.view_functions.get(request.endpoint)
    if getattr(getattr(view, "view_class", view), "takes_files", False):
        return
    raise Problem(415, "Unsupported Media Type", f"send the body as application/json, not {request.mimetype or 'untyped'}")


# What a printed document may load: its own <style>, nothing else; nobody may frame it, post from it or re-base it.
DOCUMENT_CSP = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"


def security_headers(response: Response) -> Response:
    """Every API answer, JSON or the printable record, with the portal's protections (issue 21): a policy that
    lets it load nothing but its own style and never be framed, no type sniffing, no referrer, and no copy of a
    signed-in answer in a shared cache."""
    response.headers.setdefault("Content-Security-Policy", DOCUMENT_CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "no-referrer")
    if "Authorization" in request.headers:
        response.headers.setdefault("Cache-Control", "no-store")
    return response


def served_by_gunicorn() -> bool:
    """Gunicorn writes one JSON access line per request (deploy/gunicorn.conf.py), with the correlation id this app
    answers with; the app's own line would say it twice, at a sixth of a bare read's time (bench (e)). The one-command
    run's waitress logs no requests, so there the app's line is the only one."""
    return request.environ.get("SERVER_SOFTWARE", "").startswith("gunicorn")


def _correlation_middleware(app: Flask) -> None:
    access = logging.getLogger("staffroom.access")

    @app.before_request
    def _start():
        incoming = request.headers.get(CORRELATION_HEADER, "")
        value = incoming if 0 < len(incoming) <= 100 and incoming.isprintable() else str(uuid.uuid4())
        g.correlation_token = set_correlation_id(value)
        g.correlation_id = value
        g.started = time.perf_counter()

    @app.after_request
    def _finish(response: Response):
        if "correlation_id" in g:
            response.headers[CORRELATION_HEADER] = g.correlation_id
            if request.path not in ("/healthz", "/readyz") and not served_by_gunicorn():
                took = {} if SURVEY_LINK_PATH.fullmatch(request.path) else {
                    "ms": round((time.perf_counter() - g.started) * 1000, 1)}
                access.info("request", extra={"method": request.method, "path": request.path,
                                              "status": response.status_code, **took})
        return response

    @app.teardown_request
    def _reset(_exc):
        token = g.pop("correlation_token", None)
        if token is not None:
            reset_correlation_id(token)


