"""Appraisal rules in plain Python: the state machine, objectives, reviews, sign-off, evidence, cycles, deadlines."""
import dataclasses
import uuid
from datetime import date, datetime, timedelta, timezone

import pytest

from appraisal.domain.model import (
    MAX_OBJECTIVES, Appraisal, AppraisalError, Cycle, CycleStatus, IllegalTransition, Meeting, NotAllowed, Objective,
    Observation, ProgressUpdate, Review, StaffRecord, Status, StaffGroup, default_key_dates, key_dates,
)

APPRAISER, REVIEWEE, HR_PERSON = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
OAK, ELM = uuid.uuid4(), uuid.uuid4()
TODAY = date(2026, 10, 1)


def cycle(template=StaffGroup.TEACHERS, academy_id=OAK, **overrides) -> Cycle:
    values = dict(name="2026/27", template=template, academy_id=academy_id, **default_key_dates(template, 2026))
    values.update(overrides)
    return Cycle(**values)


DATES = key_dates(cycle(), None)  # the 2026/27 teachers' cycle's, for someone in post when it starts


def appraisal(template=StaffGroup.TEACHERS, status=Status.NOT_STARTED, **overrides) -> Appraisal:
    return Appraisal(cycle_id=uuid.uuid4(), reviewee_id=REVIEWEE, academy_id=OAK, template=template,
                     appraiser_id=APPRAISER, status=status, **overrides)


def objective(**overrides) -> Objective:
    values = dict(appraisal_id=uuid.uuid4(), title="Raise Year 6 reading",
                  description="By July, 85% of Year 6 reach the expected standard in reading",
                  type="pupil_outcomes", success_criteria="KS2 reading results at or above 85%")
    values.update(overrides)
    return Objective(**values)


def person(staff_type="teaching", academy_id=OAK, **overrides) -> StaffRecord:
    values = dict(staff_id=uuid.uuid4(), academy_id=academy_id, first_name="Amira", last_name="Khan",
                  email="amira.khan@oak.example", staff_type=staff_type, post="Teacher", start_date=date(2020, 9, 1),
                  line_manager_id=APPRAISER)
    values.update(overrides)
    return StaffRecord(**values)


def review(a: Appraisal, stage="mid_year", by=APPRAISER, ratings=None, **overrides) -> Review:
    """A review held on the day it is due."""
    ratings = ratings if ratings is not None else {str(o.id): {"rating": "met", "comment": ""} for o in a.objectives}
    held = DATES.mid_year_due if stage == "mid_year" else DATES.end_of_year_due
    values = dict(appraisal_id=a.id, stage=stage, assessments=ratings, overall_outcome="meets_expectations",
                  completed_by=by, completed_on=held)
    values.update(overrides)
    return Review(**values)


def with_objectives(template=StaffGroup.TEACHERS, count=2) -> Appraisal:
    a = appraisal(template)
    for i in range(count):
        a.add_objective(objective(title=f"Objective {i + 1}"))
    return a


def agreed(template=StaffGroup.TEACHERS) -> Appraisal:
    a = with_objectives(template)
    a.agree_objectives(APPRAISER, TODAY, DATES)
    a.agree_objectives(REVIEWEE, TODAY, DATES)
    return a


def mid_year_reviewed(template=StaffGroup.TEACHERS) -> Appraisal:
    a = agreed(template)
    a.complete_review(review(a), pay_recommendations=False, appraiser_trained=True, dates=DATES)
    return a


def end_of_year_reviewed(template=StaffGroup.TEACHERS) -> Appraisal:
    a = mid_year_reviewed(template)
    judgement = "good_or_better" if template == StaffGroup.TEACHERS else None
    a.complete_review(review(a, "end_of_year", teaching_judgement=judgement), pay_recommendations=False,
                      appraiser_trained=True, dates=DATES)
    return a


def signed_off() -> Appraisal:
    a = end_of_year_reviewed()
    a.sign_off(REVIEWEE, TODAY, "Thank you")
    return a


# -- the state machine: each legal step ----------------------------------------------------------

def test_a_new_appraisal_is_not_started():
    assert appraisal().status == Status.NOT_STARTED


def test_agreement_by_both_parties_moves_to_objectives_agreed():
    assert agreed().status == Status.OBJECTIVES_AGREED


def test_mid_year_review_moves_to_mid_year_reviewed():
    assert mid_year_reviewed().status == Status.MID_YEAR_REVIEWED


def test_end_of_year_review_moves_to_end_of_year_reviewed():
    assert end_of_year_reviewed().status == Status.END_OF_YEAR_REVIEWED


def test_sign_off_by_the_reviewee_finishes_the_appraisal():
    a = signed_off()
    assert (a.status, a.signed_off_on, a.sign_off_comment) == (Status.SIGNED_OFF, TODAY, "Thank you")


# -- the state machine: each illegal step names what it needs and where it is ----------------------

