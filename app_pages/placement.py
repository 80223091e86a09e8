"""
The app's "Lokasi baru" page: where the next service points should stand.

The next KCP, or a desk at the kalurahan hall, should reach the most uncovered workers no
office reaches now.

A thin shell over :func:`geo_outreach.analysis.placement.place_sites`: widgets become a
:class:`~geo_outreach.analysis.placement.PlacementSettings`; the model runs when the user
presses the button (cached per analysis and settings, shared by the sessions), and the
placement is kept in this session's state until the settings or the analysis change. The
page shows the headline, what each further site adds (p = 1 … N, so a branch head sees
when one more site stops paying off), the sites, the map
(:func:`geo_outreach.render.placement_map.placement_map`) and the tables as CSV, each
download recorded in the export log. The existing offices keep the analysis's radius.
Distances are straight, or along the app's roads (sites off the network straight, so
labelled). Below, the mobile unit's week (:mod:`geo_outreach.field.mobile_week`): a stand
a day for the sidebar's office, with its days, map and CSV, cached alike.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from app_pages.common import STATIC_URL, display, result_frame
from app_pages.routes import network_text
from geo_outreach import i18n, spreadsheet
from geo_outreach._errors import GeoOutreachError
from geo_outreach.analysis.placement import PlacementSettings, place_sites
from geo_outreach.escape import escape_markdown
from geo_outreach.field.mobile_week import plan_mobile_week
from geo_outreach.field.plan import first_working_day, working_day
from geo_outreach.i18n.problem_text import describe_error
from geo_outreach.placement_defaults import DEFAULT_MOBILE_DAYS, DEFAULT_MOBILE_RADIUS_KM
from geo_outreach.publish.export_log import logged_download
from geo_outreach.publish.placement_outputs import (
    BASIS_WORDS,
    HEADERS,
    PLACEMENT_FILES,
    placement_tables,
)
from geo_outreach.render.mobile_week_map import mobile_week_map
from geo_outreach.render.placement_map import SITE_COLOUR, placement_map
from geo_outreach.roads.placement_roads import road_coverage
from geo_outreach.store.months import today_in_yogyakarta

if TYPE_CHECKING:
    from app_pages.common import Frame
    from geo_outreach.analysis.household_reach import HouseholdInputs
    from geo_outreach.analysis.placement import Placement
    from geo_outreach.analysis.result import AnalysisResult
    from geo_outreach.config import Language
    from geo_outreach.field.mobile_week import MobileWeek
    from geo_outreach.roads.model import RoadNetwork

ALL: Final = ""
"""The kabupaten choice's value for all of them (its label is translated)."""
CANDIDATES: Final = ("villages", "cells")
SOURCES: Final = ("table", "register")
DISTANCES: Final = ("straight", "road")
MAX_SITES: Final = 10
DEFAULT_SITES: Final = 3
DEFAULT_CAPACITY: Final = 5_000
MAX_RADIUS_KM: Final = 20.0
STORED_KEY: Final = "placement_result"
"""Session state: ``(key, placement)`` of the last placement computed in this session."""
WEEK_KEY: Final = "mobile_week_result"
"""Session state: ``(key, week)`` of the last mobile unit's week planned in this session."""
MAX_MOBILE_DAYS: Final = 10
DAY_COLUMNS: Final = ("day", "date", "name", "village", "district", "workers_reached",
                      "travel_km", "travel_estimated")
SITE_COLUMNS: Final = ("rank", "name", "village", "district", "regency", "newly_covered",
                       "villages_reached", "households", "served", "distance_basis", "lat",
                       "lon")
CURVE_COLUMNS: Final = ("p", "newly_covered", "marginal_gain", "share_of_outside",
                        "coverage_rule_zone", "proven_optimal")
DOWNLOADS: Final = ("sites", "curve", "site_villages")
DOWNLOAD_LABELS: Final = {"sites": "placement_page.download.sites",
                          "curve": "placement_page.download.curve",
                          "site_villages": "placement_page.download.villages"}


