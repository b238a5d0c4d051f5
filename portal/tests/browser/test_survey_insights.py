"""From survey results to action: HR and heads see a heatmap (colour and words) and what to focus on, on a desk and
on a phone; trust HR keep the trust's own benchmark figures beside the built-in national ones."""
from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from staffroom_portal.testing import Shots, accessibility_violations, page_width, sign_in

ISO_OR_ID = re.compile(r"\b\d{4}-\d{2}-\d{2}\b|[0-9a-f]{8}-[0-9a-f]{4}-|builtin:|percent_favourable|\benps\b")


def _latest_summer(page: Page) -> None:
    page.goto("/surveys/runs")
    page.get_by_role("link", name=re.compile("^Summer")).first.click()  # the latest
    expect(page.get_by_role("heading", name="Results")).to_be_visible()


def test_hr_and_heads_see_the_heatmap_and_what_to_focus_on_in_words(page, shot):
    sign_in(page, suggested="trust HR")
    _latest_summer(page)
    expect(page.get_by_role("heading", name="Focus on")).to_be_visible()
    expect(page.get_by_role("heading", name="Heatmap")).to_be_visible()
    page.get_by_text(re.compile(r"^Show the heatmap: \d+ groups, \d+ measures$")).click()  # folded: it is long
    heat = page.locator("table.heatmap")
    expect(heat.get_by_role("rowheader", name="The whole trust")).to_be_visible()
    text = heat.inner_text()
    assert "benchmark" in text and "the trust" in text and not ISO_OR_ID.search(text), text[:500]
    assert not re.search(r"(?<!\w)-\d", text), "a hyphen for a minus sign (outsider, issue 23)"
    focus = page.locator("ol.focus li")
    if focus.count():  # a heading with a sentence either way; never a bare correlation
        assert all(" linked with " in t and not re.search(r"\b0\.\d", t) for t in focus.all_inner_texts())
    page.get_by_text("What each measure is compared with").click()
    expect(page.get_by_text(re.compile(r"Life satisfaction: against 7\.45, for people aged 16 and over"))).to_be_visible()
    shot("trust-hr-heatmap")
    assert accessibility_violations(page) == []
    # the drivers: r to two places with a true minus, and which way a link goes (outsider, issue 23)
    r = page.locator("#drivers ~ div table td.num").first.inner_text()
    assert re.fullmatch(r"\u2212?\d\.\d\d|none", r), r

    sign_in(page, suggested="academy HR")
    _latest_summer(page)
    heading = page.get_by_role("heading", name=re.compile("^Heatmap: "))
    expect(heading).to_be_visible()
    page.get_by_text(re.compile(r"^Show the heatmap")).click()
    academy = heading.inner_text().removeprefix("Heatmap: ")
    rows = page.locator("table.heatmap tbody th[scope=row]").all_inner_texts()
    assert rows[0] == "The whole trust" and academy in rows, rows
    assert all(r == "The whole trust" or academy in r for r in rows), rows  # their academy and its staff types only
    shot("academy-hr-heatmap")


def test_the_heatmap_reads_as_a_list_on_a_phone(browser, suite):
    context = browser.new_context(base_url=suite, viewport={"width": 375, "height": 740}, is_mobile=True)
    page = context.new_page()
    try:
        sign_in(page, suggested="trust HR")
        _latest_summer(page)
        expect(page.get_by_role("heading", name="Heatmap")).to_be_visible()
        page.get_by_text(re.compile(r"^Show the heatmap")).click()
        assert page_width(page) <= 375
        width = page.locator("table.heatmap").evaluate("t => t.scrollWidth")
        assert width <= 375, f"the heatmap is {width}px wide on a 375px screen"
        Shots(page, "phone-heatmap")("heatmap")
    finally:
        context.close()


def test_trust_hr_add_choose_and_retire_a_benchmark_of_the_trust_s(page, shot):
    sign_in(page, suggested="trust HR")
    page.goto("/surveys/runs")
    page.get_by_role("link", name="Benchmarks").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Benchmarks")
    expect(page.get_by_text("Built in. Licence: Open Government Licence v3.0").first).to_be_visible()
    page.get_by_label("Measure", exact=True).select_option(label="Demands (HSE Management Standards Indicator Tool)")
    page.get_by_label("The figure is", exact=True).select_option(value="mean")
    page.get_by_label("Value", exact=True).fill("9")  # HSE's areas run from 1 to 5
    page.get_by_label("Band (optional)").select_option(label="The median (50th percentile)")
    page.get_by_label("Source", exact=True).fill("HSE Management Standards Analysis Tool")
    page.get_by_label("Year", exact=True).fill("2025")
    # typed with a right-to-left override: it must not turn the key's own words round (outsider, issue 23)
    page.get_by_label("Whom it is for", exact=True).fill("organisations using the Analysis Tool \u202etsurt eht")
    page.get_by_label("Licence", exact=True).fill("Licensed to the trust by HSE")
    page.get_by_label("Use it for the heatmap's colour for this measure").check()
    page.get_by_role("button", name="Add the figure").click()
    expect(page.get_by_role("alert")).to_contain_text("There is a problem")
    expect(page.get_by_role("alert")).to_contain_text("from 1 to 5")
    assert page.get_by_label("Source", exact=True).input_value() == "HSE Management Standards Analysis Tool"
    shot("refused")
    page.get_by_label("Value", exact=True).fill("3.2001")  # more places than anyone publishes
    page.get_by_role("button", name="Add the figure").click()
    expect(page.get_by_role("alert")).to_contain_text("two decimal places")
    page.get_by_label("Value", exact=True).fill("3.2")
    page.get_by_role("button", name="Add the figure").click()
    expect(page.get_by_role("status")).to_contain_text("added")
    demands = page.get_by_role("region", name="Demands")
    expect(demands.get_by_text("median 3.2", exact=True)).to_be_visible()
    expect(demands.get_by_text("used for the heatmap's colour")).to_be_visible()
    expect(demands.get_by_text("Added by the trust")).to_be_visible()
    expect(demands.locator("bdi", has_text="organisations using the Analysis Tool")).to_have_count(1)
    shot("added")
    assert accessibility_violations(page) == []
    _latest_summer(page)
    page.get_by_text("What each measure is compared with").click()
    key = page.locator("li", has_text="Demands: against median 3.2")
    expect(key).to_be_visible()
    expect(key.locator("bdi").nth(1)).to_have_text("organisations using the Analysis Tool \u202etsurt eht")
    assert key.inner_text().endswith("; added by the trust)."), key.inner_text()
    direction = key.evaluate("li => getComputedStyle(li.querySelectorAll('bdi')[1]).unicodeBidi")
    assert direction == "isolate", direction
    shot("key-isolates-what-the-trust-typed")
    page.goto("/surveys/benchmarks")
    demands = page.get_by_role("region", name="Demands")
    demands.get_by_role("button", name=re.compile("^Retire")).click()
    expect(page.get_by_role("status")).to_contain_text("retired")
    expect(page.get_by_role("region", name="Demands")).to_have_count(0)

    sign_in(page, suggested="academy HR")
    page.goto("/surveys/benchmarks")
    expect(page.get_by_role("heading", level=1)).to_have_text("Benchmarks")
    expect(page.get_by_role("button", name="Add the figure")).to_have_count(0)
