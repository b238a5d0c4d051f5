"""The service layer's commands, event handlers and daily job on the in-memory fakes (no database): the change made,
the events published with their payloads, the audit row; a refusal commits and publishes nothing."""
from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

import pytest

from cpd.domain.enrolments import EnrolmentStatus
from cpd.domain.future_leaders import NominationStatus, Secondment, SecondmentStatus
from cpd.domain.plans import PlanItemSource, PlanItemStatus
from cpd.domain.values import in_words
from cpd.service import agreements, catalogue, enrolments, future_leaders, handlers, listings, plans
from cpd.service.daily_job import run_daily
from staffroom_shared.errors import Conflict, Forbidden, NotFound, Unprocessable
from staffroom_shared.events import new_event, parse_event
from staffroom_shared.principal import Principal

from .fakes import FakeCpdUnitOfWork

TODAY = date(2026, 11, 23)
OAK, ELM = uuid.uuid4(), uuid.uuid4()


def staff(staff_id, academy_id=OAK) -> Principal:
    return Principal(staff_id, frozenset({"staff"}), academy_id, str(staff_id))


def academy_hr(academy_id=OAK) -> Principal:
    return Principal(uuid.uuid4(), frozenset({"staff", "academy_hr"}), academy_id, "academy-hr")


TRUST_HR = Principal(uuid.uuid4(), frozenset({"staff", "trust_hr"}), None, "trust-hr")


@pytest.fixture
def uow() -> FakeCpdUnitOfWork:
    return FakeCpdUnitOfWork()


def types(uow) -> list[str]:
    return [e.type for e in uow.published]


def nothing_happened(uow) -> bool:
    return uow.commits == 0 and uow.published == [] and uow.audits == []


def settled(uow) -> None:
    """Forget what was committed so far: the next step's own commits, events and audit rows are what is seen."""
    uow.published.clear()
    uow.audits.clear()
    uow.commits = 0


def refused(uow, problem, command, *args, **kwargs):
    with pytest.raises(problem) as caught:
        command(uow, *args, **kwargs)
    assert nothing_happened(uow), (uow.commits, types(uow), uow.audits)
    return caught.value


@pytest.fixture
def oak(uow):
    """A head of department managing a teacher at Oak."""
    head = uow.person(academy_id=OAK, post="Head of Maths")
    teacher = uow.person(academy_id=OAK, line_manager_id=head)
    return head, teacher


# -- the catalogue --------------------------------------------------------------------------------------

def test_create_programme_keeps_it_and_audits_it(uow):
    data = {"title": "Adaptive teaching", "kind": "external_course", "provider": "Ambition", "delivery_mode": "online",
            "cost": Decimal("300"), "academy_id": OAK}
    programme = catalogue.create_programme(uow, academy_hr(), dict(data))
    assert uow.catalogue.programme(programme.id) is programme and programme.cost == Decimal("300.00")
    assert [a["action"] for a in uow.audits] == ["programme.created"] and uow.published == []


def test_create_programme_refuses_another_academys_hr_and_a_broken_rule(uow):
    data = {"title": "T", "kind": "npq", "provider": "P", "delivery_mode": "online", "cost": Decimal("1"),
            "academy_id": OAK}
    refused(uow, Forbidden, catalogue.create_programme, academy_hr(ELM), dict(data))
    assert "an NPQ names which one" in str(refused(uow, Unprocessable, catalogue.create_programme, academy_hr(),
                                                   dict(data)))


def test_update_programme_audits_what_changed(uow):
    programme = uow.programme(academy_id=OAK, cost="100.00")
    catalogue.update_programme(uow, academy_hr(), programme.id, {"cost": Decimal("120"), "title": programme.title})
    assert programme.cost == Decimal("120.00")
    assert uow.audits[0]["changes"] == {"cost": [Decimal("100.00"), Decimal("120.00")]}


def test_set_programme_active_twice_is_refused_the_second_time(uow):
    programme = uow.programme(academy_id=OAK)
    catalogue.set_programme_active(uow, academy_hr(), programme.id, False)
    assert not programme.active and uow.audits[0]["action"] == "programme.deactivated"
    settled(uow)
    refused(uow, Conflict, catalogue.set_programme_active, academy_hr(), programme.id, False)


def test_create_cohort_and_refuse_one_for_a_programme_no_longer_offered(uow):
    programme = uow.programme(academy_id=OAK)
    cohort = catalogue.create_cohort(uow, academy_hr(), programme.id, {
        "name": "Spring", "starts_on": date(2027, 1, 10), "ends_on": date(2027, 3, 1), "capacity": 5})
    assert uow.catalogue.cohort(cohort.id) is cohort and uow.audits[0]["action"] == "cohort.created"
    retired = uow.programme(academy_id=OAK, active=False)
    settled(uow)
    refused(uow, Conflict, catalogue.create_cohort, academy_hr(), retired.id, {
        "name": "Spring", "starts_on": date(2027, 1, 10), "ends_on": date(2027, 3, 1), "capacity": 5})


