"""
A plan's way into the field, on the Rute page: dated, kept in the store, sent as a form.

Day 1 is a working day (today in Yogyakarta, or the next Monday at a weekend). Before
planning, the office's field history is read from the user's progress store
(:func:`geo_outreach.field.field_history.field_history`): refusals rest, do-not-contact
households are never planned again, and come-back visits come first on their date. The
plan made is kept in the store with its id (:func:`geo_outreach.field.plan_store.record_plan`)
and offered as the field form package (:func:`geo_outreach.field.xlsform.write_field_form`)
whose submissions, and the paper template typed in, come back on the Lapangan page.
"""

from __future__ import annotations

import io
import tempfile
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

import streamlit as st

from app_pages.common import problems_frame
from app_pages.field_panel import open_user_store
from geo_outreach import i18n
from geo_outreach._errors import GeoOutreachError
from geo_outreach.escape import escape_markdown
from geo_outreach.field.field_history import field_history
from geo_outreach.field.plan import first_working_day as plan_day_one
from geo_outreach.field.plan_store import record_plan
from geo_outreach.field.xlsform import write_field_form
from geo_outreach.i18n.problem_text import describe_error
from geo_outreach.publish.export_log import logged_download
from geo_outreach.store.months import today_in_yogyakarta
from geo_outreach.store.snapshots import default_importer

if TYPE_CHECKING:
    from datetime import date

    from geo_outreach._errors import Problem
    from geo_outreach.analysis.result import AnalysisResult
    from geo_outreach.config import Language
    from geo_outreach.field.field_history import FieldHistory
    from geo_outreach.field.plan import RoutePlan
    from geo_outreach.store.database import Store


def first_working_day() -> date:
    """
    Give the default day 1 of a plan: today in Yogyakarta (WIB), or the next Monday at a weekend.

    Returns
    -------
    date
        A Monday to Friday.
    """
    return plan_day_one(today_in_yogyakarta())


def history_text(history: FieldHistory | None, lang: Language) -> str | None:
    """
    Say what the field said before and the plan took into account (None: nothing).

    Parameters
    ----------
    history
        The office's field history the plan was made with (None: none was read).
    lang
        ``"id"`` or ``"en"``.

    Returns
    -------
    str or None
        The households not planned again and the come-back visits still open.
    """
    if history is None:
        return None
    settled = int(history.settled().sum())
    come_backs = len(history.open_come_backs())
    if not settled and not come_backs:
        return None
    return i18n.t("routes.field.history", lang, households=i18n.format_number(settled, lang),
                  come_backs=i18n.format_number(come_backs, lang),
                  rest_days=history.refusal_rest_days)


def store_and_history(office_id: str, start_date: date, lang: Language
                       ) -> tuple[Store | None, FieldHistory | None]:
    """
    Open the user's store and read the office's field history.

    Parameters
    ----------
    office_id
        The office whose teams go out.
    start_date
        The plan's day 1 (refusal rests and come-back dates are judged on it).
    lang
        ``"id"`` or ``"en"``, for an error.

    Returns
    -------
    store
        The open store; None when it cannot be opened (the error is shown).
    history
        The office's field history; None when the store holds no outcome of it (or
        cannot be read): the plan is then made on the analysis alone.
    """
    store = open_user_store(lang)
    if store is None:
        return None, None
    try:
        history = field_history(store, office_id, on=start_date)
    except GeoOutreachError as err:
        st.error(escape_markdown(describe_error(err, lang)))
        return None, None
    return store, None if history.outcomes.empty else history


def recorded(store: Store | None, plan: RoutePlan, result: AnalysisResult, by: str,
              lang: Language) -> RoutePlan:
    """Keep the plan in the store and give it its id (without a store: as it is, shown why)."""
    if store is None:
        return plan
    try:
        return record_plan(store, plan, result, created_by=by.strip() or default_importer())
    except GeoOutreachError as err:
        st.error(escape_markdown(describe_error(err, lang)))
        return plan


def field_form_package(plan: RoutePlan, lang: Language) -> tuple[bytes, list[Problem]]:
    """
    Write the plan's field form package into a ZIP, in memory.

    Parameters
    ----------
    plan
        A recorded plan (with its ``plan_id``).
    lang
        The form's and the paper template's language.

    Returns
    -------
    bytes
        The ZIP: the XLSForm (``formulir_hasil.xlsx``), its XForm (``formulir_hasil.xml``),
        its stop list (``titik.csv``) and the paper template (``hasil_kertas.csv``); empty
        when the plan has no stop to visit (no form is written for it).
    list of Problem
        What the form writer noted.
    """
    buffer = io.BytesIO()
    with tempfile.TemporaryDirectory(prefix="geo-outreach-form-") as tmp:
        paths, notes = write_field_form(plan, Path(tmp), lang=lang)
        if not paths:
            return b"", list(notes)
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in paths:
                archive.write(path, path.name)
    return buffer.getvalue(), list(notes)


def _form_of(plan: RoutePlan, lang: Language) -> tuple[bytes, list[Problem]]:
    """Write the form package once per plan and language in this session."""
    key = (plan.plan_id, lang)
    kept = st.session_state.get("route_field_form")
    if kept is None or kept[0] != key:
        kept = st.session_state["route_field_form"] = (key, *field_form_package(plan, lang))
    return kept[1], kept[2]


def offer_field_form(plan: RoutePlan, result: AnalysisResult, lang: Language) -> None:
    """Offer the field form package of a recorded plan, with what its writer noted."""
    if not plan.plan_id:
        st.warning(i18n.t("routes.field.not_recorded", lang))
        return
    try:
        package, notes = _form_of(plan, lang)
    except GeoOutreachError as err:
        st.error(escape_markdown(describe_error(err, lang)))
        return
    if notes:
        st.warning(i18n.t("routes.field.form_notes", lang,
                          count=i18n.format_number(len(notes), lang)))
        st.dataframe(problems_frame(notes, lang), hide_index=True, width="stretch")
    if not package:
        return
    name = f"formulir_{plan.plan_id}.zip"
    st.download_button(i18n.t("routes.field.form_download", lang), logged_download(
        result, lambda: package, file_name=name, regency=None, via="app field form"),
        file_name=name, mime="application/zip", on_click="ignore", key="route_form_download",
        help=i18n.t("routes.field.form_help", lang))
