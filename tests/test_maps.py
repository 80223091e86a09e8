"""Tests of geo_outreach.render.maps on a hand-built result (no pipeline, no network)."""

from __future__ import annotations

import dataclasses
import json
import re
from types import SimpleNamespace
from typing import TYPE_CHECKING

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from geo_outreach._errors import InputError, OutputError
from geo_outreach.analysis.result import AnalysisResult
from geo_outreach.config import UTM_49S, AnalysisParams
from geo_outreach.render import (
    map_assets,
    map_data,
    map_layers,
    map_style,
    maps,
    route_layers,
    share_controls,
)

if TYPE_CHECKING:
    from pathlib import Path

EVIL = "<script>alert(1)</script>"
SIDE_M = 4000.0
ORIGIN = (430000.0, 9140000.0)  # UTM 49S, just north of Yogyakarta


def _square(column: int, row: int) -> shapely.Polygon:
    x0, y0 = ORIGIN[0] + column * SIDE_M, ORIGIN[1] + row * SIDE_M
    return shapely.box(x0, y0, x0 + SIDE_M, y0 + SIDE_M)


def _villages() -> gpd.GeoDataFrame:
    rows = [
        # code, name, district, regency, labour force, participants, has data, cell
        ("34.04.07.2001", "Sariharjo", "Ngaglik", "Kabupaten Sleman", 5000, 500, True, (0, 1)),
        ("34.04.07.2002", "Sinduharjo", "Ngaglik", "Kabupaten Sleman", 4000, 1900, True, (1, 1)),
        ("34.04.08.2001", EVIL, "Ngemplak", "Kabupaten Sleman", 3000, None, False, (2, 1)),
        ("34.71.01.1001", "Tegalrejo", "Tegalrejo", "Kota Yogyakarta", 6000, 2100, True, (0, 0)),
        ("34.71.02.1001", "Bener", "Tegalrejo", "Kota Yogyakarta", 2000, 1400, True, (1, 0)),
    ]
    frame = pd.DataFrame(rows, columns=["code", "name", "district", "regency", "labour_force",
                                        "participants", "has_data", "cell"])
    frame["participants"] = pd.to_numeric(frame["participants"])
    frame.loc[~frame["has_data"], "labour_force"] = np.nan
    target = 0.4
    frame["kind"] = "desa"
    frame["employed"] = frame["labour_force"] * 0.95
    frame["denominator_value"] = frame["labour_force"]
    frame["coverage"] = frame["participants"] / frame["denominator_value"]
    frame["gap_to_target"] = target - frame["coverage"]
    frame["uncovered"] = frame["denominator_value"] - frame["participants"]
    frame["workers_to_target"] = (target * frame["denominator_value"] - frame["participants"]
                                  ).clip(lower=0)
    frame["share_within_radius"] = [1.0, 0.8, 0.3, 1.0, 1.0]
    frame["uncovered_within_radius"] = frame["uncovered"] * frame["share_within_radius"]
    frame["labour_force_within_radius"] = frame["labour_force"] * frame["share_within_radius"]
    frame["participants_within_radius"] = frame["participants"] * frame["share_within_radius"]
    frame["nearest_office"] = ["KC Yogyakarta", "KC Yogyakarta", "KCP Sleman",
                               "KC Yogyakarta", "KC Yogyakarta"]
    frame["distance_to_office_km"] = [2.1, 3.456, 4.0, 1.2, 0.8]
    geometry = [_square(*cell) for cell in frame.pop("cell")]
    return gpd.GeoDataFrame(frame, geometry=geometry, crs=UTM_49S).to_crs("EPSG:4326")


