"""In memory: notifications' repositories, with the method names and behaviour of the SQL ones
(adapters.repositories), and its unit of work, for fast tests of the service layer (test_commands.py)."""
from __future__ import annotations

import uuid
from datetime import date, datetime

from notifications.adapters.repositories import STAFF_FIELDS
from notifications.domain.preferences import QuietHours
from notifications.domain.rules import Draft, Person, Reminder, SurveyLink
from notifications.service.unit_of_work import CONTRACTS
from staffroom_shared.events import Event
from staffroom_shared.testing import FakeUnitOfWork
from staffroom_shared.uow import Repository


class FakeStaffCopy(Repository):
    def __init__(self):
        super().__init__()
        self.rows: dict[uuid.UUID, dict] = {}

    def keep(self, event: Event) -> None:
        data = event.payload
        held = self.rows.get(data["staff_id"])
        if held is None or held["snapshot_at"] is None or event.occurred_at >= held["snapshot_at"]:
            self.rows[data["staff_id"]] = {name: data[name] for name in STAFF_FIELDS} | {"snapshot_at": event.occurred_at}

    def find(self, staff_id: uuid.UUID) -> tuple[Person, date | None] | None:
        row = self.rows.get(staff_id)
        if row is None:
            return None
        return Person(staff_id, row["first_name"], row["email"], row["line_manager_id"], row["last_name"]), \
            row["leaving_date"]

    def address(self, staff_id: uuid.UUID) -> str | None:
        row = self.rows.get(staff_id)
        return None if row is None else row["email"]

    def in_group(self, academy_id, staff_type) -> list[uuid.UUID]:
        return sorted(uuid.UUID(str(i)) for i, row in self.rows.items()
                      if (academy_id is None or str(row["academy_id"]) == str(academy_id))
                      and (staff_type is None or row.get("staff_type") == staff_type))


class FakeInbox(Repository):
    def __init__(self):
        super().__init__()
        self.messages: dict[uuid.UUID, dict] = {}
        self.deliveries: dict[uuid.UUID, dict] = {}

    def has(self, event_id, recipient_id, category) -> bool:
        return any((m["event_id"], m["recipient_id"], m["category"]) == (event_id, recipient_id, category)
                   for m in self.messages.values())

    def add(self, draft: Draft, event_id, event_type: str, at: datetime) -> uuid.UUID:
        message_id = uuid.uuid4()
        self.messages[message_id] = {"id": message_id, "recipient_id": draft.recipient_id, "category": draft.category,
                                     "subject": draft.subject, "body": draft.body, "link": draft.link,
                                     "event_id": event_id, "event_type": event_type, "created_at": at,
                                     "read_at": None}
        return message_id

    def queue_email(self, message_id, recipient_id, address: str, *, held: bool, not_before: datetime,
                    survey: SurveyLink | None) -> None:
        delivery_id = uuid.uuid4()
        self.deliveries[delivery_id] = {
            "id": delivery_id, "message_id": message_id, "recipient_id": recipient_id, "address": address,
            "status": "held" if held else "pending", "kind": "message", "carried_by": None, "attempts": 0,
            "next_attempt_at": not_before, "last_error": None,
            "survey_run_id": survey.run_id if survey else None, "sealed_link": survey.sealed if survey else None}

    def _mine(self, staff_id, unread=False):
        return sorted((m for m in self.messages.values() if m["recipient_id"] == staff_id
                       and not (unread and m["read_at"] is not None)),
                      key=lambda m: (-m["created_at"].timestamp(), str(m["id"])))

    def page(self, staff_id, *, unread: bool, page: int, page_size: int) -> tuple[list[dict], int]:
        mine = self._mine(staff_id, unread)
        return [dict(m) for m in mine[(page - 1) * page_size:page * page_size]], len(mine)

    def unread_count(self, staff_id) -> int:
        return len(self._mine(staff_id, unread=True))

    def owns(self, staff_id, message_id) -> bool:
        return message_id in self.messages and self.messages[message_id]["recipient_id"] == staff_id

    def mark_read(self, staff_id, at: datetime, message_id=None) -> int:
        done = 0
        for m in self._mine(staff_id, unread=True):
            if message_id is None or m["id"] == message_id:
                m["read_at"] = at
                done += 1
        return done

    def dead_letters(self, limit: int) -> list[dict]:
        dead = [d for d in self.deliveries.values() if d["status"] == "dead"]
        return [{"id": d["id"], "address": d["address"], "attempts": d["attempts"], "last_error": d["last_error"],
                 **{k: self.messages[d["message_id"]][k] for k in ("subject", "category", "created_at")}}
                for d in dead][:limit]

    def retry(self, delivery_id, at: datetime) -> bool:
        d = self.deliveries.get(delivery_id)
        if d is None or d["status"] != "dead":
            return False
        d.update(status="pending", attempts=0, next_attempt_at=at)
        return True

    def held(self) -> list[tuple[uuid.UUID, uuid.UUID]]:
        held = [d for d in self.deliveries.values() if d["status"] == "held"]
        held.sort(key=lambda d: (str(d["recipient_id"]), self.messages[d["message_id"]]["created_at"],
                                 str(d["message_id"])))
        return [(d["id"], d["recipient_id"]) for d in held]

    def carry_digest(self, delivery_id, not_before: datetime) -> None:
        self.deliveries[delivery_id].update(kind="digest", status="pending", next_attempt_at=not_before)

    def ride_along(self, delivery_id, carrier_id) -> None:
        self.deliveries[delivery_id].update(status="in_digest", carried_by=carrier_id)

    def forget_recipient(self, staff_id) -> None:
        theirs = {i for i, m in self.messages.items() if m["recipient_id"] == staff_id}
        self.deliveries = {i: d for i, d in self.deliveries.items() if d["message_id"] not in theirs}
        self.messages = {i: m for i, m in self.messages.items() if i not in theirs}

    def forget_written_before(self, before: datetime) -> int:
        old = {i for i, m in self.messages.items() if m["created_at"] < before}
        self.deliveries = {i: d for i, d in self.deliveries.items() if d["message_id"] not in old}
        self.messages = {i: m for i, m in self.messages.items() if i not in old}
        return len(old)


