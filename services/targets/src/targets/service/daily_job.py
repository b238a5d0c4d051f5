"""The daily job: judge every target as of today (windows move, deadlines pass), announce status changes once,
and record today's figures for the trend."""
from __future__ import annotations

from datetime import date, datetime, timezone

from staffroom_shared.log import own_correlation

from ..domain.targets import TARGETS
from .evaluation import evaluate
from .unit_of_work import TargetsUnitOfWork


@own_correlation("targets-daily")
def run_daily(uow: TargetsUnitOfWork, today: date | None = None) -> dict:
    """Safe to run more than once a day and to miss days: a status change is announced once, and a second
    run the same day brings that day's snapshot up to date rather than adding another."""
    today = today or datetime.now(timezone.utc).date()
    with uow:
        counts = evaluate(uow, TARGETS, today, snapshot=True)
        uow.commit()
    return counts