ILLEGAL = [
    # (how far the appraisal has got, the step attempted, what the message must say it needs)
    ("not_started", "record progress", "'objectives agreed' or 'mid-year review done'"),
    ("not_started", "mid-year review", "'objectives agreed'"),
    ("not_started", "end-of-year review", "'mid-year review done'"),
    ("not_started", "sign off", "'end-of-year review done'"),
    ("objectives_agreed", "add an objective", "'not started'"),
    ("objectives_agreed", "change an objective", "'not started'"),
    ("objectives_agreed", "remove an objective", "'not started'"),
    ("objectives_agreed", "agree objectives", "'not started'"),
    ("objectives_agreed", "end-of-year review", "'mid-year review done'"),
    ("objectives_agreed", "sign off", "'end-of-year review done'"),
    ("mid_year_reviewed", "mid-year review", "'objectives agreed'"),
    ("mid_year_reviewed", "sign off", "'end-of-year review done'"),
    ("end_of_year_reviewed", "record progress", "'objectives agreed' or 'mid-year review done'"),
    ("end_of_year_reviewed", "end-of-year review", "'mid-year review done'"),
    ("signed_off", "sign off", "'end-of-year review done'"),
    ("signed_off", "withdraw", "'not started' or 'objectives agreed'"),
    ("signed_off", "reassign", "'not started' or 'objectives agreed'"),
    ("signed_off", "observe", "'not started'"),
    ("signed_off", "meeting", "'not started'"),
    ("signed_off", "support plan", "'not started'"),
]
BUILDERS = {"not_started": with_objectives, "objectives_agreed": agreed, "mid_year_reviewed": mid_year_reviewed,
            "end_of_year_reviewed": end_of_year_reviewed, "signed_off": signed_off}


def attempt(a: Appraisal, step: str):
    first = a.objectives[0].id
    steps = {
        "record progress": lambda: a.record_progress(ProgressUpdate(first, APPRAISER, TODAY, "On track")),
        "mid-year review": lambda: a.complete_review(review(a), pay_recommendations=False, appraiser_trained=True, dates=DATES),
        "end-of-year review": lambda: a.complete_review(review(a, "end_of_year", teaching_judgement="good_or_better"),
                                                        pay_recommendations=False, appraiser_trained=True, dates=DATES),
        "sign off": lambda: a.sign_off(REVIEWEE, TODAY, None),
        "add an objective": lambda: a.add_objective(objective()),
        "change an objective": lambda: a.change_objective(first, {"title": "New"}),
        "remove an objective": lambda: a.remove_objective(first),
        "agree objectives": lambda: a.agree_objectives(APPRAISER, TODAY, DATES),
        "withdraw": lambda: a.withdraw("long-term absence"),
        "reassign": lambda: a.reassign(HR_PERSON, by_hr=True),
        "observe": lambda: a.add_observation(observation(), cap=None),
        "meeting": lambda: a.schedule(meeting()),
        "support plan": lambda: a.set_support_plan(True, "notes"),
    }
    steps[step]()


@pytest.mark.parametrize("at,step,needs", ILLEGAL)
def test_illegal_step_raises_naming_what_it_needs_and_the_current_state(at, step, needs):
    a = BUILDERS[at]()
    before = (a.status, len(a.objectives), len(a.reviews))
    with pytest.raises(IllegalTransition) as raised:
        attempt(a, step)
    message = str(raised.value)
    assert needs in message
    assert f"is '{Status(at).label}'" in message and str(a.id) not in message  # no ids on a page (issue 20)
    assert (a.status, len(a.objectives), len(a.reviews)) == before


@pytest.mark.parametrize("finish", ["close", "withdraw"])
def test_a_closed_or_withdrawn_appraisal_takes_no_more_steps(finish):
    a = agreed()
    a.close("left") if finish == "close" else a.withdraw("long-term absence")
    for step in ("record progress", "mid-year review", "sign off", "reassign", "withdraw"):
        with pytest.raises(IllegalTransition):
            attempt(a, step)


# -- objectives ------------------------------------------------------------------------------------

def test_at_most_six_objectives():
    a = with_objectives(count=MAX_OBJECTIVES)
    with pytest.raises(AppraisalError, match=f"at most {MAX_OBJECTIVES} objectives"):
        a.add_objective(objective())
    assert len(a.objectives) == MAX_OBJECTIVES


def test_objectives_are_numbered_in_the_order_added():
    assert [o.position for o in with_objectives(count=3).objectives] == [0, 1, 2]


def test_weightings_must_add_up_to_100_before_agreement():
    a = appraisal()
    a.add_objective(objective(weighting=60))
    a.add_objective(objective(weighting=30))
    with pytest.raises(AppraisalError, match=r"add up to 100 \(they add up to 90\)"):
        a.agree_objectives(APPRAISER, TODAY, DATES)
    assert a.objectives_agreed_by_appraiser_on is None


def test_weightings_must_all_be_set_if_any_is():
    a = appraisal()
    a.add_objective(objective(weighting=100))
    a.add_objective(objective())
    with pytest.raises(AppraisalError, match="must all be set"):
        a.agree_objectives(APPRAISER, TODAY, DATES)


