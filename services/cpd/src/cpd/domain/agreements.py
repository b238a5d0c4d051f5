"""Training agreements: signed before a costly place is given, and the clawback owed by a leaver."""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from staffroom_shared.domain import Aggregate

from .catalogue import Policy, Programme
from .enrolments import Enrolment, EnrolmentStatus
from .errors import CpdError, IllegalTransition, NotAllowed
from .events import AgreementRequired, AgreementSigned, ClawbackDue
from .values import PENNY, add_months, in_words


@dataclass(eq=False)
class TrainingAgreement(Aggregate):
    enrolment_id: uuid.UUID
    staff_id: uuid.UUID
    academy_id: uuid.UUID
    cost: Decimal
    schedule: list[list[int]]  # [[months, percent], ...], shortest first, percents falling
    signed_on: date | None = None
    clawback_amount: Decimal | None = None
    clawback_computed_on: date | None = None
    id: uuid.UUID = field(default_factory=uuid.uuid4)

    def __post_init__(self) -> None:
        self.cost = Decimal(self.cost).quantize(PENNY)
        check_schedule(self.schedule)

    @classmethod
    def required_for(cls, enrolment: Enrolment, policy: Policy, programme: Programme | None = None) -> "TrainingAgreement":
        """The agreement a costly place needs, on the trust's repayment schedule as it is now."""
        agreement = cls(enrolment_id=enrolment.id, staff_id=enrolment.staff_id, academy_id=enrolment.academy_id,
                        cost=enrolment.cost, schedule=[list(band) for band in policy.repayment_schedule])
        agreement.record(AgreementRequired(**enrolment.about(programme), agreement_id=agreement.id))
        return agreement

    def sign(self, by: uuid.UUID, on: date, *, enrolment: Enrolment | None = None,
             programme: Programme | None = None) -> None:
        """The participant signs; the enrolment it is for (when given) joins the waiting list, and it is announced."""
        if self.signed_on is not None:
            raise IllegalTransition(f"this training agreement is already signed: it was signed on "
                                    f"{in_words(self.signed_on)}")
        if by != self.staff_id:
            raise NotAllowed("only the participant signs their training agreement")
        self.signed_on = on
        if enrolment is not None:
            enrolment.agreement_signed()
            self.record(AgreementSigned(**enrolment.about(programme), agreement_id=self.id, signed_on=on,
                                        schedule=self.schedule, agreement_academy_id=self.academy_id))

    def settle_clawback(self, enrolment: Enrolment, left_on: date, today: date,
                        programme: Programme | None = None) -> tuple[int, Decimal] | None:
        """On leaving: what is owed, worked out and kept once (None when it was already: a redelivered event
        is harmless); a non-zero amount is announced for HR. Returns (percent, amount)."""
        if self.clawback_computed_on is not None:
            return None
        percent, amount = clawback(self, enrolment, left_on)
        self.clawback_amount, self.clawback_computed_on = amount, today
        if amount > 0:
            self.record(ClawbackDue(**enrolment.about(programme), agreement_id=self.id, amount=amount, percent=percent,
                                    left_on=left_on, completed_on=enrolment.completed_on,
                                    agreement_academy_id=self.academy_id))
        return percent, amount

    def repayable(self, left_on: date, completed_on: date | None) -> Decimal:
        """What is owed if the participant leaves on `left_on`, by the schedule; never more than the cost.

        Leaving before completing (or before a completion date is known) owes the first band's share.
        "Within N months" includes the day N months after completion.
        """
        if self.signed_on is None or self.cost == 0:
            return Decimal("0.00")
        amount = (self.cost * Decimal(self.repayable_percent(left_on, completed_on)) / Decimal(100)).quantize(
            PENNY, rounding=ROUND_HALF_UP)
        return min(amount, self.cost)

    def repayable_percent(self, left_on: date, completed_on: date | None) -> int:
        """The schedule's percentage for leaving on `left_on` (0 unsigned or past the last band)."""
        if self.signed_on is None:
            return 0
        if completed_on is None or left_on < completed_on:
            return self.schedule[0][1]
        return next((p for months, p in self.schedule if left_on <= add_months(completed_on, months)), 0)


# The place was never taken up (or was given up for the next in line): the trust paid nothing for it.
_NO_PLACE_TAKEN = (EnrolmentStatus.AWAITING_AGREEMENT, EnrolmentStatus.WAITING, EnrolmentStatus.DECLINED,
                   EnrolmentStatus.WITHDRAWN, EnrolmentStatus.REQUESTED, EnrolmentStatus.AWAITING_HR)


def clawback(agreement: TrainingAgreement, enrolment: Enrolment, left_on: date) -> tuple[int, Decimal]:
    """(percent, amount) owed under a signed agreement by a participant leaving on `left_on`.

    Still on the programme (a confirmed place) is leaving before completion: the first band. A programme
    finished without completing counts from the day it was marked so, as a completed one does.
    """
    if agreement.signed_on is None or enrolment.status in _NO_PLACE_TAKEN:
        return 0, Decimal("0.00")
    finished = enrolment.completed_on if enrolment.status in (
        EnrolmentStatus.COMPLETED, EnrolmentStatus.DID_NOT_COMPLETE) else None
    amount = agreement.repayable(left_on, finished)
    return (agreement.repayable_percent(left_on, finished) if amount else 0), amount


def check_schedule(schedule) -> None:
    if not schedule:
        raise CpdError("a repayment schedule has at least one band, e.g. [[12, 100], [24, 50]]")
    months = [m for m, _ in schedule]
    percents = [p for _, p in schedule]
    if months != sorted(set(months)) or months[0] < 1:
        raise CpdError("repayment bands must be in months after completion, shortest first, each longer")
    if any(not 0 <= p <= 100 for p in percents) or percents != sorted(percents, reverse=True):
        raise CpdError("repayment percentages run from 100 down to 0 and never rise")

