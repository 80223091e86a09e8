"""
The Lokasi baru page in headless Chromium: its map can be seen, before and after computing.

Counting elements passes for a map nobody can see (an iframe of no height, a white
rectangle): the test measures the map's iframe and its Leaflet container, counts the
coloured pixels of a screenshot of the map (the villages' shades) when the page opens, and
again after Hitung lokasi is pressed, when the new sites' orange rings and markers must be
drawn too; and it checks that neither the page nor the map's iframe logged a console error
or threw. The app runs on the bundled data with the session's empty store.
"""

from __future__ import annotations

import io
import time
from typing import TYPE_CHECKING

import numpy as np
import pytest
from PIL import Image

from geo_outreach import i18n
from geo_outreach.render.placement_map import SITE_COLOUR
from tests.browser.conftest import TIMEOUT_MS
from tests.browser.page_watch import page_failures, watch

if TYPE_CHECKING:
    from pathlib import Path

    from playwright.sync_api import Page

pytestmark = [pytest.mark.enable_socket, pytest.mark.allow_hosts(["127.0.0.1"])]

ADDRESS = "lokasi-baru"
MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'
IDLE_APP = '[data-testid="stApp"][data-test-script-state="notRunning"]'
TABLE = '[data-testid="stDataFrame"]'
MIN_HEIGHT_PX = 400
MIN_DRAWN_PATHS = 100
"""The 438 villages of DIY (and the rings) are drawn; a few are too small to have a path."""
COLOUR_SPREAD = 25
"""A pixel is coloured when its largest and smallest channel differ by more than this (the
light purples are pale: about 30)."""
MIN_COLOURED_SHARE = 0.10
"""All of DIY shaded fills about a quarter of the map at 1400×900."""
MIN_SITE_PIXELS = 200
"""Pixels in the new sites' orange: three numbered markers and their dashed rings."""
SITE_TOLERANCE = 30
COMPUTE_TIMEOUT_S = 240.0
"""Longest wait for the covering model (some 15 s on the bundled data for three sites)."""
WITHOUT_CONTROLS = ".leaflet-control-container { visibility: hidden !important; }"
"""Screenshot style (it reaches into the iframe): legend and buttons hidden, so their
swatches cannot pass for the drawn map."""
POLL_S = 0.25
MAP_STATE = """(frame) => {
    const doc = frame.contentDocument;
    if (!doc) { return null; }
    const container = doc.querySelector(".leaflet-container");
    const drawn = [...doc.querySelectorAll("path")].filter(p => {
        const d = (p.getAttribute("d") || "").trim();
        return d !== "" && d !== "M0 0";
    });
    const title = doc.querySelector(".geo-outreach-title");
    return {leaflet: container !== null,
            height: container ? container.getBoundingClientRect().height : 0,
            drawn: drawn.length, sites: doc.querySelectorAll(".go-site-rank").length,
            title: title ? title.textContent : ""};
}"""
"""JavaScript, run on the iframe element: the map inside it."""


def map_state(page: Page) -> dict[str, object] | None:
    """The map in the iframe now (None while there is no single iframe with a document)."""
    from playwright.sync_api import Error  # noqa: PLC0415 - only with playwright installed

    frames = page.locator(MAP_FRAME)
    try:
        return frames.evaluate(MAP_STATE) if frames.count() == 1 else None
    except Error:  # the iframe was replaced while it was read
        return None


def wait_for_map(page: Page, *, title: str, timeout_s: float = TIMEOUT_MS / 1000
                 ) -> dict[str, object]:
    """Wait (bounded) until the app is idle and the map with ``title`` is drawn."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        state = map_state(page)
        if (state is not None and state["leaflet"] and title in str(state["title"])
                and int(state["drawn"]) >= MIN_DRAWN_PATHS  # type: ignore[call-overload]
                and float(state["height"]) >= MIN_HEIGHT_PX  # type: ignore[arg-type]
                and page.locator(IDLE_APP).count() == 1):
            break
        time.sleep(POLL_S)
    page.wait_for_timeout(500)  # Leaflet finishes drawing in the next frames
    return map_state(page) or {"leaflet": False, "height": 0.0, "drawn": 0, "sites": 0,
                               "title": ""}


def pixel_counts(png: bytes) -> tuple[float, int]:
    """The share of coloured pixels, and the pixels in the new sites' orange."""
    pixels = np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=np.int16)
    spread = pixels.max(axis=2) - pixels.min(axis=2)
    orange = np.array(Image.new("RGB", (1, 1), SITE_COLOUR).getpixel((0, 0)), dtype=np.int16)
    near = np.abs(pixels - orange).max(axis=2) <= SITE_TOLERANCE
    return float((spread > COLOUR_SPREAD).mean()), int(near.sum())


