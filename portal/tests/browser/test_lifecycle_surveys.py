"""Onboarding and exit surveys: trust HR switch the exit survey on; people leaving are asked as they become due, into
a pool; once five have answered and the pool's window has ended, HR read why people leave and the pool's results."""
from __future__ import annotations

import json
import re
import sqlite3
import urllib.error
import urllib.request
import uuid
from datetime import date, timedelta

from playwright.sync_api import Page, expect

from staffroom_portal.testing import accessibility_violations, page_width, sign_in
from staffroom_shared.config import ServiceConfig


def _leavers_answer_and_the_pool_closes(suite: str, suite_data, while_open=None) -> None:
    """Five people of one academy get leaving dates in ten days (in wellbeing's copy of the directory, which the
    bus keeps: tests/integration/test_lifecycle_over_the_bus.py covers that road); the daily job's lifecycle step
    invites them into the exit pool, whose invitations carry no link; each answers with the link Staffroom gives them
    when they choose "Answer now" (runs.new_link, what POST /runs/{id}/link does); the step closes the pool after
    its window (`while_open(pool_id)` runs before that)."""
    from wellbeing import bootstrap
    from staffroom_shared.principal import Principal
    from wellbeing.service import lifecycle, runs
    from wellbeing.service.respond import seal_key
    from wellbeing.service.runs import Links

    today, leaving = date.today(), date.today() + timedelta(days=10)
    database = sqlite3.connect(suite_data / "wellbeing.db", timeout=30)
    with database:
        academy = database.execute("SELECT academy_id FROM staff WHERE leaving_date IS NULL GROUP BY academy_id "
                                   "ORDER BY count(*) DESC").fetchone()[0]
        people = [r[0] for r in database.execute("SELECT staff_id FROM staff WHERE academy_id = ? AND leaving_date IS "
                                                 "NULL AND staff_type = 'teaching' ORDER BY staff_id LIMIT 5",
                                                 (academy,))]
        database.executemany("UPDATE staff SET leaving_date = ? WHERE staff_id = ?",
                             [(leaving.isoformat(), p) for p in people])
    config = ServiceConfig.from_env("wellbeing", {"STAFFROOM_DATA_DIR": str(suite_data), "LOG_LEVEL": "WARNING"})
    context = bootstrap.build(config)
    try:
        links, key = Links.from_config(config), seal_key(config)
        lifecycle.run_daily(context.uow(actor="scheduler"), links, key, today)
        with database:
            pools = {uuid.UUID(r[0]) for r in database.execute("SELECT run_id FROM lifecycle_pools WHERE kind = 'exit'")}
            invitations = [json.loads(r[0])["payload"] for r in database.execute(
                "SELECT envelope FROM outbox WHERE event_type = 'wellbeing.invitation_issued' ORDER BY seq")]
        mine = {uuid.UUID(p) for p in people}
        for n, payload in enumerate(p for p in invitations if uuid.UUID(p["staff_id"]) in mine
                                    and uuid.UUID(p["run_id"]) in pools):
            assert payload["sealed_link"] is None and payload["answer_in_staffroom"]
            asking = Principal(staff_id=uuid.UUID(payload["staff_id"]), roles=frozenset({"staff"}), academy_id=None,
                               subject=payload["staff_id"])
            token = runs.new_link(context.uow(actor="portal"), asking, uuid.UUID(payload["run_id"]), links,
                                  today).split("#token=")[1]
            request = urllib.request.Request(
                f"{suite}/api/wellbeing/survey/submission", method="POST",
                data=json.dumps({"answers": {"enps.recommend": 6, "custom.main_reason": 1 if n < 3 else 6}}).encode(),
                headers={"Content-Type": "application/json", "X-Survey-Token": token})
            try:
                urllib.request.urlopen(request, timeout=30).close()  # noqa: S310 - the local suite
            except urllib.error.HTTPError as refused:
                raise AssertionError(refused.read().decode()) from refused
        if while_open:
            [pool_id] = pools
            while_open(pool_id)
        lifecycle.run_daily(context.uow(actor="scheduler"), links, key, today + timedelta(days=92))
    finally:
        context.engine.dispose()
        database.close()


