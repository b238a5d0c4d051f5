"""CPD impact: what a participant will change after completing a programme, how satisfied they were, and, once the
trust's interval has passed, the impact their line manager has seen. Both feed the appraisal (cpd.intent_recorded,
cpd.impact_recorded)."""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta

from staffroom_shared.domain import Aggregate

from .errors import CpdError, IllegalTransition, NotAllowed
from .events import ImpactCheckDue, ImpactRecorded, IntentRecorded
from .values import in_words

# The participant's satisfaction with the programme, as the form offers it.
SATISFACTION = {1: "Very dissatisfied", 2: "Dissatisfied", 3: "Neither satisfied nor dissatisfied", 4: "Satisfied",
                5: "Very satisfied"}
# The impact the line manager has seen in the participant's practice.
IMPACT_SEEN = {1: "No change seen", 2: "A little change", 3: "Some change", 4: "Clear change",
               5: "Transformed practice"}
EDITABLE_FOR = timedelta(days=14)  # the participant may change what they wrote for two weeks
DEFAULT_CHECK_AFTER_WEEKS = 6  # a half term: long enough for a change to show in the classroom
MOST_CHECK_AFTER_WEEKS = 52


def check_after_weeks(weeks: int) -> int:
    """The trust's interval between completion and the line manager's impact check, in weeks (1 to 52)."""
    if not 1 <= weeks <= MOST_CHECK_AFTER_WEEKS:
        raise CpdError(f"the impact check comes 1 to {MOST_CHECK_AFTER_WEEKS} weeks after completion (got {weeks})")
    return weeks


@dataclass(frozen=True)
class LinkedNeed:
    """The appraisal development need a participant says the programme served (from their plan)."""

    development_need_id: uuid.UUID
    appraisal_id: uuid.UUID | None


@dataclass(eq=False)
class CpdImpact(Aggregate):
    """One completed enrolment's impact record: opened at completion, one per enrolment."""

    enrolment_id: uuid.UUID
    staff_id: uuid.UUID
    academy_id: uuid.UUID
    programme_id: uuid.UUID
    programme_title: str
    cost: object  # Decimal: what the place cost, for HR's cost per participant
    completed_on: date
    check_due_on: date
    intent: str | None = None  # "what I will change in my practice"
    satisfaction: int | None = None
    intent_recorded_on: date | None = None  # first recorded: the edit window runs from here
    development_need_id: uuid.UUID | None = None
    appraisal_id: uuid.UUID | None = None
    check_asked_on: date | None = None  # when the line manager was asked (once)
    impact_rating: int | None = None
    impact_seen: str | None = None
    impact_recorded_on: date | None = None
    impact_recorded_by: uuid.UUID | None = None
    id: uuid.UUID = field(default_factory=uuid.uuid4)

    @classmethod
    def opened(cls, *, enrolment_id: uuid.UUID, staff_id: uuid.UUID, academy_id: uuid.UUID, programme_id: uuid.UUID,
               programme_title: str, cost, completed_on: date, weeks: int) -> "CpdImpact":
        return cls(enrolment_id=enrolment_id, staff_id=staff_id, academy_id=academy_id, programme_id=programme_id,
                   programme_title=programme_title, cost=cost, completed_on=completed_on,
                   check_due_on=completed_on + timedelta(weeks=weeks))

    def editable_until(self) -> date | None:
        return self.intent_recorded_on + EDITABLE_FOR if self.intent_recorded_on else None

    def record_intent(self, by: uuid.UUID, intent: str, satisfaction: int, on: date,
                      need: LinkedNeed | None = None) -> None:
        if by != self.staff_id:
            raise NotAllowed("only the participant records what they will change in their practice")
        if satisfaction not in SATISFACTION:
            raise CpdError(f"satisfaction is rated from 1 (very dissatisfied) to 5 (very satisfied) (got {satisfaction})")
        if not intent.strip():
            raise CpdError("say what you will change in your practice")
        until = self.editable_until()
        if until is not None and on > until:
            raise IllegalTransition(f"what you will change could be edited until {in_words(until)}; it is now part "
                                    f"of your appraisal evidence as it stands")
        self.intent, self.satisfaction = intent.strip(), satisfaction
        self.intent_recorded_on = self.intent_recorded_on or on
        self.development_need_id = need.development_need_id if need else None
        self.appraisal_id = need.appraisal_id if need else None
        self.record(IntentRecorded(
            enrolment_id=self.enrolment_id, staff_id=self.staff_id, academy_id=self.academy_id,
            programme_id=self.programme_id, programme_title=self.programme_title, completed_on=self.completed_on,
            intent=self.intent, satisfaction=satisfaction, development_need_id=self.development_need_id,
            appraisal_id=self.appraisal_id, recorded_on=on))

    def is_check_due(self, today: date) -> bool:
        return self.check_due_on <= today

    def ask_for_check(self, today: date, line_manager_id: uuid.UUID | None) -> bool:
        """Once the interval has passed, the line manager is asked, once (no manager on record: nobody is asked,
        and the next run asks again once one is)."""
        if self.check_asked_on is not None or self.impact_recorded_on is not None or not self.is_check_due(today):
            return False
        if line_manager_id is None:
            return False
        self.check_asked_on = today
        self.record(ImpactCheckDue(
            enrolment_id=self.enrolment_id, staff_id=self.staff_id, academy_id=self.academy_id,
            line_manager_id=line_manager_id, programme_title=self.programme_title, completed_on=self.completed_on,
            due_on=self.check_due_on))
        return True

    def record_impact(self, by: uuid.UUID, rating: int, seen: str, on: date) -> None:
        """The line manager (the caller's relation is checked by the service) records the impact seen; they may
        correct it later, and the appraisal shows the latest."""
        if by == self.staff_id:
            raise NotAllowed("the line manager records the impact they have seen, not the participant")
        if not self.is_check_due(on):
            raise IllegalTransition(f"the impact check is due on {in_words(self.check_due_on)}, "
                                    f"{(self.check_due_on - self.completed_on).days // 7} weeks after completion; "
                                    f"record the impact seen from then")
        if rating not in IMPACT_SEEN:
            raise CpdError(f"impact is rated from 1 (no change seen) to 5 (transformed practice) (got {rating})")
        if not seen.strip():
            raise CpdError("say what impact you have seen")
        self.impact_rating, self.impact_seen = rating, seen.strip()
        self.impact_recorded_on, self.impact_recorded_by = on, by
        self.record(ImpactRecorded(
            enrolment_id=self.enrolment_id, staff_id=self.staff_id, academy_id=self.academy_id,
            programme_id=self.programme_id, programme_title=self.programme_title, completed_on=self.completed_on,
            rating=rating, seen=self.impact_seen, recorded_by=by, recorded_on=on))
