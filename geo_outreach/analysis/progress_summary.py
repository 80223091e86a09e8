"""
One line per unit: where its coverage stands, how fast it moves, and whether that is enough.

The pace is the change in participants over the last few months, per month; the
projection carries the latest count forward at that pace to the target month.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

import numpy as np
import pandas as pd

from geo_outreach.analysis.coverage import workers_to_target
from geo_outreach.analysis.progress_matched import paired_changes
from geo_outreach.months import months_between

if TYPE_CHECKING:
    from collections.abc import Sequence

TRENDS: Final = ("improving", "flat", "declining")
"""The values of the summary's ``trend`` column (None where it cannot be told)."""

SUMMARY_COLUMNS: Final = (
    "level", "unit_id", "unit_name", "regency", "first_month", "latest_month",
    "months_with_data", "coverage_first", "coverage_latest", "change_pp", "pace_per_month",
    "coverage_pace_pp", "trend", "needed_by_target", "months_left", "needed_per_month",
    "projected_participants", "projected_coverage", "on_track", "denominator_latest",
    "participants_latest",
)
"""The columns of :attr:`geo_outreach.analysis.progress.ProgressReport.summary`."""

KEYS: Final = ["level", "unit_id"]


def _trend(coverage_pace_pp: pd.Series, months_with_data: pd.Series,
           threshold_pp: float) -> pd.Series:
    """Name the direction of the coverage pace; None with one month or no coverage."""
    trend = pd.Series(None, index=coverage_pace_pp.index, dtype=object)
    known = coverage_pace_pp.notna() & (months_with_data >= 2)  # noqa: PLR2004 - a change needs two
    trend[known & (coverage_pace_pp > threshold_pp)] = "improving"
    trend[known & (coverage_pace_pp < -threshold_pp)] = "declining"
    trend[known & coverage_pace_pp.between(-threshold_pp, threshold_pp)] = "flat"
    return trend


def _pace_base(ordered: pd.DataFrame, month_number: pd.Series, first: pd.DataFrame,
               pace_months: int) -> pd.DataFrame:
    """
    Pick each unit's month to measure the pace from.

    That is its latest month at least ``pace_months`` before its latest month (a month
    without data makes the window a little longer); a unit with a shorter history starts
    from its first month.
    """
    latest_number = month_number.groupby([ordered["level"], ordered["unit_id"]]
                                         ).transform("max")
    eligible = ordered[month_number <= latest_number - pace_months]
    base = eligible.drop_duplicates(KEYS, keep="last").set_index(KEYS)
    missing = first.index.difference(base.index)
    return pd.concat([base, first.loc[missing]]).reindex(first.index)


def _compared(counts: pd.DataFrame, membership: pd.DataFrame, before: pd.Series,
              after: pd.Series) -> pd.DataFrame:
    """Each unit's like-for-like change from its ``before`` to its ``after`` month."""
    pairs = pd.DataFrame({"before": before, "after": after}).reset_index()
    changes = paired_changes(counts, membership, pairs)
    return changes.set_index(KEYS).reindex(before.index)


def summarise(
    monthly: pd.DataFrame,
    units: pd.DataFrame,
    months: Sequence[str],
    counts: pd.DataFrame,
    membership: pd.DataFrame,
    *,
    target: float,
    until: str,
    pace_months: int,
    trend_threshold_pp: float,
) -> pd.DataFrame:
    """
    Summarise each unit's monthly series.

    Parameters
    ----------
    monthly
        From :func:`geo_outreach.analysis.progress_levels.monthly_levels`.
    units
        ``level``, ``unit_id``, ``unit_name``, ``regency`` of every unit in ``monthly``.
    months
        The series' months, sorted.
    counts, membership
        The villages' monthly counts and the villages of each unit: changes, the pace and
        the trend compare two months over the villages both hold
        (:func:`geo_outreach.analysis.progress_matched.paired_changes`).
    target
        The coverage target as a fraction.
    until
        The target month, ``"YYYY-MM"``.
    pace_months
        The pace window in months.
    trend_threshold_pp
        Percentage points per month beyond which coverage counts as moving.

    Returns
    -------
    pd.DataFrame
        One row per unit, :data:`SUMMARY_COLUMNS`, in the order of ``units``; see
        :class:`geo_outreach.analysis.progress.ProgressReport`.
    """
    ordered = monthly.sort_values([*KEYS, "month"], kind="stable")
    origin = months[0]
    numbers = {month: months_between(origin, month) for month in months}
    month_number = ordered["month"].map(numbers)
    first = ordered.drop_duplicates(KEYS, keep="first").set_index(KEYS)
    latest = ordered.drop_duplicates(KEYS, keep="last").set_index(KEYS)
    base = _pace_base(ordered, month_number, first, pace_months)
    counted = ordered.groupby(KEYS, sort=False)["month"].count().reindex(first.index)

    latest_number = latest["month"].map(numbers)
    window = latest_number - base["month"].map(numbers)
    window = window.where(window > 0).astype("float64")
    paced = _compared(counts, membership, base["month"], latest["month"])
    pace = paced["participants_change"] / window
    coverage_pace_pp = paced["coverage_change_pp"] / window
    since_first = _compared(counts, membership, first["month"], latest["month"])

    denominator = latest["denominator"]
    participants = latest["participants"]
    needed = workers_to_target(denominator, participants, target)
    months_left = (months_between(origin, until) - latest_number).clip(lower=0).astype("int64")
    with np.errstate(divide="ignore", invalid="ignore"):
        needed_per_month = (needed / months_left.where(months_left > 0)).where(
            months_left > 0, needed)
        projected = (participants + pace * months_left).clip(lower=0)
        projected = projected.where(months_left > 0, participants)
        projected_coverage = projected / denominator.where(denominator > 0)

    known = (denominator > 0) & participants.notna()
    already = known & (needed == 0)
    reaches = known & projected.notna() & (workers_to_target(denominator, projected,
                                                             target) == 0)
    on_track = pd.Series(already | reaches, dtype="boolean")
    on_track[~known | (~already & projected.isna())] = pd.NA

    summary = pd.DataFrame({
        "first_month": first["month"],
        "latest_month": latest["month"],
        "months_with_data": counted.astype("int64"),
        "coverage_first": first["coverage"],
        "coverage_latest": latest["coverage"],
        "change_pp": since_first["coverage_change_pp"],
        "pace_per_month": pace,
        "coverage_pace_pp": coverage_pace_pp,
        "trend": _trend(coverage_pace_pp, counted, trend_threshold_pp),
        "needed_by_target": needed,
        "months_left": months_left,
        "needed_per_month": needed_per_month,
        "projected_participants": projected,
        "projected_coverage": projected_coverage,
        "on_track": on_track,
        "denominator_latest": denominator,
        "participants_latest": participants,
    })
    table = units.merge(summary, left_on=KEYS, right_index=True, how="left", validate="1:1")
    for column in ("trend", "regency"):  # None, not NaN, where there is no value
        table[column] = table[column].astype(object).where(table[column].notna(), None)
    return table[list(SUMMARY_COLUMNS)].reset_index(drop=True)
