"""Statutory induction over HTTP: HR register an ECT on the academy's term dates, the tutor records the timetable
and reviews, the ECT, tutor and headteacher sign, the mentor sees no notes, concerns start a support plan, the
appropriate body's decision ends induction, and the export for the appropriate body (CSV safe against formulas,
a printable page). Every new endpoint's authorisation is in the matrix below."""
from __future__ import annotations

import csv
import io
import uuid
from datetime import date

import pytest

from staffroom_shared.testing import ServiceDb

from .conftest import TABLES, payloads

INDUCTION_TABLES = (*TABLES, "academy_terms", "inductions", "induction_posts", "induction_absences",
                    "induction_timetable", "induction_reviews", "induction_support_plans", "induction_extensions")


def _terms(first=2024, last=2032) -> list[dict]:
    out = []
    for y in range(first, last):
        out += [
            {"school_year": y, "number": 1, "starts_on": f"{y}-09-01", "ends_on": f"{y}-12-19",
             "breaks": [{"starts_on": f"{y}-10-26", "ends_on": f"{y}-10-30"}]},
            {"school_year": y, "number": 2, "starts_on": f"{y + 1}-01-05", "ends_on": f"{y + 1}-04-01"},
            {"school_year": y, "number": 3, "starts_on": f"{y + 1}-04-19", "ends_on": f"{y + 1}-07-21"}]
    return out


@pytest.fixture
def everything(app):
    return ServiceDb(app, INDUCTION_TABLES)


class Induct:
    def __init__(self, client, trust):
        self.client, self.trust = client, trust

    def ok(self, response, status=200):
        assert response.status_code == status, response.get_data(as_text=True)
        return response.json

    def term_dates(self, academy="oak", who=None):
        return self.ok(self.client.put(f"/academies/{getattr(self.trust, academy)}/term-dates",
                                       json={"terms": _terms()}, headers=(who or self.trust.oak_hr).headers))

    def register(self, who=None, **overrides) -> dict:
        t = self.trust
        body = {"staff_id": t.teacher.id, "academy_id": t.oak, "qts_on": "2025-07-15", "starts_on": "2025-09-01",
                "fte": 1, "appropriate_body": "Teaching School Hub North", "programme_type": "provider-led",
                "lead_provider": "Ambition Institute", "delivery_partner": "Oak Teaching School Hub",
                "tutor_id": t.hod.id, "mentor_id": t.other_teacher.id, **overrides}
        return self.ok(self.client.post("/inductions", json=body, headers=(who or t.oak_hr).headers), 201)

    def ready(self) -> dict:
        self.term_dates()
        return self.register()

    def review(self, ect: dict, item: dict, outcome="on track", who=None, **overrides):
        body = {"kind": item["kind"], "school_year": item["school_year"], "term_number": item["term_number"],
                "held_on": item["due_on"], "outcome": outcome,
                "standards": {"TS4": "Lessons well sequenced", "TS7": "=HYPERLINK(\"http://x\")"},
                "next_steps": "Check for understanding before moving on", **overrides}
        return self.client.post(f"/inductions/{ect['id']}/reviews", json=body,
                                headers=(who or self.trust.hod).headers)


@pytest.fixture
def induct(client, trust) -> Induct:
    return Induct(client, trust)


PLAN = {"areas_to_improve": ["Behaviour management"], "objectives": ["TS7: consistent routines"],
        "support": ["Weekly coaching with the mentor"], "evidence": "Two observed lessons",
        "next_period_plan": "Review in four weeks"}


def test_hr_registers_an_ect_and_the_schedule_comes_from_the_academys_terms(client, db, trust, induct):
    ect = induct.ready()
    assert (ect["status"], ect["tutor_name"], ect["mentor_name"]) == ("serving", "Dev Davies", "Lily Lewis")
    assert ect["completes"] == "2027-07-21" and ect["required_terms"] == 6
    kinds = [s["kind"] for s in ect["schedule"]]
    assert kinds[0] == "progress_review" and kinds[-1] == "final_formal_assessment"
    assert "first_formal_assessment" in kinds
    assert ect["entitlement"][0]["most_percent"] == 90.0  # year one: 90% of a main pay range teacher's timetable
    [started] = payloads(db, "cpd.induction_started")
    assert (str(started.payload["staff_id"]), started.payload["expected_completion"]) == (
        trust.teacher.id, date(2027, 7, 21))


