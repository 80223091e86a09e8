"""
The 5 km rule along the roads: office catchments, villages and points by road distance.

The straight-line rule (:mod:`geo_outreach.analysis.reach`) stays the rule; this module measures
the same radius along the roads, side by side with it. One multi-source Dijkstra search
from all offices (:func:`office_reach`) gives every network node's road distance to each
office; points then snap to their nearest road (:mod:`geo_outreach.roads.networks`).

- **Catchments** (:func:`catchment_polygons`): the roads each office reaches within the
  radius (links reached part-way are cut where the distance runs out), buffered and
  dissolved into a polygon for the map.
- **Villages** (:func:`road_reach`): a village placed by area is sampled by a regular grid
  of points; one placed by household points (``reach_method`` ``household_points``) uses
  those points, each weighted by its register workers. A point is reached when it lies
  within the radius along the roads (snap distances included) *and* in a straight line:
  the road distance is never shorter than the straight one, and the conjunction keeps
  projection rounding from saying otherwise. The village's road share is its
  straight-line share times the share of its straight-line points that the roads reach,
  so road reach ⊆ straight-line reach holds for every village, office group and total.
  Each point counts for its nearest office by road, so the offices' totals add up to the
  villages' totals, as in the straight-line rule. The register's own counts by road
  (households, uncovered households and workers) come from the points alone.
- **Where the network ends**: a village partly outside the network's extent is flagged
  (``outside_network_extent``), never taken as unreachable: its road share is measured on
  the part inside the extent (for household points: on the workers inside it) when that
  is nearly all of it (``min_extent_share``), and left NaN otherwise, with a note.
  Households outside the extent are counted as not measured, never as reached or not.
  An office off the network is left out of the road
  measures, and villages within its straight-line radius get NaN with a note.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo_outreach._errors import Problem
from geo_outreach.analysis.reach import office_discs, share_inside
from geo_outreach.roads.catchments import (
    CATCHMENT_BUFFER_M,
    OfficeReach,
    catchment_polygons,
    metric_xy,
    office_reach,
)
from geo_outreach.roads.road_points import POINTS_PER_VILLAGE
from geo_outreach.roads.road_shares import (
    RegisterByRoad,
    grid_points,
    household_points,
    reached_by_road,
    road_pieces,
    shares_by_office,
)

if TYPE_CHECKING:
    from geo_outreach.analysis.household_reach import HouseholdInputs
    from geo_outreach.analysis.result import AnalysisResult
    from geo_outreach.roads.model import RoadNetwork
MIN_EXTENT_SHARE: Final = 0.95
"""A village needs this share of its area inside the network's extent for a road share."""
FULLY_INSIDE: Final = 0.999
"""Above this share inside the extent a village counts as wholly inside it."""

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
    pieces
        Per (village, office) reached first along the roads: ``code``, ``office_id``,
        ``share`` and, with household points, the register's ``households``,
        ``uncovered_households`` and ``register_uncovered_workers`` reached.
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
    pieces: pd.DataFrame | None = None


