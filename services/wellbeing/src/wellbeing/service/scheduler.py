"""The daily job: open scheduled runs on their date, send the one 'closing soon' reminder, close runs whose
closing date has passed (working out their results)."""
from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import delete, select

from staffroom_shared.log import correlation
from staffroom_shared.uow import UnitOfWork

from ..adapters.orm import invitations
from ..domain.model import InvitationStatus, RunStatus, SurveyRun
from .results import close_run
from .runs import REMIND_DAYS_BEFORE, Links, open_run, run_payload


def run_daily(uow: UnitOfWork, links: Links, key: bytes, today: date | None = None, *,
              correlation_id: str | None = None) -> dict:
    """Safe to run more than once a day and to miss days: each run opens, reminds and closes once."""
    today = today or date.today()
    with correlation(correlation_id or f"wellbeing-daily-{today}-{uuid.uuid4().hex[:8]}"):
        counts = {"opened": 0, "reminded": 0, "closed": 0}
        with uow:
            # FOR UPDATE (PostgreSQL): a second job at the same moment waits, then finds the runs moved on.
            active = uow.session.scalars(select(SurveyRun).where(
                SurveyRun.status.in_((RunStatus.SCHEDULED, RunStatus.OPEN))).order_by(SurveyRun.opens_on, SurveyRun.id)
                .with_for_update()).all()
            for run in active:
                if run.due_to_open(today):
                    open_run(uow, run, links, today)
                    counts["opened"] += 1
                if run.due_reminder(today, REMIND_DAYS_BEFORE):
                    remind(uow, run, today)
                    counts["reminded"] += 1
                if run.due_to_close(today):
                    close_run(uow, run, key)
                    counts["closed"] += 1
            forget_sent_links(uow)
            uow.commit()
        return counts


def forget_sent_links(uow: UnitOfWork) -> None:
    """Invitations carry each person's link, sealed to notifications; once the relay has handed them to the bus, the
    outbox need not keep even that."""
    outbox = uow.metadata.tables["outbox"]
    uow.session.execute(delete(outbox).where(outbox.c.event_type == "wellbeing.invitation_issued",
                                             outbox.c.sent_at.is_not(None)))


def remind(uow: UnitOfWork, run: SurveyRun, today: date) -> None:
    waiting = uow.session.scalars(select(invitations.c.staff_id).where(
        invitations.c.run_id == run.id, invitations.c.status == InvitationStatus.INVITED)
        .order_by(invitations.c.staff_id)).all()
    run.reminded_on = today
    uow.emit("wellbeing.survey_closing_soon", {**run_payload(run), "not_responded": waiting},
             academy_id=run.owner_academy_id)
