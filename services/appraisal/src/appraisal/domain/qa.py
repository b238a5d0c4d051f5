"""The trust's quality-assurance map (issue 24): calendared QA rounds on an observation template, the map of
strengths, areas for development and areas of intervention they roll up into (per academy, department and
criterion), what a viewer may see of it, how each cell moved since the round before, and the actions taken from a
cell (share a strength, set a challenge, plan an intervention)."""
from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from enum import StrEnum
from fractions import Fraction
from typing import Iterable

from staffroom_shared.domain import Aggregate

from .model import AppraisalError, StaffGroup, one_of
from .observations import Band, Criterion, Template, bands, same_department, tidy_department
from .viewers import Whose, may_see

MAX_SERIES = 12  # a school year's six-weekly rounds, and some
MAX_INTERVAL_WEEKS = 26
# Whose observations a QA round (and so its map) takes: teachers', and leaders' (who teach, and whose end-of-year
# review records a teaching judgement too); never support staff's.
OBSERVED_GROUPS = (StaffGroup.TEACHERS, StaffGroup.LEADERS)
RANK = {Band.INTERVENTION: 0, Band.DEVELOPMENT: 1, Band.STRENGTH: 2}


# -- rounds ------------------------------------------------------------------------------------------------------

@dataclass(eq=False)
class QaRound(Aggregate):
    """One calendared QA round: observations on `template_id` in the covered academies between two dates."""

    name: str
    template_id: uuid.UUID
    academy_ids: list[uuid.UUID]
    starts_on: date
    ends_on: date
    series_id: uuid.UUID | None = None  # the rounds made together ("every six weeks") share one
    created_by: uuid.UUID | None = None
    created_at: datetime = field(default_factory=lambda: datetime.now(timezone.utc))
    id: uuid.UUID = field(default_factory=uuid.uuid4)

    def __post_init__(self) -> None:
        self.academy_ids = sorted(set(self.academy_ids), key=str)
        if not self.name or not self.name.strip():
            raise AppraisalError("a QA round needs a name, such as 'Autumn 1 drop-ins'", field="name")
        if not self.academy_ids:
            raise AppraisalError("a QA round covers at least one academy", field="academy_ids")
        if self.ends_on < self.starts_on:
            raise AppraisalError(f"this QA round would end on {self.ends_on:%-d %B %Y}, before it starts on "
                                 f"{self.starts_on:%-d %B %Y}: choose an end date on or after the start",
                                 field="ends_on")

    def covers(self, academy_id: uuid.UUID | None) -> bool:
        return academy_id in self.academy_ids

    def admits(self, template_id: uuid.UUID | None, observed_on: date, academy_id: uuid.UUID,
               staff_group: StaffGroup = StaffGroup.TEACHERS, now_support: bool = False) -> str | None:
        """Why an observation cannot be part of this round (None: it can): the round's template, within its dates,
        of a teacher (an appraisal of teachers or leaders, `OBSERVED_GROUPS`, of someone who is not now support
        staff) in an academy it covers."""
        if staff_group not in OBSERVED_GROUPS:
            # outsider, issue 24: an office manager's observation counted as a teacher's on the map
            return (f"the QA round '{self.name}' maps teaching, and this is a support-staff appraisal: record the "
                    "observation without the round")
        if now_support:  # outsider O5 F4: moved to a support post mid-year, still on this year's teachers' appraisal
            return (f"the QA round '{self.name}' maps teaching, and this colleague is now in a support post: record "
                    "the observation without the round")
        if template_id != self.template_id:
            return f"the QA round '{self.name}' uses its own template: record the observation on that one"
        if not self.starts_on <= observed_on <= self.ends_on:
            return (f"the QA round '{self.name}' runs from {self.starts_on:%-d %B %Y} to {self.ends_on:%-d %B %Y}; "
                    "the observation's date is outside it")
        if not self.covers(academy_id):
            return f"the QA round '{self.name}' does not cover this teacher's academy"
        return None

    def has_ended(self, today: date) -> bool:
        return self.ends_on < today


# How far from today a round may be calendared: two years either way. Back, so that a trust can enter last year's and
# the year before's rounds (run on paper) and see how cells moved since; ahead, this school year and the next, as far
# as a trust plans its QA calendar. Beyond them a date is a typing slip (outsider, issue 24: single rounds dated 1900
# and 2100 were calendared).
ROUND_SPAN = timedelta(days=731)