def _waiting(uow, cohort, programme, n: int) -> list:
    """n people on the cohort's waiting list, in order."""
    from cpd.domain.enrolments import Enrolment

    out = []
    for _ in range(n):
        seq = uow.store.waiting_seq[cohort.id] + 1
        e = Enrolment(cohort_id=cohort.id, programme_id=programme.id, staff_id=uow.person(academy_id=OAK),
                      academy_id=OAK, cost=programme.cost, requested_on=TODAY, status=EnrolmentStatus.WAITING,
                      waiting_since=seq)
        uow.store.waiting_seq[cohort.id] = seq
        uow.store.enrolments[e.id] = e
        out.append(e)
    return out


def test_update_cohort_more_places_go_to_those_waiting_in_order(uow):
    programme = uow.programme(academy_id=OAK)
    cohort = uow.cohort(programme, capacity=1)
    first, second, third = _waiting(uow, cohort, programme, 3)
    catalogue.update_cohort(uow, academy_hr(), cohort.id, {"capacity": 2})
    assert [e.status for e in (first, second, third)] == [EnrolmentStatus.CONFIRMED, EnrolmentStatus.CONFIRMED,
                                                          EnrolmentStatus.WAITING]
    assert [p["enrolment_id"] for p in uow.payloads("cpd.enrolled")] == [str(first.id), str(second.id)]
    assert all(p["from_waiting_list"] is True and "approved_by" not in p for p in uow.payloads("cpd.enrolled"))
    assert uow.audits[0]["changes"]["promoted"] == [first.id, second.id]


def test_update_cohort_refuses_capacity_below_the_places_taken(uow):
    programme = uow.programme(academy_id=OAK)
    cohort = uow.cohort(programme, capacity=2)
    for e in _waiting(uow, cohort, programme, 2):
        e.status, e.waiting_since = EnrolmentStatus.CONFIRMED, None
    refused(uow, Conflict, catalogue.update_cohort, academy_hr(), cohort.id, {"capacity": 1})


def test_update_settings_is_trust_hrs_and_audited(uow):
    data = {"approval_threshold": Decimal("400.00"), "agreement_threshold": Decimal("900.00"),
            "repayment_schedule": [[12, 100]]}
    refused(uow, Forbidden, catalogue.update_settings, academy_hr(), dict(data))
    policy = catalogue.update_settings(uow, TRUST_HR, dict(data))
    assert policy.approval_threshold == Decimal("400.00") and policy.repayment_schedule == ((12, 100),)
    assert uow.audits[0]["changes"]["approval_threshold"] == [Decimal("500.00"), Decimal("400.00")]


def test_set_budget_sets_then_changes_it(uow):
    catalogue.set_budget(uow, academy_hr(), OAK, 2026, Decimal("1000.00"))
    catalogue.set_budget(uow, academy_hr(), OAK, 2026, Decimal("1250.00"))
    assert uow.catalogue.budget(OAK, 2026) == Decimal("1250.00")
    assert [a["changes"]["amount"] for a in uow.audits] == [[None, Decimal("1000.00")],
                                                            [Decimal("1000.00"), Decimal("1250.00")]]
    settled(uow)
    refused(uow, Forbidden, catalogue.set_budget, academy_hr(ELM), OAK, 2026, Decimal("1"))


# -- enrolments ---------------------------------------------------------------------------------------

def test_request_place_asks_the_line_manager(uow, oak):
    head, teacher = oak
    programme = uow.programme(cost="600.00")
    cohort = uow.cohort(programme)
    e = enrolments.request_place(uow, staff(teacher), cohort.id, "to teach better", today=TODAY)
    assert e.status == EnrolmentStatus.REQUESTED and uow.enrolments.get(e.id) is e
    (requested,) = uow.payloads("cpd.enrolment_requested")
    assert requested == {"enrolment_id": str(e.id), "staff_id": str(teacher), "academy_id": str(OAK),
                         "programme_id": str(programme.id), "programme_title": "Adaptive teaching",
                         "cohort_id": str(cohort.id), "cost": "600.00", "line_manager_id": str(head),
                         "needs_hr_approval": True}
    assert types(uow) == ["cpd.enrolment_requested"] and uow.published[0].academy_id == OAK
    assert uow.audits[0]["action"] == "enrolment.requested" and uow.audits[0]["changes"]["status"] == [None, "requested"]


def test_a_place_carries_the_programmes_hours_for_targets(uow, oak):
    _head, teacher = oak
    programme = uow.programme(requires_approval=False, kind="internal_course", hours=6.5)
    enrolments.request_place(uow, staff(teacher), uow.cohort(programme, capacity=1).id, "", today=TODAY)
    assert uow.payloads("cpd.enrolled")[0]["programme_hours"] == 6.5


