"""The map page (Peta): the coverage map, and its download as one offline HTML file."""

from __future__ import annotations

from typing import TYPE_CHECKING

import streamlit as st
from streamlit_folium import st_folium

from app_pages.common import STATIC_URL, result_frame
from app_pages.field_panel import show_field_note
from geo_outreach import i18n
from geo_outreach.publish.export_log import logged_download
from geo_outreach.render import map_data, maps

if TYPE_CHECKING:


    from geo_outreach.analysis.result import AnalysisResult
    from geo_outreach.config import Language
MAP_DOWNLOAD_NAME = "peta-cakupan.html"


def office_bounds(result: AnalysisResult, office_id: str | None
                  ) -> tuple[float, float, float, float] | None:
    """Return the bounds of *my office*'s radius ring (None: no office chosen)."""
    if office_id is None:
        return None
    disc = result.discs[result.discs["office_id"].astype(str) == str(office_id)]
    return tuple(float(v) for v in disc.total_bounds) if len(disc) else None  # type: ignore[return-value]


def show_map(result: AnalysisResult, lang: Language, regency: str | None,
             office_id: str | None = None) -> None:
    """Show the coverage map (zoomed to *my office*'s ring when chosen), and its download."""
    shown = maps.coverage_map(result, regency=regency, lang=lang, asset_base_url=STATIC_URL,
                              focus=office_bounds(result, office_id))
    # render=False: st_folium renders the map itself; its extra whole-page render only
    # repeated every layer's script (on every page's map)
    st_folium(shown, height=640, use_container_width=True, returned_objects=[], render=False,
              key="coverage_map")
    # Built only when clicked, and as a fresh map: folium adds its scripts again each time
    # a map is rendered.
    st.download_button(i18n.t("button.download_map", lang), logged_download(
        result, lambda: maps.coverage_map(result, regency=regency, lang=lang).get_root()
        .render().encode("utf-8"), file_name=MAP_DOWNLOAD_NAME, via="app map",
        regency=map_data.resolve_regency(result, regency) if regency else None),
        file_name=MAP_DOWNLOAD_NAME, mime="text/html", on_click="ignore")


if __name__ == "__main__":
    frame = result_frame()
    show_field_note(frame.field_count, frame.lang)
    show_map(frame.result, frame.lang, frame.regency, frame.office)
