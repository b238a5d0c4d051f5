"""The statutory induction pages (issue 25) as the portal draws them from the CPD API's answers (a fake of it, in
process): what each person is shown and offered, what each form sends, and each refusal (the portal's own and the
API's) said on the page in plain words with what was typed kept. The journeys against the real suite are in
browser/test_induction.py."""
from __future__ import annotations

import json
import re
import uuid

import httpx
import pytest

from staffroom_portal.testing import signed_in_against

ME, ACADEMY, OTHER_ACADEMY, ECT, TUTOR, MENTOR, INDUCTION, REVIEW = (str(uuid.uuid4()) for _ in range(8))
API = "/api/cpd/inductions"
ID_OR_ISO = re.compile(r"\b20\d\d-\d\d-\d\d\b|[0-9a-f]{8}-[0-9a-f]{4}-")


def problem(status: int, detail: str, *errors: tuple[str, str]) -> tuple[int, dict]:
    return status, {"title": "Refused", "status": status, "detail": detail,
                    "errors": [{"pointer": pointer, "detail": words} for pointer, words in errors]}


INVALID = "the request has invalid fields; see errors"


class FakeApi:
    """The APIs the pages call: an answer (JSON, or (status, JSON)) by method and path; what was sent."""

    def __init__(self):
        self.answers = {("GET", "/api/directory/staff/me"): {"first_name": "Priya", "last_name": "Shah",
                                                             "post": "Teacher", "academy_id": ACADEMY},
                        ("GET", f"/api/directory/staff/{ME}"): {"id": ME, "academy_id": ACADEMY},
                        ("GET", "/api/directory/academies"): [{"id": ACADEMY, "name": "Oak Academy"},
                                                              {"id": OTHER_ACADEMY, "name": "Elm Academy"}],
                        ("GET", "/api/directory/staff"): {"items": [
                            {"id": ECT, "first_name": "Sam", "last_name": "Reid", "post": "Early Career Teacher"},
                            {"id": TUTOR, "first_name": "Ann", "last_name": "Lee", "post": "Head of Department"},
                            {"id": MENTOR, "first_name": "Tom", "last_name": "Hall", "post": "Teacher"}],
                            "total": 3},
                        ("GET", f"{API}/tutoring"): [], ("GET", f"{API}/mentees"): [],
                        ("GET", f"/api/cpd/academies/{ACADEMY}/term-dates"): {"terms": [TERM]}}
        self.sent: list[httpx.Request] = []

    def __setitem__(self, key: tuple[str, str], answer) -> None:
        self.answers[key] = answer

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.sent.append(request)
        answer = self.answers.get((request.method, request.url.path))
        if answer is None:
            return httpx.Response(404, json={"title": "Not Found", "status": 404,
                                             "detail": "there is no such induction; go back to the list"})
        if isinstance(answer, Exception):
            raise answer
        status, body = answer if isinstance(answer, tuple) else (200, answer)
        if isinstance(body, str):
            return httpx.Response(status, text=body, headers={"Content-Type": "text/csv"})
        return httpx.Response(status, json=body, headers={"Content-Type": "application/problem+json"}
                              if status >= 400 else None)

    def bodies(self, method: str, path: str) -> list[dict]:
        return [json.loads(r.content) for r in self.sent if r.method == method and r.url.path == path]


TERM = {"school_year": 2026, "number": 1, "name": "autumn term 2026 to 2027", "starts_on": "2026-09-02",
        "ends_on": "2026-12-18", "breaks": [{"starts_on": "2026-10-26", "ends_on": "2026-10-30"}]}
DUE = {"kind": "progress_review", "kind_words": "progress review", "term": "autumn term 2026 to 2027",
       "school_year": 2026, "term_number": 1, "due_on": "2026-12-18", "report_by": None, "review_id": None,
       "held_on": None, "overdue": False}
LATE = {**DUE, "term": "summer term 2025 to 2026", "school_year": 2025, "term_number": 3,
        "kind": "first_formal_assessment", "kind_words": "first formal assessment", "due_on": "2026-07-17",
        "report_by": "2026-07-30", "overdue": True}
SUMMARY = {"id": INDUCTION, "staff_id": ECT, "staff_name": "Sam Reid", "academy_id": ACADEMY,
           "starts_on": "2025-09-02", "status": "serving", "tutor_name": "Ann Lee", "mentor_name": "Tom Hall",
           "completes": "2027-07-16", "next_due": LATE, "overdue": [LATE], "schedule_problem": None}
HELD = {"id": REVIEW, "kind": "progress_review", "kind_words": "progress review", "school_year": 2025,
        "term_number": 1, "due_on": "2025-12-19", "report_by": None, "held_on": "2025-12-12",
        "tutor_signed_on": "2025-12-19", "head_signed_on": None, "ect_signed_on": None}
NOTES = {"outcome": "on track", "next_steps": "Plan hinge questions", "ect_comments": None,
         "standards": [{"standard": "TS4", "name": "Plan and teach well structured lessons",
                        "notes": "Well sequenced <b>lessons</b>"}]}


