"""Appraisal cycles and appraisals: the state machine and the rules line managers work within."""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum

from staffroom_shared.domain import Aggregate

from . import events
from .induction import appraised_through_induction, withdrawal_reason


class AppraisalError(Exception):
    """A rule was broken; the message says what and how to put it right, and `field` names the request's field it
    is about, where there is one (the 422's `errors` pointer)."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


class IllegalTransition(AppraisalError):
    """The appraisal is not at the stage this step needs (HTTP 409)."""


class NotAllowed(AppraisalError):
    """The step is valid, but not for this person (HTTP 403)."""


class StaffGroup(StrEnum):
    """Whom a cycle appraises, and so which form its appraisals take (the API and events call it the `template`)."""

    TEACHERS = "teachers"
    SUPPORT = "support"
    LEADERS = "leaders"


# Which members of staff each staff group takes in.
GROUP_STAFF_TYPES = {StaffGroup.TEACHERS: {"teaching"}, StaffGroup.SUPPORT: {"support"}, StaffGroup.LEADERS: {"leadership"}}


class CycleStatus(StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"


class Status(StrEnum):
    NOT_STARTED = "not_started"
    OBJECTIVES_AGREED = "objectives_agreed"
    MID_YEAR_REVIEWED = "mid_year_reviewed"
    END_OF_YEAR_REVIEWED = "end_of_year_reviewed"
    SIGNED_OFF = "signed_off"
    CLOSED = "closed"  # the member of staff left; kept for the personnel file
    WITHDRAWN = "withdrawn"  # HR took it out of the cycle (e.g. long-term absence)

    @property
    def label(self) -> str:
        """As people say it ("mid year reviewed" reached the portal's pages, outsider, issue 20)."""
        return {"mid_year_reviewed": "mid-year review done", "end_of_year_reviewed": "end-of-year review done",
                "not_started": "not started", "objectives_agreed": "objectives agreed",
                "signed_off": "signed off"}.get(self.value, self.value)


IN_PROGRESS = (Status.NOT_STARTED, Status.OBJECTIVES_AGREED, Status.MID_YEAR_REVIEWED, Status.END_OF_YEAR_REVIEWED)
FINISHED = (Status.SIGNED_OFF, Status.CLOSED, Status.WITHDRAWN)


class ObjectiveType(StrEnum):
    PUPIL_OUTCOMES = "pupil_outcomes"
    PROFESSIONAL_PRACTICE = "professional_practice"
    LEADERSHIP = "leadership"
    WELLBEING = "wellbeing"


class Stage(StrEnum):
    MID_YEAR = "mid_year"
    END_OF_YEAR = "end_of_year"


class Rating(StrEnum):
    NOT_MET = "not_met"
    PARTIALLY_MET = "partially_met"
    MET = "met"
    EXCEEDED = "exceeded"


class Outcome(StrEnum):
    EXCEEDS = "exceeds_expectations"
    MEETS = "meets_expectations"
    PARTIALLY_MEETS = "partially_meets_expectations"
    DOES_NOT_MEET = "does_not_meet_expectations"


class TeachingJudgement(StrEnum):
    GOOD_OR_BETTER = "good_or_better"
    REQUIRES_IMPROVEMENT = "requires_improvement"
    INADEQUATE = "inadequate"


class PayRecommendation(StrEnum):
    PROGRESS = "progress"
    NO_PROGRESS = "no_progress"
    NOT_ELIGIBLE = "not_eligible"


class ObservationKind(StrEnum):
    """What kind of visit: also what an observation template is for (domain/observations.py re-exports it)."""

    LESSON_OBSERVATION = "lesson_observation"
    LEARNING_WALK = "learning_walk"
    DROP_IN = "drop_in"
    INSTRUCTIONAL_COACHING = "instructional_coaching"

    @property
    def label(self) -> str:
        return {"lesson_observation": "lesson observation", "learning_walk": "learning walk", "drop_in": "drop-in",
                "instructional_coaching": "instructional coaching"}[self.value]


def one_of(kind: type[StrEnum], value, what: str) -> StrEnum:
    """The enum member for `value`, or a rule broken that lists the values allowed."""
    try:
        return kind(value)
    except ValueError:
        raise AppraisalError(f"{what} must be one of {', '.join(m.value for m in kind)} (got {value!r})") from None


# Teachers' Standards (DfE, 2011, updated 2021): Part One's eight standards and Part Two.
TEACHERS_STANDARDS = {
    "TS1": "Set high expectations which inspire, motivate and challenge pupils",
    "TS2": "Promote good progress and outcomes by pupils",
    "TS3": "Demonstrate good subject and curriculum knowledge",
    "TS4": "Plan and teach well structured lessons",
    "TS5": "Adapt teaching to respond to the strengths and needs of all pupils",
    "TS6": "Make accurate and productive use of assessment",
    "TS7": "Manage behaviour effectively to ensure a good and safe learning environment",
    "TS8": "Fulfil wider professional responsibilities",
    "PART2": "Personal and professional conduct",
}
MAX_OBJECTIVES = 6
CYCLE_MOST_DAYS = 397  # 13 months: one school year, with a little room either side
REVIEW_WINDOW_WEEKS = 6  # reviews open this long before they are due, unless the cycle says otherwise
STAGE_NEEDS = {Stage.MID_YEAR: Status.OBJECTIVES_AGREED, Stage.END_OF_YEAR: Status.MID_YEAR_REVIEWED}
STAGE_LEADS_TO = {Stage.MID_YEAR: Status.MID_YEAR_REVIEWED, Stage.END_OF_YEAR: Status.END_OF_YEAR_REVIEWED}


def default_key_dates(template: StaffGroup, school_year: int) -> dict[str, date]:
    """Common practice in English schools; every date can be changed when the cycle is set up.

    `school_year` is the calendar year the school year starts in (2026 for 2026/27).
    """
    objectives = date(school_year, 12, 31) if template == StaffGroup.LEADERS else date(school_year, 10, 31)
    return {
        "starts_on": date(school_year, 9, 1),
        "objectives_due": objectives,
        "mid_year_due": date(school_year + 1, 2, 28) if template != StaffGroup.LEADERS else date(school_year + 1, 3, 31),
        "end_of_year_due": date(school_year + 1, 7, 15),
        "ends_on": date(school_year + 1, 8, 31),
    }


OBSERVER_TYPES = ("teaching", "leadership")  # who observes lessons, besides the appraiser


@dataclass(eq=False)
class StaffRecord:
    """The appraisal service's own copy of a member of staff, kept from staff.* events."""

    staff_id: uuid.UUID
    academy_id: uuid.UUID
    first_name: str
    last_name: str
    email: str
    staff_type: str
    post: str
    start_date: date
    leaving_date: date | None = None
    line_manager_id: uuid.UUID | None = None
    # When the directory took the snapshot we hold: an older one arriving late (a retried delivery
    # overtaken by a newer event) must not overwrite it.
    snapshot_at: datetime | None = None

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def in_post_on(self, day: date) -> bool:
        return self.leaving_date is None or self.leaving_date > day

    def cannot_appraise_on(self, day: date) -> str | None:
        """Why they cannot be made an appraiser on `day` (None: they can): an appraiser is in post."""
        return None if self.in_post_on(day) else f"left on {self.leaving_date:%-d %B %Y}"

    def may_observe(self, appraisal: "Appraisal", day: date) -> bool:
        """Whether they can be named as the observer of a lesson observation or learning walk in `appraisal`: in post
        on `day`, not the reviewee, and a teacher or leader, or the appraisal's own appraiser (outsider 7, issue 20:
        site supervisors and finance officers were offered as lesson observers)."""
        return (self.staff_id != appraisal.reviewee_id and self.start_date <= day and self.in_post_on(day)
                and (self.staff_type in OBSERVER_TYPES or self.staff_id == appraisal.appraiser_id))


@dataclass(eq=False)
class Cycle(Aggregate):
    name: str
    template: StaffGroup
    academy_id: uuid.UUID | None  # None: trust-wide
    starts_on: date
    objectives_due: date
    mid_year_due: date
    end_of_year_due: date
    ends_on: date
    observation_cap: int | None = None
    pay_recommendations: bool = False
    review_window_weeks: int = REVIEW_WINDOW_WEEKS
    status: CycleStatus = CycleStatus.DRAFT
    # how many it would have covered were left out on opening as early career teachers serving induction (None: not
    # opened, or opened before appraisal knew of induction)
    left_out_for_induction: int | None = None
    id: uuid.UUID = field(default_factory=uuid.uuid4)

    def __post_init__(self) -> None:
        self.template = one_of(StaffGroup, self.template, "a cycle template")
        self.status = CycleStatus(self.status)
        self.check_dates()

    def check_dates(self) -> None:
        order = [("starts_on", self.starts_on), ("objectives_due", self.objectives_due),
                 ("mid_year_due", self.mid_year_due), ("end_of_year_due", self.end_of_year_due),
                 ("ends_on", self.ends_on)]
        for (a, da), (b, db) in zip(order, order[1:]):
            if da > db:
                raise AppraisalError(f"{a.replace('_', ' ')} ({da}) must not be after {b.replace('_', ' ')} ({db})")
        if (self.ends_on - self.starts_on).days > CYCLE_MOST_DAYS:  # outsider, issue 20: a cycle of 9999
            raise AppraisalError("a cycle covers one school year: it ends no more than 13 months after it starts")
        if self.observation_cap is not None and self.observation_cap < 0:
            raise AppraisalError("the observation cap cannot be negative")
        if not 1 <= self.review_window_weeks <= 26:
            raise AppraisalError("reviews open between 1 and 26 weeks before they are due")

    def change(self, changes: dict) -> dict[str, list]:
        """Rename, move key dates or the observation cap; returns {field: [before, after]} for what changed."""
        if self.status == CycleStatus.CLOSED:
            raise IllegalTransition(f"cycle '{self.name}' is closed; a closed cycle's dates and cap are on record")
        before = {name: getattr(self, name) for name in changes}
        for name, value in changes.items():
            setattr(self, name, value)
        try:
            self.check_dates()
        except AppraisalError:
            for name, value in before.items():
                setattr(self, name, value)
            raise
        return {name: [before[name], value] for name, value in changes.items() if before[name] != value}

    def covers(self, person: StaffRecord) -> bool:
        """Is this person appraised in this cycle? (right academy, right staff group, in post during it, and
        starting before its end-of-year review opens: someone who joins later has nothing left to appraise this
        year, and their first cycle is the next; their key dates all fell on one day, outsider, issue 20)."""
        return ((self.academy_id is None or person.academy_id == self.academy_id)
                and person.staff_type in GROUP_STAFF_TYPES[self.template]
                and person.start_date < self.end_of_year_due - timedelta(weeks=self.review_window_weeks)
                and (person.leaving_date is None or person.leaving_date > self.starts_on))

    def open(self, staff: list[StaffRecord], today: date, inductions=()) -> list["Appraisal"]:
        """An appraisal for everyone it covers but those serving induction during it (`inductions`: the spells appraisal
        knows of), each announced, and the opening announced with their number; how many were left out is kept."""
        if self.status != CycleStatus.DRAFT:
            raise IllegalTransition(f"cycle '{self.name}' is {self.status}; only a draft cycle can be opened")
        if today > self.ends_on:
            raise AppraisalError(f"cycle '{self.name}' ended on {self.ends_on}; it cannot be opened now")
        self.status = CycleStatus.OPEN
        through_induction = self.through_induction(inductions)
        created = self.appraisals_missing(staff, set(), today, through_induction)
        self.left_out_for_induction = sum(1 for person in staff
                                          if person.staff_id in through_induction and self._due_one(person, today))
        self.record(events.CycleOpened(
            cycle_id=self.id, name=self.name, template=self.template.value, academy_id=self.academy_id,
            starts_on=self.starts_on, objectives_due=self.objectives_due, mid_year_due=self.mid_year_due,
            end_of_year_due=self.end_of_year_due, ends_on=self.ends_on, appraisal_count=len(created)))
        return created

    def through_induction(self, inductions) -> set[uuid.UUID]:
        """Who is appraised through statutory induction for this cycle's school year, not in it."""
        return appraised_through_induction(inductions, self.starts_on, self.ends_on)

    def appraisals_missing(self, staff, have: set[uuid.UUID], today: date,
                           through_induction: set[uuid.UUID] = frozenset()) -> list["Appraisal"]:
        """Who should have an appraisal in this cycle and has none (`have`: the reviewees it has, in any status, so a
        closed or withdrawn one is not made again; `through_induction`: those serving induction during it): the one
        rule for opening the cycle, a joiner while it is open, and the daily job's catching up. Nobody is given one
        after the cycle has ended."""
        if today > self.ends_on:
            return []
        return [self._appraisal_for(person, today) for person in staff
                if person.staff_id not in have and person.staff_id not in through_induction
                and self._due_one(person, today)]

    def _due_one(self, person: StaffRecord, today: date) -> bool:
        return self.covers(person) and person.in_post_on(today)

    def _appraisal_for(self, person: StaffRecord, today: date) -> "Appraisal":
        appraisal = Appraisal(cycle_id=self.id, reviewee_id=person.staff_id, academy_id=person.academy_id,
                              appraiser_id=person.line_manager_id, template=self.template)
        dates = key_dates(self, person.start_date)
        appraisal.record(events.AppraisalOpened(
            **appraisal.ref(), template=self.template.value, objectives_due=dates.objectives_due,
            mid_year_due=dates.mid_year_due, end_of_year_due=dates.end_of_year_due,
            starts_on=person.start_date if person.start_date and person.start_date > today else None))
        return appraisal

    def close(self) -> None:
        if self.status != CycleStatus.OPEN:
            raise IllegalTransition(f"cycle '{self.name}' is {self.status}; only an open cycle can be closed")
        self.status = CycleStatus.CLOSED

def key_dates(cycle, started_on: date | None) -> "KeyDates":
    """One person's key dates in a cycle (a `Cycle`, or a row with its dates and review window). Someone in post
    when it starts keeps the cycle's; a starter's count from their first day: each date moves on by as long as
    they started after the cycle did, objectives no later than a third of the way from their first day to the
    end-of-year review, and the mid-year review no later than halfway from their objectives to it (a teacher starting on 1 January agrees objectives by early March,
    not "31 October: overdue" before she has joined)."""
    late = max((started_on - cycle.starts_on).days, 0) if started_on else 0
    objectives = cycle.objectives_due
    if late:  # and within the first third of what is left of their year, so each step has time of its own
        objectives = max(objectives, min(objectives + timedelta(days=late),
                                         started_on + (cycle.end_of_year_due - started_on) / 3))
    halfway = objectives + (cycle.end_of_year_due - objectives) / 2
    mid_year = max(min(cycle.mid_year_due + timedelta(days=late), halfway), objectives)
    window = timedelta(weeks=cycle.review_window_weeks)
    # a review opens its window before it is due, but not before the person starts (outsider 4, issue 20: a starter
    # on 30 March had a mid-year review opening on 16 March); each review also waits for the step before it is done
    first = max(started_on or cycle.starts_on, cycle.starts_on)  # not before the cycle starts, nor before they do
    return KeyDates(objectives, mid_year, cycle.end_of_year_due, mid_year_opens_on=max(mid_year - window, first),
                    end_of_year_opens_on=max(cycle.end_of_year_due - window, first))


@dataclass(frozen=True)
class KeyDates:
    """When one person's appraisal steps are due, and when each review opens (a window before it is due, as long
    as the cycle sets: a review is not written, nor signed off, in December for July)."""

    objectives_due: date
    mid_year_due: date
    end_of_year_due: date
    mid_year_opens_on: date
    end_of_year_opens_on: date

    def due(self) -> dict[str, date]:
        return {"objectives": self.objectives_due, "mid_year_review": self.mid_year_due,
                "end_of_year_review": self.end_of_year_due}

    def review_due(self, stage: "Stage") -> date:
        return self.mid_year_due if stage == Stage.MID_YEAR else self.end_of_year_due

    def opens_on(self, stage: "Stage") -> date:
        return self.mid_year_opens_on if stage == Stage.MID_YEAR else self.end_of_year_opens_on


@dataclass(eq=False)
class ProgressUpdate:
    objective_id: uuid.UUID
    recorded_by: uuid.UUID
    recorded_on: date
    note: str
    evidence: str | None = None
    id: uuid.UUID = field(default_factory=uuid.uuid4)


@dataclass(eq=False)
class Objective:
    appraisal_id: uuid.UUID
    title: str
    description: str  # the SMART objective in full
    type: ObjectiveType
    success_criteria: str
    weighting: int | None = None  # percent; if any objective is weighted, they must add up to 100
    standards: list[str] = field(default_factory=list)  # Teachers' Standards codes, for teachers
    job_areas: list[str] = field(default_factory=list)  # job-description areas, for support staff
    priorities: list[str] = field(default_factory=list)  # trust/academy improvement priorities
    priority_id: uuid.UUID | None = None  # the one priority in the cascade it serves (domain/priorities.py)
    position: int = 0
    progress: list[ProgressUpdate] = field(default_factory=list)
    id: uuid.UUID = field(default_factory=uuid.uuid4)

    def __post_init__(self) -> None:
        self.check()

    def check(self) -> None:
        self.type = one_of(ObjectiveType, self.type, "an objective type")
        unknown = [code for code in self.standards if code not in TEACHERS_STANDARDS]
        if unknown:
            raise AppraisalError(f"not Teachers' Standards: {', '.join(unknown)} (use TS1–TS8 or PART2)")
        if self.weighting is not None and not 0 < self.weighting <= 100:
            raise AppraisalError(f"a weighting is a percentage from 1 to 100 (got {self.weighting})")


@dataclass(frozen=True)
class DevelopmentNeed:
    """Something a review found the reviewee should develop, for CPD to offer support with."""

    area: str
    description: str
    suggested_support: str | None = None
    id: uuid.UUID = field(default_factory=uuid.uuid4)

    def stored(self) -> dict:
        return {"id": str(self.id), "area": self.area, "description": self.description,
                "suggested_support": self.suggested_support}


@dataclass(frozen=True)
class Assessment:
    """How far one objective was met, and why."""

    rating: str
    comment: str = ""

    def stored(self) -> dict:
        return {"rating": self.rating, "comment": self.comment}


@dataclass(eq=False)
class Review:
    appraisal_id: uuid.UUID
    stage: Stage
    assessments: dict[str, dict]  # objective id → {"rating": Rating, "comment": str}
    overall_outcome: Outcome
    completed_by: uuid.UUID
    completed_on: date
    summary: str = ""
    teaching_judgement: TeachingJudgement | None = None
    pay_recommendation: PayRecommendation | None = None
    development_needs: list[dict] = field(default_factory=list)
    reviewee_comments: str | None = None
    # The appraiser had not completed appraisal training: the review stands, but HR is told.
    appraiser_untrained: bool = False
    id: uuid.UUID = field(default_factory=uuid.uuid4)

    @classmethod
    def written(cls, appraisal_id: uuid.UUID, stage: Stage, by: uuid.UUID, on: date,
                assessments: dict[uuid.UUID | str, Assessment], overall_outcome: str, *, summary: str = "",
                teaching_judgement: str | None = None, pay_recommendation: str | None = None,
                development_needs: list[DevelopmentNeed] = ()) -> "Review":
        """A review as the appraiser writes it, kept as it is stored (assessments by objective id, needs as a list)."""
        return cls(appraisal_id=appraisal_id, stage=stage, completed_by=by, completed_on=on,
                   assessments={str(k): a.stored() for k, a in assessments.items()}, overall_outcome=overall_outcome,
                   summary=summary, teaching_judgement=teaching_judgement, pay_recommendation=pay_recommendation,
                   development_needs=[need.stored() for need in development_needs])


@dataclass(eq=False)
class Observation:
    appraisal_id: uuid.UUID
    kind: ObservationKind
    observer_id: uuid.UUID
    observed_on: date
    focus: str
    strengths: str = ""
    areas_to_develop: str = ""  # "Next steps" on screen
    # From issue 24 (domain/observations.py): the template it was recorded on (None: before templates, or none
    # chosen), its grades (criterion key -> grade label, checked against the template), the department, subject or
    # phase observed, and the QA round it was part of (the QA map's; no foreign key).
    template_id: uuid.UUID | None = None
    grades: dict[str, str] = field(default_factory=dict)
    department: str | None = None
    qa_round_id: uuid.UUID | None = None
    notice_given_on: date | None = None  # when the observed teacher was told it would happen
    id: uuid.UUID = field(default_factory=uuid.uuid4)

    def __post_init__(self) -> None:
        self.kind = one_of(ObservationKind, self.kind, "an observation kind")
        self.grades = dict(self.grades or {})

    def check_notice(self, notice_days: int | None) -> None:
        """A template that needs notice (issue 24): the teacher was told at least `notice_days` days before, and not
        after it happened. With no notice needed, a date told is still kept if given."""
        if self.notice_given_on is not None and self.notice_given_on > self.observed_on:
            raise AppraisalError(f"the teacher was told on {self.notice_given_on:%-d %B %Y}, after the observation on "
                                 f"{self.observed_on:%-d %B %Y}; give the day they were told",
                                 field="notice_given_on")
        if not notice_days:
            return
        if self.notice_given_on is None:
            raise AppraisalError(f"this kind of observation needs {notice_days} days' notice: say when the teacher "
                                 "was told", field="notice_given_on")
        given = (self.observed_on - self.notice_given_on).days
        if given < notice_days:
            raise AppraisalError(f"this kind of observation needs {notice_days} days' notice, and the teacher had "
                                 f"{given} (told on {self.notice_given_on:%-d %B %Y}, observed on "
                                 f"{self.observed_on:%-d %B %Y}); move it to {self.notice_given_on + timedelta(days=notice_days):%-d %B %Y} or later, "
                                 "or record it as a drop-in", field="notice_given_on")


@dataclass(eq=False)
class ActionStep:
    """A coaching action step (issue 24): what the appraiser or coach and the teacher agreed to work on after an
    observation or coaching session, when they will look at it again, and what was seen then."""

    appraisal_id: uuid.UUID
    step: str
    agreed_on: date
    follow_up_on: date
    set_by: uuid.UUID
    observation_id: uuid.UUID | None = None
    followed_up_on: date | None = None
    seen_at_follow_up: str | None = None
    followed_up_by: uuid.UUID | None = None
    id: uuid.UUID = field(default_factory=uuid.uuid4)

    def __post_init__(self) -> None:
        if self.follow_up_on < self.agreed_on:
            raise AppraisalError(f"the follow-up comes after the step is agreed ({self.agreed_on:%-d %B %Y}), not on "
                                 f"{self.follow_up_on:%-d %B %Y}", field="follow_up_on")  # it read backwards (outsider, issue 24)
        if (self.follow_up_on - self.agreed_on).days > 366:
            raise AppraisalError("a follow-up is within a year of agreeing the step: choose a date no later than "
                                 f"{self.agreed_on + timedelta(days=366):%-d %B %Y}", field="follow_up_on")

    def follow_up(self, on: date, seen: str, by: uuid.UUID) -> None:
        if self.followed_up_on is not None:
            raise IllegalTransition(f"this action step was followed up on {self.followed_up_on:%-d %B %Y}; agree a "
                                    "new step to carry it on")
        if on < self.agreed_on:
            raise AppraisalError(f"a follow-up is on or after the day the step was agreed ({self.agreed_on:%-d %B %Y})")
        self.followed_up_on, self.seen_at_follow_up, self.followed_up_by = on, seen, by


class MeetingKind(StrEnum):
    OBJECTIVE_SETTING = "objective_setting"
    MID_YEAR_REVIEW = "mid_year_review"
    END_OF_YEAR_REVIEW = "end_of_year_review"


@dataclass(eq=False)
class Meeting:
    appraisal_id: uuid.UUID
    kind: MeetingKind
    starts_at: datetime  # timezone-aware
    minutes: int
    location: str
    id: uuid.UUID = field(default_factory=uuid.uuid4)

    def __post_init__(self) -> None:
        self.kind = one_of(MeetingKind, self.kind, "a meeting kind")
        if self.starts_at.tzinfo is None:
            raise AppraisalError("a meeting time needs a time zone (e.g. 2026-10-05T15:30:00+01:00)")
        if not 5 <= self.minutes <= 480:
            raise AppraisalError(f"a meeting lasts between 5 and 480 minutes (got {self.minutes})")


# What an erased record says where text about the person was (issue 21).
ERASED = "Removed when the record's retention ended"


@dataclass(eq=False)
class Appraisal(Aggregate):
    cycle_id: uuid.UUID
    reviewee_id: uuid.UUID
    academy_id: uuid.UUID
    template: StaffGroup
    appraiser_id: uuid.UUID | None = None
    appraiser_set_by_hr: bool = False  # if not, the appraiser follows the line manager
    status: Status = Status.NOT_STARTED
    objectives_agreed_by_appraiser_on: date | None = None
    objectives_agreed_by_reviewee_on: date | None = None
    signed_off_on: date | None = None
    sign_off_comment: str | None = None
    support_plan: bool = False
    support_plan_notes: str | None = None
    finished_reason: str | None = None
    objectives: list[Objective] = field(default_factory=list)
    reviews: list[Review] = field(default_factory=list)
    observations: list[Observation] = field(default_factory=list)
    meetings: list[Meeting] = field(default_factory=list)
    action_steps: list[ActionStep] = field(default_factory=list)  # coaching (issue 24)
    id: uuid.UUID = field(default_factory=uuid.uuid4)

    def __post_init__(self) -> None:
        self.template = StaffGroup(self.template)
        self.status = Status(self.status)

    def ref(self) -> dict:
        """Whose appraisal this is, as every event about it says."""
        return {"appraisal_id": self.id, "cycle_id": self.cycle_id, "reviewee_id": self.reviewee_id,
                "appraiser_id": self.appraiser_id, "academy_id": self.academy_id}

    def erase(self) -> None:
        """The reviewee's personnel file reached the end of its retention (issue 21): keep what reports count
        (status, dates, ratings, outcomes, judgements), not what was written about the person."""
        self.sign_off_comment = self.support_plan_notes = None
        for objective in self.objectives:
            objective.title = f"Objective {objective.position + 1}"
            objective.description = objective.success_criteria = ERASED
            for update in objective.progress:
                update.note, update.evidence = ERASED, None
        for review in self.reviews:
            review.summary, review.reviewee_comments = ERASED, None
            review.assessments = {key: {**value, "comment": ""} for key, value in review.assessments.items()}
            review.development_needs = [{**need, "area": ERASED, "description": ERASED, "suggested_support": None}
                                        for need in review.development_needs]
        for observation in self.observations:
            observation.focus, observation.strengths, observation.areas_to_develop = ERASED, "", ""
        for meeting in self.meetings:
            meeting.location = ERASED
        for step in self.action_steps:
            step.step = ERASED
            step.seen_at_follow_up = ERASED if step.seen_at_follow_up is not None else None

    # -- guards -----------------------------------------------------------------------------
    def _needs(self, *statuses: Status, to: str) -> None:
        if self.status not in statuses:
            wanted = " or ".join(f"'{s.label}'" for s in statuses)
            raise IllegalTransition(f"to {to} the appraisal must be {wanted} (it is '{self.status.label}')")

    def _in_progress(self, to: str) -> None:
        self._needs(*IN_PROGRESS, to=to)

    def objective(self, objective_id: uuid.UUID) -> Objective:
        for objective in self.objectives:
            if objective.id == objective_id:
                return objective
        raise AppraisalError(f"objective {objective_id} is not part of appraisal {self.id}")

    def review(self, stage: Stage) -> Review | None:
        return next((r for r in self.reviews if r.stage == stage), None)

    # -- objectives -------------------------------------------------------------------------
    def add_objective(self, objective: Objective) -> None:
        self._needs(Status.NOT_STARTED, to="add an objective")
        if len(self.objectives) >= MAX_OBJECTIVES:
            raise AppraisalError(f"an appraisal has at most {MAX_OBJECTIVES} objectives; combine or remove one first")
        self._check_fits(objective)
        objective.appraisal_id, objective.position = self.id, len(self.objectives)
        self.objectives.append(objective)
        self._reset_agreement()

    def change_objective(self, objective_id: uuid.UUID, changes: dict) -> list[str]:
        self._needs(Status.NOT_STARTED, to="change an objective once agreed")
        objective = self.objective(objective_id)
        before = {name: getattr(objective, name) for name in changes}
        for name, value in changes.items():
            setattr(objective, name, value)
        try:
            objective.check()
            self._check_fits(objective)
        except AppraisalError:
            # A refused change leaves the objective exactly as it was.
            for name, value in before.items():
                setattr(objective, name, value)
            raise
        changed = [name for name in changes if getattr(objective, name) != before[name]]
        if changed:
            self._reset_agreement()
        return changed

    def remove_objective(self, objective_id: uuid.UUID) -> Objective:
        self._needs(Status.NOT_STARTED, to="remove an objective")
        objective = self.objective(objective_id)
        self.objectives.remove(objective)
        self._reset_agreement()
        return objective

    def _check_fits(self, objective: Objective) -> None:
        if objective.standards and self.template != StaffGroup.TEACHERS:
            raise AppraisalError("Teachers' Standards apply to teachers' appraisals; use job-description areas")

    def _reset_agreement(self) -> None:
        # Agreement is to a set of objectives: any change needs both parties to agree again.
        self.objectives_agreed_by_appraiser_on = self.objectives_agreed_by_reviewee_on = None

    def agree_objectives(self, by: uuid.UUID, on: date, dates: KeyDates) -> bool:
        """One party agrees; True when this completes agreement by both (announced, with whether it was on time by
        the reviewee's own dates)."""
        self._needs(Status.NOT_STARTED, to="agree objectives")
        if not self.objectives:
            raise AppraisalError("set at least one objective before agreeing them")
        weights = [o.weighting for o in self.objectives]
        if any(w is not None for w in weights) and (None in weights or sum(weights) != 100):
            raise AppraisalError(f"objective weightings must all be set and add up to 100 (they add up to "
                                 f"{sum(w or 0 for w in weights)})")
        if by == self.appraiser_id:
            self.objectives_agreed_by_appraiser_on = on
        elif by == self.reviewee_id:
            self.objectives_agreed_by_reviewee_on = on
        else:
            raise NotAllowed("objectives are agreed by the appraiser and the reviewee")
        if self.objectives_agreed_by_appraiser_on and self.objectives_agreed_by_reviewee_on:
            self.status = Status.OBJECTIVES_AGREED
            self.record(events.ObjectivesAgreed(**self.ref(), agreed_on=on, due_on=dates.objectives_due,
                                                on_time=on <= dates.objectives_due,
                                                objective_count=len(self.objectives)))
            return True
        return False

    def record_progress(self, update: ProgressUpdate) -> None:
        self._needs(Status.OBJECTIVES_AGREED, Status.MID_YEAR_REVIEWED, to="record progress")
        self.objective(update.objective_id).progress.append(update)

    # -- reviews ----------------------------------------------------------------------------
    def complete_review(self, review: Review, *, pay_recommendations: bool, appraiser_trained: bool,
                        dates: KeyDates) -> Review:
        review.stage = stage = one_of(Stage, review.stage, "a review stage")
        self._needs(STAGE_NEEDS[stage], to=f"complete the {stage.value.replace('_', '-')} review")
        opens = dates.opens_on(stage)
        if review.completed_on < opens:
            raise IllegalTransition(f"the {stage.value.replace('_', '-')} review opens on {opens:%-d %B %Y}, "
                                    f"shortly before it is due on {dates.review_due(stage):%-d %B %Y}")
        if review.completed_by != self.appraiser_id:
            raise NotAllowed("only the appraiser completes a review")
        ids = {str(o.id) for o in self.objectives}
        given = set(review.assessments)
        if given != ids:
            missing, extra = ids - given, given - ids
            detail = []
            if missing:
                detail.append(f"assess every objective (missing {', '.join(sorted(missing))})")
            if extra:
                detail.append(f"these are not this appraisal's objectives: {', '.join(sorted(extra))}")
            raise AppraisalError("; ".join(detail))
        for assessment in review.assessments.values():
            assessment["rating"] = one_of(Rating, assessment.get("rating"), "a rating")
        review.overall_outcome = one_of(Outcome, review.overall_outcome, "the overall outcome")
        if review.teaching_judgement is not None:
            review.teaching_judgement = one_of(TeachingJudgement, review.teaching_judgement, "a teaching judgement")
        if review.pay_recommendation is not None:
            review.pay_recommendation = one_of(PayRecommendation, review.pay_recommendation, "a pay recommendation")
        if stage == Stage.END_OF_YEAR and self.template == StaffGroup.TEACHERS and review.teaching_judgement is None:
            raise AppraisalError("the end-of-year review of a teacher records a teaching-quality judgement")
        if review.teaching_judgement is not None and self.template == StaffGroup.SUPPORT:
            raise AppraisalError("a teaching-quality judgement applies to teachers and leaders, not support staff")
        if review.pay_recommendation is not None and not (pay_recommendations and stage == Stage.END_OF_YEAR):
            raise AppraisalError("this cycle takes a pay recommendation at the end-of-year review only"
                                 if pay_recommendations else "this cycle does not take pay recommendations")
        review.appraisal_id = self.id
        review.appraiser_untrained = not appraiser_trained
        self.reviews.append(review)
        self.status = STAGE_LEADS_TO[stage]
        due = dates.review_due(stage)
        self.record(events.ReviewCompleted(
            **self.ref(), stage=stage.value, overall_outcome=review.overall_outcome,
            teaching_judgement=review.teaching_judgement, pay_recommendation=review.pay_recommendation,
            completed_on=review.completed_on, due_on=due, on_time=review.completed_on <= due,
            appraiser_untrained=review.appraiser_untrained))
        for need in review.development_needs:  # for CPD to offer support
            self.record(events.DevelopmentNeedIdentified(
                **self.ref(), need_id=uuid.UUID(str(need["id"])), stage=stage.value, area=need["area"],
                description=need["description"], suggested_support=need["suggested_support"],
                identified_on=review.completed_on))
        return review

    def comment_on_review(self, stage: Stage, by: uuid.UUID, comments: str) -> Review:
        if by != self.reviewee_id:
            raise NotAllowed("the reviewee adds their own comments to a review")
        review = self.review(Stage(stage))
        if review is None:
            raise IllegalTransition(f"there is no {Stage(stage).value.replace('_', '-')} review to comment on yet")
        if self.status in FINISHED:
            raise IllegalTransition(f"the appraisal is '{self.status.label}'; comments are closed")
        review.reviewee_comments = comments
        return review

    def sign_off(self, by: uuid.UUID, on: date, comment: str | None) -> None:
        self._needs(Status.END_OF_YEAR_REVIEWED, to="sign off")
        if by != self.reviewee_id:
            raise NotAllowed("the reviewee signs off their own appraisal")
        self.status, self.signed_off_on, self.sign_off_comment = Status.SIGNED_OFF, on, comment
        self.record(events.SignedOff(**self.ref(), signed_off_on=on))

    # -- evidence and support -------------------------------------------------------------
    def add_observation(self, observation: Observation, cap: int | None) -> None:
        self._in_progress("record an observation")
        if observation.observer_id == self.reviewee_id:
            raise AppraisalError("an observation is made by someone other than the reviewee")
        if cap is not None and len(self.observations) >= cap:
            raise IllegalTransition(f"this cycle allows at most {cap} observations per appraisal "
                                    f"(appraisal {self.id} has {len(self.observations)})")
        observation.appraisal_id = self.id
        self.observations.append(observation)
        self.observations.sort(key=lambda o: o.observed_on)  # in date order, as they happened (outsider, issue 20)

    def agree_action_step(self, step: ActionStep) -> None:
        """A coaching action step, from one of this appraisal's observations or a coaching conversation."""
        self._in_progress("agree a coaching action step")
        if step.observation_id is not None and all(o.id != step.observation_id for o in self.observations):
            raise AppraisalError("the observation it comes from is not part of this appraisal")
        step.appraisal_id = self.id
        self.action_steps.append(step)
        self.action_steps.sort(key=lambda s: (s.agreed_on, s.follow_up_on))

    def follow_up_action_step(self, step_id: uuid.UUID, on: date, seen: str, by: uuid.UUID) -> ActionStep:
        self._in_progress("follow up a coaching action step")
        step = next((s for s in self.action_steps if s.id == step_id), None)
        if step is None:
            # the same for a step that does not exist and one of another appraisal's; no ids on screen (outsider)
            raise AppraisalError("this appraisal has no such coaching action step")
        step.follow_up(on, seen, by)
        return step

    def schedule(self, meeting: Meeting) -> None:
        self._in_progress("arrange a meeting")
        meeting.appraisal_id = self.id
        self.meetings.append(meeting)

    def set_support_plan(self, on_plan: bool, notes: str | None) -> None:
        self._in_progress("change a support plan")
        self.support_plan, self.support_plan_notes = on_plan, notes

    # -- who appraises --------------------------------------------------------------------
    def reassign(self, appraiser_id: uuid.UUID, *, by_hr: bool) -> None:
        self._in_progress("change the appraiser")
        if appraiser_id == self.reviewee_id:
            raise AppraisalError("nobody appraises themselves")
        previous = self.appraiser_id
        self._change_appraiser(appraiser_id)
        self.appraiser_set_by_hr = by_hr or self.appraiser_set_by_hr
        if appraiser_id != previous:  # HR confirming the appraiser it has keeps them, and is no news to anyone
            self.record(events.AppraiserAssigned(**self.ref(), previous_appraiser_id=previous, by_hr=by_hr))

    def _change_appraiser(self, appraiser_id: uuid.UUID) -> None:
        # Objectives are agreed by the reviewee and *their* appraiser: a new appraiser agrees for themselves.
        if appraiser_id != self.appraiser_id and self.status == Status.NOT_STARTED:
            self.objectives_agreed_by_appraiser_on = None
        self.appraiser_id = appraiser_id

    def follow_line_manager(self, line_manager_id: uuid.UUID | None) -> bool:
        """A new line manager becomes the appraiser, unless HR chose the appraiser."""
        if self.status not in IN_PROGRESS or self.appraiser_set_by_hr or line_manager_id in (None, self.appraiser_id):
            return False
        previous = self.appraiser_id
        self._change_appraiser(line_manager_id)
        self.record(events.AppraiserAssigned(**self.ref(), previous_appraiser_id=previous, by_hr=False))
        return True

    def close(self, reason: str) -> bool:
        """Ends it without sign-off (the reviewee left or moved, or the cycle closed); False if it had ended."""
        if self.status not in IN_PROGRESS:
            return False
        self.status, self.finished_reason = Status.CLOSED, reason
        self.record(events.Closed(**self.ref(), status=self.status.value, reason=reason))
        return True

    def withdraw(self, reason: str) -> None:
        self._in_progress("withdraw it")
        self.status, self.finished_reason = Status.WITHDRAWN, reason
        self.record(events.Closed(**self.ref(), status=self.status.value, reason=reason))

    def withdraw_for_induction(self, induction_starts_on: date | None) -> bool:
        """The reviewee serves statutory induction during the cycle (a mid-year start): appraisal does not apply to
        them while they do, so the appraisal is withdrawn, with the reason both of them read; False if it had ended
        (a signed-off appraisal stays on record as it is)."""
        if self.status not in IN_PROGRESS:
            return False
        self.withdraw(withdrawal_reason(induction_starts_on))
        return True

    # -- deadlines ------------------------------------------------------------------------
    def missed(self, dates: KeyDates, today: date) -> list[str]:
        """Key dates (the reviewee's own: `Cycle.key_dates`) that have passed without the step they are for."""
        if self.status not in IN_PROGRESS:
            return []
        reached = IN_PROGRESS.index(self.status)
        return [milestone for step, (milestone, due) in enumerate(dates.due().items(), start=1)
                if today > due and reached < step]

    def notice_overdue(self, dates: KeyDates, today: date, noticed: set[str]) -> list[str]:
        """Announce each key date missed and not yet `noticed` (once each, late if need be); returns them."""
        due = dates.due()
        new = [milestone for milestone in self.missed(dates, today) if milestone not in noticed]
        for milestone in new:
            self.record(events.Overdue(**self.ref(), milestone=milestone, due_on=due[milestone],
                                       days_overdue=(today - due[milestone]).days))
        return new

    def overdue_step(self, dates: KeyDates, cycle_ends_on: date, today: date) -> tuple[str, date] | None:
        """The step it is late with and the date that was due (the reviewee's own dates), or None; sign-off is late
        once the cycle has ended."""
        missed = self.missed(dates, today)
        if missed:
            return missed[0], dates.due()[missed[0]]
        if self.status == Status.END_OF_YEAR_REVIEWED and today > cycle_ends_on:
            return "sign_off", cycle_ends_on
        return None

    def remind(self, milestone: str, due_on: date, today: date, by: uuid.UUID | None, note: str | None) -> None:
        """HR reminded whoever must act on the step that is late."""
        self.record(events.ReminderSent(**self.ref(), milestone=milestone, due_on=due_on,
                                        days_overdue=(today - due_on).days, sent_by_id=by, note=note or None))
