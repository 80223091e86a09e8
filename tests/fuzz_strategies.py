"""
Hypothesis strategies for the fuzz tests: raw bytes, CSV text, workbooks, GeoJSON, mutations.

Every strategy builds what a user could hand the tool by mistake or by bad luck: a file
of the wrong kind, a table typed by hand with odd numbers and separators, a broken copy
of a good file, or shapes with impossible coordinates.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import math
import tempfile
import warnings
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import openpyxl
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from geo_outreach._errors import GeoOutreachError

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Sequence

MAGIC_PREFIXES = (
    b"",
    b"PK\x03\x04",  # zip: .xlsx, zipped shapefile
    b"PAR1",  # Parquet
    b"SQLite format 3\x00",  # GeoPackage
    b"\x00\x00\x27\x0a",  # shapefile main file
    b'{"type": "FeatureCollection", "features": [',
    b"<?xml version='1.0' encoding='UTF-8'?>\n<osm version='0.6'>",
    b'<?xml version="1.0"?><graphml xmlns="http://graphml.graphdrawing.org/xmlns">',
    b"\x00\x00\x00\x0dOSMHeader",  # start of an OSM PBF block
    codecs.BOM_UTF8,
    codecs.BOM_UTF16_LE,
)
"""File signatures, so random bytes get past the first check of each format's reader."""

ODD_CELLS = (
    "", " ", "NaN", "nan", "inf", "-inf", "Infinity", "#N/A", "#DIV/0!", "-", "null", "None",
    "ya", "tidak", "True", "false", "0", "-0", "1e308", "1e-308", "1e999", "3,4e10",
    "34.04.07.2003", "3404072003", "3404070003", "34.04.070.003", "'3404072003",
    "3404072003.0", "3.404072003E+09", "34.71", "1.234.567", "1,234,567", "1.234,5",
    "12,5", "-7,78", "110,38", "−7.78", "7.78 S", "110°22'", '"', '""', ",", ";", "\t",
    "\u00a0", "\u200b", "Kalurahan Caturtunggal", "Kota Yogyakarta", "DEMO",
)


def numbers_as_text() -> st.SearchStrategy[str]:
    """Numbers as people type them: plain, decimal comma, thousands dots, NaN, inf."""
    floats = st.floats(allow_nan=True, allow_infinity=True)
    whole = st.integers(-(10**15), 10**15)
    return st.one_of(
        whole.map(str),
        floats.map(str),
        floats.map(lambda x: str(x).replace(".", ",")),
        whole.map(lambda n: f"{n:,}".replace(",", ".")),
        whole.map(lambda n: f"{n:,}"),
        st.floats(-200, 200).map(lambda x: f"{x:.6f}"),
    )


def cells() -> st.SearchStrategy[str]:
    """Any cell text: numbers, odd values, unicode, very long strings, quotes, separators."""
    return st.one_of(
        numbers_as_text(),
        st.sampled_from(ODD_CELLS),
        st.text(max_size=12),
        st.text(alphabet=st.characters(codec="utf-8"), min_size=300, max_size=1500),
    )


def headers(aliases: dict[str, tuple[str, ...]]) -> st.SearchStrategy[list[str]]:
    """A header row: real aliases (as users write them) mixed with junk."""
    alias = st.sampled_from(sorted({a for names in aliases.values() for a in names}))
    written = st.one_of(alias, alias.map(str.upper), alias.map(lambda a: a.replace("_", " ")))
    return st.lists(st.one_of(written, written, st.text(max_size=10)), min_size=0, max_size=12)


def _written(alias: str) -> st.SearchStrategy[str]:
    """A header as users write it: as is, in capitals, with spaces, padded."""
    return st.sampled_from([alias, alias.upper(), alias.replace("_", " ").title(), f" {alias} "])


COUNT_TEXT = st.one_of(st.integers(0, 20_000).map(str),
                       st.integers(1000, 99_999).map(lambda n: f"{n:,}".replace(",", ".")))
