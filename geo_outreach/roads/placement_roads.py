"""
A new site's reach along the roads, for the placement model.

A site the network covers reaches a demand point the network also covers when the point
lies within the radius along the roads (snap distances included) *and* in a straight
line: the same rule as the offices' road reach (:mod:`geo_outreach.roads.reach`), so a
site's road reach is never larger than its straight one. Where the network does not cover
the site, its reach is measured in a straight line and the site is labelled
``straight_outside_network``; a covered site reaching a point beyond the network's extent
also counts it in a straight line (the roads there are unknown). One Dijkstra search from
all covered candidates at once, limited to the radius, measures every pair.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pyproj
from scipy import sparse

from geo_outreach.analysis.placement import (
    BASIS_OFF_NETWORK,
    BASIS_ROAD,
    Coverage,
    CoverageFunction,
    straight_coverage,
)
from geo_outreach.roads.graph import road_distances

if TYPE_CHECKING:
    from geo_outreach.roads.model import RoadNetwork


def road_coverage(network: RoadNetwork, metric_crs: str) -> CoverageFunction:
    """
    Make the coverage function that measures along ``network``.

    Parameters
    ----------
    network
        The road network.
    metric_crs
        The analysis's CRS, in which the placement gives its points.

    Returns
    -------
    CoverageFunction
        ``(demand_xy, candidate_xy, radius_m) -> Coverage`` for
        :func:`geo_outreach.analysis.placement.place_sites`.
    """
    to_network = pyproj.Transformer.from_crs(metric_crs, network.crs, always_xy=True)

    def measure(demand_xy: np.ndarray, candidate_xy: np.ndarray, radius_m: float) -> Coverage:
        straight = straight_coverage(demand_xy, candidate_xy, radius_m)
        demand_net = _projected(to_network, demand_xy)
        candidate_net = _projected(to_network, candidate_xy)
        site_on = network.covers_xy(candidate_net) if len(candidate_net) else np.zeros(0, bool)
        point_on = network.covers_xy(demand_net) if len(demand_net) else np.zeros(0, bool)
        basis = np.where(site_on, BASIS_ROAD, BASIS_OFF_NETWORK)
        distance = sparse.lil_array(straight.distance_m)
        sites, points = np.flatnonzero(site_on), np.flatnonzero(point_on)
        if len(sites) and len(points):
            road = road_distances(network, candidate_net[sites], demand_net[points],
                                  limit_m=radius_m)  # (sites, points), inf beyond
            block = straight.distance_m[points][:, sites].toarray()  # 0 where not in line
            reached = np.isfinite(road.T) & (block > 0)
            # points on the network within the straight radius: by road only
            for column, site in enumerate(sites):
                values = np.where(reached[:, column], np.maximum(road.T[:, column], 1e-9), 0.0)
                distance[points, site] = values
        matrix = sparse.csr_array(distance)
        matrix.eliminate_zeros()
        return Coverage(matrix.astype(bool), basis, matrix,
                        note=f"along the roads: {network.describe()}; straight line where "
                             "the network does not cover the site or the point")

    return measure


def _projected(transformer: pyproj.Transformer, xy: np.ndarray) -> np.ndarray:
    if not len(xy):
        return np.zeros((0, 2))
    x, y = transformer.transform(xy[:, 0], xy[:, 1])
    return np.column_stack([np.asarray(x), np.asarray(y)])
