"""Recognition and continuous feedback over HTTP (issue 24): giving, who sees what, keeping as appraisal evidence
(the appraisal's evidence and its printable record), withdrawing, hiding, HR's removal, the daily limit, and bad
input that changes nothing."""
from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta, timezone

import pytest

from staffroom_shared.events import parse_event
from staffroom_shared.testing import ServiceDb

from .conftest import TABLES


@pytest.fixture
def db(app):
    return ServiceDb(app, (*TABLES, "recognitions"))


def give(client, giver, recipient, status=201, **more):
    body = {"recipient_id": recipient.id, "kind": "recognition", "words": "Thank you for running the Year 6 trip",
            "visibility": "private", **more}
    response = client.post("/recognition", json=body, headers=giver.headers)
    assert response.status_code == status, response.get_data(as_text=True)
    return response.json


def test_a_colleague_at_another_academy_is_thanked_by_name_and_told_without_the_words(client, db, trust):
    item = give(client, trust.teacher, trust.elm_teacher, value="Teamwork", standard="TS8")
    assert (item["giver_name"], item["recipient_name"], item["standard_title"]) == (
        "Tom Taylor", "Rhys Roberts", "Fulfil wider professional responsibilities")
    assert item["withdrawable_until"] is not None and not item["kept"]
    [event] = [parse_event(e) for e in db.events("appraisal.recognition_given")]
    assert event.payload["recipient_id"] == uuid.UUID(trust.elm_teacher.id) and event.academy_id == uuid.UUID(trust.elm)
    assert "Year 6 trip" not in repr(event.payload)
    [audit] = db.audit(item["id"])
    assert audit["action"] == "give_recognition" and "Year 6 trip" not in repr(audit)
    [received] = client.get("/recognition/received", headers=trust.elm_teacher.headers).json
    assert received["id"] == item["id"] and received["giver_name"] == "Tom Taylor"
    assert received["withdrawable_until"] is None  # only the giver is told how long they can take it back


def test_colleagues_are_found_by_name_across_the_trust_but_not_yourself(client, trust):
    found = client.get("/recognition/colleagues?q=rob", headers=trust.teacher.headers).json
    assert [(p["name"], p["academy_name"]) for p in found] == [("Rhys Roberts", "Elm Secondary Academy")]
    assert client.get("/recognition/colleagues?q=tay", headers=trust.teacher.headers).json == []


def test_a_private_item_is_for_the_recipient_and_a_shared_one_reaches_their_line_manager(client, trust):
    private = give(client, trust.ta, trust.teacher, visibility="private", words="Private thanks")
    shared = give(client, trust.ta, trust.teacher, visibility="line_manager", words="Shared thanks")
    team = client.get("/recognition/team", headers=trust.hod.headers).json
    assert [i["id"] for i in team] == [shared["id"]]
    assert client.get(f"/recognition/{private['id']}", headers=trust.hod.headers).status_code == 404
    assert client.get(f"/recognition/{shared['id']}", headers=trust.hod.headers).status_code == 200
    assert client.get(f"/recognition/{shared['id']}", headers=trust.elm_hr.headers).status_code == 404
    assert client.get("/recognition/team", headers=trust.head.headers).json == []