class FakePreferences(Repository):
    def __init__(self):
        super().__init__()
        self.chosen: dict[tuple[uuid.UUID, str], tuple[str, datetime | None]] = {}
        self.quiet: dict[uuid.UUID, QuietHours] = {}

    def choice(self, staff_id, category: str) -> str | None:
        found = self.chosen.get((staff_id, category))
        return found and found[0]

    def choices(self, staff_id) -> dict[str, str]:
        return {category: how for (who, category), (how, _) in self.chosen.items() if who == staff_id}

    def changed_at(self, staff_id, category: str) -> datetime | None:
        found = self.chosen.get((staff_id, category))
        return found and found[1]

    def choose(self, staff_id, category: str, how: str, at: datetime) -> None:
        self.chosen[(staff_id, category)] = (how, at)

    def quiet_hours(self, staff_id) -> QuietHours | None:
        return self.quiet.get(staff_id)

    def set_quiet_hours(self, staff_id, hours: QuietHours | None) -> None:
        self.quiet.pop(staff_id, None)
        if hours is not None:
            self.quiet[staff_id] = hours

    def forget(self, staff_id) -> None:
        self.chosen = {k: v for k, v in self.chosen.items() if k[0] != staff_id}
        self.quiet.pop(staff_id, None)


class FakeHrContacts(Repository):
    def __init__(self):
        super().__init__()
        self.by_academy: dict[str, list[uuid.UUID]] = {}

    def of(self, academy: str) -> list[uuid.UUID]:
        return sorted(self.by_academy.get(academy, []), key=str)

    def all(self) -> list[tuple[str, uuid.UUID]]:
        return [(academy, s) for academy in sorted(self.by_academy) for s in self.of(academy)]

    def replace(self, academy: str, staff_ids: list[uuid.UUID]) -> None:
        self.by_academy[academy] = list(staff_ids)

    def forget(self, staff_id) -> None:
        self.by_academy = {a: [s for s in ids if s != staff_id] for a, ids in self.by_academy.items()}


class FakeReminders(Repository):
    def __init__(self):
        super().__init__()
        self.rows: dict[str, dict] = {}

    def has(self, key: str) -> bool:
        return key in self.rows

    def add(self, reminder: Reminder, event_id) -> None:
        self.rows[reminder.key] = {"reminder": reminder, "event_id": event_id, "status": "waiting"}

    def cancel_waiting(self, prefix: str) -> None:
        for key, row in self.rows.items():
            if key.startswith(prefix) and row["status"] == "waiting":
                row["status"] = "cancelled"

    def due(self, today: date) -> list[Reminder]:
        due = [row["reminder"] for row in self.rows.values()
               if row["status"] == "waiting" and row["reminder"].due_on <= today]
        return sorted(due, key=lambda r: (r.due_on, r.key))

    def mark_sent(self, key: str) -> None:
        self.rows[key]["status"] = "sent"

    def forget(self, staff_id) -> None:
        self.rows = {k: r for k, r in self.rows.items() if r["reminder"].draft.recipient_id != staff_id}

    def forget_done_before(self, cutoff: date) -> int:
        gone = [k for k, r in self.rows.items() if r["reminder"].due_on < cutoff and r["status"] != "waiting"]
        for key in gone:
            del self.rows[key]
        return len(gone)


class FakeNotificationsUnitOfWork(FakeUnitOfWork):
    contracts = CONTRACTS

    def __init__(self, actor: str = "system"):
        super().__init__("notifications", actor=actor)
        self.staff, self.inbox, self.preferences = FakeStaffCopy(), FakeInbox(), FakePreferences()
        self.contacts, self.reminders = FakeHrContacts(), FakeReminders()
