"""Lifecycle surveys without a database: who is due when, pools filling, rolling on and closing, and the exit
pools' reasons for leaving."""
from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest

from staffroom_shared.errors import Conflict, Forbidden, NotFound, Unprocessable
from staffroom_shared.principal import Principal
from wellbeing.domain.lifecycle import CATCH_UP_DAYS, LifecycleSeries
from wellbeing.domain.model import RunStatus, StaffMember
from wellbeing.service import daily_job, lifecycle, respond, runs

from .fakes import FakeWellbeingUnitOfWork
from .test_commands import ELM, HR, KEY, LINKS, OAK, OAK_HR, nothing_done, staff, state

TODAY = date(2027, 1, 4)


@pytest.fixture
def uow():
    uow = FakeWellbeingUnitOfWork(actor="hr")
    uow.academies.rows.update({OAK: "Oak", ELM: "Elm"})
    return uow


def series(kind="onboarding", **overrides) -> LifecycleSeries:
    settings = {**lifecycle.DEFAULTS.get(kind, lifecycle.DEFAULTS["exit"]), "enabled": True, "since": TODAY, "updated_by": "hr", **overrides}
    return LifecycleSeries(kind=kind, **settings)


def person(start=date(2026, 11, 16), leaving=None) -> StaffMember:
    return StaffMember(uuid.uuid4(), OAK, "teaching", start, leaving)


# -- who is due, when -------------------------------------------------------------------------------------------------

def test_a_joiner_is_due_six_weeks_after_starting_and_for_a_few_weeks_after():
    onboarding, joiner = series(), person(start=date(2027, 1, 4))
    due_on = date(2027, 2, 15)
    assert not onboarding.due(joiner, due_on - timedelta(days=1))
    assert onboarding.due(joiner, due_on) and onboarding.due(joiner, due_on + timedelta(days=CATCH_UP_DAYS))
    assert not onboarding.due(joiner, due_on + timedelta(days=CATCH_UP_DAYS + 1))


def test_staff_who_started_before_the_series_was_switched_on_are_never_due():
    onboarding = series(since=date(2027, 3, 1))
    assert not onboarding.due(person(start=date(2027, 1, 4)), date(2027, 3, 1))  # due on 15 February, before it


def test_a_joiner_who_has_left_by_then_is_not_asked_about_joining():
    assert not series().due(person(start=date(2027, 1, 4), leaving=date(2027, 2, 1)), date(2027, 2, 15))


def test_a_leaver_is_due_four_weeks_before_their_leaving_date_until_they_go():
    exit_survey, leaver = series("exit"), person(start=date(2019, 9, 1), leaving=date(2027, 3, 31))
    assert not exit_survey.due(leaver, date(2027, 3, 2))
    assert exit_survey.due(leaver, date(2027, 3, 3)) and exit_survey.due(leaver, date(2027, 3, 31))
    assert not exit_survey.due(leaver, date(2027, 4, 1))  # gone: their work email may no longer reach them
    assert not exit_survey.due(person(), date(2027, 3, 3))  # no leaving date, nobody to ask


def test_a_switched_off_series_invites_nobody():
    assert not series(enabled=False).due(person(start=date(2027, 1, 4)), date(2027, 2, 15))


@pytest.mark.parametrize("settings", [{"answer_days": 3}, {"window_days": 20}, {"min_group_size": 4},
                                      {"kind": "retirement"}])
def test_settings_that_would_single_out_or_rush_people_are_refused(settings):
    with pytest.raises(ValueError):
        series(**settings)


# -- setting it up ------------------------------------------------------------------------------------------------------

def test_trust_hr_switches_on_a_series_with_the_defaults_and_it_is_audited(uow):
    made = lifecycle.configure(uow, HR, "exit", {"enabled": True}, today=TODAY)
    assert made.enabled and made.since == TODAY and made.questions == [lifecycle.EXIT_QUESTION]
    assert uow.audits[-1]["action"] == "configure" and uow.published == []


def test_switching_a_series_on_again_starts_from_that_day(uow):
    lifecycle.configure(uow, HR, "onboarding", {"enabled": True}, today=TODAY)
    lifecycle.configure(uow, HR, "onboarding", {"enabled": False}, today=TODAY + timedelta(days=5))
    again = lifecycle.configure(uow, HR, "onboarding", {"enabled": True}, today=TODAY + timedelta(days=60))
    assert again.since == TODAY + timedelta(days=60)


