"""The daily job: announce each missed key date once (appraisal.overdue), never for an early career teacher serving
induction, close leavers' appraisals, and give an appraisal to anyone an open cycle covers who has none (a joiner
whose event raced the cycle's opening)."""
from __future__ import annotations

from datetime import date

from staffroom_shared.log import own_correlation

from ..domain.model import key_dates
from .unit_of_work import AppraisalUnitOfWork


@own_correlation("appraisal-daily")
def run_daily(uow: AppraisalUnitOfWork, today: date | None = None) -> dict:
    """Safe to run more than once a day, and to miss days: a missed date is announced once, late if need be.

    Each run is one piece of work with its own correlation id (a long-lived scheduler thread would
    otherwise stamp every day's events with the first run's id).
    """
    today = today or date.today()
    return _run(uow, today)


def _run(uow: AppraisalUnitOfWork, today: date) -> dict:
    counts = {"overdue": 0, "closed": 0, "opened": 0, "withdrawn": 0}
    with uow:
        noticed = uow.appraisals.overdue_noticed()
        # One query for the staff copy, not one per appraisal (a trust has thousands).
        people = {person.staff_id: person for person in uow.staff.people()}
        spells = uow.inductions.spells()
        for cycle in uow.cycles.open():
            through_induction = cycle.through_induction(spells)
            counts["opened"] += _fill_gaps(uow, cycle, people.values(), today, through_induction)
            for appraisal in uow.appraisals.in_progress(cycle.id):
                person = people.get(appraisal.reviewee_id)
                if person is not None and not person.in_post_on(today):
                    counts["closed"] += appraisal.close(f"left on {person.leaving_date}")
                    continue
                if appraisal.reviewee_id in through_induction:
                    # never reported overdue; withdrawn as the induction event would have, had it not raced the opening
                    start = min((s.starts_on for s in spells if s.staff_id == appraisal.reviewee_id and s.starts_on),
                                default=None)
                    counts["withdrawn"] += appraisal.withdraw_for_induction(start)
                    continue
                dates = key_dates(cycle, person.start_date if person else None)
                new = appraisal.notice_overdue(dates, today, noticed.get(appraisal.id, set()))
                uow.appraisals.add_overdue_notices(appraisal.id, new, today)
                counts["overdue"] += len(new)
        uow.commit()
    return counts


def _fill_gaps(uow: AppraisalUnitOfWork, cycle, people, today: date, through_induction: set) -> int:
    """On PostgreSQL a staff.joined applied while HR opens a cycle sees the cycle still in draft, and the
    opening reads the staff copy from before the joiner arrived: neither creates the appraisal. The
    handler and open_cycle cannot see each other's uncommitted work, so the daily job makes it good."""
    # any status counts as having one: a closed or withdrawn appraisal is not re-created
    missing = cycle.appraisals_missing(people, uow.appraisals.reviewees_in(cycle.id), today, through_induction)
    for appraisal in missing:
        uow.appraisals.add(appraisal)
    return len(missing)
