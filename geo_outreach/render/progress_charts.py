"""
Coverage by month for reports: an office's line chart, and one small map per month.

Drawn with matplotlib (no pyplot state: each call returns its own figure) in the style of
:mod:`geo_outreach.render.static_map`: the map classes around the target, DEMO labels in
red, the tool's version and the boundary credit in small print. :func:`write_figure`
writes a figure as PNG or PDF, atomically. Names from the user's files are drawn as text,
never as mathematics.
"""

from __future__ import annotations

import io
import math
from pathlib import Path
from typing import TYPE_CHECKING, Final

import numpy as np
import pandas as pd
import shapely
from matplotlib import rc_context
from matplotlib.collections import PatchCollection
from matplotlib.figure import Figure
from matplotlib.patches import Patch, PathPatch
from matplotlib.path import Path as MplPath
from matplotlib.text import Text
from matplotlib.ticker import FixedLocator, FuncFormatter

from geo_outreach import __version__
from geo_outreach._errors import InputError, OutputError, Problem
from geo_outreach.atomic import atomic_write
from geo_outreach.i18n import format_number, t
from geo_outreach.months import months_between
from geo_outreach.render.map_data import select_regency
from geo_outreach.render.map_style import (
    CLASS_COLOURS,
    NO_DATA_COLOUR,
    OFFICE_COLOUR,
    REGENCY_COLOUR,
    class_labels,
    coverage_classes,
    percent_label,
)
from geo_outreach.render.progress_data import month_label

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from geo_outreach.analysis.progress import ProgressReport
    from geo_outreach.analysis.result import AnalysisResult
    from geo_outreach.config import Language

CHART_INCHES: Final = (10.0, 5.6)
"""An office's chart: half an A4 landscape page, wide enough for 36 months."""

PAGE_INCHES: Final = (11.69, 8.27)
"""A4 landscape, for the small multiples."""

MAX_PANELS: Final = 36
"""Small maps on one page at most: the latest months are kept."""

SIMPLIFY_M: Final = 30.0
"""Village outlines are simplified this much for the small maps (a fraction of a point)."""

DPI: Final = 200
"""Resolution of a PNG."""

FORMATS: Final = ("png", "pdf")

_DEMO_RED: Final = "#b2182b"
_GREY: Final = "#333333"


# --- an office's coverage by month --------------------------------------------------
def office_progress_chart(report: ProgressReport, office_id: str, *, lang: Language = "id",
                          demo: bool = False) -> Figure:
    """
    Draw one office's coverage by month, its target and where its current pace leads.

    Parameters
    ----------
    report
        The progress report (its ``office`` rows of ``monthly`` and ``summary``).
    office_id
        The office, e.g. ``"KC-YGY"``.
    lang
        ``"id"`` (Bahasa Indonesia) or ``"en"``.
    demo
        Label the chart DEMO (synthetic data).

    Returns
    -------
    Figure
        See :func:`progress_chart`.

    Raises
    ------
    InputError
        When the report has no month for this office; the message lists those it has.
    """
    return progress_chart(report, "office", office_id, lang=lang, demo=demo)


