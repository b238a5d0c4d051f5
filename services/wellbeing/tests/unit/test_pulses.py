"""Pulse series: the calendar (domain.pulses) and the commands and daily job (service.pulses) against the fakes."""
from __future__ import annotations

import uuid
from datetime import date

import pytest

from staffroom_shared.errors import Conflict, Forbidden, NotFound, Unprocessable
from staffroom_shared.principal import Principal
from wellbeing.domain.model import RunError, RunStatus
from wellbeing.domain.pulses import PulseSeries, SeriesStatus, weekday
from wellbeing.service import daily_job, pulses

from .fakes import FakeWellbeingUnitOfWork
from .test_commands import ELM, HR, KEY, LINKS, OAK, OAK_HR, staff

ELM_HR = Principal(staff_id=uuid.uuid4(), roles=frozenset({"staff", "academy_hr"}), academy_id=ELM, subject="elm-hr")


@pytest.fixture
def uow():
    uow = FakeWellbeingUnitOfWork(actor="hr")
    uow.academies.rows.update({OAK: "Oak", ELM: "Elm"})
    return uow


def series(**extra) -> PulseSeries:
    return PulseSeries(**{"title": "Staff pulse", "instruments": ["enps"], "questions": [], "academy_ids": [],
                          "staff_types": [], "min_group_size": 5, "outcome": "enps", "owner_academy_id": None,
                          "created_by": "hr", "cadence": "monthly", "day_of_month": 1, "open_days": 7,
                          "starts_on": date(2027, 1, 1), **extra})


def made(uow, principal=HR, today=date(2027, 1, 1), **extra) -> PulseSeries:
    return pulses.create(uow, principal, {
        "title": "Staff pulse", "instruments": [], "questions": [], "academy_ids": [], "staff_types": [],
        "min_group_size": 5, "owner_academy_id": None, "cadence": "monthly", "day_of_month": 8, "open_days": 7,
        "starts_on": date(2027, 2, 1), **extra}, LINKS, today=today)


# -- the calendar ----------------------------------------------------------------------------------------------

def test_a_weekend_opening_moves_to_the_monday_after():
    assert weekday(date(2027, 5, 1)) == date(2027, 5, 3)  # a Saturday
    assert weekday(date(2027, 5, 2)) == date(2027, 5, 3)  # a Sunday
    assert weekday(date(2027, 5, 4)) == date(2027, 5, 4)


def test_a_monthly_pulse_opens_each_month_but_august():
    openings = series(day_of_month=10).openings(date(2027, 6, 1))
    assert [next(openings) for _ in range(3)] == [date(2027, 6, 10), date(2027, 7, 12), date(2027, 9, 10)]


def test_a_termly_pulse_opens_on_the_day_set_in_each_term():
    s = series(cadence="termly", day_of_month=None, term_opens=["10-13", "02-02", "05-11"])
    openings = s.openings(date(2026, 9, 1))
    assert [next(openings) for _ in range(4)] == [date(2026, 10, 13), date(2027, 2, 2), date(2027, 5, 11),
                                                   date(2027, 10, 13)]


@pytest.mark.parametrize("extra, field", [
    ({"cadence": "weekly"}, "cadence"),
    ({"day_of_month": 31}, "day_of_month"),
    ({"day_of_month": None}, "day_of_month"),
    ({"cadence": "termly", "term_opens": ["10-13", "02-02"]}, "term_opens"),
    ({"cadence": "termly", "term_opens": ["02-02", "10-13", "05-11"]}, "term_opens"),  # autumn's in February
    ({"cadence": "termly", "term_opens": ["10-13", "02-30", "05-11"]}, "term_opens"),
    ({"cadence": "termly", "term_opens": ["10-13", "2-x", "05-11"]}, "term_opens"),
    ({"cadence": "termly", "term_opens": ["10-13", "04-20", "04-10"]}, "term_opens"),  # summer's before spring's
    ({"open_days": 1}, "open_days"),
    ({"open_days": 22}, "open_days"),
])
def test_a_calendar_that_makes_no_sense_is_refused_naming_the_setting(extra, field):
    with pytest.raises(RunError) as refused:
        series(**extra)
    assert refused.value.field == field


