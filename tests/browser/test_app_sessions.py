"""
Ten people use the app at once: each sees only the numbers of the table they uploaded.

One Streamlit server (the session fixture), one Chromium, ten browser contexts driven at
the same time with Playwright's async API. Every session uploads a participation table
under the SAME file name, ``peserta.csv``, with its own participant count: a cache keyed
by the file name, or any state shared between sessions, would show one session another's
numbers. Each table gives every village a labour force of 1,000 and the same participant
count, so the coverage the summary shows is known exactly beforehand.
"""

from __future__ import annotations

import asyncio
import io
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd
import pytest

from geo_outreach import i18n
from geo_outreach.inputs import bundled
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS

if TYPE_CHECKING:
    from pathlib import Path

    from playwright.async_api import Browser, Page

pytestmark = [pytest.mark.enable_socket, pytest.mark.allow_hosts(["127.0.0.1"])]

SESSIONS = 10
LABOUR_FORCE = 1000
WAIT_MS = 90_000
"""Longest wait for one action: ten sessions share two cores."""
ALL_SESSIONS_S = 180.0
"""Longest wait for all ten sessions together."""
UPLOADED_NAME = "peserta.csv"
COVERAGE_METRIC = 1  # the second metric on the summary tab
IDLE_APP = '[data-testid="stApp"][data-test-script-state="notRunning"]'
ANALYSED = f"""banner => document.querySelector('{IDLE_APP}') !== null
    && document.querySelectorAll('[data-testid="stMetricValue"]').length > {COVERAGE_METRIC}
    && !document.body.innerText.includes(banner)"""
"""The upload's run is over: the app is idle, shows its numbers, and no DEMO banner (a
finished DEMO run shows one; an unfinished run is not idle)."""
UPLOADED = f"""line => document.querySelector('{IDLE_APP}') !== null
    && document.body.innerText.includes(line)"""
"""The upload's run is over: the app is idle and says the file is in use (a line the server
draws once it has the file; the uploader shows the name before that)."""
POLL_MS = 500
DOWNLOAD_ATTEMPTS = 3
DOWNLOAD_WAIT_MS = 30_000


@dataclass(frozen=True)
class SessionTable:
    """What one session uploads and must see."""

    index: int
    participants: int
    csv: bytes

    @property
    def coverage(self) -> float:
        """Every village's coverage, and so the coverage within the radius."""
        return self.participants / LABOUR_FORCE


@dataclass(frozen=True)
class SessionSeen:
    """What one session showed."""

    index: int
    coverage_text: str
    downloaded_coverage: tuple[float, ...]
    demo_banner: bool


def session_tables(tmp_path: Path) -> list[SessionTable]:
    """The DEMO table's villages with a participant count of its own per session."""
    demo = pd.read_csv(bundled.DEMO_PARTICIPATION, dtype=str)
    tables = []
    for index in range(SESSIONS):
        participants = 100 + 29 * index  # 10.0 %, 12.9 % ... 36.1 %: all below the 40 % target
        table = demo[["kode_wilayah", "kalurahan", "kapanewon", "kabupaten"]].assign(
            angkatan_kerja=LABOUR_FORCE, penduduk_bekerja=LABOUR_FORCE,
            peserta_aktif=participants, sumber=f"sesi {index}")
        path = tmp_path / f"sesi_{index}" / UPLOADED_NAME
        path.parent.mkdir()
        table.to_csv(path, index=False)
        tables.append(SessionTable(index, participants, path.read_bytes()))
    return tables


