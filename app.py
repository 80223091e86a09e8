"""
The geo-outreach Streamlit app: a thin shell over the library.

Run it with ``bash scripts/dev.sh app`` (or ``streamlit run app.py`` from this folder, so
that ``.streamlit/config.toml`` serves Leaflet from ``static/``). This file is the frame
shared by every page (Streamlit's ``st.navigation``): language, settings and the cached
analysis, which counts the registrations recorded in the field as the command line does
(:mod:`app_pages.field_panel`); each page in ``app_pages/`` then draws its part. Widgets
become a :class:`geo_outreach.config.AnalysisParams` and input files; the library does the
rest. Nothing here is stored at module level: Streamlit sessions share this process.
"""

from __future__ import annotations

import tempfile
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import streamlit as st

from app_pages.common import (
    FRAME_KEY,
    UPLOAD_ROLES,
    Checked,
    Files,
    Frame,
    kept_files,
    kept_mappings,
    kept_sheet,
    remembered,
    upload_check,
)
from app_pages.field_panel import field_counted
from geo_outreach import i18n
from geo_outreach._errors import GeoOutreachError, InputError
from geo_outreach.analysis.household_reach import HouseholdInputs, prepare_households
from geo_outreach.analysis.pipeline import analyse
from geo_outreach.config import AnalysisParams, ColumnMapping, Language
from geo_outreach.escape import escape_markdown
from geo_outreach.i18n.problem_text import describe_error
from geo_outreach.inputs import uploads
from geo_outreach.inputs.prepare import InputPaths, PreparedInputs, prepare_inputs
from geo_outreach.inputs.uploads import Upload, UploadError
from geo_outreach.roads.networks import bundled_network, load_network
from geo_outreach.roads.reach import road_reach, with_road_reach

if TYPE_CHECKING:
    from collections.abc import Iterator

    from streamlit.delta_generator import DeltaGenerator
    from streamlit.navigation.page import StreamlitPage
    from streamlit.runtime.uploaded_file_manager import UploadedFile

    from geo_outreach.analysis.result import AnalysisResult
    from geo_outreach.roads.model import RoadNetwork

# Offices farther than this from the study area are refused (the slider's maximum).
VALIDATION_RADIUS_KM = 20.0


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
def prepare_cached(_files: Files, checked: Checked, mappings: tuple[str, str, str],
                   sheet: str | None = None) -> PreparedInputs:
    """Read and check the inputs once per distinct content of the files, mappings and sheet."""
    with saved_uploads(checked, _files) as paths:
        prepared = prepare_inputs(
            InputPaths(
                boundaries=paths[0], participation=paths[1], offices=paths[2],
                participation_sheet=sheet,
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
        network = load_network(path, name=upload.display_name)
    return replace(network, file=upload.display_name)


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
                      _households: HouseholdInputs | None,
                      result_key: tuple[object, ...], lang: Language) -> AnalysisResult:
    """Add the road-distance measures, once per analysis, network and language (notes)."""
    del result_key  # the cache key
    return with_road_reach(_result, road_reach(_result, _network, households=_households,
                                               language=lang))


ALL = ""
"""The office and kabupaten choices' value for 'all of them' (its label is translated)."""


def choose_scope(lang: Language, offices: dict[str, str], regencies: list[str]
                 ) -> tuple[str | None, str | None]:
    """
    Let the user choose *my office* and a kabupaten once; every page then follows them.

    Options are values (office ids, kabupaten names), labels come from ``format_func``,
    so switching the language keeps the choice.
    """
    everything = i18n.t("app.region_all", lang)
    if st.session_state.get("office") not in (ALL, *offices):
        st.session_state.pop("office", None)  # an office the new office file does not have
    office = st.sidebar.selectbox(
        i18n.t("sidebar.office", lang), [ALL, *offices], key="office",
        format_func=lambda value: offices.get(value, everything),
        help=i18n.t("sidebar.office_help", lang))
    if st.session_state.get("regency") not in (ALL, *regencies):
        st.session_state.pop("regency", None)
    regency = st.sidebar.selectbox(i18n.t("sidebar.regency", lang), [ALL, *regencies],
                                   key="regency",
                                   format_func=lambda value: value or everything)
    return office or None, regency or None


def sidebar(lang: Language, *, can_use_demo: bool,
            has_upload: bool) -> tuple[AnalysisParams, str]:
    """Draw the analysis settings and return them (and the household choice)."""
    st.sidebar.header(i18n.t("sidebar.header", lang))
    radius_km = st.sidebar.slider(i18n.t("sidebar.radius", lang), 1.0, VALIDATION_RADIUS_KM,
                                  5.0, 0.5, key="radius_km")
    target_pct = st.sidebar.slider(i18n.t("sidebar.target", lang), 5, 100, 40, 1, key="target")
    denominator = st.sidebar.selectbox(
        i18n.t("sidebar.denominator", lang), ["labour_force", "employed"],
        format_func=lambda d: i18n.t(f"denominator.{d}", lang), key="denominator",
        help=i18n.glossary(lang).get("angkatan kerja"))
    choices = ["none", *(["demo"] if can_use_demo else []), *(["upload"] if has_upload else [])]
    default = "upload" if has_upload else "none"  # the DEMO layer only when asked, as in the CLI
    if st.session_state.get("households") not in choices:
        st.session_state.pop("households", None)
    households = st.sidebar.radio(i18n.t("sidebar.households", lang), choices,
                                  index=choices.index(default), key="households",
                                  format_func=lambda c: i18n.t(f"sidebar.households.{c}", lang))
    st.sidebar.checkbox(i18n.t("sidebar.road_reach", lang), value=False, key="road_reach")
    params = AnalysisParams(radius_km=radius_km, target=target_pct / 100,
                            denominator=denominator)
    return params, households


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
        st.error(escape_markdown(describe_error(err, lang)))
        return None


def load_roads(file: UploadedFile | None, upload: Upload | None) -> RoadNetwork:
    """Read the uploaded road network (cached); show why and use the bundled one if unusable."""
    try:
        return remembered("roads", upload, lambda: network_cached(file, upload))
    except GeoOutreachError as err:
        st.error(escape_markdown(describe_error(err, st.session_state.get("lang", "id"))))
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
                 lang: Language) -> AnalysisResult | None:
    """Analyse (cached), adding the road measures when asked; None, shown why, on an error."""
    try:
        result = analyse_cached(prepared, households, result_key, params.radius_km,
                                params.target, params.denominator)
        if st.session_state.get("road_reach"):
            with st.spinner(i18n.t("msg.reading", lang)):
                result = road_reach_cached(result, network, households,
                                           (*result_key, params, network_key), lang)
    except GeoOutreachError as err:
        st.error(escape_markdown(describe_error(err, lang)))
        return None
    return result