def test_a_pulse_is_due_two_weeks_before_it_opens_and_one_already_over_is_skipped():
    s = series(day_of_month=15, starts_on=date(2027, 1, 1))
    assert s.due(date(2026, 12, 31)) == []
    assert s.due(date(2027, 1, 1)) == [date(2027, 1, 15)]
    assert s.due(date(2027, 2, 1)) == [date(2027, 2, 15)]  # January's closed on the 21st: not made late


def test_a_pulse_is_an_ordinary_scheduled_run_named_by_its_month():
    s = series(day_of_month=4)
    run = s.pulse(date(2027, 1, 4), today=date(2027, 1, 1))
    assert (run.title, run.opens_on, run.closes_on, run.status) == (
        "Staff pulse, January 2027", date(2027, 1, 4), date(2027, 1, 10), RunStatus.SCHEDULED)
    assert (s.made_until, s.next_on) == (date(2027, 1, 10), date(2027, 2, 4))
    with pytest.raises(RunError):
        s.pulse(date(2027, 1, 4), today=date(2027, 1, 1))  # made already


def test_a_termly_pulse_is_named_by_its_term():
    s = series(cadence="termly", term_opens=["10-13", "04-01", "04-26"])
    assert s.pulse_title(date(2027, 10, 13)) == "Staff pulse, autumn term 2027"
    assert s.pulse_title(date(2027, 4, 1)) == "Staff pulse, spring term 2027"  # April, and still spring's
    assert s.pulse_title(date(2027, 4, 26)) == "Staff pulse, summer term 2027"


def test_a_long_template_is_warned_of_and_a_short_one_is_not():
    assert series().warnings == []
    long = series(instruments=["hse_indicator"], outcome="hse.demands")
    assert "asks 35 questions" in long.warnings[0]


# -- commands ----------------------------------------------------------------------------------------------

def test_a_series_with_no_questions_chosen_asks_the_short_pulse_set(uow):
    s = made(uow)
    assert (s.instruments, s.outcome, s.next_on, s.status) == (["ons4", "enps"], "enps", date(2027, 2, 8),
                                                               SeriesStatus.ACTIVE)
    assert [a["action"] for a in uow.audits] == ["create"]


def test_academy_hr_set_up_their_own_academys_series_only(uow):
    s = made(uow, OAK_HR, owner_academy_id=OAK)
    assert s.academy_ids == [str(OAK)]
    with pytest.raises(Forbidden):
        made(uow, OAK_HR)  # trust-wide
    with pytest.raises(Forbidden):
        made(uow, OAK_HR, owner_academy_id=ELM)
    with pytest.raises(NotFound):
        pulses.pause(uow, ELM_HR, s.id, LINKS)
    assert len(uow.series.rows) == 1 and uow.commits == 1


def test_a_template_a_run_would_refuse_is_refused_and_nothing_is_kept(uow):
    with pytest.raises(Unprocessable):
        made(uow, instruments=["nonsense"])
    with pytest.raises(Unprocessable):
        made(uow, min_group_size=3)
    with pytest.raises(Unprocessable):
        made(uow, day_of_month=None)
    assert uow.series.rows == {} and uow.commits == 0


