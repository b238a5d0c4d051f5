"""Event handlers: keep the local copy of the directory and the trained-appraiser list, and follow
joiners, leavers and changes of line manager into open cycles. Each runs in the consumer's unit of work
(with the inbox row), so a redelivered event changes nothing."""
from __future__ import annotations

import logging
from datetime import date

from sqlalchemy import select

from staffroom_shared.events import Event
from staffroom_shared.retention import forget_in_audit, forget_pages_after, forget_sent_events
from staffroom_shared.uow import UnitOfWork

from ..adapters.orm import academies, trained_appraisers
from ..adapters.repository import AppraisalRepository
from ..domain.model import StaffRecord
from . import events
from .subject_access import on_subject_access_requested

log = logging.getLogger(__name__)
STAFF_FIELDS = ("academy_id", "first_name", "last_name", "email", "staff_type", "post", "start_date",
                "leaving_date", "line_manager_id")


def on_staff_changed(uow: UnitOfWork, event: Event, today: date | None = None) -> None:
    """staff.joined / staff.updated / staff.promoted / staff.left all carry the full snapshot."""
    today = today or date.today()
    repo = AppraisalRepository(uow.session)
    data = event.payload
    person = repo.person(data["staff_id"])
    if person is not None and person.snapshot_at is not None and event.occurred_at < person.snapshot_at:
        # Everything this event would do was done, on newer facts, by the event that overtook it.
        log.info("older snapshot of %s (%s) ignored", data["staff_id"], event.type)
        return
    if person is None:
        person = StaffRecord(staff_id=data["staff_id"], **{f: data[f] for f in STAFF_FIELDS})
        uow.session.add(person)
        moved_academy = False
    else:
        moved_academy = person.academy_id != data["academy_id"]
        for name in STAFF_FIELDS:
            setattr(person, name, data[name])
    person.snapshot_at = event.occurred_at
    uow.session.flush()

    current = repo.appraisals_of(person.staff_id, in_progress=True)
    if not person.in_post_on(today):
        for appraisal in current:
            if appraisal.close(f"left on {person.leaving_date}"):
                events.emit_closed(uow, appraisal)
        return
    if moved_academy:
        current = _follow_to_new_academy(uow, repo, person, current)
    for appraisal in current:
        previous = appraisal.appraiser_id
        if appraisal.follow_line_manager(person.line_manager_id):
            events.emit_assigned(uow, appraisal, previous, by_hr=False)
    # A joiner (or someone moved into a cycle's scope) during an open cycle gets an appraisal.
    for cycle in repo.open_cycles():
        if cycle.covers(person) and person.staff_id not in repo.reviewees_in(cycle.id) and today <= cycle.ends_on:
            appraisal = cycle.appraisal_for(person)
            uow.session.add(appraisal)
            events.emit_opened(uow, appraisal, cycle, person.start_date, today)


def on_staff_erased(uow: UnitOfWork, event: Event) -> None:
    """A leaver's record reached the end of its retention (the directory's staff.erased): the copy takes the
    anonymised record, and every appraisal of theirs still kept loses what was written about them."""
    on_staff_changed(uow, event)
    theirs = AppraisalRepository(uow.session).appraisals_of(event.payload["staff_id"])
    for appraisal in theirs:
        appraisal.erase()
    forget_sent_events(uow, event.payload["staff_id"])
    forget_pages_after(uow)
    forget_in_audit(uow, [event.payload["staff_id"], *(appraisal.id for appraisal in theirs)])


def _follow_to_new_academy(uow: UnitOfWork, repo: AppraisalRepository, person: StaffRecord, current: list) -> list:
    """A move between academies: who may see the appraisal goes by its academy, so it must not stay
    with the old one. A trust-wide cycle's appraisal moves with the person; an academy's own cycle no
    longer covers them, so that appraisal is closed (kept) and the new academy's open cycle, if any,
    gives them one below."""
    still = []
    for appraisal in current:
        cycle = repo.cycle(appraisal.cycle_id)
        if cycle is not None and cycle.academy_id is None:
            appraisal.academy_id = person.academy_id
            still.append(appraisal)
        elif appraisal.close("moved to another academy in the trust"):
            events.emit_closed(uow, appraisal)
    return still


def on_academy(uow: UnitOfWork, event: Event) -> None:
    data = event.payload
    values = {"name": data["name"], "urn": data["urn"]}
    updated = uow.session.execute(academies.update().where(academies.c.academy_id == data["academy_id"]).values(**values))
    if updated.rowcount == 0:
        uow.session.execute(academies.insert().values(academy_id=data["academy_id"], **values))


def on_cpd_completed(uow: UnitOfWork, event: Event) -> None:
    data = event.payload
    if not data["appraisal_training"]:
        return
    exists = uow.session.execute(select(trained_appraisers.c.staff_id)
                                 .where(trained_appraisers.c.staff_id == data["staff_id"])).first()
    if exists is None:
        uow.session.execute(trained_appraisers.insert().values(
            staff_id=data["staff_id"], programme_id=data["programme_id"], completed_on=data["completed_on"]))


HANDLERS = {
    "staff.joined": on_staff_changed,
    "staff.updated": on_staff_changed,
    "staff.promoted": on_staff_changed,
    "staff.left": on_staff_changed,
    "staff.erased": on_staff_erased,
    "cpd.completed": on_cpd_completed,
    "academy.registered": on_academy,
    "academy.updated": on_academy,
    "subject_access.requested": on_subject_access_requested,
}