def test_request_place_for_a_free_session_books_a_place_at_once(uow, oak):
    _head, teacher = oak
    programme = uow.programme(requires_approval=False, kind="internal_course")
    cohort = uow.cohort(programme, capacity=1)
    e = enrolments.request_place(uow, staff(teacher), cohort.id, "", today=TODAY)
    assert e.status == EnrolmentStatus.CONFIRMED
    assert types(uow) == ["cpd.enrolment_requested", "cpd.enrolment_approved", "cpd.enrolled"]
    assert uow.payloads("cpd.enrolment_requested")[0]["needs_hr_approval"] is False
    approved = uow.payloads("cpd.enrolment_approved")[0]
    assert (approved["approved_by"], approved["stage"], approved["status"]) == (None, "automatic", "waiting")
    enrolled = uow.payloads("cpd.enrolled")[0]
    assert (enrolled["from_waiting_list"], enrolled["programme_kind"], enrolled["starts_on"]) == (
        False, "internal_course", "2027-01-10")
    assert enrolled["programme_hours"] is None  # the programme does not say
    # the next one joins the waiting list, first in line
    other = uow.person(academy_id=OAK)
    enrolments.request_place(uow, staff(other), cohort.id, "", today=TODAY)
    assert uow.payloads("cpd.waitlisted")[0]["position"] == 1


@pytest.mark.parametrize("case, problem", [
    ("not in the staff copy", Forbidden), ("left", Conflict), ("another academy's", NotFound),
    ("no longer offered", Conflict), ("cohort ended", Conflict), ("asked already", Conflict),
])
def test_request_place_refusals(uow, case, problem):
    who = uow.person(academy_id=OAK, leaving_date=TODAY if case == "left" else None)
    programme = uow.programme(academy_id=ELM if case == "another academy's" else None,
                              active=case != "no longer offered")
    cohort = uow.cohort(programme, ends_on=date(2026, 11, 1) if case == "cohort ended" else date(2027, 3, 1),
                        starts_on=date(2026, 10, 1))
    if case == "asked already":
        enrolments.request_place(uow, staff(who), cohort.id, "", today=TODAY)
        settled(uow)
    principal = staff(uuid.uuid4() if case == "not in the staff copy" else who)
    found = refused(uow, problem, enrolments.request_place, principal, cohort.id, "", today=TODAY)
    said = {"left": f"you left on {in_words(TODAY)}; leavers cannot request CPD",  # no ISO dates, ids or stored values
            "asked already": "you have already asked for a place on this cohort (your request is waiting for the "
                             "line manager's approval); withdraw it first to ask again",
            "another academy's": "there is no such cohort; go back to the list and choose it again"}
    assert found.description == said.get(case, found.description)


def _requested(uow, teacher, cost="100.00", capacity=10):
    programme = uow.programme(cost=cost)
    cohort = uow.cohort(programme, capacity=capacity)
    e = enrolments.request_place(uow, staff(teacher), cohort.id, "", today=TODAY)
    settled(uow)
    return e, programme, cohort


def test_approve_by_the_line_manager_gives_a_place_and_says_who_approved_it(uow, oak):
    head, teacher = oak
    e, _programme, _cohort = _requested(uow, teacher)
    enrolments.approve(uow, staff(head), e.id, note="go for it", today=TODAY)
    assert e.status == EnrolmentStatus.CONFIRMED and e.manager_approved_by == head and e.decision_note == "go for it"
    assert types(uow) == ["cpd.enrolled", "cpd.enrolment_approved"]  # the place first, then the approval, as before
    enrolled = uow.payloads("cpd.enrolled")[0]
    assert (enrolled["approved_by"], enrolled["approval_stage"], enrolled["from_waiting_list"]) == (
        str(head), "line_manager", False)
    assert uow.payloads("cpd.enrolment_approved")[0]["status"] == "confirmed"
    assert uow.audits[0]["action"] == "enrolment.approve" and uow.audits[0]["changes"]["status"] == [
        "requested", "confirmed"]


def test_approve_over_the_threshold_goes_to_hr_then_needs_an_agreement(uow, oak):
    head, teacher = oak
    e, programme, _cohort = _requested(uow, teacher, cost="1200.00")
    enrolments.approve(uow, staff(head), e.id, today=TODAY)
    assert e.status == EnrolmentStatus.AWAITING_HR and types(uow) == ["cpd.enrolment_approved"]
    enrolments.approve(uow, academy_hr(), e.id, today=TODAY)
    assert e.status == EnrolmentStatus.AWAITING_AGREEMENT
    assert types(uow)[1:] == ["cpd.agreement_required", "cpd.enrolment_approved"]
    agreement = uow.agreements.for_enrolment(e.id)
    assert uow.payloads("cpd.agreement_required")[0]["agreement_id"] == str(agreement.id)
    assert agreement.schedule == [[12, 100], [24, 50]] and agreement.cost == Decimal("1200.00")


@pytest.mark.parametrize("who, problem", [("teacher", NotFound), ("head twice", Conflict), ("other hr", NotFound)])
def test_approve_refusals(uow, oak, who, problem):
    head, teacher = oak
    e, _programme, _cohort = _requested(uow, teacher, cost="1200.00")
    if who == "head twice":
        enrolments.approve(uow, staff(head), e.id, today=TODAY)
        settled(uow)
    principal = {"teacher": staff(teacher), "head twice": staff(head), "other hr": academy_hr(ELM)}[who]
    refused(uow, problem if who != "teacher" else Forbidden, enrolments.approve, principal, e.id, today=TODAY)


