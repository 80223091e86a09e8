"""
The participation and office readers: a table or GIS file in, canonical columns out.

Participation tables come from CSV or Excel (:mod:`geo_outreach.inputs.tables`), offices
from a table or a point layer (:mod:`geo_outreach.inputs.vectors`); boundaries are
:mod:`geo_outreach.inputs.boundaries`'. Problems that make a file unusable raise
:class:`~geo_outreach._errors.InputError`; value checks are
:mod:`geo_outreach.inputs.validate`'s.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

import pandas as pd

from geo_outreach._errors import InputError, Problem
from geo_outreach.config import ColumnMapping
from geo_outreach.inputs.columns import (
    OFFICE_REQUIRED,
    OFFICES_OPTION,
    PARTICIPATION_OPTION,
    PARTICIPATION_REQUIRED,
    InputTable,
    require,
    resolve_columns,
)
from geo_outreach.inputs.file_checks import CSV_SUFFIXES, EXCEL_SUFFIXES, OLD_SPREADSHEET_SUFFIXES
from geo_outreach.inputs.schema import OFFICE_ALIASES, PARTICIPATION_ALIASES
from geo_outreach.inputs.tables import read_table
from geo_outreach.inputs.vectors import POINT_TYPES, read_vector, require_crs

LAT_LON_FROM_GEOMETRY: Final = "geometry"


def read_participation(path: str | Path, *, mapping: ColumnMapping | None = None,
                       sheet_name: str | None = None) -> InputTable:
    """
    Read a participation table (one row per village).

    Parameters
    ----------
    path
        CSV or Excel file; see :func:`read_table`.
    mapping
        The user's headers for canonical columns (``--participation-columns``).
    sheet_name
        The workbook's sheet to read (``--sheet``); None: the best-matching sheet.

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
                      required=PARTICIPATION_REQUIRED, sheet_name=sheet_name)


def _office_points(path: Path, mapping: ColumnMapping | None) -> InputTable:
    """Read offices from a point layer: lat/lon come from the geometry, in EPSG:4326."""
    source = path.name
    gdf = read_vector(path, layer=None, geometry_types=POINT_TYPES)
    require_crs(gdf, source)
    found = [str(c) for c in gdf.columns if c != gdf.geometry.name]
    aliases = {c: a for c, a in OFFICE_ALIASES.items() if c not in ("lat", "lon")}
    if mapping is not None:  # lat and lon come from the points, whatever the mapping says
        mapping = ColumnMapping({c: h for c, h in mapping.columns.items() if c in aliases})
    positions = resolve_columns(found, aliases, mapping, source=source, option=OFFICES_OPTION)
    require(OFFICE_REQUIRED, [*positions, "lat", "lon"], found, OFFICE_ALIASES, source=source,
            option=OFFICES_OPTION, headers={c: found[i] for c, i in positions.items()})
    types = set(gdf.geometry.geom_type.dropna())
    if types - POINT_TYPES:
        raise InputError(Problem(source, None, None, ", ".join(sorted(types)),
                                 "the office file's shapes are not points",
                                 "give one point per office, or a table with lat and lon",
                                 key="offices.not_points"))
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
        Values as read; checked by :func:`geo_outreach.inputs.office_checks.validate_offices`.

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
