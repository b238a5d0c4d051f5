"""Where the notifications service holds a person's data, table by table, for a subject access request (issue 21;
docs/privacy.md)."""
from __future__ import annotations

from sqlalchemy import select

from staffroom_shared.subject_access import Holding, subject

from .orm import deliveries, hr_contacts, messages, preferences, quiet_hours, reminders, staff

# Messages about surveys say whether someone answered (a "closes soon" reminder goes only to those who have not):
# they are in the copy the person asks for themselves, never in one HR open (outsider 14, issue 21).
SURVEYS = "surveys"
WHY = ("Messages and emails about staff surveys: they show whether you answered each one, so they are only in a copy "
       "you ask for yourself (Your data); HR never learn who answered a survey (docs/wellbeing.md).")


def _messages(surveys: bool):
    return lambda staff_id: (messages.c.recipient_id == staff_id) & ((messages.c.category == SURVEYS) == surveys)


def _emails(surveys: bool):
    about = select(messages.c.id).where(messages.c.category == SURVEYS)
    return lambda staff_id: (deliveries.c.recipient_id == staff_id) & (
        deliveries.c.message_id.in_(about) if surveys else deliveries.c.message_id.not_in(about))


def _reminders(surveys: bool):
    return lambda staff_id: (reminders.c.recipient_id == staff_id) & ((reminders.c.category == SURVEYS) == surveys)


HOLDINGS = (
    Holding("your details as the directory shared them", staff, subject(staff.c.staff_id)),
    Holding("the messages in your inbox", messages, _messages(False)),
    Holding("the messages about staff surveys in your inbox", messages, _messages(True), theirs_alone_rows=True,
            theirs_alone_why=WHY),
    Holding("the emails sent to you, and whether they were delivered", deliveries, _emails(False),
            withheld=("sealed_link",)),
    Holding("the emails about staff surveys sent to you", deliveries, _emails(True), withheld=("sealed_link",),
            theirs_alone_rows=True, theirs_alone_why=WHY),
    Holding("reminders waiting to be sent to you", reminders, _reminders(False)),
    Holding("reminders about staff surveys waiting to be sent to you", reminders, _reminders(True),
            theirs_alone_rows=True, theirs_alone_why=WHY),
    Holding("your choices of which messages you get by email", preferences,
            subject(preferences.c.staff_id)),
    Holding("your quiet hours", quiet_hours, subject(quiet_hours.c.staff_id)),
    Holding("where you are an HR contact for escalations", hr_contacts, subject(hr_contacts.c.staff_id)),
)

LEFT_OUT = ("Survey links in emails: each is sealed so only the email could carry it, and erased once sent.",)
