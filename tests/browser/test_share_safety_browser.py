"""
Shared maps in headless Chromium: hostile text stays text, and the page asks for nothing.

Every text a user's files bring onto a map carries a script-injection payload; the page
must run none of them (``window.__pwned`` stays undefined, no dialog, no script error) and
show each one literally where it belongs: tooltips, search, labels, title, sources.
Then the reader pans, zooms, searches, opens every layer and goes full screen while every
request is recorded: only ``file:``, ``data:``, ``blob:`` and ``about:`` are allowed, and
with ``--basemap`` tiles are asked for only after the reader turns them on.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import TYPE_CHECKING, Final
from urllib.parse import urlsplit

import geopandas as gpd
import pytest

from geo_outreach.render import maps
from geo_outreach.render.share import write_share_map
from tests.browser.test_share_browser import MAP, open_offline
from tests.test_share import bundled_result

if TYPE_CHECKING:
    from pathlib import Path

    from playwright.sync_api import Page

    from geo_outreach.analysis.result import AnalysisResult

DAY = date(2025, 11, 25)
PAYLOADS: Final = {
    "script": "<script>window.__pwned=1</script>",
    "attribute": '"><img src=x onerror="window.__pwned=1">',
    "close_script": "</script><script>window.__pwned=1</script>",
    "quote": "'-alert(1)-'",
    "template": "${window.__pwned=1}",
    "backtick": "`+(window.__pwned=1)+`",
    "javascript_url": "javascript:window.__pwned=1",
    "svg": '<svg onload="window.__pwned=1">',
    "curly": "{{7*7}}",
}
"""Script-injection payloads, each put into a user text of the hostile result."""

SLEMAN = "34.04"
REGION = f"Kabupaten Sleman {PAYLOADS['close_script']}"
OFFICE = f"KC Sleman {PAYLOADS['template']} {PAYLOADS['backtick']}"
OUTSIDE_OFFICE = f"KC Kota {PAYLOADS['curly']} {PAYLOADS['attribute']}"
OFFICE_TYPE = f"jenis {PAYLOADS['quote']}"
OFFICE_NOTE = f"catatan {PAYLOADS['svg']}"
DISTRICT = f"Kapanewon {PAYLOADS['attribute']}"
OTHER_DISTRICT = f"Kapanewon {PAYLOADS['svg']}"
ROAD_SOURCE = f"jalan {PAYLOADS['svg']}.osm"
ROAD_CREDIT = f"© {PAYLOADS['javascript_url']}"
PARTICIPATION_FILE = f"peserta {PAYLOADS['attribute']}.csv"
OFFICES_FILE = f"kantor {PAYLOADS['quote']}.csv"
VILLAGE_LAYER: Final = "l => /^Desa\\d /.test(((l.feature || {}).properties || {}).name || '')"
"""JavaScript: is this Leaflet layer one of the hostile villages?"""
ALLOWED_SCHEMES: Final = frozenset({"file", "data", "blob", "about"})


def village_name(index: int, key: str) -> str:
    return f"Desa{index} {PAYLOADS[key]}"


VILLAGES: Final = [village_name(i, key) for i, key in enumerate(PAYLOADS)]


def hostile_result() -> AnalysisResult:
    """The bundled result with a payload in every text a user's files can bring to a map."""
    base = bundled_result()
    villages = base.villages.copy()
    sleman = villages.index[villages["code"].astype(str).str.startswith(f"{SLEMAN}.")]
    villages.loc[sleman, "regency"] = REGION
    for index, name in zip(sleman[::9], VILLAGES, strict=False):
        villages.loc[index, "name"] = name
    districts = villages.loc[sleman, "district"].unique()
    villages.loc[villages["district"] == districts[0], "district"] = DISTRICT
    villages.loc[villages["district"] == districts[1], "district"] = OTHER_DISTRICT
    names = {"PH-SLEMAN": OFFICE, "KC-YGY": OUTSIDE_OFFICE}
    old_names = dict(zip(base.offices["office_id"], base.offices["name"], strict=True))
    villages["nearest_office"] = villages["nearest_office"].replace(
        {old_names[office_id]: name for office_id, name in names.items()})
    offices = base.offices.copy()
    offices["name"] = offices["office_id"].map(names).fillna(offices["name"])
    offices["approximate"] = True
    offices["office_type"] = OFFICE_TYPE
    offices["location_note"] = OFFICE_NOTE
    discs = base.discs.copy()
    discs["name"] = discs["office_id"].map(names).fillna(discs["name"])
    regencies = base.regencies.copy()
    regencies.loc[regencies["code"] == SLEMAN, "name"] = REGION
    catchment = discs[discs["office_id"] == "PH-SLEMAN"].copy()
    catchment["radius_km"] = 5.0
    inputs = {**base.inputs,
              "participation": {"path": f"/data/{PARTICIPATION_FILE}", "sha256": ""},
              "offices": {"path": f"/data/{OFFICES_FILE}", "sha256": ""}}
    return dataclasses.replace(
        base, villages=villages, offices=offices, discs=discs, regencies=regencies,
        is_demo=False, inputs=inputs,
        road_catchments=gpd.GeoDataFrame(catchment, geometry="geometry", crs=discs.crs),
        road_network={"source": ROAD_SOURCE, "attribution": ROAD_CREDIT, "radius_km": 5.0,
                      "directed": False})


