"""
The geo-outreach Streamlit app: a thin shell over the library.

Run it with ``bash scripts/dev.sh app`` (or ``streamlit run app.py`` from this folder, so
that ``.streamlit/config.toml`` serves Leaflet from ``static/``). Widgets become a
:class:`geo_outreach.config.AnalysisParams` and input files; the library does the rest.
Nothing here is stored at module level: Streamlit sessions share this process.
"""

from __future__ import annotations

import io
import tempfile
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from app_routes import routes_tab
from app_share import share_tab
from geo_outreach import i18n
from geo_outreach._errors import GeoOutreachError, InputError, Problem
from geo_outreach.analysis.household_reach import HouseholdInputs, prepare_households
from geo_outreach.analysis.pipeline import analyse
from geo_outreach.config import AnalysisParams, ColumnMapping, Language
from geo_outreach.escape import escape_markdown
from geo_outreach.inputs import uploads
from geo_outreach.inputs.prepare import InputPaths, PreparedInputs, prepare_inputs
from geo_outreach.inputs.uploads import UPLOAD_RULES, Role, Upload, UploadError
from geo_outreach.publish.export import labelled
from geo_outreach.publish.export_log import logged_download
from geo_outreach.render import map_data, maps
from geo_outreach.roads.networks import bundled_network, load_network
from geo_outreach.roads.reach import road_reach, with_road_reach

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from streamlit.runtime.uploaded_file_manager import UploadedFile

    from geo_outreach.analysis.result import AnalysisResult
    from geo_outreach.roads.model import RoadNetwork

# Offices farther than this from the study area are refused (the slider's maximum).
VALIDATION_RADIUS_KM = 20.0
# Where Streamlit serves ./static (see .streamlit/config.toml): Leaflet for the map.
STATIC_URL = "/app/static/"
ROLES: tuple[Role, ...] = ("boundaries", "participation", "offices")
UPLOAD_ROLES: tuple[Role, ...] = (*ROLES, "households", "roads")
MAP_DOWNLOAD_NAME = "peta-cakupan.html"

Loaded = TypeVar("Loaded")
Files = tuple["UploadedFile | None", ...]
Checked = tuple[Upload | None, ...]


def _write(folder: Path, upload: Upload, file: UploadedFile) -> Path:
    """Save an upload under the app's own name for it (never the user's file name)."""
    path = folder / upload.stored_name
    path.write_bytes(file.getvalue())
    return path


@contextmanager
def saved_uploads(checked: Checked, files: Files) -> Iterator[list[Path | None]]:
    """Save uploads in a fresh folder for the readers; their errors name the user's files."""
    names = _names(checked)
    with tempfile.TemporaryDirectory(prefix="geo-outreach-upload-") as tmp:
        paths = [None if upload is None or file is None else _write(Path(tmp), upload, file)
                 for upload, file in zip(checked, files, strict=True)]
        try:
            yield paths
        except InputError as err:
            raise InputError(uploads.relabel(err.problems, names)) from None


def _names(checked: Checked) -> dict[str, str]:
    return {u.stored_name: u.display_name for u in checked if u is not None}


@st.cache_data(show_spinner=False, max_entries=16)
def prepare_cached(_files: Files, checked: Checked, mappings: tuple[str, str, str]
                   ) -> PreparedInputs:
    """Read and check the inputs once per distinct content of the files and mappings."""
    with saved_uploads(checked, _files) as paths:
        prepared = prepare_inputs(
            InputPaths(
                boundaries=paths[0], participation=paths[1], offices=paths[2],
                boundary_columns=ColumnMapping.parse(mappings[0]),
                participation_columns=ColumnMapping.parse(mappings[1]),
                office_columns=ColumnMapping.parse(mappings[2]),
            ),
            radius_km=VALIDATION_RADIUS_KM,
        )
    names = _names(checked)
    return replace(prepared, problems=uploads.relabel(prepared.problems, names), inputs={
        role: {**record, "path": uploads.shown_file(record["path"], names)}
        for role, record in prepared.inputs.items()})


