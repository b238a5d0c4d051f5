"""Targets' service layer against in-memory fakes (tests/unit/fakes.py): each command, handler and job makes its
change, publishes what the standings recorded with the contracts' payloads, audits, and a refusal commits and
publishes nothing. No database."""
from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta, timezone

import pytest

from staffroom_shared.errors import Forbidden, NotFound, Unprocessable
from staffroom_shared.events import Event, new_event
from staffroom_shared.principal import Principal
from targets.domain.standings import Standing
from targets.domain.targets import TARGETS, Figure, Status
from targets.service import evaluation, retention
from targets.service.commands import change_definition, set_definition
from targets.service.daily_job import run_daily
from targets.service.handlers import MOVES, handle
from targets.service.rebuild import rebuild

from .fakes import FakeTargetsUnitOfWork

TODAY = date(2026, 3, 2)
KEY = "induction_for_new_starters"
OAK = uuid.uuid4()
TRUST_HR = Principal(uuid.uuid4(), frozenset({"staff", "trust_hr"}), None, "trust-hr")
ACADEMY_HR = Principal(uuid.uuid4(), frozenset({"staff", "academy_hr"}), OAK, "academy-hr")


def figures(uow, key, **by_scope):
    """What the read model would count for a target: trust=(n, of), oak=(n, of)."""
    scopes = {"trust": None, "oak": OAK}
    uow.measures.found[key] = {scopes[s]: Figure(scopes[s], n, of) for s, (n, of) in by_scope.items()}


def announcement(key, status, previous, numerator, denominator, academy_id=None, deadline=None, threshold=100.0,
                 at_risk_below=90.0):
    return {"target_key": key, "title": TARGETS[key].title, "academy_id": academy_id and str(academy_id),
            "value": round(100 * numerator / denominator, 1), "numerator": numerator, "denominator": denominator,
            "threshold": threshold, "at_risk_below": at_risk_below, "deadline": deadline, "status": status,
            "previous_status": previous, "as_of": TODAY.isoformat()}


def nothing_happened(uow):
    return uow.commits == 0 and uow.published == [] and uow.audits == []


# -- set_definition / change_definition -----------------------------------------------------------------

def test_setting_a_definition_keeps_it_audits_the_change_and_announces_the_status_it_now_has():
    uow = FakeTargetsUnitOfWork(actor=TRUST_HR.actor)
    figures(uow, KEY, trust=(8, 10), oak=(8, 10))
    new = set_definition(uow, TRUST_HR, KEY, {"threshold": 80, "at_risk_below": 50}, today=TODAY)
    assert (new.threshold, new.at_risk_below) == (80, 50)
    assert uow.definitions.stored[KEY] == new and uow.definitions.saved_by[KEY][0] == TRUST_HR.actor
    assert uow.commits == 1
    assert uow.audits == [{"action": "target_definition_set", "entity": "target", "entity_id": KEY,
                           "changes": {"threshold": {"from": 100.0, "to": 80}, "at_risk_below": {"from": 90.0, "to": 50}},
                           "note": None, "actor": TRUST_HR.actor}]
    assert uow.payloads("targets.met") == [
        announcement(KEY, "met", None, 8, 10, threshold=80.0, at_risk_below=50.0),
        announcement(KEY, "met", None, 8, 10, academy_id=OAK, threshold=80.0, at_risk_below=50.0)]
    assert {e.academy_id for e in uow.published} == {None, OAK}
    assert uow.standings.rows[(KEY, "trust")]["status"] == "met"


def test_a_put_puts_back_the_defaults_of_what_it_leaves_out():
    uow = FakeTargetsUnitOfWork()
    set_definition(uow, TRUST_HR, KEY, {"threshold": 80, "at_risk_below": 50}, today=TODAY)
    new = set_definition(uow, TRUST_HR, KEY, {"window_months": 6}, today=TODAY)
    assert (new.threshold, new.at_risk_below, new.window_months) == (100.0, 90.0, 6)


def test_a_patch_changes_only_what_was_sent():
    uow = FakeTargetsUnitOfWork()
    uow.measures.names[OAK] = "Oak Primary"  # an academy the read model has heard of
    set_definition(uow, TRUST_HR, KEY, {"threshold": 80, "at_risk_below": 50, "academy_ids": [OAK]}, today=TODAY)
    new = change_definition(uow, TRUST_HR, KEY, {"threshold": 70}, today=TODAY)
    assert (new.threshold, new.at_risk_below, new.academy_ids) == (70, 50, (OAK,))
    assert uow.audits[-1]["changes"] == {"threshold": {"from": 80.0, "to": 70}}


def test_a_change_that_leaves_the_status_as_it_was_announces_nothing():
    uow = FakeTargetsUnitOfWork()
    figures(uow, KEY, trust=(10, 10))
    uow.standings.hold(KEY, None, Status.MET, TODAY - timedelta(days=5))
    change_definition(uow, TRUST_HR, KEY, {"threshold": 90, "at_risk_below": 80}, today=TODAY)
    assert uow.commits == 1 and uow.published == []
    assert uow.standings.rows[(KEY, "trust")]["since"] == TODAY - timedelta(days=5)