@pytest.fixture(scope="module")
def hostile_file(artifacts: Path) -> Path:
    return write_share_map(hostile_result(), SLEMAN, artifacts / "share-hostile.html",
                           created=DAY)


@pytest.fixture(scope="module")
def clean_file(artifacts: Path) -> Path:
    return write_share_map(bundled_result(), "Sleman", artifacts / "share-sleman-clean.html",
                           created=DAY)


def hover_tooltips(page: Page, test: str) -> list[str]:
    """Hover (as Leaflet's mouse events do) every layer matching ``test``; the tooltips."""
    count = page.evaluate(f"""() => {{
        window.__hover = [];
        {MAP}.eachLayer(layer => {{
            if (({test})(layer)) window.__hover.push(layer);
        }});
        return window.__hover.length; }}""")
    hover = """index => {
        const layer = window.__hover[index];
        const at = layer.getLatLng ? layer.getLatLng() : layer.getBounds().getCenter();
        layer.fire("mouseover", {latlng: at}, true);
        const tips = [...document.querySelectorAll(".leaflet-tooltip")];
        const text = tips.map(tip => tip.textContent).join(" | ");
        layer.fire("mouseout", {latlng: at}, true);
        return text; }"""
    return [page.evaluate(hover, index) for index in range(count)]


def assert_inert(page: Page, visit: object, expected_scripts: int) -> None:
    """Nothing ran: no flag, no dialog, no error, no injected element or script."""
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert visit.problems == []  # type: ignore[attr-defined]
    assert page.locator("img[src='x'], svg[onload], [onerror], [onload]").count() == 0
    assert page.evaluate("document.scripts.length") == expected_scripts
    assert page.locator("a[href^='javascript:']").count() == 0


def test_hostile_text_stays_text_in_the_shared_map(page: Page, hostile_file: Path,
                                                   clean_file: Path, artifacts: Path):
    from playwright.sync_api import expect  # noqa: PLC0415 - only with playwright installed

    open_offline(page, clean_file)
    clean_scripts = page.evaluate("document.scripts.length")
    visit = open_offline(page, hostile_file)
    assert page.title() == f"Cakupan kepesertaan BPJS Ketenagakerjaan · {REGION}"

    village_tips = hover_tooltips(page, VILLAGE_LAYER)
    assert len(village_tips) == len(VILLAGES)
    joined = " ".join(village_tips)
    for text in (*VILLAGES, REGION, DISTRICT, OFFICE):
        assert text in joined, text

    office_tips = " ".join(hover_tooltips(page, "l => l instanceof L.CircleMarker"))
    for text in (OFFICE, OFFICE_TYPE, OFFICE_NOTE):
        assert text in office_tips, text
    page.locator(".leaflet-control-layers").hover()  # the road catchments start off
    page.get_by_label("Jangkauan", exact=False).check()
    catchment_tips = " ".join(hover_tooltips(
        page, "l => 'tip' in ((l.feature || {}).properties || {})"))
    assert OFFICE in catchment_tips

    title = page.locator(".geo-outreach-title")
    expect(title).to_contain_text(REGION)
    expect(title).to_contain_text(OUTSIDE_OFFICE)
    labels = " ".join(page.locator(".go-label span").all_text_contents())
    for text in (DISTRICT, OTHER_DISTRICT, VILLAGES[0], OUTSIDE_OFFICE):
        assert text in labels, text
    page.locator(".go-sources summary").click()
    sources = page.locator(".go-sources").text_content() or ""
    for text in (PARTICIPATION_FILE, OFFICES_FILE, ROAD_SOURCE, ROAD_CREDIT):
        assert text in sources, text
    assert ROAD_CREDIT in (page.locator(".leaflet-control-attribution").text_content() or "")

    search = page.locator(".leaflet-control-search input.search-input")
    search.press_sequentially("Desa")
    tips = page.locator(".search-tip")
    expect(tips.first).to_be_visible()
    found = " | ".join(tips.all_text_contents())
    for name in VILLAGES:
        assert name in found, name
    page.locator(".search-tip", has_text="Desa0").click()
    page.wait_for_function(f"{MAP}.getZoom() >= 13")
    page.screenshot(path=artifacts / "share-hostile.png")

    assert_inert(page, visit, clean_scripts)
    assert visit.requests == [visit.url]


