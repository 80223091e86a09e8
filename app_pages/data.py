"""The data page (Data): the uploads, the validation and match reports, the rows set aside."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Final

import pandas as pd
import streamlit as st

from app_pages.common import (
    MAPPING_ROLES,
    SHEET_CHOICE_KEY,
    SHEET_KEY,
    UPLOAD_ROLES,
    current_frame,
    display,
    forget_upload,
    keep_mapping,
    keep_sheet,
    keep_upload,
    kept_files,
    kept_mappings,
    kept_sheet,
    problems_frame,
    upload_check,
)
from app_pages.store_panel import draw_snapshot_import
from geo_outreach import i18n
from geo_outreach.escape import escape_markdown
from geo_outreach.inputs import uploads
from geo_outreach.inputs.uploads import UPLOAD_RULES, UploadError
from geo_outreach.inputs.workbook_size import workbook_sheet_names

if TYPE_CHECKING:


    from geo_outreach.analysis.household_reach import HouseholdInputs
    from geo_outreach.config import Language
    from geo_outreach.inputs.prepare import PreparedInputs

SAME_ID_DETAIL: Final = re.compile(r"same id as row (\d+)")
"""The detail of a household row set aside for an id seen before (households.py)."""


def draw_uploads(lang: Language) -> None:
    """
    Draw the upload widgets and the column mappings; say why a refused file is refused.

    A file stays in use on every page until the user removes it here (see
    :func:`app_pages.common.keep_upload`). A line under each uploader names the file in
    use, drawn once the app has it: an upload still on its way is not yet in use.
    """
    kept = dict(zip(UPLOAD_ROLES, kept_files(), strict=True))
    mappings = dict(zip(MAPPING_ROLES, kept_mappings(), strict=True))
    for role in UPLOAD_ROLES:
        label = (i18n.t(f"data.upload_{role}", lang) if role in {"households", "roads"}
                 else i18n.t(f"sidebar.upload_{role}", lang))
        shown = st.file_uploader(label, type=uploads.accepted_types(role), key=f"upload_{role}",
                                 max_upload_size=UPLOAD_RULES[role].max_mb,
                                 on_change=keep_upload, args=(role,))
        file = kept[role]
        if file is not None:
            st.caption(i18n.t("data.kept_upload", lang, name=escape_markdown(file.name)))
        if shown is None and file is not None:  # else the uploader's own ✕ removes it
            st.button(i18n.t("data.forget_upload", lang), key=f"forget_{role}",
                      on_click=forget_upload, args=(role,))
        outcome = upload_check(file, role)
        if isinstance(outcome, UploadError):
            st.error(escape_markdown(outcome.message(lang)))
        elif role == "participation" and file is not None:
            draw_sheet_choice(file.getvalue(), lang)
        if role in mappings:
            st.text_input(i18n.t("data.column_mapping", lang,
                                 role=i18n.t(f"upload.what.{role}", lang)), value=mappings[role],
                          key=f"mapping_{role}", on_change=keep_mapping, args=(role,),
                          placeholder=i18n.t(f"data.mapping_example.{role}", lang))


def draw_sheet_choice(content: bytes, lang: Language) -> None:
    """
    Offer the participation workbook's sheets; by default every sheet is looked at.

    Drawn only for a workbook of more than one sheet. A choice that the workbook does not
    have (a new file) falls back to looking at every sheet.
    """
    names = workbook_sheet_names(content)
    if len(names) <= 1:  # a CSV file or one sheet: nothing to choose
        return
    chosen = kept_sheet()
    if chosen is not None and chosen not in names:
        st.session_state[SHEET_KEY] = ""
        chosen = None
    options = ["", *names]
    st.selectbox(i18n.t("data.participation_sheet", lang), options,
                 index=options.index(chosen or ""), key=SHEET_CHOICE_KEY, on_change=keep_sheet,
                 format_func=lambda name: name or i18n.t("data.participation_sheet.auto", lang),
                 help=i18n.t("data.participation_sheet.help", lang))


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
        st.dataframe(status_counts(report, lang), hide_index=True)
        st.dataframe(display(report, lang, table_name="match_report"), hide_index=True,
                     width="stretch")
    if households is not None:
        st.subheader(i18n.t("data.households_header", lang))
        classification = households.classification
        st.write(i18n.t("data.households_summary", lang,
                        used=i18n.format_number(len(classification.chunks), lang),
                        read=i18n.format_number(classification.rows_read, lang),
                        rejected=i18n.format_number(len(classification.rejects), lang)))
        if len(classification.rejects):
            st.caption(i18n.t("data.rejects", lang))
            st.dataframe(rejects_shown(classification.rejects, lang), hide_index=True,
                         width="stretch")


def status_counts(report: pd.DataFrame, lang: Language) -> pd.DataFrame:
    """
    Count the match report's rows per status, the status in words.

    Parameters
    ----------
    report
        The match report (``status`` column).
    lang
        ``"id"`` or ``"en"``.

    Returns
    -------
    pd.DataFrame
        Two columns: the status and the number of rows, most frequent first.
    """
    counts = report["status"].value_counts()
    return pd.DataFrame({
        i18n.t("col.status", lang): [i18n.value_label("status", status, lang)
                                     for status in counts.index],
        i18n.t("data.rows", lang): counts.to_numpy(),
    })


def rejects_shown(rejects: pd.DataFrame, lang: Language) -> pd.DataFrame:
    """
    Show the household rows set aside: row, reason and detail in words.

    Parameters
    ----------
    rejects
        ``row``, ``reason`` and ``detail`` (see
        :attr:`geo_outreach.analysis.households.HouseholdClassification.rejects`).
    lang
        ``"id"`` or ``"en"``.

    Returns
    -------
    pd.DataFrame
        The table to show.
    """
    shown = rejects.copy()
    if "detail" in shown.columns:
        shown["detail"] = [
            i18n.t("value.detail.same_id", lang, row=found.group(1))
            if isinstance(detail, str) and (found := SAME_ID_DETAIL.fullmatch(detail))
            else detail for detail in shown["detail"]]
    return display(shown, lang, table_name="rejects")


if __name__ == "__main__":
    frame = current_frame()
    draw_uploads(frame.lang)
    if frame.prepared is not None:
        show_data(frame.prepared, frame.households, frame.lang)
    draw_snapshot_import(frame.lang)
