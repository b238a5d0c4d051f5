"""360 and upward feedback: a reviewee asks colleagues and reads what they said once it closes; colleagues asked
answer from Feedback in Staffroom ("Answer now": their emails carry no link, outside tester, issue 24), people
outside the trust from the link in their email without signing in, named or not; HR open an upward round; a line
manager reads their own upward report. Anonymous answers are shown only for groups big enough that nobody can be
picked out."""
from __future__ import annotations

import re
import sqlite3
import time
from email import policy
from email.parser import BytesParser

import pytest
from playwright.sync_api import Page, expect

from staffroom_portal.testing import (accessibility_violations, ink_beyond_its_lines, narrow_captions, page_width,
                                      sign_in, sign_out)


def links_in_mail(suite_data, subject: str, expected: int, timeout: float = 90, to: set[str] | None = None,
                  texts: dict | None = None) -> dict[str, str]:
    """Each feedback link emailed under this subject (to these addresses only, if given), by the address it went
    to (the mail spool stands in for people's mailboxes in the one-command run); `texts` gets each email's text."""
    deadline, found = time.monotonic() + timeout, {}
    while len(found) < expected and time.monotonic() < deadline:
        for path in (suite_data / "mail").glob("*.eml"):
            email = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
            if str(email["Subject"]) != subject or (to is not None and str(email["To"]) not in to):
                continue
            if texts is not None:
                texts[str(email["To"])] = email.get_body(("plain",)).get_content().replace("\r\n", "\n")
            link = re.search(r"https?://\S+/feedback/respond#token=[\w-]+", email.get_body(("plain",)).get_content())
            if link:
                found[str(email["To"])] = link.group(0)
        time.sleep(0.5)
    assert len(found) >= expected, f"{len(found)} of {expected} feedback emails under {subject!r}"
    return found


def emails(suite_data, subject: str, expected: int, timeout: float = 90) -> dict[str, str]:
    """The text of each email under this subject, by the address it went to."""
    deadline, found = time.monotonic() + timeout, {}
    while len(found) < expected and time.monotonic() < deadline:
        for path in (suite_data / "mail").glob("*.eml"):
            email = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
            if str(email["Subject"]) == subject:
                found[str(email["To"])] = email.get_body(("plain",)).get_content().replace("\r\n", "\n")
        time.sleep(0.5)
    assert len(found) >= expected, f"{len(found)} of {expected} emails under {subject!r}"
    return found


def _fill_and_send(page: Page, agree: str, keep: str, named: bool) -> bool:
    """On the answer page: agree with every statement, say what to keep doing, send. True if the line manager's."""
    expect(page.get_by_role("button", name="Send my feedback")).to_be_visible()
    assert "token" not in page.url, "the token must leave the address bar as soon as the page loads"
    for group in page.get_by_role("group").all():
        group.get_by_label(agree, exact=True).check()
    page.get_by_label(re.compile("keep doing")).fill(keep)
    name = page.get_by_label("Show my name with my answers")
    if name.count() == 0:  # someone outside the trust answers without a name
        expect(page.locator("#feedback")).to_contain_text("never with your name or email address")
        page.get_by_role("button", name="Send my feedback").click()
        expect(page.locator("#feedback")).to_contain_text("Your feedback has been sent")
        return False
    manager = name.is_disabled()
    if manager:
        expect(page.locator("#feedback")).to_contain_text("You are their line manager")
        expect(name).to_be_checked()
    elif named:
        name.check()
    page.get_by_role("button", name="Send my feedback").click()
    expect(page.locator("#feedback")).to_contain_text("Your feedback has been sent")
    return manager


def answer(page: Page, link: str, agree: str, keep: str, *, named: bool = False) -> bool:
    """Someone outside the trust opens their emailed link (not signed in), answers and sends."""
    sign_out(page)
    page.goto(link)
    return _fill_and_send(page, agree, keep, named)


def answer_now(page: Page, rater: str, about: str, agree: str, keep: str, *, named: bool = False,
               shot=None) -> bool:
    """A colleague asked signs in, finds the request on Feedback and chooses "Answer now", which opens the answer
    page with a link of their own; with `named`, gives their name unless they are the line manager, whose name
    always goes. True if it was the line manager's."""
    sign_in(page, name=rater)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Feedback").click()
    asked = page.get_by_role("region", name="Feedback you are asked to give")
    row = asked.get_by_role("row").filter(has_text=about)
    expect(row).to_contain_text("Not answered yet")
    if shot:
        assert accessibility_violations(page) == []
        shot("rater-finds-the-request")
    row.get_by_role("button", name=f"Answer now: feedback about {about}").click()
    manager = _fill_and_send(page, agree, keep, named)
    page.goto("/feedback")
    expect(page.get_by_role("region", name="Feedback you are asked to give").get_by_role("row")
           .filter(has_text=about)).to_contain_text("Answered, thank you")
    return manager


