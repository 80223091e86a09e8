"""Canvassing routes: stops, the time budget, dropped stops, and the routes command."""

from __future__ import annotations

import argparse

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from geo_outreach._errors import GeoOutreachError, InputError
from geo_outreach.analysis.pipeline import run_analysis
from geo_outreach.cli.routes import add_routes_command, run_routes
from geo_outreach.field import plan as field_plan
from geo_outreach.field import routes, solver, vrp
from geo_outreach.field import stops as field_stops
from geo_outreach.field.stop_files import read_stops
from geo_outreach.field.visit_stops import split_stops
from geo_outreach.roads import graph as road_graph
from geo_outreach.roads import model
from geo_outreach.roads import networks as roads
from tests.road_builders import STEP, UTM, grid_network, grid_stops, lonlat

WALK_MPS = 4.5 / 3.6


@pytest.fixture(scope="module")
def grid() -> model.RoadNetwork:
    return grid_network(11)


@pytest.fixture(scope="module")
def kota() -> model.RoadNetwork:
    return roads.bundled_network()


@pytest.fixture(scope="module")
def bundled_result():
    return run_analysis()


def _many_stops(count: int, seed: int = 1) -> gpd.GeoDataFrame:
    rng = np.random.default_rng(seed)
    cells = [(float(i), float(j), int(h)) for i, j, h in zip(
        rng.uniform(0, 10, count), rng.integers(0, 11, count), rng.integers(1, 30, count),
        strict=True)]
    return grid_stops(cells)


def _check_plan(plan: field_plan.RoutePlan, stops: gpd.GeoDataFrame) -> None:
    """Every team within budget, no stop twice, every household either served or listed.

    A stop the teams visit only in part is split in two: ``<id>/1`` visited, ``<id>/2``
    left over; their households add up to the stop's."""
    budget = plan.settings.hours * 60
    visited = pd.concat([route.stops for route in plan.routes])
    served = list(visited["stop_id"])
    assert len(served) == len(set(served))
    assert set(served).isdisjoint(plan.unserved["stop_id"])
    parts = pd.concat([visited[["stop_id", "households"]],
                       plan.unserved[["stop_id", "households_visit"]].rename(
                           columns={"households_visit": "households"})])
    parts["original"] = parts["stop_id"].str.replace(r"/[12]$", "", regex=True)
    wanted = stops.loc[stops["households"] > 0].set_index("stop_id")["households"]
    conserved = parts.groupby("original")["households"].sum()
    assert conserved.sort_index().to_dict() == wanted.sort_index().to_dict()
    for route in plan.routes:
        assert route.total_min <= budget + 1e-9
        assert route.total_min == pytest.approx(route.travel_min + route.service_min)
        assert route.households == route.stops["households_visit"].sum()
        assert list(route.stops["order"]) == list(range(1, len(route.stops) + 1))


def test_routes_respect_the_budget_and_list_what_does_not_fit(grid):
    stops = _many_stops(40)
    settings = field_plan.RouteSettings(teams=3, hours=2.0, days=1, time_limit_s=1.0)
    plan = solver.solve_routes(grid, stops, settings, start=lonlat(5, 5))
    _check_plan(plan, stops)
    assert len(plan.unserved) > 0
    assert "no_time" in set(plan.unserved["reason"])
    assert set(plan.unserved["reason"]) <= {"no_time", "too_long"}
    assert plan.households > 0
    assert plan.solver_status  # the solver says how it ended (SOLVED, ROUTING_SUCCESS ...)
    # The dropped stops are the small ones, as far as the budget allows: the served
    # households are at least those of the biggest stops that fit one team's day alone.
    assert plan.households >= plan.unserved["households_visit"].max()


def test_arrival_times_and_legs_follow_the_road_distances(grid):
    stops = grid_stops([(1, 0, 10), (3, 2, 5), (0, 4, 8)])
    settings = field_plan.RouteSettings(teams=1, hours=8.0, minutes_per_household=2.0,
                                        days=1, time_limit_s=0.5)
    plan = solver.solve_routes(grid, stops, settings, start=lonlat(0, 0))
    route = plan.routes[0]
    assert len(route.stops) == 3
    points = gpd.GeoSeries(gpd.points_from_xy(route.stops["lon"], route.stops["lat"]),
                           crs="EPSG:4326").to_crs(UTM)
    xy = np.vstack([shapely.get_coordinates(
        gpd.GeoSeries([lonlat(0, 0)], crs="EPSG:4326").to_crs(UTM).to_numpy()),
        shapely.get_coordinates(points.to_numpy())])
    distance = road_graph.road_distances(grid, xy, xy)
    legs = [distance[k, k + 1] for k in range(3)]
    assert route.stops["leg_km"].to_numpy() * 1000 == pytest.approx(legs, abs=0.5)
    expected_arrival = []
    clock = 0.0
    for leg, households in zip(legs, route.stops["households_visit"], strict=True):
        clock += leg / WALK_MPS / 60
        expected_arrival.append(clock)
        clock += households * 2.0
    assert route.stops["arrival_min"].to_numpy() == pytest.approx(expected_arrival, abs=0.05)
    assert route.service_min == pytest.approx(23 * 2.0)


