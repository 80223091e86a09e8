"""Walk sheets (CSV, XLSX, HTML), GPX tracks and the map layers of a route plan."""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import folium
import gpxpy
import pandas as pd
import pytest
import shapely
from openpyxl import load_workbook

from geo_outreach._errors import OutputError
from geo_outreach.field import plan as field_plan
from geo_outreach.field import solver, walksheets
from geo_outreach.field.sheet_text import outcome_headers
from geo_outreach.render import route_layers
from tests.road_builders import grid_network, grid_stops, lonlat

EVIL = '<script>alert("x")</script> & Co'


@pytest.fixture(scope="module")
def plan() -> field_plan.RoutePlan:
    network = grid_network(11)
    stops = grid_stops([(1, 0, 12), (3, 2, 5), (0, 4, 8), (8, 8, 20), (6, 1, 9), (40, 40, 3),
                        (12, 5, 4)],
                       names=["Demangan", EVIL, "Kotabaru", "Klitren", "Baciro", "Jauh",
                              "Luar"])
    settings = field_plan.RouteSettings(teams=2, hours=3.0, days=2, time_limit_s=0.5)
    return solver.solve_routes(network, stops, settings, start=lonlat(5, 5),
                               office_id="K1", office_name="Kantor <Uji>", is_demo=True)


@pytest.fixture(scope="module")
def written(plan, tmp_path_factory):
    out = tmp_path_factory.mktemp("rute")
    return out, walksheets.write_route_outputs(plan, out)


def _team_with(plan: field_plan.RoutePlan, village: str) -> field_plan.TeamRoute:
    return next(route for route in plan.routes if village in set(route.stops["village"]))


def test_walk_sheet_lists_the_stops_in_order_with_indonesian_headers(plan):
    for route in plan.routes:
        if route.stops.empty:
            continue
        sheet = walksheets.walk_sheet(route)
        note = ["Keterangan jarak"] if route.is_estimated else []
        assert list(sheet.columns) == [
            "Urutan", "Kode titik", "Kalurahan", "Kapanewon", "Rumah tangga dikunjungi",
            "Perkiraan tiba (menit dari mulai)", "Jarak dari titik sebelumnya (km)", *note,
            "Lintang", "Bujur", "Tautan Google Maps", *outcome_headers("id")]
        assert (sheet[outcome_headers("id")] == "").all().all()  # filled in on paper
        assert list(sheet["Urutan"]) == list(range(1, len(route.stops) + 1))
        assert list(sheet["Kalurahan"]) == list(route.stops["village"])
        assert sheet["Perkiraan tiba (menit dari mulai)"].is_monotonic_increasing
        first = sheet.iloc[0]
        assert first["Tautan Google Maps"] == (
            "https://www.google.com/maps/search/?api=1&query="
            f"{first['Lintang']:.6f},{first['Bujur']:.6f}")


def test_walk_sheet_in_english(plan):
    sheet = walksheets.walk_sheet(plan.routes[0], lang="en")
    assert sheet.columns[0] == "Order"
    assert "Households to visit" in sheet.columns


def test_csv_and_xlsx_hold_the_same_rows(plan, written):
    out, _files = written
    route = _team_with(plan, "Demangan")
    expected = walksheets.walk_sheet(route)
    stem = f"hari_{route.day}_tim_{route.team:02d}_lembar_kunjungan"
    csv = pd.read_csv(out / f"{stem}.csv", encoding="utf-8-sig", dtype={"Kode titik": str})
    assert list(csv.columns) == list(expected.columns)
    assert list(csv["Kalurahan"]) == list(expected["Kalurahan"])
    assert csv["Rumah tangga dikunjungi"].tolist() == expected["Rumah tangga dikunjungi"].tolist()
    book = load_workbook(out / f"{stem}.xlsx")
    sheet = book.worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == list(expected.columns)
    assert [row[2] for row in rows[1:]] == list(expected["Kalurahan"])
    link = sheet.cell(row=2, column=list(expected.columns).index("Tautan Google Maps") + 1)
    assert link.hyperlink.target == expected["Tautan Google Maps"].iloc[0]
    info = {row[0]: row[1] for row in book.worksheets[1].iter_rows(values_only=True)}
    assert info["DEMO"].startswith("DEMO")


