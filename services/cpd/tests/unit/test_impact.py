"""CPD impact's rules (domain.impact) and its commands on the in-memory fakes: the participant's intent and
satisfaction, the line manager's impact check after the trust's interval, the completion date's limits, and HR's
report per programme."""
from __future__ import annotations

import uuid
from datetime import date, timedelta
from decimal import Decimal

import pytest

from cpd.domain.catalogue import Cohort
from cpd.domain.enrolments import Enrolment, EnrolmentStatus
from cpd.domain.errors import CpdError, IllegalTransition, NotAllowed
from cpd.domain.impact import CpdImpact, LinkedNeed, check_after_weeks
from cpd.service import enrolments, impact, plans
from cpd.service.daily_job import run_daily
from staffroom_shared.errors import Conflict, Forbidden, NotFound, Unprocessable
from staffroom_shared.principal import Principal

from .fakes import FakeCpdUnitOfWork

OAK, ELM = uuid.uuid4(), uuid.uuid4()
STARTS, FINISHED = date(2027, 1, 10), date(2027, 2, 1)


def staff(staff_id, academy_id=OAK) -> Principal:
    return Principal(staff_id, frozenset({"staff"}), academy_id, str(staff_id))


def academy_hr(academy_id=OAK) -> Principal:
    return Principal(uuid.uuid4(), frozenset({"staff", "academy_hr"}), academy_id, "academy-hr")


TRUST_HR = Principal(uuid.uuid4(), frozenset({"staff", "trust_hr"}), None, "trust-hr")


def record(**overrides) -> CpdImpact:
    values = {"enrolment_id": uuid.uuid4(), "staff_id": uuid.uuid4(), "academy_id": OAK, "programme_id": uuid.uuid4(),
              "programme_title": "Adaptive teaching", "cost": Decimal("300.00"), "completed_on": FINISHED, "weeks": 6}
    return CpdImpact.opened(**{**values, **overrides})


# -- the rules ------------------------------------------------------------------------------------------------

def test_the_check_falls_due_the_trusts_interval_after_completion():
    assert record(weeks=6).check_due_on == date(2027, 3, 15)
    assert check_after_weeks(1) == 1 and check_after_weeks(52) == 52
    for weeks in (0, 53):
        with pytest.raises(CpdError, match="1 to 52 weeks"):
            check_after_weeks(weeks)


def test_the_participant_records_intent_and_satisfaction_and_it_is_announced_with_the_need_it_served():
    r = record()
    need = LinkedNeed(uuid.uuid4(), uuid.uuid4())
    r.record_intent(r.staff_id, "  Use mini whiteboards every lesson ", 4, FINISHED, need)
    assert (r.intent, r.satisfaction, r.development_need_id) == ("Use mini whiteboards every lesson", 4,
                                                                  need.development_need_id)
    (event,) = r.recorded
    assert (event.intent, event.satisfaction, event.appraisal_id) == (r.intent, 4, need.appraisal_id)


def test_only_the_participant_records_intent_on_the_scale_and_in_words():
    r = record()
    with pytest.raises(NotAllowed):
        r.record_intent(uuid.uuid4(), "x", 4, FINISHED)
    with pytest.raises(CpdError, match="1 \\(very dissatisfied\\) to 5"):
        r.record_intent(r.staff_id, "x", 6, FINISHED)
    with pytest.raises(CpdError, match="what you will change"):
        r.record_intent(r.staff_id, "   ", 3, FINISHED)
    assert r.intent is None and r.recorded == []


def test_intent_is_editable_for_two_weeks_from_when_first_recorded():
    r = record()
    r.record_intent(r.staff_id, "Plan for retrieval", 3, FINISHED)
    r.record_intent(r.staff_id, "Plan for retrieval weekly", 5, FINISHED + timedelta(days=14))
    assert (r.intent, r.satisfaction, r.intent_recorded_on) == ("Plan for retrieval weekly", 5, FINISHED)
    with pytest.raises(IllegalTransition, match="could be edited until 15 February 2027"):
        r.record_intent(r.staff_id, "Something else", 1, FINISHED + timedelta(days=15))
    assert r.intent == "Plan for retrieval weekly"


def test_the_line_manager_records_impact_only_once_the_check_is_due():
    r, manager = record(), uuid.uuid4()
    with pytest.raises(IllegalTransition, match="due on 15 March 2027, 6 weeks after completion"):
        r.record_impact(manager, 4, "Clearer explanations", date(2027, 3, 14))
    with pytest.raises(NotAllowed):
        r.record_impact(r.staff_id, 4, "I improved", date(2027, 3, 15))
    with pytest.raises(CpdError, match="1 \\(no change seen\\) to 5"):
        r.record_impact(manager, 0, "x", date(2027, 3, 15))
    r.record_impact(manager, 4, "Clearer explanations", date(2027, 3, 15))
    assert (r.impact_rating, r.impact_recorded_by) == (4, manager)
    (event,) = r.recorded
    assert (event.rating, event.seen, event.recorded_by) == (4, "Clearer explanations", manager)


