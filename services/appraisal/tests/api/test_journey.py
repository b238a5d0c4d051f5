"""A whole appraisal over HTTP, with the events each step writes to the outbox and the audit row each write leaves."""
import uuid
from datetime import date, timedelta

from staffroom_shared.events import parse_event

TODAY = date.today()


def payloads(db, event_type):
    """Outbox events of a type, each parsed against its versioned contract (raises if one breaks it)."""
    return [parse_event(envelope) for envelope in db.events(event_type)]


def last_audit(db, entity_id) -> dict:
    return db.audit(entity_id)[-1]


def test_a_teachers_appraisal_from_cycle_to_sign_off(client, db, trust, steps):
    hr, hod, tom = trust.trust_hr, trust.hod, trust.teacher

    # HR sets up a cycle and opens it: every Oak teacher gets an appraisal, appraised by their line manager.
    cycle = steps.cycle("teachers", pay_recommendations=True, observation_cap=3)
    assert cycle["status"] == "draft"
    [audit] = db.audit(cycle["id"])
    assert (audit["actor"], audit["action"], audit["changes"]["template"]) == (hr.id, "cycle.created", "teachers")
    opened = steps.open(cycle)
    assert (opened["status"], opened["appraisal_count"]) == ("open", 3)  # hod, teacher, other teacher
    [event] = payloads(db, "appraisal.cycle_opened")
    assert event.academy_id is not None and str(event.payload["cycle_id"]) == cycle["id"]
    assert event.payload["appraisal_count"] == 3 and event.producer == "appraisal"
    assert len(payloads(db, "appraisal.appraisal_opened")) == 3
    assert last_audit(db, cycle["id"])["changes"] == {"appraisals": 3, "left_out_for_induction": 0}

    a = steps.appraisal_of(cycle, tom)
    assert (a["status"], a["appraiser_id"], a["reviewee_name"], a["appraiser_name"]) == (
        "not_started", hod.id, "Tom Taylor", "Dev Davies")
    url = f"/appraisals/{a['id']}"

    # The appraiser and the reviewee each add an objective; both agree; the change is audited.
    first = steps.add_objective(a, hod, weighting=60, standards=["TS2", "TS5"], priorities=["Reading"])
    audit = last_audit(db, a["id"])
    assert (audit["actor"], audit["action"]) == (hod.id, "add_an_objective")
    assert audit["changes"]["objective"]["title"] == "Raise Year 6 reading"
    second = steps.add_objective(a, tom, weighting=40, title="Adaptive teaching", type="professional_practice")
    steps.agree(a, tom)
    assert payloads(db, "appraisal.objectives_agreed") == []  # one party is not agreement
    view = steps.agree(a, hod)
    assert view["status"] == "objectives_agreed"
    assert view["objectives_agreed_by_appraiser_on"] == view["objectives_agreed_by_reviewee_on"] == TODAY.isoformat()
    [agreed] = payloads(db, "appraisal.objectives_agreed")
    assert agreed.payload["on_time"] is True and agreed.payload["objective_count"] == 2
    assert str(agreed.payload["appraiser_id"]) == hod.id and str(agreed.payload["reviewee_id"]) == tom.id
    audit = last_audit(db, a["id"])
    assert (audit["actor"], audit["changes"]["status"]) == (hod.id, ["not_started", "objectives_agreed"])

    # Progress towards an objective, with evidence; an observation and a meeting.
    view = steps.ok(client.post(f"{url}/objectives/{first['id']}/progress",
                                json={"note": "Reading groups started", "evidence": "Book scrutiny, Nov"},
                                headers=tom.headers), 201)
    [progress] = view["objectives"][0]["progress"]
    assert (progress["note"], progress["recorded_by"]) == ("Reading groups started", tom.id)
    assert last_audit(db, a["id"])["action"] == "record_progress"
    observation = steps.ok(client.post(f"{url}/observations", json={
        "kind": "lesson_observation", "observed_on": TODAY.isoformat(), "focus": "Questioning",
        "strengths": "Wait time", "areas_to_develop": "Challenge for the most able"}, headers=hod.headers), 201)
    assert observation["observer_id"] == hod.id
    steps.ok(client.post(f"{url}/meetings", json={"kind": "mid_year_review", "starts_at": "2027-02-10T15:30:00+00:00",
                                                  "location": "Maths office"}, headers=hod.headers), 201)

    # Mid-year review by the appraiser: one event, a development need goes to CPD as its own event.
    view = steps.review(a, "mid-year", hod, development_needs=[
        {"area": "Adaptive teaching", "description": "Scaffolds for pupils with SEND", "suggested_support": "NPQ"}])
    assert view["status"] == "mid_year_reviewed"
    [review] = view["reviews"]
    assert review["stage"] == "mid_year" and review["appraiser_untrained"] is True
    assert review["assessments"][first["id"]] == {"rating": "met", "comment": "Good progress"}
    [completed] = payloads(db, "appraisal.review_completed")
    assert completed.payload["stage"] == "mid_year" and completed.payload["on_time"] is True
    assert completed.payload["appraiser_untrained"] is True and completed.payload["teaching_judgement"] is None
    assert completed.payload["overall_outcome"] == "meets_expectations"
    [need] = payloads(db, "appraisal.development_need_identified")
    assert need.payload["area"] == "Adaptive teaching" and need.payload["suggested_support"] == "NPQ"
    assert str(need.payload["need_id"]) == review["development_needs"][0]["id"]
    audit = last_audit(db, a["id"])
    assert (audit["actor"], audit["action"], audit["changes"]["status"]) == (
        hod.id, "complete_the_mid-year_review", ["objectives_agreed", "mid_year_reviewed"])

    # The reviewee comments on it.
    view = steps.ok(client.put(f"{url}/reviews/mid-year/comments", json={"comments": "Fair and helpful"},
                               headers=tom.headers))
    assert view["reviews"][0]["reviewee_comments"] == "Fair and helpful"
    assert last_audit(db, a["id"])["changes"] == {"stage": "mid_year", "reviewee_comments": [None, "Fair and helpful"]}
    steps.ok(client.put(f"{url}/reviews/mid-year/comments", json={"comments": "Fair, helpful and clear"},
                        headers=tom.headers))
    assert last_audit(db, a["id"])["changes"]["reviewee_comments"] == ["Fair and helpful", "Fair, helpful and clear"]

    # End-of-year review with a teaching judgement and a pay recommendation (this cycle takes them).
    view = steps.review(a, "end-of-year", hod, teaching_judgement="good_or_better", pay_recommendation="progress",
                        overall_outcome="exceeds_expectations",
                        assessments={first["id"]: {"rating": "exceeded"}, second["id"]: {"rating": "met"}})
    assert view["status"] == "end_of_year_reviewed"
    assert [r["stage"] for r in view["reviews"]] == ["mid_year", "end_of_year"]
    completed = payloads(db, "appraisal.review_completed")[-1].payload
    assert (completed["stage"], completed["teaching_judgement"], completed["pay_recommendation"],
            completed["overall_outcome"], completed["on_time"]) == (
        "end_of_year", "good_or_better", "progress", "exceeds_expectations", True)
    assert completed["due_on"].isoformat() == cycle["end_of_year_due"]

    # The reviewee signs off.
    view = steps.ok(client.post(f"{url}/sign-off", json={"comment": "Thank you"}, headers=tom.headers))
    assert (view["status"], view["signed_off_on"], view["sign_off_comment"]) == (
        "signed_off", TODAY.isoformat(), "Thank you")
    [signed] = payloads(db, "appraisal.signed_off")
    assert str(signed.payload["appraisal_id"]) == a["id"] and signed.payload["signed_off_on"] == TODAY
    audit = last_audit(db, a["id"])
    assert (audit["actor"], audit["action"], audit["changes"]) == (
        tom.id, "sign_off", {"comment": "Thank you", "status": ["end_of_year_reviewed", "signed_off"]})

    # Every event in the outbox is a valid contract carrying the academy and this request's correlation id.
    for envelope in db.events():
        event = parse_event(envelope)
        assert event.correlation_id
    # Every write left an audit row, each naming who made it.
    assert all(row["actor"] for row in db.audit())


