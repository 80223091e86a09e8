"""
Narrow a progress report to one office or one kabupaten.

A narrowed report keeps the numbers of the whole report: narrowing only chooses the rows,
so an office's figures are the same whichever scope shows them.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from geo_outreach._errors import InputError, Problem
from geo_outreach.config import PARAMETERS

if TYPE_CHECKING:
    import pandas as pd

    from geo_outreach.analysis.progress import ProgressReport


def _unknown(option: str, value: str, known: list[str]) -> InputError:
    return InputError(Problem(PARAMETERS, None, option, value,
                              f"no {option.lstrip('-')} {value!r} in the report",
                              f"use one of: {', '.join(known)}"))


def narrowed_report(report: ProgressReport, pieces: pd.DataFrame, *,
                    office: str | None = None, regency: str | None = None) -> ProgressReport:
    """
    Keep the rows of one office (its radius) or one kabupaten, numbers unchanged.

    Parameters
    ----------
    report
        The whole report.
    pieces
        The radius pieces it was computed with.
    office
        An ``office_id``: the office, the villages in its radius, and their kapanewon and
        kabupaten.
    regency
        A kabupaten/kota name or code: it, its kapanewon and villages, and the offices
        whose radius reaches into it.

    Returns
    -------
    ProgressReport
        The same report with fewer rows; the whole area's row always stays.

    Raises
    ------
    InputError
        For an office or kabupaten the report does not hold.
    """
    if office is None and regency is None:
        return report
    summary = report.summary
    villages = summary[summary["level"] == "village"]
    if office is not None:
        offices = summary.loc[summary["level"] == "office", "unit_id"].astype(str)
        if office not in set(offices):
            raise _unknown("--office", office, sorted(offices))
        codes = set(pieces.loc[pieces["office_id"] == office, "code"])
        regencies = set(villages.loc[villages["unit_id"].isin(codes), "regency"])
        office_ids = {office}
    else:
        names = summary.loc[summary["level"] == "regency", ["unit_id", "unit_name"]]
        match = names[(names["unit_name"].str.casefold() == str(regency).casefold())
                      | (names["unit_id"].astype(str) == str(regency))
                      | names["unit_name"].str.casefold().str.endswith(
                          f" {str(regency).casefold()}")]
        if match.empty:
            raise _unknown("--regency", str(regency), sorted(names["unit_name"]))
        regencies = set(match["unit_name"])
        codes = set(villages.loc[villages["regency"].isin(regencies), "unit_id"])
        office_ids = set(pieces.loc[pieces["code"].isin(codes), "office_id"])
    keep = _kept(summary, codes, regencies, office_ids)
    return replace(report, summary=summary[keep].reset_index(drop=True),
                   monthly=report.monthly.merge(
                       summary.loc[keep, ["level", "unit_id"]], on=["level", "unit_id"]))


def _kept(summary: pd.DataFrame, codes: set[str], regencies: set[str],
          office_ids: set[str]) -> pd.Series:
    level = summary["level"]
    return (((level == "village") & summary["unit_id"].isin(codes))
            | ((level == "office") & summary["unit_id"].isin(office_ids))
            | (level.isin(["district", "regency"]) & summary["regency"].isin(regencies))
            | (level == "area"))
