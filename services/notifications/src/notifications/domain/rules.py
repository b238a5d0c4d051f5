"""What each event means to whom: the rules that turn the trust's events into messages for people.

Pure: an event's type and payload, and a way to look people up, give the messages to send (links are paths
in the suite; PUBLIC_URL is put in front when an email is written). A survey invitation's personal link is not a
message's link: it stays sealed, for the email alone. Nothing here knows about tables, the bus or email.
"""
from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import date
from datetime import timedelta
from typing import Callable, Protocol

from staffroom_shared.money import pounds


@dataclass(frozen=True)
class Category:
    key: str
    title: str
    statutory: bool  # statutory or needed to do one's job: no unsubscribing (the inbox always gets it)


CATEGORIES = {c.key: c for c in (
    Category("appraisal", "Appraisals: your own, those you run and, for HR contacts, those long overdue",
             statutory=True),  # the footer of an HR contact's escalation read "your appraisal" (outsider, issue 20)
    Category("cpd_approvals", "CPD requests waiting for your approval", statutory=True),
    Category("cpd_updates", "Your CPD requests, places and training agreements", statutory=False),
    Category("future_leaders", "Future-leader nominations and placements", statutory=False),
    Category("surveys", "Staff surveys: invitations and reminders", statutory=False),
    # Issue 24: a request for feedback about a colleague is not a survey. New in migration 0005, which gives everyone
    # who had switched survey emails off (or to the digest) the same choice here, so nobody's choice is undone.
    Category("feedback_requests", "Requests for your feedback about a colleague", statutory=False),
    Category("survey_actions", "You said, we did: what is being done after staff surveys", statutory=False),
    Category("targets", "The trust's staff targets: at risk, missed and met", statutory=False),
    Category("recognition", "Recognition and feedback colleagues give you", statutory=False),
    # HR's part in keeping recognition safe: needed to do the job, so not switched off
    Category("recognition_reports", "For HR contacts: recognition and feedback a colleague reported to HR",
             statutory=True),
    # Issue 25: statutory induction is the tutor's, the ECT's and HR's duty, so not switched off. A new category
    # with no choice to carry over, so no migration: everyone's email for it is the default (at once).
    Category("induction", "Statutory induction: reviews and assessments due, and support plans", statutory=True),
)}


@dataclass(frozen=True)
class Person:
    staff_id: uuid.UUID
    first_name: str
    email: str
    line_manager_id: uuid.UUID | None
    last_name: str = ""


@dataclass(frozen=True)
class SurveyLink:
    """A person's own survey link, for their email only: as wellbeing sealed it to our key for this run and person
    (None: the event did not carry one we may keep, so the email says how to get a new one)."""

    run_id: uuid.UUID
    sealed: str | None


@dataclass(frozen=True)
class Draft:
    """One message for one person."""

    recipient_id: uuid.UUID
    category: str
    subject: str
    body: str
    link: str | None = None
    survey_link: SurveyLink | None = None  # an invitation's link: in the email, never in the inbox


class People(Protocol):
    """Looks people up: a member of staff by id (None if unknown or left), an academy's HR contacts."""

    def __call__(self, staff_id: uuid.UUID | None) -> Person | None: ...

    def hr(self, academy_id: uuid.UUID | None, fallback: bool = True) -> list[Person]: ...

    def in_group(self, academy_id: uuid.UUID | None, staff_type: str | None) -> list[Person]: ...


@dataclass(frozen=True)
class Reminder:
    """A message to send on a date, once; `key` names it so a later event can cancel it."""

    key: str
    due_on: date
    draft: Draft


ESCALATE_AFTER_DAYS = 14  # an appraisal milestone this late goes to the academy's HR contacts too
REMIND_DAYS_BEFORE = 14


def _uuid(value) -> uuid.UUID | None:
    return None if value is None else uuid.UUID(str(value))


def _date(value) -> str:
    return date.fromisoformat(str(value)).strftime("%-d %B %Y")


def _name(person: Person | None, otherwise: str = "someone") -> str:
    """Another person, in a message: their full name (a manager called Priya read "Priya's appraisal is overdue"
    as her own)."""
    return f"{person.first_name} {person.last_name}".strip() if person else otherwise


def _to(people: People, staff_id, category: str, subject: str, body: str, link: str | None = None,
        survey_link: SurveyLink | None = None) -> list[Draft]:
    person = people(_uuid(staff_id))
    if person is None:
        return []  # not (yet) in the staff copy, or left: nobody to tell
    return [Draft(person.staff_id, category, subject, f"Dear {person.first_name},\n\n{body}", link, survey_link)]


def _contacts_but(people: People, academy_id: uuid.UUID | None, leave_out: set) -> list[Person]:
    """The academy's HR contacts but those left out (the people the news is about); if nobody is left, the trust's
    but those left out; else nobody. An academy whose only contact is left out is an academy with none: its sole HR
    contact gave feedback that was reported, and nobody at all was told (outsider, issue 24)."""
    for academy in (academy_id, None) if academy_id else (None,):
        found = [c for c in people.hr(academy, fallback=False) if c.staff_id not in leave_out]
        if found:
            return found
    return []


def _today(people: People) -> date:
    return getattr(people, "today", None) or date.today()


def _passed(value, people: People) -> bool:
    """Has this date gone by? (A date gone by is said as late, not as one to meet, outsider, issue 20.)"""
    return date.fromisoformat(str(value)) < _today(people)


def _starts_later(p: dict, people: People) -> date | None:
    """A starter's first day, where their appraisal opened before it."""
    starts = date.fromisoformat(str(p["starts_on"])) if p.get("starts_on") else None
    return starts if starts and starts > _today(people) else None