def test_late_agreement_and_late_review_are_reported_as_not_on_time(db, trust, steps, key_dates):
    a = steps.objectives_agreed(**key_dates(objectives_in=-1, mid_year_in=-1, end_of_year_in=5))
    [agreed] = parse_event_all(db, "appraisal.objectives_agreed")
    assert agreed["on_time"] is False and agreed["due_on"] == TODAY - timedelta(days=1)
    steps.review(a, "mid-year", trust.hod)
    [completed] = parse_event_all(db, "appraisal.review_completed")
    assert completed["on_time"] is False


def parse_event_all(db, event_type):
    return [parse_event(e).payload for e in db.events(event_type)]


def test_a_review_by_a_trained_appraiser_is_not_flagged(db, trust, steps):
    db.insert("trained_appraisers", {"staff_id": uuid.UUID(trust.hod.id), "programme_id": uuid.uuid4(),
                                     "completed_on": TODAY})
    a = steps.mid_year_reviewed()
    assert steps.get(a["id"], trust.hod)["reviews"][0]["appraiser_untrained"] is False
    [completed] = parse_event_all(db, "appraisal.review_completed")
    assert completed["appraiser_untrained"] is False


def test_changing_an_objective_asks_both_parties_to_agree_again(client, db, trust, steps):
    a = steps.started()
    objective = steps.add_objective(a, trust.hod)
    steps.agree(a, trust.hod)
    view = steps.ok(client.patch(f"/appraisals/{a['id']}/objectives/{objective['id']}",
                                 json={"title": "Raise Year 6 reading and writing"}, headers=trust.teacher.headers))
    assert view["objectives_agreed_by_appraiser_on"] is None and view["objectives"][0]["title"].endswith("writing")
    audit = db.audit(a["id"])[-1]
    assert audit["changes"]["title"] == ["Raise Year 6 reading", "Raise Year 6 reading and writing"]
    steps.agree(a, trust.teacher)
    assert steps.get(a["id"], trust.hod)["status"] == "not_started"