def test_kept_as_evidence_it_appears_in_the_appraisal_and_its_record_for_the_appraiser(client, db, trust, steps):
    appraisal = steps.started()  # Tom's, appraised by Dev (hod)
    item = give(client, trust.elm_teacher, trust.teacher, words="Your <b>moderation</b> notes helped us")
    path = f"/appraisals/{appraisal['id']}/recognition"
    assert client.get(path, headers=trust.hod.headers).json == []
    kept = client.put(f"/recognition/{item['id']}/evidence", json={"kept": True}, headers=trust.teacher.headers)
    assert kept.status_code == 200 and kept.json["evidence_for"] == appraisal["id"]
    [shown] = client.get(path, headers=trust.hod.headers).json
    assert shown["words"] == "Your <b>moderation</b> notes helped us" and shown["giver_name"] == "Rhys Roberts"
    assert client.get(f"/recognition/{item['id']}", headers=trust.hod.headers).status_code == 200
    record = client.get(f"/appraisals/{appraisal['id']}/record", headers=trust.hod.headers).get_data(as_text=True)
    assert "Recognition from Rhys Roberts" in record and "&lt;b&gt;moderation&lt;/b&gt;" in record
    assert client.get(path, headers=trust.ta.headers).status_code == 404
    assert db.audit(item["id"])[-1]["action"] == "keep_recognition"
    # while the appraisal is in progress it can be taken out again, and the appraiser no longer sees it
    client.put(f"/recognition/{item['id']}/evidence", json={"kept": False}, headers=trust.teacher.headers)
    assert client.get(path, headers=trust.hod.headers).json == []
    assert client.get(f"/recognition/{item['id']}", headers=trust.hod.headers).status_code == 404


def test_the_giver_can_withdraw_within_a_day_but_not_once_kept(client, db, trust, steps, problem):
    steps.started()
    gone = give(client, trust.ta, trust.teacher)
    assert client.post(f"/recognition/{gone['id']}/withdrawal", headers=trust.ta.headers).status_code == 204
    assert client.get("/recognition/received", headers=trust.teacher.headers).json == []
    kept = give(client, trust.ta, trust.teacher)
    client.put(f"/recognition/{kept['id']}/evidence", json={"kept": True}, headers=trust.teacher.headers)
    before = db.snapshot()
    body = problem(client.post(f"/recognition/{kept['id']}/withdrawal", headers=trust.ta.headers), 409)
    assert "kept it as evidence" in body["detail"] and db.snapshot() == before
    problem(client.post(f"/recognition/{kept['id']}/withdrawal", headers=trust.teacher.headers), 403)


def test_after_a_day_it_can_no_longer_be_withdrawn(client, db, trust, problem):
    item = give(client, trust.ta, trust.teacher)
    db.insert("recognitions", {**db.rows("recognitions")[0], "id": uuid.uuid4(),
                               "given_at": datetime.now(timezone.utc) - timedelta(hours=25)})
    old = next(r for r in db.rows("recognitions") if str(r["id"]) != item["id"])
    problem(client.post(f"/recognition/{old['id']}/withdrawal", headers=trust.ta.headers), 409)


def test_the_recipient_hides_one_and_finds_it_among_the_hidden(client, trust):
    item = give(client, trust.ta, trust.teacher)
    client.put(f"/recognition/{item['id']}/hidden", json={"hidden": True}, headers=trust.teacher.headers)
    assert client.get("/recognition/received", headers=trust.teacher.headers).json == []
    [hidden] = client.get("/recognition/received?hidden=true", headers=trust.teacher.headers).json
    assert hidden["id"] == item["id"]
    assert client.put(f"/recognition/{item['id']}/hidden", json={"hidden": False},
                      headers=trust.ta.headers).status_code == 403


def test_hr_remove_an_abusive_one_erasing_the_words_and_keeping_the_reason(client, db, trust, problem):
    item = give(client, trust.elm_teacher, trust.teacher, visibility="line_manager", words="Something abusive")
    problem(client.post(f"/recognition/{item['id']}/removal", json={"because": "Abusive"},
                        headers=trust.elm_hr.headers), 404)  # the giver's academy's HR: not theirs to judge
    removed = client.post(f"/recognition/{item['id']}/removal", json={"because": "Breaches the code of conduct"},
                          headers=trust.oak_hr.headers)
    assert removed.status_code == 200 and removed.json["removed"] and removed.json["words"] == ""
    assert removed.json["removed_because"] == "Breaches the code of conduct"
    [row] = db.rows("recognitions")
    assert row["words"] == "" and row["removed_because"] == "Breaches the code of conduct"
    [seen] = client.get("/recognition/received", headers=trust.teacher.headers).json
    assert seen["removed"] and seen["words"] == "" and seen["removed_because"] is None
    assert client.get("/recognition/team", headers=trust.hod.headers).json == []
    audit = db.audit(trust.teacher.id)[-1]  # against the recipient: the giver's copy lists the item's rows
    assert audit["action"] == "remove_recognition" and "abusive" not in repr(audit["changes"]).lower().replace(
        "code of conduct", "")
    problem(client.post(f"/recognition/{item['id']}/removal", json={"because": "Again"},
                        headers=trust.trust_hr.headers), 409)


