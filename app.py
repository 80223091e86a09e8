"""
The geo-outreach Streamlit app: a thin shell over the library.

Run it with ``bash scripts/dev.sh app`` (or ``streamlit run app.py``). Widgets become a
:class:`geo_outreach.config.AnalysisParams` and input files; the library does the rest.
Nothing here is stored at module level: Streamlit sessions share this process.
"""

from __future__ import annotations

import io
import re
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from geo_outreach import i18n, maps
from geo_outreach._errors import GeoOutreachError, Problem
from geo_outreach.config import AnalysisParams, ColumnMapping, Language
from geo_outreach.export import labelled
from geo_outreach.pipeline import InputPaths, PreparedInputs, analyse, prepare_inputs

if TYPE_CHECKING:
    from geo_outreach.result import AnalysisResult

VALIDATION_RADIUS_KM = 20.0
"""Offices farther than this from the study area are refused (the slider's maximum)."""

UPLOAD_TYPES = {
    "boundaries": ["gpkg", "geojson", "json", "zip", "parquet"],
    "participation": ["csv", "xlsx"],
    "offices": ["csv", "xlsx", "gpkg", "geojson"],
}

Upload = tuple[str, bytes]


def _safe_name(name: str) -> str:
    """Keep an uploaded file's base name for messages, never its path."""
    base = Path(name).name or "upload"
    return re.sub(r"[^\w.\-]", "_", base)[:80]


@st.cache_data(show_spinner=False, max_entries=16)
def prepare_cached(
    uploads: tuple[Upload | None, Upload | None, Upload | None],
    mappings: tuple[str, str, str],
) -> PreparedInputs:
    """Read and check the inputs once per distinct set of files and column mappings."""
    folder = Path(tempfile.mkdtemp(prefix="geo-outreach-upload-"))
    paths: list[Path | None] = []
    for role, upload in zip(("boundaries", "participation", "offices"), uploads, strict=True):
        if upload is None:
            paths.append(None)
            continue
        target = folder / role
        target.mkdir()
        path = target / _safe_name(upload[0])
        path.write_bytes(upload[1])
        paths.append(path)
    return prepare_inputs(
        InputPaths(
            boundaries=paths[0], participation=paths[1], offices=paths[2],
            boundary_columns=ColumnMapping.parse(mappings[0]),
            participation_columns=ColumnMapping.parse(mappings[1]),
            office_columns=ColumnMapping.parse(mappings[2]),
        ),
        radius_km=VALIDATION_RADIUS_KM,
    )


@st.cache_data(show_spinner=False, max_entries=64)
def analyse_cached(
    _prepared: PreparedInputs,
    inputs_key: tuple[Upload | None, ...] | str,
    radius_km: float,
    target: float,
    denominator: str,
) -> AnalysisResult:
    """Re-run only the analysis when the radius, target or denominator change."""
    del inputs_key  # part of the cache key only
    params = AnalysisParams(radius_km=radius_km, target=target,
                            denominator=denominator)  # type: ignore[arg-type]
    return analyse(_prepared, params)


def sidebar(lang: Language, regencies: list[str]) -> tuple[AnalysisParams, str | None]:
    """Draw the analysis settings and return them."""
    st.sidebar.header(i18n.t("sidebar.header", lang))
    radius_km = st.sidebar.slider(i18n.t("sidebar.radius", lang), 1.0, VALIDATION_RADIUS_KM,
                                  5.0, 0.5, key="radius_km")
    target_pct = st.sidebar.slider(i18n.t("sidebar.target", lang), 5, 100, 40, 1, key="target")
    denominator = st.sidebar.selectbox(
        i18n.t("sidebar.denominator", lang), ["labour_force", "employed"],
        format_func=lambda d: i18n.t(f"denominator.{d}", lang), key="denominator",
        help=i18n.glossary(lang).get("angkatan kerja"))
    everything = i18n.t("app.region_all", lang)
    regency = st.sidebar.selectbox(i18n.t("sidebar.regency", lang), [everything, *regencies],
                                   key="regency")
    params = AnalysisParams(radius_km=radius_km, target=target_pct / 100,
                            denominator=denominator)
    return params, None if regency == everything else regency


def read_uploads(lang: Language) -> tuple[tuple[Upload | None, ...], tuple[str, str, str]]:
    """Draw the upload widgets (in the Data tab) and return the files and mappings."""
    uploads: list[Upload | None] = []
    mappings: list[str] = []
    for role in ("boundaries", "participation", "offices"):
        file = st.file_uploader(i18n.t(f"sidebar.upload_{role}", lang), type=UPLOAD_TYPES[role],
                                key=f"upload_{role}")
        uploads.append(None if file is None else (file.name, file.getvalue()))
        mappings.append(st.text_input(i18n.t("data.column_mapping", lang, role=role),
                                      key=f"mapping_{role}",
                                      placeholder=i18n.t(f"data.mapping_example.{role}", lang)))
    return tuple(uploads), (mappings[0], mappings[1], mappings[2])


def problems_frame(problems: list[Problem], lang: Language) -> pd.DataFrame:
    """Problems as a table with the user's file, row, column, value and fix."""
    columns = ["severity", "file", "row", "column", "value", "message", "fix"]
    frame = pd.DataFrame([p.to_dict() for p in problems], columns=columns)
    return frame.rename(columns=i18n.column_labels(columns, lang, table="problems"))


