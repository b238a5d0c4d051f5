"""CPD journeys over HTTP, with the events each step writes to the outbox and the audit rows it leaves."""
import uuid
from datetime import date, timedelta
from decimal import Decimal

from cpd.service.agreements import clawback_on_leaving
from staffroom_shared.events import parse_event

TODAY = date.today()


def payloads(db, event_type=None):
    """Outbox events of a type, each parsed against its versioned contract (raises if one breaks it)."""
    return [parse_event(envelope) for envelope in db.events(event_type)]


def test_a_request_under_the_threshold_is_approved_by_the_line_manager_and_gets_a_place(client, db, trust, steps):
    cohort = steps.offered("300.00", capacity=5)
    e = steps.request(cohort, trust.teacher)
    assert e["status"] == "requested"
    [requested] = payloads(db, "cpd.enrolment_requested")
    assert str(requested.payload["line_manager_id"]) == trust.hod.id
    assert requested.payload["needs_hr_approval"] is False and requested.academy_id == uuid.UUID(trust.oak)

    e = steps.approve(e, trust.hod)
    assert e["status"] == "confirmed" and e["manager_approved_by"] == trust.hod.id
    [approved] = payloads(db, "cpd.enrolment_approved")
    assert (approved.payload["stage"], str(approved.payload["approved_by"])) == ("line_manager", trust.hod.id)
    [enrolled] = payloads(db, "cpd.enrolled")
    assert enrolled.payload["from_waiting_list"] is False and enrolled.payload["programme_kind"] == "external_course"
    audit = db.audit(e["id"])
    assert [a["action"] for a in audit] == ["enrolment.requested", "enrolment.approve"]
    assert audit[-1]["actor"] == trust.hod.id and audit[-1]["changes"]["status"] == ["requested", "confirmed"]
    assert client.get(f"/cohorts/{cohort['id']}", headers=trust.teacher.headers).json["places_left"] == 4


def test_over_the_approval_threshold_hr_approves_after_the_line_manager(client, db, trust, steps, problem):
    e = steps.request(steps.offered("500.01"), trust.teacher)
    assert payloads(db, "cpd.enrolment_requested")[0].payload["needs_hr_approval"] is True
    assert steps.approve(e, trust.hod)["status"] == "awaiting_hr"
    # the line manager approving again (a page open from before) is told it is done, in money as the portal writes
    # it: not a 403 "You cannot see this page" with "£500.01" (outsider 5, issue 20)
    again = problem(client.post(f"/enrolments/{e['id']}/approve", json={}, headers=trust.hod.headers), 409)
    assert again["detail"] == ("you have approved this request already; HR for the academy approves it next, as the "
                               "cost (£500.01) is over £500")
    problem(client.post(f"/enrolments/{e['id']}/approve", json={}, headers=trust.teacher.headers), 403)
    e = steps.approve(e, trust.oak_hr)
    assert e["status"] == "confirmed" and e["hr_approved_by"] == trust.oak_hr.id
    assert [p.payload["stage"] for p in payloads(db, "cpd.enrolment_approved")] == ["line_manager", "hr"]


def test_exactly_at_the_approval_threshold_the_line_manager_is_enough(db, trust, steps):
    e = steps.request(steps.offered("500.00"), trust.teacher)
    assert steps.approve(e, trust.hod)["status"] == "confirmed"


def test_at_the_agreement_threshold_the_place_waits_for_the_signed_agreement(client, db, trust, steps, problem):
    cohort = steps.offered("1000.00", capacity=1)
    e = steps.request(cohort, trust.teacher)
    steps.approve(e, trust.hod)
    e = steps.approve(e, trust.oak_hr)
    assert e["status"] == "awaiting_agreement" and e["agreement_id"]
    assert payloads(db, "cpd.enrolled") == []
    [required] = payloads(db, "cpd.agreement_required")
    assert str(required.payload["agreement_id"]) == e["agreement_id"]
    agreement = client.get(f"/agreements/{e['agreement_id']}", headers=trust.teacher.headers).json
    assert agreement["schedule"] == [[12, 100], [24, 50]] and agreement["cost"] == "1000.00"

    problem(client.post(f"/agreements/{e['agreement_id']}/sign", headers=trust.hod.headers), 404)
    problem(client.post(f"/agreements/{e['agreement_id']}/sign", headers=trust.oak_hr.headers), 403)
    signed = client.post(f"/agreements/{e['agreement_id']}/sign", headers=trust.teacher.headers)
    assert signed.status_code == 200 and signed.json["signed_on"] == TODAY.isoformat()
    assert steps.get(e, trust.teacher)["status"] == "confirmed"
    [event] = payloads(db, "cpd.agreement_signed")
    assert event.payload["schedule"] == [[12, 100], [24, 50]]
    problem(client.post(f"/agreements/{e['agreement_id']}/sign", headers=trust.teacher.headers), 409)

    # The next person signs too, but the only place is taken: they wait, first in line.
    other = steps.request(cohort, trust.ta)
    steps.approve(other, trust.hod)
    other = steps.approve(other, trust.oak_hr)
    client.post(f"/agreements/{other['agreement_id']}/sign", headers=trust.ta.headers)
    other = steps.get(other, trust.ta)
    assert (other["status"], other["waiting_position"]) == ("waiting", 1)


