"""Road networks: loading, snapping and road distances checked against networkx."""

from __future__ import annotations

import warnings
from pathlib import Path

import geopandas as gpd
import networkx as nx
import numpy as np
import pytest
import requests
import shapely
from scipy.sparse import csgraph

from geo_outreach._errors import InputError
from geo_outreach.config import UTM_49S
from geo_outreach.roads import _osm, assemble, model
from geo_outreach.roads import graph as road_graph
from geo_outreach.roads import networks as roads
from tests.road_builders import (
    STEP,
    UTM,
    X0,
    Y0,
    grid_graph,
    grid_network,
    node_id,
    point,
    reference_distances,
    reference_graph,
)

DATA = Path(__file__).parent / "data" / "roads"


@pytest.fixture(scope="module")
def grid() -> model.RoadNetwork:
    return grid_network()


@pytest.fixture(scope="module")
def kota() -> model.RoadNetwork:
    return roads.bundled_network()


# --- building a network ---------------------------------------------------------------


def test_two_way_edges_become_one_link_and_one_way_edges_keep_their_direction(grid):
    # 5×5 grid: 2 × 5 × 4 = 40 roads; osmnx-style graph has 79 directed edges.
    assert grid_graph().number_of_edges() == 79
    assert len(grid.links) == 40
    assert len(grid.nodes) == 25
    assert grid.crs == UTM
    oneway = grid.links[grid.links["oneway"]]
    assert len(oneway) == 1
    ids = grid.nodes["node_id"].to_numpy()
    assert ids[oneway["u"].iloc[0]] == node_id(0, 0)
    assert ids[oneway["v"].iloc[0]] == node_id(1, 0)
    assert grid.links["length_m"].to_numpy() == pytest.approx(np.full(40, STEP))


def test_link_lines_run_from_u_to_v(grid):
    first = shapely.get_coordinates(shapely.get_point(grid.links.geometry.to_numpy(), 0))
    last = shapely.get_coordinates(shapely.get_point(grid.links.geometry.to_numpy(), -1))
    assert first == pytest.approx(grid.node_xy[grid.links["u"].to_numpy()])
    assert last == pytest.approx(grid.node_xy[grid.links["v"].to_numpy()])


# --- distances on the hand-built grid -----------------------------------------------------


@pytest.mark.parametrize("directed", [False, True])
def test_node_distances_match_networkx(grid, directed):
    graph = road_graph.base_graph(grid, directed=directed)
    reference, _doors = reference_graph(grid, directed=directed)
    sources = [0, 7, 24]
    ours = csgraph.dijkstra(graph.matrix, directed=True, indices=sources)
    for row, source in enumerate(sources):
        expected = reference_distances(reference, source, list(range(len(grid.nodes))))
        assert ours[row] == pytest.approx(expected)


def test_one_way_street_is_a_detour_only_against_its_direction(grid):
    ids = list(grid.nodes["node_id"])
    a, b = ids.index(node_id(0, 0)), ids.index(node_id(1, 0))
    one_way = road_graph.base_graph(grid, directed=True).matrix
    two_way = road_graph.base_graph(grid, directed=False).matrix
    directed = csgraph.dijkstra(one_way, indices=[a, b])
    undirected = csgraph.dijkstra(two_way, indices=[a, b])
    assert directed[0, b] == pytest.approx(STEP)
    assert directed[1, a] == pytest.approx(3 * STEP)  # around the block
    assert undirected[1, a] == pytest.approx(STEP)


def test_a_point_snaps_to_the_foot_of_its_perpendicular(grid):
    snapped = road_graph.snap_points(grid, np.array([[X0 + 130, Y0 + 40]]))
    assert snapped.snap_m[0] == pytest.approx(40)
    assert snapped.xy[0] == pytest.approx([X0 + 130, Y0])
    link = grid.links.iloc[snapped.link[0]]
    along_from_west = 130 if grid.node_xy[link["u"]][0] == X0 else STEP - 130
    assert snapped.along_m[0] == pytest.approx(along_from_west)


def test_road_distance_adds_both_snap_distances_by_hand(grid):
    # Office 20 m south of (0, 1.5); household 30 m east of (2, 0.25).
    office = point(0, 1.5, dx=-20)
    house = point(2, 0.25, dx=30)
    distance = road_graph.road_distances(grid, shapely.get_coordinates(office),
                                         shapely.get_coordinates(house))
    # 20 (snap) + 0.5 block south + 2 blocks east + 0.75 block south + 30 (snap)
    assert distance[0, 0] == pytest.approx(20 + 0.5 * STEP + 2 * STEP + 0.75 * STEP + 30)