def test_the_tutor_records_reviews_the_ect_and_head_sign_and_the_mentor_sees_no_notes(app, client, trust, induct):
    ect = induct.ready()
    first = ect["schedule"][0]
    assert first["overdue"] is True  # held in December 2025, nothing recorded
    after = induct.ok(induct.review(ect, first), 201)
    [review] = after["reviews"]
    assert after["schedule"][0]["review_id"] == review["id"] and not after["schedule"][0]["overdue"]
    path = f"/inductions/{ect['id']}/reviews/{review['id']}/signatures"
    induct.ok(client.post(path, json={"signing_as": "ect", "comments": "Agreed"}, headers=trust.teacher.headers))
    induct.ok(client.post(path, json={"signing_as": "tutor"}, headers=trust.hod.headers))
    signed = induct.ok(client.post(path, json={"signing_as": "head"}, headers=trust.oak_hr.headers))
    assert signed["reviews"][0]["ect_comments"] == "Agreed" and signed["reviews"][0]["head_signed_on"]
    mentor = induct.ok(client.get(f"/inductions/{ect['id']}", headers=trust.other_teacher.headers))
    assert "standards" not in mentor["reviews"][0] and "outcome" not in mentor["reviews"][0]
    assert mentor["support_plans"] == [] and mentor["absences"] == []
    [mentee] = induct.ok(client.get("/inductions/mentees", headers=trust.other_teacher.headers))
    assert mentee["staff_name"] == "Tom Taylor"
    [row] = induct.ok(client.get("/inductions/tutoring", headers=trust.hod.headers))
    assert row["next_due"]["due_on"] == ect["schedule"][1]["due_on"]
    # the dashboard skips marshmallow (bench (l)): its rows are what the documented schema gives, key for key
    from cpd.api.induction_schemas import InductionSummarySchema
    from cpd.service import inductions
    from cpd.service.unit_of_work import CpdReads
    from sqlalchemy.orm import Session
    from staffroom_shared.principal import Principal
    with Session(app.extensions["staffroom"].engine) as session, app.app_context():
        principal = Principal(uuid.UUID(trust.hod.id), frozenset({"staff"}), uuid.UUID(trust.oak), trust.hod.id)
        assert [row] == InductionSummarySchema(many=True).dump(inductions.tutor_dashboard(CpdReads(session),
                                                                                           principal))
    assert induct.ok(client.get("/inductions/mine", headers=trust.teacher.headers))["id"] == ect["id"]


def test_the_timetable_above_the_reduction_is_refused_in_plain_words_and_changes_nothing(client, trust, induct,
                                                                                          everything, problem):
    ect = induct.ready()
    before = everything.snapshot()
    found = problem(client.put(f"/inductions/{ect['id']}/timetable/2025/1", json={"percent": 95},
                               headers=trust.hod.headers), 422)
    assert "no more than 90%" in found["detail"] and "2025-" not in found["detail"]
    assert everything.snapshot() == before
    done = induct.ok(client.put(f"/inductions/{ect['id']}/timetable/2025/1", json={"percent": 88},
                                headers=trust.hod.headers))
    assert done["entitlement"][0]["gives_reduction"] is True


def test_not_making_satisfactory_progress_starts_a_support_plan_and_tells_the_bus(client, db, trust, induct,
                                                                                   everything, problem):
    ect = induct.ready()
    item = ect["schedule"][0]
    before = everything.snapshot()
    found = problem(induct.review(ect, item, "not making satisfactory progress"), 422)
    assert "support plan" in found["detail"]
    assert everything.snapshot() == before and payloads(db, "cpd.induction_support_plan_started") == []
    after = induct.ok(induct.review(ect, item, "not making satisfactory progress", support_plan=PLAN), 201)
    [plan] = after["support_plans"]
    [event] = payloads(db, "cpd.induction_support_plan_started")
    assert str(event.payload["support_plan_id"]) == plan["id"] and "evidence" not in event.payload


