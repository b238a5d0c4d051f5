"""Event handlers: keep the local copy of the directory (who a run invites) and the academies' names.
Each runs in the consumer's unit of work (with the inbox row), so a redelivered event changes nothing."""
from __future__ import annotations

from staffroom_shared.events import Event
from staffroom_shared.retention import forget_pages_after, forget_sent_events

from .subject_access import on_subject_access_requested
from .unit_of_work import WellbeingUnitOfWork

STAFF_FIELDS = ("academy_id", "first_name", "last_name", "email", "staff_type", "start_date", "leaving_date",
                "line_manager_id")


def on_staff_changed(uow: WellbeingUnitOfWork, event: Event) -> None:
    """staff.joined / updated / promoted / left all carry the full snapshot; the newest one wins."""
    uow.staff.keep(event, STAFF_FIELDS)


def on_staff_erased(uow: WellbeingUnitOfWork, event: Event) -> None:
    """A leaver's record reached the end of its retention: the copy takes the anonymised record, and the outbox's
    sent events about them (invitations) go. Invitations name nobody once the copy is anonymised, and go after their
    own window (service.retention)."""
    on_staff_changed(uow, event)
    forget_sent_events(uow, event.payload["staff_id"])
    forget_pages_after(uow)


def on_academy(uow: WellbeingUnitOfWork, event: Event) -> None:
    uow.academies.name(event.payload["academy_id"], event.payload["name"])


HANDLERS = {
    "staff.joined": on_staff_changed,
    "staff.updated": on_staff_changed,
    "staff.promoted": on_staff_changed,
    "staff.left": on_staff_changed,
    "staff.erased": on_staff_erased,
    "academy.registered": on_academy,
    "academy.updated": on_academy,
    "subject_access.requested": on_subject_access_requested,
}
