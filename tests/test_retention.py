"""Retention (issue 21): with a fixed clock, each service's daily job deletes exactly what has expired, on SQLite
and on PostgreSQL. Each record gets a row on each side of its cutoff (one microsecond before the first moment of
the cutoff day goes; that moment stays), plus rows that never expire (an unsent event, a waiting reminder).
"""
from __future__ import annotations

import importlib
import uuid
from contextlib import contextmanager
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import func, insert, select

from staffroom_shared import retention
from staffroom_shared.config import ConfigError, ServiceConfig
from staffroom_shared.retention import Period
from staffroom_shared.testing import postgres_database

TODAY = date(2026, 12, 6)
SERVICES = ("directory", "appraisal", "cpd", "wellbeing", "notifications", "targets")


def at(*parts) -> datetime:
    return datetime(*parts, tzinfo=timezone.utc)


BEFORE = {  # the last moment that has expired, for each default period counted back from TODAY
    "30 days": at(2026, 11, 5, 23, 59, 59, 999999), "90 days": at(2026, 9, 6, 23, 59, 59, 999999),
    "1 year": at(2025, 12, 5, 23, 59, 59, 999999), "2 years": at(2024, 12, 5, 23, 59, 59, 999999),
    "6 years": at(2020, 12, 5, 23, 59, 59, 999999), "1 day": at(2026, 12, 4, 23, 59, 59, 999999),
    "3 months": at(2026, 9, 5, 23, 59, 59, 999999),
}
CUTOFF = {"30 days": at(2026, 11, 6), "90 days": at(2026, 9, 7), "1 year": at(2025, 12, 6),
          "2 years": at(2024, 12, 6), "6 years": at(2020, 12, 6), "1 day": at(2026, 12, 5), "3 months": at(2026, 9, 6)}


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.integration)])
def backend(request):
    return request.param


@contextmanager
def service(name: str, backend: str, tmp_path):
    module = importlib.import_module(f"{name}.bootstrap")
    environ = {"STAFFROOM_DATA_DIR": str(tmp_path)}
    with (postgres_database(f"keep{name[:6]}") if backend == "postgresql" else _nothing()) as url:
        config = ServiceConfig.from_env(name, environ, **({"database_url": url} if url else {}))
        module.migrate(config)
        context = module.build(config)
        try:
            yield context, importlib.import_module(f"{name}.service.retention").RECORDS
        finally:
            context.engine.dispose()


@contextmanager
def _nothing():
    yield None


def write(context, table: str, *rows: dict) -> None:
    with context.engine.begin() as conn:
        conn.execute(insert(context.metadata.tables[table]), list(rows))


def read(context, query) -> list:
    """Rows of `query`, on a read-only connection closed at once (a plain one would hold SQLite's write lock)."""
    with context.engine.execution_options(staffroom_readonly=True).connect() as conn:
        return conn.execute(query).all()


def count(context, table: str, *where) -> int:
    t = context.metadata.tables[table]
    return read(context, select(func.count()).select_from(t).where(*where))[0][0]


def run(context, records, environ=None) -> dict:
    chosen = retention.periods(context.config.service, records, environ or {})
    return retention.expire(context.uow(actor="test"), records, chosen, TODAY)


def platform_rows(context) -> None:
    """Two of each platform row either side of its cutoff; an event never sent is kept however old."""
    for when, tag in ((BEFORE["30 days"], "old"), (CUTOFF["30 days"], "new")):
        write(context, "outbox", {"event_id": uuid.uuid4(), "event_type": tag, "envelope": {}, "created_at": when,
                                  "sent_at": when})
    write(context, "outbox", {"event_id": uuid.uuid4(), "event_type": "unsent", "envelope": {},
                              "created_at": at(2019, 1, 1), "sent_at": None})
    for when, tag in ((BEFORE["90 days"], "old"), (CUTOFF["90 days"], "new")):
        write(context, "inbox", {"consumer": "c", "event_id": uuid.uuid4(), "event_type": tag, "processed_at": when})
    for when, tag in ((BEFORE["6 years"], "old"), (CUTOFF["6 years"], "new")):
        write(context, "audit_log", {"at": when, "actor": "a", "action": tag, "entity": "e", "entity_id": "1"})


