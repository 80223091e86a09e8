"""Road distances between every pair of a set of points, with what is needed to trace them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from scipy.sparse import csgraph

from geo_outreach.roads.graph import RoadGraph, build_graph, snap_points

if TYPE_CHECKING:
    import numpy as np

    from geo_outreach.roads.model import RoadNetwork


def road_distance_matrix(network: RoadNetwork, xy: np.ndarray, *, one_way: bool
                         ) -> tuple[np.ndarray, np.ndarray, RoadGraph, np.ndarray]:
    """
    Measure every location-to-location road distance with one multi-source Dijkstra call.

    Parameters
    ----------
    network
        The road network.
    xy
        Locations in the network's CRS, shape (n, 2); each is snapped to its nearest road.
    one_way
        Keep one-way rules (and snap only to the strongly connected part).

    Returns
    -------
    tuple
        Metres (inf where no road connects), the predecessors per location, the graph
        and the snapped locations.
    """
    snapped = snap_points(network, xy, strong_only=one_way)
    graph = build_graph(network, snapped, directed=one_way)
    distance, predecessors = csgraph.dijkstra(graph.matrix, directed=True,
                                              indices=graph.point_nodes,
                                              return_predecessors=True)
    return distance[:, graph.point_nodes], predecessors, graph, snapped.xy
