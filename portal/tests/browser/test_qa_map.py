"""The quality-assurance map (issue 24): trust HR calendar a six-weekly series of rounds; a line manager records an
observation in a round and opens their map, made from their reviewees only and saying so; academy HR open theirs,
made from their academy only (no other academy, no trust total), plan an intervention and share a strength; the map
shows each cell's movement since the round before, and sits on the targets dashboard."""
from __future__ import annotations

import re
import uuid
from datetime import date, timedelta

import httpx
from playwright.sync_api import expect

from staffroom_portal.testing import accessibility_violations, page_width, sign_in

GRADES = [{"label": "Secure", "band": "strength"}, {"label": "Developing", "band": "development"},
          {"label": "Not yet", "band": "intervention"}]
TODAY = date.today()


def _api(suite, suite_data) -> tuple[httpx.Client, dict]:
    """Trust HR's API client, and the demo people by what they are signed in as."""
    rows = [line.split("\t") for line in (suite_data / "demo-tokens.txt").read_text().splitlines()]
    people = {r[0]: {"name": r[1], "id": r[2], "token": r[3]} for r in rows}
    return httpx.Client(base_url=suite, headers={"Authorization": f"Bearer {people['trust HR']['token']}"}), people


def _observe(api, template, qa_round, candidates, observer, grade, department, count, on) -> list[str]:
    """Observations of `count` of the candidates' appraisals (skipping any the rules refuse, such as a starter
    whose year began after `on`), by `observer`: the appraisal ids used."""
    used = []
    for a in candidates:
        if len(used) == count:
            break
        answer = api.post(f"/api/appraisal/appraisals/{a['id']}/observations", json={
            "template_id": template["id"], "qa_round_id": qa_round["id"], "observed_on": on.isoformat(),
            "focus": "Adaptive teaching", "grades": {"adaptive": grade}, "department": department,
            "observer_id": observer})
        if answer.status_code == 201:
            used.append(a["id"])
    assert len(used) == count, f"only {len(used)} of {count} observations could be recorded"
    return used


