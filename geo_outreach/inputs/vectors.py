"""
GIS files: open any common vector format (zipped shapefiles too).

Choose the layer and require a CRS, with errors that say how to fix the file.
"""

from __future__ import annotations

import zipfile
from typing import TYPE_CHECKING, Final

import geopandas as gpd
import pyarrow.parquet as pq
import pyogrio
from pyogrio.errors import DataLayerError, DataSourceError
from pyproj.exceptions import CRSError
from shapely.errors import GEOSException

from geo_outreach._errors import InputError, Problem
from geo_outreach.inputs.file_checks import (
    CSV_SUFFIXES,
    EXCEL_SUFFIXES,
    PARQUET_SUFFIXES,
    check_file,
    refuse_binary,
)
from geo_outreach.inputs.wording import part

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

VECTOR_FORMATS: Final = part("formats.vector",
                             "GeoJSON (.geojson, .json), GeoPackage (.gpkg), Shapefile (.shp with "
                             "its .shx, .dbf and .prj, or all of them zipped in one .zip), "
                             "GeoParquet (.parquet)")
BROKEN_SHAPE_FIX: Final = ("find it with QGIS (Vector > Geometry Tools > Check Validity), "
                           "redraw or delete it, and save the layer again")
A_GIS_LAYER: Final = part("what.gis_layer", "a GIS layer")
VECTOR_MEMBER_SUFFIXES: Final = (".shp", ".gpkg", ".geojson", ".json")

POLYGON_TYPES: Final = frozenset({"Polygon", "MultiPolygon"})
POINT_TYPES: Final = frozenset({"Point", "MultiPoint"})


