"""Finding cycles, appraisals and the local staff copy in appraisal's database."""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..domain.model import IN_PROGRESS, Appraisal, Cycle, CycleStatus, StaffRecord, Status
from .orm import appraisals, reminders, staff, trained_appraisers


@dataclass
class AppraisalFilter:
    cycle_id: uuid.UUID | None = None
    academy_ids: list[uuid.UUID] | None = None  # None: all
    status: Status | None = None
    appraiser_id: uuid.UUID | None = None
    reviewee_id: uuid.UUID | None = None
    visible_to: uuid.UUID | None = None  # not HR: only where this person is reviewee or appraiser


class AppraisalRepository:
    def __init__(self, session: Session):
        self.session = session

    # -- staff copy
    def person(self, staff_id: uuid.UUID) -> StaffRecord | None:
        return self.session.get(StaffRecord, staff_id)

    def people(self, academy_id: uuid.UUID | None = None) -> list[StaffRecord]:
        query = select(StaffRecord)
        if academy_id is not None:
            query = query.where(StaffRecord.academy_id == academy_id)
        return list(self.session.scalars(query))

    def names(self, ids) -> dict[uuid.UUID, str]:
        ids = [i for i in set(ids) if i is not None]
        if not ids:
            return {}
        rows = self.session.execute(select(staff.c.staff_id, staff.c.first_name, staff.c.last_name)
                                    .where(staff.c.staff_id.in_(ids)))
        return {r.staff_id: f"{r.first_name} {r.last_name}" for r in rows}

    def started(self, ids) -> dict[uuid.UUID, date]:
        """When each of these people started (the staff copy's start date), for their key dates."""
        ids = [i for i in set(ids) if i is not None]
        if not ids:
            return {}
        return dict(self.session.execute(select(staff.c.staff_id, staff.c.start_date)
                                         .where(staff.c.staff_id.in_(ids))).all())

    def is_trained(self, staff_id: uuid.UUID | None) -> bool:
        return staff_id is not None and self.session.scalar(
            select(func.count()).select_from(trained_appraisers).where(trained_appraisers.c.staff_id == staff_id)) > 0

    # -- reminders HR sent
    def last_reminder(self, appraisal_id: uuid.UUID) -> datetime | None:
        return self.session.scalar(select(func.max(reminders.c.sent_at)).where(reminders.c.appraisal_id == appraisal_id))

    def add_reminder(self, appraisal_id: uuid.UUID, milestone: str, sent_at: datetime, sent_by: uuid.UUID | None) -> None:
        self.session.execute(reminders.insert().values(id=uuid.uuid4(), appraisal_id=appraisal_id, milestone=milestone,
                                                       sent_at=sent_at, sent_by=sent_by))

    def reminders_in(self, cycle_id: uuid.UUID, academy_ids: list[uuid.UUID] | None) -> list:
        """The last reminder about each appraisal in the cycle that has had one (academy_ids None: all)."""
        last = (select(reminders.c.appraisal_id, func.max(reminders.c.sent_at).label("sent_at"),
                       func.count().label("count"))
                .join(appraisals, appraisals.c.id == reminders.c.appraisal_id)
                .where(appraisals.c.cycle_id == cycle_id).group_by(reminders.c.appraisal_id))
        if academy_ids is not None:
            last = last.where(appraisals.c.academy_id.in_(academy_ids))
        last = last.subquery()
        return list(self.session.execute(
            select(last.c.appraisal_id, last.c.sent_at, last.c.count, reminders.c.milestone, reminders.c.sent_by)
            .join(reminders, (reminders.c.appraisal_id == last.c.appraisal_id) & (reminders.c.sent_at == last.c.sent_at))
            .order_by(last.c.appraisal_id)))

    # -- cycles
    def cycle(self, cycle_id: uuid.UUID) -> Cycle | None:
        return self.session.get(Cycle, cycle_id)

    def cycles(self, academy_ids: list[uuid.UUID] | None = None) -> list[Cycle]:
        query = select(Cycle).order_by(Cycle.starts_on.desc(), Cycle.name)
        if academy_ids is not None:
            query = query.where((Cycle.academy_id.in_(academy_ids)) | (Cycle.academy_id.is_(None)))
        return list(self.session.scalars(query))

    def open_cycles(self) -> list[Cycle]:
        return list(self.session.scalars(select(Cycle).where(Cycle.status == CycleStatus.OPEN)))

    # -- appraisals
    def appraisal(self, appraisal_id: uuid.UUID, *, for_update: bool = False) -> Appraisal | None:
        # For a change, lock the row (PostgreSQL; SQLite's writer lock already serialises): two parties
        # agreeing at the same moment must see each other's agreement, or neither moves the state on.
        return self.session.get(Appraisal, appraisal_id, with_for_update=for_update or None)

    def appraisals_of(self, reviewee_id: uuid.UUID, *, in_progress: bool = False) -> list[Appraisal]:
        query = select(Appraisal).where(Appraisal.reviewee_id == reviewee_id)
        if in_progress:
            query = query.where(Appraisal.status.in_(IN_PROGRESS))
        return list(self.session.scalars(query))

    def reviewees_in(self, cycle_id: uuid.UUID) -> set[uuid.UUID]:
        return set(self.session.scalars(select(appraisals.c.reviewee_id).where(appraisals.c.cycle_id == cycle_id)))

    def in_progress(self, cycle_id: uuid.UUID) -> list[Appraisal]:
        return list(self.session.scalars(select(Appraisal).where(
            Appraisal.cycle_id == cycle_id, Appraisal.status.in_(IN_PROGRESS))))

    def find(self, f: AppraisalFilter, *, page: int, page_size: int) -> tuple[list[Appraisal], int]:
        query = select(Appraisal)
        if f.cycle_id:
            query = query.where(Appraisal.cycle_id == f.cycle_id)
        if f.academy_ids is not None:
            query = query.where(Appraisal.academy_id.in_(f.academy_ids))
        if f.status:
            query = query.where(Appraisal.status == f.status)
        if f.appraiser_id:
            query = query.where(Appraisal.appraiser_id == f.appraiser_id)
        if f.reviewee_id:
            query = query.where(Appraisal.reviewee_id == f.reviewee_id)
        if f.visible_to:
            query = query.where((Appraisal.appraiser_id == f.visible_to) | (Appraisal.reviewee_id == f.visible_to))
        total = self.session.scalar(select(func.count()).select_from(query.subquery()))
        items = self.session.scalars(query.order_by(Appraisal.academy_id, Appraisal.id)
                                     .offset((page - 1) * page_size).limit(page_size)).all()
        return list(items), total

    def completion(self, cycle_id: uuid.UUID, academy_ids: list[uuid.UUID] | None) -> list[tuple]:
        """(academy id, status, count) for a cycle."""
        query = (select(appraisals.c.academy_id, appraisals.c.status, func.count())
                 .where(appraisals.c.cycle_id == cycle_id)
                 .group_by(appraisals.c.academy_id, appraisals.c.status))
        if academy_ids is not None:
            query = query.where(appraisals.c.academy_id.in_(academy_ids))
        return list(self.session.execute(query))
