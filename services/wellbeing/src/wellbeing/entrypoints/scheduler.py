"""Run the daily wellbeing job (open, remind, close survey runs): `python -m wellbeing.entrypoints.scheduler`.

Once and exit (cron, a Kubernetes CronJob):   python -m wellbeing.entrypoints.scheduler
As a long-running process (a compose service): python -m wellbeing.entrypoints.scheduler --every 86400
The loop runs the job at start, then every interval, until SIGTERM. Running the job more often, or
twice at once by accident, is harmless: each run opens, reminds and closes once (a second concurrent
job waits on the runs' row locks, then finds them done).
"""
from __future__ import annotations

import logging

from staffroom_shared.context import ServiceContext
from staffroom_shared import retention
from staffroom_shared.runner import main_scheduler

from ..service.runs import Links
from ..service.respond import seal_key
from ..service.retention import RECORDS
from ..service.daily_job import run_daily

log = logging.getLogger(__name__)


def run_once(context: ServiceContext) -> dict:
    counts = run_daily(context.uow(actor="scheduler"), Links.from_config(context.config), seal_key(context.config))
    log.info("wellbeing daily job: %s run(s) opened, %s reminded, %s closed, %s failed",
             counts["opened"], counts["reminded"], counts["closed"], counts["failed"])
    if counts["failed"]:  # the others are done; the job itself fails, so it is seen and tried again soon
        raise RuntimeError(f"wellbeing daily job: {counts['failed']} survey run(s) could not be opened, reminded or "
                           "closed (the log says which and why)")
    counts["expired"] = retention.run(context, RECORDS)
    return counts


if __name__ == "__main__":
    from .. import bootstrap

    raise SystemExit(main_scheduler(bootstrap, run_once, __doc__))
