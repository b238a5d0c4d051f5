"""Objectives that cascade in the browser (issue 24): trust HR set a trust priority and an academy priority that serves
it, write an objective template for Year 6 teachers and read the roll-up; a line manager adds the template to two new
Year 6 teachers' appraisals at once and adapts one. The pages pass axe and fit a phone."""
from __future__ import annotations

import re
import time
import uuid
from datetime import date

import httpx
import pytest
from playwright.sync_api import Page, expect

from staffroom_portal.testing import accessibility_violations, page_width, sign_in


def _token(suite_data, who: str) -> str:
    rows = [line.split("\t") for line in (suite_data / "demo-tokens.txt").read_text().splitlines()]
    return next(r[3] for r in rows if r[0] == who)


@pytest.fixture(scope="module")
def year6(suite, suite_data) -> dict:
    """Two new Year 6 teachers at the line manager's academy, managed by them, each with an appraisal not started
    (as joiners in the demo's teachers cycle): the demo's own reviewees are worked part-way through the year."""
    hr = httpx.Client(base_url=suite, headers={"Authorization": f"Bearer {_token(suite_data, 'trust HR')}"})
    rows = [line.split("\t") for line in (suite_data / "demo-tokens.txt").read_text().splitlines()]
    manager_id = next(r[2] for r in rows if r[0] == "line manager")
    manager = hr.get(f"/api/directory/staff/{manager_id}").json()
    tag = uuid.uuid4().hex[:6]
    people = []
    for first in ("Yasmin", "Yusuf"):
        response = hr.post("/api/directory/staff", json={
            "academy_id": manager["academy_id"], "staff_code": f"Y6-{tag}-{first}", "first_name": first,
            "last_name": f"Cascade{tag}", "email": f"{first.lower()}.{tag}@oaktrust.example", "staff_type": "teaching",
            "post": "Year 6 teacher", "start_date": date.today().isoformat(), "line_manager_id": manager_id})
        assert response.status_code == 201, response.text
        people.append(response.json())
    lm = httpx.Client(base_url=suite, headers={"Authorization": f"Bearer {_token(suite_data, 'line manager')}"})
    for person in people:
        for _ in range(300):  # the appraisal service hears of the joiner over the bus
            found = lm.get("/api/appraisal/appraisals", params={"reviewee_id": person["id"]}).json()["items"]
            if found:
                person["appraisal_id"] = found[0]["id"]
                break
            time.sleep(0.2)
        else:
            pytest.fail(f"no appraisal for the new teacher {person['first_name']}")
    academy = hr.get(f"/api/directory/academies/{manager['academy_id']}").json()["name"]
    return {"people": people, "names": [f"{p['first_name']} {p['last_name']}" for p in people], "tag": tag,
            "academy": academy, "hr": hr, "lm": lm}


def add_priority(page: Page, kind: str, title: str, serves: str | None = None, academy: str | None = None) -> None:
    form = page.locator("form", has=page.get_by_role("button", name="Add the priority"))
    form.get_by_label("Kind of priority").select_option(label=kind)
    if academy:
        form.get_by_label(re.compile("^Academy")).select_option(label=academy)
    if serves:
        form.get_by_label("Which priority it serves").select_option(label=serves)
    form.get_by_label("Title").fill(title)
    form.get_by_label("What it means").fill(f"{title}: what we will do this year, and why.")
    form.get_by_label("How you will know it is achieved").fill("Reading ages rise by a year in a year.")
    form.get_by_role("button", name="Add the priority").click()
    expect(page.get_by_role("status")).to_contain_text(f"added: {title}")


