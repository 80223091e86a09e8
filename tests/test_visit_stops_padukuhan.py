"""Padukuhan: reading the planner's file, and stops placed and named by padukuhan."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from shapely import affinity

from geo_outreach._errors import InputError
from geo_outreach.field import stops as field_stops
from geo_outreach.field.stop_files import read_padukuhan
from geo_outreach.field.visit_stops import visit_stops
from tests.test_visit_stops import CATURTUNGGAL, OFFICE, TERBAN, check_inside, check_stops

NAMES = {CATURTUNGGAL: ["Karangasem", "Santren", "Gejayan", "Mrican"],
         TERBAN: ["Padukuhan Terban Kidul", "Terban Lor", "Terban Wetan", "Terban Kulon"]}


def quarters(result) -> gpd.GeoDataFrame:
    """Caturtunggal and Terban, each cut into four padukuhan at its bounding box's centre."""
    villages = result.villages.set_index("code")
    rows = []
    for code, names in NAMES.items():
        shape = villages.geometry[code]
        x0, y0, x1, y1 = shape.bounds
        xm, ym = (x0 + x1) / 2, (y0 + y1) / 2
        boxes = [shapely.box(x0, y0, xm, ym), shapely.box(xm, y0, x1, ym),
                 shapely.box(x0, ym, xm, y1), shapely.box(xm, ym, x1, y1)]
        rows += [{"Nama Padukuhan": name, "Kode Desa": code.replace(".", ""),
                  "Jumlah KK": 100 * (k + 1), "geometry": shape.intersection(box)}
                 for k, (name, box) in enumerate(zip(names, boxes, strict=True))]
    return gpd.GeoDataFrame(rows, crs="EPSG:4326")


def write(frame: gpd.GeoDataFrame, tmp_path, name: str = "padukuhan.gpkg"):
    path = tmp_path / name
    frame.to_file(path)
    return path


# --- reading ------------------------------------------------------------------------------


def test_a_good_padukuhan_file_is_read(area_result, tmp_path):
    read = read_padukuhan(write(quarters(area_result), tmp_path))
    assert list(read.columns) == ["padukuhan", "code", "weight", "feature", "geometry"]
    assert read.crs == "EPSG:4326"
    assert read["code"].iloc[0] == CATURTUNGGAL  # normalised from 3404072001
    assert list(read["weight"][:4]) == [100, 200, 300, 400]
    assert list(read["feature"]) == list(range(1, 9))
    assert read.attrs["source"] == "padukuhan.gpkg"
    bare = read_padukuhan(write(quarters(area_result)[["Nama Padukuhan", "geometry"]].rename(
        columns={"Nama Padukuhan": "DUSUN"}), tmp_path, "dusun.geojson"))
    assert set(bare["code"]) == {""}
    assert bare["weight"].isna().all()


def test_a_file_without_a_name_column_says_which_columns_it_has(area_result, tmp_path):
    frame = quarters(area_result).rename(columns={"Nama Padukuhan": "wilayah"})
    with pytest.raises(InputError, match=r"padukuhan\.gpkg \(value 'wilayah, Kode Desa, "
                                         r"Jumlah KK'\): .*no column with each padukuhan's "
                                         r"name.*padukuhan, dusun or nama"):
        read_padukuhan(write(frame, tmp_path))


def test_bad_names_counts_codes_and_shapes_are_listed_by_feature(area_result, tmp_path):
    frame = quarters(area_result)
    frame.loc[1, "Nama Padukuhan"] = " "
    frame.loc[2, "Jumlah KK"] = -5
    frame.loc[3, "Kode Desa"] = "34.04.070.001"  # a BPS code
    frame.loc[4, "geometry"] = frame.geometry[4].centroid
    with pytest.raises(InputError) as caught:
        read_padukuhan(write(frame, tmp_path))
    found = {(p.row, p.column): p.message for p in caught.value.problems}
    assert "feature 2 (counting from 1) have no name" in found[2, "Nama Padukuhan"]
    assert "feature 3" in found[3, "Jumlah KK"]
    assert "not a Kemendagri code" in found[4, "Kode Desa"]
    assert "are not polygons" in found[5, None]
    with pytest.raises(InputError, match="does not exist"):
        read_padukuhan(tmp_path / "none.gpkg")


def test_padukuhan_outside_every_village_are_named_and_left_out(area_result, tmp_path):
    frame = quarters(area_result).drop(columns="Kode Desa")
    frame.loc[7, "geometry"] = affinity.translate(frame.geometry[7], yoff=-1.0)  # at sea
    padukuhan = read_padukuhan(write(frame, tmp_path))
    with pytest.warns(UserWarning, match=r"padukuhan\.gpkg, row 8: feature 8 \(counting "
                                         r"from 1\) lie outside every village"):
        stops = visit_stops(area_result, office_id=OFFICE, households_per_stop=30,
                            codes=[CATURTUNGGAL], padukuhan=padukuhan)
    assert set(stops["placed_by"]) == {"padukuhan"}
    frame["geometry"] = frame.geometry.translate(yoff=-1.0)
    with pytest.raises(InputError, match="no padukuhan lies inside any village"):
        visit_stops(area_result, office_id=OFFICE, households_per_stop=30,
                    padukuhan=read_padukuhan(write(frame, tmp_path, "sea.gpkg")))


