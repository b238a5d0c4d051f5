"""Run the daily directory job (retention: anonymise leavers whose records have expired, and clear old
outbox, inbox and audit rows): `python -m directory.entrypoints.scheduler`.

Once and exit (cron, a Kubernetes CronJob):   python -m directory.entrypoints.scheduler
As a long-running process (a compose service): python -m directory.entrypoints.scheduler --every 86400
The loop runs the job at start, then every interval, until SIGTERM. Running the job more often, or twice at
once by accident, is harmless: a record is anonymised, and staff.erased announced, once.
"""
from __future__ import annotations

import logging
import threading

from staffroom_shared import retention
from staffroom_shared.context import ServiceContext
from staffroom_shared.runner import DAY, daily_loop, main_scheduler

from ..service.retention import RECORDS

log = logging.getLogger(__name__)


def run_once(context: ServiceContext) -> dict:
    counts = {"expired": retention.run(context, RECORDS)}
    log.info("directory daily job: %s expired", counts["expired"])
    return counts


def loop(context: ServiceContext, stop: threading.Event, every: float = DAY) -> None:
    """At start, then every `every` seconds; a failed run (database down) is tried again sooner."""
    daily_loop("directory", run_once, context, stop, every)


if __name__ == "__main__":
    from .. import bootstrap

    raise SystemExit(main_scheduler(bootstrap, run_once, __doc__))
