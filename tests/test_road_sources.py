"""
Where a road network comes from: ``--roads`` values, Overpass JSON, and each source's credit.

Every source carries its own attribution into the network and from there into run.json:
OpenStreetMap's for OSM files, the Badan Informasi Geospasial's for a Peta Rupabumi
Indonesia road layer, the user's own statement, or a line naming the user's file.
"""

from __future__ import annotations

import argparse
import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import geopandas as gpd
import pytest
import shapely

from geo_outreach import i18n
from geo_outreach._errors import InputError
from geo_outreach.cli import build_parser, main
from geo_outreach.cli import options as cli_options
from geo_outreach.inputs import uploads
from geo_outreach.roads import _osm
from geo_outreach.roads import networks as roads
from geo_outreach.roads.assemble import (
    OSM_ATTRIBUTION,
    RBI_ATTRIBUTION,
    line_layer_attribution,
)

DATA = Path(__file__).parent / "data" / "roads"
OVERPASS = DATA / "overpass_klitren.json"
KC_YGY = (110.38344, -7.78305)
"""Near the office KC-YGY (lon, lat): a road grid here reaches it."""
RBI_COLUMNS = {"KONRJL": "Jalan Lokal", "MATRJL": "Aspal", "FGSRJL": "Lokal",
               "REMARK": "Jalan Lokal", "FCODE": "AP030", "SRS_ID": "SRGI2013",
               "LCODE": "LK", "METADATA": "TOP25K_2018"}
"""Attribute columns of RBI's JALAN_LN_25K layer beside NAMRJL (values as RBI fills them)."""


def _street_grid(*, columns: dict[str, object], names: list[str] | None = None,
                 centre: tuple[float, float] = KC_YGY, lines: int = 3,
                 step_deg: float = 0.004) -> gpd.GeoDataFrame:
    """Cross ``lines`` east-west and ``lines`` north-south streets around ``centre``."""
    x0, y0 = centre[0] - step_deg * (lines - 1) / 2, centre[1] - step_deg * (lines - 1) / 2
    far = step_deg * (lines - 1)
    geometries = [shapely.LineString([(x0, y0 + i * step_deg), (x0 + far, y0 + i * step_deg)])
                  for i in range(lines)]
    geometries += [shapely.LineString([(x0 + i * step_deg, y0), (x0 + i * step_deg, y0 + far)])
                   for i in range(lines)]
    frame = gpd.GeoDataFrame({name: [value] * len(geometries) for name, value in columns.items()},
                             geometry=geometries, crs="EPSG:4326")
    if names is not None:
        frame.insert(0, "NAMRJL", names)
    return frame


def _rbi_layer(path: Path) -> Path:
    names = [f"Jalan Timur-Barat {i}" for i in range(3)] + [
        f"Jalan Utara-Selatan {i}" for i in range(3)]
    _street_grid(columns=RBI_COLUMNS, names=names).to_file(path)
    return path


def _as_osm_xml(overpass: Path, xml_path: Path) -> Path:
    """Write the nodes and ways of an Overpass JSON response as OSM XML 0.6."""
    root = ET.Element("osm", version="0.6")
    for element in json.loads(overpass.read_text(encoding="utf-8"))["elements"]:
        if element["type"] == "node":
            item = ET.SubElement(root, "node", id=str(element["id"]), lat=str(element["lat"]),
                                 lon=str(element["lon"]))
        else:
            item = ET.SubElement(root, "way", id=str(element["id"]))
            for node in element["nodes"]:
                ET.SubElement(item, "nd", ref=str(node))
        for key, value in element.get("tags", {}).items():
            ET.SubElement(item, "tag", k=key, v=value)
    ET.ElementTree(root).write(xml_path, encoding="utf-8", xml_declaration=True)
    return xml_path


# --- one way to name road inputs: --roads bundled or a file -----------------------------


@pytest.mark.parametrize("value", ["bundled", "BUNDLED", "Bundled", " bundled ",
                                   Path("bundled")])
def test_bundled_in_any_case_is_the_bundled_network(value):
    assert roads.network_from_option(value) is roads.bundled_network()


def test_any_other_value_is_a_road_file(tmp_path):
    network = roads.network_from_option(str(DATA / "tiny_grid.osm"))
    assert network.source == "tiny_grid.osm"
    assert network.file == str(DATA / "tiny_grid.osm")
    with pytest.raises(InputError, match=r"road file not found.*'bundled'"):
        roads.network_from_option(tmp_path / "jalan.osm")


