"""Send the email that is due, as a long-running process: `python -m notifications.entrypoints.sender`.

It sends what is due (new messages, and retries whose time has come) batch after batch while a backlog lasts,
then looks again every few seconds, until SIGTERM. With SMTP_MAX_PER_MINUTE it sends no more than that in any
60 seconds, so a mail service's rate limit (Microsoft 365's SMTP AUTH: 30 a minute) delays a survey's
invitations instead of refusing them. Several senders may run side by side on PostgreSQL (each claims different
emails); the limit is each one's own. It alone holds SURVEY_LINK_PRIVATE_KEY, which opens the survey links
that invitations carry sealed.
"""
from __future__ import annotations

import logging
import os
import threading
import time
from collections import deque
from pathlib import Path
from typing import Callable, Mapping

from sqlalchemy.exc import DBAPIError

from staffroom_shared.context import ServiceContext

from ..service.email import BATCH, SmtpSettings, send_due

log = logging.getLogger(__name__)


def settings_for(context: ServiceContext, environ: Mapping[str, str] | None = None) -> SmtpSettings:
    """SMTP settings from the environment; without SMTP_HOST in development, .eml files in <data>/mail."""
    environ = os.environ if environ is None else environ
    data_dir = None if context.config.production else Path(environ.get("STAFFROOM_DATA_DIR", "data"))
    settings = SmtpSettings.from_env(environ, data_dir)
    if context.config.production and settings.host is None:
        raise SystemExit("notifications: SMTP_HOST must be set in production")
    return settings


class SendWindow:
    """At most `limit` emails in any 60 seconds (a sliding window: a burst of `limit`, then one more as each
    leaves the window), or any number with no limit."""

    SECONDS = 60.0

    def __init__(self, limit: int | None, clock: Callable[[], float] = time.monotonic):
        self.limit, self.clock = limit, clock
        self._sent: deque[float] = deque()  # when each email in the window was handed over

    def allowance(self, most: int) -> int:
        """How many may be sent now, up to `most`."""
        if self.limit is None:
            return most
        now = self.clock()
        while self._sent and self._sent[0] <= now - self.SECONDS:
            self._sent.popleft()
        return min(most, self.limit - len(self._sent))

    def spend(self, n: int) -> None:
        if self.limit is not None:
            self._sent.extend([self.clock()] * n)

    def seconds_to_next(self) -> float:
        """Until one more may be sent (0: now)."""
        if self.limit is None or len(self._sent) < self.limit:
            return 0.0
        return max(0.0, self._sent[0] + self.SECONDS - self.clock())


def loop(context: ServiceContext, stop: threading.Event, every: float = 2.0,
         settings: SmtpSettings | None = None, *, batch: int = BATCH, clock: Callable[[], float] = time.monotonic) -> None:
    settings = settings or settings_for(context)
    key = context.config.secret_key()
    survey_link_key = context.config.survey_link_private_key()  # opens invitations' links; only the sender has it
    window = SendWindow(settings.max_per_minute, clock)
    while not stop.is_set():
        wait = every
        allowed = window.allowance(batch)
        if not allowed:
            wait = window.seconds_to_next()
        else:
            try:
                counts = send_due(context.engine, settings, context.config.public_url, key, batch=allowed,
                                  survey_link_key=survey_link_key)
                tried = counts["sent"] + counts["retried"] + counts["dead"]  # every email handed over, refused or not
                window.spend(tried)
                if tried:
                    log.info("email: %s sent, %s to retry, %s dead-lettered", counts["sent"], counts["retried"],
                             counts["dead"])
                if tried == allowed:  # a full batch: more may be due, so go on as soon as the limit allows
                    wait = window.seconds_to_next()
            except DBAPIError as exc:
                log.warning("email sender paused: %s", exc)
        stop.wait(wait)

if __name__ == "__main__":
    from staffroom_shared.log import configure_logging
    from staffroom_shared.runner import stop_on_signals

    from .. import bootstrap

    from staffroom_shared.config import ConfigError

    configure_logging(service=bootstrap.NAME)
    try:
        loop(bootstrap.build(), stop_on_signals())
    except ConfigError as exc:  # a missing or malformed key: say which, and how to make one
        raise SystemExit(str(exc)) from None