"""Counts as typed: plain or with thousands dots."""

PLAUSIBLE: dict[str, st.SearchStrategy[str]] = {
    "lat": st.floats(-8.3, -7.4).map(lambda x: f"{x:.5f}"),
    "lon": st.floats(110.0, 110.9).map(lambda x: f"{x:.5f}"),
    "registered": st.sampled_from(["ya", "tidak", "1", "0", "yes", "no", "Ya", "2"]),
    "office_type": st.sampled_from(["KC", "KCP", "kcp", "unknown", "lainnya"]),
    "approximate": st.sampled_from(["ya", "tidak", "True", "False", "1"]),
    **{column: st.text("ABCK-0123456789", min_size=1, max_size=5)
       for column in ("id", "office_id", "stop_id")},
    **dict.fromkeys(("labour_force", "employed", "participants", "pu", "bpu", "jakon", "pmi",
                     "workers", "households", "population"), COUNT_TEXT),
}
"""Values that fit their column, so that fuzzed rows also pass the reader and reach the checks."""


@st.composite
def grid(draw: st.DrawFn, aliases: dict[str, tuple[str, ...]],
         known: dict[str, Sequence[str]] | None = None, core: Sequence[str] = ()
         ) -> list[list[str]]:
    """
    Rows of a table: optional title rows, a header row, then ragged data rows.

    The header names the ``core`` columns (each nine times in ten) and a few other
    canonical ones under one of their aliases, mixed with junk headers. Each cell holds
    a value that fits its column (``known`` values or :data:`PLAUSIBLE`) three times in
    four, else any cell.
    """
    fitting = {**PLAUSIBLE, **{c: st.sampled_from(list(v)) for c, v in (known or {}).items()}}
    chosen = [c for c in core if draw(st.integers(0, 9))]
    chosen += draw(st.lists(st.sampled_from(sorted(aliases)), max_size=4))
    columns: list[tuple[str | None, str]] = [
        (c, draw(st.sampled_from(aliases[c]).flatmap(_written))) for c in chosen]
    columns += [(None, draw(st.text(max_size=10))) for _ in range(draw(st.integers(0, 2)))]
    columns = draw(st.permutations(columns))
    titles = draw(st.lists(st.lists(cells(), max_size=3), max_size=2))

    def cell(column: str | None) -> st.SearchStrategy[str]:
        if column in fitting:
            return st.one_of(fitting[column], fitting[column], fitting[column], cells())
        return cells()

    rows = []
    for _ in range(draw(st.integers(0, 8))):
        row = [draw(cell(column)) for column, _ in columns]
        cut = draw(st.sampled_from([0] * 12 + [-2, -1, 1, 2]))  # now and then a ragged row
        rows.append(row[:len(row) + cut] if cut < 0 else row + [draw(cells())
                                                                 for _ in range(cut)])
    return [*titles, [header for _, header in columns], *rows]


ENCODINGS = ("utf-8", "utf-8-sig", "latin-1", "cp1252", "utf-16", "utf-16-le")


@st.composite
def csv_bytes(draw: st.DrawFn, aliases: dict[str, tuple[str, ...]],
              known: dict[str, Sequence[str]] | None = None, core: Sequence[str] = ()) -> bytes:
    """A CSV file from :func:`grid`: any delimiter, quoting, line ending and encoding."""
    rows = draw(grid(aliases, known, core))
    delimiter = draw(st.sampled_from([",", ";", "\t", "|"]))
    ending = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    if draw(st.integers(0, 3)):
        buffer = io.StringIO()
        quoting = draw(st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL]))
        csv.writer(buffer, delimiter=delimiter, lineterminator=ending,
                   quoting=quoting).writerows(rows)
        text = buffer.getvalue()
    else:  # typed by hand: no quoting at all
        text = ending.join(delimiter.join(r) for r in rows)
    encoding = draw(st.sampled_from(ENCODINGS))
    return text.encode(encoding, errors="replace")


