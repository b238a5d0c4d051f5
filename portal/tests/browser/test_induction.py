"""Statutory induction in the browser (issue 25), on the demo trust's two early career teachers (the demo's line manager
their induction tutor, its member of staff their mentor): HR register an ECT and look after them, the tutor records
the term's timetable and a progress review that starts a support plan, the mentor sees their mentees without
outcomes, and the ECT signs a review with comments. Each journey at 1280 px and at 375 px, checked with axe-core."""
from __future__ import annotations

import re
from datetime import date, timedelta

import httpx
import pytest
from playwright.sync_api import Page, expect

from staffroom_portal.testing import accessibility_violations, page_width, sign_in

UUID_OR_ISO = re.compile(r"\b20\d\d-\d\d-\d\d\b|[0-9a-f]{8}-[0-9a-f]{4}-")
TODAY = date.today()


def _tokens(suite_data) -> dict[str, dict]:
    rows = [line.split("\t") for line in (suite_data / "demo-tokens.txt").read_text().splitlines()]
    return {row[0]: {"name": row[1], "staff_id": row[2], "token": row[3]} for row in rows}


@pytest.fixture
def trust(suite, suite_data) -> dict:
    """The demo people, the API as each, and the demo's two ECTs (HR's list, the one who started first first)."""
    people = _tokens(suite_data)

    def api(who: str) -> httpx.Client:
        return httpx.Client(base_url=f"{suite}/api/cpd", headers={"Authorization": f"Bearer {people[who]['token']}"})

    tutored = api("line manager").get("/inductions/tutoring").json()
    # the demo's two, who started first (HR's journey registers another, starting today, for the same tutor)
    ects = sorted((e for e in tutored if e["status"] == "serving"), key=lambda e: e["starts_on"])[:2]
    assert len(ects) == 2, tutored
    return {"people": people, "api": api, "ects": ects}


def _plain(page: Page) -> None:
    """No ids or ISO dates on the page, no serious accessibility failure, and no sideways scroll on a phone."""
    main = page.get_by_role("main").inner_text()
    assert not UUID_OR_ISO.search(main), UUID_OR_ISO.search(main)
    assert accessibility_violations(page) == []


def _choose(select, name: str) -> None:
    """Choose a person in a select of staff ("First Last, Post") by their name."""
    select.select_option(label=next(o for o in select.locator("option").all_inner_texts() if o.startswith(f"{name},")))


def _phone(page: Page, shot, step: str) -> None:
    page.set_viewport_size({"width": 375, "height": 800})
    assert page_width(page) <= 375
    shot(f"{step}-phone")
    page.set_viewport_size({"width": 1280, "height": 900})


