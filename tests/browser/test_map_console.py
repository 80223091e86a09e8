"""
The coverage map in headless Chromium, network cut: no script error, and it stays readable.

The map is the app's (bundled data, DEMO household points, the bundled road network),
written as one HTML file and opened from disk. The page must log no console error and
throw nothing: not when it opens, not when layers are switched or the legend folded,
and not when it is built inside a container that has no size yet (an iframe not shown,
as in a page or tab that is not open), where fitting it to the data used to fail with
``Invalid LatLng object: (NaN, NaN)``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from geo_outreach.analysis.household_reach import prepare_households
from geo_outreach.analysis.pipeline import analyse
from geo_outreach.config import AnalysisParams
from geo_outreach.inputs.prepare import InputPaths, prepare_inputs
from geo_outreach.render.maps import coverage_map, save_map
from geo_outreach.roads.networks import bundled_network
from geo_outreach.roads.reach import road_reach, with_road_reach
from tests.browser.offline import open_offline

if TYPE_CHECKING:
    from pathlib import Path

    from playwright.sync_api import Frame, Locator, Page

    from geo_outreach.analysis.result import AnalysisResult

MAP = "Object.values(window).find(v => v instanceof L.Map)"
"""JavaScript for the page's Leaflet map (folium names it map_<hash>)."""
HEXES = "Titik panas: rumah tangga belum terdaftar dalam radius (sel H3)"
CATCHMENTS = "Jangkauan 5 km lewat jalan"
VILLAGES = "Cakupan per kalurahan"
LABELS_OVERLAP = """() => {
    const boxes = [...document.querySelectorAll(".office-label")]
        .filter(label => getComputedStyle(label).visibility !== "hidden")
        .map(label => (label.firstElementChild || label).getBoundingClientRect())
        .filter(box => box.width && box.height);
    let overlaps = 0;
    boxes.forEach((a, i) => boxes.slice(i + 1).forEach(b => {
        if (a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom) {
            overlaps += 1;
        }
    }));
    return [boxes.length, overlaps];
}"""
"""JavaScript: how many office labels show, and how many pairs of them overlap."""


def wait_for_map(frame: Page | Frame) -> None:
    """Wait until the villages are drawn and the labels sorted out (after a timeout 0)."""
    frame.locator(".leaflet-interactive").first.wait_for(state="attached")
    frame.wait_for_function(f"{MAP} !== undefined")
    frame.evaluate("() => new Promise(done => setTimeout(done, 50))")


def layer_checkbox(frame: Page | Frame, name: str) -> Locator:
    """The layer control's checkbox of one layer."""
    return frame.locator(".leaflet-control-layers-overlays label", has_text=name).locator(
        "input")


@pytest.fixture(scope="module")
def full_result() -> AnalysisResult:
    """The bundled DIY data with the DEMO household points and the bundled roads."""
    prepared = prepare_inputs(InputPaths())
    result = analyse(prepared, AnalysisParams(), households=prepare_households(prepared, None))
    return with_road_reach(result, road_reach(result, bundled_network()))


@pytest.fixture(scope="module")
def diy_file(full_result: AnalysisResult, artifacts: Path) -> Path:
    return save_map(coverage_map(full_result, lang="id"), artifacts / "coverage-map-diy.html")


@pytest.fixture(scope="module")
def kota_file(full_result: AnalysisResult, artifacts: Path) -> Path:
    return save_map(coverage_map(full_result, regency="Kota Yogyakarta", lang="en"),
                    artifacts / "coverage-map-kota-en.html")


@pytest.mark.parametrize("which", ["diy_file", "kota_file"])
def test_map_opens_with_a_clean_console(page: Page, which: str,
                                        request: pytest.FixtureRequest, artifacts: Path):
    from playwright.sync_api import expect  # noqa: PLC0415 - only with playwright installed

    path = request.getfixturevalue(which)
    visit = open_offline(page, path)
    wait_for_map(page)
    control = page.locator(".leaflet-control-layers")
    expect(control).not_to_have_class("leaflet-control-layers-expanded")
    expect(page.locator(".leaflet-control-layers-list")).to_be_hidden()
    expect(page.locator(".leaflet-control-layers-toggle")).to_be_visible()
    expect(page.locator(".geo-outreach-legend")).to_be_visible()
    page.screenshot(path=artifacts / f"{path.stem}.png")
    control.hover()  # a collapsed control opens on hover
    expect(control).to_have_class("leaflet-control-layers leaflet-control "
                                  "leaflet-control-layers-expanded")
    assert page.evaluate(f"{MAP}.getZoom()") >= 9
    assert visit.requests == [visit.url]
    assert visit.problems == []