def induction(may: list[str], notes: bool = True, **given) -> dict:
    held = {**HELD, **(NOTES if notes else {})}
    return {**SUMMARY, "qts_on": "2025-07-10", "appropriate_body": "Oak Teaching School Hub",
            "programme_type": "provider-led", "lead_provider": "Ambition Institute", "delivery_partner": None,
            "tutor_id": TUTOR, "mentor_id": MENTOR, "decision": None, "decided_on": None, "ended_on": None,
            "served_terms": 3.88, "required_terms": 6.0, "first_year_ends": "2026-07-17",
            "schedule": [{**DUE, "term": "autumn term 2025 to 2026", "school_year": 2025, "due_on": "2025-12-19",
                          "review_id": REVIEW, "held_on": "2025-12-12"}, LATE, DUE],
            "entitlement": [{"term": "autumn term 2026 to 2027", "school_year": 2026, "term_number": 1,
                             "most_percent": 95.0, "taught_percent": None, "gives_reduction": None}],
            "posts": [{"school": "Oak Academy", "starts_on": "2025-09-02", "ends_on": None, "fte": 1.0}],
            "absences": [], "extensions": [], "reviews": [held],
            "support_plans": [], "may": may, **given}


@pytest.fixture
def fake() -> FakeApi:
    return FakeApi()


@pytest.fixture
def portal(tmp_path, portal_db, fake):
    """`portal(role)`: a test client signed in as Priya with that role."""
    return signed_in_against(tmp_path, portal_db, fake, ME)


def _main(response) -> str:
    page = response.get_data(as_text=True)
    return page[page.index("<main"):page.index("</main>")]


def _nav(response) -> str:
    page = response.get_data(as_text=True)
    return page[page.index('<nav aria-label="Main">'):page.index("</nav>")]


def _plain(main: str) -> str:
    assert not ID_OR_ISO.search(re.sub(r'(href|action|value|id|for|aria-\w+)="[^"]*"', "", main)), main
    return main


# -- navigation: each person sees the links that apply to them -----------------------------------------------

@pytest.mark.parametrize(("role", "answers", "shown"), [
    ("staff", {}, False),
    ("staff", {("GET", f"{API}/mentees"): [SUMMARY]}, True),
    ("staff", {("GET", f"{API}/tutoring"): [SUMMARY]}, True),
    ("staff", {("GET", f"{API}/mine"): induction(["ect"])}, True),
    ("academy_hr", {}, True),
])
def test_the_induction_link_is_shown_only_to_hr_and_to_ects_their_tutors_and_mentors(portal, fake, role, answers,
                                                                                        shown):
    for key, answer in answers.items():
        fake[key] = answer
    fake[("GET", "/api/notifications/inbox/unread-count")] = {"unread": 0}
    nav = _nav(portal(role).get("/accessibility"))
    assert ('href="/induction"' in nav) is shown


def test_the_navigation_asks_once_a_minute_not_on_every_page(portal, fake):
    client = portal()
    for _ in range(3):
        client.get("/accessibility")
    assert sum(r.url.path == f"{API}/tutoring" for r in fake.sent) == 1


@pytest.mark.parametrize("answer", [(503, {"title": "Unavailable", "detail": "try again"}),
                                    httpx.ConnectError("connection refused")], ids=["refused", "unreachable"])
def test_a_page_s_navigation_survives_the_cpd_api_being_out_of_reach(portal, fake, answer):
    fake[("GET", f"{API}/tutoring")] = answer
    response = portal().get("/accessibility")
    assert response.status_code == 200 and 'href="/induction"' not in _nav(response)


def test_a_page_the_portal_refuses_itself_asks_no_api_for_its_navigation(portal, fake):
    client = portal()
    fake.sent.clear()
    response = client.get("/induction/ects")  # HR's only: refused by the portal
    assert response.status_code == 403 and '<nav aria-label="Main">' in response.get_data(as_text=True)
    assert [r.url.path for r in fake.sent if r.url.path.startswith("/api/cpd/")] == []


# -- the start page and the dashboards -------------------------------------------------------------------------

def test_the_tutor_s_dashboard_says_what_is_due_and_what_is_overdue_in_words(portal, fake):
    fake[("GET", f"{API}/tutoring")] = [SUMMARY]
    main = _plain(_main(portal().get("/induction")))
    assert "ECTs you are induction tutor for" in main and "Your mentees" not in main and "For HR" not in main
    assert "First formal assessment, summer term 2025 to 2026, by 17 July 2026" in main
    assert "1 overdue meeting" in main and "Expected to complete" in main and "16 July 2027" in main


def test_the_mentor_s_page_lists_their_mentees_only(portal, fake):
    fake[("GET", f"{API}/mentees")] = [SUMMARY]
    main = _plain(_main(portal().get("/induction")))
    assert "Your mentees" in main and "Sam Reid" in main and "ECTs you are induction tutor for" not in main


def test_someone_with_no_part_in_induction_is_told_so(portal):
    client = portal()
    assert "You are not serving induction" in _main(client.get("/induction"))
    response = client.get("/induction/mine")
    assert response.status_code == 404 and "ask your academy's HR team to register you" in _main(response)


