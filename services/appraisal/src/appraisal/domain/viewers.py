"""Whose appraisal records a viewer's figures are made from: the one rule the QA map and the priorities roll-up
share. A figure is made only from records the viewer may see, so none moves when someone they may not see is
observed or reviewed (issue 24's outsiders read both before and after such a change and had the rating)."""
from __future__ import annotations

import uuid
from enum import StrEnum


class Whose(StrEnum):
    TRUST = "trust"  # trust HR: everyone's in the trust
    ACADEMY = "academy"  # academy HR (a head): their academy's
    REVIEWEES = "reviewees"  # a line manager: the appraisals they are appraiser of


def may_see(whose: Whose, own_academy: uuid.UUID | None, own_staff: uuid.UUID | None,
            academy_id: uuid.UUID | None, appraiser_id: uuid.UUID | None) -> bool:
    """Whether a record of `academy_id`, appraised by `appraiser_id`, is one this viewer's figures are made from."""
    if whose is Whose.TRUST:
        return True
    if whose is Whose.ACADEMY:
        return academy_id == own_academy
    return own_staff is not None and appraiser_id == own_staff