def test_the_appropriate_bodys_pass_ends_induction_and_tells_the_bus(client, db, trust, induct, problem):
    ect = induct.ready()
    final = ect["schedule"][-1]
    decide = {"decision": "passed", "decided_on": "2027-08-01"}
    problem(client.post(f"/inductions/{ect['id']}/decision", json=decide, headers=trust.oak_hr.headers), 409)
    induct.ok(induct.review(ect, {**final, "due_on": "2026-12-01"}, "satisfactory"), 201)
    done = induct.ok(client.post(f"/inductions/{ect['id']}/decision", json=decide, headers=trust.oak_hr.headers))
    assert (done["status"], done["ended_on"]) == ("passed", "2027-08-01")
    [ended] = payloads(db, "cpd.induction_ended")
    assert ended.payload["outcome"] == "passed"


def test_the_mentor_sees_no_decision_nor_extension_and_no_induction_once_it_ends(client, trust, induct, problem):
    """Outsider O10: the mentor read "decision": "extended", the extension, and "Passed (...)" on their page."""
    ect = induct.ready()
    final = ect["schedule"][-1]
    induct.ok(induct.review(ect, {**final, "due_on": "2026-12-01"}, "an extension should be considered"), 201)
    extend = {"decision": "extended", "decided_on": "2026-12-02", "extension_terms": 1}
    induct.ok(client.post(f"/inductions/{ect['id']}/decision", json=extend, headers=trust.oak_hr.headers))
    tutor = induct.ok(client.get(f"/inductions/{ect['id']}", headers=trust.hod.headers))
    assert tutor["decision"] == "extended" and tutor["extensions"] == [{"terms": 1.0, "decided_on": "2026-12-02"}]
    mentor = induct.ok(client.get(f"/inductions/{ect['id']}", headers=trust.other_teacher.headers))
    assert (mentor["decision"], mentor["decided_on"], mentor["extensions"]) == (None, None, [])
    # decided before the final assessment: refused in plain words
    early = problem(client.post(f"/inductions/{ect['id']}/decision", json={"decision": "passed",
                    "decided_on": "2020-01-01"}, headers=trust.oak_hr.headers), 409)
    assert "extension" in early["detail"]
    extended_final = next(s for s in tutor["schedule"] if s["kind"] == "final_formal_assessment")
    induct.ok(induct.review(ect, {**extended_final, "due_on": "2026-12-05"}, "satisfactory"), 201)
    problem(client.post(f"/inductions/{ect['id']}/decision", json={"decision": "passed", "decided_on": "2020-01-01"},
                        headers=trust.oak_hr.headers), 422)
    induct.ok(client.post(f"/inductions/{ect['id']}/decision", json={"decision": "passed", "decided_on": "2026-12-07"},
                          headers=trust.oak_hr.headers))
    problem(client.get(f"/inductions/{ect['id']}", headers=trust.other_teacher.headers), 404)


def test_an_absence_sent_again_is_refused_and_stored_once(client, trust, induct, problem):
    """Outsider O10: the same absence sent three times (eight at once on PostgreSQL) was stored three times, each
    shown on the ECT's page."""
    ect = induct.ready()
    path = f"/inductions/{ect['id']}/absences"
    absence = {"starts_on": "2025-10-06", "ends_on": "2025-10-07", "leave": "sickness"}
    assert client.post(path, json=absence, headers=trust.oak_hr.headers).status_code in (200, 201)
    again = problem(client.post(path, json={**absence, "starts_on": "2025-10-07", "ends_on": "2025-10-09"},
                                headers=trust.oak_hr.headers), 422)
    assert "6 October 2025 to 7 October 2025 is already recorded" in again["detail"]
    seen = induct.ok(client.get(f"/inductions/{ect['id']}", headers=trust.oak_hr.headers))
    assert len(seen["absences"]) == 1


