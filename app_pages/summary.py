"""
The summary page (Ringkasan): the headline for the office and kabupaten chosen in the sidebar.

Two sources, two blocks: the participation table's figures, and (with household points)
the register's own counts. Both come from :func:`geo_outreach.analysis.headline.headline`,
as the command line's and the shared map's do.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import streamlit as st

from app_pages.common import result_frame, show_table
from app_pages.field_panel import show_field_note
from geo_outreach import i18n
from geo_outreach.analysis.headline import Headline, headline, office_headlines

if TYPE_CHECKING:
    from geo_outreach.analysis.result import AnalysisResult
    from geo_outreach.config import Language


def scope_caption(result: AnalysisResult, lang: Language, office_id: str | None,
                  regency: str | None) -> str:
    """Say which radius and area the figures are for."""
    names = dict(zip(result.offices["office_id"].astype(str), result.offices["name"],
                     strict=True))
    office = names.get(str(office_id), i18n.t("summary.all_offices", lang)) if office_id else (
        i18n.t("summary.all_offices", lang))
    return i18n.t("summary.scope", lang, radius=f"{result.params.radius_km:g} km",
                  office=office, region=regency or i18n.t("app.region_all", lang))


def target_delta(coverage: float, target: float, lang: Language) -> dict[str, object]:
    """Say in words how far coverage is from the target, red below it and green above it."""
    if math.isnan(coverage):
        return {}
    gap = round((target - coverage) * 100, 1)  # as the tables: positive below the target
    if gap == 0:
        return {"delta": i18n.t("kpi.on_target", lang), "delta_color": "off",
                "delta_arrow": "off"}
    key, colour = ("kpi.below_target", "inverse") if gap > 0 else ("kpi.above_target", "normal")
    return {"delta": i18n.t(key, lang, gap=i18n.format_number(abs(gap), lang, decimals=1)),
            "delta_color": colour, "delta_arrow": "off"}


def show_table_figures(figures: Headline, result: AnalysisResult, lang: Language) -> None:
    """Show the participation table's headline: uncovered, coverage, participants needed."""
    table = figures.table
    glossary = i18n.glossary(lang)
    st.subheader(i18n.t("summary.table_source", lang))
    columns = st.columns(4 if table.uncovered_within_road_radius is not None else 3)
    columns[0].metric(i18n.t("kpi.uncovered_within_radius", lang),
                      i18n.format_number(table.uncovered_within_radius, lang),
                      help=glossary.get("pekerja belum terdaftar"))
    columns[1].metric(i18n.t("kpi.coverage_within_radius", lang),
                      i18n.format_percent(table.coverage_within_radius, lang),
                      help=glossary.get("cakupan"),
                      **target_delta(table.coverage_within_radius, result.params.target, lang))
    columns[2].metric(i18n.t("kpi.workers_to_target", lang),
                      i18n.format_number(table.workers_to_target_within_radius, lang),
                      help=glossary.get("kesenjangan terhadap target"))
    if table.uncovered_within_road_radius is not None:
        columns[3].metric(i18n.t("kpi.uncovered_within_road_radius", lang),
                          i18n.format_number(table.uncovered_within_road_radius, lang))
    denominator = i18n.t(f"denominator.{result.params.denominator}", lang)
    notes = [i18n.t("note.reach_method_points_weights" if figures.register is not None
                    else "note.reach_method_area", lang),
             i18n.t("note.coverage_formula", lang, denominator=denominator)]
    if table.clipped_villages:
        notes.append(i18n.t("note.clipped", lang, count=table.clipped_villages,
                            denominator=denominator))
    if table.villages_road_not_measured:
        notes.append(i18n.t("note.road_not_measured", lang,
                            count=table.villages_road_not_measured))
    st.caption(" · ".join(notes))


def show_register_figures(figures: Headline, result: AnalysisResult, lang: Language) -> None:
    """Show the household register's own counts, labelled as such."""
    register = figures.register
    if register is None:
        return
    st.subheader(i18n.t("summary.register_source", lang))
    columns = st.columns(4)
    columns[0].metric(i18n.t("kpi.register_uncovered_workers_within_radius", lang),
                      i18n.format_number(register.register_uncovered_workers_within_radius,
                                         lang))
    columns[1].metric(i18n.t("kpi.register_households_within_radius", lang),
                      i18n.format_number(register.households_within_radius, lang))
    columns[2].metric(i18n.t("kpi.register_uncovered_households_within_radius", lang),
                      i18n.format_number(register.uncovered_households_within_radius, lang))
    denominator = i18n.t(f"denominator.{result.params.denominator}", lang)
    columns[3].metric(i18n.t("kpi.register_completeness", lang),
                      i18n.format_percent(register.completeness, lang),
                      help=i18n.t("kpi.register_completeness_delta", lang,
                                  denominator=denominator))
    notes = [i18n.t("note.register_counts", lang)]
    if register.households_road_not_measured:
        notes.append(i18n.t("note.register_road_not_measured", lang,
                            count=i18n.format_number(register.households_road_not_measured,
                                                     lang)))
    st.caption(" · ".join(notes))


def show_summary(result: AnalysisResult, lang: Language, office_id: str | None = None,
                 regency: str | None = None) -> None:
    """Show the headline of the chosen office and kabupaten, and the per-office table."""
    figures = headline(result, office_id=office_id, regency=regency)
    st.caption(scope_caption(result, lang, office_id, regency))
    show_table_figures(figures, result, lang)
    show_register_figures(figures, result, lang)
    offices = office_headlines(result, regency=regency, office_id=office_id)
    show_table(offices, lang, table_name="offices")


if __name__ == "__main__":
    frame = result_frame()
    show_field_note(frame.field_count, frame.lang)
    show_summary(frame.result, frame.lang, frame.office, frame.regency)
