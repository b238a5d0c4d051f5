"""The trust's sign-in, in a real browser: the page's security policy must let the browser reach the provider."""
from __future__ import annotations

import threading

import httpx
import pytest
from playwright.sync_api import expect
from werkzeug.serving import make_server

from staffroom_portal.app import create_app
from staffroom_portal.backend import Backend
from staffroom_portal.testing import CLIENT_ID, CLIENT_SECRET, Provider
from staffroom_shared.config import ServiceConfig


def _directory(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, json={"first_name": "Amira", "last_name": "Patel", "post": "Teacher"})


@pytest.fixture
def portal_with_provider(portal_db):
    provider = Provider()
    config = ServiceConfig(service="portal", database_url=portal_db, bus_url="", jwt_jwks_url=f"{provider.issuer}/jwks",
                           jwt_issuer=provider.issuer)
    app = create_app(config, backend=Backend(transport=httpx.MockTransport(_directory)), environ={
        "OIDC_ISSUER": provider.issuer, "OIDC_CLIENT_ID": CLIENT_ID, "OIDC_CLIENT_SECRET": CLIENT_SECRET})
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    provider.server.shutdown()


def test_signing_in_with_the_trust_account_goes_to_the_provider_and_back_signed_in(browser, portal_with_provider):
    context = browser.new_context(base_url=portal_with_provider)
    page = context.new_page()
    blocked = []
    page.on("console", lambda message: blocked.append(message.text) if "Content Security Policy" in message.text else None)
    page.goto("/accessibility")
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)
    page.goto("/sign-in?next=/accessibility")
    page.get_by_role("link", name="Sign in with your trust account").click()
    expect(page).to_have_url(f"{portal_with_provider}/accessibility")
    expect(page.locator(".who")).to_have_text("Amira Patel")
    assert blocked == []
    context.close()