def analysis_key(result: AnalysisResult) -> tuple[object, ...]:
    """
    Fingerprint what a placement depends on: the settings, villages, offices and households.

    The analysis is a fresh copy on every run (its identity says nothing): the parameters,
    a hash of each village's uncovered workers and share inside the radius (the field's
    registrations change them), of the offices' places, and the household points' summary.
    """
    villages = result.villages[["code", "uncovered", "share_within_radius"]]
    offices = result.offices[["office_id", "lat", "lon"]]
    return (result.params,
            int(pd.util.hash_pandas_object(villages, index=False).sum()),
            int(pd.util.hash_pandas_object(offices, index=False).sum()),
            repr(result.household_summary))


def network_key(network: RoadNetwork | None) -> tuple[object, ...]:
    """Fingerprint the road network in use: its file (or upload's name) and its size."""
    return () if network is None else (network.file, len(network.nodes), len(network.links),
                                       round(network.length_km, 3))


@st.cache_data(show_spinner=False, max_entries=16)
def placement_cached(_result: AnalysisResult, _households: HouseholdInputs | None,
                     _network: RoadNetwork | None, key: tuple[object, ...],
                     settings: PlacementSettings) -> Placement:
    """Solve once per analysis and network (``key``) and settings."""
    del key  # part of the cache key only
    households = _households if settings.source == "register" else None
    coverage = (road_coverage(_network, _result.metric_crs)
                if settings.distance == "road" and _network is not None else None)
    return place_sites(_result, settings, households=households, coverage=coverage)


@st.cache_data(show_spinner=False, max_entries=16)
def mobile_week_cached(_result: AnalysisResult, _households: HouseholdInputs | None,
                       _network: RoadNetwork | None, key: tuple[object, ...],
                       week: tuple[object, ...]) -> MobileWeek:
    """Plan once per analysis and network (``key``) and the week's settings."""
    del key  # part of the cache key only
    names = ("days", "radius_km", "candidates", "start_date", "source")
    return plan_mobile_week(_result, str(week[0]), network=_network,
                            households=_households if week[-1] == "register" else None,
                            **dict(zip(names, week[1:], strict=True)))  # type: ignore[arg-type]


def _follow(widget: str, value: object) -> None:
    """Set a widget to ``value`` whenever ``value`` changes (the sidebar's choice)."""
    if st.session_state.get(f"{widget}_follows") != value:
        st.session_state[f"{widget}_follows"] = value
        st.session_state[widget] = value


def choose_settings(frame: Frame) -> PlacementSettings:
    """
    Draw the page's settings and return them.

    The analysis's radius is the default, the register is offered only with household
    points, along the roads only with a network, the sidebar's kabupaten preselected; the
    capacity counts only when its box is ticked.
    """
    lang, result = frame.lang, frame.result
    if result is None:  # result_frame() stops the page before this
        return PlacementSettings()
    left, middle, right = st.columns(3)
    sites = left.number_input(i18n.t("placement_page.sites", lang), 1, MAX_SITES,
                              DEFAULT_SITES, 1, key="placement_sites",
                              help=i18n.t("placement_page.sites_help", lang))
    candidates = middle.radio(
        i18n.t("placement_page.candidates", lang), CANDIDATES, key="placement_candidates",
        format_func=lambda c: i18n.t(f"placement_page.candidates.{c}", lang),
        help=i18n.t("placement_page.candidates_help", lang))
    sources = SOURCES if frame.households is not None else SOURCES[:1]
    if st.session_state.get("placement_source") not in sources:
        st.session_state.pop("placement_source", None)
    source = right.radio(i18n.t("placement_page.source", lang), sources, key="placement_source",
                         format_func=lambda s: i18n.t(f"placement_page.source.{s}", lang))
    if frame.households is None:
        right.caption(i18n.t("placement_page.source_register_off", lang))
    _follow("placement_radius", float(result.params.radius_km))
    radius = left.number_input(
        i18n.t("placement_page.radius", lang), 0.5, MAX_RADIUS_KM, step=0.5, format="%.1f",
        key="placement_radius", help=i18n.t("placement_page.radius_help", lang,
                                            radius=i18n.format_km(result.params.radius_km,
                                                                  lang)))
    capped = middle.checkbox(i18n.t("placement_page.capacity_on", lang),
                             key="placement_capacity_on")
    capacity = middle.number_input(i18n.t("placement_page.capacity", lang), 100, 1_000_000,
                                   DEFAULT_CAPACITY, 500, key="placement_capacity",
                                   disabled=not capped,
                                   help=i18n.t("placement_page.capacity_help", lang))
    names = list(frame.regencies)
    _follow("placement_regency", frame.regency if frame.regency in names else ALL)
    if st.session_state.get("placement_regency") not in (ALL, *names):
        st.session_state["placement_regency"] = ALL
    regency = right.selectbox(i18n.t("placement_page.regency", lang), [ALL, *names],
                              key="placement_regency",
                              format_func=lambda v: v or i18n.t("app.region_all", lang),
                              help=i18n.t("placement_page.regency_help", lang))
    distances = DISTANCES if frame.network is not None else DISTANCES[:1]
    distance = left.radio(i18n.t("placement_page.distance", lang), distances, horizontal=True,
                          key="placement_distance",
                          format_func=lambda d: i18n.t(f"placement_page.distance.{d}", lang),
                          help=i18n.t("placement_page.distance_help", lang))
    if distance == "road" and frame.network is not None:
        st.caption(i18n.t("placement_page.distance_road_note", lang,
                          network=network_text(frame.network, lang),
                          outside=BASIS_WORDS["straight_outside_network"][lang],
                          column=HEADERS["distance_basis"][lang]))
    else:
        st.caption(i18n.t("placement_page.distance_note", lang))
    return PlacementSettings(new_sites=int(sites), candidates=str(candidates),
                             distance=str(distance), radius_km=float(radius),
                             capacity=float(capacity) if capped else None, source=str(source),
                             regency=regency or None)


