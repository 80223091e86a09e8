"""
Road catchments: how far each office reaches along the roads within the radius.

One multi-source ``scipy.sparse.csgraph.dijkstra`` call from the snapped offices; links
reached whole or in part become the catchment polygons.
"""

from __future__ import annotations

import functools
import weakref
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely
from scipy.sparse import csgraph

from geo_outreach._errors import InputError, Problem
from geo_outreach.roads.graph import RoadGraph, SnappedPoints, build_graph, snap_points, substrings

if TYPE_CHECKING:
    from geo_outreach.roads.model import RoadNetwork

CATCHMENT_BUFFER_M: Final = 75.0
"""Half-width of the band drawn around the reached roads."""
CATCHMENT_MIN_HOLE_M2: Final = 50_000.0
"""Gaps smaller than this (5 ha: a city block) inside a catchment polygon are filled."""


@dataclass(frozen=True)
class OfficeReach:
    """
    Road distances from the offices to every node, from one multi-source search.

    Attributes
    ----------
    office_ids
        The offices searched from (those on the network), in row order.
    office_xy
        Their positions in the network's CRS, shape (offices, 2).
    snapped
        Where each of them joins the road.
    graph
        The graph searched (the network with the offices inserted).
    node_distance
        Metres, shape (offices, graph nodes); ``inf`` beyond ``radius_m``. Includes the
        office's own snap distance (door to road). With ``nearest_office``, one row: the
        distance to the nearest office.
    nearest_office
        Only from a nearest-office search: per graph node, the row of its nearest office
        (-1 beyond the radius); None for a search per office.
    radius_m
        The search radius.
    directed
        Whether one-way rules were kept.
    """

    office_ids: np.ndarray
    office_xy: np.ndarray
    snapped: SnappedPoints
    graph: RoadGraph
    node_distance: np.ndarray
    radius_m: float
    directed: bool
    nearest_office: np.ndarray | None = None


def metric_xy(frame: gpd.GeoDataFrame, network: RoadNetwork) -> np.ndarray:
    """Coordinates of the features (points, else representative points) in metres."""
    if frame.crs is None:
        raise InputError(Problem("points", None, "geometry", None, "the points have no CRS",
                                 "give points with a CRS, e.g. EPSG:4326"))
    geometry = frame.geometry.to_numpy()
    if len(geometry) and not (shapely.get_type_id(geometry) == 0).all():
        geometry = shapely.point_on_surface(geometry)
    xy = shapely.get_coordinates(geometry).reshape(-1, 2)
    transformer = _transformer(frame.crs.to_string(), network.crs)
    return np.column_stack(transformer.transform(xy[:, 0], xy[:, 1])) if len(xy) else xy


@functools.cache
def _transformer(source: str, target: str) -> pyproj.Transformer:
    return pyproj.Transformer.from_crs(source, target, always_xy=True)


def on_network(network: RoadNetwork, frame: gpd.GeoDataFrame) -> np.ndarray:
    """
    Tell which features lie inside the network's extent.

    Parameters
    ----------
    network
        The network.
    frame
        Points (or any features: their representative points are tested), with a CRS.

    Returns
    -------
    np.ndarray
        One bool per feature.
    """
    return network.covers_xy(metric_xy(frame, network))


MAX_OFFICE_GRAPHS: Final = 8
"""Office sets whose graph is kept per network (the app's office choices, the CLI's one)."""

Searches = dict[bool, tuple[float, np.ndarray, "np.ndarray | None"]]
"""The widest search kept for an office graph: nearest_only → (radius, distance, nearest)."""

_OFFICE_GRAPHS: weakref.WeakKeyDictionary[RoadNetwork, dict[tuple[bytes, bool],
                                                         tuple[SnappedPoints, RoadGraph,
                                                               Searches]]]
_OFFICE_GRAPHS = weakref.WeakKeyDictionary()


