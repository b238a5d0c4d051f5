"""Appraisal's repositories: the staff copy, cycles and appraisals in its database. All of the service's SQL is
here and in read_model.py; the service layer reaches them as `uow.staff`, `uow.cycles` and `uow.appraisals`."""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import delete, func, insert, select, text

from staffroom_shared import staff_copy
from staffroom_shared.uow import Repository

from ..domain.model import IN_PROGRESS, Appraisal, Cycle, CycleStatus, StaffRecord, Status
from . import read_model
from .orm import (
    academies, appraisals, cycles, observations, overdue_notices, reminders, reviews, staff, trained_appraisers,
)


class StaffCopyRepository(Repository):
    """The directory's staff and academies as staff.* and academy.* events gave them, and who is trained to appraise."""

    def person(self, staff_id: uuid.UUID) -> StaffRecord | None:
        return self.session.get(StaffRecord, staff_id)

    def people(self, academy_id: uuid.UUID | None = None) -> list[StaffRecord]:
        query = select(StaffRecord)
        if academy_id is not None:
            query = query.where(StaffRecord.academy_id == academy_id)
        return list(self.session.scalars(query))

    def add(self, person: StaffRecord) -> None:
        self.session.add(person)
        self.session.flush()

    def hold_writes(self) -> None:
        """Until this transaction ends, no staff.* event can change the copy (PostgreSQL; SQLite's single writer
        already serialises)."""
        if self.session.get_bind().dialect.name == "postgresql":
            self.session.execute(text("LOCK TABLE staff IN SHARE MODE"))

    def names(self, ids) -> dict[uuid.UUID, str]:
        return staff_copy.names(self.session, staff, ids)

    def started(self, ids) -> dict[uuid.UUID, date]:
        """When each of these people started (the staff copy's start date), for their key dates."""
        ids = [i for i in set(ids) if i is not None]
        if not ids:
            return {}
        return dict(self.session.execute(select(staff.c.staff_id, staff.c.start_date)
                                         .where(staff.c.staff_id.in_(ids))).all())

    def save_academy(self, academy_id: uuid.UUID, name: str, urn: str) -> None:
        values = {"name": name, "urn": urn}
        updated = self.session.execute(academies.update().where(academies.c.academy_id == academy_id).values(**values))
        if updated.rowcount == 0:
            self.session.execute(academies.insert().values(academy_id=academy_id, **values))

    def academy_names(self) -> dict[uuid.UUID, str]:
        return dict(self.session.execute(select(academies.c.academy_id, academies.c.name)).all())

    def is_trained(self, staff_id: uuid.UUID | None) -> bool:
        return staff_id is not None and self.session.scalar(
            select(func.count()).select_from(trained_appraisers).where(trained_appraisers.c.staff_id == staff_id)) > 0

    def mark_trained(self, staff_id: uuid.UUID, programme_id: uuid.UUID, completed_on: date) -> None:
        """The first appraisal training they completed is the one on record."""
        if not self.is_trained(staff_id):
            self.session.execute(trained_appraisers.insert().values(
                staff_id=staff_id, programme_id=programme_id, completed_on=completed_on))


class CycleRepository(Repository):
    def get(self, cycle_id: uuid.UUID, *, for_update: bool = False) -> Cycle | None:
        # For a change, lock the row (PostgreSQL): two HR officers opening one cycle at the same moment must not both
        # see it in draft and both open it (outsider, issue 22: four cycle_opened events for one cycle).
        return self.track(self.session.get(Cycle, cycle_id, with_for_update=for_update or None))

    def add(self, cycle: Cycle) -> None:
        self.session.add(self.track(cycle))

    def list(self, academy_ids: list[uuid.UUID] | None = None) -> list[Cycle]:
        """Newest first; `academy_ids`: those academies' cycles and the trust-wide ones (None: all)."""
        query = select(Cycle).order_by(Cycle.starts_on.desc(), Cycle.name)
        if academy_ids is not None:
            query = query.where((Cycle.academy_id.in_(academy_ids)) | (Cycle.academy_id.is_(None)))
        return self.track_all(self.session.scalars(query))

    def open(self) -> list[Cycle]:
        return self.track_all(self.session.scalars(select(Cycle).where(Cycle.status == CycleStatus.OPEN)))


@dataclass
class AppraisalFilter:
    cycle_id: uuid.UUID | None = None
    academy_ids: list[uuid.UUID] | None = None  # None: all
    status: Status | None = None
    appraiser_id: uuid.UUID | None = None
    reviewee_id: uuid.UUID | None = None
    visible_to: uuid.UUID | None = None  # not HR: only where this person is reviewee or appraiser


