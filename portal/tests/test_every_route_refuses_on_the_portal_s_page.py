"""Every route in the portal's url_map, asked for by a teacher and by a line manager of the demo trust (the whole suite
in this process, through Flask's test client): whatever a route refuses or fails at, it answers on the portal's own
page, with its navigation, never Werkzeug's bare "Forbidden", "Not Found", "Method Not Allowed" or "Internal Server
Error" (outsider, issue 24: a teacher opening /cpd/impact/programmes/… got the bare 403).

Each route is asked for with ids that match nothing, with the ids of the pages and forms the persona reaches by
following links from their home page, and with every method it takes (a form sent empty)."""
from __future__ import annotations

import re
import uuid
from collections import deque
from html import unescape
from urllib.parse import urlsplit

import pytest
from werkzeug.exceptions import default_exceptions
from werkzeug.routing import AnyConverter, UUIDConverter

from staffroom.cli import Suite

pytestmark = pytest.mark.slow

PERSONAS = ("member of staff", "line manager")
PAGES_FOLLOWED = 150  # links followed from the home page, per persona
PER_ROUTE = 2  # the real ids a route is asked for with, besides ids that match nothing
# Werkzeug's own error page (werkzeug.exceptions.HTTPException.get_body) and each default error's words
WERKZEUG_PAGE = re.compile(r"<title>\d{3} [^<]*</title>\s*<h1>")
WERKZEUG_WORDS = sorted({e.description for e in default_exceptions.values() if e.description}, key=len)
LINK = re.compile(r'<a [^>]*href="(/[^"#]*)"')
FORM = re.compile(r'<form [^>]*method="post"[^>]*action="(/[^"#]*)"|<form [^>]*action="(/[^"#]*)"[^>]*method="post"')


@pytest.fixture(scope="module")
def trust(tmp_path_factory):
    """The demo trust, seeded as `staffroom run` seeds it, and the portal the suite serves."""
    suite = Suite(tmp_path_factory.mktemp("crawl") / "data", environ={"LOG_LEVEL": "WARNING"})
    suite.prepare()
    suite.seed()
    suite.start_workers()
    try:
        suite.seed_after_workers()
        portal = suite.wsgi().app  # the DispatcherMiddleware's own app: the portal, the APIs mounted beside it
        # An unexpected error is answered as in production (the 500 page), not raised into the test. The forms are
        # sent without their CSRF token, so that each reaches its view rather than the token's refusal.
        portal.config.update(TESTING=False, PROPAGATE_EXCEPTIONS=False, WTF_CSRF_ENABLED=False)
        yield suite, portal
    finally:
        suite.stop.set()
        for thread in suite.threads:
            thread.join(timeout=10)


def _signed_in(suite, portal, persona: str):
    person = next(p for p in suite.demo_people() if p["as"] == persona)
    client = portal.test_client()
    answer = client.post("/sign-in/dev", data={"staff_id": str(person["staff_id"]), "role": "staff"})
    assert answer.status_code == 302 and "/sign-in" not in answer.location, answer.location
    return client


def _reached(client, adapter) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """The pages (GET) and form addresses (POST) the persona reaches from their home page, by endpoint."""
    pages: dict[str, list[str]] = {}
    forms: dict[str, list[str]] = {}
    queue, seen = deque(["/"]), set()
    while queue and len(seen) < PAGES_FOLLOWED:
        path = queue.popleft()
        if path in seen:
            continue
        seen.add(path)
        answer = client.get(path)
        if answer.mimetype != "text/html":
            continue
        html = answer.get_data(as_text=True)
        for link in LINK.findall(html):
            link = unescape(link)
            endpoint = _endpoint(adapter, link, "GET")
            if endpoint and endpoint not in ("signin.page", "static") and link not in seen:
                found = pages.setdefault(endpoint, [])
                if link not in found and len(found) < PER_ROUTE:
                    found.append(link)
                    queue.append(link)
        for a, b in FORM.findall(html):
            action = unescape(a or b)
            endpoint = _endpoint(adapter, action, "POST")
            if endpoint and action not in forms.setdefault(endpoint, []) and len(forms[endpoint]) < PER_ROUTE:
                forms[endpoint].append(action)
    return pages, forms


