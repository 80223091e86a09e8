"""
Household points in the analysis: exact counts replace the area apportionment.

:func:`prepare_households` reads and classifies the points once (the slow part);
:func:`apply_households` then puts exact counts onto the villages and the per-office
pieces for any radius. A village with household points gets ``reach_method``
``household_points``: its share inside the radius is the share of its household workers
there, and its uncovered workers inside the radius are counted, not estimated. A village
without points keeps the area apportionment (``reach_method`` ``area``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from geo_outreach.analysis.household_cells import (
    HouseholdAggregates,
    aggregate,
    cell_polygons,
    h3_text,
    hexagons,
    village_office_counts,
)
from geo_outreach.analysis.households import (
    HouseholdClassification,
    HouseholdParams,
    classify_households,
)
from geo_outreach.analysis.village_locator import StudyArea, build_study_area
from geo_outreach.inputs.file_kinds import file_sha256
from geo_outreach.inputs.synthetic import DEMO_HOUSEHOLDS, synthetic_households

if TYPE_CHECKING:
    import geopandas as gpd

    from geo_outreach.config import ColumnMapping
    from geo_outreach.inputs.prepare import PreparedInputs

HOUSEHOLD_VILLAGE_COLUMNS = ("households", "households_within_radius",
                             "uncovered_households_within_radius",
                             "uncovered_workers_within_radius")
"""Household counts added to each village (and office)."""


@dataclass(frozen=True)
class HouseholdInputs:
    """
    Classified household points, ready for :func:`apply_households`.

    Attributes
    ----------
    classification
        Usable households and rejected rows.
    area
        The lookups they were classified with.
    params
        H3 resolution and the suppression threshold.
    is_demo
        True for the bundled synthetic layer.
    record
        ``{"path": ..., "sha256": ...}`` for the run manifest.
    cell_shapes
        The hexagon of every H3 cell with households, drawn once here: the cells do not
        change with the radius, only their counts do.
    """

    classification: HouseholdClassification
    area: StudyArea
    params: HouseholdParams
    is_demo: bool
    record: dict[str, str]
    cell_shapes: gpd.GeoSeries = field(init=False, repr=False)

    def __post_init__(self) -> None:
        """Draw the cells' hexagons once per classification."""
        cells = h3_text(np.unique(self.classification.households.h3))
        object.__setattr__(self, "cell_shapes", hexagons(cells))


def demo_households(prepared: PreparedInputs, *, count: int = DEMO_HOUSEHOLDS) -> pd.DataFrame:
    """
    Make the DEMO household layer: seeded, consistent with the DEMO participation.

    Parameters
    ----------
    prepared
        The prepared (bundled) inputs.
    count
        Households to generate.

    Returns
    -------
    pd.DataFrame
        ``id``, ``lat``, ``lon``, ``workers``, ``registered``.
    """
    table = prepared.participation.set_index("code")
    coverage = (table["participants"] / table["labour_force"]).clip(0, 1)
    return synthetic_households(prepared.villages, count, coverage=coverage)


def prepare_households(
    prepared: PreparedInputs,
    path: Path | None,
    *,
    params: HouseholdParams | None = None,
    mapping: ColumnMapping | None = None,
    radius_km: float = 5.0,
    name: str | None = None,
) -> HouseholdInputs:
    """
    Read and classify household points against the prepared boundaries and offices.

    Parameters
    ----------
    prepared
        Inputs without errors.
    path
        A household file; None for the DEMO layer (written to a temporary Parquet file
        and read back through the same reader as a user's file).
    params
        H3 resolution, suppression threshold, chunk size.
    mapping
        The user's own headers.
    radius_km
        The radius the study area starts with (any radius can be applied later).
    name
        The file's name for messages and the run record, when ``path`` is not the name
        the user knows (an upload saved under the app's own name).

    Returns
    -------
    HouseholdInputs
        The classification and what it needs.
    """
    params = params or HouseholdParams()
    area = build_study_area(prepared.villages, prepared.offices, radius_km=radius_km)
    if path is not None:
        classification = classify_households(path, area, params, mapping=mapping, name=name)
        record = {"path": name or str(path), "sha256": file_sha256(Path(path))}
        return HouseholdInputs(classification, area, params, is_demo=False, record=record)
    from geo_outreach.inputs.household_files import HouseholdChunk  # noqa: PLC0415

    table = demo_households(prepared)
    chunk = HouseholdChunk(
        rows=np.arange(2, len(table) + 2), ids=table["id"], lat=table["lat"].to_numpy(),
        lon=table["lon"].to_numpy(), workers=table["workers"], registered=table["registered"])
    classification = classify_households([chunk], area, params, name="DEMO households")
    record = {"path": f"generated:DEMO households ({len(table)}, seed in "
                      "geo_outreach/synthetic.py)", "sha256": ""}
    return HouseholdInputs(classification, area, params, is_demo=True, record=record)


