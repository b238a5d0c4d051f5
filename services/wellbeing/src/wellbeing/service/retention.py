"""What the wellbeing service keeps, and for how long (issue 21; docs/privacy.md). The daily job expires it.

A survey's published figures (results, drivers, turnover) are aggregates about groups of at least the minimum
size and are kept. What is about single people goes after its window: who was invited to a closed run and
whether they answered, and the free-text comments. (Answers themselves are never kept past the close.)
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import delete, select

from staffroom_shared.retention import Period, Record, platform_records, start_of
from staffroom_shared.uow import UnitOfWork

from ..adapters.orm import comments, invitations, metadata, runs

OWN = ("Staffroom's own: long enough to compare a survey with the next year's (who answered both is counted, "
       "never shown) and for HR to act on what staff wrote; the published figures stay")


def _of_runs_closed_before(table):
    """Delete `table`'s rows belonging to runs closed before the cutoff."""
    def expire(uow: UnitOfWork, cutoff: date, _today: date) -> int:
        closed = select(runs.c.id).where(runs.c.closed_at.is_not(None), runs.c.closed_at < start_of(cutoff))
        return uow.session.execute(delete(table).where(table.c.run_id.in_(closed))).rowcount
    return expire


RECORDS = (
    *platform_records(metadata),
    Record("invitations", "who was invited to a closed survey, and whether they answered (never what)",
           Period(2, "year"), "the day the survey closed", OWN, _of_runs_closed_before(invitations)),
    Record("comments", "the free-text comments of a closed survey", Period(2, "year"), "the day the survey closed",
           OWN, _of_runs_closed_before(comments)),
)
