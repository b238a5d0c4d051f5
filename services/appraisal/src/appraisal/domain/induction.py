"""Early career teachers serving statutory induction, as cpd's induction events told appraisal: the rule that they
are appraised through induction, not the appraisal cycle (the Education (School Teachers' Appraisal) (England)
Regulations 2012 reg 1(4)(a); DfE "Induction for early career teachers (England)" para 2.48)."""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class InductionSpell:
    """One induction at an academy: from `starts_on` until `ended_on` (passed, failed or left), or still being
    served. `starts_on` is unknown only while an ended event has overtaken its started one."""

    induction_id: uuid.UUID
    staff_id: uuid.UUID
    starts_on: date | None = None
    ended_on: date | None = None
    outcome: str | None = None

    def serving_on(self, day: date) -> bool:
        """The day it ends is the first day they are no longer serving (as a leaving date is the first day out)."""
        return (self.starts_on is None or self.starts_on <= day) and (self.ended_on is None or day < self.ended_on)

    def during(self, first: date, last: date) -> bool:
        """Serving on any day from `first` to `last`."""
        return (self.starts_on is None or self.starts_on <= last) and (self.ended_on is None or first < self.ended_on)


def appraised_through_induction(spells, first: date, last: date) -> set[uuid.UUID]:
    """Who serves induction on any day of a cycle (its start to its end), and so is appraised through induction for
    its school year and not in it: left out when it opens, a mid-year start's appraisal withdrawn, and not given one
    again this cycle when induction ends (the next cycle opened appraises them)."""
    return {spell.staff_id for spell in spells if spell.during(first, last)}


def withdrawal_reason(starts_on: date | None) -> str:
    """What the reviewee and appraiser read on an appraisal withdrawn because induction started."""
    since = f" from {starts_on:%-d %B %Y}" if starts_on else ""
    # appraisals.finished_reason holds 200 characters; the portal shows it as "This appraisal is withdrawn: <reason>."
    return (f"statutory induction{since} takes the place of appraisal while it is served; appraisal resumes in the "
            "first cycle opened after induction ends")