def progress_chart(report: ProgressReport, level: str, unit_id: str, *,
                   lang: Language = "id", demo: bool = False,
                   name: str | None = None) -> Figure:
    """
    Draw one unit's coverage by month (an office, a kabupaten, the whole area ...).

    Parameters
    ----------
    report
        The progress report.
    level, unit_id
        The unit: a ``level`` of the report and its ``unit_id`` (``"area"``, ``"all"``
        for the whole area).
    lang
        ``"id"`` (Bahasa Indonesia) or ``"en"``.
    demo
        Label the chart DEMO (synthetic data).
    name
        The unit's name in the title; the report's ``unit_name`` when None.

    Returns
    -------
    Figure
        Coverage in percent per month (a line with points), the target as a horizontal
        line labelled "Target 40%", and, when the report's target month (``report.until``,
        else ``report.settings.until``) comes after the latest one, the projection at the
        current pace as a dashed line to it.

    Raises
    ------
    InputError
        When the report has no month for this unit; the message lists those it has.
    """
    rows = _unit_rows(report, level, unit_id)
    months = [str(month) for month in report.months]
    position = {month: i for i, month in enumerate(months)}
    x = np.array([position[month] for month in rows["month"].astype(str)], dtype=float)
    coverage = pd.to_numeric(rows["coverage"], errors="coerce").to_numpy(dtype=float) * 100
    target = float(report.settings.target)
    name = name or str(rows["unit_name"].iloc[-1])

    figure = Figure(figsize=CHART_INCHES, facecolor="white")
    ax = figure.add_axes((0.08, 0.2, 0.72, 0.66))
    ax.plot(x, coverage, color=OFFICE_COLOUR, linewidth=2, marker="o", markersize=4,
            label=t("progress_map.chart.actual", lang), gid="coverage", zorder=3)
    target_text = t("progress_map.chart.target", lang, target=percent_label(target, lang))
    ax.axhline(target * 100, color=REGENCY_COLOUR, linewidth=1.2, linestyle=(0, (6, 3)),
               label=target_text, gid="target", zorder=2)
    last = len(months) - 1
    projection = _projection(report, level, unit_id, x[-1], coverage[-1])
    if projection is not None:
        end_x, end_y, until = projection
        ax.plot([x[-1], end_x], [coverage[-1], end_y], color=OFFICE_COLOUR, linewidth=1.6,
                linestyle="--", gid="projection", zorder=3,
                label=t("progress_map.chart.projection", lang,
                        months=int(report.settings.pace_months),
                        until=month_label(until, lang)))
        last = max(last, int(end_x))
    ax.annotate(target_text, (1.0, target * 100), xycoords=("axes fraction", "data"),
                xytext=(4, 0), textcoords="offset points", va="center", fontsize=9,
                color=REGENCY_COLOUR, fontweight="bold")
    tops = [target * 100, float(np.nanmax(coverage))]
    if projection is not None:
        tops.append(projection[1])
    ax.set_ylim(0, min(100.0, max(tops) * 1.15 + 1))
    ax.set_xlim(-0.5, last + 0.5)
    _month_axis(ax, months, last, lang)
    ax.yaxis.set_major_formatter(FuncFormatter(lambda value, _: format_number(value, lang)))
    ax.set_xlabel(t("progress_map.chart.month", lang))
    ax.set_ylabel(t("progress_map.chart.coverage", lang))
    ax.grid(axis="y", color="#dddddd", linewidth=0.6)
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(loc="lower right", fontsize=8, frameon=False)
    figure.text(0.08, 0.95, t("progress_map.chart.title", lang, office=name), fontsize=14,
                fontweight="bold", va="top")
    notes = [t("share.tool", lang, version=__version__)]
    if projection is not None:
        notes.insert(0, t("progress_map.chart.projection_note", lang,
                          months=int(report.settings.pace_months),
                          until=month_label(projection[2], lang)))
    figure.text(0.08, 0.03, " · ".join(notes), fontsize=7, color=_GREY, va="bottom")
    if demo:
        _demo_label(figure, 0.08, 0.895, lang)
    return _plain_text(figure)


def _unit_rows(report: ProgressReport, level: str, unit_id: str) -> pd.DataFrame:
    """One unit's monthly rows with a coverage, in month order; refuse an unknown unit."""
    monthly = report.monthly
    of_level = monthly[monthly["level"] == level]
    rows = of_level[(of_level["unit_id"].astype(str) == str(unit_id))
                    & pd.to_numeric(of_level["coverage"], errors="coerce").notna()
                    & of_level["month"].astype(str).isin([str(m) for m in report.months])]
    if rows.empty:
        known = ", ".join(sorted(of_level["unit_id"].astype(str).unique())) or "none"
        raise InputError(Problem("parameters", None, level, str(unit_id),
                                 f"the progress report has no month for this {level}",
                                 f"use one of: {known}"))
    return rows.sort_values("month")


def _projection(report: ProgressReport, level: str, unit_id: str, latest_x: float,
                latest_y: float) -> tuple[float, float, str] | None:
    """Where the current pace leads by ``until``: (x, coverage in %, month), or None."""
    until = getattr(report, "until", None) or report.settings.until  # the month used, if told
    summary = report.level(level)
    row = summary[summary["unit_id"].astype(str) == str(unit_id)]
    if until is None or row.empty:
        return None
    latest = str(row["latest_month"].iloc[0])
    try:
        left = months_between(latest, str(until))
    except ValueError:
        return None
    if left <= 0:
        return None
    projected = pd.to_numeric(row["projected_coverage"], errors="coerce").iloc[0]
    if not np.isfinite(projected):
        pace = pd.to_numeric(row["coverage_pace_pp"], errors="coerce").iloc[0]
        if not np.isfinite(pace):
            return None
        projected = (latest_y + pace * left) / 100
    return latest_x + left, float(projected) * 100, str(until)