def _asked_on_the_page(page: Page) -> list[str]:
    """The colleagues a request asked, by name, from its page's "Who was asked"."""
    items = page.get_by_role("region", name="Who was asked").get_by_role("listitem").all_inner_texts()
    return [re.sub(r" \((Peers|Line manager|Direct reports)\)$", "", i.strip()) for i in items]


def test_a_reviewee_asks_colleagues_who_answer_now_in_staffroom_and_reads_the_report_after_closing(
        page: Page, suite_data, shot):
    sign_in(page, suggested="member of staff")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Feedback").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Feedback")
    page.get_by_role("link", name="Ask for feedback about me").click()
    expect(page.get_by_text("A line manager is one person, so their answers are always shown with their name.")) \
        .to_be_visible()
    peers = page.get_by_role("group", name="Peers").get_by_role("checkbox")
    chosen = [peers.nth(i).locator("xpath=..").inner_text().strip() for i in range(4)]
    for i in range(4):
        peers.nth(i).check()
    assert accessibility_violations(page) == []
    shot("reviewee-chooses-raters")
    page.get_by_role("button", name="Send the requests").click()
    expect(page.locator(".flash")).to_contain_text("Asked 5 people")
    title = page.get_by_role("heading", level=1).inner_text()
    assert title.startswith("Feedback for ")
    report_url = page.url
    about = title.removeprefix("Feedback for ")
    raters = _asked_on_the_page(page)
    assert len(raters) == 5
    # Issue 24: the colleagues' emails carry no link (whoever held the mail folder answered with them); they say
    # where to answer instead.
    for text in emails(suite_data, f"Would you give feedback about {about}?", 5).values():
        assert "#token=" not in text and "/respond" not in text
        assert 'open Feedback in Staffroom and choose "Answer now"' in text
    # Three peers answer anonymously, one gives their name; the line manager's answers carry theirs.
    named_one = False
    for i, rater in enumerate(raters):
        manager = answer_now(page, rater, about, "Agree" if i % 2 else "Strongly agree", f"Keep sharing resources {i}",
                             named=not named_one, shot=shot if i == 1 else None)
        named_one = named_one or not manager
        if i == 1:
            shot("rater-answers")
    sign_in(page, suggested="member of staff")
    page.goto(report_url)
    page.get_by_role("button", name="Close now and read the answers").click()
    expect(page.get_by_role("heading", name="What people said")).to_be_visible()
    page.set_viewport_size({"width": 375, "height": 740})
    assert page_width(page) <= 375
    body = page.locator("main").inner_text()
    assert not re.search(r"\d{4}-\d\d-\d\d|line_manager|direct_reports", body)
    expect(page.get_by_role("region", name="Peers")).to_contain_text("3 people answered anonymously")
    expect(page.get_by_role("region", name="Direct reports")).to_have_count(0)  # nobody was asked as one
    named = page.locator("section.card h3")
    expect(named.filter(has_text="(Peers)")).to_have_count(1)  # the peer who gave their name, shown by it
    expect(named.filter(has_text="(Line manager)")).to_have_count(1)
    assert any(n in named.filter(has_text="(Peers)").inner_text() for n in chosen)
    assert accessibility_violations(page) == []
    shot("reviewee-reads-the-report")
    page.get_by_role("button", name="Share with my line manager").click()
    expect(page.locator(".flash")).to_contain_text("Your line manager can now read this report.")


