"""
The points that stand for villages on the road network, and what they add up to.

A village placed by area is stood for by a grid of points over it
(:func:`grid_points`); one placed by household points by those households, each
weighted by its register workers (:func:`household_points`). A point is reached when it
lies within the radius along the roads and in a straight line (:func:`reached_by_road`);
:func:`shares_by_office` turns the points into each village's road share per office, and
:class:`RegisterByRoad` counts the register's households and workers reached.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

import numpy as np
import pandas as pd
import pyproj
import shapely
from scipy.spatial import cKDTree

from geo_outreach.roads.road_points import nearest_office_by_road, sample_points

if TYPE_CHECKING:
    import geopandas as gpd

    from geo_outreach.analysis.household_reach import HouseholdInputs
    from geo_outreach.roads.catchments import OfficeReach
    from geo_outreach.roads.model import RoadNetwork

REGISTER_ROAD_COLUMNS: Final = ("households_within_road_radius",
                                "uncovered_households_within_road_radius",
                                "register_uncovered_workers_within_road_radius",
                                "households_road_not_measured")
"""With household points: the register's counts along the roads (villages and offices)."""


@dataclass(frozen=True)
class RoadPoints:
    """Points standing for villages: network-CRS ``xy``, village ``owner``, ``weight``."""

    xy: np.ndarray
    owner: np.ndarray
    weight: np.ndarray
    straight: np.ndarray
    """True where the point lies within the straight-line radius."""


def grid_points(polygons: np.ndarray, chosen: np.ndarray, network: RoadNetwork,
                   office_xy: np.ndarray, *, radius_m: float, points_per_village: int
                   ) -> RoadPoints:
    """Grid points over the chosen villages, inside the network's extent."""
    xy, owner = sample_points(polygons[chosen], points_per_village)
    owner = np.flatnonzero(chosen)[owner] if len(owner) else owner
    in_extent = shapely.contains_xy(network.extent, xy[:, 0], xy[:, 1])
    xy, owner = xy[in_extent], owner[in_extent]
    straight = (cKDTree(office_xy).query(xy)[0] <= radius_m if len(office_xy) and len(xy)
                else np.zeros(len(xy), dtype=bool))
    return RoadPoints(xy, owner, np.ones(len(xy)), straight)


def household_points(households: HouseholdInputs, villages: gpd.GeoDataFrame,
                      network: RoadNetwork, radius_m: float
                      ) -> tuple[RoadPoints, np.ndarray, np.ndarray, np.ndarray]:
    """Return the households as road points: inside the extent, uncovered, straight office."""
    classified = households.classification.households
    transformer = pyproj.Transformer.from_crs(households.area.metric_crs, network.crs,
                                              always_xy=True)
    x, y = transformer.transform(classified.x.astype(float), classified.y.astype(float))
    xy = np.column_stack([np.asarray(x), np.asarray(y)]).reshape(-1, 2)
    position = pd.Series(np.arange(len(villages)), index=villages["code"].astype(str))
    owner = position.reindex(households.area.village_codes[classified.village].astype(str))
    owner = owner.fillna(-1).to_numpy(int)
    known = owner >= 0
    in_extent = network.covers_xy(xy) if len(xy) else np.zeros(0, dtype=bool)
    points = RoadPoints(xy[known], owner[known], classified.workers[known].astype(float),
                         classified.distance_m[known] <= radius_m)
    uncovered = (classified.workers - classified.registered)[known].astype(float)
    straight_office = households.area.office_ids[classified.office[known]].astype(str)
    return points, in_extent[known], uncovered, straight_office


def reached_by_road(network: RoadNetwork, reach: OfficeReach, points: RoadPoints) -> np.ndarray:
    """Each point's nearest office by road (row in ``reach``), -1 unless reached both ways."""
    nearest = np.full(len(points.xy), -1)
    candidates = np.flatnonzero(points.straight)
    if len(candidates):
        nearest[candidates] = nearest_office_by_road(network, reach, points.xy[candidates])[0]
    return nearest


def shares_by_office(points: RoadPoints, nearest: np.ndarray, straight_share: np.ndarray,
                      villages: int, offices: int) -> np.ndarray:
    """(village × office): straight-line share × the share of straight points reached."""
    straight_weight = np.bincount(points.owner, weights=points.weight * points.straight,
                                  minlength=villages)
    by_office = np.zeros((villages, offices))
    hit = nearest >= 0
    np.add.at(by_office, (points.owner[hit], nearest[hit]), points.weight[hit])
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = np.where(straight_weight[:, None] > 0, by_office / straight_weight[:, None], 0.0)
    return np.nan_to_num(straight_share)[:, None] * ratio


