"""Notifications' repositories on its unit of work: the staff copy, the inbox (messages and their emails), how
people choose to hear (preferences, quiet hours), who the HR contacts are, and the reminders waiting for their day.
All of notifications' SQL but the sender's (adapters.outgoing) and a subject access request's (adapters.holdings)."""
from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import delete, func, insert, select, update

from staffroom_shared import staff_copy
from staffroom_shared.events import Event
from staffroom_shared.uow import Repository

from ..domain.preferences import QuietHours
from ..domain.rules import Draft, Person, Reminder, SurveyLink
from .orm import deliveries, hr_contacts, messages, preferences, quiet_hours, reminders, staff

STAFF_FIELDS = ("academy_id", "first_name", "last_name", "email", "line_manager_id", "staff_type", "leaving_date")


class StaffCopy(Repository):
    """The directory's staff as its events said (the newest snapshot wins)."""

    def keep(self, event: Event) -> None:
        staff_copy.keep(self.session, staff, event, STAFF_FIELDS)

    def find(self, staff_id: uuid.UUID) -> tuple[Person, date | None] | None:
        """The person and their leaving date, if the copy has them."""
        row = self.session.execute(select(staff).where(staff.c.staff_id == staff_id)).first()
        if row is None:
            return None
        return Person(row.staff_id, row.first_name, row.email, row.line_manager_id, row.last_name), row.leaving_date

    def address(self, staff_id: uuid.UUID) -> str | None:
        return self.session.execute(select(staff.c.email).where(staff.c.staff_id == staff_id)).scalar()

    def in_group(self, academy_id: uuid.UUID | None, staff_type: str | None) -> list[uuid.UUID]:
        """Everyone the copy holds at this academy (None: the trust) of this staff type (None: any), by id."""
        query = select(staff.c.staff_id).order_by(staff.c.staff_id)
        if academy_id is not None:
            query = query.where(staff.c.academy_id == academy_id)
        if staff_type is not None:
            query = query.where(staff.c.staff_type == staff_type)
        return list(self.session.scalars(query))


