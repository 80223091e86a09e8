"""
The progress page (Kemajuan) in headless Chromium: its map can be seen, and follows changes.

Counting elements passes for a map nobody can see (an iframe of no height, a white
rectangle): these tests measure the map's iframe and its Leaflet container and count the
pixels of a screenshot of the map that have the colours of the coverage classes. They
check the map when the page opens, after the in-map month slider moves (the villages'
colours and the month's name change), after the page's own widgets make Streamlit run
the page again, and after switching the language; and that neither the page nor the
map's iframe logged a console error or threw. The progress store of the test session is
empty, so the page shows the DEMO months January–October 2024.
"""

from __future__ import annotations

import io
import re
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import numpy as np
import pytest
from PIL import Image

from geo_outreach import i18n
from geo_outreach.render.map_style import BACKGROUND_COLOUR, CLASS_COLOURS, village_style
from geo_outreach.render.progress_data import month_label
from tests.browser.conftest import TIMEOUT_MS
from tests.browser.page_watch import Watch, page_failures, watch

if TYPE_CHECKING:
    from pathlib import Path

    from playwright.sync_api import Locator, Page

    from geo_outreach.config import Language

pytestmark = [pytest.mark.enable_socket, pytest.mark.allow_hosts(["127.0.0.1"])]

ADDRESS = "kemajuan"
MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'
METRIC = '[data-testid="stMetric"]'
IDLE_APP = '[data-testid="stApp"][data-test-script-state="notRunning"]'
TABLE = '[data-testid="stDataFrame"] table[aria-rowcount]'
MONTH_SLIDER = ".go-month-slider input[type=range]"
MONTH_NAME = ".go-month-slider [data-go-month]"
FIRST_MONTH = "2024-01"
LATEST_MONTH = "2024-10"
"""The DEMO months run from January to October 2024."""
DEFAULT_UNTIL, NEXT_UNTIL = "2024-12", "2025-01"
"""The target month when the page opens (December of the latest month's year) and one
step to the right of it."""
MIN_HEIGHT_PX = 400
MIN_DRAWN_PATHS = 30
MIN_CLASS_SHARE = 0.05
"""Share of the map's pixels in the colours of the coverage classes (about a fifth when
all of DIY is drawn at 940×600)."""
MIN_CLASSES_SEEN = 2
"""Coverage classes with at least :data:`MIN_CLASS_PIXELS` pixels each."""
MIN_CLASS_PIXELS = 500
MIN_MOVED_PIXELS = 500
"""Pixels that change class when the slider goes from October to January (about 2,400:
some thirty villages change class)."""
MIN_RECOLOURED = 10
"""Villages whose fill changes when the slider goes from October to January (about 30)."""
CLASS_TOLERANCE = 24
"""A pixel is of a class when no channel is farther than this from the class's colour
as drawn (at the village style's opacity over the map's background)."""
WITHOUT_CONTROLS = ".leaflet-control-container { visibility: hidden !important; }"
"""Screenshot style (it reaches into the iframe): the slider, legend and buttons hidden,
so the legend's swatches cannot pass for villages."""
POLL_S = 0.25
"""The optional OpenStreetMap layer's servers (off by default; the network is cut)."""
"""Opened at a page's address, Streamlit's frontend first asks for these under that address
(a 404 it logs as a console error) and then at the root (streamlit/streamlit#7074)."""

MAP_STATE = """(frame) => {
    const doc = frame.contentDocument;
    if (!doc) { return null; }
    const container = doc.querySelector(".leaflet-container");
    const drawn = [...doc.querySelectorAll("path.leaflet-interactive")].filter(p => {
        const d = (p.getAttribute("d") || "").trim();
        return d !== "" && d !== "M0 0";
    });
    const month = doc.querySelector(".go-month-slider [data-go-month]");
    return {
        leaflet: container !== null,
        height: container ? container.getBoundingClientRect().height : 0,
        drawn: drawn.length,
        month: month ? month.textContent : null,
    };
}"""
"""JavaScript, run on the iframe element: the map inside it."""
FILLS = """(frame) => [...frame.contentDocument.querySelectorAll("path.leaflet-interactive")]
    .map(path => (path.getAttribute("fill") || "").toLowerCase())"""