@pytest.mark.parametrize("directed", [False, True])
def test_point_to_point_distances_match_networkx(grid, directed):
    rng = np.random.default_rng(7)
    sources = np.column_stack([X0 + rng.uniform(-50, 850, 4), Y0 + rng.uniform(-50, 850, 4)])
    targets = np.column_stack([X0 + rng.uniform(-50, 850, 40), Y0 + rng.uniform(-50, 850, 40)])
    # Same link as a source, on both sides of it, and on the one-way street.
    targets = np.vstack([targets, sources[0] + [3, 1], sources[0] - [3, 1],
                         [[X0 + 150, Y0 - 5], [X0 + 50, Y0 + 5]]])
    sources = np.vstack([sources, [[X0 + 100, Y0 + 2]]])
    ours = road_graph.road_distances(grid, sources, targets, directed=directed)
    reference, doors = reference_graph(grid, np.vstack([sources, targets]), directed=directed)
    for row in range(len(sources)):
        expected = reference_distances(reference, doors[row], doors[len(sources):])
        assert ours[row] == pytest.approx(expected)


def test_distances_beyond_the_limit_are_infinite(grid):
    targets = np.array([[X0 + 100, Y0], [X0 + 800, Y0 + 800]])
    distance = road_graph.road_distances(grid, np.array([[X0, Y0]]), targets, limit_m=500)
    assert distance[0, 0] == pytest.approx(100)
    assert np.isinf(distance[0, 1])


def test_substrings_cut_lines_at_the_asked_distances():
    lines = np.array([shapely.LineString([(0, 0), (10, 0), (10, 10)]),
                      shapely.LineString([(0, 0), (0, 5)])] * 2)
    start = np.array([2.0, 0.0, 9.0, 1.0])
    end = np.array([15.0, 5.0, 11.0, 1.5])
    pieces = road_graph.substrings(lines, start, end)
    assert shapely.length(pieces) == pytest.approx(end - start)
    assert shapely.get_coordinates(pieces[0]).tolist() == [[2, 0], [10, 0], [10, 5]]
    assert shapely.get_coordinates(pieces[2]).tolist() == [[9, 0], [10, 0], [10, 1]]


def test_path_line_follows_the_roads(grid):
    xy = np.array([[X0 + 20, Y0 + 5], [X0 + 3 * STEP + 5, Y0 + 2 * STEP + 50]])
    snapped = road_graph.snap_points(grid, xy)
    graph = road_graph.build_graph(grid, snapped, directed=False)
    distance, predecessors = csgraph.dijkstra(graph.matrix, indices=graph.point_nodes,
                                              return_predecessors=True)
    line = road_graph.path_line(grid, graph, predecessors[0], int(graph.point_nodes[0]),
                                int(graph.point_nodes[1]))
    assert line[0] == pytest.approx(snapped.xy[0])
    assert line[-1] == pytest.approx(snapped.xy[1])
    assert shapely.length(shapely.LineString(line)) == pytest.approx(
        distance[0, graph.point_nodes[1]])
    # Every vertex lies on a road of the grid (a multiple of STEP in x or y).
    on_grid = np.isclose((line[:, 0] - X0) % STEP, 0) | np.isclose((line[:, 1] - Y0) % STEP, 0)
    assert on_grid.all()


# --- the bundled Kota Yogyakarta network ---------------------------------------------------


def test_bundled_network_is_the_osm_drive_network_of_kota_yogyakarta(kota):
    assert len(kota.nodes) == 9_332
    assert len(kota.links) == 12_203
    assert kota.crs == UTM_49S
    assert 800 < kota.length_km < 900
    assert "OpenStreetMap" in kota.attribution
    assert "ODbL" in kota.attribution
    klitren = gpd.GeoSeries([shapely.Point(110.38344, -7.78305)], crs="EPSG:4326")
    assert kota.extent.contains(klitren.to_crs(kota.crs).iloc[0])
    assert shapely.area(kota.extent) / 1e6 == pytest.approx(33.5, rel=0.01)


def test_bundled_files_are_small():
    total = sum(path.stat().st_size for path in roads.BUNDLED_ROADS_DIR.glob("*"))
    assert total < 3_000_000
    sources = (roads.BUNDLED_ROADS_DIR / "SOURCES.md").read_text(encoding="utf-8")
    assert "© OpenStreetMap contributors" in sources
    assert "ODbL" in sources
    assert "openstreetmap.org/copyright" in sources