def test_a_fourth_to_one_colleague_in_a_day_is_refused_with_when(client, db, trust, problem):
    for _ in range(3):
        give(client, trust.ta, trust.teacher)
    before = db.snapshot()
    response = client.post("/recognition", json={"recipient_id": trust.teacher.id, "kind": "feedback",
                                                  "words": "One more", "visibility": "private"},
                           headers=trust.ta.headers)
    body = problem(response, 429)
    assert int(response.headers["Retry-After"]) > 23 * 3600 and "you can give more from" in body["detail"]
    assert db.snapshot() == before


@pytest.mark.parametrize("body, field", [
    ({"words": "\u0000"}, None),
    ({"words": "x" * 2001}, "words"),
    ({"words": ""}, "words"),
    ({"visibility": "everyone"}, "visibility"),
    ({"kind": "praise"}, "kind"),
    ({"standard": "TS99"}, "standard"),
    ({"value": "Kind\nBcc: x@example.com"}, "value"),
    ({"extra": 1}, "extra"),
    ({"recipient_id": "not-an-id"}, "recipient_id"),
    ({"recipient_id": str(uuid.uuid4())}, "recipient_id"),
])
def test_bad_input_is_a_clear_4xx_and_gives_nothing(client, db, trust, problem, body, field):
    before = db.snapshot()
    sent = {"recipient_id": trust.teacher.id, "kind": "recognition", "words": "Thanks", "visibility": "private",
            **body}
    response = client.post("/recognition", json=sent, headers=trust.ta.headers)
    found = problem(response, response.status_code)
    assert response.status_code in (400, 422)
    if field:
        assert any(field in e.get("pointer", "") for e in found.get("errors", [])), found
    assert db.snapshot() == before


def test_giving_to_yourself_is_refused(client, db, trust, problem):
    body = problem(client.post("/recognition", json={"recipient_id": trust.ta.id, "kind": "recognition",
                                                     "words": "Me", "visibility": "private"},
                               headers=trust.ta.headers), 422)
    assert "yourself" in body["detail"] and db.rows("recognitions") == []


def test_a_huge_body_is_refused(client, trust):
    response = client.post("/recognition", json={"recipient_id": trust.teacher.id, "kind": "recognition",
                                                 "words": "x" * 70_000, "visibility": "private"},
                           headers=trust.ta.headers)
    assert response.status_code == 413


def test_hr_reading_one_neither_theirs_nor_shared_with_them_is_audited_against_the_recipient(client, db, trust):
    """Against the recipient, not the item (issue 24): the giver's subject access copy lists the item's rows, and the
    member of HR who reads one is most often the one who then removes it."""
    item = give(client, trust.ta, trust.teacher, visibility="private")
    assert client.get(f"/recognition/{item['id']}", headers=trust.oak_hr.headers).status_code == 200
    assert [a["action"] for a in db.audit(item["id"])] == ["give_recognition"]
    [read] = db.audit(trust.teacher.id)
    assert (read["action"], read["entity"], read["actor"]) == ("recognition.read", "recognition_hr_read",
                                                               trust.oak_hr.id)
    assert read["changes"] == {"recognition_id": item["id"]}
    assert client.get(f"/recognition/{item['id']}", headers=trust.teacher.headers).status_code == 200
    assert len(db.audit(item["id"])) + len(db.audit(trust.teacher.id)) == 2  # the recipient's own reading is not