class AppraisalRepository(Repository):
    def get(self, appraisal_id: uuid.UUID, *, for_update: bool = False) -> Appraisal | None:
        # For a change, lock the row (PostgreSQL; SQLite's writer lock already serialises): two parties
        # agreeing at the same moment must see each other's agreement, or neither moves the state on.
        return self.track(self.session.get(Appraisal, appraisal_id, with_for_update=for_update or None))

    def add(self, appraisal: Appraisal) -> None:
        self.session.add(self.track(appraisal))
        self.session.flush()

    def add_opened(self, created: list[Appraisal]) -> None:
        """A cycle's new appraisals in one statement, not one ORM flush each (a trust of 10,000 opens at once). It
        bypasses the session's change tracking, so their documents are written here too."""
        self.track_all(created)
        if created:
            self.session.execute(insert(appraisals), [_row(a) for a in created])
            read_model.store(self.session, created, new=True)

    def of(self, reviewee_id: uuid.UUID, *, in_progress: bool = False) -> list[Appraisal]:
        query = select(Appraisal).where(Appraisal.reviewee_id == reviewee_id)
        if in_progress:
            query = query.where(Appraisal.status.in_(IN_PROGRESS))
        return self.track_all(self.session.scalars(query))

    def reviewees_in(self, cycle_id: uuid.UUID) -> set[uuid.UUID]:
        return set(self.session.scalars(select(appraisals.c.reviewee_id).where(appraisals.c.cycle_id == cycle_id)))

    def in_progress(self, cycle_id: uuid.UUID) -> list[Appraisal]:
        return self.track_all(self.session.scalars(select(Appraisal).where(
            Appraisal.cycle_id == cycle_id, Appraisal.status.in_(IN_PROGRESS))))

    def departments(self, academy_id: uuid.UUID) -> list[str]:
        """The departments observations at this academy were recorded in, each spelling once, the most used first
        (so that a new observation reuses one: "English", not "ENGLISH")."""
        query = (select(observations.c.department).join(appraisals, appraisals.c.id == observations.c.appraisal_id)
                 .where(appraisals.c.academy_id == academy_id, observations.c.department.is_not(None))
                 .group_by(observations.c.department)
                 .order_by(func.count().desc(), observations.c.department))
        return list(self.session.scalars(query))

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
        return self.track_all(items), total

    def delete_of_cycles_ended_before(self, cutoff: date) -> int:
        """An appraisal and everything in it (objectives, reviews, observations, meetings, its document) go together:
        the children are deleted by their foreign keys' ON DELETE CASCADE."""
        ended = select(cycles.c.id).where(cycles.c.ends_on < cutoff)
        return self.session.execute(delete(appraisals).where(appraisals.c.cycle_id.in_(ended))).rowcount

    # -- missed key dates the daily job announced
    def overdue_noticed(self) -> dict[uuid.UUID, set[str]]:
        noticed: dict[uuid.UUID, set[str]] = {}
        for row in self.session.execute(select(overdue_notices.c.appraisal_id, overdue_notices.c.milestone)):
            noticed.setdefault(row.appraisal_id, set()).add(row.milestone)
        return noticed

    def add_overdue_notices(self, appraisal_id: uuid.UUID, milestones: list[str], noticed_on: date) -> None:
        for milestone in milestones:
            self.session.execute(overdue_notices.insert().values(
                appraisal_id=appraisal_id, milestone=milestone, noticed_on=noticed_on))

    # -- reminders HR sent
    def last_reminder(self, appraisal_id: uuid.UUID) -> datetime | None:
        return self.session.scalar(select(func.max(reminders.c.sent_at)).where(reminders.c.appraisal_id == appraisal_id))

    def add_reminder(self, appraisal_id: uuid.UUID, milestone: str, sent_at: datetime, sent_by: uuid.UUID | None) -> None:
        self.session.execute(reminders.insert().values(id=uuid.uuid4(), appraisal_id=appraisal_id, milestone=milestone,
                                                       sent_at=sent_at, sent_by=sent_by))

    # -- for HR's reports
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

    def completion(self, cycle_id: uuid.UUID, academy_ids: list[uuid.UUID] | None) -> list[tuple]:
        """(academy id, status, count) for a cycle."""
        query = (select(appraisals.c.academy_id, appraisals.c.status, func.count())
                 .where(appraisals.c.cycle_id == cycle_id)
                 .group_by(appraisals.c.academy_id, appraisals.c.status))
        if academy_ids is not None:
            query = query.where(appraisals.c.academy_id.in_(academy_ids))
        return list(self.session.execute(query))

    def untrained_reviews(self, academy_ids: list[uuid.UUID] | None) -> list:
        """Reviews completed by an appraiser who had not done appraisal training, newest first."""
        query = (select(reviews.c.appraisal_id, appraisals.c.academy_id, reviews.c.completed_by,
                        appraisals.c.reviewee_id, reviews.c.stage, reviews.c.completed_on)
                 .join(appraisals, appraisals.c.id == reviews.c.appraisal_id)
                 .where(reviews.c.appraiser_untrained.is_(True))
                 .order_by(reviews.c.completed_on.desc()))
        if academy_ids is not None:
            query = query.where(appraisals.c.academy_id.in_(academy_ids))
        return list(self.session.execute(query))


def _row(appraisal: Appraisal) -> dict:
    return {"id": appraisal.id, "cycle_id": appraisal.cycle_id, "reviewee_id": appraisal.reviewee_id,
            "academy_id": appraisal.academy_id, "template": appraisal.template, "appraiser_id": appraisal.appraiser_id,
            "appraiser_set_by_hr": False, "status": appraisal.status, "support_plan": False}


