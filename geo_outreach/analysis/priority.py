"""Priority: the villages inside the radius, ranked by uncovered workers inside it."""

from __future__ import annotations

import pandas as pd

from geo_outreach.inputs.schema import PRIORITY_OUTPUT_COLUMNS

PRIORITY_EXTRA_COLUMNS = ("reach_method", "households_within_radius",
                          "uncovered_households_within_radius")
"""Carried along when present, so shared copies can suppress small household counts."""


def rank_villages(villages: pd.DataFrame, *, min_share: float = 0.0) -> pd.DataFrame:
    """
    Rank the villages that lie (partly) inside an office radius.

    Parameters
    ----------
    villages
        The analysed villages (see :class:`geo_outreach.analysis.result.AnalysisResult`).
    min_share
        Leave out villages with at most this share inside the radius (default: keep any
        village that touches a radius).

    Returns
    -------
    pd.DataFrame
        :data:`geo_outreach.inputs.schema.PRIORITY_OUTPUT_COLUMNS` (then
        :data:`PRIORITY_EXTRA_COLUMNS` when present), most uncovered workers inside
        the radius first; ties go to the larger gap to the target, then the code. ``rank``
        starts at 1. Villages without participation data are left out.
    """
    inside = villages[(villages["share_within_radius"] > min_share) & villages["has_data"]]
    ranked = inside.sort_values(
        ["uncovered_within_radius", "gap_to_target", "code"],
        ascending=[False, False, True],
        kind="stable",
    ).reset_index(drop=True)
    ranked["rank"] = range(1, len(ranked) + 1)
    extra = [c for c in PRIORITY_EXTRA_COLUMNS if c in ranked.columns]
    return pd.DataFrame(ranked[[*PRIORITY_OUTPUT_COLUMNS, *extra]])