def look(page: Page, artifacts: Path, step: str
         ) -> tuple[dict[str, float] | None, float, int]:
    """Measure the map's iframe and count its coloured and orange pixels."""
    iframe = page.locator(MAP_FRAME)
    box = iframe.bounding_box() if iframe.count() == 1 else None
    coloured, orange = 0.0, 0
    if box is not None and box["height"] > 0:
        iframe.scroll_into_view_if_needed()
        coloured, orange = pixel_counts(iframe.screenshot(
            path=artifacts / f"placement-map-{step}.png", style=WITHOUT_CONTROLS))
    return box, coloured, orange  # type: ignore[return-value]


def assert_visible(state: dict[str, object], box: dict[str, float] | None, coloured: float,
                   where: str) -> None:
    """Fail, saying what was wrong, unless the map is drawn and can be seen."""
    assert state["leaflet"], f"no Leaflet map in the iframe; {where}"
    assert box is not None, f"no map iframe; {where}"
    assert box["height"] >= MIN_HEIGHT_PX, f"the iframe is too low; {where}"
    assert float(state["height"]) >= MIN_HEIGHT_PX, f"the map is too low; {where}"  # type: ignore[arg-type]
    assert int(state["drawn"]) >= MIN_DRAWN_PATHS, f"nothing drawn; {where}"  # type: ignore[call-overload]
    assert coloured >= MIN_COLOURED_SHARE, f"the map looks blank; {where}"


def test_the_placement_map_is_visible_before_and_after_computing(
        page: Page, streamlit_url: str, artifacts: Path):
    from playwright.sync_api import expect  # noqa: PLC0415 - only with playwright installed

    seen = watch(page, expected=page_failures(ADDRESS))
    page.goto(f"{streamlit_url}/{ADDRESS}", wait_until="domcontentloaded")
    button = page.get_by_role("button", name=i18n.t("placement_page.run", "id"))
    expect(button).to_be_visible(timeout=2 * TIMEOUT_MS)
    state = wait_for_map(page, title=i18n.t("placement_map.title_before", "id"))
    box, coloured, orange = look(page, artifacts, "before")
    where = (f"before: iframe {box}, map {state}, coloured {coloured:.3f}, orange {orange} "
             f"(errors: {seen.problems})")
    assert_visible(state, box, coloured, where)
    assert state["sites"] == 0, where

    button.click()
    expect(page.get_by_text(i18n.t("placement_page.sites_table", "id", sites=3), exact=True)
           ).to_be_visible(timeout=COMPUTE_TIMEOUT_S * 1000)
    state = wait_for_map(page, title=i18n.t("placement_map.title", "id"))
    expect(page.locator(TABLE).first).to_be_visible()
    page.screenshot(path=artifacts / "placement-page.png", full_page=True)
    box, coloured, orange = look(page, artifacts, "after")
    where = (f"after: iframe {box}, map {state}, coloured {coloured:.3f}, orange {orange} "
             f"(errors: {seen.problems})")
    assert_visible(state, box, coloured, where)
    assert state["sites"] == 3, f"the three new sites are not drawn; {where}"
    assert orange >= MIN_SITE_PIXELS, f"the new sites' rings are not seen; {where}"
    assert seen.problems == [], where
    assert seen.outside == []