def test_the_ect_s_own_induction_opens_from_mine(portal, fake):
    fake[("GET", f"{API}/mine")] = induction(["ect"])
    response = portal().get("/induction/mine")
    assert response.status_code == 302 and response.location.endswith(f"/induction/{INDUCTION}")


def test_hr_s_list_of_ects_for_trust_hr_chooses_an_academy(portal, fake):
    fake[("GET", API)] = [SUMMARY]
    client = portal("trust_hr")
    main = _plain(_main(client.get(f"/induction/ects?academy_id={OTHER_ACADEMY}")))
    assert "Elm Academy" in main and "Sam Reid" in main and "Serving induction since 2 September 2025" in main
    assert [r.url.params.get("academy_id") for r in fake.sent if r.url.path == API] == [OTHER_ACADEMY]
    client.get("/induction/ects?academy_id=not-one")  # an academy HR cannot name: every academy they may see
    assert [r.url.params.get("academy_id") for r in fake.sent if r.url.path == API][-1] is None


def test_a_member_of_staff_cannot_open_hr_s_pages(portal, fake):
    for path in ("/induction/ects", "/induction/ects/new", "/induction/term-dates"):
        response = portal().get(path)
        assert response.status_code == 403, path
    assert not [r for r in fake.sent if r.url.path.startswith("/api/cpd/") and "term-dates" in r.url.path]


# -- one induction: what each person is shown and offered -----------------------------------------------------

def test_the_ect_sees_their_schedule_entitlement_and_review_and_may_sign_with_comments(portal, fake):
    fake[("GET", f"{API}/{INDUCTION}")] = induction(["ect"])
    main = _plain(_main(portal().get(f"/induction/{INDUCTION}")))
    assert "<h1>Your induction</h1>" in main and "95% of a full timetable" in main and "Not recorded yet" in main
    assert "Held on 12 December 2025" in main and "Well sequenced &lt;b&gt;lessons&lt;/b&gt;" in main
    assert "Sign the progress review" in main and 'name="comments"' in main
    assert "Sign for the headteacher" not in main and "Record it" not in main and "For HR" not in main
    assert "Download the record (CSV)" in main


def test_the_mentor_is_offered_nothing_to_record_sign_or_export(portal, fake):
    fake[("GET", f"{API}/{INDUCTION}")] = induction(["mentor"], notes=False)
    main = _plain(_main(portal().get(f"/induction/{INDUCTION}")))
    assert "Sam Reid: induction" in main and "Held on 12 December 2025" in main
    assert "<form" not in main and "Outcome" not in main and "Download the record" not in main


def test_the_tutor_is_offered_the_timetable_and_the_reviews_due_or_overdue(portal, fake):
    fake[("GET", f"{API}/{INDUCTION}")] = induction(["tutor"])
    main = _main(portal().get(f"/induction/{INDUCTION}"))
    links = re.findall(r'href="(/induction/[^"]+/reviews/new[^"]*)"', main)
    assert [re.search(r"kind=(\w+)", link)[1] for link in links] == ["first_formal_assessment"]  # overdue
    fake[("GET", f"{API}/{INDUCTION}")] = induction(["tutor"], overdue=[], next_due=DUE, schedule=[DUE])
    links = re.findall(r'href="(/induction/[^"]+/reviews/new[^"]*)"', _main(portal().get(f"/induction/{INDUCTION}")))
    assert [re.search(r"term_number=(\d)", link)[1] for link in links] == ["1"]  # due next, its term begun
    later = {**DUE, "school_year": 2026, "term_number": 2, "term": "spring term 2026 to 2027", "due_on": "2027-03-26"}
    fake[("GET", f"{API}/{INDUCTION}")] = induction(["tutor"], overdue=[], next_due=later, schedule=[later])
    assert "/reviews/new" not in _main(portal().get(f"/induction/{INDUCTION}"))  # a term still to come
    assert "Save the timetable" in main and "Sign as the induction tutor" not in main  # signed already
    assert "Save the tutor and mentor" not in main


def test_hr_are_offered_the_tutor_and_mentor_absence_decision_and_leaving(portal, fake):
    fake[("GET", f"{API}/{INDUCTION}")] = induction(["hr"])
    main = _plain(_main(portal("academy_hr").get(f"/induction/{INDUCTION}")))
    for button in ("Save the tutor and mentor", "Record the absence", "Record the new working pattern",
                   "Record the decision",
                   "Record that they left", "Sign for the headteacher"):
        assert button in main, button
    assert f'<option value="{TUTOR}" selected>Ann Lee, Head of Department</option>' in main


def test_an_ended_induction_offers_hr_no_changes(portal, fake):
    fake[("GET", f"{API}/{INDUCTION}")] = induction(["hr"], status="passed", decided_on="2027-07-20")
    main = _main(portal("academy_hr").get(f"/induction/{INDUCTION}"))
    assert "Passed (20 July 2027)" in main and "Record the absence" not in main


