"""
How much longer the roads are than a straight line: the detour factor of a network.

Legs a plan cannot measure on a road network (no roads for the area) are estimated as the
straight-line distance times this factor (:data:`geo_outreach.field.travel.DETOUR_FACTOR`,
measured here on the bundled network).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import shapely

from geo_outreach.roads.matrix import road_distance_matrix

if TYPE_CHECKING:
    from geo_outreach.roads.model import RoadNetwork


@dataclass(frozen=True)
class DetourMeasure:
    """
    Road ÷ straight-line distance over random pairs of road points.

    Attributes
    ----------
    median, p10, p90
        The ratio's median and its 10th and 90th percentiles.
    pairs
        Pairs measured.
    min_km, max_km
        The straight-line distance band of the pairs.
    """

    median: float
    p10: float
    p90: float
    pairs: int
    min_km: float
    max_km: float


def measure_detour_factor(network: RoadNetwork, *, pairs: int = 4000, min_km: float = 0.5,
                          max_km: float = 10.0, seed: int = 0) -> DetourMeasure:
    """
    Measure a network's detour factor on random pairs of points on its roads.

    Points are drawn uniformly along the roads inside the network's extent; each pair's
    road distance (snap included, both directions allowed, as a team walks) is divided by
    its straight-line distance.

    Parameters
    ----------
    network
        The network.
    pairs
        How many pairs to measure.
    min_km, max_km
        Only pairs this far apart in a straight line count (canvassing legs).
    seed
        Seed of the random points.

    Returns
    -------
    DetourMeasure
        The median ratio and its spread.
    """
    rng = np.random.default_rng(seed)
    lengths = network.links["length_m"].to_numpy(float)
    lines = network.links.geometry.to_numpy()
    count = int(np.ceil(np.sqrt(pairs * 12)))
    chosen = rng.choice(len(lines), size=count, p=lengths / lengths.sum())
    points = shapely.line_interpolate_point(lines[chosen], rng.random(count), normalized=True)
    xy = shapely.get_coordinates(points)
    xy = xy[network.covers_xy(xy, tolerance_m=0.0)]
    road, _pred, _graph, _snapped = road_distance_matrix(network, xy, one_way=False)
    straight = np.hypot(xy[:, None, 0] - xy[None, :, 0], xy[:, None, 1] - xy[None, :, 1])
    upper = np.triu(np.ones(straight.shape, dtype=bool), k=1)
    keep = upper & (straight >= min_km * 1000) & (straight <= max_km * 1000) & np.isfinite(road)
    ratio = road[keep] / straight[keep]
    if len(ratio) > pairs:
        ratio = rng.choice(ratio, size=pairs, replace=False)
    return DetourMeasure(median=float(np.median(ratio)), p10=float(np.quantile(ratio, 0.1)),
                         p90=float(np.quantile(ratio, 0.9)), pairs=len(ratio),
                         min_km=min_km, max_km=max_km)