def _offices() -> gpd.GeoDataFrame:
    frame = pd.DataFrame({
        "office_id": ["KC-YGY", "KCP-SLM"],
        "name": ["KC Yogyakarta", "KCP `${alert(2)}` Sleman"],
        "office_type": ["KC", "KCP"],
        "approximate": [False, True],
        "location_note": [None, "perkiraan: pusat kalurahan"],
        "villages_within_radius": [4, 2],
        "labour_force_within_radius": [15200.0, 2400.0],
        "denominator_within_radius": [15200.0, 2400.0],
        "participants_within_radius": [4920.0, 1520.0],
        "uncovered_within_radius": [10280.0, 880.0],
    })
    frame["coverage_within_radius"] = frame["participants_within_radius"] / frame[
        "denominator_within_radius"]
    frame["gap_to_target"] = 0.4 - frame["coverage_within_radius"]
    frame["workers_to_target_within_radius"] = 0.0
    points = [shapely.Point(ORIGIN[0] + 4000, ORIGIN[1] + 3000),
              shapely.Point(ORIGIN[0] + 10000, ORIGIN[1] + 6000)]
    offices = gpd.GeoDataFrame(frame, geometry=points, crs=UTM_49S)
    frame_4326 = offices.to_crs("EPSG:4326")
    frame_4326["lat"] = frame_4326.geometry.y
    frame_4326["lon"] = frame_4326.geometry.x
    return frame_4326


def _discs(offices: gpd.GeoDataFrame, radius_km: float) -> gpd.GeoDataFrame:
    metric = offices.to_crs(UTM_49S)
    return gpd.GeoDataFrame(
        metric[["office_id", "name", "approximate"]].copy(),
        geometry=metric.geometry.buffer(radius_km * 1000, quad_segs=64), crs=UTM_49S,
    ).to_crs("EPSG:4326")


def _dissolve(villages: gpd.GeoDataFrame, key: str, code_length: int) -> gpd.GeoDataFrame:
    groups = villages.assign(code=villages["code"].str[:code_length])
    dissolved = groups.dissolve(by=["code", key], as_index=False)
    columns = ["code", key, "geometry"] + (["regency"] if key == "district" else [])
    return dissolved[columns].rename(columns={key: "name"})


def make_result(*, is_demo: bool = True, approximate: bool = True) -> AnalysisResult:
    params = AnalysisParams(radius_km=5.0, target=0.4, denominator="labour_force")
    villages = _villages()
    offices = _offices()
    if not approximate:
        offices["approximate"] = False
    discs = _discs(offices, params.radius_km)
    priority = pd.DataFrame(villages.drop(columns="geometry")).assign(rank=range(1, 6))
    return AnalysisResult(
        villages=villages, offices=offices, discs=discs, priority=priority,
        match_report=pd.DataFrame({"status": ["code"] * 4}),
        districts=_dissolve(villages, "district", 8),
        regencies=_dissolve(villages, "regency", 5),
        params=params, is_demo=is_demo,
    )


@pytest.fixture(scope="module")
def result() -> AnalysisResult:
    return make_result()


@pytest.fixture(scope="module")
def page(result: AnalysisResult) -> str:
    return maps.coverage_map(result).get_root().render()


def _geojson_payloads(page: str) -> list[dict]:
    """The GeoJSON objects folium embedded in the page."""
    decoder = json.JSONDecoder()
    return [decoder.raw_decode(page, match.start(1))[0]
            for match in re.finditer(r'_add\((\{)"features"', page)]


# --- legend, title, DEMO -----------------------------------------------------------
def test_legend_states_classes_target_and_denominator(page: str):
    legend = _control_html(page, "geo-outreach-legend")
    assert "Cakupan = peserta aktif ÷ angkatan kerja" in legend
    assert "Target cakupan: 40%" in legend
    for label in ("&lt; 20%", "20\u201330%", "30\u201340%", "40\u201350%", "≥ 50%",
                  "tanpa data"):
        assert label in legend
    for colour in map_style.CLASS_COLOURS:
        assert colour in legend
    assert "dari target" in legend


def test_legend_counts_villages_per_class(page: str):
    legend = _control_html(page, "geo-outreach-legend")
    # coverages 10 %, 47.5 %, no data, 35 %, 70 %: one each in <20, 30-40, 40-50, >=50
    assert re.search(r"tanpa data <span[^>]*>\(1\)", legend)
    assert re.search(r"&lt; 20%[^<]*<span[^>]*>\(1\)", legend)
    assert re.search(r"20\u201330%[^<]*<span[^>]*>\(0\)", legend)