def test_weightings_adding_up_to_100_are_agreed():
    a = appraisal()
    a.add_objective(objective(weighting=60))
    a.add_objective(objective(weighting=40))
    a.agree_objectives(APPRAISER, TODAY, DATES)
    assert a.agree_objectives(REVIEWEE, TODAY, DATES) is True


def test_unweighted_objectives_are_agreed():
    a = with_objectives()
    assert a.agree_objectives(APPRAISER, TODAY, DATES) is False
    assert a.agree_objectives(REVIEWEE, TODAY, DATES) is True


@pytest.mark.parametrize("weighting", [0, 101, -5])
def test_a_weighting_is_a_percentage(weighting):
    with pytest.raises(AppraisalError, match="percentage"):
        objective(weighting=weighting)


def test_an_objective_type_must_be_known():
    with pytest.raises(AppraisalError, match=r"an objective type must be one of pupil_outcomes, .* \(got 'fun'\)"):
        objective(type="fun")


def test_teachers_standards_must_be_real_codes():
    with pytest.raises(AppraisalError, match="not Teachers' Standards: TS9"):
        objective(standards=["TS1", "TS9"])


def test_teachers_objectives_link_teachers_standards_part_one_and_two():
    a = appraisal(StaffGroup.TEACHERS)
    a.add_objective(objective(standards=["TS1", "TS8", "PART2"]))
    assert a.objectives[0].standards == ["TS1", "TS8", "PART2"]


@pytest.mark.parametrize("template", [StaffGroup.SUPPORT, StaffGroup.LEADERS])
def test_teachers_standards_are_refused_outside_teachers_appraisals(template):
    a = appraisal(template)
    with pytest.raises(AppraisalError, match="Teachers' Standards apply to teachers"):
        a.add_objective(objective(standards=["TS2"]))
    assert a.objectives == []


def test_support_staff_objectives_link_job_description_areas():
    a = appraisal(StaffGroup.SUPPORT)
    a.add_objective(objective(job_areas=["Pupil support", "Record keeping"]))
    assert a.objectives[0].job_areas == ["Pupil support", "Record keeping"]


def test_teachers_standards_cannot_be_added_to_a_support_objective_by_changing_it():
    a = appraisal(StaffGroup.SUPPORT)
    a.add_objective(objective(job_areas=["Pupil support"]))
    with pytest.raises(AppraisalError, match="Teachers' Standards apply to teachers"):
        a.change_objective(a.objectives[0].id, {"standards": ["TS2"]})
    assert a.objectives[0].standards == []


def test_a_change_that_breaks_a_rule_leaves_the_objective_as_it_was():
    a = with_objectives()
    first = a.objectives[0]
    with pytest.raises(AppraisalError):
        a.change_objective(first.id, {"title": "Changed", "weighting": 0})
    assert (first.title, first.weighting) == ("Objective 1", None)


@pytest.mark.parametrize("change", ["add", "change", "remove"])
def test_any_change_to_the_objectives_resets_agreement(change):
    a = with_objectives()
    a.agree_objectives(APPRAISER, TODAY, DATES)
    assert a.objectives_agreed_by_appraiser_on == TODAY
    first = a.objectives[0].id
    {"add": lambda: a.add_objective(objective()), "change": lambda: a.change_objective(first, {"title": "New"}),
     "remove": lambda: a.remove_objective(first)}[change]()
    assert a.objectives_agreed_by_appraiser_on is None
    assert a.agree_objectives(REVIEWEE, TODAY, DATES) is False  # the appraiser must agree again
    assert a.status == Status.NOT_STARTED


def test_a_change_to_the_same_value_keeps_agreement():
    a = with_objectives()
    a.agree_objectives(APPRAISER, TODAY, DATES)
    assert a.change_objective(a.objectives[0].id, {"title": "Objective 1"}) == []
    assert a.objectives_agreed_by_appraiser_on == TODAY


def test_change_reports_the_fields_that_changed():
    a = with_objectives()
    assert a.change_objective(a.objectives[0].id, {"title": "New", "weighting": None}) == ["title"]


def test_agreement_needs_at_least_one_objective():
    with pytest.raises(AppraisalError, match="at least one objective"):
        appraisal().agree_objectives(APPRAISER, TODAY, DATES)


def test_one_party_alone_does_not_agree_the_objectives():
    a = with_objectives()
    assert a.agree_objectives(REVIEWEE, TODAY, DATES) is False
    assert a.agree_objectives(REVIEWEE, TODAY, DATES) is False  # agreeing twice is still one party
    assert a.status == Status.NOT_STARTED


def test_someone_else_cannot_agree_the_objectives():
    a = with_objectives()
    with pytest.raises(NotAllowed, match="appraiser and the reviewee"):
        a.agree_objectives(HR_PERSON, TODAY, DATES)


