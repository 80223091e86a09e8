"""
Stops the planner brings, as a table or GIS file, and padukuhan polygons.

Padukuhan (dusun): the hamlets a kalurahan is divided into. A polygon file of them
(:func:`read_padukuhan`) lets :func:`geo_outreach.field.visit_stops.visit_stops` place a
village's stops in its padukuhan and name them.
"""

from __future__ import annotations

import argparse
import warnings
from typing import TYPE_CHECKING, Final

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo_outreach._errors import InputError, Problem
from geo_outreach.field.stops import prepare_stops
from geo_outreach.inputs import columns, tables, vectors
from geo_outreach.inputs.cells import parse_coordinate
from geo_outreach.inputs.codes import normalise_code
from geo_outreach.inputs.schema import STOP_ALIASES, normalise_header
from geo_outreach.inputs.vectors import read_vector, require_crs

if TYPE_CHECKING:
    from pathlib import Path


STOP_TABLE_SUFFIXES: Final = frozenset({".csv", ".txt"})
STOP_REQUIRED: Final = (("the latitude", ("lat",)), ("the longitude", ("lon",)),
                        ("the stop id", ("stop_id",)),
                        ("the households to visit", ("households",)))
PADUKUHAN_ALIASES: Final[dict[str, tuple[str, ...]]] = {
    "padukuhan": ("padukuhan", "pedukuhan", "dusun", "dukuh", "nama_padukuhan",
                  "nama_pedukuhan", "nama_dusun", "nama_dukuh", "nama", "name"),
    "code": ("code", "village_code", "kode_desa", "kode_kalurahan", "kode_kelurahan",
             "kode_kemendagri", "kdepum"),
    "weight": ("households", "rumah_tangga", "jumlah_rumah_tangga", "jumlah_kk", "kk",
               "population", "penduduk", "jumlah_penduduk", "jml_penduduk", "weight"),
}
"""Headers recognised in a padukuhan file (after :func:`normalise_header`), in order of
preference: the name (required), the village code and a weight (households or people)."""


def lat_lon(text: str) -> tuple[float, float]:
    """Parse ``"-7.78,110.38"`` (latitude first) for argparse."""
    try:
        lat_text, lon_text = text.split(",")
        return float(lat_text), float(lon_text)
    except ValueError as err:
        msg = f"expected LAT,LON such as -7.78,110.38, got {text!r}"
        raise argparse.ArgumentTypeError(msg) from err


def read_stops(path: Path) -> gpd.GeoDataFrame:
    """
    Read a user's stops: a point file, or a CSV with ``lat`` and ``lon`` columns.

    Parameters
    ----------
    path
        The file. A CSV is read as :func:`geo_outreach.inputs.tables.read_table` reads any table
        (comma or semicolon, UTF-8 or Latin-1, title rows, at most
        :data:`geo_outreach.inputs.tables.MAX_TABLE_ROWS` rows); decimal commas in lat/lon are
        read.

    Returns
    -------
    gpd.GeoDataFrame
        Checked by :func:`geo_outreach.field.stops.prepare_stops`.

    Raises
    ------
    InputError
        If the file is missing or unreadable, or its rows break the contract.
    """
    if not path.is_file():
        raise InputError(Problem(path.name, None, None, None, f"stops file not found: {path}",
                                 "check the path given with --stops"))
    if path.suffix.lower() in STOP_TABLE_SUFFIXES:
        table = _stops_from_table(path)
        return prepare_stops(table.reset_index(drop=True), source=path.name,
                             rows=table.index.to_numpy())
    points = read_vector(path, layer=None, geometry_types=vectors.POINT_TYPES)
    return prepare_stops(points, source=path.name)


