"""The Lokasi baru page driven headless (AppTest): it renders, computes, shows the numbers.

The page's figures (headline, metrics, the gain per site, the sites, the bar chart and the
CSV downloads) are compared with :func:`geo_outreach.analysis.placement.place_sites` called
directly on the same inputs and settings (also along the roads); the mobile unit's week
with :func:`geo_outreach.field.mobile_week.plan_mobile_week`.
"""

from __future__ import annotations

import io
import json
import sys
from dataclasses import replace
from typing import TYPE_CHECKING

import pandas as pd
import pytest

from app_pages.placement import DEFAULT_SITES, headline, week_headline
from geo_outreach import i18n
from geo_outreach.analysis.pipeline import run_analysis
from geo_outreach.analysis.placement import PlacementSettings, place_sites
from geo_outreach.field.mobile_week import plan_mobile_week
from geo_outreach.field.plan import first_working_day
from geo_outreach.publish.placement_outputs import BASIS_WORDS, HEADERS, PLACEMENT_FILES
from geo_outreach.render.placement_map import SITE_COLOUR, placement_map
from geo_outreach.roads.placement_roads import road_coverage
from geo_outreach.store.months import today_in_yogyakarta
from tests.app_driver import show, started_app
from tests.test_app_language import assert_in_words

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from streamlit.testing.v1 import AppTest

    from geo_outreach.analysis.placement import Placement


def header(column: str, lang: str = "id") -> str:
    return HEADERS[column][lang]


def table_with(at: AppTest, column_header: str) -> pd.DataFrame:
    """The page's table that has this header."""
    tables = [frame.value for frame in at.dataframe if column_header in frame.value.columns]
    assert tables, f"no table with {column_header!r}"
    return tables[0]


def whole(values: pd.Series) -> list[int]:
    return [round(float(value)) for value in values]


def map_script(at: AppTest, index: int = 0) -> str:
    """A map st_folium drew on the page (its Leaflet script, as JSON text); 0: the first."""
    maps = [json.dumps(json.loads(element.proto.json_args), ensure_ascii=False)
            for element in at.get("component_instance")
            if "json_args" in element.proto.DESCRIPTOR.fields_by_name]
    assert len(maps) > index, "no such st_folium map on the page"
    return maps[index]


def compute(at: AppTest) -> None:
    """Press Hitung lokasi, as the user does."""
    at.button(key="placement_run").click().run()
    assert not at.exception, at.exception


def assert_shows(at: AppTest, placement: Placement, lang: str = "id") -> None:
    """The page shows exactly the placement's sites, gain per site and totals."""
    assert [message.value for message in at.success] == [headline(placement, lang)]  # type: ignore[arg-type]
    sites = table_with(at, header("rank", lang))
    assert sites[header("name", lang)].tolist() == placement.sites["name"].tolist()
    assert sites[header("village", lang)].tolist() == placement.sites["village"].tolist()
    assert sites[header("newly_covered", lang)].tolist() == whole(
        placement.sites["newly_covered"])
    assert sites[header("villages_reached", lang)].tolist() == placement.sites[
        "villages_reached"].tolist()
    curve = table_with(at, header("marginal_gain", lang))
    assert curve[header("p", lang)].tolist() == list(range(1, len(placement.curve) + 1))
    assert curve[header("marginal_gain", lang)].tolist() == whole(
        placement.curve["marginal_gain"])
    assert curve[header("newly_covered", lang)].tolist() == whole(
        placement.curve["newly_covered"])
    metrics = {metric.label: metric.value for metric in at.metric}
    assert metrics[i18n.t("placement_page.metric.covered", lang)] == i18n.format_number(  # type: ignore[arg-type]
        placement.newly_covered, lang)  # type: ignore[arg-type]
    last = placement.curve.iloc[-1]
    assert metrics[i18n.t("placement_page.metric.gain", lang, p=int(last["p"]))] == (  # type: ignore[arg-type]
        i18n.format_number(last["marginal_gain"], lang))  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def direct() -> Placement:
    """The library's placement on the bundled data with the page's default settings."""
    return place_sites(run_analysis(), PlacementSettings(new_sites=DEFAULT_SITES))