def test_an_unknown_objective_is_named():
    a = agreed()
    missing = uuid.uuid4()
    with pytest.raises(AppraisalError, match=f"objective {missing} is not part of appraisal"):
        a.record_progress(ProgressUpdate(missing, APPRAISER, TODAY, "On track"))


def test_progress_is_recorded_against_an_agreed_objective():
    a = agreed()
    a.record_progress(ProgressUpdate(a.objectives[0].id, REVIEWEE, TODAY, "On track", evidence="Book look"))
    assert [p.note for p in a.objectives[0].progress] == ["On track"]


# -- reviews ---------------------------------------------------------------------------------------

def test_a_review_must_assess_every_objective():
    a = agreed()
    first, second = a.objectives
    with pytest.raises(AppraisalError, match=f"assess every objective \\(missing {second.id}\\)"):
        a.complete_review(review(a, ratings={str(first.id): {"rating": "met"}}), pay_recommendations=False,
                          appraiser_trained=True, dates=DATES)
    assert a.status == Status.OBJECTIVES_AGREED and a.reviews == []


def test_a_review_cannot_assess_someone_elses_objective():
    a = agreed()
    stranger = str(uuid.uuid4())
    ratings = {**{str(o.id): {"rating": "met"} for o in a.objectives}, stranger: {"rating": "met"}}
    with pytest.raises(AppraisalError, match=f"not this appraisal's objectives: {stranger}"):
        a.complete_review(review(a, ratings=ratings), pay_recommendations=False, appraiser_trained=True, dates=DATES)


@pytest.mark.parametrize("field,value,message", [
    ("overall_outcome", "brilliant", "the overall outcome must be one of"),
    ("teaching_judgement", "outstanding", "a teaching judgement must be one of good_or_better"),
    ("pay_recommendation", "bonus", "a pay recommendation must be one of progress"),
])
def test_review_judgements_must_be_known_values(field, value, message):
    a = agreed()
    with pytest.raises(AppraisalError, match=message):
        a.complete_review(review(a, **{field: value}), pay_recommendations=True, appraiser_trained=True, dates=DATES)
    assert a.status == Status.OBJECTIVES_AGREED and a.reviews == []


def test_a_rating_must_be_one_of_the_four():
    a = agreed()
    with pytest.raises(AppraisalError, match="a rating must be one of not_met, partially_met, met, exceeded"):
        a.complete_review(review(a, ratings={str(o.id): {"rating": "brilliant"} for o in a.objectives}),
                          pay_recommendations=False, appraiser_trained=True, dates=DATES)


def test_only_the_appraiser_completes_a_review():
    a = agreed()
    with pytest.raises(NotAllowed, match="only the appraiser"):
        a.complete_review(review(a, by=REVIEWEE), pay_recommendations=False, appraiser_trained=True, dates=DATES)
    assert a.status == Status.OBJECTIVES_AGREED


def test_teachers_end_of_year_review_needs_a_teaching_judgement():
    a = mid_year_reviewed(StaffGroup.TEACHERS)
    with pytest.raises(AppraisalError, match="records a teaching-quality judgement"):
        a.complete_review(review(a, "end_of_year"), pay_recommendations=False, appraiser_trained=True, dates=DATES)
    assert a.status == Status.MID_YEAR_REVIEWED


def test_teachers_mid_year_review_needs_no_teaching_judgement():
    assert mid_year_reviewed(StaffGroup.TEACHERS).reviews[0].teaching_judgement is None


@pytest.mark.parametrize("stage", ["mid_year", "end_of_year"])
def test_support_staff_reviews_refuse_a_teaching_judgement(stage):
    a = agreed(StaffGroup.SUPPORT) if stage == "mid_year" else mid_year_reviewed(StaffGroup.SUPPORT)
    with pytest.raises(AppraisalError, match="not support staff"):
        a.complete_review(review(a, stage, teaching_judgement="good_or_better"), pay_recommendations=False,
                          appraiser_trained=True, dates=DATES)


def test_support_staff_end_of_year_review_needs_no_teaching_judgement():
    assert end_of_year_reviewed(StaffGroup.SUPPORT).status == Status.END_OF_YEAR_REVIEWED


def test_leaders_may_have_a_teaching_judgement():
    a = mid_year_reviewed(StaffGroup.LEADERS)
    a.complete_review(review(a, "end_of_year", teaching_judgement="requires_improvement"), pay_recommendations=False,
                      appraiser_trained=True, dates=DATES)
    assert a.reviews[-1].teaching_judgement == "requires_improvement"


def test_pay_recommendation_is_refused_when_the_cycle_does_not_take_them():
    a = mid_year_reviewed()
    with pytest.raises(AppraisalError, match="does not take pay recommendations"):
        a.complete_review(review(a, "end_of_year", teaching_judgement="good_or_better", pay_recommendation="progress"),
                          pay_recommendations=False, appraiser_trained=True, dates=DATES)


def test_pay_recommendation_is_taken_at_the_end_of_year_when_the_cycle_allows():
    a = mid_year_reviewed()
    done = a.complete_review(review(a, "end_of_year", teaching_judgement="good_or_better",
                                    pay_recommendation="progress"), pay_recommendations=True, appraiser_trained=True, dates=DATES)
    assert done.pay_recommendation == "progress"