@st.cache_resource(show_spinner=False, max_entries=8)
def households_cached(
    _prepared: PreparedInputs,
    inputs_key: tuple[object, ...],
    _file: UploadedFile | None,
    upload: Upload | None,
    mapping: str,
) -> HouseholdInputs:
    """Classify household points once per inputs and household file (DEMO when None)."""
    del inputs_key  # the cache key of the prepared inputs
    if _file is None or upload is None:
        return prepare_households(_prepared, None)
    with saved_uploads((upload,), (_file,)) as (path,):
        return prepare_households(_prepared, path, mapping=ColumnMapping.parse(mapping),
                                  name=upload.display_name)


@st.cache_resource(show_spinner=False, max_entries=4)
def network_cached(_file: UploadedFile | None, upload: Upload | None) -> RoadNetwork:
    """Read an uploaded road network once (the bundled Kota Yogyakarta one when None)."""
    if _file is None or upload is None:
        return bundled_network()
    with saved_uploads((upload,), (_file,)) as (path,):
        network = load_network(path)
    return replace(network, source=upload.display_name, file=upload.display_name)


@st.cache_data(show_spinner=False, max_entries=64)
def analyse_cached(
    _prepared: PreparedInputs,
    _households: HouseholdInputs | None,
    inputs_key: tuple[object, ...],
    radius_km: float,
    target: float,
    denominator: str,
) -> AnalysisResult:
    """Re-run only the analysis when the radius, target or denominator change."""
    del inputs_key  # part of the cache key only
    params = AnalysisParams(radius_km=radius_km, target=target,
                            denominator=denominator)  # type: ignore[arg-type]
    return analyse(_prepared, params, households=_households)


@st.cache_data(show_spinner=False, max_entries=16)
def road_reach_cached(_result: AnalysisResult, _network: RoadNetwork,
                      result_key: tuple[object, ...]) -> AnalysisResult:
    """Add the road-distance measures, once per analysis and network."""
    del result_key  # the cache key
    return with_road_reach(_result, road_reach(_result, _network))


def sidebar(lang: Language, regencies: list[str], *, can_use_demo: bool,
            has_upload: bool) -> tuple[AnalysisParams, str | None, str]:
    """Draw the analysis settings and return them (and the household choice)."""
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
    choices = ["none", *(["demo"] if can_use_demo else []), *(["upload"] if has_upload else [])]
    default = "upload" if has_upload else ("demo" if can_use_demo else "none")
    if st.session_state.get("households") not in choices:
        st.session_state.pop("households", None)
    households = st.sidebar.radio(i18n.t("sidebar.households", lang), choices,
                                  index=choices.index(default), key="households",
                                  format_func=lambda c: i18n.t(f"sidebar.households.{c}", lang))
    st.sidebar.checkbox(i18n.t("sidebar.road_reach", lang), value=False, key="road_reach")
    params = AnalysisParams(radius_km=radius_km, target=target_pct / 100,
                            denominator=denominator)
    return params, None if regency == everything else regency, households


def read_uploads(lang: Language) -> tuple[Files, Checked, tuple[str, ...]]:
    """
    Draw the upload widgets (in the Data tab); return the files, their checks and mappings.

    A refused file is checked as None, and the reason is shown under its widget.
    """
    files: list[UploadedFile | None] = []
    checked: list[Upload | None] = []
    mappings: list[str] = []
    for role in UPLOAD_ROLES:
        label = (i18n.t(f"data.upload_{role}", lang) if role in {"households", "roads"}
                 else i18n.t(f"sidebar.upload_{role}", lang))
        file = st.file_uploader(label, type=uploads.accepted_types(role), key=f"upload_{role}",
                                max_upload_size=UPLOAD_RULES[role].max_mb)
        files.append(file)
        checked.append(check_file(file, role, lang))
        if role != "roads":
            mappings.append(st.text_input(
                i18n.t("data.column_mapping", lang, role=role), key=f"mapping_{role}",
                placeholder=i18n.t(f"data.mapping_example.{role}", lang)))
    return tuple(files), tuple(checked), tuple(mappings)


def check_file(file: UploadedFile | None, role: Role, lang: Language) -> Upload | None:
    """Check an upload (once per file and session); show why a refused one is refused."""
    if file is None:
        return None
    remembered = st.session_state.get(f"checked_{role}")
    if remembered is None or remembered[0] != file.file_id:
        outcome: Upload | UploadError
        try:
            outcome = uploads.check_upload(role, file.name, file.getvalue())
        except UploadError as err:
            outcome = err
        remembered = st.session_state[f"checked_{role}"] = (file.file_id, outcome)
    if isinstance(remembered[1], UploadError):
        st.error(escape_markdown(remembered[1].message(lang)))
        return None
    return remembered[1]