def test_removing_an_objective(client, db, trust, steps):
    a = steps.started()
    objective = steps.add_objective(a, trust.hod)
    response = client.delete(f"/appraisals/{a['id']}/objectives/{objective['id']}", headers=trust.teacher.headers)
    assert response.status_code == 204
    assert steps.get(a["id"], trust.hod)["objectives"] == [] and db.count("objectives") == 0
    assert db.audit(a["id"])[-1]["changes"]["title"] == "Raise Year 6 reading"


def test_hr_reassigns_the_appraiser_and_an_event_says_so(client, db, trust, steps):
    a = steps.started()
    view = steps.ok(client.put(f"/appraisals/{a['id']}/appraiser", json={"appraiser_id": trust.head.id},
                               headers=trust.oak_hr.headers))
    assert (view["appraiser_id"], view["appraiser_set_by_hr"]) == (trust.head.id, True)
    [assigned] = parse_event_all(db, "appraisal.appraiser_assigned")
    assert (str(assigned["previous_appraiser_id"]), str(assigned["appraiser_id"]), assigned["by_hr"]) == (
        trust.hod.id, trust.head.id, True)
    audit = db.audit(a["id"])[-1]
    assert (audit["actor"], audit["changes"]["appraiser_id"]) == (trust.oak_hr.id, [trust.hod.id, trust.head.id])


def test_hr_withdraws_an_appraisal_and_it_is_kept(client, db, trust, steps):
    a = steps.started()
    view = steps.ok(client.post(f"/appraisals/{a['id']}/withdrawal", json={"reason": "Long-term absence"},
                                headers=trust.oak_hr.headers))
    assert (view["status"], view["finished_reason"]) == ("withdrawn", "Long-term absence")
    [closed] = parse_event_all(db, "appraisal.closed")
    assert (closed["status"], closed["reason"]) == ("withdrawn", "Long-term absence")
    assert db.audit(a["id"])[-1]["changes"]["status"] == ["not_started", "withdrawn"]


def test_closing_a_cycle_closes_appraisals_not_signed_off(client, db, trust, steps):
    a = steps.end_of_year_reviewed()
    client.post(f"/appraisals/{a['id']}/sign-off", json={}, headers=trust.teacher.headers)
    cycle_id = a["cycle_id"]
    view = steps.ok(client.post(f"/cycles/{cycle_id}/close", headers=trust.trust_hr.headers))
    assert view["status"] == "closed"
    statuses = {r["reviewee_id"]: r["status"].value for r in db.rows("appraisals")}
    assert statuses.pop(uuid.UUID(trust.teacher.id)) == "signed_off"
    assert set(statuses.values()) == {"closed"}
    assert len(parse_event_all(db, "appraisal.closed")) == 2
    assert db.audit(cycle_id)[-1]["changes"] == {"status": ["open", "closed"], "appraisals_closed": 2}


def test_a_support_plan_is_set_by_the_appraiser_and_its_notes_are_not_audited(client, db, trust, steps):
    a = steps.started()
    view = steps.ok(client.put(f"/appraisals/{a['id']}/support-plan",
                               json={"support_plan": True, "notes": "Weekly coaching"}, headers=trust.hod.headers))
    assert (view["support_plan"], view["support_plan_notes"]) == (True, "Weekly coaching")
    [audit] = [r for r in db.audit(a["id"]) if r["action"] != "support_plan.read"][-1:]
    assert audit["changes"] == {"support_plan": [False, True], "support_plan_notes_changed": True}
    assert "Weekly coaching" not in str(db.audit())