def test_the_waiting_list_is_promoted_in_order_when_a_place_is_given_up(client, db, trust, steps):
    cohort = steps.offered("0.00", capacity=1, requires_approval=False, kind="internal_course")
    first = steps.request(cohort, trust.teacher)
    second = steps.request(cohort, trust.ta)
    third = steps.request(cohort, trust.other_teacher)
    assert [first["status"], second["waiting_position"], third["waiting_position"]] == ["confirmed", 1, 2]
    assert [p.payload["stage"] for p in payloads(db, "cpd.enrolment_approved")] == ["automatic"] * 3
    assert [p.payload["position"] for p in payloads(db, "cpd.waitlisted")] == [1, 2]

    steps.step(first, "withdraw", trust.teacher, {"note": "clash with parents' evening"})
    assert steps.get(second, trust.ta)["status"] == "confirmed"
    assert steps.get(third, trust.other_teacher)["waiting_position"] == 1
    promoted = payloads(db, "cpd.enrolled")[-1]
    assert str(promoted.payload["enrolment_id"]) == second["id"] and promoted.payload["from_waiting_list"] is True
    assert db.audit(first["id"])[-1]["changes"]["promoted"] == [second["id"]]


def test_more_places_go_to_those_waiting(client, db, trust, steps):
    cohort = steps.offered("0.00", capacity=1, requires_approval=False)
    steps.request(cohort, trust.teacher)
    waiting = steps.request(cohort, trust.ta)
    grown = client.patch(f"/cohorts/{cohort['id']}", json={"capacity": 2}, headers=trust.trust_hr.headers)
    assert grown.status_code == 200 and (grown.json["confirmed"], grown.json["waiting"]) == (2, 0)
    assert steps.get(waiting, trust.ta)["status"] == "confirmed"


def test_attendance_completion_and_evaluation(client, db, trust, steps):
    e = steps.placed()
    steps.step(e, "attendance", trust.hod, {"percent": 90})
    done = steps.step(e, "completion", trust.oak_hr, {"completed": True})
    assert done["status"] == "completed" and done["completed_on"] == TODAY.isoformat()
    [completed] = payloads(db, "cpd.completed")
    assert completed.payload["category"] == "external_course" and completed.payload["appraisal_training"] is False
    rated = steps.step(e, "evaluation", trust.teacher, {"rating": 4, "notes": "Changed how I plan lessons"})
    assert rated["impact_rating"] == 4


def test_completing_appraisal_training_says_so(db, trust, steps):
    e = steps.request(steps.offered("0.00", kind="appraisal_training", title="Running appraisals well"), trust.hod)
    steps.approve(e, trust.head)
    steps.step(e, "completion", trust.head, {})
    [completed] = payloads(db, "cpd.completed")
    assert completed.payload["category"] == "appraisal_training" and completed.payload["appraisal_training"] is True


def test_declined_with_a_reason(db, trust, steps):
    e = steps.request(steps.offered(), trust.teacher)
    e = steps.step(e, "decline", trust.hod, {"note": "Budget is spent this term; ask again in April"})
    assert e["status"] == "declined"
    [declined] = payloads(db, "cpd.enrolment_declined")
    assert declined.payload["note"].startswith("Budget")


def test_spend_per_academy_and_programme_against_budget(client, db, trust, steps):
    starts_on = TODAY + timedelta(days=30)
    year = starts_on.year if starts_on.month >= 9 else starts_on.year - 1
    assert client.put(f"/budgets/{trust.oak}/{year}", json={"amount": "1000.00"},
                      headers=trust.oak_hr.headers).status_code == 200
    cohort = steps.offered("300.00")
    for who in (trust.teacher, trust.ta):
        steps.approve(steps.request(cohort, who), trust.hod)
    steps.request(cohort, trust.other_teacher)  # requested only: not spent
    steps.approve(steps.request(steps.offered("50.00", academy="elm"), trust.elm_teacher), trust.elm_head)
    report = client.get(f"/reports/spend?year_starting={year}", headers=trust.oak_hr.headers)
    assert report.status_code == 200, report.json
    [oak] = report.json["academies"]
    assert (oak["spent"], oak["budget"], oak["remaining"], oak["places"]) == ("600.00", "1000.00", "400.00", 2)
    assert oak["percent_used"] == 60.0 and oak["programmes"][0]["spent"] == "600.00"
    whole = client.get(f"/reports/spend?year_starting={year}", headers=trust.trust_hr.headers).json
    assert (whole["total_spent"], len(whole["academies"]), len(whole["programmes"])) == ("650.00", 2, 2)
    assert client.get(f"/reports/spend?year_starting={year - 1}", headers=trust.oak_hr.headers).json["total_spent"] == "0.00"


