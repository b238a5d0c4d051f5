"""Structured (JSON) logging with the correlation id carried from request to event to consumer."""
from __future__ import annotations

import contextlib
import contextvars
import functools
import logging
import re
import sys
import uuid
from datetime import date

from pythonjsonlogger.json import JsonFormatter

# A survey link's requests (the portal's survey page and wellbeing's /survey API: answering, saving, reading and
# answering replies) are logged without how long they took, nor (by the proxy and gunicorn) the address or user
# agent: an answer to an HR reply takes longer than a read, and the moment ties its sender to the conversation HR had
# just replied to (docs/wellbeing.md, "Replies to comments"). deploy/gunicorn.conf.py and nginx.conf match the same.
SURVEY_LINK_PATH = re.compile(r"(/api/wellbeing)?/(survey(/.*)?|feedback/respond/?)|/(surveys|feedback)/respond/?")

_correlation_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("correlation_id", default=None)


def current_correlation_id() -> str:
    """The id of the work in hand; a fresh one each call when nothing set it (a scheduled job, a CLI).

    A fresh id is not stored: a long-lived thread would otherwise tag all its future work with the
    first id it happened to make. Callers that need one id for a piece of work (a unit of work) keep it.
    """
    value = _correlation_id.get()
    return value if value is not None else str(uuid.uuid4())


def set_correlation_id(value: str | None) -> contextvars.Token:
    return _correlation_id.set(value)


def reset_correlation_id(token: contextvars.Token) -> None:
    _correlation_id.reset(token)


@contextlib.contextmanager
def correlation(value: str | None):
    token = set_correlation_id(value)
    try:
        yield
    finally:
        reset_correlation_id(token)


def own_correlation(name: str):
    """A job (the daily job) whose every call is one piece of work with a correlation id of its own, `name`, the day
    and a random part (a long-lived scheduler thread would otherwise stamp every day's events with the first run's
    id); a caller may give one (`correlation_id=`)."""
    def wrap(job):
        @functools.wraps(job)
        def run(*args, correlation_id: str | None = None, **kwargs):
            with correlation(correlation_id or f"{name}-{date.today()}-{uuid.uuid4().hex[:8]}"):
                return job(*args, **kwargs)
        return run
    return wrap


class _CorrelationFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.correlation_id = _correlation_id.get()
        return True


def configure_logging(level: str = "INFO", service: str | None = None) -> None:
    """Send JSON lines to stderr. Idempotent, so app factories and entrypoints may all call it."""
    root = logging.getLogger()
    if any(getattr(h, "_staffroom", False) for h in root.handlers):
        root.setLevel(level)
        return
    handler = logging.StreamHandler(sys.stderr)
    handler._staffroom = True  # type: ignore[attr-defined]
    handler.addFilter(_CorrelationFilter())
    handler.setFormatter(
        JsonFormatter(
            "%(asctime)s %(levelname)s %(name)s %(message)s %(correlation_id)s",
            rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
            static_fields={"service": service} if service else None,
        )
    )
    root.addHandler(handler)
    root.setLevel(level)
