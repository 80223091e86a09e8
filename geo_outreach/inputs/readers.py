"""
Read the user's files (local only, never the network) into canonical columns.

Boundaries come from any common GIS format; participation and office tables from CSV or
Excel, even with title rows above the header. Every reader renames the user's columns to
the canonical names of :mod:`geo_outreach.inputs.schema` and remembers the user's own headers, so
messages can name the column the user knows. Problems that make a file unusable raise
:class:`~geo_outreach._errors.InputError`; value checks are :mod:`geo_outreach.inputs.validate`'s.
"""

from __future__ import annotations

import codecs
import csv
import io as _stdio
import warnings
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Final

import geopandas as gpd
import numpy as np
import openpyxl
import pandas as pd
import pyarrow.parquet as pq
import pyogrio
import shapely
from openpyxl.utils.exceptions import InvalidFileException
from pyogrio.errors import DataLayerError, DataSourceError
from pyproj.exceptions import CRSError
from shapely.errors import GEOSException

from geo_outreach._errors import InputError, Problem
from geo_outreach.config import ColumnMapping
from geo_outreach.inputs.codes import is_blank, normalise_code
from geo_outreach.inputs.file_kinds import binary_kind
from geo_outreach.inputs.schema import (
    BOUNDARY_ALIASES,
    OFFICE_ALIASES,
    PARTICIPATION_ALIASES,
    SEGMENTS,
    VILLAGE_COLUMNS,
    VILLAGE_OPTIONAL_COLUMNS,
    normalise_header,
)

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

VECTOR_FORMATS: Final = ("GeoJSON (.geojson, .json), GeoPackage (.gpkg), Shapefile (.shp with "
                         "its .shx, .dbf and .prj, or all of them zipped in one .zip), "
                         "GeoParquet (.parquet)")
BROKEN_SHAPE_FIX: Final = ("find it with QGIS (Vector > Geometry Tools > Check Validity), "
                           "redraw or delete it, and save the layer again")
TABLE_FORMATS: Final = "CSV (.csv, comma- or semicolon-separated) or Excel (.xlsx)"

CSV_SUFFIXES: Final = frozenset({".csv", ".txt", ".tsv"})
EXCEL_SUFFIXES: Final = frozenset({".xlsx", ".xlsm"})
OLD_SPREADSHEET_SUFFIXES: Final = frozenset({".xls", ".ods", ".numbers"})
PARQUET_SUFFIXES: Final = frozenset({".parquet", ".geoparquet"})
VECTOR_MEMBER_SUFFIXES: Final = (".shp", ".gpkg", ".geojson", ".json")
DELIMITERS: Final = (",", ";", "\t", "|")

MAX_TITLE_ROWS: Final = 30
"""How far down a sheet the header row is looked for."""
MIN_HEADER_MATCHES: Final = 2
"""Known headers a row needs to be taken as the header row."""
LISTED_ROWS: Final = 5
"""How many row numbers a grouped message lists before 'and N more'."""
MAX_TABLE_BYTES: Final = 64 * 1024 * 1024
"""The largest participation, office or stops table read (64 MB): one row per village of
all Indonesia (about 84,000) takes under 20 MB. Household points have no such limit."""
MAX_TABLE_ROWS: Final = 100_000
"""The most data rows a participation, office or stops table may have: Indonesia has
about 84,000 villages, DIY 438."""

BOUNDARIES_OPTION: Final = "--boundary-columns"
PARTICIPATION_OPTION: Final = "--participation-columns"
OFFICES_OPTION: Final = "--office-columns"

POLYGON_TYPES: Final = frozenset({"Polygon", "MultiPolygon"})
POINT_TYPES: Final = frozenset({"Point", "MultiPoint"})
VILLAGE_LAYER_NAMES: Final = ("villages", "desa", "kelurahan", "kalurahan")
LAT_LON_FROM_GEOMETRY: Final = "geometry"

_VILLAGE_KIND_BY_DIGIT: Final = {"1": "kelurahan", "2": "desa"}


@dataclass(frozen=True)
class InputTable:
    """
    A participation or office table as read, with canonical column names.

    Attributes
    ----------
    data
        Canonical columns (:data:`~geo_outreach.inputs.schema.PARTICIPATION_ALIASES` or
        :data:`~geo_outreach.inputs.schema.OFFICE_ALIASES`), values as read (text from CSV,
        text or numbers from Excel; None for blank cells). The index, named ``row``, is
        the row number the user sees in their spreadsheet (the feature number for a GIS
        file).
    source
        The file name, for messages.
    headers
        Canonical name to the user's own header, so messages can name the user's column.
    notes
        Warnings about how the file was read (title rows skipped, a guessed encoding),
        for the validators to report.
    """

    data: pd.DataFrame
    source: str
    headers: dict[str, str] = field(default_factory=dict)
    notes: tuple[Problem, ...] = ()

    def header(self, column: str) -> str:
        """Return the user's header for a canonical column (the canonical name if absent)."""
        return self.headers.get(column, column)


@dataclass(frozen=True)
class _Grid:
    """Cells of a sheet or CSV file, row by row, with the user's row numbers."""

    rows: list[list[object]]
    numbers: list[int]
    where: str  # "" for CSV, " (sheet 'Data')" for Excel
    encoding: str = "utf-8"
    cut_off: bool = False  # the file ends inside its last row (no line break after it)
    merged: tuple[tuple[str, int, int], ...] = ()  # (range, first row, last row), Excel only


# --- helpers shared with validate ------------------------------------------------------