def check_platform(context, counts) -> None:
    outbox, inbox, audit = (context.metadata.tables[t] for t in ("outbox", "inbox", "audit_log"))
    assert (counts["outbox"], counts["inbox"], counts["audit"]) == (1, 1, 1)
    assert count(context, "outbox", outbox.c.event_type == "old") == 0
    assert count(context, "outbox", outbox.c.event_type.in_(["new", "unsent"])) == 2
    assert count(context, "inbox", inbox.c.event_type == "old") == 0
    assert count(context, "inbox", inbox.c.event_type == "new") == 1
    assert count(context, "audit_log", audit.c.action == "old") == 0
    assert count(context, "audit_log", audit.c.action == "new") == 1
    # the deletion itself is audited, with how many of each went
    [row] = read(context, select(audit).where(audit.c.action == "expired"))
    assert row.changes == {key: n for key, n in counts.items() if n}


def test_appraisals_go_six_years_after_their_cycle_ended(backend, tmp_path):
    with service("appraisal", backend, tmp_path) as (context, records):
        platform_rows(context)
        for ends_on, tag in ((date(2020, 12, 5), "old"), (date(2020, 12, 6), "new")):
            cycle_id, appraisal_id = uuid.uuid4(), uuid.uuid4()
            write(context, "cycles", {"id": cycle_id, "name": tag, "template": "teachers", "academy_id": None,
                                      "starts_on": date(2019, 9, 1), "objectives_due": date(2019, 10, 31),
                                      "mid_year_due": date(2020, 3, 31), "end_of_year_due": date(2020, 7, 15),
                                      "ends_on": ends_on, "pay_recommendations": False, "review_window_weeks": 6,
                                      "status": "closed"})
            write(context, "appraisals", {"id": appraisal_id, "cycle_id": cycle_id, "reviewee_id": uuid.uuid4(),
                                          "academy_id": uuid.uuid4(), "template": "teachers",
                                          "appraiser_set_by_hr": False, "status": "signed_off", "support_plan": False})
            write(context, "objectives", {"id": uuid.uuid4(), "appraisal_id": appraisal_id, "position": 0,
                                          "title": tag, "description": "d", "type": "pupil_outcomes",
                                          "success_criteria": "s", "standards": [], "job_areas": [], "priorities": []})
        counts = run(context, records)
        assert counts["appraisals"] == 1
        check_platform(context, counts)
        objectives = context.metadata.tables["objectives"]
        assert count(context, "appraisals") == 1 and count(context, "cycles") == 2  # a cycle names nobody
        assert count(context, "objectives", objectives.c.title == "old") == 0  # with its appraisal (cascade)
        assert count(context, "objectives", objectives.c.title == "new") == 1


def test_coaching_asked_for_and_pairs_made_go_two_years_later_and_the_qa_rounds_stay(backend, tmp_path):
    with service("appraisal", backend, tmp_path) as (context, records):
        platform_rows(context)
        template_id, round_id, action_id = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
        write(context, "observation_templates", {"id": template_id, "name": "Lessons", "kind": "lesson_observation",
                                                 "academy_id": None, "criteria": [], "notice_days": 0,
                                                 "retired": False, "created_at": at(2020, 1, 1)})
        write(context, "qa_rounds", {"id": round_id, "name": "Autumn", "template_id": template_id, "academy_ids": [],
                                     "starts_on": date(2020, 9, 1), "ends_on": date(2020, 10, 1),
                                     "created_at": at(2020, 1, 1)})
        write(context, "qa_actions", {"id": action_id, "round_id": round_id, "criterion": "c", "kind": "share",
                                      "owner_id": uuid.uuid4(), "details": {}, "status": "planned",
                                      "created_at": at(2020, 1, 1)})
        for when, tag in ((BEFORE["2 years"], "old"), (CUTOFF["2 years"], "new")):
            write(context, "coaching_links", {"id": uuid.uuid4(), "action_id": action_id, "coach_id": uuid.uuid4(),
                                              "colleague_id": uuid.uuid4(), "criterion": tag, "criterion_label": tag,
                                              "created_at": when})
            write(context, "coaching_requests", {"id": uuid.uuid4(), "staff_id": uuid.uuid4(),
                                                 "academy_id": uuid.uuid4(), "criterion": tag, "created_at": when})
        counts = run(context, records)
        check_platform(context, counts)
        assert counts["coaching"] == 2
        for table in ("coaching_links", "coaching_requests"):
            assert [r.criterion for r in read(context, select(context.metadata.tables[table]))] == ["new"]
        assert (count(context, "qa_rounds"), count(context, "qa_actions")) == (1, 1)