def headline(placement: Placement, lang: Language) -> str:
    """
    Say what the N sites add, and what the N-th adds, in ``lang`` (``"id"`` or ``"en"``).

    Markdown, numbers with the language's thousands separator, e.g. "3 lokasi baru
    menjangkau **224.263** pekerja … lokasi ke-3 menambah **67.851** (dari 2 ke 3 lokasi)."
    """
    curve = placement.curve
    last = curve.iloc[-1]
    numbers = {"covered": i18n.format_number(placement.newly_covered, lang),
               "share": i18n.format_percent(last["share_of_outside"], lang),
               "outside": i18n.format_number(placement.demand.outside_total, lang)}
    if len(curve) == 1:
        return i18n.t("placement_page.headline_one", lang, **numbers)
    p = int(last["p"])
    return i18n.t("placement_page.headline", lang, sites=p, p=p, prev=p - 1,
                  gain=i18n.format_number(last["marginal_gain"], lang), **numbers)


def sites_shown(placement: Placement, lang: Language) -> pd.DataFrame:
    """Tabulate the sites for the screen as the CSV has them, headers and basis in words."""
    sites = placement_tables(placement)["sites"]
    table = sites[[column for column in SITE_COLUMNS if column in sites.columns]].copy()
    table["distance_basis"] = [BASIS_WORDS.get(str(b), {}).get(lang, str(b))
                               for b in table["distance_basis"]]
    return display(table, lang, table_name="placement", headers=_headers(table, lang))


def curve_shown(placement: Placement, lang: Language) -> pd.DataFrame:
    """Tabulate what each further site adds, p = 1 … N, for the screen."""
    table = placement.curve[list(CURVE_COLUMNS)]
    return display(table, lang, table_name="placement", headers=_headers(table, lang))


def _headers(table: pd.DataFrame, lang: Language, *, villages: bool = False
             ) -> dict[str, str]:
    headers = {column: HEADERS[column][lang] for column in table.columns if column in HEADERS}
    if villages:  # the per-village table's ``name`` is the village's, not the site's
        headers["name"] = i18n.t("col.villages.name", lang)
    return headers


def csv_bytes(placement: Placement, name: str, lang: Language) -> bytes:
    """
    Write one of the placement's tables as CSV for the user, headers in their language.

    ``name`` is ``sites``, ``curve`` or ``site_villages`` (see
    :func:`geo_outreach.publish.placement_outputs.placement_tables`); counts whole.
    """
    return table_csv(placement_tables(placement)[name], lang, villages=name == "site_villages")