def check_round_dates(dates: list[tuple[date, date]], today: date, *, series: bool = False) -> None:
    """Refuses rounds starting or ending more than `ROUND_SPAN` from today, pointing at the field to change."""
    earliest, latest = today - ROUND_SPAN, today + ROUND_SPAN
    span = f"from {earliest:%-d %B %Y} to {latest:%-d %B %Y}"
    first, last = dates[0][0], dates[-1][1]
    if not earliest <= first <= latest:
        raise AppraisalError(f"a QA round starting on {first:%-d %B %Y} is too far from today: choose a start date "
                             f"within two years, {span}", field="starts_on")
    if last > latest:
        if series:
            raise AppraisalError(f"this series would run until {last:%-d %B %Y}, more than two years ahead: calendar "
                                 f"fewer rounds, or rounds closer together, so that the last ends by {latest:%-d %B %Y}",
                                 field="count")
        raise AppraisalError(f"a QA round ending on {last:%-d %B %Y} is too far ahead: choose an end date by "
                             f"{latest:%-d %B %Y}", field="ends_on")


def in_august(day: date) -> bool:
    return day.month == 8


def series_dates(starts_on: date, count: int, interval_weeks: int) -> list[tuple[date, date]]:
    """The dates of `count` rounds, one every `interval_weeks` from `starts_on`, each lasting until the day before the
    next. The summer holiday is skipped: no round runs in August; one that would start there starts on the first
    Monday of September instead (and the series carries on from it), and one that would run into August ends on
    31 July."""
    if not 1 <= count <= MAX_SERIES:
        raise AppraisalError(f"a series has 1 to {MAX_SERIES} rounds (got {count})", field="count")
    if not 1 <= interval_weeks <= MAX_INTERVAL_WEEKS:
        raise AppraisalError(f"rounds come every 1 to {MAX_INTERVAL_WEEKS} weeks (got {interval_weeks})",
                             field="interval_weeks")
    step = timedelta(weeks=interval_weeks)
    found: list[tuple[date, date]] = []
    start = starts_on
    for _ in range(count):
        if in_august(start):
            start = first_monday_of_september(start.year)
        end = start + step - timedelta(days=1)
        if start.month <= 7 and end >= date(start.year, 8, 1):
            end = date(start.year, 7, 31)
        found.append((start, end))
        start = start + step
    return found


def first_monday_of_september(year: int) -> date:
    day = date(year, 9, 1)
    return day + timedelta(days=(7 - day.weekday()) % 7)


def series_names(name: str, count: int) -> list[str]:
    return [name] if count == 1 else [f"{name} ({n} of {count})" for n in range(1, count + 1)]


# -- the map -----------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Seen:
    """One observation in a round, as the map needs it: whose, where, when, and the bands of its grades."""

    teacher_id: uuid.UUID
    academy_id: uuid.UUID
    department: str | None
    observed_on: date
    bands: dict[str, Band]  # criterion key -> band
    appraiser_id: uuid.UUID | None = None
    recorded: int = 0  # tie-break between two observations of one teacher on one day: the later recorded

    @classmethod
    def of(cls, template: Template, *, teacher_id, academy_id, department, observed_on, grades,
           appraiser_id=None, recorded=0) -> "Seen":
        return cls(teacher_id, academy_id, tidy_department(department), observed_on, bands(template, grades),
                   appraiser_id, recorded)


NO_DEPARTMENT = "Department not given"


@dataclass(frozen=True, eq=False)
class CellKey:
    """A cell: academy x department x criterion; department None is the academy's total, academy None the trust's.
    Departments match as `same_department` matches them (rows stored as "English", "english ", "ENGLISH" and
    "English\u200b" are one cell, shown in the spelling first met), in this round, the round before and an action's
    alike."""

    criterion: str
    academy_id: uuid.UUID | None = None
    department: str | None = None

    @property
    def _matched(self) -> tuple:
        return (self.criterion, self.academy_id, None if self.department is None else same_department(self.department))

    def __eq__(self, other) -> bool:
        return isinstance(other, CellKey) and self._matched == other._matched

    def __hash__(self) -> int:
        return hash(self._matched)

    @property
    def is_trust_total(self) -> bool:
        return self.academy_id is None

    @property
    def is_academy_total(self) -> bool:
        return self.academy_id is not None and self.department is None


