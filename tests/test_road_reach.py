"""The radius rule along the roads: catchments, villages and points, against networkx."""

from __future__ import annotations

import hashlib
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from geo_outreach.analysis.pipeline import analyse, run_analysis
from geo_outreach.config import AnalysisParams
from geo_outreach.roads import catchments, model, road_points
from geo_outreach.roads import networks as roads
from geo_outreach.roads import reach as road_reach
from tests.builders import grid_villages, offices_at, participation_for, prepared
from tests.road_builders import UTM, X0, Y0, grid_network, reference_distances, reference_graph

SIZE = 21  # 21 × 21 nodes, 200 m apart: exactly the 4 km village square at the origin
OFFICE_M = (1990.0, 2030.0)
ROAD_DATA = Path(__file__).parent / "data" / "roads"


@pytest.fixture(scope="module")
def city() -> model.RoadNetwork:
    return grid_network(SIZE, oneway=False)


def _offices(points_m: list[tuple[float, float]]) -> gpd.GeoDataFrame:
    return offices_at(points_m)


@pytest.fixture(scope="module")
def analysis():
    villages = grid_villages()
    offices = _offices([OFFICE_M, (9_000.0, 6_000.0)])  # the second is off the grid network
    return analyse(prepared(villages, participation_for(villages), offices),
                   AnalysisParams(radius_km=1.5))


@pytest.fixture(scope="module")
def kota() -> model.RoadNetwork:
    return roads.bundled_network()


@pytest.fixture(scope="module")
def bundled_result():
    return run_analysis()


# --- catchments -----------------------------------------------------------------------------


def test_catchment_nodes_match_networkx_on_the_grid(city):
    offices = _offices([OFFICE_M])
    reach = catchments.office_reach(city, offices, radius_km=1.0)
    nodes = catchments.catchment_nodes(city, reach)
    office_xy = shapely.get_coordinates(offices.to_crs(UTM).geometry.to_numpy())
    reference, doors = reference_graph(city, office_xy, directed=False)
    expected = reference_distances(reference, doors[0], list(range(len(city.nodes))))
    within = np.flatnonzero(expected <= 1000)
    got = nodes.set_index("node_id")["distance_m"]
    ids = city.nodes["node_id"].to_numpy()
    assert set(got.index) == set(ids[within])
    assert got.reindex(ids[within]).to_numpy() == pytest.approx(expected[within])


def test_the_office_graph_is_built_once_and_reused_across_radii(city, monkeypatch):
    offices = _offices([OFFICE_M])
    first = catchments.office_reach(city, offices, radius_km=1.0)

    def never(*_args: object, **_kwargs: object) -> None:
        pytest.fail("the graph was built again")

    monkeypatch.setattr(catchments, "build_graph", never)
    again = catchments.office_reach(city, offices, radius_km=2.0)
    assert again.graph is first.graph
    wider = catchments.catchment_nodes(city, again)
    narrower = catchments.catchment_nodes(city, first)
    assert set(narrower["node_id"]) <= set(wider["node_id"])  # same graph, longer search
    monkeypatch.undo()
    other = catchments.office_reach(city, _offices([(OFFICE_M[0] + 300, OFFICE_M[1])]),
                                    radius_km=1.0)
    assert other.graph is not first.graph  # another office, another graph
    directed = catchments.office_reach(city, offices, radius_km=1.0, directed=True)
    assert directed.graph is not first.graph


@pytest.mark.parametrize("nearest_only", [False, True])
def test_a_smaller_radius_is_cut_from_a_wider_search_with_the_same_answer(city, nearest_only):
    offices = _offices([OFFICE_M, (OFFICE_M[0] + 900, OFFICE_M[1] + 400)])

    def nodes(radius_km: float) -> pd.DataFrame:
        reach = catchments.office_reach(city, offices, radius_km=radius_km,
                                        nearest_only=nearest_only)
        return catchments.catchment_nodes(city, reach)

    catchments._OFFICE_GRAPHS.pop(city, None)  # nothing kept: a search of its own
    searched = nodes(0.8)
    catchments._OFFICE_GRAPHS.pop(city, None)
    wide = nodes(2.0)  # kept, then cut down
    cut = nodes(0.8)
    pd.testing.assert_frame_equal(cut, searched)
    assert len(wide) > len(cut)
    reach = catchments.office_reach(city, offices, radius_km=2.0, nearest_only=nearest_only)
    with pytest.raises(ValueError, match="read-only"):
        reach.node_distance[0, 0] = 0.0  # shared by later calls