def _month_axis(ax: Axes, months: list[str], last: int, lang: Language) -> None:
    """Name the months under the chart, every one or every few, and those projected to."""
    names = [*months]
    while len(names) <= last:  # the months after the report, up to the projection's end
        year, month = (int(part) for part in names[-1].split("-"))
        names.append(f"{year + month // 12:04d}-{month % 12 + 1:02d}")
    step = max(1, math.ceil(len(names) / 12))
    ticks = list(range(0, len(names), step))
    ax.xaxis.set_major_locator(FixedLocator(ticks))
    ax.set_xticklabels([month_label(names[i], lang) for i in ticks], fontsize=8)


# --- one small map per month ----------------------------------------------------------
def small_multiples(result: AnalysisResult, report: ProgressReport, *, lang: Language = "id",
                    regency: str | None = None, demo: bool = False) -> Figure:
    """
    Draw one small choropleth per month on an A4 landscape page, with a shared legend.

    Parameters
    ----------
    result
        The analysis whose village outlines are drawn (and whose target the classes are
        relative to, as on the maps).
    report
        The progress report: its village rows of ``monthly``.
    lang
        ``"id"`` or ``"en"``.
    regency
        Only this kabupaten/kota (name or code); None draws all of DIY.
    demo
        Label the page DEMO (synthetic data).

    Returns
    -------
    Figure
        A map per month (the latest :data:`MAX_PANELS` at most), titled with the month,
        villages in the coverage map's classes and "tanpa data" grey where a village has
        no row that month; the legend, title and credits around them. Only classes are
        drawn, no counts.

    Raises
    ------
    InputError
        When ``regency`` names no kabupaten/kota of the result.
    """
    data = select_regency(result, regency)
    villages = data.villages.to_crs(result.metric_crs)
    months = [str(month) for month in report.months][-MAX_PANELS:]
    target = result.params.target
    paths = _paths(shapely.simplify(villages.geometry.to_numpy(), SIMPLIFY_M,
                                    preserve_topology=True))
    codes = villages["code"].astype(str).to_numpy()
    west, south, east, north = villages.total_bounds

    figure = Figure(figsize=PAGE_INCHES, facecolor="white")
    area = (0.015, 0.1, 0.77, 0.77)  # left, bottom, width, height of the panels
    columns, rows = _grid(len(months), east - west, north - south, area)
    width, height = area[2] / columns, area[3] / rows
    classes = _monthly_classes(report, months, codes, target)
    for i, month in enumerate(months):
        row, column = divmod(i, columns)
        ax = figure.add_axes((area[0] + column * width,
                              area[1] + area[3] - (row + 1) * height, width, height * 0.9))
        colours = [CLASS_COLOURS[k] if k >= 0 else NO_DATA_COLOUR for k in classes[month]]
        ax.add_collection(PatchCollection([PathPatch(path) for path in paths],
                                          facecolors=colours, edgecolors="white",
                                          linewidths=0.15))
        pad = 0.02 * max(east - west, north - south)
        ax.set_xlim(west - pad, east + pad)
        ax.set_ylim(south - pad, north + pad)
        ax.set_aspect("equal")
        ax.set_axis_off()
        ax.set_title(month_label(month, lang), fontsize=8, pad=2)
    _multiples_text(figure, report, months, region=data.region or t("app.region_all", lang),
                    target=target, lang=lang, demo=demo)
    return _plain_text(figure)


def _monthly_classes(report: ProgressReport, months: list[str], codes: np.ndarray,
                     target: float) -> dict[str, np.ndarray]:
    """Each month's class per village (in ``codes`` order); -1 without a row."""
    monthly = report.monthly
    rows = monthly[(monthly["level"] == "village") & monthly["month"].astype(str).isin(months)]
    coverage = pd.to_numeric(rows["coverage"], errors="coerce")
    frame = pd.DataFrame({"code": rows["unit_id"].astype(str).to_numpy(),
                          "month": rows["month"].astype(str).to_numpy(),
                          "coverage": coverage.to_numpy(), "has_data": coverage.notna().to_numpy()})
    frame["k"] = coverage_classes(frame, target)
    table = frame.pivot_table(index="code", columns="month", values="k", aggfunc="last")
    table = table.reindex(index=codes, columns=months).fillna(-1).astype(int)
    return {month: table[month].to_numpy() for month in months}


def _grid(count: int, map_width: float, map_height: float,
          area: tuple[float, float, float, float]) -> tuple[int, int]:
    """Choose the columns and rows that draw ``count`` maps of this shape largest in ``area``."""
    page_width, page_height = area[2] * PAGE_INCHES[0], area[3] * PAGE_INCHES[1]
    best, best_scale = (max(count, 1), 1), 0.0
    for columns in range(1, max(count, 1) + 1):
        rows = math.ceil(count / columns)
        scale = min(page_width / columns / max(map_width, 1e-9),
                    0.9 * page_height / rows / max(map_height, 1e-9))
        if scale > best_scale:
            best, best_scale = (columns, rows), scale
    return best


