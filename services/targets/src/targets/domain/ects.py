"""Early career teachers' statutory induction as the four induction targets count it: a tutor and a mentor soon after
starting, progress reviews and formal assessments on time, the reduced timetable given, and ECTs kept after passing.

Each rule takes one induction (or one of its reviews, or one recorded term) as the read model holds it and says
whether it counts in the period the target looks back over and, if so, whether it is counted as met and why not
(`Unit`). The adapter gathers the rows; the rules live here, so the boundaries (the last allowed day, one day over,
an ECT who left first, an extension) are tested without a database.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from .targets import add_months

KIND_WORDS = {"progress_review": "progress review", "first_formal_assessment": "first formal assessment",
              "final_formal_assessment": "final formal assessment"}


@dataclass(frozen=True)
class Unit:
    """One thing a target counts: met (`counted`) or not, with why it is listed (`state`, None: not listed), the
    date the reason refers to (`due_on`) and what it is about."""

    academy_id: uuid.UUID
    staff_id: uuid.UUID
    counted: bool
    state: str | None = None
    due_on: date | None = None
    about: str | None = None


@dataclass(frozen=True)
class Induction:
    """One ECT's induction at one academy, as cpd's events told it."""

    induction_id: uuid.UUID
    staff_id: uuid.UUID
    academy_id: uuid.UUID
    starts_on: date
    both_named_on: date | None = None   # the first day both a tutor and a mentor were named
    ended_on: date | None = None
    outcome: str | None = None           # passed | failed | left; None: still serving (an extension too)


def people_due_on(induction: Induction, weeks: int) -> date:
    """The last day a tutor and a mentor may be named: `weeks` after the start date (that day still in time)."""
    return induction.starts_on + timedelta(weeks=weeks)


def tutor_and_mentor(induction: Induction, weeks: int, since: date, today: date) -> Unit | None:
    """Counted once the last allowed day has passed, or earlier once both are named (in time, as it was early);
    not counted if the induction ended here before that day (the ECT left, or it was cut short)."""
    due = people_due_on(induction, weeks)
    named = induction.both_named_on
    on_time = named is not None and named <= due
    if induction.ended_on is not None and induction.ended_on < due and not on_time:
        return None
    if not since < due or not (on_time or due < today):
        return None
    state = None if on_time else ("late" if named is not None and named <= today else "no_people")
    return Unit(induction.academy_id, induction.staff_id, on_time, state, due,
                named.isoformat() if state == "late" else None)


@dataclass(frozen=True)
class ReviewDue:
    """A progress review or formal assessment: its due date, and the day it was held (None: not yet)."""

    induction_id: uuid.UUID
    staff_id: uuid.UUID
    academy_id: uuid.UUID
    kind: str
    due_on: date
    held_on: date | None = None


def held_on_time(review: ReviewDue, ended: bool, since: date, today: date) -> Unit | None:
    """Counted once held (on time if held by its due date), or once past its due date and still owed; the due date
    itself still counts as in time. One not held by an induction that has ended here is no longer owed."""
    if not since < review.due_on:
        return None
    about = KIND_WORDS.get(review.kind, review.kind)
    if review.held_on is not None:
        on_time = review.held_on <= review.due_on
        return Unit(review.academy_id, review.staff_id, on_time, None if on_time else "late", review.due_on, about)
    if review.due_on < today and not ended:
        return Unit(review.academy_id, review.staff_id, False, "overdue", review.due_on, about)
    return None


@dataclass(frozen=True)
class TermTaught:
    """The share of a main pay range teacher's timetable an ECT taught in one term, and the most they might."""

    induction_id: uuid.UUID
    staff_id: uuid.UUID
    academy_id: uuid.UUID
    school_year: int
    term_number: int
    percent: Decimal
    cap_percent: Decimal
    recorded_on: date


def term_words(term: TermTaught) -> str:
    """"term 2 of 2026 to 2027 (92% taught, at most 90%)"."""
    return (f"term {term.term_number} of {term.school_year} to {term.school_year + 1} "
            f"({term.percent.normalize():f}% taught, at most {term.cap_percent.normalize():f}%)")


def reduction_given(term: TermTaught, since: date, today: date) -> Unit | None:
    """A term recorded in the period counts as given when the ECT taught at or under its cap (the cap itself is
    within it)."""
    if not since < term.recorded_on <= today:
        return None
    given = term.percent <= term.cap_percent
    return Unit(term.academy_id, term.staff_id, given, None if given else "over_cap", term.recorded_on,
                None if given else term_words(term))


def retention_point(induction: Induction, months: int) -> date:
    """The day a passed ECT is looked at: `months` after induction ended in a pass."""
    return add_months(induction.ended_on, months)


def retained(induction: Induction, leaving_date: date | None, months: int, since: date, today: date) -> Unit | None:
    """Of ECTs who passed: in post `months` after (their last day on or after that day). Counted on that day, or as
    soon as they have left before it; an ECT still serving (an extension) or who failed is not counted."""
    if induction.outcome != "passed" or induction.ended_on is None:
        return None
    point = retention_point(induction, months)
    if not since < point:
        return None
    left_first = leaving_date is not None and leaving_date < point and leaving_date < today
    if not (left_first or point <= today):
        return None
    return Unit(induction.academy_id, induction.staff_id, not left_first, "left" if left_first else None,
                induction.ended_on, leaving_date.isoformat() if left_first else None)