def test_when_a_leavers_record_is_erased_what_was_given_to_them_goes_and_what_they_gave_stays(app, client, db, trust):
    from staffroom_shared.events import new_event, parse_event

    from appraisal.service.handlers import HANDLERS

    to_them = give(client, trust.ta, trust.teacher)
    by_them = give(client, trust.teacher, trust.ta)
    erased = new_event("staff.erased", {
        "staff_id": trust.teacher.id, "academy_id": trust.oak, "first_name": "Former member of staff",
        "last_name": "1", "email": "erased@invalid.example", "staff_type": "teaching", "post": "Teacher",
        "fte": "1.00", "start_date": date(2019, 9, 1), "leaving_date": date(2020, 8, 31), "line_manager_id": None,
        "erased_on": date(2026, 9, 1)}, producer="directory", correlation_id="test", academy_id=uuid.UUID(trust.oak))
    context = app.extensions["staffroom"]
    with context.uow(actor="test") as uow:
        HANDLERS["staff.erased"](uow, parse_event(erased.to_dict()))  # as the consumer hands it over
        uow.commit()
    assert [str(r["id"]) for r in db.rows("recognitions")] == [by_them["id"]] and to_them["id"] != by_them["id"]


# -- reporting to HR --------------------------------------------------------------------------------------------

def report(client, trust, item, because=None, status=200):
    body = {} if because is None else {"because": because}
    response = client.post(f"/recognition/{item['id']}/report", json=body, headers=trust.teacher.headers)
    assert response.status_code == status, response.get_data(as_text=True)
    return response.json


def test_the_recipient_reports_once_and_hr_of_their_academy_are_told_without_the_words(client, db, trust, problem):
    item = give(client, trust.elm_teacher, trust.teacher, visibility="line_manager", words="Something cruel")
    reported = report(client, trust, item, "It was sent after I raised a concern")
    assert reported["reported"] and reported["reported_because"] == "It was sent after I raised a concern"
    assert reported["reported_at"] is not None and not reported["report_dismissed"]
    [event] = [parse_event(e) for e in db.events("appraisal.recognition_reported")]
    assert event.payload["recognition_id"] == uuid.UUID(item["id"]) and event.academy_id == uuid.UUID(trust.oak)
    assert "cruel" not in repr(event.payload) and "concern" not in repr(event.payload)
    [audit] = [a for a in db.audit(trust.teacher.id) if a["action"] == "report_recognition"]
    assert audit["changes"]["recognition_id"] == item["id"] and "concern" not in repr(audit)
    assert "report_recognition" not in [a["action"] for a in db.audit(item["id"])]  # the giver's records: see below
    before = db.snapshot()
    body = problem(client.post(f"/recognition/{item['id']}/report", json={}, headers=trust.teacher.headers), 409)
    assert "already reported" in body["detail"] and db.snapshot() == before
    # they can still hide it, and it stays on HR's list
    client.put(f"/recognition/{item['id']}/hidden", json={"hidden": True}, headers=trust.teacher.headers)
    assert [r["id"] for r in client.get("/recognition/reported", headers=trust.oak_hr.headers).json] == [item["id"]]


def test_no_one_but_the_recipient_can_report_it(client, db, trust, problem):
    item = give(client, trust.elm_teacher, trust.teacher, visibility="line_manager")
    before = db.snapshot()
    for who, status in ((trust.elm_teacher, 403), (trust.hod, 403), (trust.oak_hr, 403), (trust.trust_hr, 403),
                        (trust.elm_hr, 404), (trust.other_teacher, 404)):
        problem(client.post(f"/recognition/{item['id']}/report", json={}, headers=who.headers), status)
    assert db.snapshot() == before


def test_the_giver_and_the_line_manager_are_never_told_it_was_reported(client, trust):
    item = give(client, trust.elm_teacher, trust.teacher, visibility="line_manager")
    report(client, trust, item, "Unkind")
    for who, path in ((trust.elm_teacher, f"/recognition/{item['id']}"), (trust.hod, f"/recognition/{item['id']}")):
        seen = client.get(path, headers=who.headers).json
        assert (seen["reported"], seen["reported_at"], seen["reported_because"]) == (False, None, None)
    [given] = client.get("/recognition/given", headers=trust.elm_teacher.headers).json
    [team] = client.get("/recognition/team", headers=trust.hod.headers).json
    assert not given["reported"] and not team["reported"] and "Unkind" not in repr((given, team))