def test_hr_calendar_rounds_observers_record_and_the_map_leads_to_actions(page, shot, suite, suite_data):
    api, people = _api(suite, suite_data)
    name = f"Adaptive drop-in {uuid.uuid4().hex[:6]}"
    template = api.post("/api/appraisal/observation-templates", json={
        "name": name, "kind": "drop_in", "criteria": [
            {"key": "adaptive", "label": "Adaptive teaching", "standard": "TS5", "grades": GRADES}]}).json()

    # trust HR calendar a six-weekly series: the first round ended last week, the second is under way
    sign_in(page, suggested="trust HR")
    page.get_by_role("link", name="Quality assurance", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Quality assurance rounds")
    series = f"Six-weekly drop-ins {uuid.uuid4().hex[:4]}"
    page.get_by_label("Name").fill(series)
    page.get_by_label("Template").select_option(label=name)
    for box in page.get_by_role("group", name="Academies").get_by_role("checkbox").all():
        box.check()
    page.get_by_label("First round starts").fill((TODAY - timedelta(weeks=7)).isoformat())
    page.get_by_label("Weeks between rounds").fill("6")
    page.get_by_label("Number of rounds").fill("3")
    page.get_by_role("button", name="Calendar the rounds").click()
    expect(page.get_by_text(re.compile(r"^Calendared 3 rounds, from \d+ \w+ 20\d\d to \d+ \w+ 20\d\d\.$"))).to_be_visible()
    calendar = page.get_by_role("table", name="The quality assurance calendar")
    expect(calendar.get_by_role("row").filter(has_text=f"{series} (1 of 3)")).to_be_visible()
    expect(calendar).not_to_contain_text(re.compile(r"\d{4}-\d{2}-\d{2}"))  # dates in words
    shot("calendar")
    rounds = {r["name"]: r for r in api.get("/api/appraisal/qa-rounds").json()}
    first, second = rounds[f"{series} (1 of 3)"], rounds[f"{series} (2 of 3)"]

    # the demo's academy: its teachers' appraisals, observed by the head (trust HR in the demo)
    head, member, manager = people["trust HR"], people["member of staff"], people["line manager"]
    academy = api.get("/api/directory/staff/me").json()["academy_id"]
    appraisals = [a for a in api.get("/api/appraisal/appraisals", params={"academy_id": academy, "page_size": 500})
                  .json()["items"] if a["reviewee_id"] not in (head["id"], member["id"], manager["id"])
                  and a["status"] not in ("signed_off", "closed", "withdrawn")
                  and a["template"] in ("teachers", "leaders")]  # a round maps teaching, not support staff
    maths, history = appraisals[:4], appraisals[4:]
    _observe(api, template, first, maths, head["id"], "Not yet", "Maths", 3, TODAY - timedelta(weeks=6))
    _observe(api, template, second, maths, head["id"], "Secure", "Maths", 2, TODAY - timedelta(days=3))
    _observe(api, template, second, history, head["id"], "Not yet", "History", 3, TODAY - timedelta(days=3))
    # one teacher observed at another academy: not on this academy's HR's map at all
    other = next(a for a in api.get("/api/appraisal/appraisals", params={"page_size": 500}).json()["items"]
                 if a["academy_id"] != academy and a["status"] not in ("signed_off", "closed", "withdrawn")
                 and a["template"] in ("teachers", "leaders"))
    observer = next(p for p in api.get("/api/directory/staff", params={"academy_id": other["academy_id"],
                                                                       "page_size": 500}).json()["items"]
                    if p["staff_type"] in ("teaching", "leadership") and p["id"] != other["reviewee_id"])
    _observe(api, template, second, [other], observer["id"], "Developing", "Science", 1, TODAY - timedelta(days=3))

    # the line manager records an observation of their reviewee in the current round
    sign_in(page, suggested="line manager")
    page.goto("/qa")
    page.get_by_role("link", name=f"Record an observation in {series} (2 of 3)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Record an observation in {series} (2 of 3)")
    page.get_by_label("Teacher").select_option(label=member["name"])
    page.get_by_label("Date").fill((TODAY - timedelta(days=1)).isoformat())
    page.get_by_label("Department, subject or phase").fill("Maths")
    page.get_by_label("Focus").fill("Adapting for pupils with SEND")
    page.get_by_label("Adaptive teaching").select_option(label="Secure")
    page.get_by_role("button", name="Record the observation").click()
    expect(page.get_by_text(f"Recorded the observation of {member['name']} in {series} (2 of 3).")).to_be_visible()
    # a date outside the round is refused in words, and nothing is recorded
    page.get_by_label("Teacher").select_option(label=member["name"])
    page.get_by_label("Date").fill((TODAY - timedelta(weeks=3)).isoformat())
    page.get_by_label("Focus").fill("Too early")
    page.get_by_role("button", name="Record the observation").click()
    expect(page.get_by_role("alert")).to_contain_text("outside it")
    shot("observation-refused")

    # the line manager's map is made from the teachers they appraise, and says so: not the departments' figures
    page.goto("/qa")
    page.get_by_role("link", name=f"Open the map for {series} (2 of 3)").click()
    expect(page.locator(".qa-made-from")).to_have_text(re.compile(
        r"^Made only from the \d+ teachers? you appraise who (was|were) observed in this round: each cell is your "
        r"reviewees' figure, not the department's, and the trust as a whole is not on your map\.$"))
    mine = page.get_by_role("table", name=re.compile("^Your reviewees' strengths, areas for development"))
    expect(mine.get_by_role("rowheader", name=re.compile(": your reviewees in Maths$"))).to_be_visible()
    expect(mine).not_to_contain_text("Whole trust")
    expect(mine).not_to_contain_text("Science")  # another academy's teacher
    assert accessibility_violations(page) == []
    shot("map-line-manager")

    # academy HR open the map: their own academy's cells only, movement since the first round
    sign_in(page, suggested="academy HR")
    page.goto("/qa")
    page.get_by_role("link", name=f"Open the map for {series} (2 of 3)").click()
    grid = page.get_by_role("table", name=re.compile("^Strengths, areas for development"))
    maths_row = grid.get_by_role("row").filter(has=page.get_by_role("rowheader", name=re.compile(": Maths$"))).first
    expect(maths_row).to_contain_text("Strength")
    expect(maths_row).to_contain_text("Better than last round")
    history_row = grid.get_by_role("row").filter(has=page.get_by_role("rowheader", name=re.compile(": History$")))
    expect(history_row.first).to_contain_text("Area of intervention")
    expect(page.locator(".qa-made-from")).to_have_text(re.compile(
        r"^Made from the \d+ teachers observed at .+ in this round\. Other academies and the trust as a whole are "
        r"not on your map\.$"))
    expect(grid).not_to_contain_text("Science")  # the other academy's teacher: not on this map
    expect(grid).not_to_contain_text("Whole trust")
    expect(grid).not_to_contain_text(re.compile(r"strength|intervention_|[0-9a-f]{8}-[0-9a-f]{4}"))  # no keys, no ids
    assert accessibility_violations(page) == []
    shot("map")
    page.set_viewport_size({"width": 375, "height": 800})
    assert page_width(page) <= 375
    shot("map-narrow")
    page.set_viewport_size({"width": 1280, "height": 900})

    # plan an intervention from the History cell
    history_row.first.get_by_role("link").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Adaptive teaching: History at")
    form = page.locator("form").filter(has=page.get_by_role("button", name="Plan the intervention"))
    form.get_by_label("Led by").select_option(label=manager["name"])
    form.get_by_label("Success criteria").fill("Every lesson adapts for pupils with SEND <script>alert(1)</script>")
    form.get_by_label("Support").fill("Weekly instructional coaching")
    form.get_by_label("Monitoring").fill("Fortnightly drop-ins")
    form.get_by_label("Review on").fill((TODAY + timedelta(weeks=6)).isoformat())
    form.get_by_role("button", name="Plan the intervention").click()
    expect(page.get_by_text(re.compile(r"^Intervention planned for Adaptive teaching in History at"))).to_be_visible()
    actions = page.locator(".qa-actions")
    expect(actions).to_contain_text(f"led by {manager['name']}")
    expect(actions).to_contain_text("<script>alert(1)</script>")  # typed text shown as text
    expect(actions).to_contain_text("Then: Area of intervention. Now: Area of intervention")
    actions.get_by_label("Move it on").select_option(label="Under way")
    actions.get_by_role("button", name="Save the intervention").click()
    expect(page.get_by_text("The intervention is now under way.")).to_be_visible()
    expect(page.locator(".qa-actions")).to_contain_text("(Under way)")

    # share the strength: colleagues strong in adaptive teaching paired with History's teachers
    page.get_by_role("link", name="Back to the map").click()
    maths_row = page.get_by_role("table", name=re.compile("^Strengths")).get_by_role("row").filter(
        has=page.get_by_role("rowheader", name=re.compile(": Maths$"))).first
    maths_row.get_by_role("link").first.click()
    share = page.locator("form").filter(has=page.get_by_role("button", name="Confirm the pairs"))
    pairs = share.get_by_role("checkbox")
    expect(pairs.first).to_be_checked()
    paired = pairs.count()
    assert paired >= 3
    share.get_by_label("Led by").select_option(label=manager["name"])
    share.get_by_role("button", name="Confirm the pairs").click()
    expect(page.get_by_text(re.compile(r"^Shared strength planned for Adaptive teaching"))).to_be_visible()
    assert page.locator(".qa-actions").inner_text().count(" coaches ") == paired
    assert accessibility_violations(page) == []
    shot("shared-strength")
    # each confirmed pair is a coaching link both people see: the member of staff, strong in Maths, coaches one
    mine = httpx.get(f"{suite}/api/appraisal/qa-coaching-links",
                     headers={"Authorization": f"Bearer {member['token']}"}).json()
    assert [link["coach_name"] for link in mine] == [member["name"]]
    assert mine[0]["criterion_label"] == "Adaptive teaching"

    # the map on the targets dashboard, beside the staff targets (academy HR): the newest round that has ended with
    # someone on their map (outsider, issue 24: a round just started, with one observation, had replaced it); the
    # demo's own rounds may be the newest ended one, so appraisal's choice is read first
    academy_hr = httpx.Client(base_url=suite, headers={"Authorization": f"Bearer {people['academy HR']['token']}"})
    chosen = academy_hr.get("/api/appraisal/qa-rounds/latest-map").json()
    assert chosen["still_running"] is False and chosen["round"]["name"] != f"{series} (2 of 3)"
    page.goto("/targets")
    expect(page.get_by_role("heading", name=f"Quality of teaching: {chosen['round']['name']}")).to_be_visible()
    expect(page.get_by_role("region", name=re.compile("^Quality of teaching"))).to_contain_text(
        "The newest quality assurance round that has ended with teachers observed on your map")
    expect(page.locator(".qa-made-from")).to_contain_text("Other academies and the trust as a whole are not on your map")
    expect(page.get_by_role("table", name=re.compile("^Strengths, areas for development"))).not_to_contain_text(
        "Whole trust")
    shot("targets")

    # an academy's own round, newer and with nobody observed yet, takes the map off nobody's dashboard (outsider,
    # issue 24: trust HR's showed "Made from the 0 teachers observed across the trust")
    own = academy_hr.post("/api/appraisal/qa-rounds", json={
        "name": f"Confidential capability review {uuid.uuid4().hex[:4]}", "template_id": template["id"],
        "academy_ids": [academy_hr.get("/api/directory/staff/me").json()["academy_id"]],
        "starts_on": TODAY.isoformat(), "ends_on": (TODAY + timedelta(weeks=2)).isoformat()})
    assert own.status_code == 201, own.text
    page.goto("/targets")
    expect(page.get_by_role("heading", name=f"Quality of teaching: {chosen['round']['name']}")).to_be_visible()
    sign_in(page, suggested="trust HR")
    page.goto("/targets")
    trusts = api.get("/api/appraisal/qa-rounds/latest-map").json()
    assert trusts["still_running"] is False
    expect(page.get_by_role("heading", name=f"Quality of teaching: {trusts['round']['name']}")).to_be_visible()
    expect(page.locator(".qa-made-from")).to_have_text(re.compile(r"^Made from the \d+ teachers observed across "
                                                                  r"the trust in this round\.$"))
    page.get_by_role("link", name="see every round's map").click()
    expect(page.get_by_role("link", name=f"Open the map for {own.json()['name']}")).to_be_visible()

    # the member of staff sees the coaching they were paired for
    sign_in(page, suggested="member of staff")
    page.goto("/qa")
    expect(page.get_by_text(re.compile(r"^You coach .+ in Adaptive teaching\.$"))).to_be_visible()
    # they observe nobody, so no round offers them a form that would only say so (outsider, issue 24)
    expect(page.get_by_role("link", name=re.compile("^Record an observation"))).to_have_count(0)
    expect(page.get_by_role("cell", name="Nobody for you to observe").first).to_be_visible()