def _your_appraisal_is_open(p: dict, people: People) -> list[Draft]:
    due = _date(p["objectives_due"])
    objectives = (f"Objectives were due by {due}: please agree them with your appraiser now. The mid-year review is "
                  "due" if _passed(p["objectives_due"], people) else f"Objectives are due by {due}, the mid-year review")
    return _to(people, p["reviewee_id"], "appraisal", "Your appraisal for this year is open",
               f"Your appraisal for this year is open. {objectives} by {_date(p['mid_year_due'])} and the "
               f"end-of-year review by {_date(p['end_of_year_due'])}.", f"/appraisals/{p['appraisal_id']}")


def appraisal_opened(p: dict, people: People) -> list[Draft]:
    """The reviewee (a starter on their first day instead: `first_day_reminders`) and their appraiser."""
    starts = _starts_later(p, people)
    out = [] if starts else _your_appraisal_is_open(p, people)
    reviewee = people(_uuid(p["reviewee_id"]))
    if p.get("appraiser_id") and reviewee is not None:
        first_day = f"They start on {_date(starts)}. " if starts else ""
        ask = (f"Their objectives were due by {_date(p['objectives_due'])}: please agree them together now."
               if _passed(p["objectives_due"], people) else f"Please agree their objectives by {_date(p['objectives_due'])}.")
        out += _to(people, p["appraiser_id"], "appraisal", f"You are appraising {_name(reviewee)} this year",
                   f"You are {_name(reviewee)}'s appraiser this year. {first_day}{ask}", f"/appraisals/{p['appraisal_id']}")
    return out


_MILESTONES = {"objectives": "agreeing objectives", "mid_year_review": "the mid-year review",
               "end_of_year_review": "the end-of-year review"}


def appraisal_overdue(p: dict, people: People) -> list[Draft]:
    """The appraiser (and for objectives, agreed together, the reviewee); and once it is ESCALATE_AFTER_DAYS late,
    the academy's HR contacts as well."""
    reviewee = people(_uuid(p["reviewee_id"]))
    name = _name(reviewee, "your reviewee")
    milestone = _MILESTONES.get(p["milestone"], p["milestone"]).capitalize()
    link = f"/appraisals/{p['appraisal_id']}"
    out = _to(people, p["appraiser_id"], "appraisal", f"Overdue: {name}'s appraisal",
              f"{milestone} for {name}, whose appraiser you are, was due on {_date(p['due_on'])} "
              f"({_days(p['days_overdue'])} ago).", link)
    if p["milestone"] == "objectives" and reviewee is not None:  # agreed together: theirs to act on too (outsider)
        appraiser = people(_uuid(p.get("appraiser_id")))
        out += _to(people, reviewee.staff_id, "appraisal", "Overdue: agreeing your appraisal objectives",
                   f"Agreeing your appraisal objectives was due on {_date(p['due_on'])} ({_days(p['days_overdue'])} "
                   f"ago). Please agree them with {_name(appraiser, 'your appraiser')} in Staffroom.", link)
    if p["days_overdue"] >= ESCALATE_AFTER_DAYS and reviewee is not None:
        for contact in _contacts_but(people, _uuid(p["academy_id"]), {reviewee.staff_id, _uuid(p.get("appraiser_id"))}):
            out += _to(people, contact.staff_id, "appraisal", f"Overdue appraisal: {name}",
                       f"{milestone} for {name} was due on {_date(p['due_on'])} and is "
                       f"{_days(p['days_overdue'])} late.", link)
    return out


_money = pounds  # the event carries "2450.00"; people read "£2,450"


def _days(n: int) -> str:
    return f"{n} day{'s' if n != 1 else ''}"


def objectives_agreed(p: dict, people: People) -> list[Draft]:
    """Both people: the objectives are settled, and what comes next."""
    reviewee = people(_uuid(p["reviewee_id"]))
    count = p["objective_count"]
    objectives = f"{count} objective{'s' if count != 1 else ''} for this year {'was' if count == 1 else 'were'}"
    link = f"/appraisals/{p['appraisal_id']}"
    out = _to(people, p["reviewee_id"], "appraisal", "Your appraisal objectives are agreed",
              f"Your {objectives} agreed on {_date(p['agreed_on'])}. You can record progress "
              f"against {'it' if count == 1 else 'them'} in Staffroom at any time before the mid-year review.", link)
    if reviewee is not None and p.get("appraiser_id"):
        out += _to(people, p["appraiser_id"], "appraisal", f"{_name(reviewee)}'s objectives are agreed",
                   f"{_name(reviewee)}'s {objectives} agreed on {_date(p['agreed_on'])}.", link)
    return out


_REVIEWS = {"mid_year": "mid-year review", "end_of_year": "end-of-year review"}


def review_completed(p: dict, people: People) -> list[Draft]:
    """The reviewee: read it (and, at the end of the year, sign it off); the appraiser: it is recorded."""
    reviewee, appraiser = people(_uuid(p["reviewee_id"])), people(_uuid(p.get("appraiser_id")))
    review = _REVIEWS.get(p["stage"], "review")
    link = f"/appraisals/{p['appraisal_id']}"
    final = p["stage"] == "end_of_year"
    by = f"{_name(appraiser)} completed" if appraiser else "Your appraiser completed"
    out = _to(people, p["reviewee_id"], "appraisal",
              "Your end-of-year review is ready for you to sign off" if final else f"Your {review} is complete",
              f"{by} your {review} on {_date(p['completed_on'])}. "
              + ("Please read it, add your comments if you wish, and sign it off: that finishes this year's "
                 "appraisal." if final else "Please read it, and add your comments if you wish."), link)
    if reviewee is not None:
        out += _to(people, p.get("appraiser_id"), "appraisal", f"{_name(reviewee)}'s {review} is recorded",
                   f"Your {review} of {_name(reviewee)} is recorded ({_date(p['completed_on'])})."
                   + (f" {_name(reviewee)} signs it off next." if final else ""), link)
    return out


