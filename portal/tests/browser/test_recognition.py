"""Recognition and feedback in the browser (issue 24): a member of staff thanks a colleague they find by name; the
recipient keeps it as evidence in their appraisal; their line manager then sees it in the appraisal, and sees what
was shared with them on their team's page. The pages pass axe and fit a phone."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from staffroom_portal.app import UNREADABLE
from staffroom_portal.testing import accessibility_violations, page_width, sign_in

from .test_appraisal import demo_names, open_reviewee


@pytest.fixture
def other(browser, suite) -> Page:
    """A second browser, for the other person in a journey."""
    context = browser.new_context(base_url=suite, viewport={"width": 1280, "height": 900}, locale="en-GB")
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


def give(page: Page, to: str, words: str, *, kind: str = "Recognition: a thank you or well done",
         who_sees: str = "Only them", value: str = "", sent: bool = True) -> None:
    page.goto("/recognition")
    page.get_by_role("link", name="Give recognition").click()
    expect(page.get_by_text("they will see your name")).to_be_visible()
    page.get_by_label("Their name").fill(to.split()[-1])
    page.get_by_role("button", name="Find").click()
    page.get_by_role("radio", name=re.compile(rf"^{re.escape(to)},")).check()
    page.get_by_label("What it is").select_option(label=kind)
    page.get_by_label("What you want to say").fill(words)
    if value:
        page.get_by_label("One of the trust's values it shows").fill(value)
    page.get_by_label("Who can see it").select_option(label=who_sees)
    page.get_by_role("button", name="Send").click()
    if sent:
        expect(page.get_by_role("status")).to_contain_text(f"Sent to {to}")


def test_a_member_of_staff_thanks_a_colleague_who_sees_it_with_their_name(page, other, shot):
    names = demo_names(page)
    me, manager = names["member of staff"], names["line manager"]
    sign_in(page, suggested="member of staff")
    give(page, manager, "Thank you for <b>covering</b> my Year 9 class at no notice.", value="Teamwork")
    given = page.get_by_role("region", name=f"What you gave {manager}")
    expect(given).to_contain_text("Thank you for <b>covering</b> my Year 9 class")  # typed text shown as text
    expect(given.get_by_role("button", name="Withdraw it")).to_be_visible()
    expect(given).not_to_contain_text(re.compile(r"\d{4}-\d{2}-\d{2}"))
    assert accessibility_violations(page) == []
    shot("recognition-given")

    sign_in(other, suggested="line manager")
    other.goto("/")
    other.get_by_role("link", name="Recognition", exact=True).click()
    item = other.get_by_role("region", name=f"Recognition from {me}")
    expect(item).to_contain_text("Thank you for <b>covering</b> my Year 9 class at no notice.")
    expect(item).to_contain_text("Shows the value: Teamwork")
    expect(item).to_contain_text("Only you can see this.")
    other.set_viewport_size({"width": 375, "height": 800})
    assert page_width(other) <= 375
    assert accessibility_violations(other) == []


def test_the_recipient_keeps_it_as_evidence_and_the_line_manager_sees_it_in_the_appraisal(page, other, shot):
    names = demo_names(page)
    me, hr = names["member of staff"], names["academy HR"]
    sign_in(other, suggested="academy HR")  # a colleague of theirs, giving privately and then shared
    give(other, me, "Your reading corner has changed how Year 4 talk about books.")
    give(other, me, "Keep modelling the think-alouds: the new staff learn from them.",
         kind="Feedback: something to keep doing, or to consider", who_sees="Them and their line manager")

    # The line manager sees only the shared one on their team's page.
    sign_in(page, suggested="line manager")
    page.goto("/recognition/team")
    expect(page.get_by_role("region", name=f"For {me} from {hr}")).to_contain_text("think-alouds")
    expect(page.get_by_text("reading corner")).to_have_count(0)
    assert accessibility_violations(page) == []

    # The recipient keeps the private one as evidence in their appraisal.
    sign_in(other, suggested="member of staff")
    other.goto("/recognition")
    private = other.get_by_role("region", name=f"Recognition from {hr}")
    expect(private).to_contain_text("Only you can see this.")
    private.get_by_role("button", name="Keep as evidence in my appraisal").click()
    expect(other.get_by_role("status")).to_contain_text("Kept as evidence in your appraisal")
    expect(other.get_by_role("region", name=f"Recognition from {hr}")).to_contain_text(
        "Kept as evidence in your appraisal.")
    assert accessibility_violations(other) == []
    other.set_viewport_size({"width": 375, "height": 800})
    assert page_width(other) <= 375
    shot("recognition-kept")

    # Their line manager, who appraises them, now sees it in the appraisal although it was private.
    open_reviewee(page, me)
    evidence = page.get_by_role("region", name=f"Recognition from {hr}")
    expect(page.get_by_role("heading", name="Recognition and feedback kept as evidence")).to_be_visible()
    expect(evidence).to_contain_text("reading corner has changed how Year 4 talk about books")
    expect(page.get_by_text("think-alouds")).to_have_count(0)  # shared, but not kept: not appraisal evidence

    # ... and in the printable record.
    record = page.request.get(page.url.rstrip("/") + "/record")
    assert "Recognition from " + hr in record.text() and "reading corner" in record.text()

    # The recipient hides the other one; it leaves their list.
    other.goto("/recognition")
    other.get_by_role("region", name=f"Feedback from {hr}").get_by_role("button", name="Hide").click()
    expect(other.get_by_role("status")).to_contain_text("Hidden")
    expect(other.get_by_text("think-alouds")).to_have_count(0)


def test_the_recipient_reports_unkind_feedback_and_hr_read_it_and_remove_it(page, other, shot):
    names = demo_names(page)
    me, manager = names["member of staff"], names["line manager"]
    sign_in(other, suggested="line manager")
    give(other, me, "Your lessons are a joke and everyone knows it.",
         kind="Feedback: something to keep doing, or to consider")

    # The recipient reports it, on a phone, saying why; they are told the giver is not told.
    sign_in(page, suggested="member of staff")
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto("/recognition")
    item = page.get_by_role("region", name=f"Feedback from {manager}")
    item.locator("summary", has_text="Report to HR").click()
    expect(item).to_contain_text("is not told that you reported it")
    item.get_by_label("Why, in your own words").fill("It was sent after I raised a concern about the timetable.")
    assert page_width(page) <= 375
    assert accessibility_violations(page) == []
    item.get_by_role("button", name="Report to HR").click()
    expect(page.get_by_role("status")).to_contain_text("Reported to HR")
    expect(page.get_by_role("region", name=f"Feedback from {manager}")).to_contain_text("You reported this to HR on")
    shot("recognition-reported")

    # The giver sees nothing of the report.
    other.goto("/recognition")
    expect(other.get_by_role("region", name=f"What you gave {me}")).not_to_contain_text("report")

    # HR find it from their home page, read it and remove it: at desktop width.
    sign_in(other, suggested="academy HR")
    other.goto("/")
    other.get_by_role("link", name=re.compile(r"1 piece of recognition or feedback reported to HR")).click()
    listed = other.get_by_role("region", name=f"Feedback for {me} from {manager}")
    expect(listed).to_contain_text("raised a concern about the timetable")
    expect(listed).not_to_contain_text("a joke")  # the words only on reading it, which is audited
    expect(other.locator("main")).not_to_contain_text(re.compile(r"\d{4}-\d{2}-\d{2}"))
    assert accessibility_violations(other) == []
    listed.get_by_role("link", name=re.compile("Read it and decide")).click()
    expect(other.get_by_role("region", name="What was given")).to_contain_text("Your lessons are a joke")
    other.get_by_role("button", name="Remove it").click()  # no reason: told what to do, nothing removed
    expect(other.get_by_text("Say why it is being removed").first).to_be_visible()
    assert accessibility_violations(other) == []
    other.get_by_label("Why it is being removed").fill("Belittling: breaks the staff code of conduct.")
    other.get_by_role("button", name="Remove it").click()
    expect(other.get_by_role("status")).to_contain_text("Removed")
    expect(other.get_by_text("Nothing is waiting")).to_be_visible()

    # ... and at 375 px the HR pages fit a phone too.
    other.set_viewport_size({"width": 375, "height": 800})
    other.goto("/hr")
    other.get_by_role("link", name="Reported recognition and feedback").click()
    assert page_width(other) <= 375

    # The recipient sees it removed.
    page.goto("/recognition")
    expect(page.get_by_role("region", name=f"Feedback from {manager}")).to_contain_text("HR removed this")
    expect(page.get_by_text("a joke")).to_have_count(0)
    shot("recognition-removed-after-report")


def test_a_typed_percent_is_kept_and_escapes_no_browser_sends_are_refused(page):
    """Outsider O8 D, issue 24: what Chromium sends for "100%" and "50%FF" typed in the words is read as typed (it
    sends % as %25); the same form with its body changed to words=hello%FFworld is refused, and nothing is given."""
    manager = demo_names(page)["line manager"]
    sign_in(page, suggested="member of staff")
    sent = []
    page.on("request", lambda r: sent.append(r.post_data) if r.method == "POST" and "/recognition/give" in r.url
            else None)
    give(page, manager, "100% behind you, café crew & 50%FF")
    assert "words=100%25+behind+you%2C+caf%C3%A9+crew+%26+50%25FF" in sent[-1]
    expect(page.get_by_role("region", name=f"What you gave {manager}").first).to_contain_text(
        "100% behind you, café crew & 50%FF")

    page.route("**/recognition/give", lambda route: route.continue_(
        post_data=route.request.post_data.replace("words=Ordinary+words", "words=hello%FFworld"))
        if route.request.method == "POST" else route.continue_())
    give(page, manager, "Ordinary words", sent=False)
    expect(page.get_by_text(UNREADABLE)).to_be_visible()
    page.goto("/recognition")
    expect(page.get_by_text("hello")).to_have_count(0)
    expect(page.get_by_text("Ordinary words")).to_have_count(0)
