"""
A progress report's months as maps and charts show them: names, classes, the privacy gate.

Each village's months become one string of class characters (the coverage map's classes
around the target, :data:`NO_DATA_MARK` where it has no row) and, unless hidden, its
coverage (4 decimals), participants and change in participants per month.

Hidden, as in every shared table: all figures of a village whose counts
:func:`geo_outreach.privacy.shareable` suppresses (fewer than k households, in all or
inside the radius), leaving only its classes; a month in which a village has 1 to k-1
participants; and the change into the month after a hidden one (it would give the hidden
count back).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

import numpy as np
import pandas as pd

from geo_outreach._errors import InputError, Problem
from geo_outreach.analysis.progress_summary import TRENDS
from geo_outreach.i18n import format_number, format_percent, t
from geo_outreach.privacy import shareable
from geo_outreach.render.map_style import coverage_classes

if TYPE_CHECKING:
    from geo_outreach.analysis.progress import ProgressReport
    from geo_outreach.config import Language

COVERAGE_DECIMALS: Final = 4
"""Decimals of a coverage fraction in a page's month data (0.1234 is 12.34 %)."""

NO_DATA_MARK: Final = "."
"""A month without a row, in a village's string of class characters."""

HIDDEN_CHANGE: Final = False
"""A change in participants that would disclose a hidden month (JSON ``false``)."""


def month_index(report: ProgressReport, month: str | None) -> int:
    """
    Find a month in the report: its position in ``report.months``.

    Parameters
    ----------
    report
        The progress report.
    month
        ``"YYYY-MM"``, or None for the latest.

    Returns
    -------
    int
        The month's position.

    Raises
    ------
    InputError
        When the report has no months, or not this one; the message names the months it has.
    """
    months = [str(value) for value in report.months]
    if not months:
        raise InputError(Problem("parameters", None, "month", month,
                                 "the progress report has no months",
                                 "import at least one month of participation first"))
    if month is None:
        return len(months) - 1
    if str(month) in months:
        return months.index(str(month))
    raise InputError(Problem("parameters", None, "month", str(month),
                             "the progress report has no such month",
                             f"use one of: {', '.join(months)} (written YYYY-MM)"))


def month_label(month: str, lang: Language = "id") -> str:
    """
    Write a month short: ``"2024-10"`` → ``"Okt 2024"`` (``"Oct 2024"`` in English).

    Parameters
    ----------
    month
        ``"YYYY-MM"``.
    lang
        ``"id"`` or ``"en"``.

    Returns
    -------
    str
        The month's short name and the year; anything not written ``YYYY-MM`` as it is.
    """
    year, _, number = str(month).partition("-")
    names = t("progress_map.months_short", lang).split(",")
    if not (year.isdigit() and number.isdigit() and 1 <= int(number) <= len(names)):
        return str(month)
    return f"{names[int(number) - 1]} {year}"


def village_series(report: ProgressReport, villages: pd.DataFrame, *, target: float,
                   k: int) -> dict[str, list[Any]]:
    """
    Each village's months as the page holds them, after the privacy gate.

    Parameters
    ----------
    report
        The progress report.
    villages
        The villages drawn (``code``), for :func:`suppressed_codes`.
    target
        The coverage target the classes are relative to.
    k
        The suppression threshold.

    Returns
    -------
    dict
        Village code → ``[classes]`` for a village whose counts are hidden, else
        ``[classes, coverage, participants, change]``: ``classes`` has one character per
        month of ``report.months`` (``"0"`` to ``"4"``, :data:`NO_DATA_MARK` for no row),
        the lists one value each (None where missing; coverage and participants None, and
        change False, where a month is hidden).
    """
    months = [str(month) for month in report.months]
    position = {month: i for i, month in enumerate(months)}
    monthly = report.monthly
    rows = monthly[(monthly["level"] == "village")
                   & monthly["month"].astype(str).isin(position)]
    coverage = pd.to_numeric(rows["coverage"], errors="coerce").to_numpy(dtype=float)
    people = pd.to_numeric(rows["participants"], errors="coerce").to_numpy(dtype=float)
    change = (pd.to_numeric(rows["change_participants"], errors="coerce").to_numpy(dtype=float)
              if "change_participants" in rows.columns else np.full(len(rows), np.nan))
    classes = coverage_classes(pd.DataFrame({"coverage": coverage,
                                             "has_data": np.isfinite(coverage)}), target)
    small = suppressed_codes(villages, k)
    table: dict[str, dict[int, tuple[int, float, float, float]]] = {}
    for code, month, klass, *values in zip(rows["unit_id"].astype(str),
                                           rows["month"].astype(str), classes, coverage,
                                           people, change, strict=True):
        table.setdefault(code, {})[position[month]] = (int(klass), *values)
    return {code: _series(cells, len(months), hidden=code in small, k=k)
            for code, cells in table.items()}