@pytest.mark.parametrize("who, kind, changes, refusal", [
    (OAK_HR, "onboarding", {"enabled": True}, Forbidden),
    (HR, "probation", {"enabled": True}, NotFound),
    (HR, "exit", {"instruments": ["nope"]}, Unprocessable),
    (HR, "exit", {"instruments": [], "questions": []}, Unprocessable),
    (HR, "exit", {"window_days": 14}, Unprocessable),
])
def test_a_refused_setting_changes_nothing(uow, who, kind, changes, refusal):
    lifecycle.configure(uow, HR, "exit", {"enabled": True}, today=TODAY)
    before = state(uow)
    with pytest.raises(refusal):
        lifecycle.configure(uow, who, kind, changes, today=TODAY)
    assert nothing_done(uow, before) and uow.lifecycle.rows["exit"].window_days == 91


# -- pools --------------------------------------------------------------------------------------------------------------

def joiners(uow, n, start):
    return staff(uow, n, start_date=start)


def invited(uow, pool) -> set:
    """Who the pool invited, from its invitation_issued events, none of which carries a link."""
    payloads = [p for p in uow.payloads("wellbeing.invitation_issued") if p["run_id"] == str(pool.id)]
    assert all(p["sealed_link"] is None and p["answer_in_staffroom"] for p in payloads)
    return {uuid.UUID(p["staff_id"]) for p in payloads}


def tokens(uow, pool, people) -> dict:
    """Each person's token as Staffroom gives it to their signed-in browser ("Answer now")."""
    return {p.staff_id: runs.new_link(uow, Principal(staff_id=p.staff_id, roles=frozenset({"staff"}),
                                                     academy_id=p.academy_id, subject=str(p.staff_id)),
                                      pool.id, LINKS, today=pool.opens_on).split("#token=")[1] for p in people}


def test_the_daily_job_invites_each_joiner_once_into_the_current_pool(uow):
    lifecycle.configure(uow, HR, "onboarding", {"enabled": True}, today=TODAY)
    first = joiners(uow, 3, date(2027, 1, 4))
    daily_job.run_daily(uow, LINKS, KEY, today=date(2027, 2, 15))
    [pool] = uow.lifecycle.pools("onboarding")
    assert pool.status is RunStatus.OPEN and pool.invited == 3 and pool.academy_ids == [] and pool.owner_academy_id is None
    assert invited(uow, pool) == {p.staff_id for p in first}
    daily_job.run_daily(uow, LINKS, KEY, today=date(2027, 2, 16))
    assert pool.invited == 3 and len(uow.payloads("wellbeing.invitation_issued")) == 3  # nobody twice
    later = joiners(uow, 2, date(2027, 1, 11))
    daily_job.run_daily(uow, LINKS, KEY, today=date(2027, 2, 22))
    assert uow.lifecycle.pools("onboarding") == [pool] and pool.invited == 5
    assert invited(uow, pool) == {p.staff_id for p in first + later}


def test_someone_invited_near_the_end_of_a_window_goes_into_the_next_pool(uow):
    lifecycle.configure(uow, HR, "onboarding", {"enabled": True}, today=TODAY)
    joiners(uow, 1, date(2027, 1, 4))
    daily_job.run_daily(uow, LINKS, KEY, today=date(2027, 2, 15))
    [first] = uow.lifecycle.pools("onboarding")
    late = joiners(uow, 1, first.closes_on - timedelta(days=13 + 42))  # due with 13 days left: fewer than 14
    daily_job.run_daily(uow, LINKS, KEY, today=first.closes_on - timedelta(days=13))
    first_pool, second = uow.lifecycle.pools("onboarding")
    assert first_pool is first and first.invited == 1 and invited(uow, second) == {late[0].staff_id}
    assert second.opens_on == first.closes_on - timedelta(days=13)


def answer_all(uow, pool, people, **answers):
    links = tokens(uow, pool, people)
    for p in people:
        respond.submit(uow, links[p.staff_id], {"enps.recommend": 8, **answers}, KEY, today=pool.opens_on)


def test_a_pool_short_of_the_minimum_group_rolls_on_and_closes_once_it_has_it(uow):
    lifecycle.configure(uow, HR, "onboarding", {"enabled": True}, today=TODAY)
    first = joiners(uow, 4, date(2027, 1, 4))
    daily_job.run_daily(uow, LINKS, KEY, today=date(2027, 2, 15))
    [pool] = uow.lifecycle.pools("onboarding")
    answer_all(uow, pool, first)
    window_end = pool.closes_on
    daily_job.run_daily(uow, LINKS, KEY, today=window_end + timedelta(days=1))
    assert pool.status is RunStatus.OPEN and pool.closes_on == window_end + timedelta(days=91)
    assert uow.payloads("wellbeing.survey_closed") == [] and len(uow.ballots.rows) == 4  # sealed, unread

    fifth = joiners(uow, 1, window_end + timedelta(days=1 - 42))
    daily_job.run_daily(uow, LINKS, KEY, today=window_end + timedelta(days=1))
    assert pool.invited == 5  # the rolled pool is the current one
    answer_all(uow, pool, fifth)
    daily_job.run_daily(uow, LINKS, KEY, today=pool.closes_on + timedelta(days=1))
    assert pool.status is RunStatus.CLOSED and pool.counted == 5 and uow.ballots.rows == {}
    assert uow.payloads("wellbeing.survey_closed")[0]["responses"] == 5


