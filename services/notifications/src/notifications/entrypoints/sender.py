"""Send the email that is due, as a long-running process: `python -m notifications.entrypoints.sender`.

Every few seconds it sends what is due (new messages, and retries whose time has come) until SIGTERM.
Several may run side by side on PostgreSQL (each claims different emails).
"""
from __future__ import annotations

import logging
import os
import threading
from pathlib import Path
from typing import Mapping

from sqlalchemy.exc import DBAPIError

from staffroom_shared.app import ServiceContext

from ..service.email import SmtpSettings, send_due

log = logging.getLogger(__name__)


def settings_for(context: ServiceContext, environ: Mapping[str, str] | None = None) -> SmtpSettings:
    """SMTP settings from the environment; without SMTP_HOST in development, .eml files in <data>/mail."""
    environ = os.environ if environ is None else environ
    data_dir = None if context.config.production else Path(environ.get("STAFFROOM_DATA_DIR", "data"))
    settings = SmtpSettings.from_env(environ, data_dir)
    if context.config.production and settings.host is None:
        raise SystemExit("notifications: SMTP_HOST must be set in production")
    return settings


def loop(context: ServiceContext, stop: threading.Event, every: float = 2.0,
         settings: SmtpSettings | None = None) -> None:
    settings = settings or settings_for(context)
    key = context.config.secret_key()
    while not stop.is_set():
        try:
            counts = send_due(context.engine, settings, context.config.public_url, key)
            if any(counts.values()):
                log.info("email: %s sent, %s to retry, %s dead-lettered", counts["sent"], counts["retried"],
                         counts["dead"])
        except DBAPIError as exc:
            log.warning("email sender paused: %s", exc)
        stop.wait(every)


if __name__ == "__main__":
    from staffroom_shared.log import configure_logging
    from staffroom_shared.runner import stop_on_signals

    from .. import bootstrap

    configure_logging(service=bootstrap.NAME)
    loop(bootstrap.build(), stop_on_signals())