def test_a_stranger_is_told_there_is_no_such_induction(portal):
    response = portal().get(f"/induction/{INDUCTION}")
    assert response.status_code == 404 and "There is no such induction" in response.get_data(as_text=True)


# -- HR's forms ---------------------------------------------------------------------------------------------

def _hr(portal, fake):
    fake[("GET", f"{API}/{INDUCTION}")] = induction(["hr"])
    return portal("academy_hr")


def test_hr_name_the_tutor_and_mentor(portal, fake):
    fake[("PUT", f"{API}/{INDUCTION}/people")] = induction(["hr"])
    response = _hr(portal, fake).post(f"/induction/{INDUCTION}/people", data={"tutor_id": TUTOR, "mentor_id": ""},
                                      follow_redirects=True)
    assert "The induction tutor and mentor are saved." in response.get_data(as_text=True)
    assert fake.bodies("PUT", f"{API}/{INDUCTION}/people") == [{"tutor_id": TUTOR, "mentor_id": None}]


def test_the_api_s_refusal_of_a_tutor_is_said_on_the_page(portal, fake):
    fake[("PUT", f"{API}/{INDUCTION}/people")] = problem(422, "the ECT cannot be their own induction tutor or mentor")
    response = _hr(portal, fake).post(f"/induction/{INDUCTION}/people", data={"tutor_id": ECT, "mentor_id": ""})
    assert response.status_code == 422
    assert "The ECT cannot be their own induction tutor or mentor." in _main(response)


def test_an_absence_without_its_dates_is_refused_before_the_api_is_asked(portal, fake):
    response = _hr(portal, fake).post(f"/induction/{INDUCTION}/absences", data={"starts_on": "", "ends_on": "",
                                                                                "leave": "sickness"})
    assert response.status_code == 422 and "Give the first day of the absence" in _main(response)
    assert fake.bodies("POST", f"{API}/{INDUCTION}/absences") == []


def test_an_absence_the_api_refuses_is_said_in_words_without_its_iso_dates_and_typed_values_kept(portal, fake):
    fake[("POST", f"{API}/{INDUCTION}/absences")] = problem(
        422, "absence before induction started (2025-09-02) does not count towards it")
    response = _hr(portal, fake).post(f"/induction/{INDUCTION}/absences", data={
        "starts_on": "2025-01-05", "ends_on": "2025-01-09", "leave": "sickness", "days": "3"})
    main = _main(response)
    assert response.status_code == 422 and "before induction started (2 September 2025)" in main
    assert 'value="2025-01-05"' in main and 'value="3"' in main
    assert fake.bodies("POST", f"{API}/{INDUCTION}/absences") == [
        {"starts_on": "2025-01-05", "ends_on": "2025-01-09", "leave": "sickness", "days": 3, "extend": False}]


def test_an_extension_without_its_length_is_refused_and_a_pass_sends_none(portal, fake):
    client = _hr(portal, fake)
    response = client.post(f"/induction/{INDUCTION}/decision", data={"decision": "extended",
                                                                      "decided_on": "2027-07-20"})
    assert response.status_code == 422 and "Say by how many terms induction is extended" in _main(response)
    fake[("POST", f"{API}/{INDUCTION}/decision")] = induction(["hr"])
    response = client.post(f"/induction/{INDUCTION}/decision", data={
        "decision": "passed", "decided_on": "2027-07-20", "extension_terms": "2"}, follow_redirects=True)
    assert "The appropriate body&#39;s decision is recorded." in response.get_data(as_text=True)
    assert fake.bodies("POST", f"{API}/{INDUCTION}/decision") == [
        {"decision": "passed", "decided_on": "2027-07-20", "extension_terms": None}]


def test_a_decision_the_api_refuses_is_said_at_its_field(portal, fake):
    fake[("POST", f"{API}/{INDUCTION}/decision")] = problem(422, INVALID, ("#/extension_terms",
                                                                           "Must be greater than or equal to 0.1 and "
                                                                           "less than or equal to 6."))
    response = _hr(portal, fake).post(f"/induction/{INDUCTION}/decision", data={
        "decision": "extended", "decided_on": "2027-07-20", "extension_terms": "9"})
    assert response.status_code == 422 and "Enter a number from 0.1 to 6." in _main(response)
    assert 'id="e-extension_terms"' in _main(response)


def test_hr_record_leaving_and_a_second_time_is_refused_in_the_api_s_words(portal, fake):
    client = _hr(portal, fake)
    assert "Give the last day they worked here" in _main(client.post(f"/induction/{INDUCTION}/leaving", data={}))
    fake[("POST", f"{API}/{INDUCTION}/leaving")] = induction(["hr"])
    done = client.post(f"/induction/{INDUCTION}/leaving", data={"left_on": "2027-02-01"}, follow_redirects=True)
    assert "Their leaving is recorded" in done.get_data(as_text=True)
    fake[("POST", f"{API}/{INDUCTION}/leaving")] = problem(409, "induction has already ended (left)")
    again = client.post(f"/induction/{INDUCTION}/leaving", data={"left_on": "2027-02-01"})
    assert again.status_code == 422 and "Induction has already ended (left)." in _main(again)