def band_of(counts: Counter) -> Band | None:
    """The cell's band from the shares of its teachers' bands: an area of intervention when at least a third of them
    are 'intervention'; otherwise a strength when at least two thirds are 'strength'; otherwise an area for
    development. Intervention is checked first: a cell with a third needing intervention is not a strength."""
    total = sum(counts.values())
    if not total:
        return None
    if Fraction(counts[Band.INTERVENTION], total) >= Fraction(1, 3):
        return Band.INTERVENTION
    if Fraction(counts[Band.STRENGTH], total) >= Fraction(2, 3):
        return Band.STRENGTH
    return Band.DEVELOPMENT


@dataclass
class Cell:
    key: CellKey
    latest: dict[uuid.UUID, Seen]  # teacher -> their latest observation in the round grading this criterion

    @property
    def teachers(self) -> int:
        return len(self.latest)

    @property
    def counts(self) -> Counter:
        return Counter(seen.bands[self.key.criterion] for seen in self.latest.values())

    @property
    def band(self) -> Band | None:
        return band_of(self.counts)


def _later(a: Seen | None, b: Seen) -> Seen:
    return b if a is None or (b.observed_on, b.recorded) > (a.observed_on, a.recorded) else a


def cells(template: Template, seen: Iterable[Seen]) -> dict[CellKey, Cell]:
    """Every cell of a round's map with at least one teacher: each teacher counted once per cell, by their latest
    observation in the round that grades the criterion (in that department for a department's cell; anywhere in the
    academy for its total; anywhere in the trust for the trust's)."""
    found: dict[CellKey, dict[uuid.UUID, Seen]] = {}
    graded = [c.key for c in template.criteria if c.graded]
    for s in seen:
        for criterion in graded:
            if criterion not in s.bands:
                continue
            for key in (CellKey(criterion, s.academy_id, s.department or NO_DEPARTMENT),
                        CellKey(criterion, s.academy_id), CellKey(criterion)):
                latest = found.setdefault(key, {})
                latest[s.teacher_id] = _later(latest.get(s.teacher_id), s)
    return {key: Cell(key, latest) for key, latest in found.items()}


View = Whose  # whose teachers a viewer's map is made from


@dataclass(frozen=True)
class Viewer:
    """Who reads a map and which observations they may see. Their map is made from those observations alone, so no
    cell on it holds a teacher they may not see: no cell moves when one of those is observed (the outsider of issue
    24 read a department's cell before and after one more observation and had that teacher's grades), and no cell
    where every teacher has the same band tells them a grade they could not see already."""

    made_from: View
    academy_id: uuid.UUID | None = None  # a head's academy; a line manager's own
    staff_id: uuid.UUID | None = None  # a line manager: the appraiser whose reviewees they see

    def may_see(self, seen: Seen) -> bool:
        return may_see(self.made_from, self.academy_id, self.staff_id, seen.academy_id, seen.appraiser_id)

    @property
    def sees_trust_total(self) -> bool:
        return self.made_from is View.TRUST

    def academies(self, qa_round: QaRound, found: dict[CellKey, Cell]) -> list[uuid.UUID]:
        """The round's academies on this viewer's map: all for trust HR; the head's own; a line manager's own and
        any other their reviewees were observed in."""
        if self.made_from is View.TRUST:
            return list(qa_round.academy_ids)
        mine = {self.academy_id} | {key.academy_id for key in found if key.academy_id is not None}
        return [a for a in qa_round.academy_ids if a in mine]


def viewers_cells(template: Template, seen: Iterable[Seen], viewer: Viewer) -> dict[CellKey, Cell]:
    """The cells of a viewer's map, made only from the observations they may see; the trust's total only for those
    who see the whole trust (a head's or a line manager's 'trust' would be their own teachers under a wrong name)."""
    found = cells(template, [s for s in seen if viewer.may_see(s)])
    return {key: cell for key, cell in found.items() if not key.is_trust_total or viewer.sees_trust_total}


def teachers_in(found: dict[CellKey, Cell]) -> int:
    """How many teachers a map is made from (each once, whatever the cells they are in)."""
    return len({teacher for cell in found.values() for teacher in cell.latest})


