"""The targets dashboard: each target trust-wide and per academy, its trend and the people behind it; academy HR
see their own academy's people only, and staff none of it."""
from __future__ import annotations

import re

from playwright.sync_api import expect

from staffroom_portal.testing import Shots, accessibility_violations, page_width, sign_in

INDUCTION = "An induction programme for every new starter"


def test_trust_hr_sees_the_dashboard_a_trend_and_the_people_behind_a_figure(page, shot):
    sign_in(page, suggested="trust HR")
    page.get_by_role("link", name="Targets", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Staff targets")
    table = page.get_by_role("table", name=re.compile("Each target's figure and status"))
    expect(table.get_by_role("columnheader")).to_have_count(5)  # target, the trust and three academies
    row = table.get_by_role("row").filter(has=page.get_by_role("link", name=INDUCTION))
    # Status in words beside each figure, not colour alone.
    expect(row.locator(".status")).to_have_count(4)
    expect(row.locator(".status").first).to_have_text(re.compile(r"^(Met|On track|At risk|Missed|No data yet)$"))
    assert accessibility_violations(page) == []
    shot("dashboard")

    row.get_by_role("link", name=INDUCTION).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(INDUCTION)
    expect(page.get_by_role("heading", name="What is counted")).to_be_visible()
    # The daily job records the trend when the suite starts; give it a moment on a busy machine.
    trend = page.get_by_role("table").filter(has=page.get_by_role("columnheader", name="When"))
    for _ in range(20):
        if trend.count():
            break
        page.wait_for_timeout(500)
        page.reload()
    expect(page.get_by_text("Daily figure for the whole trust, oldest first")).to_be_visible()
    expect(trend.get_by_role("row").nth(1)).to_contain_text("%")
    people = page.get_by_role("table", name="People the target does not yet count, and why")
    expect(people.get_by_role("row").nth(1)).to_contain_text("no place on an induction programme")
    assert accessibility_violations(page) == []
    shot("target-whole-trust")

    page.get_by_role("navigation", name="Other figures for this target").get_by_role("link").first.click()
    expect(page).to_have_url(re.compile(r"/targets/induction_for_new_starters\?academy_id="))
    expect(page.get_by_text(re.compile(r"^Daily figure for .+ Academy, oldest first$"))).to_be_visible()
    shot("target-one-academy")


def test_academy_hr_cannot_open_another_academys_people(page, shot):
    sign_in(page, suggested="academy HR")
    page.goto("/targets")
    headers = page.get_by_role("table", name="Each target's figure and status, trust-wide and by academy") \
        .get_by_role("columnheader")
    expect(headers).to_have_count(3)  # target, the trust, their own academy
    own = headers.nth(2).inner_text()
    own_link = page.get_by_role("link", name=re.compile(f"at {re.escape(own)}$")).first.get_attribute("href")
    shot("academy-dashboard")

    sign_in(page, suggested="trust HR")
    page.goto("/targets")
    other = page.get_by_role("link", name=re.compile(r" at ")).filter(has_not_text=own).first.get_attribute("href")
    assert "academy_id=" in other and other.split("academy_id=")[1] not in own_link

    sign_in(page, suggested="academy HR")
    response = page.goto(other)
    assert response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("You cannot see this page")
    shot("other-academy-refused")
    response = page.goto(own_link)  # their own academy's drill-down is theirs to see
    assert response.status == 200
    expect(page.get_by_role("heading", name="People not yet counted")).to_be_visible()
    shot("own-academy")

    # On the whole trust's page the figure is the trust's but the people are their academy's only, and the page
    # says so (issue 20: a trust-wide headline over one academy's list, unlabelled).
    page.goto("/targets/appraisers_trained")
    expect(page.locator("p.lead")).to_contain_text("For the whole trust")
    expect(page.get_by_role("heading", name=f"People not yet counted at {own}")).to_be_visible()
    expect(page.get_by_text("The figure above is the whole trust's; you see the people of your own academy only.")
           ).to_be_visible()
    listed = page.get_by_role("table", name="People the target does not yet count, and why")
    expect(listed.get_by_role("columnheader", name="Academy")).to_have_count(0)
    # and the figure counts appraisers, as the list names them: one academy's list is no longer than the trust's count
    count = int(re.search(r"\((\d+) of (\d+)\)", page.locator("p.lead").inner_text()).group(2))
    assert listed.locator("tbody tr").count() <= count


def test_a_member_of_staff_cannot_open_the_targets(page, shot):
    sign_in(page, suggested="member of staff")
    expect(page.get_by_role("link", name="Targets", exact=True)).to_have_count(0)
    for path in ("/targets", "/targets/induction_for_new_starters"):
        response = page.goto(path)
        assert response.status == 403, path
        expect(page.get_by_role("heading", level=1)).to_have_text("You cannot see this page")
    shot("cannot-see")


def test_the_dashboard_fits_a_phone_screen(browser, suite):
    context = browser.new_context(base_url=suite, viewport={"width": 375, "height": 740}, is_mobile=True)
    page = context.new_page()
    sign_in(page, suggested="trust HR")
    for path in ("/targets", "/targets/induction_for_new_starters"):
        page.goto(path)
        width = page_width(page)
        assert width <= 375, f"{path} is {width}px wide on a 375px screen: it scrolls sideways"
    context.close()


RAW = re.compile(r"\b(appraisal|cpd|wellbeing|staff|targets)\.[a-z_]+|window_months|\b[a-z]+_[a-z_]+\b|\d{4}-\d\d-\d\d")


def test_every_target_reads_in_plain_words_and_objectives_are_counted_as_a_head_would(page):
    """Issue 20: "Reviews done on time" read "100% Met" where 33 of 34 teachers' objectives were overdue, and
    explained itself with appraisal.appraisal_opened and window_months; the engagement target showed enps and
    an eNPS benchmark of "0.0". Each target page reads in plain words, and objectives agreed on time is a target
    of its own whose count a head would get from the appraisal pages."""
    sign_in(page, suggested="trust HR")
    page.goto("/targets")
    links = page.get_by_role("table").first.get_by_role("rowheader").get_by_role("link")
    keys = [href.rsplit("/", 1)[1] for href in links.evaluate_all("links => links.map(a => a.getAttribute('href'))")]
    assert "objectives_agreed_on_time" in keys and len(keys) == 16  # training linked to appraisal (24), ECTs (25)
    for key in keys:
        page.goto(f"/targets/{key}")
        text = page.get_by_role("main").inner_text()
        assert not RAW.search(text), (key, RAW.search(text).group(0))

    # The figure is judged a moment after the events that move it (other tests' appraisals), the list read live.
    for _ in range(30):
        page.goto("/targets/objectives_agreed_on_time")
        headline = page.get_by_role("main").locator("p").filter(has_text=re.compile(r"\(\d+ of \d+\)")).first
        counted, owed = map(int, re.search(r"\((\d+) of (\d+)\)", headline.inner_text()).groups())
        people = page.get_by_role("table", name="People the target does not yet count, and why").get_by_role("row")
        if people.count() == owed - counted + 1:
            break
        page.wait_for_timeout(500)
    assert owed > 0
    expect(people).to_have_count(owed - counted + 1)  # those not on time, and the heading row
    expect(people.nth(1)).to_contain_text(re.compile(r"Objectives were (due to be agreed by \d+ \w+ \d{4} and are "
                                                     r"not|agreed after their due date)"))

    page.goto("/targets/engagement_vs_benchmark")
    benchmarks = page.get_by_role("table").filter(has=page.get_by_role("columnheader", name="Benchmark"))
    expect(benchmarks).to_contain_text("Employee Net Promoter Score")  # the demo's summer survey
    expect(benchmarks).to_contain_text("Life satisfaction")
    expect(benchmarks.get_by_role("cell", name=re.compile(r"^0\.0"))).to_have_count(0)
    # eNPS's line is the trust's own, not a national figure; its score has a true minus, as on the results page
    expect(page.get_by_text("otherwise the line the trust set (there is no national figure for eNPS)")).to_be_visible()
    enps = benchmarks.get_by_role("row").filter(has_text="Employee Net Promoter Score")
    expect(enps.locator("td").nth(1)).to_have_text(re.compile("^([+\u2212]\\d+|0)$"))


def test_trust_hr_changes_a_targets_threshold_window_and_deadline_and_the_figures_follow(page, shot):
    """Issue 20: thresholds and deadlines could only be set through the API."""
    from datetime import date, timedelta

    page.set_viewport_size({"width": 1366, "height": 768})
    sign_in(page, suggested="trust HR")
    page.goto("/targets/induction_for_new_starters")
    change = page.get_by_role("region", name="Change this target")
    expect(change.get_by_label("Met at, as a percentage")).to_have_value("100")
    expect(change.get_by_label("At risk below, as a percentage")).to_have_value("90")
    expect(change.get_by_label("Looks back, in months")).to_have_value("12")
    assert accessibility_violations(page) == []
    shot("target-with-its-settings")

    change.get_by_label("Met at, as a percentage").fill("80")
    change.get_by_role("button", name="Save the target").click()  # under the at-risk line of 90%: refused
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("The at-risk line (90%) cannot be above the threshold (80%)")
    expect(alert.get_by_role("link")).to_have_text("At risk below: Set it at or below the threshold (80%).")
    expect(page.get_by_label("Met at, as a percentage")).to_have_value("80")  # what was typed is kept
    expect(page.get_by_label("At risk below, as a percentage")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("dl.facts")).to_contain_text("Met at100% or more")  # nothing changed
    assert accessibility_violations(page) == []
    shot("target-refused")
    assert page_width(page) <= 1366

    deadline = date.today() + timedelta(days=60)
    page.get_by_label("Met at, as a percentage").fill("50%")
    page.get_by_label("At risk below, as a percentage").fill("40")
    page.get_by_label("Looks back, in months").fill("6")
    page.get_by_label("Deadline").fill(deadline.isoformat())
    page.get_by_role("button", name="Save the target").click()
    when = f"{deadline.day} {deadline:%B %Y}"
    expect(page.locator(".flash")).to_have_text(f"Changed: met at 50% or more, at risk below 40%, looking back 6 "
                                                f"months, by {when}. The figures below use it now.")
    facts = page.locator("dl.facts")
    expect(facts).to_contain_text("Met at50% or more")
    expect(facts).to_contain_text("At risk below40%")
    expect(facts).to_contain_text("Looks back6 months")
    expect(facts).to_contain_text(f"Deadline{when}")
    lead = page.locator("p.lead").inner_text()
    value = re.search(r"(\d+(?:\.\d)?)%", lead)
    if value:  # judged against the new line at once
        expected = "Met" if float(value.group(1)) >= 50 else "On track" if float(value.group(1)) >= 40 else "At risk"
        assert lead.rstrip().endswith(expected), lead
    shot("target-changed")
    page.goto("/targets")
    expect(page.get_by_role("row").filter(has=page.get_by_role("link", name=INDUCTION))).to_contain_text(
        "(target 50%)")

    # back as it was, with no deadline: a rolling target
    page.goto("/targets/induction_for_new_starters")
    for label, value in (("Met at, as a percentage", "100"), ("At risk below, as a percentage", "90"),
                         ("Looks back, in months", "12"), ("Deadline", "")):
        page.get_by_label(label).fill(value)
    page.get_by_role("button", name="Save the target").click()
    expect(page.locator(".flash")).to_contain_text("with no deadline (a rolling target)")
    expect(page.locator("dl.facts")).to_contain_text("DeadlineNone: a rolling target")


def test_only_trust_hr_see_the_targets_settings_form(page):
    sign_in(page, suggested="academy HR")
    page.goto("/targets/induction_for_new_starters")
    expect(page.get_by_role("heading", name="What is counted")).to_be_visible()
    expect(page.get_by_role("region", name="Change this target")).to_have_count(0)


def test_the_target_settings_form_fits_a_phone_screen(browser, suite):
    context = browser.new_context(base_url=suite, viewport={"width": 375, "height": 740}, is_mobile=True)
    page = context.new_page()
    sign_in(page, suggested="trust HR")
    page.goto("/targets/reviews_on_time")
    expect(page.get_by_role("region", name="Change this target")).to_be_visible()
    page.get_by_label("Looks back, in months").fill("")
    page.get_by_role("button", name="Save the target").click()
    expect(page.get_by_role("alert")).to_contain_text("Looks back: Fill this in.")
    width = page_width(page)
    assert width <= 375, f"the refused target form is {width}px wide on a 375px screen"
    context.close()


WIDEN = """n => {
  // as a trust of many academies shows them: a column each, its links carrying visually hidden words, one name long
  // and unbroken (the demo has three academies; the outsider's trust had eleven)
  for (const row of document.querySelectorAll('table.responsive-table tr')) {
    const last = row.lastElementChild;
    for (let i = 0; i < n; i++) {
      const cell = last.cloneNode(true);
      if (i === 0) cell.prepend('Llanfairpwllgwyngyllgogerychwyrndrobwllllantysiliogogogochacademy ');
      row.appendChild(cell);
    }
  }
}"""


def test_many_academies_widen_neither_the_targets_page_nor_hr_s_cpd_page(page, browser, suite):
    """Outsider 4, issue 20: with 11 academies /targets was 1,448 px wide at 1366 (what a table hides for screen
    readers escaped its scrolling box), and one long academy name made /hr/cpd 577 px wide on a phone."""
    for width in (1366, 375):
        view = browser.new_context(base_url=suite, viewport={"width": width, "height": 800}).new_page()
        sign_in(view, suggested="trust HR")
        for path in ("/targets", "/hr/cpd"):
            view.goto(path)
            view.evaluate(WIDEN, 8)
            assert page_width(view) <= width, (width, path)
            if path == "/targets" and width == 1366:
                # the table scrolls in its box rather than crush each column to a letter a line ("Who/le/trus/t",
                # outsider 5): every heading keeps its words whole
                box = view.locator(".table-scroll").first
                assert box.evaluate("b => b.scrollWidth > b.clientWidth")
                assert view.locator("thead th").evaluate_all(
                    "hs => hs.every(h => h.scrollWidth <= h.clientWidth + 1)")
        view.context.close()


def test_the_investment_target_draws_each_academy_with_n_and_caveats_and_fits_a_phone(browser, suite, request):
    for width in (1366, 375):
        context = browser.new_context(base_url=suite, viewport={"width": width, "height": 900}, is_mobile=width < 400)
        page = context.new_page()
        sign_in(page, suggested="trust HR")
        page.goto("/targets/satisfaction_with_investment")
        section = page.get_by_role("region", name="Investment and job satisfaction")
        expect(section).to_be_visible()
        # The demo's two summer surveys, named and dated in words, and how many were compared
        expect(section).to_contain_text(re.compile(r"Between Summer \d{4} staff survey \(closed \d{1,2} June \d{4}\)"))
        expect(section).to_contain_text(re.compile(r"\d+ academ(y|ies) compared; \d+ people answered"))
        expect(section).to_contain_text("They do not show that one caused the other")
        charts = section.get_by_role("figure")
        spend = charts.filter(has_text="CPD spend per member of staff")
        expect(spend.get_by_role("row").nth(1)).to_contain_text(re.compile(r"£[\d,.]+ and [\d.]+ hours? a head \(\d+ staff\)"))
        satisfied = charts.filter(has_text="Satisfied with their job")
        expect(satisfied.get_by_role("row").nth(1)).to_contain_text(re.compile(r"%.*answered"))
        text = section.inner_text()
        assert not RAW.search(text), RAW.search(text).group(0)
        assert page_width(page) <= width, f"the investment target is {page_width(page)}px wide at {width}px"
        assert accessibility_violations(page) == []
        Shots(page, f"{request.node.name}-{width}")("investment")
        context.close()
