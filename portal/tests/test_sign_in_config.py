"""Signing in: the OpenID Connect code flow against a real (local) provider, and what production refuses."""
from __future__ import annotations

import hashlib
import re
from urllib.parse import urlsplit

import httpx
import pytest
import requests
from cryptography.hazmat.primitives.asymmetric import rsa

from staffroom_portal.app import create_app
from staffroom_portal.backend import Backend
from staffroom_portal.identity import DevSignIn
from staffroom_portal.testing import CLIENT_ID, CLIENT_SECRET, STAFF_ID, Provider
from staffroom_shared.auth import ensure_dev_keys
from staffroom_shared.config import ConfigError, ServiceConfig



@pytest.fixture
def provider():
    p = Provider()
    yield p
    p.server.shutdown()


def _directory(request: httpx.Request) -> httpx.Response:
    """The directory's answer to /staff/me: the edge of the portal under test."""
    assert request.url.path == "/api/directory/staff/me"
    return httpx.Response(200, json={"first_name": "Amira", "last_name": "Patel", "post": "Teacher"})


def _portal(provider: Provider, database: str, **env):
    config = ServiceConfig(service="portal", database_url=database, bus_url="embedded://", env=env.pop("env", "development"),
                           jwt_jwks_url=f"{provider.issuer}/jwks", jwt_issuer=provider.issuer, seal_key=None)
    environ = {"OIDC_ISSUER": provider.issuer, "OIDC_CLIENT_ID": CLIENT_ID, "OIDC_CLIENT_SECRET": CLIENT_SECRET, **env}
    return create_app(config, backend=Backend(transport=httpx.MockTransport(_directory)), environ=environ)


def _sign_in(client, next_path="/cpd"):
    page = client.get("/sign-in").get_data(as_text=True)
    assert "Sign in with " in page and "Development sign-in" not in page
    start = client.get("/sign-in/oidc", query_string={"next": next_path})
    assert start.status_code == 302
    at_provider = requests.get(start.headers["Location"], allow_redirects=False, timeout=5)
    back = urlsplit(at_provider.headers["Location"])
    return client.get(f"{back.path}?{back.query}")


def test_the_trust_sign_in_runs_the_code_flow_and_keeps_the_api_token_in_the_session(provider, portal_db):
    client = _portal(provider, portal_db).test_client()
    finished = _sign_in(client)
    assert finished.status_code == 302 and finished.headers["Location"] == "/cpd"
    cookie = client.get_cookie("staffroom")
    assert cookie.http_only and cookie.same_site == "Lax"
    assert client.get("/sign-in").headers["Location"] == "/"  # signed in: the sign-in page sends you home


def _rows(database: str) -> list:
    from sqlalchemy import create_engine, text

    engine = create_engine(database)
    with engine.connect() as db:
        rows = db.execute(text("SELECT id_hash, sealed, expires_at FROM sessions")).all()
    engine.dispose()
    return rows


def _signed_in(client) -> bool:
    """The sign-in page sends someone signed in home (and asks no API, which is not here)."""
    return client.get("/sign-in").status_code == 302


def test_signing_out_ends_the_session_where_it_is_kept_so_a_copied_cookie_opens_nothing(provider, portal_db):
    """Issue 21: signing out only asked the browser to forget a signed cookie that held the token; a copy of it
    went on working for eight hours."""
    app = _portal(provider, portal_db)
    app.config["WTF_CSRF_ENABLED"] = False  # the form token is tested on its own
    client = app.test_client()
    _sign_in(client)
    copied = client.get_cookie("staffroom").value
    assert _signed_in(client)
    assert client.post("/sign-out").status_code == 302
    assert not _signed_in(client)
    thief = _portal(provider, portal_db).test_client()
    thief.set_cookie("staffroom", copied)
    assert not _signed_in(thief)  # the copy opens nothing
    assert thief.get("/cpd").headers["Location"].startswith("/sign-in")


def test_the_cookie_and_the_database_hold_no_readable_token(provider, portal_db):
    """The cookie is only a random id; the database keeps the session sealed under the id's hash, with a key made
    from the id and SEAL_KEY, so neither the cookie nor the database (nor both without SEAL_KEY) shows a token."""
    client = _portal(provider, portal_db).test_client()
    _sign_in(client)
    cookie = client.get_cookie("staffroom").value
    assert len(cookie) == 43 and "." not in cookie  # 32 random bytes: no JWT (header.payload.signature) in it
    [row] = [r for r in _rows(portal_db) if r.id_hash == hashlib.sha256(cookie.encode()).digest()]
    assert cookie.encode() not in row.sealed and b"eyJ" not in row.sealed and b"Amira" not in row.sealed


def test_signing_in_starts_a_new_session_id_so_a_planted_one_is_worth_nothing(provider, portal_db):
    client = _portal(provider, portal_db).test_client()
    client.get("/sign-in/oidc")  # a visitor's session (the sign-in's state), such as an attacker could plant
    planted = client.get_cookie("staffroom").value
    _sign_in(client)
    assert client.get_cookie("staffroom").value != planted and _signed_in(client)
    other = _portal(provider, portal_db).test_client()
    other.set_cookie("staffroom", planted)
    assert not _signed_in(other)


