"""Run the daily notifications job (reminders whose day has come): `python -m notifications.entrypoints.scheduler`.

Once and exit (cron, a Kubernetes CronJob):   python -m notifications.entrypoints.scheduler
As a long-running process (a compose service): python -m notifications.entrypoints.scheduler --every 86400
Running it more often, or twice at once by accident, is harmless: each reminder is sent once.
"""
from __future__ import annotations

import logging

from staffroom_shared.context import ServiceContext
from staffroom_shared import retention
from staffroom_shared.runner import main_scheduler

from ..service.retention import RECORDS
from ..service.daily_job import run_daily

log = logging.getLogger(__name__)


def run_once(context: ServiceContext) -> dict:
    counts = run_daily(context.uow(actor="scheduler"))
    log.info("notifications daily job: %s reminder(s) sent, %s digest(s) gathered", counts["reminders"],
             counts["digests"])
    counts["expired"] = retention.run(context, RECORDS)
    return counts


if __name__ == "__main__":
    from .. import bootstrap

    raise SystemExit(main_scheduler(bootstrap, run_once, __doc__))
