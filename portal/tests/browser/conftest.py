"""Browser tests: Debian's Chromium, driven by Playwright, against the one-command embedded run with demo data.

Each test gets its own browser context (its own cookies). Screenshots go to test-artefacts/screenshots/.
"""
from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest
from playwright.sync_api import Page, sync_playwright

from staffroom.testing import free_port, start, wait_ready
from staffroom_portal.testing import CHROMIUM, CHROMIUM_ARGS, Shots

@pytest.fixture(scope="session")
def suite_data(tmp_path_factory) -> Path:
    """The data folder of the run `suite` starts (its databases and development keys)."""
    return tmp_path_factory.mktemp("portal") / "data"


@pytest.fixture(scope="session")
def suite(suite_data):
    """`staffroom run` with the demo trust: its base URL."""
    data = suite_data
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    process = start(data, port, PUBLIC_URL=base)
    try:
        wait_ready(base, process, timeout=120)
        tokens = data / "demo-tokens.txt"
        for _ in range(600):  # written once the demo cycles and surveys are seeded
            if tokens.exists():
                break
            assert process.poll() is None, "staffroom run exited early"
            time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.fixture(scope="session")
def browser():
    assert shutil.which(CHROMIUM) or Path(CHROMIUM).exists(), (
        f"no Chromium at {CHROMIUM}: `python3 dev.py test` installs Debian's chromium package")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def context(browser, suite):
    ctx = browser.new_context(base_url=suite, viewport={"width": 1280, "height": 900}, locale="en-GB")
    ctx.set_default_timeout(15_000)
    yield ctx
    ctx.close()


@pytest.fixture
def page(context) -> Page:
    return context.new_page()


@pytest.fixture
def shot(page, request) -> Shots:
    return Shots(page, request.node.name)