def table_csv(table: pd.DataFrame, lang: Language, *, villages: bool = False) -> bytes:
    """
    Write a table as CSV for the user: headers, distance basis and yes/no in ``lang``.

    UTF-8 with a byte-order mark (spreadsheets read it right); formula-like text kept text.
    """
    table = table.copy()
    if "distance_basis" in table:
        table["distance_basis"] = [BASIS_WORDS.get(str(b), {}).get(lang, str(b))
                                   for b in table["distance_basis"]]
    if "travel_estimated" in table:
        table["travel_estimated"] = [i18n.value_label("travel_estimated", bool(value), lang)
                                     for value in table["travel_estimated"]]
    return spreadsheet.csv_bytes(table.rename(columns=_headers(table, lang, villages=villages)))


def show_metrics(placement: Placement, lang: Language) -> None:
    """Show the headline figures: newly covered, share, inside a radius, the N-th's gain."""
    curve = placement.curve
    last = curve.iloc[-1]
    demand = placement.demand
    total = demand.inside_total + demand.outside_total
    cells = st.columns(4)
    cells[0].metric(i18n.t("placement_page.metric.covered", lang),
                    i18n.format_number(placement.newly_covered, lang))
    cells[1].metric(i18n.t("placement_page.metric.share", lang),
                    i18n.format_percent(last["share_of_outside"], lang))
    cells[2].metric(i18n.t("placement_page.metric.zone", lang),
                    i18n.format_percent(last["coverage_rule_zone"], lang),
                    delta=i18n.t("placement_page.metric.zone_delta", lang,
                                 before=i18n.format_percent(
                                     demand.inside_total / total if total else 0.0, lang)),
                    delta_color="off", help=i18n.t("placement_page.metric.zone_help", lang))
    cells[3].metric(i18n.t("placement_page.metric.gain", lang, p=int(last["p"])),
                    i18n.format_number(last["marginal_gain"], lang))


def show_curve(placement: Placement, lang: Language) -> None:
    """Show what each further site adds: a bar per p (its number on it), and the table."""
    st.subheader(i18n.t("placement_page.curve", lang))
    st.caption(i18n.t("placement_page.curve_help", lang))
    curve = placement.curve
    gains = curve["marginal_gain"].round().astype("int64")
    chart = pd.DataFrame({"p": [str(int(p)) for p in curve["p"]], "gain": gains,
                          "label": [i18n.format_number(g, lang) for g in gains]})
    st.vega_lite_chart(chart, gain_chart(lang), height=260, key="placement_chart")
    shown = curve_shown(placement, lang)
    st.dataframe(shown, hide_index=True, width="stretch", key="placement_curve",
                 column_config=_localized(shown))
    unproven = curve[~curve["proven_optimal"].astype(bool)]
    if len(unproven):
        st.info(i18n.t("placement_page.not_optimal", lang,
                       count=i18n.format_number(len(unproven), lang),
                       gap=i18n.format_percent(float(unproven["gap"].max()), lang,
                                               decimals=2)))


def gain_chart(lang: Language) -> dict[str, object]:
    """
    Describe the gain chart (Vega-Lite): one orange bar per p, its number written on it.

    Over the columns ``p``, ``gain`` and ``label``; axis titles and the numbers'
    separators (``80.000``) in ``lang``.
    """
    p_title = i18n.t("placement_page.chart.p", lang)
    gain_title = i18n.t("placement_page.chart.gain", lang)
    sample = i18n.format_number(1234.5, lang, decimals=1)  # "1.234,5" or "1,234.5"
    x = {"field": "p", "type": "ordinal", "sort": None, "title": p_title,
         "axis": {"labelAngle": 0}}
    return {
        "encoding": {"x": x, "y": {"field": "gain", "type": "quantitative",
                                   "title": gain_title, "axis": {"format": ",d"}},
                     "tooltip": [{"field": "p", "title": p_title},
                                 {"field": "label", "title": gain_title}]},
        "layer": [{"mark": {"type": "bar", "color": SITE_COLOUR}},
                  {"mark": {"type": "text", "dy": -7, "color": "#333333"},
                   "encoding": {"text": {"field": "label"}}}],
        "config": {"locale": {"number": {"decimal": sample[-2], "thousands": sample[1],
                                         "grouping": [3], "currency": ["", ""]}}},
    }


def _localized(shown: pd.DataFrame) -> dict[str, object]:
    """Write counts in the reader's number format; they stay numbers, so they sort."""
    return {str(column): st.column_config.NumberColumn(format="localized")
            for column in shown.columns if pd.api.types.is_integer_dtype(shown[column])}


