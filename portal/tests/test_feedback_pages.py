"""The feedback pages as the portal draws them from the wellbeing API's answers (a fake of it, in process): what each
page says to whom (outsider, issue 24)."""
from __future__ import annotations

import html
import re
import uuid

import httpx
import pytest

from staffroom_portal.testing import signed_in_against

ME, ACADEMY, REQUEST, ROUND = (str(uuid.uuid4()) for _ in range(4))
INVALID = {"title": "Unprocessable Content", "status": 422, "detail": "the request has invalid fields; see errors"}
STACKED = "e" + "\u0301" * 1000  # "e" and 1,000 combining acute accents
MARK_RUN = re.compile("[\u0300-\u036f]{5,}")


class FakeApi:
    """The APIs the feedback pages call: an answer (JSON, or (status, JSON)) by method and path; what was sent."""

    def __init__(self, **answers):
        self.answers = {("GET", "/api/directory/staff/me"): {"first_name": "Priya", "last_name": "Shah",
                                                             "post": "Teacher", "academy_id": ACADEMY},
                        ("GET", f"/api/directory/staff/{ME}"): {"id": ME, "academy_id": ACADEMY},
                        ("GET", "/api/directory/academies"): [{"id": ACADEMY, "name": "Oak Academy"}],
                        ("GET", "/api/wellbeing/feedback/settings"): {"k": 3, "direct_reports": 5}}
        self.sent: list[httpx.Request] = []

    def __setitem__(self, key: tuple[str, str], answer) -> None:
        self.answers[key] = answer

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.sent.append(request)
        answer = self.answers.get((request.method, request.url.path))
        if answer is None:
            return httpx.Response(404, json={"title": "Not Found", "status": 404, "detail": "there is no such thing"})
        status, body = answer if isinstance(answer, tuple) else (200, answer)
        return httpx.Response(status, json=body, headers={"Content-Type": "application/problem+json"}
                              if status >= 400 else None)


@pytest.fixture
def fake() -> FakeApi:
    return FakeApi()


@pytest.fixture
def portal(tmp_path, portal_db, fake):
    """A signed-in test client: `portal(role)` signs in as Priya with that role."""
    return signed_in_against(tmp_path, portal_db, fake, ME)


def _request(**given) -> dict:
    return {"id": REQUEST, "title": "Feedback for Sam Reid", "subject_id": str(uuid.uuid4()), "subject": "Sam Reid",
            "kind": "360", "asked_by": "Sam Reid", "question_set": "360", "closes_on": "2027-03-01",
            "closed_on": None, "status": "open", "shared": False, "invited": 4, "k": 3, "you_are": "line_manager",
            "may_close": True, "answered": None, "report": None,
            "asked": [{"name": "Ann Lee", "category": "peers", "category_name": "Peers"}], **given}


def test_the_upward_rounds_say_the_number_of_direct_reports_the_trust_needs_not_always_five(portal, fake):
    """Outsider, issue 24: with k = 7, opening a round flashed "5 managers with fewer than five direct reports were
    left out", and the rounds page always said "at least five"."""
    fake[("GET", "/api/wellbeing/feedback/settings")] = {"k": 7, "direct_reports": 7}
    fake[("GET", "/api/wellbeing/feedback/rounds")] = []
    fake[("POST", "/api/wellbeing/feedback/rounds")] = (201, {
        "id": ROUND, "title": "Spring", "academy_id": ACADEMY, "closes_on": "2027-03-01", "opened_on": "2027-02-01",
        "status": "open", "managers": 2, "invited": 14, "answered": 0, "complete": False, "requests": [],
        "left_out": [{"manager": f"Manager {i}", "reason": "fewer than 7 direct reports in post, so their answers "
                      "could never be shown"} for i in range(5)]})
    fake[("GET", f"/api/wellbeing/feedback/rounds/{ROUND}")] = {
        "id": ROUND, "title": "Spring", "academy_id": ACADEMY, "closes_on": "2027-03-01", "opened_on": "2027-02-01",
        "status": "open", "managers": 2, "invited": 14, "answered": 0, "complete": False, "requests": []}
    hr = portal("academy_hr")
    page = hr.get("/feedback/rounds").get_data(as_text=True)
    assert "at least 7 direct reports" in page and "only once at least 7 have answered" in page
    assert "five" not in page
    opened = hr.post("/feedback/rounds", data={"title": "Spring", "closes_on": "2027-03-01", "academy_id": ACADEMY},
                     follow_redirects=True).get_data(as_text=True)
    assert "5 managers with fewer than 7 direct reports were left out." in opened