def test_the_daily_job_makes_each_pulse_once_however_often_it_runs(uow):
    staff(uow, 6)
    s = made(uow)
    assert daily_job.run_daily(uow, LINKS, KEY, today=date(2027, 1, 20))["failed"] == 0
    assert uow.series.pulses(s.id) == []  # more than two weeks ahead
    for _ in range(2):
        daily_job.run_daily(uow, LINKS, KEY, today=date(2027, 1, 25))
    [run_id] = uow.series.pulses(s.id)
    assert (uow.runs.rows[run_id].title, uow.runs.rows[run_id].status) == ("Staff pulse, February 2027",
                                                                          RunStatus.SCHEDULED)
    assert daily_job.run_daily(uow, LINKS, KEY, today=date(2027, 2, 8)) == {
        "opened": 1, "reminded": 0, "closed": 0, "failed": 0}
    assert uow.runs.rows[run_id].status is RunStatus.OPEN and len(uow.series.pulses(s.id)) == 1


def test_a_paused_series_makes_nothing_and_resumes_from_today(uow):
    s = made(uow)
    pulses.pause(uow, HR, s.id, LINKS)
    daily_job.run_daily(uow, LINKS, KEY, today=date(2027, 2, 1))
    assert uow.series.pulses(s.id) == []
    with pytest.raises(Conflict):
        pulses.pause(uow, HR, s.id, LINKS)
    pulses.resume(uow, HR, s.id, LINKS, today=date(2027, 3, 20))
    assert s.next_on == date(2027, 4, 8)  # February's and March's days passed while paused: skipped


def test_an_ended_series_makes_no_more_pulses_and_cannot_change(uow):
    s = made(uow)
    pulses.end(uow, HR, s.id, LINKS)
    daily_job.run_daily(uow, LINKS, KEY, today=date(2027, 2, 1))
    assert uow.series.pulses(s.id) == [] and s.next_on is None
    for step in (pulses.pause, pulses.resume, pulses.end):
        with pytest.raises(Conflict):
            step(uow, HR, s.id, LINKS)
    with pytest.raises(Conflict):
        pulses.edit(uow, HR, s.id, {"title": "Another"}, LINKS)


def test_a_change_reaches_pulses_not_yet_made_only(uow):
    s = made(uow)
    daily_job.run_daily(uow, LINKS, KEY, today=date(2027, 1, 25))
    pulses.edit(uow, HR, s.id, {"title": "Our pulse", "instruments": ["trust_core"], "day_of_month": 15}, LINKS,
                today=date(2027, 1, 26))
    # the default outcome follows what is asked; the new day comes once February's pulse (8th to 14th) has closed
    assert (s.outcome, s.next_on) == ("trust.valued", date(2027, 2, 15))
    daily_job.run_daily(uow, LINKS, KEY, today=date(2027, 2, 5))
    first, second = (uow.runs.rows[r] for r in uow.series.pulses(s.id))
    assert (first.title, first.instruments) == ("Staff pulse, February 2027", ["ons4", "enps"])
    assert (second.title, second.instruments, second.opens_on) == ("Our pulse, February 2027", ["trust_core"],
                                                                   date(2027, 2, 15))


def test_a_refused_change_changes_nothing(uow):
    s = made(uow)
    with pytest.raises(Unprocessable):
        pulses.edit(uow, HR, s.id, {"day_of_month": 30, "title": "Changed"}, LINKS)
    with pytest.raises(Unprocessable):
        pulses.edit(uow, HR, s.id, {"outcome": "hse.demands"}, LINKS)
    assert (s.title, s.day_of_month, s.outcome) == ("Staff pulse", 8, "enps")
    assert [a["action"] for a in uow.audits] == ["create"]


def test_a_series_whose_first_day_has_come_opens_its_first_pulse_at_once(uow):
    people = staff(uow, 6)
    s = made(uow, starts_on=date(2027, 2, 8), day_of_month=8, today=date(2027, 2, 8))
    [run_id] = uow.series.pulses(s.id)
    run = uow.runs.rows[run_id]
    assert (run.status, run.invited) == (RunStatus.OPEN, len(people))
    assert len(uow.payloads("wellbeing.invitation_issued")) == len(people)
    assert daily_job.run_daily(uow, LINKS, KEY, today=date(2027, 2, 8))["opened"] == 0  # no second pulse, nor open
    assert uow.series.pulses(s.id) == [run_id]
