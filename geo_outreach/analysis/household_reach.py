"""
Household points in the analysis: where the workers are, and the register's own counts.

Two sources stay two measures (README, Method):

- **The participation table** says *how many*: uncovered = denominator − participants.
  Household points only say *where* in the village the workers live: a village with
  points gets ``reach_method`` ``household_points`` and its share inside the radius is
  the share of its register workers there (instead of its share of area), so
  ``uncovered_within_radius`` stays uncovered × share, a table figure.
- **The household register** says what it holds, exactly: ``households``,
  ``register_workers``, ``register_uncovered_workers`` (each also ``*_within_radius``),
  ``uncovered_households_within_radius`` and ``register_completeness`` (register workers ÷
  the village denominator: how much of the table the register covers).

:func:`prepare_households` reads and classifies the points once (the slow part);
:func:`apply_households` then applies any radius.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Final

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
                             "uncovered_households_within_radius", "register_workers",
                             "register_workers_within_radius", "register_uncovered_workers",
                             "register_uncovered_workers_within_radius")
REGISTER_NAMES: Final = {"workers": "register_workers",
                         "workers_within_radius": "register_workers_within_radius",
                         "uncovered_workers": "register_uncovered_workers",
                         "uncovered_workers_within_radius":
                             "register_uncovered_workers_within_radius"}
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
        cells = h3_text(self.classification.chunks.unique_cells())
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
        A household file; None for the DEMO layer (classified from memory by
        :func:`households_from_table`).
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
    if path is not None:
        area = build_study_area(prepared.villages, prepared.offices, radius_km=radius_km)
        classification = classify_households(path, area, params, mapping=mapping, name=name)
        record = {"path": name or str(path), "sha256": file_sha256(Path(path))}
        return HouseholdInputs(classification, area, params, is_demo=False, record=record)
    table = demo_households(prepared)
    record = {"path": f"generated:DEMO households ({len(table)}, seed in "
                      "geo_outreach/synthetic.py)", "sha256": ""}
    return households_from_table(prepared, table, name="DEMO households", params=params,
                                 radius_km=radius_km, is_demo=True, record=record)


def households_from_table(
    prepared: PreparedInputs,
    table: pd.DataFrame,
    *,
    name: str,
    params: HouseholdParams | None = None,
    radius_km: float = 5.0,
    is_demo: bool = False,
    record: dict[str, str] | None = None,
) -> HouseholdInputs:
    """
    Classify household points held in memory, as :func:`prepare_households` does a file.

    Parameters
    ----------
    prepared
        Inputs without errors.
    table
        ``id``, ``lat``, ``lon``, ``workers``, ``registered``; one row per household
        (row numbers in messages start at 2, as in a spreadsheet with a header).
    name
        What to call the points in messages and the run record.
    params
        H3 resolution, suppression threshold.
    radius_km
        The radius the study area starts with.
    is_demo
        True for synthetic points.
    record
        The run record's ``path`` and ``sha256`` (default: the name, no digest).

    Returns
    -------
    HouseholdInputs
        The classification and what it needs.
    """
    from geo_outreach.inputs.household_files import HouseholdChunk  # noqa: PLC0415

    params = params or HouseholdParams()
    area = build_study_area(prepared.villages, prepared.offices, radius_km=radius_km)
    chunk = HouseholdChunk(
        rows=np.arange(2, len(table) + 2), ids=table["id"].reset_index(drop=True),
        lat=table["lat"].to_numpy(float), lon=table["lon"].to_numpy(float),
        workers=table["workers"].reset_index(drop=True),
        registered=table["registered"].reset_index(drop=True))
    classification = classify_households([chunk], area, params, name=name)
    return HouseholdInputs(classification, area, params, is_demo=is_demo,
                           record=record or {"path": name, "sha256": ""})


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
    Put the register's counts onto the villages (in place), and its workers as weights.

    Parameters
    ----------
    villages
        Villages with ``code``, ``uncovered``, ``denominator_value`` and an area-based
        ``share_within_radius``.
    households
        From :func:`prepare_households`.
    radius_km
        The radius.

    Returns
    -------
    HouseholdOutcome
        The aggregates, hexagons and per-office pieces.

    Notes
    -----
    A village whose register holds workers takes its share inside the radius from them
    (``reach_method`` ``household_points``); one without (no points, or points with no
    workers) keeps its share of area. ``uncovered_within_radius`` is left to the caller:
    it is always the table's uncovered × that share.
    """
    aggregates = aggregate(households.classification, households.area, households.params,
                           radius_km=radius_km)
    counts = (aggregates.villages.set_index("code").reindex(villages["code"]).fillna(0)
              .rename(columns=REGISTER_NAMES))
    weighted = (counts["register_workers"] > 0).to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        point_share = np.where(weighted, counts["register_workers_within_radius"]
                               / counts["register_workers"], 0.0)
    villages["share_within_radius"] = np.where(weighted, point_share,
                                               villages["share_within_radius"])
    villages["reach_method"] = np.where(weighted, "household_points", villages["reach_method"])
    for column in HOUSEHOLD_VILLAGE_COLUMNS:
        villages[column] = counts[column].to_numpy().astype("int64")
    denominator = villages["denominator_value"].to_numpy(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        villages["register_completeness"] = np.where(
            denominator > 0, villages["register_workers"] / denominator, np.nan)
    pieces = village_office_counts(households.classification, households.area,
                                   radius_km=radius_km)
    return HouseholdOutcome(aggregates, cell_polygons(aggregates.cells, households.cell_shapes),
                            pieces)


def household_pieces(area_pieces: pd.DataFrame, villages: pd.DataFrame,
                     outcome: HouseholdOutcome) -> pd.DataFrame:
    """
    Split villages weighted by their register workers among the offices by those workers.

    Parameters
    ----------
    area_pieces
        ``code``, ``office_id``, ``share`` from the catchment apportionment.
    villages
        Villages with ``reach_method`` and ``register_workers``.
    outcome
        From :func:`apply_households`.

    Returns
    -------
    pd.DataFrame
        ``code``, ``office_id``, ``share`` (for a village weighted by points: the share of
        its register workers inside the radius and nearest to that office) and the
        register counts of each piece (``households``, ``uncovered_households``,
        ``register_workers``, ``register_uncovered_workers``; 0 for area pieces).
    """
    by_points = set(villages.loc[villages["reach_method"] == "household_points", "code"])
    kept = area_pieces[~area_pieces["code"].isin(by_points)][["code", "office_id", "share"]]
    totals = villages.set_index("code")["register_workers"]
    counted = outcome.pieces
    with np.errstate(divide="ignore", invalid="ignore"):
        share = counted["workers"] / totals.reindex(counted["code"]).to_numpy()
    share = np.where(counted["code"].isin(by_points), np.nan_to_num(share), 0.0)
    point_pieces = pd.DataFrame({"code": counted["code"], "office_id": counted["office_id"],
                                 "share": share,
                                 "households": counted["households"],
                                 "uncovered_households": counted["uncovered_households"],
                                 "register_workers": counted["workers"],
                                 "register_uncovered_workers": counted["uncovered_workers"]})
    # register counts of a village without register workers stay counted, with share 0
    # in its area piece's place: merge them into the area pieces where both exist
    combined = pd.concat([kept, point_pieces], ignore_index=True)
    combined = combined.groupby(["code", "office_id"], as_index=False, sort=False).agg(
        share=("share", "sum"), households=("households", "sum"),
        uncovered_households=("uncovered_households", "sum"),
        register_workers=("register_workers", "sum"),
        register_uncovered_workers=("register_uncovered_workers", "sum"))
    for column in ("households", "uncovered_households", "register_workers",
                   "register_uncovered_workers"):
        combined[column] = combined[column].astype("int64")
    return combined


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
        "rows_used": len(classification.chunks),
        "rows_rejected": len(classification.rejects),
        "rejected_by_reason": {str(k): int(v) for k, v in
                               classification.rejects["reason"].value_counts().items()},
        "h3_resolution": households.params.h3_resolution,
        "min_cell_households": households.params.min_cell_households,
        "demo": households.is_demo,
    }
