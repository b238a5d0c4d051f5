"""Signing in: the OpenID Connect code flow against a real (local) provider, and what production refuses."""
from __future__ import annotations

from urllib.parse import urlsplit

import httpx
import pytest
import requests
from cryptography.hazmat.primitives.asymmetric import rsa

from staffroom_portal.app import create_app
from staffroom_portal.backend import Backend
from staffroom_portal.signin import DevSignIn
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


def _portal(provider: Provider, **env):
    config = ServiceConfig(service="portal", database_url="sqlite://", bus_url="embedded://", env=env.pop("env", "development"),
                           jwt_jwks_url=f"{provider.issuer}/jwks", jwt_issuer=provider.issuer, seal_key=None)
    environ = {"OIDC_ISSUER": provider.issuer, "OIDC_CLIENT_ID": CLIENT_ID, "OIDC_CLIENT_SECRET": CLIENT_SECRET, **env}
    return create_app(config, backend=Backend(transport=httpx.MockTransport(_directory)), environ=environ)


def _sign_in(client, next_path="/cpd"):
    page = client.get("/sign-in").get_data(as_text=True)
    assert "Sign in with your trust account" in page and "Development sign-in" not in page
    start = client.get("/sign-in/oidc", query_string={"next": next_path})
    assert start.status_code == 302
    at_provider = requests.get(start.headers["Location"], allow_redirects=False, timeout=5)
    back = urlsplit(at_provider.headers["Location"])
    return client.get(f"{back.path}?{back.query}")


def test_the_trust_sign_in_runs_the_code_flow_and_keeps_the_api_token_in_the_session(provider):
    client = _portal(provider).test_client()
    finished = _sign_in(client)
    assert finished.status_code == 302 and finished.headers["Location"] == "/cpd"
    cookie = client.get_cookie("staffroom")
    assert cookie.http_only and cookie.same_site == "Lax"
    assert client.get("/sign-in").headers["Location"] == "/"  # signed in: the sign-in page sends you home


def test_an_api_token_signed_by_another_key_is_refused_and_no_one_is_signed_in(provider):
    provider.sign_access_with = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    client = _portal(provider).test_client()
    finished = _sign_in(client)
    assert finished.status_code == 401 and "could not sign you in" in finished.get_data(as_text=True)
    assert client.get("/").status_code == 302  # still signed out


def test_the_id_token_can_be_forwarded_where_the_provider_issues_no_jwt_access_tokens(provider):
    config = ServiceConfig(service="portal", database_url="sqlite://", bus_url="embedded://",
                           jwt_jwks_url=f"{provider.issuer}/jwks", jwt_issuer=provider.issuer, jwt_audience=CLIENT_ID)
    app = create_app(config, backend=Backend(transport=httpx.MockTransport(_directory)), environ={
        "OIDC_ISSUER": provider.issuer, "OIDC_CLIENT_ID": CLIENT_ID, "OIDC_CLIENT_SECRET": CLIENT_SECRET,
        "OIDC_FORWARD": "id_token"})
    assert _sign_in(app.test_client(), "/").headers["Location"] == "/"


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)"])
def test_after_signing_in_the_portal_never_sends_you_to_another_site(provider, target):
    assert _sign_in(_portal(provider).test_client(), target).headers["Location"] == "/"


def test_a_form_without_its_csrf_token_is_refused(provider):
    client = _portal(provider).test_client()
    response = client.post("/sign-out")
    assert response.status_code == 400 and "This form had expired" in response.get_data(as_text=True)


def test_pages_carry_a_strict_content_security_policy(provider):
    response = _portal(provider).test_client().get("/sign-in")
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


def test_the_development_sign_in_is_off_unless_asked_for(provider, tmp_path):
    config = ServiceConfig(service="portal", database_url="sqlite://", bus_url="embedded://")
    with pytest.raises(ConfigError, match="no way to sign in"):
        create_app(config, environ={})
    app = _portal(provider)
    app.config["WTF_CSRF_ENABLED"] = False  # so the answer is the route's own, not the CSRF check's
    assert app.test_client().post("/sign-in/dev", data={"staff_id": STAFF_ID, "role": "trust_hr"}).status_code == 404