@pytest.mark.parametrize("who, key, data, refused", [
    (ACADEMY_HR, KEY, {"threshold": 50}, Forbidden),
    (TRUST_HR, "no_such_target", {"threshold": 50}, NotFound),
    (TRUST_HR, KEY, {"threshold": 50, "at_risk_below": 60}, Unprocessable),
    (TRUST_HR, KEY, {"threshold": 150}, Unprocessable),
])
def test_a_refused_put_commits_and_publishes_nothing(who, key, data, refused):
    uow = FakeTargetsUnitOfWork()
    figures(uow, KEY, trust=(0, 10))
    with pytest.raises(refused):
        set_definition(uow, who, key, data, today=TODAY)
    assert nothing_happened(uow) and uow.standings.rows == {}


def test_a_patch_checked_as_a_whole_is_refused_with_the_field_to_change_and_changes_nothing():
    uow = FakeTargetsUnitOfWork()
    set_definition(uow, TRUST_HR, KEY, {"threshold": 80, "at_risk_below": 50}, today=TODAY)
    commits, published, audits = uow.commits, list(uow.published), list(uow.audits)
    with pytest.raises(Unprocessable) as refused:
        change_definition(uow, TRUST_HR, KEY, {"at_risk_below": 90}, today=TODAY)
    assert refused.value.extensions["errors"][0]["pointer"] == "#/at_risk_below"
    assert (uow.commits, uow.published, uow.audits) == (commits, published, audits)
    assert uow.definitions.stored[KEY].at_risk_below == 50


def test_an_academy_hr_patch_is_refused_and_changes_nothing():
    uow = FakeTargetsUnitOfWork()
    with pytest.raises(Forbidden):
        change_definition(uow, ACADEMY_HR, KEY, {"threshold": 50}, today=TODAY)
    assert nothing_happened(uow) and uow.definitions.stored == {}


# -- judging ----------------------------------------------------------------------------------------------

def test_judging_the_marked_targets_announces_each_change_once_and_clears_their_marks():
    uow = FakeTargetsUnitOfWork()
    figures(uow, KEY, trust=(1, 10), oak=(1, 10))
    evaluation.mark_pending(uow, [KEY])
    assert judge_and_count(uow) == {"judged": [KEY], "targets.met": 0, "targets.at_risk": 2}
    assert uow.payloads("targets.at_risk") == [announcement(KEY, "at_risk", None, 1, 10),
                                               announcement(KEY, "at_risk", None, 1, 10, academy_id=OAK)]
    assert uow.pending.marks == {}
    evaluation.mark_pending(uow, [KEY])
    assert judge_and_count(uow) == {"judged": [KEY], "targets.met": 0, "targets.at_risk": 0}
    assert len(uow.published) == 2 and uow.commits == 2


def judge_and_count(uow):
    return evaluation.judge_pending(uow, TODAY)


def test_a_passed_deadline_turns_on_track_into_missed_announced_as_at_risk_with_the_status_before():
    uow = FakeTargetsUnitOfWork()
    set_definition(uow, TRUST_HR, KEY, {"deadline": TODAY - timedelta(days=1)}, today=TODAY - timedelta(days=2))
    figures(uow, KEY, trust=(95, 100))
    uow.standings.hold(KEY, None, Status.ON_TRACK, TODAY - timedelta(days=30))
    published = len(uow.published)
    evaluation.mark_pending(uow, [KEY])
    judge_and_count(uow)
    assert [e.payload for e in uow.published[published:]] == [
        announcement(KEY, "missed", "on_track", 95, 100, deadline=(TODAY - timedelta(days=1)).isoformat())]
    assert uow.published[-1].type == "targets.at_risk"


def test_a_target_another_judge_holds_is_skipped_and_keeps_its_mark():
    uow = FakeTargetsUnitOfWork()
    evaluation.mark_pending(uow, [KEY, "promoted_have_plan"])
    uow.definitions.held_elsewhere = {KEY}
    result = judge_and_count(uow)
    assert result["judged"] == ["promoted_have_plan"] and set(uow.pending.marks) == {KEY}


def test_a_mark_bumped_during_a_judgement_stays_for_the_next():
    uow = FakeTargetsUnitOfWork()
    evaluation.mark_pending(uow, [KEY])
    real = uow.measures.figures

    def an_event_arrives(d, today):
        uow.pending.mark([KEY], datetime.now(timezone.utc))
        return real(d, today)

    uow.measures.figures = an_event_arrives
    judge_and_count(uow)
    assert uow.pending.marks[KEY]["version"] == 2


def test_nothing_marked_judges_nothing_and_publishes_nothing():
    uow = FakeTargetsUnitOfWork()
    assert judge_and_count(uow) == {"judged": [], "targets.met": 0, "targets.at_risk": 0}
    assert uow.published == [] and uow.measures.asked == []


def test_a_standing_records_only_a_change_to_met_at_risk_or_missed():
    d = TARGETS[KEY].default()
    standing = Standing(KEY, None)
    assert standing.judge(d, Figure(None, 95, 100), TODAY) is Status.ON_TRACK and standing.recorded == []
    assert standing.since == TODAY
    standing.judge(d, Figure(None, 100, 100), TODAY)
    assert [(type(e).__name__, e.previous_status) for e in standing.recorded] == [("TargetMet", "on_track")]