def test_catchment_nodes_match_networkx_on_the_bundled_network(kota, bundled_result):
    offices = bundled_result.offices
    reach = catchments.office_reach(kota, offices, radius_km=5.0)
    assert list(reach.office_ids) == ["KC-YGY"]  # the only office on the Kota network
    nodes = catchments.catchment_nodes(kota, reach)
    kc = offices[offices["office_id"] == "KC-YGY"].to_crs(kota.crs)
    reference, doors = reference_graph(kota, shapely.get_coordinates(kc.geometry.to_numpy()),
                                       directed=False)
    expected = reference_distances(reference, doors[0], list(range(len(kota.nodes))))
    within = np.flatnonzero(expected <= 5000)
    got = nodes.set_index("node_id")["distance_m"]
    ids = kota.nodes["node_id"].to_numpy()
    assert set(got.index) == set(ids[within])
    assert got.reindex(ids[within]).to_numpy() == pytest.approx(expected[within])
    assert 4000 < len(within) < 7000


def test_catchment_polygon_follows_the_roads_and_cuts_links_where_distance_runs_out(city):
    offices = _offices([(2000.0, 2000.0)])  # on a junction
    reach = catchments.office_reach(city, offices, radius_km=0.5)
    polygon = catchments.catchment_polygons(city, reach, offices, buffer_m=50,
                                            min_hole_m2=0).to_crs(UTM)
    shape = polygon.geometry.iloc[0]
    row = polygon.iloc[0]
    assert row["office_id"] == "K1"
    assert row["reached_nodes"] == 13  # junctions within 500 m Manhattan of the office
    # Every road point within 500 m Manhattan distance: east-west streets 0, ±200 and
    # ±400 m off the office reach 500, 300 and 100 m each way; north-south streets alike.
    assert row["road_km_reached"] == pytest.approx(2 * (1000 + 2 * 600 + 2 * 200) / 1000,
                                                   rel=1e-6)
    centre = (X0 + 2000, Y0 + 2000)
    assert shape.contains(shapely.Point(centre[0] + 490, centre[1]))  # on the road east
    assert shape.contains(shapely.Point(centre[0] + 540, centre[1]))  # within the buffer
    assert not shape.contains(shapely.Point(centre[0] + 560, centre[1]))  # beyond
    assert not shape.contains(shapely.Point(centre[0] + 100, centre[1] + 100))  # in a block
    # By default the inside of a block with all its roads reached is filled in.
    filled = catchments.catchment_polygons(city, reach, offices, buffer_m=50).to_crs(UTM)
    assert filled.geometry.iloc[0].contains(shapely.Point(centre[0] + 100, centre[1] + 100))


def test_points_by_road_classifies_households_and_flags_those_off_the_network(city):
    offices = _offices([(2000.0, 2000.0)])
    points = gpd.GeoDataFrame(geometry=[
        shapely.Point(X0 + 2300, Y0 + 2010),  # 300 m along + 10 m snap
        shapely.Point(X0 + 2700, Y0 + 2700),  # 1400 m by road, 990 m straight
        shapely.Point(X0 + 9000, Y0 + 9000),  # far outside the grid
    ], crs=UTM, index=[10, 11, 12]).to_crs("EPSG:4326")
    table = road_points.points_by_road(city, offices, points, radius_km=1.0)
    assert list(table.index) == [10, 11, 12]
    assert table.loc[10, "road_distance_m"] == pytest.approx(310, abs=0.01)
    assert table.loc[10, "nearest_office_by_road"] == "K1"
    assert bool(table.loc[10, "within_road_radius"])
    assert not bool(table.loc[11, "within_road_radius"])
    assert np.isinf(table.loc[11, "road_distance_m"])
    assert bool(table.loc[12, "outside_network_extent"])
    assert pd.isna(table.loc[12, "within_road_radius"])