def test_trust_hr_switch_on_the_exit_survey_and_read_why_people_leave(page: Page, suite, suite_data, shot):
    sign_in(page, suggested="trust HR")
    page.goto("/surveys/runs")
    page.get_by_role("link", name="Onboarding and exit surveys").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Onboarding and exit surveys")
    exit_survey = page.get_by_role("region", name="Exit survey")
    expect(exit_survey).to_contain_text("Switched off.")
    expect(page.get_by_role("region", name="Why people leave")).to_contain_text("No exit survey has closed with enough answers")

    exit_survey.get_by_role("link", name="Change the exit survey").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Change the exit survey")
    page.get_by_label("How long a pool takes people in (weeks)").fill("3")  # under twice the days to answer
    page.get_by_label("Ask people this survey").check()
    page.get_by_role("button", name="Save the exit survey").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "How long a pool takes people in: a pool's window must be at least twice the days given to answer")
    expect(page.get_by_label("Ask people this survey")).to_be_checked()  # kept as ticked
    assert accessibility_violations(page) == []
    page.get_by_label("How long a pool takes people in (weeks)").fill("13")
    page.get_by_role("button", name="Save the exit survey").click()
    expect(page.get_by_role("status")).to_contain_text("The exit survey is switched on.")
    exit_survey = page.get_by_role("region", name="Exit survey")
    expect(exit_survey).to_contain_text(re.compile(r"Switched on since \d{1,2} \w+ \d{4}\. Everyone is asked 4 weeks "
                                                   r"before they leave"))
    shot("hr-switch-on-the-exit-survey")

    def no_closing_by_hand(pool_id):  # only the daily job closes a pool (outsider, issue 23)
        page.goto(f"/surveys/runs/{pool_id}")
        expect(page.get_by_text(re.compile(r"This is the exit survey's pool: it closes by itself at the end of its "
                                           r"window, on \d{1,2} \w+ \d{4}"))).to_be_visible()
        expect(page.get_by_role("link", name=re.compile("^Close the survey"))).to_have_count(0)
        page.goto(f"/surveys/runs/{pool_id}/close")  # nor by its address
        expect(page.get_by_role("button", name=re.compile("[Cc]lose"))).to_have_count(0)
        shot("an-open-pool-is-closed-only-by-its-series")
        page.goto("/surveys/lifecycle")

    _leavers_answer_and_the_pool_closes(suite, suite_data, no_closing_by_hand)
    page.reload()
    why = page.get_by_role("region", name="Why people leave")
    expect(why).to_contain_text(re.compile(r"given by the 5 people across the trust who answered the exit survey sent "
                                           r"to them between \d{1,2} \w+ \d{4} and \d{1,2} \w+ \d{4}"))
    expect(why.get_by_role("row").filter(has_text="Workload")).to_contain_text("3")
    expect(why.get_by_role("row").filter(has_text="Leadership and management")).to_contain_text("2")
    expect(why.locator("thead th")).to_have_text(["Reason", "Chart", "People"])  # not 'Measure / Bar / Figure'
    expect(why).to_contain_text(re.compile(r"The directory records \d+ (person|people) leaving in that time\."))
    assert not re.search(r"\d{4}-\d{2}-\d{2}", page.inner_text("main")), "no ISO dates on screen"
    assert accessibility_violations(page) == []
    shot("hr-read-why-people-leave")
    page.set_viewport_size({"width": 375, "height": 740})
    assert page_width(page) <= 375
    shot("why-people-leave-on-a-phone")

    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/targets")  # where HR watch retention: the same panel, beside the directory's leavers
    why = page.get_by_role("region", name="Why people leave")
    expect(why).to_contain_text(re.compile(r"The directory records \d+ (person|people) leaving in that time\."))
    expect(why.get_by_role("row").filter(has_text="Workload")).to_contain_text("3")
    shot("why-people-leave-beside-the-targets")
    page.goto("/surveys/lifecycle")
    pools = page.get_by_role("region", name="Exit survey").get_by_role("row").filter(has_text="Closed: results ready")
    pools.get_by_role("link").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(re.compile(r"^Exit survey from \d{1,2} \w+ \d{4}$"))
    expect(page.get_by_text(re.compile(r"5 of \d+ people answered")).first).to_be_visible()
    reasons = page.get_by_role("region", name="The trust's own questions: The whole trust")
    expect(reasons).to_contain_text("What is the main reason you are leaving? How many of the 5 who answered gave each")
    expect(reasons.get_by_role("row").filter(has_text="Workload")).to_contain_text("3")
    expect(reasons).not_to_contain_text("No chart")
    shot("hr-read-the-pool-s-results")