def test_a_pool_is_never_closed_by_the_ordinary_runs_loop_even_when_its_own_step_fails(uow, monkeypatch):
    lifecycle.configure(uow, HR, "onboarding", {"enabled": True}, today=TODAY)
    first = joiners(uow, 4, date(2027, 1, 4))
    daily_job.run_daily(uow, LINKS, KEY, today=date(2027, 2, 15))
    [pool] = uow.lifecycle.pools("onboarding")
    answer_all(uow, pool, first)

    def broken(*args):
        raise RuntimeError("the lifecycle step failed")

    monkeypatch.setattr(lifecycle, "run_daily", broken)
    counts = daily_job.run_daily(uow, LINKS, KEY, today=pool.closes_on + timedelta(days=1))
    assert counts["failed"] == 1 and pool.status is RunStatus.OPEN and len(uow.ballots.rows) == 4


def test_an_exit_pool_publishes_its_reasons_for_leaving_as_counts_only(uow):
    lifecycle.configure(uow, HR, "exit", {"enabled": True}, today=TODAY)
    leavers = staff(uow, 6, leaving_date=date(2027, 3, 31))
    daily_job.run_daily(uow, LINKS, KEY, today=date(2027, 3, 3))
    [pool] = uow.lifecycle.pools("exit")
    links = tokens(uow, pool, leavers)
    for n, p in enumerate(leavers):
        respond.submit(uow, links[p.staff_id], {"enps.recommend": 5, "custom.main_reason": 1 if n < 4 else 2},
                       KEY, today=date(2027, 3, 3))
    daily_job.run_daily(uow, LINKS, KEY, today=pool.closes_on + timedelta(days=1))

    [published] = uow.payloads("wellbeing.leaving_reasons_published")
    trust = published["groups"][0]
    assert published["run_id"] == str(pool.id) and trust["cut"] == "trust" and trust["answered"] == 6
    assert trust["reasons"][:3] == [{"reason": "Workload", "count": 4}, {"reason": "Pay", "count": 2},
                                    {"reason": "Career progression or promotion", "count": 0}]
    assert all(g["cut"] != "academy" for g in published["groups"])  # 3 at each academy: hidden, not sent
    [row] = [r for r in uow.results.rows if r["figure"] == "custom.main_reason" and r["cut"] == "trust"]
    assert row["mean"] is None and row["favourable"] is None and row["distribution"] == {"1": 4, "2": 2}


# -- the choice answer type ---------------------------------------------------------------------------------------------

def test_a_choice_question_has_no_measure_and_takes_one_of_its_answers():
    from wellbeing.domain.instruments import custom_instrument, Questionnaire
    from wellbeing.domain.scoring import score

    form = Questionnaire([custom_instrument([lifecycle.EXIT_QUESTION])])
    assert form.measures == {} and form.items["custom.main_reason"].favourable is None
    assert form.errors({"custom.main_reason": 11}) and form.errors({"custom.main_reason": "pay"})
    scored = score(form, {"custom.main_reason": 2})
    assert [(i.key, i.value, i.favourable) for i in scored.items] == [("custom.main_reason", 2, None)]


def test_a_choice_cannot_be_part_of_a_score():
    from wellbeing.domain.instruments import Instrument, Item, Measure, _check_instrument

    with pytest.raises(ValueError, match="cannot be scored"):
        _check_instrument(Instrument(
            key="x", title="X", instructions="", licence="ours", citation="",
            items=(Item("x.why", "Why?", "leaving_reason"),),
            measures=(Measure(key="x.why", title="Why", items=("x.why",), method="item", minimum=1, maximum=10),)))


def test_hr_cannot_close_a_pool_early_only_its_series_does(uow):
    lifecycle.configure(uow, HR, "onboarding", {"enabled": True}, today=TODAY)
    first = joiners(uow, 5, date(2027, 1, 4))
    daily_job.run_daily(uow, LINKS, KEY, today=date(2027, 2, 15))
    [pool] = uow.lifecycle.pools("onboarding")
    answer_all(uow, pool, first)
    before = state(uow)
    with pytest.raises(Conflict, match="closes only at the end of its window"):
        runs.close(uow, HR, pool.id, KEY)
    assert pool.status is RunStatus.OPEN and len(uow.ballots.rows) == 5 and nothing_done(uow, before)
