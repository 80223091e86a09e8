"""
The Lapangan page: what the field teams bring back, into the store and into a report.

A field export (ODK Central, KoboToolbox, or the paper template typed in) is imported into
the user's progress store, each submission once
(:func:`geo_outreach.field.outcome_import.import_outcomes`): what was stored, what the store
held already, and every submission kept out with its row and how to fix it, as
``geo-outreach outcomes import`` prints them. The report below is the library's
(:func:`geo_outreach.field.outcome_report.field_report`): per team and week, the field
against the monthly snapshots, per village, and the field map; its files are those of
``geo-outreach outcomes report``. Registrations from the field count in every page's
numbers, provisionally (see :mod:`app_pages.field_panel`).
"""

from __future__ import annotations

import io
import tempfile
import zipfile
from datetime import date
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Final

import streamlit as st
from streamlit_folium import st_folium

from app_pages.common import STATIC_URL, current_frame, display, problems_frame
from app_pages.field_panel import open_user_store, show_field_note, store_state
from geo_outreach import i18n
from geo_outreach._errors import GeoOutreachError, InputError
from geo_outreach.escape import escape_markdown
from geo_outreach.field.outcome_import import import_outcomes
from geo_outreach.field.outcome_report import field_report
from geo_outreach.i18n.problem_text import describe_error
from geo_outreach.inputs import uploads
from geo_outreach.outcome_codes import GPS_FLAG_M, GPS_LOOK_M, GPS_STATUSES
from geo_outreach.publish.export_log import logged_download
from geo_outreach.publish.field_outputs import FIELD_FILES, HEADERS, write_field_report
from geo_outreach.render.field_map import field_map
from geo_outreach.store.field_records import stored_plans
from geo_outreach.store.months import today_in_yogyakarta

if TYPE_CHECKING:
    from collections.abc import Callable

    import pandas as pd
    from streamlit.runtime.uploaded_file_manager import UploadedFile

    from app_pages.common import Frame
    from geo_outreach.config import Language
    from geo_outreach.field.outcome_import import OutcomeImportReport
    from geo_outreach.field.outcome_report import FieldReport
    from geo_outreach.store.database import Store

EXPORT_TYPES: Final = ("csv", "xlsx", "zip", "geojson", "json")
"""What a field export comes as: ODK Central's CSV or ZIP, KoboToolbox's CSV or XLSX,
either as GeoJSON, or the paper template."""
EXPORT_MAX_MB: Final = 20
EXPORT_STORED_NAME: Final = "upload-outcomes"
"""The name a field export is saved under for the reader (never the user's file name)."""
IMPORTED_KEY: Final = "outcome_import_shown"
"""Session state: the last import's report and thresholds, shown until the next one."""
XLSX_MIME: Final = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ALL: Final = ""


def plan_label(plan: pd.Series, lang: Language) -> str:
    """Name a stored plan for a choice: its id, office, first day and who made it."""
    start = plan["start_date"]
    return i18n.t("field_page.plan_label", lang, plan_id=plan["plan_id"],
                  office=plan["office_name"], by=plan["created_by"],
                  start=start.isoformat() if isinstance(start, date) else (start or "—"))


def imported(store: Store, file: UploadedFile, *, by: str, plan_id: str | None,
             look_m: float, flag_m: float) -> OutcomeImportReport:
    """
    Import an uploaded field export into the store, the problems naming the user's file.

    Parameters
    ----------
    store
        The user's store.
    file
        The upload.
    by
        Who imports.
    plan_id
        The plan, for submissions that do not name one (None: from the file).
    look_m, flag_m
        The GPS check's thresholds, in metres.

    Returns
    -------
    OutcomeImportReport
        As :func:`geo_outreach.field.outcome_import.import_outcomes` gives it, with the
        user's file name in ``source`` and in every problem.

    Raises
    ------
    InputError
        If the file cannot be read as a field export, or the thresholds are bad.
    """
    stored_name = f"{EXPORT_STORED_NAME}{export_suffix(file.name)}"
    names = {stored_name: file.name}
    with tempfile.TemporaryDirectory(prefix="geo-outreach-outcomes-") as tmp:
        path = Path(tmp) / stored_name
        path.write_bytes(file.getvalue())
        try:
            return import_outcomes(store, path, imported_by=by, plan_id=plan_id,
                                   look_m=look_m, flag_m=flag_m, file_label=file.name)
        except InputError as err:  # a file refused before it has a name of its own
            raise InputError(uploads.relabel(err.problems, names)) from None