PAGES: tuple[tuple[str, str, str], ...] = (
    ("summary", "tab.summary", "ringkasan"),
    ("map", "tab.map", "peta"),
    ("priority", "tab.priority", "prioritas"),
    ("placement", "tab.placement", "lokasi-baru"),
    ("routes", "tab.routes", "rute"),
    ("field", "tab.field", "lapangan"),
    ("progress", "tab.progress", "kemajuan"),
    ("share", "tab.share", "bagikan"),
    ("data", "tab.data", "data"),
    ("glossary", "tab.glossary", "istilah"),
)
"""Each page: its module in ``app_pages/``, its title's label and its address (never translated,
so switching the language keeps the page)."""


def navigation(lang: Language) -> StreamlitPage:
    """Declare the pages (Streamlit's own multipage mechanism), titled in the user's language."""
    return st.navigation([
        st.Page(f"app_pages/{module}.py", title=i18n.t(label, lang), url_path=address,
                default=module == "summary")
        for module, label, address in PAGES])


def prepare_frame(lang: Language, banners: DeltaGenerator) -> Frame:
    """
    Read the kept uploads, draw the settings and analyse (cached); return what pages show.

    Runs before every page, so each page shows the same numbers for the same inputs and
    settings. Problems do not stop the run: the Data page must still be drawn to fix them.
    """
    files = kept_files()
    mappings = kept_mappings()
    outcomes = [upload_check(file, role) for file, role in zip(files, UPLOAD_ROLES, strict=True)]
    if any(isinstance(outcome, UploadError) for outcome in outcomes):
        return Frame(lang, blocked=True)
    checked: Checked = tuple(o if isinstance(o, Upload) else None for o in outcomes)
    # Cache keys hold each upload's content digest and name, never only its name.
    sheet = kept_sheet() if checked[1] is not None else None
    inputs_key = (*checked[:3], *mappings[:3], sheet)
    try:
        with st.spinner(i18n.t("msg.reading", lang)):
            prepared = remembered("inputs", inputs_key, lambda: (
                prepare_cached(files[:3], checked[:3], mappings[:3], sheet)))
    except GeoOutreachError as err:
        st.error(escape_markdown(describe_error(err, lang)))
        return Frame(lang, blocked=True)
    regencies = sorted(prepared.regencies["name"]) if not prepared.regencies.empty else []
    if checked[3] is not None and st.session_state.get("last_household_upload") != checked[3]:
        st.session_state["last_household_upload"] = checked[3]
        st.session_state["households"] = "upload"  # a new upload is what the user wants shown
    offices = dict(zip(prepared.offices["office_id"].astype(str),
                       prepared.offices["name"].astype(str), strict=True))
    office, regency = choose_scope(lang, offices, regencies)
    params, household_choice = sidebar(
        lang, can_use_demo=prepared.is_demo and checked[0] is None,
        has_upload=checked[3] is not None)
    if prepared.errors:
        return Frame(lang, prepared=prepared, regencies=regencies, blocked=True)
    # Registrations from the field count as participants, as on the command line; the
    # store's state (its imports) joins every cache key after this point.
    counted, field_count, store_state = field_counted(prepared, inputs_key, lang)
    households = None
    if household_choice != "none":
        # DEMO households follow the participants; an uploaded file does not
        demo_key = store_state if household_choice == "demo" else ()
        households = load_households(counted, (*inputs_key, *demo_key), files[3], checked[3],
                                     mappings[3], choice=household_choice, lang=lang)
    network = load_roads(files[4], checked[4])
    household_key = (household_choice, checked[3] if household_choice == "upload" else None,
                     mappings[3])
    result = run_analysis(counted, households, (*inputs_key, *store_state, *household_key),
                          params, network=network, network_key=checked[4], lang=lang)
    if result is not None:
        with banners:
            show_banners(result, lang)
    return Frame(lang, result, prepared, households, network, regency, regencies,
                 blocked=result is None, office=office, field_count=field_count)


def main() -> None:
    """Draw the frame (language, settings, banners), then the page the user is on."""
    st.set_page_config(page_title="geo-outreach", page_icon="🗺️", layout="wide")
    lang: Language = st.sidebar.radio(
        "Bahasa / Language", ["id", "en"], format_func=i18n.LANGUAGE_NAMES.__getitem__,
        horizontal=True, key="lang")
    page = navigation(lang)
    st.title(i18n.t("app.title", lang))
    banners = st.container()
    st.session_state[FRAME_KEY] = prepare_frame(lang, banners)
    page.run()


if __name__ == "__main__":
    main()