def _stops_from_table(path: Path) -> gpd.GeoDataFrame:
    """Read a stops CSV as any table is read (separator, encoding, size), lat/lon checked."""
    table = tables.read_table(path, STOP_ALIASES, option="", required=STOP_REQUIRED)
    data = table.data.copy()
    coordinates = {}
    problems = []
    for column, label in (("lat", "latitude"), ("lon", "longitude")):
        parsed = [parse_coordinate(v) for v in data[column]]
        coordinates[column] = [p.value for p in parsed]
        problems += [Problem(table.source, int(row), table.header(column), columns.cell_text(value),
                             f"the {label} is not a number in decimal degrees",
                             "write decimal degrees, e.g. lat -7.78305, lon 110.38344")
                     for row, value, p in zip(data.index, data[column], parsed, strict=True)
                     if p.value is None]
    if problems:
        raise InputError(problems)
    data = data.drop(columns=["lat", "lon"])  # indexed by the rows of the user's file
    points = gpd.GeoSeries.from_xy(coordinates["lon"], coordinates["lat"], index=data.index,
                                   crs="EPSG:4326")
    return gpd.GeoDataFrame(data, geometry=points)


def read_padukuhan(path: Path) -> gpd.GeoDataFrame:
    """
    Read a polygon file of padukuhan (hamlets), to place and name a village's stops.

    Parameters
    ----------
    path
        Any GIS file :func:`geo_outreach.inputs.vectors.read_vector` reads, one polygon per
        padukuhan, with a CRS and a name column (``padukuhan``, ``dusun`` or ``nama``; see
        :data:`PADUKUHAN_ALIASES`). Optional: the village's Kemendagri code (``kode_desa``,
        ``code``; without it each padukuhan belongs to the village holding its
        representative point) and a count of households or people (``jumlah_kk``,
        ``penduduk``; without it the padukuhan are weighted by area).

    Returns
    -------
    gpd.GeoDataFrame
        EPSG:4326, one row per feature: ``padukuhan`` (name), ``code`` (``""`` when not
        given), ``weight`` (NaN without a count column), ``feature`` (its number in the
        file, from 1) and the polygon. ``attrs`` holds the file's name (``source``) and
        its headers (``headers``: ``padukuhan``, ``code``, ``weight`` to the file's own).

    Raises
    ------
    InputError
        Listing every problem: no name column, blank names, shapes missing or not
        polygons, codes that are not Kemendagri village codes, counts that are not whole
        numbers of 0 or more.
    """
    source = path.name
    layer = read_vector(path, layer=None, geometry_types=vectors.POLYGON_TYPES,
                        preferred_layers=("padukuhan", "pedukuhan", "dusun"))
    require_crs(layer, source)
    found = {}
    for name in (c for c in layer.columns if c != layer.geometry.name):
        found.setdefault(normalise_header(name), name)
    header = {role: next((found[a] for a in aliases if a in found), None)
              for role, aliases in PADUKUHAN_ALIASES.items()}
    if header["padukuhan"] is None:
        raise InputError(Problem(
            source, None, None, ", ".join(map(str, found.values())) or None,
            "the padukuhan file has no column with each padukuhan's name",
            "name the column padukuhan, dusun or nama (e.g. in QGIS: Layer Properties > "
            "Fields), and save the file again"))
    if layer.empty:
        raise InputError(Problem(source, None, None, None, "the padukuhan file has no features",
                                 "give a file with one polygon per padukuhan"))
    problems: list[Problem] = []
    names = pd.Series([columns.cell_text(v) for v in layer[header["padukuhan"]]], dtype=object)
    problems += _features(source, names.isna().to_numpy(), "have no name",
                          "fill in each padukuhan's name", column=header["padukuhan"])
    geometry = layer.geometry.to_numpy()
    missing = shapely.is_missing(geometry) | shapely.is_empty(geometry)
    problems += _features(source, missing, "have no shape",
                          "draw these padukuhan or delete them")
    not_polygon = ~missing & ~np.isin(shapely.get_type_id(geometry), (3, 6))  # (Multi)Polygon
    problems += _features(source, not_polygon, "are not polygons",
                          "give the padukuhan areas (polygons), not points or lines")
    codes = pd.Series("", index=range(len(layer)), dtype=object)
    if header["code"] is not None:
        checks = [normalise_code(v) for v in layer[header["code"]]]
        codes = pd.Series([c.code or "" for c in checks], dtype=object)
        problems += _features(
            source, np.array([c.kind not in {"kemendagri", "empty"} for c in checks]),
            "have a village code that is not a Kemendagri code",
            "write the village's Kemendagri code (e.g. 34.04.07.2003), leave it blank to "
            "place the padukuhan by its shape, or drop the column", column=header["code"])
    weight = np.full(len(layer), np.nan)
    if header["weight"] is not None:
        weight = pd.to_numeric(layer[header["weight"]], errors="coerce").to_numpy(float)
        problems += _features(  # NaN fails weight >= 0
            source, ~(weight >= 0) | (weight % 1 != 0),
            "have a count that is not a whole number of 0 or more",
            "write each padukuhan's households or people (e.g. 240), or drop the column to "
            "weight the padukuhan by area", column=header["weight"])
    if problems:
        raise InputError(problems)
    invalid = ~shapely.is_valid(geometry)
    geometry[invalid] = [_polygonal(g) for g in shapely.make_valid(geometry[invalid])]
    out = gpd.GeoDataFrame({"padukuhan": names.to_numpy(), "code": codes.to_numpy(),
                            "weight": weight, "feature": np.arange(1, len(layer) + 1)},
                           geometry=geometry, crs=layer.crs).to_crs("EPSG:4326")
    out.attrs["source"] = source
    out.attrs["headers"] = {role: name for role, name in header.items() if name is not None}
    return out


