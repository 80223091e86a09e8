"""
The map page shows a map the user can see, in both languages and after every change.

A map that is drawn but not seen (an iframe of no height, a Leaflet container squashed
to nothing, polygons left unprojected, a white rectangle) passes a test that only counts
elements: these tests also measure the iframe and the Leaflet container, read the
polygons' paths, and count the coloured pixels of a screenshot of the map. They check
the map when the page opens, after choosing *my office*, after choosing a kabupaten,
after switching the language, after moving the radius slider and after an upload; and
for the whole session, that the page and the map's iframe logged no console error and
threw nothing.
"""

from __future__ import annotations

import io
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pytest
from PIL import Image

from geo_outreach import i18n
from geo_outreach.inputs.prepare import InputPaths, prepare_inputs
from tests.browser.conftest import TIMEOUT_MS
from tests.browser.page_watch import watch

if TYPE_CHECKING:
    from pathlib import Path

    from playwright.sync_api import Page

    from geo_outreach.config import Language

pytestmark = [pytest.mark.enable_socket, pytest.mark.allow_hosts(["127.0.0.1"])]

MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'
METRIC = '[data-testid="stMetricValue"]'
IDLE_APP = '[data-testid="stApp"][data-test-script-state="notRunning"]'
SETTLE_MS = 5_000
"""How long the app is left alone after its first numbers show, before the map page opens."""
MIN_HEIGHT_PX = 300
MIN_DRAWN_PATHS = 30
"""Paths with a real shape: a village map of DIY, or of one kabupaten, has many more."""
COLOUR_SPREAD = 40
"""A pixel is coloured when its largest and smallest channel differ by more than this."""
MIN_COLOURED_SHARE = 0.02
WITHOUT_CONTROLS = ".leaflet-control-container { visibility: hidden !important; }"
"""Screenshot style (it reaches into the iframe): the title, legend and buttons hidden, so
their colours (the red DEMO badge, the legend's swatches) cannot pass for a drawn map."""
POLL_S = 0.25
OFFICE = "KC Yogyakarta"
REGENCY = "Kabupaten Sleman"
UPLOADED_NAME = "kepesertaan.csv"
"""Tile servers of the map's optional OpenStreetMap layer (off by default): the network is
cut, so a tile it asks for fails, and that failure is the only console error let through."""

MAP_STATE = """(frame) => {
    const doc = frame.contentDocument;
    if (!doc) { return null; }
    const container = doc.querySelector(".leaflet-container");
    const paths = [...doc.querySelectorAll("path.leaflet-interactive")];
    const drawn = paths.filter(p => {
        const d = (p.getAttribute("d") || "").trim();
        return d !== "" && d !== "M0 0";
    });
    return {
        fresh: frame.contentWindow.__geoOutreachSeen !== true,
        leaflet: container !== null,
        height: container ? container.getBoundingClientRect().height : 0,
        paths: paths.length,
        drawn: drawn.length,
    };
}"""
"""JavaScript, run on the iframe element: the map inside it. streamlit-folium never draws a
new map into a document that has one: a changed map comes in a new iframe, whose window
lacks the mark :data:`MARK_SEEN` left on the one before."""
MARK_SEEN = "(frame) => { frame.contentWindow.__geoOutreachSeen = true; }"


@dataclass(frozen=True)
class MapSeen:
    """What the map looked like once it settled."""

    fresh: bool
    leaflet: bool
    iframe_height: float
    container_height: float
    paths: int
    drawn: int
    coloured_share: float


def coloured_share(png: bytes) -> float:
    """The share of a screenshot's pixels that are coloured (not white, grey or black)."""
    pixels = np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=np.int16)
    spread = pixels.max(axis=2) - pixels.min(axis=2)
    return float((spread > COLOUR_SPREAD).mean())


def map_state(page: Page) -> dict[str, object] | None:
    """The map in the iframe now (None while there is no iframe or it has no document)."""
    from playwright.sync_api import Error  # noqa: PLC0415 - only with playwright installed

    frames = page.locator(MAP_FRAME)
    try:
        if frames.count() != 1:
            return None
        return frames.evaluate(MAP_STATE)
    except Error:  # the iframe was replaced while it was read
        return None


def wait_for_map(page: Page, step: str, artifacts: Path) -> MapSeen:
    """
    Wait until the app is idle and shows a map not seen before; return how it looks.

    The wait is bounded by TIMEOUT_MS; what the map looks like then is returned, whether
    or not it became visible, for the caller to assert on. The map is then marked as seen.
    """
    deadline = time.monotonic() + TIMEOUT_MS / 1000
    while time.monotonic() < deadline:
        state = map_state(page)
        if (state is not None and state["fresh"] and state["leaflet"]
                and int(state["drawn"]) >= MIN_DRAWN_PATHS  # type: ignore[call-overload]
                and float(state["height"]) > MIN_HEIGHT_PX  # type: ignore[arg-type]
                and page.locator(IDLE_APP).count() == 1):
            break
        time.sleep(POLL_S)
    page.wait_for_timeout(500)  # Leaflet finishes drawing in the next frames
    state = map_state(page) or {"fresh": False, "leaflet": False, "height": 0.0, "paths": 0,
                                "drawn": 0}
    iframe = page.locator(MAP_FRAME)
    box = iframe.bounding_box() if iframe.count() == 1 else None
    page.screenshot(path=artifacts / f"map-visible-{step}-page.png")
    share = 0.0
    if box is not None and box["height"] > 0:
        share = coloured_share(iframe.screenshot(path=artifacts / f"map-visible-{step}.png",
                                                 style=WITHOUT_CONTROLS))
        iframe.evaluate(MARK_SEEN)
    return MapSeen(bool(state["fresh"]), bool(state["leaflet"]),
                   box["height"] if box else 0.0, float(state["height"]),  # type: ignore[arg-type]
                   int(state["paths"]), int(state["drawn"]), share)  # type: ignore[call-overload]


