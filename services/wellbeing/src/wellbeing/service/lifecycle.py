"""Lifecycle surveys: trust HR switches on onboarding and exit surveys; each day, pools short of the minimum group
roll on a window, pools with enough answers close (the ordinary close), and everyone who became due is invited into
the current pool. The exit pools' reasons for leaving are published when a pool closes."""
from __future__ import annotations

from datetime import date, timedelta

from staffroom_shared.authz import academy_scope, require
from staffroom_shared.errors import NotFound
from staffroom_shared.principal import Principal

from ..adapters.lifecycle import LifecycleRepository
from ..adapters.results import ResultRepository
from ..domain.lifecycle import KINDS, LifecycleSeries, admitted, reasons
from ..domain.model import RunError, RunStatus, SurveyRun, default_outcome
from .results import close_run
from .runs import Links, invite, may_see, refused
from .runs import _build as checked_questions
from .runs import _checked as known_instruments
from .unit_of_work import WellbeingUnitOfWork

EXIT_QUESTION = {"key": "main_reason", "text": "What is the main reason you are leaving?", "scale": "leaving_reason"}
DEFAULTS = {  # what a series asks and when, until trust HR changes it (a pool's window is about a school term)
    "onboarding": {"instruments": ["enps", "trust_core"], "questions": [], "delay_days": 42, "answer_days": 14,
                   "window_days": 91, "min_group_size": 5},
    "exit": {"instruments": ["enps"], "questions": [EXIT_QUESTION], "delay_days": 28, "answer_days": 14,
             "window_days": 91, "min_group_size": 5},
}
SETTINGS = ("enabled", "instruments", "questions", "delay_days", "answer_days", "window_days", "min_group_size")


def _kind(kind: str) -> str:
    if kind not in KINDS:
        raise NotFound(f"there is no lifecycle survey {kind!r}; there are {', '.join(KINDS)}")
    return kind


def configure(uow: WellbeingUnitOfWork, principal: Principal, kind: str, changes: dict,
              today: date | None = None) -> LifecycleSeries:
    """Switch a series on or off, or change what it asks and when (trust HR)."""
    require(principal.has_role("trust_hr"), "only trust HR can set up onboarding and exit surveys")
    today = today or date.today()
    with uow:
        series = uow.lifecycle.series(_kind(kind), lock=True)
        current = DEFAULTS[kind] if series is None else {name: getattr(series, name) for name in SETTINGS}
        settings = {**current, **changes}
        known_instruments(principal, {"instruments": settings["instruments"]}, None)
        checked_questions(principal, {  # what the next pool will ask: the same checks as a run HR builds
            "title": KINDS[kind], "instruments": settings["instruments"], "questions": settings["questions"],
            "academy_ids": [], "staff_types": [], "opens_on": today, "closes_on": today + timedelta(days=366),
            "min_group_size": settings["min_group_size"], "owner_academy_id": None,
            "outcome": default_outcome(settings["instruments"], settings["questions"])})
        try:
            if series is None:
                series = uow.lifecycle.add(LifecycleSeries(kind=kind, since=today, updated_by=principal.actor,
                                                           **{"enabled": False, **settings}))
            else:
                series.change(today, updated_by=principal.actor, **changes)
        except RunError as exc:
            raise refused(exc) from exc
        uow.audit("configure", "lifecycle_survey", kind, {k: str(v) for k, v in changes.items()})
        uow.commit()
        return series


def overview(session, principal: Principal) -> list[dict]:
    """Each series' settings (the defaults for one never set up) and the pools the caller may see, newest first."""
    repository = LifecycleRepository(session)
    held = {s.kind: s for s in repository.every_series()}
    out = []
    for kind, name in KINDS.items():
        series = held.get(kind)
        settings = {**DEFAULTS[kind], "enabled": False} if series is None else {
            setting: getattr(series, setting) for setting in SETTINGS}
        pools = [p for p in reversed(repository.pools(kind)) if may_see(principal, p)]
        out.append({"kind": kind, "name": name, **settings, "since": series.since if series else None,
                    "pools": [_pool(p, repository) for p in pools]})
    return out


def _pool(pool: SurveyRun, repository: LifecycleRepository) -> dict:
    waiting = pool.status is RunStatus.OPEN
    return {"run_id": pool.id, "title": pool.title, "status": pool.status, "opens_on": pool.opens_on,
            "closes_on": pool.closes_on, "invited": pool.invited, "min_group_size": pool.min_group_size,
            "answered": repository.answered(pool.id) if waiting else pool.counted}


def run_daily(uow: WellbeingUnitOfWork, links: Links, key: bytes, today: date) -> dict:
    """Each series in its own transaction (locked, so two jobs at once do not invite anyone twice): roll on pools
    short of the minimum group, close those that have it, then invite everyone due into the current pool."""
    counts = {"rolled": 0, "closed": 0, "invited": 0}
    with uow:
        kinds = [s.kind for s in uow.lifecycle.every_series()]
    for kind in kinds:
        with uow:
            series = uow.lifecycle.series(kind, lock=True)
            pools = uow.lifecycle.pools(kind, status=RunStatus.OPEN, lock=True)
            for pool in pools:
                if series.roll(pool, uow.lifecycle.answered(pool.id), today):
                    counts["rolled"] += 1
                elif pool.due_to_close(today):
                    close_run(uow, pool, key, lifecycle=kind)
                    if kind == "exit":
                        series.reasons_published(pool, reasons(pool, uow.results.visible(pool.id, None)))
                    counts["closed"] += 1
            asked = uow.lifecycle.invited(kind)
            due = [p for p in uow.staff.everyone() if p.staff_id not in asked and series.due(p, today)]
            if due:
                pool = next((p for p in reversed(pools) if series.fits(p, today)), None)
                pool = pool or uow.lifecycle.add_pool(kind, series.new_pool(today))
                for person in due:
                    invite(uow, pool, person, today, links)
                    admitted(pool)
                counts["invited"] += len(due)
            uow.commit()
    return counts


def leaving_reasons(session, principal: Principal) -> list[dict]:
    """The reasons for leaving of every closed exit pool the caller may see, newest first: the trust's, and each
    academy's whose group was shown (academy HR: theirs)."""
    scope = academy_scope(principal)
    results = ResultRepository(session)
    out = []
    for pool in reversed(LifecycleRepository(session).pools("exit", status=RunStatus.CLOSED)):
        if may_see(principal, pool):
            out.append({"run_id": pool.id, "title": pool.title, "opens_on": pool.opens_on,
                        "closes_on": pool.closes_on, "groups": reasons(pool, results.visible(pool.id, scope))})
    return out