def test_english_legend(result: AnalysisResult):
    page = maps.coverage_map(result, lang="en").get_root().render()
    legend = _control_html(page, "geo-outreach-legend")
    assert "Coverage = active participants ÷ labour force" in legend
    assert "no data" in legend
    assert "DEMO — synthetic participation data, not BPJS data" in legend


def test_demo_label_in_title_and_legend(page: str):
    assert "DEMO — data kepesertaan sintetis, bukan data BPJS" in _control_html(
        page, "geo-outreach-title")
    assert "DEMO" in _control_html(page, "geo-outreach-legend")


def test_no_demo_label_for_real_data():
    page = maps.coverage_map(make_result(is_demo=False)).get_root().render()
    assert "DEMO" not in page


def test_title_names_the_tool(page: str):
    title = _control_html(page, "geo-outreach-title")
    assert "geo-outreach: kesenjangan kepesertaan BPJS Ketenagakerjaan" in title
    assert "Seluruh DIY" in title


# --- offices -----------------------------------------------------------------------
def test_approximate_office_is_dashed_hollow_and_says_so(page: str):
    markers = re.findall(r"L\.circleMarker\(\s*\[[^\]]*\],\s*(\{.*?\})\s*\)", page, re.DOTALL)
    assert len(markers) == 2
    exact, approximate = (json.loads(_js_object_to_json(text)) for text in markers)
    assert exact["fillColor"] == map_style.OFFICE_COLOUR
    assert "dashArray" not in exact or exact["dashArray"] is None
    assert approximate["fillColor"] == "#ffffff"
    assert approximate["dashArray"]
    assert "lokasi perkiraan" in page
    assert "Lokasi perkiraan — unggah koordinat kantor yang sebenarnya" in page
    assert "perkiraan: pusat kalurahan" in page


def test_rings_come_from_the_discs_and_dash_only_approximate(result: AnalysisResult, page: str):
    rings = next(data for data in _geojson_payloads(page)
                 if data["features"] and "a" in data["features"][0]["properties"])
    assert [feature["properties"]["a"] for feature in rings["features"]] == [False, True]
    drawn = shapely.geometry.shape(rings["features"][0]["geometry"])
    disc = result.discs.geometry.iloc[0]
    assert drawn.hausdorff_distance(disc) < 1e-5  # the disc itself, rounded to ~1 m
    assert shapely.get_num_coordinates(drawn) == shapely.get_num_coordinates(disc)
    assert '"dashArray": "8 6"' in page


def test_no_dashed_legend_row_without_approximate_offices():
    page = maps.coverage_map(make_result(approximate=False)).get_root().render()
    legend = _control_html(page, "geo-outreach-legend")
    assert "dashed" not in legend
    assert "lokasi kantor perkiraan" not in legend


# --- villages ----------------------------------------------------------------------
def test_village_tooltip_numbers_in_indonesian(page: str):
    villages = next(data for data in _geojson_payloads(page)
                    if data["features"] and "k" in data["features"][0]["properties"])
    first = villages["features"][0]["properties"]
    assert first["name"] == "Sariharjo"
    assert first["denominator"] == "5.000"
    assert first["coverage"] == "10,0%"
    assert first["gap"] == "30,0 poin persen di bawah target"
    assert first["uncovered"] == "4.500"
    assert first["distance"] == "2,1 km"
    no_data = villages["features"][2]["properties"]
    assert no_data["k"] == -1
    assert no_data["coverage"] == "tanpa data"


def test_village_tooltip_numbers_in_english(result: AnalysisResult):
    page = maps.coverage_map(result, lang="en").get_root().render()
    villages = next(data for data in _geojson_payloads(page)
                    if data["features"] and "k" in data["features"][0]["properties"])
    second = villages["features"][1]["properties"]
    assert second["coverage"] == "47.5%"
    assert second["gap"] == "7.5 percentage points above target"
    assert second["distance"] == "3.5 km"
    assert "Nearest office" in page


