"""
Read, check and reconcile every input in one call: :func:`prepare_inputs`.

Reading and checking is the slow part and does not depend on the radius, target or
denominator, so the app prepares once and re-analyses on every slider change.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import pandas as pd

from geo_outreach._errors import InputError, Problem
from geo_outreach.config import ColumnMapping
from geo_outreach.crs import choose_metric_crs
from geo_outreach.inputs import (
    boundaries,
    bundled,
    office_checks,
    readers,
    reconcile,
    tables,
    validate,
)
from geo_outreach.inputs.file_kinds import file_sha256


@dataclass(frozen=True)
class InputPaths:
    """
    The user's input files; None means the bundled DIY default.

    Attributes
    ----------
    boundaries, participation, offices
        Paths to the three inputs.
    boundary_columns, participation_columns, office_columns
        The user's own headers for canonical columns, where aliases do not find them.
    participation_sheet
        The participation workbook's sheet (``--sheet``); None: the best-matching sheet.
    """

    boundaries: Path | str | None = None
    participation: Path | str | None = None
    offices: Path | str | None = None
    boundary_columns: ColumnMapping = field(default_factory=ColumnMapping)
    participation_columns: ColumnMapping = field(default_factory=ColumnMapping)
    office_columns: ColumnMapping = field(default_factory=ColumnMapping)
    participation_sheet: str | None = None

    def __post_init__(self) -> None:
        """Accept paths given as strings."""
        for role in ("boundaries", "participation", "offices"):
            value = getattr(self, role)
            if value is not None and not isinstance(value, Path):
                object.__setattr__(self, role, Path(value))


@dataclass(frozen=True)
class PreparedInputs:
    """
    The inputs read, checked and reconciled: everything the analysis needs.

    Attributes
    ----------
    villages, districts, regencies
        Boundaries in EPSG:4326 with canonical columns.
    participation
        One row per matched village: ``code`` and the counts.
    offices
        Office points in EPSG:4326.
    match_report
        How each participation row was matched.
    problems
        Every problem found, errors and warnings, across all inputs.
    is_demo
        True when the participation table is the bundled DEMO one.
    inputs
        Each input's role to ``{"path": ..., "sha256": ...}``.
    """

    villages: gpd.GeoDataFrame
    districts: gpd.GeoDataFrame
    regencies: gpd.GeoDataFrame
    participation: pd.DataFrame
    offices: gpd.GeoDataFrame
    match_report: pd.DataFrame
    problems: list[Problem]
    is_demo: bool
    inputs: dict[str, dict[str, str]]

    @property
    def errors(self) -> list[Problem]:
        """The problems that stop an analysis."""
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        """The problems that are reported while the analysis goes on."""
        return [p for p in self.problems if p.severity == "warning"]


def _input_record(path: Path, *, is_bundled: bool, max_bytes: int | None = None
                  ) -> dict[str, str]:
    """Name and hash an input; one over ``max_bytes`` is refused by its reader, so not hashed."""
    label = f"bundled:{path.relative_to(bundled.BUNDLED_DIR.parent)}" if is_bundled else str(path)
    readable = path.is_file() and (max_bytes is None or path.stat().st_size <= max_bytes)
    return {"path": label, "sha256": file_sha256(path) if readable else ""}


def _dissolve_units(villages: gpd.GeoDataFrame, key: str) -> gpd.GeoDataFrame:
    """Dissolve villages into kapanewon or kabupaten outlines, measured in metric CRS."""
    metric = choose_metric_crs(villages)
    units = villages.to_crs(metric).dissolve(by=key, as_index=False)[[key, "geometry"]]
    units = units.rename(columns={key: "name"})
    units["code"] = units["name"]
    return units.to_crs("EPSG:4326")


def _no_offices() -> gpd.GeoDataFrame:
    """Give the office layer for offices that cannot be read or placed: every column, no row."""
    return gpd.GeoDataFrame(columns=[*office_checks.OFFICE_COLUMNS, "geometry"],
                            geometry="geometry", crs="EPSG:4326")


def _read_boundaries(paths: InputPaths, problems: list[Problem]) -> tuple[
    gpd.GeoDataFrame | None, gpd.GeoDataFrame | None, gpd.GeoDataFrame | None
]:
    if paths.boundaries is None:
        return (bundled.read_units(bundled.VILLAGES_LAYER),
                bundled.read_units(bundled.DISTRICTS_LAYER),
                bundled.read_units(bundled.REGENCIES_LAYER))
    try:
        villages, notes = boundaries.load_boundaries(paths.boundaries,
                                                     mapping=paths.boundary_columns)
    except InputError as err:
        problems.extend(err.problems)
        return None, None, None
    problems.extend(notes)
    return villages, _dissolve_units(villages, "district"), _dissolve_units(villages, "regency")


def prepare_inputs(paths: InputPaths, *, radius_km: float = 5.0,
                   with_participation: bool = True, with_offices: bool = True
                   ) -> PreparedInputs:
    """
    Read, check and reconcile the three inputs, collecting every problem.

    Parameters
    ----------
    paths
        The input files (None for the bundled default).
    radius_km
        The radius, used to tell an office just outside the study area (a warning) from
        one far away (an error).
    with_participation
        False reads only the boundaries and the offices (the participation is empty):
        for the progress report, whose counts come from the store.
    with_offices
        False reads no office file (the offices are empty): for a monthly snapshot,
        which is matched to the villages only.

    Returns
    -------
    PreparedInputs
        The inputs, with ``problems`` listing everything found. Data problems never
        raise here: call :func:`analyse` (which refuses inputs with errors) or show the
        problems, as ``geo-outreach validate`` does.
    """
    problems: list[Problem] = []
    villages, districts, regencies = _read_boundaries(paths, problems)
    participation_path = paths.participation or bundled.DEMO_PARTICIPATION
    offices_path = paths.offices or bundled.OFFICES_CSV
    boundaries_path = paths.boundaries or bundled.BOUNDARIES_GPKG
    inputs = {"boundaries": _input_record(boundaries_path, is_bundled=paths.boundaries is None)}
    if with_participation:
        inputs["participation"] = _input_record(participation_path,
                                                is_bundled=paths.participation is None,
                                                max_bytes=tables.MAX_TABLE_BYTES)
    if with_offices:
        inputs["offices"] = _input_record(offices_path, is_bundled=paths.offices is None,
                                          max_bytes=tables.MAX_TABLE_BYTES)
    # The synthetic table stays DEMO whichever way it comes in (bundled, a copy, an upload).
    is_demo = with_participation and (
        inputs["participation"]["sha256"] == file_sha256(bundled.DEMO_PARTICIPATION))

    participation_table = offices_table = None
    if with_participation:
        try:
            participation_table = readers.read_participation(
                participation_path, mapping=paths.participation_columns,
                sheet_name=paths.participation_sheet)
        except InputError as err:
            problems.extend(err.problems)
    if with_offices:
        try:
            offices_table = readers.read_offices(offices_path, mapping=paths.office_columns)
        except InputError as err:
            problems.extend(err.problems)

    empty_report = pd.DataFrame()
    if villages is None or districts is None or regencies is None:
        return PreparedInputs(gpd.GeoDataFrame(), gpd.GeoDataFrame(), gpd.GeoDataFrame(),
                              pd.DataFrame(), _no_offices(), empty_report, problems,
                              is_demo, inputs)

    matched, report = pd.DataFrame({"code": pd.Series(dtype=str)}), empty_report
    if participation_table is not None:
        cleaned, found = validate.validate_participation(participation_table)
        problems.extend(found)
        reconciliation = reconcile.reconcile_participation(
            cleaned, villages, source=participation_table.source,
            headers=participation_table.headers)
        problems.extend(reconciliation.problems)
        matched, report = reconciliation.matched, reconciliation.report

    offices = _no_offices()
    if offices_table is not None:
        offices, found = office_checks.validate_offices(offices_table, villages,
                                                        radius_km=radius_km)
        problems.extend(found)

    return PreparedInputs(villages, districts, regencies, matched, offices, report, problems,
                          is_demo, inputs)
