"""Statutory induction for early career teachers (ECTs) in England: its terms, length, absence, schedule, deadlines,
reduced timetable, outcomes, and whether an ECT is serving it on a day.

Pure rules, no database. Sources (docs/research/induction-guidance.md, docs/cpd.md "Statutory induction: the rules"):
[S1] DfE "Induction for early career teachers (England)", April 2024 text, cited by paragraph (S1 2.30); [reg] the
Education (Induction Arrangements for School Teachers) (England) Regulations 2012 as amended (reg 7 length, reg 8
absence, reg 11 completion, Sch 3 para 2 appeal).

Interface for the slice that stores it (all dates `datetime.date`; lengths in terms and FTEs as `Fraction`, so
0.5 FTE for 2.5 terms is exactly 1.25):

- `Term(school_year, number, starts, ends, breaks)` and `TermCalendar(terms)`: the academy's own term dates,
  three terms a school year (reg 7(1)). `calendar.term_of(day)`; `term.school_days`, `term.last_school_day`.
- `Induction(starts, posts, calendar, served_elsewhere=0, reduced_to=None, extensions=(), absences=())`, where a
  `Post(school, periods)` is continuous employment at one school in `FtePeriod(starts, ends, fte)`s and an
  `Absence(starts, ends, kind: Leave, days=None, extend=False)` is time off. Its answers:
  `required_terms()`, `served_terms(on)`, `first_year_ends()`, `completes()`, `year_of_induction(on)`,
  `schedule(weeks_before_term_end=0) -> Schedule(items: ScheduleItem(kind, term, due), first_year_ends, completes)`, `timetable_cap(term, full_timetable)`, `gives_reduction(term, taught, full_timetable)`,
  `serving_on(day, decided_on=None)`.
- `check_reduction(induction, to_terms, reason, on, ect_agrees, standards_met)` before storing `reduced_to`;
  `decide(decision, extension_terms)` before storing an appropriate body's decision (an extension goes into
  `extensions`).
- `working_days_deadline(start, days)`, `is_working_day(day)`, `report_deadline(kind, held_on)` (a formal
  assessment's report, counted from the meeting) and `final_deadlines(...) -> FinalDeadlines`.
- `timetable_cap(year, full_timetable, fte)` / `gives_reduction(year, taught, full_timetable, fte)`.
- Outcomes: `ProgressOutcome`, `FirstAssessmentOutcome`, `Recommendation`, `Decision`, and `SupportPlan`.

Impossible input raises `CpdError` with a plain-word message.
"""
from __future__ import annotations

import enum
from bisect import bisect_right
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction
from functools import cached_property, lru_cache
from typing import Iterator

from staffroom_shared.bank_holidays import working_day as is_working_day  # England's, as subject access counts

from .errors import CpdError
from .values import in_words

FULL_INDUCTION = Fraction(6)  # two school years full-time = six terms of a three-term year [S1 2.30; reg 7(1)]
FIRST_YEAR = Fraction(3)  # the first of the two periods of three terms [S1 2.30]
MINIMUM_POST = Fraction(1)  # continuous employment counts only from one term [S1 2.33; reg 7(2)]
ABSENCE_THRESHOLD = 30  # days absent in a year of induction that extend it [S1 3.6; reg 8(1)]


# --- 1. Terms --------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Term:
    """One of the academy's three terms in a school year: `school_year` is the year it starts in September
    (2026 for 2026 to 2027), `number` 1 (autumn), 2 (spring) or 3 (summer), `starts`/`ends` its first and last days,
    `breaks` the half-term holidays within it (first and last day of each)."""

    school_year: int
    number: int
    starts: date
    ends: date
    breaks: tuple[tuple[date, date], ...] = ()

    def __post_init__(self) -> None:
        if self.number not in (1, 2, 3):
            raise CpdError(f"a school year has three terms; term {self.number} does not exist")
        if self.ends < self.starts:
            raise CpdError(f"a term cannot end ({in_words(self.ends)}) before it starts ({in_words(self.starts)})")

    @cached_property
    def school_days(self) -> tuple[date, ...]:
        """The term's working days (weekdays that are not bank holidays): what a fraction of a term is measured in."""
        return _school_days(self.starts, self.ends, self.breaks)

    @property
    def last_school_day(self) -> date:
        return self.school_days[-1]

    @property
    def name(self) -> str:
        return f"{('autumn', 'spring', 'summer')[self.number - 1]} term {self.school_year} to {self.school_year + 1}"


