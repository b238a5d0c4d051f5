"""The portal refuses text no database can hold with the services' own guard, on a page a person can read."""
from __future__ import annotations

import json
import re

import httpx
import pytest
from werkzeug.routing import AnyConverter, UUIDConverter

from staffroom_portal.app import UNREADABLE, create_app
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
    assert "That could not be done" in page and UNREADABLE in page and "query parameter" not in page
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


# -- %-escapes in a form (outsider O8 D, issue 24) ----------------------------------------------------------------

ME = "7c9e6679-7425-40de-944b-e07fc1f90ae7"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
# What no browser sends for typed text: it sends every typed "%" as %25 and every character as its UTF-8 bytes.
NOT_TEXT = ["hello%FFworld", "%C0%AF", "%ED%A0%80", "%E2%82", "a%C3%28b", "%ZZ", "100%", "50%2", "x%FF"]


def _with_csrf(tmp_path, database):
    """The portal as it runs, CSRF on (the page tests turn it off, which hid outsider O8 D), signed in as a member of
    staff with the dev sign-in; its APIs a fake that answers every GET and records what reached it."""
    private, public = ensure_dev_keys(tmp_path)
    config = ServiceConfig(service="portal", database_url=database, bus_url="", jwt_public_key_file=str(public))
    called: list[httpx.Request] = []
    priya = {"id": ME, "academy_id": ME, "first_name": "Priya", "last_name": "Shah", "post": "Teacher"}

    def api(request: httpx.Request) -> httpx.Response:
        called.append(request)
        if request.url.path == "/api/directory/staff":  # the sign-in page's search
            return httpx.Response(200, json={"items": [priya]})
        if request.method == "GET" and not request.url.path.endswith((ME, "/me")):
            return httpx.Response(200, json=[])  # a list: the sign-in page's academies
        if request.method == "GET":
            return httpx.Response(200, json=priya)
        return httpx.Response(201, json={"id": ME, "recipient_name": "Tom Taylor"})

    app = create_app(config, backend=Backend(transport=httpx.MockTransport(api)), dev_sign_in=DevSignIn(private),
                     environ={})
    client = app.test_client()
    token = CSRF.search(client.get("/sign-in?q=Priya").get_data(as_text=True)).group(1)
    signed = client.post("/sign-in/dev", data={"staff_id": ME, "role": "staff", "csrf_token": token})
    assert signed.status_code == 302 and "/sign-in" not in signed.location, signed.location
    token = CSRF.search(client.get("/recognition/give").get_data(as_text=True)).group(1)  # the signed-in session's
    return app, client, token, called


def _post(client, path: str, body: str):
    return client.post(path, data=body, content_type="application/x-www-form-urlencoded")


@pytest.mark.parametrize("words", NOT_TEXT)
def test_recognition_whose_words_are_escapes_no_browser_sends_is_refused_and_nothing_is_sent(tmp_path, portal_db,
                                                                                               words):
    """Outsider O8 D, issue 24: words=hello%FFworld (and %C0%AF, a lone surrogate's bytes, a cut-off character,
    %ZZ, a bare "100%") was "Sent to ..." and stored as the escapes themselves; a%C3%28b half-decoded."""
    app, client, token, called = _with_csrf(tmp_path, portal_db)
    called.clear()
    answer = _post(client, "/recognition/give",
                   f"csrf_token={token}&recipient_id={ME}&kind=recognition&words={words}&visibility=private")
    assert answer.status_code == 422 and answer.mimetype == "text/html"
    assert UNREADABLE in answer.get_data(as_text=True) and called == []
    assert "form field" not in answer.get_data(as_text=True).lower()  # plain words, not the API's (outsider O9)


def test_a_value_whose_escapes_are_not_text_is_refused_too(tmp_path, portal_db):
    app, client, token, called = _with_csrf(tmp_path, portal_db)
    called.clear()
    answer = _post(client, "/recognition/give",
                   f"csrf_token={token}&recipient_id={ME}&kind=recognition&words=Thanks&value=x%FF")
    assert answer.status_code == 422 and UNREADABLE in answer.get_data(as_text=True) and called == []


@pytest.mark.parametrize("words, stored", [("100%25+behind+you", "100% behind you"), ("caf%C3%A9+%E2%82%AC5", "café €5"),
                                           ("50%2B+%F0%9F%8F%B4%F3%A0%81%A7", "50+ \U0001f3f4\U000e0067"),
                                           ("plain+words", "plain words")])
def test_what_a_browser_sends_for_typed_text_is_read_as_typed(tmp_path, portal_db, words, stored):
    app, client, token, called = _with_csrf(tmp_path, portal_db)
    called.clear()
    answer = _post(client, "/recognition/give",
                   f"csrf_token={token}&recipient_id={ME}&kind=recognition&words={words}&visibility=private")
    assert answer.status_code == 302
    [sent] = [r for r in called if r.method == "POST"]
    assert json.loads(sent.content)["words"] == stored


def test_every_portal_form_refuses_escapes_that_are_not_text_before_its_view(tmp_path, portal_db):
    """Not recognition alone: every POST address the portal has answers 422 and asks no API for anything."""
    app, client, token, called = _with_csrf(tmp_path, portal_db)
    values = {UUIDConverter: ME}
    checked = 0
    for rule in app.url_map.iter_rules():
        if "POST" not in rule.methods:
            continue
        args = {name: (sorted(conv.items)[0] if isinstance(conv, AnyConverter) else values.get(type(conv), "x"))
                for name, conv in rule._converters.items()}
        path = rule.build(args, append_unknown=False)[1]
        called.clear()
        answer = _post(client, path, f"csrf_token={token}&words=hello%FFworld&q=x")
        assert (answer.status_code, called) == (422, []), (rule.rule, answer.status_code)
        checked += 1
    assert checked > 50
