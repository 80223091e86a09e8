"""
The 5 km rule, straight-line: office discs, what lies inside them, the nearest office.

Every measurement happens in a metric CRS (UTM 49S for DIY, the local UTM zone
elsewhere); discs are never built in degrees. Overlapping discs never count anything
twice: the union of the discs decides each village's share inside the radius, and for
per-office totals the union is split between offices by nearest office (the discs cut by
the offices' Voronoi cells), so the offices' totals add up to the villages' totals.
"""

from __future__ import annotations

from typing import Final

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

DISC_QUAD_SEGMENTS: Final = 64
"""Segments per quarter circle: a 256-gon, whose area is π r² within 0.01 %."""

def office_discs(offices: gpd.GeoDataFrame, radius_km: float) -> gpd.GeoDataFrame:
    """
    Build each office's radius disc.

    Parameters
    ----------
    offices
        Office points in a metric CRS, with ``office_id``.
    radius_km
        The radius in kilometres.

    Returns
    -------
    gpd.GeoDataFrame
        ``offices`` with the points replaced by discs of ``radius_km``.
    """
    if offices.crs is None or not offices.crs.is_projected:
        msg = f"office discs must be built in a metric CRS, got {offices.crs}"
        raise ValueError(msg)
    discs = offices.copy()
    discs["geometry"] = offices.geometry.buffer(radius_km * 1000, quad_segs=DISC_QUAD_SEGMENTS)
    return discs


def office_catchments(offices: gpd.GeoDataFrame, discs: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """
    Split the union of the discs between offices: each keeps what is nearest to it.

    Parameters
    ----------
    offices
        Office points in a metric CRS, with ``office_id``.
    discs
        The offices' discs, same order and CRS.

    Returns
    -------
    gpd.GeoDataFrame
        ``office_id`` and the office's catchment: its disc cut by its Voronoi cell. The
        catchments do not overlap and together cover the union of the discs. Offices that
        share one location share one cell; the first of them takes it.
    """
    points = offices.geometry.to_numpy()
    extent = shapely.box(*discs.total_bounds).buffer(1000)
    unique_points, first_index = _unique_points(points)
    if len(unique_points) == 1:
        cells = np.array([extent])
    else:
        cells = shapely.get_parts(shapely.voronoi_polygons(
            shapely.MultiPoint(unique_points), extend_to=extent, ordered=True))
    cell_of_office = np.full(len(points), None, dtype=object)
    cell_of_office[first_index] = cells
    empty = shapely.Polygon()
    geometries = [
        shapely.intersection(disc, cell) if cell is not None else empty
        for disc, cell in zip(discs.geometry.to_numpy(), cell_of_office, strict=True)
    ]
    return gpd.GeoDataFrame({"office_id": offices["office_id"].to_numpy()},
                            geometry=geometries, crs=offices.crs)


def _unique_points(points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return the distinct points and, for each, the index of its first office."""
    coords = shapely.get_coordinates(points)
    _, first_index = np.unique(coords, axis=0, return_index=True)
    first_index = np.sort(first_index)
    return points[first_index], first_index


def share_inside(
    villages: gpd.GeoDataFrame,
    area: shapely.Geometry,
    *,
    weights: gpd.GeoDataFrame | None = None,
) -> np.ndarray:
    """
    Measure the share of each village that lies inside an area.

    Parameters
    ----------
    villages
        Village polygons in a metric CRS, with ``code``.
    area
        The area, same CRS (e.g. the union of the office discs).
    weights
        Optional population points, same CRS, with ``code`` (their village) and
        ``weight``. A village with weights gets the share of its weight inside the area;
        a village without any keeps the share of its area.

    Returns
    -------
    np.ndarray
        One share per village, between 0 and 1.
    """
    geometries = villages.geometry.to_numpy()
    shapely.prepare(area)
    total = shapely.area(geometries)
    # only villages the area's edge crosses are cut; the others are wholly in or out
    meets = shapely.intersects(area, geometries)
    wholly_in = meets & shapely.contains(area, geometries)
    inside = np.where(wholly_in, total, 0.0)
    crossed = np.flatnonzero(meets & ~wholly_in)
    inside[crossed] = shapely.area(shapely.intersection(geometries[crossed], area))
    shares = np.divide(inside, total, out=np.zeros(len(total)), where=total > 0)
    if weights is not None and len(weights):
        weight_inside = shapely.contains_xy(area, weights.geometry.x, weights.geometry.y)
        frame = pd.DataFrame({"code": weights["code"].to_numpy(),
                              "all": weights["weight"].to_numpy(float),
                              "inside": np.where(weight_inside, weights["weight"], 0.0)})
        sums = frame.groupby("code")[["all", "inside"]].sum()
        sums = sums[sums["all"] > 0]
        weighted = (sums["inside"] / sums["all"]).reindex(villages["code"]).to_numpy()
        shares = np.where(np.isnan(weighted), shares, weighted)
    return np.clip(shares, 0.0, 1.0)


def village_office_pieces(
    villages: gpd.GeoDataFrame,
    catchments: gpd.GeoDataFrame,
    *,
    weights: gpd.GeoDataFrame | None = None,
) -> pd.DataFrame:
    """
    Apportion each village between the office catchments that cut it.

    Parameters
    ----------
    villages
        Village polygons in a metric CRS, with ``code``.
    catchments
        Non-overlapping office catchments from :func:`office_catchments`.
    weights
        Optional population points, as in :func:`share_inside`.

    Returns
    -------
    pd.DataFrame
        One row per (village, office) pair that overlaps: ``code``, ``office_id`` and
        ``share`` (of the village's area, or weight, inside that office's catchment).
    """
    frames = []
    for office_id, catchment in zip(catchments["office_id"], catchments.geometry, strict=True):
        if catchment.is_empty:
            continue
        candidates = villages.iloc[villages.sindex.query(catchment, predicate="intersects")]
        if candidates.empty:
            continue
        shares = share_inside(candidates, catchment, weights=weights)
        frames.append(pd.DataFrame({"code": candidates["code"].to_numpy(),
                                    "office_id": office_id, "share": shares}))
    if not frames:
        return pd.DataFrame({"code": pd.Series(dtype=str), "office_id": pd.Series(dtype=str),
                             "share": pd.Series(dtype=float)})
    pieces = pd.concat(frames, ignore_index=True)
    return pieces[pieces["share"] > 0].reset_index(drop=True)


def nearest_offices(
    villages: gpd.GeoDataFrame, offices: gpd.GeoDataFrame
) -> tuple[np.ndarray, np.ndarray]:
    """
    Find each village's nearest office, straight-line from the village centroid.

    Parameters
    ----------
    villages
        Village polygons in a metric CRS.
    offices
        Office points in the same CRS, with ``office_id``.

    Returns
    -------
    tuple of np.ndarray
        The nearest office's ``office_id`` and the distance to it in kilometres.
    """
    tree = shapely.STRtree(offices.geometry.to_numpy())
    centroids = villages.geometry.centroid.to_numpy()
    (village_index, office_index), distance_m = tree.query_nearest(
        centroids, return_distance=True, all_matches=False)
    office_ids = np.empty(len(villages), dtype=object)
    distance_km = np.full(len(villages), np.nan)
    office_ids[village_index] = offices["office_id"].to_numpy()[office_index]
    distance_km[village_index] = distance_m / 1000
    return office_ids, distance_km
