"""
What a share file may hold: one kabupaten/kota's layers, clipped, simplified and made shareable.

Aggregates only, small counts suppressed; rings of offices outside the kabupaten are
clipped to it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.ops import nearest_points

from geo_outreach._errors import InputError, Problem
from geo_outreach.privacy import DEFAULT_K, shareable
from geo_outreach.render.map_data import (
    MapData,
    in_regency,
    is_truthy,
    regency_table,
    resolve_regency,
)

if TYPE_CHECKING:


    from geo_outreach.analysis.result import AnalysisResult

SIMPLIFY_M: Final = 10.0
"""Simplification tolerance in metres, topology kept across neighbouring villages: finer
than a screen pixel at the zoom a whole kabupaten fills, and it shrinks detailed boundary
files (such as BIG's 1:10,000 ones) several times."""

MIN_HOLE_M2: Final = 50_000.0
"""Holes smaller than this (5 ha) in the dissolved kapanewon and kabupaten outlines are
slivers between village polygons, not real enclaves: they are filled."""

CLOSE_GAPS_M: Final = 25.0
"""Gaps between village polygons narrower than twice this are closed in the dissolved
outlines (a buffer out and back in), so a sliver open to the outside is not drawn as a
border running into the kabupaten."""


@dataclass(frozen=True)
class ShareLayers:
    """
    What a shared map of one kabupaten/kota shows, clipped, simplified and private.

    Attributes
    ----------
    region
        The kabupaten/kota as named in the boundary data, e.g. ``"Kabupaten Sleman"``.
    villages
        Its villages (EPSG:4326, simplified), the result's columns after
        :func:`~geo_outreach.privacy.shareable`.
    districts
        Its kapanewon/kemantren dissolved from ``villages``: ``name``, ``label_point``
        (where the name is written) and geometry.
    outline
        One row: ``name`` and the kabupaten/kota polygon (dissolved from ``villages``).
    rings
        The radius rings that reach into it, cut at its border (lines): ``office_id``,
        ``name``, ``approximate``, ``outside`` (the office lies outside it).
    offices
        The offices inside it (points), after :func:`~geo_outreach.privacy.shareable`.
    outside
        Offices outside whose radius reaches in: ``office_id``, ``name``, ``office_type``,
        ``approximate``, ``distance_km`` (from the office to the border) and, as geometry,
        the point of their radius inside the area nearest to the office.
    cells
        H3 hotspot cells with households inside the radius, cut at the border (counts
        are the whole cell's, small ones suppressed); None without household points.
    catchments
        With a road network: each office's road catchment (``office_id``, ``name``,
        ``radius_km``), cut at the border; else None.
    k
        The suppression threshold used.
    metric_crs
        The projected CRS the clipping was measured in.
    """

    region: str
    villages: gpd.GeoDataFrame
    districts: gpd.GeoDataFrame
    outline: gpd.GeoDataFrame
    rings: gpd.GeoDataFrame
    offices: gpd.GeoDataFrame
    outside: gpd.GeoDataFrame
    cells: gpd.GeoDataFrame | None
    catchments: gpd.GeoDataFrame | None
    k: int
    metric_crs: str

    def map_data(self) -> MapData:
        """
        Return the layers as the map module's selection, for its layer builders.

        Its ``offices`` are the rings' offices (inside and outside), so that the legend
        explains a dashed ring wherever one is drawn.
        """
        return MapData(self.villages, self.districts, self.outline, self.rings, self.rings,
                       self.region)


# --- public API -------------------------------------------------------------------
def share_layers(result: AnalysisResult, regency: str, *,
                 simplify_m: float = SIMPLIFY_M) -> ShareLayers:
    """
    Clip, simplify and anonymise what a shared map of one kabupaten/kota shows.

    Parameters
    ----------
    result
        An analysis result.
    regency
        The kabupaten/kota: a name with or without "Kabupaten"/"Kota", in any case, or
        a code such as ``"34.04"`` (see :func:`geo_outreach.render.map_data.resolve_regency`).
    simplify_m
        Simplification tolerance in metres (0 keeps the geometry as it is).

    Returns
    -------
    ShareLayers
        The layers, in EPSG:4326.

    Raises
    ------
    InputError
        When ``regency`` names no single kabupaten/kota of the result, or it has no
        villages.
    """
    region = resolve_regency(result, regency)
    code = {name: code for code, name in regency_table(result)}.get(region)
    k = suppression_k(result)
    chosen = result.villages[in_regency(result.villages, region, code)]
    if chosen.empty:
        raise InputError(Problem("parameters", None, "regency", regency,
                                 f"{region} has no villages in the boundary data",
                                 "choose another kabupaten/kota"))
    metric = result.metric_crs
    geometry = _simplify(chosen.geometry.to_crs(metric).to_numpy(), simplify_m)
    outline = _fill_small_holes(shapely.union_all(geometry))
    villages = _private(chosen, k, geometry, metric)
    districts = _districts(chosen, geometry, metric)
    offices_metric = result.offices.to_crs(metric)
    inside = offices_metric.geometry.distance(outline).to_numpy() < 1.0
    rings = _rings(result, outline, metric,
                   set(offices_metric["office_id"].astype(str)[~inside]))
    offices = _private(result.offices[inside], k, offices_metric.geometry[inside].to_numpy(),
                       metric)
    outside = _outside(offices_metric[~inside], outline, rings, metric)
    cells = _cells(result, outline, k, metric)
    catchments = _catchments(result, outline, metric)
    outline_frame = gpd.GeoDataFrame({"name": [region]}, geometry=[outline],
                                     crs=metric).to_crs("EPSG:4326")
    return ShareLayers(region=region, villages=villages, districts=districts,
                       outline=outline_frame, rings=rings.drop(columns="_clipped_area"),
                       offices=offices, outside=outside, cells=cells, catchments=catchments,
                       k=k, metric_crs=metric)


# --- clipping ---------------------------------------------------------------------
def suppression_k(result: AnalysisResult) -> int:
    """Return the suppression threshold of the run (the default without household points)."""
    summary = result.household_summary or {}
    return int(summary.get("min_cell_households", DEFAULT_K))  # type: ignore[call-overload]


def _simplify(geometry: np.ndarray, tolerance_m: float) -> np.ndarray:
    """Simplify a village coverage together, so neighbours keep one shared edge."""
    if tolerance_m <= 0:
        return geometry
    simplified = shapely.coverage_simplify(geometry, tolerance_m)
    broken = ~shapely.is_valid(simplified) | shapely.is_empty(simplified)
    if broken.any():  # not a clean coverage there: simplify those polygons alone
        simplified[broken] = shapely.simplify(geometry[broken], tolerance_m,
                                              preserve_topology=True)
    return simplified


def _fill_small_holes(geometry: shapely.Geometry) -> shapely.Geometry:
    """Close narrow gaps and fill small holes: slivers between village polygons."""
    closed = shapely.buffer(shapely.buffer(geometry, CLOSE_GAPS_M, join_style="mitre"),
                            -CLOSE_GAPS_M, join_style="mitre")
    geometry = shapely.union(closed, geometry)  # closing never loses a village's area
    parts = shapely.get_parts(geometry)
    kept = []
    for part in parts:
        if not isinstance(part, shapely.Polygon):
            continue
        holes = [ring for ring in part.interiors
                 if shapely.Polygon(ring).area >= MIN_HOLE_M2]
        kept.append(shapely.Polygon(part.exterior, holes))
    return shapely.union_all(kept) if kept else geometry


def _to_wgs84(geometry: np.ndarray | list[Any], crs: str) -> np.ndarray:
    """Project metric geometry to EPSG:4326."""
    return gpd.GeoSeries(list(geometry), crs=crs).to_crs("EPSG:4326").to_numpy()


def _private(table: pd.DataFrame, k: int, geometry: np.ndarray,
             crs: str) -> gpd.GeoDataFrame:
    """Pass a result table through :func:`shareable`; give it new geometry, in EPSG:4326."""
    private = shareable(pd.DataFrame(table.drop(columns="geometry")), k)
    private = private.reset_index(drop=True)
    frame = gpd.GeoDataFrame(private, geometry=list(_to_wgs84(geometry, crs)),
                             crs="EPSG:4326")
    if frame.geometry.geom_type.isin(["Polygon", "MultiPolygon"]).all():
        points = shapely.point_on_surface(np.asarray(geometry))
        frame["label_point"] = list(_to_wgs84(points, crs))
    return frame


def _districts(villages: gpd.GeoDataFrame, geometry: np.ndarray,
               crs: str) -> gpd.GeoDataFrame:
    """Dissolve the simplified villages into kapanewon, with a point for each name."""
    names = villages["district"].astype("string").fillna("").to_numpy()
    rows, shapes, points = [], [], []
    for name in dict.fromkeys(names):
        shape = _fill_small_holes(shapely.union_all(geometry[names == name]))
        centroid = shape.centroid
        rows.append(name)
        shapes.append(shape)
        points.append(centroid if shape.contains(centroid) else shape.point_on_surface())
    return gpd.GeoDataFrame({"name": rows, "label_point": list(_to_wgs84(points, crs))},
                            geometry=list(_to_wgs84(shapes, crs)), crs="EPSG:4326")


def _rings(result: AnalysisResult, outline: shapely.Geometry, crs: str,
           outside_ids: set[str]) -> gpd.GeoDataFrame:
    """Each radius ring cut at the border; only those that reach in."""
    discs = result.discs.to_crs(crs)
    lines = shapely.intersection(shapely.boundary(discs.geometry.to_numpy()), outline)
    clipped = shapely.intersection(discs.geometry.to_numpy(), outline)
    keep = ~shapely.is_empty(clipped) & (shapely.area(clipped) > 0)
    frame = pd.DataFrame({
        "office_id": discs["office_id"].astype(str).to_numpy()[keep],
        "name": discs["name"].to_numpy()[keep],
        "approximate": [is_truthy(v) for v in
                        discs.get("approximate", pd.Series(data=False, index=discs.index))[keep]],
    })
    frame["outside"] = frame["office_id"].isin(outside_ids)
    frame["_clipped_area"] = list(clipped[keep])
    return gpd.GeoDataFrame(frame, geometry=list(_to_wgs84(lines[keep], crs)),
                            crs="EPSG:4326")


def _outside(offices: gpd.GeoDataFrame, outline: shapely.Geometry, rings: gpd.GeoDataFrame,
             crs: str) -> gpd.GeoDataFrame:
    """Offices outside the area whose radius reaches in, anchored where it enters."""
    clipped = dict(zip(rings["office_id"], rings["_clipped_area"], strict=True))
    rows, anchors = [], []
    for row in offices.itertuples(index=False):
        area = clipped.get(str(row.office_id))
        if area is None:
            continue
        anchors.append(nearest_points(area, row.geometry)[0])
        rows.append({"office_id": str(row.office_id), "name": row.name,
                     "office_type": getattr(row, "office_type", None),
                     "approximate": is_truthy(getattr(row, "approximate", False)),
                     "distance_km": round(row.geometry.distance(outline) / 1000, 1)})
    columns = ["office_id", "name", "office_type", "approximate", "distance_km"]
    return gpd.GeoDataFrame(pd.DataFrame(rows, columns=columns),
                            geometry=list(_to_wgs84(anchors, crs)), crs="EPSG:4326")


def _cells(result: AnalysisResult, outline: shapely.Geometry, k: int,
           crs: str) -> gpd.GeoDataFrame | None:
    """Keep the hotspot cells with households inside the radius, cut at the border."""
    if result.household_cells is None:
        return None
    cells = result.household_cells
    label = cells.get("households_within_radius_label")
    if label is not None:
        cells = cells[label.astype(str) != "0"]
    metric = cells.geometry.to_crs(crs).to_numpy()
    shapely.prepare(outline)
    keep = shapely.intersects(outline, metric)
    clipped = shapely.intersection(metric[keep], outline)
    keep_clipped = ~shapely.is_empty(clipped) & (shapely.area(clipped) > 0)
    private = shareable(pd.DataFrame(cells[keep].drop(columns="geometry")), k)
    private = private.reset_index(drop=True)[keep_clipped]
    geometry = _to_wgs84(clipped[keep_clipped], crs)
    return gpd.GeoDataFrame(private.reset_index(drop=True), geometry=list(geometry),
                            crs="EPSG:4326")


def _catchments(result: AnalysisResult, outline: shapely.Geometry,
                crs: str) -> gpd.GeoDataFrame | None:
    """Cut the road catchments at the border; None without a road network."""
    catchments = result.road_catchments
    if catchments is None:
        return None
    clipped = shapely.intersection(catchments.geometry.to_crs(crs).to_numpy(), outline)
    keep = ~shapely.is_empty(clipped) & (shapely.area(clipped) > 0)
    columns = [c for c in ("office_id", "name", "radius_km") if c in catchments.columns]
    frame = pd.DataFrame(catchments[columns]).reset_index(drop=True)[keep]
    return gpd.GeoDataFrame(frame.reset_index(drop=True),
                            geometry=list(_to_wgs84(clipped[keep], crs)), crs="EPSG:4326")
