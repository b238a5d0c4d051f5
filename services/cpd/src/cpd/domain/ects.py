"""An early career teacher's induction as the academy keeps it: registration, tutor and mentor, posts, absence, the
reduced timetable each term, progress reviews and formal assessments with their signatures, support plans, and the
appropriate body's decision. The statutory rules themselves live in `induction` and are asked on every read."""
from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from staffroom_shared.domain import Aggregate

from .errors import CpdError, IllegalTransition, NotAllowed
from .events import (
    InductionEnded, InductionItemDue, InductionPeopleAssigned, InductionReviewHeld, InductionStarted,
    InductionSupportPlanStarted, InductionTimetableRecorded,
)
from .induction import (
    Absence, Decision, FirstAssessmentOutcome, FtePeriod, Induction, ItemKind, Leave, Post, ProgressOutcome,
    Recommendation, ScheduleItem, SupportPlan, TermCalendar, decide, report_deadline,
)
from .values import in_words

# The Teachers' Standards a review or assessment is written against (DfE, 2011, updated 2021): Part One's eight
# standards and Part Two, personal and professional conduct [S1 2.52, 2.57].
STANDARDS = {
    "TS1": "Set high expectations which inspire, motivate and challenge pupils",
    "TS2": "Promote good progress and outcomes by pupils",
    "TS3": "Demonstrate good subject and curriculum knowledge",
    "TS4": "Plan and teach well structured lessons",
    "TS5": "Adapt teaching to respond to the strengths and needs of all pupils",
    "TS6": "Make accurate and productive use of assessment",
    "TS7": "Manage behaviour effectively to ensure a good and safe learning environment",
    "TS8": "Fulfil wider professional responsibilities",
    "Part 2": "Personal and professional conduct",
}
FULL_TIMETABLE = Fraction(100)  # the timetable is recorded as a percentage of a main pay range teacher's
# How many days before a review or assessment is due its tutor is told (cpd's INDUCTION_DUE_SOON_DAYS setting): two
# weeks leaves time to arrange a meeting with the ECT, the same notice appraisal's objectives reminder gives.
DUE_SOON_DAYS = 14
DUE_SOON, OVERDUE = "due_soon", "overdue"


class ProgrammeType(enum.Enum):
    """How the ECT's training under the early career framework is delivered [S1 1.9-1.11, 2.4]."""

    PROVIDER_LED = "provider-led"
    SCHOOL_LED = "school-led"


class InductionStatus(enum.Enum):
    SERVING = "serving"
    PASSED = "passed"
    FAILED = "failed"
    LEFT = "left"

    @property
    def open(self) -> bool:
        return self is InductionStatus.SERVING


OUTCOMES = {  # what each kind of meeting may conclude
    ItemKind.PROGRESS_REVIEW: ProgressOutcome,
    ItemKind.FIRST_FORMAL_ASSESSMENT: FirstAssessmentOutcome,
    ItemKind.FINAL_FORMAL_ASSESSMENT: Recommendation,
}
SIGNERS = {"tutor": "induction tutor", "head": "headteacher", "ect": "ECT"}


def fraction(value) -> Fraction:
    """Terms and FTEs as exact fractions: 0.6 is 3/5, not 0.59999."""
    return Fraction(str(value)) if isinstance(value, float) else Fraction(value)


@dataclass(eq=False)
class InductionPost:
    """A period at one school at one FTE; consecutive periods at the same school are one post [S1 2.33]."""

    induction_id: uuid.UUID
    school: str
    starts_on: date
    ends_on: date | None
    fte: Fraction
    id: uuid.UUID = field(default_factory=uuid.uuid4)


@dataclass(eq=False)
class InductionAbsence:
    induction_id: uuid.UUID
    starts_on: date
    ends_on: date
    leave: Leave
    days: int | None = None
    extend: bool = False
    id: uuid.UUID = field(default_factory=uuid.uuid4)

    def rule(self) -> Absence:
        return Absence(self.starts_on, self.ends_on, Leave(self.leave), self.days, self.extend)


