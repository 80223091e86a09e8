"""A shared map opened in headless Chromium with the network cut: it draws and asks for nothing."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import pytest

from geo_outreach.render.share import write_share_map
from tests.browser.offline import Visit
from tests.browser.offline import open_offline as open_offline_file
from tests.test_share import (
    EVIL_DISTRICT,
    EVIL_OFFICE,
    EVIL_SCRIPT,
    EVIL_TEMPLATE,
    bundled_result,
    evil_result,
)

if TYPE_CHECKING:
    from pathlib import Path

    from playwright.sync_api import Page

DAY = date(2025, 11, 25)
SLEMAN_VILLAGES = 86
MAP = "Object.values(window).find(v => v instanceof L.Map)"
"""JavaScript for the page's Leaflet map (folium names it map_<hash>)."""


def open_offline(page: Page, path: Path) -> Visit:
    """Open a shared map offline and wait until its first polygon is drawn."""
    visit = open_offline_file(page, path)
    page.locator(".leaflet-interactive").first.wait_for(state="attached")
    return visit


@pytest.fixture(scope="module")
def sleman_file(artifacts: Path) -> Path:
    return write_share_map(bundled_result(), "Sleman", artifacts / "share-sleman.html",
                           created=DAY)


def test_share_file_draws_offline_and_requests_nothing(page: Page, sleman_file: Path,
                                                       artifacts: Path):
    from playwright.sync_api import expect  # noqa: PLC0415 - only with playwright installed

    visit = open_offline(page, sleman_file)
    assert page.locator(".leaflet-interactive").count() >= SLEMAN_VILLAGES
    legend = page.locator(".geo-outreach-legend")
    expect(legend).to_be_visible()
    expect(legend).to_contain_text("Cakupan kepesertaan")
    expect(legend).to_contain_text("tanpa data")
    title = page.locator(".geo-outreach-title")
    expect(title).to_contain_text("Kabupaten Sleman")
    expect(title).to_contain_text("Dibuat 25 November 2025")
    expect(title).to_contain_text("DEMO")
    expect(title).to_contain_text("KC Yogyakarta berada di luar Kabupaten Sleman")
    expect(page.locator(".leaflet-control-search input.search-input")).to_be_visible()
    expect(page.locator(".leaflet-control-zoom-fullscreen")).to_be_visible()
    expect(page.locator(".leaflet-control-scale-line")).to_contain_text("km")
    expect(page.locator(".go-label span", has_text="Depok").first).to_be_visible()
    page.locator(".go-sources summary").click()
    expect(page.locator(".go-sources")).to_contain_text("Dukcapil")
    page.screenshot(path=artifacts / "share-sleman.png")
    assert visit.requests == [visit.url]
    assert visit.problems == []


def test_village_search_zooms_to_the_village(page: Page, sleman_file: Path, artifacts: Path):
    from playwright.sync_api import expect  # noqa: PLC0415

    visit = open_offline(page, sleman_file)
    before = page.evaluate(f"{MAP}.getZoom()")
    page.locator(".leaflet-control-search input.search-input").press_sequentially("Caturtun")
    tip = page.locator(".search-tip", has_text="Caturtunggal (Depok)")
    expect(tip).to_be_visible()
    tip.click()
    page.wait_for_function(f"{MAP}.getZoom() > {before}")
    assert page.evaluate(f"{MAP}.getZoom()") >= 13  # village names show from zoom 13
    expect(page.locator(".go-village-label span", has_text="Caturtunggal")).to_be_visible()
    page.screenshot(path=artifacts / "share-sleman-search.png")
    assert visit.requests == [visit.url]
    assert visit.problems == []


def test_fullscreen_button_fills_the_window(page: Page, sleman_file: Path):
    open_offline(page, sleman_file)
    page.locator(".leaflet-control-zoom-fullscreen").click()
    page.wait_for_function(f"{MAP}._isFullscreen === true")
    size = page.evaluate(f"[{MAP}.getContainer().clientWidth, {MAP}.getContainer().clientHeight]")
    assert size == [1400, 900]
    page.locator(".leaflet-control-zoom-fullscreen").click()
    page.wait_for_function(f"{MAP}._isFullscreen === false")


def test_hostile_names_stay_text(page: Page, artifacts: Path):
    from playwright.sync_api import expect  # noqa: PLC0415

    path = write_share_map(evil_result(), "Sleman", artifacts / "share-hostile-names.html",
                           created=DAY)
    visit = open_offline(page, path)
    search = page.locator(".leaflet-control-search input.search-input")
    search.press_sequentially("alert")
    tips = page.locator(".search-tip")
    expect(tips.first).to_be_visible()
    shown = " | ".join(tips.all_inner_texts())
    assert EVIL_SCRIPT in shown
    assert EVIL_TEMPLATE in shown
    labels = page.locator(".go-label span")
    expect(labels.filter(has_text=EVIL_DISTRICT)).to_have_count(1)
    expect(page.locator(".geo-outreach-title")).to_contain_text(EVIL_OFFICE)
    assert page.locator("img[src='x'], i:has-text('Yogya')").count() == 0
    assert page.evaluate("document.querySelectorAll('script').length") == page.evaluate(
        "document.querySelectorAll('head script, body > script, html > script').length")
    assert visit.requests == [visit.url]
    assert visit.problems == []  # no alert() dialog, no script error
