"""The data page (Data): the uploads, the validation and match reports, the rows set aside."""

from __future__ import annotations

from typing import TYPE_CHECKING

import streamlit as st

from app_pages.common import ROLES, Checked, Files, problems_frame
from geo_outreach import i18n
from geo_outreach.escape import escape_markdown
from geo_outreach.inputs import uploads
from geo_outreach.inputs.uploads import UPLOAD_RULES, Role, Upload, UploadError

if TYPE_CHECKING:

    from streamlit.runtime.uploaded_file_manager import UploadedFile

    from geo_outreach.analysis.household_reach import HouseholdInputs
    from geo_outreach.config import Language
    from geo_outreach.inputs.prepare import PreparedInputs

UPLOAD_ROLES: tuple[Role, ...] = (*ROLES, "households", "roads")


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