def test_hrs_list_by_role_without_the_words(client, trust, problem):
    item = give(client, trust.elm_teacher, trust.teacher, words="Something cruel")
    give(client, trust.ta, trust.teacher)  # not reported: HR never see it listed
    report(client, trust, item, "Unkind")
    [listed] = client.get("/recognition/reported", headers=trust.oak_hr.headers).json
    assert (listed["id"], listed["giver_name"], listed["recipient_name"], listed["reported_because"]) == (
        item["id"], "Rhys Roberts", "Tom Taylor", "Unkind")
    assert "words" not in listed and "cruel" not in repr(listed)
    assert [r["id"] for r in client.get("/recognition/reported", headers=trust.trust_hr.headers).json] == [item["id"]]
    assert client.get("/recognition/reported", headers=trust.elm_hr.headers).json == []  # the giver's academy
    for who in (trust.teacher, trust.elm_teacher, trust.hod, trust.other_teacher):
        problem(client.get("/recognition/reported", headers=who.headers), 403)


def test_hr_read_a_reported_one_audited_and_remove_it_and_it_leaves_the_list(client, db, trust):
    item = give(client, trust.elm_teacher, trust.teacher, words="Something cruel")
    report(client, trust, item)
    seen = client.get(f"/recognition/{item['id']}", headers=trust.oak_hr.headers).json
    assert seen["words"] == "Something cruel" and seen["reported"]
    read = db.audit(trust.teacher.id)[-1]  # against the recipient, as the report is
    assert read["action"] == "recognition.read" and read["changes"]["recognition_id"] == item["id"]
    client.post(f"/recognition/{item['id']}/removal", json={"because": "Abusive"}, headers=trust.oak_hr.headers)
    assert client.get("/recognition/reported", headers=trust.oak_hr.headers).json == []
    [mine] = client.get("/recognition/received", headers=trust.teacher.headers).json
    assert mine["removed"] and mine["reported"]


def test_hr_dismiss_a_report_keeping_who_and_when_and_only_hr_of_the_recipients_academy_can(client, db, trust, problem):
    item = give(client, trust.elm_teacher, trust.teacher, visibility="line_manager")
    report(client, trust, item)
    path = f"/recognition/{item['id']}/report/dismissal"
    before = db.snapshot()
    for who, status in ((trust.teacher, 403), (trust.elm_teacher, 403), (trust.hod, 403), (trust.elm_hr, 404),
                        (trust.other_teacher, 404)):
        problem(client.post(path, headers=who.headers), status)
    assert db.snapshot() == before
    dismissed = client.post(path, headers=trust.oak_hr.headers)
    assert dismissed.status_code == 200 and dismissed.json["report_dismissed"]
    assert dismissed.json["report_dismissed_by_name"] == "Olga Owen" and dismissed.json["report_dismissed_at"]
    assert db.audit(trust.teacher.id)[-1]["action"] == "dismiss_recognition_report"
    assert client.get("/recognition/reported", headers=trust.trust_hr.headers).json == []
    [mine] = client.get("/recognition/received", headers=trust.teacher.headers).json
    assert mine["report_dismissed"] and mine["report_dismissed_by_name"] is None  # the recipient: HR, not who
    problem(client.post(path, headers=trust.trust_hr.headers), 409)
    [row] = db.rows("recognitions")
    assert row["reported_at"] is not None and str(row["report_dismissed_by"]) == trust.oak_hr.id


