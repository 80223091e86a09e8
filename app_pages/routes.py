"""
The app's "Rute" page: an office's canvassing plan for its teams' working days.

A thin shell over :func:`geo_outreach.field.routes.plan_routes`: widgets become the team
settings; the plan is kept in this session's state (never at module level) until the
settings change, and is drawn on the map day by day and offered as a ZIP of walk sheets
and GPX. An office beyond the road network is planned on estimated distances (labelled);
the page offers an OpenStreetMap download when this machine can reach the server.
"""

from __future__ import annotations

import io
import tempfile
import time
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

import streamlit as st
from streamlit_folium import st_folium

from app_pages.common import STATIC_URL, display, result_frame, upload_check
from app_pages.plan_field import (
    first_working_day,
    history_text,
    offer_field_form,
    recorded,
    store_and_history,
)
from geo_outreach import i18n
from geo_outreach._errors import GeoOutreachError, InputError
from geo_outreach.escape import escape_markdown
from geo_outreach.field.plan import (
    DEFAULT_DAYS,
    DEFAULT_VISIT_MINUTES,
    ESTIMATED_LABEL,
    UNSERVED_REASONS,
    working_day,
)
from geo_outreach.field.routes import plan_routes
from geo_outreach.field.sheet_text import estimate_note
from geo_outreach.field.stop_files import read_padukuhan
from geo_outreach.field.walksheets import SUMMARY_COLUMNS, UNSERVED_COLUMNS, write_route_outputs
from geo_outreach.i18n.problem_text import describe_error
from geo_outreach.inputs import uploads
from geo_outreach.publish.export_log import logged_download
from geo_outreach.render.route_map import route_map
from geo_outreach.roads import online
from geo_outreach.roads.catchments import km_outside_network

ONLINE_CHECK_EVERY_S = 60.0
"""How long one answer to "can this machine download?" holds in a session."""

if TYPE_CHECKING:
    from datetime import date

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
                  distance=i18n.format_km(km, lang), label=ESTIMATED_LABEL[lang])


def summary_shown(plan: RoutePlan, lang: Language, day: int | None = None) -> pd.DataFrame:
    """Tabulate the teams (of one day, or all) for the page, in the user's language."""
    table = plan.summary()
    if day is not None:
        table = table[table["day"] == day]
    return display(table, lang, table_name="routes",
                   headers={key: text[lang] for key, text in SUMMARY_COLUMNS.items()})


