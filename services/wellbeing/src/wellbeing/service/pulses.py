"""Pulse series: HR set one up, pause, resume, end or change it; the daily job makes each pulse as an ordinary
scheduled run from its template; the series' page reads its pulses and the trend across them."""
from __future__ import annotations

import logging
import uuid
from datetime import date, timedelta

from staffroom_shared.authz import academy_scope, require
from staffroom_shared.errors import Conflict, NotFound
from staffroom_shared.figures import ratio
from staffroom_shared.principal import Principal

from ..adapters.pulses import SeriesRepository
from ..adapters.repository import RunRepository
from ..domain.model import RunError, RunStatus, default_outcome
from ..domain.pulses import PULSE_SET, TEMPLATE, PulseSeries, SeriesStatus
from . import reports, runs
from .unit_of_work import WellbeingUnitOfWork

log = logging.getLogger(__name__)


def _template(series_or_data) -> dict:
    """The template as a run's settings, on two dates that only let it be checked."""
    get = series_or_data.get if isinstance(series_or_data, dict) else lambda name: getattr(series_or_data, name)
    starts = get("starts_on")
    return {**{name: get(name) for name in TEMPLATE}, "academy_ids": [uuid.UUID(str(a)) for a in get("academy_ids")],
            "opens_on": starts, "closes_on": starts + timedelta(days=1)}


def _found(principal: Principal, series: PulseSeries | None, series_id: uuid.UUID, *, manage: bool = False):
    """A series is seen and managed by whoever would see and manage its pulses (service.runs' rules)."""
    pulse = series.sample() if series is not None else None
    if pulse is None or not runs.may_see(principal, pulse):
        raise NotFound(f"there is no pulse series with id {series_id}")
    if manage:
        require(runs.may_manage(principal, pulse), "only the HR team that owns this pulse series can change it")
    return series


def _managed(uow: WellbeingUnitOfWork, principal: Principal, series_id: uuid.UUID) -> PulseSeries:
    return _found(principal, uow.series.get(series_id, lock=True), series_id, manage=True)


def create(uow: WellbeingUnitOfWork, principal: Principal, data: dict, links: runs.Links,
           today: date | None = None) -> PulseSeries:
    """A new series; each pulse is made LEAD_DAYS before it opens (one due already is made now, and opened if its
    day has come). With no questions chosen it asks the short pulse set."""
    today = today or date.today()
    data = dict(data)
    if not data["instruments"] and not data["questions"]:
        data["instruments"] = list(PULSE_SET)
    data.setdefault("outcome", default_outcome(data["instruments"], data["questions"]))
    with uow:
        checked = runs.as_run(uow, principal, _template(data))  # who may, and the run's own rules
        try:
            series = PulseSeries(**{**data, "academy_ids": checked.academy_ids}, created_by=principal.actor)
        except RunError as exc:
            raise runs.refused(exc) from exc
        uow.series.add(series)
        uow.audit("create", "pulse_series", series.id, {"title": series.title})
        _make_due(uow, series, today, links)
        uow.commit()
        return series


def edit(uow: WellbeingUnitOfWork, principal: Principal, series_id: uuid.UUID, changes: dict, links: runs.Links,
         today: date | None = None) -> PulseSeries:
    """Change the template or the calendar: pulses not yet made follow it; those made (scheduled, open or closed)
    keep what they were made with."""
    today = today or date.today()
    with uow:
        series = _managed(uow, principal, series_id)
        if series.status is SeriesStatus.ENDED:
            raise Conflict("an ended pulse series cannot be changed")
        changes = series.sample().outcome_following(changes)
        proposed = {**{name: getattr(series, name) for name in (*TEMPLATE, "starts_on")}, **changes}
        checked = runs.as_run(uow, principal, _template(proposed))  # the template as a run, before anything changes
        try:
            series.edit(today, **{**changes, "academy_ids": checked.academy_ids})
        except RunError as exc:
            raise runs.refused(exc) from exc
        uow.audit("edit", "pulse_series", series.id, {k: str(v) for k, v in changes.items()})
        _make_due(uow, series, today, links)
        uow.commit()
        return series


