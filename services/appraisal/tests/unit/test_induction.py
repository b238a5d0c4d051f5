"""Early career teachers serving statutory induction are appraised through induction, not the appraisal cycle (issue
25): the rule at its date boundaries, and the handlers, opening, daily job and reminders against in-memory fakes."""
from __future__ import annotations

import uuid
from datetime import date, datetime, timezone

import pytest

from staffroom_shared.errors import Conflict
from staffroom_shared.events import new_event, parse_event

from appraisal.domain.induction import InductionSpell, appraised_through_induction, withdrawal_reason
from appraisal.domain.model import Status
from appraisal.service import appraisals as commands
from appraisal.service import cycles
from appraisal.service.daily_job import run_daily
from appraisal.service.handlers import HANDLERS

from .test_commands import OAK, TODAY, Trust, staff, staff_event, unchanged

CYCLE_STARTS, CYCLE_ENDS = date(2026, 9, 1), date(2027, 8, 31)  # the 2026/27 cycle Trust sets up


def spell(starts_on, ended_on=None, staff_id=None) -> InductionSpell:
    return InductionSpell(uuid.uuid4(), staff_id or uuid.uuid4(), starts_on, ended_on)


# -- the rule ---------------------------------------------------------------------------------------------------

def test_an_ect_serving_on_the_cycle_s_first_day_is_appraised_through_induction():
    serving = spell(date(2025, 9, 1))
    assert appraised_through_induction([serving], CYCLE_STARTS, CYCLE_ENDS) == {serving.staff_id}


def test_induction_that_ended_before_the_cycle_started_leaves_them_in_it():
    passed_in_july = spell(date(2024, 9, 1), ended_on=date(2026, 7, 20))
    ended_the_day_before = spell(date(2024, 9, 1), ended_on=date(2026, 8, 31))
    assert appraised_through_induction([passed_in_july, ended_the_day_before], CYCLE_STARTS, CYCLE_ENDS) == set()


def test_the_day_induction_ends_is_the_first_day_they_no_longer_serve_it():
    ended_on_the_first_day = spell(date(2024, 9, 1), ended_on=CYCLE_STARTS)
    ended_on_the_second = spell(date(2024, 9, 1), ended_on=date(2026, 9, 2))
    assert not ended_on_the_first_day.serving_on(CYCLE_STARTS) and ended_on_the_second.serving_on(CYCLE_STARTS)
    assert appraised_through_induction([ended_on_the_first_day, ended_on_the_second], CYCLE_STARTS, CYCLE_ENDS) \
        == {ended_on_the_second.staff_id}


def test_induction_starting_during_the_cycle_takes_its_year_and_one_after_it_does_not():
    mid_year, last_day, next_year = spell(date(2027, 1, 4)), spell(CYCLE_ENDS), spell(date(2027, 9, 1))
    assert appraised_through_induction([mid_year, last_day, next_year], CYCLE_STARTS, CYCLE_ENDS) \
        == {mid_year.staff_id, last_day.staff_id}


def test_an_end_whose_start_has_not_arrived_counts_back_to_the_end():
    """cpd.induction_ended overtook cpd.induction_started: it was being served until it ended."""
    assert appraised_through_induction([spell(None, ended_on=date(2026, 12, 1))], CYCLE_STARTS, CYCLE_ENDS)
    assert not appraised_through_induction([spell(None, ended_on=date(2026, 8, 1))], CYCLE_STARTS, CYCLE_ENDS)


def test_the_withdrawal_reason_is_plain_words_with_the_date_as_people_write_it():
    reason = withdrawal_reason(date(2027, 1, 4))
    assert "from 4 January 2027" in reason and "2027-01-04" not in reason
    assert "statutory induction" in reason and "first cycle opened after induction ends" in reason
    assert len(withdrawal_reason(date(2027, 12, 31))) <= 200  # appraisals.finished_reason


# -- over the bus, against fakes ----------------------------------------------------------------------------------

def induction_event(event_type: str, ect, induction_id=None, **payload):
    payload = {"induction_id": induction_id or uuid.uuid4(), "staff_id": ect.staff_id, "academy_id": OAK, **payload}
    sent = new_event(event_type, payload, producer="cpd", correlation_id="test", academy_id=OAK)
    return parse_event(sent.to_dict())  # as the consumer receives it


def started(ect, starts_on, induction_id=None):
    return induction_event("cpd.induction_started", ect, induction_id, starts_on=starts_on,
                           expected_completion=date(starts_on.year + 2, 7, 20), appropriate_body="Oak Teaching Hub",
                           programme_type="provider-led", tutor_id=None, mentor_id=None)


def ended(ect, ended_on, outcome="passed", induction_id=None):
    return induction_event("cpd.induction_ended", ect, induction_id, outcome=outcome, ended_on=ended_on)


def apply(trust: Trust, event, today: date = TODAY) -> None:
    with trust.uow as uow:
        if event.type == "cpd.induction_ended":
            HANDLERS[event.type](uow, event, today)
        else:
            HANDLERS[event.type](uow, event)
        uow.commit()


@pytest.fixture
def trust() -> Trust:
    found = Trust()
    found.ect = staff("Esme", line_manager_id=found.head.staff_id)
    found.uow.staff.add(found.ect)
    return found


def test_opening_leaves_out_an_ect_serving_induction_and_counts_them(trust):
    apply(trust, started(trust.ect, date(2026, 9, 1)))
    trust.open()
    assert trust.uow.appraisals.of(trust.ect.staff_id) == []
    assert trust.cycle.appraisal_count == 1 and trust.cycle.left_out_for_induction == 1
    assert trust.published("appraisal.cycle_opened")[0]["appraisal_count"] == 1
    assert [p["reviewee_id"] for p in trust.published("appraisal.appraisal_opened")] == [str(trust.teacher.staff_id)]
    assert trust.uow.audits[-1]["changes"]["left_out_for_induction"] == 1