def test_one_team_tours_a_block_the_short_way(grid):
    stops = grid_stops([(1, 0, 1), (1, 1, 1), (0, 1, 1)])
    plan = solver.solve_routes(grid, stops, field_plan.RouteSettings(
        teams=1, days=1, time_limit_s=0.5), start=lonlat(0, 0))
    # Stops sit 7 m off the road; the route runs between their road points: 4 blocks.
    assert plan.routes[0].distance_km == pytest.approx(4 * STEP / 1000, abs=0.03)
    assert list(plan.routes[0].stops["stop_id"]) in (["S01", "S02", "S03"],
                                                     ["S03", "S02", "S01"])
    path = plan.routes[0].path
    assert path is not None
    assert shapely.Point(path.coords[0]).distance(lonlat(0, 0)) < 1e-6


def test_motorbikes_keep_one_way_rules_walkers_do_not():
    grid = grid_network(3)  # the street from (0, 0) east to (1, 0) is one-way
    stops = grid_stops([(0.5, 0, 1)])  # on the one-way street
    walk = solver.solve_routes(grid, stops, field_plan.RouteSettings(
        teams=1, days=1, time_limit_s=0.3), start=lonlat(1, 0))
    ride = solver.solve_routes(grid, stops, field_plan.RouteSettings(
        teams=1, days=1, mode="motorbike", time_limit_s=0.3), start=lonlat(1, 0))
    assert walk.routes[0].distance_km == pytest.approx(2 * 0.5 * STEP / 1000, abs=0.02)
    # Back round the block to (0, 0), then along the one-way street to the stop and on.
    assert ride.routes[0].distance_km == pytest.approx((3 + 0.5 + 0.5) * STEP / 1000, abs=0.02)


def test_stops_that_cannot_be_served_say_why(grid):
    stops = grid_stops([(1, 1, 5), (2, 2, 500), (14, 14, 5)])
    settings = field_plan.RouteSettings(teams=2, hours=3.0, days=1, time_limit_s=0.3)
    plan = solver.solve_routes(grid, stops, settings, start=lonlat(5, 5))
    reasons = plan.unserved.set_index("stop_id")["reason"]
    assert reasons["S02"] == "too_long"  # 500 households × 3 min > 3 h
    assert "S01" not in reasons.index
    # S03 lies beyond the network: served on an estimated leg, labelled as such.
    served = pd.concat([route.stops for route in plan.routes])
    assert served.set_index("stop_id").loc["S03", "leg_estimated"]
    assert plan.has_estimates
    _check_plan(plan, stops)


def test_a_week_serves_no_stop_twice_and_puts_the_urgent_stops_first(grid):
    stops = _many_stops(60, seed=3)
    stops["priority"] = np.arange(1, len(stops) + 1)
    settings = field_plan.RouteSettings(teams=2, hours=2.0, days=4, time_limit_s=1.0)
    plan = solver.solve_routes(grid, stops, settings, start=lonlat(5, 5))
    _check_plan(plan, stops)
    assert {route.day for route in plan.routes} == {1, 2, 3, 4}
    assert len(plan.routes) == 2 * 4
    by_day = [pd.concat([route.stops for route in plan.day_routes(day)])["priority"].mean()
              for day in range(1, 5) if any(len(r.stops) for r in plan.day_routes(day))]
    assert by_day == sorted(by_day)  # the most urgent stops go out first
    week = plan.week_summary()
    assert week["households"].sum() == plan.households
    assert (week["total_min"] <= week["budget_min"] + 1e-6).all()


def test_a_start_off_the_network_is_planned_on_estimates(grid):
    plan = solver.solve_routes(grid, grid_stops([(1, 1, 3), (2, 1, 3)]),
                               field_plan.RouteSettings(days=1, time_limit_s=0.3),
                               start=lonlat(14, 5))
    route = plan.routes[0]
    assert len(route.stops) == 2
    assert route.stops["leg_estimated"].iloc[0]  # from the office: no road
    assert not route.stops["leg_estimated"].iloc[1]  # between the two stops: by road
    assert route.estimated_km > 0
    assert len(route.estimated_legs) == 2  # out and back


