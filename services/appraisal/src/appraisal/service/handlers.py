"""Event handlers: keep the local copy of the directory and the trained-appraiser list, and follow
joiners, leavers and changes of line manager into open cycles. Each runs in the consumer's unit of work
(with the inbox row), so a redelivered event changes nothing."""
from __future__ import annotations

import logging
from datetime import date

from staffroom_shared.events import Event
from staffroom_shared.retention import forget_in_audit, forget_pages_after, forget_sent_events

from ..domain.model import StaffRecord
from .subject_access import on_subject_access_requested
from .unit_of_work import AppraisalUnitOfWork

log = logging.getLogger(__name__)
STAFF_FIELDS = ("academy_id", "first_name", "last_name", "email", "staff_type", "post", "start_date",
                "leaving_date", "line_manager_id")


def on_staff_changed(uow: AppraisalUnitOfWork, event: Event, today: date | None = None) -> None:
    """staff.joined / staff.updated / staff.promoted / staff.left all carry the full snapshot."""
    today = today or date.today()
    data = event.payload
    person = uow.staff.person(data["staff_id"])
    if person is not None and person.snapshot_at is not None and event.occurred_at < person.snapshot_at:
        # Everything this event would do was done, on newer facts, by the event that overtook it.
        log.info("older snapshot of %s (%s) ignored", data["staff_id"], event.type)
        return
    if person is None:
        person = StaffRecord(staff_id=data["staff_id"], **{f: data[f] for f in STAFF_FIELDS})
        moved_academy = False
    else:
        moved_academy = person.academy_id != data["academy_id"]
        for name in STAFF_FIELDS:
            setattr(person, name, data[name])
    person.snapshot_at = event.occurred_at
    uow.staff.add(person)

    current = uow.appraisals.of(person.staff_id, in_progress=True)
    if not person.in_post_on(today):
        for appraisal in current:
            appraisal.close(f"left on {person.leaving_date}")
        return
    if moved_academy:
        current = _follow_to_new_academy(uow, person, current)
    for appraisal in current:
        appraisal.follow_line_manager(person.line_manager_id)
    # A joiner (or someone moved into a cycle's scope) during an open cycle gets an appraisal, unless they serve
    # induction during it.
    _fill_open_cycles(uow, person, today)


def _fill_open_cycles(uow: AppraisalUnitOfWork, person: StaffRecord, today: date) -> None:
    spells = uow.inductions.spells([person.staff_id])
    for cycle in uow.cycles.open():
        for appraisal in cycle.appraisals_missing([person], uow.appraisals.reviewees_in(cycle.id), today,
                                                  cycle.through_induction(spells)):
            uow.appraisals.add(appraisal)


def on_staff_erased(uow: AppraisalUnitOfWork, event: Event) -> None:
    """A leaver's record reached the end of its retention (the directory's staff.erased): the copy takes the
    anonymised record, and every appraisal of theirs still kept loses what was written about them."""
    on_staff_changed(uow, event)
    theirs = uow.appraisals.of(event.payload["staff_id"])
    for appraisal in theirs:
        appraisal.erase()
    uow.recognition.forget(event.payload["staff_id"])  # what colleagues gave them (issue 24)
    uow.qa.forget(event.payload["staff_id"])  # coaching links and requests from the QA map (issue 24)
    uow.cpd_evidence.forget(event.payload["staff_id"])
    uow.inductions.forget(event.payload["staff_id"])
    forget_sent_events(uow, event.payload["staff_id"])
    forget_pages_after(uow)
    forget_in_audit(uow, [event.payload["staff_id"], *(appraisal.id for appraisal in theirs)])


def _follow_to_new_academy(uow: AppraisalUnitOfWork, person: StaffRecord, current: list) -> list:
    """A move between academies: who may see the appraisal goes by its academy, so it must not stay
    with the old one. A trust-wide cycle's appraisal moves with the person; an academy's own cycle no
    longer covers them, so that appraisal is closed (kept) and the new academy's open cycle, if any,
    gives them one below."""
    still = []
    for appraisal in current:
        cycle = uow.cycles.get(appraisal.cycle_id)
        if cycle is not None and cycle.academy_id is None:
            appraisal.academy_id = person.academy_id
            still.append(appraisal)
        else:
            appraisal.close("moved to another academy in the trust")
    return still


def on_academy(uow: AppraisalUnitOfWork, event: Event) -> None:
    data = event.payload
    uow.staff.save_academy(data["academy_id"], data["name"], data["urn"])


def on_cpd_completed(uow: AppraisalUnitOfWork, event: Event) -> None:
    data = event.payload
    if data["appraisal_training"]:
        uow.staff.mark_trained(data["staff_id"], data["programme_id"], data["completed_on"])


def on_cpd_intent_recorded(uow: AppraisalUnitOfWork, event: Event) -> None:
    """What the reviewee will change after a programme: evidence for their appraisal (an edit replaces it)."""
    uow.cpd_evidence.keep_intent(event.payload, event.occurred_at)


def on_cpd_impact_recorded(uow: AppraisalUnitOfWork, event: Event) -> None:
    """The impact their line manager saw: evidence beside it."""
    uow.cpd_evidence.keep_impact(event.payload, event.occurred_at)


def on_induction_started(uow: AppraisalUnitOfWork, event: Event) -> None:
    """An ECT serves statutory induction (cpd.induction_started): kept, and an appraisal of theirs in progress in an
    open cycle that the induction falls in (a mid-year start) is withdrawn, with the reason, since appraisal does
    not apply while they serve it."""
    data = event.payload
    spell = uow.inductions.started(data["induction_id"], data["staff_id"], data["academy_id"], data["starts_on"],
                                   data["expected_completion"])
    in_cycle = {cycle.id: cycle for cycle in uow.cycles.open()}
    for appraisal in uow.appraisals.of(spell.staff_id, in_progress=True):
        cycle = in_cycle.get(appraisal.cycle_id)
        if cycle is not None and spell.staff_id in cycle.through_induction([spell]):
            appraisal.withdraw_for_induction(spell.starts_on)


def on_induction_ended(uow: AppraisalUnitOfWork, event: Event, today: date | None = None) -> None:
    """Induction ended (passed, failed, left): kept. They are appraised from the next cycle opened; an open cycle they
    served induction in does not take them now. Only if it ended before an open cycle started (a late event) does
    that cycle give them an appraisal, as the rule then says it should."""
    data = event.payload
    uow.inductions.ended(data["induction_id"], data["staff_id"], data["academy_id"], data["ended_on"],
                         data["outcome"])
    person = uow.staff.person(data["staff_id"])
    if person is not None:
        _fill_open_cycles(uow, person, today or date.today())


HANDLERS = {
    "staff.joined": on_staff_changed,
    "staff.updated": on_staff_changed,
    "staff.promoted": on_staff_changed,
    "staff.left": on_staff_changed,
    "staff.erased": on_staff_erased,
    "cpd.completed": on_cpd_completed,
    "cpd.intent_recorded": on_cpd_intent_recorded,
    "cpd.impact_recorded": on_cpd_impact_recorded,
    "cpd.induction_started": on_induction_started,
    "cpd.induction_ended": on_induction_ended,
    "academy.registered": on_academy,
    "academy.updated": on_academy,
    "subject_access.requested": on_subject_access_requested,
}
