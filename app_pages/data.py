"""The data page (Data): the uploads, the validation and match reports, the rows set aside."""

from __future__ import annotations

from typing import TYPE_CHECKING

import streamlit as st

from app_pages.common import (
    MAPPING_ROLES,
    UPLOAD_ROLES,
    current_frame,
    forget_upload,
    keep_mapping,
    keep_upload,
    kept_files,
    kept_mappings,
    problems_frame,
    upload_check,
)
from geo_outreach import i18n
from geo_outreach.escape import escape_markdown
from geo_outreach.inputs import uploads
from geo_outreach.inputs.uploads import UPLOAD_RULES, UploadError

if TYPE_CHECKING:


    from geo_outreach.analysis.household_reach import HouseholdInputs
    from geo_outreach.config import Language
    from geo_outreach.inputs.prepare import PreparedInputs

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
        if role in mappings:
            st.text_input(i18n.t("data.column_mapping", lang, role=role), value=mappings[role],
                          key=f"mapping_{role}", on_change=keep_mapping, args=(role,),
                          placeholder=i18n.t(f"data.mapping_example.{role}", lang))


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


if __name__ == "__main__":
    frame = current_frame()
    draw_uploads(frame.lang)
    if frame.prepared is not None:
        show_data(frame.prepared, frame.households, frame.lang)