def test_trust_hr_who_gave_it_neither_remove_it_nor_read_the_report_in_the_audit_log(client, trust, tokens, problem):
    """Outsider, issue 24: trust HR who gave an item removed it after it was reported, and read in the audit log
    who had reported it (only the recipient can). Rows about reports are for the data protection officer alone."""
    item = give(client, trust.trust_hr, trust.teacher, words="Please be on time to duty")
    report(client, trust, item, "uncomfortable")
    problem(client.post(f"/recognition/{item['id']}/removal", json={"because": "oops"},
                        headers=trust.trust_hr.headers), 403)
    problem(client.post(f"/recognition/{item['id']}/report/dismissal", headers=trust.trust_hr.headers), 403)
    assert client.get(f"/recognition/{item['id']}", headers=trust.teacher.headers).json["words"] == (
        "Please be on time to duty")
    seen = client.get("/audit?entity=recognition_report", headers=trust.trust_hr.headers).json
    assert seen["items"] == [] and seen["total"] == 0
    everything = client.get("/audit?page_size=500", headers=trust.trust_hr.headers).json["items"]
    assert not [row for row in everything if "report" in row["action"]]
    dpo = tokens.headers(uuid.uuid4(), roles=["staff", "dpo"])
    [row] = client.get("/audit?entity=recognition_report", headers=dpo).json["items"]
    assert row["action"] == "report_recognition" and row["actor"] == trust.teacher.id


@pytest.mark.parametrize("how", ["removed by HR", "withdrawn by the giver"])
def test_removed_words_are_in_neither_the_database_file_nor_its_write_ahead_log(client, app, trust, how):
    """Outsider, issue 24: after a removal the words were gone from appraisal.db but still in appraisal.db-wal; and
    (outsider O6) after the giver withdrew them."""
    from pathlib import Path

    item = give(client, trust.elm_teacher, trust.teacher, words="Unmistakable words 7f3e")
    if how == "removed by HR":
        assert client.post(f"/recognition/{item['id']}/removal", json={"because": "Abusive"},
                           headers=trust.oak_hr.headers).status_code == 200
    else:
        assert client.post(f"/recognition/{item['id']}/withdrawal",
                           headers=trust.elm_teacher.headers).status_code == 204
    database = Path(app.extensions["staffroom"].engine.url.database)
    files = [f for f in (database, database.with_name(database.name + "-wal")) if f.exists()]
    assert files and not [f.name for f in files if b"Unmistakable words 7f3e" in f.read_bytes()]


def test_trust_hr_dismiss_any_academys_report(client, trust):
    item = give(client, trust.ta, trust.elm_teacher)
    assert client.post(f"/recognition/{item['id']}/report", json={"because": "Not kind"},
                       headers=trust.elm_teacher.headers).status_code == 200
    assert client.get("/recognition/reported", headers=trust.oak_hr.headers).json == []
    assert [r["academy_name"] for r in client.get("/recognition/reported", headers=trust.trust_hr.headers).json] == [
        "Elm Secondary Academy"]
    assert client.post(f"/recognition/{item['id']}/report/dismissal",
                       headers=trust.trust_hr.headers).status_code == 200


def test_a_reported_one_the_giver_withdraws_leaves_hrs_list(client, trust):
    item = give(client, trust.elm_teacher, trust.teacher)
    report(client, trust, item)
    assert client.post(f"/recognition/{item['id']}/withdrawal", headers=trust.elm_teacher.headers).status_code == 204
    assert client.get("/recognition/reported", headers=trust.oak_hr.headers).json == []


@pytest.mark.parametrize("because", ["x" * 501, 7])
def test_a_bad_reason_is_a_422_and_reports_nothing(client, db, trust, problem, because):
    item = give(client, trust.ta, trust.teacher)
    before = db.snapshot()
    problem(client.post(f"/recognition/{item['id']}/report", json={"because": because},
                        headers=trust.teacher.headers), 422)
    assert db.snapshot() == before


