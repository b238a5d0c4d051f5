"""Event handlers for CPD: keep the local copy of the directory, make and feed development plans, and work
out clawback for leavers. Each runs in the consumer's unit of work (with the inbox row), so a redelivered
event changes nothing."""
from __future__ import annotations

import logging
import uuid
from datetime import date

from staffroom_shared.events import Event
from staffroom_shared.retention import forget_in_audit, forget_pages_after, forget_sent_events

from ..domain.values import Person
from . import plans
from .subject_access import on_subject_access_requested
from .unit_of_work import CpdUnitOfWork

log = logging.getLogger(__name__)


def on_staff_joined(uow: CpdUnitOfWork, event: Event, today: date | None = None) -> None:
    """A new starter: their plan, with induction (and the ECT induction for a new teacher in an ECT post)."""
    today = today or date.today()
    uow.staff.keep(event.payload, event.occurred_at)
    who = uow.staff.person(event.payload["staff_id"])
    if who.in_post_on(today):
        plans.on_joined(uow, who, today)
    process_leaver(uow, who, today)


def on_staff_updated(uow: CpdUnitOfWork, event: Event, today: date | None = None) -> None:
    today = today or date.today()
    uow.staff.keep(event.payload, event.occurred_at)
    who = uow.staff.person(event.payload["staff_id"])  # the newest snapshot, not necessarily this one
    plan_ = uow.plans.of_staff(who.staff_id)
    if plan_ is not None:
        plan_.moved_to(who.academy_id)  # who may see it goes by academy: it moves with them
    process_leaver(uow, who, today)


def on_staff_promoted(uow: CpdUnitOfWork, event: Event, today: date | None = None) -> None:
    today = today or date.today()
    data = event.payload
    uow.staff.keep(data, event.occurred_at)
    who = uow.staff.person(data["staff_id"])
    plans.on_promoted(uow, who, data["previous_post"], data["effective_date"], today)


def on_staff_left(uow: CpdUnitOfWork, event: Event, today: date | None = None) -> None:
    """A leaving date today or past: clawback now; a future one waits for the daily job on that date."""
    today = today or date.today()
    uow.staff.keep(event.payload, event.occurred_at)
    process_leaver(uow, uow.staff.person(event.payload["staff_id"]), today)


def process_leaver(uow: CpdUnitOfWork, who: Person, today: date) -> bool:
    """Work out clawback once for a leaving date that has arrived; True if it was done now."""
    if not who.has_left_by(today):
        return False
    if uow.staff.leaving_processed_for(who.staff_id) == who.leaving_date:
        return False
    if not clawback(uow, who.staff_id, who.leaving_date):
        return False
    uow.staff.leaving_processed(who.staff_id, who.leaving_date)
    return True


def clawback(uow: CpdUnitOfWork, staff_id: uuid.UUID, left_on: date) -> bool:
    """Training agreements' repayments for a leaver (cpd.clawback_due), in this unit of work."""
    try:
        from .agreements import clawback_on_leaving
    except ImportError:
        # Not marked as done: the daily job tries again once agreements can work it out.
        log.warning("training agreements cannot work out clawback yet; %s's leaving on %s waits", staff_id, left_on)
        return False
    clawback_on_leaving(uow, staff_id, left_on)
    return True


def on_staff_erased(uow: CpdUnitOfWork, event: Event) -> None:
    """A leaver's record reached the end of its retention (the directory's staff.erased): the copy takes the
    anonymised record, and what was written about the person goes. Places, costs, dates, statuses and clawback
    stay, so spend and the targets still add up."""
    uow.staff.keep(event.payload, event.occurred_at)
    person = event.payload["staff_id"]
    uow.staff.erase_what_was_written_about(person)
    forget_sent_events(uow, person)
    forget_pages_after(uow)
    forget_in_audit(uow, [person, *uow.staff.records_of(person)])


def on_development_need(uow: CpdUnitOfWork, event: Event, today: date | None = None) -> None:
    plans.on_development_need(uow, event.payload, today or date.today())


def on_academy(uow: CpdUnitOfWork, event: Event) -> None:
    uow.staff.keep_academy(event.payload)


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