def week_shown(plan: RoutePlan, lang: Language) -> pd.DataFrame:
    """Tabulate the days of the plan for the page, in the user's language."""
    return display(plan.week_summary(), lang, table_name="routes",
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
    days = right.number_input(i18n.t("routes.days", lang), 1, 10, DEFAULT_DAYS,
                              key="route_days", help=i18n.t("routes.days_help", lang))
    hours = left.number_input(i18n.t("routes.hours", lang), 1.0, 12.0, 6.0, 0.5,
                              key="route_hours")
    minutes = middle.number_input(i18n.t("routes.minutes", lang), 1.0, 30.0, 3.0, 0.5,
                                  key="route_minutes")
    visit = right.slider(i18n.t("routes.visit_minutes", lang), 30, 240,
                         int(DEFAULT_VISIT_MINUTES), 15, key="route_visit")
    right.caption(i18n.t("routes.visit_size", lang,
                         households=max(1, int(visit // float(minutes)))))
    start_date = right.date_input(i18n.t("routes.field.start_date", lang),
                                  value=first_working_day(), key="route_start_date",
                                  help=i18n.t("routes.field.start_date_help", lang))
    mode = left.radio(i18n.t("routes.mode", lang), ["walk", "motorbike"], horizontal=True,
                      format_func=lambda m: i18n.t(f"routes.mode.{m}", lang), key="route_mode")
    kind = middle.radio(i18n.t("routes.stops", lang), ["villages", "selection"],
                        horizontal=True, format_func=lambda k: i18n.t(f"routes.stops.{k}", lang),
                        key="route_stops")
    top, codes = 30, None
    if kind == "villages":
        top = st.slider(i18n.t("routes.top", lang), 5, 100, 30, key="route_top")
    else:
        ranked = result.priority
        labels = dict(zip(ranked["code"], ranked["name"] + " (" + ranked["district"] + ")",
                          strict=True))
        codes = st.multiselect(i18n.t("routes.selection", lang), list(labels),
                               format_func=labels.__getitem__, key="route_codes") or None
    st.caption(i18n.t("routes.placed_by_cells" if result.household_cells is not None
                      else "routes.placed_by_area", lang))
    padukuhan = _padukuhan_upload(lang)
    with st.expander(i18n.t("routes.advanced", lang)):
        time_limit = st.slider(i18n.t("routes.time_limit", lang), 0, 30, 0,
                               key="route_time", help=i18n.t("routes.time_limit_help", lang))
    return {"office_id": office_id, "teams": int(teams), "days": int(days),
            "hours": float(hours), "mode": mode, "minutes_per_household": float(minutes),
            "visit_minutes": min(float(visit), float(hours) * 60),
            "time_limit_s": float(time_limit) if time_limit else None,
            "top": top, "codes": codes, "padukuhan": padukuhan,
            "start_date": working_day(start_date, 1)}


def _padukuhan_upload(lang: Language) -> pd.DataFrame | None:
    """Take the planner's padukuhan polygons (optional); None when none or unusable."""
    file = st.file_uploader(i18n.t("routes.padukuhan", lang),
                            type=uploads.accepted_types("padukuhan"), key="upload_padukuhan",
                            help=i18n.t("routes.padukuhan_help", lang))
    checked = upload_check(file, "padukuhan")
    if checked is None or file is None:
        return None
    if isinstance(checked, uploads.UploadError):
        st.error(escape_markdown(checked.message(lang)))
        return None
    remembered = st.session_state.get("padukuhan_read")
    if remembered is not None and remembered[0] == checked.key:
        return remembered[1]
    try:
        with tempfile.TemporaryDirectory(prefix="geo-outreach-upload-") as tmp:
            path = Path(tmp) / checked.stored_name
            path.write_bytes(file.getvalue())
            read = read_padukuhan(path)
    except GeoOutreachError as err:
        names = {checked.stored_name: checked.display_name}
        if isinstance(err, InputError):
            err = InputError(uploads.relabel(err.problems, names))
        st.error(escape_markdown(describe_error(err, lang)))
        return None
    st.session_state["padukuhan_read"] = (checked.key, read)
    return read


def _download_possible() -> bool:
    """Look the download server up at most once a minute per session, not on every rerun."""
    checked = st.session_state.get("download_possible")
    now = time.monotonic()
    if checked is None or now - checked[0] > ONLINE_CHECK_EVERY_S:
        checked = st.session_state["download_possible"] = (now, online.download_possible())
    return bool(checked[1])


def _offer_download(result: AnalysisResult, office_id: str, lang: Language) -> None:
    """Offer an OpenStreetMap download for the office's area, or say why it cannot be had."""
    if not _download_possible():
        st.warning(i18n.t("routes.offline", lang, host=online.OVERPASS_HOST))
        return
    if st.button(i18n.t("routes.download_roads", lang), key="route_download_roads"):
        from geo_outreach.roads.networks import download_network  # noqa: PLC0415

        try:
            with st.spinner(i18n.t("routes.downloading", lang)):
                network = download_network(online.office_download_area(result, office_id))
        except GeoOutreachError as err:
            st.error(i18n.t("routes.download_failed", lang, error=str(err)))
            return
        st.session_state.setdefault("downloaded_roads", {})[office_id] = network
        st.rerun()  # plan on the new network from the top of the page


def _network_for(result: AnalysisResult, network: RoadNetwork, office_id: str,
                 lang: Language) -> RoadNetwork:
    """Choose the network for the office (a download kept in this session wins) and say so."""
    downloaded = st.session_state.get("downloaded_roads", {}).get(office_id)
    if downloaded is not None:
        st.caption(i18n.t("routes.network", lang, network=network_text(downloaded, lang)))
        return downloaded
    st.caption(i18n.t("routes.network", lang, network=network_text(network, lang)))
    off_network = office_off_network(result, network, office_id, lang)
    if off_network is not None:
        st.info(off_network)
        _offer_download(result, office_id, lang)
    return network


def _show_plan(plan: RoutePlan, result: AnalysisResult, settings: dict[str, object],
               lang: Language) -> None:
    """Draw a plan: its id, the week, the chosen day's teams and map, the ZIP and the form."""
    if plan.plan_id:
        st.success(i18n.t("routes.field.recorded", lang, plan_id=plan.plan_id))
    kept = st.session_state.get("planned_routes_history")
    said = history_text(kept[1] if kept is not None and kept[0] == plan.plan_id else None, lang)
    if said is not None:
        st.info(said)
    if plan.has_estimates:
        st.info(estimate_note(plan, lang))
    st.subheader(i18n.t("routes.week", lang))
    st.dataframe(week_shown(plan, lang), hide_index=True, width="stretch")
    day = int(st.selectbox(i18n.t("routes.day", lang), list(range(1, plan.days + 1)),
                           format_func=lambda d: i18n.t("routes.day_label", lang, day=d),
                           key="route_day"))
    st.dataframe(summary_shown(plan, lang, day), hide_index=True, width="stretch")
    if len(plan.unserved):
        with st.expander(f"{i18n.t('routes.unserved', lang)} ({len(plan.unserved)})"):
            st.dataframe(unserved_shown(plan, lang), hide_index=True, width="stretch")
    shown = route_map(result, plan, lang=lang, day=day, asset_base_url=STATIC_URL)
    st_folium(shown, height=560, use_container_width=True, returned_objects=[], render=False,
              key=f"route_map_{day}")
    zip_name = f"rute_{settings['office_id']}.zip"
    st.download_button(i18n.t("routes.download", lang), logged_download(
        result, lambda: _zip_outputs(plan, lang), file_name=zip_name, regency=None,
        via="app routes"), file_name=zip_name, mime="application/zip", on_click="ignore")
    offer_field_form(plan, result, lang)


def show_routes(result: AnalysisResult, network: RoadNetwork, lang: Language,
                my_office: str | None = None) -> None:
    """
    Draw the Rute page.

    Parameters
    ----------
    result
        The current analysis.
    network
        The road network to route on (legs beyond it are estimated and labelled).
    lang
        ``"id"`` or ``"en"``.
    my_office
        The office chosen in the sidebar: the teams start there (None: choose here).
    """
    st.caption(i18n.t("routes.intro", lang))
    settings = _settings(result, lang, my_office)
    office_id = str(settings["office_id"])
    used = _network_for(result, network, office_id, lang)
    key = (repr(sorted((k, v) for k, v in settings.items() if k != "padukuhan")),
           id(settings["padukuhan"]), result.params, id(used))
    by = st.text_input(i18n.t("routes.field.by", lang), key="route_by",
                       placeholder=i18n.t("routes.field.by_placeholder", lang),
                       help=i18n.t("routes.field.by_help", lang))
    if st.button(i18n.t("routes.plan", lang), type="primary", key="route_plan"):
        start_date: date = settings["start_date"]  # type: ignore[assignment]
        store, history = store_and_history(office_id, start_date, lang)
        try:
            with st.spinner(i18n.t("routes.planning", lang)):
                plan = plan_routes(result, used, **settings,  # type: ignore[arg-type]
                                   history=history)
        except GeoOutreachError:
            st.error(i18n.t("routes.failed", lang))
            return
        plan = recorded(store, plan, result, by, lang)
        st.session_state["planned_routes"] = (key, plan)
        st.session_state["planned_routes_history"] = (plan.plan_id, history)
    stored = st.session_state.get("planned_routes")
    if stored is None or stored[0] != key:
        return
    plan = stored[1]
    if not len(plan.unserved) and not any(len(route.stops) for route in plan.routes):
        st.info(i18n.t("routes.no_stops", lang))
        return
    _show_plan(plan, result, settings, lang)


if __name__ == "__main__":
    frame = result_frame()
    show_routes(frame.result, frame.network, frame.lang, frame.office)