def problems_frame(problems: list[Problem], lang: Language) -> pd.DataFrame:
    """Problems as a table with the user's file, row, column, value and fix."""
    columns = ["severity", "file", "row", "column", "value", "message", "fix"]
    frame = pd.DataFrame([p.to_dict() for p in problems], columns=columns)
    return frame.rename(columns=i18n.column_labels(columns, lang, table="problems"))


def _display(table: pd.DataFrame, lang: Language, *, table_name: str) -> pd.DataFrame:
    """Translate headers and office types for showing a table."""
    shown = table.drop(columns="geometry", errors="ignore").copy()
    if "office_type" in shown.columns:
        shown["office_type"] = shown["office_type"].map(
            lambda v: i18n.t(f"office_type.{v}", lang) if i18n.has_label(f"office_type.{v}")
            else v)
    return shown.rename(columns=i18n.column_labels(shown.columns, lang, table=table_name))


def show_summary(result: AnalysisResult, lang: Language) -> None:
    """Show KPIs for the whole area and per office."""
    offices = result.offices
    inside = offices[["denominator_within_radius", "participants_within_radius",
                      "uncovered_within_radius", "workers_to_target_within_radius"]].sum()
    coverage = (inside["participants_within_radius"] / inside["denominator_within_radius"]
                if inside["denominator_within_radius"] else float("nan"))
    columns = st.columns(4 if result.household_cells is not None else 3)
    glossary = i18n.glossary(lang)
    columns[0].metric(i18n.t("kpi.uncovered_within_radius", lang),
                      i18n.format_number(inside["uncovered_within_radius"], lang),
                      help=glossary.get("pekerja belum terdaftar"))
    gap_pp = (coverage - result.params.target) * 100
    sign = "+" if gap_pp >= 0 else "-"  # Streamlit colours the delta by its sign
    columns[1].metric(i18n.t("kpi.coverage_within_radius", lang),
                      i18n.format_percent(coverage, lang), help=glossary.get("cakupan"),
                      delta=i18n.t("kpi.vs_target", lang, gap=sign + i18n.format_number(
                          abs(gap_pp), lang, decimals=1)))
    columns[2].metric(i18n.t("kpi.workers_to_target", lang),
                      i18n.format_number(inside["workers_to_target_within_radius"], lang),
                      help=glossary.get("kesenjangan terhadap target"))
    if result.household_cells is not None and "uncovered_households_within_radius" in offices:
        columns[3].metric(i18n.t("kpi.households_within_radius", lang), i18n.format_number(
            offices["uncovered_households_within_radius"].sum(), lang))
    method = "points" if result.household_cells is not None else "area"
    st.caption(i18n.t(f"note.reach_method_{method}", lang) + " · " + i18n.t(
        "note.coverage_formula", lang,
        denominator=i18n.t(f"denominator.{result.params.denominator}", lang)))
    st.dataframe(_display(offices, lang, table_name="offices"), hide_index=True,
                 width="stretch")