def office_graph(network: RoadNetwork, office_xy: np.ndarray, *, directed: bool = False
                 ) -> tuple[SnappedPoints, RoadGraph]:
    """
    Snap the offices to the roads and insert them as graph nodes, once per office set.

    Snapping and inserting are most of a catchment's cost (3.7 ms of 6.5 ms for five
    offices on Kota Yogyakarta) and depend neither on the radius nor on the call: the
    result is kept with the network (dropped with it) for the last
    :data:`MAX_OFFICE_GRAPHS` office sets, and only read afterwards.

    Parameters
    ----------
    network
        The network.
    office_xy
        Office points in the network's CRS, inside its extent.
    directed
        Keep one-way rules.

    Returns
    -------
    SnappedPoints, RoadGraph
        The offices on the roads, and the graph with a door node per office.
    """
    snapped, graph, _searches = _office_entry(network, office_xy, directed=directed)
    return snapped, graph


def _office_entry(network: RoadNetwork, office_xy: np.ndarray, *, directed: bool
                  ) -> tuple[SnappedPoints, RoadGraph, Searches]:
    key = (np.ascontiguousarray(office_xy, dtype=np.float64).tobytes(), directed)
    kept = _OFFICE_GRAPHS.setdefault(network, {})
    found = kept.get(key)
    if found is None:
        snapped = snap_points(network, office_xy)
        found = (snapped, build_graph(network, snapped, directed=directed, doors=True), {})
        if len(kept) >= MAX_OFFICE_GRAPHS:
            kept.pop(next(iter(kept)))
        kept[key] = found
    return found


MAX_KEPT_SEARCH_BYTES: Final = 64 * 1024 * 1024
"""The largest search result kept for reuse (offices × nodes × 8 bytes)."""

def _searched(graph: RoadGraph, searches: Searches, office_xy: np.ndarray, radius_m: float, *,
              nearest_only: bool) -> tuple[np.ndarray, np.ndarray | None]:
    """
    Search from the offices up to ``radius_m``, or cut a wider search kept for this graph.

    A search up to R reaches every node within r < R at the same distance, so a smaller
    radius (the app's slider going down) needs no new search: distances beyond r become
    ``inf`` and their nearest office -1. A wider radius searches again and is kept instead.
    """
    size = graph.matrix.shape[0]
    if len(office_xy) == 0:
        return (np.full((1 if nearest_only else 0, size), np.inf),
                np.full(size, -1) if nearest_only else None)
    kept = searches.get(nearest_only)
    if kept is None or kept[0] < radius_m:
        if nearest_only:
            distance, _previous, source = csgraph.dijkstra(
                graph.matrix, directed=True, indices=graph.door_nodes, limit=radius_m,
                min_only=True, return_predecessors=True)
            nearest = np.where(source >= 0, source - graph.door_nodes[0], -1)
        else:
            distance, nearest = csgraph.dijkstra(graph.matrix, directed=True,
                                                 indices=graph.door_nodes, limit=radius_m), None
        distance = np.atleast_2d(distance)
        if distance.nbytes <= MAX_KEPT_SEARCH_BYTES:
            for array in (distance, nearest):
                if array is not None:
                    array.flags.writeable = False  # shared by later calls: read only
            searches[nearest_only] = (radius_m, distance, nearest)
        return distance, nearest
    searched_m, distance, nearest = kept
    if searched_m == radius_m:
        return distance, nearest
    within = distance <= radius_m
    cut = np.where(within, distance, np.inf)
    return cut, (np.where(within[0], nearest, -1) if nearest is not None else None)