def test_decline_says_who_declined_and_why(uow, oak):
    head, teacher = oak
    e, _programme, _cohort = _requested(uow, teacher)
    enrolments.decline(uow, staff(head), e.id, "not this term", today=TODAY)
    assert e.status == EnrolmentStatus.DECLINED
    (declined,) = uow.payloads("cpd.enrolment_declined")
    assert (declined["declined_by"], declined["note"]) == (str(head), "not this term")


def test_decline_at_hrs_stage_is_hrs(uow, oak):
    head, teacher = oak
    e, _programme, _cohort = _requested(uow, teacher, cost="800.00")
    enrolments.approve(uow, staff(head), e.id, today=TODAY)
    settled(uow)
    refused(uow, Forbidden, enrolments.decline, staff(head), e.id, "no", today=TODAY)


def test_withdraw_frees_the_place_for_the_next_in_line(uow, oak):
    head, teacher = oak
    e, programme, cohort = _requested(uow, teacher, capacity=1)
    enrolments.approve(uow, staff(head), e.id, today=TODAY)
    (next_in_line,) = _waiting(uow, cohort, programme, 1)
    uow.published.clear()
    enrolments.withdraw(uow, staff(teacher), e.id, note="cannot make it")
    assert e.status == EnrolmentStatus.WITHDRAWN and next_in_line.status == EnrolmentStatus.CONFIRMED
    assert [p["enrolment_id"] for p in uow.payloads("cpd.enrolled")] == [str(next_in_line.id)]
    assert uow.audits[-1]["changes"]["promoted"] == [next_in_line.id]


def test_attendance_completion_and_evaluation(uow, oak):
    head, teacher = oak
    e, programme, _cohort = _requested(uow, teacher)
    enrolments.approve(uow, staff(head), e.id, today=TODAY)
    uow.published.clear()
    enrolments.record_attendance(uow, staff(head), e.id, 90)
    finished = date(2027, 2, 1)  # the cohort ran from 10 January 2027
    enrolments.complete(uow, staff(head), e.id, True, completed_on=finished, today=finished)
    enrolments.evaluate(uow, staff(teacher), e.id, 4, "useful")
    assert (e.attendance_percent, e.status, e.impact_rating) == (90, EnrolmentStatus.COMPLETED, 4)
    assert uow.payloads("cpd.completed") == [{
        "enrolment_id": str(e.id), "staff_id": str(teacher), "academy_id": str(OAK), "programme_id": str(programme.id),
        "programme_title": "Adaptive teaching", "category": "external_course", "appraisal_training": False,
        "completed_on": str(finished)}]
    assert [a["action"] for a in uow.audits][-3:] == ["enrolment.record_attendance", "enrolment.record_completion",
                                                     "enrolment.evaluate_impact"]


def test_completion_in_the_future_and_an_evaluation_by_someone_else_are_refused(uow, oak):
    head, teacher = oak
    e, _programme, _cohort = _requested(uow, teacher)
    refused(uow, Unprocessable, enrolments.complete, staff(head), e.id, True, completed_on=date(2027, 1, 1),
            today=TODAY)
    refused(uow, Conflict, enrolments.record_attendance, staff(head), e.id, 50)  # not yet confirmed
    refused(uow, Forbidden, enrolments.evaluate, staff(head), e.id, 4, "x")



def test_release_places_on_leaving_withdraws_open_ones_and_moves_the_waiting_list(uow, oak):
    head, teacher = oak
    e, programme, cohort = _requested(uow, teacher, capacity=1)
    enrolments.approve(uow, staff(head), e.id, today=TODAY)
    (next_in_line,) = _waiting(uow, cohort, programme, 1)
    settled(uow)
    with uow:
        withdrawn = enrolments.release_places_on_leaving(uow, teacher, date(2027, 2, 1))
        uow.commit()
    assert withdrawn == [e] and e.status == EnrolmentStatus.WITHDRAWN
    assert e.decision_note == "left the trust on 1 February 2027" and next_in_line.status == EnrolmentStatus.CONFIRMED
    assert types(uow) == ["cpd.enrolled"] and uow.payloads("cpd.enrolled")[0]["from_waiting_list"] is True
    assert uow.audits[0]["changes"] == {"status": ["confirmed", "withdrawn"], "left_on": date(2027, 2, 1)}

# -- training agreements ------------------------------------------------------------------------------

def _awaiting_agreement(uow, oak):
    head, teacher = oak
    e, _programme, cohort = _requested(uow, teacher, cost="1200.00", capacity=1)
    enrolments.approve(uow, staff(head), e.id, today=TODAY)
    enrolments.approve(uow, academy_hr(), e.id, today=TODAY)
    settled(uow)
    return e, uow.agreements.for_enrolment(e.id)