def test_notifications_messages_and_reminders_go_after_a_year(backend, tmp_path):
    with service("notifications", backend, tmp_path) as (context, records):
        platform_rows(context)
        person = uuid.uuid4()
        for when, tag in ((BEFORE["1 year"], "old"), (CUTOFF["1 year"], "new")):
            message_id = uuid.uuid4()
            write(context, "messages", {"id": message_id, "recipient_id": person, "category": "appraisal",
                                        "subject": tag, "body": "b", "event_id": uuid.uuid4(), "event_type": "x",
                                        "created_at": when})
            write(context, "deliveries", {"id": uuid.uuid4(), "message_id": message_id, "recipient_id": person,
                                          "address": f"{tag}@example.org", "status": "sent", "kind": "message",
                                          "attempts": 1, "next_attempt_at": when, "sent_at": when})
        for due_on, status, key in ((date(2025, 12, 5), "sent", "old-sent"), (date(2025, 12, 5), "cancelled", "old-off"),
                                    (date(2025, 12, 5), "waiting", "old-waiting"), (date(2025, 12, 6), "sent", "new")):
            write(context, "reminders", {"key": key, "due_on": due_on, "recipient_id": person, "category": "appraisal",
                                         "subject": "s", "body": "b", "event_id": uuid.uuid4(), "status": status})
        counts = run(context, records)
        check_platform(context, counts)
        assert (counts["messages"], counts["reminders"]) == (1, 2)
        messages, deliveries, reminders = (context.metadata.tables[t] for t in ("messages", "deliveries", "reminders"))
        assert [r.subject for r in read(context, select(messages))] == ["new"]
        assert [r.address for r in read(context, select(deliveries))] == ["new@example.org"]
        assert sorted(r.key for r in read(context, select(reminders))) == ["new", "old-waiting"]


def test_survey_invitations_and_comments_go_two_years_after_the_close(backend, tmp_path):
    with service("wellbeing", backend, tmp_path) as (context, records):
        platform_rows(context)
        runs = {}
        for closed_at, tag in ((BEFORE["2 years"], "old"), (CUTOFF["2 years"], "new"), (None, "open")):
            runs[tag] = uuid.uuid4()
            write(context, "runs", {"id": runs[tag], "title": tag, "instruments": [], "questions": [],
                                    "academy_ids": [], "staff_types": [], "opens_on": date(2024, 1, 1),
                                    "closes_on": date(2024, 2, 1), "min_group_size": 5, "outcome": "x",
                                    "created_by": "hr", "status": "closed" if closed_at else "open", "invited": 2,
                                    "closed_at": closed_at})
            for _ in range(2):
                write(context, "invitations", {"run_id": runs[tag], "staff_id": uuid.uuid4(),
                                               "token_hash": uuid.uuid4().hex, "academy_id": uuid.uuid4(),
                                               "staff_type": "teaching", "service_band": "under_2_years",
                                               "status": "submitted"})
            write(context, "comments", {"id": uuid.uuid4(), "run_id": runs[tag], "item": "q", "text": tag})
            write(context, "results", {"run_id": runs[tag], "cut": "trust", "academy_id": "", "staff_type": "",
                                       "service_band": "", "figure": "responses", "kind": "responses", "n": 2,
                                       "suppressed": False})
        counts = run(context, records)
        check_platform(context, counts)
        assert (counts["invitations"], counts["comments"]) == (2, 1)
        invitations, comments = context.metadata.tables["invitations"], context.metadata.tables["comments"]
        assert count(context, "invitations", invitations.c.run_id == runs["old"]) == 0
        assert count(context, "invitations", invitations.c.run_id.in_([runs["new"], runs["open"]])) == 4
        assert sorted(r.text for r in read(context, select(comments))) == ["new", "open"]
        assert count(context, "results") == 3  # the published figures stay


