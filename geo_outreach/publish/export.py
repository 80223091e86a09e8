"""
Write a result to disk: CSV tables, a GeoPackage and the run manifest.

Every file is written atomically: first to a temporary file in the same folder, then
renamed over the target, so a failed or interrupted run never leaves a half-written
output behind. The command line's files keep the machine column names documented in the
README (:func:`with_run_columns`); a table the app hands out is :func:`labelled` in the
user's language: headers, yes/no and codes in words, percentages instead of fractions.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import geopandas as gpd
import pandas as pd

from geo_outreach import __version__, i18n
from geo_outreach._errors import OutputError
from geo_outreach.analysis.headline import headline
from geo_outreach.atomic import atomic_write
from geo_outreach.inputs.bundled import DEMO_LABEL
from geo_outreach.inputs.schema import VILLAGE_OUTPUT_COLUMNS
from geo_outreach.privacy import DEFAULT_K, shareable
from geo_outreach.spreadsheet import write_csv

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from geo_outreach.analysis.result import AnalysisResult
    from geo_outreach.config import Language

OUTPUT_FILES = ("villages.csv", "villages.gpkg", "offices.csv", "priority.csv",
                "match_report.csv", "run.json")
"""What :func:`write_outputs` always writes into the output folder."""

HOUSEHOLD_OUTPUT_FILES = ("hexes.csv", "hexes.gpkg", "households_rejects.csv")
"""What it adds when household points were given (aggregates and row numbers only)."""


FRACTION_DECIMALS = 4
"""Coverage, gaps and shares: 0.3862 is 38.62 %."""
FRACTION_PREFIXES = ("coverage", "gap_to_target", "share_")
"""Columns named so hold fractions (0.4 = 40 %)."""
FRACTION_COLUMNS = frozenset({"register_completeness"})
"""Other columns that hold fractions."""
POINTS_PREFIXES = ("gap_to_target",)
"""Fractions that are differences of percentages: shown in percentage points, not as %."""
COUNT_DECIMALS = 1
"""Apportioned worker counts keep one decimal, so their totals still add up."""
KM_DECIMALS = 3


def is_percentage_points(column: str) -> bool:
    """
    Tell whether a fraction column is a difference of percentages (shown in points).

    Parameters
    ----------
    column
        A machine column name, e.g. ``"gap_to_target"``.

    Returns
    -------
    bool
        True for :data:`POINTS_PREFIXES`.
    """
    return column.startswith(POINTS_PREFIXES)


def is_fraction(column: str) -> bool:
    """
    Tell whether a result column holds fractions (coverage, gaps, shares).

    Parameters
    ----------
    column
        A machine column name, e.g. ``"coverage_within_radius"``.

    Returns
    -------
    bool
        True for :data:`FRACTION_PREFIXES` and :data:`FRACTION_COLUMNS`.
    """
    return column.startswith(FRACTION_PREFIXES) or column in FRACTION_COLUMNS


def rounded(table: pd.DataFrame) -> pd.DataFrame:
    """
    Round a result table for reading: fractions to 4 decimals, km to 3, counts to 1.

    Parameters
    ----------
    table
        A villages, offices or priority table.

    Returns
    -------
    pd.DataFrame
        A rounded copy; whole-number counts become integers where no value is missing.
    """
    out = table.copy()
    for column in out.columns:
        if not pd.api.types.is_float_dtype(out[column]):
            continue
        if is_fraction(column):
            out[column] = out[column].round(FRACTION_DECIMALS)
        elif column.endswith("_km"):
            out[column] = out[column].round(KM_DECIMALS)
        elif column in ("lat", "lon"):
            continue
        else:
            values = out[column].round(COUNT_DECIMALS)
            whole = values.notna().all() and (values % 1 == 0).all()
            out[column] = values.astype("int64") if whole else values
    return out


def with_run_columns(table: pd.DataFrame, result: AnalysisResult) -> pd.DataFrame:
    """
    Add the columns every shared table carries: the denominator and the data label.

    The machine column names stay, as the command line's files document them.

    Parameters
    ----------
    table
        Any result table.
    result
        The run it came from.

    Returns
    -------
    pd.DataFrame
        ``table`` (rounded, small household counts hidden) plus ``denominator`` (e.g.
        ``labour_force``) and ``data_label`` (``DEMO`` when the participation data is the
        bundled synthetic table).
    """
    k = (int(result.household_summary["min_cell_households"])  # type: ignore[call-overload]
         if result.household_summary else DEFAULT_K)
    out = rounded(shareable(pd.DataFrame(table.drop(columns="geometry", errors="ignore")), k))
    out["denominator"] = result.params.denominator
    out["data_label"] = data_label(result)
    return out


def labelled(table: pd.DataFrame, result: AnalysisResult, *,
             lang: Language = "id") -> pd.DataFrame:
    """
    Make a result table ready to hand out from the app, in the user's language.

    Parameters
    ----------
    table
        A villages, offices or priority table (a village's name is headed
        "Kalurahan/kelurahan", an office's "Kantor").
    result
        The run it came from.
    lang
        ``"id"`` (default) or ``"en"``: headers and words in that language.

    Returns
    -------
    pd.DataFrame
        :func:`with_run_columns`, with translated headers; fractions as percentages
        (38.62 under "Cakupan (%)"), yes/no and codes (denominator, counting method,
        office type) in words, the data label in ``lang``. Numbers stay numbers.
    """
    out = with_run_columns(table, result)
    headers = i18n.column_labels(out.columns, lang, table=_table_kind(out))
    for column in out.columns:
        values = out[column]
        if pd.api.types.is_bool_dtype(values):
            out[column] = [i18n.value_label(column, value, lang) if pd.notna(value) else ""
                           for value in values]
        elif is_fraction(column) and pd.api.types.is_numeric_dtype(values):
            out[column] = (values * 100).round(FRACTION_DECIMALS - 2)
            if not is_percentage_points(column):  # points: the header says so
                headers[column] = i18n.t("download.percent_header", lang,
                                         header=headers[column])
        elif not pd.api.types.is_numeric_dtype(values):
            words = {value: i18n.value_label(column, value, lang)
                     for value in values.dropna().unique()}
            out[column] = values.map(lambda value, words=words: words.get(value, value))
    out["data_label"] = data_label(result, lang)
    return out.rename(columns=headers)


def _table_kind(table: pd.DataFrame) -> str:
    """Name the result table by its columns, for its own headers (``name``: village or office)."""
    if "rank" in table.columns:
        return "priority"
    return "offices" if "office_id" in table.columns else "villages"


def data_label(result: AnalysisResult, lang: Language | None = None) -> str:
    """
    Say which inputs are synthetic: ``DEMO`` (participation), ``DEMO households`` ...

    Parameters
    ----------
    result
        The run.
    lang
        None for the label the command line writes; ``"id"`` or ``"en"`` for the app's
        downloads (``DEMO rumah tangga``).

    Returns
    -------
    str
        Empty when no input is synthetic.
    """
    parts = []
    if result.is_demo:
        parts.append(DEMO_LABEL)
    if result.households_demo:
        parts.append(f"{DEMO_LABEL} households" if lang is None
                     else i18n.t("value.data_label.households", lang))
    return "; ".join(parts)


def run_manifest(result: AnalysisResult) -> dict[str, object]:
    """
    Describe a run: inputs with their sha256, parameters, version and headline totals.

    Parameters
    ----------
    result
        The analysis result.

    Returns
    -------
    dict
        JSON-serialisable manifest, written as ``run.json``.
    """
    villages = result.villages
    return {
        "tool": "geo-outreach",
        "version": __version__,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "data_label": data_label(result),
        "inputs": result.inputs,
        "parameters": {
            "radius_km": result.params.radius_km,
            "target": result.params.target,
            "denominator": result.params.denominator,
            "metric_crs": result.metric_crs,
            "reach_method": (
                "straight-line; a village's share inside the radius is its register "
                "workers' share where household points give workers, its area share "
                "elsewhere; the register's own counts are the register_* columns"
                if result.household_summary else
                "straight-line, village share by area inside the union of discs"),
        },
        "households": result.household_summary,
        "road_network": result.road_network,
        "totals": {
            "villages": len(villages),
            "villages_with_data": int(villages["has_data"].sum()),
            "denominator": float(villages["denominator_value"].sum()),
            "participants": float(villages["participants"].sum()),
            "uncovered": float(villages["uncovered"].sum()),
            "uncovered_within_radius": round(float(villages["uncovered_within_radius"].sum()), 1),
            "provisional_participants": (
                int(villages["provisional_participants"].fillna(0).sum())
                if "provisional_participants" in villages else 0),
        },
        "headline": headline(result).as_dict(),
        "warnings": [str(p) for p in result.problems],
    }


def write_outputs(result: AnalysisResult, out_dir: Path) -> list[Path]:
    """
    Write every output file of ``geo-outreach analyze`` into a folder.

    Parameters
    ----------
    result
        The analysis result.
    out_dir
        The folder; created if missing.

    Returns
    -------
    list of Path
        The files written, in :data:`OUTPUT_FILES` order.
    """
    if out_dir.exists() and not out_dir.is_dir():
        raise OutputError(f"{out_dir} is a file, not a folder: give --out a folder name")
    villages_table = with_run_columns(result.villages, result)
    # the contract's columns first, whatever stages added columns in between
    villages_table = villages_table[[*VILLAGE_OUTPUT_COLUMNS, *(
        c for c in villages_table.columns if c not in VILLAGE_OUTPUT_COLUMNS)]]
    gpkg = gpd.GeoDataFrame(villages_table, geometry=result.villages.geometry.to_numpy(),
                            crs=result.villages.crs)
    manifest = json.dumps(run_manifest(result), indent=2, ensure_ascii=False)
    writers: dict[str, Callable[[Path], None]] = {
        "villages.csv": lambda p: write_csv(villages_table, p),
        "villages.gpkg": lambda p: gpkg.to_file(p, layer="villages", driver="GPKG"),
        "offices.csv": lambda p: write_csv(with_run_columns(result.offices, result), p),
        "priority.csv": lambda p: write_csv(with_run_columns(result.priority, result), p),
        "match_report.csv": lambda p: write_csv(result.match_report, p),
        "run.json": lambda p: p.write_text(manifest + "\n", encoding="utf-8"),
    }
    if result.household_cells is not None:
        cells = with_run_columns(result.household_cells, result)
        cells_gpkg = gpd.GeoDataFrame(cells, geometry=result.household_cells.geometry.to_numpy(),
                                      crs=result.household_cells.crs)
        rejects = result.household_rejects if result.household_rejects is not None else (
            pd.DataFrame({"row": [], "reason": [], "detail": []}))
        writers |= {
            "hexes.csv": lambda p: write_csv(cells, p),
            "hexes.gpkg": lambda p: cells_gpkg.to_file(p, layer="hexes", driver="GPKG"),
            "households_rejects.csv": lambda p: write_csv(rejects, p),
        }
    try:
        return [atomic_write(out_dir / name, write) for name, write in writers.items()]
    except PermissionError as err:
        raise OutputError(f"cannot write into {out_dir}: {err.strerror}; "
                          "choose another --out folder") from err


def write_problems(problems_table: pd.DataFrame, path: Path) -> Path:
    """Write a validation report table atomically as CSV."""
    return atomic_write(path, lambda p: write_csv(problems_table, p))
