"""
What a map shows: the result's tables for one kabupaten/kota, made shareable, as compact GeoJSON.

Text is escaped here, numbers rounded, shapes simplified to what a screen can show.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

import numpy as np
import pandas as pd
import shapely
from branca.element import MacroElement
from folium.template import Template

from geo_outreach._errors import InputError, Problem
from geo_outreach.escape import escape_html
from geo_outreach.i18n import MISSING_VALUE
from geo_outreach.privacy import shareable
from geo_outreach.render import geojson_text, rendered_text
from geo_outreach.render.geojson_text import FeatureCollection, finite_geometry, shape_pieces

rendered_text.install()  # maps write their data once (see the module)
geojson_text.install()  # and each shape's JSON text once per process (see the module)

if TYPE_CHECKING:

    import folium
    import geopandas as gpd

    from geo_outreach.analysis.result import AnalysisResult

# --- compact GeoJSON --------------------------------------------------------------
COORDINATE_DECIMALS: Final = 5
"""Decimals kept in longitude/latitude: 5 is about 1 m."""

SIMPLIFY_DEGREES: Final = 0.00003
"""Simplification tolerance for drawing, about 3 m: invisible on screen; it shrinks detailed
user boundaries (the bundled ones are already this coarse)."""

MAX_ZOOM: Final = 18
"""The closest zoom of a map (street level): without tiles Leaflet has no limit, and a map
fitted while it has no size would zoom in without end."""

FIT_PADDING_PX: Final = 10
"""Space kept around the data when a map is fitted to it."""

_REGENCY_PREFIX: Final = re.compile(r"^(kabupaten|kab\.?|kotamadya|kota)\s*")


@dataclass(frozen=True)
class MapData:
    """The part of a result one map shows."""

    villages: gpd.GeoDataFrame
    districts: gpd.GeoDataFrame
    regencies: gpd.GeoDataFrame
    offices: gpd.GeoDataFrame
    discs: gpd.GeoDataFrame
    region: str | None


class InstantFitBounds(MacroElement):
    """
    Fit the map to bounds at once, without animation, and only once the map has a size.

    folium's FitBounds animates the first zoom. And a map whose container has no size
    yet (a page or tab not shown when the map is built, an iframe not laid out) cannot
    be fitted: Leaflet computes an infinite zoom and a NaN centre, and every later move
    fails with "Invalid LatLng object: (NaN, NaN)". So the fit waits until the container
    is large enough, and never zooms in further than ``max_zoom``.
    """

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function (map, bounds) {
            var done = false, container = map.getContainer(), observer = null;
            function sized() {
                return container.clientWidth > {{ this.min_size }} &&
                    container.clientHeight > {{ this.min_size }};
            }
            function fit() {
                if (done || !sized()) { return; }
                done = true;
                map.off("resize", fit);
                if (observer) { observer.disconnect(); }
                map.invalidateSize({pan: false});
                map.fitBounds(bounds, {padding: [{{ this.padding }}, {{ this.padding }}],
                                       maxZoom: {{ this.max_zoom }}, animate: false});
            }
            fit();
            if (!done) {
                map.on("resize", fit);
                if (window.ResizeObserver) {
                    observer = new ResizeObserver(fit);
                    observer.observe(container);
                }
            }
        })({{ this._parent.get_name() }}, {{ this.bounds|tojson }});
        {% endmacro %}
    """)

    def __init__(self, bounds: list[list[float]], *, max_zoom: int | None = None) -> None:
        super().__init__()
        self._name = "FitBounds"
        self.bounds = bounds
        self.max_zoom = int(MAX_ZOOM if max_zoom is None else max_zoom)
        self.padding = FIT_PADDING_PX
        self.min_size = 2 * FIT_PADDING_PX


def regency_names(result: AnalysisResult) -> list[str]:
    """
    List the kabupaten/kota a map can be restricted to.

    Parameters
    ----------
    result
        An analysis result.

    Returns
    -------
    list[str]
        Their names as in the boundary data, e.g. ``"Kabupaten Sleman"``, in code order.
    """
    return [name for _, name in regency_table(result)]


