"""Coverage per village: participants ÷ denominator, the gap to the target, the uncovered."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from geo_outreach._errors import InputError, Problem
from geo_outreach.inputs import wording
from geo_outreach.inputs.schema import SEGMENTS

if TYPE_CHECKING:
    import geopandas as gpd
    import pandas as pd

    from geo_outreach.config import AnalysisParams

COUNT_COLUMNS = ("labour_force", "employed", "participants", *SEGMENTS)
PROVISIONAL_COLUMN = "provisional_participants"
"""Participants counted from field registrations, already inside ``participants``, until
a monthly snapshot shows them (:mod:`geo_outreach.analysis.provisional`)."""
PROVISIONAL_HOUSEHOLDS = "provisional_households"
"""The households those registrations were made in (a household register does not know
them: the plans take them off its uncovered households)."""
"""Numeric participation columns carried onto the villages when present."""


def workers_to_target(denominator: pd.Series, participants: pd.Series, target: float) -> pd.Series:
    """
    Count the participants still needed to reach the target.

    Parameters
    ----------
    denominator
        Workers the coverage is measured against (labour force or employed).
    participants
        Active participants.
    target
        The coverage target as a fraction.

    Returns
    -------
    pd.Series
        ``ceil(target × denominator − participants)``, at least 0; NaN where an input is.
    """
    needed = np.ceil((target * denominator - participants).round(6))
    return needed.clip(lower=0)


def compute_coverage(
    villages: gpd.GeoDataFrame,
    participation: pd.DataFrame,
    params: AnalysisParams,
    *,
    source: str = "participation",
) -> gpd.GeoDataFrame:
    """
    Join participation onto the villages and compute coverage.

    Parameters
    ----------
    villages
        Village polygons with at least ``code``.
    participation
        One row per matched village: ``code`` and the counts (``participants`` and the
        denominator column chosen in ``params``; segments optional).
    params
        Target and denominator.
    source
        The participation file's name, for error messages.

    Returns
    -------
    gpd.GeoDataFrame
        ``villages`` plus the counts, ``has_data``, ``denominator_value``, ``coverage``
        (fraction), ``gap_to_target`` (target − coverage), ``uncovered`` (denominator −
        participants, at least 0) and ``workers_to_target``. Villages without a row keep
        NaN numbers and ``has_data`` False.
    """
    if params.denominator not in participation.columns or participation[
        params.denominator
    ].isna().all():
        other = "employed" if params.denominator == "labour_force" else "labour_force"
        raise InputError(Problem(
            source, None, params.denominator, None,
            f"the chosen denominator '{params.denominator}' is not in the participation table",
            f"add a column '{params.denominator}' or choose --denominator {other}",
            key="coverage.missing_denominator",
            args={"denominator": wording.part(f"denominator_column.{params.denominator}",
                                              params.denominator),
                  "other": other},
        ))
    present = [c for c in (*COUNT_COLUMNS, PROVISIONAL_COLUMN, PROVISIONAL_HOUSEHOLDS)
               if c in participation.columns]
    counts = participation[["code", *present]].copy()
    counts[present] = counts[present].astype("float64")
    counts["has_data"] = True
    joined = villages.merge(counts, on="code", how="left", validate="1:1")
    joined["has_data"] = joined["has_data"].fillna(value=False).astype(bool)
    for column in ("labour_force", "employed"):
        if column not in joined.columns:
            joined[column] = np.nan

    denominator = joined[params.denominator]
    participants = joined["participants"]
    with np.errstate(divide="ignore", invalid="ignore"):
        coverage = participants / denominator.where(denominator > 0)
    joined["denominator_value"] = denominator
    joined["coverage"] = coverage
    joined["gap_to_target"] = params.target - coverage
    joined["uncovered"] = (denominator - participants).clip(lower=0)
    joined["workers_to_target"] = workers_to_target(denominator, participants, params.target)
    return joined
