"""HR's "send a reminder" about an overdue appraisal (issue 20): to whoever must act, audited, once a week at most."""
import uuid
from datetime import datetime, timedelta, timezone

from staffroom_shared.events import parse_event


def overdue_objectives(steps, key_dates):
    """Tom's appraisal, with objectives due five days ago and not agreed."""
    return steps.started(**key_dates(objectives_in=-5))


def test_hr_reminds_about_overdue_objectives_and_it_is_kept_and_audited(client, db, trust, steps, key_dates):
    a = overdue_objectives(steps, key_dates)
    sent = steps.ok(client.post(f"/appraisals/{a['id']}/reminders", json={"note": "Before half term, please"},
                                headers=trust.oak_hr.headers), 201)
    assert (sent["milestone"], sent["days_overdue"]) == ("objectives", 5)
    assert datetime.fromisoformat(sent["next_allowed_at"]) - datetime.fromisoformat(sent["sent_at"]) == timedelta(days=7)
    [event] = [parse_event(e) for e in db.events("appraisal.reminder_sent")]
    assert event.payload["milestone"] == "objectives" and event.payload["note"] == "Before half term, please"
    assert event.payload["sent_by_id"] == uuid.UUID(trust.oak_hr.id) and event.academy_id == uuid.UUID(trust.oak)
    [row] = db.rows("reminders")
    assert (row["appraisal_id"], row["sent_by"]) == (uuid.UUID(a["id"]), uuid.UUID(trust.oak_hr.id))
    audit = db.audit(a["id"])[-1]
    assert (audit["actor"], audit["action"], audit["changes"]["milestone"]) == (
        trust.oak_hr.id, "send_a_reminder", "objectives")


def test_a_second_reminder_within_a_week_is_refused_with_when_it_can_be_sent(client, db, trust, steps, key_dates,
                                                                             problem):
    a = overdue_objectives(steps, key_dates)
    steps.ok(client.post(f"/appraisals/{a['id']}/reminders", json={}, headers=trust.oak_hr.headers), 201)
    before = db.snapshot()
    response = client.post(f"/appraisals/{a['id']}/reminders", json={}, headers=trust.trust_hr.headers)
    body = problem(response, 429)
    assert 6 * 86400 < int(response.headers["Retry-After"]) <= 7 * 86400 + 1
    assert "another can be sent from" in body["detail"] and body["next_allowed_at"]
    assert db.snapshot() == before


def test_a_reminder_more_than_a_week_old_does_not_hold_up_the_next(client, db, trust, steps, key_dates):
    a = overdue_objectives(steps, key_dates)
    db.insert("reminders", {"id": uuid.uuid4(), "appraisal_id": uuid.UUID(a["id"]), "milestone": "objectives",
                            "sent_at": datetime.now(timezone.utc) - timedelta(days=7, minutes=1),
                            "sent_by": uuid.UUID(trust.oak_hr.id)})
    steps.ok(client.post(f"/appraisals/{a['id']}/reminders", json={}, headers=trust.oak_hr.headers), 201)
    [last] = steps.ok(client.get(f"/cycles/{a['cycle_id']}/reminders", headers=trust.oak_hr.headers))
    assert (last["count"], last["sent_by_name"], last["milestone"]) == (2, "Olga Owen", "objectives")


def test_nothing_overdue_means_nothing_to_remind_about(client, db, trust, steps, key_dates, problem):
    a = steps.started()  # objectives due in ten days
    before = db.snapshot()
    body = problem(client.post(f"/appraisals/{a['id']}/reminders", json={}, headers=trust.oak_hr.headers), 409)
    assert "nothing in this appraisal is overdue" in body["detail"]
    assert db.snapshot() == before


def test_an_overdue_review_is_the_appraisers_to_hear_of(client, db, trust, steps, key_dates):
    a = steps.objectives_agreed(**key_dates(objectives_in=-30, mid_year_in=-2))
    sent = steps.ok(client.post(f"/appraisals/{a['id']}/reminders", json={}, headers=trust.oak_hr.headers), 201)
    assert (sent["milestone"], sent["days_overdue"]) == ("mid_year_review", 2)


def test_only_hr_for_the_academy_can_send_or_see_reminders(client, db, trust, steps, key_dates, problem):
    a = overdue_objectives(steps, key_dates)
    before = db.snapshot()
    for who, status in ((trust.hod, 403), (trust.teacher, 403), (trust.elm_hr, 404)):
        problem(client.post(f"/appraisals/{a['id']}/reminders", json={}, headers=who.headers), status)
    problem(client.get(f"/cycles/{a['cycle_id']}/reminders", headers=trust.teacher.headers), 403)
    assert db.snapshot() == before
    steps.ok(client.post(f"/appraisals/{a['id']}/reminders", json={}, headers=trust.oak_hr.headers), 201)
    problem(client.get(f"/cycles/{a['cycle_id']}/reminders", headers=trust.elm_hr.headers), 404)  # Oak's cycle


def test_a_bad_note_is_refused_and_changes_nothing(client, db, trust, steps, key_dates, problem):
    a = overdue_objectives(steps, key_dates)
    before = db.snapshot()
    for body in ({"note": "x" * 501}, {"note": 7}, {"nonsense": True}, {"note": "Tom\x00"}, {"note": "\ud800"}):
        problem(client.post(f"/appraisals/{a['id']}/reminders", json=body, headers=trust.oak_hr.headers), 422)
    assert db.snapshot() == before



def test_a_sign_off_late_after_the_cycle_ends_is_the_reviewees_to_hear_of(client, db, trust, steps, key_dates):
    from sqlalchemy import update

    a = steps.end_of_year_reviewed(**key_dates(objectives_in=-40, mid_year_in=-20, end_of_year_in=0))
    cycles = db.tables["cycles"]
    with db.context.engine.begin() as conn:  # the cycle ended yesterday (it could not be opened so late)
        conn.execute(update(cycles).where(cycles.c.id == uuid.UUID(a["cycle_id"]))
                     .values(ends_on=datetime.now(timezone.utc).date() - timedelta(days=1)))
    sent = steps.ok(client.post(f"/appraisals/{a['id']}/reminders", json={}, headers=trust.oak_hr.headers), 201)
    assert (sent["milestone"], sent["days_overdue"]) == ("sign_off", 1)