def test_hr_record_a_new_working_pattern_and_its_refusal_is_said_in_words(portal, fake):
    client = _hr(portal, fake)
    page = _main(client.get(f"/induction/{INDUCTION}"))
    assert 'id="f-school" name="school" type="text" value="Oak Academy"' in page  # the current school, to change
    empty = client.post(f"/induction/{INDUCTION}/posts", data={"school": "Oak Academy", "starts_on": "", "fte": ""})
    assert empty.status_code == 422 and "Give the first day of the new working pattern" in _main(empty)
    fake[("POST", f"{API}/{INDUCTION}/posts")] = problem(
        422, "a new working pattern must start after the current one (2025-09-02)")
    refused_ = client.post(f"/induction/{INDUCTION}/posts", data={"school": "Oak Academy", "starts_on": "2025-01-01",
                                                                  "fte": "0.5"})
    assert "must start after the current one (2 September 2025)" in _main(refused_)
    fake[("POST", f"{API}/{INDUCTION}/posts")] = induction(["hr"])
    done = client.post(f"/induction/{INDUCTION}/posts", data={"school": "Oak Academy", "starts_on": "2027-01-04",
                                                              "fte": "0.5"}, follow_redirects=True)
    assert "The new working pattern is recorded" in done.get_data(as_text=True)
    assert fake.bodies("POST", f"{API}/{INDUCTION}/posts")[-1] == {"school": "Oak Academy", "starts_on": "2027-01-04",
                                                                   "fte": 0.5}


def test_hr_sign_for_the_headteacher(portal, fake):
    fake[("POST", f"{API}/{INDUCTION}/reviews/{REVIEW}/signatures")] = induction(["hr"])
    response = _hr(portal, fake).post(f"/induction/{INDUCTION}/reviews/{REVIEW}/sign", data={"signing_as": "head"},
                                      follow_redirects=True)
    assert "You signed for the headteacher." in response.get_data(as_text=True)
    assert fake.bodies("POST", f"{API}/{INDUCTION}/reviews/{REVIEW}/signatures") == [
        {"signing_as": "head", "comments": None}]


# -- the tutor's forms ----------------------------------------------------------------------------------------

def _tutor(portal, fake):
    fake[("GET", f"{API}/{INDUCTION}")] = induction(["tutor"])
    return portal()


def test_the_tutor_records_a_term_s_timetable(portal, fake):
    fake[("PUT", f"{API}/{INDUCTION}/timetable/2026/1")] = induction(["tutor"])
    response = _tutor(portal, fake).post(f"/induction/{INDUCTION}/timetable", data={"term": "2026-1",
                                                                                   "percent": "88%"},
                                         follow_redirects=True)
    assert "The term&#39;s timetable is recorded." in response.get_data(as_text=True)
    assert fake.bodies("PUT", f"{API}/{INDUCTION}/timetable/2026/1") == [{"percent": 88.0}]


def test_a_timetable_over_the_reduction_is_refused_in_the_api_s_words(portal, fake):
    fake[("PUT", f"{API}/{INDUCTION}/timetable/2026/1")] = problem(
        422, "in the autumn term 2026 to 2027 this ECT may teach no more than 95% of a main pay range teacher's "
             "timetable (the reduced timetable, S1 2.20); 99% was given")
    client = _tutor(portal, fake)
    response = client.post(f"/induction/{INDUCTION}/timetable", data={"term": "2026-1", "percent": "99"})
    main = _main(response)
    assert response.status_code == 422 and "may teach no more than 95%" in main and 'value="99"' in main
    empty = client.post(f"/induction/{INDUCTION}/timetable", data={"term": "2026-1", "percent": ""})
    assert "Give the share of a full timetable they teach" in _main(empty)


def test_the_review_form_offers_the_outcomes_of_its_kind(portal, fake):
    main = _plain(_main(_tutor(portal, fake).get(
        f"/induction/{INDUCTION}/reviews/new?kind=first_formal_assessment&school_year=2025&term_number=3")))
    assert "<h1>First formal assessment</h1>" in main and "within 10 working days of the meeting" in main
    assert "Making satisfactory progress" in main and "On track" not in main
    assert main.count("<textarea") == 9 + 1 + 5  # the standards, next steps, the support plan's five


def test_the_review_form_is_not_offered_for_a_meeting_the_schedule_does_not_give_or_to_others(portal, fake):
    client = _tutor(portal, fake)
    assert client.get(f"/induction/{INDUCTION}/reviews/new?kind=progress_review&school_year=2031"
                      "&term_number=1").status_code == 404
    fake[("GET", f"{API}/{INDUCTION}")] = induction(["ect"])
    assert client.get(f"/induction/{INDUCTION}/reviews/new?kind=progress_review&school_year=2026"
                      "&term_number=1").status_code == 403


REVIEW_FORM = {"kind": "progress_review", "school_year": "2026", "term_number": "1", "held_on": "2026-12-07",
               "outcome": "not making satisfactory progress", "std-TS7": "Routines not yet consistent",
               "next_steps": ""}