class TermCalendar:
    """The academy's terms in order. A school year runs from the first term to begin after July (Education Act 1996
    s.579) and has three terms (reg 7(1): "based on a school year of three terms"); the regulations do not fix term
    dates, so each academy gives its own. A day in a holiday belongs to the term just ended."""

    def __init__(self, terms: list[Term] | tuple[Term, ...]):
        self.terms = tuple(sorted(terms, key=lambda t: t.starts))
        if not self.terms:
            raise CpdError("give the academy's term dates: there are none")
        for before, after in zip(self.terms, self.terms[1:]):
            if after.starts <= before.ends:
                raise CpdError(f"the {after.name} starts ({in_words(after.starts)}) before the {before.name} ends "
                               f"({in_words(before.ends)}): terms cannot overlap")
        self._starts = [t.starts for t in self.terms]

    def term_of(self, day: date) -> Term:
        """The term a day falls in (a holiday belongs to the term before it)."""
        i = bisect_right(self._starts, day) - 1
        if i < 0 or (i == len(self.terms) - 1 and day > self.terms[-1].ends):
            raise CpdError(f"{in_words(day)} is outside the term dates given for the academy")
        return self.terms[i]

    def index(self, term: Term) -> int:
        return self.terms.index(term)

    def __eq__(self, other) -> bool:  # by value: an induction's rules are remembered by value (_walked)
        return isinstance(other, TermCalendar) and other.terms == self.terms

    def __hash__(self) -> int:
        return hash(self.terms)

    def after(self, term: Term) -> Iterator[Term]:
        """This term and every one after it."""
        yield from self.terms[self.index(term):]


def _days(first: date, last: date) -> Iterator[date]:
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)


# --- 2. Employment, part-time and moves ----------------------------------------------------------------------

@dataclass(frozen=True)
class FtePeriod:
    """Part of a post worked at one full-time equivalent (1 full-time, Fraction(1, 2) half-time); `ends` None: open."""

    starts: date
    ends: date | None
    fte: Fraction

    def __post_init__(self) -> None:
        object.__setattr__(self, "fte", Fraction(self.fte))
        if not 0 < self.fte <= 1:
            raise CpdError(f"a full-time equivalent must be more than 0 and no more than 1 (full-time); "
                           f"{float(self.fte):g} was given")
        if self.ends is not None and self.ends < self.starts:
            raise CpdError(f"a period cannot end ({in_words(self.ends)}) before it starts ({in_words(self.starts)})")

    def covers(self, day: date) -> bool:
        return self.starts <= day and (self.ends is None or day <= self.ends)


@dataclass(frozen=True)
class Post:
    """Continuous employment at one school as a qualified teacher, in periods of differing FTE (back to back)."""

    school: str
    periods: tuple[FtePeriod, ...]

    def __post_init__(self) -> None:
        periods = tuple(sorted(self.periods, key=lambda p: p.starts))
        if not periods:
            raise CpdError(f"the post at {self.school} has no working pattern: give its start and FTE")
        for before, after in zip(periods, periods[1:]):
            if before.ends is None or after.starts <= before.ends:
                raise CpdError(f"two working patterns at {self.school} overlap on {in_words(after.starts)}: "
                               "end one before the next starts")
        object.__setattr__(self, "periods", periods)

    @property
    def starts(self) -> date:
        return self.periods[0].starts

    @property
    def ends(self) -> date | None:
        return self.periods[-1].ends

    def fte_on(self, day: date) -> Fraction:
        return next((p.fte for p in self.periods if p.covers(day)), Fraction(0))


# --- 3. Absence ------------------------------------------------------------------------------------------------

class Leave(enum.Enum):
    """Why an ECT was absent. The statutory family leaves do not count towards the 30 days [S1 3.6-3.7]."""

    SICKNESS = "sickness"
    OTHER = "other absence"
    MATERNITY = "statutory maternity leave"
    PATERNITY = "statutory paternity leave"
    SHARED_PARENTAL = "shared parental leave"
    ADOPTION = "statutory adoption leave"
    PARENTAL_BEREAVEMENT = "parental bereavement leave"
    CARERS = "carer's leave"  # added April 2024 [S1 3.7]

    @property
    def counts_towards_thirty(self) -> bool:
        return self in (Leave.SICKNESS, Leave.OTHER)


