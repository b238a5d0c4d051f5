"""A target's standing in one scope (the trust, or an academy): the status it was last judged to have, since when,
and on what figure. Judging it again records TargetMet or TargetFellAtRisk when the status changes to one of
those, so each change is announced once."""
from __future__ import annotations

import uuid
from datetime import date

from staffroom_shared.domain import Aggregate

from .events import TargetFellAtRisk, TargetMet
from .targets import TARGETS, Definition, Figure, Status

ANNOUNCED = {Status.MET: TargetMet, Status.AT_RISK: TargetFellAtRisk, Status.MISSED: TargetFellAtRisk}


def scope_of(academy_id: uuid.UUID | None) -> str:
    return "trust" if academy_id is None else str(academy_id)


class Standing(Aggregate):
    """`status` None: never judged in this scope."""

    def __init__(self, key: str, academy_id: uuid.UUID | None, status: str | None = None, since: date | None = None,
                 figure: Figure | None = None, evaluated_on: date | None = None):
        self.key, self.academy_id = key, academy_id
        self.status, self.since, self.evaluated_on = status, since, evaluated_on
        self.figure = figure or Figure(academy_id)

    @property
    def scope(self) -> str:
        return scope_of(self.academy_id)

    def judge(self, d: Definition, figure: Figure, today: date) -> Status:
        """Judge the figure against the definition as of today; a new status starts today, and a change to met,
        at risk or missed is recorded."""
        status = d.status(figure.numerator, figure.denominator, today)
        previous = self.status
        self.figure, self.evaluated_on = figure, today
        if previous == status.value:
            return status
        self.status, self.since = status.value, today
        announced = ANNOUNCED.get(status)
        if announced is not None:
            self.record(announced(
                target_key=d.key, title=TARGETS[d.key].title, academy_id=figure.academy_id, value=figure.value,
                numerator=figure.numerator, denominator=figure.denominator, threshold=d.threshold,
                at_risk_below=d.at_risk_below, deadline=d.deadline, status=status.value, previous_status=previous,
                as_of=today))
        return status