def test_pay_recommendation_is_refused_at_mid_year_even_when_the_cycle_allows():
    a = agreed()
    with pytest.raises(AppraisalError, match="end-of-year review only"):
        a.complete_review(review(a, pay_recommendation="progress"), pay_recommendations=True, appraiser_trained=True, dates=DATES)


@pytest.mark.parametrize("trained,flagged", [(True, False), (False, True)])
def test_a_review_by_an_untrained_appraiser_is_saved_but_flagged(trained, flagged):
    a = agreed()
    done = a.complete_review(review(a), pay_recommendations=False, appraiser_trained=trained, dates=DATES)
    assert done.appraiser_untrained is flagged
    assert a.status == Status.MID_YEAR_REVIEWED and a.reviews == [done]


def test_ratings_are_stored_as_the_four_values():
    a = mid_year_reviewed()
    assert {v["rating"] for v in a.reviews[0].assessments.values()} == {"met"}


def test_the_reviewee_comments_on_their_review():
    a = mid_year_reviewed()
    a.comment_on_review("mid_year", REVIEWEE, "I agree")
    assert a.review("mid_year").reviewee_comments == "I agree"


def test_only_the_reviewee_comments_on_a_review():
    a = mid_year_reviewed()
    with pytest.raises(NotAllowed):
        a.comment_on_review("mid_year", APPRAISER, "Good")


def test_no_comment_on_a_review_not_yet_held():
    with pytest.raises(IllegalTransition, match="no end-of-year review"):
        mid_year_reviewed().comment_on_review("end_of_year", REVIEWEE, "I agree")


def test_no_comment_after_sign_off():
    with pytest.raises(IllegalTransition, match="comments are closed"):
        signed_off().comment_on_review("end_of_year", REVIEWEE, "Late thought")


# -- sign-off --------------------------------------------------------------------------------------

@pytest.mark.parametrize("who", [APPRAISER, HR_PERSON])
def test_only_the_reviewee_signs_off(who):
    a = end_of_year_reviewed()
    with pytest.raises(NotAllowed, match="reviewee signs off"):
        a.sign_off(who, TODAY, None)
    assert a.status == Status.END_OF_YEAR_REVIEWED and a.signed_off_on is None


# -- observations, meetings and support plans ------------------------------------------------------

def observation(observer=APPRAISER) -> Observation:
    return Observation(appraisal_id=uuid.uuid4(), kind="lesson_observation", observer_id=observer,
                       observed_on=TODAY, focus="Questioning")


def meeting(**overrides) -> Meeting:
    values = dict(appraisal_id=uuid.uuid4(), kind="objective_setting",
                  starts_at=datetime(2026, 10, 5, 15, 30, tzinfo=timezone(timedelta(hours=1))), minutes=45,
                  location="Room 4")
    values.update(overrides)
    return Meeting(**values)


def test_observations_are_kept_in_the_order_they_happened_not_the_order_they_were_typed():
    """Outsider, issue 20: an observation recorded late was listed after later ones."""
    a = agreed()
    later, earlier = observation(), observation()
    earlier.observed_on = TODAY - timedelta(days=20)
    a.add_observation(later, cap=None)
    a.add_observation(earlier, cap=None)
    assert a.observations == [earlier, later]


def test_observations_stop_at_the_cycle_cap():
    a = agreed()
    a.add_observation(observation(), cap=2)
    a.add_observation(observation(), cap=2)
    with pytest.raises(IllegalTransition, match="at most 2 observations .* has 2"):
        a.add_observation(observation(), cap=2)
    assert len(a.observations) == 2


def test_no_cap_means_no_limit():
    a = agreed()
    for _ in range(10):
        a.add_observation(observation(), cap=None)
    assert len(a.observations) == 10


def test_a_cap_of_zero_allows_no_observations():
    with pytest.raises(IllegalTransition):
        agreed().add_observation(observation(), cap=0)


def test_nobody_observes_themselves():
    with pytest.raises(AppraisalError, match="someone other than the reviewee"):
        agreed().add_observation(observation(observer=REVIEWEE), cap=None)


def test_an_observation_kind_must_be_known():
    with pytest.raises(AppraisalError, match="an observation kind must be one of"):
        Observation(appraisal_id=uuid.uuid4(), kind="book_look", observer_id=APPRAISER, observed_on=TODAY, focus="x")


def test_a_meeting_needs_a_time_zone():
    with pytest.raises(AppraisalError, match="needs a time zone"):
        meeting(starts_at=datetime(2026, 10, 5, 15, 30))


@pytest.mark.parametrize("minutes", [4, 481])
def test_a_meeting_has_a_sensible_length(minutes):
    with pytest.raises(AppraisalError, match="between 5 and 480"):
        meeting(minutes=minutes)