@dataclass(frozen=True)
class Absence:
    """Days absent from `starts` to `ends`. `days`: the ECT's working days missed (default: every working day in
    the range, right for a full-timer). `extend`: for the family leaves, the ECT chose to extend by them, a request
    that "must be granted" [S1 3.7]; ignored for other absence, whose extension is automatic [S1 3.6]."""

    starts: date
    ends: date
    kind: Leave
    days: int | None = None
    extend: bool = False

    def __post_init__(self) -> None:
        if self.ends < self.starts:
            raise CpdError(f"an absence cannot end ({in_words(self.ends)}) before it starts ({in_words(self.starts)})")
        if self.days is not None and not 0 <= self.days <= len(self._every_working_day()):
            raise CpdError(f"{self.days} days absent cannot fit between {in_words(self.starts)} and "
                           f"{in_words(self.ends)}: give the days the ECT would have worked in that time")

    def _every_working_day(self) -> list[date]:
        return [d for d in _days(self.starts, self.ends) if is_working_day(d)]

    def working_days(self) -> list[date]:
        every = self._every_working_day()
        return every if self.days is None else every[: self.days]


# --- 5. The schedule -------------------------------------------------------------------------------------------

class ItemKind(enum.Enum):
    PROGRESS_REVIEW = "progress review"
    FIRST_FORMAL_ASSESSMENT = "first formal assessment"
    FINAL_FORMAL_ASSESSMENT = "final formal assessment"


@dataclass(frozen=True)
class ScheduleItem:
    """One review or assessment: what, in which of the academy's terms, and the day it is due by. A formal
    assessment's report deadline is not here: it counts from the day the meeting is held (`report_deadline`),
    which the schedule cannot know (outsider F6)."""

    kind: ItemKind
    term: Term
    due: date


@dataclass(frozen=True)
class Schedule:
    items: tuple[ScheduleItem, ...]
    first_year_ends: date | None  # the day the first year (three terms or equivalent) is served; None if no first
    completes: date  # the expected completion date of induction


@dataclass(frozen=True)
class _Step:
    day: date
    served: Fraction
    first_done: bool
    done: bool
    year: int