def signed_off(p: dict, people: People) -> list[Draft]:
    reviewee = people(_uuid(p["reviewee_id"]))
    link = f"/appraisals/{p['appraisal_id']}"
    out = _to(people, p["reviewee_id"], "appraisal", "Your appraisal for this year is signed off",
              f"You signed off your appraisal on {_date(p['signed_off_on'])}: this year's appraisal is complete.",
              link)
    if reviewee is not None:
        out += _to(people, p.get("appraiser_id"), "appraisal", f"{_name(reviewee)} signed off their appraisal",
                   f"{_name(reviewee)} signed off their appraisal on {_date(p['signed_off_on'])}: it is complete for "
                   "this year.", link)
    return out


def appraiser_assigned(p: dict, people: People) -> list[Draft]:
    """A new appraiser: the reviewee, the new appraiser and the one before hear who it is now (outsider 4, issue 20:
    nobody was told, and the reviewee's last message still said to agree objectives with the previous one)."""
    reviewee, new = people(_uuid(p["reviewee_id"])), people(_uuid(p.get("appraiser_id")))
    previous = people(_uuid(p.get("previous_appraiser_id")))
    if reviewee is None or new is None or (previous is not None and previous.staff_id == new.staff_id):
        return []
    link = f"/appraisals/{p['appraisal_id']}"
    instead = f", in place of {_name(previous)}" if previous else ""
    out = _to(people, p["appraiser_id"], "appraisal", f"You are now {_name(reviewee)}'s appraiser",
              f"You are now {_name(reviewee)}'s appraiser for this year{instead}. Their appraisal carries on from where "
              "it is: open it in Staffroom to see what is next.", link)
    out += _to(people, p["reviewee_id"], "appraisal", f"Your appraiser is now {_name(new)}",
               f"{_name(new)} is now your appraiser for this year{instead}. Everything so far in your appraisal stays "
               f"as it is; carry on with {_name(new)}.", link)
    if previous is not None:
        out += _to(people, previous.staff_id, "appraisal", f"{_name(reviewee)} has a new appraiser",
                   f"{_name(new)} is now {_name(reviewee)}'s appraiser for this year, in your place. You no longer see "
                   "their appraisal.", "/appraisals")
    return out


def appraisal_closed(p: dict, people: People) -> list[Draft]:
    """HR withdrew an appraisal: both people hear it and why (outsider 4, issue 20: nobody was told). One closed
    because its cycle ended, or because the person left, tells nobody: nothing is left for them to do."""
    if p["status"] != "withdrawn":
        return []
    reviewee = people(_uuid(p["reviewee_id"]))
    link = f"/appraisals/{p['appraisal_id']}"
    out = _to(people, p["reviewee_id"], "appraisal", "Your appraisal for this year is withdrawn",
              f"HR have withdrawn your appraisal for this year: {p['reason']}. Nothing more is asked of you for it; "
              "what was recorded is kept.", link)
    if reviewee is not None:
        out += _to(people, p.get("appraiser_id"), "appraisal", f"{_name(reviewee)}'s appraisal is withdrawn",
                   f"HR have withdrawn {_name(reviewee)}'s appraisal for this year: {p['reason']}. Nothing more is "
                   "asked of you for it.", link)
    return out


def reminder_sent(p: dict, people: People) -> list[Draft]:
    """HR's reminder about an overdue appraisal, to whoever must act: both people for objectives (they agree them
    together), the appraiser for a review, the reviewee for sign-off. Says who in HR sent it."""
    reviewee, sender = people(_uuid(p["reviewee_id"])), people(_uuid(p.get("sent_by_id")))
    asked = f"{_name(sender)} in HR has asked" if sender else "Your academy's HR team has asked"
    due = f"was due on {_date(p['due_on'])} ({_days(p['days_overdue'])} ago)"
    note = f"\n\n{_name(sender) if sender else 'They'} added: \u201c{p['note']}\u201d" if p.get("note") else ""
    link = f"/appraisals/{p['appraisal_id']}"
    milestone = p["milestone"]
    out: list[Draft] = []
    if milestone in ("objectives", "sign_off"):
        step = "Agreeing your objectives" if milestone == "objectives" else "Signing off your appraisal"
        out += _to(people, p["reviewee_id"], "appraisal", f"Reminder: {step[0].lower() + step[1:]} is overdue",
                   f"{asked} us to remind you: {step[0].lower() + step[1:]} {due}. Please do it in Staffroom"
                   + (" with your appraiser." if milestone == "objectives" else ".") + note, link)
    if milestone != "sign_off" and reviewee is not None:
        step = {"objectives": "Agreeing objectives", "mid_year_review": "The mid-year review",
                "end_of_year_review": "The end-of-year review"}.get(milestone, "The next step")
        out += _to(people, p.get("appraiser_id"), "appraisal", f"Reminder: {_name(reviewee)}'s appraisal is overdue",
                   f"{asked} us to remind you: {step[0].lower() + step[1:]} for {_name(reviewee)}, whose appraiser "
                   f"you are, {due}. Please do it in Staffroom." + note, link)
    return out


def enrolment_requested(p: dict, people: People) -> list[Draft]:
    who = people(_uuid(p["staff_id"]))
    if who is None or not p.get("line_manager_id"):
        return []
    return _to(people, p["line_manager_id"], "cpd_approvals", f"{_name(who)} asks to attend {p['programme_title']}",
               f"{_name(who)} has asked for a place on {p['programme_title']} (cost {_money(p['cost'])}). "
               f"Please approve or decline the request.", f"/cpd/enrolments/{p['enrolment_id']}")