def test_a_meeting_is_arranged_on_an_appraisal_in_progress():
    a = appraisal()
    a.schedule(meeting())
    assert [m.appraisal_id for m in a.meetings] == [a.id]


def test_a_support_plan_is_set_and_lifted():
    a = agreed()
    a.set_support_plan(True, "Weekly coaching on behaviour management")
    assert (a.support_plan, a.support_plan_notes) == (True, "Weekly coaching on behaviour management")
    a.set_support_plan(False, None)
    assert (a.support_plan, a.support_plan_notes) == (False, None)


# -- who appraises ---------------------------------------------------------------------------------

def test_hr_reassignment_changes_the_appraiser_and_pins_it():
    a = appraisal()
    a.reassign(HR_PERSON, by_hr=True)
    assert (a.appraiser_id, a.appraiser_set_by_hr) == (HR_PERSON, True)


@pytest.mark.parametrize("how", ["hr", "line manager"])
def test_a_new_appraiser_must_agree_the_objectives_for_themselves(how):
    a = with_objectives()
    a.agree_objectives(APPRAISER, TODAY, DATES)
    a.reassign(HR_PERSON, by_hr=True) if how == "hr" else a.follow_line_manager(HR_PERSON)
    assert a.objectives_agreed_by_appraiser_on is None
    assert a.agree_objectives(REVIEWEE, TODAY, DATES) is False
    assert a.agree_objectives(HR_PERSON, TODAY, DATES) is True


def test_reassigning_after_agreement_keeps_the_agreement_on_record():
    a = agreed()
    a.reassign(HR_PERSON, by_hr=True)
    assert (a.status, a.objectives_agreed_by_appraiser_on) == (Status.OBJECTIVES_AGREED, TODAY)


def test_nobody_appraises_themselves():
    a = appraisal()
    with pytest.raises(AppraisalError, match="nobody appraises themselves"):
        a.reassign(REVIEWEE, by_hr=True)
    assert a.appraiser_id == APPRAISER


def test_a_new_line_manager_becomes_the_appraiser():
    a = appraisal()
    new_manager = uuid.uuid4()
    assert a.follow_line_manager(new_manager) is True
    assert a.appraiser_id == new_manager


def test_a_new_line_manager_does_not_replace_an_appraiser_hr_chose():
    a = appraisal()
    a.reassign(HR_PERSON, by_hr=True)
    assert a.follow_line_manager(uuid.uuid4()) is False
    assert a.appraiser_id == HR_PERSON


@pytest.mark.parametrize("manager", [None, APPRAISER])
def test_no_line_manager_or_the_same_one_changes_nothing(manager):
    a = appraisal()
    assert a.follow_line_manager(manager) is False
    assert a.appraiser_id == APPRAISER


def test_a_finished_appraisal_keeps_its_appraiser():
    a = signed_off()
    assert a.follow_line_manager(uuid.uuid4()) is False
    assert a.appraiser_id == APPRAISER


# -- closing and withdrawing -----------------------------------------------------------------------

def test_a_leavers_appraisal_is_closed_with_the_reason():
    a = agreed()
    assert a.close("left on 2027-01-31") is True
    assert (a.status, a.finished_reason) == (Status.CLOSED, "left on 2027-01-31")


def test_closing_a_finished_appraisal_changes_nothing():
    a = signed_off()
    assert a.close("left") is False
    assert a.status == Status.SIGNED_OFF and a.finished_reason is None


def test_hr_withdraws_an_appraisal_in_progress():
    a = mid_year_reviewed()
    a.withdraw("long-term absence")
    assert (a.status, a.finished_reason) == (Status.WITHDRAWN, "long-term absence")


# -- deadlines -------------------------------------------------------------------------------------

def test_nothing_is_missed_on_the_due_date_itself():
    c = cycle()
    assert appraisal().missed(key_dates(c, None), c.objectives_due) == []


def test_objectives_are_missed_the_day_after_they_were_due():
    c = cycle()
    assert appraisal().missed(key_dates(c, None), c.objectives_due + timedelta(days=1)) == ["objectives"]


def test_agreed_objectives_are_not_missed():
    c = cycle()
    assert agreed().missed(key_dates(c, None), c.mid_year_due) == []


def test_mid_year_review_is_missed_the_day_after_it_was_due():
    c = cycle()
    assert agreed().missed(key_dates(c, None), c.mid_year_due) == []
    assert agreed().missed(key_dates(c, None), c.mid_year_due + timedelta(days=1)) == ["mid_year_review"]


def test_a_late_start_misses_every_key_date_passed():
    c = cycle()
    assert appraisal().missed(key_dates(c, None), c.end_of_year_due + timedelta(days=1)) == [
        "objectives", "mid_year_review", "end_of_year_review"]


def test_end_of_year_review_is_missed_only_after_its_date():
    c = cycle()
    assert mid_year_reviewed().missed(key_dates(c, None), c.end_of_year_due) == []
    assert mid_year_reviewed().missed(key_dates(c, None), c.end_of_year_due + timedelta(days=1)) == ["end_of_year_review"]


