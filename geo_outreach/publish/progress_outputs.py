"""
Write the progress report: CSV tables, an XLSX workbook and the run manifest.

``progress_summary.csv`` (one row per unit: village, office, kapanewon, kabupaten, area)
and ``progress_monthly.csv`` (one row per unit and month) keep machine column names;
``progress.xlsx`` holds the same tables with headers in the reader's language, the imports
the months came from, and notes on the method; ``run.json`` the numbers and their sources.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Final

import pandas as pd
from openpyxl import Workbook

from geo_outreach import __version__, i18n
from geo_outreach.atomic import atomic_write
from geo_outreach.inputs.bundled import DEMO_LABEL
from geo_outreach.spreadsheet import append_row, cell_value, write_csv, write_sheet

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

    from openpyxl.worksheet.worksheet import Worksheet

    from geo_outreach.analysis.progress import ProgressReport
    from geo_outreach.analysis.result import AnalysisResult
    from geo_outreach.config import Language

PROGRESS_FILES: Final = ("progress_summary.csv", "progress_monthly.csv", "progress.xlsx",
                         "run.json")
"""What :func:`write_progress_tables` writes."""

IMPORT_COLUMNS: Final = ("month", "file_name", "file_sha256", "villages", "imported_by",
                         "imported_at", "boundaries_name", "boundaries_sha256", "code_list",
                         "tool_version", "is_demo")
MANIFEST_LEVELS: Final = ("area", "regency", "office")


def _rows(table: pd.DataFrame) -> list[dict[str, object]]:
    return [{key: cell_value(value) for key, value in row.items()}
            for row in table.to_dict("records")]


def progress_manifest(report: ProgressReport, result: AnalysisResult, imports: pd.DataFrame,
                      *, store: str, scope: dict[str, str | None],
                      notes: Sequence[str] = ()) -> dict[str, object]:
    """
    Describe a progress run: where the months came from, the settings and the numbers.

    Parameters
    ----------
    report
        The report written.
    result
        The latest month's analysis (its inputs and radius).
    imports
        The imports in force for the months (:func:`geo_outreach.store.snapshots.stored_months`).
    store
        The store's URL, password hidden.
    scope
        ``{"office": ..., "regency": ...}`` as asked.
    notes
        What the stored months hold that the report leaves out or reads differently.

    Returns
    -------
    dict
        JSON-serialisable, written as ``run.json``.
    """
    settings = report.settings
    summary = report.summary
    used = imports[imports["month"].isin(report.months)]
    return {
        "tool": "geo-outreach",
        "version": __version__,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "data_label": DEMO_LABEL if report.is_demo else "",
        "store": store,
        "months": list(report.months),
        "imports": _rows(used[[c for c in IMPORT_COLUMNS if c in used.columns]]),
        "inputs": {role: record for role, record in result.inputs.items()
                   if role != "participation"},
        "parameters": {
            "radius_km": result.params.radius_km, "target": settings.target,
            "denominator": settings.denominator, "until": report.until,
            "pace_months": settings.pace_months,
            "trend_threshold_pp": settings.trend_threshold_pp,
            "apportioning": "an office's months are its villages' counts × their share "
                            "inside its radius and nearest to it, as in analyze",
        },
        "scope": scope,
        "notes": list(notes),
        **{f"{level}_summary": _rows(summary[summary["level"] == level])
           for level in MANIFEST_LEVELS},
    }


def worded(table: pd.DataFrame, lang: Language) -> pd.DataFrame:
    """
    Put a report table's coded cells into words: level, trend, yes/no, the area's name.

    Parameters
    ----------
    table
        A summary, monthly or imports table (machine values, as in the CSV files).
    lang
        ``"id"`` or ``"en"``.

    Returns
    -------
    pd.DataFrame
        A copy with words where the CSV has codes; numbers untouched.
    """
    out = table.copy()
    if "unit_name" in out.columns and "level" in out.columns:
        out.loc[out["level"] == "area", "unit_name"] = i18n.t("progress.area_name", lang)
    if "level" in out.columns:
        out["level"] = [i18n.t(f"progress.page.level.{value}", lang) for value in out["level"]]
    if "trend" in out.columns:
        out["trend"] = [i18n.t(f"progress.page.trend.{value}", lang) if isinstance(value, str)
                        else None for value in out["trend"]]
    for column in ("on_track", "is_demo"):
        if column in out.columns:
            out[column] = [None if pd.isna(value) else i18n.value_label(column, bool(value), lang)
                           for value in out[column]]
    return out


def sheet_table(sheet: Worksheet, table: pd.DataFrame, lang: Language) -> None:
    """
    Write a table on a worksheet: headers in ``lang``, text that looks like a formula kept text.

    Parameters
    ----------
    sheet
        An empty openpyxl worksheet.
    table
        The table.
    lang
        ``"id"`` or ``"en"``: the headers' language.
    """
    table = worded(table, lang)
    write_sheet(sheet, table, headers={
        column: i18n.t(f"progress.column.{column}", lang) for column in table.columns
        if f"progress.column.{column}" in i18n.LABELS})


def _write_xlsx(path: Path, report: ProgressReport, imports: pd.DataFrame,
                lang: Language) -> None:
    book = Workbook()
    sheets = [(book.active, "progress.sheet.summary", report.summary),
              (None, "progress.sheet.monthly", report.monthly),
              (None, "progress.sheet.imports", imports)]
    for sheet, key, table in sheets:
        target = sheet or book.create_sheet()
        target.title = i18n.t(key, lang)[:31]
        sheet_table(target, table, lang)
    notes = book.create_sheet(i18n.t("progress.sheet.notes", lang)[:31])
    for line in progress_notes(report, lang):
        append_row(notes, [line])
    book.save(path)


def progress_notes(report: ProgressReport, lang: Language) -> list[str]:
    """
    Explain how the report's numbers are made, in the reader's language.

    Parameters
    ----------
    report
        The report.
    lang
        ``"id"`` or ``"en"``.

    Returns
    -------
    list of str
        One sentence per line: DEMO, pace, projection, trend thresholds, apportioning.
    """
    settings = report.settings
    threshold = i18n.format_number(settings.trend_threshold_pp, lang, decimals=1)
    lines = [i18n.t("progress.note.demo", lang)] if report.is_demo else []
    lines += [
        i18n.t("progress.note.months", lang, first=report.months[0], last=report.months[-1],
               count=len(report.months)),
        i18n.t("progress.note.pace", lang, months=settings.pace_months),
        i18n.t("progress.note.projection", lang, until=report.until,
               target=i18n.format_percent(settings.target, lang, decimals=0)),
        i18n.t("progress.note.trend", lang, threshold=threshold,
               months=settings.pace_months),
        i18n.t("progress.note.offices", lang),
    ]
    return lines


def write_progress_tables(report: ProgressReport, result: AnalysisResult,
                          imports: pd.DataFrame, out_dir: Path, *, store: str,
                          scope: dict[str, str | None], lang: Language = "id",
                          notes: Sequence[str] = ()) -> list[Path]:
    """
    Write the report's tables and manifest into a folder, each file atomically.

    Parameters
    ----------
    report
        The report (narrowed to the scope, if any).
    result
        The latest month's analysis.
    imports
        The imports in force (:func:`geo_outreach.store.snapshots.stored_months`).
    out_dir
        The folder (a staging folder, see :func:`geo_outreach.publish.outputs.staged_outputs`).
    store
        The store's URL, password hidden.
    scope
        ``{"office": ..., "regency": ...}`` as asked.
    lang
        The workbook's language.
    notes
        What the stored months hold that the report leaves out (``run.json``).

    Returns
    -------
    list of Path
        The files written, :data:`PROGRESS_FILES`.
    """
    label = DEMO_LABEL if report.is_demo else ""
    summary = report.summary.assign(data_label=label)
    monthly = report.monthly.assign(data_label=label)
    used = imports[imports["month"].isin(report.months)].reset_index(drop=True)
    manifest = progress_manifest(report, result, imports, store=store, scope=scope,
                                 notes=notes)
    writers = {
        "progress_summary.csv": lambda p: write_csv(summary, p),
        "progress_monthly.csv": lambda p: write_csv(monthly, p),
        "progress.xlsx": lambda p: _write_xlsx(p, report, used, lang),
        "run.json": lambda p: p.write_text(
            json.dumps(manifest, indent=2, ensure_ascii=False, default=str) + "\n",
            encoding="utf-8"),
    }
    return [atomic_write(out_dir / name, write) for name, write in writers.items()]