_EXCEL_TEXT = st.text(alphabet=st.characters(codec="utf-8", min_codepoint=0x20), max_size=40)


def excel_values() -> st.SearchStrategy[object]:
    """Cell values openpyxl can store: text, numbers incl. huge ones, booleans, blanks."""
    return st.one_of(
        st.none(), st.booleans(), st.integers(-(10**18), 10**18),
        st.floats(allow_nan=False, allow_infinity=False),
        _EXCEL_TEXT, numbers_as_text(), st.sampled_from(ODD_CELLS),
    )


@st.composite
def xlsx_bytes(draw: st.DrawFn, aliases: dict[str, tuple[str, ...]],
               known: dict[str, Sequence[str]] | None = None, core: Sequence[str] = ()
               ) -> bytes:
    """An Excel workbook of one to three sheets: :func:`grid` rows, some cells typed values."""
    workbook = openpyxl.Workbook()
    for index in range(draw(st.integers(1, 3))):
        sheet = workbook.active if index == 0 else workbook.create_sheet()
        for row in draw(grid(aliases, known, core)):
            values = [draw(st.one_of(st.just(v), excel_values())) for v in row]
            sheet.append([ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v
                          for v in values])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def arbitrary_bytes() -> st.SearchStrategy[bytes]:
    """Random bytes, often behind a real file signature."""
    return st.builds(lambda magic, rest: magic + rest, st.sampled_from(MAGIC_PREFIXES),
                     st.binary(max_size=600))


@st.composite
def mutated(draw: st.DrawFn, original: bytes) -> bytes:
    """A damaged copy of ``original``: some bytes flipped, then maybe truncated."""
    data = bytearray(original)
    for _ in range(draw(st.integers(0, 6))):
        position = draw(st.integers(0, len(data) - 1))
        data[position] ^= draw(st.integers(1, 255))
    if draw(st.booleans()):
        data = data[:draw(st.integers(0, len(data)))]
    return bytes(data)


# --- GeoJSON ---------------------------------------------------------------------------

_COORDINATE = st.one_of(
    st.floats(-180, 180), st.floats(-90, 90),
    st.sampled_from([math.nan, math.inf, -math.inf, 1e308, -1e308, 0.0]),
    st.floats(allow_nan=True, allow_infinity=True),
)
_POSITION = st.lists(_COORDINATE, min_size=0, max_size=4)
_NEAR_YOGYAKARTA = st.tuples(st.floats(110.0, 110.8), st.floats(-8.2, -7.5)).map(list)


def _ring(position: st.SearchStrategy[list[float]]) -> st.SearchStrategy[list[list[float]]]:
    return st.lists(position, min_size=0, max_size=6).map(
        lambda points: [*points, points[0]] if points and len(points) % 2 else points)


def _geometry(kind: str, coordinates: st.SearchStrategy[object]
              ) -> st.SearchStrategy[dict[str, object]]:
    return st.builds(lambda c: {"type": kind, "coordinates": c}, coordinates)


def geometries() -> st.SearchStrategy[dict[str, object] | None]:
    """GeoJSON geometries of every type, with sane, empty or impossible coordinates."""
    position = st.one_of(_NEAR_YOGYAKARTA, _POSITION)
    rings = st.lists(_ring(position), min_size=0, max_size=2)
    kinds = st.one_of(
        _geometry("Point", position),
        _geometry("MultiPoint", st.lists(position, max_size=4)),
        _geometry("LineString", st.lists(position, max_size=5)),
        _geometry("MultiLineString", st.lists(st.lists(position, max_size=4), max_size=3)),
        _geometry("Polygon", rings),
        _geometry("MultiPolygon", st.lists(rings, max_size=2)),
        st.sampled_from([{"type": "Polygon"}, {"type": "Circle", "coordinates": [1, 2]},
                         {"type": "Point", "coordinates": "110.4,-7.8"}]),
    )
    collection = st.builds(lambda g: {"type": "GeometryCollection", "geometries": g},
                           st.lists(kinds, max_size=2))
    return st.one_of(st.none(), kinds, collection)


