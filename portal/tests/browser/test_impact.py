"""CPD impact in the browser (issue 24): the member of staff records what they will change after a programme and
how satisfied they were, their line manager records the impact seen once the trust's interval has passed, and HR
read the programme's report. The completion itself is set up through the API (the portal has no completion page):
a free trust course that began 100 days ago, completed 60 days ago, so the six-week check is due."""
from __future__ import annotations

import re
import time
import uuid
from datetime import date, timedelta

import httpx
import pytest
from playwright.sync_api import Page, expect

from staffroom_portal.testing import accessibility_violations, page_width, sign_in

TODAY = date.today()


def _tokens(suite_data) -> dict[str, dict]:
    rows = [line.split("\t") for line in (suite_data / "demo-tokens.txt").read_text().splitlines()]
    return {row[0]: {"name": row[1], "staff_id": row[2], "token": row[3]} for row in rows}


@pytest.fixture
def completed(suite, suite_data) -> dict:
    """A completed place of the demo member of staff on a programme of its own (each test its own)."""
    people = _tokens(suite_data)

    def api(who: str) -> httpx.Client:
        return httpx.Client(base_url=f"{suite}/api/cpd", headers={"Authorization": f"Bearer {people[who]['token']}"})

    title = f"Questioning that makes pupils think {uuid.uuid4().hex[:6]}"
    programme = api("trust HR").post("/programmes", json={
        "title": title, "kind": "internal_course", "provider": "Oak Trust", "delivery_mode": "in_person",
        "cost": "120.00", "requires_approval": False, "academy_id": None})
    assert programme.status_code == 201, programme.text
    cohort = api("trust HR").post(f"/programmes/{programme.json()['id']}/cohorts", json={
        "name": "Autumn twilights", "starts_on": str(TODAY - timedelta(days=100)),
        "ends_on": str(TODAY + timedelta(days=30)), "capacity": 30})
    assert cohort.status_code == 201, cohort.text
    placed = api("member of staff").post("/enrolments", json={"cohort_id": cohort.json()["id"], "reason": "Questioning"})
    assert placed.status_code == 201 and placed.json()["status"] == "confirmed", placed.text
    done = api("line manager").post(f"/enrolments/{placed.json()['id']}/completion",
                                    json={"completed_on": str(TODAY - timedelta(days=60))})
    assert done.status_code == 200, done.text
    def appraisal() -> httpx.Client:
        return httpx.Client(base_url=f"{suite}/api/appraisal",
                            headers={"Authorization": f"Bearer {people['line manager']['token']}"})

    return {"title": title, "enrolment_id": placed.json()["id"], "programme_id": programme.json()["id"],
            "member": people["member of staff"]["name"], "member_id": people["member of staff"]["staff_id"],
            "api": api, "appraisal": appraisal}


def test_the_member_of_staff_records_what_they_will_change_and_how_satisfied_they_were(page: Page, shot, completed):
    sign_in(page, suggested="member of staff")
    page.goto("/cpd/impact")
    expect(page.get_by_role("heading", level=1)).to_have_text("CPD impact")
    page.get_by_role("link", name=completed["title"]).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(completed["title"])
    finished = TODAY - timedelta(days=60)
    expect(page.get_by_text(f"{finished.day} {finished:%B %Y}").first).to_be_visible()
    page.get_by_role("button", name="Save").click()  # nothing chosen: refused, in words, on the page
    expect(page.get_by_role("alert")).to_be_visible()
    page.get_by_label("What I will change in my practice").fill("Wait <b>five</b> seconds after every question")
    page.get_by_label("How satisfied were you with the programme?").select_option(label="Satisfied")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text("part of your appraisal evidence")
    facts = page.locator("dl.facts")
    expect(facts).to_contain_text("Wait <b>five</b> seconds after every question")  # typed text shown as text
    expect(facts).to_contain_text("Satisfied")
    expect(page.get_by_text(re.compile(r"You can change this until \d{1,2} \w+ 20\d\d"))).to_be_visible()
    assert not re.search(r"\b20\d\d-\d\d-\d\d\b|[0-9a-f]{8}-[0-9a-f]{4}-", page.get_by_role("main").inner_text())
    assert accessibility_violations(page) == []
    shot("intent-recorded")
    page.set_viewport_size({"width": 375, "height": 800})
    assert page_width(page) <= 375


