"""
Distances between a plan's locations: along the roads where the network reaches, else estimated.

A leg between two points that both lie on the road network and are connected by it is
measured along the roads (:func:`~geo_outreach.roads.matrix.road_distance_matrix`). Any
other leg, e.g. to a stop beyond the network's extent or from an office with no road file
for its area, is the straight-line distance times :data:`DETOUR_FACTOR` and is marked
*estimated*; sheets and maps label such legs "perkiraan, tanpa jaringan jalan".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

import numpy as np
from scipy.spatial.distance import cdist

from geo_outreach.roads.matrix import road_distance_matrix

if TYPE_CHECKING:
    from geo_outreach.roads.graph import RoadGraph
    from geo_outreach.roads.model import RoadNetwork

DETOUR_FACTOR: Final = 1.29
"""
Road distance ÷ straight-line distance, for legs without a road network.

Measured on the bundled OpenStreetMap drive network of Kota Yogyakarta by
:func:`geo_outreach.roads.detour.measure_detour_factor`: the median ratio over 4,000
random pairs of road points 0.5–10 km apart (seed 0), snap distance included.
"""


@dataclass(frozen=True, eq=False)
class TravelMatrix:
    """
    Metres between every pair of a plan's locations, and how each was measured.

    Attributes
    ----------
    distance_m
        Metres from row to column, shape (n, n).
    estimated
        True where the distance is straight line × :data:`DETOUR_FACTOR`.
    on_network
        Per location: True when it lies on the road network (snapped to it).
    xy
        Each location in the network's metric CRS: snapped onto the road where on the
        network, as given elsewhere.
    road_index
        Per location: its place among the locations on the network (-1: off it); the
        row of ``predecessors`` and the entry of ``graph.point_nodes`` it has.
    graph, predecessors
        The road graph with the on-network locations inserted, and the shortest-path
        predecessors from each of them (None when none is on the network).
    detour_factor
        The factor the estimated legs use.
    """

    distance_m: np.ndarray
    estimated: np.ndarray
    on_network: np.ndarray
    xy: np.ndarray
    road_index: np.ndarray
    graph: RoadGraph | None
    predecessors: np.ndarray | None
    detour_factor: float = DETOUR_FACTOR


def travel_matrix(network: RoadNetwork | None, xy: np.ndarray, *, one_way: bool,
                  detour_factor: float = DETOUR_FACTOR) -> TravelMatrix:
    """
    Measure a plan's legs: by road where the network covers both ends, else estimated.

    Parameters
    ----------
    network
        The road network, or None to estimate every leg.
    xy
        Locations in a metric CRS (the network's when given), shape (n, 2).
    one_way
        Keep one-way rules on the roads.
    detour_factor
        Road ÷ straight-line distance for the legs without roads.

    Returns
    -------
    TravelMatrix
        Distances, which legs are estimated, and what is needed to trace the road ones.
    """
    xy = np.asarray(xy, dtype=float).reshape(-1, 2)
    estimate = cdist(xy, xy) * detour_factor
    on_network = (network.covers_xy(xy) if network is not None
                  else np.zeros(len(xy), dtype=bool))
    distance = estimate.copy()
    estimated = np.ones(distance.shape, dtype=bool)
    graph = predecessors = None
    road_index = np.full(len(xy), -1, dtype=np.int64)
    located = xy.copy()
    if on_network.any():
        assert network is not None
        at = np.flatnonzero(on_network)
        road, predecessors, graph, snapped_xy = road_distance_matrix(network, xy[at],
                                                                     one_way=one_way)
        connected = np.isfinite(road)
        block = np.ix_(at, at)
        distance[block] = np.where(connected, road, estimate[block])
        estimated[block] = ~connected
        located[at] = snapped_xy
        road_index[at] = np.arange(len(at))
    np.fill_diagonal(distance, 0.0)
    np.fill_diagonal(estimated, val=False)
    return TravelMatrix(distance_m=distance, estimated=estimated, on_network=on_network,
                        xy=located, road_index=road_index, graph=graph,
                        predecessors=predecessors, detour_factor=detour_factor)

