"""The priority page (Prioritas): the villages of my office and kabupaten, in the order asked."""

from __future__ import annotations

from typing import TYPE_CHECKING

import streamlit as st

from app_pages.common import result_frame, show_table
from geo_outreach import i18n
from geo_outreach.analysis.priority import PRIORITY_ORDERS, priority_view
from geo_outreach.publish.export import labelled
from geo_outreach.publish.export_log import logged_download
from geo_outreach.spreadsheet import csv_bytes, workbook_bytes

if TYPE_CHECKING:

    import pandas as pd

    from geo_outreach.analysis.result import AnalysisResult
    from geo_outreach.config import Language


def show_priority(result: AnalysisResult, lang: Language, regency: str | None,
                  office_id: str | None = None) -> None:
    """Show the villages of the chosen office and kabupaten in the chosen order, with downloads."""
    order = st.radio(i18n.t("priority.order", lang), list(PRIORITY_ORDERS), horizontal=True,
                     key="priority_order", format_func=lambda o: i18n.t(f"priority.order.{o}",
                                                                       lang))
    table = priority_view(result, office_id=office_id, regency=regency, order=order)
    st.caption(i18n.t("note.coverage_formula", lang,
                      denominator=i18n.t(f"denominator.{result.params.denominator}", lang))
               + " · " + i18n.t("priority.scope_note", lang))
    show_table(table, lang, table_name="priority")
    left, right = st.columns(2)
    # built only when clicked, not on every rerun; a click does not rerun the script, which
    # would drop the file before the browser fetches it
    left.download_button(i18n.t("button.download", lang, what="CSV"), logged_download(
        result, lambda: csv_bytes(labelled(table, result, lang=lang), encoding="utf-8"),
        file_name="prioritas.csv", regency=regency, via="app priority"),
        file_name="prioritas.csv", mime="text/csv", on_click="ignore")
    right.download_button(i18n.t("button.download", lang, what="XLSX"), logged_download(
        result, lambda: _xlsx(labelled(table, result, lang=lang)), file_name="prioritas.xlsx",
        regency=regency, via="app priority"),
        file_name="prioritas.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        on_click="ignore")


def _xlsx(table: pd.DataFrame) -> bytes:
    return workbook_bytes({"prioritas": table})


if __name__ == "__main__":
    frame = result_frame()
    show_priority(frame.result, frame.lang, frame.regency, frame.office)
