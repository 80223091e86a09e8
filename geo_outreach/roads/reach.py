"""
The 5 km rule along the roads: office catchments, villages and points by road distance.

The straight-line rule (:mod:`geo_outreach.analysis.reach`) stays the rule; this module measures
the same radius along the roads, side by side with it. One multi-source Dijkstra search
from all offices (:func:`office_reach`) gives every network node's road distance to each
office; points then snap to their nearest road (:mod:`geo_outreach.roads.networks`).

- **Catchments** (:func:`catchment_polygons`): the roads each office reaches within the
  radius (links reached part-way are cut where the distance runs out), buffered and
  dissolved into a polygon for the map.
- **Villages** (:func:`road_reach`): each village is sampled by a regular grid of points;
  its share within the road radius is the share of its sample points within the radius
  of any office (so it is a share of *area*, as the straight-line share is without
  population points). Each point counts for its nearest office by road, so the offices'
  totals add up to the villages' totals, as in the straight-line rule.
- **Where the network ends**: a village partly outside the network's extent is flagged
  (``outside_network_extent``), never taken as unreachable: its road share is measured on
  the part inside the extent when that is nearly all of it (``min_extent_share``), and
  left NaN otherwise, with a note. An office off the network is left out of the road
  measures, and villages within its straight-line radius get NaN with a note.
"""

from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely
from scipy.sparse import csgraph

from geo_outreach._errors import InputError, Problem
from geo_outreach.roads.graph import (
    RoadGraph,
    SnappedPoints,
    build_graph,
    distances_to_snapped,
    snap_points,
    substrings,
)

if TYPE_CHECKING:
    from geo_outreach.analysis.result import AnalysisResult
    from geo_outreach.roads.networks import RoadNetwork

CATCHMENT_BUFFER_M: Final = 75.0
"""Half-width of the band drawn around the reached roads."""
CATCHMENT_MIN_HOLE_M2: Final = 50_000.0
"""Gaps smaller than this (5 ha: a city block) inside a catchment polygon are filled."""
POINTS_PER_VILLAGE: Final = 200
"""Sample points per village (on a regular grid) for its share within the road radius."""
MIN_EXTENT_SHARE: Final = 0.95
"""A village needs this share of its area inside the network's extent for a road share."""
FULLY_INSIDE: Final = 0.999
"""Above this share inside the extent a village counts as wholly inside it."""
SAMPLE_CHUNK: Final = 200_000
"""Points measured per block (bounds memory: offices × chunk distances)."""

VILLAGE_ROAD_COLUMNS: Final = ("share_within_road_radius", "uncovered_within_road_radius",
                               "outside_network_extent")
"""Placed right after the straight-line ``uncovered_within_radius`` column."""
VILLAGE_ROAD_EXTRAS: Final = ("share_inside_network_extent", "nearest_office_by_road",
                              "road_note")
OFFICE_ROAD_COLUMNS: Final = (
    "villages_within_road_radius", "labour_force_within_road_radius",
    "participants_within_road_radius", "coverage_within_road_radius",
    "uncovered_within_road_radius", "villages_road_share_unknown", "on_road_network",
    "road_snap_m",
)
"""Placed right after the straight-line ``uncovered_within_radius`` column."""

NOTES: Final[dict[str, dict[str, str]]] = {
    "partial": {
        "id": "{share} luas desa di dalam cakupan jaringan jalan; porsi jalan dihitung pada "
              "bagian itu saja",
        "en": "{share} of the village lies inside the road network's extent; the road share "
              "is measured on that part only",
    },
    "outside": {
        "id": "hanya {share} luas desa di dalam cakupan jaringan jalan: porsi jalan tidak "
              "dihitung (bukan berarti tidak terjangkau)",
        "en": "only {share} of the village lies inside the road network's extent: no road "
              "share (which does not mean unreachable)",
    },
    "office_off_network": {
        "id": "kantor {offices} di luar jaringan jalan: porsi jalan tidak dihitung",
        "en": "office {offices} lies outside the road network: no road share",
    },
}


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


