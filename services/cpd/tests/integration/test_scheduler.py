"""The daily job: secondments start and end on their dates, once each; leavers' clawback once, on the date."""
from __future__ import annotations

import uuid
from datetime import date, timedelta
from decimal import Decimal

import pytest

from cpd.adapters.orm import secondments
from cpd.domain.future_leaders import Secondment
from cpd.service import handlers
from cpd.service.daily_job import run_daily

DAY = timedelta(days=1)
STARTS, ENDS = date(2027, 1, 4), date(2027, 7, 23)


@pytest.fixture
def clawbacks(monkeypatch) -> list:
    calls = []
    monkeypatch.setattr(handlers, "clawback", lambda uow, staff_id, left_on: calls.append((staff_id, left_on)) or True)
    return calls


def _secondment(world, **overrides) -> Secondment:
    secondment = Secondment(nomination_id=None, staff_id=uuid.uuid4(), home_academy_id=world.academy_id,
                            host_academy_id=uuid.uuid4(), post="Acting Deputy Headteacher", starts_on=STARTS,
                            ends_on=ENDS, substantive_post_kept=True, recharge_amount=Decimal("18500.00"), **overrides)
    with world.context.uow() as uow:
        uow.session.add(secondment)
        uow.commit()
    return secondment


def _run(world, today: date) -> dict:
    return run_daily(world.context.uow(actor="scheduler"), today=today)


def _status(world, secondment) -> str:
    return world.rows(secondments, secondments.c.id == secondment.id)[0].status


def test_a_secondment_starts_on_its_start_date_and_ends_on_its_end_date_once_each(world):
    secondment = _secondment(world)

    assert _run(world, STARTS - DAY)["secondments_started"] == 0
    assert _status(world, secondment) == "planned"
    assert _run(world, STARTS)["secondments_started"] == 1
    assert _status(world, secondment) == "started"
    assert _run(world, STARTS) == {"secondments_started": 0, "secondments_ended": 0, "leavers": 0,
                                     "impact_checks_asked": 0, "induction_items_due": 0}  # same day again
    assert _run(world, ENDS - DAY)["secondments_ended"] == 0
    assert _run(world, ENDS)["secondments_ended"] == 1
    assert _run(world, ENDS + DAY)["secondments_ended"] == 0

    (started,) = world.outbox("cpd.secondment_started")
    (ended,) = world.outbox("cpd.secondment_ended")
    assert started["payload"] == {
        "secondment_id": str(secondment.id), "staff_id": str(secondment.staff_id),
        "home_academy_id": str(world.academy_id), "host_academy_id": str(secondment.host_academy_id),
        "post": "Acting Deputy Headteacher", "starts_on": "2027-01-04", "ends_on": "2027-07-23",
        "substantive_post_kept": True, "recharge_amount": "18500.00"}
    assert started["academy_id"] == str(world.academy_id)
    assert ended["payload"]["secondment_id"] == str(secondment.id)
    assert started["correlation_id"] != ended["correlation_id"]  # each day's run is its own piece of work
    assert _status(world, secondment) == "ended"


def test_a_job_that_did_not_run_for_the_whole_term_starts_and_ends_it_once(world):
    _secondment(world)

    assert _run(world, ENDS + 10 * DAY) == {"secondments_started": 1, "secondments_ended": 1, "leavers": 0,
                                             "impact_checks_asked": 0, "induction_items_due": 0}
    assert _run(world, ENDS + 11 * DAY) == {"secondments_started": 0, "secondments_ended": 0, "leavers": 0,
                                             "impact_checks_asked": 0, "induction_items_due": 0}
    assert [len(world.outbox(t)) for t in ("cpd.secondment_started", "cpd.secondment_ended")] == [1, 1]


def test_a_cancelled_secondment_never_starts(world):
    _secondment(world, status="cancelled")

    assert _run(world, ENDS)["secondments_started"] == 0
    assert world.outbox("cpd.secondment_started") == []


def test_a_future_leaver_is_passed_to_clawback_once_on_their_leaving_date(world, clawbacks):
    person = world.join()
    leaving = date.today() + 10 * DAY
    world.deliver(world.staff_event("staff.left", {**person, "leaving_date": leaving}))
    assert clawbacks == []

    assert _run(world, leaving - DAY)["leavers"] == 0
    assert _run(world, leaving)["leavers"] == 1
    assert _run(world, leaving)["leavers"] == 0
    assert _run(world, leaving + DAY)["leavers"] == 0
    assert clawbacks == [(person["staff_id"], leaving)]


def test_a_leaver_the_handler_passed_on_is_not_passed_on_again(world, clawbacks):
    person = world.join()
    world.deliver(world.staff_event("staff.left", {**person, "leaving_date": date.today()}))

    assert _run(world, date.today() + DAY)["leavers"] == 0
    assert len(clawbacks) == 1


def test_until_agreements_can_work_clawback_out_a_leaver_waits(world, monkeypatch):
    # The guarded import: nothing is marked done, so a later run (with agreements in place) catches up.
    monkeypatch.setattr(handlers, "clawback", lambda uow, staff_id, left_on: False)
    person = world.join()
    world.deliver(world.staff_event("staff.left", {**person, "leaving_date": date.today()}))
    assert _run(world, date.today())["leavers"] == 0
    assert world.staff_copy(person["staff_id"]).leaving_processed_for is None

    calls = []
    monkeypatch.setattr(handlers, "clawback", lambda uow, staff_id, left_on: calls.append(staff_id) or True)
    assert _run(world, date.today())["leavers"] == 1
    assert calls == [person["staff_id"]]


def test_a_future_leaver_with_a_signed_agreement_gets_clawback_due_from_the_daily_job_once(world):
    person = world.join()
    agreement = world.signed_agreement(person, "1800.00", completed_on=None)  # still on the programme: 100%
    leaving = date.today() + 30 * DAY
    world.deliver(world.staff_event("staff.left", {**person, "leaving_date": leaving}))
    assert world.outbox("cpd.clawback_due") == []

    assert _run(world, leaving - DAY)["leavers"] == 0
    assert _run(world, leaving)["leavers"] == 1
    assert _run(world, leaving + DAY)["leavers"] == 0

    (due,) = world.outbox("cpd.clawback_due")
    assert (due["payload"]["agreement_id"], due["payload"]["amount"], due["payload"]["percent"]) == (
        str(agreement.id), "1800.00", 100)
    assert due["payload"]["left_on"] == leaving.isoformat()
