"""The summary page (Ringkasan): the headline figures for the whole area and per office."""

from __future__ import annotations

from typing import TYPE_CHECKING

import streamlit as st

from app_pages.common import display, result_frame
from geo_outreach import i18n

if TYPE_CHECKING:


    from geo_outreach.analysis.result import AnalysisResult
    from geo_outreach.config import Language


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
    st.dataframe(display(offices, lang, table_name="offices"), hide_index=True,
                 width="stretch")


if __name__ == "__main__":
    frame = result_frame()
    show_summary(frame.result, frame.lang)