MOBILE_TITLE = i18n.t("mobile_map.title", "id", office="KC Yogyakarta")
"""The default office (the sidebar's choice is all of them: the first office)."""
MOBILE_DAYS = 5
MIN_MOBILE_HEIGHT_PX = 400
MIN_MOBILE_COLOURED_SHARE = 0.03
"""The stands' orange rings and markers over the pale office area: a few percent at least."""
MOBILE_STATE = """(frames) => frames.map(frame => {
    const doc = frame.contentDocument;
    const container = doc ? doc.querySelector(".leaflet-container") : null;
    const title = doc ? doc.querySelector(".geo-outreach-title") : null;
    return {height: container ? container.getBoundingClientRect().height : 0,
            stands: doc ? doc.querySelectorAll(".go-stand-day").length : 0,
            legs: doc ? doc.querySelectorAll("path[stroke-dasharray]").length : 0,
            title: title ? title.textContent : ""};
})"""
"""JavaScript, run on every map iframe: each one's map (the mobile unit's has its title)."""


def mobile_map(page: Page) -> tuple[int, dict[str, object]] | None:
    """The mobile unit's map iframe now: its index among the maps and its state."""
    from playwright.sync_api import Error  # noqa: PLC0415 - only with playwright installed

    try:
        states = page.locator(MAP_FRAME).evaluate_all(MOBILE_STATE)
    except Error:  # an iframe was replaced while it was read
        return None
    found = [(index, state) for index, state in enumerate(states)
             if MOBILE_TITLE in str(state["title"])]
    return found[0] if found else None


def test_the_mobile_week_map_is_visible_after_planning(page: Page, streamlit_url: str,
                                                       artifacts: Path):
    from playwright.sync_api import expect  # noqa: PLC0415 - only with playwright installed

    seen = watch(page, expected=page_failures(ADDRESS))
    page.goto(f"{streamlit_url}/{ADDRESS}", wait_until="domcontentloaded")
    button = page.get_by_role("button", name=i18n.t("mobile_page.run", "id"))
    expect(button).to_be_visible(timeout=2 * TIMEOUT_MS)
    wait_for_map(page, title=i18n.t("placement_map.title_before", "id"))
    button.click()
    deadline = time.monotonic() + COMPUTE_TIMEOUT_S
    found = None
    while time.monotonic() < deadline:
        found = mobile_map(page)
        if (found is not None and int(found[1]["stands"]) == MOBILE_DAYS  # type: ignore[call-overload]
                and float(found[1]["height"]) >= MIN_MOBILE_HEIGHT_PX  # type: ignore[arg-type]
                and page.locator(IDLE_APP).count() == 1):
            break
        time.sleep(POLL_S)
    assert found is not None, f"no mobile unit's map (errors: {seen.problems})"
    page.wait_for_timeout(500)  # Leaflet finishes drawing in the next frames
    index, state = mobile_map(page) or found
    iframe = page.locator(MAP_FRAME).nth(index)
    iframe.scroll_into_view_if_needed()
    box = iframe.bounding_box()
    coloured, orange = pixel_counts(iframe.screenshot(
        path=artifacts / "mobile-week-map.png", style=WITHOUT_CONTROLS))
    page.screenshot(path=artifacts / "mobile-week-page.png", full_page=True)
    where = (f"iframe {box}, map {state}, coloured {coloured:.3f}, orange {orange} "
             f"(errors: {seen.problems})")
    assert box is not None, where
    assert box["height"] >= MIN_MOBILE_HEIGHT_PX, f"the iframe is too low; {where}"
    assert float(state["height"]) >= MIN_MOBILE_HEIGHT_PX, f"the map is too low; {where}"  # type: ignore[arg-type]
    assert state["stands"] == MOBILE_DAYS, f"the stands are not numbered; {where}"
    assert int(state["legs"]) >= MOBILE_DAYS + 1, f"the legs are not drawn; {where}"  # type: ignore[call-overload]
    assert coloured >= MIN_MOBILE_COLOURED_SHARE, f"the map looks blank; {where}"
    assert orange >= MIN_SITE_PIXELS, f"the stands are not seen; {where}"
    expect(page.get_by_text(i18n.t("mobile_page.days_table", "id"), exact=True)).to_be_visible()
    assert seen.problems == [], where
    assert seen.outside == []