@pytest.mark.parametrize("directed", [False, True])
def test_bundled_road_distances_match_networkx(kota, directed):
    to_metric = gpd.GeoSeries(gpd.points_from_xy(
        [110.38344, 110.3671, 110.3989],  # KC Yogyakarta, Tugu, Kotagede side
        [-7.78305, -7.7829, -7.8195]), crs="EPSG:4326").to_crs(kota.crs)
    sources = shapely.get_coordinates(to_metric.to_numpy())
    rng = np.random.default_rng(3)
    west, south, east, north = shapely.bounds(kota.extent)
    targets = np.column_stack([rng.uniform(west, east, 15), rng.uniform(south, north, 15)])
    ours = road_graph.road_distances(kota, sources, targets, directed=directed)
    reference, doors = reference_graph(kota, np.vstack([sources, targets]), directed=directed)
    for row in range(len(sources)):
        expected = reference_distances(reference, doors[row], doors[len(sources):])
        assert ours[row] == pytest.approx(expected)
    assert np.isfinite(ours).all() or directed


def test_bundled_network_is_strongly_connected_for_driving(kota):
    share = kota.strong_links().mean()
    assert share > 0.98  # SOURCES.md: 9,257 of 9,332 nodes are strongly connected


# --- a user's files -------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["tiny_grid.osm", "tiny_grid.graphml", "tiny_grid.osm.pbf"])
def test_a_users_osm_files_load(name):
    network = roads.load_network(DATA / name)
    assert network.crs == UTM_49S
    # 3×3 grid, 0.00135° apart: 12 street segments of ~149 m.
    assert network.length_km == pytest.approx(12 * 0.149, rel=0.02)
    assert network.links["oneway"].sum() == 2  # the northern street's two segments
    assert network.source == name
    graph = road_graph.base_graph(network, directed=False).matrix
    assert csgraph.connected_components(graph, directed=False)[0] == 1


def test_osm_graphml_and_pbf_give_the_same_distances():
    corner, far = [[110.3700, -7.8000]], [[110.3727, -7.7973]]
    results = []
    for name in ("tiny_grid.osm", "tiny_grid.graphml", "tiny_grid.osm.pbf"):
        network = roads.load_network(DATA / name)
        xy = gpd.GeoSeries(gpd.points_from_xy(*zip(*(corner + far), strict=True)),
                           crs="EPSG:4326").to_crs(network.crs)
        coords = shapely.get_coordinates(xy.to_numpy())
        results.append(road_graph.road_distances(network, coords[:1], coords[1:], directed=True))
    assert results[0] == pytest.approx(results[1])
    assert results[0] == pytest.approx(results[2])


def test_a_road_line_layer_is_noded_into_a_connected_network():
    network = roads.load_network(DATA / "crossing_lines.geojson")
    # Three lines crossing at three points, none at a vertex: 6 ends + 3 crossings.
    assert len(network.nodes) == 9
    assert len(network.links) == 9
    assert not network.links["oneway"].any()
    degree = np.bincount(np.concatenate([network.links["u"], network.links["v"]]))
    assert sorted(degree) == [1] * 6 + [4] * 3
    graph = road_graph.base_graph(network, directed=False).matrix
    assert csgraph.connected_components(graph, directed=False)[0] == 1
    # Lengths come from the lines in metres (vertices rounded to the 1 m noding grid).
    lines = gpd.read_file(DATA / "crossing_lines.geojson").to_crs(network.crs)
    assert network.length_km * 1000 == pytest.approx(lines.length.sum(), abs=9 * 1.0)


def test_small_gaps_close_and_separate_fragments_are_dropped_with_a_warning():
    lines = gpd.GeoDataFrame(geometry=[
        shapely.LineString([(X0, Y0), (X0 + 100, Y0)]),
        shapely.LineString([(X0 + 100.3, Y0), (X0 + 200, Y0)]),  # 0.3 m gap: joined
        shapely.LineString([(X0, Y0 + 500), (X0 + 50, Y0 + 500)]),  # far away: dropped
    ], crs=UTM)
    with pytest.warns(UserWarning, match="1 of 3 road pieces are not connected"):
        network = assemble.network_from_lines(lines, source="jalan.gpkg")
    assert len(network.links) == 2
    assert network.length_km * 1000 == pytest.approx(200, abs=1)


def test_a_line_layer_without_crs_or_with_polygons_is_refused():
    no_crs = gpd.GeoDataFrame(geometry=[shapely.LineString([(0, 0), (1, 1)])])
    with pytest.raises(InputError, match=r"jalan\.geojson.*no CRS"):
        assemble.network_from_lines(no_crs, source="jalan.geojson")
    mixed = gpd.GeoDataFrame(geometry=[shapely.LineString([(X0, Y0), (X0 + 9, Y0)]),
                                       shapely.box(X0, Y0, X0 + 5, Y0 + 5)], crs=UTM)
    with pytest.raises(InputError, match=r"row 3.*not lines"):
        assemble.network_from_lines(mixed, source="jalan.geojson")