def test_geojson_is_compact(page: str):
    for data in _geojson_payloads(page):
        for feature in data["features"]:
            for x, y in shapely.get_coordinates(shapely.geometry.shape(feature["geometry"])):
                assert round(x, 5) == x
                assert round(y, 5) == y


# --- regency filter ----------------------------------------------------------------
@pytest.mark.parametrize("regency", ["Sleman", "Kabupaten Sleman", "sleman", " KAB. SLEMAN ",
                                     "34.04"])
def test_regency_filter_accepts_name_variants(result: AnalysisResult, regency: str):
    page = maps.coverage_map(result, regency=regency).get_root().render()
    villages = next(data for data in _geojson_payloads(page)
                    if data["features"] and "k" in data["features"][0]["properties"])
    assert {feature["properties"]["regency"] for feature in villages["features"]} == {
        "Kabupaten Sleman"}
    assert len(villages["features"]) == 3
    assert "Wilayah: Kabupaten Sleman" in page


@pytest.mark.parametrize("regency", ["Kota Yogyakarta", "Yogyakarta", "34.71"])
def test_regency_filter_finds_the_city(result: AnalysisResult, regency: str):
    assert map_data.resolve_regency(result, regency) == "Kota Yogyakarta"


def test_unknown_regency_lists_the_valid_names(result: AnalysisResult):
    with pytest.raises(InputError, match=r"Kabupaten Sleman \(34\.04\).*Kota Yogyakarta"):
        maps.coverage_map(result, regency="Bantul")


def test_regency_names(result: AnalysisResult):
    assert map_data.regency_names(result) == ["Kabupaten Sleman", "Kota Yogyakarta"]


# --- offline, escaping, saving -----------------------------------------------------
def test_saved_map_loads_nothing_from_the_network(result: AnalysisResult, tmp_path: Path):
    path = maps.save_map(maps.coverage_map(result), tmp_path / "map.html")
    text = path.read_text(encoding="utf-8")
    assert not re.search(r"<script[^>]*\bsrc=", text, re.IGNORECASE)
    assert not re.search(r"<link[^>]*\bhref=", text, re.IGNORECASE)
    assert not re.search(r"""url\(\s*["']?https?:|@import""", text, re.IGNORECASE)
    for library in ("jquery", "bootstrap", "awesome-markers", "font-awesome", "fontawesome"):
        assert library not in text.lower()
    assert "L.version" in text or 'version="1.9.3"' in text  # Leaflet itself is inline
    assert "sourceMappingURL" not in text
    assert "data:image/png;base64," in text


def test_leaflet_link_kept_when_not_inlined(result: AnalysisResult):
    page = maps.coverage_map(result, inline_assets=False).get_root().render()
    assert re.findall(r'<script src="([^"]+)"', page) == [
        "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js"]
    assert "bootstrap" not in page


def test_folium_defaults_are_not_changed(result: AnalysisResult):
    import folium  # noqa: PLC0415

    maps.coverage_map(result)
    assert any(name == "jquery" for name, _ in folium.Map.default_js)
    assert "jquery" in folium.Map().get_root().render()


def test_basemap_is_offered_but_off(page: str, result: AnalysisResult):
    assert "tile.openstreetmap.org" in page
    assert "Peta dasar OpenStreetMap (butuh internet)" in page
    no_tiles = maps.coverage_map(result, basemap=False).get_root().render()
    assert "tile.openstreetmap.org" not in no_tiles


def test_boundary_attribution(page: str):
    assert "Batas wilayah: cahyadsn/wilayah_boundaries (MIT)" in page


def test_user_text_is_escaped(page: str):
    assert EVIL not in page
    assert "alert(1)" in page  # the name is shown, as text
    assert "${alert(2)}" not in page  # cannot interpolate into folium's template strings
    assert "`${" not in page


def test_save_is_atomic(result: AnalysisResult, tmp_path: Path):
    target = tmp_path / "out" / "peta.html"
    target.parent.mkdir()
    target.write_text("old", encoding="utf-8")
    written = maps.save_map(maps.coverage_map(result), target)
    assert written == target
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert [p.name for p in target.parent.iterdir()] == ["peta.html"]