def enrolment_approved(p: dict, people: People) -> list[Draft]:
    """Who approved, and what is still awaited: a line manager's approval of a request over the cost threshold is
    not the end (HR approves next, and hear they must); the last approval is, and says what follows."""
    if p["stage"] == "automatic":
        return []  # nobody had to approve it: "your place is confirmed" (cpd.enrolled) says all there is
    who = people(_uuid(p["staff_id"]))
    title, link = p["programme_title"], f"/cpd/enrolments/{p['enrolment_id']}"
    by = _approver(p.get("approved_by"), p["stage"], people)
    if p["status"] == "awaiting_hr":
        out = _to(people, p["staff_id"], "cpd_updates", f"{title}: your line manager approved, HR approves next",
                  f"{by} approved your request for a place on {title}. As it costs {_money(p['cost'])}, HR at your "
                  "academy approves it next; you will hear when they have.", link)
        if who is not None:
            for contact in _contacts_but(people, _uuid(p["academy_id"]), {who.staff_id}):
                out += _to(people, contact.staff_id, "cpd_approvals",
                           f"{_name(who)} asks to attend {title}: HR approval needed",
                           f"{_name(who)}'s line manager has approved their request for a place on {title} "
                           f"(cost {_money(p['cost'])}). As it is over the trust's approval threshold, HR approves "
                           "next. Please approve or decline the request.", link)
        return out
    if p["status"] != "waiting":
        # the agreement to sign (cpd.agreement_required), or the place (cpd.enrolled, which names the approver), says
        # so in one message, not two (outsiders, issue 20)
        return []
    return _to(people, p["staff_id"], "cpd_updates", f"Your request for {title} is approved",
               f"{by} approved your request for a place on {title}. Every place is taken, so you are on the "
               "waiting list; you will hear when a place is yours.", link)


def _approver(staff_id, stage: str, people: People) -> str:
    """Who approved, as the start of a sentence: "Hannah Ahmed (HR)", "Priya Ahmed, your line manager,"."""
    approver = people(_uuid(staff_id))
    if stage == "hr":
        return f"{_name(approver)} (HR)" if approver else "HR"
    return f"{_name(approver)}, your line manager," if approver else "Your line manager"


def enrolment_declined(p: dict, people: People) -> list[Draft]:
    return _to(people, p["staff_id"], "cpd_updates", f"Your request for {p['programme_title']} was declined",
               f"Your request for a place on {p['programme_title']} was declined: {p['note']}",
               f"/cpd/enrolments/{p['enrolment_id']}")


def enrolled(p: dict, people: People) -> list[Draft]:
    """A place: from the waiting list, straight away, or as the approval just given (named, as the one message of
    that approval)."""
    if p["from_waiting_list"]:
        how = "A place has come up for you from the waiting list"
    elif p.get("approval_stage"):
        how = f"{_approver(p.get('approved_by'), p['approval_stage'], people)} approved your request: your place is confirmed"
    else:
        how = "Your place is confirmed"
    when = (f"which began on {_date(p['starts_on'])}" if _passed(p["starts_on"], people)
            else f"starting {_date(p['starts_on'])}")
    return _to(people, p["staff_id"], "cpd_updates", f"Your place on {p['programme_title']} is confirmed",
               f"{how} on {p['programme_title']}, {when}.", f"/cpd/enrolments/{p['enrolment_id']}")


def agreement_required(p: dict, people: People) -> list[Draft]:
    """The request is approved (by whoever had to) and one step is left: the one message of that approval."""
    return _to(people, p["staff_id"], "cpd_updates", f"Please sign the training agreement for {p['programme_title']}",
               f"Your request for a place on {p['programme_title']} is approved. Before your place "
               f"({_money(p['cost'])}) is confirmed, please read and sign its training agreement.",
               f"/cpd/agreements/{p['agreement_id']}")


def impact_check_due(p: dict, people: People) -> list[Draft]:
    """The trust's interval since a report completed a programme has passed: their line manager records the impact
    seen, which goes into the report's appraisal evidence."""
    who = people(_uuid(p["staff_id"]))
    if who is None:
        return []
    return _to(people, p["line_manager_id"], "cpd_approvals", f"Impact check due: {_name(who)}, {p['programme_title']}",
               f"{_name(who)} completed {p['programme_title']} on {_date(p['completed_on'])}. Please record the impact "
               f"you have seen in their practice since; it becomes part of their appraisal evidence.",
               f"/cpd/impact/{p['enrolment_id']}")


def future_leader_nominated(p: dict, people: People) -> list[Draft]:
    return _to(people, p["staff_id"], "future_leaders", "You have been nominated as a future leader",
               "You have been nominated for the trust's future leaders programme: shadowing, secondments and "
               "leadership development. Your line manager will talk it through with you.", "/cpd/future-leaders")