def test_a_report_is_in_the_recipients_subject_access_copy_and_never_in_the_givers(app, client, trust):
    from appraisal.service.subject_access import HOLDINGS
    from staffroom_shared.subject_access import answer

    item = give(client, trust.elm_teacher, trust.teacher)
    report(client, trust, item, "It frightened me")
    client.get(f"/recognition/{item['id']}", headers=trust.oak_hr.headers)  # HR's read: not in the giver's copy
    client.post(f"/recognition/{item['id']}/report/dismissal", headers=trust.oak_hr.headers)

    def copy(person) -> dict:
        with app.extensions["staffroom"].uow(actor="test") as uow:
            found = answer(uow.session, HOLDINGS, uuid.uuid4(), uuid.UUID(person.id), by_the_person=True)
        return {(r["key"], r["what"]): r["rows"] for r in found["records"]}

    theirs, givers = copy(trust.teacher), copy(trust.elm_teacher)
    [received] = theirs[("recognitions", "recognition and feedback colleagues gave you")]
    assert received["reported_because"] == "It frightened me" and received["report_dismissed_at"]
    assert {"report_recognition", "recognition.read", "dismiss_recognition_report"} <= {
        a["action"] for a in theirs[("audit_log", "the audit log: who changed these records, and when")]}
    [gave] = givers[("recognitions", "recognition and feedback you gave colleagues")]
    assert not {"reported_at", "reported_because", "report_dismissed_at", "report_dismissed_by"} & set(gave)
    assert "frightened" not in repr(givers) and [
        a["action"] for a in givers[("audit_log", "the audit log: who changed these records, and when")]] == [
        "give_recognition"]


def _subject_access_copy(app, person, *, sent: bool = False) -> dict:
    """The answer appraisal gives to the person's own subject access request, as its handler writes it to the outbox
    (marked sent to the directory if `sent`), by (key, what)."""
    from sqlalchemy import update

    from appraisal.service.subject_access import on_subject_access_requested
    from staffroom_shared.events import new_event

    context = app.extensions["staffroom"]
    request = new_event("subject_access.requested", {
        "request_id": uuid.uuid4(), "staff_id": uuid.UUID(person.id), "received_on": date.today(),
        "by_the_person": True}, producer="directory", correlation_id="test", academy_id=None)
    with context.uow(actor="test") as uow:
        on_subject_access_requested(uow, request)
        uow.commit()
    if sent:
        outbox = context.metadata.tables["outbox"]
        with context.engine.begin() as conn:
            conn.execute(update(outbox).where(outbox.c.sent_at.is_(None)).values(sent_at=datetime.now(timezone.utc)))
    [answer] = [e for e in ServiceDb(app, ()).events("appraisal.subject_access_answered")
                if e["payload"]["request_id"] == str(request.payload["request_id"])]
    return answer["payload"]


def _records(answer: dict) -> dict:
    return {(r["key"], r["what"]): r["rows"] for r in answer["records"]}


def test_a_removed_items_words_value_and_standard_are_nowhere_once_hr_remove_it(app, client, db, trust, tokens):
    """Outside tester, issue 24: after HR removed feedback the item's value was null, but the give_recognition audit
    row still held it, readable in trust HR's audit log and in the giver's subject access copy. And a copy the giver
    asked for before the removal stayed in the outbox with the words."""
    from pathlib import Path

    item = give(client, trust.elm_teacher, trust.teacher, kind="feedback", words="Words VZQXWORDS2821120",
                value="VZQXWALMARKER2821120", standard="TS3")
    before = _subject_access_copy(app, trust.elm_teacher, sent=True)
    assert "VZQXWALMARKER2821120" in repr(before)  # the copy held it while it was there
    assert client.post(f"/recognition/{item['id']}/removal", json={"because": "abusive"},
                       headers=trust.oak_hr.headers).status_code == 200

    markers = ("VZQXWORDS2821120", "VZQXWALMARKER2821120")
    dpo = tokens.headers(uuid.uuid4(), roles=["staff", "dpo"])
    answers = [client.get("/audit?page_size=500", headers=who).get_data(as_text=True)
               for who in (trust.trust_hr.headers, dpo)]
    answers += [client.get(f"/recognition/{item['id']}", headers=who.headers).get_data(as_text=True)
                for who in (trust.elm_teacher, trust.teacher, trust.oak_hr)]
    answers += [repr(_subject_access_copy(app, who)) for who in (trust.elm_teacher, trust.teacher)]
    assert not [m for m in markers for text in answers if m in text]
    assert not [m for m in markers if m in repr(db.rows("outbox")) + repr(db.rows("audit_log"))]
    [row] = db.rows("recognitions")
    assert (row["words"], row["value"], row["standard"]) == ("", None, None)
    database = Path(app.extensions["staffroom"].engine.url.database)
    files = [f for f in (database, database.with_name(database.name + "-wal")) if f.exists()]
    assert files and not [(f.name, m) for f in files for m in markers if m.encode() in f.read_bytes()]