class Inbox(Repository):
    """Messages, one per person per message, and the emails that carry them (deliveries)."""

    def has(self, event_id: uuid.UUID, recipient_id: uuid.UUID, category: str) -> bool:
        return self.session.execute(select(messages.c.id).where(
            messages.c.event_id == event_id, messages.c.recipient_id == recipient_id,
            messages.c.category == category)).first() is not None

    def add(self, draft: Draft, event_id: uuid.UUID, event_type: str, at: datetime) -> uuid.UUID:
        message_id = uuid.uuid4()
        self.session.execute(insert(messages).values(
            id=message_id, recipient_id=draft.recipient_id, category=draft.category, subject=draft.subject,
            body=draft.body, link=draft.link, event_id=event_id, event_type=event_type, created_at=at))
        return message_id

    def queue_email(self, message_id: uuid.UUID, recipient_id: uuid.UUID, address: str, *, held: bool,
                    not_before: datetime, survey: SurveyLink | None, sealed_address: str | None = None) -> None:
        """An email for the message: pending (to send from `not_before`), or held for the person's digest.
        `sealed_address`: someone outside the trust's, as wellbeing sealed it (`address` is then empty)."""
        self.session.execute(insert(deliveries).values(
            id=uuid.uuid4(), message_id=message_id, recipient_id=recipient_id, address=address,
            status="held" if held else "pending", kind="message", attempts=0, next_attempt_at=not_before,
            survey_run_id=survey.run_id if survey else None, sealed_link=survey.sealed if survey else None,
            sealed_address=sealed_address))

    def withdraw_unsent(self, run_id: uuid.UUID) -> int:
        """Invitations to this survey or feedback request that have not gone (due, held for a digest or dead-lettered)
        are never sent, and their sealed link and address are erased; how many."""
        return self.session.execute(update(deliveries).where(
            deliveries.c.survey_run_id == run_id, deliveries.c.status.in_(("pending", "held", "dead"))).values(
            status="withdrawn", sealed_link=None, sealed_address=None)).rowcount

    def page(self, staff_id: uuid.UUID, *, unread: bool, page: int, page_size: int) -> tuple[list[dict], int]:
        where = [messages.c.recipient_id == staff_id]
        if unread:
            where.append(messages.c.read_at.is_(None))
        total = self.session.scalar(select(func.count()).select_from(messages).where(*where))
        rows = self.session.execute(select(messages).where(*where)
                                    .order_by(messages.c.created_at.desc(), messages.c.id)
                                    .limit(page_size).offset((page - 1) * page_size)).all()
        return [dict(r._mapping) for r in rows], total

    def unread_count(self, staff_id: uuid.UUID) -> int:
        return self.session.scalar(select(func.count()).select_from(messages).where(
            messages.c.recipient_id == staff_id, messages.c.read_at.is_(None)))

    def owns(self, staff_id: uuid.UUID, message_id: uuid.UUID) -> bool:
        return self.session.execute(select(messages.c.id).where(
            messages.c.id == message_id, messages.c.recipient_id == staff_id)).first() is not None

    def mark_read(self, staff_id: uuid.UUID, at: datetime, message_id: uuid.UUID | None = None) -> int:
        """Their unread messages (or the one), read now; how many."""
        where = [messages.c.recipient_id == staff_id, messages.c.read_at.is_(None)]
        if message_id is not None:
            where.append(messages.c.id == message_id)
        return self.session.execute(update(messages).where(*where).values(read_at=at)).rowcount

    def dead_letters(self, limit: int) -> list[dict]:
        rows = self.session.execute(
            select(deliveries.c.id, deliveries.c.address, deliveries.c.attempts, deliveries.c.last_error,
                   messages.c.subject, messages.c.category, messages.c.created_at)
            .join(messages, messages.c.id == deliveries.c.message_id).where(deliveries.c.status == "dead")
            .order_by(messages.c.created_at.desc()).limit(limit)).all()
        return [dict(r._mapping) for r in rows]

    def retry(self, delivery_id: uuid.UUID, at: datetime) -> bool:
        """A dead-lettered email, due again now from its first attempt; False if there is no such dead letter."""
        return self.session.execute(update(deliveries).where(deliveries.c.id == delivery_id,
                                                             deliveries.c.status == "dead")
                                    .values(status="pending", attempts=0, next_attempt_at=at)).rowcount == 1

    def held(self) -> list[tuple[uuid.UUID, uuid.UUID]]:
        """(delivery, recipient) of each email held for a digest, by person, oldest message first; locked."""
        return [tuple(row) for row in self.session.execute(
            select(deliveries.c.id, deliveries.c.recipient_id).join(messages, messages.c.id == deliveries.c.message_id)
            .where(deliveries.c.status == "held").order_by(deliveries.c.recipient_id, messages.c.created_at,
                                                           messages.c.id).with_for_update(of=deliveries)).all()]

    def carry_digest(self, delivery_id: uuid.UUID, not_before: datetime) -> None:
        self.session.execute(update(deliveries).where(deliveries.c.id == delivery_id).values(
            kind="digest", status="pending", next_attempt_at=not_before))

    def ride_along(self, delivery_id: uuid.UUID, carrier_id: uuid.UUID) -> None:
        self.session.execute(update(deliveries).where(deliveries.c.id == delivery_id).values(
            status="in_digest", carried_by=carrier_id))

    def forget_recipient(self, staff_id: uuid.UUID) -> None:
        """Their messages and the emails that carried them."""
        theirs = select(messages.c.id).where(messages.c.recipient_id == staff_id)
        self.session.execute(delete(deliveries).where(deliveries.c.message_id.in_(theirs)))
        self.session.execute(delete(messages).where(messages.c.recipient_id == staff_id))

    def forget_written_before(self, before: datetime) -> int:
        """A message and its email go together; how many messages went."""
        old = select(messages.c.id).where(messages.c.created_at < before)
        self.session.execute(delete(deliveries).where(deliveries.c.message_id.in_(old)))
        return self.session.execute(delete(messages).where(messages.c.created_at < before)).rowcount