@pytest.mark.parametrize(("shared", "offered"), [(False, "Close now"), (True, "Close now and read the answers")])
def test_a_line_manager_is_offered_to_read_the_answers_only_where_the_report_is_shared_with_them(
        portal, fake, shared, offered):
    """Outsider, issue 24: a line manager saw "Close now and read the answers" on a request not shared with them."""
    fake[("GET", f"/api/wellbeing/feedback/requests/{REQUEST}")] = _request(shared=shared)
    page = portal().get(f"/feedback/requests/{REQUEST}").get_data(as_text=True)
    buttons = re.findall(r'<button type="submit" class="button secondary">([^<]*)</button>', page)
    assert buttons == [offered]
    assert ("you can read it only if they share it with you" in page) is not shared


def test_a_line_manager_who_closes_a_request_not_shared_is_told_who_reads_it(portal, fake):
    fake[("POST", f"/api/wellbeing/feedback/requests/{REQUEST}/close")] = _request(status="closed", may_close=False)
    fake[("GET", f"/api/wellbeing/feedback/requests/{REQUEST}")] = _request(status="closed", may_close=False)
    page = portal().post(f"/feedback/requests/{REQUEST}/close", follow_redirects=True).get_data(as_text=True)
    assert "The report is ready for Sam Reid; you can read it if they share it with you." in page
    assert "The report has not been shared with you." in page


def test_a_subject_closes_a_request_and_reads_the_answers(portal, fake):
    report = {"named": [], "categories": []}
    fake[("GET", f"/api/wellbeing/feedback/requests/{REQUEST}")] = _request(you_are="subject")
    assert "Close now and read the answers" in portal().get(f"/feedback/requests/{REQUEST}").get_data(as_text=True)
    fake[("POST", f"/api/wellbeing/feedback/requests/{REQUEST}/close")] = _request(you_are="subject", report=report)
    closed = portal().post(f"/feedback/requests/{REQUEST}/close", follow_redirects=True).get_data(as_text=True)
    assert "Closed. The report is ready." in closed


def test_stacked_combining_marks_are_shown_at_most_four_to_a_letter_wherever_typed_text_is_shown(portal, fake):
    """Outsider, issue 24: a comment of "e" and 1,000 combining marks drew a line through the whole report page,
    header included. Every value the page writes is capped (the comment, a named rater's words, the title, the name
    in the header); a letter's own marks are kept."""
    fake[("GET", "/api/directory/staff/me")] = {"first_name": "Priya" + STACKED, "last_name": "Nguyễn",
                                                "post": "Teacher", "academy_id": ACADEMY}
    words = {"key": "fb360.keep_doing", "question": "What should they keep doing?"}
    report = {"named": [{"name": "Ann Lee" + STACKED, "category": "peers", "ratings": [],
                         "comments": [{**words, "text": STACKED}]}],
              "categories": [{"category": "peers", "shown": True, "needed": 3, "answered": 3, "statements": [],
                              "comments": [{**words, "texts": [STACKED, "Sharing resources"]}]}]}
    fake[("GET", f"/api/wellbeing/feedback/requests/{REQUEST}")] = _request(
        you_are="subject", status="closed", may_close=False, report=report, title="Feedback for Priya" + STACKED)
    page = portal().get(f"/feedback/requests/{REQUEST}").get_data(as_text=True)
    assert not MARK_RUN.search(page)
    assert page.count("e" + "\u0301" * 4 + "<") >= 3  # the comments, and the named rater's, four marks each
    assert "Nguyễn" in page and "Sharing resources" in page


def test_the_answer_page_promises_no_anonymity_before_it_knows_whom_it_is_for(portal):
    """Outsider, issue 24: a line manager's page said "does not send your name … unless you choose to give your
    name" beside "your answers are shown with your name"; an outside rater's, though they cannot give one. The page
    says what holds for every rater; the script says what holds for theirs."""
    page = portal().get("/feedback/respond").get_data(as_text=True)
    assert "You do not need to sign in" in page
    assert "your name" not in page