def test_failed_save_leaves_no_temporary_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    fmap = maps.coverage_map(make_result())
    target = tmp_path / "peta.html"

    def broken(*_args, **_kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("pathlib.Path.write_text", broken)
    with pytest.raises(OutputError, match=r"cannot write the map to .*No space left"):
        maps.save_map(fmap, target)
    assert list(tmp_path.iterdir()) == []


def test_make_offline_refuses_elements_that_need_other_assets():
    import folium  # noqa: PLC0415
    from folium.features import RegularPolygonMarker  # noqa: PLC0415

    fmap = folium.Map(tiles=None)
    RegularPolygonMarker((0, 0)).add_to(fmap)
    with pytest.raises(ValueError, match="dvf_js"):
        map_assets.make_offline(fmap)


def test_leaflet_assets_are_self_contained():
    script, stylesheet = map_assets.leaflet_assets()
    assert "1.9.3" in script
    assert "url(images/" not in stylesheet
    assert not re.search(r"url\(\s*[\"']?(https?:|//)", stylesheet)


# --- readability and a clean console -------------------------------------------------
def with_cells_and_catchments(result: AnalysisResult) -> AnalysisResult:
    """The result with three H3 cells (one suppressed, one empty) and road catchments."""
    villages = result.villages.to_crs(UTM_49S)
    cells = gpd.GeoDataFrame(
        {"households_within_radius_label": ["12", "<10", "0"],
         "uncovered_households_within_radius": [30.0, np.nan, 0.0]},
        geometry=[villages.geometry.iloc[i].centroid.buffer(800, quad_segs=2) for i in range(3)],
        crs=UTM_49S).to_crs("EPSG:4326")
    discs = result.discs.to_crs(UTM_49S)
    catchments = gpd.GeoDataFrame(discs[["office_id", "name"]].assign(radius_km=5.0),
                                  geometry=discs.geometry.buffer(-1000), crs=UTM_49S
                                  ).to_crs("EPSG:4326")
    return dataclasses.replace(result, household_cells=cells,
                               household_summary={"min_cell_households": 10},
                               road_catchments=catchments)


def _layers(fmap: object) -> dict[str, object]:
    """The map's layers by the name the layer control shows."""
    return {child.layer_name: child for child in fmap._children.values()
            if hasattr(child, "layer_name")}


def test_layer_control_starts_collapsed(page: str):
    control = re.search(r"L\.control\.layers\((.*?)\)\.addTo", page, re.DOTALL)
    assert control
    assert '"collapsed": true' in control.group(1)


def test_layers_that_cover_the_colours_start_off(result: AnalysisResult):
    fmap = maps.coverage_map(with_cells_and_catchments(result), inline_assets=False)
    layers = _layers(fmap)
    hexes = layers["Titik panas: rumah tangga belum terdaftar dalam radius (sel H3)"]
    catchments = layers["Jangkauan 5 km lewat jalan"]
    assert hexes.show is False
    assert catchments.show is False
    for shown in ("Cakupan per kalurahan", "Batas kapanewon", "Radius 5 km kantor",
                  "Kantor BPJS Ketenagakerjaan"):
        assert layers[shown].show is True
    page = fmap.get_root().render()
    assert f"{hexes.get_name()}.addTo(" not in page  # drawn only when turned on
    assert f"{catchments.get_name()}.addTo(" not in page
    assert f"{layers['Cakupan per kalurahan'].get_name()}.addTo(" in page
    assert '"Titik panas: rumah tangga belum terdaftar dalam radius (sel H3)" :' in page
    legend = _control_html(page, "geo-outreach-legend")
    assert "mati saat peta dibuka; nyalakan di daftar lapisan" in legend


def test_layer_builders_start_off_by_default(result: AnalysisResult):
    richer = with_cells_and_catchments(result)
    data = map_data.select_regency(richer, None)
    assert map_layers.hex_layer(richer.household_cells, data, "id").show is False
    assert route_layers.road_catchment_layer(richer.road_catchments).show is False


@pytest.mark.parametrize(("lang", "hide", "show"), [
    ("id", "Sembunyikan legenda", "Tampilkan legenda"),
    ("en", "Hide the legend", "Show the legend"),
])
def test_legend_has_a_fold_button(result: AnalysisResult, lang: str, hide: str, show: str):
    page = maps.coverage_map(result, lang=lang).get_root().render()
    legend = _control_html(page, "geo-outreach-legend")
    button = re.search(r"<button [^>]*data-go-fold[^>]*>(.*?)</button>", legend)
    assert button
    assert button.group(1) == "\N{MINUS SIGN}"
    for attribute in ('type="button"', 'aria-expanded="true"', f'title="{hide}"',
                      f'aria-label="{hide}"', f'data-hide="{hide}"', f'data-show="{show}"'):
        assert attribute in button.group(0)
    title, body = legend.split("data-go-fold-body", 1)
    assert ("Cakupan kepesertaan" if lang == "id" else "Participation coverage") in title
    assert "tanpa data" in body or "no data" in body  # the classes fold away, the title stays
    assert 'querySelector("button[data-go-fold]")' in page  # the control wires the button
    assert 'querySelector("[data-go-fold-body]")' in page


def test_labels_are_decluttered_most_uncovered_first(result: AnalysisResult):
    offices = result.offices.copy()
    offices["uncovered_within_radius"] = [100.0, 900.0]  # the second office matters more
    page = maps.coverage_map(dataclasses.replace(result, offices=offices),
                             inline_assets=False).get_root().render()
    labels = [re.search(r"<b>(.*?)</b>", json.loads(text)).group(1) for text in re.findall(
        r'L\.divIcon\(\{\s*"html": (".*?"),\n', page)]
    assert len(labels) == 2
    assert labels[0].startswith("KCP")
    assert labels[1] == "KC Yogyakarta"
    assert "function declutter()" in page
    assert json.dumps(list(map_layers.LABEL_PRIORITY)) in page
    assert '"office-label"' in page


def test_map_fits_only_once_it_has_a_size(page: str):
    assert "maxZoom: 18, animate: false" in page
    assert "new ResizeObserver(fit)" in page
    assert '"maxZoom": 18' in page  # Leaflet has no zoom limit without tiles


def _nan_shapes() -> tuple[shapely.Point, shapely.Polygon]:
    """A point and a polygon with NaN coordinates (shapely warns when it makes them)."""
    with np.errstate(invalid="ignore"):
        return (shapely.Point(np.nan, np.nan),
                shapely.Polygon([(110.3, -7.8), (np.nan, -7.8), (110.31, -7.79)]))


def test_no_nan_reaches_the_page(result: AnalysisResult):
    nan_point, nan_polygon = _nan_shapes()
    offices = result.offices.copy()
    extra = offices.iloc[[0, 0, 0]].copy()
    extra["office_id"] = ["NAN", "EMPTY", "NONE"]
    extra["name"] = ["KC NaN", "KC Empty", "KC None"]
    extra = extra.set_geometry([nan_point, shapely.Point(), None], crs=offices.crs)
    broken = pd.concat([offices, extra], ignore_index=True)
    villages = result.villages.copy()
    villages.loc[villages.index[0], "geometry"] = nan_polygon
    shaky = dataclasses.replace(with_cells_and_catchments(result), offices=broken,
                                villages=villages)
    page = maps.coverage_map(shaky, inline_assets=False,
                             focus=(np.nan, np.nan, np.nan, np.nan)).get_root().render()
    assert not re.search(r"\bNaN\b|\bInfinity\b", page)  # Leaflet itself is not inlined
    assert len(re.findall(r"L\.circleMarker\(", page)) == 2  # the unplaced offices are left out
    assert "KC NaN" not in page
    fit = re.search(r"\}\)\(map_\w+, (\[\[.*?\]\])\);", page)
    assert fit
    assert np.isfinite(json.loads(fit.group(1))).all()


def test_finite_geometry():
    nan_point, nan_polygon = _nan_shapes()
    geometries = np.array([shapely.Point(1, 2), nan_point, shapely.Point(), None,
                           shapely.box(0, 0, 1, 1), nan_polygon], dtype=object)
    assert map_data.finite_geometry(geometries).tolist() == [True, False, False, False, True,
                                                             False]


def test_label_layer_leaves_out_nan_positions():
    layer = share_controls.LabelLayer([[-7.8, 110.4, "<span>A</span>"],
                                       [np.nan, 110.4, "<span>B</span>"],
                                       [-7.8, None, "<span>C</span>"]],
                                      name="Labels", css_class="go-label")
    assert [label[2] for label in layer.labels] == ["<span>A</span>"]


def test_route_layers_leave_out_nan_positions():
    import folium  # noqa: PLC0415

    nan_point, _ = _nan_shapes()
    stops = pd.DataFrame({"order": [1, 2], "village": ["Bener", "Kricak"],
                          "district": ["Tegalrejo", "Tegalrejo"], "households_visit": [12, 8],
                          "arrival_min": [10.0, 25.0], "lat": [-7.78, np.nan],
                          "lon": [110.36, 110.37]})
    with np.errstate(invalid="ignore"):
        path = shapely.LineString([(110.35, -7.79), (np.nan, -7.785), (110.36, -7.78)])
    route = SimpleNamespace(team=1, day=1, stops=stops, households=20, distance_km=1.5,
                            total_min=40.0, path=path, estimated_legs=(path,))
    unserved = pd.DataFrame({"village": ["Karangwaru", "Tegalrejo"],
                             "households_visit": [5, 4], "lat": [np.nan, -7.77],
                             "lon": [110.36, 110.36]})
    plan = SimpleNamespace(routes=[route], unserved=unserved, start=shapely.Point(110.35, -7.79),
                           detour_factor=1.29)
    fmap = folium.Map(tiles=None)
    for layer in route_layers.route_layers(plan):
        layer.add_to(fmap)
    page = fmap.get_root().render()
    assert not re.search(r"\bNaN\b", page)
    assert len(re.findall(r"L\.circleMarker\(", page)) == 3  # start, one stop, one unserved
    assert len(re.findall(r"L\.polyline\(", page)) == 2  # the route, its estimated leg
    plan = SimpleNamespace(routes=[route], unserved=unserved.iloc[:0], start=nan_point,
                           detour_factor=1.29)
    fmap = folium.Map(tiles=None)
    for layer in route_layers.route_layers(plan):
        layer.add_to(fmap)
    assert not re.search(r"\bNaN\b", fmap.get_root().render())


# --- helpers -----------------------------------------------------------------------
def _control_html(page: str, css_class: str) -> str:
    """The HTML a legend or title control puts into the map."""
    match = re.search(
        r'L\.DomUtil\.create\("div", "' + css_class + r'"\);\s*div\.innerHTML = (".*?");\n',
        page)
    assert match, f"no control {css_class}"
    return json.loads(match.group(1))


def _js_object_to_json(text: str) -> str:
    """Folium writes options as a JS object with bare keys; quote them."""
    return re.sub(r'(?m)^\s*"?(\w+)"?\s*:', r'"\1":', text).replace(",\n}", "\n}").replace(
        ",\n\n}", "\n}")


def test_maps_render_the_same_page_whether_their_data_is_parsed_again_or_not():
    """Keeping rendered text as text changes nothing on the page (ids aside)."""
    import re  # noqa: PLC0415

    from geo_outreach.analysis.pipeline import run_analysis  # noqa: PLC0415
    from geo_outreach.render import maps, rendered_text  # noqa: PLC0415
    from geo_outreach.render.share import share_html  # noqa: PLC0415

    result = run_analysis()

    def pages() -> list[str]:
        built = [maps.coverage_map(result, lang="id").get_root().render(),
                 share_html(result, "Kota Yogyakarta", lang="en")]
        return [re.sub(r"[0-9a-f]{32}", "ID", page) for page in built]

    rendered_text.uninstall()
    try:
        parsed_again = pages()
    finally:
        rendered_text.install()
    assert pages() == parsed_again
