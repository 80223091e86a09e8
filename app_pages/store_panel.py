"""
The progress store in the app: open it once per process, and the Data page's monthly import.

A month's participation table is uploaded, read, checked and matched exactly as the
analysis reads it (against the boundaries in use), then stored for the month chosen.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

import streamlit as st

from app_pages.common import kept_files, problems_frame, upload_check
from geo_outreach import i18n
from geo_outreach._errors import GeoOutreachError, InputError
from geo_outreach.analysis.progress_run import run_progress
from geo_outreach.config import AnalysisParams
from geo_outreach.escape import escape_markdown
from geo_outreach.i18n.problem_text import describe_error
from geo_outreach.inputs import uploads
from geo_outreach.inputs.prepare import InputPaths
from geo_outreach.inputs.uploads import UPLOAD_RULES, Upload, UploadError
from geo_outreach.months import shift_month
from geo_outreach.store.database import Store, open_store
from geo_outreach.store.demo import open_demo_store
from geo_outreach.store.location import database_url
from geo_outreach.store.months import this_month
from geo_outreach.store.snapshot_files import import_table
from geo_outreach.store.snapshots import monthly_series, stored_months

if TYPE_CHECKING:
    import pandas as pd

    from geo_outreach.analysis.progress import ProgressReport
    from geo_outreach.analysis.result import AnalysisResult
    from geo_outreach.config import Language
    from geo_outreach.inputs.prepare import PreparedInputs


@st.cache_resource(show_spinner=False, max_entries=4)
def _store_for(url: str) -> Store:
    """Open the store at a URL (and migrate it) once per process."""
    return open_store(url)


@st.cache_resource(show_spinner=False, max_entries=1)
def _demo_store() -> Store:
    return open_demo_store()


def user_store() -> Store:
    """
    Open the user's progress store (``$GEO_OUTREACH_DATABASE_URL`` or the default file).

    Returns
    -------
    Store
        The open store, shared by the sessions of this app.
    """
    return _store_for(database_url(None))


def demo_store() -> Store:
    """
    Open the DEMO store (January–October 2024, synthetic), loaded on first use.

    Returns
    -------
    Store
        The DEMO store.
    """
    return _demo_store()


def _previous_month() -> str:
    return shift_month(this_month(), -1)


def _boundaries_upload() -> tuple[Upload, object] | None:
    file = kept_files()[0]
    outcome = upload_check(file, "boundaries")
    return (outcome, file) if isinstance(outcome, Upload) else None


def _import(store: Store, file: object, month: str, *, replace: bool, by: str,
            lang: Language) -> None:
    upload = uploads.check_upload("participation", file.name, file.getvalue())  # type: ignore[attr-defined]
    boundaries = _boundaries_upload()
    names = {upload.stored_name: upload.display_name}
    with tempfile.TemporaryDirectory(prefix="geo-outreach-month-") as tmp:
        table = Path(tmp) / upload.stored_name
        table.write_bytes(file.getvalue())  # type: ignore[attr-defined]
        boundary_path = None
        if boundaries is not None:
            boundary_path = Path(tmp) / boundaries[0].stored_name
            boundary_path.write_bytes(boundaries[1].getvalue())  # type: ignore[attr-defined]
            names[boundaries[0].stored_name] = boundaries[0].display_name
        try:
            outcome, prepared = import_table(
                store, month, InputPaths(boundaries=boundary_path, participation=table),
                replace=replace, imported_by=by.strip(), file_label=upload.display_name)
        except InputError as err:
            raise InputError(uploads.relabel(err.problems, names)) from None
    key = f"store.import.{outcome.status}"
    st.success(i18n.t(key, lang, month=outcome.month,
                      villages=i18n.format_number(outcome.villages, lang)))
    for note in outcome.notes:
        st.info(escape_markdown(note))
    if prepared.warnings:
        st.warning(i18n.t("store.import.warnings", lang,
                          count=i18n.format_number(len(prepared.warnings), lang)))
        st.dataframe(problems_frame(uploads.relabel(prepared.warnings, names), lang),
                     hide_index=True, width="stretch")


def draw_snapshot_import(lang: Language) -> None:
    """
    Draw the monthly import: the file, the month, replace, who; and the months stored.

    Parameters
    ----------
    lang
        The user's language.
    """
    st.subheader(i18n.t("store.header", lang))
    try:
        store = user_store()
    except GeoOutreachError as err:
        st.error(escape_markdown(describe_error(err, lang)))
        return
    st.caption(i18n.t("store.where", lang, url=escape_markdown(store.shown_url)))
    with st.form("snapshot_import", clear_on_submit=True):
        file = st.file_uploader(i18n.t("store.file", lang),
                                type=uploads.accepted_types("participation"),
                                max_upload_size=UPLOAD_RULES["participation"].max_mb,
                                key="snapshot_file")
        month = st.text_input(i18n.t("store.month", lang), value=_previous_month(),
                              help=i18n.t("store.month_help", lang), key="snapshot_month")
        replace = st.checkbox(i18n.t("store.replace", lang), key="snapshot_replace",
                              help=i18n.t("store.replace_help", lang))
        by = st.text_input(i18n.t("store.by", lang), key="snapshot_by",
                           placeholder=i18n.t("store.by_placeholder", lang))
        submitted = st.form_submit_button(i18n.t("store.submit", lang))
    if submitted:
        if file is None:
            st.error(i18n.t("store.no_file", lang))
        elif not by.strip():
            st.error(i18n.t("store.no_name", lang))
        else:
            try:
                with st.spinner(i18n.t("msg.reading", lang)):
                    _import(store, file, month, replace=replace, by=by, lang=lang)
            except UploadError as err:
                st.error(escape_markdown(err.message(lang)))
            except GeoOutreachError as err:
                st.error(escape_markdown(describe_error(err, lang)))
    months = stored_months(store)
    if months.empty:
        st.info(i18n.t("store.empty", lang))
        return
    shown = months[["month", "file_name", "villages", "imported_by", "imported_at",
                    "is_demo"]].rename(columns=lambda column: i18n.t(
                        f"progress.column.{column}", lang))
    st.dataframe(shown, hide_index=True, width="stretch")


@st.cache_data(show_spinner=False, max_entries=32)
def _series(_store: Store, key: tuple[object, ...]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Read the months in force once per store and set of imports."""
    del key  # the store's URL and its imports: part of the cache key only
    return monthly_series(_store), stored_months(_store)


