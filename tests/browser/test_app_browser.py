"""The Streamlit app in headless Chromium: the map draws, the slider recomputes, shares download."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

import pytest

from tests.browser.conftest import APP, TIMEOUT_MS

if TYPE_CHECKING:
    from pathlib import Path

    from playwright.sync_api import FrameLocator, Page

pytestmark = [pytest.mark.enable_socket, pytest.mark.allow_hosts(["127.0.0.1"])]

BUNDLED_VILLAGES = 438
MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'


def open_app(page: Page, url: str) -> None:
    page.goto(url, wait_until="domcontentloaded")
    # the first script run reads and analyses the bundled data: wait for its numbers
    page.locator('[data-testid="stMetricValue"]').first.wait_for(state="visible")


def tab(page: Page, name: str) -> None:
    """Open one of the app's pages from the sidebar's navigation."""
    page.get_by_role("link", name=name, exact=True).click()


def wait_for_count(frame: FrameLocator, selector: str, minimum: int) -> int:
    """Poll until the frame holds at least ``minimum`` matches (bounded by TIMEOUT_MS)."""
    deadline = time.monotonic() + TIMEOUT_MS / 1000
    count = 0
    while time.monotonic() < deadline:
        count = frame.locator(selector).count()
        if count >= minimum:
            return count
        time.sleep(0.2)
    return count


def test_map_draws_every_village(page: Page, streamlit_url: str, artifacts: Path):
    open_app(page, streamlit_url)
    tab(page, "Peta")
    frame = page.frame_locator(MAP_FRAME)
    count = wait_for_count(frame, ".leaflet-interactive", BUNDLED_VILLAGES)
    assert count >= BUNDLED_VILLAGES, f"only {count} polygons drawn"
    assert frame.locator(".geo-outreach-legend").is_visible()
    page.screenshot(path=artifacts / "app-map.png")


def test_radius_slider_changes_the_summary(page: Page, streamlit_url: str, artifacts: Path):
    from playwright.sync_api import expect  # noqa: PLC0415 - only with playwright installed

    open_app(page, streamlit_url)
    tab(page, "Ringkasan")
    metric = page.locator('[data-testid="stMetricValue"]').first
    before = metric.inner_text()
    slider = page.get_by_role("slider", name="Radius dari kantor (km)")
    expect(slider).to_have_value("5")
    slider.focus()
    slider.press("End")  # the largest radius: many more uncovered workers inside it
    expect(slider).to_have_value("20")
    expect(metric).not_to_have_text(before)
    page.screenshot(path=artifacts / "app-summary-20km.png")


def test_share_tab_downloads_an_offline_map(page: Page, streamlit_url: str, artifacts: Path):
    if not (APP.parent / "app_pages" / "share.py").exists():
        pytest.skip("the app has no share page yet")
    open_app(page, streamlit_url)
    tab(page, "Bagikan")
    button = page.get_by_role("button", name="Unduh peta untuk dibagikan")
    with page.expect_download(timeout=TIMEOUT_MS) as download_info:
        button.click()
    download = download_info.value
    assert download.suggested_filename.startswith("peta-")
    assert download.suggested_filename.endswith(".html")
    saved = artifacts / f"app-{download.suggested_filename}"
    download.save_as(saved)
    page_text = saved.read_text(encoding="utf-8")
    assert page_text.startswith("<!DOCTYPE html>")
    assert "Content-Security-Policy" in page_text
    assert "L.Control.Search" in page_text