def test_term_dates_read_back_are_taken_back_unchanged(client, trust, induct):
    """Outsider O10: PUTting back what GET /academies/{id}/term-dates gave was 422 "Unknown field." (the names)."""
    induct.term_dates()
    path = f"/academies/{trust.oak}/term-dates"
    read = induct.ok(client.get(path, headers=trust.oak_hr.headers))
    assert read["terms"][0]["name"]
    assert induct.ok(client.put(path, json=read, headers=trust.oak_hr.headers)) == read


def test_an_ect_who_leaves_ends_induction_here(client, db, trust, induct):
    ect = induct.ready()
    left = induct.ok(client.post(f"/inductions/{ect['id']}/leaving", json={"left_on": "2026-04-01"},
                                 headers=trust.oak_hr.headers))
    assert left["status"] == "left"
    assert [e.payload["outcome"] for e in payloads(db, "cpd.induction_ended")] == ["left"]


def test_the_export_for_the_appropriate_body_is_safe_against_formulas_and_prints(client, trust, induct):
    induct.term_dates()
    ect = induct.register(trn="7654321", date_of_birth="2001-05-09")
    induct.ok(induct.review(ect, ect["schedule"][0]), 201)
    got = client.get(f"/inductions/{ect['id']}/record.csv", headers=trust.hod.headers)
    assert got.status_code == 200 and got.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(got.get_data(as_text=True))))
    assert rows[0][:3] == ["ECT", "Teacher reference number", "Date of birth"]
    assert rows[1][:3] == ["Tom Taylor", "7654321", "9 May 2001"]  # outsider F9: what the AB names them by
    assert rows[1][9] == "on track"
    assert "TS7: =HYPERLINK" in rows[1][10]  # inside a cell, not at its start
    assert rows[1][7] == "19 December 2025"
    page = client.get(f"/inductions/{ect['id']}/record", headers=trust.teacher.headers)
    assert page.status_code == 200 and page.mimetype == "text/html"
    text = page.get_data(as_text=True)
    assert "Teaching School Hub North" in text and "7654321" in text and "9 May 2001" in text


def test_a_formula_at_the_start_of_a_cell_is_made_inert(client, trust, induct):
    ect = induct.ready()
    induct.ok(induct.review(ect, ect["schedule"][0], next_steps="=1+2"), 201)
    rows = list(csv.reader(io.StringIO(client.get(f"/inductions/{ect['id']}/record.csv",
                                                  headers=trust.oak_hr.headers).get_data(as_text=True))))
    assert rows[1][11] == "'=1+2"


@pytest.mark.parametrize("body, words", [
    ({"starts_on": "2025-07-01"}, "before qualified teacher status"),
    ({"programme_type": "provider-led", "lead_provider": ""}, "names its lead provider"),
    ({"starts_on": "2040-09-01"}, "outside the term dates"),
    ({"tutor_id": None, "mentor_id": None, "staff_id": "00000000-0000-0000-0000-000000000001"}, "not on the academy"),
    # outsider O7: a direction override, an escape, or nothing to see, carried into the appropriate body's record
    ({"appropriate_body": "X\u202eY"}, "contains U+202E"), ({"appropriate_body": "\u3164"}, "visible text"),
    ({"lead_provider": "X\x1bY"}, "control"), ({"delivery_partner": "\u200b\u200b"}, "visible text"),
])
def test_bad_registration_is_refused_in_plain_words_and_changes_nothing(client, trust, induct, everything,
                                                                        problem, body, words):
    induct.term_dates()
    before = everything.snapshot()
    t = trust
    full = {"staff_id": t.teacher.id, "academy_id": t.oak, "qts_on": "2025-07-15", "starts_on": "2025-09-01",
            "fte": 1, "appropriate_body": "Hub", "programme_type": "school-led", **body}
    found = problem(client.post("/inductions", json=full, headers=t.oak_hr.headers), 422)
    assert words in found["detail"] or any(words in e["detail"] for e in found.get("errors", []))
    assert everything.snapshot() == before


