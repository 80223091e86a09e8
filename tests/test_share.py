"""Shared maps: one kabupaten/kota, clipped, self-contained, private, escaped."""

from __future__ import annotations

import argparse
import dataclasses
import functools
import hashlib
import json
import re
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import folium
import pandas as pd
import pytest
import shapely
from folium.plugins import AntPath

from geo_outreach import cli
from geo_outreach._errors import InputError, OutputError
from geo_outreach.analysis.household_reach import prepare_households
from geo_outreach.analysis.pipeline import analyse
from geo_outreach.cli.share import add_share_command, run_share
from geo_outreach.config import AnalysisParams
from geo_outreach.inputs.prepare import InputPaths, prepare_inputs
from geo_outreach.render import map_data, maps, share, share_controls, share_layers, share_text
from tests.privacy_scan import household_leaks, small_count_leaks
from tests.url_scan import OSM_CSP_SOURCE, OSM_TILES, fetchable_urls

if TYPE_CHECKING:
    from geo_outreach.analysis.result import AnalysisResult

EVIL_SCRIPT = "<script>alert(1)</script>"
EVIL_TEMPLATE = "${alert(1)}"
EVIL_DISTRICT = "<img src=x onerror=alert(2)>"
EVIL_OFFICE = "KC `${alert(3)}` <i>Yogya</i>"
DAY = date(2025, 11, 25)
BUDGET_BYTES = 2_000_000
SLEMAN = "Kabupaten Sleman"


# --- results (also used by test_static_map.py and tests/browser) -----------------------
@functools.cache
def bundled_result(*, households: bool = True) -> AnalysisResult:
    """The bundled DIY data, with the DEMO household points unless told otherwise."""
    prepared = prepare_inputs(InputPaths())
    points = prepare_households(prepared, None) if households else None
    return analyse(prepared, AnalysisParams(), households=points)


def evil_result() -> AnalysisResult:
    """The bundled result with hostile names in Sleman and on the Kota office."""
    base = bundled_result()
    villages = base.villages.copy()
    sleman = villages.index[villages["regency"] == SLEMAN]
    villages.loc[sleman[0], "name"] = EVIL_SCRIPT
    villages.loc[sleman[1], "name"] = EVIL_TEMPLATE
    district = villages.loc[sleman[2], "district"]
    villages.loc[villages["district"] == district, "district"] = EVIL_DISTRICT
    offices = base.offices.copy()
    offices.loc[offices["office_id"] == "KC-YGY", "name"] = EVIL_OFFICE
    return dataclasses.replace(base, villages=villages, offices=offices)


@functools.cache
def sleman_page() -> str:
    return shown(share.share_html(bundled_result(), "Sleman", created=DAY))


def shown(page: str) -> str:
    """The page with JSON's \\uXXXX escapes decoded (folium writes control HTML as JSON)."""
    return re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), page)


def geojson_payloads(page: str) -> list[dict]:
    """The GeoJSON objects folium embedded in the page."""
    decoder = json.JSONDecoder()
    return [decoder.raw_decode(page, match.start(1))[0]
            for match in re.finditer(r"_add\((\{)\"features\"", page)]


def village_features(page: str) -> list[dict]:
    return next(p["features"] for p in geojson_payloads(page)
                if p["features"] and "q" in p["features"][0]["properties"])


# --- contents -------------------------------------------------------------------------
def test_only_the_villages_of_the_regency():
    result = bundled_result()
    features = village_features(sleman_page())
    expected = result.villages.loc[result.villages["regency"] == SLEMAN, "name"]
    assert len(features) == len(expected)
    assert {f["properties"]["regency"] for f in features} == {SLEMAN}


def test_everything_is_clipped_to_the_regency():
    layers = share_layers.share_layers(bundled_result(), "sleman")
    outline = layers.outline.to_crs(layers.metric_crs).geometry.iloc[0].buffer(1.0)
    for frame in (layers.villages, layers.districts, layers.rings, layers.cells):
        assert frame is not None
        assert frame.to_crs(layers.metric_crs).within(outline).all()
    assert layers.offices.to_crs(layers.metric_crs).within(outline).all()