def test_hr_register_an_ect_name_their_tutor_and_mentor_and_download_the_record(page: Page, shot, trust):
    sign_in(page, suggested="academy HR")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Induction").click()
    page.get_by_role("navigation", name="Induction pages").get_by_role("link", name="Early career teachers").click()
    listed = page.get_by_role("table", name="Early career teachers and their induction")
    for ect in trust["ects"]:
        expect(listed.get_by_role("row").filter(has_text=ect["staff_name"])).to_contain_text("Serving induction")
    _plain(page)
    shot("ects")
    _phone(page, shot, "ects")

    page.goto("/induction/term-dates")
    expect(page.get_by_role("table", name=re.compile("^The term dates given for"))).to_contain_text("Autumn term")
    _plain(page)
    _phone(page, shot, "term-dates")

    page.goto("/induction/ects/new")
    page.get_by_role("button", name="Register the ECT").click()  # nothing chosen: refused in words on the page
    expect(page.get_by_role("alert")).to_contain_text("Choose the early career teacher")
    ect = page.get_by_label("Early career teacher")
    choices = [o for o in ect.locator("option").all_inner_texts() if o.endswith("Early Career Teacher")]
    taken = {e["staff_name"] for e in trust["api"]("academy HR").get("/inductions").json()}
    new = next(o for o in choices if o.split(",")[0] not in taken)
    ect.select_option(label=new)
    page.get_by_label("Qualified teacher status awarded").fill((TODAY - timedelta(days=150)).isoformat())
    page.get_by_label("Induction starts").fill((TODAY - timedelta(days=200)).isoformat())  # before QTS: refused
    page.get_by_label("Appropriate body", exact=True).fill("Oak Teaching School Hub")
    page.get_by_label("How their training is delivered").select_option(label="School-led: the school's own programme")
    page.get_by_role("button", name="Register the ECT").click()
    expect(page.get_by_role("alert")).to_contain_text("before qualified teacher status was awarded")
    expect(page.get_by_label("Appropriate body", exact=True)).to_have_value("Oak Teaching School Hub")  # what was typed is kept
    _plain(page)
    shot("register-refused")
    page.get_by_label("Induction starts").fill(TODAY.isoformat())
    page.get_by_role("button", name="Register the ECT").click()
    expect(page.get_by_role("status")).to_contain_text("The ECT is registered")
    name = new.split(",")[0]
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{name}: induction")
    expect(page.get_by_role("table", name=re.compile("Progress reviews and formal assessments"))).to_contain_text(
        "Final formal assessment")

    _choose(page.get_by_role("combobox", name=re.compile("^Induction tutor")), trust["people"]["line manager"]["name"])
    _choose(page.get_by_role("combobox", name=re.compile("^Mentor")), trust["people"]["member of staff"]["name"])
    page.get_by_role("button", name="Save the tutor and mentor").click()
    expect(page.get_by_role("status")).to_contain_text("tutor and mentor are saved")
    expect(page.locator("dl.facts")).to_contain_text(trust["people"]["line manager"]["name"])

    page.get_by_label("First day absent").fill(TODAY.isoformat())
    page.get_by_label("Last day absent").fill(f"{TODAY.year - 1}-01-05")
    page.get_by_label("Kind of absence").select_option(label="Sickness")
    page.get_by_role("button", name="Record the absence").click()
    expect(page.get_by_role("alert")).to_be_visible()  # the API's refusal, on the page
    page.get_by_label("Decision", exact=True).select_option(label="Extended by some terms")
    page.get_by_label("Day it was decided").fill(TODAY.isoformat())
    page.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_role("alert")).to_contain_text("Say by how many terms induction is extended")
    _plain(page)
    shot("induction")
    _phone(page, shot, "induction")

    csv = page.request.get(page.get_by_role("link", name="Download the record (CSV)").get_attribute("href"))
    assert csv.ok and csv.text().startswith("ECT,Teacher reference number,Date of birth,Appropriate body"), csv.text()[:200]
    page.get_by_role("link", name="Printable record for the appropriate body").click()
    expect(page.get_by_text("Oak Teaching School Hub").first).to_be_visible()
    shot("record")