def test_registration_needs_the_academys_term_dates_first(client, trust, induct, problem):
    found = problem(client.post("/inductions", headers=trust.oak_hr.headers, json={
        "staff_id": trust.teacher.id, "academy_id": trust.oak, "qts_on": "2025-07-15", "starts_on": "2025-09-01",
        "fte": 1, "appropriate_body": "Hub", "programme_type": "school-led"}), 422)
    assert "term dates" in found["detail"]


# -- the authorisation matrix: every induction endpoint, every relation ---------------------------------------

WHO = ["teacher", "hod", "other_teacher", "oak_hr", "trust_hr", "elm_hr", "ta"]  # ECT, tutor, mentor, HR, strangers


def _matrix_call(client, induct, ect, name, who):
    t, h = induct.trust, getattr(induct.trust, who).headers
    path = f"/inductions/{ect['id']}"
    item = ect["schedule"][0]
    calls = {
        "read": lambda: client.get(path, headers=h),
        "assign": lambda: client.put(f"{path}/people", json={"tutor_id": t.hod.id, "mentor_id": t.head.id},
                                     headers=h),
        "absence": lambda: client.post(f"{path}/absences", headers=h, json={
            "starts_on": "2025-10-06", "ends_on": "2025-10-07", "leave": "sickness"}),
        "post": lambda: client.post(f"{path}/posts", json={"school": "Oak", "starts_on": "2026-01-05", "fte": 0.8},
                                    headers=h),
        "timetable": lambda: client.put(f"{path}/timetable/2025/1", json={"percent": 80}, headers=h),
        "review": lambda: induct.review(ect, item, who=getattr(t, who)),
        "decision": lambda: client.post(f"{path}/decision", json={"decision": "passed", "decided_on": "2027-08-01"},
                                        headers=h),
        "leaving": lambda: client.post(f"{path}/leaving", json={"left_on": "2026-04-01"}, headers=h),
        "csv": lambda: client.get(f"{path}/record.csv", headers=h),
        "print": lambda: client.get(f"{path}/record", headers=h),
        "term_dates_read": lambda: client.get(f"/academies/{t.oak}/term-dates", headers=h),
        "term_dates_set": lambda: client.put(f"/academies/{t.oak}/term-dates", json={"terms": _terms()}, headers=h),
        "register": lambda: client.post("/inductions", headers=h, json={
            "staff_id": t.ta.id, "academy_id": t.oak, "qts_on": "2025-07-15", "starts_on": "2025-09-01", "fte": 1,
            "appropriate_body": "Hub", "programme_type": "school-led"}),
    }
    return calls[name]()


# name: the status for WHO's order (teacher=ECT, hod=tutor, other_teacher=mentor, oak_hr, trust_hr, elm_hr, ta)
MATRIX = {
    "read":            (200, 200, 200, 200, 200, 404, 404),
    "assign":          (403, 403, 403, 200, 200, 404, 404),
    "absence":         (403, 403, 403, 200, 200, 404, 404),
    "post":            (403, 403, 403, 200, 200, 404, 404),
    "timetable":       (403, 200, 403, 200, 200, 404, 404),  # the tutor, or HR who set the timetable
    "review":          (403, 201, 403, 403, 403, 404, 404),
    "decision":        (403, 403, 403, 409, 409, 404, 404),
    "leaving":         (403, 403, 403, 200, 200, 404, 404),
    "csv":             (200, 200, 403, 200, 200, 404, 404),
    "print":           (200, 200, 403, 200, 200, 404, 404),
    "term_dates_read": (200, 200, 200, 200, 200, 403, 200),
    "term_dates_set":  (403, 403, 403, 200, 200, 403, 403),
    "register":        (403, 403, 403, 201, 201, 403, 403),
}


@pytest.mark.parametrize("name", list(MATRIX))
@pytest.mark.parametrize("who", WHO)
def test_authorisation_matrix(client, induct, name, who):
    ect = induct.ready()
    expected = MATRIX[name][WHO.index(who)]
    got = _matrix_call(client, induct, ect, name, who)
    assert got.status_code == expected, (name, who, got.get_data(as_text=True))


