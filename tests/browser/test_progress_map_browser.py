"""The month slider in headless Chromium, offline: it recolours the villages, without errors."""

from __future__ import annotations

import io
from datetime import date
from typing import TYPE_CHECKING

import numpy as np
import pytest
from PIL import Image

from geo_outreach.render.map_style import CLASS_COLOURS, NO_DATA_COLOUR
from geo_outreach.render.maps import save_map
from geo_outreach.render.progress_map import TREND_COLOURS, progress_map
from geo_outreach.render.share import write_share_map
from tests.browser.offline import open_offline
from tests.progress_builders import progress_report
from tests.test_share import bundled_result

if TYPE_CHECKING:
    from pathlib import Path

    from playwright.sync_api import Page

pytestmark = [pytest.mark.enable_socket, pytest.mark.allow_hosts(["127.0.0.1"])]

DAY = date(2025, 11, 25)
MIN_COLOURED_SHARE = 0.05
COLOUR_SPREAD = 40
WITHOUT_CONTROLS = ".leaflet-control-container { visibility: hidden !important; }"
FILLS = """() => [...document.querySelectorAll("path.leaflet-interactive")]
    .map(path => (path.getAttribute("fill") || "").toLowerCase())"""
SLIDER = ".go-month-slider input[type=range]"
MONTH = ".go-month-slider [data-go-month]"


@pytest.fixture(scope="module")
def map_file(artifacts: Path, area_result) -> Path:
    report = progress_report(area_result)
    fmap = progress_map(area_result, report, regency="Sleman")
    return save_map(fmap, artifacts / "progress-sleman.html")


@pytest.fixture(scope="module")
def share_file(artifacts: Path) -> Path:
    result = bundled_result()
    return write_share_map(result, "Bantul", artifacts / "share-progress-bantul.html",
                           created=DAY, progress=progress_report(result))


def coloured_share(page: Page) -> float:
    """The share of the map's pixels that are coloured (not white, grey or black)."""
    shot = page.locator(".leaflet-container").screenshot(style=WITHOUT_CONTROLS)
    pixels = np.asarray(Image.open(io.BytesIO(shot)).convert("RGB"), dtype=int)
    spread = pixels.max(axis=2) - pixels.min(axis=2)
    return float((spread > COLOUR_SPREAD).mean())


def test_the_slider_recolours_the_map(page: Page, map_file: Path, artifacts: Path):
    from playwright.sync_api import expect  # noqa: PLC0415 - only with playwright installed

    visit = open_offline(page, map_file)
    page.locator("path.leaflet-interactive").first.wait_for(state="attached")
    expect(page.locator(MONTH)).to_have_text("Des 2024")
    assert coloured_share(page) > MIN_COLOURED_SHARE
    latest = page.evaluate(FILLS)
    allowed = {colour.lower() for colour in (*CLASS_COLOURS, NO_DATA_COLOUR)}
    assert {fill for fill in latest if fill in allowed}  # the villages in the map's classes
    page.screenshot(path=artifacts / "progress-sleman-latest.png")

    page.locator(SLIDER).focus()
    page.keyboard.press("Home")  # the first month
    expect(page.locator(MONTH)).to_have_text("Jan 2023")
    first = page.evaluate(FILLS)
    assert len(first) == len(latest)
    changed = sum(a != b for a, b in zip(first, latest, strict=True))
    assert changed >= 10, changed
    assert coloured_share(page) > MIN_COLOURED_SHARE
    page.screenshot(path=artifacts / "progress-sleman-first.png")

    box = page.locator("path.leaflet-interactive").nth(10).bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    tooltip = page.locator(".leaflet-tooltip").first
    expect(tooltip).to_contain_text("Jan 2023")
    assert visit.requests == [visit.url]
    assert visit.problems == []


def test_the_trend_layer_turns_on_with_its_legend(page: Page, map_file: Path, artifacts: Path):
    from playwright.sync_api import expect  # noqa: PLC0415

    visit = open_offline(page, map_file)
    page.locator("path.leaflet-interactive").first.wait_for(state="attached")
    legend = page.locator(".go-trend-legend")
    expect(legend).to_be_hidden()
    page.locator(".leaflet-control-layers").hover()
    page.get_by_label("Tren cakupan (3 bulan terakhir)").check()
    expect(legend).to_be_visible()
    expect(legend).to_contain_text("naik: > +0,1 poin/bulan selama 3 bulan terakhir")
    fills = set(page.evaluate(FILLS))
    assert {colour.lower() for colour in TREND_COLOURS} <= fills
    page.screenshot(path=artifacts / "progress-sleman-trend.png")
    assert visit.problems == []


def test_the_share_file_with_months_works_offline(page: Page, share_file: Path):
    from playwright.sync_api import expect  # noqa: PLC0415

    visit = open_offline(page, share_file)
    page.locator("path.leaflet-interactive").first.wait_for(state="attached")
    expect(page.locator(MONTH)).to_have_text("Des 2024")
    before = page.evaluate(FILLS)
    page.locator(SLIDER).focus()
    page.keyboard.press("Home")
    expect(page.locator(MONTH)).to_have_text("Jan 2023")
    assert page.evaluate(FILLS) != before
    page.locator(".leaflet-control-search input.search-input").press_sequentially("Bantul")
    expect(page.locator(".search-tip").first).to_be_visible()
    assert visit.requests == [visit.url]
    assert visit.problems == []
