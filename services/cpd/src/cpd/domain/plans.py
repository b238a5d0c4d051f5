"""Personal development plans and their items, and the development a role usually takes (induction for a
new starter, the next step for a post)."""
from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from staffroom_shared.domain import Aggregate

from .catalogue import ProgrammeKind
from .errors import IllegalTransition
from .events import PlanCreated, PlanItemSuggested
from .values import Person

STAFF_INDUCTION_TITLE = "Induction for new staff"
ECT_INDUCTION_TITLE = "Early career teacher induction (two years)"


class PlanItemSource(StrEnum):
    INDUCTION = "induction"
    PROMOTION = "promotion"
    DEVELOPMENT_NEED = "development_need"  # from an appraisal review
    APPRAISAL_OBJECTIVE = "appraisal_objective"
    OWN_GOAL = "own_goal"
    ROLE = "role"  # the usual development for the person's staff type and post, suggested when they join


class PlanItemStatus(StrEnum):
    SUGGESTED = "suggested"  # proposed by the system; the person decides
    ACCEPTED = "accepted"
    DONE = "done"
    DISMISSED = "dismissed"


# A plan item's step refused, in words: "this plan item is done, so it cannot be dismissed".
ITEM_IS = {PlanItemStatus.SUGGESTED: "only suggested", PlanItemStatus.ACCEPTED: "accepted",
           PlanItemStatus.DONE: "done", PlanItemStatus.DISMISSED: "dismissed"}
ITEM_BECOMES = {PlanItemStatus.SUGGESTED: "suggested again", PlanItemStatus.ACCEPTED: "accepted",
                PlanItemStatus.DONE: "marked done", PlanItemStatus.DISMISSED: "dismissed"}


@dataclass(eq=False)
class PlanItem:
    plan_id: uuid.UUID
    title: str
    source: PlanItemSource
    status: PlanItemStatus = PlanItemStatus.SUGGESTED
    detail: str = ""
    programme_id: uuid.UUID | None = None  # a suggested programme: never an enrolment by itself
    appraisal_id: uuid.UUID | None = None
    objective_id: uuid.UUID | None = None
    development_need_id: uuid.UUID | None = None
    due_on: date | None = None
    id: uuid.UUID = field(default_factory=uuid.uuid4)

    def __post_init__(self) -> None:
        self.source, self.status = PlanItemSource(self.source), PlanItemStatus(self.status)

    def move_to(self, status: PlanItemStatus) -> None:
        allowed = {
            PlanItemStatus.SUGGESTED: {PlanItemStatus.ACCEPTED, PlanItemStatus.DISMISSED},
            PlanItemStatus.ACCEPTED: {PlanItemStatus.DONE, PlanItemStatus.DISMISSED},
            PlanItemStatus.DONE: set(), PlanItemStatus.DISMISSED: {PlanItemStatus.ACCEPTED},
        }
        status = PlanItemStatus(status)
        if status not in allowed[self.status]:
            first = "; accept it first" if PlanItemStatus.ACCEPTED in allowed[self.status] else ""
            raise IllegalTransition(f"this plan item is {ITEM_IS[self.status]}, so it cannot be "
                                    f"{ITEM_BECOMES[status]}{first}")
        self.status = status