def _step(step: str):
    def command(uow: WellbeingUnitOfWork, principal: Principal, series_id: uuid.UUID, links: runs.Links,
                today: date | None = None) -> PulseSeries:
        today = today or date.today()
        with uow:
            series = _managed(uow, principal, series_id)
            try:
                series.resume(today) if step == "resume" else getattr(series, step)()
            except RunError as exc:
                raise Conflict(str(exc)) from exc
            uow.audit(step, "pulse_series", series.id)
            _make_due(uow, series, today, links)
            uow.commit()
            return series
    command.__doc__ = f"{step.capitalize()} the series (a pulse already made still runs: close it early if need be)."
    return command


pause, resume, end = _step("pause"), _step("resume"), _step("end")


def _make_due(uow: WellbeingUnitOfWork, series: PulseSeries, today: date, links: runs.Links | None = None) -> int:
    """Make each pulse now due as a scheduled run; with `links`, open one whose day has come, as scheduling a run
    does (the daily job opens its own next)."""
    due = series.due(today)
    for opens_on in due:
        run = series.pulse(opens_on, today)
        uow.runs.add(run)
        uow.series.made(series.id, opens_on, run.id)
        uow.audit("create", "survey_run", run.id, {"title": run.title, "pulse_series": str(series.id)})
        if links is not None and run.due_to_open(today):
            runs.open_run(uow, run, links, today)
    return len(due)


def make_pulses(uow: WellbeingUnitOfWork, today: date) -> tuple[int, int]:
    """The daily job's part: every pulse now due, as a scheduled run; (made, series that failed). Each series is
    its own transaction, locked, and a pulse is recorded against its day, so running twice makes one pulse."""
    with uow:
        due = uow.series.active_ids()
    made = failed = 0
    for series_id in due:
        try:
            with uow:
                series = uow.series.get(series_id, lock=True)
                if series is None:
                    continue
                made += _make_due(uow, series, today)
                uow.commit()
        except Exception:  # noqa: BLE001 - one series' failure holds up no other, nor the runs
            log.exception("wellbeing daily job: pulse series %s could not make its pulse; tried again at the next "
                          "run of the job", series_id)
            failed += 1
    return made, failed


# -- pages ------------------------------------------------------------------------------------------------

def visible(session, principal: Principal) -> list[PulseSeries]:
    return [s for s in SeriesRepository(session).listed() if runs.may_see(principal, s.sample())]


def get(session, principal: Principal, series_id: uuid.UUID) -> PulseSeries:
    return _found(principal, SeriesRepository(session).get(series_id), series_id)


def pulses_of(session, principal: Principal, series: PulseSeries) -> list[dict]:
    """Each pulse made, newest first: dates, status and (once open) the response rate in the caller's academies."""
    scope = academy_scope(principal)
    out = []
    for run_id in reversed(SeriesRepository(session).pulses(series.id)):
        run = RunRepository(session).get(run_id)
        counts = runs.progress(session, run, scope) if run.status in (RunStatus.OPEN, RunStatus.CLOSED) else []
        invited, responded = sum(c["invited"] for c in counts), sum(c["responded"] for c in counts)
        out.append({"run_id": run.id, "title": run.title, "opens_on": run.opens_on, "closes_on": run.closes_on,
                    "status": run.status, "invited": invited if counts else None,
                    "responded": responded if counts else None,
                    "response_rate": ratio(responded, invited, 1, 100)})
    return out


def detail(session, principal: Principal, series_id: uuid.UUID) -> dict:
    series = get(session, principal, series_id)
    return {"series": series, "pulses": pulses_of(session, principal, series)}


def trend(session, principal: Principal, series_id: uuid.UUID) -> list[dict]:
    """The trend of the series' latest closed pulse (service.reports.trend, its rules unchanged): each measure
    across the series' own closed pulses, withheld points explained. Another series' pulses of the same scope are
    left out (outsider, issue 23); the comparison rule is applied to exactly the points shown, so every pair on
    the page passes it, and a point shown here that a wider trend withholds is no more than its pulse's own report
    shows."""
    series = get(session, principal, series_id)
    stored = RunRepository(session)
    closed = [run for run in (stored.get(r) for r in SeriesRepository(session).pulses(series.id))
              if run.status is RunStatus.CLOSED]
    if not closed:
        return []
    return reports.trend(session, closed[-1], academy_scope(principal), among=[run.id for run in closed])
