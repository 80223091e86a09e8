"""
The whole analysis in two calls: :func:`prepare_inputs` then :func:`analyse`.

Reading and checking the inputs is the slow part and does not depend on the radius,
target or denominator, so it is separate: the app prepares once and re-analyses on every
slider change. :func:`run_analysis` does both, for the CLI and scripts.
"""

from __future__ import annotations

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
    nearest_offices,
    office_catchments,
    office_discs,
    share_inside,
    village_office_pieces,
)
from geo_outreach.analysis.result import AnalysisResult
from geo_outreach.config import AnalysisParams
from geo_outreach.crs import choose_metric_crs
from geo_outreach.inputs.prepare import InputPaths, PreparedInputs, prepare_inputs
from geo_outreach.inputs.schema import OFFICE_OUTPUT_COLUMNS, VILLAGE_OUTPUT_COLUMNS


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
        (:func:`geo_outreach.analysis.household_reach.prepare_households`): villages whose
        register holds workers are placed by them instead of by area, and the register's
        own counts are added beside the table's (``households``, ``register_*``).

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
    villages["reach_method"] = "area" if weights is None else "population_points"
    outcome = (apply_households(villages, households, params.radius_km)
               if households is not None else None)
    # one measure: the table's uncovered workers, placed by the village's share inside
    villages["uncovered_within_radius"] = villages["uncovered"] * villages["share_within_radius"]
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
        office_pieces=pieces,
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
    # participants count only where the denominator is known, as in the headline
    joined["participants"] = joined["participants"].where(joined["denominator_value"].notna())
    for column in ("labour_force", "employed", "participants", "uncovered", "denominator_value"):
        joined[column] = joined[column] * joined["share"]
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
    for column in ("households", "uncovered_households", "register_workers",
                   "register_uncovered_workers"):  # the register's own counts
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