def test_the_line_manager_records_the_impact_seen(page: Page, shot, completed):
    completed["api"]("member of staff").put(f"/enrolments/{completed['enrolment_id']}/impact/intent",
                                            json={"intent": "Cold-call with wait time", "satisfaction": 4})
    sign_in(page, suggested="line manager")
    page.goto("/cpd/impact")
    checks = page.get_by_role("table", name="Completed CPD of the people you line-manage")
    row = checks.get_by_role("row").filter(has_text=completed["title"])
    expect(row).to_contain_text(completed["member"])
    row.get_by_role("link").click()
    expect(page.locator("dl.facts")).to_contain_text("Cold-call with wait time")
    page.get_by_label("How much change have you seen?").select_option(label="Clear change")
    page.get_by_label("What you have seen").fill("More pupils answer, and at greater length")
    page.get_by_role("button", name="Save the impact seen").click()
    expect(page.get_by_role("status")).to_contain_text("part of their appraisal evidence")
    expect(page.locator("dl.facts")).to_contain_text("Clear change: More pupils answer, and at greater length")
    assert accessibility_violations(page) == []
    shot("impact-recorded")
    # Both are now evidence in the member of staff's appraisal for this cycle (through the bus, a moment later).
    appraisals = completed["appraisal"]().get("/appraisals", params={"reviewee_id": completed["member_id"]}).json()
    current = [a for a in appraisals["items"] if a["status"] not in ("signed_off", "closed", "withdrawn")]
    assert current, appraisals
    evidence = page.get_by_role("region", name=re.compile(re.escape(completed["title"])))
    deadline = time.monotonic() + 30
    while True:
        page.goto(f"/appraisals/{current[0]['id']}")
        if evidence.count() or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    expect(evidence).to_contain_text("Cold-call with wait time")
    expect(evidence).to_contain_text("Clear change: More pupils answer, and at greater length")
    shot("in-the-appraisal")


def test_hr_read_the_programme_report_and_download_it(page: Page, shot, completed):
    api = completed["api"]
    api("member of staff").put(f"/enrolments/{completed['enrolment_id']}/impact/intent",
                               json={"intent": "=SUM(A1:A2) then plan hinge questions", "satisfaction": 5})
    api("line manager").put(f"/enrolments/{completed['enrolment_id']}/impact/seen",
                            json={"rating": 3, "seen": "Some change in questioning"})
    sign_in(page, suggested="trust HR")
    page.goto("/cpd/impact")
    page.get_by_role("link", name=completed["title"]).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Impact of {completed['title']}")
    row = page.get_by_role("row").filter(has_text=completed["member"])
    expect(row).to_contain_text("Very satisfied")
    expect(row).to_contain_text("Some change: Some change in questioning")
    expect(row).to_contain_text("£120")
    facts = page.locator("dl.facts")
    expect(facts).to_contain_text("Cost per participant")
    expect(facts).to_contain_text("People who completed it")
    expect(facts).to_contain_text("5.0 out of 5, from 1 rating")  # each average says how many ratings it is of
    expect(facts).to_contain_text("0 of 1 completion")
    assert accessibility_violations(page) == []
    shot("programme-report")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the report (CSV)").click()
    sheet = open(download.value.path(), encoding="utf-8").read()
    assert completed["member"] in sheet and "\n=SUM" not in sheet and ",=SUM" not in sheet
    page.set_viewport_size({"width": 375, "height": 800})
    page.reload()
    assert page_width(page) <= 375
