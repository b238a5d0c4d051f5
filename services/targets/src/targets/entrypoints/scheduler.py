"""Run the daily targets job (judge every target, record the trend): `python -m targets.entrypoints.scheduler`.

Once and exit (cron, a Kubernetes CronJob):   python -m targets.entrypoints.scheduler
As a long-running process (a compose service): python -m targets.entrypoints.scheduler --every 86400
The loop runs the job at start, then every interval, until SIGTERM. Running the job more often, or twice at
once by accident, is harmless: a status change is announced once (a second job waits on the definitions'
row locks, then finds the statuses already changed) and the day's snapshot is brought up to date.
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
    log.info("targets daily job: %s met, %s at risk announced; %s snapshot(s)",
             counts["targets.met"], counts["targets.at_risk"], counts["snapshots"])
    counts["expired"] = retention.run(context, RECORDS)
    return counts


if __name__ == "__main__":
    from .. import bootstrap

    raise SystemExit(main_scheduler(bootstrap, run_once, __doc__))