def test_feedback_invitations_go_two_years_and_requests_with_their_reports_six_years_after_the_close(
        backend, tmp_path):
    with service("wellbeing", backend, tmp_path) as (context, records):
        platform_rows(context)
        requests = {}
        for closed_at, tag in ((BEFORE["6 years"], "oldest"), (CUTOFF["6 years"], "old"), (BEFORE["2 years"], "older"),
                               (CUTOFF["2 years"], "new"), (None, "open")):
            requests[tag] = uuid.uuid4()
            write(context, "feedback_requests", {
                "id": requests[tag], "subject_id": uuid.uuid4(), "academy_id": uuid.uuid4(), "question_set": "360",
                "title": tag, "closes_on": date(2020, 1, 1), "k": 3, "requested_by": "a", "round_id": None,
                "status": "closed" if closed_at else "open", "shared": False, "invited": 1, "answered": 0,
                "report": {"named": [], "categories": []} if closed_at else None, "closed_at": closed_at})
            write(context, "feedback_invitations", {"token_hash": uuid.uuid4().hex, "request_id": requests[tag],
                                                    "staff_id": uuid.uuid4(), "category": "peers",
                                                    "answered": False})
        counts = run(context, records)
        check_platform(context, counts)
        assert (counts["feedback_invitations"], counts["feedback_reports"]) == (3, 1)
        asked, kept = context.metadata.tables["feedback_invitations"], context.metadata.tables["feedback_requests"]
        assert sorted(r.title for r in read(context, select(kept))) == ["new", "old", "older", "open"]
        assert count(context, "feedback_invitations", asked.c.request_id.in_([requests["new"], requests["open"]])) == 2
        assert count(context, "feedback_invitations") == 2


def test_targets_keeps_only_the_newest_copy_of_a_person_once_the_older_ones_are_30_days_old(backend, tmp_path):
    with service("targets", backend, tmp_path) as (context, records):
        platform_rows(context)
        moved, stayed = str(uuid.uuid4()), str(uuid.uuid4())

        def event(kind, person, when):
            write(context, "events", {"event_id": uuid.uuid4(), "event_type": kind, "occurred_at": when,
                                      "envelope": {"type": kind, "payload": {"staff_id": person}}})
        event("staff.joined", moved, BEFORE["30 days"])       # superseded, and old enough: goes
        event("staff.promoted", moved, at(2026, 10, 1))       # a promotion is a fact: stays
        event("staff.updated", moved, CUTOFF["30 days"])      # superseded, but not old enough yet: stays
        event("staff.updated", moved, at(2026, 12, 1))        # the newest: stays
        event("staff.joined", stayed, at(2019, 1, 1))         # the only copy, however old: stays
        event("cpd.enrolled", moved, at(2019, 1, 1))          # not a copy of the person: stays
        counts = run(context, records)
        check_platform(context, counts)
        assert counts["staff_copies"] == 1
        events = context.metadata.tables["events"]
        kept = [(r.event_type, r.occurred_at) for r in read(context, select(events).order_by(events.c.seq))]
        assert [k for k, _ in kept] == ["staff.promoted", "staff.updated", "staff.updated", "staff.joined",
                                        "cpd.enrolled"]