def test_analyze_roads_bundled_still_works_and_run_json_credits_openstreetmap(tmp_path):
    assert main(["analyze", "--roads", "bundled", "--out", str(tmp_path / "out")]) == 0
    record = json.loads((tmp_path / "out" / "run.json").read_text(encoding="utf-8"))
    assert record["road_network"]["attribution"] == OSM_ATTRIBUTION
    assert record["inputs"]["roads"]["path"].startswith("bundled:")


@pytest.mark.parametrize("command", ["analyze", "map", "routes"])
def test_every_road_option_says_the_same(command):
    parser = build_parser()
    subcommands = next(a for a in parser._actions
                       if isinstance(a, argparse._SubParsersAction))
    actions = {option: action for action in subcommands.choices[command]._actions
               for option in action.option_strings}
    assert cli_options.ROADS_HELP in actions["--roads"].help
    assert "'bundled'" in actions["--roads"].help
    assert actions["--roads-attribution"].help == cli_options.ROADS_ATTRIBUTION_HELP


def test_the_attribution_option_fits_an_argument_group():
    parser = argparse.ArgumentParser()
    group = parser.add_argument_group("road network")
    group.add_argument("--roads")
    cli_options.add_road_attribution_option(group)
    args = parser.parse_args(["--roads", "bundled", "--roads-attribution", "Dinas PU DIY"])
    assert args.roads_attribution == "Dinas PU DIY"
    assert parser.parse_args([]).roads_attribution is None


def test_a_road_attribution_without_roads_is_refused(tmp_path, capsys):
    code = main(["analyze", "--roads-attribution", "Dinas PU DIY", "--out", str(tmp_path)])
    assert code == 1
    stderr = capsys.readouterr().err
    assert "--roads-attribution" in stderr
    assert "add --roads FILE" in stderr


# --- Overpass JSON, read as OSM XML is ----------------------------------------------------


def test_overpass_json_gives_the_network_its_osm_xml_gives(tmp_path):
    from_json = roads.load_network(OVERPASS)
    from_xml = roads.load_network(_as_osm_xml(OVERPASS, tmp_path / "klitren.osm"))
    assert (len(from_json.nodes), len(from_json.links)) == (47, 53)
    assert len(from_json.nodes) == len(from_xml.nodes)
    assert len(from_json.links) == len(from_xml.links)
    assert from_json.length_km == pytest.approx(from_xml.length_km, rel=1e-12)
    assert from_json.length_km == pytest.approx(3.309, abs=0.001)
    assert set(from_json.nodes["node_id"]) == set(from_xml.nodes["node_id"])
    assert from_json.links["oneway"].sum() == from_xml.links["oneway"].sum()
    assert sorted(from_json.links["name"]) == sorted(from_xml.links["name"])
    assert from_json.attribution == OSM_ATTRIBUTION


def test_overpass_json_gives_osmnx_s_own_graph(tmp_path):
    ours = _osm.graph_from_overpass_json(OVERPASS)
    osmnx_graph = _osm.graph_from_osm_xml(_as_osm_xml(OVERPASS, tmp_path / "klitren.osm"))
    assert set(ours.nodes) == set(osmnx_graph.nodes)
    lengths = {(u, v, k): round(d["length"], 6) for u, v, k, d in ours.edges(keys=True, data=True)}
    assert lengths == {(u, v, k): round(d["length"], 6)
                       for u, v, k, d in osmnx_graph.edges(keys=True, data=True)}


@pytest.mark.parametrize("name", ["cache.json", "jalan.geojson", "jalan.osm"])
def test_overpass_json_is_known_by_its_content_not_its_name(tmp_path, name):
    path = tmp_path / name
    shutil.copy(OVERPASS, path)
    assert len(roads.load_network(path).links) == 53


def test_geojson_named_json_is_still_a_line_layer(tmp_path):
    path = tmp_path / "jalan.json"
    shutil.copy(DATA / "crossing_lines.geojson", path)
    assert len(roads.load_network(path).links) == 9


@pytest.mark.parametrize(("head", "expected"), [
    (OVERPASS.read_bytes()[:500], True),
    (b"\xef\xbb\xbf \n" + OVERPASS.read_bytes()[:500], True),
    ((DATA / "crossing_lines.geojson").read_bytes(), False),
    (b'{"type": "FeatureCollection", "features": [{"properties": {"elements": []}}]}', False),
    (b'{"elements": {}}', False),
    (b"<osm version='0.6'></osm>", False),
])
def test_what_looks_like_an_overpass_response(head, expected):
    assert _osm.looks_like_overpass_json(head) is expected