def resolve_regency(result: AnalysisResult, regency: str) -> str:
    """
    Find the kabupaten/kota a user meant.

    Parameters
    ----------
    result
        An analysis result.
    regency
        A name with or without "Kabupaten"/"Kab."/"Kota", in any case, or a code such
        as ``"34.04"``.

    Returns
    -------
    str
        The name as in the boundary data, e.g. ``"Kabupaten Sleman"``.

    Raises
    ------
    InputError
        When nothing, or more than one kabupaten/kota, matches; the message lists them.
    """
    table = regency_table(result)
    wanted = _normalise(regency)
    exact = [name for code, name in table if wanted in {_normalise(name), code}]
    if len(exact) == 1:
        return exact[0]
    bare = [name for _, name in table if _bare(name) == _bare(regency)]
    if len(bare) == 1:
        return bare[0]
    valid = ", ".join(f"{name} ({code})" if code else name for code, name in table)
    raise InputError(Problem("parameters", None, "regency", regency,
                             "no single kabupaten/kota has this name or code",
                             f"use one of: {valid}"))


# --- selection --------------------------------------------------------------------
def select_regency(result: AnalysisResult, regency: str | None) -> MapData:
    """Keep the villages, borders and offices of one kabupaten/kota, or all."""
    if regency is None or not str(regency).strip():
        return MapData(result.villages, result.districts, result.regencies, result.offices,
                       result.discs, None)
    name = resolve_regency(result, regency)
    code = {n: c for c, n in regency_table(result)}.get(name)
    villages = result.villages[in_regency(result.villages, name, code)]
    districts = result.districts
    if "regency" in districts.columns:
        districts = districts[in_regency(districts, name, code, column="regency")]
    discs = result.discs[meets_drawn(result.discs.geometry.to_numpy(), villages)]
    offices = result.offices[result.offices["office_id"].isin(discs["office_id"])]
    return MapData(villages, districts, result.regencies, offices, discs, name)


def shareable_map_data(data: MapData, result: AnalysisResult) -> MapData:
    """Hide the counts of fewer than k households in the villages and offices shown."""
    if result.household_summary is None:
        return data
    k = int(result.household_summary["min_cell_households"])  # type: ignore[call-overload]
    return dataclasses.replace(data, villages=shareable(data.villages, k),
                               offices=shareable(data.offices, k))


def regency_table(result: AnalysisResult) -> list[tuple[str, str]]:
    """Each kabupaten/kota as ``(code, name)``; code "" when the boundary data has none."""
    table: dict[str, str] = {}
    if {"code", "name"} <= set(result.regencies.columns):
        ordered = result.regencies.sort_values("code")
        table = {str(n): str(c) for c, n in zip(ordered["code"], ordered["name"], strict=True)}
    for name in result.villages.get("regency", pd.Series(dtype=str)).dropna().unique():
        table.setdefault(str(name), "")
    return [(code, name) for name, code in table.items()]


def in_regency(frame: pd.DataFrame, name: str, code: str | None, *,
               column: str = "regency") -> pd.Series:
    """Tell which rows lie in the kabupaten/kota, by name or by code prefix."""
    inside = frame[column].astype(str) == name if column in frame.columns else False
    if code and "code" in frame.columns:
        inside = inside | frame["code"].astype(str).str.startswith(f"{code}.")
    return pd.Series(inside, index=frame.index)


def _normalise(text: str) -> str:
    """Lower-case with single spaces: ``" Kota  Yogyakarta"`` → ``"kota yogyakarta"``."""
    return " ".join(str(text).lower().split())


def _bare(text: str) -> str:
    """Drop a leading Kabupaten/Kab./Kota: ``"Kab. Sleman"`` → ``"sleman"``."""
    normal = _normalise(text)
    bare = _REGENCY_PREFIX.sub("", normal)
    return bare or normal


# --- geometry ---------------------------------------------------------------------
def feature_collection(geometries: gpd.GeoSeries, properties: list[dict[str, Any]], *,
                       simplify: bool = True) -> FeatureCollection:
    """
    Build a compact FeatureCollection: simplified, rounded, only the given properties.

    Parameters
    ----------
    geometries
        The shapes (reprojected to EPSG:4326 when they carry another CRS).
    properties
        Each shape's properties, in order.
    simplify
        Simplify the shapes for drawing (see :data:`SIMPLIFY_DEGREES`); False for shapes
        that must stay exact (radius rings, hexagons).

    Returns
    -------
    FeatureCollection
        A GeoJSON dict; shapes that cannot be drawn are left out, the others keep their
        position as ``id``. Each shape is made ready once per process
        (:mod:`geo_outreach.render.geojson_text`).
    """
    if len(properties) != len(geometries):
        raise ValueError(f"{len(geometries)} shapes but {len(properties)} property sets")
    raw = _wgs84(geometries).to_numpy()
    pieces = shape_pieces(raw, simplify=simplify,
                          compact=lambda shapes: _compact(shapes, simplify=simplify))
    kept = [(index, piece) for index, piece in enumerate(pieces) if piece is not None]
    features = [{"type": "Feature", "id": index, "properties": properties[index],
                 "geometry": piece.mapping} for index, piece in kept]
    return FeatureCollection(features, [piece for _, piece in kept])


