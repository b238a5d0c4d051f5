"""One error shape for every 4xx/5xx: application/problem+json (RFC 9457).

The Problem classes are raised by the service layer, in web and background processes alike; the handlers that
turn them into responses import Flask when they run, so a relay, consumer or scheduler does not load it."""
from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from werkzeug.exceptions import HTTPException, InternalServerError

if TYPE_CHECKING:
    from flask import Flask, Response

log = logging.getLogger(__name__)

PROBLEM_JSON = "application/problem+json"


class Problem(HTTPException):
    """A domain error that should reach the client with a specific status and a helpful detail."""

    def __init__(self, status: int, title: str, detail: str, **extensions):
        super().__init__(description=detail)
        self.code = status
        self.title = title
        self.extensions = extensions


class Conflict(Problem):
    def __init__(self, detail: str, **extensions):
        super().__init__(409, "Conflict", detail, **extensions)


class NotFound(Problem):
    def __init__(self, detail: str, **extensions):
        super().__init__(404, "Not Found", detail, **extensions)


class Forbidden(Problem):
    def __init__(self, detail: str = "you are not allowed to do this", **extensions):
        super().__init__(403, "Forbidden", detail, **extensions)


class Unprocessable(Problem):
    """A request that parsed but breaks a rule; `errors` lists what to fix."""

    def __init__(self, detail: str, errors: list[dict] | None = None, **extensions):
        if errors is not None:
            extensions["errors"] = errors
        super().__init__(422, "Unprocessable Content", detail, **extensions)


class TooManyRequests(Problem):
    """Done too recently to do again yet (e.g. a reminder about one appraisal); Retry-After says when."""

    def __init__(self, detail: str, retry_after: int, **extensions):
        super().__init__(429, "Too Many Requests", detail, **extensions)
        self.retry_after = retry_after


class ServiceUnavailable(Problem):
    def __init__(self, detail: str, retry_after: int = 5):
        super().__init__(503, "Service Unavailable", detail)
        self.retry_after = retry_after


def field_errors(messages, location: str | None = None, prefix: str = "#") -> list[dict]:
    """Flatten marshmallow/webargs messages ({"json": {"email": ["..."]}}) into RFC 9457 style entries."""
    out: list[dict] = []
    if isinstance(messages, dict):
        for key, value in messages.items():
            if location is None and key in {"json", "query", "form", "files", "headers", "path", "view_args", "cookies"}:
                out.extend(field_errors(value, location=key, prefix="#"))
            else:
                out.extend(field_errors(value, location=location, prefix=f"{prefix}/{key}"))
    elif isinstance(messages, list) and messages and all(isinstance(m, str) for m in messages):
        for message in messages:
            out.append({"location": location or "json", "pointer": prefix, "detail": message})
    elif isinstance(messages, list):
        for i, value in enumerate(messages):
            out.extend(field_errors(value, location=location, prefix=f"{prefix}/{i}"))
    else:
        out.append({"location": location or "json", "pointer": prefix, "detail": str(messages)})
    return out


def problem_response(status: int, title: str, detail: str | None = None, **extensions) -> Response:
    from flask import Response, json, request

    body = {"type": "about:blank", "title": title, "status": status}
    if detail:
        body["detail"] = detail
    body["instance"] = request.path if request else None
    body.update({k: v for k, v in extensions.items() if v is not None})
    response = Response(json.dumps(body), status=status, mimetype=PROBLEM_JSON)
    return response


def handle_http_exception(error: HTTPException) -> Response:
    status = error.code or 500
    # RFC 9110 renamed 422; werkzeug still says "Unprocessable Entity" for webargs' validation errors.
    title = getattr(error, "title", None) or ("Unprocessable Content" if status == 422 else error.name)
    extensions = dict(getattr(error, "extensions", {}) or {})
    detail = error.description
    data = getattr(error, "data", None)  # webargs/flask-smorest put validation messages here
    if data and "messages" in data:
        extensions["errors"] = field_errors(data["messages"])
        detail = "the request has invalid fields; see errors"
    if status == 413:
        detail = f"the request body is larger than the limit of {_limit()} bytes"
    response = problem_response(status, title, detail, **extensions)
    if isinstance(error, (ServiceUnavailable, TooManyRequests)):
        response.headers["Retry-After"] = str(error.retry_after)
    if error.code == 405 and hasattr(error, "valid_methods") and error.valid_methods:
        response.headers["Allow"] = ", ".join(error.valid_methods)
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="staffroom"'
    return response


def _limit() -> int | None:
    from flask import current_app

    return current_app.config.get("MAX_CONTENT_LENGTH")


def handle_unexpected(error: Exception) -> Response:
    from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError

    if isinstance(error, IntegrityError):
        # Checks before writing catch the usual clashes; this is two requests racing to the same unique value.
        log.warning("integrity error: %s", error.orig)
        return handle_http_exception(Conflict(
            "this clashes with a record saved at the same moment (a unique value or a reference); "
            "reload and try again"))
    if isinstance(error, (OperationalError,)) or (isinstance(error, DBAPIError) and error.connection_invalidated):
        log.warning("database unavailable: %s", error)
        return handle_http_exception(ServiceUnavailable("the database is unavailable; try again shortly"))
    log.exception("unhandled error")
    return handle_http_exception(InternalServerError("something went wrong on our side; it has been logged"))


def register_error_handlers(app: Flask) -> None:
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(Exception, handle_unexpected)
