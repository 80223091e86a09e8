"""
Made-up progress reports over the bundled villages: deterministic monthly series.

The report has the shape of ``geo_outreach.analysis.progress.ProgressReport``: ``months``,
``settings`` (``target``, ``until``, ``trend_threshold_pp``, ``pace_months``), a long
``monthly`` table (levels village, office, district, regency, area) and a ``summary`` with
one row per unit, and ``level(name)``. Every third village improves, every third is flat
and every third declines; the numbers are invented, never BPJS data.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from collections.abc import Collection

    from geo_outreach.analysis.result import AnalysisResult

MONTHLY_COLUMNS = ("level", "unit_id", "unit_name", "month", "denominator", "participants",
                   "coverage", "change_participants", "change_coverage_pp")
SLOPES_PP = (0.6, 0.0, -0.5)
"""Coverage change per month (percentage points) of villages 0, 1, 2 (mod 3)."""


@dataclass(frozen=True)
class Settings:
    target: float = 0.40
    until: str | None = "2025-12"
    trend_threshold_pp: float = 0.1
    pace_months: int = 3


@dataclass(frozen=True)
class Report:
    months: tuple[str, ...]
    settings: Settings
    monthly: pd.DataFrame
    summary: pd.DataFrame = field(repr=False)

    def level(self, name: str) -> pd.DataFrame:
        return self.summary[self.summary["level"] == name].reset_index(drop=True)


def month_range(first: str = "2023-01", count: int = 24) -> tuple[str, ...]:
    year, month = (int(part) for part in first.split("-"))
    months = []
    for offset in range(count):
        total = year * 12 + month - 1 + offset
        months.append(f"{total // 12:04d}-{total % 12 + 1:02d}")
    return tuple(months)


def months_between(first: str, last: str) -> int:
    (y0, m0), (y1, m1) = ((int(p) for p in value.split("-")) for value in (first, last))
    return (y1 - y0) * 12 + (m1 - m0)


def progress_report(result: AnalysisResult, *, months: int = 24, first: str = "2023-01",
                    missing: Collection[tuple[str, str]] = (), tiny: Collection[str] = (),
                    settings: Settings | None = None) -> Report:
    """
    A report over every village of ``result``.

    ``missing`` lists (village code, month) pairs without a row; villages in ``tiny`` have
    3 to 7 participants every month (fewer than k = 10).
    """
    settings = settings or Settings()
    calendar = month_range(first, months)
    villages = result.villages.reset_index(drop=True)
    denominator = pd.to_numeric(villages["denominator_value"], errors="coerce").fillna(1000.0)
    gone = set(missing)
    records = []
    for i, row in villages.iterrows():
        code = str(row["code"])
        base = 0.05 + ((i * 37) % 41) / 100
        slope = SLOPES_PP[i % 3] / 100
        den = float(max(denominator[i], 50.0))
        for m, month in enumerate(calendar):
            if (code, month) in gone:
                continue
            share = min(max(base + slope * m + 0.0003 * math.sin(i + m), 0.0), 1.0)
            people = 3 + (i + m) % 5 if code in tiny else round(den * share)
            records.append({"level": "village", "unit_id": code, "unit_name": row["name"],
                            "regency": row["regency"], "district_code": code[:8],
                            "district": row["district"], "regency_code": code[:5],
                            "office": row.get("nearest_office"), "month": month,
                            "denominator": den, "participants": float(people)})
    villages_monthly = pd.DataFrame(records)
    office_ids = dict(zip(result.offices["name"], result.offices["office_id"], strict=True))
    villages_monthly["office_id"] = villages_monthly["office"].map(office_ids)
    frames = [villages_monthly]
    for level, key, name in (("office", "office_id", "office"),
                             ("district", "district_code", "district"),
                             ("regency", "regency_code", "regency")):
        frames.append(_aggregate(villages_monthly.dropna(subset=[key]), level, key, name))
    everything = villages_monthly.assign(all="all", all_name="DIY")
    frames.append(_aggregate(everything, "area", "all", "all_name"))
    monthly = pd.concat([_changes(frame) for frame in frames], ignore_index=True)
    summary = _summary(monthly, villages_monthly, settings)
    return Report(months=calendar, settings=settings,
                  monthly=monthly[list(MONTHLY_COLUMNS)].reset_index(drop=True),
                  summary=summary)


def _aggregate(frame: pd.DataFrame, level: str, key: str, name: str) -> pd.DataFrame:
    grouped = frame.groupby([key, "month"], as_index=False).agg(
        unit_name=(name, "first"), regency=("regency", "first"),
        denominator=("denominator", "sum"), participants=("participants", "sum"))
    return grouped.rename(columns={key: "unit_id"}).assign(level=level)


def _changes(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.sort_values(["unit_id", "month"]).reset_index(drop=True)
    frame["coverage"] = frame["participants"] / frame["denominator"]
    grouped = frame.groupby("unit_id")
    frame["change_participants"] = grouped["participants"].diff()
    frame["change_coverage_pp"] = grouped["coverage"].diff() * 100
    return frame


def _summary(monthly: pd.DataFrame, villages: pd.DataFrame, settings: Settings) -> pd.DataFrame:
    regency_of = dict(zip(villages["unit_id"], villages["regency"], strict=False))
    rows = []
    pace_months = settings.pace_months
    for (level, unit), unsorted in monthly.groupby(["level", "unit_id"], sort=False):
        group = unsorted.sort_values("month")
        latest = group.iloc[-1]
        first = group.iloc[0]
        if len(group) > pace_months:
            before = group.iloc[-1 - pace_months]
            pace = (latest["participants"] - before["participants"]) / pace_months
            pace_pp = (latest["coverage"] - before["coverage"]) * 100 / pace_months
        else:
            pace = pace_pp = np.nan
        trend = (None if np.isnan(pace_pp) else "improving" if pace_pp > settings.trend_threshold_pp
                 else "declining" if pace_pp < -settings.trend_threshold_pp else "flat")
        needed = max(0.0, math.ceil(settings.target * latest["denominator"]
                                    - latest["participants"]))
        left = (months_between(latest["month"], settings.until)
                if settings.until is not None else None)
        projected = (latest["participants"] + (0 if np.isnan(pace) else pace) * left
                     if left is not None else np.nan)
        projected_coverage = projected / latest["denominator"]
        rows.append({
            "level": level, "unit_id": unit, "unit_name": latest["unit_name"],
            "regency": regency_of.get(unit) if level == "village" else None,
            "first_month": first["month"], "latest_month": latest["month"],
            "months_with_data": len(group), "coverage_first": first["coverage"],
            "coverage_latest": latest["coverage"],
            "change_pp": (latest["coverage"] - first["coverage"]) * 100,
            "pace_per_month": pace, "coverage_pace_pp": pace_pp, "trend": trend,
            "needed_by_target": needed, "months_left": left,
            "needed_per_month": needed / left if left else np.nan,
            "projected_participants": projected, "projected_coverage": projected_coverage,
            "on_track": bool(projected_coverage >= settings.target),
        })
    return pd.DataFrame(rows)


def analysed_report(result: AnalysisResult, *, months: int = 10, first: str = "2024-01",
                    missing: Collection[tuple[str, str]] = ()) -> object:
    """The same made-up villages' months, measured by ``geo_outreach.analysis.progress``."""
    from geo_outreach.analysis.progress import progress_report as measure  # noqa: PLC0415

    made_up = progress_report(result, months=months, first=first, missing=missing)
    villages = made_up.monthly[made_up.monthly["level"] == "village"]
    series = pd.DataFrame({"month": villages["month"], "code": villages["unit_id"],
                           "labour_force": villages["denominator"],
                           "employed": villages["denominator"],
                           "participants": villages["participants"]})
    return measure(series, pd.DataFrame(result.villages.drop(columns="geometry")),
                   result.office_pieces, result.offices[["office_id", "name"]])
