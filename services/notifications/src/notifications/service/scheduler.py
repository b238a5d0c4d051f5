"""The daily job: send the reminders whose day has come (deadlines carried by events), each once, and gather
each person's held emails into their daily digest."""
from __future__ import annotations

import uuid
from datetime import date, datetime, timezone

from sqlalchemy import select, update

from staffroom_shared.log import correlation
from staffroom_shared.uow import UnitOfWork

from ..adapters.orm import reminders
from ..domain.rules import Draft
from .email import gather_digests
from .handlers import People, record


def run_daily(uow: UnitOfWork, today: date | None = None, *, correlation_id: str | None = None) -> dict:
    """Safe to run more than once a day and to miss days: a reminder is sent once, late if need be (but
    not at all once its deadline has passed, or for someone who has left)."""
    today = today or date.today()
    with correlation(correlation_id or f"notifications-daily-{today}-{uuid.uuid4().hex[:8]}"):
        sent = 0
        with uow:
            # FOR UPDATE (PostgreSQL): a second job at the same moment waits, then finds them sent.
            due = uow.session.execute(select(reminders).where(reminders.c.status == "waiting",
                                                              reminders.c.due_on <= today)
                                      .order_by(reminders.c.due_on, reminders.c.key).with_for_update()).all()
            people = People(uow.session, today)
            now = datetime.now(timezone.utc)
            for reminder in due:
                if people(reminder.recipient_id) is not None:
                    draft = Draft(reminder.recipient_id, reminder.category, reminder.subject, reminder.body,
                                  reminder.link)
                    # Its own message id space: the event that set the reminder already has a message of its own.
                    sent += record(uow.session, uuid.uuid5(uuid.NAMESPACE_URL, f"reminder:{reminder.key}"),
                                   "reminder", [draft], now)
                uow.session.execute(update(reminders).where(reminders.c.key == reminder.key).values(status="sent"))
            digests = gather_digests(uow.session, now)
            uow.commit()
        return {"reminders": sent, "digests": digests}