def survey_invitation(p: dict, people: People) -> list[Draft]:
    """The inbox says a personal link was emailed and how to get a new one; the link itself (v2: sealed) goes with
    the email only. A v1 event's link, in clear, is not kept anywhere: that email says how to get a new one. An
    invitation to a survey that has already closed (one recorded after the event, as the demo's past survey is)
    tells nobody: "answer by 26 June" arrived in December (outsider, issue 20)."""
    if _passed(p["closes_on"], people):
        return []
    if p.get("feedback"):  # 360 or upward feedback (issue 24): staff answer in Staffroom; outside raters by link
        return feedback_invitation(p, people)
    if p.get("answer_in_staffroom"):  # a lifecycle survey: no link travels (outsider, issue 23)
        return _in_staffroom(p, people)
    if p.get("reissued"):  # asked for in Staffroom: a new link, not a second invitation (outsider, issue 20)
        return _to(people, p["staff_id"], "surveys", f"Your new link: {p['title']}",
                   f"You asked Staffroom for a new link to {p['title']}, which is open until {_date(p['closes_on'])}. "
                   "The link you had before no longer works, and any answers saved with it were cleared. Your answers "
                   "are still anonymous. If you did not ask for it, tell your HR team.",
                   "/surveys", SurveyLink(_uuid(p["run_id"]), p.get("sealed_link")))
    return _to(people, p["staff_id"], "surveys", f"Your invitation: {p['title']}",
               f"You are invited to answer {p['title']} by {_date(p['closes_on'])}. Your answers are anonymous: "
               "nobody, including HR, can see which answers are yours. Results are shown only for groups of five or "
               "more, and what you write in your own words is shown to HR as you wrote it, without your name, so "
               "please leave names out.\n\nYour personal link to the survey is yours alone and works once: Staffroom emails it to you "
               "and keeps no copy. Lost it, or not had it? Open Surveys in Staffroom and choose "
               "\"Answer now\" for a new one.",
               "/surveys", SurveyLink(_uuid(p["run_id"]), p.get("sealed_link")))


FEEDBACK_LINK_PAGE = "/feedback"


def _about(p: dict) -> tuple[str, str]:
    """Whom the feedback is about, as the subject line and the body say it: by name (issue 24's `about`), or for an
    event from before it carried one, by the request's title."""
    if p.get("about"):
        return f"Would you give feedback about {p['about']}?", p["about"]
    return f"Would you give feedback? {p['title']}", f"a colleague ({p['title']})"


def feedback_invitation(p: dict, people: People) -> list[Draft]:
    """A colleague is asked for feedback about a named colleague (F5: it read as a survey, under "surveys"). No link
    travels to staff (`answer_in_staffroom`): they open Feedback in Staffroom and choose "Answer now" (outside tester,
    issue 24: whoever held the mail spool answered with the other raters' links and read the one real answer off the
    report). Someone outside the trust (`sealed_address`) is nobody in the staff copy, so nobody here:
    `outside_feedback` writes theirs. An event from before (`answer_in_staffroom` absent) still carries its link."""
    if p.get("sealed_address"):
        return []
    if p.get("reissued"):  # "Answer now", published before outsider O8: its news said who answered; none is sent
        return []
    subject, about = _about(p)
    upward = p["title"].startswith("Upward feedback")
    whom = f"your line manager, {about}" if upward and p.get("about") else about
    ask = (f"You are asked for your feedback about {whom}, by {_date(p['closes_on'])}. It takes a few minutes: "
           "six statements to agree or disagree with, and two questions in your own words. Unless you choose to "
           f"give your name, your answers are shown to {about} only together with those of others asked in the "
           "same way, and only once enough of them have answered; a line manager's are always shown with their "
           "name. Please leave other people's names out of what you write.\n\n")
    if p.get("answer_in_staffroom"):
        return _to(people, p["staff_id"], "feedback_requests", subject,
                   ask + "This request sends no link by email, so nobody who sees your email can answer in your "
                   "place. To answer, open Feedback in Staffroom and choose \"Answer now\".", FEEDBACK_LINK_PAGE)
    return _to(people, p["staff_id"], "feedback_requests", subject,
               ask + "Your personal link is yours alone and works once: Staffroom emails it to you and keeps no copy.",
               FEEDBACK_LINK_PAGE, SurveyLink(_uuid(p["run_id"]), p.get("sealed_link")))


@dataclass(frozen=True)
class OutsideEmail:
    """The one email to someone outside the trust asked for feedback: the draft (its recipient an id made for this
    invitation, nobody in the staff copy) and their address as wellbeing sealed it to our key."""

    draft: Draft
    sealed_address: str


def outside_feedback(p: dict, people: People) -> OutsideEmail | None:
    """Someone outside the trust asked for feedback about a colleague: who it is about, why they have this email,
    what happens to their answers and their address. No unsubscribe (there is nothing to subscribe to), no inbox
    to point to, no link but their own."""
    if not (p.get("feedback") and p.get("sealed_address")) or _passed(p["closes_on"], people):
        return None
    subject, about = _about(p)
    body = (f"Hello,\n\nYou are asked for your feedback about {about}, who works in one of our schools. They, or "
            "their line manager, gave us your email address for this one request. It takes a few minutes: six "
            "statements to agree or disagree with, and two questions in your own words, by "
            f"{_date(p['closes_on'])}. You do not need an account or to sign in.\n\nYour answers are shown to "
            f"{about} only together with those of the other people outside the trust who were asked, and only once "
            "enough of them have answered (never fewer than three); never with your name or email address. Please "
            "leave other people's names out of what you write.\n\nWe use your address only to send you this one "
            "email, and keep no copy of it. If you would rather not answer, you need do nothing: nobody will email "
            "you about it again.")
    return OutsideEmail(Draft(_uuid(p["staff_id"]), "feedback_requests", subject, body, None, SurveyLink(_uuid(p["run_id"]), p.get("sealed_link"))), p["sealed_address"])


def _in_staffroom(p: dict, people: People) -> list[Draft]:
    """An invitation answered from Staffroom only: no email or inbox message carries a link, so nobody who reads
    them can answer in the person's place; "Answer now" gives the link to their own signed-in browser."""
    if p.get("reissued"):
        return _to(people, p["staff_id"], "surveys", f"You opened {p['title']}",
                   f"You chose \"Answer now\" for {p['title']} in Staffroom. Any answers saved before were cleared. "
                   "If it was not you, tell your HR team.", "/surveys")
    return _to(people, p["staff_id"], "surveys", f"Your invitation: {p['title']}",
               f"You are invited to answer {p['title']} by {_date(p['closes_on'])}. Your answers are anonymous: "
               "nobody, including HR, can see which answers are yours, and results are shown only once five or more "
               "people have answered. What you write in your own words is shown to HR as you wrote it, without your "
               "name, so please leave names out.\n\nThis survey sends no link by email, so nobody who sees your "
               "email can answer in your place. To answer, open Surveys in Staffroom and choose \"Answer now\".",
               "/surveys")