def test_a_support_staff_appraisal_ends_without_a_teaching_judgement(client, db, trust, steps):
    a = steps.mid_year_reviewed(person_key="ta", template="support")
    view = steps.review(a, "end-of-year", trust.hod)
    assert view["status"] == "end_of_year_reviewed"
    assert parse_event_all(db, "appraisal.review_completed")[-1]["teaching_judgement"] is None


def test_cycle_key_dates_default_from_the_school_year(client, trust, steps):
    cycle = steps.ok(client.post("/cycles", json={"name": "Leaders 2026/27", "template": "leaders",
                                                  "academy_id": trust.oak, "school_year": 2026},
                                 headers=trust.oak_hr.headers), 201)
    assert (cycle["objectives_due"], cycle["mid_year_due"]) == ("2026-12-31", "2027-03-31")


def test_hr_moves_a_key_date(client, db, trust, steps):
    cycle = steps.cycle()
    new_date = (TODAY + timedelta(days=12)).isoformat()
    view = steps.ok(client.patch(f"/cycles/{cycle['id']}", json={"objectives_due": new_date},
                                 headers=trust.oak_hr.headers))
    assert view["objectives_due"] == new_date
    assert db.audit(cycle["id"])[-1]["changes"] == {"objectives_due": [cycle["objectives_due"], new_date]}
    # a change that changes nothing (an empty body, the same date again) leaves no audit row (outsider, issue 20)
    before = db.audit(cycle["id"])
    for body in ({}, {"objectives_due": new_date}):
        steps.ok(client.patch(f"/cycles/{cycle['id']}", json=body, headers=trust.oak_hr.headers))
    assert db.audit(cycle["id"]) == before


def test_the_appraiser_names_a_colleague_as_the_observer_and_everyone_sees_who_it_was(client, trust, steps):
    """Outsider 4, issue 20: the form had no observer, so a head's observation could not be entered by the appraiser;
    and the reviewee saw "A colleague" for anyone but their appraiser."""
    a = steps.started()  # Tom, appraised by Dev (head of maths)
    observers = steps.ok(client.get(f"/appraisals/{a['id']}/observers", headers=trust.hod.headers))
    names = [o["name"] for o in observers]
    assert "Tom Taylor" not in names and {"Hannah Hughes", "Dev Davies"} <= set(names)
    assert "Ewan Evans" not in names  # another academy's head
    # teachers and leaders observe lessons, not a teaching assistant or the HR officer (outsider 7, issue 20)
    assert "Tara Thomas" not in names and "Olga Owen" not in names
    ta = str(trust.ta.id)
    refused = client.post(f"/appraisals/{a['id']}/observations", headers=trust.hod.headers, json={
        "kind": "lesson_observation", "observer_id": ta, "observed_on": date.today().isoformat(), "focus": "Q"})
    assert refused.status_code == 422 and refused.json["errors"][0]["pointer"] == "#/observer_id"
    assert "Tara Thomas cannot be named as the observer" in refused.json["detail"]
    assert steps.ok(client.get(f"/appraisals/{a['id']}", headers=trust.hod.headers))["observations"] == []
    assert names == sorted(names, key=lambda n: (n.split()[1], n.split()[0]))
    head = next(o for o in observers if o["name"] == "Hannah Hughes")
    assert head["post"] == "Headteacher"
    # the reviewee may not list them (it is the appraiser's or HR's to name an observer)
    assert client.get(f"/appraisals/{a['id']}/observers", headers=trust.teacher.headers).status_code == 403
    body = {"kind": "lesson_observation", "observer_id": head["id"], "observed_on": date.today().isoformat(),
            "focus": "Questioning"}
    steps.ok(client.post(f"/appraisals/{a['id']}/observations", json=body, headers=trust.hod.headers), 201)
    for who in (trust.teacher, trust.hod, trust.oak_hr):
        [seen] = steps.ok(client.get(f"/appraisals/{a['id']}", headers=who.headers))["observations"]
        assert (seen["observer_id"], seen["observer_name"]) == (head["id"], "Hannah Hughes")
    record = client.get(f"/appraisals/{a['id']}/record", headers=trust.teacher.headers).get_data(as_text=True)
    assert '<td data-label="Observer">Hannah Hughes</td>' in record