def show_summary(result: AnalysisResult, lang: Language) -> None:
    """KPIs for the whole area and per office."""
    offices = result.offices
    inside = offices[["denominator_within_radius", "participants_within_radius",
                      "uncovered_within_radius", "workers_to_target_within_radius"]].sum()
    coverage = (inside["participants_within_radius"] / inside["denominator_within_radius"]
                if inside["denominator_within_radius"] else float("nan"))
    first, second, third = st.columns(3)
    first.metric(i18n.t("kpi.uncovered_within_radius", lang),
                 i18n.format_number(inside["uncovered_within_radius"], lang))
    second.metric(i18n.t("kpi.coverage_within_radius", lang),
                  i18n.format_percent(coverage, lang),
                  delta=i18n.format_gap(result.params.target - coverage, lang),
                  delta_color="normal")
    third.metric(i18n.t("kpi.workers_to_target", lang),
                 i18n.format_number(inside["workers_to_target_within_radius"], lang))
    shown = offices.drop(columns="geometry")
    st.dataframe(shown.rename(columns=i18n.column_labels(shown.columns, lang, table="offices")),
                 hide_index=True, width="stretch")


def show_priority(result: AnalysisResult, lang: Language, regency: str | None) -> None:
    """Show the sortable priority table, with CSV and XLSX downloads."""
    table = result.priority
    if regency:
        table = table[table["regency"] == regency]
    st.caption(i18n.t("note.coverage_formula", lang,
                      denominator=i18n.t(f"denominator.{result.params.denominator}", lang)))
    st.dataframe(table.rename(columns=i18n.column_labels(table.columns, lang, table="priority")),
                 hide_index=True, width="stretch")
    export = labelled(table, result)
    left, right = st.columns(2)
    left.download_button(i18n.t("button.download", lang, what="CSV"),
                         export.to_csv(index=False).encode("utf-8"),
                         file_name="priority.csv", mime="text/csv")
    buffer = io.BytesIO()
    export.to_excel(buffer, index=False, sheet_name="prioritas")
    right.download_button(i18n.t("button.download", lang, what="XLSX"), buffer.getvalue(),
                          file_name="priority.xlsx",
                          mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def show_map(result: AnalysisResult, lang: Language, regency: str | None) -> None:
    """Show the coverage map, and its download as one HTML file."""
    folium_map = maps.coverage_map(result, regency=regency, lang=lang)
    st_folium(folium_map, height=640, use_container_width=True, returned_objects=[],
              key="coverage_map")
    st.download_button(i18n.t("button.download_map", lang),
                       folium_map.get_root().render().encode("utf-8"),
                       file_name="peta-cakupan.html", mime="text/html")


def show_data(prepared: PreparedInputs, lang: Language) -> None:
    """Show the validation report and the match report."""
    if prepared.errors:
        st.error(i18n.t("msg.error", lang))
    if prepared.problems:
        st.dataframe(problems_frame(prepared.problems, lang), hide_index=True,
                     width="stretch")
    else:
        st.success(i18n.t("msg.no_problems", lang))
    st.subheader(i18n.t("tab.match_report", lang))
    report = prepared.match_report
    if not report.empty:
        st.write(report["status"].value_counts().rename(i18n.t("data.rows", lang)))
        st.dataframe(report, hide_index=True, width="stretch")


def main() -> None:
    """Draw the app."""
    st.set_page_config(page_title="geo-outreach", page_icon="🗺️", layout="wide")
    lang: Language = st.sidebar.radio(
        "Bahasa / Language", ["id", "en"], format_func=i18n.LANGUAGE_NAMES.__getitem__,
        horizontal=True, key="lang")
    st.title(i18n.t("app.title", lang))

    tab_names = ["tab.summary", "tab.map", "tab.priority", "tab.data", "tab.glossary"]
    summary, map_tab, priority, data, glossary = st.tabs([i18n.t(k, lang) for k in tab_names])
    with data:
        uploads, mappings = read_uploads(lang)
    try:
        with st.spinner(i18n.t("msg.reading", lang)):
            prepared = prepare_cached(uploads, mappings)  # type: ignore[arg-type]
    except GeoOutreachError as err:
        st.error(str(err))
        st.stop()
    regencies = sorted(prepared.regencies["name"]) if not prepared.regencies.empty else []
    params, regency = sidebar(lang, regencies)
    with data:
        show_data(prepared, lang)
    with glossary:
        for term, text in i18n.glossary(lang).items():
            st.markdown(f"**{term}**: {text}")
    if prepared.errors:
        for tab in (summary, map_tab, priority):
            tab.error(i18n.t("msg.fix_in_data_tab", lang))
        return
    try:
        result = analyse_cached(prepared, (*uploads, *mappings), params.radius_km,
                                params.target, params.denominator)
    except GeoOutreachError as err:
        st.error(str(err))
        st.stop()

    st.caption(i18n.t("app.subtitle", lang, radius=f"{params.radius_km:g} km"))
    if result.is_demo:
        st.warning(i18n.t("demo.banner", lang))
    if result.offices["approximate"].any():
        st.info(i18n.t("note.approximate", lang))
    with summary:
        show_summary(result, lang)
    with map_tab:
        show_map(result, lang, regency)
    with priority:
        show_priority(result, lang, regency)


if __name__ == "__main__":
    main()