def test_sign_gives_the_place(uow, oak):
    _head, teacher = oak
    e, agreement = _awaiting_agreement(uow, oak)
    agreements.sign(uow, staff(teacher), agreement.id, today=TODAY)
    assert agreement.signed_on == TODAY and e.status == EnrolmentStatus.CONFIRMED
    assert types(uow) == ["cpd.agreement_signed", "cpd.enrolled"]
    signed = uow.payloads("cpd.agreement_signed")[0]
    assert (signed["agreement_id"], signed["signed_on"], signed["schedule"]) == (
        str(agreement.id), str(TODAY), [[12, 100], [24, 50]])
    assert "agreement_academy_id" not in signed and uow.published[0].academy_id == OAK
    assert uow.audits[0]["action"] == "training_agreement.signed"


def test_sign_is_the_participants_and_once(uow, oak):
    head, teacher = oak
    _e, agreement = _awaiting_agreement(uow, oak)
    refused(uow, NotFound, agreements.sign, staff(head), agreement.id, today=TODAY)  # the manager sees no contract
    agreements.sign(uow, staff(teacher), agreement.id, today=TODAY)
    settled(uow)
    again = refused(uow, Conflict, agreements.sign, staff(teacher), agreement.id, today=TODAY)
    assert again.description == f"this training agreement is already signed: it was signed on {in_words(TODAY)}"


# -- handlers -----------------------------------------------------------------------------------------

def staff_event(event_type: str, person: dict, **extra):
    payload = {**person, **extra}
    if event_type == "staff.updated":
        payload.setdefault("changed", [])
    if event_type == "staff.left":
        payload.setdefault("reason", "resigned")
    made = new_event(event_type, payload, producer="directory", correlation_id="test", academy_id=person["academy_id"])
    return parse_event(made.to_dict())  # as the consumer hands it over


def newcomer(**overrides) -> dict:
    return {"staff_id": uuid.uuid4(), "academy_id": OAK, "first_name": "Priya", "last_name": "Patel",
            "email": "p@oaktrust.example", "staff_type": "teaching", "post": "Teacher of Maths", "fte": "1.00",
            "start_date": date(2026, 9, 1), "leaving_date": None, "line_manager_id": None, **overrides}


def test_on_staff_joined_starts_a_plan_with_induction(uow):
    induction = uow.programme(kind="staff_induction", title="Welcome to Oak Trust")
    person = newcomer(post="Early career teacher")
    with uow:
        handlers.on_staff_joined(uow, staff_event("staff.joined", person), today=TODAY)
        uow.commit()
    plan = uow.plans.of_staff(person["staff_id"])
    assert plan.created_because == "joined" and plan.created_on == date(2026, 9, 1)
    assert types(uow) == ["cpd.plan_created", "cpd.plan_item_suggested", "cpd.plan_item_suggested"]
    created = uow.payloads("cpd.plan_created")[0]
    assert (created["reason"], created["created_on"], created["induction_suggested"]) == ("joined", str(TODAY), True)
    assert [p["title"] for p in uow.payloads("cpd.plan_item_suggested")] == [
        "Welcome to Oak Trust", "Early career teacher induction (two years)"]
    assert uow.payloads("cpd.plan_item_suggested")[0]["programme_id"] == str(induction.id)


def test_on_staff_updated_moves_the_plan_with_them(uow):
    person = newcomer()
    with uow:
        handlers.on_staff_joined(uow, staff_event("staff.joined", person), today=TODAY)
        uow.commit()
    with uow:
        handlers.on_staff_updated(uow, staff_event("staff.updated", {**person, "academy_id": ELM}), today=TODAY)
        uow.commit()
    assert uow.plans.of_staff(person["staff_id"]).academy_id == ELM and types(uow)[-1] != "cpd.plan_created"


def test_on_staff_promoted_reaims_the_plan(uow):
    npq = uow.programme(kind="npq", npq="NPQSL", title="NPQ in Senior Leadership")
    person = newcomer()
    with uow:
        handlers.on_staff_promoted(uow, staff_event("staff.promoted", {**person, "post": "Deputy Headteacher"},
                                                    previous_post="Teacher of Maths", previous_staff_type="teaching",
                                                    effective_date=date(2027, 1, 1)), today=TODAY)
        uow.commit()
    plan = uow.plans.of_staff(person["staff_id"])
    assert plan.role == "Deputy Headteacher"
    assert types(uow) == ["cpd.plan_created", "cpd.plan_item_suggested"]
    assert uow.payloads("cpd.plan_created")[0]["reason"] == "promoted"
    item = uow.payloads("cpd.plan_item_suggested")[0]
    assert (item["source"], item["programme_id"]) == ("promotion", str(npq.id))
    assert item["title"] == "Development for the new role: Deputy Headteacher (NPQ in Senior Leadership)"


