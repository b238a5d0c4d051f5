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
# Requests for feedback about a colleague: the "Answer now" news goes only to a rater who opened the answer page, and
# when (its time and the time the invitation was read) says when they answered; so all of them are theirs alone too
# (outside tester, issue 24: HR's copies of four raters showed exactly the two who had answered).
FEEDBACK = "feedback_requests"
FEEDBACK_WHY = ("Messages and emails asking for your feedback about a colleague, and those saying you chose \"Answer "
                "now\": they show whether and when you opened and answered each request, so they are only in a copy "
                "you ask for yourself (Your data); HR never learn who answered (docs/wellbeing.md).")
THEIRS_ALONE = (SURVEYS, FEEDBACK)


def _messages(category: str | None):
    """The person's inbox messages of `category`, or (None) of every category that is not theirs alone."""
    return lambda staff_id: (messages.c.recipient_id == staff_id) & (
        messages.c.category.not_in(THEIRS_ALONE) if category is None else messages.c.category == category)


def _emails(category: str | None):
    """The emails that carried those messages."""
    def about(staff_id):
        carried = select(messages.c.id).where(_messages(category)(staff_id))
        return (deliveries.c.recipient_id == staff_id) & deliveries.c.message_id.in_(carried)
    return about


def _reminders(category: str | None):
    return lambda staff_id: (reminders.c.recipient_id == staff_id) & (
        reminders.c.category.not_in(THEIRS_ALONE) if category is None else reminders.c.category == category)


HOLDINGS = (
    Holding("your details as the directory shared them", staff, subject(staff.c.staff_id)),
    Holding("the messages in your inbox", messages, _messages(None)),
    Holding("the messages about staff surveys in your inbox", messages, _messages(SURVEYS), theirs_alone_rows=True,
            theirs_alone_why=WHY),
    Holding("the messages asking for your feedback about a colleague in your inbox", messages, _messages(FEEDBACK),
            theirs_alone_rows=True, theirs_alone_why=FEEDBACK_WHY),
    # `carried_by` names the email a daily digest went in: in a copy HR open, that email may be one left out above
    Holding("the emails sent to you, and whether they were delivered", deliveries, _emails(None),
            withheld=("sealed_link", "sealed_address"), theirs_alone=("carried_by",), theirs_alone_why=FEEDBACK_WHY),
    Holding("the emails about staff surveys sent to you", deliveries, _emails(SURVEYS),
            withheld=("sealed_link", "sealed_address"), theirs_alone_rows=True, theirs_alone_why=WHY),
    Holding("the emails asking for your feedback about a colleague sent to you", deliveries, _emails(FEEDBACK),
            withheld=("sealed_link", "sealed_address"), theirs_alone_rows=True, theirs_alone_why=FEEDBACK_WHY),
    Holding("reminders waiting to be sent to you", reminders, _reminders(None)),
    Holding("reminders about staff surveys waiting to be sent to you", reminders, _reminders(SURVEYS),
            theirs_alone_rows=True, theirs_alone_why=WHY),
    Holding("reminders about requests for your feedback waiting to be sent to you", reminders, _reminders(FEEDBACK),
            theirs_alone_rows=True, theirs_alone_why=FEEDBACK_WHY),
    Holding("your choices of which messages you get by email", preferences,
            subject(preferences.c.staff_id)),
    Holding("your quiet hours", quiet_hours, subject(quiet_hours.c.staff_id)),
    Holding("where you are an HR contact for escalations", hr_contacts, subject(hr_contacts.c.staff_id)),
)

LEFT_OUT = ("Survey links in emails: each is sealed so only the email could carry it, and erased once sent.",)