def test_a_ring_from_outside_is_cut_at_the_border_and_the_office_named():
    layers = share_layers.share_layers(bundled_result(), "Sleman")
    assert layers.outside["office_id"].tolist() == ["KC-YGY"]
    assert "KC-YGY" not in layers.offices["office_id"].tolist()
    ring = layers.rings.set_index("office_id").loc["KC-YGY"]
    assert ring["outside"]
    full = bundled_result().discs.set_index("office_id").loc["KC-YGY", "geometry"].boundary
    assert 0 < ring.geometry.length < full.length  # only the part inside Sleman
    page = sleman_page()
    assert "KC Yogyakarta berada di luar Kabupaten Sleman" in page
    assert "kantor di luar wilayah" in page


def test_an_office_inside_keeps_its_marker_and_the_city_has_no_outside_office():
    layers = share_layers.share_layers(bundled_result(), "Kota Yogyakarta")
    assert layers.offices["office_id"].tolist() == ["KC-YGY"]
    assert layers.outside.empty


def test_title_date_sources_method_legend_and_demo_labels():
    page = sleman_page()
    for text in ("Cakupan kepesertaan BPJS Ketenagakerjaan", "Kabupaten Sleman",
                 "Dibuat 25 November 2025", "Sumber data dan metode", "Dukcapil",
                 "Cakupan = peserta aktif ÷ angkatan kerja", "DEMO — data kepesertaan sintetis",
                 "DEMO — titik rumah tangga sintetis", "geo-outreach-legend",
                 "Titik panas", "garis lurus", "disembunyikan"):
        assert text in page, text
    assert "<title>Cakupan kepesertaan BPJS Ketenagakerjaan · Kabupaten Sleman</title>" in page


def test_no_demo_label_with_own_data():
    result = dataclasses.replace(bundled_result(households=False), is_demo=False,
                                 inputs={"participation": {"path": "/home/staf/peserta.csv"}})
    page = shown(share.share_html(result, "Bantul", created=DAY))
    assert "DEMO" not in page
    assert "Kepesertaan: berkas peserta.csv" in page
    assert "/home/staf" not in page  # a file is named, never its folder


def test_english():
    page = shown(share.share_html(bundled_result(), "Bantul", lang="en", created=DAY))
    assert "BPJS Ketenagakerjaan participation coverage" in page
    assert "Created 25 November 2025" in page
    assert "Search a village" in page


def test_place_labels_search_fullscreen_scale_and_layer_control():
    page = sleman_page()
    assert "go-village-label" in page
    assert "<span>Depok</span>" in page  # a kapanewon name as a label
    assert "L.Control.Search" in page
    assert "L.control.fullscreen" in page
    assert "L.control.scale" in page
    assert "L.control.layers" in page
    assert '"q": "Caturtunggal (Depok)"' in page


def test_extra_layers_are_added_and_must_work_offline():
    route = folium.FeatureGroup(name="Rute kunjungan")
    folium.PolyLine([(-7.75, 110.35), (-7.76, 110.40)], color="#d95f02").add_to(route)
    page = share.share_html(bundled_result(), "Sleman", extra_layers=[route], created=DAY)
    assert "Rute kunjungan" in page
    assert "L.polyline" in page
    for online in (AntPath([(-7.75, 110.35), (-7.76, 110.40)]),
                   folium.Marker((-7.75, 110.35), icon=folium.Icon(icon="home"))):
        group = folium.FeatureGroup(name="x")
        online.add_to(group)
        with pytest.raises(ValueError, match="from the internet"):
            share.share_map(bundled_result(), "Sleman", extra_layers=[group])


def test_road_catchments_are_clipped_credited_and_escaped():
    from geo_outreach.roads import networks as roads  # noqa: PLC0415 - the road stack, only here
    from geo_outreach.roads.reach import road_reach, with_road_reach  # noqa: PLC0415

    base = evil_result()
    result = with_road_reach(base, road_reach(base, roads.bundled_network()))
    assert result.road_catchments is not None
    layers = share_layers.share_layers(result, "Sleman")
    assert layers.catchments is not None
    assert len(layers.catchments) == 1
    outline = layers.outline.to_crs(layers.metric_crs).geometry.iloc[0].buffer(1.0)
    assert layers.catchments.to_crs(layers.metric_crs).within(outline).all()
    page = shown(share.share_html(result, "Sleman", created=DAY))
    assert "Jangkauan 5 km lewat jalan" in page
    assert "OpenStreetMap contributors" in page
    assert "Jaringan jalan:" in page
    assert "${alert(3)}" not in page


