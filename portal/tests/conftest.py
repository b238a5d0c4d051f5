"""The portal's own database (its sessions), migrated, for tests that build the portal by hand; and a trust that signs
in with Google Workspace."""
from __future__ import annotations

from dataclasses import dataclass

import httpx
import pytest
from werkzeug.exceptions import NotFound
from werkzeug.middleware.dispatcher import DispatcherMiddleware

from staffroom_portal.app import create_app
from staffroom_portal.backend import Backend
from staffroom_portal.migrate import migrate
from staffroom_shared.auth import ensure_dev_keys, issue_dev_token
from staffroom_shared.config import ServiceConfig
from staffroom_shared.testing import CLIENT_ID, CLIENT_SECRET, Provider

DOMAIN = "oaktrust.example"


@pytest.fixture
def portal_db(tmp_path) -> str:
    url = f"sqlite:///{tmp_path / 'portal.db'}"
    migrate(ServiceConfig(service="portal", database_url=url, bus_url=""))
    return url


@dataclass
class GoogleTrust:
    """A trust on Google Workspace: its provider (a real local one), the real directory (SQLite, in process) with
    Amira Patel, whom trust HR gave trust HR access, and the portal exchanging Google's ID token with it."""

    provider: Provider
    app: object  # the portal
    people: dict[str, dict]
    directory: object = None  # the directory's test client
    hr: dict | None = None  # a service token with trust HR, for the directory

    def record_leaving(self, staff_id: str, on) -> None:
        answer = self.directory.post(f"/staff/{staff_id}/leaving", headers=self.hr,
                                     json={"leaving_date": str(on), "reason": "Moving on"})
        assert answer.status_code == 200, answer.json


@pytest.fixture
def google_trust(tmp_path, portal_db):
    from directory import bootstrap
    from directory.entrypoints.web import create_app as directory_app
    from directory.service.roles import grant_first

    provider = Provider(email_verified=True, hd=DOMAIN)
    private, public = ensure_dev_keys(tmp_path / "dev-keys")
    common = {"STAFFROOM_DATA_DIR": str(tmp_path), "JWT_PUBLIC_KEY_FILE": str(public), "LOG_LEVEL": "WARNING"}
    directory_config = ServiceConfig.from_env("directory", common)
    bootstrap.migrate(directory_config)
    directory = directory_app(directory_config, environ={
        "GOOGLE_CLIENT_ID": CLIENT_ID, "GOOGLE_WORKSPACE_DOMAINS": DOMAIN, "GOOGLE_ISSUER": provider.issuer,
        "GOOGLE_JWKS_URL": f"{provider.issuer}/jwks"})
    hr = {"Authorization": f"Bearer {issue_dev_token(private, staff_id=None, roles=['trust_hr', 'service'])}"}
    api = directory.test_client()
    academy = api.post("/academies", json={"name": "Oak Primary Academy", "urn": "140001", "phase": "primary"},
                       headers=hr).json
    people = {}
    for first, last, post in (("Amira", "Patel", "Headteacher"), ("Ben", "Owen", "Class Teacher")):
        people[first] = api.post("/staff", headers=hr, json={
            "staff_code": first, "academy_id": academy["id"], "first_name": first, "last_name": last,
            "email": f"{first}.{last}@{DOMAIN}".lower(), "staff_type": "teaching", "post": post,
            "start_date": "2019-09-01"}).json
    grant_first(directory.extensions["staffroom"].uow(actor="test"), people["Amira"]["email"], "trust_hr")

    config = ServiceConfig(service="portal", database_url=portal_db, bus_url="", jwt_public_key_file=str(public))
    suite = DispatcherMiddleware(lambda environ, start: NotFound()(environ, start), {"/api/directory": directory})
    portal = create_app(config, backend=Backend(transport=httpx.WSGITransport(app=suite)), environ={
        "OIDC_ISSUER": provider.issuer, "OIDC_CLIENT_ID": CLIENT_ID, "OIDC_CLIENT_SECRET": CLIENT_SECRET,
        "OIDC_FORWARD": "exchange", "OIDC_PROVIDER_NAME": "Google"})
    yield GoogleTrust(provider, portal, people, api, hr)
    provider.server.shutdown()
    directory.extensions["staffroom"].engine.dispose()