def _features(source: str, bad: np.ndarray, what: str, fix: str, *,
              column: str | None = None) -> list[Problem]:
    """Name the features (counted from 1) where ``bad`` holds in one problem; none if none."""
    features = [int(f) for f in np.flatnonzero(bad) + 1]
    if not features:
        return []
    listed = columns.describe_rows(features, noun="feature")
    return [Problem(source, features[0], column, None, f"{listed} (counting from 1) {what}",
                    fix)]


def _polygonal(geometry: shapely.Geometry) -> shapely.Geometry:
    """Keep the polygons of a repaired shape (make_valid may add lines and points)."""
    parts = [g for g in shapely.get_parts(geometry) if g.geom_type in vectors.POLYGON_TYPES]
    return shapely.union_all(parts) if parts else shapely.Polygon()


def locate_padukuhan(padukuhan: gpd.GeoDataFrame, villages: gpd.GeoDataFrame) -> np.ndarray:
    """
    Find each padukuhan's village: by its code, else by its representative point.

    Parameters
    ----------
    padukuhan
        As :func:`read_padukuhan` returns it.
    villages
        The villages (any CRS), with ``code``.

    Returns
    -------
    np.ndarray
        The position in ``villages`` of each padukuhan's village, -1 for one outside
        every village (those are named in a warning).

    Raises
    ------
    InputError
        For codes not in the boundaries, or when no padukuhan lies in any village.
    """
    source = str(padukuhan.attrs.get("source", "padukuhan"))
    known = {code: i for i, code in enumerate(villages["code"].astype(str))}
    codes = padukuhan["code"].fillna("").astype(str).to_numpy()
    unknown = np.array([c != "" and c not in known for c in codes])
    problems = _features(source, unknown, "have a village code that is not in the boundaries",
                         "correct the code, or leave it blank to place the padukuhan by its "
                         "shape", column=padukuhan.attrs.get("headers", {}).get("code", "code"))
    if problems:
        raise InputError(problems)
    located = np.array([known.get(c, -1) for c in codes], dtype=int)
    by_shape = np.flatnonzero(codes == "")
    if len(by_shape):
        points = shapely.point_on_surface(padukuhan.to_crs(villages.crs).geometry.to_numpy())
        hit, owner = gpd.GeoSeries(villages.geometry.to_numpy()).sindex.query(
            points[by_shape], predicate="intersects")
        order = np.lexsort((owner, hit))  # on a shared edge the first village wins
        first = order[np.flatnonzero(np.diff(hit[order], prepend=-1))]
        located[by_shape[hit[first]]] = owner[first]
    outside = located < 0
    if outside.all():
        raise InputError(Problem(source, None, None, None,
                                 "no padukuhan lies inside any village of the boundaries",
                                 "check that the file covers the boundaries' area and that "
                                 "its CRS is right (Layer > Set CRS in QGIS)"))
    if outside.any():
        lost = _features(source, outside, "lie outside every village and are left out",
                         "check their shapes and CRS, or give their village's code")
        warnings.warn(str(lost[0]), UserWarning, stacklevel=2)
    return located