def export_suffix(name: str) -> str:
    """
    Give the suffix a field export is saved with: its own when accepted, else "".

    Parameters
    ----------
    name
        The file's name as the browser sent it.

    Returns
    -------
    str
        ``.csv``, ``.xlsx``, ``.zip``, ``.geojson`` or ``.json`` (lower case); "" for any
        other name (the uploader accepts only these).
    """
    suffix = PurePosixPath(name).suffix.lower()
    return suffix if suffix.lstrip(".") in EXPORT_TYPES else ""


def gps_text(report: OutcomeImportReport, look_m: float, flag_m: float, lang: Language) -> str:
    """Say how the stored submissions' points lie from their stops, one count per verdict."""
    counts = {status: i18n.format_number(report.gps.get(status, 0), lang)
              for status in GPS_STATUSES}
    return i18n.t("field_page.import.gps", lang, look_m=i18n.format_number(look_m, lang),
                  flag_m=i18n.format_number(flag_m, lang), **counts)


def show_import(report: OutcomeImportReport, look_m: float, flag_m: float,
                lang: Language) -> None:
    """
    Show what an import did: stored, already stored, kept out and why, GPS, warnings.

    Parameters
    ----------
    report
        The import's report.
    look_m, flag_m
        The thresholds it checked the points with.
    lang
        ``"id"`` or ``"en"``.
    """
    def number(value: int) -> str:
        return i18n.format_number(value, lang)

    st.success(i18n.t("field_page.import.done", lang, file=escape_markdown(report.source),
                      rows=number(report.rows_read), stored=number(report.stored),
                      already=number(report.already_stored),
                      rejected=number(len(report.rejected))))
    if report.stored == 0 and report.already_stored:
        st.info(i18n.t("field_page.import.all_stored", lang,
                       already=number(report.already_stored)))
    st.caption(gps_text(report, look_m, flag_m, lang))
    if report.rejected:
        st.error(i18n.t("field_page.import.rejected", lang, count=number(len(report.rejected))))
        st.dataframe(problems_frame(report.rejected, lang), hide_index=True, width="stretch",
                     key="outcome_rejected")
    if report.warnings:
        st.warning(i18n.t("field_page.import.warnings", lang,
                          count=number(len(report.warnings))))
        st.dataframe(problems_frame(report.warnings, lang), hide_index=True, width="stretch",
                     key="outcome_warnings")


def draw_import(store: Store, plans: pd.DataFrame, lang: Language) -> None:
    """Draw the import: the file, who imports, the plan, the GPS thresholds; and its outcome."""
    st.subheader(i18n.t("field_page.import.header", lang))
    labels = {str(row["plan_id"]): plan_label(row, lang) for _, row in plans.iterrows()}
    with st.form("outcome_import", clear_on_submit=True):
        file = st.file_uploader(i18n.t("field_page.import.file", lang), type=list(EXPORT_TYPES),
                                max_upload_size=EXPORT_MAX_MB, key="outcome_file",
                                help=i18n.t("field_page.import.file_help", lang))
        by = st.text_input(i18n.t("store.by", lang), key="outcome_by",
                           placeholder=i18n.t("field_page.import.by_placeholder", lang))
        plan_id = st.selectbox(i18n.t("field_page.import.plan", lang), [ALL, *labels],
                               format_func=lambda p: labels.get(p) or i18n.t(
                                   "field_page.import.plan_from_file", lang),
                               key="outcome_plan",
                               help=i18n.t("field_page.import.plan_help", lang))
        left, right = st.columns(2)
        look_m = left.number_input(i18n.t("field_page.import.look_m", lang), 1.0, 10_000.0,
                                   GPS_LOOK_M, 10.0, key="outcome_look_m")
        flag_m = right.number_input(i18n.t("field_page.import.flag_m", lang), 1.0, 10_000.0,
                                    GPS_FLAG_M, 10.0, key="outcome_flag_m")
        submitted = st.form_submit_button(i18n.t("field_page.import.submit", lang),
                                          key="outcome_import_submit")
    if submitted:
        if file is None:
            st.error(i18n.t("field_page.import.no_file", lang))
        elif not export_suffix(file.name):
            st.error(i18n.t("field_page.import.bad_type", lang,
                            formats=", ".join(f".{kind}" for kind in EXPORT_TYPES)))
        elif not by.strip():
            st.error(i18n.t("store.no_name", lang))
        else:
            try:
                with st.spinner(i18n.t("msg.reading", lang)):
                    report = imported(store, file, by=by.strip(), plan_id=plan_id or None,
                                      look_m=float(look_m), flag_m=float(flag_m))
            except GeoOutreachError as err:
                st.error(escape_markdown(describe_error(err, lang)))
            else:
                st.session_state[IMPORTED_KEY] = (report, float(look_m), float(flag_m))
                if report.stored:
                    st.rerun()  # the frame counts the new registrations from the top
    shown = st.session_state.get(IMPORTED_KEY)
    if shown is not None:
        show_import(*shown, lang)