MOVE_SLIDER = """(frame, index) => {
    const input = frame.contentDocument.querySelector(".go-month-slider input[type=range]");
    input.value = String(index);
    input.dispatchEvent(new Event("input", {bubbles: true}));
    input.dispatchEvent(new Event("change", {bubbles: true}));
}"""


@dataclass(frozen=True)
class MapSeen:
    """What the map looked like once it settled."""

    leaflet: bool
    iframe_height: float
    container_height: float
    drawn: int
    month: str | None
    classes: np.ndarray
    """Pixels of each coverage class in a screenshot of the map."""
    pixels: int

    @property
    def class_share(self) -> float:
        return float(self.classes.sum() / self.pixels) if self.pixels else 0.0

    def __str__(self) -> str:
        return (f"iframe {self.iframe_height:.0f} px, map {self.container_height:.0f} px, "
                f"{self.drawn} drawn paths, month {self.month!r}, class pixels "
                f"{self.classes.tolist()} of {self.pixels}")


def drawn_colours() -> np.ndarray:
    """The coverage classes' colours as the map draws them (RGB, one row per class)."""
    opacity = float(village_style({"properties": {"k": 0}})["fillOpacity"])
    background = np.array(Image.new("RGB", (1, 1), BACKGROUND_COLOUR).getpixel((0, 0)))
    fills = np.array([Image.new("RGB", (1, 1), colour).getpixel((0, 0))
                      for colour in CLASS_COLOURS])
    return np.round(fills * opacity + background * (1 - opacity)).astype(np.int16)


def class_pixels(png: bytes) -> tuple[np.ndarray, int]:
    """Count a screenshot's pixels of each coverage class; return the counts and all pixels."""
    pixels = np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=np.int16)
    distance = np.abs(pixels[:, :, None, :] - drawn_colours()[None, None]).max(axis=3)
    nearest = distance.argmin(axis=2)[distance.min(axis=2) <= CLASS_TOLERANCE]
    return np.bincount(nearest, minlength=len(CLASS_COLOURS)), pixels.shape[0] * pixels.shape[1]


def map_state(page: Page) -> dict[str, object] | None:
    """The map in the iframe now (None while there is no single iframe with a document)."""
    from playwright.sync_api import Error  # noqa: PLC0415 - only with playwright installed

    frames = page.locator(MAP_FRAME)
    try:
        if frames.count() != 1:
            return None
        return frames.evaluate(MAP_STATE)
    except Error:  # the iframe was replaced while it was read
        return None


def wait_for_map(page: Page, step: str, artifacts: Path, *, month: str | None = None
                 ) -> MapSeen:
    """
    Wait until the app is idle and its map is drawn (showing ``month``, if given).

    The wait is bounded by TIMEOUT_MS; what the map looks like then is returned, whether or
    not it became visible, for the caller to assert on.
    """
    deadline = time.monotonic() + TIMEOUT_MS / 1000
    while time.monotonic() < deadline:
        state = map_state(page)
        if (state is not None and state["leaflet"] and state["month"] is not None
                and (month is None or state["month"] == month)
                and int(state["drawn"]) >= MIN_DRAWN_PATHS  # type: ignore[call-overload]
                and float(state["height"]) >= MIN_HEIGHT_PX  # type: ignore[arg-type]
                and page.locator(IDLE_APP).count() == 1):
            break
        time.sleep(POLL_S)
    page.wait_for_timeout(500)  # Leaflet finishes drawing in the next frames
    state = map_state(page) or {"leaflet": False, "height": 0.0, "drawn": 0, "month": None}
    iframe = page.locator(MAP_FRAME)
    box = iframe.bounding_box() if iframe.count() == 1 else None
    classes, pixels = np.zeros(len(CLASS_COLOURS), dtype=int), 0
    if box is not None and box["height"] > 0:
        classes, pixels = class_pixels(iframe.screenshot(
            path=artifacts / f"progress-page-{step}.png", style=WITHOUT_CONTROLS))
    return MapSeen(bool(state["leaflet"]), box["height"] if box else 0.0,
                   float(state["height"]), int(state["drawn"]),  # type: ignore[arg-type, call-overload]
                   None if state["month"] is None else str(state["month"]), classes, pixels)