def test_sample_points_cover_each_polygon_evenly():
    squares = np.array([shapely.box(0, 0, 1000, 1000), shapely.box(0, 0, 100, 400)])
    xy, owner = road_points.sample_points(squares, 100)
    counts = np.bincount(owner)
    assert counts[0] == 100
    assert 80 <= counts[1] <= 120
    assert shapely.contains_xy(squares[1], *xy[owner == 1].T).all()


# --- villages and offices ---------------------------------------------------------------------


def test_road_columns_sit_next_to_the_straight_line_ones(analysis, city):
    result = road_reach.road_reach(analysis, city)
    columns = list(result.villages.columns)
    at = columns.index("uncovered_within_radius")
    assert columns[at + 1: at + 4] == list(road_reach.VILLAGE_ROAD_COLUMNS)
    assert columns[-1] == "geometry"
    assert set(road_reach.VILLAGE_ROAD_EXTRAS) <= set(columns)
    office_columns = list(result.offices.columns)
    at = office_columns.index("uncovered_within_radius")
    assert office_columns[at + 1: at + 1 + len(road_reach.OFFICE_ROAD_COLUMNS)] == list(
        road_reach.OFFICE_ROAD_COLUMNS)
    assert len(result.villages) == len(analysis.villages)
    assert result.villages.crs == analysis.villages.crs


def test_road_share_is_the_diamond_the_roads_reach(analysis, city):
    villages = road_reach.road_reach(analysis, city, points_per_village=400).villages
    first = villages.iloc[0]  # the 4 km square the grid network covers
    assert not first["outside_network_extent"]
    # The straight-line disc is π × 1.5² km² of 16 km². Along a street grid the roads within
    # 1.5 km fill a diamond of 2 × 1.5² km², less the block interiors whose walk to the
    # nearest road (the snap distance) pushes them past the radius.
    assert first["share_within_radius"] == pytest.approx(np.pi * 1.5**2 / 16, rel=0.01)
    diamond = 2 * 1.5**2 / 16
    assert 0.8 * diamond < first["share_within_road_radius"] < diamond
    assert first["uncovered_within_road_radius"] == pytest.approx(
        first["uncovered"] * first["share_within_road_radius"])
    assert first["nearest_office_by_road"] == "K1"


def test_villages_outside_the_network_are_flagged_not_unreachable(analysis, city):
    villages = road_reach.road_reach(analysis, city, language="en").villages
    others = villages.iloc[1:]
    assert others["outside_network_extent"].all()
    assert others["share_within_road_radius"].isna().all()
    assert others["uncovered_within_road_radius"].isna().all()
    assert others["road_note"].str.contains("which does not mean unreachable").all()
    # Villages touching the off-network office's disc say so.
    near_k2 = villages[villages["road_note"].str.contains("office K2")]
    assert len(near_k2) > 0


def test_offices_off_the_network_get_no_road_totals(analysis, city):
    offices = road_reach.road_reach(analysis, city).offices.set_index("office_id")
    assert bool(offices.loc["K1", "on_road_network"])
    assert not bool(offices.loc["K2", "on_road_network"])
    assert np.isnan(offices.loc["K2", "uncovered_within_road_radius"])
    assert offices.loc["K1", "road_snap_m"] == pytest.approx(10.0)
    assert offices.loc["K1", "villages_within_road_radius"] == 1