def describe_rows(rows: Sequence[object], *, noun: str = "row") -> str:
    """
    List row numbers for a message, shortening long lists.

    Parameters
    ----------
    rows
        Row numbers (or other labels) in order.
    noun
        ``"row"`` or ``"feature"``.

    Returns
    -------
    str
        E.g. ``"rows 3, 4, 9, 12, 15 and 20 more"`` or ``"row 3"``.
    """
    shown = ", ".join(str(r) for r in rows[:LISTED_ROWS])
    more = len(rows) - LISTED_ROWS
    plural = noun + ("s" if len(rows) > 1 else "")
    return f"{plural} {shown}" + (f" and {more} more" if more > 0 else "")


def cell_text(value: object) -> str | None:
    """
    Return a cell as trimmed text for messages and names, None when blank.

    Parameters
    ----------
    value
        A cell as read.

    Returns
    -------
    str or None
        Whole floats lose their ``.0`` (``1176.0`` gives ``"1176"``).
    """
    if is_blank(value):
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


# --- column resolution -----------------------------------------------------------------


def _alias_hint(aliases: dict[str, tuple[str, ...]], canonical: str) -> str:
    return ", ".join(aliases[canonical][:6])


def _mapping_problems(
    found: list[str], aliases: dict[str, tuple[str, ...]], mapping: ColumnMapping,
    *, source: str, option: str,
) -> tuple[dict[str, int], list[Problem]]:
    """Resolve the user's explicit canonical=header pairs to column positions."""
    positions: dict[str, int] = {}
    problems = []
    keys = [normalise_header(h) for h in found]
    for canonical, header in mapping.columns.items():
        if canonical not in aliases:
            problems.append(Problem(source, None, None, f"{canonical}={header}",
                                    f"'{canonical}' is not a column this file can have",
                                    f"use {option} with names from: {', '.join(aliases)}"))
            continue
        exact = [i for i, h in enumerate(found) if h == header]
        loose = [i for i, k in enumerate(keys) if k == normalise_header(header)]
        if exact or loose:
            positions[canonical] = (exact or loose)[0]
            continue
        problems.append(Problem(source, None, header, f"{canonical}={header}",
                                f"the column '{header}' named for '{canonical}' is not in the "
                                f"file; its columns are: {', '.join(found)}",
                                f"correct {option} {canonical}=... to one of the columns above"))
    return positions, problems


def _resolve_columns(
    found: list[str], aliases: dict[str, tuple[str, ...]], mapping: ColumnMapping | None,
    *, source: str, option: str,
) -> dict[str, int]:
    """Find each canonical column's position: the explicit mapping first, then aliases."""
    positions, problems = _mapping_problems(found, aliases, mapping or ColumnMapping(),
                                            source=source, option=option)
    if problems:
        raise InputError(problems)
    keys = [normalise_header(h) for h in found]
    for canonical, names in aliases.items():
        if canonical in positions:
            continue
        for alias in names:
            free = [i for i, k in enumerate(keys) if k == alias and i not in positions.values()]
            if free:
                positions[canonical] = free[0]
                break
    return positions


Requirement = tuple[str, tuple[str, ...]]
"""A label and the canonical columns of which at least one must be present."""

BOUNDARY_REQUIRED: Final[tuple[Requirement, ...]] = tuple((c, (c,)) for c in VILLAGE_COLUMNS)
PARTICIPATION_REQUIRED: Final[tuple[Requirement, ...]] = (
    ("the village code (or the village name)", ("code", "name")),
    ("active participants (or the segments pu, bpu, jakon, pmi)", ("participants", *SEGMENTS)),
    ("the labour force (or the employed population)", ("labour_force", "employed")),
)
OFFICE_REQUIRED: Final[tuple[Requirement, ...]] = (
    ("the latitude", ("lat",)), ("the longitude", ("lon",)),
    ("the office name (or id)", ("name", "office_id")),
)


def _require(
    requirements: Sequence[Requirement], present: Iterable[str], found: Sequence[str],
    aliases: dict[str, tuple[str, ...]], *, source: str, option: str,
) -> None:
    """Raise one problem per requirement that none of the present columns meets."""
    present = set(present)
    problems = []
    for label, columns in requirements:
        if present & set(columns):
            continue
        canonical = columns[0]
        problems.append(Problem(
            source, None, None, None,
            f"no column for {label} ('{canonical}') was found; the file's columns are: "
            f"{', '.join(str(c) for c in found if c) or '(none)'}",
            f"name the column one of: {_alias_hint(aliases, canonical)}"
            + (f"; or map your own header with {option} {canonical}=YOUR_HEADER"
               if option else "")))
    if problems:
        raise InputError(problems)


# --- vector files ----------------------------------------------------------------------


def _not_found(path: Path, source: str, formats: str) -> InputError:
    return InputError(Problem(source, None, None, str(path), "the file does not exist",
                              f"check the path and the file name; accepted formats: {formats}"))


def check_file(path: Path, formats: str, *, max_bytes: int | None = None,
               what: str = "file") -> None:
    """
    Refuse a missing file, an empty (0-byte) one, or one larger than ``max_bytes``.

    Parameters
    ----------
    path
        The user's file.
    formats
        The accepted formats, for the fix.
    max_bytes
        The largest size accepted; no limit when None.
    what
        What the file should hold, e.g. ``"a participation table"``, for the messages.

    Raises
    ------
    InputError
        Naming the file and what to do.
    """
    source = path.name
    if not path.is_file():
        raise _not_found(path, source, formats)
    size = path.stat().st_size
    if size == 0:
        raise InputError(Problem(source, None, None, "0 bytes", "the file is empty",
                                 f"save {what} into it again (the upload or copy may have "
                                 f"failed); accepted formats: {formats}"))
    if max_bytes is not None and size > max_bytes:
        raise InputError(Problem(
            source, None, None, f"{size / 1e6:,.0f} MB",
            f"the file is far larger than {what} can be (at most {max_bytes / 1e6:,.0f} MB: "
            f"one row per village of all Indonesia fits in under 20 MB)",
            "check that this is the right file; give one row per village or office, "
            "without other sheets or data"))