def assert_visible(seen: MapSeen, step: str, watched: Watch) -> None:
    """Fail, saying what was wrong, unless the map is drawn and can be seen."""
    where = f"{step}: {seen} (errors so far: {watched.problems})"
    assert seen.leaflet, f"no Leaflet map in the iframe; {where}"
    assert seen.iframe_height >= MIN_HEIGHT_PX, f"the iframe is too low; {where}"
    assert seen.container_height >= MIN_HEIGHT_PX, f"the map is too low; {where}"
    assert seen.drawn >= MIN_DRAWN_PATHS, f"the villages are not drawn; {where}"
    assert seen.class_share >= MIN_CLASS_SHARE, f"the map shows no coverage classes; {where}"
    assert (seen.classes >= MIN_CLASS_PIXELS).sum() >= MIN_CLASSES_SEEN, (
        f"the map shows a single colour; {where}")
    assert watched.problems == [], where


def open_progress(page: Page, url: str) -> None:
    """Open the progress page at its address and wait for its figures."""
    page.goto(f"{url}/{ADDRESS}", wait_until="domcontentloaded")
    page.locator(METRIC).first.wait_for(state="visible", timeout=2 * TIMEOUT_MS)
    page.locator(IDLE_APP).wait_for(state="attached")


def metric(page: Page, key: str, lang: Language) -> Locator:
    """The metric whose label starts with the text of ``key`` (its month left out)."""
    start = i18n.t(key, lang, until="", month="").strip()
    return page.locator(METRIC).filter(has_text=re.compile(rf"^{re.escape(start)}"))


def switch_language(page: Page, lang: Language) -> None:
    """Choose the UI language in the sidebar."""
    radio = page.get_by_test_id("stRadio").filter(has_text="Bahasa / Language")
    radio.get_by_text(i18n.LANGUAGE_NAMES[lang], exact=True).click()


def screenshot_whole_page(page: Page, path: Path) -> None:
    """Screenshot the page from top to bottom (Streamlit scrolls inside its main area)."""
    viewport = page.viewport_size or {"width": 1400, "height": 900}
    height = int(page.locator('[data-testid="stMain"]').evaluate("main => main.scrollHeight"))
    page.set_viewport_size({"width": viewport["width"], "height": max(height,
                                                                      viewport["height"])})
    try:
        page.wait_for_timeout(500)
        page.screenshot(path=path)
    finally:
        page.set_viewport_size(viewport)
        page.wait_for_timeout(500)


