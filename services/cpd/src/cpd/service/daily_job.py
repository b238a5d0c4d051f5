"""The daily job: start and end secondments on their dates (once each), and work out clawback for leavers
whose leaving date has arrived since their staff.left was applied."""
from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import or_, select

from staffroom_shared.log import correlation
from staffroom_shared.uow import UnitOfWork

from ..adapters.orm import staff
from ..domain.future_leaders import Secondment, SecondmentStatus
from . import handlers, plans
from .future_leaders import secondment_payload


def run_daily(uow: UnitOfWork, today: date | None = None, *, correlation_id: str | None = None) -> dict:
    """Safe to run more than once a day and to miss days: each secondment starts and ends once, late if
    need be, and each leaving date's clawback is worked out once. Each run has its own correlation id."""
    today = today or date.today()
    with correlation(correlation_id or f"cpd-daily-{today}-{uuid.uuid4().hex[:8]}"):
        return _run(uow, today)


def _run(uow: UnitOfWork, today: date) -> dict:
    counts = {"secondments_started": 0, "secondments_ended": 0, "leavers": 0}
    with uow:
        # FOR UPDATE (PostgreSQL): a second run at the same moment waits, then finds the rows moved on.
        due = uow.session.scalars(select(Secondment).where(
            or_(Secondment.status == SecondmentStatus.PLANNED, Secondment.status == SecondmentStatus.STARTED),
            Secondment.starts_on <= today).order_by(Secondment.starts_on, Secondment.id).with_for_update()).all()
        for secondment in due:
            # A secondment whose whole term passed while the job was not running starts and ends in one run.
            if secondment.start(today):
                uow.emit("cpd.secondment_started", secondment_payload(secondment), academy_id=secondment.home_academy_id)
                counts["secondments_started"] += 1
            if secondment.end(today):
                uow.emit("cpd.secondment_ended", secondment_payload(secondment), academy_id=secondment.home_academy_id)
                counts["secondments_ended"] += 1
        leavers = uow.session.execute(select(staff.c.staff_id).where(
            staff.c.leaving_date.is_not(None), staff.c.leaving_date <= today,
            or_(staff.c.leaving_processed_for.is_(None), staff.c.leaving_processed_for != staff.c.leaving_date))
            .order_by(staff.c.staff_id).with_for_update()).scalars().all()
        for staff_id in leavers:
            if handlers.process_leaver(uow, plans.person(uow.session, staff_id), today):
                counts["leavers"] += 1
        uow.commit()
    return counts
