"""The daily job: announce each missed key date once (appraisal.overdue), close leavers' appraisals, and
give an appraisal to anyone an open cycle covers who has none (a joiner whose event raced the cycle's opening)."""
from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import select

from staffroom_shared.log import correlation
from staffroom_shared.uow import UnitOfWork

from ..adapters.orm import overdue_notices
from ..adapters.repository import AppraisalRepository
from ..domain.model import key_dates
from . import events


def run_daily(uow: UnitOfWork, today: date | None = None, *, correlation_id: str | None = None) -> dict:
    """Safe to run more than once a day, and to miss days: a missed date is announced once, late if need be.

    Each run is one piece of work with its own correlation id (a long-lived scheduler thread would
    otherwise stamp every day's events with the first run's id).
    """
    today = today or date.today()
    with correlation(correlation_id or f"appraisal-daily-{today}-{uuid.uuid4().hex[:8]}"):
        return _run(uow, today)


def _run(uow: UnitOfWork, today: date) -> dict:
    counts = {"overdue": 0, "closed": 0, "opened": 0}
    with uow:
        repo = AppraisalRepository(uow.session)
        noticed = {(r.appraisal_id, r.milestone) for r in uow.session.execute(
            select(overdue_notices.c.appraisal_id, overdue_notices.c.milestone))}
        # One query for the staff copy, not one per appraisal (a trust has thousands).
        people = {person.staff_id: person for person in repo.people()}
        for cycle in repo.open_cycles():
            counts["opened"] += _fill_gaps(uow, repo, cycle, people.values(), today)
            for appraisal in repo.in_progress(cycle.id):
                person = people.get(appraisal.reviewee_id)
                if person is not None and not person.in_post_on(today):
                    if appraisal.close(f"left on {person.leaving_date}"):
                        events.emit_closed(uow, appraisal)
                        counts["closed"] += 1
                    continue
                dates = key_dates(cycle, person.start_date if person else None)
                dues = dates.due()
                for milestone in appraisal.missed(dates, today):
                    if (appraisal.id, milestone) in noticed:
                        continue
                    uow.session.execute(overdue_notices.insert().values(
                        appraisal_id=appraisal.id, milestone=milestone, noticed_on=today))
                    uow.emit("appraisal.overdue", {
                        **events.ref(appraisal), "milestone": milestone, "due_on": dues[milestone],
                        "days_overdue": (today - dues[milestone]).days}, academy_id=appraisal.academy_id)
                    counts["overdue"] += 1
        uow.commit()
    return counts


def _fill_gaps(uow: UnitOfWork, repo: AppraisalRepository, cycle, people, today: date) -> int:
    """On PostgreSQL a staff.joined applied while HR opens a cycle sees the cycle still in draft, and the
    opening reads the staff copy from before the joiner arrived: neither creates the appraisal. The
    handler and open_cycle cannot see each other's uncommitted work, so the daily job makes it good."""
    if today > cycle.ends_on:
        return 0
    have = repo.reviewees_in(cycle.id)  # any status: a closed or withdrawn appraisal is not re-created
    missing = [p for p in people if p.staff_id not in have and cycle.covers(p) and p.in_post_on(today)]
    for person in missing:
        appraisal = cycle.appraisal_for(person)
        uow.session.add(appraisal)
        events.emit_opened(uow, appraisal, cycle, person.start_date, today)
    if missing:
        uow.session.flush()
    return len(missing)