def test_a_code_not_in_the_boundaries_is_refused(area_result, tmp_path):
    frame = quarters(area_result)
    frame.loc[0, "Kode Desa"] = "3404072999"
    with pytest.raises(InputError, match=r"row 1, column 'Kode Desa'.*feature 1 .*not in the "
                                         r"boundaries"):
        visit_stops(area_result, office_id=OFFICE, households_per_stop=30,
                    padukuhan=read_padukuhan(write(frame, tmp_path)))


# --- stops by padukuhan -----------------------------------------------------------------


@pytest.mark.parametrize("columns", [["Nama Padukuhan", "geometry"],
                                     ["Nama Padukuhan", "Kode Desa", "Jumlah KK", "geometry"]],
                         ids=["by shape and area", "by code and count"])
def test_padukuhan_stops_keep_the_households_and_name_the_padukuhan(area_result, tmp_path,
                                                                     columns):
    padukuhan = read_padukuhan(write(quarters(area_result)[columns], tmp_path))
    stops = visit_stops(area_result, office_id=OFFICE, households_per_stop=30, top=None,
                        padukuhan=padukuhan)
    check_stops(stops, 30)
    check_inside(stops, area_result)
    whole = field_stops.village_stops(area_result, office_id=OFFICE, top=10_000)
    assert stops.groupby("code")["households"].sum().to_dict() == whole.set_index(
        "stop_id")["households"].to_dict()
    mine = stops[stops["code"].isin(NAMES)]
    assert set(mine["placed_by"]) == {"padukuhan"}
    assert set(stops.loc[~stops["code"].isin(NAMES), "placed_by"]) == {"area_cells"}
    labels = mine.loc[mine["code"] == CATURTUNGGAL, "label"]
    assert labels.str.startswith("Caturtunggal – Padukuhan ").all()
    assert labels.str.contains(r"Karangasem(?: \d+/\d+)?$").any()
    terban = mine.loc[mine["code"] == TERBAN, "label"]
    assert terban.str.startswith("Terban – Padukuhan Terban").all()  # no "Padukuhan" twice
    assert not terban.str.contains("Padukuhan Padukuhan").any()


def test_padukuhan_counts_weigh_the_padukuhan(area_result, tmp_path):
    frame = quarters(area_result)
    frame["Jumlah KK"] = [0, 0, 0, 10, 0, 0, 0, 10]  # all households in the last quarter
    padukuhan = read_padukuhan(write(frame, tmp_path))
    stops = visit_stops(area_result, office_id=OFFICE, households_per_stop=30,
                        codes=[CATURTUNGGAL, TERBAN], padukuhan=padukuhan)
    check_stops(stops, 30)
    assert stops.loc[stops["code"] == CATURTUNGGAL, "label"].str.contains("Mrican").all()
    assert stops.loc[stops["code"] == TERBAN, "label"].str.contains("Terban Kulon").all()


def test_padukuhan_with_household_points_follow_the_households(household_result, tmp_path):
    padukuhan = read_padukuhan(write(quarters(household_result), tmp_path))
    stops = visit_stops(household_result, office_id=OFFICE, households_per_stop=25,
                        codes=[CATURTUNGGAL, TERBAN], padukuhan=padukuhan)
    check_stops(stops, 25)
    check_inside(stops, household_result, catchment=True)
    assert set(stops["placed_by"]) == {"padukuhan"}
    cells = visit_stops(household_result, office_id=OFFICE, households_per_stop=25,
                        codes=[CATURTUNGGAL, TERBAN])
    assert stops.groupby("code")["households"].sum().to_dict() == cells.groupby("code")[
        "households"].sum().to_dict()


def test_padukuhan_covering_part_of_a_village_are_warned_about(area_result, tmp_path):
    frame = quarters(area_result)
    padukuhan = read_padukuhan(write(frame[frame["Kode Desa"] == TERBAN.replace(".", "")]
                                     .iloc[:2], tmp_path))
    with pytest.warns(UserWarning, match=r"cover less than 90% of Terban"):
        stops = visit_stops(area_result, office_id=OFFICE, households_per_stop=30,
                            codes=[TERBAN], padukuhan=padukuhan)
    assert stops["households"].sum() == field_stops.village_stops(
        area_result, office_id=OFFICE, codes=[TERBAN])["households"].sum()
    assert np.isin(stops["placed_by"], ["padukuhan"]).all()


def test_the_routes_command_places_stops_in_the_padukuhan_given(area_result, tmp_path):
    from geo_outreach.cli import main  # noqa: PLC0415

    path = write(quarters(area_result), tmp_path)
    out = tmp_path / "rute"
    assert main(["routes", "--office", "KC-YGY", "--villages", TERBAN, "--padukuhan",
                 str(path), "--teams", "1", "--days", "1", "--time-limit", "0.3",
                 "--out", str(out)]) == 0
    sheet = pd.read_csv(out / "hari_1_tim_01_lembar_kunjungan.csv", encoding="utf-8-sig")
    assert sheet["Titik"].str.contains("Terban").all()
    assert sheet["Titik"].str.contains("Padukuhan").any()
