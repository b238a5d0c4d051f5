"""The portal answers its own refusals and failures on its own page, with the navigation, whatever raised them
(outsider, issue 24: a teacher opening a programme's impact report got Werkzeug's bare "Forbidden"). The whole
suite's routes are crawled in test_every_route_refuses_on_the_portal_s_page; these are the quick cases."""
from __future__ import annotations

import httpx
from flask import abort
from werkzeug.exceptions import default_exceptions

from staffroom_portal.app import create_app
from staffroom_portal.backend import Backend
from staffroom_portal.identity import DevSignIn
from staffroom_shared.auth import ensure_dev_keys
from staffroom_shared.config import ServiceConfig

TEACHER = "7c9e6679-7425-40de-944b-e07fc1f90ae7"
ACADEMY = "3f2b9c1e-0d4a-4e8b-9a51-6c7d8e9f0a1b"
PROGRAMME = "0ca4c234-84a1-4fb3-80cd-c81e821534c6"


def _teacher(tmp_path, database, api=lambda request: httpx.Response(404, json={"title": "Not Found",
                                                                                 "detail": "There is no such thing"}),
             more=lambda app: None):
    """The portal, a teacher signed in through the development sign-in; the APIs answer as `api` does, and `more`
    adds to the app before its first request."""
    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.path in (f"/api/directory/staff/{TEACHER}", "/api/directory/staff/me"):
            return httpx.Response(200, json={"id": TEACHER, "academy_id": ACADEMY, "first_name": "Ben",
                                             "last_name": "Owen", "post": "Class Teacher"})
        return api(request)

    private, public = ensure_dev_keys(tmp_path)
    config = ServiceConfig(service="portal", database_url=database, bus_url="", jwt_public_key_file=str(public))
    app = create_app(config, backend=Backend(transport=httpx.MockTransport(answer)), dev_sign_in=DevSignIn(private),
                     environ={})
    app.config.update(WTF_CSRF_ENABLED=False)
    more(app)
    client = app.test_client()
    signed_in = client.post("/sign-in/dev", data={"staff_id": TEACHER, "role": "staff"})
    assert signed_in.status_code == 302 and "/sign-in" not in signed_in.location
    return app, client


def _portal_page(response) -> str:
    page = response.get_data(as_text=True)
    assert response.mimetype == "text/html" and '<nav aria-label="Main">' in page, page
    assert "Go to your home page" in page and "<title>" in page and "– Staffroom</title>" in page
    return page


def test_a_teacher_opening_a_programme_s_impact_report_is_told_they_cannot_see_it_on_the_portal_s_page(
        tmp_path, portal_db):
    called = []
    _, client = _teacher(tmp_path, portal_db, lambda request: called.append(request) or httpx.Response(500))
    for path in (f"/cpd/impact/programmes/{PROGRAMME}", f"/cpd/impact/programmes/{PROGRAMME}.csv"):
        response = client.get(path)
        page = _portal_page(response)
        assert response.status_code == 403
        assert "<h1>You cannot see this page</h1>" in page and "ask your academy's HR team" in page
        assert "Forbidden" not in page and "permission to access" not in page
    assert called == []  # refused by the portal, before any API was asked


def test_an_unexpected_failure_is_answered_on_the_portal_s_page(tmp_path, portal_db):
    """An API out of reach (the proxy down, say) raises in the view: production answers the portal's 500 page."""
    def unreachable(request):
        raise httpx.ConnectError("connection refused", request=request)

    app, client = _teacher(tmp_path, portal_db, unreachable)
    app.config.update(TESTING=False, PROPAGATE_EXCEPTIONS=False)  # as under gunicorn, not raised into the test
    response = client.get("/cpd/impact")
    page = _portal_page(response)
    assert response.status_code == 500 and "<h1>Something went wrong</h1>" in page
    assert "tell your trust's IT team" in page and "Internal Server Error" not in page


def test_a_form_s_address_opened_as_a_page_keeps_its_words_and_says_which_methods_it_takes(tmp_path, portal_db):
    _, client = _teacher(tmp_path, portal_db)
    response = client.get(f"/cpd/impact/{PROGRAMME}/intent")
    page = _portal_page(response)
    assert response.status_code == 405 and "That address is where a form is sent, not a page to open" in page
    assert "POST" in response.headers["Allow"] and "Method Not Allowed" not in page


def test_an_address_with_no_page_says_so_on_the_portal_s_page(tmp_path, portal_db):
    _, client = _teacher(tmp_path, portal_db)
    response = client.get("/no-such-page")
    page = _portal_page(response)
    assert response.status_code == 404 and "There is no page at this address." in page
    assert "requested URL was not found" not in page


def test_a_refusal_raised_anywhere_in_the_portal_is_answered_on_its_own_page(tmp_path, portal_db):
    """Whatever page aborts, and with whatever status, the person reads the portal's page, not Werkzeug's words. (401
    is left out: the portal sends the signed-out to its sign-in page, and raises no 401 of its own.)"""
    def refusing(app):
        app.add_url_rule("/refusing/<int:status>", "refusing", lambda status: abort(status))

    _, client = _teacher(tmp_path, portal_db, more=refusing)
    for status in sorted(code for code in default_exceptions if code != 401):
        response = client.get(f"/refusing/{status}")
        page = _portal_page(response)
        assert response.status_code == status and default_exceptions[status].description not in page, status
