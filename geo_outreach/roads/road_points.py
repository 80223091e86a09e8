"""
Points by road distance: the nearest office along the roads, snap distances included.

Used for household points and for the sample points that stand for a village's area.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

import numpy as np
import pandas as pd
import shapely

from geo_outreach.roads.catchments import OfficeReach, metric_xy, office_reach
from geo_outreach.roads.graph import SnappedPoints, distances_to_snapped, snap_points

if TYPE_CHECKING:
    import geopandas as gpd

    from geo_outreach.roads.model import RoadNetwork
POINTS_PER_VILLAGE: Final = 200
"""Sample points per village (on a regular grid) for its share within the road radius."""
SAMPLE_CHUNK: Final = 200_000
"""Points measured per block (bounds memory: offices × chunk distances)."""


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
    xy = metric_xy(points, network)
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
