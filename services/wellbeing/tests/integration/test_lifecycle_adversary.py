"""Lifecycle pools against whoever holds the data (docs/wellbeing.md, "Lifecycle surveys"), on SQLite and PostgreSQL.

Invitations into a pool go out one by one as people join or leave, and each person may answer the day they are
invited, so an adversary who copies every table every day sees exactly when each ballot arrived and whose
invitation was marked answered. What they must not get is anyone's answer: nothing readable is stored while a pool
is open, every ballot is the same size, nothing is worked out (or published) until the pool closes with at least
the minimum group, a pool short of it publishes nothing at its window's end, and what a close publishes (the
academies' groups, the reasons for leaving, the trend between pools) never leaves a group under the minimum
to be had by subtraction.
"""
from __future__ import annotations

import json
import re
from datetime import date, timedelta

import pytest
from sqlalchemy.orm import Session

from staffroom_shared.errors import NotFound

from wellbeing.adapters.lifecycle import LifecycleRepository
from wellbeing.adapters.orm import ballots, comments, results
from wellbeing.adapters.repository import RunRepository
from wellbeing.adapters.results import ResultRepository
from wellbeing.domain.model import RunStatus
from wellbeing.service import lifecycle, respond, runs
from wellbeing.service.daily_job import run_daily

from .conftest import HR

KEY = bytes(range(32))
SWITCHED_ON = date(2027, 1, 4)


def _switch_on(world, kind: str, **settings) -> None:
    lifecycle.configure(world.context.uow(), HR, kind, {"enabled": True, **settings}, today=SWITCHED_ON)


def _pools(world, kind: str):
    with Session(world.context.engine) as session:
        return [(p.id, p.status, p.closes_on, p.invited) for p in LifecycleRepository(session).pools(kind)]


def _readable(world) -> str:
    """Every stored row but the sealed boxes, as text: what the adversary can read without SEAL_KEY."""
    return json.dumps({t: rows for t, rows in world.snapshot().items() if t not in ("ballots", "drafts")},
                      default=str)


def test_answers_given_one_by_one_as_people_become_due_are_never_readable_or_worked_out_until_the_pool_closes(world):
    _switch_on(world, "onboarding")
    joiners = [world.join(start_date=SWITCHED_ON + timedelta(days=7 * i)) for i in range(6)]
    sizes, day = set(), None
    for i, person in enumerate(joiners):  # each is due six weeks after starting: one a week
        day = person["start_date"] + timedelta(days=42)
        run_daily(world.context.uow(), world.links, KEY, today=day)
        [(pool_id, status, _, invited)] = _pools(world, "onboarding")
        assert status is RunStatus.OPEN and invited == i + 1
        token = world.asked(pool_id, [person], day)[person["staff_id"]]
        marker = f"wombat-{i}"
        respond.submit(world.context.uow(), token, {"enps.recommend": i, "trust.improve": marker}, KEY, today=day)
        readable = _readable(world)
        assert marker not in readable  # the comment waits in the sealed ballot, like the answer
        assert not world.rows(results) and not world.rows(comments)  # nothing worked out per arrival
        sizes |= {len(row.sealed) for row in world.rows(ballots)}
    assert len(sizes) == 1  # every ballot the same size, whatever was written

    # Closed together: nothing left that is one person's; the figures are the pool's, of all six at once.
    run_daily(world.context.uow(), world.links, KEY, today=_pools(world, "onboarding")[0][2] + timedelta(days=1))
    [(pool_id, status, _, _)] = _pools(world, "onboarding")
    assert status is RunStatus.CLOSED and not world.rows(ballots)
    trust = [r for r in world.rows(results) if r.cut == "trust" and r.figure == "responses"]
    assert [r.n for r in trust] == [6]
    assert {c.academy_id for c in world.rows(comments)} <= {None, world.academy_id}


def test_whoever_holds_every_event_and_table_cannot_answer_for_anyone_in_a_pool(world):
    """Outsider, issue 23: with the others' emailed links an adversary answered for four of five joiners and read the
    fifth's answers and comment off the pool's results. A pool's invitations carry no link, and the one a person
    gets by choosing "Answer now" goes to their browser only."""
    _switch_on(world, "onboarding")
    joiners = [world.join(start_date=SWITCHED_ON) for _ in range(5)]
    due = SWITCHED_ON + timedelta(days=42)
    run_daily(world.context.uow(), world.links, KEY, today=due)
    [(pool_id, _, _, _)] = _pools(world, "onboarding")
    real = joiners[0]
    token = world.asked(pool_id, [real], due)[real["staff_id"]]
    respond.submit(world.context.uow(), token, {"enps.recommend": 3, "trust.improve": "mine"}, KEY, today=due)

    issued = [e["payload"] for e in world.outbox("wellbeing.invitation_issued")]
    assert len(issued) == 6 and all(p["sealed_link"] is None and p["answer_in_staffroom"] for p in issued)
    held = json.dumps({"tables": world.snapshot(), "outbox": world.outbox()}, default=str)
    assert token not in held
    tried = set(re.findall(r"(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])", held))
    for guess in tried:  # every stored string shaped like a token
        with pytest.raises(NotFound):
            respond.submit(world.context.uow(), guess, {"enps.recommend": 10}, KEY, today=due)


