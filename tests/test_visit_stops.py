"""Stops a team can visit in one sitting: households kept, stops small enough, in the village."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from geo_outreach._errors import InputError
from geo_outreach.field import stops as field_stops
from geo_outreach.field.stop_files import read_stops
from geo_outreach.field.visit_stops import PLACED_BY, apportion, split_stops, visit_stops

OFFICE = "KC-YGY"
CATURTUNGGAL, TERBAN = "34.04.07.2001", "34.71.03.1005"


def check_stops(stops: gpd.GeoDataFrame, cap: int) -> None:
    """No stop too big or empty, ids unique, priority 1..n, parts 1..parts per village."""
    assert stops.crs == "EPSG:4326"
    assert (stops["households"] >= 1).all()
    assert (stops["households"] <= cap).all()
    assert stops["stop_id"].is_unique
    assert list(stops["priority"]) == list(range(1, len(stops) + 1))
    assert set(stops["placed_by"]) <= set(PLACED_BY)
    for _, village in stops.groupby("code"):
        assert list(village["part"]) == list(range(1, len(village) + 1))
        assert (village["parts"] == len(village)).all()
        assert village["priority"].is_monotonic_increasing


def check_inside(stops: gpd.GeoDataFrame, result, *, catchment: bool = False) -> None:
    """Every stop lies in its village's part inside the office's radius (or catchment)."""
    villages = result.villages.set_index("code").to_crs(result.metric_crs).geometry
    area = result.discs.set_index("office_id").to_crs(result.metric_crs).geometry[OFFICE]
    if catchment:  # inside the radius and nearer to this office than to any other
        offices = result.offices.set_index("office_id").to_crs(result.metric_crs).geometry
        points = stops.to_crs(result.metric_crs).geometry
        nearest = np.array([offices.distance(p).idxmin() for p in points])
        assert (nearest == OFFICE).all()
    points = stops.to_crs(result.metric_crs).geometry.to_numpy()
    parts = shapely.intersection(villages.reindex(stops["code"]).to_numpy(), area)
    assert (shapely.distance(parts, points) < 0.01).all()  # centimetres: reprojection


def households_by_village(stops: gpd.GeoDataFrame) -> pd.Series:
    return stops.groupby("code")["households"].sum()


# --- area cells -------------------------------------------------------------------------


def test_area_cells_keep_each_villages_households(area_result):
    stops = visit_stops(area_result, office_id=OFFICE, households_per_stop=30, top=None)
    check_stops(stops, 30)
    check_inside(stops, area_result)
    assert set(stops["placed_by"]) == {"area_cells"}
    whole = field_stops.village_stops(area_result, office_id=OFFICE, top=10_000)
    pd.testing.assert_series_equal(households_by_village(stops).sort_index(),
                                   whole.set_index("stop_id")["households"].sort_index(),
                                   check_names=False)
    # a big village becomes many stops, most of them full, spread over its part
    caturtunggal = stops[stops["code"] == CATURTUNGGAL]
    assert len(caturtunggal) > 100
    assert (caturtunggal["households"] == 30).mean() > 0.8
    assert caturtunggal.geometry.nunique() > 50
    assert caturtunggal["stop_id"].iloc[0] == f"{CATURTUNGGAL}-{1:0{len(str(len(caturtunggal)))}d}"
    assert caturtunggal["label"].iloc[1] == f"Caturtunggal 2/{len(caturtunggal)}"


def test_the_top_villages_come_first_in_their_order(area_result):
    whole = field_stops.village_stops(area_result, office_id=OFFICE, top=5)
    stops = visit_stops(area_result, office_id=OFFICE, households_per_stop=40, top=5)
    check_stops(stops, 40)
    assert list(dict.fromkeys(stops["code"])) == list(whole["stop_id"])
    chosen = visit_stops(area_result, office_id=OFFICE, households_per_stop=40,
                         codes=[TERBAN, "34.71.08.1001"])
    assert list(dict.fromkeys(chosen["code"])) == [TERBAN, "34.71.08.1001"]
    assert visit_stops(area_result, office_id=OFFICE, households_per_stop=40, top=0).empty


def test_a_village_picked_outside_the_radius_keeps_all_its_households(area_result):
    far = "34.03.01.2001"  # in Gunungkidul, far from Kota Yogyakarta
    whole = field_stops.village_stops(area_result, office_id=OFFICE, codes=[far])
    stops = visit_stops(area_result, office_id=OFFICE, households_per_stop=25, codes=[far],
                        workers_per_household=2.0)
    check_stops(stops, 25)
    halved = field_stops.village_stops(area_result, office_id=OFFICE, codes=[far],
                                       workers_per_household=2.0)
    assert stops["households"].sum() == halved["households"].iloc[0]
    assert halved["households"].iloc[0] < whole["households"].iloc[0]
    village = area_result.villages.set_index("code").geometry[far]
    assert stops.geometry.within(village.buffer(1e-7)).all()


@settings(max_examples=15, deadline=None)
@given(cap=st.integers(1, 400), top=st.integers(1, 6),
       resolution=st.sampled_from([8, 9, 10]))
def test_any_stop_size_keeps_the_households(area_result, cap, top, resolution):
    stops = visit_stops(area_result, office_id=OFFICE, households_per_stop=cap, top=top,
                        cell_resolution=resolution)
    check_stops(stops, cap)
    whole = field_stops.village_stops(area_result, office_id=OFFICE, top=top)
    assert households_by_village(stops).to_dict() == whole.set_index("stop_id")[
        "households"].to_dict()


# --- household cells --------------------------------------------------------------------


def test_household_cells_keep_the_offices_uncovered_households(household_result):
    stops = visit_stops(household_result, office_id=OFFICE, households_per_stop=30, top=None)
    check_stops(stops, 30)
    check_inside(stops, household_result, catchment=True)
    assert set(stops["placed_by"]) == {"household_cells"}
    pieces = household_result.office_pieces
    mine = pieces[pieces["office_id"] == OFFICE].groupby("code")["uncovered_households"].sum()
    counted = households_by_village(stops)
    assert (counted == mine.reindex(counted.index)).all()
    # every chosen village with uncovered households of this office has its stops
    chosen = field_stops.village_stops(household_result, office_id=OFFICE, top=10_000)
    expected = mine.reindex(chosen["stop_id"]).fillna(0)
    assert set(counted.index) == set(expected.index[expected > 0])
    # suppressed cells have no count on the map, yet their households are placed too
    assert household_result.household_cells["uncovered_households_within_radius"].isna().any()


def test_household_stops_are_where_the_households_are(household_result):
    stops = visit_stops(household_result, office_id=OFFICE, households_per_stop=30,
                        codes=[CATURTUNGGAL])
    crs = household_result.metric_crs
    cells = household_result.household_cells.to_crs(crs)
    village = household_result.villages.set_index("code").to_crs(crs).geometry[CATURTUNGGAL]
    busy = cells[cells.centroid.within(village)
                 & (cells["uncovered_households_within_radius"].fillna(0) >= 90)]
    assert len(busy) > 5
    points = stops.to_crs(crs).geometry
    assert all(points.within(cell).any() for cell in busy.geometry)  # three stops' worth


# --- split_stops and prepare_stops ---------------------------------------------------------


def _planner_file(tmp_path, households):
    table = pd.DataFrame({"stop_id": [f"t{i}" for i in range(len(households))],
                          "label": [f"Titik {i}" for i in range(len(households))],
                          "village": "Terban", "households": households,
                          "lat": -7.78 + 0.001 * np.arange(len(households)), "lon": 110.38})
    path = tmp_path / "titik.csv"
    table.to_csv(path, index=False)
    return read_stops(path)


def test_split_stops_keeps_the_households_at_the_same_point(tmp_path):
    stops = _planner_file(tmp_path, [70, 5, 30, 0, 31])
    split = split_stops(stops, 30)
    check_stops(split.assign(code=split["stop_id"].str.split("-").str[0]), 30)
    assert split["households"].sum() == stops["households"].sum()
    assert list(split["stop_id"]) == ["t0-1", "t0-2", "t0-3", "t1", "t2", "t4-1", "t4-2"]
    assert list(split["households"]) == [24, 23, 23, 5, 30, 16, 15]
    assert list(split["label"][:2]) == ["Titik 0 1/3", "Titik 0 2/3"]
    assert set(split["placed_by"]) == {"given"}
    assert list(split["part"]) == [1, 2, 3, 1, 1, 1, 2]
    at = split.set_index("stop_id").geometry
    assert at["t0-1"].equals(at["t0-3"])


def test_split_stops_follows_the_tables_priority_and_villages(area_result):
    stops = visit_stops(area_result, office_id=OFFICE, households_per_stop=60, top=3)
    shuffled = stops.iloc[::-1]
    split = split_stops(shuffled, 25)
    check_stops(split, 25)
    assert households_by_village(split).to_dict() == households_by_village(stops).to_dict()
    assert list(dict.fromkeys(split["code"])) == list(dict.fromkeys(stops["code"]))


@settings(max_examples=40, deadline=None)
@given(households=st.lists(st.integers(0, 500), min_size=1, max_size=12),
       cap=st.integers(1, 120))
def test_split_stops_never_loses_a_household(households, cap):
    points = gpd.points_from_xy(110.38 + 0.001 * np.arange(len(households)),
                                np.full(len(households), -7.78))
    stops = gpd.GeoDataFrame({"stop_id": [f"s{i}" for i in range(len(households))],
                              "label": "x", "village": "v", "households": households},
                             geometry=points, crs="EPSG:4326")
    split = split_stops(stops, cap)
    assert split["households"].sum() == sum(households)
    assert (split["households"] <= cap).all()
    assert split["stop_id"].is_unique
    sizes = split.groupby(split["stop_id"].str.split("-").str[0])["households"]
    assert ((sizes.max() - sizes.min()) <= 1).all()  # shared out evenly


def test_split_stops_refuses_ids_that_clash():
    points = gpd.points_from_xy([110.38, 110.39], [-7.78, -7.78])
    stops = gpd.GeoDataFrame({"stop_id": ["A", "A-2"], "label": "x", "village": "v",
                              "households": [50, 3]}, geometry=points, crs="EPSG:4326")
    with pytest.raises(InputError, match=r"stop_id.*A-2.*rename those stops"):
        split_stops(stops, 30)


def test_prepare_stops_keeps_the_visit_columns(area_result):
    stops = visit_stops(area_result, office_id=OFFICE, households_per_stop=30, top=2)
    again = field_stops.prepare_stops(stops)
    assert list(again.columns) == ["stop_id", "label", "village", "district", "households",
                                   "code", "priority", "part", "parts", "placed_by", "geometry"]
    assert again["priority"].dtype == np.int64
    bad = stops.assign(priority=["first", *range(2, len(stops) + 1)])
    with pytest.raises(InputError, match=r"row 2, column 'priority'.*whole number of 1 or more"):
        field_stops.prepare_stops(bad)


# --- settings and the sharing out -------------------------------------------------------


@pytest.mark.parametrize("cap", [0, -3, 2.5, True])
def test_a_stop_must_hold_at_least_one_household(area_result, cap):
    with pytest.raises(InputError, match=r"'households_per_stop'.*at least 1.*e\.g\. 30"):
        visit_stops(area_result, office_id=OFFICE, households_per_stop=cap)
    with pytest.raises(InputError, match="households_per_stop"):
        split_stops(gpd.GeoDataFrame(), cap)


def test_other_bad_settings_are_named_together(area_result):
    with pytest.raises(InputError, match=r"(?s)'workers_per_household'.*'cell_resolution'"
                                         r".*'top'") as caught:
        visit_stops(area_result, office_id=OFFICE, households_per_stop=30,
                    workers_per_household=0, cell_resolution=15, top=-1)
    assert len(caught.value.problems) == 3
    with pytest.raises(InputError, match="unknown office"):
        visit_stops(area_result, office_id="KC-XXX", households_per_stop=30)


@given(totals=st.lists(st.integers(0, 10_000), min_size=1, max_size=5),
       weights=st.lists(st.floats(0.01, 1e6), min_size=1, max_size=30))
def test_apportion_sums_exactly_and_rounds_each_quota_up_or_down(totals, weights):
    group = np.arange(len(weights)) % len(totals)
    weight = np.asarray(weights)
    has = np.bincount(group, minlength=len(totals)) > 0
    shares = apportion(np.asarray(totals), group, weight)
    assert (np.bincount(group, shares, minlength=len(totals))[has] == np.asarray(totals)[has]).all()
    quota = np.asarray(totals)[group] * weight / np.bincount(group, weight)[group]
    assert (shares >= np.floor(quota) - 1e-9).all()
    assert (shares <= np.ceil(quota) + 1e-9).all()