def survey_closing_soon(p: dict, people: People) -> list[Draft]:
    # Each reminder is addressed to one person and names nobody else, so nobody learns who else has not answered.
    out: list[Draft] = []
    for staff_id in p["not_responded"]:
        out += _to(people, staff_id, "surveys", f"{p['title']} closes on {_date(p['closes_on'])}",
                   f"{p['title']} closes on {_date(p['closes_on'])}. If you have not answered yet, open Surveys in "
                   "Staffroom and choose \"Answer now\" (or use the link your invitation emailed, if it had one).",
                   "/surveys")
    return out


def survey_answers_released(p: dict, people: People) -> list[Draft]:
    """Answers to HR's replies under a survey's comments were passed on: to the trust's HR contacts (how many in
    all) and those of each academy whose comments were answered (how many under their academy's comments; an event
    from before it said so gives no number). Wellbeing never says whose, or when each was written."""
    mine = {_uuid(a["academy_id"]): a["answers"] for a in p.get("academy_answers") or ()}
    told = {c.staff_id: (mine.get(_uuid(academy)), "your academy's comments") for academy in p["academies"]
            for c in people.hr(_uuid(academy), fallback=False)}
    told |= {c.staff_id: (p["answers"], "the comments") for c in people.hr(None, fallback=False)}
    return [d for staff_id, (count, under) in told.items() for d in _to(
        people, staff_id, "surveys", f"New answers to replies: {p['title']}",
        f"{_answers(count)} to replies under {under} in {p['title']} {'was' if count == 1 else 'were'} passed on to HR on "
        f"{_date(p['released_on'])}. They are anonymous, and passed on together so that nobody can tell who sent "
        "which, or when. Read them beside the comments in Staffroom.", f"/surveys/runs/{p['run_id']}/replies")]


def _answers(count: int | None) -> str:
    return "Answers" if count is None else "1 answer" if count == 1 else f"{count} answers"
_STAFF_TYPES = {"teaching": "teaching staff", "support": "support staff", "leadership": "leaders"}


_ISOLATES = re.compile("[\u2066-\u2069]")


def _isolated(text: str) -> str:
    """Typed text set in a message's own words, isolated for direction: U+2068 (first strong isolate) before it and
    U+2069 (pop directional isolate) after, Unicode's bidirectional algorithm (UAX #9, 2.4), which also ends any
    override the text opened. So a right-to-left override (U+202E) in an action's title cannot reverse the rest of
    the sentence (outsider, issue 23), and a title in Arabic or Hebrew reads as it should. Isolate controls of its
    own are dropped, so that it cannot close ours early."""
    return f"\u2068{_ISOLATES.sub('', text)}\u2069"


def action_published(p: dict, people: People) -> list[Draft]:
    """Everyone the action is for (its academy, or the trust; its staff type, or all), worked out from our own copy
    of the directory: the event names a group, never a list of people. What HR typed (the title, a question of
    the trust's own, the owner's name) is isolated for direction."""
    owner = people(_uuid(p["owner_id"]))
    where = "across the trust" if p["academy_id"] is None else "at your academy"
    who = f"for {_STAFF_TYPES.get(p['staff_type'], 'staff')} {where}" if p["staff_type"] else where
    led = f", led by {_isolated(_name(owner))}," if owner else ""
    title = _isolated(p["title"])
    return [d for person in people.in_group(_uuid(p["academy_id"]), p["staff_type"]) for d in _to(
        people, person.staff_id, "survey_actions", f"You said, we did: {title}",
        f"After the staff survey, this is being done {who}: {title}. It is about "
        f"\u201c{_isolated(p['measure_title'])}\u201d in the survey{led} and due by {_date(p['due_on'])}. You can "
        "follow its progress on the \"You said, we did\" page in Staffroom.", "/surveys/actions")]


def _figure(p: dict) -> str:
    # whole percentages, as the targets pages write them ("0%", not "0.0%", outsider 5, issue 20)
    value = "no one to count yet" if p["value"] is None else f"{p['value']:.0f}% ({p['numerator']} of {p['denominator']})"
    return f"{value}; the target is {p['threshold']:g}%"


def _target_news(p: dict, people: People, word: str, more: str = "") -> list[Draft]:
    """A trust-wide figure to the trust's HR contacts; an academy's to that academy's own (no fallback: the
    trust's contacts hear the trust-wide figure)."""
    academy_id = _uuid(p["academy_id"])
    where = "across the trust" if academy_id is None else "at your academy"
    link = f"/targets/{p['target_key']}" + (f"?academy_id={academy_id}" if academy_id else "")
    return [d for contact in people.hr(academy_id, fallback=False) for d in _to(
        people, contact.staff_id, "targets", f"Target {word} {where}: {p['title']}",
        f"{p['title']} is {word} {where}: {_figure(p)}.{more}", link)]


def target_at_risk(p: dict, people: People) -> list[Draft]:
    return _target_news(p, people, "missed" if p["status"] == "missed" else "at risk",
                        " The people it counts are listed in Staffroom.")


def target_met(p: dict, people: People) -> list[Draft]:
    return _target_news(p, people, "met")