def test_a_separate_end_point_is_used(grid):
    stops = grid_stops([(5, 5, 3)])
    plan = solver.solve_routes(grid, stops, field_plan.RouteSettings(
        teams=1, days=1, time_limit_s=0.3), start=lonlat(0, 5), end=lonlat(10, 5))
    assert plan.routes[0].distance_km == pytest.approx(10 * STEP / 1000, abs=0.03)
    assert shapely.Point(plan.routes[0].path.coords[-1]).distance(lonlat(10, 5)) < 1e-6


def test_bad_settings_are_refused_with_every_problem():
    with pytest.raises(InputError, match=r"(?s)'teams'.*'hours'.*'mode'.*'days'") as caught:
        field_plan.RouteSettings(teams=0, hours=30, mode="bus", days=0)  # type: ignore[arg-type]
    assert len(caught.value.problems) == 4
    with pytest.raises(InputError, match="visit-minutes"):
        field_plan.RouteSettings(visit_minutes=1.0, minutes_per_household=3.0)
    settings = field_plan.RouteSettings(visit_minutes=90, minutes_per_household=4)
    assert settings.households_per_stop == 22
    short_day = field_plan.RouteSettings(hours=1.0)  # the default sitting fits the day
    assert short_day.sitting_minutes == 60
    assert short_day.households_per_stop == 20


def test_stop_tables_are_checked(grid):
    good = grid_stops([(1, 1, 3), (2, 2, 0)])
    prepared = field_stops.prepare_stops(good)
    assert list(prepared["stop_id"]) == ["S01"]  # nothing to do at S02
    assert list(prepared.columns[:5]) == ["stop_id", "label", "village", "district",
                                          "households"]
    bad = good.copy()
    bad["stop_id"] = ["A", "A"]
    bad["households"] = [-1, 2.5]
    with pytest.raises(InputError, match=r"(?s)row 2.*stop_id.*occurs more than once"
                                         r".*row 2.*households.*whole number"):
        field_stops.prepare_stops(bad, source="h3.gpkg")
    with pytest.raises(InputError, match=r"lacks required column.*households"):
        field_stops.prepare_stops(good.drop(columns="households"))


# --- on the bundled data -----------------------------------------------------------------


def test_village_stops_are_the_top_villages_inside_the_office_radius(bundled_result):
    stops = field_stops.village_stops(bundled_result, office_id="KC-YGY", top=10)
    assert len(stops) == 10
    assert stops.crs == "EPSG:4326"
    disc = bundled_result.discs.set_index("office_id").geometry["KC-YGY"]
    assert stops.geometry.within(disc).all()
    assert stops["households"].is_monotonic_decreasing
    chosen = field_stops.village_stops(bundled_result, office_id="KC-YGY",
                                       codes=["34.71.03.1005", "34.71.08.1001"])
    assert list(chosen["stop_id"]) == ["34.71.03.1005", "34.71.08.1001"]
    on_kota = field_stops.village_stops(bundled_result, office_id="KC-YGY", top=10,
                                        network=roads.bundled_network())
    in_city = on_kota["stop_id"].str.startswith("34.71")
    assert in_city.sum() == 10  # ten on the network ...
    ranked = field_stops.village_stops(bundled_result, office_id="KC-YGY", top=len(on_kota))
    assert list(ranked["stop_id"]) == list(on_kota["stop_id"])  # ... and those above them
    with pytest.raises(InputError, match=r"99.99.99.9999.*1 village code\(s\) not in"):
        field_stops.village_stops(bundled_result, office_id="KC-YGY", codes=["99.99.99.9999"])


def test_plan_routes_on_the_bundled_city(bundled_result, kota):
    plan = routes.plan_routes(bundled_result, kota, office_id="KC-YGY", teams=3, hours=5,
                              mode="walk", days=2, top=20, visit_minutes=60,
                              time_limit_s=1.0)
    assert plan.is_demo
    assert plan.office_name == "KC Yogyakarta"
    assert "OpenStreetMap" in plan.attribution
    assert all(len(route.stops) > 0 for route in plan.routes)
    for route in plan.routes:
        assert (route.stops["households"] <= 20).all()  # 60 min / 3 min a household
        assert route.total_min <= 5 * 60 + 1e-6
    served = [stop for route in plan.routes for stop in route.stops["stop_id"]]
    assert len(served) == len(set(served))
    assert set(served).isdisjoint(plan.unserved["stop_id"])
    assert set(plan.unserved["reason"]) <= {"no_time", "too_long"}