@dataclass(eq=False)
class TimetableRecord:
    """The share of a main pay range teacher's timetable the ECT teaches in one of the academy's terms."""

    induction_id: uuid.UUID
    school_year: int
    term_number: int
    percent: Fraction
    recorded_by: uuid.UUID
    recorded_on: date
    id: uuid.UUID = field(default_factory=uuid.uuid4)


@dataclass(eq=False)
class InductionReview:
    """A progress review or a formal assessment, held in one of the academy's terms."""

    induction_id: uuid.UUID
    kind: ItemKind
    school_year: int
    term_number: int
    due_on: date
    report_by: date | None
    held_on: date
    outcome: str  # the value of the kind's outcome (OUTCOMES)
    standards: dict  # standard (STANDARDS' keys) -> what was seen against it
    next_steps: str
    recorded_by: uuid.UUID
    ect_comments: str | None = None
    tutor_signed_by: uuid.UUID | None = None
    tutor_signed_on: date | None = None
    head_signed_by: uuid.UUID | None = None
    head_signed_on: date | None = None
    ect_signed_on: date | None = None
    id: uuid.UUID = field(default_factory=uuid.uuid4)

    def __post_init__(self) -> None:
        self.kind = ItemKind(self.kind)


@dataclass(eq=False)
class InductionSupportPlan:
    """A support plan started by "not making satisfactory progress" [S1 4.1-4.6]."""

    induction_id: uuid.UUID
    review_id: uuid.UUID
    started_on: date
    areas_to_improve: list
    objectives: list
    support: list
    evidence: str
    next_period_plan: str
    consequences_explained: bool = False
    after_first_assessment: bool = False
    id: uuid.UUID = field(default_factory=uuid.uuid4)


@dataclass(eq=False)
class ItemAnnouncement:
    """The daily job said a review or assessment was due soon, or overdue (once each per item: `announce_due`)."""

    induction_id: uuid.UUID
    kind: ItemKind
    school_year: int
    term_number: int
    stage: str  # DUE_SOON or OVERDUE
    due_on: date
    announced_on: date
    id: uuid.UUID = field(default_factory=uuid.uuid4)

    def __post_init__(self) -> None:
        self.kind = ItemKind(self.kind)


def due_stage(due: date, today: date, due_soon_days: int = DUE_SOON_DAYS) -> str | None:
    """What there is to say on `today` of an item due on `due` that is not yet held: "due soon" from
    `due_soon_days` days before it up to its day, "overdue" from the day after it; nothing before."""
    if due_soon_days < 0:
        raise CpdError("the days' notice before a review is due cannot be negative")
    if today > due:
        return OVERDUE
    if today >= due - timedelta(days=due_soon_days):
        return DUE_SOON
    return None


ADULT_AT_QTS = 18  # QTS follows a degree: nobody is awarded it younger (a typing slip in the year otherwise)


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def check_trn(trn: str | None) -> str | None:
    """DfE's teacher reference number: seven digits (spaces a person types between them are dropped)."""
    if trn is None or not trn.strip():
        return None
    digits = "".join(trn.split())
    if not (len(digits) == 7 and digits.isascii() and digits.isdigit()):
        raise CpdError("a teacher reference number is seven digits, for example 1234567")
    return digits


def _percent(value: Fraction) -> Decimal:
    # to two places, as the contract carries it (a third of 95% is 31.67%)
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(Decimal("0.01"), ROUND_HALF_UP)


@dataclass(eq=False)
class InductionExtension:
    induction_id: uuid.UUID
    terms: Fraction
    decided_on: date
    id: uuid.UUID = field(default_factory=uuid.uuid4)