def test_a_cut_overpass_json_says_so_and_how_to_fix_it(tmp_path):
    path = tmp_path / OVERPASS.name
    data = OVERPASS.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(InputError, match=r"overpass_klitren\.json: this Overpass JSON file is "
                                         r"cut short or damaged \(JSON error at line \d+") as err:
        roads.load_network(path)
    assert "again whole" in err.value.problems[0].fix
    assert "OSM XML (.osm)" in err.value.problems[0].fix


@pytest.mark.parametrize(("elements", "message"), [
    ([{"type": "node", "id": 1, "lon": 110.37}, {"type": "node", "id": 2, "lat": -7.8,
                                                "lon": 110.38},
      {"type": "way", "id": 9, "nodes": [1, 2]}],
     r"1 element\(s\) .* \(element 0: node 1 without a usable 'lat'/'lon' in degrees\)"),
    ([{"type": "node", "id": 1, "lat": -7.8, "lon": 110.37},
      {"type": "way", "id": 9, "nodes": [1, 2], "tags": {"highway": "residential"}}],
     r"1 node reference\(s\) .* not in the file \(way 9 → node 2\)"),
    ([{"type": "node", "id": 1, "lat": -7.8, "lon": 110.37}], r"holds no way"),
    ([{"type": "way", "id": 9, "nodes": "1,2"}], r"way 9 without a list of node ids"),
    ([{"type": "way", "id": 9, "nodes": [], "tags": {"lanes": 2}}], r"tags that are not text"),
    ([7], r"not an OSM element"),
])
def test_an_overpass_json_osmnx_cannot_use_is_refused_with_what_is_wrong(tmp_path, elements,
                                                                          message):
    path = tmp_path / "jalan.json"
    path.write_text(json.dumps({"version": 0.6, "elements": elements}), encoding="utf-8")
    with pytest.raises(InputError, match=rf"jalan\.json: .*{message}"):
        roads.load_network(path)


# --- every source carries its own credit ---------------------------------------------------


@pytest.mark.parametrize("name", ["tiny_grid.osm", "tiny_grid.graphml", "tiny_grid.osm.pbf",
                                  "overpass_klitren.json"])
def test_openstreetmap_files_credit_openstreetmap(name):
    assert roads.load_network(DATA / name).attribution == OSM_ATTRIBUTION


def test_an_rbi_road_layer_credits_big_and_names_its_roads(tmp_path):
    network = roads.load_network(_rbi_layer(tmp_path / "jalan_kota.geojson"))
    assert network.attribution == RBI_ATTRIBUTION
    assert "OpenStreetMap" not in network.attribution
    # Three by three streets cross at nine junctions: each street is cut into two links.
    assert len(network.links) == 12
    assert sorted(set(network.links["name"])) == sorted(
        [f"Jalan Timur-Barat {i}" for i in range(3)]
        + [f"Jalan Utara-Selatan {i}" for i in range(3)])
    assert (network.links["name"].value_counts() == 2).all()


def test_an_rbi_layer_is_known_by_its_layer_name_too(tmp_path):
    plain = _street_grid(columns={"keterangan": "jalan"})
    plain.to_file(tmp_path / "JALAN_LN_25K.shp")
    assert roads.load_network(tmp_path / "JALAN_LN_25K.shp").attribution == RBI_ATTRIBUTION
    plain.to_file(tmp_path / "rbi.gpkg", layer="JALAN_LN_50K")
    assert roads.load_network(tmp_path / "rbi.gpkg").attribution == RBI_ATTRIBUTION


def test_rbi_columns_are_matched_in_any_case():
    assert line_layer_attribution(["namrjl", "konrjl", "geometry"],
                                  file_name="jalan.gpkg") == RBI_ATTRIBUTION
    # One RBI-like column alone is not enough to credit BIG.
    assert line_layer_attribution(["KONRJL", "geometry"],
                                  file_name="jalan.gpkg") != RBI_ATTRIBUTION