def _zip_member(path: Path, source: str) -> str:
    """Return the GDAL path of the one GIS dataset inside a zip file."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
    except zipfile.BadZipFile as err:
        raise InputError(Problem(source, None, None, None,
                                 "the file is not a readable zip archive",
                                 "zip the shapefile's files (.shp, .shx, .dbf, .prj) again, "
                                 f"or give them unzipped; accepted: {VECTOR_FORMATS}",
                                 key="vectors.bad_zip", args={"formats": VECTOR_FORMATS})) from err
    members = [n for n in names if n.lower().endswith(VECTOR_MEMBER_SUFFIXES)
               and not n.startswith("__MACOSX")]
    if len(members) != 1:
        found = ", ".join(members) if members else part("zip_without_layer",
                                                         "no .shp, .gpkg or .geojson")
        raise InputError(Problem(source, None, None, None,
                                 f"the zip must hold exactly one GIS layer; it holds: {found}",
                                 "zip one shapefile's .shp, .shx, .dbf and .prj files together",
                                 key="vectors.zip_layers", args={"found": found}))
    return f"/vsizip/{path.resolve()}/{members[0]}"


def _choose_layer(target: str, source: str, geometry_types: frozenset[str],
                  preferred: Sequence[str]) -> str | None:
    """Pick the layer of a multi-layer file (GeoPackage), or None for the only one."""
    try:
        layers = pyogrio.list_layers(target)
    except (DataSourceError, DataLayerError) as err:
        raise _unreadable(source, err) from err
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
                             "export the one layer you mean to its own file",
                             key="vectors.several_layers", args={"layers": ", ".join(names)}))


def _unreadable(source: str, err: Exception) -> InputError:
    """Say that a GIS library could not read the file, and in which formats to save it."""
    return InputError(Problem(source, None, None, None,
                              f"the file cannot be read as GIS data ({err})",
                              f"save it in one of: {VECTOR_FORMATS}", key="vectors.unreadable",
                              args={"error": str(err), "formats": VECTOR_FORMATS}))


def read_vector(path: Path, *, layer: str | None, geometry_types: frozenset[str],
                preferred_layers: Sequence[str] = ()) -> gpd.GeoDataFrame:
    """Read any supported GIS file, turning library errors into an InputError."""
    source = path.name
    check_file(path, VECTOR_FORMATS, what=A_GIS_LAYER)
    with path.open("rb") as handle:
        refuse_binary(handle.read(16), source, named=part("named.gis_file", "a GIS file"),
                      formats=VECTOR_FORMATS, allowed=frozenset({".xlsx", ".gpkg", ".parquet"}))
    suffix = path.suffix.lower()
    if suffix in CSV_SUFFIXES | EXCEL_SUFFIXES:
        raise InputError(Problem(source, None, None, None,
                                 "a table was given where a GIS file (with shapes) is expected",
                                 f"give the boundaries as {VECTOR_FORMATS}",
                                 key="vectors.table_given", args={"formats": VECTOR_FORMATS}))
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
                                     f"save it in one of: {VECTOR_FORMATS}",
                                     key="vectors.not_geoparquet",
                                     args={"error": str(err), "formats": VECTOR_FORMATS})) from err
    target = _zip_member(path, source) if suffix == ".zip" else str(path)
    chosen = layer or _choose_layer(target, source, geometry_types, preferred_layers)
    try:
        return gpd.read_file(target, layer=chosen)
    except (DataSourceError, DataLayerError) as err:
        raise _unreadable(source, err) from err
    except GEOSException as err:
        raise InputError(Problem(source, None, None, None,
                                 f"a shape in the file is broken ({err})",
                                 BROKEN_SHAPE_FIX, key="vectors.broken_shape",
                                 args={"error": str(err)})) from err
    except UnicodeDecodeError as err:
        raise InputError(Problem(source, None, None, None,
                                 "the file holds text that is not in its declared "
                                 f"encoding ({err})",
                                 "save it again with UTF-8 encoding (QGIS: Export > Save "
                                 "Features As, Encoding UTF-8)", key="vectors.bad_encoding",
                                 args={"error": str(err)})) from err


def require_crs(gdf: gpd.GeoDataFrame, source: str) -> None:
    """Refuse a layer without a CRS, or one whose degrees are clearly not degrees."""
    if gdf.crs is None:
        raise InputError(Problem(
            source, None, None, None,
            "the file has no coordinate reference system (CRS), so its coordinates cannot "
            "be placed on the map",
            "set the CRS the coordinates are really in (EPSG:4326 for longitude/latitude, "
            "EPSG:32749 for UTM 49S metres), e.g. `ogr2ogr -a_srs EPSG:4326 fixed.gpkg "
            "yourfile.shp`, or in QGIS: Layer > Set CRS, then export; for a shapefile keep "
            "its .prj file beside the .shp (and inside the .zip)", key="vectors.no_crs"))
    if gdf.crs.is_geographic and len(gdf) and not gdf.geometry.is_empty.all():
        minx, miny, maxx, maxy = gdf.total_bounds
        swapped = (max(abs(minx), abs(maxx)) <= 90 < max(abs(miny), abs(maxy))  # noqa: PLR2004
                   and max(abs(miny), abs(maxy)) <= 180)  # noqa: PLR2004
        if swapped:
            raise InputError(Problem(
                source, None, None, f"{minx:.7g}, {miny:.7g}, {maxx:.7g}, {maxy:.7g}",
                "the file's x and y are swapped: its x values lie within -90..90 and its y "
                "values beyond 90, so latitude was written where longitude belongs",
                "export the layer again with longitude as x and latitude as y (in QGIS: "
                "Vector > Geometry Tools > Swap X and Y coordinates)",
                key="vectors.swapped_axes"))
        if min(minx, miny) < -180 or maxx > 180 or maxy > 90 or miny < -90:  # noqa: PLR2004
            raise InputError(Problem(
                source, None, None, f"{minx:.7g}, {miny:.7g}, {maxx:.7g}, {maxy:.7g}",
                f"the file says its coordinates are degrees ({gdf.crs.to_string()}) but they "
                "are far outside -180..180 / -90..90: they look like metres",
                "set the CRS they are really in (e.g. EPSG:32749 for UTM 49S) with ogr2ogr "
                "-a_srs or QGIS: Layer > Set CRS", key="vectors.metres_as_degrees",
                args={"crs": gdf.crs.to_string()}))
    if gdf.crs.is_projected and len(gdf) and not gdf.geometry.is_empty.all():
        minx, miny, maxx, maxy = gdf.total_bounds
        if max(abs(minx), abs(maxx)) <= 180 and max(abs(miny), abs(maxy)) <= 90:  # noqa: PLR2004
            raise InputError(Problem(
                source, None, None, f"{minx:g}, {miny:g}, {maxx:g}, {maxy:g}",
                f"the file says its coordinates are metres ({gdf.crs.to_string()}) but they "
                "all lie within -180..180 / -90..90, so the villages would be a few hundred "
                "metres across: they look like longitude/latitude degrees",
                "set the CRS to EPSG:4326 (ogr2ogr -a_srs EPSG:4326, or QGIS: Layer > Set "
                "CRS); for a shapefile, replace its .prj file", key="vectors.degrees_as_metres",
                args={"crs": gdf.crs.to_string()}))
