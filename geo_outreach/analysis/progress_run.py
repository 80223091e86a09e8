"""
The progress report from the stored months, on the same footing as ``analyze``.

The latest month is analysed exactly as ``analyze`` analyses a table (the same coverage,
radius pieces and office totals), and every month is apportioned to the offices by those
same pieces, so the report's latest month and ``analyze`` on that month's file agree.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

import pandas as pd

from geo_outreach._errors import InputError, Problem
from geo_outreach.analysis.pipeline import analyse
from geo_outreach.analysis.progress import ProgressReport, ProgressSettings, progress_report

if TYPE_CHECKING:
    from geo_outreach.analysis.result import AnalysisResult
    from geo_outreach.config import AnalysisParams
    from geo_outreach.inputs.prepare import PreparedInputs

SERIES_LABEL = "progress store"


def no_month_error() -> InputError:
    """
    Say that the store holds no month, and how to store one.

    Returns
    -------
    InputError
        To raise.
    """
    return InputError(Problem(SERIES_LABEL, None, None, None,
                              "the progress store holds no month yet",
                              "import a month first: geo-outreach snapshot import "
                              "--month 2024-10 FILE (or try --demo)", key="store.no_month"))


def latest_month_result(places: PreparedInputs, series: pd.DataFrame,
                        params: AnalysisParams) -> AnalysisResult:
    """
    Analyse the series' latest month as ``analyze`` would analyse its table.

    Parameters
    ----------
    places
        Boundaries and offices (``prepare_inputs(..., with_participation=False)``).
    series
        The stored months (:func:`geo_outreach.store.snapshots.monthly_series`).
    params
        Radius, target and denominator.

    Returns
    -------
    AnalysisResult
        The analysis of the latest month; its inputs name the store's month.

    Raises
    ------
    InputError
        If the series is empty.
    """
    if series.empty:
        raise no_month_error()
    month = str(series["month"].max())
    latest = series[series["month"] == month].drop(columns=["month", "is_demo"],
                                                   errors="ignore")
    record = {"path": f"store:{month}", "sha256": ""}
    is_demo = bool(series.get("is_demo", pd.Series([False])).any())
    prepared = replace(places, participation=latest.reset_index(drop=True),
                       inputs={**places.inputs, "participation": record}, is_demo=is_demo)
    return analyse(prepared, params)


def run_progress(places: PreparedInputs, series: pd.DataFrame, params: AnalysisParams, *,
                 until: str | None = None) -> tuple[ProgressReport, AnalysisResult]:
    """
    Compute the progress report and the latest month's analysis.

    Parameters
    ----------
    places
        Boundaries and offices.
    series
        The stored months.
    params
        Radius, target and denominator.
    until
        The target month (``"YYYY-MM"``); December of the latest month's year when None.

    Returns
    -------
    tuple of ProgressReport and AnalysisResult
        The report, and the analysis whose pieces apportioned it.
    """
    result = latest_month_result(places, series, params)
    return progress_for_result(result, series, until=until), result


def progress_for_result(result: AnalysisResult, series: pd.DataFrame, *,
                        until: str | None = None) -> ProgressReport:
    """
    Compute the progress report on the footing of an analysis already run.

    The analysis gives the villages, the offices and their radius pieces (its own
    radius, target and denominator); the months come from the store.

    Parameters
    ----------
    result
        An analysis result.
    series
        The stored months (:func:`geo_outreach.store.snapshots.monthly_series`).
    until
        The target month; December of the latest month's year when None.

    Returns
    -------
    ProgressReport
        The report.
    """
    if series.empty:
        raise no_month_error()
    settings = ProgressSettings(target=result.params.target,
                                denominator=result.params.denominator, until=until)
    villages = pd.DataFrame(result.villages.drop(columns="geometry"))
    offices = pd.DataFrame(result.offices[["office_id", "name"]])
    return progress_report(series, villages, result.office_pieces, offices, settings)


def store_notes(places: PreparedInputs, series: pd.DataFrame, imports: pd.DataFrame
                ) -> list[str]:
    """
    Say what in the stored months the report cannot use, or uses on another footing.

    Parameters
    ----------
    places
        The boundaries and offices the report is computed on.
    series
        The stored months.
    imports
        The imports in force (:func:`geo_outreach.store.snapshots.stored_months`).

    Returns
    -------
    list of str
        One sentence each: village codes the boundaries do not hold (left out), months
        matched against other boundaries, months holding fewer villages than the
        boundaries.
    """
    notes = []
    known = set(places.villages["code"].astype(str))
    unknown = sorted(set(series["code"].astype(str)) - known)
    if unknown:
        notes.append(f"{len(unknown)} village code(s) of the stored months are not in the "
                     f"boundaries and are left out (e.g. {', '.join(unknown[:3])})")
    sha = places.inputs.get("boundaries", {}).get("sha256", "")
    if "boundaries_sha256" in imports.columns and sha:
        other = sorted(imports.loc[imports["boundaries_sha256"] != sha, "month"])
        if other:
            notes.append(f"{', '.join(other)} were matched against other boundaries than "
                         "these: check that the codes are the same")
    held = series.groupby("month")["code"].nunique()
    partial = [f"{month} ({count} of {len(known)})" for month, count in held.items()
               if count < len(known)]
    if partial:
        notes.append("months holding fewer villages than the boundaries: "
                     f"{', '.join(partial)}; their totals are of those villages only")
    return notes
