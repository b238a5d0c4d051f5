"""Run the daily directory job (retention: anonymise leavers whose records have expired, and clear old
outbox, inbox and audit rows): `python -m directory.entrypoints.scheduler`.

Once and exit (cron, a Kubernetes CronJob):   python -m directory.entrypoints.scheduler
As a long-running process (a compose service): python -m directory.entrypoints.scheduler --every 86400
The loop runs the job at start, then every interval, until SIGTERM. Running the job more often, or twice at
once by accident, is harmless: a record is anonymised, and staff.erased announced, once.
"""
from __future__ import annotations

import logging

from staffroom_shared import retention
from staffroom_shared.context import ServiceContext
from staffroom_shared.runner import main_scheduler

from ..service.retention import RECORDS

log = logging.getLogger(__name__)


def run_once(context: ServiceContext) -> dict:
    counts = {"expired": retention.run(context, RECORDS)}
    log.info("directory daily job: %s expired", counts["expired"])
    return counts


if __name__ == "__main__":
    from .. import bootstrap

    raise SystemExit(main_scheduler(bootstrap, run_once, __doc__))