def _metric_xy(frame: gpd.GeoDataFrame, network: RoadNetwork) -> np.ndarray:
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
    return network.covers_xy(_metric_xy(frame, network))


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
    all_xy = _metric_xy(offices, network)
    inside = network.covers_xy(all_xy)
    chosen = offices[inside]
    office_xy = all_xy[inside]
    snapped = snap_points(network, office_xy)
    graph = build_graph(network, snapped, directed=directed, doors=True)
    radius_m = radius_km * 1000
    nearest = None
    size = graph.matrix.shape[0]
    if len(office_xy) == 0:
        distance = np.full((1 if nearest_only else 0, size), np.inf)
        nearest = np.full(size, -1) if nearest_only else None
    elif nearest_only:
        distance, _previous, source = csgraph.dijkstra(
            graph.matrix, directed=True, indices=graph.door_nodes, limit=radius_m,
            min_only=True, return_predecessors=True)
        nearest = np.where(source >= 0, source - graph.door_nodes[0], -1)
    else:
        distance = csgraph.dijkstra(graph.matrix, directed=True, indices=graph.door_nodes,
                                    limit=radius_m)
    return OfficeReach(office_ids=chosen["office_id"].astype(str).to_numpy(),
                       office_xy=office_xy, snapped=snapped, graph=graph,
                       node_distance=np.atleast_2d(distance), radius_m=radius_m,
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


def nearest_office_by_road(
    network: RoadNetwork, reach: OfficeReach, xy: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """
    Find each point's nearest office along the roads (within the radius).

    Parameters
    ----------
    network
        The network searched.
    reach
        From :func:`office_reach`.
    xy
        Points in the network's CRS, shape (n, 2).

    Returns
    -------
    tuple of np.ndarray
        The row in ``reach`` of the nearest office (-1 when none is within the radius) and
        the road distance in metres (``inf`` beyond the radius). The distance includes the
        point's and the office's snap distances.
    """
    count = len(xy)
    best = np.full(count, -1)
    distance = np.full(count, np.inf)
    if len(reach.office_ids) == 0 or count == 0:
        return best, distance
    node_distance = reach.node_distance[:, : len(network.nodes)]
    for begin in range(0, count, SAMPLE_CHUNK):
        block = slice(begin, min(begin + SAMPLE_CHUNK, count))
        targets = snap_points(network, xy[block])
        if reach.nearest_office is None:
            per_office = distances_to_snapped(network, node_distance, reach.snapped, targets,
                                               directed=reach.directed)
            nearest = np.argmin(per_office, axis=0)
            shortest = per_office[nearest, np.arange(len(nearest))]
        else:
            nearest, shortest = _nearest_via_nodes(network, reach, targets)
        within = shortest <= reach.radius_m
        best[block] = np.where(within, nearest, -1)
        distance[block] = np.where(within, shortest, np.inf)
    return best, distance


def _nearest_via_nodes(network: RoadNetwork, reach: OfficeReach, targets: SnappedPoints
                       ) -> tuple[np.ndarray, np.ndarray]:
    """Nearest office and distance of snapped targets, from a nearest-office search."""
    links = network.link_arrays
    link = targets.link
    u, v = links["u"][link], links["v"][link]
    back = ~(links["oneway"][link] & reach.directed)
    distance_u = reach.node_distance[0, u] + targets.along_m
    distance_v = np.where(back, reach.node_distance[0, v]
                          + (links["length_m"][link] - targets.along_m), np.inf)
    use_u = distance_u <= distance_v
    shortest = np.where(use_u, distance_u, distance_v)
    nearest = np.where(use_u, reach.nearest_office[u], reach.nearest_office[v])
    for row, office_link in enumerate(reach.snapped.link):
        same = np.flatnonzero(link == office_link)
        if len(same) == 0:
            continue
        offset = targets.along_m[same] - reach.snapped.along_m[row]
        allowed = (offset >= 0) | back[same]
        direct = np.where(allowed, np.abs(offset) + reach.snapped.snap_m[row], np.inf)
        closer = direct < shortest[same]
        shortest[same[closer]] = direct[closer]
        nearest[same[closer]] = row
    return nearest, shortest + targets.snap_m


def points_by_road(
    network: RoadNetwork,
    offices: gpd.GeoDataFrame,
    points: gpd.GeoDataFrame,
    *,
    radius_km: float = 5.0,
    directed: bool = False,
) -> pd.DataFrame:
    """
    Classify points (e.g. households) by their road distance to the nearest office.

    Parameters
    ----------
    network
        The network.
    offices
        Office points with ``office_id``, any CRS.
    points
        The points, any CRS.
    radius_km
        The radius, km.
    directed
        Keep one-way rules.

    Returns
    -------
    pd.DataFrame
        Indexed like ``points``: ``nearest_office_by_road`` (None beyond the radius),
        ``road_distance_m`` (``inf`` beyond the radius), ``snap_m`` (to the nearest road),
        ``within_road_radius`` and ``outside_network_extent`` (True: no road distance is
        claimed; ``within_road_radius`` is then NA).
    """
    reach = office_reach(network, offices, radius_km=radius_km, directed=directed,
                         nearest_only=True)
    xy = _metric_xy(points, network)
    nearest, distance = nearest_office_by_road(network, reach, xy)
    snap = snap_points(network, xy).snap_m
    outside = ~network.covers_xy(xy)
    names = np.append(reach.office_ids, None)
    within = pd.array(distance <= reach.radius_m, dtype="boolean")
    within[outside] = pd.NA
    return pd.DataFrame({
        "nearest_office_by_road": names[nearest],
        "road_distance_m": distance,
        "snap_m": snap,
        "within_road_radius": within,
        "outside_network_extent": outside,
    }, index=points.index)


def sample_points(polygons: np.ndarray, per_polygon: int = POINTS_PER_VILLAGE
                  ) -> tuple[np.ndarray, np.ndarray]:
    """
    Lay a regular grid of about ``per_polygon`` points over each polygon.

    Parameters
    ----------
    polygons
        Polygons in a metric CRS.
    per_polygon
        Points wanted per polygon (a polygon too small or thin for its grid gets its
        representative point).

    Returns
    -------
    tuple of np.ndarray
        The points, shape (n, 2), and the polygon position of each.
    """
    coordinates, owners = [], []
    for index, polygon in enumerate(polygons):
        if polygon is None or polygon.is_empty:
            continue
        spacing = np.sqrt(polygon.area / per_polygon)
        west, south, east, north = polygon.bounds
        xs = np.arange(west + spacing / 2, east, spacing)
        ys = np.arange(south + spacing / 2, north, spacing)
        grid_x, grid_y = (axis.ravel() for axis in np.meshgrid(xs, ys))
        inside = shapely.contains_xy(polygon, grid_x, grid_y)
        xy = np.column_stack([grid_x[inside], grid_y[inside]])
        if len(xy) == 0:
            xy = shapely.get_coordinates(polygon.representative_point())
        coordinates.append(xy)
        owners.append(np.full(len(xy), index))
    if not coordinates:
        return np.empty((0, 2)), np.empty(0, dtype=int)
    return np.concatenate(coordinates), np.concatenate(owners)


@dataclass(frozen=True)
class RoadReach:
    """
    The road-distance measures of one analysis, next to the straight-line ones.

    Attributes
    ----------
    villages
        ``result.villages`` with :data:`VILLAGE_ROAD_COLUMNS` after
        ``uncovered_within_radius`` and :data:`VILLAGE_ROAD_EXTRAS` at the end.
    offices
        ``result.offices`` with :data:`OFFICE_ROAD_COLUMNS` after
        ``uncovered_within_radius``.
    catchments
        Each office's road catchment polygon (:func:`catchment_polygons`), EPSG:4326.
    radius_km
        The radius measured along the roads.
    directed
        Whether one-way rules were kept.
    network_source, attribution
        The network used and its licence notice.
    network_input
        The file the network was read from, as the run record and export log name an
        input (``path`` and ``sha256``); empty for a network built in memory.
    problems
        One warning per office outside the network, saying what to do.
    """

    villages: gpd.GeoDataFrame
    offices: gpd.GeoDataFrame
    catchments: gpd.GeoDataFrame
    radius_km: float
    directed: bool
    network_source: str
    attribution: str
    network_input: dict[str, str] = dataclasses.field(default_factory=dict)
    problems: tuple[Problem, ...] = ()


def _off_network_problems(network: RoadNetwork, offices: gpd.GeoDataFrame,
                          off_network: np.ndarray) -> tuple[Problem, ...]:
    """Name each office the network does not reach, how far off it lies, and the fix."""
    if not off_network.any():
        return ()
    chosen = offices[off_network]
    xy = _metric_xy(chosen, network)
    distance_km = shapely.distance(network.extent, shapely.points(xy)) / 1000
    return tuple(Problem(
        network.source, None, None, f"{office_id} ({name})",
        f"the road network does not reach office {office_id} ({name}): the office lies "
        f"{km:.1f} km outside the area the network covers, so its radius is not measured "
        "along roads",
        "give a road network that covers every office (e.g. an OpenStreetMap extract of "
        "the whole province), or leave --roads out for the straight-line radius only",
        "warning")
        for office_id, name, km in zip(chosen["office_id"].astype(str),
                                        chosen["name"].astype(str), distance_km, strict=True))


def _insert_after(frame: pd.DataFrame, anchor: str, new: pd.DataFrame) -> pd.DataFrame:
    """Insert ``new``'s columns after ``anchor`` (at the end, before geometry, if absent)."""
    base = frame.drop(columns=[c for c in new.columns if c in frame.columns])
    columns = [c for c in base.columns if c != "geometry"]
    at = columns.index(anchor) + 1 if anchor in columns else len(columns)
    ordered = [*columns[:at], *new.columns, *columns[at:]]
    if "geometry" in base.columns:
        ordered.append("geometry")
    combined = pd.concat([base, new.set_axis(base.index)], axis=1)
    return combined[ordered]


def _percent(share: float, language: str) -> str:
    """Write a share as a percentage with one decimal, rounded down (99.96 % is 99.9 %)."""
    text = f"{np.floor(share * 1000) / 10:.1f} %"
    return text.replace(".", ",") if language == "id" else text


def _village_shares(
    villages_metric: gpd.GeoDataFrame,
    network: RoadNetwork,
    reach: OfficeReach,
    *,
    points_per_village: int,
    min_extent_share: float,
    blocked: np.ndarray,
    language: str,
) -> tuple[pd.DataFrame, np.ndarray]:
    """Per village: extent share, road share, nearest office by road, note; (village × office)."""
    polygons = villages_metric.geometry.to_numpy()
    area = shapely.area(polygons)
    inside_area = shapely.area(shapely.intersection(polygons, network.extent))
    extent_share = np.divide(inside_area, area, out=np.zeros(len(area)), where=area > 0)
    measurable = (extent_share >= min_extent_share) & ~blocked
    xy, owner = sample_points(polygons[measurable], points_per_village)
    owner = np.flatnonzero(measurable)[owner] if len(owner) else owner
    in_extent = shapely.contains_xy(network.extent, xy[:, 0], xy[:, 1])
    xy, owner = xy[in_extent], owner[in_extent]
    nearest, _distance = nearest_office_by_road(network, reach, xy)
    offices = len(reach.office_ids)
    counts = np.bincount(owner, minlength=len(polygons)).astype(float)
    by_office = np.zeros((len(polygons), offices))
    hit = nearest >= 0
    np.add.at(by_office, (owner[hit], nearest[hit]), 1.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        by_office = by_office / counts[:, None]
    measured = measurable & (counts > 0)
    by_office[~measured] = np.nan
    share = by_office.sum(axis=1) if offices else np.where(measured, 0.0, np.nan)
    share = np.where(measured, share, np.nan)
    names = np.append(reach.office_ids, None)
    best = np.where(measured & (share > 0),
                    np.argmax(np.nan_to_num(by_office, nan=-1.0), axis=1) if offices else -1, -1)
    notes = np.full(len(polygons), "", dtype=object)
    for index in np.flatnonzero(extent_share < FULLY_INSIDE):
        key = "partial" if measurable[index] else "outside"
        notes[index] = NOTES[key][language].format(share=_percent(extent_share[index], language))
    frame = pd.DataFrame({
        "share_within_road_radius": share,
        "outside_network_extent": extent_share < FULLY_INSIDE,
        "share_inside_network_extent": extent_share,
        "nearest_office_by_road": names[best],
        "road_note": notes,
    })
    return frame, by_office


def road_reach(
    result: AnalysisResult,
    network: RoadNetwork,
    *,
    radius_km: float | None = None,
    directed: bool = False,
    points_per_village: int = POINTS_PER_VILLAGE,
    min_extent_share: float = MIN_EXTENT_SHARE,
    buffer_m: float = CATCHMENT_BUFFER_M,
    language: str = "id",
) -> RoadReach:
    """
    Measure the radius rule along the roads for an analysis, beside the straight line.

    Parameters
    ----------
    result
        The straight-line analysis.
    network
        The road network (e.g. :func:`geo_outreach.roads.networks.bundled_network`).
    radius_km
        The radius along the roads; the analysis' radius when None.
    directed
        Keep one-way rules (distance from the office as driven). Default: every road
        both ways, as the distance rule and people on foot do.
    points_per_village
        Grid points sampled per village.
    min_extent_share
        A village needs this share of its area inside the network's extent to get a road
        share; below it, NaN with a note (it is *not* taken as unreachable).
    buffer_m
        Half-width of the catchment polygons around the reached roads.
    language
        ``"id"`` or ``"en"`` for the ``road_note`` texts.

    Returns
    -------
    RoadReach
        Villages and offices with the road columns, the catchment polygons, and a
        warning for each office outside the network.
    """
    radius_km = result.params.radius_km if radius_km is None else radius_km
    offices = result.offices
    reach = office_reach(network, offices, radius_km=radius_km, directed=directed)
    off_network = ~offices["office_id"].astype(str).isin(reach.office_ids).to_numpy()

    villages_metric = result.villages.to_crs(network.crs)
    blocked = np.zeros(len(villages_metric), dtype=bool)
    blocked_by: list[list[str]] = [[] for _ in range(len(villages_metric))]
    if off_network.any():
        discs = result.discs.to_crs(network.crs)
        for office_id, disc in zip(discs["office_id"].astype(str), discs.geometry, strict=True):
            if office_id in reach.office_ids:
                continue
            hits = villages_metric.sindex.query(disc, predicate="intersects")
            hits = hits[shapely.area(shapely.intersection(
                villages_metric.geometry.to_numpy()[hits], disc)) > 0]
            blocked[hits] = True
            for index in hits:
                blocked_by[index].append(office_id)
    shares, by_office = _village_shares(villages_metric, network, reach,
                                        points_per_village=points_per_village,
                                        min_extent_share=min_extent_share, blocked=blocked,
                                        language=language)
    for index in np.flatnonzero(blocked):
        note = NOTES["office_off_network"][language].format(offices=", ".join(blocked_by[index]))
        existing = shares.loc[index, "road_note"]
        shares.loc[index, "road_note"] = f"{existing}; {note}" if existing else note

    villages = result.villages
    shares["uncovered_within_road_radius"] = (villages["uncovered"].to_numpy(float)
                                              * shares["share_within_road_radius"].to_numpy())
    village_columns = shares[list(VILLAGE_ROAD_COLUMNS)]
    villages_out = _insert_after(villages, "uncovered_within_radius", village_columns)
    villages_out = _insert_after(villages_out, "__end__", shares[list(VILLAGE_ROAD_EXTRAS)])

    office_columns = _office_road_totals(villages_metric, offices,
                                         result.discs.to_crs(network.crs), reach, by_office)
    offices_out = _insert_after(offices, "uncovered_within_radius", office_columns)
    catchments = catchment_polygons(network, reach, offices, buffer_m=buffer_m)
    return RoadReach(villages=gpd.GeoDataFrame(villages_out, geometry="geometry",
                                               crs=villages.crs),
                     offices=gpd.GeoDataFrame(offices_out, geometry="geometry", crs=offices.crs),
                     catchments=catchments, radius_km=radius_km, directed=directed,
                     network_source=network.source, attribution=network.attribution,
                     network_input=network.input_record(),
                     problems=_off_network_problems(network, offices, off_network))


def _office_road_totals(
    villages: gpd.GeoDataFrame,
    offices: gpd.GeoDataFrame,
    discs: gpd.GeoDataFrame,
    reach: OfficeReach,
    by_office: np.ndarray,
) -> pd.DataFrame:
    """Sum what each office reaches first along the roads; NaN for offices off the network."""
    count = len(offices)
    totals = {column: np.full(count, np.nan) for column in OFFICE_ROAD_COLUMNS}
    row_of = {office_id: row for row, office_id in enumerate(reach.office_ids)}
    unknown = np.isnan(by_office).all(axis=1) if by_office.shape[1] else np.ones(len(villages),
                                                                                 dtype=bool)
    values = {name: villages[name].to_numpy(float)
              for name in ("labour_force", "participants", "uncovered", "denominator_value")}
    disc_of = dict(zip(discs["office_id"].astype(str), discs.geometry, strict=True))
    polygons = villages.geometry.to_numpy()
    for position, office_id in enumerate(offices["office_id"].astype(str)):
        disc = disc_of.get(office_id)
        if disc is not None:
            touching = shapely.area(shapely.intersection(polygons, disc)) > 0
            totals["villages_road_share_unknown"][position] = int((touching & unknown).sum())
        if office_id not in row_of:
            continue
        share = np.nan_to_num(by_office[:, row_of[office_id]])
        totals["villages_within_road_radius"][position] = int((share > 0).sum())
        for name, column in (("labour_force", "labour_force_within_road_radius"),
                             ("participants", "participants_within_road_radius"),
                             ("uncovered", "uncovered_within_road_radius")):
            totals[column][position] = np.nansum(values[name] * share)
        denominator = np.nansum(values["denominator_value"] * share)
        if denominator > 0:
            totals["coverage_within_road_radius"][position] = (
                totals["participants_within_road_radius"][position] / denominator)
        totals["road_snap_m"][position] = reach.snapped.snap_m[row_of[office_id]]
    frame = pd.DataFrame(totals)
    for column in ("villages_within_road_radius", "villages_road_share_unknown"):
        frame[column] = frame[column].astype("Int64")
    frame["on_road_network"] = offices["office_id"].astype(str).isin(reach.office_ids).to_numpy()
    return frame


def with_road_reach(result: AnalysisResult, reach: RoadReach) -> AnalysisResult:
    """
    Return the analysis with its villages and offices carrying the road columns.

    Parameters
    ----------
    result
        The straight-line analysis.
    reach
        From :func:`road_reach` on the same analysis.

    Returns
    -------
    AnalysisResult
        A copy with ``villages`` and ``offices`` replaced, ``road_catchments`` set,
        ``road_network`` describing the network and the road warnings added to
        ``problems``.
    """
    network = {"source": reach.network_source, "attribution": reach.attribution,
               "radius_km": reach.radius_km, "directed": reach.directed}
    inputs = {**result.inputs, "roads": reach.network_input} if reach.network_input else (
        result.inputs)
    return dataclasses.replace(result, villages=reach.villages, offices=reach.offices,
                               road_catchments=reach.catchments, road_network=network,
                               inputs=inputs, problems=[*result.problems, *reach.problems])
