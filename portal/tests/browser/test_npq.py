"""National professional qualifications in the browser (issue 25), on the demo trust's three NPQ places: academy HR
find them from the HR page, filter them, register the demo's member of staff for an NPQ (refused in words first),
record the lead provider's acceptance and the outcome; the member of staff reads it among their CPD pages. At 1280 px
and at 375 px, checked with axe-core, with no ids or ISO dates on any page."""
from __future__ import annotations

import re
from datetime import date, timedelta

from playwright.sync_api import Page, expect

from staffroom_portal.testing import accessibility_violations, page_width, sign_in

UUID_OR_ISO = re.compile(r"\b20\d\d-\d\d-\d\d\b|[0-9a-f]{8}-[0-9a-f]{4}-")
TODAY = date.today()


def _plain(page: Page) -> None:
    main = page.get_by_role("main").inner_text()
    assert not UUID_OR_ISO.search(main), UUID_OR_ISO.search(main)
    assert accessibility_violations(page) == []


def _phone(page: Page, shot, step: str) -> None:
    page.set_viewport_size({"width": 375, "height": 800})
    assert page_width(page) <= 375
    shot(f"{step}-phone")
    page.set_viewport_size({"width": 1280, "height": 900})


def _in_words(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def test_hr_register_an_npq_record_its_outcome_and_the_holder_reads_it(page: Page, shot, suite_data):
    people = {row.split("\t")[0]: row.split("\t")[1]
              for row in (suite_data / "demo-tokens.txt").read_text().splitlines()}
    member = people["member of staff"]

    sign_in(page, suggested="academy HR")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="HR").click()
    page.get_by_role("link", name="NPQs").click()
    places = page.get_by_role("table", name="Places on national professional qualifications")
    expect(places.get_by_role("row").filter(has_text="NPQ for Senior Leadership")).to_contain_text(
        re.compile(r"Passed on \d+ \w+ 20\d\d"))
    expect(places.get_by_role("row").filter(has_text="NPQ for Leading Teaching")).to_contain_text("Being taken")
    expect(places.get_by_role("row").filter(has_text="Special Educational Needs")).to_contain_text(
        "Waiting for the lead provider's answer")
    expect(places).to_contain_text("DfE scholarship")
    _plain(page)
    shot("hr-list")
    _phone(page, shot, "hr-list")

    page.get_by_label("Where it stands").select_option(label="Passed")
    page.get_by_role("button", name="Show").click()
    expect(places.get_by_role("row")).to_have_count(2)  # the heading and the one passed
    expect(page.get_by_text("1 place.")).to_be_visible()

    page.get_by_role("link", name="Register a place on an NPQ").click()
    page.get_by_role("button", name="Register the place").click()  # nothing chosen: refused in words on the page
    expect(page.get_by_role("alert")).to_contain_text("Choose the member of staff")
    _plain(page)
    who = page.get_by_label("Member of staff")
    who.select_option(label=next(o for o in who.locator("option").all_inner_texts() if o.startswith(f"{member},")))
    page.get_by_label("NPQ", exact=True).select_option(label="NPQ for Leading Teaching")
    page.get_by_label("Lead provider").fill("Ambition Institute")
    started = TODAY - timedelta(days=60)
    page.get_by_label("Cohort starts").fill(started.isoformat())
    page.get_by_label("Funding").select_option(label="DfE scholarship")
    page.get_by_role("button", name="Register the place").click()
    expect(page.get_by_role("status")).to_contain_text(f"{member} is registered for the NPQ for Leading Teaching")
    expect(page.get_by_text("Where it stands")).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text("Waiting for the lead provider's answer")
    _plain(page)
    _phone(page, shot, "registered")

    page.get_by_label("News").select_option(label="The lead provider accepted the application")
    page.get_by_role("button", name="Record it").click()
    expect(page.get_by_role("status")).to_contain_text("The lead provider's acceptance is recorded.")
    page.get_by_label("Outcome", exact=True).select_option(label="Passed")
    page.get_by_label("Day of the outcome").fill((TODAY + timedelta(days=5)).isoformat())
    page.get_by_role("button", name="Record the outcome").click()  # a day still to come: refused in words
    expect(page.get_by_role("alert")).to_contain_text("which has not happened yet")
    _plain(page)
    page.get_by_label("Day of the outcome").fill(TODAY.isoformat())
    page.get_by_role("button", name="Record the outcome").click()
    expect(page.get_by_role("status")).to_contain_text("The outcome is recorded.")
    expect(page.get_by_role("main")).to_contain_text(f"Passed on {_in_words(TODAY)}")
    _plain(page)
    shot("outcome")

    sign_in(page, suggested="member of staff")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="CPD").click()
    page.get_by_role("navigation", name="CPD pages").get_by_role("link", name="My NPQs").click()
    mine = page.get_by_role("region", name="NPQ for Leading Teaching")
    expect(mine).to_contain_text(f"Passed on {_in_words(TODAY)}")
    expect(mine).to_contain_text(f"With Ambition Institute, {'Autumn' if started.month >= 9 else 'Summer' if started.month >= 5 else 'Spring'} {started.year} cohort")
    expect(mine).to_contain_text("DfE scholarship.")
    _plain(page)
    shot("mine")
    _phone(page, shot, "mine")