def test_the_directory_anonymises_leavers_six_years_after_they_left_and_clears_checked_files(backend, tmp_path):
    with service("directory", backend, tmp_path) as (context, records):
        platform_rows(context)
        academy = uuid.uuid4()
        write(context, "academies", {"id": academy, "name": "Oak", "urn": "150001", "phase": "primary"})
        people = {}
        for code, left in (("gone", date(2020, 12, 5)), ("kept", date(2020, 12, 6)), ("here", None)):
            people[code] = uuid.uuid4()
            write(context, "staff", {"id": people[code], "staff_code": code, "academy_id": academy, "first_name": code,
                                     "last_name": "Smith", "email": f"{code}@oak.example", "staff_type": "teaching",
                                     "post": "Teacher", "fte": 1, "start_date": date(2015, 9, 1), "leaving_date": left,
                                     "leaving_reason": "moved" if left else None})
        for when, rows in ((BEFORE["1 day"], 1), (CUTOFF["1 day"], 2)):
            write(context, "checked_imports", {"id": uuid.uuid4(), "actor": "hr", "data": b"x", "rows": rows,
                                               "checked_at": when})
        # subject access requests: one about the leaver (goes with her record), two answered either side of the
        # copies' three months (the older loses its copy, keeps the request), one still being gathered
        requests = {}
        for tag, who, answered in (("leaver", "gone", CUTOFF["3 months"]), ("old", "here", BEFORE["3 months"]),
                                   ("new", "here", CUTOFF["3 months"]), ("open", "kept", None)):
            requests[tag] = uuid.uuid4()
            write(context, "subject_access_requests", {
                "id": requests[tag], "staff_id": people[who], "requested_by": "hr", "received_on": date(2026, 8, 1),
                "respond_by": date(2026, 9, 1), "opened_at": at(2026, 8, 1), "answered_at": answered})
            write(context, "subject_access_answers", {"request_id": requests[tag], "service": "directory",
                                                      "received_at": at(2026, 8, 1), "answer": {"records": []}})
        counts = run(context, records)
        assert (counts["leavers"], counts["checked_files"], counts["subject_access_copies"]) == (1, 1, 1)
        sar, copies = (context.metadata.tables[t] for t in ("subject_access_requests", "subject_access_answers"))
        assert {r.id for r in read(context, select(sar))} == {requests["old"], requests["new"], requests["open"]}
        assert {r.request_id for r in read(context, select(copies))} == {requests["new"], requests["open"]}
        staff, outbox = context.metadata.tables["staff"], context.metadata.tables["outbox"]
        names = {r.id: (r.first_name, r.last_name, r.email, r.leaving_reason, r.erased_on)
                 for r in read(context, select(staff))}
        [announced] = [r.envelope for r in read(context, select(outbox).where(outbox.c.event_type == "staff.erased"))]
        assert names[people["gone"]] == ("Former member of staff", "", f"erased-{people['gone']}@staffroom.invalid",
                                         None, TODAY)
        assert names[people["kept"]][0] == "kept" and names[people["here"]][0] == "here"
        assert announced["payload"]["staff_id"] == str(people["gone"])
        assert announced["payload"]["first_name"] == "Former member of staff" and announced["payload"]["erased_on"] == str(TODAY)
        assert [r.rows for r in read(context, select(context.metadata.tables["checked_imports"]))] == [2]
        # a second run the same day finds nothing more to do, and announces nothing again
        assert run(context, records)["leavers"] == 0


def test_cpd_keeps_training_records_until_erasure_and_expires_its_platform_rows(backend, tmp_path):
    with service("cpd", backend, tmp_path) as (context, records):
        platform_rows(context)
        check_platform(context, run(context, records))


def test_cpd_keeps_an_ects_induction_six_years_after_it_ended_and_one_still_served(backend, tmp_path):
    with service("cpd", backend, tmp_path) as (context, records):
        ended = {"old": BEFORE["6 years"].date(), "new": CUTOFF["6 years"].date(), "serving": None}
        ids = {tag: uuid.uuid4() for tag in ended}
        write(context, "inductions", *[{
            "id": ids[tag], "staff_id": uuid.uuid4(), "academy_id": uuid.uuid4(), "qts_on": date(2012, 7, 1),
            "starts_on": date(2012, 9, 1), "appropriate_body": "Hub", "programme_type": "school-led",
            "served_elsewhere": "0", "status": "serving" if day is None else "passed", "ended_on": day,
            "registered_on": date(2012, 9, 1)} for tag, day in ended.items()])
        write(context, "induction_posts", *[{"id": uuid.uuid4(), "induction_id": ids[tag], "school": "Oak",
                                             "starts_on": date(2012, 9, 1), "fte": "1"} for tag in ended])
        assert run(context, records)["inductions"] == 1
        posts = context.metadata.tables["induction_posts"]
        assert count(context, "inductions") == 2 and count(context, "induction_posts") == 2
        assert count(context, "induction_posts", posts.c.induction_id == ids["old"]) == 0


