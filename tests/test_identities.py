"""
The identities every figure keeps, on random inputs and on the bundled data.

At every level (village, office, kapanewon, kabupaten, whole area):
uncovered = denominator − participants (clipped at 0, the clipping counted);
inside ≤ total; the offices' pieces add up to the total inside the radius;
road reach ⊆ straight-line reach for the same households and network;
suppressed cells count in the totals and are only hidden in what is shown.
"""

from __future__ import annotations

import dataclasses
import math

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geo_outreach.analysis.headline import headline, office_headlines
from geo_outreach.analysis.household_reach import households_from_table
from geo_outreach.analysis.pipeline import analyse
from geo_outreach.config import AnalysisParams
from geo_outreach.privacy import shareable
from geo_outreach.roads.assemble import network_from_graph
from geo_outreach.roads.reach import road_reach, with_road_reach
from tests.builders import ORIGIN_X, ORIGIN_Y, UTM, grid_villages, offices_at, prepared

TOLERANCE = 1e-6
COLUMNS, ROWS, SIZE_M = 4, 3, 4_000.0
"""The random inputs' villages: tests/builders.py's 4 × 3 grid of 4 km squares."""


def street_grid(step_m: float, *, columns: int, rows: int) -> nx.MultiDiGraph:
    """Streets every ``step_m`` over part of the villages, both ways, osmnx-style."""
    graph = nx.MultiDiGraph(crs=UTM)
    for i in range(columns):
        for j in range(rows):
            graph.add_node(i * 1000 + j, x=ORIGIN_X + i * step_m, y=ORIGIN_Y + j * step_m)
    for i in range(columns):
        for j in range(rows):
            for di, dj in ((1, 0), (0, 1)):
                if i + di < columns and j + dj < rows:
                    a, b = i * 1000 + j, (i + di) * 1000 + j + dj
                    graph.add_edge(a, b, length=step_m, highway="residential")
                    graph.add_edge(b, a, length=step_m, highway="residential")
    return graph


@st.composite
def scenarios(draw: st.DrawFn) -> dict[str, object]:
    """Villages with random counts (some over-covered), offices, households, a radius."""
    count = COLUMNS * ROWS
    labour = draw(st.lists(st.integers(0, 5_000), min_size=count, max_size=count))
    participants = [draw(st.integers(0, int(lf * 1.3) + 5)) for lf in labour]
    offices = draw(st.lists(st.tuples(st.floats(-2_000, COLUMNS * SIZE_M + 2_000),
                                      st.floats(-2_000, ROWS * SIZE_M + 2_000)),
                            min_size=1, max_size=3))
    households = draw(st.lists(st.tuples(
        st.floats(10, COLUMNS * SIZE_M - 10), st.floats(10, ROWS * SIZE_M - 10),
        st.integers(0, 5), st.integers(0, 5)), max_size=120))
    return {"labour": labour, "participants": participants, "offices": offices,
            "households": households, "radius_km": draw(st.floats(0.5, 12.0)),
            "k": draw(st.integers(1, 12)),
            "step_m": draw(st.sampled_from([400.0, 800.0, 1_500.0])),
            "streets": draw(st.tuples(st.integers(2, 14), st.integers(2, 10)))}


def build(scenario: dict[str, object]):
    """Analyse a scenario with household points and a road network."""
    villages = grid_villages(COLUMNS, ROWS)
    table = pd.DataFrame({"code": villages["code"],
                          "labour_force": [float(v) for v in scenario["labour"]],
                          "employed": [float(v) * 0.9 for v in scenario["labour"]],
                          "participants": [float(v) for v in scenario["participants"]]})
    inputs = prepared(villages, table, offices_at(scenario["offices"]))
    points = pd.DataFrame(scenario["households"], columns=["x", "y", "workers", "registered"])
    points["registered"] = np.minimum(points["registered"], points["workers"])
    lonlat = pd.DataFrame({"x": ORIGIN_X + points["x"], "y": ORIGIN_Y + points["y"]})
    import geopandas as gpd  # noqa: PLC0415

    geometry = gpd.GeoSeries(gpd.points_from_xy(lonlat["x"], lonlat["y"]), crs=UTM)
    geometry = geometry.to_crs("EPSG:4326")
    register = pd.DataFrame({"id": [f"RT{i}" for i in range(len(points))],
                             "lat": geometry.y, "lon": geometry.x,
                             "workers": points["workers"], "registered": points["registered"]})
    from geo_outreach.analysis.households import HouseholdParams  # noqa: PLC0415

    households = households_from_table(inputs, register, name="random households",
                                       params=HouseholdParams(
                                           min_cell_households=scenario["k"]))
    params = AnalysisParams(radius_km=scenario["radius_km"])
    straight = analyse(inputs, params, households=households)
    columns, rows = scenario["streets"]
    network = network_from_graph(street_grid(scenario["step_m"], columns=columns, rows=rows),
                                 source="grid", attribution="")
    return straight, with_road_reach(straight, road_reach(straight, network,
                                                          households=households))