def test_the_line_manager_is_asked_once_when_the_check_falls_due():
    r, manager = record(), uuid.uuid4()
    assert not r.ask_for_check(date(2027, 3, 14), manager)
    assert not r.ask_for_check(date(2027, 3, 15), None)  # nobody to ask yet: asked once someone is
    assert r.ask_for_check(date(2027, 3, 20), manager)
    assert not r.ask_for_check(date(2027, 3, 21), manager)
    (event,) = r.recorded
    assert (event.line_manager_id, event.due_on) == (manager, date(2027, 3, 15))


def _confirmed(starts_on=STARTS) -> tuple[Enrolment, Cohort]:
    cohort = Cohort(programme_id=uuid.uuid4(), name="Spring", starts_on=starts_on, ends_on=date(2027, 3, 1), capacity=5)
    e = Enrolment(cohort_id=cohort.id, programme_id=cohort.programme_id, staff_id=uuid.uuid4(), academy_id=OAK,
                  cost=Decimal("100"), requested_on=date(2026, 11, 1), status=EnrolmentStatus.CONFIRMED)
    return e, cohort


def test_a_completion_before_the_cohort_starts_or_in_the_future_is_refused():
    e, cohort = _confirmed()
    with pytest.raises(CpdError, match="before its cohort starts \\(10 January 2027\\)"):
        e.complete(date(2027, 1, 9), cohort=cohort, today=FINISHED)
    with pytest.raises(CpdError, match="in the future \\(2 February 2027\\)"):
        e.complete(date(2027, 2, 2), cohort=cohort, today=FINISHED)
    assert e.status == EnrolmentStatus.CONFIRMED and e.recorded == []
    e.complete(STARTS, cohort=cohort, today=FINISHED)  # a one-day course finishes the day it starts
    assert e.status == EnrolmentStatus.COMPLETED


# -- the commands -----------------------------------------------------------------------------------------------

@pytest.fixture
def uow() -> FakeCpdUnitOfWork:
    return FakeCpdUnitOfWork()


def nothing_happened(uow) -> bool:
    return uow.commits == 0 and uow.published == [] and uow.audits == []


def settled(uow) -> None:
    uow.published.clear()
    uow.audits.clear()
    uow.commits = 0


def refused(uow, problem, command, *args, **kwargs):
    with pytest.raises(problem) as caught:
        command(uow, *args, **kwargs)
    assert nothing_happened(uow), (uow.commits, [e.type for e in uow.published], uow.audits)
    return caught.value


@pytest.fixture
def completed(uow):
    """A teacher at Oak whose head of department approved a place; the cohort ran from 10 January 2027."""
    head = uow.person(academy_id=OAK, post="Head of Maths", first_name="Hana", last_name="Head")
    teacher = uow.person(academy_id=OAK, line_manager_id=head, first_name="Tom", last_name="Teacher")
    programme = uow.programme(cost="300.00", academy_id=OAK)
    cohort = uow.cohort(programme, starts_on=STARTS)
    e = enrolments.request_place(uow, staff(teacher), cohort.id, "", today=date(2026, 11, 23))
    enrolments.approve(uow, staff(head), e.id, today=date(2026, 11, 24))
    settled(uow)
    return head, teacher, programme, e


def test_completion_dated_before_the_cohort_starts_is_refused_and_changes_nothing(uow, completed):
    head, _teacher, _programme, e = completed
    found = refused(uow, Unprocessable, enrolments.complete, staff(head), e.id, True, completed_on=date(2027, 1, 9),
                    today=FINISHED)
    assert "before the cohort starts (10 January 2027)" in str(found) and e.status == EnrolmentStatus.CONFIRMED
    assert uow.impact.for_enrolment(e.id) is None


def test_completion_opens_the_impact_record_with_the_trusts_interval(uow, completed):
    head, teacher, programme, e = completed
    impact.set_check_after(uow, TRUST_HR, 8)
    enrolments.complete(uow, staff(head), e.id, True, completed_on=FINISHED, today=FINISHED)
    r = uow.impact.for_enrolment(e.id)
    assert (r.staff_id, r.programme_title, r.cost, r.check_due_on) == (teacher, "Adaptive teaching",
                                                                       Decimal("300.00"), date(2027, 3, 29))


