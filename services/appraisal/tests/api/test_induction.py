"""Early career teachers serving statutory induction through the API (issue 25): the cycle's open leaves them out and
says how many, the daily job withdraws rather than reports one that raced the opening, and HR's reminder is refused
in plain words, changing nothing."""
import uuid
from datetime import date, timedelta

from appraisal.service.daily_job import run_daily

TODAY = date.today()


def serving(db, person, starts_on=TODAY - timedelta(days=90), ended_on=None):
    db.insert("induction_spells", {"induction_id": uuid.uuid4(), "staff_id": uuid.UUID(person.id),
                                   "academy_id": uuid.UUID(person.academy_id), "starts_on": starts_on,
                                   "expected_completion": starts_on + timedelta(days=700), "ended_on": ended_on,
                                   "outcome": None if ended_on is None else "passed"})


def test_opening_leaves_out_an_ect_serving_induction_and_says_how_many(client, db, trust, steps):
    serving(db, trust.teacher)
    serving(db, trust.elm_teacher, starts_on=TODAY - timedelta(days=800), ended_on=TODAY - timedelta(days=70))
    cycle = steps.cycle(academy=None)
    opened = steps.open(cycle)
    # the teachers: Oak's head of maths and Lily, and Elm's Rhys (whose induction ended before the cycle started)
    assert (opened["appraisal_count"], opened["left_out_for_induction"]) == (3, 1)
    shown = steps.ok(client.get(f"/cycles/{cycle['id']}", headers=trust.oak_hr.headers))
    assert shown["left_out_for_induction"] == 1
    listed = steps.ok(client.get(f"/appraisals?cycle_id={cycle['id']}&reviewee_id={trust.teacher.id}",
                                 headers=trust.trust_hr.headers))
    assert listed["items"] == []
    assert [e for e in db.events("appraisal.appraisal_opened")
            if e["payload"]["reviewee_id"] == trust.teacher.id] == []


def test_a_draft_cycle_has_left_nobody_out_yet(client, trust, steps):
    assert steps.cycle()["left_out_for_induction"] is None


def test_the_daily_job_withdraws_instead_of_reporting_an_ect_overdue(app, client, db, trust, steps, key_dates):
    a = steps.started(**key_dates(objectives_in=-5))  # Tom's objectives are late ...
    serving(db, trust.teacher)  # ... and his induction's start raced the opening
    run_daily(app.extensions["staffroom"].uow(actor="scheduler"))
    assert sorted(e["payload"]["reviewee_id"] for e in db.events("appraisal.overdue")) \
        == sorted([trust.hod.id, trust.other_teacher.id])
    his = steps.get(a["id"], trust.hod)
    assert his["status"] == "withdrawn" and his["finished_reason"].startswith("statutory induction from ")


def test_hr_cannot_remind_anyone_about_an_ect_s_appraisal(client, db, trust, steps, key_dates, problem):
    a = steps.started(**key_dates(objectives_in=-5))
    serving(db, trust.teacher)
    before = db.snapshot()
    body = problem(client.post(f"/appraisals/{a['id']}/reminders", json={}, headers=trust.oak_hr.headers), 409)
    assert "appraised through induction" in body["detail"] and "no reminder was sent" in body["detail"]
    assert trust.teacher.id not in body["detail"] and str(TODAY.year) not in body["detail"]
    assert db.snapshot() == before