@dataclass(eq=False)
class DevelopmentPlan(Aggregate):
    staff_id: uuid.UUID
    academy_id: uuid.UUID
    role: str  # the post the plan is for
    created_on: date
    created_because: str  # "joined", "promoted", "requested"
    items: list[PlanItem] = field(default_factory=list)
    id: uuid.UUID = field(default_factory=uuid.uuid4)

    @classmethod
    def start(cls, staff_id: uuid.UUID, academy_id: uuid.UUID, role: str, on: date, because: str) -> "DevelopmentPlan":
        """A new plan. One the person (or an appraisal's need reaching CPD first) asked for is announced now;
        one made on joining or promotion is announced by `joined` / `promoted`."""
        plan = cls(staff_id=staff_id, academy_id=academy_id, role=role, created_on=on, created_because=because)
        if because == "requested":
            plan._created("requested", on, induction=False)
        return plan

    def _created(self, reason: str, on: date, induction: bool) -> None:
        self.record(PlanCreated(plan_id=self.id, staff_id=self.staff_id, academy_id=self.academy_id, role=self.role,
                                reason=reason, created_on=on, induction_suggested=induction))

    @property
    def has_induction(self) -> bool:
        return any(i.source == PlanItemSource.INDUCTION for i in self.items)

    def joined(self, on: date, induction: list[PlanItem], for_the_role: list[PlanItem]) -> None:
        """A starter's plan: announced (reason joined) for every joiner, even when an appraisal need reached CPD
        first and started the plan, as targets count starters from it; then its induction and role suggestions."""
        self._created("joined", on, induction=bool(induction) or self.has_induction)
        for item in [*induction, *for_the_role]:
            self.suggest(item)

    def promoted(self, post: str, academy_id: uuid.UUID, on: date, item: PlanItem) -> None:
        """Re-aimed at the new post and announced (reason promoted) for every promotion, plan new or not: it is
        what the trust's target "every promoted colleague has a development plan" counts."""
        self.role, self.academy_id = post, academy_id
        self._created("promoted", on, induction=self.has_induction)
        self.suggest(item)

    def moved_to(self, academy_id: uuid.UUID) -> None:
        """The person moved academy: who may see the plan goes by academy, so it moves with them."""
        if self.academy_id != academy_id:
            self.academy_id = academy_id

    def suggest(self, item: PlanItem) -> PlanItem | None:
        """Add a suggestion unless the same development need (or programme for the same reason) is there."""
        for existing in self.items:
            same_need = item.development_need_id is not None and existing.development_need_id == item.development_need_id
            same_programme = (item.programme_id is not None and existing.programme_id == item.programme_id
                              and existing.source == item.source)
            if same_need or same_programme:
                return None
        item.plan_id = self.id
        self.items.append(item)
        self.record(PlanItemSuggested(
            plan_id=self.id, item_id=item.id, staff_id=self.staff_id, academy_id=self.academy_id, title=item.title,
            source=item.source.value, programme_id=item.programme_id, development_need_id=item.development_need_id))
        return item

    def induction_wanted(self, who: Person, today: date) -> list[tuple[ProgrammeKind, str, str]]:
        """(kind, title when the catalogue has none, detail) of the induction this person should be offered: a new
        starter (in their first year) the trust's induction; a teacher in an ECT post in their first two years
        the two-year ECT induction too. Someone long in post whom the directory adds now (a trust's first import)
        is not a starter: staff who joined in 2012 were offered the induction for new staff (outsider)."""
        wanted = []
        if who.new_starter_on(today):
            wanted.append((ProgrammeKind.STAFF_INDUCTION, STAFF_INDUCTION_TITLE,
                           "Your academy's and the trust's induction: policies, safeguarding, systems and people."))
        if who.in_ect_induction_on(today):
            wanted.append((ProgrammeKind.ECT_INDUCTION, ECT_INDUCTION_TITLE,
                           "The statutory two-year induction for early career teachers, with a mentor and an "
                           "induction tutor, against the Teachers' Standards."))
        return wanted

    def has_induction_item(self, title: str, programme_id: uuid.UUID | None) -> bool:
        """An induction item the plan already has is not suggested again."""
        return any(i.source == PlanItemSource.INDUCTION and (i.title == title or (
            programme_id is not None and i.programme_id == programme_id)) for i in self.items)


TEACHING_ASSISTANT = re.compile(r"\b(teaching assistant|learning support assistant|hlta|higher level teaching)\b")


def programme_for_role(post: str, staff_type: str) -> tuple[ProgrammeKind, str | None, str | None] | None:
    """The usual next step for a role, as trusts in England plan it: (kind, NPQ, words its title has). An NPQ for
    senior posts, a middle leadership programme for leaders of a team, and for a teaching assistant the teaching
    assistant apprenticeship (issue 20: a teaching assistant was never offered it)."""
    text = post.lower()
    if staff_type == "support" and TEACHING_ASSISTANT.search(text):
        return ProgrammeKind.APPRENTICESHIP, None, "teaching assistant"
    found = _senior_step(text, staff_type)
    return (*found, None) if found else None


def _a(words: str) -> str:
    """'an office manager', 'a teacher'."""
    return f"{'an' if words[:1] in 'aeiou' else 'a'} {words}"


def _senior_step(text: str, staff_type: str) -> tuple[ProgrammeKind, str | None] | None:
    if "executive" in text and "head" in text:
        return ProgrammeKind.NPQ, "NPQEL"
    if re.search(r"\b(deputy|assistant|vice)\s+head", text):
        return ProgrammeKind.NPQ, "NPQSL"
    if re.search(r"\b(head ?teacher|principal|head of school)\b", text):
        return ProgrammeKind.NPQ, "NPQH"
    if "senco" in text or "special educational needs co" in text:
        return ProgrammeKind.NPQ, "NPQSENCO"
    if staff_type == "leadership" or (staff_type == "teaching" and re.search(
            r"\b(head of|leader|lead|coordinator|co-ordinator|manager)\b", text)):
        # a programme for leaders of teaching: an office or site manager is not offered it (outsider 5, issue 20)
        return ProgrammeKind.MIDDLE_LEADERSHIP, None
    return None

