"""Objectives that cascade (issue 24): trust priorities, academies' improvement-plan priorities, team priorities, the
objective templates HR keep per role, and how far the people whose objectives serve a priority have got."""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from .viewers import Whose, may_see
from .model import (
    FINISHED, GROUP_STAFF_TYPES, MAX_OBJECTIVES, Appraisal, AppraisalError, IllegalTransition, Objective, ObjectiveType,
    Rating, StaffGroup, StaffRecord, Stage, Status, one_of,
)


class Level(StrEnum):
    """Where a priority sits in the cascade: a trust's, an academy's improvement plan's, or a department's or team's."""

    TRUST = "trust"
    ACADEMY = "academy"
    TEAM = "team"

    @property
    def label(self) -> str:
        return {"trust": "trust priority", "academy": "academy improvement-plan priority",
                "team": "team priority"}[self.value]

    @property
    def a(self) -> str:
        """The label with its article, as a sentence needs it: "a team priority", "an academy ... priority"."""
        return f"{'an' if self.label[0] in 'aeiou' else 'a'} {self.label}"


# What someone is told of a priority they may not see: the same as of an id that was never a priority, so that a
# refusal tells no one that another academy's priority exists, nor its title (outsider, issue 24).
NO_SUCH_PRIORITY = "there is no such priority; choose one from the list"

# What each level links to (the one above it); an academy priority may also stand alone.
SERVES = {Level.ACADEMY: Level.TRUST, Level.TEAM: Level.ACADEMY}


def school_year_of(day: date) -> int:
    """The school year a day falls in, by the calendar year it starts in (1 August 2026 to 31 July 2027: 2026)."""
    return day.year if day.month >= 8 else day.year - 1


@dataclass(eq=False)
class Priority:
    """One priority in one school year. Archived, rather than deleted, once anything links to it."""

    level: Level
    school_year: int
    title: str
    description: str
    success_measure: str | None = None
    academy_id: uuid.UUID | None = None  # None for the trust's
    parent_id: uuid.UUID | None = None  # the priority it serves
    team: str | None = None  # a team priority's department or team, as the school names it
    owner_id: uuid.UUID | None = None  # a team priority's line manager
    archived: bool = False
    id: uuid.UUID = field(default_factory=uuid.uuid4)

    def __post_init__(self) -> None:
        self.level = one_of(Level, self.level, "a priority's level")
        if self.level == Level.TRUST and (self.academy_id or self.parent_id or self.team or self.owner_id):
            raise AppraisalError("a trust priority belongs to no academy, team or other priority",
                                 field="academy_id" if self.academy_id else "parent_id" if self.parent_id else
                                 "team" if self.team else "owner_id")
        if self.level != Level.TRUST and self.academy_id is None:
            raise AppraisalError(f"{self.level.a} names its academy", field="academy_id")
        if self.level == Level.TEAM and not (self.team and self.owner_id and self.parent_id):
            raise AppraisalError("a team priority names its department or team, the line manager who owns it and "
                                 "the academy priority it serves",
                                 field="team" if not self.team else "owner_id" if not self.owner_id else "parent_id")
        if self.level == Level.ACADEMY and (self.team or self.owner_id):
            raise AppraisalError("an academy priority has no team or owner; add a team priority for that",
                                 field="team" if self.team else "owner_id")

    def may_serve(self, parent: "Priority | None") -> None:
        """The link up the cascade is to the level above, in the same school year (and, for a team, its academy)."""
        if parent is None:
            if self.level == Level.TEAM:
                raise AppraisalError("a team priority serves one of its academy's improvement-plan priorities",
                                     field="parent_id")
            return
        if SERVES.get(self.level) != parent.level:
            raise AppraisalError(f"{self.level.a} serves {SERVES[self.level].a}" if self.level in SERVES
                                 else "a trust priority serves no other priority", field="parent_id")
        if parent.archived:
            raise AppraisalError(f"'{parent.title}' is archived; choose a current priority", field="parent_id")
        if parent.school_year != self.school_year:
            raise AppraisalError(f"'{parent.title}' is a priority for another school year", field="parent_id")
        if parent.level == Level.ACADEMY and parent.academy_id != self.academy_id:
            raise AppraisalError(f"'{parent.title}' is another academy's priority", field="parent_id")

    def change(self, changes: dict, parent: "Priority | None" = None) -> dict[str, list]:
        """Edit title, description, success measure, team, or the priority it serves; {field: [before, after]}."""
        if self.archived:
            raise IllegalTransition(f"'{self.title}' is archived; archived priorities are kept as they were")
        if "parent_id" in changes:
            self.may_serve(parent)
        before = {name: getattr(self, name) for name in changes}
        for name, value in changes.items():
            setattr(self, name, value)
        return {name: [before[name], value] for name, value in changes.items() if before[name] != value}

    def archive(self) -> None:
        if self.archived:
            raise IllegalTransition(f"'{self.title}' is already archived")
        self.archived = True

    def seen_by(self, academy_id: uuid.UUID | None) -> bool:
        """Whether staff of this academy can see it (and link an objective to it): the trust's, and their own."""
        return self.level == Level.TRUST or self.academy_id == academy_id

    def may_link(self, appraisal: Appraisal, school_year: int) -> None:
        """An objective of this appraisal (in a cycle of `school_year`) may serve this priority: one the reviewee's
        academy can see, current, and of that school year."""
        if not self.seen_by(appraisal.academy_id):
            raise AppraisalError(NO_SUCH_PRIORITY)
        if self.archived:
            raise AppraisalError(f"'{self.title}' is archived; choose a current priority")
        if self.school_year != school_year:
            raise AppraisalError(f"'{self.title}' is a priority for {self.school_year}/{(self.school_year + 1) % 100:02d}, "
                                 f"not this appraisal's school year")