@dataclass(frozen=True)
class RegisterByRoad:
    """The register's counts along the roads, per village and per office."""

    villages: pd.DataFrame
    offices: pd.DataFrame
    pieces: pd.DataFrame
    """Per (village position, office row) reached: the three counts, without the suffix."""
    not_measured: pd.DataFrame
    """Per (village position, straight-line office id): households not measured by road."""

    @classmethod
    def count(cls, points: RoadPoints, uncovered: np.ndarray, in_extent: np.ndarray,
              nearest: np.ndarray, measurable: np.ndarray, *, straight_office: np.ndarray,
              villages: int, offices: int) -> RegisterByRoad:
        """
        Count reached households and workers, and those not measured.

        A household is not measured when it lies outside the network's extent or in a
        village the roads cannot measure; it is then neither reached nor unreached. Those
        inside the straight-line radius are counted for their nearest office in a
        straight line (``straight_office``), as the straight-line counts are.
        """
        measured_point = measurable[points.owner] & in_extent
        reached = (nearest >= 0) & measured_point
        values = {
            "households_within_road_radius": reached.astype(float),
            "uncovered_households_within_road_radius": (reached & (uncovered > 0)).astype(float),
            "register_uncovered_workers_within_road_radius": np.where(reached, uncovered, 0.0),
            "households_road_not_measured": (points.straight & ~measured_point).astype(float),
        }
        village_counts = pd.DataFrame({
            name: np.bincount(points.owner, weights=weights, minlength=villages).astype("int64")
            for name, weights in values.items()})
        unmeasured_village = ~measurable
        for name in REGISTER_ROAD_COLUMNS[:3]:
            village_counts[name] = village_counts[name].astype("Int64").mask(unmeasured_village)
        office_index = np.where(reached, nearest, 0)
        office_counts = pd.DataFrame({
            name: np.bincount(office_index, weights=weights * reached,
                              minlength=offices).astype("int64")
            for name, weights in list(values.items())[:3]})
        pair = points.owner[reached].astype(np.int64) * max(offices, 1) + nearest[reached]
        pairs, index = np.unique(pair, return_inverse=True)
        pieces = pd.DataFrame({"village": pairs // max(offices, 1),
                               "office": pairs % max(offices, 1)})
        for name, weights in list(values.items())[:3]:
            pieces[name.removesuffix("_within_road_radius")] = np.bincount(
                index.ravel(), weights=weights[reached], minlength=len(pairs)).astype("int64")
        unmeasured = points.straight & ~measured_point
        not_measured = (pd.DataFrame({"village": points.owner[unmeasured],
                                      "office_id": straight_office[unmeasured]})
                        .groupby(["village", "office_id"]).size()
                        .rename("households_road_not_measured").reset_index())
        return cls(village_counts, office_counts, pieces, not_measured)


def road_pieces(codes: np.ndarray, office_ids: np.ndarray, by_office: np.ndarray,
                 register: RegisterByRoad | None) -> pd.DataFrame:
    """
    Turn the (village × office) road shares into a long table, with the register's counts.

    ``households_road_not_measured`` is counted for the nearest office in a straight line
    (a household the roads do not measure has no nearest office by road).
    """
    village, office = np.nonzero(np.nan_to_num(by_office) > 0)
    pieces = pd.DataFrame({"code": codes[village], "office_id": office_ids[office],
                           "share": by_office[village, office]})
    if register is None:
        return pieces
    counted = register.pieces.assign(code=codes[register.pieces["village"]],
                                     office_id=office_ids[register.pieces["office"]])
    counted = counted.drop(columns=["village", "office"])
    merged = pieces.merge(counted, on=["code", "office_id"], how="outer")
    merged["share"] = merged["share"].fillna(0.0)
    unmeasured = register.not_measured.assign(code=codes[register.not_measured["village"]])
    merged = merged.merge(unmeasured.drop(columns="village"), on=["code", "office_id"],
                          how="outer")
    merged["share"] = merged["share"].fillna(0.0)
    columns = ["households", "uncovered_households", "register_uncovered_workers",
               "households_road_not_measured"]
    merged[columns] = merged[columns].fillna(0).astype("int64")
    return merged