@pytest.fixture(scope="module")
def computed() -> Iterator[AppTest]:
    """The app on the bundled data, on the Lokasi baru page, after Hitung lokasi."""
    main = sys.modules["__main__"]
    try:
        at = started_app()
        show(at, "placement")
        compute(at)
    finally:
        sys.modules["__main__"] = main  # AppTest leaves its script there
    return at


def test_the_page_renders_the_map_before_anything_is_computed(app: AppTest):
    show(app, "placement")
    assert any(i18n.t("placement_page.press", "id") == info.value for info in app.info)
    assert not app.success
    assert app.number_input(key="placement_sites").value == DEFAULT_SITES
    assert app.number_input(key="placement_radius").value == 5.0
    assert app.radio(key="placement_source").options == [
        i18n.t("placement_page.source.table", "id")]  # no household points in this session
    assert app.button(key="placement_run").proto.label == "Hitung lokasi"
    drawn = map_script(app)
    assert i18n.t("placement_map.title_before", "id") in drawn
    assert "/app/static/leaflet.js" in drawn
    assert SITE_COLOUR not in drawn  # no new site yet


def test_the_button_computes_what_the_library_computes(computed: AppTest, direct: Placement):
    assert_shows(computed, direct)
    assert len(direct.sites) == DEFAULT_SITES
    chart = computed.get("vega_lite_chart")
    assert len(chart) == 1
    assert i18n.t("placement_page.chart.gain", "id") in chart[0].proto.spec
    drawn = map_script(computed)
    assert i18n.t("placement_map.title", "id") in drawn
    assert SITE_COLOUR in drawn
    for name in direct.sites["name"]:
        assert name in drawn
    assert i18n.format_number(direct.sites["newly_covered"].iloc[0], "id") in drawn


def test_switching_the_language_keeps_the_placement(computed: AppTest, direct: Placement):
    computed.sidebar.radio(key="lang").set_value("en").run()
    assert not computed.exception, computed.exception
    assert_shows(computed, direct, "en")
    assert computed.button(key="placement_run").proto.label == i18n.t("placement_page.run",
                                                                      "en")
    computed.sidebar.radio(key="lang").set_value("id").run()
    assert not computed.exception, computed.exception
    assert_shows(computed, direct, "id")


def test_the_csv_downloads_hold_the_same_numbers_and_are_logged(
        computed: AppTest, direct: Placement, deferred_downloads, export_log_file: Path):
    computed.run()  # draw the buttons again, their makers now seen
    assert not computed.exception, computed.exception
    buttons = {str(button.proto.label): button for button in computed.get("download_button")}
    files = {}
    for name, label in (("sites", "placement_page.download.sites"),
                        ("curve", "placement_page.download.curve"),
                        ("site_villages", "placement_page.download.villages")):
        button = buttons[i18n.t(label, "id")]
        content = deferred_downloads[button.proto.deferred_file_id]()
        assert isinstance(content, bytes)
        assert content.startswith(b"\xef\xbb\xbf")  # spreadsheets read UTF-8 right
        files[name] = pd.read_csv(io.BytesIO(content), encoding="utf-8-sig", dtype={
            header("code"): str, header("village_code"): str})
    sites, curve, villages = files["sites"], files["curve"], files["site_villages"]
    assert sites[header("name")].tolist() == direct.sites["name"].tolist()
    assert sites[header("newly_covered")].tolist() == whole(direct.sites["newly_covered"])
    assert set(sites[header("distance_basis")]) == {"garis lurus"}
    assert curve[header("marginal_gain")].tolist() == whole(direct.curve["marginal_gain"])
    assert villages[i18n.t("col.villages.name", "id")].tolist() == direct.site_villages[
        "name"].tolist()
    assert villages[header("newly_covered")].sum() == pytest.approx(direct.newly_covered,
                                                                    abs=len(villages))
    logged = [json.loads(line) for line in export_log_file.read_text().splitlines()]
    assert sorted(record["output"]["path"] for record in logged) == sorted(
        f"download:{PLACEMENT_FILES[name]}" for name in files)
    assert {record["via"] for record in logged} == {"app placement"}


