"""
The whole analysis in two calls: :func:`prepare_inputs` then :func:`analyse`.

Reading and checking the inputs is the slow part and does not depend on the radius,
target or denominator, so it is separate: the app prepares once and re-analyses on every
slider change. :func:`run_analysis` does both, for the CLI and scripts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo_outreach._errors import InputError, Problem
from geo_outreach.analysis.coverage import compute_coverage, workers_to_target
from geo_outreach.analysis.household_reach import (
    HouseholdInputs,
    apply_households,
    household_pieces,
    household_summary,
)
from geo_outreach.analysis.priority import rank_villages
from geo_outreach.analysis.reach import (
    choose_metric_crs,
    nearest_offices,
    office_catchments,
    office_discs,
    share_inside,
    village_office_pieces,
)
from geo_outreach.analysis.result import AnalysisResult
from geo_outreach.config import AnalysisParams, ColumnMapping
from geo_outreach.inputs import boundaries, bundled, office_checks, reconcile, tables, validate
from geo_outreach.inputs import readers as io
from geo_outreach.inputs.file_kinds import file_sha256
from geo_outreach.inputs.schema import OFFICE_OUTPUT_COLUMNS, VILLAGE_OUTPUT_COLUMNS


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
    """

    boundaries: Path | str | None = None
    participation: Path | str | None = None
    offices: Path | str | None = None
    boundary_columns: ColumnMapping = field(default_factory=ColumnMapping)
    participation_columns: ColumnMapping = field(default_factory=ColumnMapping)
    office_columns: ColumnMapping = field(default_factory=ColumnMapping)

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