def test_a_reviewed_appraisal_awaiting_sign_off_misses_nothing():
    c = cycle()
    assert end_of_year_reviewed().missed(key_dates(c, None), c.ends_on) == []


@pytest.mark.parametrize("finish", [signed_off, lambda: (a := appraisal(), a.withdraw("absence"), a)[2]])
def test_finished_appraisals_miss_nothing(finish):
    c = cycle()
    assert finish().missed(key_dates(c, None), c.ends_on + timedelta(days=30)) == []


# -- cycles ----------------------------------------------------------------------------------------

def test_teachers_agree_objectives_by_31_october():
    dates = default_key_dates(StaffGroup.TEACHERS, 2026)
    assert dates == {"starts_on": date(2026, 9, 1), "objectives_due": date(2026, 10, 31),
                     "mid_year_due": date(2027, 2, 28), "end_of_year_due": date(2027, 7, 15),
                     "ends_on": date(2027, 8, 31)}


def test_support_staff_agree_objectives_by_31_october():
    assert default_key_dates(StaffGroup.SUPPORT, 2026)["objectives_due"] == date(2026, 10, 31)


def test_leaders_agree_objectives_by_31_december():
    dates = default_key_dates(StaffGroup.LEADERS, 2026)
    assert dates["objectives_due"] == date(2026, 12, 31)
    assert dates["mid_year_due"] > dates["objectives_due"]


def test_key_dates_must_be_in_order():
    with pytest.raises(AppraisalError, match=r"objectives due \(2027-03-01\) must not be after mid year due"):
        cycle(objectives_due=date(2027, 3, 1))


def test_the_observation_cap_cannot_be_negative():
    with pytest.raises(AppraisalError, match="cannot be negative"):
        cycle(observation_cap=-1)


@pytest.mark.parametrize("template,staff_type,covered", [
    (StaffGroup.TEACHERS, "teaching", True), (StaffGroup.TEACHERS, "support", False),
    (StaffGroup.TEACHERS, "leadership", False), (StaffGroup.SUPPORT, "support", True),
    (StaffGroup.SUPPORT, "teaching", False), (StaffGroup.LEADERS, "leadership", True),
    (StaffGroup.LEADERS, "teaching", False),
])
def test_a_template_covers_its_own_staff_type(template, staff_type, covered):
    assert cycle(template).covers(person(staff_type)) is covered


def test_an_academy_cycle_covers_its_own_academy_only():
    assert cycle(academy_id=OAK).covers(person(academy_id=OAK))
    assert not cycle(academy_id=OAK).covers(person(academy_id=ELM))


def test_a_trust_wide_cycle_covers_every_academy():
    assert cycle(academy_id=None).covers(person(academy_id=ELM))


def test_someone_who_left_before_the_cycle_starts_is_not_covered():
    c = cycle()
    assert not c.covers(person(leaving_date=c.starts_on))
    assert c.covers(person(leaving_date=c.starts_on + timedelta(days=1)))


def test_opening_creates_an_appraisal_for_everyone_covered_with_their_line_manager_as_appraiser():
    manager = uuid.uuid4()
    staff = [person(line_manager_id=manager), person(), person("support"), person(academy_id=ELM),
             person(leaving_date=TODAY), person(leaving_date=TODAY + timedelta(days=1)),
             person(start_date=date(2026, 11, 1))]
    c = cycle()
    created = c.open(staff, TODAY)
    assert c.status == CycleStatus.OPEN
    assert [a.reviewee_id for a in created] == [staff[0].staff_id, staff[1].staff_id, staff[5].staff_id,
                                                staff[6].staff_id]
    assert created[0].appraiser_id == manager
    assert {(a.cycle_id, a.template, a.status, a.academy_id) for a in created} == {
        (c.id, StaffGroup.TEACHERS, Status.NOT_STARTED, OAK)}


def test_a_cycle_opens_once():
    c = cycle()
    c.open([], TODAY)
    with pytest.raises(IllegalTransition, match="is open; only a draft cycle can be opened"):
        c.open([], TODAY)


def test_a_cycle_that_has_ended_cannot_be_opened():
    c = cycle()
    with pytest.raises(AppraisalError, match="ended on 2027-08-31"):
        c.open([person()], c.ends_on + timedelta(days=1))
    assert c.status == CycleStatus.DRAFT


def test_only_an_open_cycle_closes():
    c = cycle()
    with pytest.raises(IllegalTransition, match="is draft; only an open cycle can be closed"):
        c.close()
    c.open([], TODAY)
    c.close()
    assert c.status == CycleStatus.CLOSED


def test_moving_a_key_date_reports_what_changed():
    c = cycle()
    assert c.change({"objectives_due": date(2026, 11, 7), "name": "2026/27"}) == {
        "objectives_due": [date(2026, 10, 31), date(2026, 11, 7)]}