def test_a_session_past_its_eight_hours_opens_nothing_and_goes_when_a_new_one_starts(provider, portal_db):
    from sqlalchemy import create_engine, text

    client = _portal(provider, portal_db).test_client()
    _sign_in(client)
    engine = create_engine(portal_db)
    with engine.begin() as db:
        db.execute(text("UPDATE sessions SET expires_at = '2020-01-01 00:00:00.000000'"))
    engine.dispose()
    assert not _signed_in(client)
    before = len(_rows(portal_db))
    _sign_in(_portal(provider, portal_db).test_client())
    assert before >= 1 and len(_rows(portal_db)) == 1  # the new one only: the expired went as it came


@pytest.mark.parametrize("cookie", ["x", "a" * 43, "é" * 30, "a" * 500])
def test_a_made_up_session_cookie_is_a_visitor(provider, portal_db, cookie):
    client = _portal(provider, portal_db).test_client()
    client.set_cookie("staffroom", cookie)
    assert client.get("/").status_code == 302 and not _signed_in(client)


def test_an_api_token_signed_by_another_key_is_refused_and_no_one_is_signed_in(provider, portal_db):
    provider.sign_access_with = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    client = _portal(provider, portal_db).test_client()
    finished = _sign_in(client)
    assert finished.status_code == 401 and "could not sign you in" in finished.get_data(as_text=True)
    assert client.get("/").status_code == 302  # still signed out


def test_with_google_the_directory_exchanges_the_id_token_for_the_persons_staff_id_academy_and_roles(google_trust):
    """Issue 21: Google's ID token names no staff id or roles; the directory finds the person by their verified
    work email and signs a token carrying what trust HR gave them."""
    client = google_trust.app.test_client()
    google_trust.provider.id_claims["email"] = google_trust.people["Amira"]["email"]
    assert _sign_in(client, "/hr").headers["Location"] == "/hr"
    hr = client.get("/hr")
    assert hr.status_code == 200 and "Who has access" in hr.get_data(as_text=True)
    access = client.get("/hr/access").get_data(as_text=True)
    assert "Amira Patel" in access and "Trust HR" in access


def test_with_google_an_account_staffroom_does_not_know_is_told_why_in_words(google_trust):
    client = google_trust.app.test_client()
    google_trust.provider.id_claims["email"] = "someone.else@oaktrust.example"
    refused = _sign_in(client, "/")
    page = refused.get_data(as_text=True)
    assert refused.status_code == 403 and "We could not sign you in" in page
    assert "Staffroom has no member of staff with the email address someone.else@oaktrust.example" in page
    assert "You cannot see this page" not in page  # a refused sign-in, not a page their role keeps from them
    assert client.get("/").status_code == 302  # still signed out
    # another account: the provider is asked to let them choose (outsider 18)
    choose = client.get("/sign-in/oidc?choose=1")
    assert "prompt=select_account" in choose.headers["Location"]


def _as_trust_hr(google_trust):
    """Amira, trust HR, signed in with Google on Who has access: her client and the page's form token."""
    client = google_trust.app.test_client()
    google_trust.provider.id_claims["email"] = google_trust.people["Amira"]["email"]
    _sign_in(client, "/hr/access")
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/hr/access").get_data(as_text=True)).group(1)
    return client, token


def test_with_google_giving_access_adds_to_what_they_have_and_an_unknown_role_changes_nothing(google_trust):
    """Outsider 18: "Give access" replaced what someone had; a made-up role was dropped, and saving it withdrew
    everything."""
    client, token = _as_trust_hr(google_trust)
    ben = google_trust.people["Ben"]["id"]

    def give(*roles):
        return client.post("/hr/access", data={"csrf_token": token, "staff_id": ben, "roles": list(roles)},
                           follow_redirects=True).get_data(as_text=True)

    assert "they have: HR for their academy." in give("academy_hr")
    assert "they have: HR for their academy, data protection officer." in give("dpo")
    assert "Not saved: choose from the access listed." in give("god")
    assert "Not saved: choose from the access listed." in give("service", "dpo")
    assert "Not saved: tick the access to give." in give()
    assert "they have: HR for their academy, data protection officer." in give(*["dpo"] * 200)  # outsider 19
    page = client.get("/hr/access").get_data(as_text=True)
    assert "HR for their academy, data protection officer" in page  # Ben's, unchanged by the refusals
    # the audit log says it in the same words
    audit = client.get("/hr/audit?area=directory").get_data(as_text=True)
    assert "Given: data protection officer" in audit and "With: member of staff, trust HR" in audit
    assert "trust_hr" not in audit and "academy_hr" not in audit