@dataclass(eq=False)
class EctInduction(Aggregate):
    """One ECT's induction at an academy (one per person: reg 9)."""

    staff_id: uuid.UUID
    academy_id: uuid.UUID
    qts_on: date
    starts_on: date
    appropriate_body: str
    programme_type: ProgrammeType
    registered_on: date
    lead_provider: str | None = None
    delivery_partner: str | None = None
    tutor_id: uuid.UUID | None = None
    mentor_id: uuid.UUID | None = None
    reduced_to: Fraction | None = None
    served_elsewhere: Fraction = Fraction(0)
    # What the appropriate body's record names the ECT by (outsider F9): DfE's teacher reference number and the date
    # of birth, personal data seen by the ECT, their tutor and HR only (not the mentor). None: not given.
    trn: str | None = None
    date_of_birth: date | None = None
    status: InductionStatus = InductionStatus.SERVING
    decision: Decision | None = None
    decided_on: date | None = None
    ended_on: date | None = None
    # What lists show of it that does not depend on the day (summary_of), kept at every change: a tutor's dashboard
    # reads it instead of working out each ECT's schedule from the statutory rules (bench (l)). None: not yet made.
    summary: dict | None = None
    posts: list[InductionPost] = field(default_factory=list)
    absences: list[InductionAbsence] = field(default_factory=list)
    timetable: list[TimetableRecord] = field(default_factory=list)
    reviews: list[InductionReview] = field(default_factory=list)
    support_plans: list[InductionSupportPlan] = field(default_factory=list)
    extensions: list[InductionExtension] = field(default_factory=list)
    announcements: list[ItemAnnouncement] = field(default_factory=list)
    id: uuid.UUID = field(default_factory=uuid.uuid4)

    @classmethod
    def register(cls, *, staff_id: uuid.UUID, academy_id: uuid.UUID, school: str, qts_on: date, starts_on: date,
                 fte, appropriate_body: str, programme_type: ProgrammeType, calendar: TermCalendar, on: date,
                 lead_provider: str | None = None, delivery_partner: str | None = None,
                 tutor_id: uuid.UUID | None = None, mentor_id: uuid.UUID | None = None,
                 served_elsewhere=0, reduced_to=None, trn: str | None = None,
                 date_of_birth: date | None = None) -> "EctInduction":
        """Register an ECT with their first post at the academy; checked against the rules (the academy's term
        dates must reach the expected completion, so the schedule can be given) and refused when impossible
        (outsider F5): QTS not yet awarded, a start before it, a birth date after it, terms served elsewhere that
        leave nothing to serve."""
        if starts_on < qts_on:
            raise CpdError(f"induction cannot start ({in_words(starts_on)}) before qualified teacher status was "
                           f"awarded ({in_words(qts_on)})")
        if qts_on > on:
            raise CpdError(f"qualified teacher status must be awarded before induction is registered; "
                           f"{in_words(qts_on)} is still to come")
        trn = check_trn(trn)
        if date_of_birth is not None and date_of_birth > _years_before(qts_on, ADULT_AT_QTS):
            raise CpdError(f"a date of birth of {in_words(date_of_birth)} would make them under {ADULT_AT_QTS} when "
                           f"awarded qualified teacher status ({in_words(qts_on)}): check the date of birth")
        if not appropriate_body.strip():
            raise CpdError("give the appropriate body's name: every induction is overseen by one (S1 2.12)")
        programme_type = ProgrammeType(programme_type)
        if programme_type is ProgrammeType.PROVIDER_LED and not (lead_provider or "").strip():
            raise CpdError("a provider-led programme names its lead provider")
        if tutor_id is not None and tutor_id == staff_id or mentor_id is not None and mentor_id == staff_id:
            raise CpdError("the ECT cannot be their own induction tutor or mentor")
        ect = cls(staff_id=staff_id, academy_id=academy_id, qts_on=qts_on, starts_on=starts_on,
                  appropriate_body=appropriate_body.strip(), programme_type=programme_type, registered_on=on,
                  lead_provider=(lead_provider or "").strip() or None,
                  delivery_partner=(delivery_partner or "").strip() or None, tutor_id=tutor_id, mentor_id=mentor_id,
                  served_elsewhere=fraction(served_elsewhere),
                  reduced_to=None if reduced_to is None else fraction(reduced_to), trn=trn,
                  date_of_birth=date_of_birth)
        ect.posts.append(InductionPost(ect.id, school, starts_on, None, fraction(fte)))
        schedule = ect.rules(calendar).schedule()
        ect.record(InductionStarted(induction_id=ect.id, staff_id=staff_id, academy_id=academy_id,
                                    starts_on=starts_on, expected_completion=schedule.completes,
                                    appropriate_body=ect.appropriate_body, programme_type=programme_type.value,
                                    tutor_id=tutor_id, mentor_id=mentor_id))
        return ect

    # -- the rules, from what is kept --

    def summary_of(self, calendar: TermCalendar | None) -> dict:
        """When induction completes and each review and assessment (its term, due date and, once held, the review),
        as JSON, or why there is no schedule: what does not change from one day to the next."""
        if calendar is None:
            return {"completes": None, "problem": "the academy has not given its term dates yet", "schedule": []}
        try:
            rules = self.rules(calendar)
        except CpdError as exc:
            return {"completes": None, "problem": str(exc), "schedule": []}
        held = {(r.kind, r.school_year, r.term_number): r for r in self.reviews}

        def day(value: date | None) -> str | None:
            return None if value is None else value.isoformat()

        items = []
        for item in rules.schedule().items:
            review = held.get((item.kind, item.term.school_year, item.term.number))
            items.append({"kind": item.kind.name.lower(), "kind_words": item.kind.value, "term": item.term.name,
                          "school_year": item.term.school_year, "term_number": item.term.number,
                          "term_starts_on": day(item.term.starts), "due_on": day(item.due),
                          "report_by": day(report_deadline(item.kind, review.held_on if review else None)),
                          "review_id": str(review.id) if review else None,
                          "held_on": day(review.held_on) if review else None})
        return {"completes": day(rules.completes()), "problem": None, "schedule": items}

    def refresh_summary(self, calendar: TermCalendar | None) -> None:
        """Keep the summary true to the induction as it now stands (the unit of work does, before each commit)."""
        fresh = self.summary_of(calendar)
        if fresh != self.summary:
            self.summary = fresh

    def rules(self, calendar: TermCalendar) -> Induction:
        """The statutory rules' view of this induction (raises CpdError in plain words if it cannot be made)."""
        posts, run = [], []
        for p in sorted(self.posts, key=lambda p: p.starts_on):
            if run and run[-1].school != p.school:
                posts.append(Post(run[0].school, tuple(FtePeriod(r.starts_on, r.ends_on, fraction(r.fte))
                                                       for r in run)))
                run = []
            run.append(p)
        if run:
            posts.append(Post(run[0].school, tuple(FtePeriod(r.starts_on, r.ends_on, fraction(r.fte)) for r in run)))
        induction = Induction(self.starts_on, tuple(posts), calendar, served_elsewhere=fraction(self.served_elsewhere),
                              reduced_to=None if self.reduced_to is None else fraction(self.reduced_to),
                              extensions=tuple(fraction(e.terms) for e in self.extensions),
                              absences=tuple(a.rule() for a in self.absences))
        induction.schedule()  # the academy's term dates must reach its end
        return induction

    def _open(self, doing: str) -> None:
        if not self.status.open:
            raise IllegalTransition(f"this induction has ended ({self.status.value}): you cannot {doing}")

    def _check(self, calendar: TermCalendar) -> Induction:
        return self.rules(calendar)

    # -- HR --

    def assign(self, tutor_id: uuid.UUID | None, mentor_id: uuid.UUID | None, on: date) -> None:
        """HR name the tutor and mentor; a change is announced (naming the same people again is not a change)."""
        self._open("change the tutor or mentor")
        if self.staff_id in (tutor_id, mentor_id):
            raise CpdError("the ECT cannot be their own induction tutor or mentor")
        if (tutor_id, mentor_id) == (self.tutor_id, self.mentor_id):
            return
        self.tutor_id, self.mentor_id = tutor_id, mentor_id
        self.record(InductionPeopleAssigned(induction_id=self.id, staff_id=self.staff_id, academy_id=self.academy_id,
                                            tutor_id=tutor_id, mentor_id=mentor_id, assigned_on=on))

    def add_absence(self, absence: InductionAbsence, calendar: TermCalendar) -> None:
        self._open("record absence")
        absence.rule()  # the dates and days fit
        if absence.starts_on < self.starts_on:
            raise CpdError(f"absence before induction started ({in_words(self.starts_on)}) does not count towards it")
        clash = next((a for a in self.absences if a.starts_on <= absence.ends_on and absence.starts_on <= a.ends_on),
                     None)
        if clash is not None:  # outsider O10: the same absence sent again was stored again, each shown to the ECT
            raise CpdError(f"an absence from {in_words(clash.starts_on)} to {in_words(clash.ends_on)} is already "
                           "recorded: give only days it does not cover")
        self.absences.append(absence)
        self._check(calendar)

    def change_fte(self, school: str, from_day: date, fte, calendar: TermCalendar) -> None:
        """A new working pattern (or a post at another school, a move) from a day; the one before ends the day
        before [S1 2.36, 2.75]."""
        self._open("change the working pattern")
        current = max(self.posts, key=lambda p: p.starts_on)
        if from_day <= current.starts_on:
            raise CpdError(f"a new working pattern must start after the current one ({in_words(current.starts_on)})")
        current.ends_on = from_day - timedelta(days=1)
        self.posts.append(InductionPost(self.id, school, from_day, None, fraction(fte)))
        self._check(calendar)

    # -- the tutor --

    def record_timetable(self, by: uuid.UUID, school_year: int, term_number: int, percent, calendar: TermCalendar,
                         on: date, as_hr: bool = False) -> TimetableRecord:
        """The share of a main pay range teacher's timetable taught in a term (recorded again: corrected); above
        the ECT's cap (90% in year one, 95% in year two, pro rata) is refused: the reduction is an entitlement
        [S1 2.20; reg 10(4)]. The tutor records it, or HR (`as_hr`, whom the service has checked)."""
        self._open("record the timetable")
        if not as_hr:
            self._tutor(by, "record the timetable")
        term = _term(calendar, school_year, term_number)
        percent = fraction(percent)
        if not 0 <= percent <= 100:
            raise CpdError("the timetable is a percentage of a main pay range teacher's: 0 to 100")
        cap = self.rules(calendar).timetable_cap(term, FULL_TIMETABLE)
        if percent > cap:
            raise CpdError(f"in the {term.name} this ECT may teach no more than {float(cap):g}% of a main pay range "
                           f"teacher's timetable (the reduced timetable, S1 2.20); {float(percent):g}% was given")
        found = next((t for t in self.timetable if (t.school_year, t.term_number) == (school_year, term_number)), None)
        if found is None:
            found = TimetableRecord(self.id, school_year, term_number, percent, by, on)
            self.timetable.append(found)
        else:
            found.percent, found.recorded_by, found.recorded_on = percent, by, on
        self.record(InductionTimetableRecorded(induction_id=self.id, staff_id=self.staff_id,
                                               academy_id=self.academy_id, school_year=school_year,
                                               term_number=term_number, percent=_percent(percent),
                                               cap_percent=_percent(cap)))
        return found

    def _tutor(self, by: uuid.UUID, doing: str) -> None:
        if self.tutor_id is None or by != self.tutor_id:
            raise NotAllowed(f"only the ECT's induction tutor can {doing}")

    def record_review(self, by: uuid.UUID, item: ScheduleItem, held_on: date, outcome: str, standards: dict,
                      next_steps: str, on: date, support_plan: SupportPlan | None = None) -> InductionReview:
        """A progress review or formal assessment held for one item of the schedule. "Not making satisfactory
        progress" at a review needs a support plan [S1 4.1], which starts with it."""
        self._open("record a review")
        self._tutor(by, "record progress reviews and formal assessments")
        kind = item.kind
        try:
            outcome = OUTCOMES[kind](outcome).value
        except ValueError:
            allowed = ", ".join(f'"{o.value}"' for o in OUTCOMES[kind])
            raise CpdError(f"a {kind.value} concludes {allowed}") from None
        if held_on > on:
            raise CpdError(f"a {kind.value} is recorded once held: {in_words(held_on)} is still to come")
        if held_on < self.starts_on:
            raise CpdError(f"a {kind.value} cannot be held before induction started ({in_words(self.starts_on)})")
        unknown = sorted(set(standards) - set(STANDARDS))
        if unknown:
            raise CpdError(f"write against the Teachers' Standards TS1 to TS8 and Part 2; {', '.join(unknown)} is not "
                           "one of them")
        if not any((v or "").strip() for v in standards.values()):
            raise CpdError(f"a {kind.value} is written against the Teachers' Standards: say what was seen against at "
                           "least one")
        term = item.term
        if any(r.kind == kind and (r.school_year, r.term_number) == (term.school_year, term.number)
               for r in self.reviews):
            raise IllegalTransition(f"the {kind.value} for the {term.name} is already recorded")
        needs_plan = outcome == ProgressOutcome.NOT_SATISFACTORY.value
        if needs_plan and support_plan is None:
            raise CpdError("not making satisfactory progress starts a support plan: give its areas to improve, "
                           "objectives, support and evidence (S1 4.1)")
        review = InductionReview(self.id, kind, term.school_year, term.number, item.due,
                                 report_deadline(kind, held_on), held_on,
                                 outcome, {k: v.strip() for k, v in standards.items() if (v or "").strip()},
                                 next_steps.strip(), by)
        self.reviews.append(review)
        self.record(InductionReviewHeld(induction_id=self.id, staff_id=self.staff_id, academy_id=self.academy_id,
                                        kind=kind.name.lower(), due_on=item.due, held_on=held_on))
        if needs_plan:
            self._start_plan(review, support_plan, on)
        return review

    def _start_plan(self, review: InductionReview, plan: SupportPlan, on: date) -> None:
        after_first = any(r.kind is ItemKind.FIRST_FORMAL_ASSESSMENT for r in self.reviews)
        plan = SupportPlan(plan.areas_to_improve, plan.objectives, plan.support, plan.evidence, plan.next_period_plan,
                           plan.consequences_explained, after_first)  # checked again, knowing where it falls
        started = InductionSupportPlan(self.id, review.id, on, list(plan.areas_to_improve), list(plan.objectives),
                                       list(plan.support), plan.evidence.strip(), plan.next_period_plan.strip(),
                                       plan.consequences_explained, plan.after_first_assessment)
        self.support_plans.append(started)
        self.record(InductionSupportPlanStarted(induction_id=self.id, support_plan_id=started.id,
                                                staff_id=self.staff_id, academy_id=self.academy_id,
                                                tutor_id=self.tutor_id, review_held_on=review.held_on,
                                                started_on=on))

    def review(self, review_id: uuid.UUID) -> InductionReview | None:
        return next((r for r in self.reviews if r.id == review_id), None)

    def sign(self, review: InductionReview, as_: str, by: uuid.UUID, on: date, comments: str | None = None) -> None:
        """The tutor, the headteacher and the ECT sign; the ECT may comment [S1 2.53, 2.58]. A signature stands."""
        if as_ not in SIGNERS:
            raise CpdError("a review is signed by the induction tutor, the headteacher or the ECT")
        if as_ == "ect":
            if by != self.staff_id:
                raise NotAllowed("only the ECT signs as the ECT")
            if review.ect_signed_on is not None:
                raise IllegalTransition(f"you signed this {review.kind.value} on {in_words(review.ect_signed_on)}")
            review.ect_signed_on, review.ect_comments = on, (comments or "").strip() or None
            return
        if comments:
            raise CpdError("comments on a review are the ECT's; the tutor's and headteacher's go in its notes")
        if as_ == "tutor":
            self._tutor(by, "sign as the induction tutor")
            if review.tutor_signed_on is not None:
                raise IllegalTransition(f"the tutor signed this {review.kind.value} on "
                                        f"{in_words(review.tutor_signed_on)}")
            review.tutor_signed_by, review.tutor_signed_on = by, on
        else:
            if by == self.staff_id:
                raise NotAllowed("the ECT cannot sign as the headteacher")
            if review.head_signed_on is not None:
                raise IllegalTransition(f"the headteacher signed this {review.kind.value} on "
                                        f"{in_words(review.head_signed_on)}")
            review.head_signed_by, review.head_signed_on = by, on

    # -- what falls due --

    def announce_due(self, calendar: TermCalendar, today: date, due_soon_days: int = DUE_SOON_DAYS) -> int:
        """Say, once per item of the schedule and stage, that a review or assessment not yet held is due soon or
        overdue (`due_stage`). A job that missed days says it late, and says "overdue" alone of an item whose
        "due soon" it never said. Nothing is said of an ended induction, of an item due before the induction was
        registered (its history being entered, not a meeting to arrange), or while the schedule cannot be worked
        out (the record shows why). Returns how many were said."""
        if not self.status.open:
            return 0
        try:
            items = self.rules(calendar).schedule().items
        except CpdError:
            return 0
        held = {(r.kind, r.school_year, r.term_number) for r in self.reviews}
        said = {(a.kind, a.school_year, a.term_number, a.stage) for a in self.announcements}
        count = 0
        for item in items:
            key = (item.kind, item.term.school_year, item.term.number)
            stage = due_stage(item.due, today, due_soon_days)
            if stage is None or key in held or item.due < self.registered_on or (*key, stage) in said:
                continue
            self.announcements.append(ItemAnnouncement(self.id, item.kind, *key[1:], stage, item.due, today))
            self.record(InductionItemDue(induction_id=self.id, staff_id=self.staff_id, academy_id=self.academy_id,
                                         kind=item.kind.name.lower(), stage=stage, due_on=item.due,
                                         school_year=item.term.school_year, term_number=item.term.number,
                                         tutor_id=self.tutor_id))
            count += 1
        return count

    # -- the appropriate body's decision, and leaving --

    def decide(self, decision: Decision, on: date, calendar: TermCalendar, extension_terms=None) -> None:
        """Pass or fail ends induction; an extension adds terms and keeps the ECT serving [reg 11(5); S1 3.8]."""
        self._open("record a decision")
        decision = Decision(decision)
        terms = decide(decision, None if extension_terms is None else fraction(extension_terms))
        finals = [r.held_on for r in self.reviews if r.kind is ItemKind.FINAL_FORMAL_ASSESSMENT]
        if not finals:
            raise IllegalTransition("the appropriate body decides after the final formal assessment: record it first")
        # outsider O10: "passed" was taken dated 2020, and straight after an extension, before its final assessment
        if self.extensions and max(finals) <= max(e.decided_on for e in self.extensions):
            raise IllegalTransition("the extension ends with its own final formal assessment: record it, then the "
                                    "appropriate body's decision")
        if on < max(finals):
            raise CpdError(f"the appropriate body decides after the final formal assessment, held on "
                           f"{in_words(max(finals))}: give a date on or after it")
        self.decision, self.decided_on = decision, on
        if decision is Decision.EXTEND:
            self.extensions.append(InductionExtension(self.id, terms, on))
            self._check(calendar)
            return
        self.status = InductionStatus.PASSED if decision is Decision.PASS else InductionStatus.FAILED
        self._ended(on)

    def leave(self, on: date) -> None:
        """The ECT left the academy before completing: induction here ends (it may continue elsewhere: S1 2.75)."""
        self._open("record leaving")
        if on < self.starts_on:
            raise CpdError(f"the ECT cannot leave before induction started ({in_words(self.starts_on)})")
        current = max(self.posts, key=lambda p: p.starts_on)
        current.ends_on = on
        self.status = InductionStatus.LEFT
        self._ended(on)

    def _ended(self, on: date) -> None:
        self.ended_on = on
        self.record(InductionEnded(induction_id=self.id, staff_id=self.staff_id, academy_id=self.academy_id,
                                   outcome=self.status.value, ended_on=on))


def _term(calendar: TermCalendar, school_year: int, number: int):
    found = next((t for t in calendar.terms if (t.school_year, t.number) == (school_year, number)), None)
    if found is None:
        raise CpdError(f"the academy has not given the dates of term {number} of {school_year} to {school_year + 1}")
    return found


def schedule_item(induction: Induction, school_year: int, term_number: int, kind: ItemKind) -> ScheduleItem:
    """The scheduled review or assessment of a kind in a term; refused in plain words when none falls there."""
    for item in induction.schedule().items:
        if item.kind is kind and (item.term.school_year, item.term.number) == (school_year, term_number):
            return item
    term = _term(induction.calendar, school_year, term_number)
    raise CpdError(f"no {kind.value} is scheduled in the {term.name}; record the one the schedule gives")