def test_scope_capacity_and_number_reach_the_model(app: AppTest):
    app.sidebar.selectbox(key="regency").set_value("Kabupaten Sleman").run()
    show(app, "placement")
    assert app.selectbox(key="placement_regency").value == "Kabupaten Sleman"  # the sidebar's
    app.number_input(key="placement_sites").set_value(2)
    app.checkbox(key="placement_capacity_on").check().run()  # the capacity opens
    app.number_input(key="placement_capacity").set_value(500)
    app.run()
    compute(app)
    expected = place_sites(app.session_state["frame"].result, PlacementSettings(
        new_sites=2, regency="Kabupaten Sleman", capacity=500.0, radius_km=5.0))
    assert_shows(app, expected)
    assert set(expected.sites["regency"]) == {"Kabupaten Sleman"}
    sites = table_with(app, header("rank"))
    assert sites[header("served")].tolist() == [500, 500]
    assert any(i18n.format_number(1000, "id") in caption.value for caption in app.caption)
    app.number_input(key="placement_sites").set_value(3).run()  # not computed yet
    assert not app.success
    assert any(i18n.t("placement_page.stale", "id") == info.value for info in app.info)


def test_the_register_is_offered_with_household_points_and_used(app: AppTest):
    app.sidebar.radio(key="households").set_value("demo").run()
    show(app, "placement")
    source = app.radio(key="placement_source")
    assert source.options == [i18n.t("placement_page.source.table", "id"),
                              i18n.t("placement_page.source.register", "id")]
    source.set_value("register")
    app.number_input(key="placement_sites").set_value(1)
    app.run()
    compute(app)
    frame = app.session_state["frame"]
    expected = place_sites(frame.result, PlacementSettings(new_sites=1, source="register"),
                           households=frame.households)
    assert expected.demand.source == "register"
    assert_shows(app, expected)
    app.sidebar.radio(key="households").set_value("none").run()  # the points are gone
    assert not app.exception, app.exception
    assert app.radio(key="placement_source").value == "table"
    assert not app.success


def test_the_map_escapes_the_names_it_shows(direct: Placement):
    hostile = "<img src=x onerror=alert(1)>`${x}`"
    sites = direct.sites.assign(name=[hostile, *direct.sites["name"].iloc[1:]])
    page = placement_map(run_analysis(), replace(direct, sites=sites), lang="en",
                         basemap=False).get_root().render()
    assert hostile not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert i18n.format_number(direct.sites["newly_covered"].iloc[0], "en") in page
    assert "cdn.jsdelivr" not in page  # Leaflet is in the page: it opens offline


def test_along_the_roads_reaches_the_model_and_says_how_each_site_was_measured(app: AppTest):
    show(app, "placement")
    distance = app.radio(key="placement_distance")
    assert distance.options == [BASIS_WORDS["straight"]["id"], BASIS_WORDS["road"]["id"]]
    distance.set_value("road").run()
    outside = BASIS_WORDS["straight_outside_network"]["id"]
    assert any(outside in caption.value for caption in app.caption)  # the note says so
    app.number_input(key="placement_sites").set_value(1).run()
    compute(app)
    frame = app.session_state["frame"]
    coverage = road_coverage(frame.network, frame.result.metric_crs)
    everywhere = place_sites(frame.result, PlacementSettings(new_sites=1, distance="road"),
                             coverage=coverage)
    assert_shows(app, everywhere)
    assert table_with(app, header("rank"))[header("distance_basis")].tolist() == [outside]
    app.selectbox(key="placement_regency").set_value("Kota Yogyakarta")
    app.number_input(key="placement_sites").set_value(2).run()
    compute(app)  # inside the bundled network: measured along the roads
    in_city = place_sites(frame.result, PlacementSettings(
        new_sites=2, distance="road", regency="Kota Yogyakarta"), coverage=coverage)
    assert_shows(app, in_city)
    assert table_with(app, header("rank"))[header("distance_basis")].tolist() == [
        BASIS_WORDS[str(basis)]["id"] for basis in in_city.sites["distance_basis"]]
    assert set(in_city.sites["distance_basis"]) == {"road"}
    app.radio(key="placement_distance").set_value("straight").run()  # another cache entry
    assert not app.success
    assert any(i18n.t("placement_page.stale", "id") == info.value for info in app.info)