def test_a_key_date_moved_out_of_order_leaves_the_cycle_as_it_was():
    c = cycle()
    with pytest.raises(AppraisalError, match="must not be after"):
        c.change({"objectives_due": date(2027, 6, 1)})
    assert c.objectives_due == date(2026, 10, 31)


def test_a_closed_cycle_cannot_be_changed():
    c = cycle()
    c.open([], TODAY)
    c.close()
    with pytest.raises(IllegalTransition, match="is closed"):
        c.change({"name": "Renamed"})
    assert c.name == "2026/27"


def test_someone_in_post_when_the_cycle_starts_keeps_its_key_dates():
    c = cycle()
    dates = key_dates(c, date(2019, 9, 1))
    assert (dates.objectives_due, dates.mid_year_due, dates.end_of_year_due) == (
        c.objectives_due, c.mid_year_due, c.end_of_year_due)
    assert dates.mid_year_opens_on == c.mid_year_due - timedelta(weeks=6)


def test_a_starter_s_key_dates_count_from_their_first_day():
    """Issue 20: a teacher starting on 1 January showed "Objectives due 31 October - Overdue" before she joined."""
    dates = key_dates(cycle(), date(2027, 1, 1))  # 122 days after the cycle started on 1 September
    assert dates.objectives_due == date(2027, 3, 2)  # 31 October + 122 days
    assert dates.mid_year_due == date(2027, 5, 8)  # halfway from her objectives to the end-of-year review
    assert dates.end_of_year_due == date(2027, 7, 15)  # the year ends when it ends
    assert appraisal().missed(dates, date(2026, 12, 1)) == []  # nothing overdue before she joins
    assert appraisal().missed(dates, date(2027, 3, 3)) == ["objectives"]
    # joining in May, before the end-of-year review opens on 3 June: each step still has time of its own (joining
    # in April, the outsider saw all three due on one day)
    may = key_dates(cycle(), date(2027, 5, 1))
    assert (may.objectives_due, may.mid_year_due, may.end_of_year_due) == (
        date(2027, 5, 26), date(2027, 6, 20), date(2027, 7, 15))
    # ... and no review opens before she starts (outsider 4, issue 20: a starter on 30 March had a mid-year review
    # opening on 16 March)
    assert may.mid_year_opens_on == date(2027, 5, 9)  # 20 June less six weeks
    for first_day in (date(2026, 9, 1), date(2027, 1, 1), date(2027, 3, 30), date(2027, 5, 1), date(2027, 6, 2)):
        d = key_dates(cycle(), first_day)
        assert first_day <= d.mid_year_opens_on <= d.mid_year_due and first_day <= d.end_of_year_opens_on
    late = key_dates(cycle(), date(2027, 6, 2))
    assert late.mid_year_opens_on == date(2027, 6, 2)  # her first day, not six weeks before a review due in July
    # nor, for someone in post for years, before the cycle starts (outsider 5: a 26-week window opened the mid-year
    # review in June, before the cycle began in August)
    wide = dataclasses.replace(cycle(), review_window_weeks=26)
    assert key_dates(wide, date(2015, 9, 1)).mid_year_opens_on == wide.starts_on


def test_someone_joining_once_the_end_of_year_review_is_open_starts_with_the_next_cycle():
    c = cycle()  # the end-of-year review, due 15 July 2027, opens on 3 June
    assert c.covers(person(start_date=date(2027, 6, 2)))
    assert not c.covers(person(start_date=date(2027, 6, 3)))
    assert not c.covers(person(start_date=date(2027, 7, 1)))


def test_a_review_opens_in_its_window_and_not_before():
    """Issue 20: the end-of-year review was completed, and signed off, in December."""
    a = agreed()
    with pytest.raises(IllegalTransition, match="the mid-year review opens on 17 January 2027, shortly before it is "
                                                 "due on 28 February 2027"):
        a.complete_review(review(a, completed_on=date(2027, 1, 16)), pay_recommendations=False,
                          appraiser_trained=True, dates=DATES)
    a.complete_review(review(a, completed_on=date(2027, 1, 17)), pay_recommendations=False, appraiser_trained=True,
                      dates=DATES)
    with pytest.raises(IllegalTransition, match="the end-of-year review opens on 3 June 2027"):
        a.complete_review(review(a, "end_of_year", teaching_judgement="good_or_better", completed_on=date(2026, 12, 6)),
                          pay_recommendations=False, appraiser_trained=True, dates=DATES)
    assert a.status == Status.MID_YEAR_REVIEWED
    with pytest.raises(IllegalTransition):  # and so no sign-off: it needs the end-of-year review
        a.sign_off(REVIEWEE, date(2026, 12, 6), None)
    wider = key_dates(cycle(review_window_weeks=12), None)  # a trust that opens reviews earlier says so per cycle
    assert wider.end_of_year_opens_on == date(2027, 4, 22)


@pytest.mark.parametrize("weeks", [0, 27])
def test_a_review_window_is_one_to_twenty_six_weeks(weeks):
    with pytest.raises(AppraisalError, match="between 1 and 26 weeks"):
        cycle(review_window_weeks=weeks)
