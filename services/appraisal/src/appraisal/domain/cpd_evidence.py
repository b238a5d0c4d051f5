"""CPD impact as appraisal evidence: what a reviewee said they would change after a programme and the impact their
line manager saw, as cpd.intent_recorded and cpd.impact_recorded told it (appraisal keeps its own copy)."""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

SATISFACTION = {1: "Very dissatisfied", 2: "Dissatisfied", 3: "Neither satisfied nor dissatisfied", 4: "Satisfied",
                5: "Very satisfied"}
IMPACT_SEEN = {1: "No change seen", 2: "A little change", 3: "Some change", 4: "Clear change",
               5: "Transformed practice"}


@dataclass(frozen=True)
class CpdEvidence:
    enrolment_id: uuid.UUID
    staff_id: uuid.UUID
    programme_title: str
    completed_on: date
    intent: str | None = None
    satisfaction: int | None = None
    impact_rating: int | None = None
    impact_seen: str | None = None
    impact_recorded_on: date | None = None
    linked_to_development_need: bool = False

    @property
    def satisfaction_words(self) -> str | None:
        return SATISFACTION.get(self.satisfaction)

    @property
    def impact_words(self) -> str | None:
        return IMPACT_SEEN.get(self.impact_rating)

    def belongs_to_cycle(self, starts_on: date, ends_on: date) -> bool:
        """Evidence for the appraisal whose cycle the programme was completed in."""
        return starts_on <= self.completed_on <= ends_on