def test_a_review_without_an_outcome_or_standards_is_refused_before_the_api_is_asked(portal, fake):
    client = _tutor(portal, fake)
    response = client.post(f"/induction/{INDUCTION}/reviews/new", data={**REVIEW_FORM, "outcome": ""})
    assert response.status_code == 422 and "Choose the outcome" in _main(response)
    response = client.post(f"/induction/{INDUCTION}/reviews/new", data={**REVIEW_FORM, "std-TS7": " "})
    assert "Say what was seen against at least one of the Teachers" in _main(response)
    assert fake.bodies("POST", f"{API}/{INDUCTION}/reviews") == []


def test_a_concern_without_a_support_plan_is_refused_in_the_api_s_words_with_what_was_typed_kept(portal, fake):
    fake[("POST", f"{API}/{INDUCTION}/reviews")] = problem(
        422, "not making satisfactory progress starts a support plan: give its areas to improve, objectives, "
             "support and evidence")
    response = _tutor(portal, fake).post(f"/induction/{INDUCTION}/reviews/new", data=REVIEW_FORM)
    main = _main(response)
    assert response.status_code == 422 and "Not making satisfactory progress starts a support plan" in main
    assert "Routines not yet consistent</textarea>" in main
    assert fake.bodies("POST", f"{API}/{INDUCTION}/reviews") == [{
        "kind": "progress_review", "school_year": 2026, "term_number": 1, "held_on": "2026-12-07",
        "outcome": "not making satisfactory progress", "standards": {"TS7": "Routines not yet consistent"}}]


def test_a_concern_with_its_support_plan_sends_the_plan_a_line_an_item(portal, fake):
    fake[("POST", f"{API}/{INDUCTION}/reviews")] = (201, induction(["tutor"]))
    response = _tutor(portal, fake).post(f"/induction/{INDUCTION}/reviews/new", follow_redirects=True, data={
        **REVIEW_FORM, "areas_to_improve": "Behaviour after break\r\n\r\nTransitions", "objectives": "TS7: routines",
        "support": "Weekly coaching", "evidence": "Two observed lessons", "consequences_explained": "yes"})
    assert "The support plan has started" in response.get_data(as_text=True)
    (sent,) = fake.bodies("POST", f"{API}/{INDUCTION}/reviews")
    assert sent["support_plan"] == {"areas_to_improve": ["Behaviour after break", "Transitions"],
                                    "objectives": ["TS7: routines"], "support": ["Weekly coaching"],
                                    "evidence": "Two observed lessons", "next_period_plan": "",
                                    "consequences_explained": True}


def test_a_field_the_api_refuses_in_a_review_is_shown_at_the_standards(portal, fake):
    fake[("POST", f"{API}/{INDUCTION}/reviews")] = problem(422, INVALID, ("#/standards/TS7",
                                                                          "Longer than maximum length 8000."))
    main = _main(_tutor(portal, fake).post(f"/induction/{INDUCTION}/reviews/new", data=REVIEW_FORM))
    assert 'id="e-standards"' not in main and "The Teachers&#39; Standards: Longer than maximum length 8000." in main


# -- the ECT's signature --------------------------------------------------------------------------------------

def test_the_ect_signs_with_comments_and_a_second_signature_is_refused_in_words(portal, fake):
    fake[("GET", f"{API}/{INDUCTION}")] = induction(["ect"])
    fake[("POST", f"{API}/{INDUCTION}/reviews/{REVIEW}/signatures")] = induction(["ect"])
    client = portal()
    done = client.post(f"/induction/{INDUCTION}/reviews/{REVIEW}/sign", follow_redirects=True,
                       data={"signing_as": "ect", "comments": "  Coaching helped  "})
    assert "You signed. Your comments are part of the record." in done.get_data(as_text=True)
    assert fake.bodies("POST", f"{API}/{INDUCTION}/reviews/{REVIEW}/signatures") == [
        {"signing_as": "ect", "comments": "Coaching helped"}]
    fake[("POST", f"{API}/{INDUCTION}/reviews/{REVIEW}/signatures")] = problem(
        409, "you signed this progress review on 8 December 2026")
    again = client.post(f"/induction/{INDUCTION}/reviews/{REVIEW}/sign", data={"signing_as": "ect",
                                                                               "comments": "Again"})
    main = _main(again)
    assert again.status_code == 422 and main.count("You signed this progress review on 8 December 2026.") == 2
    assert ">Again</textarea>" in main


# -- registering an ECT, and the term dates ----------------------------------------------------------------------

REGISTRATION = {"staff_id": ECT, "qts_on": "2026-07-10", "starts_on": "2026-09-02", "fte": "0.6",
                "appropriate_body": "Oak Teaching School Hub", "programme_type": "provider-led",
                "lead_provider": "Ambition Institute", "delivery_partner": "", "tutor_id": TUTOR, "mentor_id": "",
                "served_elsewhere": "", "reduced_to": ""}