def show_priority(result: AnalysisResult, lang: Language, regency: str | None) -> None:
    """Show the sortable priority table, with CSV and XLSX downloads."""
    table = result.priority
    if regency:
        table = table[table["regency"] == regency]
    st.caption(i18n.t("note.coverage_formula", lang,
                      denominator=i18n.t(f"denominator.{result.params.denominator}", lang)))
    st.dataframe(_display(table, lang, table_name="priority"), hide_index=True, width="stretch")
    left, right = st.columns(2)
    # built only when clicked, not on every rerun; a click does not rerun the script, which
    # would drop the file before the browser fetches it
    left.download_button(i18n.t("button.download", lang, what="CSV"), logged_download(
        result, lambda: labelled(table, result).to_csv(index=False).encode("utf-8"),
        file_name="prioritas.csv", regency=regency, via="app priority"),
        file_name="prioritas.csv", mime="text/csv", on_click="ignore")
    right.download_button(i18n.t("button.download", lang, what="XLSX"), logged_download(
        result, lambda: _xlsx(labelled(table, result)), file_name="prioritas.xlsx",
        regency=regency, via="app priority"),
        file_name="prioritas.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        on_click="ignore")


def _xlsx(table: pd.DataFrame) -> bytes:
    buffer = io.BytesIO()
    table.to_excel(buffer, index=False, sheet_name="prioritas")
    return buffer.getvalue()


def show_map(result: AnalysisResult, lang: Language, regency: str | None) -> None:
    """Show the coverage map, and its download as one self-contained HTML file."""
    shown = maps.coverage_map(result, regency=regency, lang=lang, asset_base_url=STATIC_URL)
    st_folium(shown, height=640, use_container_width=True, returned_objects=[],
              key="coverage_map")
    # Built only when clicked, and as a fresh map: folium adds its scripts again each time
    # a map is rendered.
    st.download_button(i18n.t("button.download_map", lang), logged_download(
        result, lambda: maps.coverage_map(result, regency=regency, lang=lang).get_root()
        .render().encode("utf-8"), file_name=MAP_DOWNLOAD_NAME, via="app map",
        regency=map_data.resolve_regency(result, regency) if regency else None),
        file_name=MAP_DOWNLOAD_NAME, mime="text/html", on_click="ignore")


def show_data(prepared: PreparedInputs, households: HouseholdInputs | None,
              lang: Language) -> None:
    """Show the validation report, the match report and the household rows set aside."""
    if prepared.errors:
        st.error(i18n.t("msg.error", lang))
    if prepared.problems:
        st.dataframe(problems_frame(prepared.problems, lang), hide_index=True, width="stretch")
    else:
        st.success(i18n.t("msg.no_problems", lang))
    st.subheader(i18n.t("tab.match_report", lang))
    report = prepared.match_report
    if not report.empty:
        st.write(report["status"].value_counts().rename(i18n.t("data.rows", lang)))
        st.dataframe(report, hide_index=True, width="stretch")
    if households is not None:
        st.subheader(i18n.t("data.households_header", lang))
        classification = households.classification
        st.write(i18n.t("data.households_summary", lang,
                        used=i18n.format_number(len(classification.households), lang),
                        read=i18n.format_number(classification.rows_read, lang),
                        rejected=i18n.format_number(len(classification.rejects), lang)))
        if len(classification.rejects):
            st.caption(i18n.t("data.rejects", lang))
            st.dataframe(classification.rejects, hide_index=True, width="stretch")


def remembered(name: str, key: object, load: Callable[[], Loaded]) -> Loaded:
    """
    Run a cached loader, remembering its failure for this session.

    Streamlit's caches keep results, not errors: without this, a file that cannot be read
    would be saved and read again on every rerun (every slider move).
    """
    failed = st.session_state.get(f"failed_{name}")
    if failed is not None and failed[0] == key:
        raise failed[1]
    try:
        return load()
    except GeoOutreachError as err:
        st.session_state[f"failed_{name}"] = (key, err)
        raise


def load_households(prepared: PreparedInputs, inputs_key: tuple[object, ...],
                    file: UploadedFile | None, upload: Upload | None, mapping: str, *,
                    choice: str, lang: Language) -> HouseholdInputs | None:
    """Classify the chosen household points (DEMO or uploaded); show an error if unusable."""
    if choice != "upload":
        file, upload = None, None
    try:
        with st.spinner(i18n.t("msg.reading", lang)):
            return remembered("households", (inputs_key, upload, mapping), lambda: (
                households_cached(prepared, inputs_key, file, upload, mapping)))
    except GeoOutreachError as err:
        st.error(escape_markdown(str(err)))
        return None


def load_roads(file: UploadedFile | None, upload: Upload | None) -> RoadNetwork:
    """Read the uploaded road network (cached); show why and use the bundled one if unusable."""
    try:
        return remembered("roads", upload, lambda: network_cached(file, upload))
    except GeoOutreachError as err:
        st.error(escape_markdown(str(err)))
        return bundled_network()


def show_banners(result: AnalysisResult, lang: Language) -> None:
    """Say above the tabs what the numbers rest on: DEMO data, approximate offices."""
    st.caption(i18n.t("app.subtitle", lang, radius=f"{result.params.radius_km:g} km"))
    demo = [i18n.t(key, lang) for key, used in (("demo.banner", result.is_demo),
                                                 ("demo.households", result.households_demo))
            if used]
    if demo:
        st.warning("  \n".join(demo))
    if result.offices["approximate"].any():
        st.info(i18n.t("note.approximate", lang))


def run_analysis(prepared: PreparedInputs, households: HouseholdInputs | None,
                 result_key: tuple[object, ...], params: AnalysisParams, *,
                 network: RoadNetwork, network_key: Upload | None,
                 lang: Language) -> AnalysisResult:
    """Analyse (cached), adding the road measures when asked; stop with the error if any."""
    try:
        result = analyse_cached(prepared, households, result_key, params.radius_km,
                                params.target, params.denominator)
        if st.session_state.get("road_reach"):
            with st.spinner(i18n.t("msg.reading", lang)):
                result = road_reach_cached(result, network, (*result_key, params,
                                                             network_key))
    except GeoOutreachError as err:
        st.error(escape_markdown(str(err)))
        st.stop()
    return result


def show_glossary(lang: Language) -> None:
    """Explain the terms the app uses."""
    for term, text in i18n.glossary(lang).items():
        st.markdown(f"**{term}**: {text}")


def main() -> None:
    """Draw the app."""
    st.set_page_config(page_title="geo-outreach", page_icon="🗺️", layout="wide")
    lang: Language = st.sidebar.radio(
        "Bahasa / Language", ["id", "en"], format_func=i18n.LANGUAGE_NAMES.__getitem__,
        horizontal=True, key="lang")
    st.title(i18n.t("app.title", lang))
    banners = st.container()

    tab_names = ["tab.summary", "tab.map", "tab.priority", "tab.routes", "tab.share",
                 "tab.data", "tab.glossary"]
    summary, map_tab, priority, routes, share, data, glossary = st.tabs(
        [i18n.t(k, lang) for k in tab_names])
    with glossary:
        show_glossary(lang)
    with data:
        files, checked, mappings = read_uploads(lang)
    if any(f is not None and c is None for f, c in zip(files, checked, strict=True)):
        for tab in (summary, map_tab, priority, routes, share):
            tab.error(i18n.t("msg.fix_in_data_tab", lang))
        return
    # Cache keys hold each upload's content digest and name, never only its name.
    inputs_key = (*checked[:3], *mappings[:3])
    try:
        with st.spinner(i18n.t("msg.reading", lang)):
            prepared = remembered("inputs", inputs_key, lambda: (
                prepare_cached(files[:3], checked[:3], mappings[:3])))
    except GeoOutreachError as err:
        st.error(escape_markdown(str(err)))
        st.stop()
    regencies = sorted(prepared.regencies["name"]) if not prepared.regencies.empty else []
    if checked[3] is not None and st.session_state.get("last_household_upload") != checked[3]:
        st.session_state["last_household_upload"] = checked[3]
        st.session_state["households"] = "upload"  # a new upload is what the user wants shown
    params, regency, household_choice = sidebar(
        lang, regencies, can_use_demo=prepared.is_demo and checked[0] is None,
        has_upload=checked[3] is not None)
    households = None
    if not prepared.errors and household_choice != "none":
        with data:
            households = load_households(prepared, inputs_key, files[3], checked[3],
                                         mappings[3], choice=household_choice, lang=lang)
    with data:
        show_data(prepared, households, lang)
    if prepared.errors:
        for tab in (summary, map_tab, priority, routes, share):
            tab.error(i18n.t("msg.fix_in_data_tab", lang))
        return
    with data:
        network = load_roads(files[4], checked[4])
    household_key = (household_choice, checked[3] if household_choice == "upload" else None,
                     mappings[3])
    result = run_analysis(prepared, households, (*inputs_key, *household_key), params,
                          network=network, network_key=checked[4], lang=lang)
    with banners:
        show_banners(result, lang)
    with summary:
        show_summary(result, lang)
    with map_tab:
        show_map(result, lang, regency)
    with priority:
        show_priority(result, lang, regency)
    with routes:
        routes_tab(result, network, lang)
    with share:
        share_tab(result, lang, regencies)


if __name__ == "__main__":
    main()
