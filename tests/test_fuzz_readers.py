"""
Fuzz every reader: whatever file a user gives, only the project's own errors come out.

Each test hands a reader files it may meet in practice or by accident: random bytes
behind each format's signature, tables typed by hand, random workbooks, damaged copies of
the bundled and example files, and GeoJSON with impossible shapes. The property is the
same everywhere: the reader returns, or raises a
:class:`~geo_outreach._errors.GeoOutreachError` (a message for the user), never another
exception (a traceback). The settings profile is registered in ``tests/conftest.py``.
"""

from __future__ import annotations

import functools
import io
import json
import math
import tempfile
import warnings
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import shapely
from hypothesis import example, given, settings
from hypothesis import strategies as st

from geo_outreach._errors import InputError
from geo_outreach.field import stop_files
from geo_outreach.inputs import boundaries, bundled, prepare
from geo_outreach.inputs import household_files as household_io
from geo_outreach.inputs import readers as geo_io
from geo_outreach.inputs.schema import (
    BOUNDARY_ALIASES,
    HOUSEHOLD_ALIASES,
    OFFICE_ALIASES,
    PARTICIPATION_ALIASES,
)
from geo_outreach.roads import networks as roads
from tests.fuzz_strategies import (
    arbitrary_bytes,
    csv_bytes,
    geo_metadata,
    geojson_bytes,
    mutated,
    only_own_errors,
    read_all,
    written,
    xlsx_bytes,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

REPOSITORY = Path(__file__).resolve().parents[1]
EXAMPLES = REPOSITORY / "examples"
ROAD_DATA = Path(__file__).parent / "data" / "roads"

STOP_ALIASES = {name: (name,) for name in ("stop_id", "label", "village", "district",
                                           "households", "lat", "lon")}
"""The stops CSV has fixed headers."""


@functools.cache
def _demo_rows() -> pd.DataFrame:
    return pd.read_csv(bundled.DEMO_PARTICIPATION, dtype=str).head(40)


def _known_values() -> dict[str, list[str]]:
    """Real codes and names, so fuzzed rows also reach the matcher and the checks."""
    rows = _demo_rows()
    return {"code": [*rows["kode_wilayah"], "3404072003", "3404070003", "34.04.07"],
            "name": [*rows["kalurahan"], "Kalurahan Sendangsari", "Jumlah"],
            "district": [*rows["kapanewon"], "Kec. Depok", "Gondokusuman"],
            "regency": [*rows["kabupaten"], "Kab. Sleman", "Jogja"]}


PARTICIPATION_CORE = ("code", "name", "district", "regency", "labour_force", "participants")
OFFICE_CORE = ("office_id", "name", "office_type", "lat", "lon")
HOUSEHOLD_CORE = ("id", "lat", "lon", "workers", "registered")
STOP_CORE = ("stop_id", "label", "village", "households", "lat", "lon")


def _participation_csv() -> st.SearchStrategy[bytes]:
    return st.deferred(lambda: csv_bytes(PARTICIPATION_ALIASES, _known_values(),
                                         PARTICIPATION_CORE))


@functools.cache
def _small_villages() -> gpd.GeoDataFrame:
    """The five bundled kelurahan of Gondokusuman, as a user's boundary layer."""
    return gpd.read_file(bundled.BOUNDARIES_GPKG, layer=bundled.VILLAGES_LAYER,
                         where="district = 'Gondokusuman'")


@functools.cache
def _vector_file(suffix: str) -> bytes:
    """The small village layer saved as ``suffix`` (a zip holds a shapefile)."""
    villages = _small_villages()
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        if suffix == ".parquet":
            villages.to_parquet(base / "v.parquet")
        elif suffix == ".zip":
            with warnings.catch_warnings():  # long column names are cut to 10 characters
                warnings.simplefilter("ignore")
                villages.to_file(base / "v.shp")
            with zipfile.ZipFile(base / "v.zip", "w") as archive:
                for part in base.glob("v.*"):
                    if part.suffix != ".zip":
                        archive.write(part, part.name)
        else:
            villages.to_file(base / f"v{suffix}")
        return (base / f"v{suffix}").read_bytes()


@functools.cache
def _household_file(suffix: str) -> bytes:
    """The first rows of the example household file as ``suffix``."""
    head = (EXAMPLES / "rumah_tangga_contoh.csv").read_bytes()[:2000]
    if suffix == ".csv":
        return head
    table = pd.read_csv(io.BytesIO(head)).iloc[:-1]
    points = gpd.GeoDataFrame(table, geometry=gpd.points_from_xy(table["bujur"],
                                                                 table["lintang"]),
                              crs="EPSG:4326")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"h{suffix}"
        if suffix == ".parquet":
            points.to_parquet(path)
        else:
            points.to_file(path)
        return path.read_bytes()


_TRIANGLE = {"type": "Polygon", "coordinates": [[[110.3, -7.8], [110.4, -7.8], [110.4, -7.7],
                                                [110.3, -7.8]]]}


def _feature_collection(geometry: dict[str, object], crs: str | None = None,
                        properties: dict[str, object] | None = None) -> bytes:
    properties = properties or {"code": "34.71.03.1001"}
    collection: dict[str, object] = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": properties, "geometry": geometry}]}
    if crs is not None:
        collection["crs"] = {"type": "name", "properties": {"name": crs}}
    return json.dumps(collection).encode()



# --- boundaries ------------------------------------------------------------------------

VECTOR_SUFFIXES = (".gpkg", ".geojson", ".json", ".zip", ".parquet", ".shp", ".kml", ".fgb")


@given(data=arbitrary_bytes(), suffix=st.sampled_from(VECTOR_SUFFIXES))
def test_boundaries_from_arbitrary_bytes(data: bytes, suffix: str) -> None:
    with written(data, f"desa{suffix}") as path:
        only_own_errors(boundaries.load_boundaries, path)


@given(data=st.deferred(lambda: geojson_bytes(BOUNDARY_ALIASES, _known_values())))
@example(data=_feature_collection(_TRIANGLE, properties={  # a list once crashed is_blank
    "code": [], "name": "A", "district": "B", "regency": "C"}))
def test_boundaries_from_random_geojson(data: bytes) -> None:
    with written(data, "desa.geojson") as path:
        only_own_errors(boundaries.load_boundaries, path)


@given(suffix_and_data=st.sampled_from((".gpkg", ".geojson", ".zip", ".parquet")).flatmap(
    lambda suffix: st.tuples(st.just(suffix), mutated(_vector_file(suffix)))))
def test_boundaries_from_damaged_files(suffix_and_data: tuple[str, bytes]) -> None:
    suffix, data = suffix_and_data
    with written(data, f"desa{suffix}") as path:
        only_own_errors(boundaries.load_boundaries, path)


# --- participation and offices tables --------------------------------------------------

TABLE_SUFFIXES = (".csv", ".txt", ".tsv", ".xlsx", ".xlsm", ".xls")


@given(data=arbitrary_bytes(), suffix=st.sampled_from(TABLE_SUFFIXES))
def test_participation_from_arbitrary_bytes(data: bytes, suffix: str) -> None:
    with written(data, f"peserta{suffix}") as path:
        only_own_errors(geo_io.read_participation, path)


@given(data=_participation_csv())
def test_participation_from_typed_csv(data: bytes) -> None:
    with written(data, "peserta.csv") as path:
        only_own_errors(geo_io.read_participation, path)


@given(data=st.deferred(lambda: xlsx_bytes(PARTICIPATION_ALIASES, _known_values(),
                                           PARTICIPATION_CORE)))
def test_participation_from_random_workbooks(data: bytes) -> None:
    with written(data, "peserta.xlsx") as path:
        only_own_errors(geo_io.read_participation, path)


@given(name_and_data=st.sampled_from(
    (bundled.DEMO_PARTICIPATION, EXAMPLES / "peserta_kota_yogyakarta.xlsx")).flatmap(
    lambda path: st.tuples(st.just(path.name), mutated(path.read_bytes()))))
def test_participation_from_damaged_files(name_and_data: tuple[str, bytes]) -> None:
    name, data = name_and_data
    with written(data, name) as path:
        only_own_errors(geo_io.read_participation, path)


OFFICE_SUFFIXES = (".csv", ".xlsx", ".geojson", ".gpkg", ".parquet", ".zip", ".ods")


@given(data=arbitrary_bytes(), suffix=st.sampled_from(OFFICE_SUFFIXES))
def test_offices_from_arbitrary_bytes(data: bytes, suffix: str) -> None:
    with written(data, f"kantor{suffix}") as path:
        only_own_errors(geo_io.read_offices, path)


@given(data=csv_bytes(OFFICE_ALIASES, core=OFFICE_CORE))
def test_offices_from_typed_csv(data: bytes) -> None:
    with written(data, "kantor.csv") as path:
        only_own_errors(geo_io.read_offices, path)


@given(data=geojson_bytes(OFFICE_ALIASES))
def test_offices_from_random_geojson(data: bytes) -> None:
    with written(data, "kantor.geojson") as path:
        only_own_errors(geo_io.read_offices, path)


@given(name_and_data=st.sampled_from((bundled.OFFICES_CSV, EXAMPLES / "kantor.csv")).flatmap(
    lambda path: st.tuples(st.just(path.name), mutated(path.read_bytes()))))
def test_offices_from_damaged_files(name_and_data: tuple[str, bytes]) -> None:
    name, data = name_and_data
    with written(data, name) as path:
        only_own_errors(geo_io.read_offices, path)


# --- households ------------------------------------------------------------------------

HOUSEHOLD_SUFFIXES = (".csv", ".txt", ".parquet", ".geoparquet", ".gpkg")


def _read_households(path: Path) -> object:
    return household_io.read_household_chunks(path, chunk_rows=7)


@given(data=arbitrary_bytes(), suffix=st.sampled_from(HOUSEHOLD_SUFFIXES))
def test_households_from_arbitrary_bytes(data: bytes, suffix: str) -> None:
    with written(data, f"rumah_tangga{suffix}") as path:
        only_own_errors(_read_households, path)
        if suffix in {".csv", ".parquet"}:
            only_own_errors(household_io.household_headers, path)


@given(data=csv_bytes(HOUSEHOLD_ALIASES, core=HOUSEHOLD_CORE))
def test_households_from_typed_csv(data: bytes) -> None:
    with written(data, "rumah_tangga.csv") as path:
        only_own_errors(_read_households, path)
        only_own_errors(household_io.household_headers, path)


@given(suffix_and_data=st.sampled_from((".csv", ".parquet", ".gpkg")).flatmap(
    lambda suffix: st.tuples(st.just(suffix), mutated(_household_file(suffix)))))
def test_households_from_damaged_files(suffix_and_data: tuple[str, bytes]) -> None:
    suffix, data = suffix_and_data
    with written(data, f"rumah_tangga{suffix}") as path:
        only_own_errors(_read_households, path)


def _parquet_with_geo(metadata: bytes, *, with_lat_lon: bool) -> bytes:
    """Households, with a WKB point column and the given ``geo`` metadata, as Parquet."""
    table = pd.read_csv(io.BytesIO(_household_file(".csv"))).iloc[:5]
    points = gpd.points_from_xy(table["bujur"], table["lintang"])
    if not with_lat_lon:  # the points are then read from the geometry
        table = table.drop(columns=["lintang", "bujur"])
    arrow = pa.table({**{c: table[c].to_numpy() for c in table.columns},
                      "geometry": shapely.to_wkb(np.asarray(points))})
    buffer = io.BytesIO()
    pq.write_table(arrow.replace_schema_metadata({b"geo": metadata}), buffer)
    return buffer.getvalue()


GEOPARQUET_READERS = (boundaries.load_boundaries, geo_io.read_offices, _read_households,
                      household_io.household_headers, roads.load_network)


@given(metadata=geo_metadata(), read=st.sampled_from(GEOPARQUET_READERS),
       with_lat_lon=st.booleans())
@example(metadata=b"true", read=boundaries.load_boundaries, with_lat_lon=True)
@example(metadata=b"null", read=_read_households, with_lat_lon=True)
@example(metadata=b'{"primary_column": "", "columns": {"": {}}}', read=_read_households,
         with_lat_lon=False)
@example(metadata=b'{"version": "1.0.0", "primary_column": "missing", "columns": '
                  b'{"geometry": {"encoding": "WKB"}}}', read=boundaries.load_boundaries,
         with_lat_lon=False)
def test_geoparquet_with_odd_metadata(metadata: bytes, read: Callable[[Path], object],
                                      *, with_lat_lon: bool) -> None:
    content = _parquet_with_geo(metadata, with_lat_lon=with_lat_lon)
    with written(content, "lapisan.parquet") as path:
        only_own_errors(read, path)


# --- road networks ---------------------------------------------------------------------

ROAD_SUFFIXES = (".osm", ".xml", ".osm.pbf", ".graphml", ".geojson", ".gpkg", ".zip",
                 ".parquet", ".shp")


@given(data=arbitrary_bytes(), suffix=st.sampled_from(ROAD_SUFFIXES))
def test_roads_from_arbitrary_bytes(data: bytes, suffix: str) -> None:
    with written(data, f"jalan{suffix}") as path:
        only_own_errors(roads.load_network, path)


@given(data=geojson_bytes({"name": ("name", "highway", "oneway")}))
@example(data=_feature_collection({"type": "LineString", "coordinates": [
    [110.0, -8.0], [math.inf, 1e308]]}, "EPSG:32749"))
@example(data=_feature_collection({"type": "LineString", "coordinates": [
    [110.0, -8.0], [0.0, math.inf]]}, "EPSG:32749"))
def test_roads_from_random_geojson(data: bytes) -> None:
    with written(data, "jalan.geojson") as path:
        only_own_errors(roads.load_network, path)


@given(name_and_data=st.sampled_from(sorted(p for p in ROAD_DATA.iterdir()
                                            if p.suffix != ".md")).flatmap(
    lambda path: st.tuples(st.just(path.name), mutated(path.read_bytes()))))
def test_roads_from_damaged_files(name_and_data: tuple[str, bytes]) -> None:
    name, data = name_and_data
    with written(data, name) as path:
        only_own_errors(roads.load_network, path)


# --- route stops -----------------------------------------------------------------------

STOP_SUFFIXES = (".csv", ".txt", ".geojson", ".gpkg", ".zip", ".parquet")


@given(data=arbitrary_bytes(), suffix=st.sampled_from(STOP_SUFFIXES))
def test_stops_from_arbitrary_bytes(data: bytes, suffix: str) -> None:
    with written(data, f"titik{suffix}") as path:
        only_own_errors(stop_files.read_stops, path)


@given(data=csv_bytes(STOP_ALIASES, core=STOP_CORE))
def test_stops_from_typed_csv(data: bytes) -> None:
    with written(data, "titik.csv") as path:
        only_own_errors(stop_files.read_stops, path)


@given(data=geojson_bytes(STOP_ALIASES))
def test_stops_from_random_geojson(data: bytes) -> None:
    with written(data, "titik.geojson") as path:
        only_own_errors(stop_files.read_stops, path)


# --- the whole input stage -------------------------------------------------------------


@pytest.fixture(scope="module")
def _bundled_units(monkeypatch_module: pytest.MonkeyPatch) -> None:
    """Read the bundled boundary layers once: the fuzzed inputs are the tables."""
    cached = functools.cache(bundled.read_units)
    monkeypatch_module.setattr(bundled, "read_units", lambda layer: cached(layer).copy())


@pytest.fixture(scope="module")
def monkeypatch_module() -> Iterator[pytest.MonkeyPatch]:
    with pytest.MonkeyPatch.context() as patch:
        yield patch


@pytest.mark.usefixtures("_bundled_units")
@settings(max_examples=25)
@given(participation=_participation_csv(), offices=csv_bytes(OFFICE_ALIASES, core=OFFICE_CORE))
def test_prepare_inputs_on_typed_tables(participation: bytes, offices: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        participation_path = Path(folder) / "peserta.csv"
        offices_path = Path(folder) / "kantor.csv"
        participation_path.write_bytes(participation)
        offices_path.write_bytes(offices)
        paths = prepare.InputPaths(participation=participation_path, offices=offices_path)
        only_own_errors(lambda _: prepare.prepare_inputs(paths), participation_path)


@pytest.mark.usefixtures("_bundled_units")
@settings(max_examples=25)
@given(boundaries=st.deferred(lambda: geojson_bytes(BOUNDARY_ALIASES, _known_values())))
@example(boundaries=_feature_collection(_TRIANGLE, "EPSG:32749"))  # degrees said to be UTM
@example(boundaries=_feature_collection(  # GEOS cannot test the validity of an infinite shape
    {"type": "Polygon", "coordinates": [[[110.3, -7.8], [110.4, -7.8], [math.inf, -7.7],
                                         [110.3, -7.8]]]}, "EPSG:32749",
    {"code": "34.71.03.1001", "name": "A", "district": "B", "regency": "C"}))
def test_prepare_inputs_on_random_boundaries(boundaries: bytes) -> None:
    with written(boundaries, "desa.geojson") as path:
        paths = prepare.InputPaths(boundaries=path)
        only_own_errors(lambda _: prepare.prepare_inputs(paths), path)


def test_example_files_are_found() -> None:
    """The damaged-file tests start from real files: make sure they are there."""
    for path in (EXAMPLES / "peserta_kota_yogyakarta.xlsx", EXAMPLES / "kantor.csv",
                 EXAMPLES / "rumah_tangga_contoh.csv", bundled.OFFICES_CSV,
                 bundled.DEMO_PARTICIPATION, ROAD_DATA / "tiny_grid.osm"):
        assert path.is_file(), path


# --- what the fuzzing found: each input once crashed a reader ----------------------------


_ONE_POINT_LINE = {"type": "LineString", "coordinates": [[110.0, -8.0]]}


def _flipped(data: bytes, position: int, mask: int = 0xFF) -> bytes:
    damaged = bytearray(data)
    damaged[position] ^= mask
    return bytes(damaged)


def _damaged_workbook(position: int, mask: int) -> Callable[[], bytes]:
    """The example workbook with one byte flipped."""
    return lambda: _flipped((EXAMPLES / "peserta_kota_yogyakarta.xlsx").read_bytes(), position,
                            mask)


DAMAGED_WORKBOOKS = {  # where a flipped byte makes openpyxl or zipfile raise what
    "zlib": (223, 0xFF), "eof": (224, 0xFF), "xml-parse": (2196, 0x01),
    "type": (2197, 0x01), "value": (2323, 0x08), "zip-version": (6790, 0xFF),
    "encrypted-flag": (6854, 0x01),
}


def _damaged_household_parquet() -> bytes:
    """The example households as Parquet with one byte of the id column's text flipped."""
    return _flipped(_household_file(".parquet"), 53)


def _parquet_with_broken_text() -> bytes:
    """The small village layer as GeoParquet with one byte of a code's text flipped."""
    data = _vector_file(".parquet")
    return _flipped(data, data.index(b"34.71.03.10"))


def _shapefile_zip_with_latin1_field_name() -> bytes:
    """The small village layer as a zipped shapefile whose first field name is not UTF-8."""
    dbf = bytearray(zipfile.ZipFile(io.BytesIO(_vector_file(".zip"))).read("v.dbf"))
    dbf[32:35] = b"\xe4\xe4\xe4"  # the first field descriptor starts with its name
    archive = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(_vector_file(".zip"))) as source, zipfile.ZipFile(
            archive, "w") as target:
        for member in source.namelist():
            target.writestr(member, bytes(dbf) if member == "v.dbf" else source.read(member))
    return archive.getvalue()


REGRESSIONS = [
    # reader, file name, content, what the message now says
    pytest.param(boundaries.load_boundaries, "desa.geojson",
                 lambda: _feature_collection(_ONE_POINT_LINE), "a shape in the file is broken",
                 id="boundaries-geos-one-point-line"),
    pytest.param(boundaries.load_boundaries, "desa.zip", _shapefile_zip_with_latin1_field_name,
                 "not in its declared encoding", id="boundaries-field-name-not-utf8"),
    pytest.param(boundaries.load_boundaries, "desa.parquet", _parquet_with_broken_text,
                 "cannot be read as GeoParquet", id="boundaries-parquet-not-utf8"),
    pytest.param(stop_files.read_stops, "titik.zip", _shapefile_zip_with_latin1_field_name,
                 "not in its declared encoding", id="stops-field-name-not-utf8"),
    pytest.param(geo_io.read_participation, "peserta.csv", lambda: b"\xff\xfe\x00",
                 "no header row", id="participation-cut-utf16"),
    *[pytest.param(geo_io.read_participation, "peserta.xlsx", _damaged_workbook(*flip),
                   "cannot be read as an Excel workbook", id=f"participation-xlsx-{kind}")
      for kind, flip in DAMAGED_WORKBOOKS.items()],
    pytest.param(_read_households, "rumah_tangga.gpkg", lambda: b"",
                 "the file is empty", id="households-gpkg-datasource"),
    pytest.param(_read_households, "rumah_tangga.parquet", lambda: b"",
                 "the file is empty", id="households-parquet-empty"),
    pytest.param(_read_households, "rumah_tangga.parquet", _damaged_household_parquet,
                 "cannot be read as Parquet", id="households-parquet-utf8"),
    pytest.param(_read_households, "rumah_tangga.csv",
                 lambda: b'id,lat,lon,registered\n1,"-7.8,110.4,ya\n', "cannot be read as CSV",
                 id="households-csv-unclosed-quote"),
    pytest.param(household_io.household_headers, "rumah_tangga.parquet", lambda: b"PAR1",
                 "cannot be read as Parquet", id="household-headers-parquet"),
    pytest.param(roads.load_network, "jalan.osm", lambda: b"",
                 "the file is empty", id="roads-osm-xml-parse"),
    pytest.param(roads.load_network, "jalan.osm.pbf", lambda: b"",
                 "the file is empty", id="roads-pbf-empty"),
    pytest.param(roads.load_network, "jalan.osm.pbf",
                 lambda: _flipped((ROAD_DATA / "tiny_grid.osm.pbf").read_bytes(), 73),
                 "could not be read", id="roads-pbf-protobuf"),
    pytest.param(roads.load_network, "jalan.graphml",
                 lambda: (ROAD_DATA / "tiny_grid.graphml").read_bytes().replace(
                     b"<graphml xmlns=", b"<graphml ymlns=", 1),
                 "could not be read as a road network", id="roads-graphml-networkx"),
    pytest.param(roads.load_network, "jalan.geojson",
                 lambda: _feature_collection(_ONE_POINT_LINE), "could not be read",
                 id="roads-geos-one-point-line"),
    pytest.param(roads.load_network, "jalan.geojson",
                 lambda: b'{"type": "FeatureCollection", "features": []}',
                 "the road layer has no line", id="roads-empty-layer"),
    pytest.param(roads.load_network, "jalan.geojson",
                 lambda: _feature_collection(
                     {"type": "LineString", "coordinates": [[110, -8], [111, -8]]},
                     "EPSG:32749"),
                 "coordinates do not fit its CRS", id="roads-degrees-labelled-utm"),
    pytest.param(stop_files.read_stops, "titik.csv", lambda: b"",
                 "the file is empty", id="stops-csv-empty"),
    pytest.param(stop_files.read_stops, "titik.csv", lambda: b"\x80lat,lon\n",
                 "no header row was found", id="stops-csv-not-utf8"),
    pytest.param(stop_files.read_stops, "titik.csv", lambda: b"lat\n1\n1,2,3\n",
                 "no header row was found", id="stops-csv-ragged"),
    pytest.param(stop_files.read_stops, "titik.csv",
                 lambda: b"stop_id,label,village,households,lat,lon\nA,A,A,3,-7.8,x\n",
                 r"row 2, column 'lon' \(value 'x'\): the longitude is not a number",
                 id="stops-csv-text-coordinate"),
    pytest.param(stop_files.read_stops, "titik.geojson", lambda: b"",
                 "the file is empty", id="stops-datasource"),
    pytest.param(stop_files.read_stops, "titik.geojson",
                 lambda: _feature_collection(_ONE_POINT_LINE), "a shape in the file is broken",
                 id="stops-geos-one-point-line"),
]


@pytest.mark.parametrize(("read", "name", "content", "message"), REGRESSIONS)
def test_input_that_once_crashed_a_reader(read: Callable[[Path], object], name: str,
                                          content: Callable[[], bytes], message: str) -> None:
    with written(content(), name) as path, pytest.raises(InputError, match=message) as caught:
        read_all(read, path)
    assert caught.value.problems[0].file == name


def test_household_csv_headers_padded_with_spaces_are_read() -> None:
    """`` workers `` once matched the workers column, then pandas could not find it."""
    data = b"id,lat,lon, workers ,registered\nK1,-7.8,110.4,3,ya\n"
    with written(data, "rumah_tangga.csv") as path:
        (chunk,) = household_io.read_household_chunks(path)
    assert chunk.workers is not None
    assert chunk.workers.tolist() == [3]
