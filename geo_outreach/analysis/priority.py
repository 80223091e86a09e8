"""
Priority: the villages inside the radius, ranked.

:func:`rank_villages` makes the ranking the command line writes (``priority.csv``: most
uncovered workers inside any radius first); :func:`priority_view` reads it for one office
and kabupaten, in the order a user chooses.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

import pandas as pd

from geo_outreach.analysis.coverage import workers_to_target
from geo_outreach.analysis.headline import scope_pieces
from geo_outreach.inputs.schema import PRIORITY_OUTPUT_COLUMNS

if TYPE_CHECKING:
    from geo_outreach.analysis.result import AnalysisResult

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


PRIORITY_ORDERS: Final = {
    "gap": ("gap_to_target", "uncovered_within_radius"),
    "uncovered": ("uncovered_within_radius", "gap_to_target"),
    "workers_to_target": ("workers_to_target_within_radius", "gap_to_target"),
}
"""The orders a priority list can be read in: column first, then the tie-breaker."""

PRIORITY_VIEW_COLUMNS: Final = (
    "rank", "name", "coverage", "gap_to_target", "uncovered_within_radius",
    "workers_to_target_within_radius", "district", "regency", "nearest_office",
    "distance_to_office_km", "share_within_radius", "code",
)
"""What a branch head reads first: coverage and the gap, then the workers behind them."""


def priority_view(result: AnalysisResult, *, office_id: str | None = None,
                  regency: str | None = None, order: str = "uncovered") -> pd.DataFrame:
    """
    List the villages of one scope, in the order the user asked for.

    Parameters
    ----------
    result
        The run.
    office_id
        Only the part of each village inside this office's radius and nearest to it
        (None: inside any radius).
    regency
        Only the villages of this kabupaten/kota (None: all).
    order
        A key of :data:`PRIORITY_ORDERS`: the largest gap to the target (percentage
        points), the most uncovered workers inside the radius, or the most participants
        needed inside the radius to reach the target.

    Returns
    -------
    pd.DataFrame
        :data:`PRIORITY_VIEW_COLUMNS` (then :data:`PRIORITY_EXTRA_COLUMNS` when present),
        ranked from 1. ``uncovered_within_radius``, ``workers_to_target_within_radius``
        and the household counts count the scope's part of the village.
    """
    if order not in PRIORITY_ORDERS:
        raise ValueError(f"order must be one of {', '.join(PRIORITY_ORDERS)}, not {order!r}")
    pieces = scope_pieces(result, result.office_pieces, office_id=office_id, regency=regency)
    share = pieces.groupby("code")["share"].sum()
    villages = result.villages.drop(columns="geometry")
    villages = villages[villages["code"].isin(share.index[share > 0]) & villages["has_data"]]
    villages = villages.assign(share_within_radius=share.reindex(villages["code"]).to_numpy())
    if "households" in pieces.columns:  # the register's counts of the scope's part too
        counted = pieces.groupby("code")[["households", "uncovered_households"]].sum()
        villages["households_within_radius"] = counted["households"].reindex(
            villages["code"]).fillna(0).astype("int64").to_numpy()
        villages["uncovered_households_within_radius"] = counted[
            "uncovered_households"].reindex(villages["code"]).fillna(0).astype("int64").to_numpy()
    inside = villages["share_within_radius"]
    villages["uncovered_within_radius"] = villages["uncovered"] * inside
    villages["workers_to_target_within_radius"] = workers_to_target(
        villages["denominator_value"] * inside, villages["participants"] * inside,
        result.params.target)
    first, second = PRIORITY_ORDERS[order]
    ranked = villages.sort_values([first, second, "code"], ascending=[False, False, True],
                                  kind="stable").reset_index(drop=True)
    ranked["rank"] = range(1, len(ranked) + 1)
    extra = [c for c in PRIORITY_EXTRA_COLUMNS if c in ranked.columns]
    return pd.DataFrame(ranked[[*PRIORITY_VIEW_COLUMNS, *extra]])