def test_on_development_need_suggests_an_item_once(uow):
    person = newcomer()
    need = {"appraisal_id": uuid.uuid4(), "cycle_id": uuid.uuid4(), "reviewee_id": person["staff_id"],
            "appraiser_id": uuid.uuid4(), "academy_id": OAK, "need_id": uuid.uuid4(), "stage": "mid_year",
            "area": "Adaptive teaching", "description": "SEND", "suggested_support": "Observe the SENCO",
            "identified_on": date(2027, 2, 20)}
    event = parse_event(new_event("appraisal.development_need_identified", need, producer="appraisal",
                                  correlation_id="t", academy_id=OAK).to_dict())
    for _ in range(2):
        with uow:
            handlers.on_development_need(uow, event, today=TODAY)
            uow.commit()
    assert types(uow) == ["cpd.plan_created", "cpd.plan_item_suggested"]  # the plan starts here; the item once
    assert uow.payloads("cpd.plan_created")[0]["reason"] == "requested"
    assert uow.payloads("cpd.plan_item_suggested")[0]["development_need_id"] == str(need["need_id"])
    (item,) = uow.plans.of_staff(person["staff_id"]).items
    assert item.detail == "SEND\n\nSuggested support: Observe the SENCO"


def test_on_staff_left_works_out_clawback_once_and_withdraws_nothing_by_itself(uow, oak):
    _head, teacher = oak
    e, agreement = _awaiting_agreement(uow, oak)
    agreements.sign(uow, staff(teacher), agreement.id, today=TODAY)
    uow.published.clear()
    person = {**uow.store.staff[teacher], "fte": "1.00", "leaving_date": date(2027, 2, 1)}
    person = {k: person[k] for k in ("staff_id", "academy_id", "first_name", "last_name", "email", "staff_type",
                                     "post", "fte", "start_date", "leaving_date", "line_manager_id")}
    left = staff_event("staff.left", person)
    for _ in range(2):
        with uow:
            handlers.on_staff_left(uow, left, today=date(2027, 2, 1))
            uow.commit()
    (due,) = uow.payloads("cpd.clawback_due")
    assert (due["amount"], due["percent"], due["left_on"], due["completed_on"]) == ("1200.00", 100, "2027-02-01", None)
    assert due["enrolment_id"] == str(e.id) and "agreement_academy_id" not in due
    assert agreement.clawback_amount == Decimal("1200.00")
    assert uow.store.staff[teacher]["leaving_processed_for"] == date(2027, 2, 1)
    assert [a["action"] for a in uow.audits].count("training_agreement.clawback_computed") == 1


def test_on_staff_erased_removes_what_was_written_about_them(uow, oak, monkeypatch):
    _head, teacher = oak
    e, _programme, _cohort = _requested(uow, teacher)
    e.reason = "ZEBRA"
    forgotten = []
    monkeypatch.setattr(handlers, "forget_sent_events", lambda uow, person: forgotten.append(("sent", person)))
    monkeypatch.setattr(handlers, "forget_pages_after", lambda uow: forgotten.append(("pages",)))
    monkeypatch.setattr(handlers, "forget_in_audit", lambda uow, ids: forgotten.append(("audit", ids)))
    person = {k: uow.store.staff[teacher][k] for k in ("staff_id", "academy_id", "email", "staff_type", "post",
                                                        "start_date", "leaving_date", "line_manager_id")}
    erased = staff_event("staff.erased", {**person, "first_name": "Former member of staff", "last_name": "",
                                          "fte": "1.00", "erased_on": TODAY})
    with uow:
        handlers.on_staff_erased(uow, erased)
        uow.commit()
    assert e.reason == "Removed when the record's retention ended" and uow.published == []
    assert forgotten == [("sent", teacher), ("pages",), ("audit", [teacher, e.id])]


def test_on_academy_keeps_its_name(uow):
    data = {"academy_id": OAK, "name": "Oak Academy", "urn": "123456", "phase": "secondary"}
    event = parse_event(new_event("academy.registered", data, producer="directory", correlation_id="t",
                                  academy_id=OAK).to_dict())
    with uow:
        handlers.on_academy(uow, event)
        uow.commit()
    assert uow.staff.academy_known(OAK) and uow.catalogue.academy_names() == {OAK: "Oak Academy"}


# -- plans --------------------------------------------------------------------------------------------

def test_start_plan_add_a_goal_and_accept_an_item(uow, oak):
    _head, teacher = oak
    plan = plans.start_plan(uow, staff(teacher), today=TODAY)
    assert uow.payloads("cpd.plan_created")[0] == {
        "plan_id": str(plan.id), "staff_id": str(teacher), "academy_id": str(OAK), "role": "Teacher of Maths",
        "reason": "requested", "created_on": str(TODAY), "induction_suggested": False}
    goal = plans.add_goal(uow, staff(teacher), plan.id, {"title": "Lead a department CPD session"})
    assert goal.source == PlanItemSource.OWN_GOAL and goal.status == PlanItemStatus.ACCEPTED
    plans.move_item(uow, staff(teacher), plan.id, goal.id, PlanItemStatus.DONE)
    assert goal.status == PlanItemStatus.DONE
    assert [a["action"] for a in uow.audits] == ["start_plan", "add_a_goal", "complete_an_item"]
    assert types(uow) == ["cpd.plan_created"]