def show_downloads(placement: Placement, result: AnalysisResult, lang: Language) -> None:
    """Offer the sites, the gain per site and the per-village table as CSV (logged)."""
    regency = placement.settings.regency
    for column, name in zip(st.columns(len(DOWNLOADS)), DOWNLOADS, strict=True):
        file_name = PLACEMENT_FILES[name]
        column.download_button(
            i18n.t(DOWNLOAD_LABELS[name], lang),
            logged_download(result, lambda n=name: csv_bytes(placement, n, lang),
                            file_name=file_name, regency=regency, via="app placement"),
            file_name=file_name, mime="text/csv", on_click="ignore",
            key=f"placement_download_{name}")


def show_result(placement: Placement, result: AnalysisResult, lang: Language) -> None:
    """Draw a placement: headline, figures, the gain per site, the sites, map, downloads."""
    if placement.demand.outside_total <= 0 or placement.sites.empty:
        st.info(i18n.t("placement_page.nothing_outside", lang))
    else:
        st.success(headline(placement, lang))
        show_metrics(placement, lang)
        capacity = placement.settings.capacity
        if capacity is not None and "served" in placement.sites:
            st.caption(i18n.t("placement_page.capacity_note", lang,
                              capacity=i18n.format_number(capacity, lang),
                              served=i18n.format_number(placement.sites["served"].sum(),
                                                        lang)))
        show_curve(placement, lang)
        st.subheader(i18n.t("placement_page.sites_table", lang, sites=len(placement.sites)))
        shown = sites_shown(placement, lang)
        st.dataframe(shown, hide_index=True, width="stretch", key="placement_sites_table",
                     column_config=_localized(shown))
    st.subheader(i18n.t("placement_page.map", lang))
    st_folium(placement_map(result, placement, lang=lang, asset_base_url=STATIC_URL),
              height=600, use_container_width=True, returned_objects=[], render=False,
              key="placement_map")
    show_downloads(placement, result, lang)


def show_placement(frame: Frame) -> None:
    """Draw the Lokasi baru page from this run's frame (with its analysis)."""
    lang, result = frame.lang, frame.result
    if result is None:  # result_frame() stops the page before this
        return
    st.caption(i18n.t("placement_page.intro", lang))
    settings = choose_settings(frame)
    key = (analysis_key(result), network_key(frame.network), settings)
    if st.button(i18n.t("placement_page.run", lang), type="primary", key="placement_run"):
        try:
            with st.spinner(i18n.t("placement_page.running", lang)):
                placement = placement_cached(result, frame.households, frame.network, key[:2],
                                             settings)
        except GeoOutreachError as err:
            st.error(i18n.t("placement_page.failed", lang,
                            error=escape_markdown(describe_error(err, lang))))
        else:
            st.session_state[STORED_KEY] = (key, placement)
    stored = st.session_state.get(STORED_KEY)
    if stored is not None and stored[0] == key:
        show_result(stored[1], result, lang)
    else:
        st.info(i18n.t("placement_page.stale" if stored is not None
                       else "placement_page.press", lang))
        st_folium(placement_map(result, None, lang=lang, regency=settings.regency,
                                asset_base_url=STATIC_URL),
                  height=600, use_container_width=True, returned_objects=[], render=False,
                  key="placement_map")
    show_mobile_week(frame, settings)


def week_settings(frame: Frame, result: AnalysisResult, settings: PlacementSettings
                  ) -> tuple[object, ...]:
    """Draw the mobile unit's settings: ``(office, days, radius, candidates, day 1, source)``."""
    lang, ids = frame.lang, result.offices["office_id"].astype(str).tolist()
    names = dict(zip(ids, result.offices["name"].astype(str), strict=True))
    mine = frame.office if frame.office in names else None
    left, middle, right = st.columns(3)
    office = left.selectbox(i18n.t("mobile_page.office", lang), [mine] if mine else ids,
                            format_func=names.__getitem__, key="mobile_office",
                            disabled=mine is not None, help=i18n.t("sidebar.office_help", lang))
    days = middle.number_input(i18n.t("mobile_page.days", lang), 1, MAX_MOBILE_DAYS,
                               DEFAULT_MOBILE_DAYS, 1, key="mobile_days")
    radius = right.number_input(i18n.t("mobile_page.radius", lang), 0.5, MAX_RADIUS_KM,
                                DEFAULT_MOBILE_RADIUS_KM, 0.5, format="%.1f",
                                key="mobile_radius", help=i18n.t("mobile_page.radius_help", lang))
    start = left.date_input(i18n.t("mobile_page.start_date", lang),
                            value=first_working_day(today_in_yogyakarta()), key="mobile_start",
                            help=i18n.t("mobile_page.start_date_help", lang))
    return (str(office), int(days), float(radius), settings.candidates, working_day(start, 1),
            settings.source)