def _months_of(store: Store) -> tuple[pd.DataFrame, pd.DataFrame, str]:
    imports = stored_months(store)
    key = (store.shown_url, tuple(imports["import_id"]))
    series, imports = _series(store, key)
    return series, imports, store.shown_url


def load_months(lang: Language) -> tuple[pd.DataFrame, pd.DataFrame, str, bool] | None:
    """Read the user's months, or the DEMO months when the store holds none."""
    try:
        series, imports, where = _months_of(user_store())
        if series.empty:
            with st.spinner(i18n.t("msg.reading", lang)):
                series, imports, where = _months_of(demo_store())
            return series, imports, where, True
    except GeoOutreachError as err:
        st.error(escape_markdown(describe_error(err, lang)))
        return None
    return series, imports, where, False


@st.cache_data(show_spinner=False, max_entries=32)
def _progress(_places: PreparedInputs, _series: pd.DataFrame, key: tuple[object, ...],
              radius_km: float, target: float, denominator: str, until: str | None
              ) -> tuple[ProgressReport, AnalysisResult]:
    """Compute the report once per inputs, imports and settings."""
    del key  # the store, its imports and the inputs' content: part of the cache key only
    params = AnalysisParams(radius_km=radius_km, target=target,
                            denominator=denominator)  # type: ignore[arg-type]
    return run_progress(_places, _series, params, until=until)


def progress_cached(places: PreparedInputs, series: pd.DataFrame, imports: pd.DataFrame,
                    where: str, params: AnalysisParams, *, until: str | None = None
                    ) -> tuple[ProgressReport, AnalysisResult]:
    """
    Give the progress report and the latest month's analysis, computed once per content.

    The Kemajuan and Bagikan pages share this cache, so a rerun (a slider, a checkbox)
    never recomputes what the months and settings already gave.
    """
    key = (where, tuple(imports["import_id"]),
           tuple(record.get("sha256", "") for record in places.inputs.values()))
    return _progress(places, series, key, params.radius_km, params.target,
                     params.denominator, until)
