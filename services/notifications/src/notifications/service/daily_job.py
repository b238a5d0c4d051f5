"""The daily job: send the reminders whose day has come (deadlines carried by events), each once, and gather
each person's held emails into their daily digest."""
from __future__ import annotations

import uuid
from datetime import date, datetime, timezone

from staffroom_shared.log import own_correlation

from .handlers import not_before_for, record
from .people import People
from .unit_of_work import NotificationsUnitOfWork


@own_correlation("notifications-daily")
def run_daily(uow: NotificationsUnitOfWork, today: date | None = None) -> dict:
    """Safe to run more than once a day and to miss days: a reminder is sent once, late if need be (but
    not at all once its deadline has passed, or for someone who has left)."""
    today = today or date.today()
    sent = 0
    with uow:
        due = uow.reminders.due(today)  # locked: a second job at the same moment waits, then finds them sent
        people = People(uow.staff, uow.contacts, today)
        now = datetime.now(timezone.utc)
        for reminder in due:
            if people(reminder.draft.recipient_id) is not None:
                # Its own message id space: the event that set the reminder already has a message of its own.
                sent += record(uow, uuid.uuid5(uuid.NAMESPACE_URL, f"reminder:{reminder.key}"), "reminder",
                               [reminder.draft], now)
            uow.reminders.mark_sent(reminder.key)
        digests = gather_digests(uow, now)
        uow.commit()
    return {"reminders": sent, "digests": digests}


def gather_digests(uow: NotificationsUnitOfWork, now: datetime) -> int:
    """Each person's held emails become one digest: the oldest carries it, the rest ride along."""
    carriers: dict = {}
    for delivery_id, recipient_id in uow.inbox.held():
        carrier = carriers.get(recipient_id)
        if carrier is None:
            carriers[recipient_id] = delivery_id
            uow.inbox.carry_digest(delivery_id, not_before_for(uow.preferences, recipient_id, now))
        else:
            uow.inbox.ride_along(delivery_id, carrier)
    return len(carriers)