@pytest.mark.parametrize("office_id", ["KC-YGY", "PH-SLEMAN", "PH-BANTUL", "PH-WONOSARI",
                                       "PH-WATES"])
def test_every_bundled_office_can_plan(bundled_result, kota, office_id):
    plan = routes.plan_routes(bundled_result, kota, office_id=office_id, teams=2, hours=6,
                              mode="motorbike", days=2, top=10, time_limit_s=0.5)
    assert plan.households > 0
    assert all(route.total_min <= 6 * 60 + 1e-6 for route in plan.routes)
    if office_id != "KC-YGY":  # beyond the city's roads: every leg is an estimate
        assert plan.has_estimates
        assert all(route.stops["leg_estimated"].all() for route in plan.routes)


def test_unknown_offices_are_refused(bundled_result, kota):
    with pytest.raises(InputError, match=r"unknown office.*KC-YGY"):
        routes.plan_routes(bundled_result, kota, office_id="KC-XXX", teams=1, hours=4,
                           mode="walk")


# --- the routes command -------------------------------------------------------------------


def _parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="geo-outreach")
    commands = parser.add_subparsers(dest="command", required=True)
    add_routes_command(commands)
    return parser.parse_args(argv)


def test_routes_command_writes_the_outputs(tmp_path, capsys):
    args = _parse(["routes", "--office", "KC-YGY", "--teams", "2", "--hours", "4",
                   "--mode", "motorbike", "--top", "12", "--days", "3", "--time-limit", "0.5",
                   "--roads", "bundled", "--out", str(tmp_path)])
    assert run_routes(args) == 0
    printed = capsys.readouterr().out
    assert "day 1 team 1:" in printed
    assert "day 3 team 2:" in printed
    assert "OpenStreetMap" in printed
    assert (tmp_path / "ringkasan_tim.csv").is_file()
    assert (tmp_path / "ringkasan_minggu.csv").is_file()
    route_page = (tmp_path / "peta_rute.html").read_text(encoding="utf-8")
    assert "OpenStreetMap contributors" in route_page  # the roads the routes run on
    for day in (1, 2, 3):
        assert (tmp_path / f"hari_{day}_tim_01_rute.gpx").is_file()
        assert (tmp_path / f"hari_{day}_tim_01_lembar_kunjungan.xlsx").is_file()


def test_routes_command_takes_a_users_stops_and_villages(tmp_path, bundled_result):
    stops = field_stops.village_stops(bundled_result, office_id="KC-YGY", top=60)
    stops = stops[stops["stop_id"].str.startswith("34.71")].head(4)  # in the city
    table = pd.DataFrame({"stop_id": ["h3-a", "h3-b", "h3-c", "h3-d"],
                          "label": ["sel a", "sel b", "sel c", "sel d"],
                          "village": stops["village"], "households": [5, 6, 7, 8],
                          "lat": stops.geometry.y, "lon": stops.geometry.x})
    path = tmp_path / "sel_h3.csv"
    table.to_csv(path, index=False)
    assert list(read_stops(path)["stop_id"]) == ["h3-a", "h3-b", "h3-c", "h3-d"]
    args = _parse(["routes", "--office", "KC-YGY", "--stops", str(path), "--teams", "1",
                   "--days", "1", "--time-limit", "0.3", "--out", str(tmp_path / "out")])
    assert run_routes(args) == 0
    sheet = pd.read_csv(tmp_path / "out" / "hari_1_tim_01_lembar_kunjungan.csv",
                        encoding="utf-8-sig")
    assert set(sheet["Kode titik"]) <= {"h3-a", "h3-b", "h3-c", "h3-d"}
    args = _parse(["routes", "--office", "KC-YGY", "--villages", "34.71.03.1005",
                   "--teams", "1", "--days", "1", "--time-limit", "0.3",
                   "--out", str(tmp_path / "desa")])
    assert run_routes(args) == 0
    sheet = pd.read_csv(tmp_path / "desa" / "hari_1_tim_01_lembar_kunjungan.csv",
                        encoding="utf-8-sig", dtype=str)
    assert len(sheet) > 0
    assert all(code.startswith("34.71.03.1005") for code in sheet["Kode titik"])


def test_routes_command_errors_are_geo_outreach_errors(tmp_path):
    args = _parse(["routes", "--office", "NOPE", "--out", str(tmp_path)])
    with pytest.raises(GeoOutreachError, match="unknown office"):
        run_routes(args)
    args = _parse(["routes", "--office", "KC-YGY", "--roads", str(tmp_path / "none.osm"),
                   "--out", str(tmp_path)])
    with pytest.raises(GeoOutreachError, match="road file not found"):
        run_routes(args)


