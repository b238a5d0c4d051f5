"""Signing in and out, and what every page shares (navigation, accessibility, a phone-sized screen)."""
from __future__ import annotations

import re

from playwright.sync_api import expect

from staffroom_portal.testing import sign_out, accessibility_violations, sign_in, page_width


def test_a_person_signs_in_as_a_suggested_member_of_staff_and_sees_their_home_page(page, shot):
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/sign-in\?next=/"))
    expect(page.get_by_role("note")).to_contain_text("Development sign-in")
    assert accessibility_violations(page) == []
    shot("sign-in")
    sign_in(page, suggested="member of staff")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Hello")
    expect(page.get_by_role("heading", name="My appraisal")).to_be_visible()
    assert accessibility_violations(page) == []
    shot("home")
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("status")).to_contain_text("You have signed out")


def test_anyone_can_be_found_by_name_and_signed_in_as_with_a_role(page):
    sign_in(page, suggested="trust HR")
    name = page.locator(".who").inner_text()
    sign_in(page, name=name, role="academy_hr")
    expect(page.locator(".who")).to_have_text(name)  # the same person, signed in again as academy HR


def test_the_home_page_fits_a_phone_screen(browser, suite):
    context = browser.new_context(base_url=suite, viewport={"width": 375, "height": 740}, is_mobile=True)
    page = context.new_page()
    sign_in(page, suggested="line manager")
    width = page_width(page)
    assert width <= 375, f"the page is {width}px wide on a 375px screen: it scrolls sideways"
    context.close()


def test_someone_found_by_their_whole_name_can_be_signed_in_as_on_a_phone(browser, suite):
    context = browser.new_context(base_url=suite, viewport={"width": 375, "height": 740}, is_mobile=True)
    page = context.new_page()
    try:
        sign_in(page, suggested="line manager")
        name = page.locator(".who").inner_text()
        sign_out(page)
        page.goto(f"/sign-in?q={name}")
        width = page_width(page)
        assert width <= 375, f"the sign-in page is {width}px wide on a 375px screen: it scrolls sideways"
        page.get_by_role("button", name=f"Sign in as {name}").first.click()  # a tap that lands: nothing covers it
        expect(page.locator(".who")).to_have_text(name)
    finally:
        context.close()
