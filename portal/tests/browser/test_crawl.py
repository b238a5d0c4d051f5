"""Every page each demo persona can reach, crawled from their home page at a phone's width (issue 20): no page or
resource answers 4xx/5xx, the console stays clean, nothing scrolls sideways at 375 px, and the text on screen has
no raw ids, event names, internal keys or ISO dates."""
from __future__ import annotations

import re
from collections import deque
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page

from staffroom_portal.testing import narrow_captions, sign_in, page_width

UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
RAW = re.compile(UUID + r"|\b\d{4}-\d\d-\d\d\b|\b(appraisal|cpd|wellbeing|staff|targets|academy)\.[a-z_]+\b"
                 r"|\b(enps|ons|hse|swemwbs|trust|custom)\.[a-z_0-9]+\b|\benps\b"  # survey measure and item keys
                 r"|\b[a-z]+_[a-z]+(_[a-z]+)*\b"
                 r"|\b0 of 0\b|\bon and by\b")  # sums of nothing, and dates left out (outsider 4, issue 20)
SKIP = re.compile(r"^/(api/|sign-out|sign-in)|\.(csv|ics|svg|png|js|css)$|/download")
PER_SHAPE = 2  # pages of one shape (the same path but for its ids) visited per persona


def _shape(path: str) -> str:
    return re.sub(UUID, "{id}", path.split("?")[0])


@pytest.mark.parametrize("persona", ["member of staff", "line manager", "academy HR", "trust HR"])
def test_every_page_a_persona_reaches_reads_right_and_fits_a_phone(page: Page, persona):
    problems: list[str] = []
    here = {"path": "/"}
    page.on("console", lambda m: problems.append(f"{here['path']}: console {m.type}: {m.text}")
            if m.type == "error" else None)
    page.on("response", lambda r: problems.append(f"{here['path']}: {r.status} for {urlsplit(r.url).path}")
            if r.status >= 400 and urlsplit(r.url).path != here["path"] else None)
    sign_in(page, suggested=persona)
    page.set_viewport_size({"width": 375, "height": 740})
    origin = urlsplit(page.url).netloc
    queue, seen, shapes = deque(["/"]), set(), {}
    while queue and len(seen) < 60:
        path = queue.popleft()
        shape = _shape(path)
        if path in seen or shapes.get(shape, 0) >= PER_SHAPE:
            continue
        seen.add(path)
        shapes[shape] = shapes.get(shape, 0) + 1
        here["path"] = path
        response = page.goto(path)
        if response is None or response.status >= 400:
            problems.append(f"{path}: {response.status if response else 'no response'}")
            continue
        width = page_width(page)
        if width > 375:
            wide = page.evaluate("() => [...document.querySelectorAll('main *')].filter(e => "
                                 "e.getBoundingClientRect().right > 376).slice(-3).map(e => "
                                 "e.tagName + '.' + e.className + ': ' + (e.textContent || '').trim().slice(0, 40))")
            problems.append(f"{path}: {width} px wide at 375 px ({'; '.join(wide)})")
        for caption in narrow_captions(page):  # issue 24: a stacked table's caption was one letter a line
            problems.append(f"{path}: the caption {caption!r} is narrower than its table")
        # what is on screen, but for <code>: a file's column headings, as HR must type them, are not jargon
        text = page.locator("main").evaluate(
            "m => { const c = m.cloneNode(true); c.querySelectorAll('code').forEach(e => e.remove()); "
            "document.body.appendChild(c); const t = c.innerText; c.remove(); return t; }")
        for found in {m.group(0) for m in RAW.finditer(text)}:
            problems.append(f"{path}: shows {found!r}")
        for href in page.locator("main a[href], nav a[href]").evaluate_all("as => as.map(a => a.href)"):
            parts = urlsplit(href)
            link = parts.path + (f"?{parts.query}" if parts.query else "")
            if parts.netloc == origin and not SKIP.search(parts.path) and link not in seen:
                queue.append(link)
    assert len(seen) >= 8, seen
    assert not problems, "\n".join(sorted(set(problems)))