def below(priority_id: uuid.UUID, priorities: list[Priority]) -> set[uuid.UUID]:
    """The priority and every priority under it in the cascade."""
    found, frontier = {priority_id}, [priority_id]
    while frontier:
        frontier = [p.id for p in priorities if p.parent_id in frontier and p.id not in found]
        found.update(frontier)
    return found


# -- templates ---------------------------------------------------------------------------------------------

def same_post(a: str | None, b: str | None) -> bool:
    """Posts as HR type them and as the directory holds them: "Year 6 Teacher" is "year 6 teacher "."""
    return bool(a and b) and " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


@dataclass(eq=False)
class ObjectiveTemplate:
    """An objective HR write once for everyone in a role, which line managers add as a draft and adapt."""

    title: str
    type: ObjectiveType
    description: str
    success_criteria: str
    post: str | None = None  # matched to the staff copy's post
    staff_group: StaffGroup | None = None  # teachers, support staff or leaders
    academy_id: uuid.UUID | None = None  # None: the trust's, for every academy
    priority_id: uuid.UUID | None = None
    id: uuid.UUID = field(default_factory=uuid.uuid4)

    def __post_init__(self) -> None:
        self.check()

    def check(self) -> None:
        self.type = one_of(ObjectiveType, self.type, "an objective type")
        if self.staff_group is not None:
            self.staff_group = one_of(StaffGroup, self.staff_group, "a staff group")
        if not (self.post or self.staff_group):
            raise AppraisalError("say whom the template is for: a post (e.g. Year 6 teacher), a staff group, or both",
                                 field="post")

    @property
    def for_whom(self) -> str:
        group = {"teachers": "teachers", "support": "support staff", "leaders": "leaders"}.get(
            self.staff_group.value if self.staff_group else "")
        return f"{self.post} ({group})" if self.post and group else (self.post or group)

    def fits(self, person: StaffRecord | None) -> bool:
        """Whether the person is in the role it is for (both the post and the staff group, where it names both)."""
        if person is None or (self.academy_id is not None and person.academy_id != self.academy_id):
            return False
        if self.post and not same_post(self.post, person.post):
            return False
        return self.staff_group is None or person.staff_type in GROUP_STAFF_TYPES[self.staff_group]

    def seen_by(self, academy_id: uuid.UUID | None) -> bool:
        return self.academy_id is None or self.academy_id == academy_id

    def objective_for(self, appraisal: Appraisal) -> Objective:
        """A draft objective from it, for the line manager to adapt: an ordinary objective from then on."""
        return Objective(appraisal_id=appraisal.id, title=self.title, description=self.description, type=self.type,
                         success_criteria=self.success_criteria, priority_id=self.priority_id)


def cannot_take(appraisal: Appraisal, templates: list[ObjectiveTemplate]) -> str | None:
    """Why these templates cannot all be added to this appraisal as objectives (None: they can). All or none for a
    person, so that a line manager never finds half a set added."""
    if appraisal.status != Status.NOT_STARTED:
        return f"objectives are added only until they are agreed (the appraisal is '{appraisal.status.label}')"
    room = MAX_OBJECTIVES - len(appraisal.objectives)
    if len(templates) > room:
        return (f"it would make {len(appraisal.objectives) + len(templates)} objectives, and an appraisal has at most "
                f"{MAX_OBJECTIVES}; it has {len(appraisal.objectives)} already")
    return None