# --- The induction ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Induction:
    """One ECT's induction (one only per person, reg 9).

    `starts`: the induction start date the appropriate body set [S1 2.12]. `posts`: employment counting from then,
    in one or more schools (a move is a second post). `served_elsewhere`: terms already served before this record
    began, from the previous appropriate body's records (fractional, as S1 2.34: 0.5 FTE for 2.5 terms is 1.25).
    `reduced_to`: the length in terms the appropriate body reduced induction to (see `check_reduction`).
    `extensions`: terms added by the appropriate body after the final assessment [S1 3.8; reg 11(5)(b)].
    `absences`: absence while serving it.
    """

    starts: date
    posts: tuple[Post, ...]
    calendar: TermCalendar
    served_elsewhere: Fraction = Fraction(0)
    reduced_to: Fraction | None = None
    extensions: tuple[Fraction, ...] = ()
    absences: tuple[Absence, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "served_elsewhere", Fraction(self.served_elsewhere))
        object.__setattr__(self, "extensions", tuple(Fraction(e) for e in self.extensions))
        if self.served_elsewhere < 0:
            raise CpdError("induction already served cannot be less than nothing")
        if self.reduced_to is not None and not MINIMUM_POST <= Fraction(self.reduced_to) <= FULL_INDUCTION:
            # To a minimum of one term [reg 7(3); S1 3.2], never more than the full length.
            raise CpdError("induction can be reduced to no less than one term, and no more than six")
        if any(e <= 0 for e in self.extensions):
            raise CpdError("an extension must be for some length of time: more than 0 terms")
        if self.reduced_to is not None:
            object.__setattr__(self, "reduced_to", Fraction(self.reduced_to))
        if self.served_elsewhere >= self.required_terms():
            # Nothing left to serve (outsider F5: "12 of 6 terms served"): an ECT who has served the whole length
            # elsewhere is assessed there, not registered here [S1 2.34, 2.75].
            raise CpdError(f"{_terms(self.served_elsewhere)} already served elsewhere would leave nothing of a "
                           f"{_terms(self.required_terms())} induction to serve here: give the terms served so far, "
                           "which must be fewer than its length")
        posts = sorted(self.posts, key=lambda p: p.starts)
        for before, after in zip(posts, posts[1:]):
            if before.ends is None or after.starts <= before.ends:
                raise CpdError(f"the posts at {before.school} and {after.school} overlap: induction in two schools "
                               "at once needs one lead school (S1 3.14), which is not recorded here")
        object.__setattr__(self, "posts", tuple(posts))

    # -- 2. length --

    def required_terms(self) -> Fraction:
        """Six terms, or the reduced length; plus the appropriate body's extensions. Absence is added separately."""
        base = FULL_INDUCTION if self.reduced_to is None else self.reduced_to
        return base + sum(self.extensions, Fraction(0))

    def _counts(self, post: Post) -> bool:
        # Continuous employment counts only once it reaches one term (part-timers too: one term of employment,
        # not one term FTE) [S1 2.33; reg 7(2)]. A post still open is counted as it goes.
        if post.ends is None:
            return True
        return self._span_in_terms(post.starts, post.ends) >= MINIMUM_POST

    def _span_in_terms(self, first: date, last: date) -> Fraction:
        span = Fraction(0)
        for term in self.calendar.after(self.calendar.term_of(first)):
            if term.starts > last:
                break
            span += Fraction(sum(1 for d in term.school_days if first <= d <= last), len(term.school_days))
        return span

    def _walk(self) -> Iterator[_Step]:
        """Each working day from the start, with the induction as it stands at the end of that day.

        A working day in a post adds FTE / (the term's working days) to the terms served [S1 2.34, 2.36]. Absence
        in a year of induction, once it reaches 30 days, extends that year by the days absent [S1 3.6; reg 8(1)];
        family leave the ECT chose to extend by extends it by its days whatever the count [S1 3.7]. Those days are
        the ECT's own working days, made up after the year's terms are served at FTE days per school day (a
        half-timer makes up 30 days in 60 school days).
        """
        counted = {d: a for a in self.absences for d in a.working_days()}
        served = self.served_elsewhere
        required = self.required_terms()
        first_terms = min(FIRST_YEAR, required)
        thirty, pending = {1: 0, 2: 0}, {1: 0, 2: 0}  # absence days counted; not yet at 30
        owed, made_up = {1: Fraction(0), 2: Fraction(0)}, {1: Fraction(0), 2: Fraction(0)}
        counts = {post: self._counts(post) for post in self.posts}
        for term in self.calendar.after(self.calendar.term_of(self.starts)):
            for day in term.school_days:
                if day < self.starts:
                    continue
                first_done = served >= first_terms and made_up[1] >= owed[1]
                year = 2 if first_done and required > FIRST_YEAR else 1
                absence = counted.get(day)
                if absence is not None and absence.kind.counts_towards_thirty:
                    thirty[year] += 1
                    pending[year] += 1
                    if thirty[year] >= ABSENCE_THRESHOLD:
                        owed[year] += pending[year]
                        pending[year] = 0
                elif absence is not None and absence.extend:
                    owed[year] += 1
                post = self.post_on(day)
                fte = post.fte_on(day) if post is not None and counts[post] else Fraction(0)
                if year == 1 and served >= first_terms:
                    made_up[1] += fte
                elif year == 2 and served >= required:
                    made_up[2] += fte
                else:
                    served += fte / len(term.school_days)
                first_done = served >= first_terms and made_up[1] >= owed[1]
                done = first_done and served >= required and made_up[2] >= owed[2]
                yield _Step(day, served, first_done, done, 2 if first_done and required > FIRST_YEAR else 1)
                if done:
                    return  # nothing changes after: what is served stays, and the year with it

    @cached_property
    def _steps(self) -> tuple[_Step, ...]:
        """The walk, once: every question below reads it (an ECT's page asks about ten, and each walked from the
        start over every school day: 0.2 s of the tutor's dashboard per ECT, bench (l)); and the same induction, as
        the next request builds it again from the same rows, is not walked again (_walked)."""
        return _walked(self)

    def served_terms(self, on: date) -> Fraction:
        """Terms of induction served by the end of `on` (counting elsewhere), as the records should show [S1 2.34];
        days making up absence are not in it."""
        served = self.served_elsewhere
        for step in self._steps:
            if step.day > on:
                break
            served = step.served
        return served

    def first_year_ends(self) -> date:
        """The day the first three terms (or equivalent), and any absence added to them, are served [S1 2.55]."""
        return self._reaches(self._milestones[0])

    def completes(self) -> date:
        """The expected completion date: the day the required length (with extensions and absence) is served."""
        return self._reaches(self._milestones[1])

    @cached_property
    def _milestones(self) -> tuple[date | None, date | None]:
        """The days the first year and the whole are served (None: the walk ends first), found once."""
        first = next((step.day for step in self._steps if step.first_done), None)
        last = self._steps[-1] if self._steps else None
        return first, last.day if last is not None and last.done else None  # the walk stops on the day it is done

    @staticmethod
    def _reaches(day: date | None) -> date:
        if day is not None:
            return day
        raise CpdError("the academy's term dates or the ECT's employment end before induction would be complete: "
                       "add later term dates, or the ECT's next post")

    def year_of_induction(self, on: date) -> int:
        """1 until three terms (or equivalent, with absence added) are served, then 2 [S1 2.20, 2.30, 3.6]."""
        year = 1
        for step in self._steps:
            if step.day > on:
                break
            year = step.year
        return year

    def post_on(self, day: date) -> Post | None:
        return next((p for p in self.posts if p.starts <= day and (p.ends is None or day <= p.ends)), None)

    def timetable_cap(self, term: Term, full_timetable: Fraction) -> Fraction:
        """The most the ECT may teach in a term: the cap for the year of induction they are in on the term's first
        day (so the 90% of year 1 holds until year 1 is served), at their FTE that day [S1 2.20]."""
        first = max(term.starts, self.starts)
        post = self.post_on(first)
        if post is None:
            raise CpdError(f"the ECT has no post on {in_words(first)}, the first day of the {term.name}")
        return timetable_cap(self.year_of_induction(first - timedelta(days=1)), full_timetable, post.fte_on(first))

    def gives_reduction(self, term: Term, taught: Fraction, full_timetable: Fraction) -> bool:
        """Whether a term's recorded timetable (hours or periods taught) gives the reduction [S1 2.20]."""
        return Fraction(taught) <= self.timetable_cap(term, full_timetable)

    # -- 5. schedule --

    def schedule(self, weeks_before_term_end: int = 0) -> Schedule:
        """Reviews and assessments from the start to the expected completion (`_planned`), remembered by the
        induction's value as its walk is."""
        return _scheduled(self, weeks_before_term_end)

    def _planned(self, weeks_before_term_end: int = 0) -> Schedule:
        """Reviews and assessments from the start to the expected completion.

        A formal assessment falls in the term the first year ends in, and in the term induction completes in
        [S1 2.55]; the final one is on the completion day. A progress review falls in each other term, part-timers
        too [S1 2.48]. Due date chosen here: a review is due on the term's last working day, less
        `weeks_before_term_end` weeks (never before the term starts); a first assessment on the day the first
        year ends, or that many weeks before. An ECT who started mid-term has no review in the start term and
        each review at the same point of later terms [S1 2.49, first point]. A review less than a term before a
        formal assessment is dropped: only the assessment is done [S1 2.49, second point]. With induction reduced
        to one term, only the final assessment [S1 3.4]. No review in a term without a post (between schools).
        A start in a holiday is a start at the next term's beginning.
        """
        if weeks_before_term_end < 0:
            raise CpdError("the number of weeks before the end of term cannot be negative")
        completes = self.completes()
        one_term_only = self.reduced_to is not None and self.reduced_to <= MINIMUM_POST
        # A first assessment only when induction lasts beyond its first year (a reduction may end it sooner).
        has_first = self.required_terms() > FIRST_YEAR
        start_term = self.calendar.term_of(self.starts)
        if self.starts > start_term.last_school_day:  # a start in the holiday begins with the next term
            start_term = next(t for t in self.calendar.after(start_term) if t.starts > self.starts)
        mid_term = self.starts > start_term.school_days[0]
        point = None
        if mid_term:
            days = start_term.school_days
            point = Fraction(sum(1 for d in days if d < self.starts), len(days))
        items: list[ScheduleItem] = []
        final_term = self.calendar.term_of(completes)
        first_ends = self.first_year_ends() if has_first else None
        first_term = self.calendar.term_of(first_ends) if first_ends else None
        for term in self.calendar.after(start_term):
            if term == final_term:
                items.append(ScheduleItem(ItemKind.FINAL_FORMAL_ASSESSMENT, term, completes))
                break
            if term == first_term:
                due = _earlier(first_ends, weeks_before_term_end, term)
                items.append(ScheduleItem(ItemKind.FIRST_FORMAL_ASSESSMENT, term, due))
                continue
            if one_term_only or (mid_term and term == start_term) or not self._in_post_during(term):
                continue
            if point is not None:
                days = term.school_days
                due = days[max(0, min(len(days) - 1, int(point * len(days)) - 1))]
            else:
                due = _earlier(term.last_school_day, weeks_before_term_end, term)
            items.append(ScheduleItem(ItemKind.PROGRESS_REVIEW, term, due))
        items = [i for i in items if not _less_than_a_term_before_assessment(i, items, self.calendar)]
        return Schedule(tuple(items), first_ends, completes)

    def _in_post_during(self, term: Term) -> bool:
        # No review in a term the ECT holds no post in (between schools); the record starts again with the next.
        return any(self.post_on(d) is not None for d in term.school_days)

    # -- 9. serving induction --

    def serving_on(self, day: date, decided_on: date | None = None) -> bool:
        """Serving induction on `day`: it has started, the ECT is employed in a post that day, and the appropriate
        body has not yet decided pass or fail (`decided_on`; an extension keeps them serving). ECTs undertaking
        induction are exempt from appraisal [S1 2.48; Appraisal Regulations 2012 reg 1(4)(a)]."""
        if day < self.starts or (decided_on is not None and day >= decided_on):
            return False
        return self.post_on(day) is not None