def test_setting_the_interval_is_for_trust_hr_and_is_audited(uow):
    refused(uow, Forbidden, impact.set_check_after, academy_hr(), 8)
    refused(uow, Unprocessable, impact.set_check_after, TRUST_HR, 0)
    assert impact.set_check_after(uow, TRUST_HR, 8) == {"check_after_weeks": 8}
    assert uow.audits[-1]["changes"] == {"check_after_weeks": [6, 8]}


def test_the_participant_records_intent_linked_to_a_need_in_their_plan(uow, completed):
    head, teacher, _programme, e = completed
    enrolments.complete(uow, staff(head), e.id, True, completed_on=FINISHED, today=FINISHED)
    need_id, appraisal_id = uuid.uuid4(), uuid.uuid4()
    with uow:
        plans.on_development_need(uow, {"reviewee_id": teacher, "academy_id": OAK, "appraisal_id": appraisal_id,
                                        "need_id": need_id, "area": "Questioning", "description": "Probe more"},
                                  FINISHED)
        uow.commit()
    settled(uow)
    impact.record_intent(uow, staff(teacher), e.id, "Cold-call with wait time", 5, need_id, today=FINISHED)
    assert uow.payloads("cpd.intent_recorded") == [{
        "enrolment_id": str(e.id), "staff_id": str(teacher), "academy_id": str(OAK),
        "programme_id": str(e.programme_id), "programme_title": "Adaptive teaching", "completed_on": "2027-02-01",
        "intent": "Cold-call with wait time", "satisfaction": 5, "development_need_id": str(need_id),
        "appraisal_id": str(appraisal_id), "recorded_on": "2027-02-01"}]
    assert [a["action"] for a in uow.audits] == ["impact.intent_recorded"]


def test_intent_is_refused_for_others_for_a_need_not_in_the_plan_and_before_completion(uow, completed):
    head, teacher, _programme, e = completed
    not_yet = refused(uow, Conflict, impact.record_intent, staff(teacher), e.id, "x", 4, today=FINISHED)
    assert not_yet.description == ("this enrolment is confirmed, not completed: record its impact once the programme is "
                              "completed")  # it said "(this enrolment is 'confirmed')" (outsider, issue 24)
    enrolments.complete(uow, staff(head), e.id, True, completed_on=FINISHED, today=FINISHED)
    settled(uow)
    refused(uow, Forbidden, impact.record_intent, staff(head), e.id, "x", 4, today=FINISHED)
    stranger = refused(uow, NotFound, impact.record_intent, staff(uow.person(academy_id=OAK)), e.id, "x", 4,
                       today=FINISHED)
    assert stranger.description == "there is no such enrolment; go back to the list and choose it again"
    need = uuid.uuid4()
    unknown = refused(uow, Unprocessable, impact.record_intent, staff(teacher), e.id, "x", 4, need, today=FINISHED)
    assert unknown.description == ("the development need chosen is not one of the development needs in your plan; "
                              "choose one from your plan, or none") and str(need) not in unknown.description


def test_the_daily_job_asks_the_line_manager_once_and_then_they_record_the_impact(uow, completed):
    head, teacher, _programme, e = completed
    enrolments.complete(uow, staff(head), e.id, True, completed_on=FINISHED, today=FINISHED)
    settled(uow)
    assert run_daily(uow, date(2027, 3, 14))["impact_checks_asked"] == 0
    settled(uow)
    refused(uow, Conflict, impact.record_impact, staff(head), e.id, 4, "Sharper questioning", today=date(2027, 3, 14))
    assert run_daily(uow, date(2027, 3, 15))["impact_checks_asked"] == 1
    assert run_daily(uow, date(2027, 3, 16))["impact_checks_asked"] == 0
    (asked,) = uow.payloads("cpd.impact_check_due")
    assert (asked["line_manager_id"], asked["staff_id"], asked["due_on"]) == (str(head), str(teacher), "2027-03-15")
    settled(uow)
    refused(uow, Forbidden, impact.record_impact, staff(teacher), e.id, 4, "I improved", today=date(2027, 3, 16))
    refused(uow, Forbidden, impact.record_impact, academy_hr(), e.id, 4, "Seen it", today=date(2027, 3, 16))
    impact.record_impact(uow, staff(head), e.id, 4, "Sharper questioning", today=date(2027, 3, 16))
    (seen,) = uow.payloads("cpd.impact_recorded")
    assert (seen["rating"], seen["seen"], seen["recorded_by"]) == (4, "Sharper questioning", str(head))
    assert uow.audits[-1]["action"] == "impact.impact_recorded"


