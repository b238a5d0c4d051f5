"""The portal refuses text no database can hold with the services' own guard, on a page a person can read."""
from __future__ import annotations

import httpx

from staffroom_portal.app import create_app
from staffroom_portal.backend import Backend
from staffroom_portal.identity import DevSignIn
from staffroom_shared.auth import ensure_dev_keys
from staffroom_shared.config import ServiceConfig


def _portal(tmp_path, database):
    private, public = ensure_dev_keys(tmp_path)
    config = ServiceConfig(service="portal", database_url=database, bus_url="", jwt_public_key_file=str(public))
    called = []
    backend = Backend(transport=httpx.MockTransport(lambda request: called.append(request) or httpx.Response(200)))
    app = create_app(config, backend=backend, dev_sign_in=DevSignIn(private), environ={})
    return app.test_client(), called


def test_a_nul_in_the_sign_in_search_is_refused_on_a_page_without_asking_an_api(tmp_path, portal_db):
    client, called = _portal(tmp_path, portal_db)
    response = client.get("/sign-in?q=Tay%00lor")
    assert response.status_code == 422 and response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert "That could not be done" in page and "query parameter q: contains a NUL character (U+0000)" in page
    assert called == []


def test_an_unsubscribe_link_s_signature_is_not_written_to_the_portal_s_log(tmp_path, portal_db, caplog):
    """Outsider, issue 20: the portal's httpx log lines held everyone's signed unsubscribe link, replayable by
    whoever holds the logs."""
    import logging

    client, called = _portal(tmp_path, portal_db)
    with caplog.at_level(logging.DEBUG):
        client.get("/notifications/unsubscribe?staff_id=7c9e6679-7425-40de-944b-e07fc1f90ae7&category=surveys"
                   "&signature=5ecret5ignature")
    assert called and "5ecret5ignature" in str(called[0].url)  # it did go to the API
    assert "5ecret5ignature" not in caplog.text
