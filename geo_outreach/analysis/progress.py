"""
Are we on track for the target? Progress over monthly participation snapshots.

Each month's snapshot gives every village its denominator and participants; this module
follows them month by month at every level (village, office, kapanewon, kabupaten, the
whole area), measures the recent pace and carries it forward to the target month:
:func:`progress_report`. It is plain pandas on the series, with no geometry; an office's
share of each village comes from the analysis (``AnalysisResult.office_pieces``).
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from geo_outreach._errors import InputError, Problem
from geo_outreach.analysis.progress_levels import (
    AREA_ID,
    LEVELS,
    MONTHLY_COLUMNS,
    monthly_levels,
    village_counts,
)
from geo_outreach.analysis.progress_summary import SUMMARY_COLUMNS, TRENDS, summarise
from geo_outreach.config import PARAMETERS, Denominator
from geo_outreach.inputs import wording
from geo_outreach.months import (
    is_month,
    month_range,
    months_between,
    shift_month,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

    import pandas as pd

__all__ = [
    "AREA_ID",
    "LEVELS",
    "MONTHLY_COLUMNS",
    "SUMMARY_COLUMNS",
    "TRENDS",
    "ProgressReport",
    "ProgressSettings",
    "month_range",
    "months_between",
    "progress_report",
    "shift_month",
]

SERIES_SOURCE: Final = "monthly series"
"""What a problem with the monthly series names as its file."""


@dataclass(frozen=True)
class ProgressSettings:
    """
    How progress is measured and against what.

    Attributes
    ----------
    target
        The coverage target as a fraction (default 0.40, i.e. 40 %).
    denominator
        ``"labour_force"`` (angkatan kerja, default) or ``"employed"``.
    until
        The month the target is due, ``"YYYY-MM"``; None for December of the series'
        latest month's year.
    pace_months
        The pace is the change in participants over the last ``pace_months`` months,
        per month (over fewer where the series is shorter).
    trend_threshold_pp
        Coverage moving more than this many percentage points per month (over the pace
        window) is ``"improving"`` or ``"declining"``; less is ``"flat"``.
    """

    target: float = 0.40
    denominator: Denominator = "labour_force"
    until: str | None = None
    pace_months: int = 3
    trend_threshold_pp: float = 0.1

    def __post_init__(self) -> None:
        """Refuse values that make no sense, with the fix."""
        problems = []
        if not 0 < self.target <= 1:
            problems.append(Problem(PARAMETERS, None, "target", str(self.target),
                                    "the target must be a fraction between 0 and 1",
                                    "write 40 % as 0.40", key="settings.target"))
        if self.denominator not in ("labour_force", "employed"):
            problems.append(Problem(PARAMETERS, None, "denominator", str(self.denominator),
                                    "unknown denominator",
                                    "use 'labour_force' or 'employed'",
                                    key="settings.denominator"))
        if self.until is not None and not is_month(self.until):
            problems.append(Problem(PARAMETERS, None, "until", str(self.until),
                                    "the target month must be written YYYY-MM",
                                    "write e.g. 2024-12 for December 2024"))
        if (isinstance(self.pace_months, bool)
                or not isinstance(self.pace_months, numbers.Integral) or self.pace_months < 1):
            problems.append(Problem(PARAMETERS, None, "pace_months", str(self.pace_months),
                                    "the pace window must be a whole number of months, at least 1",
                                    "give e.g. 3 for the change over the last three months"))
        threshold = self.trend_threshold_pp
        if not (isinstance(threshold, numbers.Real) and math.isfinite(threshold)
                and threshold >= 0):
            problems.append(Problem(PARAMETERS, None, "trend_threshold_pp",
                                    str(self.trend_threshold_pp),
                                    "the trend threshold must be a number of percentage "
                                    "points, 0 or more",
                                    "give e.g. 0.1 (coverage moving 0.1 points a month)"))
        if problems:
            raise InputError(problems)


DEFAULT_SETTINGS: Final = ProgressSettings()


@dataclass(frozen=True)
class ProgressReport:
    """
    Progress towards the target, month by month and per unit.

    Attributes
    ----------
    months
        The months of the series (of its villages found in the boundaries), sorted.
    monthly
        Long: one row per unit and month with data, :data:`MONTHLY_COLUMNS`: ``level``
        (one of :data:`LEVELS`), ``unit_id``, ``unit_name``, ``month``, ``denominator``
        and ``participants`` (summed over the villages with a snapshot that month, an
        office's villages × their share; participants only where the denominator is
        known), ``coverage`` (fraction, NaN without a denominator above 0),
        ``change_participants`` and ``change_coverage_pp`` (against the series' previous
        month; NaN where the unit has no row then) and ``villages_with_data``.
    summary
        One row per unit with data, :data:`SUMMARY_COLUMNS`: ``regency`` (None for offices
        and the area), ``first_month``, ``latest_month``, ``months_with_data``,
        ``coverage_first``, ``coverage_latest``, ``change_pp`` (latest − first, percentage
        points), ``pace_per_month`` (participants per month over the pace window),
        ``coverage_pace_pp`` (percentage points per month, same window), ``trend`` (one
        of :data:`TRENDS`, None with one month), ``needed_by_target`` (participants still
        needed now), ``months_left`` (to ``until``, 0 when it has come),
        ``needed_per_month``, ``projected_participants`` and ``projected_coverage`` (at
        ``until`` at the current pace), ``on_track`` (nullable boolean: True when the
        projection or the latest coverage reaches the target; NA without a coverage),
        ``denominator_latest`` and ``participants_latest``.
    settings
        The settings used.
    until
        The target month used (``settings.until`` or December of the latest month's year).
    is_demo
        True when any snapshot of the series is the synthetic DEMO table.
    """

    months: tuple[str, ...]
    monthly: pd.DataFrame
    summary: pd.DataFrame
    settings: ProgressSettings
    until: str = ""
    is_demo: bool = False

    def level(self, name: str) -> pd.DataFrame:
        """
        Give the summary rows of one level.

        Parameters
        ----------
        name
            One of :data:`LEVELS`.

        Returns
        -------
        pd.DataFrame
            Those rows of :attr:`summary`, renumbered from 0.

        Raises
        ------
        ValueError
            For a name not in :data:`LEVELS`.
        """
        if name not in LEVELS:
            raise ValueError(f"unknown level {name!r}; use one of {', '.join(LEVELS)}")
        return self.summary[self.summary["level"] == name].reset_index(drop=True)


def _series_problems(series: pd.DataFrame, villages: pd.DataFrame,
                     denominator: Denominator) -> list[Problem]:
    """Check the series' columns, months, duplicates and codes; collect every problem."""
    missing = [c for c in ("month", "code", "participants") if c not in series.columns]
    problems = [Problem(SERIES_SOURCE, None, column, None,
                        f"the monthly series has no column '{column}'",
                        "give one row per month and village with month, code, "
                        "the denominator and participants") for column in missing]
    if denominator not in series.columns or series[denominator].isna().all():
        other = "employed" if denominator == "labour_force" else "labour_force"
        problems.append(Problem(
            SERIES_SOURCE, None, denominator, None,
            f"the chosen denominator '{denominator}' is not in the participation table",
            f"add a column '{denominator}' or choose --denominator {other}",
            key="coverage.missing_denominator",
            args={"denominator": wording.part(f"denominator_column.{denominator}",
                                              denominator),
                  "other": other}))
    if missing:
        return problems
    bad = series["month"][~series["month"].map(is_month)]
    if len(bad):
        problems.append(Problem(SERIES_SOURCE, None, "month", str(bad.iloc[0]),
                                f"{len(bad)} month value(s) are not written YYYY-MM",
                                "write each month as e.g. 2024-10"))
    doubled = series.duplicated(["month", "code"], keep="first")
    if doubled.any():
        first = series[doubled].iloc[0]
        problems.append(Problem(SERIES_SOURCE, None, "code", str(first["code"]),
                                f"{int(doubled.sum())} village(s) have two snapshots in the "
                                f"same month (first: {first['month']})",
                                "keep one snapshot per month and village"))
    if len(series) and not series["code"].astype(str).isin(
            villages["code"].astype(str)).any():
        problems.append(Problem(SERIES_SOURCE, None, "code", str(series["code"].iloc[0]),
                                "none of the series' village codes is in the boundaries",
                                "use the Kemendagri codes of the boundaries, e.g. 34.71.03.1001"))
    elif not len(series):
        problems.append(Problem(SERIES_SOURCE, None, None, None,
                                "the monthly series has no snapshot",
                                "add at least one month of participation"))
    return problems


def _known_snapshots(series: pd.DataFrame, villages: pd.DataFrame,
                     denominator: Denominator) -> pd.DataFrame:
    """Keep the snapshots of villages in the boundaries, with numeric counts."""
    known = series[series["code"].astype(str).isin(villages["code"].astype(str))].copy()
    known["code"] = known["code"].astype(str)
    problems = []
    for column in ("participants", denominator):
        try:
            known[column] = known[column].astype("float64")
        except (TypeError, ValueError):
            problems.append(Problem(SERIES_SOURCE, None, column, None,
                                    f"column '{column}' holds values that are not numbers",
                                    "give counts as numbers, empty where unknown"))
    if problems:
        raise InputError(problems)
    return known


def _is_demo(series: pd.DataFrame) -> bool:
    """Tell whether any snapshot is flagged DEMO."""
    if "is_demo" not in series.columns:
        return False
    return bool(series["is_demo"].fillna(value=False).astype(bool).any())


def progress_report(
    series: pd.DataFrame,
    villages: pd.DataFrame,
    pieces: pd.DataFrame,
    offices: pd.DataFrame,
    settings: ProgressSettings = DEFAULT_SETTINGS,
) -> ProgressReport:
    """
    Follow coverage month by month and project it to the target month.

    Parameters
    ----------
    series
        One row per (month, code): ``month`` (``"YYYY-MM"``), ``code`` (Kemendagri
        village code), ``labour_force``, ``employed`` and ``participants`` (NaN where
        unknown); optionally the segments and ``is_demo``. A village may miss months.
        Codes not in ``villages`` are left out.
    villages
        The current boundaries without geometry: ``code``, ``name``, ``district``,
        ``regency`` and optionally ``district_code`` and ``regency_code`` (like
        ``AnalysisResult.villages``).
    pieces
        ``code``, ``office_id`` and ``share``: each village's share inside an office's
        radius and nearest to it (``AnalysisResult.office_pieces``).
    offices
        ``office_id`` and ``name``.
    settings
        Target, denominator, target month, pace window and trend threshold.

    Returns
    -------
    ProgressReport
        The monthly series and one summary line per unit at every level.

    Raises
    ------
    InputError
        If the series lacks a column or the denominator, has a month not written
        ``YYYY-MM``, two snapshots of one village in one month, or no village of the
        boundaries.

    Examples
    --------
    >>> import pandas as pd
    >>> series = pd.DataFrame({"month": ["2024-09", "2024-10"], "code": "34.71.03.1001",
    ...                        "labour_force": 1000.0, "employed": 950.0,
    ...                        "participants": [300.0, 320.0]})
    >>> villages = pd.DataFrame({"code": ["34.71.03.1001"], "name": ["Demangan"],
    ...                          "district": ["Gondokusuman"], "regency": ["Kota Yogyakarta"]})
    >>> pieces = pd.DataFrame({"code": [], "office_id": [], "share": []})
    >>> offices = pd.DataFrame({"office_id": [], "name": []})
    >>> report = progress_report(series, villages, pieces, offices)
    >>> row = report.level("village").iloc[0]
    >>> float(row["pace_per_month"]), int(row["months_left"]), bool(row["on_track"])
    (20.0, 2, False)
    >>> float(row["projected_participants"]), float(row["needed_by_target"])
    (360.0, 80.0)
    """
    problems = _series_problems(series, villages, settings.denominator)
    if problems:
        raise InputError(problems)
    known = _known_snapshots(series, villages, settings.denominator)
    months: Sequence[str] = sorted(known["month"].unique())
    until = settings.until or f"{months[-1][:4]}-12"
    counts = village_counts(known, settings.denominator)
    monthly, units, membership = monthly_levels(
        counts, villages.assign(code=villages["code"].astype(str)), pieces, offices, months)
    summary = summarise(monthly, units, months, counts, membership,
                        target=settings.target, until=until,
                        pace_months=settings.pace_months,
                        trend_threshold_pp=settings.trend_threshold_pp)
    return ProgressReport(months=tuple(months), monthly=monthly, summary=summary,
                          settings=settings, until=until, is_demo=_is_demo(known))
