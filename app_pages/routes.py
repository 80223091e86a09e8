"""
The app's "Rute" page: one day of canvassing routes for an office's field teams.

A thin shell over :func:`geo_outreach.field.routes.plan_routes`: widgets become the team
settings; the plan is kept in this session's state (never at module level) until the
settings change, and is drawn on the map and offered as a ZIP of walk sheets and GPX.
"""

from __future__ import annotations

import io
import tempfile
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

import streamlit as st
from streamlit_folium import st_folium

from app_pages.common import STATIC_URL, display, result_frame
from geo_outreach import i18n
from geo_outreach._errors import GeoOutreachError
from geo_outreach.escape import escape_markdown
from geo_outreach.field.plan import UNSERVED_REASONS
from geo_outreach.field.routes import plan_routes
from geo_outreach.field.stop_files import cell_stops
from geo_outreach.field.walksheets import SUMMARY_COLUMNS, UNSERVED_COLUMNS, write_route_outputs
from geo_outreach.publish.export_log import logged_download
from geo_outreach.render import maps
from geo_outreach.render.route_layers import route_layers
from geo_outreach.roads.catchments import km_outside_network

if TYPE_CHECKING:
    import pandas as pd

    from geo_outreach.analysis.result import AnalysisResult
    from geo_outreach.config import Language
    from geo_outreach.field.plan import RoutePlan
    from geo_outreach.roads.model import RoadNetwork


def network_text(network: RoadNetwork, lang: Language) -> str:
    """
    Describe the road network in use: what it is, its nodes, road links and length.

    Parameters
    ----------
    network
        The bundled network or the user's upload (named by the user's file name).
    lang
        ``"id"`` or ``"en"``.

    Returns
    -------
    str
        Markdown, e.g. "Kota Yogyakarta, bawaan aplikasi (OpenStreetMap): 9.332 simpul,
        12.203 ruas jalan, 866 km"; the user's file name shows as typed.
    """
    source = (i18n.t("routes.network_bundled", lang) if network.file.startswith("bundled:")
              else as_typed(network.source))
    return i18n.t("routes.network_summary", lang, source=source,
                  nodes=i18n.format_number(len(network.nodes), lang),
                  links=i18n.format_number(len(network.links), lang),
                  length=i18n.format_km(network.length_km, lang, decimals=0))


def as_typed(name: str) -> str:
    """Write a user's file name for markdown so that it shows as typed (as code)."""
    return escape_markdown(name) if "`" in name else f"`{name}`"


def office_off_network(result: AnalysisResult, network: RoadNetwork, office_id: str,
                       lang: Language) -> str | None:
    """
    Say why no route can start at an office outside the road network (None: it is on it).

    Parameters
    ----------
    result
        The analysis (its offices).
    network
        The road network in use.
    office_id
        The office chosen.
    lang
        ``"id"`` or ``"en"``.

    Returns
    -------
    str or None
        What is wrong and what to do in the app, or None when the teams can start there.
    """
    offices = result.offices
    office = offices[offices["office_id"].astype(str) == office_id]
    if office.empty:
        return None
    km = float(km_outside_network(network, office)[0])
    if km == 0:
        return None
    return i18n.t("routes.office_outside", lang,
                  office=escape_markdown(str(office["name"].iloc[0])),
                  distance=i18n.format_km(km, lang))


def summary_shown(plan: RoutePlan, lang: Language) -> pd.DataFrame:
    """Tabulate the teams for the page: headers and numbers in the user's language."""
    return display(plan.summary(), lang, table_name="routes",
                   headers={key: text[lang] for key, text in SUMMARY_COLUMNS.items()})


def unserved_shown(plan: RoutePlan, lang: Language) -> pd.DataFrame:
    """Tabulate the stops left over for the page, the reason in words."""
    unserved = plan.unserved.assign(reason=[UNSERVED_REASONS[str(reason)][lang]
                                            for reason in plan.unserved["reason"]])
    columns = [column for column in UNSERVED_COLUMNS if column in unserved.columns]
    return display(unserved[columns], lang, table_name="routes",
                   headers={key: text[lang] for key, text in UNSERVED_COLUMNS.items()})


