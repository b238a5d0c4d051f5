"""What the appraisal service keeps, and for how long (issue 21; docs/privacy.md). The daily job expires it."""
from __future__ import annotations

from datetime import date

from sqlalchemy import delete, select

from staffroom_shared.retention import LIMITATION, Period, Record, platform_records
from staffroom_shared.uow import UnitOfWork

from ..adapters.orm import appraisals, cycles, metadata


def _appraisals_of_cycles_ended_before(uow: UnitOfWork, cutoff: date, _today: date) -> int:
    """An appraisal and everything in it (objectives, reviews, observations, meetings, its document) go together:
    the children are deleted by their foreign keys' ON DELETE CASCADE. The cycle itself holds nobody's data."""
    ended = select(cycles.c.id).where(cycles.c.ends_on < cutoff)
    return uow.session.execute(delete(appraisals).where(appraisals.c.cycle_id.in_(ended))).rowcount


RECORDS = (
    *platform_records(metadata),
    Record("appraisals", "appraisals: objectives, reviews, observations, meetings, sign-off and any support plan",
           Period(6, "year"), "the end of the appraisal cycle", LIMITATION, 
           _appraisals_of_cycles_ended_before),
)
