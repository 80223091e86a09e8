"""Hand-built road networks and an independent networkx reference, for the road tests."""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING

import geopandas as gpd
import networkx as nx
import numpy as np
import shapely

from geo_outreach.roads.assemble import network_from_graph
from geo_outreach.roads.graph import snap_points

if TYPE_CHECKING:
    from geo_outreach.roads.model import RoadNetwork

UTM = "EPSG:32749"
X0, Y0 = 430_000.0, 9_140_000.0  # near Kota Yogyakarta, as tests/builders.py
STEP = 200.0
ONEWAY = ((0, 0), (1, 0))
"""The grid's one one-way street: from node (0, 0) east to node (1, 0)."""


def node_id(i: int, j: int) -> int:
    return 10_000 + 100 * i + j


def grid_graph(size: int = 5, *, oneway: bool = True) -> nx.MultiDiGraph:
    """A size×size street grid, STEP metres apart, in UTM 49S, osmnx-style."""
    graph = nx.MultiDiGraph(crs=UTM)
    for i in range(size):
        for j in range(size):
            graph.add_node(node_id(i, j), x=X0 + i * STEP, y=Y0 + j * STEP)
    for i in range(size):
        for j in range(size):
            for di, dj in ((1, 0), (0, 1)):
                if i + di >= size or j + dj >= size:
                    continue
                a, b = node_id(i, j), node_id(i + di, j + dj)
                name = f"Jalan {i}-{j}"
                graph.add_edge(a, b, length=STEP, highway="residential", name=name)
                if not (oneway and ((i, j), (i + di, j + dj)) == ONEWAY):
                    graph.add_edge(b, a, length=STEP, highway="residential", name=name)
    return graph


def grid_network(size: int = 5, *, oneway: bool = True) -> RoadNetwork:
    """The grid as a RoadNetwork (extent: the convex hull of its nodes)."""
    return network_from_graph(grid_graph(size, oneway=oneway), source="grid", attribution="")


def reference_graph(network: RoadNetwork, points_xy: np.ndarray | None = None, *,
                    directed: bool) -> tuple[nx.DiGraph, list[tuple[str, int]]]:
    """
    Build a networkx DiGraph of the network with points inserted by plain loops.

    Each point becomes node ("p", i) on its link and ("door", i) at its own position, joined
    by its snap distance. Returns the graph and the door node of each point.
    """
    graph = nx.DiGraph()
    links = network.links
    on_link: dict[int, list[tuple[float, tuple[str, int]]]] = {}
    doors = []
    if points_xy is not None:
        snapped = snap_points(network, points_xy)
        for i in range(len(points_xy)):
            on_link.setdefault(int(snapped.link[i]), []).append(
                (float(snapped.along_m[i]), ("p", i)))
            graph.add_edge(("door", i), ("p", i), weight=float(snapped.snap_m[i]))
            graph.add_edge(("p", i), ("door", i), weight=float(snapped.snap_m[i]))
            doors.append(("door", i))

    def add(a: object, b: object, weight: float, *, both: bool) -> None:
        for x, y in ((a, b), (b, a)) if both else ((a, b),):
            if not graph.has_edge(x, y) or graph[x][y]["weight"] > weight:
                graph.add_edge(x, y, weight=weight)

    for position, link in enumerate(links.itertuples()):
        both = not (directed and link.oneway)
        chain = [(0.0, int(link.u)), *sorted(on_link.get(position, [])),
                 (float(link.length_m), int(link.v))]
        for (start, a), (end, b) in itertools.pairwise(chain):
            add(a, b, end - start, both=both)
    return graph, doors


def reference_distances(graph: nx.DiGraph, source: object, targets: list[object]) -> np.ndarray:
    lengths = nx.single_source_dijkstra_path_length(graph, source, weight="weight")
    return np.array([lengths.get(t, np.inf) for t in targets])


def point(i: float, j: float, *, dx: float = 0.0, dy: float = 0.0) -> shapely.Point:
    """A point at grid position (i, j) (fractions allowed), offset by dx, dy metres."""
    return shapely.Point(X0 + i * STEP + dx, Y0 + j * STEP + dy)


def grid_stops(cells: list[tuple[float, float, int]], *, names: list[str] | None = None
               ) -> gpd.GeoDataFrame:
    """Stops at grid positions (i, j) with households, EPSG:4326, stops.py form."""
    records = []
    for k, (i, j, households) in enumerate(cells):
        name = names[k] if names else f"Desa {k + 1}"
        records.append({"stop_id": f"S{k + 1:02d}", "label": name, "village": name,
                        "district": "Kapanewon Uji", "households": households,
                        "geometry": point(i, j, dx=7.0)})
    return gpd.GeoDataFrame(records, crs=UTM).to_crs("EPSG:4326")


def lonlat(i: float, j: float) -> shapely.Point:
    """Grid position (i, j) as an EPSG:4326 point."""
    return gpd.GeoSeries([point(i, j)], crs=UTM).to_crs("EPSG:4326").iloc[0]
