"""
Read household points in chunks: CSV, Parquet/GeoParquet or GeoPackage.

Only the columns the analysis needs (id, coordinates, workers, registered) are read, so
names, NIK and other personal fields in a register never enter the analysis. Files are
streamed ``chunk_rows`` rows at a time, so a file larger than memory can be classified.
"""

from __future__ import annotations

import json
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Final, TypeVar

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pyogrio
import shapely
from pyogrio.errors import DataLayerError, DataSourceError
from pyproj import CRS, Transformer
from pyproj.exceptions import CRSError
from shapely.errors import GEOSException

from geo_outreach._errors import GeoOutreachError, InputError, Measure, Problem
from geo_outreach.inputs.columns import require, resolve_columns
from geo_outreach.inputs.file_checks import check_file, scan_text_lines
from geo_outreach.inputs.schema import HOUSEHOLD_ALIASES
from geo_outreach.inputs.wording import HOUSEHOLDS_OPTION, part

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    from geo_outreach.config import ColumnMapping

HOUSEHOLD_FORMATS: Final = part("formats.households",
                                "CSV (.csv), Parquet or GeoParquet (.parquet), GeoPackage (.gpkg)")
THE_HOUSEHOLD_POINTS: Final = part("what.households", "the household points")
A_HOUSEHOLD_CSV: Final = part("named.household_csv", "a household CSV file")
A_GEOPACKAGE: Final = part("reading.geopackage", "a GeoPackage")
OPTION: Final = HOUSEHOLDS_OPTION
DEFAULT_CHUNK_ROWS: Final = 125_000
MAX_HEADER_BYTES: Final = 1024 * 1024
"""A CSV header line longer than this (1 MB) means the file is not a CSV table; so does any
line of it (checked block by block before pandas reads it: a parser holds a whole line)."""

_REQUIRED_WITH_GEOMETRY = (
    (part("requirement.household_id", "the household id"), ("id",)),
    (part("requirement.registered", "the registered workers (a count, or a yes/no flag)"),
     ("registered",)))
_REQUIRED = (*_REQUIRED_WITH_GEOMETRY,
             (part("requirement.household_lat", "the latitude (or a geometry)"), ("lat",)),
             (part("requirement.household_lon", "the longitude (or a geometry)"), ("lon",)))


@dataclass(frozen=True)
class HouseholdChunk:
    """
    One chunk of household rows, with canonical columns as plain arrays.

    Attributes
    ----------
    rows
        The row number the user sees (CSV: header is row 1; GeoPackage/Parquet: the
        feature number, from 1).
    ids
        The household ids as text.
    lat, lon
        Coordinates in degrees (NaN where missing or not a number).
    workers, registered
        The values as read (text or numbers); see :mod:`geo_outreach.analysis.households`.
    """

    rows: np.ndarray
    ids: pd.Series
    lat: np.ndarray
    lon: np.ndarray
    workers: pd.Series | None
    registered: pd.Series | None


_Item = TypeVar("_Item")

_READ_ERRORS = (DataSourceError, DataLayerError, pa.ArrowException, OSError, ValueError,
                CRSError, GEOSException)
"""What pyogrio, pyarrow (ArrowInvalid is a ValueError) and pyproj raise on a damaged file."""


@contextmanager
def _reading(source: str, kind: str) -> Iterator[None]:
    """Turn a reading library's error on a damaged or mislabelled file into an InputError."""
    try:
        yield
    except GeoOutreachError:
        raise  # already says what is wrong (InputError is a ValueError too)
    except _READ_ERRORS as err:
        raise InputError(Problem(source, None, None, None,
                                 f"the file cannot be read as {kind} ({err})",
                                 "the file may be cut off or mislabelled: export it again "
                                 f"as one of: {HOUSEHOLD_FORMATS}", key="households.unreadable",
                                 args={"kind": kind, "error": str(err),
                                       "formats": HOUSEHOLD_FORMATS})) from err


def _read_each(items: Iterable[_Item], source: str, kind: str) -> Iterator[_Item]:
    """Iterate a library's reader, turning its errors on a damaged file into an InputError."""
    iterator = iter(items)
    while True:
        with _reading(source, kind):
            item = next(iterator, None)
        if item is None:
            return
        yield item