def _zip_member(path: Path, source: str) -> str:
    """Return the GDAL path of the one GIS dataset inside a zip file."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
    except zipfile.BadZipFile as err:
        raise InputError(Problem(source, None, None, None,
                                 "the file is not a readable zip archive",
                                 "zip the shapefile's files (.shp, .shx, .dbf, .prj) again, "
                                 f"or give them unzipped; accepted: {VECTOR_FORMATS}")) from err
    members = [n for n in names if n.lower().endswith(VECTOR_MEMBER_SUFFIXES)
               and not n.startswith("__MACOSX")]
    if len(members) != 1:
        found = ", ".join(members) if members else "no .shp, .gpkg or .geojson"
        raise InputError(Problem(source, None, None, None,
                                 f"the zip must hold exactly one GIS layer; it holds: {found}",
                                 "zip one shapefile's .shp, .shx, .dbf and .prj files together"))
    return f"/vsizip/{path.resolve()}/{members[0]}"


def _choose_layer(target: str, source: str, geometry_types: frozenset[str],
                  preferred: Sequence[str]) -> str | None:
    """Pick the layer of a multi-layer file (GeoPackage), or None for the only one."""
    try:
        layers = pyogrio.list_layers(target)
    except (DataSourceError, DataLayerError) as err:
        raise InputError(Problem(source, None, None, None,
                                 f"the file cannot be read as GIS data ({err})",
                                 f"save it in one of: {VECTOR_FORMATS}")) from err
    if len(layers) <= 1:
        return None
    names = [str(name) for name, _ in layers]
    for wanted in preferred:
        if wanted in names:
            return wanted
    fitting = [str(name) for name, kind in layers
               if str(kind).removesuffix(" Z").removesuffix("M").strip() in geometry_types]
    if len(fitting) == 1:
        return fitting[0]
    raise InputError(Problem(source, None, None, None,
                             f"the file has several layers ({', '.join(names)}) and it is not "
                             "clear which one to use",
                             "export the one layer you mean to its own file"))


def _read_vector(path: Path, *, layer: str | None, geometry_types: frozenset[str],
                 preferred_layers: Sequence[str] = ()) -> gpd.GeoDataFrame:
    """Read any supported GIS file, turning library errors into an InputError."""
    source = path.name
    check_file(path, VECTOR_FORMATS, what="a GIS layer")
    with path.open("rb") as handle:
        _refuse_binary(handle.read(16), source, named="a GIS file", formats=VECTOR_FORMATS,
                       allowed=frozenset({".xlsx", ".gpkg", ".parquet"}))
    suffix = path.suffix.lower()
    if suffix in CSV_SUFFIXES | EXCEL_SUFFIXES:
        raise InputError(Problem(source, None, None, None,
                                 "a table was given where a GIS file (with shapes) is expected",
                                 f"give the boundaries as {VECTOR_FORMATS}"))
    if suffix in PARQUET_SUFFIXES:
        try:
            pq.read_table(path).validate(full=True)  # else broken text fails when first used
            return gpd.read_parquet(path)
        # pyarrow's errors derive from ValueError and OSError; geopandas checks the GeoParquet
        # metadata with dict lookups, so odd metadata also gives KeyError, AttributeError or
        # TypeError
        except (ValueError, OSError, KeyError, AttributeError, TypeError, GEOSException,
                CRSError) as err:
            raise InputError(Problem(source, None, None, None,
                                     f"the file cannot be read as GeoParquet ({err})",
                                     f"save it in one of: {VECTOR_FORMATS}")) from err
    target = _zip_member(path, source) if suffix == ".zip" else str(path)
    chosen = layer or _choose_layer(target, source, geometry_types, preferred_layers)
    try:
        return gpd.read_file(target, layer=chosen)
    except (DataSourceError, DataLayerError) as err:
        raise InputError(Problem(source, None, None, None,
                                 f"the file cannot be read as GIS data ({err})",
                                 f"save it in one of: {VECTOR_FORMATS}")) from err
    except GEOSException as err:
        raise InputError(Problem(source, None, None, None,
                                 f"a shape in the file is broken ({err})",
                                 BROKEN_SHAPE_FIX)) from err
    except UnicodeDecodeError as err:
        raise InputError(Problem(source, None, None, None,
                                 "the file holds text that is not in its declared "
                                 f"encoding ({err})",
                                 "save it again with UTF-8 encoding (QGIS: Export > Save "
                                 "Features As, Encoding UTF-8)")) from err


def _require_crs(gdf: gpd.GeoDataFrame, source: str) -> None:
    """Refuse a layer without a CRS, or one whose degrees are clearly not degrees."""
    if gdf.crs is None:
        raise InputError(Problem(
            source, None, None, None,
            "the file has no coordinate reference system (CRS), so its coordinates cannot "
            "be placed on the map",
            "set the CRS the coordinates are really in (EPSG:4326 for longitude/latitude, "
            "EPSG:32749 for UTM 49S metres), e.g. `ogr2ogr -a_srs EPSG:4326 fixed.gpkg "
            "yourfile.shp`, or in QGIS: Layer > Set CRS, then export; for a shapefile keep "
            "its .prj file beside the .shp (and inside the .zip)"))
    if gdf.crs.is_geographic and len(gdf) and not gdf.geometry.is_empty.all():
        minx, miny, maxx, maxy = gdf.total_bounds
        if min(minx, miny) < -180 or maxx > 180 or maxy > 90 or miny < -90:  # noqa: PLR2004
            raise InputError(Problem(
                source, None, None, f"{minx:.7g}, {miny:.7g}, {maxx:.7g}, {maxy:.7g}",
                f"the file says its coordinates are degrees ({gdf.crs.to_string()}) but they "
                "are far outside -180..180 / -90..90: they look like metres",
                "set the CRS they are really in (e.g. EPSG:32749 for UTM 49S) with ogr2ogr "
                "-a_srs or QGIS: Layer > Set CRS"))
    if gdf.crs.is_projected and len(gdf) and not gdf.geometry.is_empty.all():
        minx, miny, maxx, maxy = gdf.total_bounds
        if max(abs(minx), abs(maxx)) <= 180 and max(abs(miny), abs(maxy)) <= 90:  # noqa: PLR2004
            raise InputError(Problem(
                source, None, None, f"{minx:g}, {miny:g}, {maxx:g}, {maxy:g}",
                f"the file says its coordinates are metres ({gdf.crs.to_string()}) but they "
                "all lie within -180..180 / -90..90, so the villages would be a few hundred "
                "metres across: they look like longitude/latitude degrees",
                "set the CRS to EPSG:4326 (ogr2ogr -a_srs EPSG:4326, or QGIS: Layer > Set "
                "CRS); for a shapefile, replace its .prj file"))


# --- boundaries ------------------------------------------------------------------------


def _polygonal(geometry: shapely.Geometry) -> shapely.Geometry | None:
    """Keep the polygons of a repaired geometry, None when nothing polygonal is left."""
    parts = [p for p in shapely.get_parts(geometry) if p.geom_type in POLYGON_TYPES]
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else shapely.union_all(parts)


def _check_geometries(gdf: gpd.GeoDataFrame, source: str
                      ) -> tuple[gpd.GeoSeries, list[Problem], list[Problem]]:
    """Repair invalid polygons; report missing and non-polygon shapes by feature number."""
    geometry = gdf.geometry.copy()
    features = pd.RangeIndex(1, len(gdf) + 1)
    errors, notes = [], []
    missing = list(features[(geometry.isna() | geometry.is_empty).to_numpy()])
    if missing:
        errors.append(Problem(source, missing[0], None, None,
                              f"{describe_rows(missing, noun='feature')} (counting from 1) "
                              "have no shape",
                              "delete these features or draw their boundaries"))
    coordinates, owners = shapely.get_coordinates(geometry.to_numpy(), return_index=True)
    unplaceable = np.isin(np.arange(len(gdf)), owners[~np.isfinite(coordinates).all(axis=1)])
    if unplaceable.any():
        rows = list(features[unplaceable])
        errors.append(Problem(source, rows[0], None, None,
                              f"{describe_rows(rows, noun='feature')} have coordinates that are "
                              "not numbers (NaN or infinite)",
                              "redraw these boundaries, or correct their coordinates"))
    types = geometry.geom_type
    wrong = [f for f, t in zip(features, types, strict=True) if isinstance(t, str)
             and t not in POLYGON_TYPES]
    if wrong:
        kinds = ", ".join(sorted({t for t in types if isinstance(t, str)
                                  and t not in POLYGON_TYPES}))
        errors.append(Problem(source, wrong[0], None, kinds,
                              f"{describe_rows(wrong, noun='feature')} are {kinds}, not "
                              "village polygons",
                              "give a layer of village areas (polygons), not points or lines"))
    checkable = geometry.where(~unplaceable)  # GEOS refuses to test infinite shapes
    invalid = (~checkable.is_valid & ~checkable.is_empty & checkable.notna()
               & types.isin(POLYGON_TYPES)).to_numpy()
    if invalid.any():
        repaired = [_polygonal(g) for g in shapely.make_valid(geometry[invalid].to_numpy())]
        lost = [f for f, g in zip(features[invalid], repaired, strict=True) if g is None]
        geometry.loc[invalid] = repaired
        fixed = [f for f in features[invalid] if f not in lost]
        if fixed:
            notes.append(Problem(source, fixed[0], None, None,
                                 f"{describe_rows(fixed, noun='feature')} had invalid shapes "
                                 "(e.g. self-intersections) and were repaired with make_valid",
                                 "check these villages' outlines, or fix them in QGIS "
                                 "(Vector > Geometry Tools > Fix Geometries)", "warning"))
        if lost:
            errors.append(Problem(source, lost[0], None, None,
                                  f"{describe_rows(lost, noun='feature')} have shapes that "
                                  "collapse to nothing when repaired",
                                  "redraw these boundaries"))
    return geometry, errors, notes


def _text_column(values: pd.Series) -> pd.Series:
    return pd.Series([cell_text(v) for v in values], index=values.index, dtype="str")


def _check_codes(codes: pd.Series, source: str, header: str) -> tuple[pd.Series, list[Problem]]:
    """Normalise boundary codes, grouping the problems by kind."""
    checks = [normalise_code(v) for v in codes]
    features = range(1, len(codes) + 1)
    problems = []
    by_kind: dict[str, list[int]] = {}
    for feature, check in zip(features, checks, strict=True):
        if check.kind != "kemendagri":
            by_kind.setdefault(check.kind, []).append(feature)
    fixes = {
        "bps": "use a layer with Kemendagri codes (e.g. BIG's KDEPUM column: "
               f"{BOUNDARIES_OPTION} code=KDEPUM) or convert the codes to Kemendagri",
        "invalid": "correct the codes to Kemendagri village codes like 34.04.07.2003, or map "
                   f"another column with {BOUNDARIES_OPTION} code=YOUR_HEADER",
        "empty": "fill in each village's Kemendagri code (e.g. 34.04.07.2003)",
    }
    for kind, rows in by_kind.items():
        first = checks[rows[0] - 1]
        problems.append(Problem(source, rows[0], header, cell_text(codes.iloc[rows[0] - 1]),
                                f"{describe_rows(rows, noun='feature')}: {first.reason}",
                                fixes[kind]))
    normalised = pd.Series([c.code for c in checks], index=codes.index, dtype="str")
    duplicated = normalised[normalised.notna() & normalised.duplicated(keep=False)]
    for code, group in duplicated.groupby(duplicated):
        rows = [int(i) + 1 for i in group.index]
        problems.append(Problem(source, rows[0], header, str(code),
                                f"{describe_rows(rows, noun='feature')} share the code {code}",
                                "each village must appear once: merge or correct the duplicates"))
    return normalised, problems


def _blank_names(out: gpd.GeoDataFrame, headers: dict[str, str], source: str) -> list[Problem]:
    """Warn about villages without a name, kapanewon or kabupaten."""
    notes = []
    for column in VILLAGE_COLUMNS[1:]:
        rows = [int(i) + 1 for i in out.index[out[column].isna()]]
        if rows:
            notes.append(Problem(source, rows[0], headers[column], None,
                                 f"{describe_rows(rows, noun='feature')} have no {column}",
                                 "fill it in: names are shown on maps and used to match rows "
                                 "without a code", "warning"))
    return notes


def _derive_from_code(out: gpd.GeoDataFrame) -> None:
    """Fill kind, district_code and regency_code from the village code when absent."""
    codes = out["code"]
    if "kind" not in out.columns:
        out["kind"] = pd.Series([_VILLAGE_KIND_BY_DIGIT.get(c[9]) if isinstance(c, str) else None
                                 for c in codes], index=out.index, dtype="str")
    if "district_code" not in out.columns:
        out["district_code"] = codes.str.slice(0, 8)
    if "regency_code" not in out.columns:
        out["regency_code"] = codes.str.slice(0, 5)


def read_boundaries(
    path: str | Path, *, mapping: ColumnMapping | None = None, layer: str | None = None,
) -> gpd.GeoDataFrame:
    """
    Read a village boundary layer, issuing repairs as ``UserWarning``.

    The same as :func:`load_boundaries`, for interactive use: the repair notes that
    :func:`load_boundaries` returns are issued as warnings instead.

    Parameters
    ----------
    path, mapping, layer
        As for :func:`load_boundaries`.

    Returns
    -------
    gpd.GeoDataFrame
        The villages, as :func:`load_boundaries` returns them.
    """
    villages, notes = load_boundaries(path, mapping=mapping, layer=layer)
    for note in notes:
        warnings.warn(str(note), UserWarning, stacklevel=2)
    return villages


def load_boundaries(
    path: str | Path, *, mapping: ColumnMapping | None = None, layer: str | None = None,
) -> tuple[gpd.GeoDataFrame, list[Problem]]:
    """
    Read a village boundary layer into canonical columns, in EPSG:4326.

    Parameters
    ----------
    path
        GeoJSON, GeoPackage, Shapefile, a zipped Shapefile (.zip) or GeoParquet, in any
        CRS. The file must declare its CRS.
    mapping
        The user's headers for canonical columns, e.g. BIG's
        ``code=KDEPUM,name=NAMOBJ,district=WADMKC,regency=WADMKK`` (these particular
        headers are also found without a mapping).
    layer
        The layer to read from a multi-layer file; by default ``villages`` if present,
        else the only polygon layer.

    Returns
    -------
    gpd.GeoDataFrame
        Columns ``code`` (dotted Kemendagri), ``name``, ``district``, ``regency``,
        ``kind``, ``district_code``, ``regency_code`` (the last three derived from the
        code when the file lacks them), ``population`` when present, and ``geometry``
        (Polygon/MultiPolygon, EPSG:4326).
    list of Problem
        Warnings: invalid shapes that were repaired, blank names.

    Raises
    ------
    InputError
        Missing or unreadable file, no CRS, a required column missing, codes that are
        not Kemendagri village codes (BPS codes included), duplicate codes, missing or
        non-polygon shapes.
    """
    path = Path(path)
    source = path.name
    gdf = _read_vector(path, layer=layer, geometry_types=POLYGON_TYPES,
                       preferred_layers=VILLAGE_LAYER_NAMES)
    _require_crs(gdf, source)
    found = [str(c) for c in gdf.columns if c != gdf.geometry.name]
    positions = _resolve_columns(found, BOUNDARY_ALIASES, mapping, source=source,
                                 option=BOUNDARIES_OPTION)
    _require(BOUNDARY_REQUIRED, positions, found, BOUNDARY_ALIASES, source=source,
             option=BOUNDARIES_OPTION)
    headers = {c: found[i] for c, i in positions.items()}
    attributes = gdf.drop(columns=gdf.geometry.name).reset_index(drop=True)
    columns = [c for c in (*VILLAGE_COLUMNS, *VILLAGE_OPTIONAL_COLUMNS) if c in positions]
    out = pd.DataFrame({c: attributes.iloc[:, positions[c]] for c in columns})
    out["code"], problems = _check_codes(out["code"], source, headers["code"])
    geometry, geometry_errors, notes = _check_geometries(gdf.reset_index(drop=True), source)
    problems += geometry_errors
    if problems:
        raise InputError(problems)
    for column in [c for c in columns if c not in ("code", "population")]:
        out[column] = _text_column(out[column])
    if "population" in out.columns:
        out["population"] = pd.to_numeric(out["population"], errors="coerce")
    result = gpd.GeoDataFrame(out, geometry=geometry.to_numpy(), crs=gdf.crs).to_crs("EPSG:4326")
    _derive_from_code(result)
    notes += _blank_names(result, headers, source)
    ordered = [c for c in (*VILLAGE_COLUMNS, *VILLAGE_OPTIONAL_COLUMNS) if c in result.columns]
    return result[[*ordered, "geometry"]], notes


# --- tables: CSV and Excel -------------------------------------------------------------


def _decode(raw: bytes) -> tuple[str, str]:
    """Decode a CSV file: UTF-16 with a BOM, UTF-8 (with or without BOM), else Latin-1."""
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return raw.decode("utf-16", errors="replace"), "utf-16"  # a cut file: half a char
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return raw.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    return raw.decode("latin-1"), "latin-1"


def _refuse_binary(raw: bytes, source: str, *, named: str = "a CSV table",
                   formats: str = TABLE_FORMATS, allowed: frozenset[str] = frozenset()) -> None:
    """Refuse a file whose first bytes show a workbook, picture or other binary not allowed."""
    kind = binary_kind(raw)
    if kind is not None and kind.suffix not in allowed:
        raise InputError(Problem(source, None, None, kind.suffix,
                                 f"the file is named as {named} but it is {kind.description}",
                                 f"give the file its real name ({kind.suffix}), or save the "
                                 f"data as {formats}"))
    head = raw[:4096]
    if not allowed and b"\x00" in head and not head.startswith((codecs.BOM_UTF16_LE,
                                                                codecs.BOM_UTF16_BE)):
        raise InputError(Problem(source, None, None, None,
                                 f"the file is named as {named} but it is not text",
                                 f"save the data as {formats}"))


def _csv_rows(text: str, delimiter: str) -> tuple[list[list[object]], list[int], int | None]:
    """
    Split CSV text into rows, each with the line number it starts on.

    The third value is the line where an unbalanced quote stopped the split (None when the
    whole text was split): the rows after it are missing.
    """
    reader = csv.reader(_stdio.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[list[object]] = []
    numbers = []
    previous_line = 0
    try:
        for record in reader:
            rows.append(list(record))
            numbers.append(previous_line + 1)
            previous_line = reader.line_num
    except csv.Error:
        return rows, numbers, previous_line + 1
    # a quote left open at the start of a cell swallows every line after it into that cell
    if text.count('"') % 2 and rows and any("\n" in str(cell) for cell in rows[-1]):
        return rows, numbers, numbers[-1]
    return rows, numbers, None


def _header_score(cells: Sequence[object], known: frozenset[str]) -> int:
    return sum(1 for cell in cells if cell_text(cell) and normalise_header(cell) in known)


def _find_header(rows: Sequence[Sequence[object]], known: frozenset[str]) -> int | None:
    """Return the index of the first row holding at least two known headers."""
    for index, cells in enumerate(rows[:MAX_TITLE_ROWS]):
        if _header_score(cells, known) >= MIN_HEADER_MATCHES:
            return index
    return None


def _read_csv_grid(path: Path, known: frozenset[str]) -> tuple[_Grid, int | None]:
    """Read a CSV file, choosing the delimiter whose header row matches best."""
    raw = path.read_bytes()
    _refuse_binary(raw, path.name)
    text, encoding = _decode(raw)
    best_score, best_delimiter, best_header = (0, 0), ",", None
    for delimiter in DELIMITERS:
        rows, _, _ = _csv_rows(text, delimiter)
        header = _find_header(rows, known)
        if header is None:
            continue
        score = (_header_score(rows[header], known), -header)
        if best_header is None or score > best_score:
            best_score, best_delimiter, best_header = score, delimiter, header
    rows, numbers, broken_at = _csv_rows(text, best_delimiter)
    if broken_at is not None and best_header is not None:
        raise InputError(Problem(
            path.name, broken_at, None, None,
            'a quote mark (") on this row opens a cell that is never closed, so this row and '
            "every row after it cannot be read",
            'remove the stray quote mark, or write a quote inside a cell twice ("")'))
    cut_off = bool(text) and not text.endswith(("\n", "\r"))
    return _Grid(rows, numbers, "", encoding=encoding, cut_off=cut_off), best_header


def _read_excel_grid(path: Path, known: frozenset[str], source: str) -> tuple[_Grid, int | None]:
    """Read the first sheet of a workbook that has a header row (else the first sheet)."""
    try:
        with warnings.catch_warnings(), path.open("rb") as handle:  # closed even if it fails
            warnings.filterwarnings("ignore", category=UserWarning, module="openpyxl")
            workbook = openpyxl.load_workbook(handle, read_only=False, data_only=True)
    # A damaged workbook fails in its zip (BadZipFile, zlib.error, EOFError; NotImplementedError
    # for an unknown compression, RuntimeError for an encryption flag), its XML (ParseError is
    # a SyntaxError) or openpyxl's reading of the XML (ValueError, KeyError, TypeError)
    except (InvalidFileException, zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError,
            RuntimeError, SyntaxError, ValueError, KeyError, TypeError, OSError) as err:
        raise InputError(Problem(source, None, None, None,
                                 f"the file cannot be read as an Excel workbook ({err})",
                                 f"save it as {TABLE_FORMATS}")) from err
    try:
        first: _Grid | None = None
        for sheet in workbook.worksheets:
            rows = [list(r) for r in sheet.iter_rows(min_row=1, min_col=1, values_only=True)]
            spans = sorted(sheet.merged_cells.ranges, key=lambda r: (r.min_row, r.min_col))
            merged = tuple((r.coord, r.min_row, r.max_row) for r in spans
                           if r.max_row > r.min_row or r.max_col > r.min_col)
            grid = _Grid(rows, list(range(1, len(rows) + 1)), f" (sheet '{sheet.title}')",
                         merged=merged)
            first = first or grid
            header = _find_header(rows, known)
            if header is not None:
                return grid, header
    finally:
        workbook.close()
    return first or _Grid([], [], ""), None


def _no_header(grid: _Grid, source: str, aliases: dict[str, tuple[str, ...]],
               option: str) -> InputError:
    """Build the error for a table in which no row looks like a header."""
    first = next((r for r in grid.rows if any(cell_text(c) for c in r)), [])
    shown = ", ".join(cell_text(c) or "" for c in first[:12]) or "(the file is empty)"
    expected = ", ".join(names[0] for names in aliases.values())
    return InputError(Problem(
        source + grid.where, None, None, None,
        f"no header row was found in the first {MAX_TITLE_ROWS} rows (the first row with "
        f"content reads: {shown})",
        f"put a header row with column names such as {expected}"
        + (f"; or map your headers with {option} canonical=YOUR_HEADER" if option else "")))


def _merged_header(grid: _Grid, header: int, source: str) -> None:
    """Refuse a header row with merged cells: a two-row header, or one name over columns."""
    number = grid.numbers[header]
    ranges = [coord for coord, first, last in grid.merged if first <= number <= last]
    if not ranges:
        return
    raise InputError(Problem(
        source + grid.where, number, None, ", ".join(ranges),
        f"the header row has merged cells ({', '.join(ranges)}): a header written over two "
        "rows, or one name over several columns, does not name each column",
        "unmerge the header cells and give every column its own name in one header row "
        "(e.g. 'Peserta PU' and 'Peserta BPU' instead of 'Peserta' over 'PU' and 'BPU'), "
        "then delete the second header row"))


def _read_notes(grid: _Grid, header: int, source: str) -> tuple[Problem, ...]:
    """Warnings on how the table was read: title rows skipped, a guessed encoding."""
    notes = []
    titles = [n for cells, n in zip(grid.rows[:header], grid.numbers[:header], strict=True)
              if any(cell_text(c) for c in cells)]
    if titles:
        notes.append(Problem(
            source + grid.where, grid.numbers[header], None, None,
            f"the header was found on row {grid.numbers[header]}; {describe_rows(titles)} "
            "above it were read as titles and skipped",
            "check that no data row was above the header", "warning"))
    if grid.encoding in ("cp1252", "latin-1"):
        notes.append(Problem(
            source, None, None, None,
            "the file is not UTF-8; it was read as Windows-1252 (Latin-1), as Excel on "
            "Windows saves CSV",
            "check that names with accents look right in the results; save as 'CSV UTF-8' "
            "to avoid any doubt", "warning"))
    return tuple(notes)


def _grid_frame(grid: _Grid, header: int, source: str) -> tuple[pd.DataFrame, list[str]]:
    """Return the rows under the header, blank rows dropped, indexed by the user's row."""
    names = [cell_text(c) or "" for c in grid.rows[header]]
    records, numbers, problems = [], [], []
    for cells, number in zip(grid.rows[header + 1:], grid.numbers[header + 1:], strict=True):
        if not any(cell_text(c) for c in cells):
            continue
        extra = [c for c in cells[len(names):] if cell_text(c)]
        if grid.cut_off and number == grid.numbers[-1] and len(cells) < len(names):
            problems.append(Problem(source + grid.where, number, names[len(cells) - 1] or None,
                                    cell_text(cells[-1]) if cells else None,
                                    f"the file ends in the middle of this row ({len(cells)} of "
                                    f"{len(names)} cells, no line break after it): it looks "
                                    "cut off",
                                    "copy or export the whole file again"))
        if extra:
            problems.append(Problem(source + grid.where, number, None, cell_text(extra[0]),
                                    f"the row has {len(cells)} cells but the header has "
                                    f"{len(names)}",
                                    "quote values that contain the separator (e.g. a decimal "
                                    "comma in a comma-separated file), or separate with ';'"))
        padded = [*cells[:len(names)], *[None] * (len(names) - len(cells))]
        records.append([str(c).strip() if isinstance(c, str) else c for c in padded])
        numbers.append(number)
    if len(records) > MAX_TABLE_ROWS:
        problems.append(Problem(source + grid.where, None, None, f"{len(records):,} rows",
                                f"the table has {len(records):,} data rows; a participation, "
                                f"office or stops table has at most one row per village "
                                f"(Indonesia has about 84,000; the limit is "
                                f"{MAX_TABLE_ROWS:,})",
                                "check that this is the right file, and give one row per "
                                "village or office"))
    if problems:
        raise InputError(problems)
    index = pd.Index(numbers, name="row", dtype="int64")
    frame = pd.DataFrame(records, index=index, columns=range(len(names)), dtype=object)
    return frame, names