# -- how far people have got ---------------------------------------------------------------------------------

class Progress(StrEnum):
    """How far one person has got with objectives serving a priority, from what appraisal holds: whether the
    objectives are agreed, and the ratings of the reviews since. Listed worst first."""

    NOT_MET = "not_met"
    BEHIND = "behind"
    NOT_AGREED = "not_agreed"
    UNDER_WAY = "under_way"
    ON_TRACK = "on_track"
    MET = "met"

    @property
    def label(self) -> str:
        return {"not_met": "not met", "behind": "behind", "not_agreed": "not yet agreed",
                "under_way": "agreed, not yet reviewed", "on_track": "on track", "met": "met"}[self.value]


WORST_FIRST = list(Progress)
GOOD = (Rating.MET, Rating.EXCEEDED)


def progress_of(appraisal: Appraisal, objective: Objective) -> Progress:
    """The end-of-year rating if there is one (met or exceeded: met), else the mid-year's (met or exceeded: on track,
    else behind), else whether the objectives are agreed."""
    for stage, good, bad in ((Stage.END_OF_YEAR, Progress.MET, Progress.NOT_MET),
                             (Stage.MID_YEAR, Progress.ON_TRACK, Progress.BEHIND)):
        review = appraisal.review(stage)
        if review is not None and str(objective.id) in review.assessments:
            return good if review.assessments[str(objective.id)].get("rating") in GOOD else bad
    return Progress.NOT_AGREED if appraisal.status == Status.NOT_STARTED else Progress.UNDER_WAY


@dataclass
class Supporter:
    """One person whose objectives serve a priority (or one under it), and how far they have got (their worst)."""

    appraisal_id: uuid.UUID
    reviewee_id: uuid.UUID
    academy_id: uuid.UUID
    progress: Progress
    objectives: int


def supporters(appraisals: list[Appraisal], serving: set[uuid.UUID]) -> list[Supporter]:
    """The people whose objectives serve any of the `serving` priorities. An appraisal HR withdrew, or closed when
    the person left, no longer counts."""
    found = []
    for appraisal in appraisals:
        if appraisal.status in FINISHED and appraisal.status != Status.SIGNED_OFF:
            continue
        linked = [o for o in appraisal.objectives if o.priority_id in serving]
        if linked:
            worst = min((progress_of(appraisal, o) for o in linked), key=WORST_FIRST.index)
            found.append(Supporter(appraisal.id, appraisal.reviewee_id, appraisal.academy_id, worst, len(linked)))
    return found


@dataclass(frozen=True)
class RollUpViewer:
    """Who reads the roll-up. It is made only from the appraisals they may see, so that no count moves when someone
    they may not see is reviewed: the outsider of issue 24, a line manager, read 'behind' go from 0 to 1 when another
    appraiser recorded a colleague's mid-year review, and so had a rating they would get 404 for. The same rule as the
    QA map's (domain/qa.py, Viewer)."""

    whose: Whose
    academy_id: uuid.UUID | None = None  # academy HR's academy
    staff_id: uuid.UUID | None = None  # a line manager: the appraiser whose reviewees they see

    def may_see(self, appraisal: Appraisal) -> bool:
        return may_see(self.whose, self.academy_id, self.staff_id, appraisal.academy_id, appraisal.appraiser_id)


def seen_supporters(appraisals: list[Appraisal], serving: set[uuid.UUID], viewer: RollUpViewer) -> list[Supporter]:
    """The supporters of these priorities among the appraisals the viewer may see, and no one else."""
    return supporters([a for a in appraisals if viewer.may_see(a)], serving)


def counts(found: list[Supporter]) -> dict[str, int]:
    """People by how far they have got; someone appraised twice in a year (two cycles) is counted once, at their
    worst."""
    worst: dict[uuid.UUID, Progress] = {}
    for s in found:
        current = worst.get(s.reviewee_id)
        if current is None or WORST_FIRST.index(s.progress) < WORST_FIRST.index(current):
            worst[s.reviewee_id] = s.progress
    out = {p.value: 0 for p in Progress}
    for progress in worst.values():
        out[progress.value] += 1
    return out
