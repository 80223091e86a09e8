"""
Fixtures for tests in a real browser: headless Chromium driven by Playwright.

The browser is Debian's ``/usr/bin/chromium`` (never a Playwright download); the tests skip
with a reason when it is missing. Streamlit runs once per session on a free port of
127.0.0.1 and is stopped at the end. Test modules here mark themselves
``enable_socket`` and ``allow_hosts(["127.0.0.1"])``: the fixtures talk to localhost only.
Screenshots and downloads go to ``test-artifacts/`` (git-ignored).
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

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


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _healthy(url: str) -> bool:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # never a proxy
    try:
        with opener.open(f"{url}/_stcore/health", timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


@pytest.fixture(scope="session")
def streamlit_url(browser: Browser, artifacts: Path) -> Iterator[str]:
    """Run the app with Streamlit on 127.0.0.1 for the session; yield its URL."""
    del browser  # started first: no server is left running when Chromium is missing
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    log_path = artifacts / "streamlit.log"
    command = [sys.executable, "-m", "streamlit", "run", str(APP),
               "--server.address", "127.0.0.1", "--server.port", str(port),
               "--server.headless", "true", "--browser.gatherUsageStats", "false"]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, (
        str(ROOT), os.environ.get("PYTHONPATH"))))}
    with log_path.open("w", encoding="utf-8") as log:
        server = subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,  # noqa: S603
                                  env=env, start_new_session=True)
    try:
        deadline = time.monotonic() + STARTUP_S
        while not _healthy(url):
            if server.poll() is not None:
                pytest.fail(f"streamlit exited with {server.returncode}; see {log_path}")
            if time.monotonic() > deadline:
                pytest.fail(f"streamlit did not answer within {STARTUP_S:.0f} s; see {log_path}")
            time.sleep(0.25)
        yield url
    finally:
        _stop(server)


def _stop(server: subprocess.Popen[bytes]) -> None:
    """Stop the server we started (its own process group), forcefully if it lingers."""
    if server.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=10)
