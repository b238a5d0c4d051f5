"""Future-leader rules: nominations, shadowing placements, secondments that start and end once on their dates."""
from __future__ import annotations

import uuid
from datetime import date, timedelta
from decimal import Decimal

import pytest

from cpd.domain.errors import CpdError, IllegalTransition, NotAllowed
from cpd.domain.future_leaders import Nomination, Secondment, SecondmentStatus, Shadowing

STARTS, ENDS = date(2027, 1, 4), date(2027, 7, 23)


def _nomination(**kwargs) -> Nomination:
    return Nomination(**{"staff_id": uuid.uuid4(), "academy_id": uuid.uuid4(), "nominated_by": uuid.uuid4(),
                         "nominated_on": date(2026, 11, 1), "reason": "Leads the maths hub", **kwargs})


def _secondment(**kwargs) -> Secondment:
    return Secondment(**{"nomination_id": None, "staff_id": uuid.uuid4(), "home_academy_id": uuid.uuid4(),
                         "host_academy_id": uuid.uuid4(), "post": "Acting Deputy Headteacher", "starts_on": STARTS,
                         "ends_on": ENDS, "recharge_amount": Decimal("18500"), **kwargs})


def test_nobody_nominates_themselves():
    me = uuid.uuid4()
    with pytest.raises(NotAllowed, match="nominates themselves"):
        _nomination(staff_id=me, nominated_by=me)


def test_only_the_nominee_answers_and_only_once():
    nomination = _nomination()
    with pytest.raises(NotAllowed, match="only the nominee"):
        nomination.respond(nomination.nominated_by, accept=True)
    nomination.respond(nomination.staff_id, accept=False)
    assert nomination.status == "declined"
    with pytest.raises(IllegalTransition, match="already declined"):
        nomination.respond(nomination.staff_id, accept=True)


def test_a_shadowing_placement_has_a_host_other_than_the_future_leader_and_sensible_dates():
    me = uuid.uuid4()
    with pytest.raises(CpdError, match="someone other"):
        Shadowing(nomination_id=uuid.uuid4(), staff_id=me, host_staff_id=me, host_academy_id=uuid.uuid4(),
                  starts_on=STARTS, ends_on=STARTS, focus="x")
    with pytest.raises(CpdError, match="ends after it starts"):
        Shadowing(nomination_id=uuid.uuid4(), staff_id=me, host_staff_id=uuid.uuid4(), host_academy_id=uuid.uuid4(),
                  starts_on=STARTS, ends_on=STARTS - timedelta(days=1), focus="x")


def test_a_secondment_starts_on_its_start_date_and_ends_on_its_end_date_once():
    secondment = _secondment()
    assert not secondment.start(STARTS - timedelta(days=1))
    assert secondment.start(STARTS) and secondment.status == SecondmentStatus.STARTED
    assert not secondment.start(STARTS + timedelta(days=1))
    assert not secondment.end(ENDS - timedelta(days=1))
    assert secondment.end(ENDS) and secondment.status == SecondmentStatus.ENDED
    assert not secondment.end(ENDS + timedelta(days=1))


def test_a_secondment_is_fixed_term_to_another_academy_with_no_negative_recharge():
    home = uuid.uuid4()
    with pytest.raises(CpdError, match="fixed term"):
        _secondment(ends_on=STARTS)
    with pytest.raises(CpdError, match="another academy"):
        _secondment(home_academy_id=home, host_academy_id=home)
    with pytest.raises(CpdError, match="negative"):
        _secondment(recharge_amount=Decimal("-0.01"))
    assert _secondment(recharge_amount="1234.5").recharge_amount == Decimal("1234.50")


def test_only_a_planned_secondment_is_cancelled():
    secondment = _secondment()
    secondment.start(STARTS)
    with pytest.raises(IllegalTransition, match="this secondment has started, so it cannot be cancelled"):
        secondment.cancel()
    planned = _secondment()
    planned.cancel()
    assert planned.status == SecondmentStatus.CANCELLED and not planned.start(ENDS)