def test_the_mobile_week_on_the_page_is_what_the_library_plans(
        app: AppTest, deferred_downloads, export_log_file: Path):
    app.sidebar.selectbox(key="office").set_value("PH-BANTUL").run()
    show(app, "placement")
    office = app.selectbox(key="mobile_office")
    assert (office.value, office.disabled) == ("PH-BANTUL", True)  # the sidebar's office
    assert app.number_input(key="mobile_days").value == 5
    assert app.number_input(key="mobile_radius").value == 2.0
    start = first_working_day(today_in_yogyakarta())
    assert app.date_input(key="mobile_start").value == start
    assert any(i18n.t("mobile_page.press", "id") == info.value for info in app.info)
    app.number_input(key="mobile_days").set_value(4)
    app.number_input(key="mobile_radius").set_value(1.5).run()
    app.button(key="mobile_run").click().run()
    assert not app.exception, app.exception
    frame = app.session_state["frame"]
    week = plan_mobile_week(frame.result, "PH-BANTUL", days=4, radius_km=1.5,
                            candidates="villages", network=frame.network, start_date=start)
    assert [message.value for message in app.success] == [
        week_headline(week, frame.result, "id")]
    days = table_with(app, header("workers_reached"))
    assert days[header("day")].tolist() == [1, 2, 3, 4]
    assert days[header("date")].tolist() == week.days["date"].tolist()
    assert days[header("name")].tolist() == week.days["name"].tolist()
    assert days[header("workers_reached")].tolist() == whole(week.days["workers_reached"])
    assert days[header("travel_km")].tolist() == [
        i18n.format_number(km, "id", decimals=1) for km in week.days["travel_km"]]
    assert days[header("travel_estimated")].tolist() == [
        i18n.value_label("travel_estimated", bool(e), "id") for e in week.days["travel_estimated"]]
    drawn = map_script(app, 1)
    assert i18n.t("mobile_map.title", "id", office="Bantul (placeholder)") in drawn
    for name in week.days["name"]:
        assert name in drawn
    buttons = [b for b in app.get("download_button")
               if b.proto.label == i18n.t("mobile_page.download", "id")]
    content = deferred_downloads[buttons[0].proto.deferred_file_id]()
    table = pd.read_csv(io.BytesIO(content), encoding="utf-8-sig")
    assert table[header("name")].tolist() == week.days["name"].tolist()
    assert table[header("workers_reached")].tolist() == whole(week.days["workers_reached"])
    assert table[header("travel_km")].tolist() == pytest.approx(week.days["travel_km"], abs=1e-3)
    logged = [json.loads(line) for line in export_log_file.read_text().splitlines()]
    assert [record["output"]["path"] for record in logged] == [
        f"download:{PLACEMENT_FILES['mobile_week']}"]
    app.sidebar.radio(key="lang").set_value("en").run()  # the week stays, in English
    assert not app.exception, app.exception
    assert week_headline(week, frame.result, "en") in [m.value for m in app.success]
    assert header("workers_reached", "en") in table_with(app, header("day", "en")).columns
    assert_in_words(app, "en/mobile week")  # no machine value on the screen
    app.number_input(key="mobile_days").set_value(5).run()
    assert any(i18n.t("mobile_page.stale", "en") == info.value for info in app.info)