def test_progress_map_is_visible_and_follows_the_month_slider(
        page: Page, streamlit_url: str, artifacts: Path):
    from playwright.sync_api import expect  # noqa: PLC0415 - only with playwright installed

    seen = watch(page, expected=page_failures(ADDRESS))
    open_progress(page, streamlit_url)
    expect(page.get_by_text(i18n.t("progress.page.demo", "id"))).to_be_visible()
    latest = wait_for_map(page, "open", artifacts, month=month_label(LATEST_MONTH, "id"))
    screenshot_whole_page(page, artifacts / "progress-page.png")
    assert_visible(latest, "open", seen)
    fills_before = page.locator(MAP_FRAME).evaluate(FILLS)

    page.locator(MAP_FRAME).evaluate(MOVE_SLIDER, 0)
    frame = page.frame_locator(MAP_FRAME)
    expect(frame.locator(MONTH_NAME)).to_have_text(month_label(FIRST_MONTH, "id"))
    expect(frame.locator(MONTH_SLIDER)).to_have_value("0")
    first = wait_for_map(page, "first-month", artifacts, month=month_label(FIRST_MONTH, "id"))
    assert_visible(first, "first month", seen)
    fills_after = page.locator(MAP_FRAME).evaluate(FILLS)
    assert len(fills_after) == len(fills_before)
    recoloured = sum(a != b for a, b in zip(fills_before, fills_after, strict=True))
    assert recoloured >= MIN_RECOLOURED, f"only {recoloured} villages changed colour"
    moved = int(np.abs(first.classes - latest.classes).sum()) // 2
    assert moved >= MIN_MOVED_PIXELS, (
        f"the map looks the same in January: {latest.classes} -> {first.classes}")
    assert seen.problems == []
    assert seen.outside == []


def test_progress_map_stays_visible_when_the_page_runs_again(
        page: Page, streamlit_url: str, artifacts: Path):
    from playwright.sync_api import expect  # noqa: PLC0415 - only with playwright installed

    seen = watch(page, expected=page_failures(ADDRESS))
    open_progress(page, streamlit_url)
    assert_visible(wait_for_map(page, "rerun-open", artifacts), "open", seen)

    per_month = metric(page, "progress.page.per_month", "id")
    expect(per_month).to_contain_text(month_label(DEFAULT_UNTIL, "id"))
    before = per_month.inner_text()
    until = page.get_by_role("slider", name=i18n.t("progress.page.until", "id"))
    expect(until).to_have_attribute("aria-valuetext", month_label(DEFAULT_UNTIL, "id"))
    until.focus()
    until.press("ArrowRight")
    expect(until).to_have_attribute("aria-valuetext", month_label(NEXT_UNTIL, "id"))
    expect(per_month).to_contain_text(month_label(NEXT_UNTIL, "id"))
    expect(per_month).not_to_have_text(before)
    assert_visible(wait_for_map(page, "rerun-until", artifacts), "target month", seen)

    table = page.locator(TABLE)
    rows = table.get_attribute("aria-rowcount")
    level = page.get_by_test_id("stRadio").filter(has_text=i18n.t("progress.page.level", "id"))
    level.get_by_text(i18n.t("progress.page.level.office", "id"), exact=True).click()
    expect(table).not_to_have_attribute("aria-rowcount", rows or "")
    assert_visible(wait_for_map(page, "rerun-level", artifacts), "table level", seen)
    assert seen.outside == []


def test_progress_page_in_english_shows_its_map(page: Page, streamlit_url: str,
                                                artifacts: Path):
    from playwright.sync_api import expect  # noqa: PLC0415 - only with playwright installed

    seen = watch(page, expected=page_failures(ADDRESS))
    open_progress(page, streamlit_url)
    assert_visible(wait_for_map(page, "lang-open", artifacts), "open", seen)

    switch_language(page, "en")
    expect(page.get_by_role("heading", name=i18n.t("app.title", "en"))).to_be_visible()
    expect(page.get_by_text(i18n.t("progress.page.demo", "en"))).to_be_visible()
    expect(metric(page, "progress.page.per_month", "en")).to_contain_text(
        month_label(DEFAULT_UNTIL, "en"))
    expect(metric(page, "progress.page.coverage", "en")).to_contain_text(
        month_label(LATEST_MONTH, "en"))
    expect(page.get_by_role("slider", name=i18n.t("progress.page.until", "en"))).to_be_visible()
    assert urlsplit(page.url).path.strip("/") == ADDRESS
    english = wait_for_map(page, "lang-en", artifacts, month=month_label(LATEST_MONTH, "en"))
    assert english.month == month_label(LATEST_MONTH, "en"), "the map is not in English"
    assert_visible(english, "English", seen)
    assert seen.outside == []