def test_unknown_regency_lists_the_valid_ones():
    with pytest.raises(InputError, match=r"Kabupaten Sleman \(34\.04\)"):
        share_layers.share_layers(bundled_result(), "Surakarta")


# --- self-contained ---------------------------------------------------------------------
def test_self_contained_and_forbidden_to_load_anything():
    page = sleman_page()
    assert not re.search(r"<script[^>]*\bsrc=", page, re.IGNORECASE)
    assert not re.search(r"<link[^>]*\bhref=", page, re.IGNORECASE)
    assert not re.search(r"""url\(\s*["']?(https?:|//)|@import""", page, re.IGNORECASE)
    assert "sourceMappingURL" not in page
    assert "tile.openstreetmap" not in page
    csp = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', page)
    assert csp is not None
    assert "default-src 'none'" in csp.group(1)
    assert "img-src data:;" in csp.group(1)
    assert page.index("Content-Security-Policy") < page.index("<script")


def test_no_address_a_shared_page_would_fetch():
    assert fetchable_urls(sleman_page()) == []
    tiles = frozenset({OSM_TILES, OSM_CSP_SOURCE})
    with_tiles = share.share_html(bundled_result(), "Sleman", basemap=True, created=DAY)
    assert fetchable_urls(with_tiles, allowed=tiles) == []
    assert len(fetchable_urls(with_tiles)) == len(tiles)  # the tile template and CSP only
    download = maps.coverage_map(bundled_result(), regency="Sleman").get_root().render()
    assert fetchable_urls(download, allowed=frozenset({OSM_TILES})) == []


def test_basemap_is_optional_and_allowed_only_when_asked():
    page = shown(share.share_html(bundled_result(), "Sleman", basemap=True, created=DAY))
    assert "tile.openstreetmap.org" in page
    assert "img-src data: https://tile.openstreetmap.org;" in page


@pytest.mark.parametrize("regency", ["Kulon Progo", "Bantul", "Gunungkidul", "Sleman",
                                     "Kota Yogyakarta"])
def test_size_budget(regency: str):
    size = len(share.share_html(bundled_result(), regency, created=DAY).encode("utf-8"))
    assert size <= BUDGET_BYTES, f"{regency}: {size / 1e6:.2f} MB"


def test_simplification_keeps_the_area_and_valid_polygons():
    result = bundled_result()
    layers = share_layers.share_layers(result, "Gunungkidul")
    original = result.villages[result.villages["regency"] == "Kabupaten Gunungkidul"]
    before = original.to_crs(layers.metric_crs).area.sum()
    after = layers.villages.to_crs(layers.metric_crs).area.sum()
    assert after == pytest.approx(before, rel=0.005)
    assert layers.villages.is_valid.all()


def test_vendored_plugins_match_their_manifest():
    manifest = (share_controls.ASSETS / "MANIFEST.txt").read_text(encoding="utf-8").splitlines()
    rows = [line.split() for line in manifest if line and not line.startswith("#")]
    assert {(name, version) for name, version, _, _ in rows} == {
        ("leaflet-search", "2.9.7"), ("leaflet.fullscreen", "3.0.0")}
    for _, _, file, digest in rows:
        content = (share_controls.ASSETS / file).read_bytes()
        assert hashlib.sha256(content).hexdigest() == digest, file
    files = {file for _, _, file, _ in rows}
    assert {"leaflet-search/license.txt", "leaflet.fullscreen/LICENSE"} <= files
    script = (Path(__file__).parents[1] / "scripts" / "vendor_map_plugins.sh").read_text()
    assert "npm pack" in script
    assert "leaflet-search 2.9.7 sha512-" in script


def test_plugin_assets_are_inline_ready():
    scripts, styles = share_controls.plugin_assets()
    assert "L.Control.Search" in scripts
    assert "Control.FullScreen" in scripts
    assert "url(../images" not in styles
    assert "url(icon-fullscreen.svg)" not in styles
    assert "data:image/svg+xml;base64," in styles
    assert "data:image/png;base64," in styles


# --- privacy ----------------------------------------------------------------------------
def test_shared_files_hold_no_household_data(household_register):
    result, table = household_register
    assert result.household_cells is not None
    labels = result.household_cells["households_within_radius_label"].astype(str)
    assert labels.str.startswith("<").any()  # the scan meets hidden cells ...
    assert pd.to_numeric(labels, errors="coerce").ge(10).any()  # ... and shown ones
    for regency in map_data.regency_names(result):
        page = share.share_html(result, regency, created=DAY)
        leaks = household_leaks(page, table) + small_count_leaks(page, result)
        assert not leaks, (regency, leaks[:5])