def test_academy_hr_register_an_ect_at_their_academy(portal, fake):
    fake[("POST", API)] = (201, induction(["hr"]))
    client = portal("academy_hr")
    page = _main(client.get("/induction/ects/new"))
    assert "Sam Reid, Early Career Teacher" in page and "has not given its term dates" not in page
    response = client.post("/induction/ects/new", data={**REGISTRATION, "academy_id": OTHER_ACADEMY})
    assert response.status_code == 302 and response.location.endswith(f"/induction/{INDUCTION}")
    (sent,) = fake.bodies("POST", API)
    assert sent == {**REGISTRATION, "academy_id": ACADEMY, "fte": 0.6, "delivery_partner": None, "mentor_id": None,
                    "served_elsewhere": None, "reduced_to": None, "trn": None,
                    "date_of_birth": None}  # their own academy, whatever the form said


def test_registering_without_the_ect_is_refused_before_the_api_is_asked(portal, fake):
    response = portal("academy_hr").post("/induction/ects/new", data={**REGISTRATION, "staff_id": ""})
    main = _main(response)
    assert response.status_code == 422 and "Choose the early career teacher" in main
    assert 'value="Oak Teaching School Hub"' in main and fake.bodies("POST", API) == []


def test_registering_before_the_term_dates_says_so_and_the_api_s_refusal_is_shown(portal, fake):
    fake[("GET", f"/api/cpd/academies/{ACADEMY}/term-dates")] = {"terms": []}
    fake[("POST", API)] = problem(422, "the academy has not given its term dates yet: HR gives them first, as "
                                       "induction is counted in the academy's own terms")
    client = portal("academy_hr")
    assert "Oak Academy has not given its term dates yet" in _main(client.get("/induction/ects/new"))
    response = client.post("/induction/ects/new", data=REGISTRATION)
    assert response.status_code == 422 and "The academy has not given its term dates yet" in _main(response)


def test_trust_hr_choose_the_academy_before_registering(portal, fake):
    client = portal("trust_hr")
    assert "Choose the academy the ECT works at" in _main(client.get("/induction/ects/new"))
    response = client.post("/induction/ects/new", data=REGISTRATION)
    assert response.status_code == 422 and "Choose the academy first" in _main(response)


def test_the_term_dates_are_shown_in_words_and_a_year_given_replaces_only_that_year(portal, fake):
    fake[("PUT", f"/api/cpd/academies/{ACADEMY}/term-dates")] = {"terms": [TERM]}
    client = portal("academy_hr")
    main = _plain(_main(client.get("/induction/term-dates")))
    assert "Autumn term 2026 to 2027" in main and "26 October 2026 to 30 October 2026" in main
    assert "School year 2027 to 2028" in main  # the next year not yet given
    form = {"academy_id": ACADEMY, "school_year": "2027"}
    for n, (starts, ends) in enumerate((("2027-09-02", "2027-12-17"), ("2028-01-04", "2028-03-31"),
                                        ("2028-04-18", "2028-07-21")), start=1):
        form.update({f"t{n}-starts_on": starts, f"t{n}-ends_on": ends})
    form.update({"t1-break-starts_on": "2027-10-25", "t1-break-ends_on": "2027-10-29"})
    done = client.post("/induction/term-dates", data=form, follow_redirects=True)
    assert "The term dates for 2027 to 2028 are saved." in done.get_data(as_text=True)
    (sent,) = fake.bodies("PUT", f"/api/cpd/academies/{ACADEMY}/term-dates")
    assert [(t["school_year"], t["number"]) for t in sent["terms"]] == [(2026, 1), (2027, 1), (2027, 2), (2027, 3)]
    assert sent["terms"][1]["breaks"] == [{"starts_on": "2027-10-25", "ends_on": "2027-10-29"}]
    assert sent["terms"][0] == {k: TERM[k] for k in ("school_year", "number", "starts_on", "ends_on", "breaks")}


def test_term_dates_missing_a_day_or_refused_by_the_api_are_said_on_the_page(portal, fake):
    client = portal("academy_hr")
    form = {"academy_id": ACADEMY, "school_year": "2027", "t1-starts_on": "2027-09-02", "t1-ends_on": "2027-12-17"}
    response = client.post("/induction/term-dates", data=form)
    assert response.status_code == 422 and "Give the first and last day of the spring term" in _main(response)
    form.update({"t2-starts_on": "2027-12-01", "t2-ends_on": "2028-03-31", "t3-starts_on": "2028-04-18",
                 "t3-ends_on": "2028-07-21", "t1-break-starts_on": "2027-10-25"})
    response = client.post("/induction/term-dates", data=form)
    assert "Give the first and last day of the half-term holiday, or neither" in _main(response)
    form["t1-break-ends_on"] = "2027-10-29"
    fake[("PUT", f"/api/cpd/academies/{ACADEMY}/term-dates")] = problem(
        422, "the spring term 2027 to 2028 starts (2027-12-01) before the autumn term 2027 to 2028 ends (2027-12-17)")
    response = client.post("/induction/term-dates", data=form)
    main = _main(response)
    assert response.status_code == 422 and "starts (1 December 2027) before the autumn term" in main
    assert 'value="2027-12-01"' in main


# -- the appropriate body's export ----------------------------------------------------------------------------