def test_bundled_road_reach_flags_the_city_edge_and_conserves_totals(kota, bundled_result):
    result = road_reach.road_reach(bundled_result, kota)
    villages = result.villages.set_index("name")
    kota_villages = villages[villages["regency"] == "Kota Yogyakarta"]
    measured = kota_villages["share_within_road_radius"].notna()
    assert measured.sum() >= 40
    # Along the roads never reaches more than the straight line (sampling aside).
    difference = (kota_villages.loc[measured, "share_within_road_radius"]
                  - kota_villages.loc[measured, "share_within_radius"])
    assert (difference <= 0.05).all()
    assert bool(villages.loc["Patangpuluhan", "outside_network_extent"])
    assert np.isnan(villages.loc["Patangpuluhan", "share_within_road_radius"])
    assert villages.loc["Kotabaru", "share_within_road_radius"] == pytest.approx(1.0)
    gunungkidul = villages[villages["regency"].str.contains("Gunungkidul")]
    assert gunungkidul["outside_network_extent"].all()
    assert gunungkidul["share_within_road_radius"].isna().all()
    offices = result.offices.set_index("office_id")
    assert offices.loc["KC-YGY", "uncovered_within_road_radius"] == pytest.approx(
        np.nansum(villages["uncovered_within_road_radius"]), rel=1e-9)
    assert (offices.loc["KC-YGY", "uncovered_within_road_radius"]
            < offices.loc["KC-YGY", "uncovered_within_radius"])
    assert result.catchments["office_id"].tolist() == ["KC-YGY"]
    assert result.catchments.crs == "EPSG:4326"
    with_roads = road_reach.with_road_reach(bundled_result, result)
    assert "share_within_road_radius" in with_roads.villages.columns
    links = roads.BUNDLED_ROADS_DIR / f"{roads.BUNDLED_ROADS_STEM}_links.parquet"
    assert with_roads.inputs["roads"] == {
        "path": "bundled:boundaries/roads/" + links.name,
        "sha256": hashlib.sha256(links.read_bytes()).hexdigest()}


def test_a_road_file_is_named_among_the_inputs_with_its_sha256(bundled_result):
    path = ROAD_DATA / "tiny_grid.osm"
    network = roads.load_network(path)
    reach = road_reach.road_reach(bundled_result, network)
    with_roads = road_reach.with_road_reach(bundled_result, reach)
    assert with_roads.inputs["roads"] == {
        "path": str(path), "sha256": hashlib.sha256(path.read_bytes()).hexdigest()}
    assert set(bundled_result.inputs) == {"boundaries", "participation", "offices"}


def test_a_nearest_office_search_agrees_with_the_search_per_office(kota):
    offices = gpd.GeoDataFrame(
        {"office_id": ["A", "B", "C"], "name": ["A", "B", "C"]},
        geometry=gpd.points_from_xy([110.38344, 110.3671, 110.3989],
                                    [-7.78305, -7.7829, -7.8195]),
        crs="EPSG:4326")
    per_office = catchments.office_reach(kota, offices, radius_km=3.0)
    nearest = catchments.office_reach(kota, offices, radius_km=3.0, nearest_only=True)
    assert nearest.node_distance.shape[0] == 1
    rng = np.random.default_rng(5)
    west, south, east, north = shapely.bounds(kota.extent)
    xy = np.column_stack([rng.uniform(west, east, 3000), rng.uniform(south, north, 3000)])
    # Include points on the offices' own links.
    xy = np.vstack([xy, per_office.snapped.xy + 2.0, per_office.snapped.xy - 2.0])
    office_a, distance_a = road_points.nearest_office_by_road(kota, per_office, xy)
    office_b, distance_b = road_points.nearest_office_by_road(kota, nearest, xy)
    assert distance_b == pytest.approx(distance_a)
    tie = np.isclose(distance_a, distance_b)
    assert (office_a[tie] == office_b[tie]).mean() > 0.999
    assert (office_b >= 0).sum() > 500
    whole = catchments.catchment_nodes(kota, per_office)
    partition = catchments.catchment_nodes(kota, nearest)
    assert partition["node_id"].is_unique
    assert set(partition["node_id"]) == set(whole["node_id"])
    shortest = whole.groupby("node_id")["distance_m"].min()
    assert partition.set_index("node_id")["distance_m"].sort_index().to_numpy() == \
        pytest.approx(shortest.sort_index().to_numpy())