@st.cache_data(show_spinner=False, max_entries=16)
def _report(_store: Store, state: tuple[object, ...], office_id: str, plan_id: str,
            on: date) -> FieldReport:
    """Gather the field report once per store state, office, plan and day."""
    del state  # part of the cache key only
    return field_report(_store, office_id=office_id, plan_id=plan_id or None, on=on)


def choose_report(plans: pd.DataFrame, my_office: str | None, lang: Language
                  ) -> tuple[str, str]:
    """Let the user choose the office to report on (*my office* first) and, maybe, a plan."""
    offices = dict(zip(plans["office_id"].astype(str), plans["office_name"].astype(str),
                       strict=False))
    if st.session_state.get("field_office") not in offices:
        st.session_state.pop("field_office", None)
    ids = list(offices)
    left, right = st.columns(2)
    office = left.selectbox(i18n.t("field_page.report.office", lang), ids,
                            index=ids.index(my_office) if my_office in offices else 0,
                            format_func=offices.__getitem__, key="field_office")
    own = plans[plans["office_id"].astype(str) == office]
    labels = {str(row["plan_id"]): plan_label(row, lang) for _, row in own.iterrows()}
    if st.session_state.get("field_plan") not in (ALL, *labels):
        st.session_state.pop("field_plan", None)
    plan_id = right.selectbox(i18n.t("field_page.report.plan", lang), [ALL, *labels],
                              format_func=lambda p: labels.get(p) or i18n.t(
                                  "field_page.report.all_plans", lang), key="field_plan",
                              help=i18n.t("field_page.report.plan_help", lang))
    return office, plan_id


def report_table(table: pd.DataFrame, lang: Language) -> pd.DataFrame:
    """
    Make a field report table ready for the screen: the workbook's headers, shares in %.

    Parameters
    ----------
    table
        A :class:`~geo_outreach.field.outcome_report.FieldReport` table.
    lang
        ``"id"`` or ``"en"``.

    Returns
    -------
    pd.DataFrame
        Headers from :data:`geo_outreach.publish.field_outputs.HEADERS`; the share of
        visits that registered as a percentage, the field time against the plan as a
        ratio; counts whole.
    """
    shown = table.copy()
    if "registered_share" in shown:
        shown["registered_share"] = [i18n.format_percent(v, lang)
                                     for v in shown["registered_share"]]
    if "field_vs_plan" in shown:
        shown["field_vs_plan"] = [i18n.format_number(v, lang, decimals=2)
                                  for v in shown["field_vs_plan"]]
    headers = {column: HEADERS[column][lang] for column in shown.columns if column in HEADERS}
    return display(shown, lang, table_name="field", headers=headers)


def report_files(report: FieldReport, lang: Language) -> dict[str, bytes]:
    """Write the report's files (:data:`FIELD_FILES` but the map) and give their bytes."""
    with tempfile.TemporaryDirectory(prefix="geo-outreach-field-") as tmp:
        return {path.name: path.read_bytes()
                for path in write_field_report(report, Path(tmp), lang=lang)}


