"""The daily job: lifecycle surveys' pools first (service.lifecycle), pulse series' runs as they fall due, then open
scheduled runs on their date, send the one 'closing soon' reminder, close runs whose closing date has passed (working
out their results), and pass on authors' answers to replies once enough wait."""
from __future__ import annotations

import logging
from datetime import date

from staffroom_shared.log import own_correlation

from . import feedback, lifecycle
from .pulses import make_pulses
from .replies import release
from .results import close_run
from .runs import REMIND_DAYS_BEFORE, Links, open_run
from .unit_of_work import WellbeingUnitOfWork

log = logging.getLogger(__name__)


@own_correlation("wellbeing-daily")
def run_daily(uow: WellbeingUnitOfWork, links: Links, key: bytes, today: date | None = None) -> dict:
    """Safe to run more than once a day and to miss days: each run opens, reminds and closes once. Each run is
    its own transaction, so one that cannot be closed (logged, counted as failed, tried again tomorrow) holds
    up no other: issue 19's eleventh outsider stopped every survey's opening and closing with one run that
    failed its close."""
    today = today or date.today()
    counts = {"opened": 0, "reminded": 0, "closed": 0, "failed": 0}
    # First, so a pool short of the minimum group rolls on before the loop below would close it.
    try:
        log.info("wellbeing daily job: lifecycle surveys %s", lifecycle.run_daily(uow, links, key, today))
    except Exception:  # noqa: BLE001 - the runs below go on; the pools are tried again at the next run of the job
        log.exception("wellbeing daily job: lifecycle surveys could not be brought up to date")
        counts["failed"] += 1
    made, failed = make_pulses(uow, today)  # before the runs, so a pulse due today opens below
    counts["failed"] += failed
    if made:
        log.info("wellbeing daily job: %d pulse(s) made from their series", made)
    with uow:
        due = uow.runs.active_ids()
    for run_id in due:
        done = {"opened": 0, "reminded": 0, "closed": 0}
        try:
            with uow:
                # FOR UPDATE (PostgreSQL): a second job at the same moment waits, then finds the run moved on.
                run = uow.runs.active(run_id)
                if run is None:
                    continue
                if run.due_to_open(today):
                    open_run(uow, run, links, today)
                    done["opened"] = 1
                if run.due_reminder(today, REMIND_DAYS_BEFORE):
                    run.remind(today, uow.invitations.waiting(run.id))
                    done["reminded"] = 1
                # A lifecycle pool is closed (or rolled on) only by its own step above, even when that step failed:
                # closing it here with fewer than the minimum answered would destroy their answers unread.
                if run.due_to_close(today) and uow.lifecycle.kind_of(run.id) is None:
                    close_run(uow, run, key)
                    done["closed"] = 1
                uow.commit()
        except Exception:  # noqa: BLE001 - any run's failure is logged, and the others go on
            log.exception("wellbeing daily job: survey run %s could not be opened, reminded or closed; it is "
                          "tried again at the next run of the job, and the other runs go on", run_id)
            counts["failed"] += 1
            continue
        for what, n in done.items():
            counts[what] += n
    # Feedback requests past their closing date (each in its own transaction; a failure is logged and retried).
    log.info("wellbeing daily job: %d feedback request(s) closed", feedback.close_due(uow, key, today))
    with uow:
        uow.invitations.forget_sent_links()
        uow.commit()
    try:
        log.info("wellbeing daily job: %d answers to replies passed on", release(uow, key, today))
    except Exception:  # noqa: BLE001 - the answers wait, sealed, for tomorrow's job
        log.exception("wellbeing daily job: answers to replies could not be passed on; they wait for the next run")
        counts["failed"] += 1
    return counts