def test_the_programme_report_shows_each_participant_in_hrs_scope_with_cost_per_participant(uow, completed):
    head, teacher, programme, e = completed
    enrolments.complete(uow, staff(head), e.id, True, completed_on=FINISHED, today=FINISHED)
    impact.record_intent(uow, staff(teacher), e.id, "Plan retrieval", 4, today=FINISHED)
    elm_teacher = uow.person(academy_id=ELM)
    uow.impact.add(CpdImpact.opened(enrolment_id=uuid.uuid4(), staff_id=elm_teacher, academy_id=ELM,
                                    programme_id=programme.id, programme_title=programme.title, cost=Decimal("200.00"),
                                    completed_on=FINISHED, weeks=6))
    report = impact.programme_report(uow, academy_hr(), programme.id)
    assert [r["staff_name"] for r in report["rows"]] == ["Tom Teacher"]
    assert (report["participants"], report["cost_per_participant"], report["average_satisfaction"]) == (
        1, Decimal("300.00"), 4.0)
    everyone = impact.programme_report(uow, TRUST_HR, programme.id)
    assert (everyone["participants"], everyone["cost_per_participant"]) == (2, Decimal("250.00"))
    with pytest.raises(Forbidden):
        impact.programme_report(uow, staff(teacher), programme.id)
    rows = impact.report_csv_rows(report)
    assert rows[1][:5] == ["Tom Teacher", "", "1 February 2027", "Satisfied", "Plan retrieval"]


def test_the_programme_report_counts_a_person_who_completed_two_cohorts_once_and_lists_both(uow, completed):
    # a hand count: Tom completed the spring cohort (£300, very satisfied, linked to a development need) and the
    # summer one again (£300, neither, not linked); Ann once (£200, satisfied, impact 4). Two people, three places.
    _head, tom, programme, _e = completed
    ann = uow.person(academy_id=OAK)

    def done(who, cost, on, satisfaction, need=None, rating=None):
        r = uow.impact.add(CpdImpact.opened(
            enrolment_id=uuid.uuid4(), staff_id=who, academy_id=OAK, programme_id=programme.id,
            programme_title=programme.title, cost=Decimal(cost), completed_on=on, weeks=1))
        r.record_intent(who, "Plan retrieval", satisfaction, on, need)
        if rating:
            r.record_impact(_head, rating, "Sharper questions", on + timedelta(weeks=1))

    done(tom, "300.00", FINISHED, 5, need=LinkedNeed(uuid.uuid4(), uuid.uuid4()))
    done(tom, "300.00", date(2027, 6, 1), 3)
    done(ann, "200.00", FINISHED, 4, rating=4)
    report = impact.programme_report(uow, academy_hr(), programme.id)
    assert (report["participants"], report["completions"], len(report["rows"])) == (2, 3, 3)
    assert (report["total_cost"], report["cost_per_participant"]) == (Decimal("800.00"), Decimal("400.00"))
    assert (report["average_satisfaction"], report["satisfaction_ratings"]) == (4.0, 3)
    assert (report["average_impact"], report["impact_ratings"], report["linked_to_appraisal"]) == (4.0, 1, 1)
    assert impact.report_csv_rows(report)[0][7] == "Cost of the place"


@pytest.mark.parametrize("ratings, average", [([3, 4, 5, 1], 3.3), ([4, 4, 4, 5], 4.3), ([1, 2], 1.5),
                                              ([2, 2, 2, 3], 2.3), ([1, 1, 2], 1.3)])
def test_the_average_satisfaction_rounds_a_half_up_as_a_hand_count_does(uow, completed, ratings, average):
    # outsider, issue 24: ratings 3, 4, 5 and 1 (3.25) read "3.2 out of 5"
    _head, _tom, programme, _e = completed
    for rating in ratings:
        r = uow.impact.add(CpdImpact.opened(
            enrolment_id=uuid.uuid4(), staff_id=uow.person(academy_id=OAK), academy_id=OAK, programme_id=programme.id,
            programme_title=programme.title, cost=Decimal("100.00"), completed_on=FINISHED, weeks=1))
        r.record_intent(r.staff_id, "Plan retrieval", rating, FINISHED, None)
        r.record_impact(_head, rating, "Sharper questions", FINISHED + timedelta(weeks=1))
    report = impact.programme_report(uow, academy_hr(), programme.id)
    assert (report["average_satisfaction"], report["satisfaction_ratings"]) == (average, len(ratings))
    assert (report["average_impact"], report["impact_ratings"]) == (average, len(ratings))

def test_erasure_takes_what_was_written_about_the_participant_and_keeps_the_figures(uow, completed):
    head, teacher, _programme, e = completed
    enrolments.complete(uow, staff(head), e.id, True, completed_on=FINISHED, today=FINISHED)
    impact.record_intent(uow, staff(teacher), e.id, "Plan retrieval", 4, today=FINISHED)
    with uow:
        uow.staff.erase_what_was_written_about(teacher)
    r = uow.impact.for_enrolment(e.id)
    assert (r.intent, r.impact_seen, r.satisfaction, r.cost) == (None, None, 4, Decimal("300.00"))