def test_a_line_layer_exported_from_openstreetmap_credits_openstreetmap(tmp_path):
    path = tmp_path / "export_overpass_turbo.geojson"
    frame = _street_grid(columns={"@id": "way/1", "highway": "residential"})
    frame["name"] = [f"Jalan {i}" for i in range(len(frame))]
    frame.to_file(path)
    network = roads.load_network(path)
    assert network.attribution == OSM_ATTRIBUTION
    assert set(network.links["highway"]) == {"residential"}
    assert set(network.links["name"]) == {f"Jalan {i}" for i in range(6)}


def test_a_plain_line_layer_is_credited_to_the_users_file(tmp_path):
    network = roads.load_network(DATA / "crossing_lines.geojson")
    expected = "Road network: crossing_lines.geojson (the user's file; source not stated)"
    assert network.attribution == expected
    assert i18n.words(network.attribution, "id") == (
        "Jaringan jalan: crossing_lines.geojson (berkas pengguna; sumber tidak disebutkan)")
    # A highway column alone is no proof of OpenStreetMap.
    path = tmp_path / "jalan_dinas.geojson"
    _street_grid(columns={"highway": "primary"}).to_file(path)
    assert roads.load_network(path).attribution == (
        "Road network: jalan_dinas.geojson (the user's file; source not stated)")


def test_the_users_name_for_an_upload_is_the_source_and_in_the_credit(tmp_path):
    path = tmp_path / "upload-roads.geojson"
    shutil.copy(DATA / "crossing_lines.geojson", path)
    network = roads.load_network(path, name="Jalan Sleman.geojson")
    assert network.source == "Jalan Sleman.geojson"
    assert "Jalan Sleman.geojson" in network.attribution
    assert "upload-roads" not in network.attribution


def test_a_stated_attribution_replaces_a_line_layers_and_joins_openstreetmaps(tmp_path):
    stated = "Dinas Pekerjaan Umum DIY, 2024"
    rbi = _rbi_layer(tmp_path / "jalan.geojson")
    assert roads.load_network(rbi, attribution=stated).attribution == stated
    assert roads.load_network(DATA / "crossing_lines.geojson",
                              attribution=stated).attribution == stated
    osm = roads.load_network(DATA / "tiny_grid.osm", attribution=stated)
    assert osm.attribution == f"{stated}; {OSM_ATTRIBUTION}"
    named = "Survei lapangan 2024 di atas © OpenStreetMap contributors"
    assert roads.network_from_option(DATA / "tiny_grid.osm",
                                     attribution=named).attribution == named
    assert roads.network_from_option("bundled", attribution=stated).attribution == (
        f"{stated}; {OSM_ATTRIBUTION}")
    assert roads.network_from_option("bundled", attribution="  ").attribution == OSM_ATTRIBUTION


@pytest.mark.parametrize(("kind", "stated", "expected"), [
    ("overpass", None, OSM_ATTRIBUTION),
    ("rbi", None, RBI_ATTRIBUTION),
    ("plain", None, "Road network: jalan_dinas.geojson (the user's file; source not stated)"),
    ("plain", "Dinas PU DIY, 2024", "Dinas PU DIY, 2024"),
])
def test_run_json_carries_the_road_files_credit(tmp_path, kind, stated, expected):
    if kind == "overpass":
        path = OVERPASS
    elif kind == "rbi":
        path = _rbi_layer(tmp_path / "jalan_rbi.geojson")
    else:
        path = tmp_path / "jalan_dinas.geojson"
        _street_grid(columns={"kelas": "lokal"}).to_file(path)
    argv = ["analyze", "--roads", str(path), "--out", str(tmp_path / "out")]
    if stated:
        argv[3:3] = ["--roads-attribution", stated]
    assert main(argv) == 0
    record = json.loads((tmp_path / "out" / "run.json").read_text(encoding="utf-8"))
    assert record["road_network"]["attribution"] == expected
    assert record["road_network"]["source"] == path.name
    assert record["inputs"]["roads"]["path"] == str(path)


# --- the app's road upload -----------------------------------------------------------------


def test_the_road_upload_takes_an_overpass_json(tmp_path):
    assert "json" in uploads.accepted_types("roads")
    upload = uploads.check_upload("roads", "overpass_cache.json", OVERPASS.read_bytes())
    assert upload.stored_name == "upload-roads.json"
    stored = tmp_path / upload.stored_name
    stored.write_bytes(OVERPASS.read_bytes())
    network = roads.load_network(stored, name=upload.display_name)
    assert network.source == "overpass_cache.json"
    assert network.attribution == OSM_ATTRIBUTION