def _zipped(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            if name != FIELD_FILES["workbook"]:
                archive.writestr(name, content)
    return buffer.getvalue()


def draw_report(store: Store, plans: pd.DataFrame, frame: Frame) -> None:
    """Draw the report: teams per week, field against snapshots, villages, map, downloads."""
    lang = frame.lang
    st.subheader(i18n.t("field_page.report.header", lang))
    office, plan_id = choose_report(plans, frame.office, lang)
    try:
        state = (*store_state(store), tuple(plans["plan_id"]))
        report = _report(store, state, office, plan_id, today_in_yogyakarta())
    except GeoOutreachError as err:
        st.error(escape_markdown(describe_error(err, lang)))
        return
    st.markdown(f"**{i18n.t('field_page.report.team_weeks', lang)}**")
    if report.team_weeks.empty:
        st.info(i18n.t("field_page.report.no_outcomes", lang))
    else:
        st.dataframe(report_table(report.team_weeks, lang), hide_index=True, width="stretch",
                     key="field_team_weeks")
    if not report.against_snapshots.empty:
        st.markdown(f"**{i18n.t('field_page.report.against', lang)}**")
        st.caption(i18n.t("field_page.report.against_help", lang))
        st.dataframe(report_table(report.against_snapshots, lang), hide_index=True,
                     width="stretch", key="field_against")
    if not report.villages.empty:
        st.markdown(f"**{i18n.t('field_page.report.villages', lang)}**")
        st.dataframe(report_table(report.villages, lang), hide_index=True, width="stretch",
                     key="field_villages")
    draw_map(report, frame)
    left, right = st.columns(2)
    zip_name = f"laporan_lapangan_{office}.zip"
    left.download_button(i18n.t("field_page.report.download_xlsx", lang),
                         data=_logged(frame, lambda: report_files(report, lang)[
                             FIELD_FILES["workbook"]], FIELD_FILES["workbook"]),
                         file_name=FIELD_FILES["workbook"], mime=XLSX_MIME, on_click="ignore",
                         key="field_download_xlsx")
    right.download_button(i18n.t("field_page.report.download_csv", lang),
                          data=_logged(frame, lambda: _zipped(report_files(report, lang)),
                                       zip_name),
                          file_name=zip_name, mime="application/zip",
                          on_click="ignore", key="field_download_csv")


def _logged(frame: Frame, build: Callable[[], bytes], name: str) -> Callable[[], bytes]:
    """Record a report download in the export log (the stops' points leave with it)."""
    if frame.result is None:  # no analysis to record it against
        return build
    return logged_download(frame.result, build, file_name=name, regency=None,
                           via="app field report")


def draw_map(report: FieldReport, frame: Frame) -> None:
    """Draw the coverage map with the field layer (or say why there is no analysis)."""
    lang = frame.lang
    st.markdown(f"**{i18n.t('field_page.report.map', lang)}**")
    if frame.result is None:
        st.error(i18n.t("msg.fix_in_data_tab", lang))
        return
    show_field_note(frame.field_count, lang)
    st_folium(field_map(frame.result, report, lang=lang, asset_base_url=STATIC_URL),
              height=600, use_container_width=True, returned_objects=[], render=False,
              key="field_map")


def show_field(frame: Frame) -> None:
    """
    Draw the Lapangan page: the import of a field export, then the report.

    Parameters
    ----------
    frame
        This run's frame (its language, *my office*, the analysis for the map).
    """
    lang = frame.lang
    st.caption(i18n.t("field_page.intro", lang))
    store = open_user_store(lang)
    if store is None:
        return
    try:
        plans = stored_plans(store)
    except GeoOutreachError as err:
        st.error(escape_markdown(describe_error(err, lang)))
        return
    st.caption(i18n.t("store.where", lang, url=escape_markdown(store.shown_url)))
    if plans.empty:
        st.info(i18n.t("field_page.no_plan", lang))
        return
    draw_import(store, plans, lang)
    st.divider()
    draw_report(store, plans, frame)


if __name__ == "__main__":
    show_field(current_frame())
