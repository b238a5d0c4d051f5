"""Personal development plans and their items."""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from .errors import IllegalTransition


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
            raise IllegalTransition(f"a plan item that is '{self.status.value}' cannot become '{status.value}'")
        self.status = status


@dataclass(eq=False)
class DevelopmentPlan:
    staff_id: uuid.UUID
    academy_id: uuid.UUID
    role: str  # the post the plan is for
    created_on: date
    created_because: str  # "joined", "promoted", "requested"
    items: list[PlanItem] = field(default_factory=list)
    id: uuid.UUID = field(default_factory=uuid.uuid4)

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
        return item