def test_html_escapes_names_and_loads_nothing_from_elsewhere(plan, written):
    out, _files = written
    route = _team_with(plan, EVIL)
    page = (out / f"hari_{route.day}_tim_{route.team:02d}_lembar_kunjungan.html").read_text(
        encoding="utf-8")
    assert "<script" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co" in page
    assert "Kantor &lt;Uji&gt;" in page
    assert not re.search(r"\b(src|srcset)\s*=", page)
    assert "<link" not in page
    assert "@import" not in page
    links = re.findall(r'href="([^"]+)"', page)
    assert links
    assert all(link.startswith("https://www.google.com/maps/search/?api=1&amp;query=")
               for link in links)
    assert "@media print" in page
    assert "DEMO" in page
    assert page.count("<tr>") == 2  # the header and the way back
    assert page.count("<tr class='stop'>") == len(route.stops)
    assert page.count("<tr class='outcome'>") == len(route.stops)  # boxes to fill in


def test_gpx_has_the_road_track_and_a_waypoint_per_stop(plan, written):
    out, _files = written
    for route in plan.routes:
        if route.stops.empty:
            continue
        gpx = gpxpy.parse((out / f"hari_{route.day}_tim_{route.team:02d}_rute.gpx").read_text(
            encoding="utf-8"))
        assert len(gpx.waypoints) == len(route.stops) + 1  # and the start
        assert gpx.waypoints[0].name.startswith("Mulai")
        names = [w.name for w in gpx.waypoints[1:]]
        assert names == [f"{k:02d} {v}" for k, v in zip(route.stops["order"],
                                                        route.stops["village"], strict=True)]
        assert len(gpx.tracks) == 1
        assert len(gpx.tracks[0].segments) == 1
        points = gpx.tracks[0].segments[0].points
        assert len(points) >= 2
        first = shapely.Point(points[0].longitude, points[0].latitude)
        assert first.distance(plan.start) < 1e-6
        # The track passes every stop's road point.
        track = shapely.LineString([(p.longitude, p.latitude) for p in points])
        for lat, lon in zip(route.stops["lat"], route.stops["lon"], strict=True):
            assert track.distance(shapely.Point(lon, lat)) < 1e-5
        assert gpx.copyright_license == "https://www.openstreetmap.org/copyright" or \
            not plan.attribution


@pytest.mark.skipif(shutil.which("gpsbabel") is None, reason="gpsbabel is not installed")
def test_gpx_validates_with_gpsbabel(written):
    out, _files = written
    for path in sorted(out.glob("*.gpx")):
        command = ["gpsbabel", "-i", "gpx", "-f", str(path), "-o", "gpx", "-F", "/dev/null"]
        run = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
        assert run.returncode == 0, run.stderr


def test_every_output_is_written_with_summary_unserved_and_manifest(plan, written):
    out, files = written
    teams_with_stops = [route.team for route in plan.routes if not route.stops.empty]
    assert len(files) == 4 * len(teams_with_stops) + 4
    assert {p.name for p in files} == {p.name for p in out.iterdir()}
    summary = pd.read_csv(out / "ringkasan_tim.csv", encoding="utf-8-sig")
    assert list(summary["Tim"]) == [route.team for route in plan.routes]
    assert list(summary["Hari ke-"]) == [route.day for route in plan.routes]
    assert (summary["Total waktu (menit)"] <= summary["Anggaran waktu (menit)"]).all()
    week = pd.read_csv(out / "ringkasan_minggu.csv", encoding="utf-8-sig")
    assert list(week["Hari ke-"]) == ["1", "2", "Total"]
    assert week["Rumah tangga dikunjungi"].iloc[-1] == plan.households
    unserved = pd.read_csv(out / "titik_tidak_terlayani.csv", encoding="utf-8-sig")
    assert "Jauh" in set(unserved["Kalurahan"])
    assert field_plan.UNSERVED_REASONS["too_long"]["id"] in set(unserved["Alasan"])
    manifest = json.loads((out / "rute.json").read_text(encoding="utf-8"))
    assert manifest["data_label"] == "DEMO"
    assert manifest["settings"]["teams"] == 2
    assert manifest["settings"]["days"] == 2
    assert manifest["estimated_legs"]["detour_factor"] == plan.detour_factor
    assert [day["day"] for day in manifest["days"]] == [1, 2]
    assert manifest["totals"]["households_visited"] == plan.households
    assert not list(out.glob(".*"))