def read_table(
    path: str | Path, aliases: dict[str, tuple[str, ...]], *,
    mapping: ColumnMapping | None = None, option: str = PARTICIPATION_OPTION,
    required: Sequence[Requirement] = (),
) -> InputTable:
    """
    Read a CSV or Excel table, find its header row and rename its columns.

    Parameters
    ----------
    path
        A ``.csv`` (comma-, semicolon- or tab-separated; UTF-8, UTF-8 with BOM, UTF-16
        or Latin-1/Windows-1252) or ``.xlsx`` file. Title rows above the header are
        skipped: the header is the first row with at least two known column names.
    aliases
        Canonical column name to the headers that mean it, e.g.
        :data:`~geo_outreach.inputs.schema.PARTICIPATION_ALIASES`.
    mapping
        The user's own headers for canonical columns; they count as known headers.
    option
        The command-line option to suggest in messages, e.g. ``--participation-columns``.
    required
        ``(label, columns)`` pairs: at least one of ``columns`` must be found.

    Returns
    -------
    InputTable
        The recognised columns only, indexed by the user's row numbers.

    Raises
    ------
    InputError
        Missing, empty or oversized file (:data:`MAX_TABLE_BYTES`, :data:`MAX_TABLE_ROWS`),
        unsupported format, a workbook or picture named ``.csv``, no header row, merged
        header cells, a required column missing (the message lists the file's columns),
        a mapping that names a column the file does not have, a row with more cells than
        the header, or a file cut off in its last row.
    """
    path = Path(path)
    source = path.name
    check_file(path, TABLE_FORMATS, max_bytes=MAX_TABLE_BYTES, what="a table")
    mapped = frozenset(normalise_header(h) for h in (mapping or ColumnMapping()).columns.values())
    known = frozenset(a for names in aliases.values() for a in names) | mapped
    suffix = path.suffix.lower()
    if suffix in EXCEL_SUFFIXES:
        grid, header = _read_excel_grid(path, known, source)
    elif suffix in CSV_SUFFIXES:
        grid, header = _read_csv_grid(path, known)
    else:
        hint = " (open it in Excel or LibreOffice and save as .xlsx)" if (
            suffix in OLD_SPREADSHEET_SUFFIXES) else ""
        raise InputError(Problem(source, None, None, suffix or path.name,
                                 f"this kind of file cannot be read as a table{hint}",
                                 f"give the table as {TABLE_FORMATS}"))
    if header is None:
        raise _no_header(grid, source, aliases, option)
    _merged_header(grid, header, source)
    frame, names = _grid_frame(grid, header, source)
    positions = _resolve_columns(names, aliases, mapping, source=source, option=option)
    _require(required, positions, names, aliases, source=source + grid.where, option=option)
    data = pd.DataFrame({c: frame[i] for c, i in positions.items()}, index=frame.index)
    return InputTable(data, source + grid.where, {c: names[i] for c, i in positions.items()},
                      _read_notes(grid, header, source))