def test_a_pool_short_of_the_minimum_group_publishes_nothing_at_its_window_end_and_rolls_on(world):
    _switch_on(world, "onboarding")
    joiners = [world.join(start_date=SWITCHED_ON) for _ in range(4)]
    due = SWITCHED_ON + timedelta(days=42)
    run_daily(world.context.uow(), world.links, KEY, today=due)
    [(pool_id, _, window_end, _)] = _pools(world, "onboarding")
    tokens = world.asked(pool_id, joiners, due)
    for n, person in enumerate(joiners):
        respond.submit(world.context.uow(), tokens[person["staff_id"]], {"enps.recommend": n}, KEY, today=due)
    before = len(world.outbox())

    run_daily(world.context.uow(), world.links, KEY, today=window_end + timedelta(days=1))
    [(_, status, rolled_to, _)] = _pools(world, "onboarding")
    assert status is RunStatus.OPEN and rolled_to > window_end
    assert not world.rows(results) and len(world.rows(ballots)) == 4  # still sealed, unread
    assert {e["type"] for e in world.outbox()[before:]} <= {"wellbeing.invitation_issued"}  # no close, no results


def test_what_an_exit_pool_publishes_leaves_no_group_under_the_minimum_by_subtraction(world):
    _switch_on(world, "exit")
    leaving = SWITCHED_ON + timedelta(days=60)
    oak = [world.join(start_date=date(2015, 9, 1), leaving_date=leaving) for _ in range(5)]
    other = world.academy_id.__class__(int=7)  # a second academy with one lone leaver
    lone = world.join(start_date=date(2015, 9, 1), leaving_date=leaving, academy_id=other)
    run_daily(world.context.uow(), world.links, KEY, today=leaving - timedelta(days=28))
    [(pool_id, _, window_end, invited)] = _pools(world, "exit")
    assert invited == 6
    tokens = world.asked(pool_id, [*oak, lone], leaving - timedelta(days=28))
    for person in [*oak, lone]:  # the lone leaver's reason is pay; everyone else's workload
        reason = 2 if person is lone else 1
        respond.submit(world.context.uow(), tokens[person["staff_id"]],
                       {"enps.recommend": 4, "custom.main_reason": reason}, KEY, today=leaving - timedelta(days=28))
    run_daily(world.context.uow(), world.links, KEY, today=window_end + timedelta(days=1))

    [published] = [e["payload"] for e in world.outbox("wellbeing.leaving_reasons_published")]
    answered = {(g["cut"], g["academy_id"]): g["answered"] for g in published["groups"]}
    # The trust's six less Oak's five would be the lone leaver's reason: Oak is hidden, and so not published
    assert answered == {("trust", None): 6}
    for kind in ("item", "measure", "responses"):  # and the report stored nothing shown for either academy
        assert not [r for r in world.rows(results) if r.cut == "academy" and r.kind == kind and not r.suppressed]


def test_pools_trend_only_with_pools_of_their_own_kind_and_never_by_fewer_than_the_minimum(world):
    _switch_on(world, "onboarding", window_days=28)
    first = [world.join(start_date=SWITCHED_ON) for _ in range(5)]
    second = [world.join(start_date=SWITCHED_ON + timedelta(days=35)) for _ in range(5)]
    for group in (first, second):
        due = group[0]["start_date"] + timedelta(days=42)
        run_daily(world.context.uow(), world.links, KEY, today=due)
        pool_id, _, window_end, _ = _pools(world, "onboarding")[-1]
        tokens = world.asked(pool_id, group, due)
        for person in group:
            respond.submit(world.context.uow(), tokens[person["staff_id"]], {"enps.recommend": 9}, KEY, today=due)
        run_daily(world.context.uow(), world.links, KEY, today=window_end + timedelta(days=1))
    staff_survey = world.survey(date(2027, 1, 4), date(2027, 1, 22))  # an ordinary run: not a trend point of pools
    for token in list(world.tokens(staff_survey.id).values())[:5]:
        respond.submit(world.context.uow(), token, {"enps.recommend": 3}, KEY, today=date(2027, 1, 5))
    runs.close(world.context.uow(), HR, staff_survey.id, KEY)
    pools = _pools(world, "onboarding")
    assert [status for _, status, _, _ in pools] == [RunStatus.CLOSED, RunStatus.CLOSED]
    with Session(world.context.engine) as session:
        later = RunRepository(session).get(pools[1][0])
        alike = set(ResultRepository(session).alike(later))
        changed = ResultRepository(session).between([pools[0][0], pools[1][0]])
    assert alike == {pools[0][0], pools[1][0]} and staff_survey.id not in alike
    assert all(n == 0 or n >= 5 for n in changed.values()) and changed[(pools[1][0], pools[0][0], "")] == 10