def test_plan_refusals(uow, oak):
    head, teacher = oak
    plan = plans.start_plan(uow, staff(teacher), today=TODAY)
    settled(uow)
    again = refused(uow, Conflict, plans.start_plan, staff(teacher), today=TODAY)  # one plan each
    assert again.description == "you already have a development plan: add to it rather than starting another"
    refused(uow, Forbidden, plans.add_goal, staff(head), plan.id, {"title": "x"})  # the manager reads, not writes
    refused(uow, NotFound, plans.add_goal, staff(uuid.uuid4()), plan.id, {"title": "x"})
    refused(uow, NotFound, plans.start_plan, staff(uuid.uuid4()), today=TODAY)


# -- future leaders -----------------------------------------------------------------------------------

def test_nominate_respond_and_arrange_shadowing(uow, oak):
    head, teacher = oak
    nomination = future_leaders.nominate(uow, staff(head), {"staff_id": teacher, "reason": "leads well"}, today=TODAY)
    assert uow.payloads("cpd.future_leader_nominated") == [{
        "nomination_id": str(nomination.id), "staff_id": str(teacher), "academy_id": str(OAK),
        "nominated_by": str(head), "nominated_on": str(TODAY)}]
    future_leaders.respond(uow, staff(teacher), nomination.id, True)
    assert nomination.status == NominationStatus.ACCEPTED
    host = uow.person(academy_id=ELM, post="Headteacher")
    placement = future_leaders.arrange_shadowing(uow, academy_hr(), nomination.id, {
        "host_staff_id": host, "starts_on": date(2027, 1, 4), "ends_on": date(2027, 1, 8), "focus": "timetabling"})
    assert uow.nominations.pathway(nomination.id)[0] == [placement]
    shadowing = uow.payloads("cpd.shadowing_arranged")[0]
    assert (shadowing["academy_id"], shadowing["host_academy_id"], shadowing["focus"]) == (
        str(OAK), str(ELM), "timetabling")
    assert [a["action"] for a in uow.audits] == ["nominate_future_leader", "accept_nomination", "arrange_shadowing"]


def test_nomination_refusals(uow, oak):
    head, teacher = oak
    stranger = uow.person(academy_id=ELM)
    refused(uow, Forbidden, future_leaders.nominate, staff(stranger), {"staff_id": teacher, "reason": "x"},
            today=TODAY)
    nobody = refused(uow, Unprocessable, future_leaders.nominate, staff(head),
                     {"staff_id": uuid.uuid4(), "reason": "x"}, today=TODAY)
    assert nobody.description == "the person chosen is not a member of staff; nominate a current member of staff"
    nomination = future_leaders.nominate(uow, staff(head), {"staff_id": teacher, "reason": "x"}, today=TODAY)
    settled(uow)
    name = uow.staff.person(teacher).name
    again = refused(uow, Conflict, future_leaders.nominate, staff(head), {"staff_id": teacher, "reason": "again"},
                    today=TODAY)
    assert again.description == f"{name} is already a future leader (nominated, and not yet answered)"
    early = refused(uow, Conflict, future_leaders.arrange_shadowing, academy_hr(), nomination.id, {
        "host_staff_id": head, "starts_on": date(2027, 1, 4), "ends_on": date(2027, 1, 8), "focus": "x"})
    assert early.description == ("to arrange a shadowing placement, the nominee must first accept the nomination; they "
                            "have not answered it yet")
    uow.store.staff[head]["leaving_date"] = date(2026, 12, 31)
    future_leaders.respond(uow, staff(teacher), nomination.id, True)
    settled(uow)
    gone = refused(uow, Unprocessable, future_leaders.arrange_shadowing, academy_hr(), nomination.id, {
        "host_staff_id": head, "starts_on": date(2027, 1, 4), "ends_on": date(2027, 1, 8), "focus": "x"})
    assert gone.description == (f"{uow.staff.person(head).name} leaves on 31 December 2026; choose a host in post")
    refused(uow, Forbidden, future_leaders.respond, staff(head), nomination.id, True)


def _secondment_data(secondee, **extra) -> dict:
    return {"staff_id": secondee, "host_academy_id": ELM, "post": "Acting Deputy Headteacher",
            "starts_on": date(2027, 1, 4), "ends_on": date(2027, 7, 23), "substantive_post_kept": True,
            "recharge_amount": Decimal("18500.00"), **extra}


def test_arrange_and_cancel_a_secondment(uow, oak):
    _head, teacher = oak
    uow.store.academies[ELM] = {"name": "Elm", "urn": "654321"}
    secondment = future_leaders.arrange_secondment(uow, academy_hr(), _secondment_data(teacher), today=TODAY)
    assert uow.secondments.get(secondment.id) is secondment and uow.published == []
    future_leaders.cancel_secondment(uow, academy_hr(), secondment.id)
    assert secondment.status == SecondmentStatus.CANCELLED
    assert [a["action"] for a in uow.audits] == ["arrange_secondment", "cancel_secondment"]


