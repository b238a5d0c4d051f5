"""Coaching action steps and notice periods (issue 24), as domain rules: no Flask, no database."""
from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest

from appraisal.domain.model import ActionStep, Appraisal, AppraisalError, IllegalTransition, Observation, Status

COACH, TEACHER = uuid.uuid4(), uuid.uuid4()
MONDAY = date(2026, 11, 2)


def appraisal(**more) -> Appraisal:
    return Appraisal(cycle_id=uuid.uuid4(), reviewee_id=TEACHER, academy_id=uuid.uuid4(), template="teachers",
                     appraiser_id=COACH, **more)


def observation(observed_on=MONDAY, told=None) -> Observation:
    return Observation(appraisal_id=uuid.uuid4(), kind="lesson_observation", observer_id=COACH,
                       observed_on=observed_on, focus="Questioning", notice_given_on=told)


def step(agreed=MONDAY, follow_up=MONDAY + timedelta(days=14), **more) -> ActionStep:
    return ActionStep(appraisal_id=uuid.uuid4(), step="Cold call after every explanation", agreed_on=agreed,
                      follow_up_on=follow_up, set_by=COACH, **more)


def test_an_observation_needing_five_days_notice_is_refused_with_four():
    with pytest.raises(AppraisalError, match="needs 5 days' notice, and the teacher had 4"):
        observation(told=MONDAY - timedelta(days=4)).check_notice(5)
    observation(told=MONDAY - timedelta(days=5)).check_notice(5)


def test_an_observation_needing_notice_must_say_when_the_teacher_was_told():
    with pytest.raises(AppraisalError, match="say when the teacher was told"):
        observation().check_notice(3)


def test_without_notice_needed_no_date_is_asked_for_but_one_after_the_visit_is_refused():
    observation().check_notice(None)
    observation().check_notice(0)
    with pytest.raises(AppraisalError, match="after the observation"):
        observation(told=MONDAY + timedelta(days=1)).check_notice(None)


def test_a_follow_up_comes_after_the_step_is_agreed_and_within_a_year():
    with pytest.raises(AppraisalError, match="comes after the step is agreed"):
        step(follow_up=MONDAY - timedelta(days=1))
    with pytest.raises(AppraisalError, match="within a year"):
        step(follow_up=MONDAY + timedelta(days=400))


def test_notice_and_follow_up_refusals_point_at_the_field_to_change():
    """Outsider, issue 24: these 422s had no field pointer."""
    for refused_by, field in (
            (lambda: observation(told=MONDAY - timedelta(days=4)).check_notice(5), "notice_given_on"),
            (lambda: observation().check_notice(3), "notice_given_on"),
            (lambda: observation(told=MONDAY + timedelta(days=1)).check_notice(None), "notice_given_on"),
            (lambda: step(follow_up=MONDAY - timedelta(days=1)), "follow_up_on"),
            (lambda: step(follow_up=MONDAY + timedelta(days=400)), "follow_up_on")):
        with pytest.raises(AppraisalError) as refused:
            refused_by()
        assert refused.value.field == field, str(refused.value)
    with pytest.raises(AppraisalError, match=f"no later than {MONDAY + timedelta(days=366):%-d %B %Y}"):
        step(follow_up=MONDAY + timedelta(days=400))


def test_several_action_steps_are_kept_in_the_order_they_were_agreed():
    a = appraisal()
    later, earlier = step(agreed=MONDAY + timedelta(days=21), follow_up=MONDAY + timedelta(days=35)), step()
    a.agree_action_step(later)
    a.agree_action_step(earlier)
    assert a.action_steps == [earlier, later] and earlier.appraisal_id == a.id


def test_an_action_step_from_an_observation_must_be_this_appraisal_s():
    a = appraisal()
    with pytest.raises(AppraisalError, match="not part of this appraisal"):
        a.agree_action_step(step(observation_id=uuid.uuid4()))
    seen = observation()
    a.add_observation(seen, cap=None)
    a.agree_action_step(step(observation_id=seen.id))
    assert a.action_steps[0].observation_id == seen.id


def test_a_follow_up_records_what_was_seen_once():
    a = appraisal()
    a.agree_action_step(made := step())
    a.follow_up_action_step(made.id, MONDAY + timedelta(days=14), "Cold calling in every explanation", COACH)
    assert (made.followed_up_on, made.seen_at_follow_up, made.followed_up_by) == (
        MONDAY + timedelta(days=14), "Cold calling in every explanation", COACH)
    with pytest.raises(IllegalTransition, match="was followed up on 16 November 2026"):
        a.follow_up_action_step(made.id, MONDAY + timedelta(days=15), "Again", COACH)


def test_no_action_steps_once_the_appraisal_has_finished():
    a = appraisal(status=Status.SIGNED_OFF)
    with pytest.raises(IllegalTransition, match="to agree a coaching action step"):
        a.agree_action_step(step())


def test_erasure_removes_what_was_written_in_action_steps():
    a = appraisal()
    a.agree_action_step(made := step())
    a.follow_up_action_step(made.id, MONDAY, "Seen", COACH)
    a.erase()
    assert made.step == made.seen_at_follow_up == "Removed when the record's retention ended"


def test_following_up_a_step_this_appraisal_does_not_have_names_no_ids():
    """Outsider, issue 24: "action step <id> is not part of appraisal <id>" put two ids on screen."""
    a = appraisal()
    with pytest.raises(AppraisalError, match="^this appraisal has no such coaching action step$"):
        a.follow_up_action_step(uuid.uuid4(), MONDAY, "Seen", uuid.uuid4())