async def run_session(browser: Browser, url: str, table: SessionTable) -> SessionSeen:
    """Open the app, upload the table, read the coverage and download the priority CSV."""
    context = await browser.new_context(viewport={"width": 1400, "height": 900},
                                        locale="id-ID", accept_downloads=True)
    context.set_default_timeout(WAIT_MS)
    try:
        page = await context.new_page()
        await page.goto(url, wait_until="domcontentloaded")
        await page.get_by_role("link", name=i18n.t("tab.data", "id"), exact=True).click()
        # upload as soon as the uploader is drawn: the first run, on the DEMO table, stops
        uploader = page.get_by_test_id("stFileUploader").filter(
            has_text=i18n.t("sidebar.upload_participation", "id"))
        await uploader.locator('input[type="file"]').set_input_files(
            {"name": UPLOADED_NAME, "mimeType": "text/csv", "buffer": table.csv})
        await page.wait_for_function(
            UPLOADED, arg=i18n.t("data.kept_upload", "id", name=UPLOADED_NAME),
            polling=POLL_MS, timeout=WAIT_MS)
        await page.get_by_role("link", name=i18n.t("tab.summary", "id"), exact=True).click()
        await page.wait_for_function(ANALYSED, arg=i18n.t("demo.banner", "id"),
                                     polling=POLL_MS, timeout=WAIT_MS)
        coverage_text = await page.get_by_test_id("stMetricValue").nth(
            COVERAGE_METRIC).inner_text()
        demo_banner = await page.get_by_text(i18n.t("demo.banner", "id")).count() > 0

        await page.get_by_role("link", name="Prioritas", exact=True).click()
        saved = await download_priority_csv(page)
        priority = pd.read_csv(io.BytesIO(saved.read_bytes()))
        return SessionSeen(table.index, coverage_text,
                           tuple(sorted((priority["Cakupan (%)"] / 100).round(4).unique())),
                           demo_banner)
    finally:
        await context.close()


async def download_priority_csv(page: Page) -> Path:
    """
    Click the priority table's CSV download once the app is idle; return the file.

    Streamlit makes the file when the button is clicked, from a callable the last script
    run registered: a click that lands while the session reruns finds it gone, and the
    browser's download is cancelled. Such a click is retried (a few times, each bounded).
    """
    from playwright.async_api import Error  # noqa: PLC0415 - with playwright only

    button = page.get_by_role("button", name=i18n.t("button.download", "id", what="CSV"))
    for attempt in range(1, DOWNLOAD_ATTEMPTS + 1):
        await page.locator(IDLE_APP).wait_for(state="attached")
        try:
            async with page.expect_download(timeout=DOWNLOAD_WAIT_MS) as download_info:
                await button.click()
            return await (await download_info.value).path()
        except Error:
            if attempt == DOWNLOAD_ATTEMPTS:
                raise
    raise AssertionError("unreachable")


async def run_all(url: str, tables: list[SessionTable]) -> list[SessionSeen]:
    """Run every session at the same time in one Chromium."""
    from playwright.async_api import async_playwright  # noqa: PLC0415

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, timeout=WAIT_MS)
        try:
            return await asyncio.wait_for(
                asyncio.gather(*(run_session(browser, url, table) for table in tables)),
                timeout=ALL_SESSIONS_S)
        finally:
            await browser.close()


def test_ten_sessions_each_see_only_their_own_upload(streamlit_url: str, tmp_path: Path):
    pytest.importorskip("playwright.async_api", reason="pip install playwright")
    tables = session_tables(tmp_path)
    expected = {t.index: i18n.format_percent(t.coverage, "id") for t in tables}
    assert len(set(expected.values())) == SESSIONS  # every session's number is its own

    started = time.monotonic()
    # a thread of its own: the sync Playwright of the browser fixture owns this one's loop
    with ThreadPoolExecutor(max_workers=1) as runner:
        seen = runner.submit(asyncio.run, run_all(streamlit_url, tables)).result(
            timeout=ALL_SESSIONS_S + 60)
    elapsed_s = time.monotonic() - started

    shown = {s.index: s.coverage_text for s in seen}
    assert shown == expected, f"sessions saw {shown}, expected {expected}"
    for session, table in zip(seen, tables, strict=True):
        assert session.downloaded_coverage == (round(table.coverage, 4),), session
        assert not session.demo_banner
    print(f"{SESSIONS} sessions in {elapsed_s:.1f} s")  # noqa: T201 - the runtime, for -s