def recognition_given(p: dict, people: People) -> list[Draft]:
    """A colleague gave the recipient recognition or feedback (issue 24). The event carries no words: the message
    names the giver and sends them to the page that shows it."""
    giver = people(_uuid(p["giver_id"]))
    who = _name(giver, "A colleague")
    if p["kind"] == "feedback":
        subject, body = f"{who} has given you feedback", f"{who} has given you some feedback."
    else:
        subject, body = f"{who} has recognised your work", f"{who} has sent you a thank you."
    shared = (" They shared it with your line manager too." if p.get("shared_with_line_manager") else
              " Only you can see it.")
    return _to(people, p["recipient_id"], "recognition", subject,
               f"{body}{shared} You can read it in Staffroom, and keep it as evidence in your appraisal if you "
               "wish.", "/recognition")


def recognition_reported(p: dict, people: People) -> list[Draft]:
    """A recipient reported recognition or feedback to HR (issue 24): the academy's HR contacts are told there is
    one to look at, with no names, words or reason; never the giver or the recipient, should either be a contact
    (only the recipient reports, so telling the giver would say who). If they were its only contacts, the trust's
    are told (but never the giver or recipient either); if nobody is left, nobody is told (NOBODY_TOLD)."""
    what = "feedback" if p["kind"] == "feedback" else "recognition"
    leave_out = {_uuid(p["giver_id"]), _uuid(p["recipient_id"])}
    return [d for contact in _contacts_but(people, _uuid(p["academy_id"]), leave_out)
            for d in _to(people, contact.staff_id, "recognition_reports", f"Some {what} was reported to HR",
                         f"A colleague has reported {what} they were given to HR, as unkind or inappropriate. "
                         "Please read it in Staffroom and either remove it or leave it as it is.",
                         "/hr/recognition")]


_INDUCTION_ITEMS = {"progress_review": "progress review", "first_formal_assessment": "first formal assessment",
                    "final_formal_assessment": "final formal assessment"}
_SEASONS = ("autumn", "spring", "summer")
MY_INDUCTION = "/cpd/induction"  # the ECT's own induction page


def _an_induction(p: dict) -> str:
    return f"/cpd/inductions/{p['induction_id']}"


def _induction_term(p: dict) -> str:
    return f"the {_SEASONS[int(p['term_number']) - 1]} term of {p['school_year']} to {int(p['school_year']) + 1}"


def induction_item_due(p: dict, people: People) -> list[Draft]:
    """An ECT's progress review or formal assessment is due soon, or overdue (cpd.induction_item_due). The tutor,
    always: they hold and record it. For a formal assessment the ECT too (it is theirs, and they sign it) and the
    academy's HR contacts (the headteacher signs it and its report goes to the appropriate body). With no tutor
    named, HR hear of a progress review too: they name the tutor, and nobody else would know. An ECT who has left
    is not written about."""
    ect = people(_uuid(p["staff_id"]))
    if ect is None:
        return []
    item, due, term, name = _INDUCTION_ITEMS[p["kind"]], _date(p["due_on"]), _induction_term(p), _name(ect)
    overdue, formal = p["stage"] == "overdue", p["kind"] != "progress_review"
    tutor = people(_uuid(p.get("tutor_id")))
    link = _an_induction(p)
    out: list[Draft] = []
    if tutor is not None:
        if overdue:
            out += _to(people, tutor.staff_id, "induction", f"Overdue: {name}'s {item}",
                       f"{name}'s {item} for {term} was due on {due} and is not recorded yet. As their induction "
                       "tutor, please hold it with them as soon as you can and record it in Staffroom.", link)
        else:
            out += _to(people, tutor.staff_id, "induction", f"{item.capitalize()} due by {due}: {name}",
                       f"{name}'s {item} for {term} is due by {due}. As their induction tutor, please arrange it "
                       "with them, write it against the Teachers' Standards and record it in Staffroom.", link)
    with_whom = _name(tutor, "your induction tutor")
    if formal:
        if overdue:
            out += _to(people, ect.staff_id, "induction", f"Your {item} is overdue",
                       f"Your {item} for {term} was due on {due} and is not recorded yet. Please arrange it with "
                       f"{with_whom} as soon as you can.", MY_INDUCTION)
        else:
            out += _to(people, ect.staff_id, "induction", f"Your {item} is due by {due}",
                       f"Your {item} for {term} is due by {due}. {with_whom[0].upper() + with_whom[1:]} holds it "
                       "with you and records it in Staffroom; you can then read it, add your comments and sign it.",
                       MY_INDUCTION)
    if formal or tutor is None:
        held_by = (f" {_name(tutor)} is their induction tutor." if tutor is not None else
                   " No induction tutor is named for them: please name one in Staffroom, who holds it.")
        then = " Once it is recorded, the headteacher signs it and its report goes to the appropriate body." \
            if formal else ""
        words = (f"{name}'s {item} for {term} was due on {due} and is not recorded yet." if overdue else
                 f"{name}'s {item} for {term} is due by {due}.")
        for contact in _contacts_but(people, _uuid(p["academy_id"]), {ect.staff_id}):
            out += _to(people, contact.staff_id, "induction",
                       f"Overdue: {name}'s {item}" if overdue else f"{item.capitalize()} due by {due}: {name}",
                       words + held_by + then, link)
    return out