def office_reach(
    network: RoadNetwork,
    offices: gpd.GeoDataFrame,
    *,
    radius_km: float = 5.0,
    directed: bool = False,
    nearest_only: bool = False,
) -> OfficeReach:
    """
    Search the roads from every office at once, up to the radius.

    Parameters
    ----------
    network
        The network.
    offices
        Office points with ``office_id``, any CRS. Offices outside the network's extent
        are left out (see :func:`on_network`).
    radius_km
        The radius, km.
    directed
        Keep one-way rules (distance *from* the office, as driven); the default treats
        every road as two-way, as a distance rule and people on foot do.
    nearest_only
        Keep only each node's nearest office and its distance (one search pass,
        ``min_only``: faster, and memory for one row instead of one per office). Enough to
        classify points; catchments then do not overlap.

    Returns
    -------
    OfficeReach
        The distances from each office on the network to every node.
    """
    all_xy = metric_xy(offices, network)
    inside = network.covers_xy(all_xy)
    chosen = offices[inside]
    office_xy = all_xy[inside]
    snapped, graph, searches = _office_entry(network, office_xy, directed=directed)
    radius_m = radius_km * 1000
    distance, nearest = _searched(graph, searches, office_xy, radius_m,
                                  nearest_only=nearest_only)
    return OfficeReach(office_ids=chosen["office_id"].astype(str).to_numpy(),
                       office_xy=office_xy, snapped=snapped, graph=graph,
                       node_distance=distance, radius_m=radius_m,
                       directed=directed, nearest_office=nearest)


def catchment_nodes(network: RoadNetwork, reach: OfficeReach) -> pd.DataFrame:
    """
    List every network node within the radius of each office.

    Parameters
    ----------
    network
        The network searched.
    reach
        From :func:`office_reach`.

    Returns
    -------
    pd.DataFrame
        ``office_id``, ``node_id`` and ``distance_m``, one row per reached (office, node);
        after a nearest-office search, one row per node (its nearest office).
    """
    distance = reach.node_distance[:, : len(network.nodes)]
    row, node = np.nonzero(np.isfinite(distance))
    office = row if reach.nearest_office is None else reach.nearest_office[node]
    return pd.DataFrame({"office_id": pd.Categorical.from_codes(office, reach.office_ids),
                         "node_id": network.nodes["node_id"].to_numpy()[node],
                         "distance_m": distance[row, node]})