def test_secondment_refusals(uow, oak):
    head, teacher = oak
    unknown = refused(uow, Unprocessable, future_leaders.arrange_secondment, academy_hr(), _secondment_data(teacher),
                      today=TODAY)  # Elm is not (yet) an academy CPD knows
    assert unknown.description == "the host academy chosen is not an academy in the trust; choose one from the list"
    uow.store.academies[ELM] = {"name": "Elm", "urn": "654321"}
    someone_else = future_leaders.nominate(uow, academy_hr(), {"staff_id": head, "reason": "x"}, today=TODAY)
    future_leaders.respond(uow, staff(head), someone_else.id, True)
    settled(uow)
    name = uow.staff.person(teacher).name
    theirs = refused(uow, Unprocessable, future_leaders.arrange_secondment, academy_hr(),
                     _secondment_data(teacher, nomination_id=someone_else.id), today=TODAY)
    assert theirs.description == f"the nomination chosen is for someone else, not {name}; choose theirs, or none"
    uow.store.staff[teacher]["leaving_date"] = date(2027, 5, 1)
    leaves = refused(uow, Unprocessable, future_leaders.arrange_secondment, academy_hr(), _secondment_data(teacher),
                     today=TODAY)  # leaves before it would end
    assert leaves.description == (f"{name} leaves on 1 May 2027, before the secondment would end (23 July 2027); end it "
                             f"by then")
    refused(uow, Forbidden, future_leaders.arrange_secondment, academy_hr(ELM), _secondment_data(teacher),
            today=TODAY)


# -- the daily job ------------------------------------------------------------------------------------

def test_run_daily_starts_and_ends_secondments_once_and_processes_leavers(uow, oak, monkeypatch):
    _head, teacher = oak
    secondment = Secondment(nomination_id=None, staff_id=teacher, home_academy_id=OAK, host_academy_id=ELM,
                            post="Acting Deputy Headteacher", starts_on=date(2027, 1, 4), ends_on=date(2027, 7, 23),
                            recharge_amount=Decimal("18500.00"))
    uow.secondments.add(secondment)
    leaver = uow.person(academy_id=OAK, leaving_date=date(2027, 1, 1))
    calls = []
    monkeypatch.setattr(handlers, "clawback", lambda uow, staff_id, left_on: calls.append((staff_id, left_on)) or True)
    assert run_daily(uow, date(2027, 1, 4)) == {"secondments_started": 1, "secondments_ended": 0, "leavers": 1,
                                                "impact_checks_asked": 0, "induction_items_due": 0}
    assert run_daily(uow, date(2027, 1, 4)) == {"secondments_started": 0, "secondments_ended": 0, "leavers": 0,
                                                "impact_checks_asked": 0, "induction_items_due": 0}
    assert run_daily(uow, date(2027, 7, 23))["secondments_ended"] == 1
    assert types(uow) == ["cpd.secondment_started", "cpd.secondment_ended"]
    assert uow.published[0].academy_id == OAK
    assert uow.payloads("cpd.secondment_started")[0] == {
        "secondment_id": str(secondment.id), "staff_id": str(teacher), "home_academy_id": str(OAK),
        "host_academy_id": str(ELM), "post": "Acting Deputy Headteacher", "starts_on": "2027-01-04",
        "ends_on": "2027-07-23", "substantive_post_kept": True, "recharge_amount": "18500.00"}
    assert calls == [(leaver, date(2027, 1, 1))] and secondment.status == SecondmentStatus.ENDED


def test_every_domain_event_has_a_contract():
    from cpd.domain import events, npq
    from cpd.service.unit_of_work import CONTRACTS
    from staffroom_shared.domain import DomainEvent

    recorded = {c for module in (events, npq) for c in vars(module).values()  # npq's NpqCompleted beside its rules
                if isinstance(c, type) and issubclass(c, DomainEvent)
                and c.__name__ not in ("DomainEvent", "AboutAnEnrolment", "AboutASecondment")}
    assert recorded == set(CONTRACTS)



# -- what a list page shows (service.listings, and the plan and nomination lists) ---------------------------

def test_lists_show_the_caller_their_own_and_their_reports_and_hr_their_academies(uow, oak):
    head, teacher = oak
    e, _programme, _cohort = _requested(uow, teacher)
    page = {"page": 1, "page_size": 20}
    assert listings.enrolments(uow, staff(head), page) == ([e], 1)  # as line manager
    assert listings.enrolments(uow, staff(uuid.uuid4()), page) == ([], 0)
    assert listings.enrolments(uow, academy_hr(ELM), page) == ([], 0)
    with pytest.raises(Forbidden):
        listings.enrolments(uow, academy_hr(), {**page, "academy_id": ELM})
    with pytest.raises(Forbidden):
        listings.programmes(uow, staff(teacher), {**page, "include_inactive": True})
    plan = plans.start_plan(uow, staff(teacher), today=TODAY)
    assert plans.visible_plans(uow, staff(head)) == [plan] and plans.visible_plans(uow, academy_hr(ELM)) == []
    with pytest.raises(Forbidden):
        plans.visible_plans(uow, academy_hr(), academy_id=ELM)
    with pytest.raises(Forbidden):
        future_leaders.nominations(uow, academy_hr(), academy_id=ELM)
