"""Run the daily appraisal job (overdue key dates, leavers, missing appraisals): `python -m appraisal.entrypoints.scheduler`.

Once and exit (cron, a Kubernetes CronJob):   python -m appraisal.entrypoints.scheduler
As a long-running process (a compose service): python -m appraisal.entrypoints.scheduler --every 86400
The loop runs the job at start, then every interval, until SIGTERM. Running the job more often, or
twice at once by accident, is harmless: each missed date is announced once (a second concurrent
run fails on the notices' key and changes nothing).
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
    log.info("appraisal daily job: %s overdue notice(s), %s leaver appraisal(s) closed, %s missing appraisal(s) "
             "opened", counts["overdue"], counts["closed"], counts["opened"])
    counts["expired"] = retention.run(context, RECORDS)
    return counts


if __name__ == "__main__":
    from .. import bootstrap

    raise SystemExit(main_scheduler(bootstrap, run_once, __doc__))
