"""Signing in with Google Workspace in a real browser (issue 21): Google's side is a local OpenID Connect provider,
the directory is the real one (in process), and it exchanges Google's ID token for the person's Staffroom token."""
from __future__ import annotations

import threading

import pytest
from playwright.sync_api import expect
from werkzeug.serving import make_server

from staffroom_portal.testing import accessibility_violations, page_width


@pytest.fixture
def portal_url(google_trust):
    server = make_server("127.0.0.1", 0, google_trust.app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.mark.parametrize("width", [1366, 375])
def test_a_google_account_signs_in_as_its_person_and_one_staffroom_does_not_know_is_told_why(
        browser, google_trust, portal_url, width):
    context = browser.new_context(base_url=portal_url, viewport={"width": width, "height": 800}, locale="en-GB")
    page = context.new_page()
    google_trust.provider.id_claims["email"] = google_trust.people["Amira"]["email"]
    page.goto("/sign-in?next=/hr/access")
    page.get_by_role("link", name="Sign in with Google").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Who has access")  # trust HR, as trust HR gave her
    expect(page.locator(".who")).to_have_text("Amira Patel")
    expect(page.get_by_role("table", name="People with HR or data protection access, by surname")).to_contain_text(
        "Trust HR")
    assert page_width(page) <= width
    assert accessibility_violations(page) == []
    page.get_by_role("button", name="Sign out").click()

    google_trust.provider.id_claims["email"] = "a.stranger@oaktrust.example"
    page.get_by_role("link", name="Sign in with Google").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("We could not sign you in")
    expect(page.get_by_role("main")).to_contain_text(
        "Staffroom has no member of staff with the email address a.stranger@oaktrust.example. Ask your HR team")
    expect(page.get_by_role("link", name="Sign in with a different account")).to_be_visible()
    assert accessibility_violations(page) == []
    assert page_width(page) <= width
    context.close()
