"""
The progress page (Kemajuan): are we on track to the target? Coverage month by month.

The months come from the progress store (stored on the Data page or with
``geo-outreach snapshot import``); while it holds none, the DEMO months January–October
2024 are shown, labelled DEMO. The numbers are the library's progress report
(:func:`geo_outreach.analysis.progress_run.run_progress`), the same as ``geo-outreach
progress`` writes for the same months and settings.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Final

import matplotlib.pyplot as plt
import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from app_pages.common import STATIC_URL, display, result_frame
from app_pages.store_panel import load_months, progress_cached
from geo_outreach import i18n
from geo_outreach._errors import GeoOutreachError
from geo_outreach.escape import escape_markdown
from geo_outreach.i18n.problem_text import describe_error
from geo_outreach.months import shift_month
from geo_outreach.publish.progress_outputs import worded, write_progress_tables
from geo_outreach.render.progress_charts import progress_chart
from geo_outreach.render.progress_data import month_label
from geo_outreach.render.progress_map import progress_map

if TYPE_CHECKING:
    from geo_outreach.analysis.progress import ProgressReport
    from geo_outreach.analysis.result import AnalysisResult
    from geo_outreach.config import AnalysisParams, Language
    from geo_outreach.inputs.prepare import PreparedInputs

LEVELS: Final = ("village", "office", "district", "regency")
SHOWN_COLUMNS: Final = ("unit_name", "regency", "coverage_latest", "change_pp",
                        "pace_per_month", "needed_by_target", "needed_per_month",
                        "projected_coverage", "on_track", "trend")


def chart_unit(report: ProgressReport, office: str | None, regency: str | None,
               lang: Language) -> tuple[str, str, str]:
    """Choose the chart's unit: the one the figures above it describe (level, id, name)."""
    row = _unit(report, office, regency)
    name = (i18n.t("app.region_all", lang) if row["level"] == "area"
            else str(row["unit_name"]))
    return str(row["level"]), str(row["unit_id"]), name


def _unit(report: ProgressReport, office: str | None, regency: str | None) -> pd.Series:
    summary = report.summary
    if office is not None:
        rows = summary[(summary["level"] == "office") & (summary["unit_id"] == office)]
    elif regency is not None:
        rows = summary[(summary["level"] == "regency") & (summary["unit_name"] == regency)]
    else:
        rows = summary[summary["level"] == "area"]
    return rows.iloc[0] if len(rows) else summary[summary["level"] == "area"].iloc[0]


def show_metrics(row: pd.Series, report: ProgressReport, lang: Language) -> None:
    """Show the chosen unit's coverage, pace, what is still needed and the projection."""
    name = (i18n.t("app.region_all", lang) if row["level"] == "area"
            else str(row["unit_name"]))
    state = i18n.t("progress.page.no_pace" if pd.isna(row["on_track"])
                   else "progress.page.on_track" if bool(row["on_track"])
                   else "progress.page.off_track", lang)
    st.markdown(f"**{escape_markdown(name)}** · {state}")
    cells = st.columns(5)
    cells[0].metric(i18n.t("progress.page.coverage", lang,
                           month=month_label(report.months[-1], lang)),
                    i18n.format_percent(row["coverage_latest"], lang),
                    delta=i18n.t("unit.percentage_points", lang,
                                 value=i18n.format_number(row["change_pp"], lang, decimals=2)))
    cells[1].metric(i18n.t("progress.page.pace", lang),
                    i18n.format_number(row["pace_per_month"], lang))
    cells[2].metric(i18n.t("progress.page.needed", lang),
                    i18n.format_number(row["needed_by_target"], lang))
    cells[3].metric(i18n.t("progress.page.per_month", lang,
                           until=month_label(report.until, lang)),
                    i18n.format_number(row["needed_per_month"], lang))
    cells[4].metric(i18n.t("progress.page.projected", lang,
                           until=month_label(report.until, lang)),
                    i18n.format_percent(row["projected_coverage"], lang))


