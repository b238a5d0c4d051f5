"""The daily job: start and end secondments on their dates (once each), work out clawback for leavers whose leaving
date has arrived since their staff.left was applied, ask for impact checks, and announce ECTs' reviews and
assessments due soon or overdue (once per item and stage)."""
from __future__ import annotations

from datetime import date

from staffroom_shared.log import own_correlation

from ..domain.ects import DUE_SOON_DAYS
from . import handlers, impact, inductions
from .unit_of_work import CpdUnitOfWork


@own_correlation("cpd-daily")
def run_daily(uow: CpdUnitOfWork, today: date | None = None, due_soon_days: int = DUE_SOON_DAYS) -> dict:
    """Safe to run more than once a day and to miss days: each secondment starts and ends once, late if
    need be, each leaving date's clawback is worked out once, and each induction review or assessment is said to
    be due soon, and overdue, once. Each run has its own correlation id."""
    today = today or date.today()
    return _run(uow, today, due_soon_days)


def _run(uow: CpdUnitOfWork, today: date, due_soon_days: int) -> dict:
    counts = {"secondments_started": 0, "secondments_ended": 0, "leavers": 0, "impact_checks_asked": 0,
              "induction_items_due": 0}
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
        counts["induction_items_due"] = inductions.announce_due(uow, today, due_soon_days)
        uow.commit()
    return counts