def test_the_apps_map_download_holds_no_household_data(household_register):
    result, table = household_register
    for regency in (None, "Sleman"):
        page = maps.coverage_map(result, regency=regency).get_root().render()
        leaks = household_leaks(page, table) + small_count_leaks(page, result)
        assert not leaks, (regency, leaks[:5])
    assert "&lt; 10 rumah tangga" in shown(page)  # what a hidden count shows instead


def test_the_scanner_finds_what_a_careless_page_would_show(household_register):
    result, table = household_register
    row = table.iloc[17]
    careless = (f'<b>{row["nama_kepala_keluarga"]}</b> [{row["lon"]:.5f}, {row["lat"]:.5f}] '
                f'"lat": {row["lat"]:.4f}, "lon": {row["lon"]:.4f} {row["nik"]} '
                f'{{"features": [{{"properties": {{"households": "3", "uncovered": "2"}}}}]}}')
    leaks = household_leaks(careless, table) + small_count_leaks(careless, result)
    assert any("nama_kepala_keluarga" in leak for leak in leaks)
    assert any("NIK" in leak for leak in leaks)
    assert sum("household row 17: pair" in leak for leak in leaks) == 2
    assert any("cell shows 3 households" in leak for leak in leaks)


def test_small_counts_are_suppressed_through_shareable():
    base = bundled_result()
    villages = base.villages.copy()
    index = villages.index[(villages["regency"] == SLEMAN)
                           & (villages["reach_method"] == "household_points")][0]
    villages.loc[index, "households_within_radius"] = 3
    villages.loc[index, "uncovered_within_radius"] = 123.0
    result = dataclasses.replace(base, villages=villages)
    layers = share_layers.share_layers(result, "Sleman")
    row = layers.villages[layers.villages["code"] == villages.loc[index, "code"]].iloc[0]
    assert pd.isna(row["uncovered_within_radius"])
    assert row["households_within_radius_label"] == "<10"
    feature = next(f for f in village_features(share.share_html(result, "Sleman"))
                   if f["properties"]["code"] == villages.loc[index, "code"])
    assert feature["properties"]["uncovered_in"] == "&lt; 10 rumah tangga"
    cells = layers.cells
    assert cells is not None
    hidden = cells["households_within_radius_label"].astype(str).str.startswith("<")
    assert cells.loc[hidden, "uncovered_households_within_radius"].isna().all()


# --- escaping ---------------------------------------------------------------------------
def test_every_user_text_is_escaped():
    page = share.share_html(evil_result(), "Sleman", created=DAY)
    for raw in (EVIL_SCRIPT, EVIL_TEMPLATE, EVIL_DISTRICT, "${alert(3)}", "<i>Yogya"):
        assert raw not in page, raw
    features = village_features(page)
    names = {f["properties"]["name"] for f in features}
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in names
    assert "&#36;&#123;alert(1)&#125;" in names
    assert "alert(2)" in page  # shown as text
    assert "alert(3)" in page


def test_names_are_never_run_as_templates():
    """Branca renders each script once more as Jinja: ``{{ }}`` in a name must stay text."""
    base = bundled_result(households=False)
    villages = base.villages.copy()
    offices = base.offices.copy()
    city = villages.index[villages["regency"] == "Kota Yogyakarta"]
    villages.loc[city[0], "name"] = "{{ lipsum.__globals__.__name__ }}"
    villages.loc[city[1], "district"] = "{% for x in range(3) %}ulang{% endfor %}"
    offices.loc[offices["office_id"] == "KC-YGY", "name"] = "KC {{ 7*7 }}"
    result = dataclasses.replace(base, villages=villages, offices=offices)
    for page in (share.share_html(result, "Kota Yogyakarta", created=DAY),
                 maps.coverage_map(result).get_root().render()):
        assert "jinja2.utils" not in page
        assert "ulangulang" not in page
        assert "KC 49" not in page
        assert "&#123;&#123; lipsum.__globals__.__name__ &#125;&#125;" in shown(page)
        assert "KC &#123;&#123; 7*7 &#125;&#125;" in shown(page)