def test_routes_command_downloads_the_office_area_when_asked(tmp_path, monkeypatch, kota):
    asked = []

    def fake_download(area, **kwargs):
        asked.append(area)
        return kota

    monkeypatch.setattr(roads, "download_network", fake_download)
    args = _parse(["routes", "--office", "KC-YGY", "--download-roads", "--teams", "1",
                   "--days", "1", "--top", "3", "--time-limit", "0.2", "--out", str(tmp_path)])
    assert run_routes(args) == 0
    office = shapely.Point(110.38344, -7.78305)
    assert asked[0].contains(office)
    # The radius (5 km) plus the margin, in degrees near the equator: about 6.5 km.
    assert asked[0].distance(office) == 0
    assert 0.05 < asked[0].bounds[2] - office.x < 0.07


def test_a_stops_csv_problem_names_the_row_the_user_sees(tmp_path):
    path = tmp_path / "titik.csv"
    path.write_text("Titik kunjungan minggu ini\n\n"
                    "stop_id,label,village,households,lat,lon\n"
                    "a,A,Demangan,5,-7.78,110.38\n"
                    "b,B,Kotabaru,lima,-7.79,110.37\n", encoding="utf-8")
    with pytest.raises(InputError, match="households must be a whole number") as caught:
        read_stops(path)
    assert [p.row for p in caught.value.problems] == [5]


def test_the_time_left_in_a_day_goes_to_part_of_a_stop(grid):
    stops = grid_stops([(2, 5, 30), (8, 5, 30)])  # 90 min of visits each
    settings = field_plan.RouteSettings(teams=1, hours=2.5, days=1, time_limit_s=0.3)
    plan = solver.solve_routes(grid, stops, settings, start=lonlat(5, 5))
    _check_plan(plan, stops)
    route = plan.routes[0]
    assert len(route.stops) == 2
    part = route.stops[route.stops["stop_id"].str.endswith("/1")]
    assert len(part) == 1
    assert 0 < part["households"].iloc[0] < 30
    assert list(plan.unserved["stop_id"]) == [part["stop_id"].iloc[0][:-2] + "/2"]
    assert settings.hours * 60 - route.total_min < settings.minutes_per_household + 1e-6


@settings(max_examples=12, deadline=None, derandomize=True, database=None)
@given(count=st.integers(1, 25), teams=st.integers(1, 3), days=st.integers(1, 4),
       hours=st.floats(0.5, 4.0), visit=st.integers(5, 60), seed=st.integers(0, 10_000))
def test_any_week_keeps_every_rule(*, count, teams, days, hours, visit, seed):
    """Whatever the stops and teams: within budget, no stop twice, households conserved,
    no visit longer than the planner allowed."""
    grid = grid_network(11)
    stops = split_stops(_many_stops(count, seed=seed), max(1, visit // 3))
    settings_ = field_plan.RouteSettings(teams=teams, hours=hours, days=days,
                                         visit_minutes=min(visit, hours * 60),
                                         time_limit_s=0.1)
    plan = solver.solve_routes(grid, stops, settings_, start=lonlat(5, 5))
    _check_plan(plan, stops)
    for route in plan.routes:
        assert (route.stops["service_min"] <= visit + 1e-9).all()


@pytest.mark.parametrize("solver_name", sorted(vrp.SOLVERS))
def test_every_solver_makes_a_plan_that_keeps_the_rules(grid, solver_name):
    pytest.importorskip({"ortools": "ortools", "pyvrp": "pyvrp",
                         "vroom": "vroom"}[solver_name])
    stops = _many_stops(30, seed=5)
    settings_ = field_plan.RouteSettings(teams=2, hours=2.0, days=2, time_limit_s=0.5,
                                         solver=solver_name)
    plan = solver.solve_routes(grid, stops, settings_, start=lonlat(5, 5))
    _check_plan(plan, stops)
    assert plan.solver == solver_name
    assert plan.households > 0
    with pytest.raises(InputError, match="unknown routing solver"):
        field_plan.RouteSettings(solver="lkh")


def test_a_day_shorter_than_a_stop_still_visits_part_of_it(grid):
    stops = grid_stops([(6, 5, 40)])  # 120 min of visits, one block away
    settings_ = field_plan.RouteSettings(teams=1, hours=1.0, days=2, visit_minutes=60,
                                         time_limit_s=0.3)
    plan = solver.solve_routes(grid, split_stops(stops, 20), settings_, start=lonlat(5, 5))
    assert plan.households > 0
    assert all(route.total_min <= 60 + 1e-9 for route in plan.routes)
    assert field_plan.RouteSettings(hours=1.0).households_per_stop == 20
