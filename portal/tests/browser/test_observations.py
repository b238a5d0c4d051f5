"""Observation and coaching in the browser (issue 24): trust HR build an observation template with a graded and an
ungraded part; the line manager records an observation on it and a coaching action step, and later the follow-up;
the member of staff sees both in their appraisal and on the printable record, which fit a phone."""
from __future__ import annotations

import re
import uuid
from datetime import date, timedelta

import pytest
from playwright.sync_api import Page, expect

from staffroom_portal.testing import accessibility_violations, page_width, sign_in

from .test_appraisal import demo_names, open_my_appraisal, open_reviewee


@pytest.fixture
def teacher(browser, suite) -> Page:
    """A second browser, for the member of staff (each person signs in once)."""
    context = browser.new_context(base_url=suite, viewport={"width": 375, "height": 740}, locale="en-GB")
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


def said(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def build_template(page: Page, name: str) -> None:
    sign_in(page, suggested="trust HR")
    page.goto("/hr")
    page.get_by_role("link", name="Observation templates").click()
    page.get_by_role("link", name="Make a template").click()
    page.get_by_label("Name of the template").fill(name)
    page.get_by_label("What it is for").select_option(label="Lesson observation")
    first = page.get_by_role("group", name="Part 1")
    first.get_by_label("What is looked at").fill("Behaviour and routines")
    # the list starts with a plain choice of none, not "None" (outsider, issue 24)
    expect(first.get_by_label("Teachers' Standard").locator("option").first).to_have_text("No Teachers' Standard")
    first.get_by_label("Teachers' Standard").select_option(label="TS7: Manage behaviour")
    first.get_by_label("Grade 1 (optional)", exact=True).fill("Secure")
    first.get_by_label("Grade 1 reads as").select_option(label="A strength")
    first.get_by_label("Grade 2 (optional)", exact=True).fill("Not yet")
    page.get_by_role("button", name="Save the template").click()  # a grade without its band: refused, typing kept
    expect(page.get_by_role("alert")).to_contain_text("There is a problem")
    expect(first.get_by_label("Grade 2 reads as")).to_have_attribute("aria-invalid", "true")
    expect(first.get_by_label("Grade 1 (optional)", exact=True)).to_have_value("Secure")
    first.get_by_label("Grade 2 reads as").select_option(label="Needs support")
    page.get_by_role("group", name=re.compile("^Part 2")).get_by_label("What is looked at").fill("Questioning")
    assert accessibility_violations(page) == []
    page.get_by_role("button", name="Save the template").click()
    expect(page.get_by_role("status")).to_contain_text(f"Template “{name}” saved")
    saved = page.get_by_role("region", name=name)
    expect(saved).to_contain_text("Behaviour and routines: graded Secure, Not yet")
    expect(saved).to_contain_text("Questioning: not graded")
    expect(saved).to_contain_text("The whole trust")


def test_hr_build_a_template_the_line_manager_observes_and_coaches_on_it_and_the_teacher_reads_both(page, teacher):
    names = demo_names(page)
    reviewee, today = names["member of staff"], date.today()
    name = f"Lesson observation {uuid.uuid4().hex[:6]}"
    build_template(page, name)

    sign_in(page, suggested="line manager")
    open_reviewee(page, reviewee)
    page.get_by_role("link", name="Record an observation on one of your academy's templates").click()
    page.get_by_label("Which template").select_option(label=f"{name} (lesson observation)")
    page.get_by_role("button", name="Next").click()
    page.get_by_label("Date").fill(today.isoformat())
    page.get_by_label("Department, subject or phase").fill("Maths")
    page.get_by_label("Focus").fill("Routines at the start of Year 8 maths")
    page.get_by_label("Behaviour and routines").select_option(label="Secure")
    expect(page.get_by_text("Questioning: not graded.")).to_be_visible()
    page.get_by_label("Strengths").fill("Calm, quick start <b>with</b> a do-now task.")
    page.get_by_label("Next steps").fill("Give more wait time after each question.")
    assert accessibility_violations(page) == []
    page.get_by_role("button", name="Record the observation").click()
    expect(page.get_by_role("status")).to_contain_text("Observation recorded")
    recorded = page.get_by_role("region", name=f"Lesson observation on {said(today)}").filter(
        has_text="Routines at the start of Year 8 maths")
    expect(recorded).to_contain_text("Secure")
    expect(recorded).to_contain_text("Not graded")
    expect(recorded).to_contain_text("Maths")

    # a coaching action step from the observation, then (later) its follow-up
    follow_up_on = today + timedelta(days=14)
    page.get_by_label("The action step").fill("Count to five after every question")
    # its list starts with a plain choice of none, not "None" (outsider, issue 24, finding 8)
    expect(page.get_by_label("From the observation").locator("option").first).to_have_text("Not from an observation")
    page.get_by_label("From the observation").select_option(
        label=f"Lesson observation, {said(today)}: Routines at the start of Year 8 maths")
    page.get_by_label("Follow up on").fill(follow_up_on.isoformat())
    page.get_by_role("button", name="Record the action step").click()
    expect(page.get_by_role("status")).to_contain_text("Action step recorded")
    step = page.get_by_role("region", name=f"Action step agreed on {said(today)}").filter(
        has_text="Count to five after every question")
    expect(step).to_contain_text(f"Follow-up planned{said(follow_up_on)}")
    step.get_by_label("What you saw at the follow-up").fill("Wait time after every question; more hands up.")
    step.get_by_role("button", name="Record the follow-up").click()
    expect(page.get_by_role("status")).to_contain_text("Follow-up recorded")
    expect(step).to_contain_text("Wait time after every question; more hands up.")

    # the member of staff reads both in their appraisal, on a phone, and on the printable record
    staff = teacher  # on a phone
    sign_in(staff, suggested="member of staff")
    open_my_appraisal(staff)
    mine = staff.get_by_role("region", name=f"Lesson observation on {said(today)}").filter(
        has_text="Routines at the start of Year 8 maths")
    expect(mine).to_contain_text("Secure")
    expect(mine).to_contain_text("Calm, quick start <b>with</b> a do-now task.")  # typed text shown as typed
    expect(mine).to_contain_text("Give more wait time after each question.")
    expect(staff.get_by_role("region", name=f"Action step agreed on {said(today)}").filter(
        has_text="Count to five after every question")).to_contain_text("more hands up")
    expect(staff.get_by_role("button", name="Record the follow-up")).to_have_count(0)  # the teacher reads only
    assert page_width(staff) <= 375
    staff.goto(staff.get_by_role("link", name="Printable appraisal record").get_attribute("href"))
    grades = staff.get_by_role("region", name=re.compile(re.escape(name)))
    expect(grades.get_by_role("row").filter(has_text="Behaviour and routines")).to_contain_text("Secure")
    expect(grades.get_by_role("row").filter(has_text="Questioning")).to_contain_text("Not graded")
    coaching = staff.get_by_role("row").filter(has_text="Count to five after every question")
    expect(coaching).to_contain_text("Wait time after every question; more hands up.")
    expect(staff.get_by_role("row").filter(has_text="Routines at the start of Year 8 maths")).to_contain_text(
        "Give more wait time after each question.")
    assert page_width(staff) <= 375
