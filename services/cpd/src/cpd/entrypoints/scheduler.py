"""Run the daily CPD job (secondments starting and ending, leavers' clawback): `python -m cpd.entrypoints.scheduler`.

Once and exit (cron, a Kubernetes CronJob):   python -m cpd.entrypoints.scheduler
As a long-running process (a compose service): python -m cpd.entrypoints.scheduler --every 86400
The loop runs the job at start, then every interval, until SIGTERM. Running the job more often, or
twice at once by accident, is harmless: each secondment starts and ends once and each leaving date's
clawback is worked out once (a second concurrent run waits on the rows' locks, then finds them done).
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
    log.info("cpd daily job: %s secondment(s) started, %s ended, %s leaver(s) clawback worked out",
             counts["secondments_started"], counts["secondments_ended"], counts["leavers"])
    counts["expired"] = retention.run(context, RECORDS)
    return counts


if __name__ == "__main__":
    from .. import bootstrap

    raise SystemExit(main_scheduler(bootstrap, run_once, __doc__))
