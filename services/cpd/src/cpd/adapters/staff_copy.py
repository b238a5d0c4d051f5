"""CPD's copy of the directory (staff and academies, from staff.* and academy.* events), and what erasure
removes from CPD's own records about a person."""
from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import or_, select, update

from staffroom_shared import staff_copy
from staffroom_shared.uow import Repository

from ..domain.values import Person
from .orm import (
    academies, enrolments, impact_records, nominations, npq_places, plan_items, plans, secondments, shadowings, staff,
)

STAFF_FIELDS = ("academy_id", "first_name", "last_name", "email", "staff_type", "post", "start_date",
                "leaving_date", "line_manager_id")
PERSON_FIELDS = ("staff_id", "academy_id", "first_name", "last_name", "staff_type", "post", "start_date",
                 "leaving_date", "line_manager_id")
ERASED = "Removed when the record's retention ended"  # where text about an erased person was (issue 21)
WRITTEN_FOR_THEM = ("own_goal", "development_need", "appraisal_objective")  # plan items whose title is about them


class StaffCopy(Repository):
    def person(self, staff_id: uuid.UUID | None) -> Person | None:
        if staff_id is None:
            return None
        row = self.session.execute(select(*[staff.c[f] for f in PERSON_FIELDS])
                                   .where(staff.c.staff_id == staff_id)).first()
        return Person(**row._mapping) if row else None

    def line_manager_of(self, staff_id: uuid.UUID) -> uuid.UUID | None:
        return self.session.scalar(select(staff.c.line_manager_id).where(staff.c.staff_id == staff_id))

    def names(self, ids) -> dict[uuid.UUID, str]:
        return staff_copy.names(self.session, staff, ids)

    def keep(self, data: dict, snapshot_at) -> bool:
        """Insert or overwrite one member of staff from an event's snapshot; False when the copy already holds a
        newer one (an older event arriving late, after a retry, must not overwrite it)."""
        values = {**{f: data[f] for f in STAFF_FIELDS}, "snapshot_at": snapshot_at}
        updated = self.session.execute(staff.update().where(
            staff.c.staff_id == data["staff_id"],
            or_(staff.c.snapshot_at.is_(None), staff.c.snapshot_at <= snapshot_at)).values(**values))
        if updated.rowcount:
            return True
        if self.person(data["staff_id"]) is not None:
            return False
        self.session.execute(staff.insert().values(staff_id=data["staff_id"], **values))
        return True

    # -- leavers: the leaving date whose clawback has been worked out, so it is done once
    def leaving_processed_for(self, staff_id: uuid.UUID) -> date | None:
        return self.session.execute(select(staff.c.leaving_processed_for)
                                    .where(staff.c.staff_id == staff_id)).scalar_one()

    def leaving_processed(self, staff_id: uuid.UUID, leaving_date: date) -> None:
        self.session.execute(staff.update().where(staff.c.staff_id == staff_id)
                             .values(leaving_processed_for=leaving_date))

    def leavers_due(self, today: date) -> list[Person]:
        """Leavers whose leaving date has come and whose clawback is not yet worked out for it, locked (a second
        daily run at the same moment waits, then finds them done)."""
        ids = self.session.execute(select(staff.c.staff_id).where(
            staff.c.leaving_date.is_not(None), staff.c.leaving_date <= today,
            or_(staff.c.leaving_processed_for.is_(None), staff.c.leaving_processed_for != staff.c.leaving_date))
            .order_by(staff.c.staff_id).with_for_update()).scalars().all()
        return [self.person(staff_id) for staff_id in ids]

    # -- academies
    def academy_known(self, academy_id: uuid.UUID) -> bool:
        return self.session.execute(select(academies.c.academy_id)
                                    .where(academies.c.academy_id == academy_id)).first() is not None

    def keep_academy(self, data: dict) -> None:
        values = {"name": data["name"], "urn": data["urn"]}
        updated = self.session.execute(academies.update().where(academies.c.academy_id == data["academy_id"])
                                       .values(**values))
        if updated.rowcount == 0:
            self.session.execute(academies.insert().values(academy_id=data["academy_id"], **values))

    # -- erasure (staff.erased)
    def erase_what_was_written_about(self, staff_id: uuid.UUID) -> None:
        """What was written about the person goes; places, costs, dates, statuses and clawback stay."""
        their_plan = select(plans.c.id).where(plans.c.staff_id == staff_id)
        for table, theirs, values in (
                (enrolments, enrolments.c.staff_id == staff_id,
                 {"reason": ERASED, "decision_note": None, "impact_notes": None}),
                (nominations, nominations.c.staff_id == staff_id, {"reason": ERASED}),
                (impact_records, impact_records.c.staff_id == staff_id, {"intent": None, "impact_seen": None}),
                (shadowings, shadowings.c.staff_id == staff_id, {"focus": ERASED}),
                (plan_items, plan_items.c.plan_id.in_(their_plan), {"detail": ""}),
                # what was written for them (their own goals, their appraisal's needs and objectives), not a course's title
                (plan_items, plan_items.c.plan_id.in_(their_plan) & plan_items.c.source.in_(WRITTEN_FOR_THEM),
                 {"title": ERASED})):
            self.session.execute(update(table).where(theirs).values(**values))

    def records_of(self, staff_id: uuid.UUID) -> list[uuid.UUID]:
        """The ids of the person's records here (whose audit rows name them)."""
        return [*self.session.scalars(select(enrolments.c.id).where(enrolments.c.staff_id == staff_id)),
                *self.session.scalars(select(nominations.c.id).where(nominations.c.staff_id == staff_id)),
                *self.session.scalars(select(secondments.c.id).where(secondments.c.staff_id == staff_id)),
                *self.session.scalars(select(npq_places.c.id).where(npq_places.c.staff_id == staff_id)),
                *self.session.scalars(select(plans.c.id).where(plans.c.staff_id == staff_id))]