def test_unknown_or_missing_road_files_are_refused(tmp_path):
    with pytest.raises(InputError, match="not found"):
        roads.load_network(tmp_path / "jalan.osm")
    other = tmp_path / "jalan.csv"
    other.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"unknown road file type.*\.osm\.pbf"):
        roads.load_network(other)
    broken = tmp_path / "broken.osm"
    broken.write_text("<osm version='0.6'></osm>", encoding="utf-8")
    with pytest.raises(InputError, match=r"broken\.osm"):
        roads.load_network(broken)


def test_save_and_read_give_the_same_network(grid, tmp_path):
    written = roads.save_network(grid, tmp_path, "uji")
    assert [p.name for p in written] == ["uji_links.parquet", "uji_nodes.parquet",
                                         "uji_extent.geojson"]
    again = roads.read_network(tmp_path, "uji")
    assert len(again.links) == len(grid.links)
    assert again.links["oneway"].sum() == 1
    assert again.length_km == pytest.approx(grid.length_km, rel=1e-6)
    assert shapely.area(again.extent) == pytest.approx(shapely.area(grid.extent), rel=1e-6)
    assert not list(tmp_path.glob(".*"))


# --- downloads (never for real: osmnx is replaced) -----------------------------------------


def test_download_sets_safe_osmnx_settings_and_reuses_the_disk_copy(tmp_path, monkeypatch):
    import osmnx as ox  # noqa: PLC0415

    calls = []

    def fake_graph_from_polygon(polygon, **kwargs):
        calls.append(kwargs)
        assert ox.settings.doh_url_template is None
        assert ox.settings.overpass_rate_limit is False
        assert ox.settings.requests_timeout <= 60
        assert ox.settings.use_cache
        assert Path(ox.settings.cache_folder).is_relative_to(tmp_path)
        graph = grid_graph(3)
        graph = nx.relabel_nodes(graph, {n: n for n in graph})
        return ox.project_graph(graph, to_crs="EPSG:4326")

    monkeypatch.setattr(ox, "graph_from_polygon", fake_graph_from_polygon)
    area = shapely.box(110.35, -7.82, 110.40, -7.77)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        first = roads.download_network(area, cache_dir=tmp_path)
        second = roads.download_network(area, cache_dir=tmp_path)
    assert len(calls) == 1
    assert calls[0]["network_type"] == "drive"
    assert len(first.links) == len(second.links) == 12
    assert "download" in first.source
    assert shapely.area(first.extent) > 0


def test_a_failed_download_says_how_to_go_on(tmp_path, monkeypatch):
    import osmnx as ox  # noqa: PLC0415

    def offline(polygon, **kwargs):
        raise requests.ConnectionError("no route to host")

    monkeypatch.setattr(ox, "graph_from_polygon", offline)
    with pytest.raises(_osm.RoadDownloadError, match=r"could not be downloaded.*--roads"):
        roads.download_network(shapely.box(110.35, -7.82, 110.40, -7.77), cache_dir=tmp_path)


def test_points_on_a_loop_road_are_measured_both_ways_round():
    import networkx as nx  # noqa: PLC0415

    graph = nx.MultiDiGraph(crs=UTM)
    graph.add_node(1, x=X0, y=Y0)
    graph.add_node(2, x=X0 - 100, y=Y0)
    loop = shapely.LineString([(X0, Y0), (X0, Y0 + 100), (X0 + 100, Y0 + 100),
                               (X0 + 100, Y0), (X0, Y0)])
    graph.add_edge(1, 1, geometry=loop)
    graph.add_edge(1, 1, geometry=shapely.reverse(loop))
    graph.add_edge(1, 2)
    graph.add_edge(2, 1)
    network = assemble.network_from_graph(graph, source="loop", attribution="")
    here = np.array([[X0 - 100, Y0], [X0 + 5, Y0 + 30], [X0 + 90, Y0 + 105]])
    distance = road_graph.road_distances(network, here, here)
    # The loop is 400 m long; (0, 30) lies 30 m along it, (90, 100) 190 m (210 m the
    # other way round). Snap distances: 5 m each.
    assert distance[0, 1] == pytest.approx(100 + 30 + 5)
    assert distance[0, 2] == pytest.approx(100 + 190 + 5)
    assert distance[1, 2] == pytest.approx(5 + 160 + 5)
    # One point alone on the loop reaches the loop's node both ways round.
    alone = road_graph.road_distances(network, here[[2]], here[[0]])
    assert alone[0, 0] == pytest.approx(5 + 190 + 100)
