"""Pulse surveys: trust HR set one up (a refusal first, said in plain words), see its pulses with their dates in
words, open one, pause, resume and end it; a long template is warned of; the pages fit a phone."""
from __future__ import annotations

import re
from datetime import date

from playwright.sync_api import Page, expect

from staffroom_portal.testing import accessibility_violations, page_width, sign_in

ACADEMY = "Hillcrest All-Through Academy"
ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _set_up(page: Page, title: str) -> None:
    page.goto("/surveys/runs")
    page.get_by_role("link", name="Pulse surveys").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Pulse surveys")
    page.get_by_role("link", name="Set up a pulse survey").click()
    page.get_by_label("Title").fill(title)
    page.get_by_label(ACADEMY).check()
    page.get_by_label("Support staff").check()


def test_hr_set_up_a_pulse_survey_see_its_pulses_pause_resume_and_end_it(page: Page, shot):
    today = date.today()
    title = f"Support staff pulse {today:%d%m%H}{page.evaluate('Date.now()') % 1000}"
    sign_in(page, suggested="trust HR")
    _set_up(page, title)
    page.get_by_label("Once a term").check()  # and no days set for the terms
    page.get_by_role("button", name="Set up the pulse survey").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("There is a problem")
    expect(summary).to_contain_text("Days in each term: choose the day each term's pulse opens")
    expect(page.get_by_label("Title")).to_have_value(title)  # what was typed stays

    page.get_by_label("Every month (not August)").check()
    starts_now = today.day <= 28 and today.month != 8  # the first pulse is due at once
    page.get_by_label("Every month: the day each pulse opens").fill(str(today.day if starts_now else 1))
    # (no screenshot here: right after a full-page one, Chromium's click on the button was seen not to submit)
    page.get_by_role("button", name="Set up the pulse survey").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    expect(page.get_by_role("status")).to_contain_text("The pulse survey is set up. Its first pulse opens on")
    facts = page.locator("dl.facts")
    expect(facts).to_contain_text("Running")
    expect(facts).to_contain_text("Every month but August")
    expect(facts).to_contain_text("Support staff, at " + ACADEMY)
    expect(facts).to_contain_text("ONS personal well-being questions (ONS4); Employee Net Promoter Score")  # the short set
    if starts_now:
        row = page.get_by_role("row").filter(has_text=f"{title}, {today:%B %Y}")
        expect(row).to_contain_text(re.compile("Open|Scheduled"))
    expect(page.get_by_text("Nothing to compare yet")).to_be_visible()
    assert not ISO_DAY.search(page.locator("main").inner_text()), "dates are said in words"
    assert accessibility_violations(page) == []
    shot("hr-sees-the-pulse-survey")

    page.set_viewport_size({"width": 375, "height": 740})
    page.reload()
    assert page_width(page) <= 375
    shot("on-a-phone")
    page.set_viewport_size({"width": 1280, "height": 900})

    if starts_now:  # each pulse is an ordinary survey, with its own page
        page.get_by_role("link", name=f"{title}, {today:%B %Y}").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(f"{title}, {today:%B %Y}")
        page.go_back()

    page.get_by_role("button", name="Pause").click()
    expect(page.get_by_role("status")).to_contain_text("Paused: no new pulses are made until you resume")
    expect(facts).to_contain_text("Paused")
    page.get_by_role("button", name="Resume").click()
    expect(facts).to_contain_text("Running")
    page.get_by_role("link", name="End the pulse survey").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"End {title}?")
    page.get_by_role("button", name=f"Yes, end {title}").click()
    expect(facts).to_contain_text("Ended")
    expect(page.get_by_role("button", name="Pause")).to_have_count(0)
    expect(page.get_by_role("link", name="End the pulse survey")).to_have_count(0)

    page.goto("/surveys/pulses")
    expect(page.get_by_role("row").filter(has_text=title)).to_contain_text("Ended")
    assert page_width(page) <= 1280


def test_a_long_pulse_is_warned_of(page: Page):
    sign_in(page, suggested="trust HR")
    _set_up(page, "A long pulse")
    page.get_by_role("checkbox", name=re.compile(r"^HSE Management Standards")).check()
    page.get_by_role("button", name="Set up the pulse survey").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("A long pulse")
    expect(page.locator(".flash-error").first).to_contain_text("This pulse asks 35 questions")


def test_academy_hr_set_up_a_pulse_for_their_own_academy(page: Page):
    sign_in(page, suggested="academy HR")
    page.goto("/surveys/pulses/new")
    expect(page.get_by_text("This pulse survey is for your academy's staff only.")).to_be_visible()
    page.get_by_label("Title").fill("Our academy's pulse")
    page.get_by_label("Once a term").check()
    page.get_by_label("Autumn term").fill("2026-10-13")
    page.get_by_label("Spring term").fill("2027-02-02")
    page.get_by_label("Summer term").fill("2027-05-11")
    page.get_by_role("button", name="Set up the pulse survey").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Our academy's pulse")
    facts = page.locator("dl.facts")
    expect(facts).to_contain_text("Each term, on 13 October, 2 February, 11 May")
    expect(facts).to_contain_text("All staff, at ")
    expect(page.get_by_role("button", name="Pause")).to_be_visible()