class Movement(StrEnum):
    UP = "up"
    DOWN = "down"
    SAME = "same"
    NEW = "new"  # not on this viewer's map the round before


def movement(now: Band | None, before: Band | None) -> Movement:
    if before is None:
        return Movement.NEW
    if RANK[now] > RANK[before]:
        return Movement.UP
    return Movement.DOWN if RANK[now] < RANK[before] else Movement.SAME


def previous_round(this: QaRound, rounds: Iterable[QaRound]) -> QaRound | None:
    """The round a cell is compared with: the one before in the same series, or else the latest that ended before
    this one started on the same template."""
    earlier = [r for r in rounds if r.id != this.id and r.starts_on < this.starts_on]
    same_series = [r for r in earlier if this.series_id is not None and r.series_id == this.series_id]
    pool = same_series or [r for r in earlier if r.template_id == this.template_id and r.ends_on < this.starts_on]
    return max(pool, key=lambda r: (r.starts_on, r.created_at), default=None)


def dashboard_order(rounds: Iterable[QaRound], today: date, trust_academies: set[uuid.UUID] | None = None
                    ) -> list[QaRound]:
    """The rounds whose map the targets dashboard may show, in the order it tries them (it shows the first with an
    observed teacher on the viewer's map, else the first): those that have ended, newest first, then those still
    running, newest first; for trust HR (`trust_academies`, every academy of the trust) the rounds covering all of
    them before the rest within each. A round that has just started holds the few observations made so far (outsider,
    issue 24: one observation on the first day of a trust-wide round put '1 teacher, worse than last round' in place
    of the 101 teachers of the round before), so a finished round's map comes first; and one academy's own round
    (which any academy's HR may calendar) does not take the trust's map off trust HR's dashboard."""
    def newest_first(found):
        found = sorted(found, key=lambda r: (r.starts_on, r.ends_on, r.created_at), reverse=True)
        if trust_academies is None:
            return found
        trust_wide = [r for r in found if trust_academies <= set(r.academy_ids)]
        return trust_wide + [r for r in found if r not in trust_wide]

    started = [r for r in rounds if r.starts_on <= today]
    return (newest_first(r for r in started if r.has_ended(today))
            + newest_first(r for r in started if not r.has_ended(today)))


# -- sharing a strength ------------------------------------------------------------------------------------------

def latest_bands(seen: Iterable[Seen], criterion: str) -> dict[uuid.UUID, Seen]:
    """Each teacher's latest observation grading `criterion`."""
    latest: dict[uuid.UUID, Seen] = {}
    for s in seen:
        if criterion in s.bands:
            latest[s.teacher_id] = _later(latest.get(s.teacher_id), s)
    return latest


def suggest_pairs(strong: list[uuid.UUID], wanting: list[uuid.UUID]) -> list[tuple[uuid.UUID, uuid.UUID]]:
    """(coach, colleague) pairs: each colleague who wants coaching gets one coach, the coaches taking turns so that
    none coaches two before every coach has one; nobody coaches themselves."""
    pairs: list[tuple[uuid.UUID, uuid.UUID]] = []
    load = Counter({coach: 0 for coach in strong})
    for colleague in wanting:
        coaches = [c for c in strong if c != colleague]
        if not coaches:
            continue
        coach = min(coaches, key=lambda c: (load[c], strong.index(c)))
        load[coach] += 1
        pairs.append((coach, colleague))
    return pairs


# -- actions from a cell -----------------------------------------------------------------------------------------

class ActionKind(StrEnum):
    SHARE = "share"  # celebrate and share a strength: coaching pairs
    CHALLENGE = "challenge"  # an idea to trial, with a review date
    INTERVENTION = "intervention"  # success criteria, support, monitoring and a review date

    @property
    def label(self) -> str:
        return {"share": "shared strength", "challenge": "challenge", "intervention": "intervention"}[self.value]


class ActionStatus(StrEnum):
    PLANNED = "planned"
    UNDER_WAY = "under_way"
    REVIEWED = "reviewed"
    STOPPED = "stopped"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ")


REQUIRED = {ActionKind.SHARE: (), ActionKind.CHALLENGE: ("idea",),
            ActionKind.INTERVENTION: ("success_criteria", "support", "monitoring")}