def test_hostile_text_stays_text_in_the_map_download(page: Page, artifacts: Path):
    from geo_outreach.render.maps import coverage_map  # noqa: PLC0415

    result = hostile_result()
    clean = artifacts / "map-download-clean.html"
    maps.save_map(coverage_map(bundled_result(), regency="Sleman", basemap=False), clean)
    hostile = artifacts / "map-download-hostile.html"
    maps.save_map(coverage_map(result, regency=SLEMAN, basemap=False), hostile)
    open_offline(page, clean)
    clean_scripts = page.evaluate("document.scripts.length")
    visit = open_offline(page, hostile)
    tips = " ".join(hover_tooltips(page, VILLAGE_LAYER))
    for text in (*VILLAGES, REGION, DISTRICT):
        assert text in tips, text
    office_tips = " ".join(hover_tooltips(page, "l => l instanceof L.CircleMarker"))
    assert OFFICE in office_tips
    assert OFFICE_NOTE in office_tips
    assert REGION in (page.locator(".geo-outreach-title").text_content() or "")
    assert_inert(page, visit, clean_scripts)
    assert visit.requests == [visit.url]


# --- requests -------------------------------------------------------------------------------
def use_the_map(page: Page, *, skip_layer: str | None = None) -> None:
    """Pan, zoom, open every layer, search, hover and go full screen, as a reader would."""
    box = page.locator(".leaflet-container").bounding_box()
    assert box is not None
    middle = (box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.move(*middle)
    page.mouse.wheel(0, -600)
    page.mouse.down()
    page.mouse.move(middle[0] + 200, middle[1] + 120, steps=8)
    page.mouse.up()
    page.evaluate(f"() => {{ {MAP}.setZoom(15, {{animate: false}}); }}")
    page.evaluate(f"() => {{ {MAP}.panBy([400, -300], {{animate: false}}); }}")
    page.evaluate(f"() => {{ {MAP}.setZoom(9, {{animate: false}}); }}")
    page.locator(".leaflet-control-layers").hover()
    boxes = page.locator(".leaflet-control-layers-overlays label")
    for index in range(boxes.count()):
        label = boxes.nth(index)
        if skip_layer and skip_layer in (label.text_content() or ""):
            continue
        label.locator("input").click()
        label.locator("input").click()
    search = page.locator(".leaflet-control-search input.search-input")
    search.press_sequentially("Condong")
    page.locator(".search-tip").first.click()
    page.locator(".leaflet-control-zoom-fullscreen").click()
    page.wait_for_function(f"{MAP}._isFullscreen === true")
    page.locator(".leaflet-control-zoom-fullscreen").click()
    page.locator(".go-sources summary").click()
    page.mouse.move(*middle)


def schemes(requests: list[str]) -> set[str]:
    return {urlsplit(url).scheme for url in requests}


def test_a_shared_map_asks_for_nothing_while_used(page: Page, clean_file: Path):
    visit = open_offline(page, clean_file)
    use_the_map(page)
    assert schemes(visit.requests) <= ALLOWED_SCHEMES, visit.requests
    assert visit.problems == []


def test_with_a_basemap_tiles_come_only_when_turned_on(page: Page, artifacts: Path):
    path = write_share_map(bundled_result(), "Sleman", artifacts / "share-basemap.html",
                           basemap=True, created=DAY)
    visit = open_offline(page, path)
    use_the_map(page, skip_layer="OpenStreetMap")
    assert schemes(visit.requests) <= ALLOWED_SCHEMES, visit.requests
    page.locator(".leaflet-control-layers").hover()
    basemap = page.locator(".leaflet-control-layers-overlays label", has_text="OpenStreetMap")
    with page.expect_request(lambda request: urlsplit(request.url).scheme == "https"):
        basemap.locator("input").click()
    online = [url for url in visit.requests if urlsplit(url).scheme not in ALLOWED_SCHEMES]
    assert online
    assert {urlsplit(url).netloc for url in online} == {"tile.openstreetmap.org"}