def read_participation(path: str | Path, *, mapping: ColumnMapping | None = None) -> InputTable:
    """
    Read a participation table (one row per village).

    Parameters
    ----------
    path
        CSV or Excel file; see :func:`read_table`.
    mapping
        The user's headers for canonical columns (``--participation-columns``).

    Returns
    -------
    InputTable
        Columns among ``code``, ``name``, ``district``, ``regency``, ``labour_force``,
        ``employed``, ``participants``, ``pu``, ``bpu``, ``jakon``, ``pmi``; values as
        read. Numbers are checked by :func:`geo_outreach.inputs.validate.validate_participation`.

    Raises
    ------
    InputError
        The file cannot be read, or it lacks an identifier (``code`` or ``name``),
        participants (or the segments to add up) or a denominator (``labour_force`` or
        ``employed``).
    """
    return read_table(path, PARTICIPATION_ALIASES, mapping=mapping, option=PARTICIPATION_OPTION,
                      required=PARTICIPATION_REQUIRED)


def _office_points(path: Path, mapping: ColumnMapping | None) -> InputTable:
    """Read offices from a point layer: lat/lon come from the geometry, in EPSG:4326."""
    source = path.name
    gdf = _read_vector(path, layer=None, geometry_types=POINT_TYPES)
    _require_crs(gdf, source)
    found = [str(c) for c in gdf.columns if c != gdf.geometry.name]
    aliases = {c: a for c, a in OFFICE_ALIASES.items() if c not in ("lat", "lon")}
    if mapping is not None:  # lat and lon come from the points, whatever the mapping says
        mapping = ColumnMapping({c: h for c, h in mapping.columns.items() if c in aliases})
    positions = _resolve_columns(found, aliases, mapping, source=source, option=OFFICES_OPTION)
    _require(OFFICE_REQUIRED, [*positions, "lat", "lon"], found, OFFICE_ALIASES, source=source,
             option=OFFICES_OPTION)
    types = set(gdf.geometry.geom_type.dropna())
    if types - POINT_TYPES:
        raise InputError(Problem(source, None, None, ", ".join(sorted(types)),
                                 "the office file's shapes are not points",
                                 "give one point per office, or a table with lat and lon"))
    points = gdf.to_crs("EPSG:4326").geometry.reset_index(drop=True)
    single = points.representative_point().where(points.notna() & ~points.is_empty)
    index = pd.RangeIndex(1, len(gdf) + 1, name="row")
    attributes = gdf.drop(columns=gdf.geometry.name).reset_index(drop=True)
    data = pd.DataFrame({c: attributes.iloc[:, i].to_numpy(dtype=object)
                         for c, i in positions.items()}, index=index)
    data["lat"] = pd.Series(single.y.to_numpy(), index=index, dtype=object)
    data["lon"] = pd.Series(single.x.to_numpy(), index=index, dtype=object)
    headers = {c: found[i] for c, i in positions.items()}
    headers |= {"lat": LAT_LON_FROM_GEOMETRY, "lon": LAT_LON_FROM_GEOMETRY}
    return InputTable(data, source, headers)