def test_trust_hr_set_priorities_that_cascade_and_read_the_roll_up(page, year6, shot):
    tag = year6["tag"]
    trust_title, academy_title = f"Reading for pleasure {tag}", f"Reading in KS2 {tag}"
    sign_in(page, suggested="trust HR")
    page.goto("/hr")
    page.get_by_role("link", name="Priorities and objective templates").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^Priorities 20\d\d/\d\d$"))
    add_priority(page, "Trust priority", trust_title)
    add_priority(page, "Academy improvement-plan priority", academy_title, serves=f"Trust: {trust_title}",
                 academy=year6["academy"])
    # the academy's priority sits under the trust's in the tree
    branch = page.locator("li", has=page.get_by_text(trust_title, exact=True)).first
    expect(branch.locator("ul li").first).to_contain_text(academy_title)
    expect(page.locator("main")).not_to_contain_text(re.compile(r"\d{4}-\d{2}-\d{2}|[0-9a-f]{8}-[0-9a-f]{4}"))
    assert accessibility_violations(page) == []
    shot("priorities")

    # a refused priority keeps what was typed and says what to fix
    form = page.locator("form", has=page.get_by_role("button", name="Add the priority"))
    form.get_by_label("Kind of priority").select_option(label="Team priority")
    form.get_by_label("Title").fill("Phonics <b>first</b>")
    form.get_by_label("What it means").fill("Every child reads")
    form.get_by_role("button", name="Add the priority").click()
    expect(page.get_by_role("alert")).to_contain_text("team priority")
    expect(page.get_by_label("Title")).to_have_value("Phonics <b>first</b>")

    # one of the new Year 6 teachers' objectives serves the academy priority (added by their line manager)
    [academy_priority] = [p for p in year6["hr"].get("/api/appraisal/priorities").json() if p["title"] == academy_title]
    response = year6["lm"].post(f"/api/appraisal/appraisals/{year6['people'][0]['appraisal_id']}/objectives", json={
        "title": "Daily reading aloud", "type": "pupil_outcomes", "description": "Read aloud to the class daily",
        "success_criteria": "A class reader finished each half-term", "priority_id": academy_priority["id"]})
    assert response.status_code == 201, response.text

    page.get_by_role("link", name="How people are getting on with them").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("How people are getting on with the priorities")
    for title in (trust_title, academy_title):  # the trust's counts what serves the academy's, under it
        panel = page.get_by_role("region", name=title)
        expect(panel).to_contain_text("1 person's objectives serve it")
        expect(panel.locator("dt:text-is('Not yet agreed') + dd")).to_have_text("1")
    panel = page.get_by_role("region", name=trust_title)
    panel.get_by_text("The people whose appraisals you can see").click()
    expect(panel.get_by_role("link", name=year6["names"][0])).to_be_visible()
    expect(panel).to_contain_text("By academy")
    expect(page.locator("#made-from")).to_contain_text("Made from everyone across the trust")
    assert accessibility_violations(page) == []
    shot("roll-up")

    phone = page.context.new_page()
    phone.set_viewport_size({"width": 375, "height": 740})
    for path in ("/priorities", "/priorities/roll-up"):
        phone.goto(path)
        assert page_width(phone) <= 375, path
    phone.close()


def test_a_line_manager_adds_a_template_to_two_reviewees_and_adapts_one(page, year6, shot):
    tag = year6["tag"]
    title = f"Greater depth writing {tag}"
    first, second = year6["names"]
    # academy HR write the template, for Year 6 teachers
    sign_in(page, suggested="academy HR")
    page.goto("/objective-templates")
    form = page.locator("form", has=page.get_by_role("button", name="Add the template"))
    form.get_by_label("Post").fill("year 6 Teacher")  # matched whatever its case
    form.get_by_label("Staff group").select_option(label="Teachers")
    form.get_by_label("Title").fill(title)
    form.get_by_label("Type of objective").select_option(label="Pupil outcomes")
    form.get_by_label("The objective").fill("By July, a quarter of the class write at greater depth.")
    form.get_by_label("How you will both know it is met").fill("Moderated KS2 writing judgements.")
    form.get_by_role("button", name="Add the template").click()
    expect(page.get_by_role("status")).to_contain_text(f"Template added: {title}, for year 6 Teacher (teachers)")
    assert accessibility_violations(page) == []
    shot("templates")

    # the line manager adds it for both new teachers at once
    sign_in(page, suggested="line manager")
    page.goto("/team")
    page.get_by_role("link", name="Add objectives from a template").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add objectives from a template")
    page.get_by_label(re.compile(re.escape(title))).check()
    for name in (first, second):
        page.get_by_label(re.compile(rf"{re.escape(name)}, Year 6 teacher")).check()
    assert accessibility_violations(page) == []
    shot("apply")
    page.get_by_role("button", name="Add the objectives").click()
    expect(page.get_by_role("status")).to_contain_text(re.compile(
        rf"Added as draft objectives for ({re.escape(first)} and {re.escape(second)}|{re.escape(second)} and "
        rf"{re.escape(first)})"))

    # ... and adapts it for one of them on their appraisal
    page.goto("/team")
    page.get_by_role("link", name=second, exact=True).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Appraisal for {second}")
    expect(page.get_by_role("heading", name=re.compile(rf"\d\. {re.escape(title)}$"))).to_be_visible()
    page.get_by_role("link", name=re.compile(rf"^Change objective \d: {re.escape(title)}")).click()
    page.get_by_label("Title").fill(f"{title}, boys' writing")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_role("status")).to_contain_text("Objective changed")
    expect(page.get_by_role("heading", name=re.compile(rf"\d\. {re.escape(title)}, boys' writing$"))).to_be_visible()
    shot("adapted")
    # the other keeps the template's words
    page.goto("/team")
    page.get_by_role("link", name=first, exact=True).first.click()
    expect(page.get_by_role("heading", name=re.compile(rf"\d\. {re.escape(title)}$"))).to_be_visible()
    # the line manager's roll-up is made from their own reviewees only, and says so
    page.goto("/priorities/roll-up")
    expect(page.locator("#made-from")).to_contain_text("Made only from")
    expect(page.locator("#made-from")).to_contain_text("you appraise")
    phone = page.context.new_page()
    phone.set_viewport_size({"width": 375, "height": 740})
    phone.goto("/team/objective-templates")
    assert page_width(phone) <= 375
    phone.close()