def _series(cells: dict[int, tuple[int, float, float, float]], count: int, *, hidden: bool,
            k: int) -> list[Any]:
    """One village's ``[classes, coverage, participants, change]`` (see :func:`village_series`)."""
    marks = [NO_DATA_MARK] * count
    coverage: list[float | None] = [None] * count
    people: list[int | None] = [None] * count
    change: list[int | bool | None] = [None] * count
    previous_hidden = False
    for index in sorted(cells):
        klass, share, number, difference = cells[index]
        if klass < 0:
            continue
        marks[index] = str(klass)
        month_hidden = hidden or bool(0 < number < k)
        if not month_hidden:
            coverage[index] = round(float(share), COVERAGE_DECIMALS)
            people[index] = None if not np.isfinite(number) else round(number)
            change[index] = (HIDDEN_CHANGE if previous_hidden
                             else None if not np.isfinite(difference) else round(difference))
        previous_hidden = month_hidden
    if hidden:
        return ["".join(marks)]
    return ["".join(marks), coverage, people, change]


def suppressed_codes(villages: pd.DataFrame, k: int) -> set[str]:
    """
    Tell which villages' counts the shared tables hide.

    Parameters
    ----------
    villages
        Villages with ``code`` (and household counts, if any).
    k
        The suppression threshold.

    Returns
    -------
    set of str
        The codes of the villages :func:`geo_outreach.privacy.shareable` marks
        ``suppressed`` (fewer than k households, in all or inside the radius).
    """
    table = pd.DataFrame(villages.drop(columns="geometry", errors="ignore"))
    gated = shareable(table, k)
    if "suppressed" not in gated.columns:
        return set()
    flags = gated["suppressed"].fillna(value=False).astype(bool).to_numpy()
    return set(gated["code"].astype(str).to_numpy()[flags])


def village_trends(report: ProgressReport, villages: pd.DataFrame) -> dict[str, tuple[int, float]]:
    """Village code → (trend class 0-2 or -1, coverage pace in points per month)."""
    summary = report.level("village")
    wanted = set(villages["code"].astype(str))
    trends = {}
    pace = pd.to_numeric(summary.get("coverage_pace_pp"), errors="coerce")
    for code, trend, points in zip(summary["unit_id"].astype(str), summary["trend"], pace,
                                   strict=True):
        if code in wanted:
            klass = TRENDS.index(trend) if isinstance(trend, str) and trend in TRENDS else -1
            trends[code] = (klass, float(points))
    return trends


def describe_month(row: list[Any] | None, index: int, texts: dict[str, Any],
                   lang: Language) -> dict[str, str]:
    """
    Write a village's tooltip figures for one month, as the page's script does.

    Parameters
    ----------
    row
        The village's series (:func:`village_series`), or None without any row.
    index
        The month's position.
    texts
        The ``x`` texts of :func:`month_data`.
    lang
        ``"id"`` or ``"en"``.

    Returns
    -------
    dict
        ``coverage``, ``participants`` and ``change``, escaped.
    """
    mark = row[0][index] if row else NO_DATA_MARK
    if mark == NO_DATA_MARK:
        return {"coverage": texts["no"], "participants": texts["na"], "change": texts["na"]}
    if len(row or []) == 1 or row[1][index] is None:  # type: ignore[index]
        return {"coverage": texts["cl"][int(mark)], "participants": texts["hid"],
                "change": texts["hid"]}
    _, coverage, people, change = row  # type: ignore[misc]
    difference = change[index]
    return {"coverage": format_percent(coverage[index], lang),
            "participants": format_number(people[index], lang),
            "change": (texts["hid"] if difference is HIDDEN_CHANGE
                       else texts["na"] if difference is None else signed(difference, lang))}


def signed(value: float, lang: Language, *, decimals: int = 0) -> str:
    """Write a change with its sign: ``"+12"``, ``"−3"`` (a minus sign), ``"0"``."""
    text = format_number(abs(value), lang, decimals=decimals)
    if text.strip("0,.") == "":
        return text
    return f"+{text}" if value > 0 else f"\N{MINUS SIGN}{text}"


def pace_hidden(row: list[Any], months: int) -> bool:
    """Tell whether a hidden month lies among a village's last ``months`` months with data."""
    if len(row) == 1:
        return True
    recent = [i for i, mark in enumerate(row[0]) if mark != NO_DATA_MARK][-max(months, 1):]
    return any(row[1][i] is None for i in recent)


def points_text(value: float, lang: Language) -> str:
    """Write percentage points without needless zeros: 0.1 → ``"0,1"``, 0.25 → ``"0,25"``."""
    text = format_number(value, lang, decimals=3)
    separator = "," if lang == "id" else "."
    return text.rstrip("0").rstrip(separator) if separator in text else text