INTRO = re.compile(r'<p id="feedback-intro">(.*?)</p>', re.S)


def test_answer_now_opens_the_answer_page_marked_as_come_from_answer_now_with_the_token_still_in_the_fragment(
        portal, fake):
    fake[("POST", f"/api/wellbeing/feedback/requests/{REQUEST}/link")] = {
        "link": "https://staffroom.oak.example/feedback/respond#token=made-up-for-the-test"}
    response = portal().post(f"/feedback/asked/{REQUEST}/answer")
    assert response.status_code == 302
    assert response.location == \
        "https://staffroom.oak.example/feedback/respond?from=answer-now#token=made-up-for-the-test"


def test_a_colleague_from_answer_now_is_not_told_about_a_link_in_their_email(portal):
    """Outside tester, issue 24: a colleague who chose "Answer now" read "You do not need to sign in: the link from
    your email is enough"; their email has no link. Someone with an emailed link (outside the trust) is told that."""
    [colleague] = INTRO.findall(html.unescape(portal().get("/feedback/respond?from=answer-now").get_data(as_text=True)))
    assert colleague.startswith('You came here with "Answer now" in Staffroom, so you need nothing from an email.')
    assert "link from your email" not in colleague and "sign in" not in colleague
    [emailed] = INTRO.findall(html.unescape(portal().get("/feedback/respond").get_data(as_text=True)))
    assert emailed == "You do not need to sign in: the link from your email is enough."


def test_the_answer_page_s_script_thanks_and_says_no_link_in_words_true_for_each_way_of_coming(portal):
    """The thank-you and no-link pages are drawn by the page's script: it takes the intro away, thanks a colleague
    with a way back to Feedback and someone outside the trust without one, and tells a colleague from "Answer now"
    with no link in the tab to choose it again (a browser test runs it: tests/browser/test_feedback.py)."""
    script = portal().get("/static/feedback.js").get_data(as_text=True)
    assert "intro.remove()" in script and "the link from your email" not in script
    assert "without your name or email address. Your link has now been used" in script
    assert '" in Staffroom now shows that you have answered."' in script
    assert 'There is no feedback link in this tab: \\"Answer now\\" gives one to the tab it opens' in script


def test_an_address_that_is_not_a_person_s_is_refused_in_a_sentence_not_as_invalid_fields(portal, fake):
    """Outsider, issue 24: /feedback/new?subject_id=not-a-uuid showed "The request has invalid fields; see errors."
    with no errors on the page."""
    fake[("GET", "/api/wellbeing/feedback/choices")] = (422, {**INVALID, "errors": [
        {"location": "query", "pointer": "#/subject_id", "detail": "Not a valid UUID."}]})
    response = portal().get("/feedback/new?subject_id=not-a-uuid")
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 422
    assert "invalid fields" not in page and "UUID" not in page and "subject_id" not in page
    assert "This page's address is not one Staffroom can open: it may not have been copied in full." in page


def test_a_form_s_fields_refused_on_a_page_without_the_form_are_said_in_words(portal, fake):
    """A refusal that reaches the error page with reasons for fields the person sent: each reason, in words."""
    fake[("POST", f"/api/wellbeing/feedback/requests/{REQUEST}/share")] = (422, {**INVALID, "errors": [
        {"location": "json", "pointer": "#/shared", "detail": "Not a valid boolean."}]})
    page = portal().post(f"/feedback/requests/{REQUEST}/share", data={"shared": "yes"}).get_data(as_text=True)
    assert "invalid fields" not in page
    assert "Some of what was sent needs changing. Shared: Not a valid boolean." in page


def test_a_group_asked_of_fewer_than_can_be_shown_together_is_said_so_in_words(portal, fake):
    """Outsider O6, issue 24: a request asking two peers, with k 3, was taken without a word."""
    fake[("GET", f"/api/wellbeing/feedback/requests/{REQUEST}")] = _request(you_are="subject", too_few_to_show=[
        {"category": "peers", "category_name": "Peers", "asked": 2, "needed": 3}])
    page = html.unescape(portal().get(f"/feedback/requests/{REQUEST}").get_data(as_text=True))
    assert ("Peers: 2 people asked. Their answers are shown together only once at least 3 answer, so only the "
            "answers of those who choose to give their name can be shown.") in page