def test_with_google_the_data_protection_officer_reads_who_has_access_but_opens_no_hr_record(google_trust):
    client, token = _as_trust_hr(google_trust)
    client.post("/hr/access", data={"csrf_token": token, "staff_id": google_trust.people["Ben"]["id"],
                                    "roles": ["dpo"]})
    officer = google_trust.app.test_client()
    google_trust.provider.id_claims["email"] = google_trust.people["Ben"]["email"]
    _sign_in(officer, "/")
    home = officer.get("/").get_data(as_text=True)
    assert 'href="/hr/access"' in home  # in the navigation
    page = officer.get("/hr/access").get_data(as_text=True)
    assert "Amira Patel" in page and 'href="/hr/staff/' not in page  # names, not links to HR-only records
    assert "Oak Primary Academy" in page and "Another academy" not in page  # outsider 19
    assert "Give someone access" not in page


def test_with_google_who_has_access_says_who_is_leaving_and_where_each_person_works(google_trust):
    """Outsider 22: someone leaving next term showed as plain trust HR, so refusing to withdraw the other one's
    looked wrong; and the list to give access from did not say which academy each person is in."""
    client, token = _as_trust_hr(google_trust)
    client.post("/hr/access", data={"csrf_token": token, "staff_id": google_trust.people["Ben"]["id"],
                                    "roles": ["trust_hr"]})
    from datetime import date, timedelta

    leaving = date.today() + timedelta(days=90)
    google_trust.record_leaving(google_trust.people["Ben"]["id"], leaving)
    page = client.get("/hr/access").get_data(as_text=True)
    assert f"(leaving on {leaving.day} {leaving:%B %Y}: does not count as the trust keeping this access)" in page
    assert "Ben Owen, Class Teacher, Oak Primary Academy" in page


def test_with_google_a_member_of_staff_has_no_hr_pages(google_trust):
    client = google_trust.app.test_client()
    google_trust.provider.id_claims["email"] = google_trust.people["Ben"]["email"]
    assert _sign_in(client, "/").status_code == 302
    assert client.get("/hr/access").status_code == 403


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)"])
def test_after_signing_in_the_portal_never_sends_you_to_another_site(provider, target, portal_db):
    assert _sign_in(_portal(provider, portal_db).test_client(), target).headers["Location"] == "/"


def test_a_form_without_its_csrf_token_is_refused(provider, portal_db):
    client = _portal(provider, portal_db).test_client()
    response = client.post("/sign-out")
    assert response.status_code == 400 and "This form had expired" in response.get_data(as_text=True)


def test_pages_carry_a_strict_content_security_policy(provider, portal_db):
    response = _portal(provider, portal_db).test_client().get("/sign-in")
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_production_refuses_the_development_sign_in(tmp_path):
    private, _ = ensure_dev_keys(tmp_path)
    production = ServiceConfig(service="portal", database_url="postgresql://x/portal", bus_url="amqp://x",
                               env="production", jwt_jwks_url="https://login.example/keys",
                               jwt_issuer="https://login.example", seal_key="A" * 43 + "=")
    with pytest.raises(ConfigError, match="development sign-in cannot be used in production"):
        create_app(production, dev_sign_in=DevSignIn(private), environ={
            "OIDC_ISSUER": "https://login.example", "OIDC_CLIENT_ID": "x", "OIDC_CLIENT_SECRET": "y"})
    with pytest.raises(ConfigError, match="development sign-in cannot be used in production"):
        create_app(production, environ={"PORTAL_DEV_SIGN_IN": "1", "OIDC_ISSUER": "https://login.example",
                                        "OIDC_CLIENT_ID": "x", "OIDC_CLIENT_SECRET": "y"})
    with pytest.raises(ConfigError, match="OIDC_ISSUER"):
        create_app(production, environ={})


def test_the_development_sign_in_is_off_unless_asked_for(provider, tmp_path, portal_db):
    config = ServiceConfig(service="portal", database_url=portal_db, bus_url="embedded://")
    with pytest.raises(ConfigError, match="no way to sign in"):
        create_app(config, environ={})
    app = _portal(provider, portal_db)
    app.config["WTF_CSRF_ENABLED"] = False  # so the answer is the route's own, not the CSRF check's
    assert app.test_client().post("/sign-in/dev", data={"staff_id": STAFF_ID, "role": "trust_hr"}).status_code == 404


def test_favicon_ico_is_the_icon_not_a_404(provider, portal_db):
    """Outsider 5, issue 20: pages link /static/favicon.svg, but /favicon.ico (what browsers and bookmarks ask for)
    answered 404."""
    client = _portal(provider, portal_db).test_client()
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response.headers["Location"].endswith("/static/favicon.svg")
    assert client.get(response.headers["Location"]).status_code == 200


def test_a_form_s_address_opened_on_its_own_says_so_on_a_portal_page(provider, portal_db):
    """Outsider 6, issue 20: after a refused form the address bar holds its POST route; opening it gave Werkzeug's
    bare "Method Not Allowed"."""
    response = _portal(provider, portal_db).test_client().get("/sign-out")
    page = response.get_data(as_text=True)
    assert response.status_code == 405 and "That address is where a form is sent" in page
    assert "Method Not Allowed" not in page and "Content-Security-Policy" in response.headers
