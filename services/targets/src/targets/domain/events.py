"""What happens in the targets domain that others are told about: a target's status changed, for the trust or for
one academy, to met, or to at risk (below the at-risk line) or missed (not met by the deadline). Each holds the
figure it was judged on, the definition's settings and the status before (None: the first judgement here)."""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from staffroom_shared.domain import DomainEvent


@dataclass(frozen=True)
class TargetStatusChanged(DomainEvent):
    target_key: str
    title: str
    academy_id: uuid.UUID | None  # None: trust-wide
    value: float | None
    numerator: int
    denominator: int
    threshold: float
    at_risk_below: float
    deadline: date | None
    status: str
    previous_status: str | None
    as_of: date


@dataclass(frozen=True)
class TargetMet(TargetStatusChanged):
    """The status became met."""


@dataclass(frozen=True)
class TargetFellAtRisk(TargetStatusChanged):
    """The status became at_risk or missed."""
