"""
The Lapangan page in headless Chromium: with a plan and its outcomes, its field map can be seen.

The app runs on a store of its own holding a plan of the first bundled office and the
paper template of its first stop filled in (two households registered, one refused). The
test measures the map's iframe and its Leaflet container, counts the coloured pixels of a
screenshot of the map and the pixels of the visited stop's colour (the field layer), and
checks that neither the page nor the map's iframe logged a console error or threw.
"""

from __future__ import annotations

import io
import time
from typing import TYPE_CHECKING

import numpy as np
import pytest
from PIL import Image

from geo_outreach import i18n
from geo_outreach.render.field_layers import STATUS_COLOURS
from geo_outreach.store.location import DATABASE_ENV
from tests.app_server import app_server
from tests.browser.conftest import APP, ROOT, TIMEOUT_MS
from tests.browser.page_watch import page_failures, watch
from tests.field_page_builders import store_with_field_work

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from playwright.sync_api import Browser, Page

pytestmark = [pytest.mark.enable_socket, pytest.mark.allow_hosts(["127.0.0.1"]),
              pytest.mark.filterwarnings("ignore:'str' is not supported as a fill value")]

ADDRESS = "lapangan"
MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'
IDLE_APP = '[data-testid="stApp"][data-test-script-state="notRunning"]'
TABLE = '[data-testid="stDataFrame"]'
MIN_HEIGHT_PX = 400
MIN_DRAWN_PATHS = 10
"""Villages and stops with a real shape: the map opens on the plan's stops, where some
twenty villages and the stops' circles are in view."""
COLOUR_SPREAD = 40
"""A pixel is coloured when its largest and smallest channel differ by more than this."""
MIN_COLOURED_SHARE = 0.02
MIN_STOP_PIXELS = 20
"""Pixels in the visited stop's fill colour: the field layer's circle is drawn."""
STOP_TOLERANCE = 30
WITHOUT_CONTROLS = ".leaflet-control-container { visibility: hidden !important; }"
"""Screenshot style (it reaches into the iframe): legend and buttons hidden, so their
swatches cannot pass for the drawn map."""
POLL_S = 0.25
"""Opened at a page's address, Streamlit's frontend first asks for these there (a 404 it
logs as a console error) and then at the root (streamlit/streamlit#7074)."""
MAP_STATE = """(frame) => {
    const doc = frame.contentDocument;
    if (!doc) { return null; }
    const container = doc.querySelector(".leaflet-container");
    const drawn = [...doc.querySelectorAll("path.leaflet-interactive")].filter(p => {
        const d = (p.getAttribute("d") || "").trim();
        return d !== "" && d !== "M0 0";
    });
    return {leaflet: container !== null,
            height: container ? container.getBoundingClientRect().height : 0,
            drawn: drawn.length};
}"""
"""JavaScript, run on the iframe element: the map inside it."""


@pytest.fixture(scope="module")
def field_url(browser: Browser, artifacts: Path, tmp_path_factory: pytest.TempPathFactory
              ) -> Iterator[str]:
    """Run the app on a store holding a plan and its outcomes; yield its URL."""
    del browser  # started first: no server is left running when Chromium is missing
    folder = tmp_path_factory.mktemp("field-page")
    url = f"sqlite:///{folder / 'lapangan.db'}"
    store_with_field_work(url, folder)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(DATABASE_ENV, url)
        try:
            with app_server(APP, artifacts / "streamlit-field.log", pythonpath=ROOT) as server:
                yield server.url
        except RuntimeError as err:  # it did not start
            pytest.fail(str(err))


def map_state(page: Page) -> dict[str, object] | None:
    """The map in the iframe now (None while there is no single iframe with a document)."""
    from playwright.sync_api import Error  # noqa: PLC0415 - only with playwright installed

    frames = page.locator(MAP_FRAME)
    try:
        return frames.evaluate(MAP_STATE) if frames.count() == 1 else None
    except Error:  # the iframe was replaced while it was read
        return None


def wait_for_map(page: Page) -> dict[str, object]:
    """Wait (bounded) until the app is idle and its map drawn; return the map's state."""
    deadline = time.monotonic() + TIMEOUT_MS / 1000
    while time.monotonic() < deadline:
        state = map_state(page)
        if (state is not None and state["leaflet"]
                and int(state["drawn"]) >= MIN_DRAWN_PATHS  # type: ignore[call-overload]
                and float(state["height"]) >= MIN_HEIGHT_PX  # type: ignore[arg-type]
                and page.locator(IDLE_APP).count() == 1):
            break
        time.sleep(POLL_S)
    page.wait_for_timeout(500)  # Leaflet finishes drawing in the next frames
    return map_state(page) or {"leaflet": False, "height": 0.0, "drawn": 0}


def pixel_counts(png: bytes) -> tuple[float, int]:
    """The share of coloured pixels, and the pixels in the visited stop's fill colour."""
    pixels = np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=np.int16)
    spread = pixels.max(axis=2) - pixels.min(axis=2)
    visited = np.array(Image.new("RGB", (1, 1), STATUS_COLOURS["visited"]).getpixel((0, 0)),
                       dtype=np.int16)
    near = np.abs(pixels - visited).max(axis=2) <= STOP_TOLERANCE
    return float((spread > COLOUR_SPREAD).mean()), int(near.sum())


def test_the_field_map_is_visible_with_a_plan_and_its_outcomes(
        page: Page, field_url: str, artifacts: Path):
    from playwright.sync_api import expect  # noqa: PLC0415 - only with playwright installed

    seen = watch(page, expected=page_failures(ADDRESS))
    page.goto(f"{field_url}/{ADDRESS}", wait_until="domcontentloaded")
    expect(page.get_by_text(i18n.t("field_page.report.header", "id"), exact=True)
           ).to_be_visible(timeout=2 * TIMEOUT_MS)
    state = wait_for_map(page)
    expect(page.locator(TABLE).first).to_be_visible()
    iframe = page.locator(MAP_FRAME)
    box = iframe.bounding_box() if iframe.count() == 1 else None
    page.screenshot(path=artifacts / "field-page.png", full_page=True)
    coloured, stop_pixels = 0.0, 0
    if box is not None and box["height"] > 0:
        iframe.scroll_into_view_if_needed()
        coloured, stop_pixels = pixel_counts(iframe.screenshot(
            path=artifacts / "field-map.png", style=WITHOUT_CONTROLS))
    where = (f"iframe {box}, map {state}, coloured {coloured:.3f}, visited-stop pixels "
             f"{stop_pixels} (errors: {seen.problems})")
    assert state["leaflet"], f"no Leaflet map in the iframe; {where}"
    assert box is not None, f"no map iframe; {where}"
    assert box["height"] >= MIN_HEIGHT_PX, f"the iframe is too low; {where}"
    assert float(state["height"]) >= MIN_HEIGHT_PX, f"the map is too low; {where}"  # type: ignore[arg-type]
    assert int(state["drawn"]) >= MIN_DRAWN_PATHS, f"nothing drawn; {where}"  # type: ignore[call-overload]
    assert coloured >= MIN_COLOURED_SHARE, f"the map looks blank; {where}"
    assert stop_pixels >= MIN_STOP_PIXELS, f"the visited stop is not drawn; {where}"
    assert seen.problems == [], where
    assert seen.outside == []
