"""Run the daily CPD job (secondments starting and ending, leavers' clawback, impact checks, ECTs' reviews and
assessments due soon or overdue): `python -m cpd.entrypoints.scheduler`.

Once and exit (cron, a Kubernetes CronJob):   python -m cpd.entrypoints.scheduler
As a long-running process (a compose service): python -m cpd.entrypoints.scheduler --every 86400
The loop runs the job at start, then every interval, until SIGTERM. Running the job more often, or
twice at once by accident, is harmless: each secondment starts and ends once and each leaving date's
clawback is worked out once (a second concurrent run waits on the rows' locks, then finds them done).

CPD_INDUCTION_DUE_SOON_DAYS (or INDUCTION_DUE_SOON_DAYS): how many days before an ECT's progress review or formal
assessment is due its tutor is told (14 unless set; 0 tells them on the day).
"""
from __future__ import annotations

import logging
import os

from staffroom_shared.config import ConfigError, setting
from staffroom_shared.context import ServiceContext
from staffroom_shared import retention
from staffroom_shared.runner import main_scheduler

from ..domain.ects import DUE_SOON_DAYS
from ..service.retention import RECORDS
from ..service.daily_job import run_daily

log = logging.getLogger(__name__)


def due_soon_days(environ=None) -> int:
    """The INDUCTION_DUE_SOON_DAYS setting: a whole number of days, 0 to 90."""
    value = setting(os.environ if environ is None else environ, "cpd", "INDUCTION_DUE_SOON_DAYS", DUE_SOON_DAYS)
    try:
        days = int(value)
    except (TypeError, ValueError):
        days = -1
    if not 0 <= days <= 90:
        raise ConfigError(f"cpd: INDUCTION_DUE_SOON_DAYS must be a whole number of days from 0 to 90, not {value!r}")
    return days


def run_once(context: ServiceContext) -> dict:
    counts = run_daily(context.uow(actor="scheduler"), due_soon_days=due_soon_days())
    log.info("cpd daily job: %s secondment(s) started, %s ended, %s leaver(s) clawback worked out, %s induction "
             "review(s) or assessment(s) announced due soon or overdue", counts["secondments_started"],
             counts["secondments_ended"], counts["leavers"], counts["induction_items_due"])
    counts["expired"] = retention.run(context, RECORDS)
    return counts


if __name__ == "__main__":
    from .. import bootstrap

    raise SystemExit(main_scheduler(bootstrap, run_once, __doc__))