def _terms(value: Fraction) -> str:
    text = f"{float(value):.2f}".rstrip("0").rstrip(".")
    return f"{text} term" if text == "1" else f"{text} terms"


def _earlier(day: date, weeks: int, term: Term) -> date:
    target = day - timedelta(weeks=weeks)
    candidates = [d for d in term.school_days if d <= target]
    return candidates[-1] if candidates else term.school_days[0]


def _less_than_a_term_before_assessment(item: ScheduleItem, items: list[ScheduleItem], calendar: TermCalendar) -> bool:
    # "Less than one term" [S1 2.49]: fewer school days from the review to the assessment than the review's own
    # term has (holidays do not count, so a review at the end of spring is a full summer term before the first).
    if item.kind is not ItemKind.PROGRESS_REVIEW:
        return False
    for other in items:
        if other.kind is ItemKind.PROGRESS_REVIEW or other.due < item.due:
            continue
        between = sum(1 for t in calendar.after(item.term) if t.starts <= other.due
                      for d in t.school_days if item.due < d <= other.due)
        if between < len(item.term.school_days):
            return True
    return False


# --- 2. Reductions -----------------------------------------------------------------------------------------------

class ReductionReason(enum.Enum):
    PRIOR_EXPERIENCE = "extensive prior teaching experience"  # [S1 3.2-3.3; reg 7(3)]
    PART_TIME = "part-time, standards met early"  # [S1 2.38, 3.5]