def test_the_tutor_records_the_timetable_and_a_review_that_starts_a_support_plan(page: Page, shot, trust):
    newest = trust["ects"][-1]
    sign_in(page, suggested="line manager")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Induction").click()
    dashboard = page.get_by_role("table", name=re.compile("ECTs you are induction tutor for"))
    row = dashboard.get_by_role("row").filter(has_text=newest["staff_name"])
    expect(row).to_contain_text("Progress review")
    _plain(page)
    shot("dashboard")
    _phone(page, shot, "dashboard")

    row.get_by_role("link", name=newest["staff_name"]).click()
    page.get_by_label("Share of a full timetable they teach, as a percentage").fill("99")
    page.get_by_role("button", name="Save the timetable").click()
    expect(page.get_by_role("alert")).to_contain_text("90")  # more than the cap: refused in the API's words
    page.get_by_label("Share of a full timetable they teach, as a percentage").fill("88")
    page.get_by_role("button", name="Save the timetable").click()
    expect(page.get_by_role("status")).to_contain_text("timetable is recorded")
    expect(page.get_by_role("table", name=re.compile("The most the ECT may teach"))).to_contain_text(
        "88%: the reduction is given")

    page.get_by_role("link", name=re.compile("^Record it")).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Progress review")
    page.get_by_role("button", name="Record the progress review").click()
    expect(page.get_by_role("alert")).to_contain_text("Choose the outcome")
    page.get_by_label("Outcome", exact=True).select_option(label="Not making satisfactory progress")
    page.get_by_label(re.compile("^TS7:")).fill("Routines are not yet consistent after break.")
    page.get_by_role("button", name="Record the progress review").click()
    expect(page.get_by_role("alert")).to_contain_text("support plan")  # the API: a concern needs its plan
    _plain(page)
    shot("review-refused")
    page.get_by_label("Areas to improve").fill("Behaviour after break\nTransitions between tasks")
    page.get_by_label("Objectives against the Teachers' Standards").fill("TS7: the same entry routine every lesson")
    page.get_by_label("Support in place").fill("Weekly coaching with the mentor")
    page.get_by_label("Evidence used").fill("Two observed lessons and the behaviour log")
    page.get_by_role("button", name="Record the progress review").click()
    expect(page.get_by_role("status")).to_contain_text("The support plan has started")
    plan = page.get_by_role("region", name=re.compile("^Support plan from"))
    expect(plan).to_contain_text("Transitions between tasks")
    page.get_by_role("button", name=re.compile("^Sign as the induction tutor")).click()
    expect(page.get_by_role("status")).to_contain_text("You signed as the induction tutor")
    _plain(page)
    shot("review-recorded")
    _phone(page, shot, "review-recorded")


def test_the_mentor_sees_their_mentees_schedule_but_no_outcomes(page: Page, shot, trust):
    sign_in(page, suggested="member of staff")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Induction").click()
    mentees = page.get_by_role("table", name="Your mentees")
    first = trust["ects"][0]
    expect(mentees.get_by_role("row").filter(has_text=first["staff_name"])).to_contain_text(
        trust["people"]["line manager"]["name"])
    _plain(page)
    shot("mentees")
    _phone(page, shot, "mentees")
    mentees.get_by_role("link", name=first["staff_name"]).click()
    expect(page.get_by_role("heading", name="What happens when")).to_be_visible()
    held = page.get_by_role("region", name=re.compile("^First formal assessment"))
    expect(held).to_contain_text("Signed by the ECT")
    main = page.get_by_role("main")
    expect(main).not_to_contain_text("Outcome")
    expect(main).not_to_contain_text("Making satisfactory progress")
    expect(page.get_by_role("button")).to_have_count(1)  # sign out only: a mentor records and signs nothing
    expect(page.get_by_role("link", name="Download the record (CSV)")).to_have_count(0)
    _plain(page)
    shot("mentee")
    _phone(page, shot, "mentee")


def test_the_ect_reads_their_induction_and_signs_a_review_with_comments(page: Page, shot, trust):
    ect = trust["ects"][0]  # the demo leaves their latest review for them to sign
    sign_in(page, name=ect["staff_name"])
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Induction").click()
    page.get_by_role("link", name="Your induction: schedule, reviews and timetable").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your induction")
    expect(page.get_by_role("table", name=re.compile("The most you may teach"))).to_contain_text("90% of a full timetable")
    _plain(page)
    shot("my-induction")
    _phone(page, shot, "my-induction")
    unsigned = page.get_by_role("button", name=re.compile("^Sign the "))
    expect(unsigned).to_have_count(1)
    page.get_by_label("Your comments").fill("Thank you: the coaching on <b>routines</b> helped.")
    unsigned.click()
    expect(page.get_by_role("status")).to_contain_text("You signed")
    expect(page.get_by_text("Thank you: the coaching on <b>routines</b> helped.")).to_be_visible()
    expect(page.get_by_role("button", name=re.compile("^Sign the "))).to_have_count(0)
    expect(page.get_by_role("button", name=re.compile("^Sign for the headteacher"))).to_have_count(0)
    _plain(page)
    shot("signed")