def assert_visible(seen: MapSeen, step: str) -> None:
    """Fail, saying what was wrong, unless a new map was drawn and can be seen."""
    assert seen.fresh, f"{step}: the map was not drawn again ({seen})"
    assert seen.leaflet, f"{step}: no Leaflet map in the iframe ({seen})"
    assert seen.iframe_height > MIN_HEIGHT_PX, f"{step}: the iframe is too low ({seen})"
    assert seen.container_height > MIN_HEIGHT_PX, f"{step}: the map is too low ({seen})"
    assert seen.drawn >= MIN_DRAWN_PATHS, f"{step}: the villages are not drawn ({seen})"
    assert seen.coloured_share > MIN_COLOURED_SHARE, f"{step}: the map looks blank ({seen})"


def wait_for_numbers(page: Page) -> None:
    """Wait until the app is idle and shows the summary's numbers."""
    page.locator(METRIC).first.wait_for(state="visible")
    page.locator(IDLE_APP).wait_for(state="attached")


def choose(page: Page, label: str, option: str) -> None:
    """Pick ``option`` in the sidebar's select box labelled ``label``."""
    page.get_by_test_id("stSidebar").get_by_role("combobox", name=label, exact=True).click()
    page.get_by_role("option", name=option, exact=True).click()


def switch_language(page: Page, lang: Language) -> None:
    """Choose the UI language in the sidebar."""
    radio = page.get_by_test_id("stRadio").filter(has_text="Bahasa / Language")
    radio.get_by_text(i18n.LANGUAGE_NAMES[lang], exact=True).click()


def participation_csv() -> bytes:
    """The bundled participation table with a tenth more participants in every village."""
    table = prepare_inputs(InputPaths()).participation
    table = table[["code", "labour_force", "employed", "participants"]].assign(
        participants=lambda t: (t["participants"] * 1.1).round().clip(upper=t["labour_force"]))
    return table.to_csv(index=False).encode("utf-8")


def upload_participation(page: Page, lang: Language, csv: bytes) -> None:
    """Upload a participation table on the Data page; wait until the app uses it."""
    page.get_by_role("link", name=i18n.t("tab.data", lang), exact=True).click()
    uploader = page.get_by_test_id("stFileUploader").filter(
        has_text=i18n.t("sidebar.upload_participation", lang))
    uploader.locator('input[type="file"]').set_input_files(
        {"name": UPLOADED_NAME, "mimeType": "text/csv", "buffer": csv})
    page.get_by_text(i18n.t("data.kept_upload", lang, name=UPLOADED_NAME)).wait_for()
    page.locator(IDLE_APP).wait_for(state="attached")


@pytest.mark.parametrize("lang", ["id", "en"])
def test_map_stays_visible_through_every_change(page: Page, streamlit_url: str,
                                                artifacts: Path, lang: Language):
    from playwright.sync_api import expect  # noqa: PLC0415 - only with playwright installed

    seen = watch(page)
    csv = participation_csv()
    page.goto(streamlit_url, wait_until="domcontentloaded")
    wait_for_numbers(page)
    if lang != "id":
        switch_language(page, lang)
        expect(page.get_by_role("link", name=i18n.t("tab.map", lang), exact=True)).to_be_visible()
        wait_for_numbers(page)
    page.wait_for_timeout(SETTLE_MS)

    started_in = lang  # the screenshots' names keep the language the test started in

    def check(step: str) -> None:
        assert_visible(wait_for_map(page, f"{started_in}-{step}", artifacts),
                       f"{started_in}: {step} ({lang}; errors so far: {seen.problems})")

    page.get_by_role("link", name=i18n.t("tab.map", lang), exact=True).click()
    check("open")

    choose(page, i18n.t("sidebar.office", lang), OFFICE)
    check("office")

    choose(page, i18n.t("sidebar.regency", lang), REGENCY)
    check("regency")

    lang = "en" if lang == "id" else "id"
    switch_language(page, lang)
    expect(page.get_by_role("link", name=i18n.t("tab.map", lang), exact=True)).to_be_visible()
    check("language")

    slider = page.get_by_role("slider", name=i18n.t("sidebar.radius", lang))
    before_value = slider.get_attribute("aria-valuenow")
    slider.focus()
    slider.press("ArrowRight")
    expect(slider).not_to_have_attribute("aria-valuenow", before_value or "")
    check("radius")

    upload_participation(page, lang, csv)
    page.get_by_role("link", name=i18n.t("tab.map", lang), exact=True).click()
    check("upload")

    assert seen.problems == []
    assert seen.outside == []
