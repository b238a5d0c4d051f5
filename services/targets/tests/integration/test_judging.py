"""Targets are judged once per burst of events, not once per event: each event marks the targets it moves (in its
own transaction), judge_pending judges each marked target once and clears the marks, and the consumer's settle
hook calls it about every half second (SQLite and PostgreSQL)."""
from __future__ import annotations

import json
import threading
import time
import uuid
from collections import Counter
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from staffroom_shared import runner
from staffroom_shared.bus import Delivery, OutgoingMessage
from staffroom_shared.consumer import InboxConsumer
from staffroom_shared.events import new_event
from staffroom_shared.testing import wait_for
from targets import bootstrap
from targets.adapters.orm import pending_judgements, statuses
from targets.domain.targets import TARGETS
from targets.adapters import measures
from targets.service import evaluation
from targets.service.handlers import HANDLERS, MOVES, handle

TODAY = datetime.now(timezone.utc).date()
STAFFED = set(MOVES["staff.joined"])


def marks(world) -> dict:
    return {row.key: row.since for row in world.rows(pending_judgements)}


def judged_keys(monkeypatch) -> list:
    """Every key measures.figures is asked for from now on: one call is one judgement of that target."""
    calls, real = [], measures.figures

    def counting(session, d, today):
        calls.append(d.key)
        return real(session, d, today)

    monkeypatch.setattr(measures, "figures", counting)
    return calls


def held(world) -> dict:
    return {(r.key, r.scope): (r.status, r.numerator, r.denominator) for r in world.rows(statuses)}


def announcements(world) -> list:
    return [(e["type"], e["payload"]["target_key"], e["payload"]["academy_id"], e["payload"]["status"])
            for e in world.outbox() if e["type"].startswith("targets.")]


def test_an_event_marks_the_targets_it_moves_once_and_judges_none(world, monkeypatch):
    calls = judged_keys(monkeypatch)
    world.starter(TODAY - timedelta(days=30))
    first = marks(world)
    assert set(first) == STAFFED
    world.starter(TODAY - timedelta(days=20))
    world.plan(world.starter(TODAY - timedelta(days=400)), "promoted", TODAY)
    assert marks(world) == first  # one mark per target, the first event's `since` kept
    versions = {row.key: row.version for row in world.rows(pending_judgements)}
    assert versions == {key: 4 if key == "promoted_have_plan" else 3 for key in STAFFED}  # one per event
    assert calls == [] and announcements(world) == []


def test_judge_pending_judges_each_marked_target_once_and_clears_the_marks(world, monkeypatch):
    world.starter(TODAY - timedelta(days=30))
    person = world.starter(TODAY - timedelta(days=400))
    world.agreement(person, "cpd.agreement_required", TODAY - timedelta(days=15))  # unsigned two weeks on
    calls = judged_keys(monkeypatch)

    result = world.judge()
    expected = [key for key in TARGETS if key in STAFFED | {"training_agreements_in_place"}]
    assert result["judged"] == expected and sorted(calls) == sorted(expected)
    at_risk = {"induction_for_new_starters", "training_agreements_in_place", "development_programme_within_12_months"}
    assert result["targets.at_risk"] == 6 and {a[1] for a in announcements(world)} == at_risk  # trust and academy
    assert marks(world) == {}
    assert {k for k, _ in held(world)} == set(expected)

    assert world.judge() == {"judged": [], "targets.met": 0, "targets.at_risk": 0}
    assert len(calls) == len(expected)


def test_an_event_that_fails_leaves_no_mark(world):
    def fails_after_marking(uow, event):
        handle(uow, event)
        assert set(uow.session.scalars(select(pending_judgements.c.key))) == STAFFED  # written, in this transaction
        raise RuntimeError("the process died before the commit")

    consumer = InboxConsumer("targets", world.context.uow, {"staff.joined": fails_after_marking})
    event = world.staff_event("staff.joined", world.person(start_date=TODAY - timedelta(days=30)))
    with pytest.raises(RuntimeError):
        consumer(Delivery(message_id=str(event.id), routing_key=event.type, body=_message(event).body, headers={},
                          attempt=1))
    assert marks(world) == {} and world.count("inbox") == 0 and world.count("staff") == 0


def test_a_burst_of_500_events_costs_one_judgement_per_target_and_ends_as_judging_after_each(world, monkeypatch):
    calls = judged_keys(monkeypatch)
    starters = [world.starter(TODAY - timedelta(days=30)) for _ in range(250)]
    for person in starters:  # induction is at risk until the very last of these
        world.enrol(person, "staff_induction", TODAY)
    assert calls == []

    world.judge()
    assert Counter(calls) == Counter(STAFFED)  # not 500 x 6
    burst = held(world)
    assert burst[("induction_for_new_starters", "trust")] == ("met", 250, 250)
    # Judging after every event would have announced at_risk first, then met; the final statuses are the same.
    assert ("targets.met", "induction_for_new_starters", None, "met") in announcements(world)

    with world.context.uow() as uow:
        assert evaluation.evaluate(uow, TARGETS, TODAY) == {"targets.met": 0, "targets.at_risk": 0, "snapshots": 0}
        uow.commit()
    assert {k: v for k, v in held(world).items() if k[0] in STAFFED} == burst


def _hold_judgements(monkeypatch):
    """Judgements pause inside their transaction until released; returns (keys judged, inside, release)."""
    calls, inside, release, real = [], threading.Event(), threading.Event(), measures.figures

    def slow(session, d, today):
        calls.append(d.key)
        inside.set()
        release.wait(10)
        return real(session, d, today)

    monkeypatch.setattr(measures, "figures", slow)
    return calls, inside, release