# -- the daily job -----------------------------------------------------------------------------------------

def test_the_daily_job_judges_every_target_and_takes_a_snapshot_for_every_academy_known():
    uow = FakeTargetsUnitOfWork()
    figures(uow, KEY, trust=(10, 10), oak=(10, 10))
    counts = run_daily(uow, TODAY)
    assert uow.measures.asked == list(TARGETS)
    assert counts == {"targets.met": 2, "targets.at_risk": 0, "snapshots": 2 * len(TARGETS)}
    assert uow.snapshots.trend(KEY, OAK, None, None) == [
        {"taken_on": TODAY, "numerator": 10, "denominator": 10, "value": 100.0, "status": "met"}]
    assert [p["target_key"] for p in uow.payloads("targets.met")] == [KEY, KEY]
    again = run_daily(uow, TODAY)
    assert again == {"targets.met": 0, "targets.at_risk": 0, "snapshots": 2 * len(TARGETS)}
    assert len(uow.snapshots.rows) == 2 * len(TARGETS) and uow.commits == 2


def test_once_the_day_s_snapshot_is_taken_a_judgement_that_day_brings_it_up_to_date():
    uow = FakeTargetsUnitOfWork()
    figures(uow, KEY, trust=(1, 10))
    run_daily(uow, TODAY)
    figures(uow, KEY, trust=(10, 10))
    evaluation.mark_pending(uow, [KEY])
    judge_and_count(uow)
    assert uow.snapshots.trend(KEY, None, TODAY, TODAY)[0]["status"] == "met"


# -- events consumed, and the rebuild -------------------------------------------------------------------

def plan_created(staff_id=None) -> Event:
    return new_event("cpd.plan_created", {"plan_id": uuid.uuid4(), "staff_id": staff_id or uuid.uuid4(),
                                          "academy_id": OAK, "role": "Teacher", "reason": "promoted",
                                          "created_on": TODAY, "induction_suggested": False},
                     producer="cpd", correlation_id="test", academy_id=OAK)


def test_an_event_is_kept_applied_and_marks_the_targets_it_moves_and_publishes_nothing():
    uow = FakeTargetsUnitOfWork()
    event = plan_created()
    with uow:
        handle(uow, event)
        uow.commit()
    assert uow.event_store.stored == [event] and uow.facts.applied == [event]
    assert set(uow.pending.marks) == set(MOVES["cpd.plan_created"]) == {"promoted_have_plan"}
    assert uow.published == [] and uow.audits == []


def test_a_rebuild_replays_every_stored_event_in_order_then_judges_every_target():
    uow = FakeTargetsUnitOfWork()
    events = [plan_created(), plan_created()]
    uow.event_store.stored = list(events)
    uow.facts.applied = ["a fact from before"]
    figures(uow, KEY, trust=(0, 3))
    result = rebuild(uow, TODAY)
    assert result == {"replayed": 2, "targets.met": 0, "targets.at_risk": 1}
    assert uow.event_store.held and uow.facts.applied == events
    assert uow.measures.asked == list(TARGETS) and uow.commits == 1
    assert uow.payloads("targets.at_risk") == [announcement(KEY, "at_risk", None, 0, 3) | {"value": 0.0}]


def test_retention_forgets_only_staff_copies_a_newer_one_replaced():
    uow = FakeTargetsUnitOfWork()
    person = uuid.uuid4()

    def staff_event(kind, days_ago):
        return Event(uuid.uuid4(), kind, 1, datetime.combine(TODAY - timedelta(days=days_ago), datetime.min.time(),
                                                             tzinfo=timezone.utc),
                     "directory", OAK, "test", {"staff_id": str(person)})

    old, newer, newest = staff_event("staff.joined", 90), staff_event("staff.updated", 60), staff_event("staff.left", 1)
    uow.event_store.stored = [old, newer, newest]
    with uow:
        assert retention._superseded_staff_copies(uow, TODAY - timedelta(days=30), TODAY) == 2
        uow.commit()
    assert uow.event_store.stored == [newest]


def test_a_target_cannot_be_scoped_to_an_academy_nobody_has_heard_of():
    """Outsider, issue 22: PATCH {"academy_ids": [an id no event ever named]} was kept, and the target showed no
    figures anywhere until someone put it back."""
    uow = FakeTargetsUnitOfWork()
    figures(uow, KEY, trust=(8, 10), oak=(8, 10))
    nowhere = uuid.uuid4()
    with pytest.raises(Unprocessable) as refused:
        change_definition(uow, TRUST_HR, KEY, {"academy_ids": [OAK, nowhere]}, today=TODAY)
    assert refused.value.extensions["errors"] == [{"location": "json", "pointer": "#/academy_ids",
                                     "detail": f"no academy {nowhere} in the directory"}]
    assert nothing_happened(uow)
    assert change_definition(uow, TRUST_HR, KEY, {"academy_ids": [OAK]}, today=TODAY).academy_ids == (OAK,)