DETAILS = ("idea", "success_criteria", "support", "monitoring")
# each detail as a sentence names it: "a challenge needs an idea to trial" (it said "needs idea")
NAMED = {"idea": "an idea to trial", "success_criteria": "success criteria", "support": "the support given",
         "monitoring": "how it is monitored"}


def in_words(names: list[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"

FINISHED = (ActionStatus.REVIEWED, ActionStatus.STOPPED)


@dataclass(eq=False)
class QaAction(Aggregate):
    """What a head or the trust decided to do about one cell of a round's map."""

    round_id: uuid.UUID
    criterion: str
    academy_id: uuid.UUID | None  # None: the trust's total
    department: str | None  # None: the academy's total
    kind: ActionKind
    owner_id: uuid.UUID
    band_then: Band | None  # the cell's band when the action was planned
    review_on: date | None = None
    details: dict[str, str] = field(default_factory=dict)
    status: ActionStatus = ActionStatus.PLANNED
    review_note: str | None = None
    created_by: uuid.UUID | None = None
    created_at: datetime = field(default_factory=lambda: datetime.now(timezone.utc))
    id: uuid.UUID = field(default_factory=uuid.uuid4)

    def __post_init__(self) -> None:
        self.kind = one_of(ActionKind, self.kind, "an action's kind")
        self.status = one_of(ActionStatus, self.status, "an action's status")
        self.details = {k: v for k, v in (self.details or {}).items() if k in DETAILS and v}
        missing = [name for name in REQUIRED[self.kind] if not self.details.get(name)]
        what = f"{'an' if self.kind.label[0] in 'aeiou' else 'a'} {self.kind.label}"
        if missing:
            raise AppraisalError(f"{what} needs {in_words([NAMED[name] for name in missing])}", field=missing[0])
        if self.kind != ActionKind.SHARE and self.review_on is None:
            raise AppraisalError(f"{what} needs a review date", field="review_on")
        if self.review_on is not None and self.review_on < self.created_at.date():
            # outsider, issue 24: a review dated a month before the action was planned was kept
            raise AppraisalError(f"{what} is reviewed on a day still to come: {self.review_on:%-d %B %Y} has passed",
                                 field="review_on")

    def move_to(self, status: ActionStatus, note: str | None, today: date) -> list:
        status = one_of(ActionStatus, status, "an action's status")
        if self.status in FINISHED and status != self.status:
            raise AppraisalError(f"this {self.kind.label} is {self.status.label}: plan a new one")
        if status == ActionStatus.REVIEWED and not (note or self.review_note):
            raise AppraisalError("say what the review found", field="review_note")
        before = [self.status.value, self.review_note]
        self.status, self.review_note = status, note if note is not None else self.review_note
        return [before, [self.status.value, self.review_note]]


@dataclass(eq=False)
class CoachingLink:
    """A confirmed pair from a shared strength: `coach_id` coaches `colleague_id` in a criterion."""

    action_id: uuid.UUID
    coach_id: uuid.UUID
    colleague_id: uuid.UUID
    criterion: str
    criterion_label: str
    academy_id: uuid.UUID | None
    created_at: datetime = field(default_factory=lambda: datetime.now(timezone.utc))
    id: uuid.UUID = field(default_factory=uuid.uuid4)


def coaching_criterion(criterion: str, templates: Iterable[Template]) -> Criterion:
    """The criterion a member of staff asks for coaching in: one that a template in use at their academy grades, the
    only kind a shared strength pairs colleagues on (outsider, issue 24: 'no-such-criterion' was taken)."""
    found = next((c for t in templates if not t.retired for c in t.criteria if c.key == criterion and c.graded), None)
    if found is None:
        raise AppraisalError("there is no such criterion in the observation templates your academy uses; ask for "
                             "coaching in one they grade", field="criterion")
    return found


@dataclass(eq=False)
class CoachingRequest:
    """A member of staff asks for coaching in a criterion (by its key, as templates name it)."""

    staff_id: uuid.UUID
    academy_id: uuid.UUID
    criterion: str
    created_at: datetime = field(default_factory=lambda: datetime.now(timezone.utc))
    id: uuid.UUID = field(default_factory=uuid.uuid4)