def _columns(found: list[str], mapping: ColumnMapping | None, source: str,
             *, has_geometry: bool) -> dict[str, str]:
    positions = resolve_columns(found, HOUSEHOLD_ALIASES, mapping, source=source, option=OPTION)
    headers = {canonical: found[i] for canonical, i in positions.items()}
    require(_REQUIRED_WITH_GEOMETRY if has_geometry else _REQUIRED, positions, found,
            HOUSEHOLD_ALIASES, source=source, option=OPTION, headers=headers)
    return headers


def _numeric(values: pd.Series | np.ndarray) -> np.ndarray:
    """Coordinates as floats; a decimal comma (``-7,78``, as Indonesian Excel writes) is read."""
    series = pd.Series(values)
    if not pd.api.types.is_numeric_dtype(series):
        series = series.astype("string").str.replace(",", ".", regex=False)
    return pd.to_numeric(series, errors="coerce").to_numpy(dtype="float64")


def _header_line(path: Path) -> str:
    """Return the first line of a CSV file, refusing one too long to be a header."""
    with path.open("rb") as handle:
        line = handle.readline(MAX_HEADER_BYTES)
    if len(line) >= MAX_HEADER_BYTES and not line.endswith(b"\n"):
        raise InputError(Problem(path.name, 1, None, None,
                                 f"the first line is longer than {MAX_HEADER_BYTES // 1024:,} KB "
                                 "without a line break, so it is not the header of a CSV table",
                                 f"check that this is the household file; save it as "
                                 f"{HOUSEHOLD_FORMATS}", key="households.header_too_long",
                                 args={"size": Measure(MAX_HEADER_BYTES // 1024),
                                       "formats": HOUSEHOLD_FORMATS}))
    return line.decode("utf-8-sig", errors="replace").rstrip("\r\n")


def _chunk(frame: pd.DataFrame, headers: dict[str, str], first_row: int,
           lat: np.ndarray | None = None, lon: np.ndarray | None = None) -> HouseholdChunk:
    ids = frame[headers["id"]].astype("string").str.strip()
    return HouseholdChunk(
        rows=np.arange(first_row, first_row + len(frame), dtype=np.int64),
        ids=ids.reset_index(drop=True),
        lat=_numeric(frame[headers["lat"]]) if lat is None else lat,
        lon=_numeric(frame[headers["lon"]]) if lon is None else lon,
        workers=frame[headers["workers"]].reset_index(drop=True) if "workers" in headers
        else None,
        registered=frame[headers["registered"]].reset_index(drop=True)
        if "registered" in headers else None,
    )


_CSV_OPTIONS: Final = {"encoding": "utf-8-sig", "encoding_errors": "replace"}


def _csv_header(path: Path) -> tuple[str, list[str]]:
    """Return a CSV file's delimiter and its headers exactly as pandas names the columns."""
    first_line = _header_line(path)
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    with _reading(path.name, "CSV"):
        names = pd.read_csv(path, sep=delimiter, nrows=0, **_CSV_OPTIONS).columns
    return delimiter, [str(name) for name in names]


def _csv_chunks(path: Path, mapping: ColumnMapping | None, chunk_rows: int
                ) -> Iterator[HouseholdChunk]:
    source = path.name
    scan_text_lines(path, max_line_bytes=MAX_HEADER_BYTES, formats=HOUSEHOLD_FORMATS,
                    named=A_HOUSEHOLD_CSV)
    delimiter, names = _csv_header(path)
    found = [name.strip() for name in names]  # " workers " is the workers column
    headers = {canonical: names[found.index(header)] for canonical, header in
               _columns(found, mapping, source, has_geometry=False).items()}
    first_row = 2
    with pd.read_csv(path, sep=delimiter, usecols=list(headers.values()),
                     dtype={headers["id"]: str}, chunksize=chunk_rows, keep_default_na=False,
                     na_values=[""], **_CSV_OPTIONS) as reader:
        for frame in _read_each(reader, source, "CSV"):
            yield _chunk(frame, headers, first_row)
            first_row += len(frame)


def _geoparquet_crs(metadata: dict[bytes, bytes] | None, names: list[str], source: str
                    ) -> tuple[str | None, CRS | None]:
    """Return the primary geometry column (one of ``names``) and its CRS from GeoParquet."""
    if not metadata or b"geo" not in metadata:
        return None, None
    geo = json.loads(metadata[b"geo"])
    column = geo.get("primary_column") if isinstance(geo, dict) else None
    columns = geo.get("columns") if isinstance(geo, dict) else None
    if not (isinstance(column, str) and column in names and isinstance(columns, dict)
            and isinstance(columns.get(column), dict)):
        raise InputError(Problem(source, None, None, None, "the file's GeoParquet metadata "
                                 "does not describe its geometry column",
                                 f"export it again as one of: {HOUSEHOLD_FORMATS}",
                                 key="households.geoparquet_metadata",
                                 args={"formats": HOUSEHOLD_FORMATS}))
    crs = columns[column].get("crs", "OGC:CRS84")
    return column, CRS.from_user_input(crs) if crs is not None else CRS("OGC:CRS84")


def _parquet_chunks(path: Path, mapping: ColumnMapping | None, chunk_rows: int
                    ) -> Iterator[HouseholdChunk]:
    source = path.name
    with _reading(source, "Parquet"):
        # pre_buffer (pyarrow's default) keeps every read range buffered until the file is
        # closed: memory grew by 2.6 MB per 125,000 rows, 1.3 GB at 50 million
        parquet = pq.ParquetFile(path, pre_buffer=False)
        geometry, crs = _geoparquet_crs(parquet.schema_arrow.metadata,
                                        parquet.schema_arrow.names, source)
    found = [n for n in parquet.schema_arrow.names if n != geometry]
    positions = resolve_columns(found, HOUSEHOLD_ALIASES, mapping, source=source, option=OPTION)
    use_geometry = geometry is not None and not {"lat", "lon"} <= set(positions)
    headers = _columns(found, mapping, source, has_geometry=use_geometry)
    columns = list(headers.values()) + ([geometry] if use_geometry else [])
    to_wgs84 = (Transformer.from_crs(crs, "EPSG:4326", always_xy=True)
                if use_geometry and crs is not None and not crs.equals(CRS("OGC:CRS84")) else None)
    first_row = 1
    batches = parquet.iter_batches(batch_size=chunk_rows, columns=columns)
    for batch in _read_each(batches, source, "Parquet"):
        with _reading(source, "Parquet"):  # Arrow checks text (UTF-8) only when it is used
            chunk = _batch_chunk(batch, headers, first_row,
                                 geometry if use_geometry else None, to_wgs84)
        yield chunk
        first_row += batch.num_rows


def _batch_chunk(batch: pa.RecordBatch, headers: dict[str, str], first_row: int,
                 geometry: str | None, to_wgs84: Transformer | None) -> HouseholdChunk:
    """Turn a Parquet batch into a chunk; points come from ``geometry`` when given."""
    if geometry is not None:
        x, y = _xy_from_wkb(batch.column(geometry).to_numpy(zero_copy_only=False))
        if to_wgs84 is not None:
            x, y = to_wgs84.transform(x, y)
        lon, lat = np.asarray(x, dtype="float64"), np.asarray(y, dtype="float64")
    else:
        lat, lon = (_arrow_numbers(batch.column(headers[c])) for c in ("lat", "lon"))
    return HouseholdChunk(
        rows=np.arange(first_row, first_row + batch.num_rows, dtype=np.int64),
        ids=pd.Series(pd.arrays.ArrowStringArray(pc.utf8_trim_whitespace(
            pc.cast(batch.column(headers["id"]), pa.large_string())))),
        lat=lat, lon=lon,
        workers=(batch.column(headers["workers"]).to_pandas() if "workers" in headers
                 else None),
        registered=batch.column(headers["registered"]).to_pandas())


def _arrow_numbers(column: pa.Array) -> np.ndarray:
    """Numbers from an Arrow column: floats as they are, text parsed (NaN if not a number)."""
    if pa.types.is_integer(column.type) or pa.types.is_floating(column.type):
        return pc.cast(column, pa.float64()).to_numpy(zero_copy_only=False)
    return _numeric(column.to_pandas())


def _xy_from_wkb(wkb: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Coordinates of point geometries (NaN for missing, empty or non-point ones)."""
    geometries = shapely.from_wkb(wkb, on_invalid="ignore")
    is_point = shapely.get_type_id(geometries) == 0
    x = np.full(len(geometries), np.nan)
    y = np.full(len(geometries), np.nan)
    points = geometries[is_point]
    x[is_point] = shapely.get_x(points)
    y[is_point] = shapely.get_y(points)
    return x, y


def _gpkg_chunks(path: Path, mapping: ColumnMapping | None, chunk_rows: int
                 ) -> Iterator[HouseholdChunk]:
    source = path.name
    with _reading(source, A_GEOPACKAGE):
        info = pyogrio.read_info(path)
    found = [str(f) for f in info["fields"]]
    has_geometry = info["geometry_type"] is not None
    positions = resolve_columns(found, HOUSEHOLD_ALIASES, mapping, source=source, option=OPTION)
    use_geometry = has_geometry and not {"lat", "lon"} <= set(positions)
    headers = _columns(found, mapping, source, has_geometry=use_geometry)
    if use_geometry and info["crs"] is None:
        raise InputError(Problem(source, None, None, None, "the file has no coordinate "
                                 "reference system (CRS)", "set it, e.g. ogr2ogr -a_srs "
                                 "EPSG:4326, or in QGIS: Layer > Set CRS",
                                 key="households.no_crs"))
    with _reading(source, A_GEOPACKAGE):
        to_wgs84 = (Transformer.from_crs(info["crs"], "EPSG:4326", always_xy=True)
                    if use_geometry else None)
    total = int(info["features"])
    for start in range(0, total, chunk_rows):
        with _reading(source, A_GEOPACKAGE):
            frame = pyogrio.read_dataframe(path, columns=list(headers.values()),
                                           skip_features=start, max_features=chunk_rows,
                                           read_geometry=use_geometry)
        lat = lon = None
        if use_geometry and to_wgs84 is not None:
            x, y = _xy_from_wkb(shapely.to_wkb(frame.geometry.to_numpy()))
            lon, lat = (np.asarray(v, dtype="float64") for v in to_wgs84.transform(x, y))
        yield _chunk(pd.DataFrame(frame), headers, start + 1, lat=lat, lon=lon)


def household_headers(path: str | Path, mapping: ColumnMapping | None = None) -> dict[str, str]:
    """
    Find the household columns of a CSV or Parquet file without reading its rows.

    Parameters
    ----------
    path
        The file.
    mapping
        The user's own headers.

    Returns
    -------
    dict
        Canonical name to the file's header, for the columns present.
    """
    path = Path(path)
    if path.suffix.lower() in {".parquet", ".geoparquet"}:
        with _reading(path.name, "Parquet"):
            found = list(pq.ParquetFile(path).schema_arrow.names)
    else:
        found = [name.strip() for name in _csv_header(path)[1]]
    positions = resolve_columns(found, HOUSEHOLD_ALIASES, mapping, source=path.name,
                                option=OPTION)
    return {canonical: found[i] for canonical, i in positions.items()}


def read_household_chunks(
    path: str | Path,
    *,
    mapping: ColumnMapping | None = None,
    chunk_rows: int = DEFAULT_CHUNK_ROWS,
) -> Iterator[HouseholdChunk]:
    """
    Stream a household file in chunks of canonical columns.

    Parameters
    ----------
    path
        A CSV, Parquet/GeoParquet or GeoPackage file with one row per household:
        ``id``, ``lat`` and ``lon`` (or a point geometry), optionally ``workers`` (default
        1) and ``registered`` (a count, or a yes/no flag).
    mapping
        The user's own headers, e.g. ``id=NO_KK,workers=ART_BEKERJA``.
    chunk_rows
        Rows per chunk; memory use grows with it.

    Yields
    ------
    HouseholdChunk
        The next rows.

    Raises
    ------
    InputError
        Missing or empty file, unknown format, a file that is not what its name says,
        or a required column not found.
    """
    path = Path(path)
    check_file(path, HOUSEHOLD_FORMATS, what=THE_HOUSEHOLD_POINTS)
    suffix = path.suffix.lower()
    readers = {".csv": _csv_chunks, ".txt": _csv_chunks, ".parquet": _parquet_chunks,
               ".geoparquet": _parquet_chunks, ".gpkg": _gpkg_chunks}
    if suffix not in readers:
        raise InputError(Problem(path.name, None, None, suffix or "(no extension)",
                                 "this household file format is not supported",
                                 f"save it as one of: {HOUSEHOLD_FORMATS}",
                                 key="households.unknown_format",
                                 args={"formats": HOUSEHOLD_FORMATS}))
    return readers[suffix](path, mapping, chunk_rows)
