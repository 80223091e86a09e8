"""
What may leave the machine: aggregates only, small counts suppressed, text escaped.

Every shared output (exported tables, maps) passes its tables through :func:`shareable`,
so the disclosure rule is enforced in one place. The in-memory analysis keeps the exact
numbers for ranking.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from geo_outreach.analysis.households import DEFAULT_K, suppress_small

if TYPE_CHECKING:
    import pandas as pd

HOUSEHOLD_DERIVED = ("uncovered_within_radius",)
"""Columns that are exact household counts in a ``household_points`` row."""


def shareable(table: pd.DataFrame, k: int = DEFAULT_K) -> pd.DataFrame:
    """
    Suppress household counts below ``k`` in a villages or offices table.

    Parameters
    ----------
    table
        A result table. Tables without household columns come back unchanged.
    k
        The threshold.

    Returns
    -------
    pd.DataFrame
        A copy where household counts (and, in villages counted from household points,
        ``uncovered_within_radius``) of groups with 1 to k-1 households inside the radius
        are missing, with the ``*_label`` columns saying ``"<k"``.
    """
    if "households_within_radius" not in table.columns:
        return table
    within = table["households_within_radius"].astype("Int64")
    small = ((within > 0) & (within < k)).fillna(value=False).to_numpy(dtype=bool)
    out = suppress_small(table, k)
    counted_rows = (out["reach_method"] == "household_points").to_numpy() if (
        "reach_method" in out.columns) else np.ones(len(out), dtype=bool)
    for column in HOUSEHOLD_DERIVED:
        if column in out.columns:
            out[column] = out[column].astype("Float64").mask(small & counted_rows)
    return out