def _reached_intervals(reach: OfficeReach, office: int
                       ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Find the stretches one office reaches: link, start and end along it (metres from u)."""
    graph = reach.graph
    rows = np.repeat(np.arange(graph.matrix.shape[0]), np.diff(graph.matrix.indptr))
    if reach.nearest_office is None:
        remaining = reach.radius_m - reach.node_distance[office, rows]
    else:
        mine = reach.nearest_office[rows] == office
        remaining = np.where(mine, reach.radius_m - reach.node_distance[0, rows], -np.inf)
    usable = (graph.link >= 0) & (remaining > 0)
    start, end = graph.start_m[usable], graph.end_m[usable]
    span = np.minimum(np.abs(end - start), remaining[usable])
    low = np.where(start <= end, start, start - span)
    high = np.where(start <= end, start + span, start)
    keep = high > low
    return graph.link[usable][keep], low[keep], high[keep]


def _covered_length(link: np.ndarray, low: np.ndarray, high: np.ndarray) -> float:
    """Length of the union of intervals on each link (overlaps counted once), metres."""
    if len(link) == 0:
        return 0.0
    order = np.lexsort((low, link))
    frame = pd.DataFrame({"link": link[order], "low": low[order], "high": high[order]})
    reach_so_far = frame.groupby("link")["high"].cummax()
    previous = reach_so_far.groupby(frame["link"]).shift(1).fillna(-np.inf)
    start = np.maximum(frame["low"], previous)
    return float(np.clip(frame["high"] - start, 0.0, None).sum())


def reached_pieces(network: RoadNetwork, reach: OfficeReach, office: int) -> np.ndarray:
    """
    Cut out the stretches of road one office reaches within the radius.

    Parameters
    ----------
    network
        The network searched.
    reach
        From :func:`office_reach`.
    office
        The office's row in ``reach``.

    Returns
    -------
    np.ndarray
        LineStrings in the network's CRS: every road stretch reached, links reached
        part-way cut where the distance runs out, plus the hop from the office to its road.
    """
    link, low, high = _reached_intervals(reach, office)
    lines = network.links.geometry.to_numpy()[link]
    pieces = substrings(lines, low, high)
    hop = shapely.linestrings([reach.office_xy[office], reach.snapped.xy[office]])
    return np.concatenate([pieces, [hop]])


def _fill_holes(polygon: shapely.Geometry, min_hole_m2: float) -> shapely.Geometry:
    """Drop the interior rings smaller than ``min_hole_m2`` from every part."""
    parts = []
    for part in shapely.get_parts(polygon):
        holes = [ring for ring in part.interiors
                 if shapely.Polygon(ring).area >= min_hole_m2]
        parts.append(shapely.Polygon(part.exterior, holes))
    return shapely.union_all(parts) if len(parts) > 1 else (parts[0] if parts else polygon)


def catchment_polygons(
    network: RoadNetwork,
    reach: OfficeReach,
    offices: gpd.GeoDataFrame,
    *,
    buffer_m: float = CATCHMENT_BUFFER_M,
    min_hole_m2: float = CATCHMENT_MIN_HOLE_M2,
) -> gpd.GeoDataFrame:
    """
    Draw each office's road catchment: the roads it reaches within the radius, buffered.

    Parameters
    ----------
    network
        The network searched.
    reach
        From :func:`office_reach`.
    offices
        The offices, with ``office_id`` and ``name``.
    buffer_m
        Half-width of the band around the reached roads.
    min_hole_m2
        Gaps inside the polygon smaller than this are filled (the inside of a block whose
        surrounding roads are all reached); larger ones stay open.

    Returns
    -------
    gpd.GeoDataFrame
        EPSG:4326: ``office_id``, ``name``, ``radius_km``, ``reached_nodes``,
        ``road_km_reached`` (each road once) and the polygon; one row per office on the
        network.
    """
    names = offices.assign(office_id=offices["office_id"].astype(str)).set_index(
        "office_id")["name"]
    records = []
    for row, office_id in enumerate(reach.office_ids):
        pieces = reached_pieces(network, reach, row)
        # One buffer per piece, then a union: far faster than buffering the union.
        polygon = _fill_holes(shapely.union_all(shapely.buffer(pieces, buffer_m, quad_segs=2)),
                              min_hole_m2)
        finite = (np.isfinite(reach.node_distance[row, : len(network.nodes)])
                  if reach.nearest_office is None
                  else reach.nearest_office[: len(network.nodes)] == row)
        records.append({"office_id": office_id, "name": names.get(office_id, office_id),
                        "radius_km": reach.radius_m / 1000,
                        "reached_nodes": int(finite.sum()),
                        "road_km_reached": _covered_length(*_reached_intervals(reach, row)) / 1000,
                        "geometry": polygon})
    frame = gpd.GeoDataFrame(records, geometry="geometry", crs=network.crs) if records else \
        gpd.GeoDataFrame({"office_id": [], "name": [], "radius_km": [], "reached_nodes": [],
                          "road_km_reached": []}, geometry=[], crs=network.crs)
    return frame.to_crs("EPSG:4326")


def km_outside_network(network: RoadNetwork, frame: gpd.GeoDataFrame) -> np.ndarray:
    """
    Measure how far each feature lies outside the network's extent.

    Parameters
    ----------
    network
        The network.
    frame
        Points (e.g. offices), any CRS.

    Returns
    -------
    np.ndarray
        Kilometres outside the extent, 0.0 for a feature inside it (within the extent's
        tolerance).
    """
    xy = metric_xy(frame, network)
    if len(xy) == 0:
        return np.zeros(0)
    inside = network.covers_xy(xy)
    distance = shapely.distance(network.extent, shapely.points(xy)) / 1000
    return np.where(inside, 0.0, distance)
