"""Status changes: announced once (targets.at_risk, targets.met) through the outbox, whether the change is found
after events (judged by judge_pending, the consumer's settle hook) or by the daily job, and the daily job's trend.
These run as of the real today, as the consumer judges targets as of the day it judges them."""
from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone

from staffroom_shared.principal import Principal
from targets.adapters.orm import events, snapshots, statuses
from targets.domain.targets import add_months
from targets.service.commands import set_definition

TODAY = datetime.now(timezone.utc).date()
HR = Principal(staff_id=uuid.uuid4(), roles=frozenset({"staff", "trust_hr"}), academy_id=None, subject="hr")
KEY = "induction_for_new_starters"


def announced(world, key=KEY):
    return [(e["type"], e["payload"]["academy_id"], e["payload"]["previous_status"], e["payload"]["status"])
            for e in world.outbox() if e["type"].startswith("targets.") and e["payload"]["target_key"] == key]


def test_a_new_starter_without_induction_puts_the_target_at_risk_once_and_induction_meets_it_once(world):
    academy = str(world.academy_id)
    starter = world.starter(TODAY - timedelta(days=30))
    assert announced(world) == []  # marked, not judged yet: judged once per burst of events
    world.judge()
    assert announced(world) == [("targets.at_risk", None, None, "at_risk"),
                                ("targets.at_risk", academy, None, "at_risk")]
    [trust] = [e for e in world.outbox("targets.at_risk") if e["payload"]["academy_id"] is None]
    assert trust["academy_id"] is None and trust["producer"] == "targets"
    assert {k: trust["payload"][k] for k in ("target_key", "value", "numerator", "denominator", "threshold")} == {
        "target_key": KEY, "value": 0.0, "numerator": 0, "denominator": 1, "threshold": 100.0}

    first = world.daily(TODAY)
    assert world.daily(TODAY) == {**first, "targets.at_risk": 0, "targets.met": 0}
    assert first["targets.at_risk"] == 0 and first["targets.met"] == 0  # already announced after the event
    assert len(announced(world)) == 2

    world.enrol(starter, "staff_induction", TODAY)
    world.judge()
    assert announced(world)[2:] == [("targets.met", None, "at_risk", "met"), ("targets.met", academy, "at_risk", "met")]
    world.daily(TODAY)
    world.daily(TODAY)
    assert len(announced(world)) == 4


def test_the_daily_job_finds_changes_that_come_with_time_and_keeps_one_snapshot_a_day(world):
    key = "development_programme_within_12_months"
    world.starter(add_months(TODAY, -11))  # no development programme, first year not over: not counted yet
    world.judge()  # as the consumer would have (induction at risk: not this test's target)
    assert announced(world, key) == []
    assert world.daily(TODAY)["targets.at_risk"] == 0
    later = TODAY + timedelta(days=60)  # the first year has ended without a programme
    assert world.daily(later)["targets.at_risk"] == 2
    assert world.daily(later)["targets.at_risk"] == 0
    assert announced(world, key) == [("targets.at_risk", None, "no_data", "at_risk"),
                                     ("targets.at_risk", str(world.academy_id), "no_data", "at_risk")]
    taken = world.rows(snapshots, snapshots.c.key == key, order_by=snapshots.c.taken_on)
    assert sorted((r.taken_on, r.scope != "trust", r.scope, r.status, r.value) for r in taken) == [
        (TODAY, False, "trust", "no_data", None), (TODAY, True, str(world.academy_id), "no_data", None),
        (later, False, "trust", "at_risk", 0.0), (later, True, str(world.academy_id), "at_risk", 0.0)]
    assert {r.scope: r.status for r in world.rows(statuses, statuses.c.key == key)} == {
        "trust": "at_risk", str(world.academy_id): "at_risk"}


def test_today_s_trend_point_follows_the_figure_after_the_daily_job_took_it(world):
    """Outsider, issue 20: the daily job ran at start-up while events were still arriving, and the day's trend point
    (7 of 103) stayed beside a headline of 86 of 141 all day."""
    key = "induction_for_new_starters"
    world.starter(TODAY - timedelta(days=30))
    world.judge()
    world.daily(TODAY)
    [before] = world.rows(snapshots, snapshots.c.key == key, snapshots.c.scope == "trust")
    world.starter(TODAY - timedelta(days=20))  # another starter arrives after the day's snapshot
    world.judge()
    [after] = world.rows(snapshots, snapshots.c.key == key, snapshots.c.scope == "trust")
    assert (before.taken_on, before.denominator) == (TODAY, 1) and (after.taken_on, after.denominator) == (TODAY, 2)
    yesterday = TODAY - timedelta(days=1)
    assert not world.rows(snapshots, snapshots.c.taken_on == yesterday)  # no point made for a day the job missed


def test_a_passed_deadline_is_announced_as_missed(world):
    world.starter(TODAY - timedelta(days=30))
    world.judge()
    set_definition(world.context.uow(), HR, KEY, {"deadline": TODAY - timedelta(days=1)}, today=TODAY)
    assert announced(world)[2:] == [("targets.at_risk", None, "at_risk", "missed"),
                                    ("targets.at_risk", str(world.academy_id), "at_risk", "missed")]
    set_definition(world.context.uow(), HR, KEY, {"threshold": 0, "at_risk_below": 0}, today=TODAY)
    assert [a[3] for a in announced(world)[4:]] == ["met", "met"]
    assert world.daily(TODAY)["targets.met"] == 0


def test_every_event_consumed_is_kept_once_as_it_came(world):
    person = world.person(start_date=TODAY - timedelta(days=30))
    joined = world.staff_event("staff.joined", person)
    world.deliver(joined)
    world.deliver(joined)  # redelivered: the inbox makes it a no-op
    world.judge()
    [kept] = world.rows(events)
    assert kept.event_id == joined.id and kept.event_type == "staff.joined"
    assert kept.envelope["payload"]["staff_id"] == str(person["staff_id"])
    assert kept.envelope["payload"]["start_date"] == person["start_date"].isoformat()
    assert len(announced(world)) == 2
    assert world.count("staff") == 1
