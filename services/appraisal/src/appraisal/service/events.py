"""Building appraisal.* event payloads from the domain objects (one place, so every event agrees)."""
from __future__ import annotations

from datetime import date

from ..domain.model import Appraisal, Cycle, key_dates


def ref(appraisal: Appraisal) -> dict:
    return {"appraisal_id": appraisal.id, "cycle_id": appraisal.cycle_id, "reviewee_id": appraisal.reviewee_id,
            "appraiser_id": appraisal.appraiser_id, "academy_id": appraisal.academy_id}


def opened(appraisal: Appraisal, cycle: Cycle, started_on: date | None, today: date | None = None) -> dict:
    """The reviewee's own key dates (a starter's count from their first day: `key_dates`), and their first day if
    it is still to come."""
    dates = key_dates(cycle, started_on)
    return {**ref(appraisal), "template": cycle.template.value, "objectives_due": dates.objectives_due,
            "mid_year_due": dates.mid_year_due, "end_of_year_due": dates.end_of_year_due,
            "starts_on": started_on if started_on and started_on > (today or date.today()) else None}


def emit_opened(uow, appraisal: Appraisal, cycle: Cycle, started_on: date | None, today: date | None = None) -> None:
    uow.emit("appraisal.appraisal_opened", opened(appraisal, cycle, started_on, today), academy_id=appraisal.academy_id)


def emit_closed(uow, appraisal: Appraisal) -> None:
    uow.emit("appraisal.closed", {**ref(appraisal), "status": appraisal.status.value,
                                  "reason": appraisal.finished_reason or ""}, academy_id=appraisal.academy_id)


def emit_assigned(uow, appraisal: Appraisal, previous, by_hr: bool) -> None:
    uow.emit("appraisal.appraiser_assigned", {**ref(appraisal), "previous_appraiser_id": previous, "by_hr": by_hr},
             academy_id=appraisal.academy_id)


def days_late(done_on: date, due_on: date) -> int:
    return max((done_on - due_on).days, 0)
