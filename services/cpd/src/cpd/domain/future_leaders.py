"""Future leaders: nominations, shadowing placements and secondments between the trust's academies."""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum

from staffroom_shared.domain import Aggregate

from .errors import CpdError, IllegalTransition, NotAllowed
from .events import FutureLeaderNominated, SecondmentEnded, SecondmentStarted, ShadowingArranged
from .values import PENNY, Person


class NominationStatus(StrEnum):
    NOMINATED = "nominated"
    ACCEPTED = "accepted"
    DECLINED = "declined"


# Why a pathway cannot be arranged yet, in words (never the stored value).
NOT_ACCEPTED = {NominationStatus.NOMINATED: "they have not answered it yet",
                NominationStatus.DECLINED: "they declined it", NominationStatus.ACCEPTED: "they have accepted it"}


@dataclass(eq=False)
class Nomination(Aggregate):
    staff_id: uuid.UUID
    academy_id: uuid.UUID
    nominated_by: uuid.UUID
    nominated_on: date
    reason: str
    status: NominationStatus = NominationStatus.NOMINATED
    id: uuid.UUID = field(default_factory=uuid.uuid4)

    def __post_init__(self) -> None:
        self.status = NominationStatus(self.status)
        if self.nominated_by == self.staff_id:
            raise NotAllowed("nobody nominates themselves as a future leader")

    @classmethod
    def nominate(cls, nominee: Person, by: uuid.UUID, on: date, reason: str) -> "Nomination":
        """The nominee is told (FutureLeaderNominated)."""
        nomination = cls(staff_id=nominee.staff_id, academy_id=nominee.academy_id, nominated_by=by, nominated_on=on,
                         reason=reason)
        nomination.record(FutureLeaderNominated(
            nomination_id=nomination.id, staff_id=nomination.staff_id, academy_id=nomination.academy_id,
            nominated_by=nomination.nominated_by, nominated_on=on))
        return nomination

    def must_be_accepted(self, to: str) -> None:
        """A future leader's pathway (shadowing, a secondment) is arranged once they have accepted."""
        if self.status != NominationStatus.ACCEPTED:
            raise IllegalTransition(f"to {to}, the nominee must first accept the nomination; "
                                    f"{NOT_ACCEPTED[self.status]}")

    def arrange_shadowing(self, host: Person, starts_on: date, ends_on: date, focus: str) -> "Shadowing":
        """A shadowing placement with a host in post (the future leader is told: ShadowingArranged)."""
        self.must_be_accepted("arrange a shadowing placement")
        placement = Shadowing(nomination_id=self.id, staff_id=self.staff_id, host_staff_id=host.staff_id,
                              host_academy_id=host.academy_id, starts_on=starts_on, ends_on=ends_on, focus=focus)
        self.record(ShadowingArranged(
            shadowing_id=placement.id, staff_id=placement.staff_id, academy_id=self.academy_id,
            host_staff_id=placement.host_staff_id, host_academy_id=placement.host_academy_id,
            starts_on=placement.starts_on, ends_on=placement.ends_on, focus=placement.focus))
        return placement

    def respond(self, by: uuid.UUID, accept: bool) -> None:
        if by != self.staff_id:
            raise NotAllowed("only the nominee accepts or declines a nomination")
        if self.status != NominationStatus.NOMINATED:
            answer = "accepted" if self.status == NominationStatus.ACCEPTED else "declined"
            raise IllegalTransition(f"you have already {answer} this nomination")
        self.status = NominationStatus.ACCEPTED if accept else NominationStatus.DECLINED


@dataclass(eq=False)
class Shadowing:
    nomination_id: uuid.UUID
    staff_id: uuid.UUID
    host_staff_id: uuid.UUID
    host_academy_id: uuid.UUID
    starts_on: date
    ends_on: date
    focus: str
    id: uuid.UUID = field(default_factory=uuid.uuid4)

    def __post_init__(self) -> None:
        if self.ends_on < self.starts_on:
            raise CpdError("a shadowing placement ends after it starts")
        if self.host_staff_id == self.staff_id:
            raise CpdError("the host is someone other than the future leader")


class SecondmentStatus(StrEnum):
    PLANNED = "planned"
    STARTED = "started"
    ENDED = "ended"
    CANCELLED = "cancelled"


# Where a secondment is, as a refusal says it (never the stored value).
SECONDMENT_WORDS = {SecondmentStatus.PLANNED: "is planned", SecondmentStatus.STARTED: "has started",
                    SecondmentStatus.ENDED: "has ended", SecondmentStatus.CANCELLED: "is already cancelled"}


@dataclass(eq=False)
class Secondment(Aggregate):
    nomination_id: uuid.UUID | None
    staff_id: uuid.UUID
    home_academy_id: uuid.UUID
    host_academy_id: uuid.UUID
    post: str
    starts_on: date
    ends_on: date  # fixed term
    substantive_post_kept: bool = True
    recharge_amount: Decimal = Decimal("0.00")  # what the host academy pays the home academy
    status: SecondmentStatus = SecondmentStatus.PLANNED
    id: uuid.UUID = field(default_factory=uuid.uuid4)

    def __post_init__(self) -> None:
        self.status = SecondmentStatus(self.status)
        self.recharge_amount = Decimal(self.recharge_amount).quantize(PENNY)
        if self.ends_on <= self.starts_on:
            raise CpdError("a secondment is for a fixed term: it ends after it starts")
        if self.home_academy_id == self.host_academy_id:
            raise CpdError("a secondment is to another academy in the trust")
        if self.recharge_amount < 0:
            raise CpdError("a recharge cannot be negative")

    def start(self, today: date) -> bool:
        """Started on its start date (by the daily job); True when it changed."""
        if self.status == SecondmentStatus.PLANNED and today >= self.starts_on:
            self.status = SecondmentStatus.STARTED
            self.record(SecondmentStarted(**self._facts()))
            return True
        return False

    def end(self, today: date) -> bool:
        if self.status == SecondmentStatus.STARTED and today >= self.ends_on:
            self.status = SecondmentStatus.ENDED
            self.record(SecondmentEnded(**self._facts()))
            return True
        return False

    def _facts(self) -> dict:
        return {"secondment_id": self.id, "staff_id": self.staff_id, "home_academy_id": self.home_academy_id,
                "host_academy_id": self.host_academy_id, "post": self.post, "starts_on": self.starts_on,
                "ends_on": self.ends_on, "substantive_post_kept": self.substantive_post_kept,
                "recharge_amount": self.recharge_amount}

    def cancel(self) -> None:
        if self.status != SecondmentStatus.PLANNED:
            raise IllegalTransition(f"this secondment {SECONDMENT_WORDS[self.status]}, so it cannot be cancelled")
        self.status = SecondmentStatus.CANCELLED