def test_an_ect_who_passed_before_the_cycle_is_appraised_in_it(trust):
    induction = uuid.uuid4()
    apply(trust, started(trust.ect, date(2025, 9, 1), induction))
    apply(trust, ended(trust.ect, date(2026, 7, 20), induction_id=induction))
    trust.open()
    assert len(trust.uow.appraisals.of(trust.ect.staff_id)) == 1 and trust.cycle.left_out_for_induction == 0


def test_a_mid_year_start_withdraws_their_open_appraisal_with_the_reason(trust):
    trust.open()
    (theirs,) = trust.uow.appraisals.of(trust.ect.staff_id)
    apply(trust, started(trust.ect, date(2027, 1, 4)))
    assert theirs.status == Status.WITHDRAWN and "from 4 January 2027" in theirs.finished_reason
    (closed,) = trust.published("appraisal.closed")
    assert closed == {**closed, "appraisal_id": str(theirs.id), "status": "withdrawn",
                      "reason": theirs.finished_reason}


def test_the_same_start_delivered_twice_withdraws_once(trust):
    trust.open()
    event = started(trust.ect, date(2027, 1, 4))
    apply(trust, event)
    apply(trust, event)
    assert len(trust.published("appraisal.closed")) == 1 and len(trust.uow.inductions.spells()) == 1


def test_a_signed_off_appraisal_is_left_as_it_is(trust):
    trust.open()
    (theirs,) = trust.uow.appraisals.of(trust.ect.staff_id)
    theirs.status = Status.SIGNED_OFF
    apply(trust, started(trust.ect, date(2027, 1, 4)))
    assert theirs.status == Status.SIGNED_OFF and trust.published("appraisal.closed") == []


def test_induction_ending_mid_cycle_does_not_bring_them_into_the_open_cycle(trust):
    induction = uuid.uuid4()
    apply(trust, started(trust.ect, date(2025, 9, 1), induction))
    trust.open()
    apply(trust, ended(trust.ect, date(2026, 12, 18), induction_id=induction), today=date(2026, 12, 18))
    run_daily(trust.uow, date(2026, 12, 19))
    assert trust.uow.appraisals.of(trust.ect.staff_id) == []
    nxt = cycles.create_cycle(trust.uow, trust.hr, {"name": "2027/28 teachers", "template": "teachers",
                                                    "academy_id": OAK, "school_year": 2027})
    cycles.open_cycle(trust.uow, trust.hr, nxt.id, today=date(2027, 9, 1))
    (theirs,) = trust.uow.appraisals.of(trust.ect.staff_id)
    assert theirs.cycle_id == nxt.id and nxt.left_out_for_induction == 0


def test_an_end_arriving_late_that_was_before_the_cycle_gives_them_an_appraisal_then(trust):
    induction = uuid.uuid4()
    apply(trust, started(trust.ect, date(2024, 9, 1), induction))
    trust.open()
    assert trust.uow.appraisals.of(trust.ect.staff_id) == []
    apply(trust, ended(trust.ect, date(2026, 7, 20), induction_id=induction))
    (theirs,) = trust.uow.appraisals.of(trust.ect.staff_id)
    assert theirs.status == Status.NOT_STARTED


def test_an_end_overtaking_its_start_keeps_both(trust):
    induction = uuid.uuid4()
    apply(trust, ended(trust.ect, date(2026, 12, 18), "left", induction_id=induction))
    apply(trust, started(trust.ect, date(2025, 9, 1), induction))
    (kept,) = trust.uow.inductions.spells()
    assert (kept.starts_on, kept.ended_on, kept.outcome) == (date(2025, 9, 1), date(2026, 12, 18), "left")


def test_a_joiner_serving_induction_gets_no_appraisal_in_the_open_cycle(trust):
    trust.open()
    joiner = staff("Jas", line_manager_id=trust.head.staff_id)
    apply(trust, started(joiner, date(2026, 11, 2)))
    with trust.uow as uow:
        HANDLERS["staff.joined"](uow, staff_event("staff.joined", joiner), TODAY)
        uow.commit()
    assert trust.uow.appraisals.of(joiner.staff_id) == []


def test_the_daily_job_never_reports_an_ect_overdue_and_withdraws_one_that_raced_the_opening(trust):
    trust.open()  # the opening and the induction's start did not see each other
    (theirs,) = trust.uow.appraisals.of(trust.ect.staff_id)
    trust.uow.inductions.started(uuid.uuid4(), trust.ect.staff_id, OAK, date(2026, 9, 1), date(2028, 7, 20))
    counts = run_daily(trust.uow, date(2026, 11, 1))
    assert counts == {**counts, "overdue": 1, "withdrawn": 1}  # the teacher's objectives, not the ECT's
    assert [o["reviewee_id"] for o in trust.published("appraisal.overdue")] == [str(trust.teacher.staff_id)]
    assert theirs.status == Status.WITHDRAWN and "from 1 September 2026" in theirs.finished_reason


def test_no_reminder_goes_about_an_ect_serving_induction(trust):
    trust.open()
    (theirs,) = trust.uow.appraisals.of(trust.ect.staff_id)
    trust.uow.inductions.started(uuid.uuid4(), trust.ect.staff_id, OAK, date(2026, 9, 1), date(2028, 7, 20))
    with pytest.raises(Conflict, match="appraised through induction"):
        unchanged(trust, lambda: commands.send_reminder(trust.uow, trust.hr, theirs.id, None,
                                                         now=datetime(2026, 11, 10, 9, tzinfo=timezone.utc)))