def test_hr_open_an_upward_round_and_a_manager_reads_what_their_reports_said(page: Page, suite_data, shot):
    sign_in(page, suggested="academy HR")
    page.goto("/feedback/rounds")
    expect(page.get_by_role("heading", level=1)).to_have_text("Upward feedback rounds")
    page.get_by_label("Title").fill("Spring upward feedback")
    shot("hr-opens-a-round")
    page.get_by_role("button", name="Open the round and ask them").click()
    expect(page.locator(".flash")).to_contain_text(re.compile(r"Upward feedback opened for (1 manager|\d+ managers):"))
    assert not re.search(r"\b1 (managers|people)\b", page.locator(".flash").inner_text())
    table = page.get_by_role("table", name="Managers asked about")
    first = table.get_by_role("row").nth(1)
    manager = first.get_by_role("rowheader").inner_text()
    asked = int(first.get_by_role("cell").nth(0).inner_text())
    assert asked >= 5
    round_url = page.url
    page.set_viewport_size({"width": 375, "height": 740})  # issue 24: captions were one letter a line
    assert narrow_captions(page) == []
    page.goto("/feedback/rounds")
    assert narrow_captions(page) == []
    page.set_viewport_size({"width": 1280, "height": 900})
    for text in emails(suite_data, f"Would you give feedback about {manager}?", asked).values():
        assert "#token=" not in text and '"Answer now"' in text
    with sqlite3.connect(suite_data / "wellbeing.db", timeout=30) as database:  # who the round asked about them
        reports = [f"{first} {last}" for first, last in database.execute(
            "SELECT s.first_name, s.last_name FROM feedback_invitations i JOIN staff s ON s.staff_id = i.staff_id "
            "JOIN feedback_requests r ON r.id = i.request_id WHERE r.title = ? AND r.status = 'open'",
            (f"Upward feedback for {manager}",))]
    assert len(reports) == asked
    for i, report in enumerate(reports):
        answer_now(page, report, manager, ["Agree", "Neutral", "Strongly agree"][i % 3], f"Clear about priorities {i}")
    sign_in(page, suggested="academy HR")
    page.goto(round_url)
    expect(page.get_by_role("table", name="Managers asked about").get_by_role("row").filter(has_text=manager)) \
        .to_contain_text(str(asked))
    page.get_by_role("button", name="Close the round now").click()
    expect(page.locator("main")).to_contain_text("each manager can read their own report")
    sign_in(page, name=manager)
    page.goto("/feedback")
    page.get_by_role("link", name=f"Upward feedback for {manager}").click()
    reports = page.get_by_role("region", name="Direct reports")
    expect(reports).to_contain_text(f"{asked} people answered anonymously")
    expect(reports).to_contain_text("Clear about priorities 0")
    page.set_viewport_size({"width": 375, "height": 740})
    assert page_width(page) <= 375
    shot("manager-reads-upward-feedback")


OUTSIDE = ["Governor.Grey@Example.org", "partner@example.net", "mentor@another-trust.example"]


def test_people_outside_the_trust_answer_by_their_emailed_link_on_a_desktop_and_a_phone(page: Page, suite_data,
                                                                                         shot):
    """Issue 24: a reviewee asks three people outside the trust by email address; each gets one plain email naming
    whom it is about, answers without signing in and without a name (the third on a 375 px phone), and the reviewee
    reads their answers together once three have answered. No page shows an address after it was sent. Asked by
    the academy's HR officer about themselves: the member of staff's report was shown above, and one report is shown
    about a person in a school year (outsider, issue 24, finding 4)."""
    sign_in(page, suggested="academy HR")
    page.goto("/feedback/new")
    line_manager = page.get_by_label(re.compile("Ask the line manager"))
    if line_manager.count():
        line_manager.uncheck()
    page.get_by_label("People outside the trust").fill("\n".join(OUTSIDE))
    page.get_by_role("button", name="Send the requests").click()
    expect(page.locator(".flash")).to_contain_text("Asked 3 people")
    asked = page.get_by_role("region", name="Who was asked")
    expect(asked).to_contain_text("3 people outside the trust")
    assert not re.search(r"example\.(org|net)|another-trust", page.locator("main").inner_text(), re.I)
    title = page.get_by_role("heading", level=1).inner_text()
    about, report_url = title.removeprefix("Feedback for "), page.url
    texts: dict[str, str] = {}
    links = links_in_mail(suite_data, f"Would you give feedback about {about}?", 3,
                          to={a.lower() for a in OUTSIDE}, texts=texts)
    for text in texts.values():
        assert text.startswith(f"Hello,\n\nYou are asked for your feedback about {about}")
        assert "keep no copy of your address" in text and "unsubscribe" not in text.lower()
    for i, link in enumerate(links.values()):
        if i == 2:
            page.set_viewport_size({"width": 375, "height": 740})
            sign_out(page)
            page.goto(link)
            expect(page.get_by_role("button", name="Send my feedback")).to_be_visible()
            expect(page.locator("#feedback")).to_contain_text("someone outside the trust who works with")
            assert page_width(page) <= 375
            assert accessibility_violations(page) == []
            shot("outside-rater-answers-on-a-phone")
        answer(page, link, "Agree", f"Listens to partners {i}")
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, suggested="academy HR")
    page.goto(report_url)
    page.get_by_role("button", name="Close now and read the answers").click()
    outside = page.get_by_role("region", name="People outside the trust")
    expect(outside).to_contain_text("3 people answered anonymously")
    expect(outside).to_contain_text("Listens to partners 0")
    page.set_viewport_size({"width": 375, "height": 740})
    assert page_width(page) <= 375
    # F9: on a phone the headings step aside (kept for screen readers) and each value carries its own label
    for head in page.locator("table.stack thead").all():
        assert head.bounding_box()["width"] <= 1
    label = page.locator("table.stack td[data-label]").first
    assert label.evaluate("td => getComputedStyle(td, '::before').content") == '"Average (1 to 5): "'
    assert accessibility_violations(page) == []
    shot("reviewee-reads-outside-feedback-on-a-phone")