def test_a_trust_may_change_any_period_and_a_setting_that_is_not_one_stops_the_job(tmp_path):
    with service("appraisal", "sqlite", tmp_path) as (context, records):
        chosen = retention.periods("appraisal", records, {"RETENTION_OUTBOX": "7 days",
                                                          "APPRAISAL_RETENTION_APPRAISALS": "10 years"})
        assert (chosen["outbox"], chosen["appraisals"], chosen["audit"]) == (
            Period(7, "day"), Period(10, "year"), Period(6, "year"))
        with pytest.raises(ConfigError, match="RETENTION_AUDIT.*'forever' is not a period"):
            retention.periods("appraisal", records, {"RETENTION_AUDIT": "forever"})
    assert Period.parse(" 18 Months ") == Period(18, "month") and str(Period(1, "year")) == "1 year"
    assert Period(18, "month").before(date(2026, 8, 31)) == date(2025, 2, 28)
    # outsider 8, issue 21: "1000 days" (two years and more, in days) was refused as not a period
    assert Period.parse("2190 days") == Period(2190, "day") and Period.parse("0 days") == Period(0, "day")
    for bad in ("", "6", "six years", "-1 days", "1.5 years", "1000 years", "36526 days", "123456 days"):
        with pytest.raises(ValueError):
            Period.parse(bad)


def test_every_service_lists_its_records_with_a_source_in_docs_privacy():
    """docs/privacy.md's retention schedule names every record each service expires, with its default."""
    from pathlib import Path

    schedule = (Path(__file__).parents[1] / "docs" / "privacy.md").read_text()
    for name in SERVICES:
        for record in importlib.import_module(f"{name}.service.retention").RECORDS:
            assert record.source and record.kept_from
            assert f"`{name.upper()}_RETENTION_{record.key.upper()}`" in schedule, (name, record.key)
            row = next(line for line in schedule.splitlines() if f"`{name.upper()}_RETENTION_{record.key.upper()}`" in line)
            assert str(record.kept) in row, (name, record.key, row)


def test_recognition_not_kept_goes_six_years_after_it_was_given_and_kept_goes_with_its_appraisal(backend, tmp_path):
    """Issue 24: recognition and feedback follow the appraisal records' six years; what the recipient kept as
    evidence goes with the appraisal it is kept in, not on its own clock."""
    with service("appraisal", backend, tmp_path) as (context, records):
        cycle_id, appraisal_id = uuid.uuid4(), uuid.uuid4()
        write(context, "cycles", {"id": cycle_id, "name": "2025/26", "template": "teachers", "academy_id": None,
                                  "starts_on": date(2025, 9, 1), "objectives_due": date(2025, 10, 31),
                                  "mid_year_due": date(2026, 3, 31), "end_of_year_due": date(2026, 7, 15),
                                  "ends_on": date(2026, 8, 31), "pay_recommendations": False,
                                  "review_window_weeks": 6, "status": "closed"})
        write(context, "appraisals", {"id": appraisal_id, "cycle_id": cycle_id, "reviewee_id": uuid.uuid4(),
                                      "academy_id": uuid.uuid4(), "template": "teachers",
                                      "appraiser_set_by_hr": False, "status": "signed_off", "support_plan": False})
        for when, words, kept in ((BEFORE["6 years"], "old", None), (CUTOFF["6 years"], "new", None),
                                  (BEFORE["6 years"], "old but kept", appraisal_id)):
            write(context, "recognitions", {"id": uuid.uuid4(), "giver_id": uuid.uuid4(), "recipient_id": uuid.uuid4(),
                                            "academy_id": uuid.uuid4(), "kind": "recognition", "words": words,
                                            "visibility": "private", "given_at": when, "evidence_for": kept,
                                            "hidden": False})
        counts = run(context, records)
        recognitions = context.metadata.tables["recognitions"]
        assert counts["recognition"] == 1
        assert sorted(r.words for r in read(context, select(recognitions.c.words))) == ["new", "old but kept"]