def prepare_inputs(paths: InputPaths, *, radius_km: float = 5.0) -> PreparedInputs:
    """
    Read, check and reconcile the three inputs, collecting every problem.

    Parameters
    ----------
    paths
        The input files (None for the bundled default).
    radius_km
        The radius, used to tell an office just outside the study area (a warning) from
        one far away (an error).

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
    inputs = {
        "boundaries": _input_record(boundaries_path, is_bundled=paths.boundaries is None),
        "participation": _input_record(participation_path,
                                       is_bundled=paths.participation is None,
                                       max_bytes=tables.MAX_TABLE_BYTES),
        "offices": _input_record(offices_path, is_bundled=paths.offices is None,
                                 max_bytes=tables.MAX_TABLE_BYTES),
    }
    # The synthetic table stays DEMO whichever way it comes in (bundled, a copy, an upload).
    is_demo = inputs["participation"]["sha256"] == file_sha256(bundled.DEMO_PARTICIPATION)

    participation_table = offices_table = None
    try:
        participation_table = io.read_participation(
            participation_path, mapping=paths.participation_columns)
    except InputError as err:
        problems.extend(err.problems)
    try:
        offices_table = io.read_offices(offices_path, mapping=paths.office_columns)
    except InputError as err:
        problems.extend(err.problems)

    empty_report = pd.DataFrame()
    if villages is None or districts is None or regencies is None:
        return PreparedInputs(gpd.GeoDataFrame(), gpd.GeoDataFrame(), gpd.GeoDataFrame(),
                              pd.DataFrame(), gpd.GeoDataFrame(), empty_report, problems,
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

    offices = gpd.GeoDataFrame()
    if offices_table is not None:
        offices, found = office_checks.validate_offices(offices_table, villages,
                                                        radius_km=radius_km)
        problems.extend(found)

    return PreparedInputs(villages, districts, regencies, matched, offices, report, problems,
                          is_demo, inputs)


def analyse(
    prepared: PreparedInputs,
    params: AnalysisParams,
    *,
    weights: gpd.GeoDataFrame | None = None,
    households: HouseholdInputs | None = None,
) -> AnalysisResult:
    """
    Compute coverage, the radius rule and the priority ranking.

    Parameters
    ----------
    prepared
        Inputs from :func:`prepare_inputs`.
    params
        Radius, target and denominator.
    weights
        Optional population points (EPSG:4326, ``weight`` column): a village's share
        inside the radius is then its share of population, not of area.
    households
        Classified household points
        (:func:`geo_outreach.analysis.household_reach.prepare_households`): villages with
        points get exact counts instead of the area apportionment.

    Returns
    -------
    AnalysisResult
        See :class:`geo_outreach.analysis.result.AnalysisResult`.

    Raises
    ------
    InputError
        If the inputs have any error-level problem, or no office is usable.
    """
    if prepared.errors:
        raise InputError(prepared.errors)
    if prepared.offices.empty:
        raise InputError(Problem(prepared.inputs["offices"]["path"], None, None, None,
                                 "no office to measure the radius from",
                                 "give an office file with at least one row (name, lat, lon)"))
    source = Path(prepared.inputs["participation"]["path"]).name
    metric_crs = choose_metric_crs(prepared.villages)
    villages = compute_coverage(prepared.villages, prepared.participation, params,
                                source=source).to_crs(metric_crs)
    offices = prepared.offices.to_crs(metric_crs)
    discs = office_discs(offices, params.radius_km)
    weights_metric = _weights_with_villages(weights, villages, metric_crs)

    reach_area = shapely.union_all(discs.geometry.to_numpy())
    villages["share_within_radius"] = share_inside(villages, reach_area, weights=weights_metric)
    villages["uncovered_within_radius"] = villages["uncovered"] * villages["share_within_radius"]
    villages["reach_method"] = "area" if weights is None else "population_points"
    outcome = (apply_households(villages, households, params.radius_km)
               if households is not None else None)
    for column in ("labour_force", "employed", "participants"):
        villages[f"{column}_within_radius"] = villages[column] * villages["share_within_radius"]
    nearest_id, distance_km = nearest_offices(villages, offices)
    names = offices.set_index("office_id")["name"]
    villages["nearest_office"] = names.reindex(nearest_id).to_numpy()
    villages["distance_to_office_km"] = distance_km

    catchments = office_catchments(offices, discs)
    pieces = village_office_pieces(villages, catchments, weights=weights_metric)
    if outcome is not None:
        pieces = household_pieces(pieces, villages, outcome)
    office_table = _office_totals(offices, villages, pieces, params)

    villages_out = villages.to_crs("EPSG:4326")
    extra = [c for c in villages_out.columns
             if c not in VILLAGE_OUTPUT_COLUMNS and c != "geometry"]
    villages_out = villages_out[[*VILLAGE_OUTPUT_COLUMNS, *extra, "geometry"]]
    discs_out = discs[["office_id", "name", "approximate", "geometry"]].to_crs("EPSG:4326")
    return AnalysisResult(
        villages=villages_out,
        offices=office_table,
        discs=discs_out,
        priority=rank_villages(villages_out),
        match_report=prepared.match_report,
        districts=prepared.districts,
        regencies=prepared.regencies,
        params=params,
        problems=prepared.warnings,
        is_demo=prepared.is_demo,
        inputs=(prepared.inputs if households is None
                else {**prepared.inputs, "households": households.record}),
        metric_crs=metric_crs,
        household_cells=None if outcome is None else outcome.cells,
        household_summary=None if households is None else household_summary(households),
        households_demo=households is not None and households.is_demo,
        household_rejects=None if households is None else households.classification.rejects,
    )


def _weights_with_villages(
    weights: gpd.GeoDataFrame | None, villages: gpd.GeoDataFrame, metric_crs: str
) -> gpd.GeoDataFrame | None:
    """Project population points and tag each with the village it falls in."""
    if weights is None:
        return None
    points = weights.to_crs(metric_crs)
    joined = gpd.sjoin(points[["weight", "geometry"]], villages[["code", "geometry"]],
                       predicate="within", how="inner")
    return joined.drop(columns="index_right")


def _office_totals(
    offices: gpd.GeoDataFrame,
    villages: gpd.GeoDataFrame,
    pieces: pd.DataFrame,
    params: AnalysisParams,
) -> gpd.GeoDataFrame:
    """Sum what lies in each office's catchment (inside its radius, nearest to it)."""
    counts = villages[["code", "has_data", "labour_force", "employed", "participants",
                       "uncovered", "denominator_value"]]
    joined = pieces.merge(counts, on="code", how="left")
    for column in ("labour_force", "employed", "participants", "uncovered", "denominator_value"):
        joined[column] = joined[column] * joined["share"]
    if "uncovered_exact" in joined.columns:  # household points: counted, not apportioned
        exact = joined["uncovered_exact"].notna()
        joined.loc[exact, "uncovered"] = joined.loc[exact, "uncovered_exact"]
    grouped = joined.groupby("office_id")
    totals = pd.DataFrame({
        "villages_within_radius": grouped["code"].nunique(),
        "labour_force_within_radius": grouped["labour_force"].sum(min_count=1),
        "employed_within_radius": grouped["employed"].sum(min_count=1),
        "participants_within_radius": grouped["participants"].sum(min_count=1),
        "denominator_within_radius": grouped["denominator_value"].sum(min_count=1),
        "uncovered_within_radius": grouped["uncovered"].sum(min_count=1),
        "villages_without_data": grouped["has_data"].apply(lambda has: int((~has).sum())),
    })
    for column in ("households", "uncovered_households"):
        if column in joined.columns:
            totals[f"{column}_within_radius"] = grouped[column].sum().astype("int64")
    table = offices.merge(totals, left_on="office_id", right_index=True, how="left")
    table["villages_within_radius"] = table["villages_within_radius"].fillna(0).astype(int)
    denominator = table["denominator_within_radius"]
    with np.errstate(divide="ignore", invalid="ignore"):
        table["coverage_within_radius"] = table["participants_within_radius"] / denominator.where(
            denominator > 0)
    table["gap_to_target"] = params.target - table["coverage_within_radius"]
    table["workers_to_target_within_radius"] = workers_to_target(
        denominator, table["participants_within_radius"], params.target)
    table = table.to_crs("EPSG:4326")
    table["lat"] = table.geometry.y.round(6)
    table["lon"] = table.geometry.x.round(6)
    extra = [c for c in table.columns if c not in OFFICE_OUTPUT_COLUMNS and c != "geometry"]
    return table[[*OFFICE_OUTPUT_COLUMNS, *extra, "geometry"]]


def run_analysis(
    paths: InputPaths | None = None, params: AnalysisParams | None = None
) -> AnalysisResult:
    """
    Read the inputs and run the whole analysis.

    Parameters
    ----------
    paths
        The input files; None (or None fields) for the bundled DIY data.
    params
        Radius, target and denominator; defaults to 5 km, 40 %, labour force.

    Returns
    -------
    AnalysisResult
        See :class:`geo_outreach.analysis.result.AnalysisResult`.

    Raises
    ------
    InputError
        With every error-level problem found in the inputs.
    """
    paths = paths or InputPaths()
    params = params or AnalysisParams()
    return analyse(prepare_inputs(paths, radius_km=params.radius_km), params)