def induction_support_plan_started(p: dict, people: People) -> list[Draft]:
    """Concerns raised: a review found the ECT not making satisfactory progress, and a support plan started
    (cpd.induction_support_plan_started). Told: the ECT, their tutor, and their academy's own HR contacts (for the
    headteacher, who shares the plan with the appropriate body, S1 4.1); never the mentor, who does not assess, nor
    the trust's contacts or anyone else. The event holds none of the plan's words, and neither does the message."""
    ect = people(_uuid(p["staff_id"]))
    if ect is None:
        return []
    tutor = people(_uuid(p.get("tutor_id")))
    name, held, started = _name(ect), _date(p["review_held_on"]), _date(p["started_on"])
    by = _name(tutor, "your induction tutor")
    out = _to(people, ect.staff_id, "induction", "A support plan has started for your induction",
              f"At your induction review on {held}, {by} found that you are not yet making satisfactory progress, and "
              f"a support plan started on {started}. It sets out what to work on, the support you will have and how "
              f"your progress will be looked at. Please read it in Staffroom and talk it through with {by}.",
              MY_INDUCTION)
    link = _an_induction(p)
    if tutor is not None:
        out += _to(people, tutor.staff_id, "induction", f"Support plan started: {name}",
                   f"The support plan you started for {name} on {started}, after their review on {held}, is "
                   f"recorded. {name} has been told and can read it in Staffroom.", link)
    for contact in people.hr(_uuid(p["academy_id"]), fallback=False):
        if contact.staff_id == ect.staff_id:
            continue
        out += _to(people, contact.staff_id, "induction", f"Support plan started: {name}",
                   f"{name}'s induction review on {held} found them not making satisfactory progress, and "
                   f"{_name(tutor, 'their induction tutor')} started a support plan on {started}. The headteacher "
                   "shares it with the appropriate body. You can read it in Staffroom.", link)
    return out


RULES: dict[str, Callable[[dict, People], list[Draft]]] = {
    "appraisal.appraisal_opened": appraisal_opened,
    "appraisal.overdue": appraisal_overdue,
    "appraisal.objectives_agreed": objectives_agreed,
    "appraisal.review_completed": review_completed,
    "appraisal.signed_off": signed_off,
    "appraisal.reminder_sent": reminder_sent,
    "appraisal.appraiser_assigned": appraiser_assigned,
    "appraisal.closed": appraisal_closed,
    "appraisal.recognition_given": recognition_given,
    "appraisal.recognition_reported": recognition_reported,
    "cpd.enrolment_requested": enrolment_requested,
    "cpd.enrolment_approved": enrolment_approved,
    "cpd.enrolment_declined": enrolment_declined,
    "cpd.enrolled": enrolled,
    "cpd.agreement_required": agreement_required,
    "cpd.future_leader_nominated": future_leader_nominated,
    "cpd.impact_check_due": impact_check_due,
    "cpd.induction_item_due": induction_item_due,
    "cpd.induction_support_plan_started": induction_support_plan_started,
    "wellbeing.invitation_issued": survey_invitation,
    "wellbeing.survey_closing_soon": survey_closing_soon,
    "wellbeing.answers_released": survey_answers_released,
    "wellbeing.action_published": action_published,
    "targets.at_risk": target_at_risk,
    "targets.met": target_met,
}


# -- reminders: messages for a later date, sent once by the daily job unless a later event cancels them

def objectives_reminders(p: dict, people: People) -> list[Reminder]:
    """Objectives due in 14 days: the reviewee and their appraiser (cancelled when objectives are agreed)."""
    due = date.fromisoformat(str(p["objectives_due"]))
    out = []
    reviewee = people(_uuid(p["reviewee_id"]))
    for staff_id, about in ((p["reviewee_id"], "your"), (p.get("appraiser_id"), None)):
        if staff_id is None or reviewee is None:
            continue
        whose = about or f"{_name(reviewee)}'s"  # in full: a manager called Priya read "Priya's" as her own
        for draft in _to(people, staff_id, "appraisal", f"Objectives due in {REMIND_DAYS_BEFORE} days",
                         f"Agreeing {whose} appraisal objectives is due by {_date(due)}.",
                         f"/appraisals/{p['appraisal_id']}"):
            out.append(Reminder(f"objectives:{p['appraisal_id']}:{draft.recipient_id}",
                                due - timedelta(days=REMIND_DAYS_BEFORE), draft))
    return out


def first_day_reminders(p: dict, people: People) -> list[Reminder]:
    """A starter added ahead of joining hears of their appraisal on their first day, not weeks before it at an
    address they may not read yet (outsider, issue 20); the objectives' reminder as for everyone."""
    starts = _starts_later(p, people)
    first = [Reminder(f"objectives:{p['appraisal_id']}:{d.recipient_id}:first-day", starts, d)
             for d in _your_appraisal_is_open(p, people)] if starts else []
    return first + objectives_reminders(p, people)


def drafts_for(event_type: str, payload: dict, people: People) -> list[Draft]:
    """What an event tells whom: one message at most for each person, however many parts they play in it (an
    appraiser who is also the academy's HR contact hears once, in their nearer part, which each rule puts first)."""
    out, told = [], set()
    for draft in RULES.get(event_type, lambda *_: [])(payload, people):
        if draft.recipient_id not in told:
            told.add(draft.recipient_id)
            out.append(draft)
    return out


# Events that must reach someone, and what happens when their rule finds nobody to tell (the handler logs it as a
# warning, for whoever keeps the HR contacts): no other list of HR is known here, only the contacts named.
NOBODY_TOLD = {
    "appraisal.recognition_reported": "no HR contact but the giver or the recipient, at the academy or the trust: "
                                      "the report waits on HR's list of reported recognition and feedback, counted "
                                      "on HR's home page; name another HR contact so that one is told next time",
}


REMINDERS: dict[str, Callable[[dict, People], list[Reminder]]] = {
    "appraisal.appraisal_opened": first_day_reminders,
}
CANCELS: dict[str, Callable[[dict], str]] = {  # event type -> the prefix of the reminder keys it makes moot
    "appraisal.objectives_agreed": lambda p: f"objectives:{p['appraisal_id']}:",
    "appraisal.closed": lambda p: f"objectives:{p['appraisal_id']}:",
}
