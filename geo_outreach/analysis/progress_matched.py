"""
Like-for-like changes: compare two months over the villages both of them hold.

A month's totals sum only the villages with a snapshot that month, so two months that hold
different villages (a table missing a village, a kabupaten's own file next to the whole
province's) cannot be subtracted: the difference would count villages, not new
participants. Every change, pace and trend of the progress report is therefore measured
here, per unit, over the villages present in both months compared, each weighted as in the
unit (1, or an office piece's share).
"""

from __future__ import annotations

from typing import Final

import numpy as np
import pandas as pd

PERCENTAGE_POINTS: Final = 100.0
KEYS: Final = ["level", "unit_id"]


def paired_changes(counts: pd.DataFrame, membership: pd.DataFrame,
                   pairs: pd.DataFrame) -> pd.DataFrame:
    """
    Measure each unit's change between two months over the villages both hold.

    Parameters
    ----------
    counts
        One row per village and month: ``month``, ``code``, ``denominator`` and
        ``participants`` (:func:`geo_outreach.analysis.progress_levels.village_counts`).
    membership
        ``level``, ``unit_id``, ``code`` and ``weight``: which villages count in each unit.
    pairs
        ``level``, ``unit_id``, ``before`` and ``after`` (months, ``"YYYY-MM"``): the two
        months to compare for each unit (any number of rows per unit).

    Returns
    -------
    pd.DataFrame
        ``level``, ``unit_id``, ``before``, ``after``, ``participants_change`` (weighted
        participants after − before) and ``coverage_change_pp`` (coverage after − before,
        in percentage points, both over the same villages), ``villages_compared``; NaN
        where no village is in both months with a known denominator.
    """
    known = counts[counts["denominator"].notna()]
    pieces = pairs.merge(membership, on=KEYS, how="inner")
    for side in ("before", "after"):
        pieces = pieces.merge(
            known.rename(columns={"month": side, "denominator": f"denominator_{side}",
                                  "participants": f"participants_{side}"}),
            on=["code", side], how="inner")
    for column in ("denominator_before", "denominator_after", "participants_before",
                   "participants_after"):
        pieces[column] = pieces[column] * pieces["weight"]
    grouped = pieces.groupby([*KEYS, "before", "after"], sort=False)
    sums = grouped[["denominator_before", "denominator_after", "participants_before",
                    "participants_after"]].sum(min_count=1)
    sums["villages_compared"] = grouped["code"].nunique()
    with np.errstate(divide="ignore", invalid="ignore"):
        coverage_before = sums["participants_before"] / sums["denominator_before"].where(
            sums["denominator_before"] > 0)
        coverage_after = sums["participants_after"] / sums["denominator_after"].where(
            sums["denominator_after"] > 0)
    changes = pd.DataFrame({
        "participants_change": sums["participants_after"] - sums["participants_before"],
        "coverage_change_pp": (coverage_after - coverage_before) * PERCENTAGE_POINTS,
        "villages_compared": sums["villages_compared"].astype("int64"),
    }).reset_index()
    return pairs.merge(changes, on=[*KEYS, "before", "after"], how="left")