class Preferences(Repository):
    """Each person's email choice per category, and their quiet hours."""

    def choice(self, staff_id: uuid.UUID, category: str) -> str | None:
        return self.session.execute(select(preferences.c.email).where(
            preferences.c.staff_id == staff_id, preferences.c.category == category)).scalar()

    def choices(self, staff_id: uuid.UUID) -> dict[str, str]:
        return dict(self.session.execute(select(preferences.c.category, preferences.c.email)
                                         .where(preferences.c.staff_id == staff_id)).all())

    def changed_at(self, staff_id: uuid.UUID, category: str) -> datetime | None:
        return self.session.execute(select(preferences.c.changed_at).where(
            preferences.c.staff_id == staff_id, preferences.c.category == category)).scalar()

    def choose(self, staff_id: uuid.UUID, category: str, how: str, at: datetime) -> None:
        self.session.execute(delete(preferences).where(preferences.c.staff_id == staff_id,
                                                       preferences.c.category == category))
        self.session.execute(insert(preferences).values(staff_id=staff_id, category=category, email=how,
                                                        changed_at=at))

    def quiet_hours(self, staff_id: uuid.UUID) -> QuietHours | None:
        row = self.session.execute(select(quiet_hours).where(quiet_hours.c.staff_id == staff_id)).first()
        return None if row is None else QuietHours(row.starts, row.ends)

    def set_quiet_hours(self, staff_id: uuid.UUID, hours: QuietHours | None) -> None:
        self.session.execute(delete(quiet_hours).where(quiet_hours.c.staff_id == staff_id))
        if hours is not None:
            self.session.execute(insert(quiet_hours).values(staff_id=staff_id, starts=hours.starts, ends=hours.ends))

    def forget(self, staff_id: uuid.UUID) -> None:
        self.session.execute(delete(preferences).where(preferences.c.staff_id == staff_id))
        self.session.execute(delete(quiet_hours).where(quiet_hours.c.staff_id == staff_id))


class HrContacts(Repository):
    """Who hears about an academy's escalations; academy "" is the trust's."""

    def of(self, academy: str) -> list[uuid.UUID]:
        return self.session.scalars(select(hr_contacts.c.staff_id).where(hr_contacts.c.academy == academy)
                                    .order_by(hr_contacts.c.staff_id)).all()

    def all(self) -> list[tuple[str, uuid.UUID]]:
        return [tuple(row) for row in self.session.execute(
            select(hr_contacts).order_by(hr_contacts.c.academy, hr_contacts.c.staff_id))]

    def replace(self, academy: str, staff_ids: list[uuid.UUID]) -> None:
        self.session.execute(delete(hr_contacts).where(hr_contacts.c.academy == academy))
        for staff_id in staff_ids:
            self.session.execute(insert(hr_contacts).values(academy=academy, staff_id=staff_id))

    def forget(self, staff_id: uuid.UUID) -> None:
        self.session.execute(delete(hr_contacts).where(hr_contacts.c.staff_id == staff_id))


class Reminders(Repository):
    """Messages for a later date, each once: waiting, then sent or cancelled."""

    def has(self, key: str) -> bool:
        return self.session.execute(select(reminders.c.key).where(reminders.c.key == key)).first() is not None

    def add(self, reminder: Reminder, event_id: uuid.UUID) -> None:
        d = reminder.draft
        self.session.execute(insert(reminders).values(
            key=reminder.key, due_on=reminder.due_on, recipient_id=d.recipient_id, category=d.category,
            subject=d.subject, body=d.body, link=d.link, event_id=event_id, status="waiting"))

    def cancel_waiting(self, prefix: str) -> None:
        self.session.execute(update(reminders).where(reminders.c.key.startswith(prefix, autoescape=True),
                                                     reminders.c.status == "waiting").values(status="cancelled"))

    def due(self, today: date) -> list[Reminder]:
        """Waiting ones whose day has come, in order; locked (PostgreSQL), so a second job at the same moment
        waits, then finds them sent."""
        rows = self.session.execute(select(reminders).where(reminders.c.status == "waiting",
                                                            reminders.c.due_on <= today)
                                    .order_by(reminders.c.due_on, reminders.c.key).with_for_update()).all()
        return [Reminder(r.key, r.due_on, Draft(r.recipient_id, r.category, r.subject, r.body, r.link)) for r in rows]

    def mark_sent(self, key: str) -> None:
        self.session.execute(update(reminders).where(reminders.c.key == key).values(status="sent"))

    def forget(self, staff_id: uuid.UUID) -> None:
        self.session.execute(delete(reminders).where(reminders.c.recipient_id == staff_id))

    def forget_done_before(self, cutoff: date) -> int:
        """Sent or cancelled ones whose day was before `cutoff` (a waiting one is kept until it is sent)."""
        return self.session.execute(delete(reminders).where(
            reminders.c.due_on < cutoff, reminders.c.status != "waiting")).rowcount