def _endpoint(adapter, path: str, method: str) -> str | None:
    try:
        endpoint, _ = adapter.match(urlsplit(path).path, method=method)
    except Exception:  # noqa: BLE001 - no route, another method, or a redirect: not one to ask for this way
        return None
    return endpoint


def _matching_nothing(portal, rule) -> str:
    """The rule's address with ids that match nothing (a fresh UUID, or a word where the route takes any text)."""
    values = {}
    for name, converter in rule._converters.items():
        if isinstance(converter, UUIDConverter):
            values[name] = uuid.uuid4()
        elif isinstance(converter, AnyConverter):
            values[name] = sorted(converter.items)[0]
        elif name == "filename":
            values[name] = "nothing-here.css"
        else:
            values[name] = str(uuid.uuid4())
    with portal.test_request_context():
        return portal.url_for(rule.endpoint, **values)


def _asks(portal, pages, forms):
    """(method, path) for every route: ids matching nothing, then the real ids reached; signing in and out last."""
    asks, last = [], []
    for rule in sorted(portal.url_map.iter_rules(), key=lambda r: r.rule):
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            reached = (pages if method == "GET" else forms).get(rule.endpoint, [])
            for path in [_matching_nothing(portal, rule), *reached]:
                (last if rule.endpoint.startswith("signin.") else asks).append((method, path))
    # the opposite method on a page's own address: the address bar after a form, a form sent to a page
    asks += [("POST", path) for found in pages.values() for path in found]
    return asks + last


def _problem(method: str, path: str, answer) -> str | None:
    body = answer.get_data(as_text=True)
    if WERKZEUG_PAGE.search(body) or any(words in body for words in WERKZEUG_WORDS):
        return f"{method} {path}: {answer.status_code} in Werkzeug's own words"
    if answer.status_code >= 400 and not (answer.mimetype == "text/html" and "– Staffroom</title>" in body
                                          and '<nav aria-label="Main">' in body):
        return f"{method} {path}: {answer.status_code} not on the portal's page with its navigation"
    return None


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_route_refuses_a_teacher_or_line_manager_on_the_portal_s_own_page(trust, persona):
    suite, portal = trust
    client = _signed_in(suite, portal, persona)
    adapter = portal.url_map.bind("localhost")
    pages, forms = _reached(client, adapter)
    asks = _asks(portal, pages, forms)
    problems, statuses = [], {}
    for method, path in asks:
        answer = client.open(path, method=method, data={} if method != "GET" else None)
        statuses[answer.status_code] = statuses.get(answer.status_code, 0) + 1
        problem = _problem(method, path, answer)
        if problem:
            problems.append(problem)
        if (answer.location or "").startswith("/sign-in") and not path.startswith("/sign-"):
            problems.append(f"{method} {path}: signed {persona} out, so what came after was not seen")
    assert sum(map(len, pages.values())) >= 20 and forms, (pages, forms)  # the real ids were reached
    assert statuses.get(403) and statuses.get(404) and statuses.get(405), statuses  # the refusals were met
    assert not problems, "\n".join(sorted(set(problems)))


def test_a_teacher_opening_a_programme_s_impact_report_is_told_why_on_the_portal_s_page(trust):
    """The tester's own steps: the report is HR's; a teacher or line manager is told so, with the way home."""
    suite, portal = trust
    for persona in PERSONAS:
        client = _signed_in(suite, portal, persona)
        for path in (f"/cpd/impact/programmes/{uuid.uuid4()}", f"/cpd/impact/programmes/{uuid.uuid4()}.csv"):
            answer = client.get(path)
            page = answer.get_data(as_text=True)
            assert answer.status_code == 403 and answer.mimetype == "text/html", (persona, path, answer.status)
            assert "<h1>You cannot see this page</h1>" in page and "ask your academy's HR team" in page
            assert '<nav aria-label="Main">' in page and "Go to your home page" in page
            assert "Forbidden" not in page and "permission to access" not in page
