"""
Fixtures for tests in a real browser: headless Chromium driven by Playwright.

The browser is Debian's ``/usr/bin/chromium`` (never a Playwright download); the tests skip
with a reason when it is missing. Streamlit runs once per session on a free port of
127.0.0.1 and is stopped at the end. Test modules here mark themselves
``enable_socket`` and ``allow_hosts(["127.0.0.1"])``: the fixtures talk to localhost only.
Screenshots and downloads go to ``test-artifacts/`` (git-ignored).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.app_server import app_server

if TYPE_CHECKING:
    from collections.abc import Iterator

    from playwright.sync_api import Browser, Page

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-quic"]
TIMEOUT_MS = 30_000
"""Longest wait for one browser action or assertion."""
STARTUP_S = 90.0
"""Longest wait for Streamlit to answer its health check."""
APP = Path(os.environ.get("GEO_OUTREACH_BROWSER_APP", ROOT / "app.py"))
"""The app under test (an environment variable can point to another script)."""


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Headless Chromium for the whole session."""
    if not CHROMIUM.exists():
        pytest.skip(f"no Chromium at {CHROMIUM}: apt-get install -y chromium")
    sync_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS,
                                              timeout=TIMEOUT_MS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh page (own context: no shared cookies or cache), 1400×900."""
    context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="id-ID",
                                  accept_downloads=True)
    context.set_default_timeout(TIMEOUT_MS)
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """The folder for screenshots and downloads (kept after the run for CI to upload)."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def streamlit_url(browser: Browser, artifacts: Path) -> Iterator[str]:
    """Run the app with Streamlit on 127.0.0.1 for the session; yield its URL."""
    del browser  # started first: no server is left running when Chromium is missing
    try:
        with app_server(APP, artifacts / "streamlit.log", pythonpath=ROOT) as server:
            yield server.url
    except RuntimeError as err:  # it did not start
        pytest.fail(str(err))
