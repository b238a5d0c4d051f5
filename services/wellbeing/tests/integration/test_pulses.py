"""Pulse series on a real database: the daily job makes each pulse once, even two jobs at the same moment on
PostgreSQL (the series row locked, the pulse recorded against its day), and the pulse opens as any run does."""
from __future__ import annotations

from datetime import date

from wellbeing.adapters.orm import pulses
from wellbeing.adapters.orm import runs as runs_table
from wellbeing.service import pulses as series
from wellbeing.service.daily_job import run_daily

from .conftest import HR
from .test_handlers_and_daily_job import KEY, _race


def _series(world, **extra):
    return series.create(world.context.uow(), HR, {
        "title": "Staff pulse", "instruments": [], "questions": [], "academy_ids": [], "staff_types": [],
        "min_group_size": 5, "owner_academy_id": None, "cadence": "monthly", "day_of_month": 8, "open_days": 7,
        "starts_on": date(2027, 2, 1), **extra}, world.links, today=date(2027, 1, 1))


def test_the_daily_job_makes_each_pulse_once_and_opens_it_on_its_day(world):
    people = [world.join() for _ in range(6)]
    made = _series(world)
    for _ in range(2):
        assert run_daily(world.context.uow(), world.links, KEY, today=date(2027, 1, 25))["failed"] == 0
    [row] = world.rows(pulses)
    assert (row.series_id, row.opens_on) == (made.id, date(2027, 2, 8))
    assert run_daily(world.context.uow(), world.links, KEY, today=date(2027, 2, 8))["opened"] == 1
    [run] = world.rows(runs_table)
    assert (run.title, run.status.value, run.invited) == ("Staff pulse, February 2027", "open", len(people))


def test_two_daily_jobs_at_once_on_postgres_make_one_pulse(pg_world):
    _series(pg_world)
    counts = []
    outcomes = _race([lambda: counts.append(run_daily(pg_world.context.uow(), pg_world.links, KEY,
                                                      today=date(2027, 1, 25))) for _ in range(4)])
    # the others waited for the lock and found the pulse made: none even tried to make it again
    assert outcomes == ["ok"] * 4 and [c["failed"] for c in counts] == [0] * 4
    assert len(pg_world.rows(pulses)) == 1 and len(pg_world.rows(runs_table)) == 1
