"""The daily job: start and end secondments on their dates (once each), and work out clawback for leavers
whose leaving date has arrived since their staff.left was applied."""
from __future__ import annotations

from datetime import date

from staffroom_shared.log import own_correlation

from . import handlers, impact
from .unit_of_work import CpdUnitOfWork


@own_correlation("cpd-daily")
def run_daily(uow: CpdUnitOfWork, today: date | None = None) -> dict:
    """Safe to run more than once a day and to miss days: each secondment starts and ends once, late if
    need be, and each leaving date's clawback is worked out once. Each run has its own correlation id."""
    today = today or date.today()
    return _run(uow, today)


def _run(uow: CpdUnitOfWork, today: date) -> dict:
    counts = {"secondments_started": 0, "secondments_ended": 0, "leavers": 0, "impact_checks_asked": 0}
    with uow:
        for secondment in uow.secondments.due(today):
            # A secondment whose whole term passed while the job was not running starts and ends in one run.
            if secondment.start(today):
                counts["secondments_started"] += 1
            if secondment.end(today):
                counts["secondments_ended"] += 1
        for who in uow.staff.leavers_due(today):
            if handlers.process_leaver(uow, who, today):
                counts["leavers"] += 1
        counts["impact_checks_asked"] = impact.ask_for_checks(uow, today)
        uow.commit()
    return counts