def _off_network_problems(network: RoadNetwork, offices: gpd.GeoDataFrame,
                          off_network: np.ndarray) -> tuple[Problem, ...]:
    """Name each office the network does not reach, how far off it lies, and the fix."""
    if not off_network.any():
        return ()
    chosen = offices[off_network]
    xy = metric_xy(chosen, network)
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
    straight_share: np.ndarray,
    network: RoadNetwork,
    reach: OfficeReach,
    office_xy: np.ndarray,
    *,
    points_per_village: int,
    min_extent_share: float,
    blocked: np.ndarray,
    language: str,
    households: HouseholdInputs | None,
) -> tuple[pd.DataFrame, np.ndarray, RegisterByRoad | None]:
    """Per village: extent share, road share, nearest office by road, note; (village × office)."""
    polygons = villages_metric.geometry.to_numpy()
    count, offices = len(polygons), len(reach.office_ids)
    area = shapely.area(polygons)
    inside_area = shapely.area(shapely.intersection(polygons, network.extent))
    extent_share = np.divide(inside_area, area, out=np.zeros(count), where=area > 0)
    by_points = np.zeros(count, dtype=bool)
    register = None
    if households is not None:
        by_points = (villages_metric["reach_method"] == "household_points").to_numpy()
        points, in_extent, uncovered, straight_office = household_points(
            households, villages_metric, network, reach.radius_m)
        weight_all = np.bincount(points.owner, weights=points.weight, minlength=count)
        weight_in = np.bincount(points.owner, weights=points.weight * in_extent,
                                minlength=count)
        point_extent = np.divide(weight_in, weight_all, out=np.zeros(count),
                                 where=weight_all > 0)
        extent_share = np.where(by_points, point_extent, extent_share)
        weight_straight = np.bincount(points.owner, weights=points.weight * points.straight,
                                      minlength=count)
        straight_share = np.where(by_points, np.divide(
            weight_straight, weight_all, out=np.zeros(count), where=weight_all > 0),
            straight_share)
    measurable = (extent_share >= min_extent_share) & ~blocked
    samples = grid_points(polygons, measurable & ~by_points, network, office_xy,
                             radius_m=reach.radius_m, points_per_village=points_per_village)
    by_office = shares_by_office(samples, reached_by_road(network, reach, samples), straight_share,
                                  count, offices)
    has_points = np.bincount(samples.owner, minlength=count) > 0
    if households is not None:
        nearest = np.where(in_extent, reached_by_road(network, reach, points), -1)
        counted = dataclasses.replace(points, straight=points.straight & in_extent)
        weighted = shares_by_office(counted, nearest, straight_share, count, offices)
        by_office[by_points] = weighted[by_points]
        has_points |= by_points
        register = RegisterByRoad.count(points, uncovered, in_extent, nearest, measurable,
                                        straight_office=straight_office, villages=count,
                                        offices=offices)
    measured = measurable & has_points
    by_office[~measured] = np.nan
    share = by_office.sum(axis=1) if offices else np.where(measured, 0.0, np.nan)
    share = np.where(measured, share, np.nan)
    names = np.append(reach.office_ids, None)
    best = np.where(measured & (share > 0),
                    np.argmax(np.nan_to_num(by_office, nan=-1.0), axis=1) if offices else -1, -1)
    notes = np.full(count, "", dtype=object)
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
    return frame, by_office, register


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
    households: HouseholdInputs | None = None,
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
    households
        The household points the analysis was run with (None without): villages placed
        by them are measured on them, and the register's counts by road
        (:data:`REGISTER_ROAD_COLUMNS`) are added to villages and offices.

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
    if radius_km == result.params.radius_km:
        straight_share = result.villages["share_within_radius"].to_numpy(float)
    else:
        straight_share = _straight_share(result, villages_metric, radius_km, network)
    shares, by_office, register = _village_shares(
        villages_metric, straight_share, network, reach, metric_xy(offices, network),
        points_per_village=points_per_village, min_extent_share=min_extent_share,
        blocked=blocked, language=language, households=households)
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
    if register is not None:
        villages_out = _insert_after(villages_out, "__end__", register.villages)
        offices_out = _insert_after(offices_out, "__end__", _office_register(
            register.offices, offices, reach))
    catchments = catchment_polygons(network, reach, offices, buffer_m=buffer_m)
    pieces = road_pieces(villages["code"].to_numpy(), reach.office_ids, by_office, register)
    return RoadReach(villages=gpd.GeoDataFrame(villages_out, geometry="geometry",
                                               crs=villages.crs),
                     offices=gpd.GeoDataFrame(offices_out, geometry="geometry", crs=offices.crs),
                     catchments=catchments, radius_km=radius_km, directed=directed,
                     network_source=network.source, attribution=network.attribution,
                     network_input=network.input_record(),
                     problems=_off_network_problems(network, offices, off_network),
                     pieces=pieces)


def _straight_share(result: AnalysisResult, villages_metric: gpd.GeoDataFrame,
                    radius_km: float, network: RoadNetwork) -> np.ndarray:
    """Each village's share of area within ``radius_km`` of an office, in a straight line."""
    discs = office_discs(result.offices.to_crs(network.crs), radius_km)
    return share_inside(villages_metric, shapely.union_all(discs.geometry.to_numpy()))


def _office_register(counts: pd.DataFrame, offices: gpd.GeoDataFrame,
                     reach: OfficeReach) -> pd.DataFrame:
    """Place the register's road counts on the office rows (NA for offices off the network)."""
    row_of = {office_id: row for row, office_id in enumerate(reach.office_ids)}
    rows = [row_of.get(office_id) for office_id in offices["office_id"].astype(str)]
    return pd.DataFrame({column: pd.array(
        [None if row is None else int(counts[column].iloc[row]) for row in rows],
        dtype="Int64") for column in counts.columns})


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
                               inputs=inputs, problems=[*result.problems, *reach.problems],
                               road_pieces=reach.pieces)
