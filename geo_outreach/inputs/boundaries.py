"""
Village boundaries: polygons from any GIS file, checked shape by shape and code by code.

Kapanewon and kabupaten are derived from the Kemendagri code where missing.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Final

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo_outreach._errors import InputError, Problem
from geo_outreach.inputs import bundled
from geo_outreach.inputs.boundary_sanity import overlap_notes, reference_notes
from geo_outreach.inputs.codes import normalise_code
from geo_outreach.inputs.columns import (
    BOUNDARY_REQUIRED,
    cell_text,
    describe_rows,
    require,
    resolve_columns,
)
from geo_outreach.inputs.schema import BOUNDARY_ALIASES, VILLAGE_COLUMNS, VILLAGE_OPTIONAL_COLUMNS
from geo_outreach.inputs.vectors import POLYGON_TYPES, read_vector, require_crs
from geo_outreach.inputs.wording import BOUNDARIES_OPTION, mapping_args, part

if TYPE_CHECKING:
    from geo_outreach.config import ColumnMapping

VILLAGE_LAYER_NAMES: Final = ("villages", "desa", "kelurahan", "kalurahan")

_VILLAGE_KIND_BY_DIGIT: Final = {"1": "kelurahan", "2": "desa"}


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
        features_text = describe_rows(missing, noun="feature")
        errors.append(Problem(source, missing[0], None, None,
                              f"{features_text} (counting from 1) have no shape",
                              "delete these features or draw their boundaries",
                              key="boundaries.no_shape", args={"features": features_text}))
    coordinates, owners = shapely.get_coordinates(geometry.to_numpy(), return_index=True)
    unplaceable = np.isin(np.arange(len(gdf)), owners[~np.isfinite(coordinates).all(axis=1)])
    if unplaceable.any():
        rows = list(features[unplaceable])
        errors.append(Problem(source, rows[0], None, None,
                              f"{describe_rows(rows, noun='feature')} have coordinates that are "
                              "not numbers (NaN or infinite)",
                              "redraw these boundaries, or correct their coordinates",
                              key="boundaries.coordinates_not_numbers",
                              args={"features": describe_rows(rows, noun="feature")}))
    types = geometry.geom_type
    wrong = [f for f, t in zip(features, types, strict=True) if isinstance(t, str)
             and t not in POLYGON_TYPES]
    if wrong:
        kinds = ", ".join(sorted({t for t in types if isinstance(t, str)
                                  and t not in POLYGON_TYPES}))
        errors.append(Problem(source, wrong[0], None, kinds,
                              f"{describe_rows(wrong, noun='feature')} are {kinds}, not "
                              "village polygons",
                              "give a layer of village areas (polygons), not points or lines",
                              key="boundaries.not_polygons",
                              args={"features": describe_rows(wrong, noun="feature"),
                                    "kinds": kinds}))
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
                                 "(Vector > Geometry Tools > Fix Geometries)", "warning",
                                 key="boundaries.repaired",
                                 args={"features": describe_rows(fixed, noun="feature")}))
        if lost:
            errors.append(Problem(source, lost[0], None, None,
                                  f"{describe_rows(lost, noun='feature')} have shapes that "
                                  "collapse to nothing when repaired",
                                  "redraw these boundaries", key="boundaries.collapsed",
                                  args={"features": describe_rows(lost, noun="feature")}))
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
                                fixes[kind], key=f"boundaries.code_{kind}",
                                args={**(mapping_args(BOUNDARIES_OPTION) or {}),
                                      "features": describe_rows(rows, noun="feature"),
                                      "reason": first.reason}))
    normalised = pd.Series([c.code for c in checks], index=codes.index, dtype="str")
    duplicated = normalised[normalised.notna() & normalised.duplicated(keep=False)]
    for code, group in duplicated.groupby(duplicated):
        rows = [int(i) + 1 for i in group.index]
        problems.append(Problem(source, rows[0], header, str(code),
                                f"{describe_rows(rows, noun='feature')} share the code {code}",
                                "each village must appear once: merge or correct the duplicates",
                                key="boundaries.duplicate_code",
                                args={"features": describe_rows(rows, noun="feature"),
                                      "code": str(code)}))
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
                                 "without a code", "warning", key="boundaries.blank_names",
                                 args={"features": describe_rows(rows, noun="feature"),
                                       "field": part(f"village_field.{column}", column)}))
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
        Warnings: invalid shapes that were repaired, blank names, overlapping or
        duplicate shapes, and polygons far from the bundled layer's polygon of the same
        code (see :mod:`geo_outreach.inputs.boundary_sanity`).

    Raises
    ------
    InputError
        Missing or unreadable file, no CRS, a required column missing, codes that are
        not Kemendagri village codes (BPS codes included), duplicate codes, missing or
        non-polygon shapes.
    """
    path = Path(path)
    source = path.name
    gdf = read_vector(path, layer=layer, geometry_types=POLYGON_TYPES,
                      preferred_layers=VILLAGE_LAYER_NAMES)
    require_crs(gdf, source)
    found = [str(c) for c in gdf.columns if c != gdf.geometry.name]
    positions = resolve_columns(found, BOUNDARY_ALIASES, mapping, source=source,
                                option=BOUNDARIES_OPTION)
    headers = {c: found[i] for c, i in positions.items()}
    require(BOUNDARY_REQUIRED, positions, found, BOUNDARY_ALIASES, source=source,
            option=BOUNDARIES_OPTION, headers=headers)
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
    notes += overlap_notes(result, source)
    if path.resolve() != bundled.BOUNDARIES_GPKG:
        notes += reference_notes(result, bundled.read_units(bundled.VILLAGES_LAYER), source)
    ordered = [c for c in (*VILLAGE_COLUMNS, *VILLAGE_OPTIONAL_COLUMNS) if c in result.columns]
    return result[[*ordered, "geometry"]], notes