def check_identities(result) -> None:
    """Every identity of the module docstring, at every level."""
    villages = result.villages
    data = villages[villages["has_data"]]
    denominator, participants = data["denominator_value"], data["participants"]
    assert np.allclose(data["uncovered"], np.maximum(denominator - participants, 0))
    whole = headline(result)
    assert whole.table.clipped_villages == int((participants > denominator).sum())
    # inside ≤ total, for every village and every grouping of villages
    assert (villages["uncovered_within_radius"] <= villages["uncovered"] + TOLERANCE).all()
    for level in ("district", "regency"):
        grouped = villages.groupby(level)[["uncovered_within_radius", "uncovered"]].sum()
        assert (grouped["uncovered_within_radius"] <= grouped["uncovered"] + TOLERANCE).all()
    # the offices' pieces add up to the total inside the radius, for any kabupaten too
    for regency in (None, *sorted(villages["regency"].unique())):
        scope = headline(result, regency=regency)
        per_office = office_headlines(result, regency=regency)
        assert math.isclose(per_office["uncovered_within_radius"].sum(),
                            scope.table.uncovered_within_radius, rel_tol=1e-6, abs_tol=1e-6)
        assert scope.table.uncovered_within_radius <= scope.table.uncovered + TOLERANCE
        register = scope.register
        assert register is not None
        assert per_office["households_within_radius"].sum() == register.households_within_radius
        assert register.households_within_radius <= register.households
        assert (register.register_uncovered_workers_within_radius
                <= register.register_workers_within_radius <= register.register_workers)
    for office in result.offices["office_id"].astype(str):  # every office's scope too
        scope = headline(result, office_id=office)
        assert scope.table.uncovered_within_radius <= scope.table.uncovered + TOLERANCE
        register = scope.register
        assert register.households_within_radius <= register.households
        assert register.register_workers_within_radius <= register.register_workers
    assert math.isclose(result.offices["uncovered_within_radius"].sum(),
                        villages["uncovered_within_radius"].sum(), rel_tol=1e-6, abs_tol=1e-6)
    assert math.isclose(whole.table.uncovered_within_radius,
                        villages["uncovered_within_radius"].sum(), rel_tol=1e-6, abs_tol=1e-6)
    assert (result.offices["households_within_radius"].sum()
            == villages["households_within_radius"].sum())


def check_road_inside_straight(result) -> None:
    """Road reach ⊆ straight-line reach, village by village and in every total."""
    villages = result.villages
    measured = villages["share_within_road_radius"].notna()
    assert (villages.loc[measured, "share_within_road_radius"]
            <= villages.loc[measured, "share_within_radius"] + TOLERANCE).all()
    assert (villages.loc[measured, "uncovered_within_road_radius"]
            <= villages.loc[measured, "uncovered_within_radius"] + TOLERANCE).all()
    by_road = villages["households_within_road_radius"].astype("Float64")
    counted = by_road.notna().to_numpy(dtype=bool)
    assert (by_road[counted] <= villages.loc[counted, "households_within_radius"]).all()
    whole = headline(result)
    assert whole.table.uncovered_within_road_radius <= (
        whole.table.uncovered_within_radius + TOLERANCE)
    register = whole.register
    assert register.households_within_road_radius <= register.households_within_radius
    assert (register.register_uncovered_workers_within_road_radius
            <= register.register_uncovered_workers_within_radius)
    # reached and not measured are apart, and they add up the same by village and by office
    assert (villages["households_within_road_radius"].fillna(0).sum()
            == result.offices["households_within_road_radius"].fillna(0).sum()
            == register.households_within_road_radius)
    assert (register.households_within_road_radius + register.households_road_not_measured
            <= register.households_within_radius)
    per_office = [headline(result, office_id=office).register
                  for office in result.offices["office_id"].astype(str)]
    assert sum(r.households_road_not_measured or 0 for r in per_office) == (
        register.households_road_not_measured)
    office_sum = result.offices["uncovered_within_road_radius"].sum()
    assert math.isclose(office_sum, villages["uncovered_within_road_radius"].sum(),
                        rel_tol=1e-6, abs_tol=1e-6)