def read_offices(path: str | Path, *, mapping: ColumnMapping | None = None) -> InputTable:
    """
    Read the office list: a CSV/Excel table with lat and lon, or a point layer.

    Parameters
    ----------
    path
        CSV or Excel (see :func:`read_table`) with ``name``, ``office_type`` (KC/KCP),
        ``lat``, ``lon`` and optionally ``office_id``, ``approximate``,
        ``location_note``, ``address``; or a GeoJSON/GeoPackage/Shapefile/GeoParquet of
        points with those attributes (lat/lon then come from the points, reprojected to
        EPSG:4326; rows are feature numbers).
    mapping
        The user's headers for canonical columns (``--office-columns``).

    Returns
    -------
    InputTable
        Values as read; checked by :func:`geo_outreach.inputs.validate.validate_offices`.

    Raises
    ------
    InputError
        The file cannot be read, or lacks ``lat``/``lon`` or both ``name`` and
        ``office_id``.
    """
    path = Path(path)
    if path.suffix.lower() in CSV_SUFFIXES | EXCEL_SUFFIXES | OLD_SPREADSHEET_SUFFIXES:
        return read_table(path, OFFICE_ALIASES, mapping=mapping, option=OFFICES_OPTION,
                          required=OFFICE_REQUIRED)
    return _office_points(path, mapping)