def check_reduction(induction: Induction, to_terms: Fraction, reason: ReductionReason, on: date,
                    ect_agrees: bool, standards_met: bool) -> Fraction:
    """Check an appropriate body's reduction and return the new length in terms.

    Both kinds need the ECT's agreement and the Teachers' Standards met [reg 7(3); S1 3.3, 3.5]; no less than one
    term [reg 7(3)]. A part-time reduction only once the time since the start covers two full school years (six
    of the academy's terms), though less than two years full-time equivalent [S1 2.38, 3.5]; it brings the final
    assessment forward, so it cannot be below what is already served."""
    to_terms = Fraction(to_terms)
    if not ect_agrees:
        raise CpdError("the ECT must agree to a shorter induction; if they wish to serve it in full they may (S1 3.3)")
    if not standards_met:
        raise CpdError("induction is reduced only when the ECT has met the Teachers' Standards")
    if not MINIMUM_POST <= to_terms < FULL_INDUCTION:
        raise CpdError("induction can be reduced to no less than one term and must be shorter than six terms")
    if reason is ReductionReason.PART_TIME:
        covered = induction._span_in_terms(induction.starts, on)
        if covered < FULL_INDUCTION:
            raise CpdError(f"a part-time ECT's induction can be reduced once it has covered two full school years; "
                           f"by {in_words(on)} it has covered {float(covered):.1f} terms of the six")
        if to_terms < induction.served_terms(on):
            raise CpdError("a part-time reduction brings the final assessment forward: it cannot be shorter than "
                           "the induction already served")
    return to_terms


