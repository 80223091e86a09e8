"""New sites on the bundled DIY data: the same numbers as ``analyze``, on every surface."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from geo_outreach.analysis.pipeline import analyse
from geo_outreach.analysis.placement import PlacementSettings, place_sites
from geo_outreach.analysis.placement_inputs import table_demand, villages_in_scope
from geo_outreach.cli import main
from geo_outreach.config import AnalysisParams
from geo_outreach.field.mobile_week import plan_mobile_week
from geo_outreach.publish.placement_outputs import PLACEMENT_FILES, write_placement

if TYPE_CHECKING:
    from pathlib import Path

BANTUL = "Kabupaten Bantul"


@pytest.fixture(scope="module")
def bantul_placement(area_result):
    """Three new sites for Bantul, village centres as candidates."""
    return place_sites(area_result, PlacementSettings(new_sites=3, regency=BANTUL))


def _with_sites_as_offices(prepared, sites: pd.DataFrame):
    new = gpd.GeoDataFrame(
        {"office_id": sites["site_id"], "name": sites["name"], "office_type": "KCP",
         "approximate": False, "location_note": "", "lat": sites["lat"], "lon": sites["lon"]},
        geometry=gpd.points_from_xy(sites["lon"], sites["lat"]), crs="EPSG:4326")
    return replace(prepared, offices=pd.concat([prepared.offices, new], ignore_index=True))


def test_the_sites_newly_cover_what_analyze_counts_with_them_as_offices(
        bundled_inputs, area_result, bantul_placement) -> None:
    after = analyse(_with_sites_as_offices(bundled_inputs, bantul_placement.sites),
                    AnalysisParams())
    before_in = area_result.villages["uncovered_within_radius"].sum()
    after_in = after.villages["uncovered_within_radius"].sum()
    # the coordinates are rounded to 6 decimals (0.1 m) in the table
    assert after_in - before_in == pytest.approx(bantul_placement.newly_covered, rel=1e-4)


def test_parts_add_up_and_nothing_an_office_reaches_counts(area_result, bantul_placement) -> None:
    placement = bantul_placement
    sites, per_village, curve = placement.sites, placement.site_villages, placement.curve
    assert per_village["newly_covered"].sum() == pytest.approx(sites["newly_covered"].sum())
    by_site = per_village.groupby("site_id")["newly_covered"].sum()
    for row in sites.itertuples():
        assert by_site[row.site_id] == pytest.approx(row.newly_covered)
    assert curve["newly_covered"].iloc[-1] == pytest.approx(placement.newly_covered)
    assert curve["marginal_gain"].sum() == pytest.approx(curve["newly_covered"].iloc[-1])
    assert list(curve["newly_covered"]) == sorted(curve["newly_covered"])
    # inside + outside = every uncovered worker; new sites only reach the outside
    villages = area_result.villages
    demand = placement.demand
    assert demand.inside_total + demand.outside_total == pytest.approx(
        villages["uncovered"].fillna(0).sum())
    assert placement.newly_covered <= demand.outside_total + 1e-6
    per_code = per_village.groupby("code")["newly_covered"].sum()
    outside = (villages.set_index("code")["uncovered"]
               - villages.set_index("code")["uncovered_within_radius"])
    assert (per_code <= outside.reindex(per_code.index) + 1e-6).all()
    assert set(sites["regency"]) == {BANTUL}
    assert curve["proven_optimal"].all()


def test_the_table_demand_holds_exactly_what_lies_outside_every_radius(area_result) -> None:
    villages = villages_in_scope(area_result, None)
    demand = table_demand(area_result, villages)
    expected = (villages["uncovered"] - villages["uncovered_within_radius"]).fillna(0)
    per_village = pd.Series(demand.workers).groupby(demand.village).sum()
    assert per_village.sum() == pytest.approx(expected.sum())
    assert np.allclose(per_village.reindex(villages["code"]).fillna(0), expected, atol=1e-6)


def test_the_same_inputs_give_the_same_sites(area_result, bantul_placement) -> None:
    again = place_sites(area_result, PlacementSettings(new_sites=3, regency=BANTUL))
    assert list(again.sites["site_id"]) == list(bantul_placement.sites["site_id"])
    assert np.allclose(again.curve["newly_covered"], bantul_placement.curve["newly_covered"])


def test_register_demand_and_cells_on_the_demo_households(bundled_inputs,
                                                          tmp_path: Path) -> None:
    from geo_outreach.analysis.household_reach import prepare_households  # noqa: PLC0415

    households = prepare_households(bundled_inputs, None)
    result = analyse(bundled_inputs, AnalysisParams(), households=households)
    placement = place_sites(result, PlacementSettings(new_sites=2, candidates="cells",
                                                      source="register",
                                                      regency="Kota Yogyakarta"),
                            households=households)
    classified = households.classification.households
    unregistered = np.maximum(classified.workers - classified.registered, 0)
    beyond = classified.distance_m > 5_000
    assert placement.demand.outside_total == unregistered[beyond].sum()
    assert placement.demand.inside_total == unregistered[~beyond].sum()
    assert set(placement.sites["regency"]) == {"Kota Yogyakarta"}
    assert 0 < placement.newly_covered <= placement.demand.outside_total
    assert placement.sites["site_id"].str.len().eq(15).all()  # H3 cell ids
    assert placement.curve["proven_optimal"].all()
    # the register's small counts leave the machine as "<10", never as the count
    write_placement(placement, result, tmp_path)
    table = pd.read_csv(tmp_path / PLACEMENT_FILES["site_villages"], dtype=str)
    small = placement.site_villages["households"] < 10
    assert small.any()
    assert (table.loc[small.to_numpy(), "households"] == "<10").all()
    assert table.loc[small.to_numpy(), "newly_covered"].isna().all()


def test_a_capacity_caps_what_each_site_serves(area_result) -> None:
    placement = place_sites(area_result, PlacementSettings(
        new_sites=2, regency="Kota Yogyakarta", capacity=2_000))
    assert len(placement.sites) == 2
    assert (placement.sites["served"] <= 2_000 + 1e-6).all()
    assert placement.solutions[-1].covered == pytest.approx(placement.sites["served"].sum())
    assert placement.curve["served"].iloc[-1] == pytest.approx(placement.sites["served"].sum())
    assert (placement.sites["served"] <= placement.sites["newly_covered"] + 1e-6).all()


def test_a_file_of_kalurahan_halls_as_candidates(area_result, tmp_path: Path) -> None:
    halls = tmp_path / "balai_kalurahan.csv"
    halls.write_text('name,lat,lon\n=HYPERLINK("http://x"),-7.9418,110.4070\n'
                     "+Balai Kalurahan Trimurti,-7.9190,110.3270\n"
                     "@Balai Kalurahan Pleret,-7.8690,110.4040\n", encoding="utf-8")
    placement = place_sites(area_result, PlacementSettings(new_sites=3, candidates=str(halls),
                                                           regency=BANTUL))
    assert len(placement.sites) == 3
    assert placement.candidates.kind == halls.name
    # names that read as formulas stay text in the CSV and the workbook
    write_placement(placement, area_result, tmp_path)
    csv_text = (tmp_path / PLACEMENT_FILES["sites"]).read_text(encoding="utf-8-sig")
    assert "'=HYPERLINK" in csv_text
    assert "'+Balai" in csv_text
    from openpyxl import load_workbook  # noqa: PLC0415

    sheet = load_workbook(tmp_path / PLACEMENT_FILES["workbook"]).worksheets[0]
    names = list(sheet["C"][1:])
    assert all(cell.data_type == "s" for cell in names)
    assert {cell.value[0] for cell in names} == {"=", "+", "@"}


def test_the_mobile_unit_never_counts_a_worker_twice(area_result) -> None:
    week = plan_mobile_week(area_result, "KC-YGY", days=3, start_date=date(2026, 12, 11))
    days = week.days
    assert list(days["day"]) == [1, 2, 3]
    assert list(days["date"]) == ["2026-12-11", "2026-12-14", "2026-12-15"]  # Fri, Mon, Tue
    assert days["site_id"].is_unique
    assert days["workers_reached"].sum() <= week.workers_in_scope + 1e-6
    assert (days["travel_km"] > 0).all()
    assert days["travel_estimated"].all()  # no road network given: every leg estimated
    assert week.proven_optimal


def test_the_place_command_writes_the_set_and_the_same_numbers(area_result, tmp_path: Path,
                                                             bantul_placement) -> None:
    out = tmp_path / "lokasi"
    code = main(["place", "--new", "3", "--regency", "Bantul", "--mobile-days", "2",
                 "--office", "KC-YGY", "--start-date", "2026-12-07", "--no-field-outcomes",
                 "--out", str(out)])
    assert code == 0
    for name in PLACEMENT_FILES.values():
        assert (out / name).is_file(), name
    sites = pd.read_csv(out / PLACEMENT_FILES["sites"], dtype={"site_id": str})
    assert list(sites["site_id"]) == list(bantul_placement.sites["site_id"])
    assert sites["newly_covered"].tolist() == bantul_placement.sites["newly_covered"].round(
        0).astype(int).tolist()
    record = json.loads((out / PLACEMENT_FILES["manifest"]).read_text(encoding="utf-8"))
    assert record["totals"]["newly_covered"] == pytest.approx(bantul_placement.newly_covered,
                                                              abs=0.1)
    assert [row["status"] for row in record["model"]["per_p"]] == ["optimal"] * 3
    assert record["mobile_week"]["days"] == 2
    page = (out / PLACEMENT_FILES["map"]).read_text(encoding="utf-8")
    assert sites["name"].iloc[0] in page


def test_the_place_command_explains_what_is_missing(tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["place", "--new", "2", "--mobile-days", "2", "--out", str(tmp_path)]) == 1
    assert "--office" in capsys.readouterr().err
    assert main(["place", "--new", "2", "--source", "register", "--out", str(tmp_path)]) == 1
    assert "--households" in capsys.readouterr().err


def test_an_existing_office_stays_and_a_site_on_it_adds_nothing(area_result,
                                                                tmp_path: Path) -> None:
    office = area_result.offices.set_index("office_id").loc["KC-YGY"]
    sites = tmp_path / "calon.csv"
    sites.write_text(f"name,lat,lon\nDi kantor,{office['lat']},{office['lon']}\n"
                     "Balai Kalurahan Sriharjo,-7.9418,110.4070\n", encoding="utf-8")
    placement = place_sites(area_result, PlacementSettings(new_sites=2, candidates=str(sites)))
    # the office's disc is the site's disc: what it reaches is reached already
    assert list(placement.sites["name"]) == ["Balai Kalurahan Sriharjo"]
    assert placement.curve["marginal_gain"].iloc[1] == pytest.approx(0, abs=1e-6)