def test_writing_into_a_file_is_refused(plan, tmp_path):
    blocker = tmp_path / "rute"
    blocker.write_text("x", encoding="utf-8")
    with pytest.raises(OutputError, match="is a file"):
        walksheets.write_route_outputs(plan, blocker)


def test_route_layers_draw_each_team_in_its_own_colour_without_icon_fonts(plan):
    groups = route_layers.route_layers(plan)
    teams = [route for route in plan.routes if not route.stops.empty]
    assert len(groups) == len(teams) + 1  # and the stops not served
    assert [group.show for group in groups[:-1]] == [route.day == 1 for route in teams]
    day_two = [route for route in plan.day_routes(2) if not route.stops.empty]
    assert len(route_layers.route_layers(plan, day=2)) == len(day_two) + 1
    fmap = folium.Map(location=[plan.start.y, plan.start.x], zoom_start=15)
    for group in groups:
        group.add_to(fmap)
    page = fmap.get_root().render()
    for route in teams:
        colour, _dash = route_layers.team_style(route.team)
        assert colour in page
    assert "L.AwesomeMarkers.icon" not in page
    assert page.count("geo-outreach-stop-number") == sum(len(r.stops) for r in teams)
    assert '<script>alert("x")' not in page


def test_team_colours_are_distinct_and_repeat_with_dashes():
    styles = [route_layers.team_style(team) for team in range(1, 17)]
    assert len({colour for colour, _ in styles[:8]}) == 8
    assert styles[8][0] == styles[0][0]
    assert styles[8][1] != styles[0][1]


def test_catchment_layer_has_one_polygon_per_office():
    import geopandas as gpd  # noqa: PLC0415

    catchments = gpd.GeoDataFrame({"office_id": ["K1", "K2"], "name": ["A <b>", "B"],
                                   "radius_km": [5.0, 5.0]},
                                  geometry=[shapely.box(110.3, -7.8, 110.31, -7.79),
                                            shapely.box(110.4, -7.8, 110.41, -7.79)],
                                  crs="EPSG:4326")
    group = route_layers.road_catchment_layer(catchments, lang="en")
    assert group.layer_name == "5 km along roads"
    assert len(group._children) == 2
    fmap = folium.Map(location=[-7.8, 110.35])
    group.add_to(fmap)
    page = fmap.get_root().render()
    assert "A &lt;b&gt;" in page


def test_estimated_legs_are_labelled_on_every_sheet(plan, written):
    out, _files = written
    route = _team_with(plan, "Luar")
    assert route.is_estimated
    sheet = walksheets.walk_sheet(route)
    marked = sheet.set_index("Kalurahan")["Keterangan jarak"]
    assert marked["Luar"] == "perkiraan, tanpa jaringan jalan"
    stem = f"hari_{route.day}_tim_{route.team:02d}"
    page = (out / f"{stem}_lembar_kunjungan.html").read_text(encoding="utf-8")
    assert "(perkiraan, tanpa jaringan jalan)</title>" in page
    assert "garis lurus × 1,29" in page
    gpx = gpxpy.parse((out / f"{stem}_rute.gpx").read_text(encoding="utf-8"))
    assert "perkiraan, tanpa jaringan jalan" in gpx.description
    book = load_workbook(out / f"{stem}_lembar_kunjungan.xlsx")
    info = {row[0]: row[1] for row in book.worksheets[1].iter_rows(values_only=True)}
    assert "OpenStreetMap" in info["Jarak perkiraan"]
    others = [r for r in plan.routes if not r.stops.empty and not r.is_estimated]
    assert others, "the grid's own stops are measured by road"