@pytest.mark.parametrize("who, as_, status", [
    ("teacher", "ect", 200), ("hod", "ect", 403), ("hod", "tutor", 200), ("teacher", "tutor", 403),
    ("oak_hr", "head", 200), ("trust_hr", "head", 200), ("teacher", "head", 403), ("other_teacher", "ect", 403),
    ("elm_hr", "head", 404),
])
def test_who_signs_a_review(client, trust, induct, who, as_, status):
    ect = induct.ready()
    review = induct.ok(induct.review(ect, ect["schedule"][0]), 201)["reviews"][0]
    got = client.post(f"/inductions/{ect['id']}/reviews/{review['id']}/signatures", json={"signing_as": as_},
                      headers=getattr(trust, who).headers)
    assert got.status_code == status, got.get_data(as_text=True)


@pytest.mark.parametrize("path, who, status", [
    ("/inductions", "teacher", 403), ("/inductions", "oak_hr", 200), ("/inductions", "trust_hr", 200),
    ("/inductions/mine", "teacher", 200), ("/inductions/mine", "hod", 404),
    ("/inductions/mentees", "other_teacher", 200), ("/inductions/tutoring", "hod", 200),
])
def test_who_reads_the_lists(client, trust, induct, path, who, status):
    induct.ready()
    assert client.get(path, headers=getattr(trust, who).headers).status_code == status


def test_hr_lists_only_their_academys_ects(client, trust, induct):
    induct.ready()
    assert len(induct.ok(client.get("/inductions", headers=trust.oak_hr.headers))) == 1
    assert induct.ok(client.get("/inductions", headers=trust.elm_hr.headers)) == []
    assert len(induct.ok(client.get("/inductions", headers=trust.trust_hr.headers))) == 1


def test_a_subject_access_copy_holds_the_ects_induction_and_its_reviews(app, trust, induct):
    from cpd.service.subject_access import HOLDINGS
    from staffroom_shared.subject_access import collect

    ect = induct.ready()
    induct.ok(induct.review(ect, ect["schedule"][0]), 201)
    context = app.extensions["staffroom"]
    with context.uow() as uow:
        found = collect(uow.session, HOLDINGS, uuid.UUID(trust.teacher.id),
                        context.metadata.tables["audit_log"])
    text = str(found)
    assert "your statutory induction as an early career teacher" in text
    assert "your progress reviews and formal assessments, with your comments" in text
    assert "Lessons well sequenced" in text


# -- outsider F5, F6, F9 and issue 25's API gaps --------------------------------------------------------------

@pytest.mark.parametrize("body, words", [
    ({"served_elsewhere": 12}, "12 terms already served elsewhere would leave nothing of a 6 terms induction"),
    ({"served_elsewhere": 6}, "leave nothing"),
    ({"served_elsewhere": 2, "reduced_to": 2}, "leave nothing"),
    ({"reduced_to": 0.5}, "no less than one term"),
    ({"qts_on": "2099-07-15", "starts_on": "2099-09-01"}, "still to come"),
    ({"date_of_birth": "2015-01-01"}, "under 18"),
    ({"trn": "12345"}, "seven digits"),
])
def test_impossible_registrations_are_refused_in_plain_words_and_change_nothing(client, trust, induct, everything,
                                                                                problem, body, words):
    induct.term_dates()
    before = everything.snapshot()
    found = problem(client.post("/inductions", headers=trust.oak_hr.headers, json={
        "staff_id": trust.teacher.id, "academy_id": trust.oak, "qts_on": "2025-07-15", "starts_on": "2025-09-01",
        "fte": 1, "appropriate_body": "Hub", "programme_type": "school-led", **body}), 422)
    assert words in found["detail"] and "2025-" not in found["detail"]
    assert everything.snapshot() == before