@dataclass(frozen=True)
class HouseholdOutcome:
    """
    What household points add to one analysis.

    Attributes
    ----------
    aggregates
        Exact counts per village, office and H3 cell.
    cells
        The H3 cells as hexagons (EPSG:4326), small ones suppressed.
    pieces
        Per (village, office): workers and uncovered workers inside the radius.
    """

    aggregates: HouseholdAggregates
    cells: gpd.GeoDataFrame
    pieces: pd.DataFrame


def apply_households(villages: gpd.GeoDataFrame, households: HouseholdInputs,
                     radius_km: float) -> HouseholdOutcome:
    """
    Put exact household counts onto the villages (in place) for one radius.

    Parameters
    ----------
    villages
        Villages with ``code``, ``uncovered`` and an area-based ``share_within_radius``.
    households
        From :func:`prepare_households`.
    radius_km
        The radius.

    Returns
    -------
    HouseholdOutcome
        The aggregates, hexagons and per-office pieces.
    """
    aggregates = aggregate(households.classification, households.area, households.params,
                           radius_km=radius_km)
    counts = aggregates.villages.set_index("code").reindex(villages["code"]).fillna(0)
    has_points = (counts["households"] > 0).to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        point_share = np.where(counts["workers"] > 0,
                               counts["workers_within_radius"] / counts["workers"], 0.0)
    villages["share_within_radius"] = np.where(has_points, point_share,
                                               villages["share_within_radius"])
    villages["reach_method"] = np.where(has_points, "household_points", "area")
    for column in HOUSEHOLD_VILLAGE_COLUMNS:
        villages[column] = counts[column].to_numpy().astype("int64")
    villages["uncovered_within_radius"] = np.where(
        has_points, counts["uncovered_workers_within_radius"].to_numpy(),
        villages["uncovered"] * villages["share_within_radius"])
    pieces = village_office_counts(households.classification, households.area,
                                   radius_km=radius_km)
    return HouseholdOutcome(aggregates, cell_polygons(aggregates.cells, households.cell_shapes),
                            pieces)


def household_pieces(area_pieces: pd.DataFrame, villages: pd.DataFrame,
                     outcome: HouseholdOutcome) -> pd.DataFrame:
    """
    Replace the area pieces of villages with points by their household pieces.

    Parameters
    ----------
    area_pieces
        ``code``, ``office_id``, ``share`` from the catchment apportionment.
    villages
        Villages with ``reach_method`` and the household worker totals.
    outcome
        From :func:`apply_households`.

    Returns
    -------
    pd.DataFrame
        ``code``, ``office_id``, ``share`` and ``uncovered_exact`` (NaN for area pieces):
        for a village with points, ``share`` is the share of its household workers
        inside the radius nearest to that office.
    """
    by_points = set(villages.loc[villages["reach_method"] == "household_points", "code"])
    kept = area_pieces[~area_pieces["code"].isin(by_points)].assign(uncovered_exact=np.nan)
    totals = outcome.aggregates.villages.set_index("code")["workers"]
    counted = outcome.pieces[outcome.pieces["code"].isin(by_points)]
    with np.errstate(divide="ignore", invalid="ignore"):
        share = counted["workers"] / totals.reindex(counted["code"]).to_numpy()
    point_pieces = pd.DataFrame({"code": counted["code"], "office_id": counted["office_id"],
                                 "share": np.nan_to_num(share),
                                 "uncovered_exact": counted["uncovered_workers"].astype(float),
                                 "households": counted["households"],
                                 "uncovered_households": counted["uncovered_households"]})
    return pd.concat([kept, point_pieces], ignore_index=True)


def household_summary(households: HouseholdInputs) -> dict[str, object]:
    """
    Say how many household rows were read, used and set aside, and why.

    Parameters
    ----------
    households
        From :func:`prepare_households`.

    Returns
    -------
    dict
        ``source``, ``rows_read``, ``rows_used``, ``rows_rejected``, ``rejected_by_reason``,
        ``h3_resolution``, ``min_cell_households`` and ``demo``.
    """
    classification = households.classification
    return {
        "source": classification.source,
        "rows_read": classification.rows_read,
        "rows_used": len(classification.households),
        "rows_rejected": len(classification.rejects),
        "rejected_by_reason": {str(k): int(v) for k, v in
                               classification.rejects["reason"].value_counts().items()},
        "h3_resolution": households.params.h3_resolution,
        "min_cell_households": households.params.min_cell_households,
        "demo": households.is_demo,
    }
