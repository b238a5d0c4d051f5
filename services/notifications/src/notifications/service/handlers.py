"""Event handlers: keep the staff copy, and turn each event the rules know into messages (and emails).

Each runs in the consumer's unit of work with its inbox row, so a redelivered event changes nothing;
the messages' (event, recipient, category) key guards that a second time.
"""
from __future__ import annotations

import logging
import uuid
from datetime import datetime, timezone

from staffroom_shared.events import Event
from staffroom_shared.retention import forget_pages_after, forget_sent_events

from ..adapters.repositories import Preferences
from ..domain.preferences import how_emailed
from ..domain.rules import CANCELS, NOBODY_TOLD, REMINDERS, RULES, Draft, OutsideEmail, drafts_for, outside_feedback
from .people import People
from .subject_access import on_subject_access_requested
from .unit_of_work import NotificationsUnitOfWork

log = logging.getLogger(__name__)


def on_staff_changed(uow: NotificationsUnitOfWork, event: Event) -> None:
    uow.staff.keep(event)


def on_staff_erased(uow: NotificationsUnitOfWork, event: Event) -> None:
    """A leaver's record reached the end of its retention (the directory's staff.erased): the copy takes the
    anonymised record, and their inbox, emails, reminders, choices and HR-contact roles go. (Messages to others
    that named them went long before, after a year: service.retention.)"""
    uow.staff.keep(event)
    person = event.payload["staff_id"]
    forget_sent_events(uow, person)
    forget_pages_after(uow)
    uow.inbox.forget_recipient(person)
    uow.reminders.forget(person)
    uow.preferences.forget(person)
    uow.contacts.forget(person)


def on_event(uow: NotificationsUnitOfWork, event: Event) -> None:
    people = People(uow.staff, uow.contacts)
    if event.type in RULES:
        drafts = drafts_for(event.type, event.payload, people)
        if not drafts and event.type in NOBODY_TOLD:
            log.warning("%s %s told nobody: %s", event.type, event.id, NOBODY_TOLD[event.type])
        record(uow, event.id, event.type, drafts)
    if event.type == "wellbeing.invitation_issued":
        outside = outside_feedback(event.payload, people)
        if outside is not None:
            record_outside(uow, event.id, event.type, outside)
    if event.type in REMINDERS:
        for reminder in REMINDERS[event.type](event.payload, people):
            if reminder.due_on < people.today:
                continue  # "due in 14 days" about a date that is closer, or past, is not sent late (outsider)
            if not uow.reminders.has(reminder.key):
                uow.reminders.add(reminder, event.id)
    if event.type in CANCELS:
        uow.reminders.cancel_waiting(CANCELS[event.type](event.payload))


def on_feedback_request_closed(uow: NotificationsUnitOfWork, event: Event) -> None:
    """A request for feedback closed: its invitations not emailed yet are not sent at all, as their links would answer
    "closed" (outsider O6 F9: someone outside the trust was emailed after the request closed). Their inbox messages
    stay, as every message does. A survey's close withdraws nothing: its link still opens the replies HR write to
    what its holder wrote."""
    withdrawn = uow.inbox.withdraw_unsent(uuid.UUID(str(event.payload["request_id"])))
    if withdrawn:
        log.info("%s: %s invitation email(s) not yet sent were withdrawn", event.type, withdrawn)


def record(uow: NotificationsUnitOfWork, event_id: uuid.UUID, event_type: str, drafts: list[Draft],
           now: datetime | None = None) -> int:
    """Store the drafts as inbox messages, and queue an email for each one the person wants by email
    (after their quiet hours, if it is within them). A survey invitation's sealed link is kept with its email
    only: someone whose survey emails are off gets the inbox message, and the link is kept nowhere."""
    now = now or datetime.now(timezone.utc)
    count = 0
    for draft in drafts:
        if uow.inbox.has(event_id, draft.recipient_id, draft.category):
            continue
        message_id = uow.inbox.add(draft, event_id, event_type, now)
        wanted = wants_email(uow, draft.recipient_id, draft.category)
        if wanted:
            address, how = wanted
            uow.inbox.queue_email(message_id, draft.recipient_id, address, held=how != "instant",
                                  not_before=not_before_for(uow.preferences, draft.recipient_id, now),
                                  survey=draft.survey_link)
        count += 1
    return count


def record_outside(uow: NotificationsUnitOfWork, event_id: uuid.UUID, event_type: str, outside: OutsideEmail,
                   now: datetime | None = None) -> None:
    """Someone outside the trust asked for feedback: one email, due now, to the address wellbeing sealed to our key.
    It is kept sealed with the email (as the link is), opened only by the sender and erased once sent or dead; the
    message row it needs has no reader (its recipient is an id made for this invitation) and no address."""
    now = now or datetime.now(timezone.utc)
    draft = outside.draft
    if uow.inbox.has(event_id, draft.recipient_id, draft.category):
        return
    message_id = uow.inbox.add(draft, event_id, event_type, now)
    uow.inbox.queue_email(message_id, draft.recipient_id, "", held=False, not_before=now, survey=draft.survey_link,
                          sealed_address=outside.sealed_address)


def not_before_for(preferences, staff_id: uuid.UUID, now: datetime) -> datetime:
    hours = preferences.quiet_hours(staff_id)
    return now if hours is None else hours.not_before(now)


def not_before(session, staff_id: uuid.UUID, now: datetime) -> datetime:
    """Now, or when the person's quiet hours (UK time; they may run past midnight) end; read on `session`."""
    return not_before_for(Preferences(session), staff_id, now)


def wants_email(uow: NotificationsUnitOfWork, staff_id: uuid.UUID, category: str) -> tuple[str, str] | None:
    """(address, "instant" or "digest") if this category goes to them by email (domain.preferences.how_emailed)."""
    address = uow.staff.address(staff_id)
    if address is None:
        return None
    how = how_emailed(uow.preferences.choice(staff_id, category), category)
    return None if how is None else (address, how)


HANDLERS = {
    "staff.joined": on_staff_changed,
    "staff.updated": on_staff_changed,
    "staff.promoted": on_staff_changed,
    "staff.left": on_staff_changed,
    "staff.erased": on_staff_erased,
    **{event_type: on_event for event_type in (*RULES, *REMINDERS, *CANCELS)},
    "subject_access.requested": on_subject_access_requested,
    "wellbeing.feedback_request_closed": on_feedback_request_closed,
}
