"""
The progress report's pictures.

A map with a month slider and a trend layer, a chart per office against the target line,
and one small map per month for reports (PNG and PDF).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Final

import matplotlib.pyplot as plt

from geo_outreach.atomic import atomic_write
from geo_outreach.render.progress_charts import (
    office_progress_chart,
    small_multiples,
    write_figure,
)
from geo_outreach.render.progress_map import progress_map

if TYPE_CHECKING:
    from pathlib import Path

    from geo_outreach.analysis.progress import ProgressReport
    from geo_outreach.analysis.result import AnalysisResult
    from geo_outreach.config import Language

MAP_FILE: Final = "progress_map.html"
SMALL_MULTIPLES: Final = ("progress_months.png", "progress_months.pdf")
CHART_FOLDER: Final = "charts"
UNSAFE_NAME: Final = re.compile(r"[^A-Za-z0-9_-]+")


def chart_name(office_id: str) -> str:
    """
    Name an office's chart file: ``kantor_<office_id>.png``, safe on every system.

    Parameters
    ----------
    office_id
        The office's id.

    Returns
    -------
    str
        The file name.
    """
    return f"kantor_{UNSAFE_NAME.sub('_', str(office_id)).strip('_') or 'office'}.png"


def write_progress_figures(report: ProgressReport, result: AnalysisResult, out_dir: Path, *,
                           lang: Language = "id", regency: str | None = None) -> list[Path]:
    """
    Write the map, the office charts and the small multiples into a folder.

    Parameters
    ----------
    report
        The report (narrowed to the scope, if any).
    result
        The latest month's analysis: the village polygons, offices and radius rings.
    out_dir
        The folder (a staging folder).
    lang
        ``"id"`` or ``"en"``.
    regency
        Draw only this kabupaten/kota.

    Returns
    -------
    list of Path
        The files written: ``progress_map.html``, ``progress_months.png`` and ``.pdf``,
        and ``charts/kantor_<id>.png`` per office of the report.
    """
    shown = progress_map(result, report, lang=lang, regency=regency)
    html = shown.get_root().render()
    written = [atomic_write(out_dir / MAP_FILE,
                            lambda p: p.write_text(html, encoding="utf-8"))]
    figure = small_multiples(result, report, lang=lang, regency=regency, demo=report.is_demo)
    try:
        written += [write_figure(figure, out_dir / name) for name in SMALL_MULTIPLES]
    finally:
        plt.close(figure)
    (out_dir / CHART_FOLDER).mkdir(exist_ok=True)
    for office_id in report.level("office")["unit_id"].astype(str):
        chart = office_progress_chart(report, office_id, lang=lang, demo=report.is_demo)
        try:
            written.append(write_figure(chart, out_dir / CHART_FOLDER / chart_name(office_id)))
        finally:
            plt.close(chart)
    return written
