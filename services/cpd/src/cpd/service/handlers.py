"""Event handlers for CPD: keep the local copy of the directory, make and feed development plans, and work
out clawback for leavers. Each runs in the consumer's unit of work (with the inbox row), so a redelivered
event changes nothing."""
from __future__ import annotations

import logging
import uuid
from datetime import date

from sqlalchemy import select, update

from staffroom_shared.events import Event
from staffroom_shared.retention import forget_in_audit, forget_pages_after, forget_sent_events
from staffroom_shared.uow import UnitOfWork

from ..adapters.orm import academies, enrolments, nominations, plan_items, secondments, shadowings, staff
from ..adapters.orm import plans as plans_table
from . import plans
from .subject_access import on_subject_access_requested

log = logging.getLogger(__name__)
ERASED = "Removed when the record's retention ended"  # where text about an erased person was (issue 21)
WRITTEN_FOR_THEM = ("own_goal", "development_need", "appraisal_objective")  # plan items whose title is about them


def on_staff_joined(uow: UnitOfWork, event: Event, today: date | None = None) -> None:
    """A new starter: their plan, with induction (and the ECT induction for a new teacher in an ECT post)."""
    today = today or date.today()
    plans.keep_staff_copy(uow.session, event.payload, event.occurred_at)
    who = plans.person(uow.session, event.payload["staff_id"])
    if who.in_post_on(today):
        plans.on_joined(uow, who, today)
    process_leaver(uow, who, today)


def on_staff_updated(uow: UnitOfWork, event: Event, today: date | None = None) -> None:
    today = today or date.today()
    plans.keep_staff_copy(uow.session, event.payload, event.occurred_at)
    who = plans.person(uow.session, event.payload["staff_id"])  # the newest snapshot, not necessarily this one
    plan_ = plans.plan_of(uow.session, who.staff_id)
    if plan_ is not None and plan_.academy_id != who.academy_id:
        plan_.academy_id = who.academy_id  # who may see it goes by academy: it moves with them
    process_leaver(uow, who, today)


def on_staff_promoted(uow: UnitOfWork, event: Event, today: date | None = None) -> None:
    today = today or date.today()
    data = event.payload
    plans.keep_staff_copy(uow.session, data, event.occurred_at)
    who = plans.person(uow.session, data["staff_id"])
    plans.on_promoted(uow, who, data["previous_post"], data["effective_date"], today)


def on_staff_left(uow: UnitOfWork, event: Event, today: date | None = None) -> None:
    """A leaving date today or past: clawback now; a future one waits for the daily job on that date."""
    today = today or date.today()
    plans.keep_staff_copy(uow.session, event.payload, event.occurred_at)
    process_leaver(uow, plans.person(uow.session, event.payload["staff_id"]), today)


def process_leaver(uow: UnitOfWork, who: plans.Person, today: date) -> bool:
    """Work out clawback once for a leaving date that has arrived; True if it was done now."""
    if who.leaving_date is None or who.leaving_date > today:
        return False
    done_for = uow.session.execute(select(staff.c.leaving_processed_for)
                                   .where(staff.c.staff_id == who.staff_id)).scalar_one()
    if done_for == who.leaving_date:
        return False
    if not clawback(uow, who.staff_id, who.leaving_date):
        return False
    uow.session.execute(staff.update().where(staff.c.staff_id == who.staff_id)
                        .values(leaving_processed_for=who.leaving_date))
    return True


def clawback(uow: UnitOfWork, staff_id: uuid.UUID, left_on: date) -> bool:
    """Training agreements' repayments for a leaver (cpd.clawback_due), in this unit of work."""
    try:
        from .agreements import clawback_on_leaving
    except ImportError:
        # Not marked as done: the daily job tries again once agreements can work it out.
        log.warning("training agreements cannot work out clawback yet; %s's leaving on %s waits", staff_id, left_on)
        return False
    clawback_on_leaving(uow, staff_id, left_on)
    return True


def on_staff_erased(uow: UnitOfWork, event: Event) -> None:
    """A leaver's record reached the end of its retention (the directory's staff.erased): the copy takes the
    anonymised record, and what was written about the person goes. Places, costs, dates, statuses and clawback
    stay, so spend and the targets still add up."""
    plans.keep_staff_copy(uow.session, event.payload, event.occurred_at)
    person = event.payload["staff_id"]
    their_plan = select(plans_table.c.id).where(plans_table.c.staff_id == person)
    for table, theirs, values in (
            (enrolments, enrolments.c.staff_id == person, {"reason": ERASED, "decision_note": None, "impact_notes": None}),
            (nominations, nominations.c.staff_id == person, {"reason": ERASED}),
            (shadowings, shadowings.c.staff_id == person, {"focus": ERASED}),
            (plan_items, plan_items.c.plan_id.in_(their_plan), {"detail": ""}),
            # what was written for them (their own goals, their appraisal's needs and objectives), not a course's title
            (plan_items, plan_items.c.plan_id.in_(their_plan) & plan_items.c.source.in_(WRITTEN_FOR_THEM),
             {"title": ERASED})):
        uow.session.execute(update(table).where(theirs).values(**values))
    forget_sent_events(uow, person)
    forget_pages_after(uow)
    forget_in_audit(uow, [person, *uow.session.scalars(select(enrolments.c.id).where(enrolments.c.staff_id == person)),
                          *uow.session.scalars(select(nominations.c.id).where(nominations.c.staff_id == person)),
                          *uow.session.scalars(select(secondments.c.id).where(secondments.c.staff_id == person)),
                          *uow.session.scalars(their_plan)])


def on_development_need(uow: UnitOfWork, event: Event, today: date | None = None) -> None:
    plans.on_development_need(uow, event.payload, today or date.today())


def on_academy(uow: UnitOfWork, event: Event) -> None:
    data = event.payload
    values = {"name": data["name"], "urn": data["urn"]}
    updated = uow.session.execute(academies.update().where(academies.c.academy_id == data["academy_id"]).values(**values))
    if updated.rowcount == 0:
        uow.session.execute(academies.insert().values(academy_id=data["academy_id"], **values))


HANDLERS = {
    "staff.joined": on_staff_joined,
    "staff.updated": on_staff_updated,
    "staff.promoted": on_staff_promoted,
    "staff.left": on_staff_left,
    "staff.erased": on_staff_erased,
    "academy.registered": on_academy,
    "academy.updated": on_academy,
    "appraisal.development_need_identified": on_development_need,
    "subject_access.requested": on_subject_access_requested,
}