def _paths(geometries: np.ndarray) -> list[MplPath]:
    """Each (multi)polygon as one matplotlib path, holes included."""
    paths = []
    for geometry in geometries:
        rings = []
        for part in shapely.get_parts(geometry):
            if isinstance(part, shapely.Polygon) and not part.is_empty:
                rings += [part.exterior, *part.interiors]
        pieces = [MplPath(np.asarray(ring.coords), closed=True) for ring in rings]
        paths.append(MplPath.make_compound_path(*pieces) if pieces
                     else MplPath(np.zeros((1, 2))))
    return paths


def _multiples_text(figure: Figure, report: ProgressReport, months: list[str], *,
                    region: str, target: float, lang: Language, demo: bool) -> None:
    """Write the title, the months covered, the shared legend, DEMO label and credits."""
    figure.text(0.015, 0.975, t("progress_map.multiples.title", lang, region=region),
                fontsize=14, fontweight="bold", va="top")
    span = t("progress_map.multiples.range", lang, first=month_label(months[0], lang),
             last=month_label(months[-1], lang), count=len(months))
    facts = [span, t("note.target", lang, target=percent_label(target, lang))]
    if len(report.months) > len(months):
        facts.append(t("progress_map.multiples.cut", lang, count=len(months),
                       total=len(report.months)))
    figure.text(0.015, 0.935, " · ".join(facts), fontsize=9, color=_GREY, va="top")
    handles = [Patch(facecolor=CLASS_COLOURS[i], edgecolor="#888888", label=label)
               for i, label in reversed(list(enumerate(class_labels(target, lang))))]
    handles.append(Patch(facecolor=NO_DATA_COLOUR, edgecolor="#888888",
                         label=t("map.legend.no_data", lang)))
    figure.legend(handles=handles, loc="upper left", bbox_to_anchor=(0.8, 0.86), fontsize=8,
                  title=t("map.legend.title", lang), title_fontsize=9, frameon=False,
                  alignment="left")
    credit = " · ".join((t("note.boundary_attribution", lang),
                         t("share.tool", lang, version=__version__)))
    figure.text(0.015, 0.02, credit, fontsize=7, color=_GREY, va="bottom")
    if demo:
        _demo_label(figure, 0.015, 0.905, lang)


# --- files ----------------------------------------------------------------------------
def write_figure(figure: Figure, path: str | Path) -> Path:
    """
    Write a figure as PNG or PDF, chosen by the file's suffix, atomically.

    Parameters
    ----------
    figure
        E.g. from :func:`office_progress_chart` or :func:`small_multiples`.
    path
        A ``.png`` or ``.pdf`` file (any case); missing folders are created. The file is
        written beside its place first and renamed into it, so an interrupted write
        never leaves half a file.

    Returns
    -------
    Path
        ``path``.

    Raises
    ------
    InputError
        When the suffix is neither ``.png`` nor ``.pdf``.
    OutputError
        When the file cannot be written.
    """
    target = Path(path)
    image_format = target.suffix.lower().lstrip(".")
    if image_format not in FORMATS:
        raise InputError(Problem("parameters", None, "path", target.name,
                                 "a chart is written as PNG or PDF",
                                 "end the file name in .png or .pdf"))
    key = "Software" if image_format == "png" else "Creator"
    buffer = io.BytesIO()
    with rc_context({"pdf.fonttype": 42}):  # real text in the PDF: searchable, copyable
        figure.savefig(buffer, format=image_format, dpi=DPI,
                       metadata={key: f"geo-outreach {__version__}"})
    content = buffer.getvalue()
    try:
        return atomic_write(target, lambda temporary: temporary.write_bytes(content))
    except OSError as err:
        raise OutputError(f"cannot write the chart to {target}: {err.strerror or err}; "
                          "choose a folder you can write to") from err


def _demo_label(figure: Figure, x: float, y: float, lang: Language) -> None:
    """Write the DEMO label in white on red."""
    figure.text(x, y, t("demo.banner", lang), fontsize=8.5, va="top",
                color="white", fontweight="bold",
                bbox={"boxstyle": "round,pad=0.3", "facecolor": _DEMO_RED,
                      "edgecolor": _DEMO_RED})


def _plain_text(figure: Figure) -> Figure:
    """Draw every text as it is: a name with ``$`` is never read as mathematics."""
    for text in figure.findobj(Text):
        text.set_parse_math(False)
    return figure