def check_suppression_keeps_totals(result, k: int) -> None:
    """Shown tables hide small counts; the totals still count them."""
    shown = shareable(result.villages.drop(columns="geometry"), k)
    hidden = shown["households_within_radius"].isna()
    total = headline(result).register.households_within_radius
    assert total == result.villages["households_within_radius"].sum()
    assert shown["households_within_radius"].sum() + result.villages.loc[
        hidden.to_numpy(dtype=bool), "households_within_radius"].sum() == total
    small = result.villages["households_within_radius"].between(1, k - 1)
    assert hidden[small.to_numpy()].all()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios())
def test_identities_hold_on_random_inputs(scenario):
    straight, with_roads = build(scenario)
    check_identities(straight)
    check_identities(with_roads)
    check_road_inside_straight(with_roads)
    check_suppression_keeps_totals(straight, scenario["k"])


@pytest.fixture(scope="module")
def bundled_with_everything():
    from geo_outreach.analysis.household_reach import prepare_households  # noqa: PLC0415
    from geo_outreach.inputs.prepare import InputPaths, prepare_inputs  # noqa: PLC0415
    from geo_outreach.roads.networks import bundled_network  # noqa: PLC0415

    inputs = prepare_inputs(InputPaths())
    households = prepare_households(inputs, None)
    result = analyse(inputs, AnalysisParams(), households=households)
    return with_road_reach(result, road_reach(result, bundled_network(), households=households))


def test_identities_hold_on_the_bundled_data(bundled_with_everything):
    check_identities(bundled_with_everything)
    check_road_inside_straight(bundled_with_everything)
    check_suppression_keeps_totals(bundled_with_everything, 10)


def test_kricak_by_road_is_no_more_than_in_a_straight_line(bundled_with_everything):
    villages = bundled_with_everything.villages.set_index("name")
    kricak = villages.loc["Kricak"]
    assert kricak["reach_method"] == "household_points"
    assert kricak["uncovered_within_road_radius"] <= kricak["uncovered_within_radius"]


def test_household_points_place_the_table_not_replace_it(bundled_with_everything):
    """With points, the table's figure stays the table's (about 427,000, not 55,000)."""
    figures = headline(bundled_with_everything)
    assert figures.table.uncovered_within_radius == pytest.approx(427_673, rel=0.01)
    assert figures.register.register_uncovered_workers_within_radius < (
        figures.table.uncovered_within_radius)
    assert 0 < figures.register.completeness < 1


def test_villages_without_a_denominator_do_not_inflate_coverage_or_completeness():
    from geo_outreach.analysis.household_reach import prepare_households  # noqa: PLC0415
    from geo_outreach.inputs.prepare import InputPaths, prepare_inputs  # noqa: PLC0415

    inputs = prepare_inputs(InputPaths())
    full = analyse(inputs, AnalysisParams(), households=prepare_households(inputs, None))
    table = inputs.participation.copy()
    kota = table["code"].str.startswith("34.71")
    table.loc[kota & (table.index % 2 == 0), "labour_force"] = np.nan
    blank = dataclasses.replace(inputs, participation=table)
    result = analyse(blank, AnalysisParams(), households=prepare_households(blank, None))
    for scope in ({"regency": "Kota Yogyakarta"}, {"office_id": "KC-YGY"}, {}):
        figures, reference = headline(result, **scope), headline(full, **scope)
        assert 0 <= figures.table.coverage <= 1
        assert figures.table.coverage_within_radius == pytest.approx(
            reference.table.coverage_within_radius, abs=0.03)
        assert figures.register.completeness == pytest.approx(
            reference.register.completeness, abs=0.02)
    office = result.offices.set_index("office_id").loc["KC-YGY"]
    assert office["coverage_within_radius"] == pytest.approx(
        full.offices.set_index("office_id").loc["KC-YGY", "coverage_within_radius"], abs=0.03)


def test_an_office_off_the_road_network_is_not_measured_by_road(bundled_with_everything):
    off = bundled_with_everything.offices
    office = str(off.loc[~off["on_road_network"].astype(bool), "office_id"].iloc[0])
    figures = headline(bundled_with_everything, office_id=office)
    assert figures.table.uncovered_within_road_radius is None
    assert figures.register.households_within_road_radius is None


def test_shared_tables_hide_what_gives_back_a_small_count(bundled_with_everything):
    villages = bundled_with_everything.villages.drop(columns="geometry")
    shown = shareable(villages, 10)
    small = (villages["households_within_radius"].between(1, 9)
             & (villages["reach_method"] == "household_points")).to_numpy()
    assert small.any()
    for column in ("share_within_radius", "uncovered_within_radius",
                   "households_road_not_measured"):
        assert shown.loc[small, column].isna().all(), column