# --- 6. Deadlines in working days ----------------------------------------------------------------------------

def working_days_deadline(start: date, days: int) -> date:
    """The last day of "within `days` working days beginning with" `start`: `start` is day one when it is a
    working day (reg 11(3)-(7) and Sch 3 para 2 count "beginning with the date")."""
    if days < 1:
        raise CpdError("a deadline needs at least one working day")
    day, counted = start, 0
    while True:
        if is_working_day(day):
            counted += 1
            if counted == days:
                return day
        day += timedelta(days=1)


REPORT_TO_AB = 10  # final assessment report to the AB within 10 working days of the meeting [S1 2.61]


def report_deadline(kind: ItemKind, held_on: date | None) -> date | None:
    """The day a formal assessment's signed report is due at the appropriate body: 10 working days beginning with
    the day the meeting was held [S1 2.61: "within 10 working days of the final assessment meeting"], not with the
    day it was due (outsider F6). S1 2.61 says only "shortly after" for the first assessment, and the same 10 days
    are used. None for a progress review (S1 2.54 sets no deadline) and before the meeting is held."""
    if kind is ItemKind.PROGRESS_REVIEW or held_on is None:
        return None
    return working_days_deadline(held_on, REPORT_TO_AB)
RECOMMENDATION = 10  # head's recommendation within 10 working days of completion [reg 11(3); S1 2.60]
REPRESENTATIONS = 10  # the ECT's representations within 10 of receiving it [reg 11(4)]
DECISION = 20  # the AB decides within 20 of receiving the recommendation [reg 11(5); S1 2.67]
NOTIFICATION = 3  # the AB gives notice within 3 of deciding [reg 11(7); S1 2.69]
APPEAL = 20  # appeal within 20 of receiving the notice [Sch 3 para 2; S1 2.70]


@dataclass(frozen=True)
class FinalDeadlines:
    report_to_appropriate_body: date | None
    recommendation: date
    representations: date | None
    decision: date | None
    notification: date | None
    appeal: date | None


def final_deadlines(completed_on: date, final_meeting_on: date | None = None, recommendation_received: date | None =
                    None, decided_on: date | None = None, notice_received: date | None = None) -> FinalDeadlines:
    """The deadlines after the final assessment, each from the event it runs from (None until it has happened)."""
    return FinalDeadlines(
        report_to_appropriate_body=final_meeting_on and working_days_deadline(final_meeting_on, REPORT_TO_AB),
        recommendation=working_days_deadline(completed_on, RECOMMENDATION),
        representations=recommendation_received and working_days_deadline(recommendation_received, REPRESENTATIONS),
        decision=recommendation_received and working_days_deadline(recommendation_received, DECISION),
        notification=decided_on and working_days_deadline(decided_on, NOTIFICATION),
        appeal=notice_received and working_days_deadline(notice_received, APPEAL),
    )


# --- 7. Reduced timetable ------------------------------------------------------------------------------------

TIMETABLE_SHARE = {1: Fraction(90, 100), 2: Fraction(95, 100)}  # [S1 2.20; reg 10(4) fixes the 90%]


def timetable_cap(year_of_induction: int, full_timetable: Fraction, fte: Fraction) -> Fraction:
    """Most an ECT may teach: 90% (year 1) or 95% (year 2) of the timetable of the school's existing main pay range
    teachers [S1 2.20], pro rata to FTE; in addition to PPA time [S1 2.21], so `full_timetable` is after PPA."""
    if year_of_induction not in TIMETABLE_SHARE:
        raise CpdError("induction has a first and a second year only")
    fte = Fraction(fte)
    if not 0 < fte <= 1:
        raise CpdError("a full-time equivalent must be more than 0 and no more than 1 (full-time)")
    return TIMETABLE_SHARE[year_of_induction] * Fraction(full_timetable) * fte


