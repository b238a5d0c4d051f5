"""Replies to anonymous comments: HR reply in the portal; whoever wrote the comment opens their survey link again,
in the browser they answered with, reads the reply and answers it; another browser with the same link sees
nothing (docs/wellbeing.md, "Replies to comments")."""
from __future__ import annotations

import importlib.util
import re
import time
from email import policy
from email.parser import BytesParser
from pathlib import Path

from playwright.sync_api import Page, expect

from staffroom_portal.testing import accessibility_violations, page_width, sign_in, sign_out

# The survey pages' helpers (tests here are imported with --import-mode=importlib, so not by name)
_spec = importlib.util.spec_from_file_location("survey_pages", Path(__file__).with_name("test_surveys.py"))
surveys = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(surveys)
PEOPLE, answer, build_and_open = surveys.PEOPLE, surveys.answer, surveys.build_and_open
close_and_open_report, sign_in_at_hillcrest = surveys.close_and_open_report, surveys.sign_in_at_hillcrest

TITLE = "Support staff check-in (replies)"


def _emailed_link(mail, name: str) -> str:
    """The newest link emailed to this person for TITLE (as their mailbox would hold it)."""
    mine = name.lower().replace(" ", ".")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        for path in sorted(mail.glob("*.eml"), key=lambda p: p.stat().st_mtime, reverse=True):
            email = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
            if str(email["To"]).lower().startswith(mine) and str(email["Subject"]) == f"Your new link: {TITLE}":
                found = re.search(r"https?://\S+/surveys/respond#token=[\w-]+", email.get_body(("plain",)).get_content())
                if found:
                    return found.group(0)
        time.sleep(0.5)
    raise AssertionError(f"no link for {TITLE} emailed to {name}")


def test_hr_reply_in_the_portal_and_the_author_reads_and_answers_with_their_link_in_the_same_browser(
        page: Page, browser, suite, suite_data, shot):
    run_url = build_and_open(page, TITLE)
    for name, agree, recommend in zip(PEOPLE, ["Agree", "Agree", "Disagree", "Agree", "Strongly agree"],
                                      ["8", "9", "5", "7", "10"]):
        sign_in_at_hillcrest(page, name)
        answer(page, TITLE, agree, recommend, comment=f"A quieter staffroom at lunch, from {name.split()[0]}")
    close_and_open_report(page, run_url)
    page.get_by_role("link", name="Reply to these comments").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Replies to comments")
    mine = page.get_by_role("article").filter(has_text=f"from {PEOPLE[0].split()[0]}")
    mine.get_by_label("Your reply").fill("Thank you. Which part of lunch is the noisiest?")
    mine.get_by_role("button", name="Post reply").click()
    expect(page.get_by_role("status")).to_contain_text("Your reply is posted")
    expect(page.get_by_role("article").filter(has_text=f"from {PEOPLE[0].split()[0]}")).to_contain_text(
        "Reply from trust HR")
    assert accessibility_violations(page) == []
    page.set_viewport_size({"width": 375, "height": 740})
    assert page_width(page) <= 375
    shot("hr-replies-to-a-comment")
    page.set_viewport_size({"width": 1280, "height": 900})

    # The author opens the link from their email, in the browser they answered with (signed out: it asks no name)
    link = _emailed_link(suite_data / "mail", PEOPLE[0])
    sign_out(page)
    requests = []
    page.on("request", lambda request: requests.append(request))
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Replies to what you wrote")
    assert "token" not in page.url
    expect(page.get_by_text("Thank you. Which part of lunch is the noisiest?")).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text(re.compile(r"Reply from trust HR, \d{1,2} [A-Z][a-z]+ \d{4}"))
    page.get_by_label("Your answer").fill("The queue for the microwave")
    page.get_by_role("button", name="Send my answer").click()
    expect(page.get_by_text("Your answer, waiting to be passed on")).to_be_visible()
    expect(page.get_by_text("The queue for the microwave")).to_be_visible()
    assert accessibility_violations(page) == []
    page.set_viewport_size({"width": 375, "height": 740})
    assert page_width(page) <= 375
    shot("author-reads-and-answers")
    for r in requests:
        if "/api/wellbeing/survey" in r.url:
            assert "cookie" not in r.all_headers() and "token" not in r.url and "comment" not in r.url
    # reading and answering are one request, alike in method, path, status and the sizes both ways
    exchanges = [r for r in requests if r.url.endswith("/api/wellbeing/survey/replies")]
    assert len(exchanges) == 2 and {r.method for r in exchanges} == {"POST"}
    assert len({len(r.post_data_buffer) for r in exchanges}) == 1
    assert {r.response().status for r in exchanges} == {200} and len({len(r.response().body()) for r in exchanges}) == 1

    # Someone else holding the same link, in another browser, sees nothing replied
    other = browser.new_context(base_url=suite)
    try:
        thief = other.new_page()
        thief.goto(link)
        expect(thief.get_by_role("heading", level=1)).to_have_text("Replies to what you wrote")
        expect(thief.get_by_text("Nobody has replied to what you wrote")).to_be_visible()
        expect(thief.get_by_text("Which part of lunch")).to_have_count(0)
    finally:
        other.close()
    # and HR still see only their reply: the answer waits to be passed on with others
    sign_in(page, suggested="trust HR")
    page.goto(run_url.rstrip("/") + "/replies")
    expect(page.get_by_text("The queue for the microwave")).to_have_count(0)


def test_a_right_to_left_override_in_a_survey_s_title_does_not_reverse_the_survey_page_s_own_words(page: Page):
    # Issue 23's third outsider: the survey page (survey.js) set the title into its own sentences as plain text, so
    # a U+202E in the title reversed "They are not linked to your name..." on the thank-you page. A title can no
    # longer hold a direction override (outsider O6, issue 24: refused as text that shows as something else), but
    # one in Hebrew still runs right to left, and stays inside its own <bdi>.
    title = "Spring \u05e9\u05d0\u05dc\u05d5\u05df survey"
    build_and_open(page, title)
    sign_in_at_hillcrest(page, PEOPLE[0])
    answer(page, title, "Agree", "8")
    sent = page.locator("p").filter(has_text="have been sent")
    expect(sent.locator("bdi")).to_have_text(title)
    assert sent.locator("bdi").evaluate("b => getComputedStyle(b).unicodeBidi") == "isolate"
    expect(sent).to_contain_text("They are not linked to your name")