def test_the_date_of_birth_and_reference_number_are_for_the_ect_tutor_and_hr_not_the_mentor(client, trust, induct):
    induct.term_dates()
    ect = induct.register(trn="7654321", date_of_birth="2001-05-09")
    for who in (trust.teacher, trust.hod, trust.oak_hr, trust.trust_hr):
        seen = induct.ok(client.get(f"/inductions/{ect['id']}", headers=who.headers))
        assert (seen["trn"], seen["date_of_birth"]) == ("7654321", "2001-05-09"), who
    mentor = induct.ok(client.get(f"/inductions/{ect['id']}", headers=trust.other_teacher.headers))
    assert "date_of_birth" not in mentor and "trn" not in mentor
    [mentee] = induct.ok(client.get("/inductions/mentees", headers=trust.other_teacher.headers))
    assert "date_of_birth" not in mentee and "trn" not in mentee


def test_a_formal_assessments_report_deadline_counts_from_the_day_it_was_held(client, trust, induct):
    ect = induct.ready()
    first = next(s for s in ect["schedule"] if s["kind"] == "first_formal_assessment")
    assert first["due_on"] == "2026-07-21" and first["report_by"] is None  # not held: no day to count from yet
    assert ect["final_assessment"] == {"due_on": "2027-07-21", "held_on": None, "report_by": None,
                                       "recommendation_by": "2027-08-03"}
    # held early, on Monday 6 July 2026: due at the appropriate body by Friday 17 July (10 working days beginning
    # with the meeting, S1 2.61), not 3 August (10 from the due date: outsider F6)
    after = induct.ok(induct.review(ect, first, "making satisfactory progress", held_on="2026-07-06"), 201)
    [review] = after["reviews"]
    assert review["report_by"] == "2026-07-17"
    assert next(s for s in after["schedule"] if s["kind"] == "first_formal_assessment")["report_by"] == "2026-07-17"
    final = ect["schedule"][-1]
    done = induct.ok(induct.review(ect, {**final, "due_on": "2026-12-01"}, "satisfactory"), 201)
    assert done["final_assessment"] == {"due_on": "2027-07-21", "held_on": "2026-12-01", "report_by": "2026-12-14",
                                        "recommendation_by": "2027-08-03"}


def test_each_review_and_assessment_says_the_first_day_of_its_term(client, trust, induct):
    ect = induct.ready()
    assert [s["term_starts_on"] for s in ect["schedule"]] == [
        "2025-09-01", "2026-01-05", "2026-04-19", "2026-09-01", "2027-01-05", "2027-04-19"]
    [row] = induct.ok(client.get("/inductions/tutoring", headers=trust.hod.headers))
    assert row["next_due"]["term_starts_on"] == "2025-09-01"


def test_the_tutors_dashboard_shows_this_terms_timetable_recorded_or_not(client, trust, induct):
    ect = induct.ready()
    [row] = induct.ok(client.get("/inductions/tutoring", headers=trust.hod.headers))
    this = row["this_term"]
    assert this["taught_percent"] is None and this["term"]  # not recorded yet
    # HR record it after registration, and correct it; the dashboard shows the last
    path = f"/inductions/{ect['id']}/timetable/{this['school_year']}/{this['term_number']}"
    induct.ok(client.put(path, json={"percent": 80}, headers=trust.oak_hr.headers))
    induct.ok(client.put(path, json={"percent": 85}, headers=trust.oak_hr.headers))
    [row] = induct.ok(client.get("/inductions/tutoring", headers=trust.hod.headers))
    assert row["this_term"]["taught_percent"] == 85.0


def test_the_mentor_sees_their_own_mentor_training_and_no_other_cpd(client, trust, induct, steps):
    training = steps.offered(cost="0.00", kind="mentor_training", title="Mentoring early career teachers",
                             requires_approval=False)
    other = steps.offered(cost="0.00", title="Adaptive teaching", requires_approval=False)
    steps.request(training, trust.other_teacher)
    steps.request(other, trust.other_teacher)
    steps.request(training, trust.hod)
    [mine] = induct.ok(client.get("/inductions/mentor-training", headers=trust.other_teacher.headers))
    assert (mine["title"], mine["status"]) == ("Mentoring early career teachers", "confirmed")
    assert induct.ok(client.get("/inductions/mentor-training", headers=trust.teacher.headers)) == []