def gives_reduction(year_of_induction: int, taught: Fraction, full_timetable: Fraction, fte: Fraction) -> bool:
    """Whether a term's recorded timetable (hours or periods taught) keeps within the cap."""
    return Fraction(taught) <= timetable_cap(year_of_induction, full_timetable, fte)


# --- 8. Outcomes -------------------------------------------------------------------------------------------------

class ProgressOutcome(enum.Enum):
    ON_TRACK = "on track"  # [S1 2.52]
    NOT_SATISFACTORY = "not making satisfactory progress"  # starts a support plan [S1 4.1]

    @property
    def needs_support_plan(self) -> bool:
        return self is ProgressOutcome.NOT_SATISFACTORY


class FirstAssessmentOutcome(enum.Enum):
    SATISFACTORY = "making satisfactory progress"
    NOT_SATISFACTORY = "not making satisfactory progress"  # the AB informed, more support at once [S1 4.2]


class Recommendation(enum.Enum):
    """The head's recommendation on the final assessment report [S1 2.60; reg 11(3)]."""

    SATISFACTORY = "satisfactory"
    UNSATISFACTORY = "unsatisfactory"
    EXTENSION = "an extension should be considered"


class Decision(enum.Enum):
    """The appropriate body's decision [reg 11(5); S1 2.67]."""

    PASS = "passed"  # noqa: S105 (an outcome, not a password)
    EXTEND = "extended"
    FAIL = "failed"


@dataclass(frozen=True)
class SupportPlan:
    """What a support plan for "not making satisfactory progress" must hold [S1 4.1-4.6]: the areas to improve, the
    objectives against the Teachers' Standards, the monitoring and support in place, the evidence used, the plan
    for the next assessment period; shared with the ECT, the head and the appropriate body [S1 4.1, 4.3, 4.5].
    After the first formal assessment the tutor also explains the consequences of failing [S1 4.4]."""

    areas_to_improve: tuple[str, ...]
    objectives: tuple[str, ...]
    support: tuple[str, ...]
    evidence: str
    next_period_plan: str
    consequences_explained: bool = False
    after_first_assessment: bool = False

    def __post_init__(self) -> None:
        for name, value in (("the areas to improve", self.areas_to_improve), ("the objectives", self.objectives),
                            ("the support in place", self.support)):
            if not any(v.strip() for v in value):
                raise CpdError(f"a support plan must say {name}")
        if not self.evidence.strip():
            raise CpdError("a support plan must say what evidence the judgement rests on")
        if self.after_first_assessment and not self.consequences_explained:
            raise CpdError("after the first formal assessment the induction tutor must explain to the ECT what "
                           "failing induction would mean")


def decide(decision: Decision, extension_terms: Fraction | None = None) -> Fraction | None:
    """Check an appropriate body's decision: an extension names its length in terms (fractions allowed: DfE's own
    record allows 0.1 and up [S22]); pass and fail name none. Returns the extension's length or None."""
    if decision is Decision.EXTEND:
        if extension_terms is None or Fraction(extension_terms) <= 0:
            raise CpdError("an extension must say how long it is, in terms (for example 1 or 1.5)")
        return Fraction(extension_terms)
    if extension_terms is not None:
        raise CpdError(f"an induction {decision.value} has no extension: leave its length empty")
    return None


@lru_cache(maxsize=1024)
def _walked(induction: Induction) -> tuple[_Step, ...]:
    """An induction's walk, remembered by its value (its start, posts, absences, extensions, reduction and the
    academy's terms): a trust's ECTs' pages read it again and again between changes, and any change makes a
    different value. About 400 steps (two school years of school days) each, so 1,024 are a few megabytes."""
    return tuple(induction._walk())


@lru_cache(maxsize=4096)
def _school_days(starts: date, ends: date, breaks: tuple[tuple[date, date], ...]) -> tuple[date, ...]:
    """A term's school days, remembered by its dates: every request reads the academy's terms afresh."""
    return tuple(d for d in _days(starts, ends)
                 if is_working_day(d) and not any(first <= d <= last for first, last in breaks))


@lru_cache(maxsize=1024)
def _scheduled(induction: Induction, weeks_before_term_end: int) -> Schedule:
    return induction._planned(weeks_before_term_end)