def week_headline(week: MobileWeek, result: AnalysisResult, lang: Language) -> str:
    """Say what the unit's days reach, of how many, and how far it drives (markdown)."""
    offices = result.offices.set_index(result.offices["office_id"].astype(str))
    return i18n.t("mobile_page.headline", lang, days=len(week.days),
                  reached=i18n.format_number(week.days["workers_reached"].sum(), lang),
                  scope=i18n.format_number(week.workers_in_scope, lang),
                  office=escape_markdown(str(offices.loc[week.office_id, "name"])),
                  km=i18n.format_km(week.days["travel_km"].sum() + week.return_km, lang),
                  back=i18n.format_km(week.return_km, lang))


def days_table(week: MobileWeek, *, csv: bool = False) -> pd.DataFrame:
    """Tabulate the unit's days (machine names), counts whole; the CSV adds lat/lon."""
    columns = (*DAY_COLUMNS[:5], "lat", "lon", *DAY_COLUMNS[5:]) if csv else DAY_COLUMNS
    return week.days.assign(workers_reached=week.days["workers_reached"].round().astype(
        "int64"), travel_km=week.days["travel_km"].round(3))[list(columns)]


def show_mobile_week(frame: Frame, settings: PlacementSettings) -> None:
    """Draw the mobile unit's section: settings, button, and the planned week if current."""
    lang, result = frame.lang, frame.result
    if result is None or result.offices.empty:
        return
    st.subheader(i18n.t("mobile_page.title", lang))
    st.caption(i18n.t("mobile_page.intro", lang))
    week_key = (analysis_key(result), network_key(frame.network),
                week_settings(frame, result, settings))
    if st.button(i18n.t("mobile_page.run", lang), type="primary", key="mobile_run"):
        try:
            with st.spinner(i18n.t("mobile_page.running", lang)):
                week = mobile_week_cached(result, frame.households, frame.network,
                                          week_key[:2], week_key[2])
        except GeoOutreachError as err:
            st.error(i18n.t("mobile_page.failed", lang,
                            error=escape_markdown(describe_error(err, lang))))
        else:
            st.session_state[WEEK_KEY] = (week_key, week)
    stored = st.session_state.get(WEEK_KEY)
    if stored is None or stored[0] != week_key:
        st.info(i18n.t("mobile_page.stale" if stored is not None else "mobile_page.press",
                       lang))
        return
    week = stored[1]
    st.success(week_headline(week, result, lang))
    if estimated := int(week.days["travel_estimated"].sum()) + int(week.return_estimated):
        st.caption(i18n.t("mobile_page.estimated", lang, count=estimated,
                          legs=len(week.days) + 1))
    if not week.proven_optimal:
        st.info(i18n.t("mobile_page.not_optimal", lang,
                       gap=i18n.format_percent(week.gap, lang, decimals=2)))
    st.markdown(f"**{i18n.t('mobile_page.days_table', lang)}**")
    shown = display(table := days_table(week), lang, table_name="placement",
                    headers=_headers(table, lang))
    st.dataframe(shown, hide_index=True, width="stretch", key="mobile_days_table",
                 column_config=_localized(shown))
    st_folium(mobile_week_map(result, week, lang=lang, asset_base_url=STATIC_URL), height=480,
              use_container_width=True, returned_objects=[], render=False, key="mobile_week_map")
    file_name = PLACEMENT_FILES["mobile_week"]
    st.download_button(i18n.t("mobile_page.download", lang), logged_download(
        result, lambda: table_csv(days_table(week, csv=True), lang), file_name=file_name,
        regency=None, via="app placement"), file_name=file_name, mime="text/csv",
        on_click="ignore", key="mobile_download")


if __name__ == "__main__":
    show_placement(result_frame())