def test_hr_list_the_requests_for_360_feedback_without_anything_anyone_said(page: Page, shot):
    sign_in(page, suggested="academy HR")
    page.goto("/feedback")
    page.get_by_role("link", name="Requests for 360 feedback").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Requests for 360 feedback")
    main = page.locator("main").inner_text()
    assert "What people said" not in main and not re.search(r"\d{4}-\d\d-\d\d", main)
    page.set_viewport_size({"width": 375, "height": 740})
    assert page_width(page) <= 375
    assert accessibility_violations(page) == []
    shot("hr-list-360-requests")


STACKED = "e" + "\u0301" * 1000  # "e" and 1,000 combining acute accents: a stack as tall as the page
ELSEWHERE = ["clerk@governors.example", "head@partner-school.example", "coach@sports-club.example"]


def test_a_comment_of_stacked_marks_stays_on_its_line_in_the_report_on_a_desktop_and_a_phone(page: Page, suite_data):
    """Outsider, issue 24: a comment of "e" and 1,000 combining marks drew a line through the whole report page,
    header included, at 1280 and 375 px; and at 375 px the list of requests' caption was one letter a line. Asked
    by a teacher at another academy whom no other test asks about: a request asking people outside the trust is the
    only one about a person in a school year once another was shown (outsider, issue 24, finding 4)."""
    sign_in(page, name="Niamh Young")
    page.goto("/feedback/new")
    line_manager = page.get_by_label(re.compile("Ask the line manager"))
    if line_manager.count():
        line_manager.uncheck()
    page.get_by_label("People outside the trust").fill("\n".join(ELSEWHERE))
    page.get_by_role("button", name="Send the requests").click()
    expect(page.locator(".flash")).to_contain_text("Asked 3 people")
    about, report_url = page.get_by_role("heading", level=1).inner_text().removeprefix("Feedback for "), page.url
    sign_in(page, suggested="trust HR")
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto("/feedback/requests")
    expect(page.get_by_role("table", name="Requests, open ones first")).to_be_visible()
    assert narrow_captions(page) == []
    links = links_in_mail(suite_data, f"Would you give feedback about {about}?", 3, to=set(ELSEWHERE))
    for i, link in enumerate(links.values()):
        answer(page, link, "Agree", STACKED if i == 0 else f"Explains decisions {i}")
    sign_in(page, name="Niamh Young")
    page.goto(report_url)
    page.get_by_role("button", name="Close now and read the answers").click()
    for width, height in ((1280, 900), (375, 740)):
        page.set_viewport_size({"width": width, "height": height})
        expect(page.get_by_role("region", name="People outside the trust")).to_contain_text("Explains decisions 1")
        assert ink_beyond_its_lines(page, "header *, main h1, main h2, main h3, main h4, main p, main li") == []
        assert page_width(page) <= width


def _form(category: str, name: str, *, must: bool = False, may: bool = True, shown_from: int | None = 3) -> dict:
    """The answer page's form as the wellbeing API gives it for a rater of this category; a title of stacked marks."""
    return {"title": "Feedback for Sam" + STACKED, "subject": "Sam Reid", "closes_on": "2027-03-01",
            "category": category, "category_name": name, "must_be_named": must, "may_be_named": may,
            "shown_from": shown_from, "questions": [{"key": "fb360.keep_doing", "scale": "text", "labels": [],
                                                     "text": "What should they keep doing?", "max_length": 2000}]}