def test_the_record_is_passed_through_as_csv_and_as_a_print_document(portal, fake):
    fake[("GET", f"{API}/{INDUCTION}/record.csv")] = "ECT,Appropriate body\r\nSam Reid,Oak Teaching School Hub\r\n"
    fake[("GET", f"{API}/{INDUCTION}/record")] = "<!doctype html><title>Induction record</title>"
    client = portal()
    csv = client.get(f"/induction/{INDUCTION}/record.csv")
    assert csv.mimetype == "text/csv" and csv.get_data(as_text=True).startswith("ECT,Appropriate body")
    assert 'filename="induction-record.csv"' in csv.headers["Content-Disposition"]
    page = client.get(f"/induction/{INDUCTION}/record")
    assert page.mimetype == "text/html" and "script-src" not in page.headers["Content-Security-Policy"]


def test_a_mentor_asking_for_the_record_is_refused_on_the_portal_s_page(portal, fake):
    fake[("GET", f"{API}/{INDUCTION}/record.csv")] = problem(403, "only the ECT, induction tutor or academy's HR "
                                                                  "or headteacher can export the reviews")
    response = portal().get(f"/induction/{INDUCTION}/record.csv")
    assert response.status_code == 403 and '<nav aria-label="Main">' in response.get_data(as_text=True)


def test_a_number_typed_in_another_script_is_sent_for_the_api_to_refuse_not_a_500(portal, fake):
    """Outsider O7, issue 25: "²" passes str.isdigit() but not int(): the absence, decision, timetable, review and
    term-dates forms answered "Something went wrong"."""
    fake[("POST", f"{API}/{INDUCTION}/absences")] = problem(422, "days: Not a valid integer.")
    response = _hr(portal, fake).post(f"/induction/{INDUCTION}/absences", data={
        "starts_on": "2025-01-05", "ends_on": "2025-01-09", "leave": "sickness", "days": "\u00b2"})
    assert response.status_code == 422 and "Not a valid integer" in _main(response)
    assert fake.bodies("POST", f"{API}/{INDUCTION}/absences")[0]["days"] == "\u00b2"


# -- outsider F6, F9 and issue 25's gaps, in words ---------------------------------------------------------------

def test_hr_s_list_names_the_tutor_and_mentor_in_plain_words(portal, fake):
    fake[("GET", API)] = [{**SUMMARY, "tutor_name": None}]
    main = _plain(_main(portal("academy_hr").get("/induction/ects")))
    assert "Tutor: not named yet" in main and "Mentor: Tom Hall" in main and "(tutor)" not in main


def test_the_tutor_s_dashboard_says_this_term_s_timetable_recorded_or_not(portal, fake):
    term = {"term": "autumn term 2026 to 2027", "term_starts_on": "2026-09-02", "school_year": 2026,
            "term_number": 1}
    fake[("GET", f"{API}/tutoring")] = [{**SUMMARY, "this_term": {**term, "taught_percent": None}},
                                        {**SUMMARY, "staff_name": "Jo Park", "this_term": {**term,
                                                                                           "taught_percent": 88.0}}]
    main = _plain(_main(portal().get("/induction")))
    assert "Timetable this term" in main and "Not recorded yet" in main
    assert "88% of a full timetable: the reduction is given" in main


def test_the_mentor_s_page_shows_their_own_mentor_training(portal, fake):
    fake[("GET", f"{API}/mentees")] = [SUMMARY]
    fake[("GET", f"{API}/mentor-training")] = [{
        "enrolment_id": REVIEW, "programme_id": REVIEW, "title": "Mentoring early career teachers",
        "provider": "Ambition Institute", "status": "completed", "starts_on": "2026-01-05",
        "completed_on": "2026-03-20"}]
    main = _plain(_main(portal().get("/induction")))
    assert "Your mentor training" in main
    assert "Mentoring early career teachers, Ambition Institute: completed on 20 March 2026" in main


def test_the_record_says_report_deadlines_from_the_meeting_term_starts_and_the_final_assessment(portal, fake):
    held = {**LATE, "report_by": "2026-07-17", "held_on": "2026-07-06", "review_id": REVIEW, "overdue": False,
            "term_starts_on": "2026-04-20"}
    waiting = {**DUE, "kind": "final_formal_assessment", "kind_words": "final formal assessment",
               "term_starts_on": "2026-09-02"}
    fake[("GET", f"{API}/{INDUCTION}")] = induction(
        ["tutor"], schedule=[held, waiting], trn="7654321", date_of_birth="2001-05-09",
        final_assessment={"due_on": "2027-07-16", "held_on": None, "report_by": None,
                          "recommendation_by": "2027-07-29"})
    main = _plain(_main(portal().get(f"/induction/{INDUCTION}")))
    assert "report to the appropriate body by 17 July 2026" in main  # counted from the meeting on 6 July
    assert "within 10 working days of the meeting" in main and ", from 20 April 2026" in main
    assert "Due by 16 July 2027" in main and "recommendation by 29 July 2027" in main
    assert "7654321" in main and "9 May 2001" in main