def test_clawback_on_leaving_records_and_announces_each_agreement(app, client, db, trust, steps):
    e = steps.request(steps.offered("2400.00"), trust.teacher)
    steps.approve(e, trust.hod)
    e = steps.approve(e, trust.oak_hr)
    client.post(f"/agreements/{e['agreement_id']}/sign", headers=trust.teacher.headers)
    steps.step(e, "completion", trust.hod, {"completed_on": TODAY.isoformat()})
    context = app.extensions["staffroom"]
    left_on = TODAY.replace(year=TODAY.year + 1, day=min(TODAY.day, 28))
    with context.uow() as uow:
        computed = clawback_on_leaving(uow, uuid.UUID(trust.teacher.id), left_on)
        uow.commit()
    assert len(computed) == 1
    [due] = payloads(db, "cpd.clawback_due")
    assert (due.payload["amount"], due.payload["percent"]) == (Decimal("2400.00"), 100)
    assert db.rows("training_agreements")[0]["clawback_amount"] == Decimal("2400.00")
    with context.uow() as uow:  # the same staff.left again: nothing new
        assert clawback_on_leaving(uow, uuid.UUID(trust.teacher.id), left_on) == []
        uow.commit()
    assert len(payloads(db, "cpd.clawback_due")) == 1


def test_clawback_past_the_last_band_is_recorded_as_nothing_owed(app, db, trust, steps, client):
    e = steps.request(steps.offered("1500.00"), trust.teacher)
    steps.approve(e, trust.hod)
    e = steps.approve(e, trust.oak_hr)
    client.post(f"/agreements/{e['agreement_id']}/sign", headers=trust.teacher.headers)
    steps.step(e, "completion", trust.hod, {"completed_on": TODAY.isoformat()})
    with app.extensions["staffroom"].uow() as uow:
        clawback_on_leaving(uow, uuid.UUID(trust.teacher.id), TODAY.replace(year=TODAY.year + 3, day=1))
        uow.commit()
    assert payloads(db, "cpd.clawback_due") == []
    assert db.rows("training_agreements")[0]["clawback_amount"] == Decimal("0.00")


def test_every_event_is_a_valid_contract_with_the_academy(db, trust, steps):
    steps.placed()
    for event in payloads(db):
        assert event.academy_id == uuid.UUID(trust.oak) and event.producer == "cpd"


def test_browse_with_search_and_filters(client, trust, steps):
    steps.programme(title="NPQ in Senior Leadership", academy=None, kind="npq", npq="NPQSL", cost="0.00",
                    delivery_mode="online", tags=["leadership"])
    steps.programme(title="Early career framework", academy=None, kind="ect_induction", cost="0.00",
                    delivery_mode="blended", tags=["ECT"])
    steps.programme(title="Phonics refresh", academy="oak", kind="internal_course", cost="0.00",
                    delivery_mode="in_person", tags=["Early reading"])
    steps.programme(title="Level 3 TA apprenticeship", academy="oak", kind="apprenticeship", cost="2500.00",
                    levy_funded=True, off_the_job_percent=20, tags=["support staff"])

    def titles(query):
        response = client.get(f"/programmes?{query}", headers=trust.teacher.headers)
        assert response.status_code == 200, response.json
        return sorted(p["title"] for p in response.json["items"])

    assert titles("q=phonics") == ["Phonics refresh"]
    assert titles("kind=npq") == titles("npq=NPQSL") == ["NPQ in Senior Leadership"]
    assert titles("tag=ect") == ["Early career framework"]
    assert titles("delivery_mode=in_person") == ["Phonics refresh"]
    assert titles("min_cost=1") == ["Level 3 TA apprenticeship"]
    assert titles("max_cost=100&trust_wide=true") == ["Early career framework", "NPQ in Senior Leadership"]
    assert titles(f"academy_id={trust.oak}") == ["Level 3 TA apprenticeship", "Phonics refresh"]
    assert titles("page_size=1&page=2") == ["Level 3 TA apprenticeship"]  # by title: Early, Level 3, NPQ, Phonics
    assert client.get("/programmes", headers=trust.elm_teacher.headers).json["total"] == 2


def test_a_leavers_places_go_to_the_next_in_line_after_clawback_is_computed(app, client, db, trust, steps):
    from cpd.service.enrolments import release_places_on_leaving

    cohort = steps.offered("0.00", capacity=1, requires_approval=False)
    leaver = steps.request(cohort, trust.teacher)
    next_in_line = steps.request(cohort, trust.ta)
    with app.extensions["staffroom"].uow() as uow:
        clawback_on_leaving(uow, uuid.UUID(trust.teacher.id), TODAY)
        assert [e.id for e in release_places_on_leaving(uow, uuid.UUID(trust.teacher.id), TODAY)] == [
            uuid.UUID(leaver["id"])]
        uow.commit()
    assert steps.get(leaver, trust.oak_hr)["status"] == "withdrawn"
    assert steps.get(next_in_line, trust.ta)["status"] == "confirmed"
    assert payloads(db, "cpd.enrolled")[-1].payload["from_waiting_list"] is True
