"""Browser-test helpers: Debian's Chromium driven by Playwright, signed in through the development sign-in."""
from __future__ import annotations

import os
import re
import shutil
from pathlib import Path


from playwright.sync_api import Page, expect

CHROMIUM = os.environ.get("STAFFROOM_CHROMIUM", "/usr/bin/chromium")
ARTEFACTS = Path(os.environ.get("STAFFROOM_ARTEFACTS", "test-artefacts")).resolve()
# As the machine needs: no sandbox as root, and nothing that reaches for Google's servers.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]


from staffroom_shared.testing import CLIENT_ID, CLIENT_SECRET, STAFF_ID, Provider  # noqa: F401 - the portal's tests use them


class Shots:
    """Numbered screenshots of one test's journey."""

    def __init__(self, page: Page, name: str):
        self.page, self.n = page, 0
        self.folder = ARTEFACTS / "screenshots" / re.sub(r"[^\w.-]+", "_", name)
        shutil.rmtree(self.folder, ignore_errors=True)
        self.folder.mkdir(parents=True, exist_ok=True)

    def __call__(self, step: str) -> None:
        self.n += 1
        self.page.screenshot(path=str(self.folder / f"{self.n:02d}-{step}.png"), full_page=True)


def sign_out(page: Page) -> None:
    """Forget who is signed in. The page is left first: the session cookie is refreshed on every response, so a
    request of the last page still in flight (a stylesheet, a survey's autosave) can set it again after it was
    cleared, and /sign-in then sends the old person home. That is the likely cause of sign-ins that waited in
    vain for the search box in 2 of 6 runs with the tests in parallel."""
    page.goto("about:blank")
    page.context.clear_cookies()


def sign_in(page: Page, *, name: str | None = None, suggested: str | None = None, role: str = "staff") -> None:
    """The development sign-in: a suggested person ("line manager", "trust HR", …) or anyone by full name."""
    sign_out(page)
    page.goto("/sign-in")
    if suggested:
        page.get_by_role("button", name=re.compile(rf"\({re.escape(suggested)}\)$")).click()
    else:
        page.get_by_label("Name, email or post").fill(name.split()[-1])
        page.get_by_role("button", name="Find").click()
        row = page.get_by_role("row").filter(has_text=name).first
        row.get_by_role("combobox").select_option(role)
        row.get_by_role("button", name=re.compile("^Sign in as")).click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def page_width(page: Page) -> int:
    """How wide the page is laid out (document.documentElement.scrollWidth), once its stylesheet applies.

    A page reached by a click is on screen (what `expect` waits for) before portal.css is back: it is sent with
    Cache-Control: no-cache, so every page asks for it again, and Chromium lays the page out without it until it
    comes. Measured then, the unstyled tables are what is wide: a full run on a busy machine once had /hr/cpd/budget
    580 px wide at 375 and /hr/audit 1,630 px at 1366, exactly their widths without the stylesheet. So wait for
    the load event (the stylesheet in) first, as `accessibility_violations` does."""
    page.wait_for_load_state("load")
    return page.evaluate("document.documentElement.scrollWidth")


def narrow_captions(page: Page) -> list[str]:
    """Each caption on the page, visible, that is narrower than its table (outsider, issue 24: at 375 px a stacked
    table's caption was one letter a line)."""
    page.wait_for_load_state("load")
    return page.locator("table > caption").evaluate_all(
        "cs => cs.filter(c => c.getBoundingClientRect().width > 1 && c.getBoundingClientRect().width "
        "< c.parentElement.getBoundingClientRect().width - 1).map(c => c.textContent.trim())")


def ink_beyond_its_lines(page: Page, selector: str) -> list[str]:
    """The start of each element's text whose drawn letters (their combining marks included, as Chromium shapes
    them) stand taller than two of its lines (outsider, issue 24: "e" and 1,000 marks made a line down the page)."""
    page.wait_for_load_state("load")
    return page.locator(selector).evaluate_all("""els => els.filter(e => {
        const style = getComputedStyle(e), pen = document.createElement("canvas").getContext("2d");
        pen.font = `${style.fontStyle} ${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
        const ink = pen.measureText(e.textContent), line = parseFloat(style.lineHeight) || parseFloat(style.fontSize);
        return ink.actualBoundingBoxAscent + ink.actualBoundingBoxDescent > 2 * line;
    }).map(e => e.textContent.slice(0, 12))""")


def add_long_programme(page: Page, title: str) -> None:
    """As academy HR, a free trust course whose title (and 200-letter provider) no line can break: the long unbroken
    text outsiders used to widen pages (issue 20)."""
    sign_in(page, suggested="academy HR")
    page.goto("/hr/cpd/programmes/new")
    page.get_by_label("Kind").select_option(label="Course run by the trust")
    page.get_by_label("Title").fill(title)
    page.get_by_label("Provider").fill("P" * 200)
    page.get_by_label("How it is taught").select_option(label="In person")
    page.get_by_label("Cost a place, in pounds").fill("0")
    page.get_by_role("button", name="Add the programme").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)


def accessibility_violations(page: Page) -> list[dict]:
    """axe-core's serious and critical findings against WCAG 2.0–2.2 A and AA on the page as it stands."""
    from axe_playwright_python.sync_playwright import Axe

    page.wait_for_load_state("load")  # the stylesheet applied: contrast and target sizes depend on it
    result = Axe().run(page, options={"runOnly": {"type": "tag", "values": [
        "wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]}})
    return [{"id": v["id"], "impact": v["impact"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:5]}
            for v in result.response["violations"] if v["impact"] in ("serious", "critical")]


def signed_in_against(tmp_path, portal_db: str, fake_api, staff_id: str):
    """`signed_in(role)`: a test client of a portal whose APIs are `fake_api` (an httpx handler), signed in as
    `staff_id` with that role, CSRF off; the page tests' way in."""
    import httpx

    from staffroom_shared.auth import ensure_dev_keys
    from staffroom_shared.config import ServiceConfig

    from .app import create_app
    from .backend import Backend
    from .identity import DevSignIn

    private, public = ensure_dev_keys(tmp_path)
    config = ServiceConfig(service="portal", database_url=portal_db, bus_url="", jwt_public_key_file=str(public))

    app = create_app(config, backend=Backend(transport=httpx.MockTransport(fake_api)), dev_sign_in=DevSignIn(private),
                     environ={})
    app.config["WTF_CSRF_ENABLED"] = False

    def signed_in(role: str = "staff"):
        client = app.test_client()
        signed = client.post("/sign-in/dev", data={"staff_id": staff_id, "role": role})
        if signed.status_code != 302:
            raise AssertionError(f"the dev sign-in answered {signed.status_code}")
        return client
    return signed_in