def _zip_outputs(plan: RoutePlan, lang: Language) -> bytes:
    """Write the walk sheets and GPX files into a ZIP, in memory."""
    buffer = io.BytesIO()
    with tempfile.TemporaryDirectory(prefix="geo-outreach-routes-") as tmp, zipfile.ZipFile(
            buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in write_route_outputs(plan, Path(tmp), lang=lang):
            archive.write(path, path.name)
    return buffer.getvalue()


def _settings(result: AnalysisResult, lang: Language, my_office: str | None
              ) -> dict[str, object]:
    """Draw the team settings and return them (the office: *my office* when chosen)."""
    offices = result.offices
    left, middle, right = st.columns(3)
    ids = offices["office_id"].astype(str).tolist()
    names = dict(zip(ids, offices["name"], strict=True))
    office_id = left.selectbox(
        i18n.t("routes.office", lang), [my_office] if my_office in names else ids,
        format_func=names.__getitem__, key="route_office",
        disabled=my_office in names, help=i18n.t("sidebar.office_help", lang))
    teams = middle.number_input(i18n.t("routes.teams", lang), 1, 20, 2, key="route_teams")
    hours = right.number_input(i18n.t("routes.hours", lang), 1.0, 12.0, 6.0, 0.5,
                               key="route_hours")
    mode = left.radio(i18n.t("routes.mode", lang), ["walk", "motorbike"], horizontal=True,
                      format_func=lambda m: i18n.t(f"routes.mode.{m}", lang), key="route_mode")
    minutes = middle.number_input(i18n.t("routes.minutes", lang), 1.0, 30.0, 3.0, 0.5,
                                  key="route_minutes")
    time_limit = right.slider(i18n.t("routes.time_limit", lang), 2, 30, 5, key="route_time")
    kinds = ["villages", *(["cells"] if result.household_cells is not None else []),
             "selection"]
    kind = st.radio(i18n.t("routes.stops", lang), kinds, horizontal=True,
                    format_func=lambda k: i18n.t(f"routes.stops.{k}", lang), key="route_stops")
    top, codes = 30, None
    if kind == "villages":
        top = st.slider(i18n.t("routes.top", lang), 5, 100, 30, key="route_top")
    elif kind == "selection":
        ranked = result.priority
        names = dict(zip(ranked["code"], ranked["name"] + " (" + ranked["district"] + ")",
                         strict=True))
        codes = st.multiselect(i18n.t("routes.selection", lang), list(names),
                               format_func=names.__getitem__, key="route_codes") or None
    return {"office_id": office_id, "teams": int(teams), "hours": float(hours), "mode": mode,
            "minutes_per_household": float(minutes), "time_limit_s": float(time_limit),
            "top": top, "codes": codes, "cells": kind == "cells"}


def show_routes(result: AnalysisResult, network: RoadNetwork, lang: Language,
                my_office: str | None = None) -> None:
    """
    Draw the Rute page.

    Parameters
    ----------
    result
        The current analysis.
    network
        The road network to route on.
    lang
        ``"id"`` or ``"en"``.
    my_office
        The office chosen in the sidebar: the teams start there (None: choose here).
    """
    st.caption(i18n.t("routes.intro", lang) + " " + i18n.t(
        "routes.network", lang, network=network_text(network, lang)))
    settings = _settings(result, lang, my_office)
    key = (repr(sorted(settings.items())), result.params)
    off_network = office_off_network(result, network, str(settings["office_id"]), lang)
    if off_network is not None:
        st.warning(off_network)
    if st.button(i18n.t("routes.plan", lang), type="primary", key="route_plan",
                 disabled=off_network is not None):
        cells = cell_stops(result, str(settings["office_id"])) if settings["cells"] else None
        if settings["cells"] and cells is None:
            st.info(i18n.t("routes.no_cells", lang))
        arguments = {k: v for k, v in settings.items() if k != "cells"}
        try:
            with st.spinner(i18n.t("routes.planning", lang)):
                plan = plan_routes(result, network, stops=cells, **arguments)  # type: ignore[arg-type]
        except GeoOutreachError:
            st.error(i18n.t("routes.failed", lang))
            return
        st.session_state["planned_routes"] = (key, plan)
    stored = st.session_state.get("planned_routes")
    if stored is None or stored[0] != key:
        return
    plan = stored[1]
    if not len(plan.unserved) and not any(len(route.stops) for route in plan.routes):
        st.info(i18n.t("routes.no_stops", lang))
        return
    st.dataframe(summary_shown(plan, lang), hide_index=True, width="stretch")
    if len(plan.unserved):
        with st.expander(f"{i18n.t('routes.unserved', lang)} ({len(plan.unserved)})"):
            st.dataframe(unserved_shown(plan, lang), hide_index=True, width="stretch")
    disc = result.discs[result.discs["office_id"].astype(str) == settings["office_id"]]
    shown = maps.coverage_map(result, lang=lang, asset_base_url=STATIC_URL,
                              extra_layers=route_layers(plan, lang=lang),
                              focus=tuple(disc.total_bounds) if len(disc) else None)
    st_folium(shown, height=560, use_container_width=True, returned_objects=[],
              key="route_map")
    zip_name = f"rute_{settings['office_id']}.zip"
    st.download_button(i18n.t("routes.download", lang), logged_download(
        result, lambda: _zip_outputs(plan, lang), file_name=zip_name, regency=None,
        via="app routes"), file_name=zip_name, mime="application/zip", on_click="ignore")


if __name__ == "__main__":
    frame = result_frame()
    show_routes(frame.result, frame.network, frame.lang, frame.office)