def property_values() -> st.SearchStrategy[object]:
    """Attribute values of any JSON type."""
    return st.one_of(st.none(), st.booleans(), st.integers(-(10**20), 10**20),
                     st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=15),
                     st.sampled_from(ODD_CELLS),
                     st.lists(st.integers(), max_size=2))


@st.composite
def geojson_bytes(draw: st.DrawFn, aliases: dict[str, tuple[str, ...]],
                  known: dict[str, Sequence[str]] | None = None) -> bytes:
    """
    A FeatureCollection with alias-named properties and random geometries.

    A property named after a ``known`` column holds one of its values half the time.
    """
    names = draw(headers(aliases))
    fitting = {alias: st.sampled_from(list(values)) for column, values in (known or {}).items()
               for alias in aliases.get(column, ())}

    def value(name: str) -> st.SearchStrategy[object]:
        key = name.strip().lower().replace(" ", "_")
        return st.one_of(fitting[key], property_values()) if key in fitting else (
            property_values())

    features = [
        {"type": "Feature",
         "properties": {name: draw(value(name)) for name in names},
         "geometry": draw(geometries())}
        for _ in range(draw(st.integers(0, 5)))
    ]
    collection: dict[str, object] = {"type": "FeatureCollection", "features": features}
    crs = draw(st.sampled_from([None, "EPSG:4326", "EPSG:32749", "EPSG:999999", "nonsense"]))
    if crs is not None:
        collection["crs"] = {"type": "name", "properties": {"name": crs}}
    return json.dumps(collection, allow_nan=True).encode()


# --- running a reader ------------------------------------------------------------------


@contextmanager
def written(data: bytes, name: str) -> Iterator[Path]:
    """Write ``data`` to a fresh file called ``name`` and yield its path."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        yield path


def read_all(read: Callable[[Path], object], path: Path) -> object:
    """Run a reader; a generator result is consumed, since its reading happens then."""
    result = read(path)
    return list(result) if hasattr(result, "__next__") else result  # type: ignore[call-overload]


def only_own_errors(read: Callable[[Path], object], path: Path) -> object:
    """
    Run a reader, letting through only the project's own errors (which are fine).

    Warnings are reports to the user, not failures, so they are silenced here.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return read_all(read, path)
        except GeoOutreachError:
            return None


# --- GeoParquet metadata ---------------------------------------------------------------

_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda children: st.lists(children, max_size=3)
    | st.dictionaries(st.text(max_size=8), children, max_size=3),
    max_leaves=8,
)


def geo_metadata() -> st.SearchStrategy[bytes]:
    """The ``geo`` metadata of a GeoParquet file: right in shape, wrong in detail, or junk."""
    column = st.fixed_dictionaries({}, optional={
        "encoding": st.sampled_from(["WKB", "wkb", "point", "geoarrow.point"]) | _JSON,
        "crs": st.sampled_from([None, "EPSG:4326", "OGC:CRS84", "nonsense"]) | _JSON,
        "geometry_types": st.lists(st.sampled_from(["Point", "Polygon", "Nothing"])) | _JSON,
        "bbox": st.lists(st.floats(allow_nan=False), max_size=4) | _JSON,
    })
    geo = st.fixed_dictionaries({}, optional={
        "version": st.sampled_from(["1.0.0", "0.4.0", "9"]) | _JSON,
        "primary_column": st.sampled_from(["geometry", "missing", ""]) | _JSON,
        "columns": st.dictionaries(st.sampled_from(["geometry", "missing"]), column | _JSON,
                                   max_size=2) | _JSON,
    })
    return st.one_of(geo, _JSON).map(lambda value: json.dumps(value).encode()) | st.binary(
        max_size=30)
