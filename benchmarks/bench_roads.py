"""
Benchmark road catchments and canvassing routes on the bundled Kota Yogyakarta network.

1. **Catchment**: every node within 5 km road distance of 5 offices placed in the city,
   by one multi-source ``scipy.sparse.csgraph.dijkstra`` call (snapping and graph
   included) versus networkx ``single_source_dijkstra_path_length`` per office (graph
   built beforehand, offices already on nodes). Both give the same nodes.
2. **Routes**: 50 and 200 stops in the city, 5 motorbike teams, OR-Tools guided local
   search for 5, 10 and 15 s against a 120 s run of the same model (``--quick`` skips the
   120 s runs). Every stop fits in the teams' time, so quality is the distance driven.

Run from the repository root::

    .venv/bin/python benchmarks/bench_roads.py [--quick] [--repeats 5]
"""

from __future__ import annotations

import argparse
import statistics
import time
from typing import TYPE_CHECKING

import geopandas as gpd
import networkx as nx
import numpy as np
import shapely
from scipy.sparse import csgraph

from geo_outreach.analysis.pipeline import run_analysis
from geo_outreach.field import plan as field_plan
from geo_outreach.field import solver
from geo_outreach.roads import catchments
from geo_outreach.roads import graph as road_graph
from geo_outreach.roads import reach as road_reach
from geo_outreach.roads.networks import bundled_network

if TYPE_CHECKING:
    from collections.abc import Callable

    from geo_outreach.roads.model import RoadNetwork

OFFICES = {  # lon, lat: KC Yogyakarta (bundled) and four places across the city
    "KC-YGY": (110.38344, -7.78305),
    "Tugu": (110.36710, -7.78290),
    "Kraton": (110.36430, -7.80530),
    "Kotagede": (110.39890, -7.81950),
    "Wirobrajan": (110.35100, -7.80200),
}
RADIUS_M = 5000.0
LONG_RUN_S = 120.0
"""The reference solver run the shorter ones are compared with."""


def _median_s(run: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        began = time.perf_counter()
        run()
        times.append(time.perf_counter() - began)
    return statistics.median(times)


def _offices() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"office_id": list(OFFICES), "name": list(OFFICES)},
                            geometry=gpd.points_from_xy(*zip(*OFFICES.values(), strict=True)),
                            crs="EPSG:4326")


def _networkx_graph(network: RoadNetwork) -> nx.Graph:
    graph = nx.Graph()
    for link in network.links[["u", "v", "length_m"]].itertuples(index=False):
        if not graph.has_edge(link.u, link.v) or graph[link.u][link.v]["length"] > link.length_m:
            graph.add_edge(int(link.u), int(link.v), length=float(link.length_m))
    return graph


def _osmnx_style_graph(network: RoadNetwork) -> nx.MultiDiGraph:
    """Build an osmnx-style MultiDiGraph: an edge each way per road (the rule is two-way)."""
    graph = nx.MultiDiGraph()
    for link in network.links[["u", "v", "length_m"]].itertuples(index=False):
        graph.add_edge(int(link.u), int(link.v), length=float(link.length_m))
        graph.add_edge(int(link.v), int(link.u), length=float(link.length_m))
    return graph