def test_colour_hiding_layers_start_off_and_switch_on_cleanly(page: Page, diy_file: Path):
    from playwright.sync_api import expect  # noqa: PLC0415

    visit = open_offline(page, diy_file)
    wait_for_map(page)
    page.locator(".leaflet-control-layers").hover()
    hexes, catchments = layer_checkbox(page, HEXES), layer_checkbox(page, CATCHMENTS)
    expect(hexes).not_to_be_checked()
    expect(catchments).not_to_be_checked()
    expect(layer_checkbox(page, VILLAGES)).to_be_checked()
    before = page.locator(".leaflet-interactive").count()
    hexes.check()
    catchments.check()
    assert page.locator(".leaflet-interactive").count() > before
    for _ in range(2):
        page.locator(".leaflet-control-zoom-in").click()
    page.locator(".leaflet-control-zoom-out").click()
    page.locator(".leaflet-control-layers").hover()  # it closed when the mouse left it
    hexes.uncheck()
    catchments.uncheck()
    assert page.locator(".leaflet-interactive").count() == before
    assert visit.requests == [visit.url]  # the OpenStreetMap layer stays off
    assert visit.problems == []


def test_legend_folds_and_unfolds(page: Page, diy_file: Path, artifacts: Path):
    from playwright.sync_api import expect  # noqa: PLC0415

    visit = open_offline(page, diy_file)
    wait_for_map(page)
    legend = page.locator(".geo-outreach-legend")
    button = legend.locator("button[data-go-fold]")
    body = legend.locator("[data-go-fold-body]")
    expect(body).to_be_visible()
    expect(body).to_contain_text("tanpa data")
    expect(button).to_have_attribute("aria-expanded", "true")
    expect(button).to_have_attribute("title", "Sembunyikan legenda")
    open_height = legend.bounding_box()["height"]
    button.click()
    expect(body).to_be_hidden()
    expect(legend).to_contain_text("Cakupan kepesertaan")  # the title stays
    expect(button).to_have_attribute("aria-expanded", "false")
    expect(button).to_have_attribute("title", "Tampilkan legenda")
    expect(button).to_have_text("+")
    assert legend.bounding_box()["height"] < open_height / 3
    page.screenshot(path=artifacts / "coverage-map-legend-folded.png")
    button.click()
    expect(body).to_be_visible()
    expect(button).to_have_attribute("aria-expanded", "true")
    expect(button).to_have_text("\N{MINUS SIGN}")
    assert page.evaluate(f"{MAP}.getZoom()") >= 9  # clicks stay in the legend
    assert visit.problems == []


def test_map_built_while_hidden_fits_when_shown(page: Page, diy_file: Path, artifacts: Path):
    wrapper = artifacts / "coverage-map-hidden.html"
    wrapper.write_text(f'<!DOCTYPE html><html><body style="margin:0"><iframe id="map" '
                       f'src="{diy_file.name}" style="display:none;width:1200px;height:800px;'
                       'border:0"></iframe></body></html>', encoding="utf-8")
    visit = open_offline(page, wrapper, diy_file)
    frame = page.frame_locator("#map")
    frame.locator(".leaflet-interactive").first.wait_for(state="attached")
    inner = next(f for f in page.frames if f.url == diy_file.as_uri())
    assert inner.evaluate(f"{MAP}.getSize().x") == 0
    page.evaluate("document.getElementById('map').style.display = 'block'")
    inner.wait_for_function(f"{MAP}.getZoom() >= 9 && {MAP}.getSize().x > 0")
    wait_for_map(inner)
    zoom = inner.evaluate(f"{MAP}.getZoom()")
    assert 9 <= zoom <= 12  # fitted to DIY, not left at the first view or zoomed to the end
    frame.locator(".leaflet-control-zoom-in").click()
    inner.wait_for_function(f"{MAP}.getZoom() > {zoom}")
    frame.locator(".leaflet-control-layers").hover()
    layer_checkbox(inner, HEXES).check()
    assert visit.problems == []


def test_office_labels_do_not_overlap(page: Page, diy_file: Path):
    visit = open_offline(page, diy_file)
    wait_for_map(page)
    shown, overlaps = page.evaluate(LABELS_OVERLAP)
    assert shown >= 3
    assert overlaps == 0
    start = page.evaluate(f"{MAP}.getZoom()")
    page.evaluate(f"() => {{ {MAP}.setZoom({start} - 1, {{animate: false}}); }}")
    page.wait_for_function(f"{MAP}.getZoom() === {start} - 1")
    page.evaluate("() => new Promise(done => setTimeout(done, 50))")
    assert page.evaluate(LABELS_OVERLAP)[1] == 0  # zoomed out, more give way
    page.evaluate(f"() => {{ {MAP}.setZoom({start} + 2, {{animate: false}}); }}")
    page.wait_for_function(f"{MAP}.getZoom() === {start} + 2")
    assert page.evaluate(LABELS_OVERLAP)[1] == 0
    assert visit.problems == []