def summary_table(report: ProgressReport, level: str, lang: Language) -> pd.DataFrame:
    """
    Give the summary rows of one level as the screen shows them, most needed first.

    Coverage as percentages and its change in points, in the reader's number format;
    counts whole (they stay numbers, so they sort); on-track and trend in words.
    """
    rows = report.level(level)[list(SHOWN_COLUMNS)]
    rows = rows.sort_values("needed_by_target", ascending=False).rename(
        columns={"projected_coverage": "coverage_projected"})  # shown as a percentage
    rows["change_pp"] = [
        "" if pd.isna(value) else i18n.t("unit.percentage_points", lang, value=(
            ("+" if value > 0 else "") + i18n.format_number(value, lang, decimals=2)))
        for value in rows["change_pp"]]
    rows = worded(rows, lang)  # trend and on-track in words, as in the workbook
    headers = {column: i18n.t(f"progress.page.column.{column}", lang)
               for column in rows.columns}
    return display(rows, lang, table_name="progress", headers=headers)


def _workbook(report: ProgressReport, result: AnalysisResult, imports: pd.DataFrame,
              where: str, lang: Language) -> bytes:
    with tempfile.TemporaryDirectory(prefix="geo-outreach-progress-") as tmp:
        write_progress_tables(report, result, imports, Path(tmp), store=where,
                              scope={"office": None, "regency": None}, lang=lang)
        return (Path(tmp) / "progress.xlsx").read_bytes()


def show_progress(places: PreparedInputs, params: AnalysisParams, lang: Language,
                  office: str | None, regency: str | None) -> None:
    """Draw the page: DEMO note, target month, figures, chart, map, table, download."""
    st.caption(i18n.t("progress.page.intro", lang))
    loaded = load_months(lang)
    if loaded is None:
        return
    series, imports, where, is_demo = loaded
    if is_demo:
        st.warning(i18n.t("progress.page.demo", lang))
    latest = str(series["month"].max())
    choices = [shift_month(latest, step) for step in range(25)]
    default = f"{latest[:4]}-12"
    until = st.select_slider(i18n.t("progress.page.until", lang), choices,
                             value=default if default in choices else choices[0],
                             format_func=lambda month: month_label(month, lang),
                             key="progress_until")
    try:
        with st.spinner(i18n.t("msg.reading", lang)):
            report, result = progress_cached(places, series, imports, where, params,
                                             until=until)
    except GeoOutreachError as err:
        st.error(escape_markdown(describe_error(err, lang)))
        return
    show_metrics(_unit(report, office, regency), report, lang)
    level, unit_id, name = chart_unit(report, office, regency, lang)
    figure = progress_chart(report, level, unit_id, name=name, lang=lang, demo=report.is_demo)
    st.pyplot(figure, clear_figure=True)
    plt.close(figure)
    st.subheader(i18n.t("progress.page.map", lang))
    st_folium(progress_map(result, report, lang=lang, regency=regency, inline_assets=False,
                           asset_base_url=STATIC_URL),
              height=600, use_container_width=True, returned_objects=[], render=False,
              key="progress_map")
    level = st.radio(i18n.t("progress.page.level", lang), LEVELS, horizontal=True,
                     format_func=lambda value: i18n.t(f"progress.page.level.{value}", lang),
                     key="progress_level")
    shown = summary_table(report, level, lang)
    counts = {str(column): st.column_config.NumberColumn(format="localized")
              for column in shown.columns if pd.api.types.is_integer_dtype(shown[column])}
    st.dataframe(shown, hide_index=True, width="stretch", column_config=counts)
    st.download_button(i18n.t("progress.page.download", lang),
                       data=lambda: _workbook(report, result, imports, where, lang),
                       file_name="kemajuan.xlsx", on_click="ignore",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                       key="progress_download")


if __name__ == "__main__":
    frame = result_frame()
    show_progress(frame.prepared, frame.result.params, frame.lang, frame.office,
                  frame.regency)