def bench_catchment(network: RoadNetwork, repeats: int) -> list[tuple[str, str]]:
    """Time the catchment of 5 offices both ways and check they reach the same nodes."""
    offices = _offices()
    graph = _networkx_graph(network)
    xy = shapely.get_coordinates(offices.to_crs(network.crs).geometry.to_numpy())
    nearest_node = [int(np.argmin(np.hypot(*(network.node_xy - point).T))) for point in xy]

    def ours() -> object:
        reach = catchments.office_reach(network, offices, radius_km=RADIUS_M / 1000)
        return catchments.catchment_nodes(network, reach)

    def networkx_per_office() -> list[dict[int, float]]:
        return [nx.single_source_dijkstra_path_length(graph, node, cutoff=RADIUS_M,
                                                      weight="length")
                for node in nearest_node]

    reach = catchments.office_reach(network, offices, radius_km=RADIUS_M / 1000)

    def search_only() -> object:
        return csgraph.dijkstra(reach.graph.matrix, directed=True,
                                indices=reach.graph.door_nodes, limit=RADIUS_M)

    def nearest() -> object:
        reach = catchments.office_reach(network, offices, radius_km=RADIUS_M / 1000,
                                        nearest_only=True)
        return catchments.catchment_nodes(network, reach)

    def nearest_search_only() -> object:
        return csgraph.dijkstra(reach.graph.matrix, directed=True,
                                indices=reach.graph.door_nodes, limit=RADIUS_M, min_only=True,
                                return_predecessors=True)

    multi = _osmnx_style_graph(network)

    def networkx_multidigraph() -> list[dict[int, float]]:
        return [nx.single_source_dijkstra_path_length(multi, node, cutoff=RADIUS_M,
                                                      weight="length")
                for node in nearest_node]

    reached = ours()
    reference = networkx_per_office()
    ours_count = len(reached)
    reference_count = sum(len(found) for found in reference)
    ours_s = _median_s(ours, repeats)
    search_s = _median_s(search_only, repeats)
    nearest_s = _median_s(nearest, repeats)
    nearest_search_s = _median_s(nearest_search_only, repeats)
    nodes_reached = len(nearest())
    reference_s = _median_s(networkx_per_office, repeats)
    multi_s = _median_s(networkx_multidigraph, repeats)
    result = run_analysis()
    villages_s = _median_s(lambda: road_reach.road_reach(result, network), max(1, repeats // 2))
    return [
        ("catchment, 5 offices, csgraph multi-source (1 call)",
         f"{ours_s * 1000:.1f} ms ({ours_count:,} office-node pairs)"),
        ("catchment, 5 offices, networkx per office",
         f"{reference_s * 1000:.1f} ms ({reference_count:,} pairs)"),
        ("catchment, 5 offices, networkx per office on an osmnx-style MultiDiGraph",
         f"{multi_s * 1000:.1f} ms ({multi_s / ours_s:.0f}× ours end to end)"),
        ("speed-up, end to end (snap offices, insert them, search, node table)",
         f"{reference_s / ours_s:.0f}×"),
        ("catchment, 5 offices, the csgraph search alone",
         f"{search_s * 1000:.1f} ms: {reference_s / search_s:.0f}× networkx"),
        ("nearest office of every node within 5 km (min_only), end to end",
         (f"{nearest_s * 1000:.1f} ms ({nodes_reached:,} nodes): "
          f"{reference_s / nearest_s:.0f}× networkx")),
        ("nearest office (min_only), the csgraph search alone",
         f"{nearest_search_s * 1000:.1f} ms: {reference_s / nearest_search_s:.0f}× networkx"),
        ("road_reach on the bundled analysis (438 villages, polygons incl.)",
         f"{villages_s:.2f} s"),
    ]


def _stops(network: RoadNetwork, count: int, seed: int) -> gpd.GeoDataFrame:
    """Random stops inside the city within 5 km straight-line of KC Yogyakarta."""
    rng = np.random.default_rng(seed)
    centre = gpd.GeoSeries([shapely.Point(OFFICES["KC-YGY"])], crs="EPSG:4326").to_crs(
        network.crs).iloc[0]
    area = shapely.intersection(network.extent, centre.buffer(RADIUS_M))
    west, south, east, north = area.bounds
    points: list[shapely.Point] = []
    while len(points) < count:
        x, y = rng.uniform(west, east), rng.uniform(south, north)
        if area.contains(shapely.Point(x, y)):
            points.append(shapely.Point(x, y))
    return gpd.GeoDataFrame({
        "stop_id": [f"S{k:03d}" for k in range(count)],
        "label": [f"Titik {k}" for k in range(count)],
        "village": "uji", "households": rng.integers(1, 7, count),
    }, geometry=points, crs=network.crs).to_crs("EPSG:4326")


def bench_routes(network: RoadNetwork, *, quick: bool) -> list[tuple[str, str]]:
    """Solve 50 and 200 stops with several time limits; compare with a 120 s run."""
    rows = []
    start = shapely.Point(OFFICES["KC-YGY"])
    limits = [5.0, 10.0, 15.0] + ([] if quick else [LONG_RUN_S])
    for count in (50, 200):
        stops = _stops(network, count, seed=count)
        xy = shapely.get_coordinates(stops.to_crs(network.crs).geometry.to_numpy())
        matrix_s = _median_s(lambda xy=xy: road_graph.road_distances(network, xy, xy), 3)
        rows.append((f"{count} stops: road-distance matrix ({count}×{count})",
                     f"{matrix_s * 1000:.0f} ms"))
        results = {}
        for limit in limits:
            settings = field_plan.RouteSettings(teams=5, hours=8.0, mode="motorbike",
                                                minutes_per_household=2.0, time_limit_s=limit)
            began = time.perf_counter()
            plan = solver.solve_routes(network, stops, settings, start=start)
            elapsed = time.perf_counter() - began
            served = sum(len(route.stops) for route in plan.routes)
            results[limit] = (plan.distance_km, elapsed, served, plan.households)
        reference = "120 s" if LONG_RUN_S in results else "best"
        best = (results[LONG_RUN_S][0] if LONG_RUN_S in results
                else min(r[0] for r in results.values()))
        for limit, (distance, elapsed, served, households) in results.items():
            gap = (distance - best) / best
            rows.append((f"{count} stops, 5 teams, limit {limit:g} s",
                         (f"{elapsed:.1f} s wall, {served}/{count} stops, {households} hh, "
                          f"{distance:.1f} km, {gap:+.1%} vs {reference}")))
    return rows


def main() -> None:
    """Run the benchmarks and print a Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--quick", action="store_true", help="skip the 120 s solver runs")
    parser.add_argument("--repeats", type=int, default=5, help="timing repeats (median)")
    args = parser.parse_args()
    began = time.perf_counter()
    network = bundled_network()
    load_s = time.perf_counter() - began
    rows = [("load the bundled network (first call)", f"{load_s * 1000:.0f} ms"),
            ("network", network.describe())]
    rows += bench_catchment(network, args.repeats)
    rows += bench_routes(network, quick=args.quick)
    print("| measure | result |")
    print("|---|---|")
    for name, value in rows:
        print(f"| {name} | {value} |")


if __name__ == "__main__":
    main()
