"""What the notifications service keeps, and for how long (issue 21; docs/privacy.md). The daily job expires it."""
from __future__ import annotations

from datetime import date

from staffroom_shared.retention import Period, Record, platform_records, start_of

from ..adapters.orm import metadata
from .unit_of_work import NotificationsUnitOfWork

OWN = ("Staffroom's own: a message only tells someone about a record the other services keep, and the record "
       "itself is kept for as long as its own schedule says")


def _messages_before(uow: NotificationsUnitOfWork, cutoff: date, _today: date) -> int:
    """A message and its email go together. (A digest's newer messages keep their own rows: `carried_by` only
    names the email that carried them, and nothing reads it once they are sent.)"""
    return uow.inbox.forget_written_before(start_of(cutoff))


def _reminders_before(uow: NotificationsUnitOfWork, cutoff: date, _today: date) -> int:
    """Reminders already sent or cancelled, whose day has passed: a waiting one is kept until it is sent."""
    return uow.reminders.forget_done_before(cutoff)


RECORDS = (
    *platform_records(metadata),
    Record("messages", "messages in people's Staffroom inbox, and the emails that carried them", Period(1, "year"),
           "the day the message was written", OWN, _messages_before),
    Record("reminders", "reminders already sent or cancelled", Period(1, "year"), "the day the reminder was due",
           OWN, _reminders_before),
)