def _in_thread(target):
    out = {}
    thread = threading.Thread(target=lambda: out.setdefault("value", target()), daemon=True)
    thread.start()
    return thread, out


def test_two_judges_at_once_never_judge_the_same_target(world, monkeypatch):
    world.starter(TODAY - timedelta(days=30))
    world.judge()  # the targets' first judgement writes their definitions' rows; two judges then skip, not wait
    world.starter(TODAY - timedelta(days=20))
    calls, inside, release = _hold_judgements(monkeypatch)
    first, first_out = _in_thread(world.judge)
    assert inside.wait(10)
    second, second_out = _in_thread(world.judge)
    if world.context.engine.dialect.name == "postgresql":
        second.join(10)  # SKIP LOCKED: it does not wait for the first, it finds nothing left to judge
        assert second_out == {"value": {"judged": [], "targets.met": 0, "targets.at_risk": 0}}
    release.set()
    first.join(10)
    second.join(10)
    assert first_out["value"]["judged"] == [key for key in TARGETS if key in STAFFED]
    assert second_out["value"]["judged"] == []
    assert Counter(calls) == Counter(STAFFED) and marks(world) == {}


def test_an_event_arriving_during_a_judgement_is_not_kept_waiting_and_its_mark_is_not_lost(world, monkeypatch):
    world.starter(TODAY - timedelta(days=30))
    calls, inside, release = _hold_judgements(monkeypatch)
    judging, _ = _in_thread(world.judge)
    assert inside.wait(10)
    arriving, _ = _in_thread(lambda: world.starter(TODAY - timedelta(days=10)))
    if world.context.engine.dialect.name == "postgresql":
        arriving.join(10)  # not kept waiting by the judgement: applied and committed while it runs
        assert not arriving.is_alive() and world.count("staff") == 2
    else:
        time.sleep(0.3)
        assert arriving.is_alive()  # SQLite has one writer: the event waits for the judgement to commit
    release.set()
    judging.join(10)
    arriving.join(10)
    assert set(marks(world)) == STAFFED  # the second starter's facts were not in the first judgement's figures
    world.judge()
    assert held(world)[("induction_for_new_starters", "trust")] == ("at_risk", 0, 2)


def _inducted(person: dict):
    return new_event("cpd.enrolled", {
        "enrolment_id": uuid.uuid4(), "staff_id": person["staff_id"], "academy_id": person["academy_id"],
        "programme_id": uuid.uuid4(), "programme_title": "Welcome to the trust", "cohort_id": uuid.uuid4(),
        "cost": "0.00", "starts_on": TODAY, "from_waiting_list": False, "programme_kind": "staff_induction"},
        producer="cpd", correlation_id="test", academy_id=person["academy_id"])


def _message(event) -> OutgoingMessage:
    return OutgoingMessage(message_id=str(event.id), routing_key=event.type, body=json.dumps(event.to_dict()).encode())


def test_the_consumer_judges_a_burst_soon_after_its_last_event_with_no_event_after_it(world):
    bus, stop = world.context.bus, threading.Event()
    bus.declare("targets", sorted(HANDLERS))
    consumer = threading.Thread(target=runner.consumer, args=(world.context, HANDLERS, stop, bootstrap.SETTLE),
                                daemon=True)
    consumer.start()
    try:
        people = [world.person(start_date=TODAY - timedelta(days=30)) for _ in range(20)]
        bus.publish([_message(world.staff_event("staff.joined", p)) for p in people])
        wait_for(lambda: len(world.outbox("targets.at_risk")) >= 2, "induction at risk after the joiners", 5.0)

        bus.publish([_message(_inducted(p)) for p in people])  # only the last one meets the target
        wait_for(lambda: world.count("inbox") == 40, "the enrolments applied", 10.0)
        applied = time.monotonic()
        met = wait_for(lambda: [e for e in world.outbox("targets.met")
                                if e["payload"]["target_key"] == "induction_for_new_starters"],
                       "induction met, with no further event", 5.0)
        assert time.monotonic() - applied < 3.0  # a tick is 0.5 s; slack for a loaded machine
        assert {e["payload"]["academy_id"] for e in met} == {None, str(world.academy_id)}
        # Every other target the burst moved is judged too, with no event after it. (Not checked after the stop:
        # a stop between two ticks rightly leaves marks for the next start, which happened on a busy machine.)
        wait_for(lambda: marks(world) == {}, "every marked target judged", 5.0)
    finally:
        stop.set()
        consumer.join(10)
    assert not consumer.is_alive()


def test_a_failed_judgement_is_tried_again_next_time_and_keeps_its_marks(world, monkeypatch):
    world.starter(TODAY - timedelta(days=30))
    failures = iter([RuntimeError("the database went away")])
    real = measures.figures

    def flaky(session, d, today):
        for exc in failures:
            raise exc
        return real(session, d, today)

    monkeypatch.setattr(measures, "figures", flaky)
    stop = threading.Event()
    settling = threading.Thread(target=runner.settle_loop, args=(bootstrap.SETTLE, world.context, stop.is_set, 0.05),
                                daemon=True)
    settling.start()
    try:
        wait_for(lambda: len(world.outbox("targets.at_risk")) == 2, "the judgement after the failed one", 5.0)
    finally:
        stop.set()
        settling.join(5)
    assert marks(world) == {}


def test_an_idle_service_has_nothing_to_settle(world):
    assert bootstrap.SETTLE(world.context) is None
    world.starter(TODAY - timedelta(days=30))
    assert bootstrap.SETTLE(world.context)["judged"] == [key for key in TARGETS if key in STAFFED]
    assert bootstrap.SETTLE(world.context) is None
