"""What the notifications service holds about a person, for a subject access request (issue 21; docs/privacy.md)."""
from __future__ import annotations

from staffroom_shared.subject_access import Holding, answerer, subject

from ..adapters.orm import deliveries, hr_contacts, messages, preferences, quiet_hours, reminders, staff

HOLDINGS = (
    Holding("your details as the directory shared them", staff, subject(staff.c.staff_id)),
    Holding("the messages in your inbox", messages, subject(messages.c.recipient_id)),
    Holding("the emails sent to you, and whether they were delivered", deliveries,
            subject(deliveries.c.recipient_id), withheld=("sealed_link",)),
    Holding("reminders waiting to be sent to you", reminders, subject(reminders.c.recipient_id)),
    Holding("your choices of which messages you get by email", preferences,
            subject(preferences.c.staff_id)),
    Holding("your quiet hours", quiet_hours, subject(quiet_hours.c.staff_id)),
    Holding("where you are an HR contact for escalations", hr_contacts, subject(hr_contacts.c.staff_id)),
)

LEFT_OUT = ("Survey links in emails: each is sealed so only the email could carry it, and erased once sent.",)

on_subject_access_requested = answerer("notifications", HOLDINGS, LEFT_OUT)