# --- names, dates, files ------------------------------------------------------------------
def test_share_file_name():
    assert share_text.share_file_name("Kabupaten Sleman") == "peta-kabupaten-sleman.html"
    assert share_text.share_file_name("Kota Yogyakarta", ".pdf") == "peta-kota-yogyakarta.pdf"
    assert share_text.share_file_name("../../etc", ".png") == "peta-etc.png"


def test_format_date_in_both_languages():
    assert share_text.format_date(date(2026, 5, 1)) == "1 Mei 2026"
    assert share_text.format_date(date(2026, 8, 17), "en") == "17 August 2026"


def test_write_is_atomic_and_reports_unwritable_places(tmp_path: Path):
    path = share.write_share_map(bundled_result(), "Kota Yogyakarta", tmp_path / "a" / "k.html",
                                 created=DAY)
    assert path.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert [p.name for p in path.parent.iterdir()] == ["k.html"]
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(OutputError, match="cannot write the map"):
        share.write_share_map(bundled_result(), "Kota Yogyakarta", blocker / "k.html")


# --- command line -------------------------------------------------------------------------
def run(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="geo-outreach")
    add_share_command(parser.add_subparsers(dest="command", required=True))
    return run_share(parser.parse_args(list(argv)))


def test_cli_share_html_png_and_all(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    assert run("share", "--regency", "sleman", "--out", str(tmp_path / "s.html")) == 0
    assert (tmp_path / "s.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert run("share", "--regency", "Kota Yogyakarta", "--out", str(tmp_path / "k.PNG"),
               "--dpi", "40") == 0
    assert (tmp_path / "k.PNG").read_bytes().startswith(b"\x89PNG")
    assert run("share", "--regency", "all", "--out", str(tmp_path / "semua")) == 0
    assert sorted(p.name for p in (tmp_path / "semua").iterdir()) == [
        "SHA256SUMS", "peta-kabupaten-bantul.html", "peta-kabupaten-gunungkidul.html",
        "peta-kabupaten-kulon-progo.html", "peta-kabupaten-sleman.html",
        "peta-kota-yogyakarta.html"]
    assert "wrote" in capsys.readouterr().out


def test_cli_share_refuses_an_unknown_suffix(tmp_path: Path):
    with pytest.raises(InputError, match=r"\.html.*\.png or \.pdf"):
        run("share", "--regency", "Sleman", "--out", str(tmp_path / "s.docx"))


def test_cli_main_knows_share_once_wired(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    commands = next(a for a in cli.build_parser()._actions
                    if isinstance(a, argparse._SubParsersAction))
    if "share" not in commands.choices:
        pytest.skip("geo_outreach.cli does not add the share command yet")
    assert cli.main(["share", "--regency", "Bantul", "--out", str(tmp_path / "b.html")]) == 0
    assert cli.main(["share", "--regency", "Solo", "--out", str(tmp_path / "x.html")]) == 1
    assert "Kabupaten Sleman (34.04)" in capsys.readouterr().err


def test_app_share_tab_offers_the_download():
    from streamlit.testing.v1 import AppTest  # noqa: PLC0415 - the app extra

    def app() -> None:
        from app_pages.share import show_share  # noqa: PLC0415
        from tests.test_share import bundled_result  # noqa: PLC0415

        show_share(bundled_result(households=False), "id",
                  ["Kabupaten Sleman", "Kota Yogyakarta"])

    at = AppTest.from_function(app, default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    buttons = at.get("download_button")
    assert [b.proto.label for b in buttons] == ["Unduh peta untuk dibagikan"]
    assert at.radio(key="share_format").options == [
        "Peta interaktif (HTML, bisa dibuka tanpa internet)", "Gambar untuk laporan (PNG)",
        "Dokumen untuk dicetak (PDF)"]
    at.selectbox(key="share_regency").set_value("Kota Yogyakarta").run()
    assert not at.exception


def test_shareable_layers_are_geodataframes_in_wgs84():
    layers = share_layers.share_layers(bundled_result(), "Bantul")
    for frame in (layers.villages, layers.districts, layers.outline, layers.rings,
                  layers.offices, layers.outside, layers.cells):
        assert frame is not None
        assert frame.crs == "EPSG:4326"
    assert shapely.get_num_coordinates(layers.villages.geometry.to_numpy()).sum() > 0
