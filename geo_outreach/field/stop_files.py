"""Stops the planner brings, as a table or GIS file, and stops from H3 cells of household points."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Final

import geopandas as gpd

from geo_outreach._errors import InputError, Problem
from geo_outreach.field.stops import prepare_stops
from geo_outreach.inputs import columns, tables, vectors
from geo_outreach.inputs.cells import parse_coordinate
from geo_outreach.inputs.schema import STOP_ALIASES
from geo_outreach.inputs.vectors import read_vector

if TYPE_CHECKING:
    from pathlib import Path

    from geo_outreach.analysis.result import AnalysisResult

STOP_TABLE_SUFFIXES: Final = frozenset({".csv", ".txt"})
STOP_REQUIRED: Final = (("the latitude", ("lat",)), ("the longitude", ("lon",)),
                        ("the stop id", ("stop_id",)),
                        ("the households to visit", ("households",)))


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


def cell_stops(result: AnalysisResult, office_id: str) -> gpd.GeoDataFrame | None:
    """
    Make stops of the H3 cells with uncovered households inside an office's radius.

    Parameters
    ----------
    result
        An analysis with household points.
    office_id
        The office.

    Returns
    -------
    gpd.GeoDataFrame or None
        ``stop_id`` (the cell), ``label``, ``village`` (the village at the cell's centre),
        ``households`` (uncovered households in the cell) and the cell's centre; None when
        no cell qualifies. Cells suppressed for privacy (fewer than k households) are left
        out: their counts are not known here.
    """
    if result.household_cells is None:
        return None
    discs = result.discs[result.discs["office_id"].astype(str) == office_id]
    cells = result.household_cells
    counts = cells["uncovered_households_within_radius"]
    cells = cells[counts.notna() & (counts.fillna(0) > 0)]
    if discs.empty or cells.empty:
        return None
    centres = cells.to_crs(result.metric_crs).geometry.centroid
    inside = centres.within(discs.to_crs(result.metric_crs).geometry.iloc[0]).to_numpy()
    if not inside.any():
        return None
    chosen = cells[inside]
    points = gpd.GeoSeries(centres[inside].to_numpy(), crs=result.metric_crs).to_crs("EPSG:4326")
    villages = result.villages[["name", "geometry"]]
    located = gpd.sjoin(gpd.GeoDataFrame(geometry=points.to_numpy(), crs="EPSG:4326"),
                        villages, predicate="within", how="left")
    located = located[~located.index.duplicated()]
    return gpd.GeoDataFrame({
        "stop_id": chosen["h3"].to_numpy(),
        "label": "H3 " + chosen["h3"].astype(str).to_numpy(),
        "village": located["name"].fillna("").to_numpy(),
        "households": chosen["uncovered_households_within_radius"].astype(int).to_numpy(),
    }, geometry=points.to_numpy(), crs="EPSG:4326")
