"""
What may leave the machine: aggregates only, small counts suppressed, text escaped.

Every shared output (exported tables, maps) passes its tables through :func:`shareable`,
so the disclosure rule is enforced in one place. The in-memory analysis keeps the exact
numbers for ranking.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

import numpy as np

if TYPE_CHECKING:
    import pandas as pd

COUNT_COLUMNS: Final = ("households", "workers", "registered", "uncovered_workers",
                        "uncovered_households")
"""What is counted per village, office and cell (each also ``*_within_radius``)."""

DEFAULT_K: Final = 10

REGISTER_PREFIX: Final = "register_"
"""Worker counts from the household register are named ``register_*`` beside the table's."""
ROAD_NOT_MEASURED: Final = "households_road_not_measured"
"""Households inside the radius the roads could not measure: a count inside the radius."""
REGISTER_RATIOS: Final = ("register_completeness",)
"""Ratios that disclose a register count (completeness × denominator = register workers)."""


def is_count_column(column: str) -> bool:
    """
    Say whether a column is a household-register count (or a ratio that discloses one).

    Parameters
    ----------
    column
        A column name, e.g. ``households_within_radius`` or ``register_workers``.

    Returns
    -------
    bool
        True for :data:`COUNT_COLUMNS`, their ``register_`` names and ``*_within_radius``
        variants, and :data:`REGISTER_RATIOS`.
    """
    if column in REGISTER_RATIOS or column == ROAD_NOT_MEASURED:
        return True
    base = column.removeprefix(REGISTER_PREFIX)
    for suffix in ("_within_road_radius", "_within_radius"):
        base = base.removesuffix(suffix)
    return base in COUNT_COLUMNS


def suppress_small(table: pd.DataFrame, k: int) -> pd.DataFrame:
    """
    Blank the counts of groups with fewer than ``k`` households (statistical disclosure).

    Two levels: a group with 1 to k-1 households in all is suppressed whole; a group
    with 1 to k-1 households inside the radius keeps its totals but loses its
    ``*_within_radius`` counts. Zero stays zero: it discloses nobody.

    Parameters
    ----------
    table
        Aggregates with ``households`` and/or ``households_within_radius`` and other
        :data:`COUNT_COLUMNS`.
    k
        The threshold (default in the app and CLI: 10).

    Returns
    -------
    pd.DataFrame
        A copy: suppressed counts are missing (nullable Int64); ``suppressed`` (bool) marks
        a group with any count suppressed; ``households_label`` and
        ``households_within_radius_label`` hold the count as text, or ``"<k"``.
    """
    out = table.copy()
    if "suppressed" in out.columns:  # already suppressed: doing it twice would lose labels
        return out
    out["suppressed"] = False
    counted = [c for c in out.columns if is_count_column(c)]
    levels = (("households", counted),
              ("households_within_radius", [c for c in counted if c.endswith("_within_radius")
                                            or c == ROAD_NOT_MEASURED]),
              ("households_within_road_radius",
               [c for c in counted if c.endswith("_within_road_radius")]))
    for count_column, columns in levels:
        if count_column not in out.columns:
            continue
        counts = table[count_column].astype("Int64")
        small = ((counts > 0) & (counts < k)).fillna(value=False).to_numpy(dtype=bool)
        out[f"{count_column}_label"] = counts.astype("string").where(~small, f"<{k}")
        for column in columns:
            dtype = "Float64" if column in REGISTER_RATIOS else "Int64"
            out[column] = out[column].astype(dtype).mask(small)
        out["suppressed"] |= small
    return out


HOUSEHOLD_DERIVED = ("uncovered_within_radius", "share_within_radius",
                     "uncovered_within_road_radius", "share_within_road_radius")
"""Columns a ``household_points`` row derives from its households: its share inside the
radius is its register workers' share, so with the register's totals it would give back a
suppressed count."""


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
        A copy where household counts (and, in villages placed by household points,
        :data:`HOUSEHOLD_DERIVED`) of groups with 1 to k-1 households inside the radius
        (straight or by road) are missing, with the ``*_label`` columns saying ``"<k"``.
    """
    if "households_within_radius" not in table.columns:
        return table
    small = np.zeros(len(table), dtype=bool)
    for column in ("households_within_radius", "households_within_road_radius"):
        if column in table.columns:
            counts = table[column].astype("Int64")
            small |= ((counts > 0) & (counts < k)).fillna(value=False).to_numpy(dtype=bool)
    out = suppress_small(table, k)
    counted_rows = (out["reach_method"] == "household_points").to_numpy() if (
        "reach_method" in out.columns) else np.ones(len(out), dtype=bool)
    for column in HOUSEHOLD_DERIVED:
        if column in out.columns:
            out[column] = out[column].astype("Float64").mask(small & counted_rows)
    return out