def test_the_giver_is_never_shown_why_hr_removed_it_nor_who_did(app, client, db, trust, tokens):
    """Outside tester, issue 24: the giver's own subject access copy held removed_because, removed_by and the removal's
    audit row with its reason; the reason is HR's alone. Trust HR who gave one read neither in the API nor in the
    audit log. The giver's copy still says that it was removed, and when; the recipient's holds the removal."""
    item = give(client, trust.trust_hr, trust.teacher, words="Please be on time to duty")
    assert client.post(f"/recognition/{item['id']}/removal", json={"because": "VZQXREASON abusive"},
                       headers=trust.oak_hr.headers).status_code == 200
    mine = client.get(f"/recognition/{item['id']}", headers=trust.trust_hr.headers).json  # giver and trust HR
    assert mine["removed"] and mine["removed_because"] is None
    assert client.get(f"/recognition/{item['id']}", headers=trust.oak_hr.headers).json["removed_because"] == (
        "VZQXREASON abusive")
    log = client.get("/audit?page_size=500", headers=trust.trust_hr.headers).get_data(as_text=True)
    assert "VZQXREASON" not in log and "remove_recognition" not in log
    dpo = tokens.headers(uuid.uuid4(), roles=["staff", "dpo"])
    [row] = client.get("/audit?action=remove_recognition", headers=dpo).json["items"]
    assert row["actor"] == trust.oak_hr.id and row["changes"]["because"] == "VZQXREASON abusive"

    givers = _subject_access_copy(app, trust.trust_hr)
    records = _records(givers)
    [gave] = records[("recognitions", "recognition and feedback you gave colleagues")]
    assert gave["removed_at"] and not {"removed_because", "removed_by"} & set(gave)
    actions = [a["action"] for a in records[("audit_log", "the audit log: who changed these records, and when")]]
    assert "give_recognition" in actions and "remove_recognition" not in actions
    assert "VZQXREASON" not in repr(givers) and trust.oak_hr.id not in repr(givers)
    assert any("not HR's reason nor who in HR removed it" in why for why in givers["left_out"])

    theirs = _records(_subject_access_copy(app, trust.teacher))
    assert "remove_recognition" in {a["action"] for a in theirs[("audit_log", "the audit log: who changed these "
                                                                               "records, and when")]}


def test_recognition_without_visible_text_is_refused(client, trust):
    """Outsider, issue 24: blank or invisible text was taken."""
    for blank in (" ", "\n\n", "\u200b\u200d"):
        refused = give(client, trust.hod, trust.teacher, status=422, words=blank)
        assert refused["errors"][0]["pointer"] == "#/words"
    give(client, trust.hod, trust.teacher, status=422, value="\u202e")


@pytest.mark.parametrize("words, code", [("Well done\U000e0070\U000e0061\U000e0079", "U+E0070"),
                                         ("Well done\ue000", "U+E000"), ("Well done\ufdd0", "U+FDD0"),
                                         ("Well\u2028done", "U+2028")])
def test_recognition_with_hidden_or_device_dependent_characters_is_refused(client, trust, words, code):
    """Outsider O8 E, issue 24: tag characters (hidden text), private-use characters, noncharacters and the line
    separator got through in recognition's words."""
    refused = give(client, trust.hod, trust.teacher, status=422, words=words)
    assert refused["errors"][0]["pointer"] == "#/words" and f"contains {code}" in refused["errors"][0]["detail"]
    flag = "\U0001f3f4\U000e0067\U000e0062\U000e0077\U000e006c\U000e0073\U000e007f"
    give(client, trust.hod, trust.teacher, words=f"Da iawn {flag} \u200fעברית\u200e")  # Wales's flag and marks stay