def meets_drawn(geometries: np.ndarray, layer: gpd.GeoDataFrame) -> np.ndarray:
    """
    Tell which geometries meet (intersect) at least one of a layer's drawable shapes.

    Parameters
    ----------
    geometries
        Shapes in the layer's CRS (None allowed: never meets).
    layer
        E.g. the villages shown (see :func:`finite_geometry`).

    Returns
    -------
    numpy.ndarray
        One bool per geometry; found with a spatial index, no union of the layer.
    """
    shapes = layer.geometry.to_numpy()
    shapes = shapes[finite_geometry(shapes)]
    meets = np.zeros(len(geometries), dtype=bool)
    if len(shapes) and len(geometries):
        pairs = shapely.STRtree(shapes).query(np.asarray(geometries, dtype=object),
                                              predicate="intersects")
        meets[np.unique(pairs[0])] = True
    return meets


def _compact(geometries: np.ndarray, *, simplify: bool) -> np.ndarray:
    """Simplify a little for drawing and round the coordinates."""
    if simplify:
        geometries = shapely.simplify(geometries, SIMPLIFY_DEGREES, preserve_topology=True)
    return shapely.transform(geometries, lambda xy: np.round(xy, COORDINATE_DECIMALS))


def _wgs84(geometries: gpd.GeoSeries) -> gpd.GeoSeries:
    """Return the geometries in EPSG:4326 (taken as such when they carry no CRS)."""
    return geometries if geometries.crs is None else geometries.to_crs("EPSG:4326")


def map_centre(data: MapData) -> tuple[float, float]:
    """Return the centre of the villages shown, as (lat, lon); DIY's when there are none."""
    bounds = _bounds(data)
    if bounds is None:
        return (-7.88, 110.43)
    (south, west), (north, east) = bounds
    return ((south + north) / 2, (west + east) / 2)


def _bounds(data: MapData) -> list[list[float]] | None:
    """[[south, west], [north, east]] of the villages shown (or the offices)."""
    for layer in (data.villages, data.discs, data.offices):
        geometry = _wgs84(layer.geometry)
        geometry = geometry[finite_geometry(geometry.to_numpy())]
        if len(geometry):
            west, south, east, north = geometry.total_bounds
            if np.isfinite([west, south, east, north]).all():
                return [[float(south), float(west)], [float(north), float(east)]]
    return None


def fit_to_data(fmap: folium.Map, data: MapData,
                focus: tuple[float, float, float, float] | None = None) -> None:
    """
    Zoom the map to the data shown (or to ``focus``), at once (no zoom animation).

    Parameters
    ----------
    fmap
        The map.
    data
        What it shows; the villages' bounds (else the radius discs', else the offices').
    focus
        West, south, east, north in degrees, used instead when all four are finite
        and it is not empty (an office without a disc gives NaN bounds).
    """
    bounds = _bounds(data)
    if focus is not None and np.isfinite(focus).all():
        west, south, east, north = (float(value) for value in focus)
        if west <= east and south <= north:
            bounds = [[south, west], [north, east]]
    if bounds is not None:
        InstantFitBounds(bounds).add_to(fmap)


# --- small helpers ----------------------------------------------------------------
def map_text(value: object) -> str:
    """
    HTML-escape text for the page, also safe inside folium's JavaScript template strings.

    Besides ``& < > " '``, backticks, ``$`` and backslashes become character references,
    so a name cannot end or interpolate into the template literal folium puts tooltips in.
    """
    if is_missing(value):
        return MISSING_VALUE
    return escape_html(value)


def row_value(row: object, column: str) -> object:
    """Return a value of an itertuples row, or None when the column is absent."""
    return getattr(row, column, None)


def is_missing(value: object) -> bool:
    """Tell whether a value is None, NaN or pandas' NA."""
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def is_truthy(value: object) -> bool:
    """Read a flag that may be a bool, a number, text such as "True"/"ya", or missing."""
    if is_missing(value):
        return False
    if isinstance(value, str):
        return value.strip().lower() in {"true", "1", "yes", "ya", "y"}
    return bool(value)