@pytest.mark.parametrize(("form", "told", "never"), [
    (_form("line_manager", "Line manager", must=True, shown_from=None),
     "You were asked as their line manager.", ["one of their", "does not send your name", "choose to give"]),
    (_form("others", "People outside the trust", may=False),
     "never with your name or email address", ["does not send your name", "give your name", "give it"]),
    (_form("peers", "Peers"), "This page does not send your name. Unless you choose to give it, your answers are "
     "shown only once at least 3 people asked as peers have answered", ["line manager"]),
], ids=["line manager", "outside the trust", "peers"])
def test_each_rater_s_answer_page_says_only_what_holds_for_their_category(page: Page, form, told, never):
    """Outsider, issue 24: the line manager's page said "You were asked as one of their line manager" and "does not
    send your name … unless you choose to give your name" beside "your answers are shown with your name"; an outside
    rater's said "unless you choose to give your name", which they cannot. The API's answer is the test's own."""
    page.route("**/api/wellbeing/feedback/respond", lambda route: route.fulfill(json=form))
    sign_out(page)
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto("/feedback/respond#token=made-up-for-the-test")
    expect(page.get_by_role("button", name="Send my feedback")).to_be_visible()
    expect(page.locator("main")).to_contain_text(told)
    said = page.locator("main").inner_text()
    assert [words for words in never if words in said] == []
    assert ink_beyond_its_lines(page, "main h1, main p") == []  # the title's marks, four to a letter
    assert page_width(page) <= 375


@pytest.mark.parametrize(("address", "form", "before", "after", "never"), [
    ("/feedback/respond?from=answer-now#token=made-up-for-the-test", _form("peers", "Peers"),
     'You came here with "Answer now" in Staffroom', "Feedback in Staffroom now shows that you have answered.",
     ["link from your email", "sign in"]),
    ("/feedback/respond#token=made-up-for-the-test", _form("others", "People outside the trust", may=False),
     "You do not need to sign in: the link from your email is enough.",
     "without your name or email address. Your link has now been used, so you can close this page.",
     ["Answer now", "Staffroom now shows"]),
    ("/feedback/respond?from=answer-now#token=made-up-for-the-test",
     _form("others", "People outside the trust", may=False), "the link from your email is enough",
     "Your link has now been used", ["Answer now"]),
], ids=["colleague from answer now", "outside the trust", "outside the trust, address marked by hand"])
def test_the_answer_and_thank_you_pages_say_what_is_true_for_how_the_rater_came(page: Page, address, form, before,
                                                                                after, never):
    """Outside tester, issue 24: a colleague who chose "Answer now" read "You do not need to sign in: the link from
    your email is enough", before and after sending; their email has no link. The API's answers are the test's own."""
    page.route("**/api/wellbeing/feedback/respond", lambda route: route.fulfill(json=form)
               if route.request.method == "GET" else route.fulfill(status=204))
    sign_out(page)
    page.goto(address)
    expect(page.get_by_role("button", name="Send my feedback")).to_be_visible()
    expect(page.locator("main")).to_contain_text(before)
    page.get_by_label("What should they keep doing?").fill("Clear explanations")
    page.get_by_role("button", name="Send my feedback").click()
    expect(page.locator("#feedback")).to_contain_text(after)
    said = page.locator("main").inner_text()
    assert [words for words in never if words in said] == []
    assert "link from your email" not in said  # the intro is about answering: the thank-you says its own


@pytest.mark.parametrize(("address", "told", "never"), [
    ("/feedback/respond?from=answer-now", 'There is no feedback link in this tab: "Answer now" gives one to the tab it '
     "opens, until you send.", ["email", "sign in"]),
    ("/feedback/respond", 'If you work in the trust, open Feedback in Staffroom and choose "Answer now". If you were '
     "emailed a link, open it again.", ["You do not need to sign in", "is enough"]),
], ids=["colleague from answer now", "anyone"])
def test_the_no_link_page_says_what_is_true_for_how_the_rater_came(page: Page, address, told, never):
    sign_out(page)
    page.goto(address)
    expect(page.locator("#feedback")).to_contain_text(told)
    said = page.locator("main").inner_text()
    assert [words for words in never if words in said] == []
