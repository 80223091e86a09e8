"""Household points: exact counts, rejects, formats, chunking, privacy."""

import geopandas as gpd
import h3
import numpy as np
import pandas as pd
import pytest
import shapely

from geo_outreach._errors import InputError
from geo_outreach.analysis.household_cells import aggregate, household_table, pseudonyms
from geo_outreach.analysis.household_reach import prepare_households
from geo_outreach.analysis.households import HouseholdParams, classify_households
from geo_outreach.analysis.pipeline import analyse
from geo_outreach.analysis.village_locator import VillageLocator, build_study_area
from geo_outreach.config import AnalysisParams, ColumnMapping
from geo_outreach.inputs import bundled
from geo_outreach.inputs.household_files import read_household_chunks
from geo_outreach.inputs.prepare import InputPaths, prepare_inputs
from geo_outreach.inputs.synthetic import synthetic_households
from geo_outreach.privacy import shareable, suppress_small


@pytest.fixture(scope="module")
def prepared():
    return prepare_inputs(InputPaths())


@pytest.fixture(scope="module")
def area(prepared):
    return build_study_area(prepared.villages, prepared.offices, radius_km=5.0)


@pytest.fixture(scope="module")
def sample(prepared):
    """20,000 seeded households over DIY, plus points hugging village boundaries."""
    households = synthetic_households(prepared.villages, 20_000, seed=7)
    edges = prepared.villages.to_crs("EPSG:32749").boundary.iloc[::20]
    near = shapely.get_coordinates(edges.segmentize(200).to_numpy())
    rng = np.random.default_rng(1)
    jitter = near + rng.normal(0, 3, near.shape)  # within metres of a boundary
    lon, lat = gpd.GeoSeries.from_xy(jitter[:, 0], jitter[:, 1], crs="EPSG:32749").to_crs(
        "EPSG:4326").pipe(lambda s: (s.x.to_numpy(), s.y.to_numpy()))
    boundary = pd.DataFrame({"id": [f"B{i}" for i in range(len(lat))], "lat": lat, "lon": lon,
                             "workers": 2, "registered": 1})
    return pd.concat([households, boundary], ignore_index=True)


def write_csv(table, path, **kwargs):
    table.to_csv(path, index=False, **kwargs)
    return path


def independent(sample, prepared):
    """The straightforward geopandas route, to check the fast path against."""
    points = gpd.GeoDataFrame(sample, geometry=gpd.points_from_xy(sample.lon, sample.lat),
                              crs="EPSG:4326").to_crs("EPSG:32749")
    villages = prepared.villages.to_crs("EPSG:32749")[["code", "geometry"]]
    joined = gpd.sjoin(points, villages, predicate="within", how="inner")
    joined = joined[~joined.index.duplicated()]
    offices = prepared.offices.to_crs("EPSG:32749")
    distances = np.column_stack([joined.distance(o) for o in offices.geometry])
    joined["office_id"] = offices["office_id"].to_numpy()[distances.argmin(axis=1)]
    joined["within"] = distances.min(axis=1) <= 5000
    joined["h3"] = [h3.latlng_to_cell(a, b, 8) for a, b in zip(joined.lat, joined.lon,
                                                               strict=True)]
    return joined


def test_exact_counts_agree_with_an_independent_computation(sample, prepared, area, tmp_path):
    classification = classify_households(write_csv(sample, tmp_path / "rt.csv"), area)
    expected = independent(sample, prepared)
    assert len(classification.households) == len(expected)
    got = household_table(classification, area).assign(row=classification.households.rows)
    expected = expected.assign(row=expected.index + 2).set_index("row")
    got = got.set_index("row").loc[expected.index]
    assert (got["village_code"] == expected["code"]).all()
    assert (got["nearest_office"] == expected["office_id"]).all()
    assert (got["within_radius"] == expected["within"]).all()
    assert (got["h3"] == expected["h3"]).all()

    aggregates = aggregate(classification, area, HouseholdParams())
    uncovered = (expected["workers"] - expected["registered"]).where(expected["within"], 0)
    by_village = uncovered.groupby(expected["code"]).sum()
    village_counts = aggregates.villages.set_index("code")["uncovered_workers_within_radius"]
    pd.testing.assert_series_equal(village_counts[by_village.index], by_village,
                                   check_names=False, check_dtype=False)
    by_office = uncovered.groupby(expected["office_id"]).sum()
    office_counts = aggregates.offices.set_index("office_id")["uncovered_workers_within_radius"]
    pd.testing.assert_series_equal(office_counts[by_office.index], by_office,
                                   check_names=False, check_dtype=False)


def test_locator_matches_point_in_polygon_near_boundaries(prepared):
    villages = prepared.villages.to_crs("EPSG:32749")
    locator = VillageLocator(villages.geometry.to_numpy(), cell_m=40)
    rng = np.random.default_rng(3)
    minx, miny, maxx, maxy = villages.total_bounds
    x = rng.uniform(minx, maxx, 50_000)
    y = rng.uniform(miny, maxy, 50_000)
    found = locator.locate(x, y)
    points = gpd.GeoDataFrame(geometry=gpd.points_from_xy(x, y), crs=villages.crs)
    joined = gpd.sjoin(points, villages[["geometry"]], predicate="within", how="left")
    joined = joined[~joined.index.duplicated()]
    expected = joined["index_right"].fillna(-1).astype(int).to_numpy()
    np.testing.assert_array_equal(found, expected)


def test_bad_rows_are_set_aside_with_their_row_numbers(area, tmp_path):
    csv = tmp_path / "rt.csv"
    csv.write_text(
        "id,lat,lon,workers,registered\n"
        "a,-7.78,110.38,2,1\n"      # row 2: fine
        "b,,110.38,1,0\n"            # row 3: no latitude
        "c,0,0,1,0\n"                # row 4: 0,0
        "d,110.38,-7.78,1,0\n"       # row 5: swapped
        "e,-6.20,106.80,1,0\n"       # row 6: Jakarta, outside
        "a,-7.80,110.36,1,1\n"       # row 7: duplicate id of row 2
        "f,-7.79,110.37,1,3\n"       # row 8: more registered than workers
        "g,-7.79,110.37,x,0\n",      # row 9: workers not a number
        encoding="utf-8")
    classification = classify_households(csv, area)
    reasons = classification.rejects.set_index("row")["reason"].to_dict()
    assert reasons == {3: "bad_coordinates", 4: "bad_coordinates", 5: "swapped_lat_lon",
                       6: "outside_study_area", 7: "duplicate_id", 8: "bad_values",
                       9: "bad_values"}
    assert list(classification.households.rows) == [2]
    assert classification.rejects.set_index("row").loc[7, "detail"] == "same id as row 2"
    messages = " ".join(str(p) for p in classification.problems())
    assert "swapped_lat_lon (rows 5)" in messages
    assert "households_rejects.csv" in messages


def test_registered_may_be_a_flag_and_workers_default_to_one(area, tmp_path):
    csv = tmp_path / "rt.csv"
    csv.write_text("no_kk;lintang;bujur;status_bpjs\nk1;-7.78;110.38;Ya\nk2;-7.79;110.37;tidak\n",
                   encoding="utf-8")
    households = classify_households(csv, area).households
    assert list(households.workers) == [1, 1]
    assert list(households.registered) == [1, 0]


def test_missing_column_names_the_fix(area, tmp_path):
    csv = tmp_path / "rt.csv"
    csv.write_text("id,lat,lon\n1,-7.78,110.38\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"registered.*--household-columns registered="):
        classify_households(csv, area)


def test_names_and_nik_are_never_read(tmp_path):
    csv = tmp_path / "rt.csv"
    csv.write_text("id,nama,nik,lat,lon,registered\n1,Siti,3404011234567890,-7.78,110.38,0\n",
                   encoding="utf-8")
    chunk = next(read_household_chunks(csv))
    assert "Siti" not in repr(chunk)
    assert "3404011234567890" not in repr(chunk)


@pytest.mark.parametrize("fmt", ["parquet", "geoparquet-utm", "gpkg"])
def test_formats_and_chunks_give_the_same_counts(fmt, sample, area, tmp_path):
    reference = classify_households(write_csv(sample, tmp_path / "rt.csv"), area)
    table = sample.iloc[:5000]
    if fmt == "parquet":
        path = tmp_path / "rt.parquet"
        table.to_parquet(path)
    else:
        points = gpd.GeoDataFrame(table.drop(columns=["lat", "lon"]),
                                  geometry=gpd.points_from_xy(table.lon, table.lat),
                                  crs="EPSG:4326")
        if fmt == "gpkg":
            path = tmp_path / "rt.gpkg"
            points.to_file(path)
        else:
            path = tmp_path / "rt.parquet"
            points.to_crs("EPSG:32749").to_parquet(path)
    got = classify_households(path, area, HouseholdParams(chunk_rows=1234))
    first = reference.households.take(reference.households.rows < 5002)
    offset = 1 if fmt == "gpkg" or fmt.startswith(("parquet", "geoparquet")) else 0
    assert list(got.households.rows) == list(first.rows - 2 + offset)
    np.testing.assert_array_equal(got.households.village, first.village)
    np.testing.assert_array_equal(got.households.h3, first.h3)


def test_chunked_csv_equals_one_chunk(sample, area, tmp_path):
    path = write_csv(sample, tmp_path / "rt.csv")
    whole = classify_households(path, area, HouseholdParams(chunk_rows=10**7))
    pieces = classify_households(path, area, HouseholdParams(chunk_rows=997))
    np.testing.assert_array_equal(whole.households.rows, pieces.households.rows)
    np.testing.assert_array_equal(whole.households.village, pieces.households.village)


def test_small_cells_are_suppressed_and_labelled():
    cells = pd.DataFrame({"h3": ["a", "b", "c", "d"], "households": [3, 40, 12, 0],
                          "households_within_radius": [3, 4, 12, 0],
                          "uncovered_households_within_radius": [2, 1, 5, 0]})
    out = suppress_small(cells, 10)
    assert list(out["suppressed"]) == [True, True, False, False]
    assert out["households"].isna().tolist() == [True, False, False, False]
    assert out["uncovered_households_within_radius"].isna().tolist() == [True, True, False,
                                                                         False]
    assert list(out["households_within_radius_label"]) == ["<10", "<10", "12", "0"]


def test_shared_village_tables_hide_small_household_counts(prepared):
    households = prepare_households(prepared, None)
    result = analyse(prepared, AnalysisParams(radius_km=2.0), households=households)
    shared = shareable(result.villages.drop(columns="geometry"))
    small = result.villages["households_within_radius"].between(1, 9).to_numpy()
    assert small.any()
    assert shared.loc[small, "uncovered_within_radius"].isna().all()
    assert (shared.loc[small, "households_within_radius_label"] == "<10").all()
    cells = result.household_cells
    assert (cells.loc[cells["suppressed"] & cells["households"].isna(), "households_label"]
            == "<10").all()


def test_households_replace_area_apportionment_and_stay_conserved(prepared):
    households = prepare_households(prepared, None)
    result = analyse(prepared, AnalysisParams(), households=households)
    villages, offices = result.villages, result.offices
    assert set(villages["reach_method"]) == {"household_points"}
    assert offices["uncovered_within_radius"].sum() == pytest.approx(
        villages["uncovered_within_radius"].sum())
    assert offices["households_within_radius"].sum() == villages["households_within_radius"].sum()
    assert result.households_demo
    assert result.household_summary["rows_used"] + result.household_summary[
        "rows_rejected"] == result.household_summary["rows_read"]


def test_changing_the_radius_needs_no_new_classification(prepared):
    households = prepare_households(prepared, None)
    small = analyse(prepared, AnalysisParams(radius_km=3), households=households)
    large = analyse(prepared, AnalysisParams(radius_km=8), households=households)
    assert (large.villages["households_within_radius"].sum()
            > small.villages["households_within_radius"].sum())


def test_pseudonyms_are_unique_keyed_and_hide_the_row():
    rows = np.arange(2, 100_002)
    first, again, other = pseudonyms(rows, 11), pseudonyms(rows, 11), pseudonyms(rows, 12)
    assert len(set(first)) == len(rows)
    assert (first == again).all()
    assert not (first == other).any()
    assert not any(str(r) in p for r, p in zip(rows[:50], first[:50], strict=True)
                   if len(str(r)) > 3)


def test_bad_parameters():
    with pytest.raises(InputError, match="H3 resolutions run from 0 to 15"):
        HouseholdParams(h3_resolution=16)


def test_column_mapping_for_households(area, tmp_path):
    csv = tmp_path / "rt.csv"
    csv.write_text("KODE,Y,X,ART,TERDAFTAR_TK\n1,-7.78,110.38,3,1\n", encoding="utf-8")
    mapping = ColumnMapping.parse("id=KODE,lat=Y,lon=X,workers=ART,registered=TERDAFTAR_TK")
    households = classify_households(csv, area, mapping=mapping).households
    assert list(households.workers) == [3]


def test_bundled_demo_households_are_seeded(prepared):
    first = prepare_households(prepared, None).classification.households
    second = prepare_households(prepared, None).classification.households
    np.testing.assert_array_equal(first.h3, second.h3)
    assert bundled.DEMO_LABEL == "DEMO"


def test_a_saved_upload_is_named_as_the_user_knows_it(prepared, tmp_path):
    saved = write_csv(pd.DataFrame({"id": [1, 2], "lat": [-7.78, 110.38], "lon": [110.38, -7.78],
                                    "workers": 1, "registered": 0}),
                      tmp_path / "upload-households.csv")
    households = prepare_households(prepared, saved, name="rumah tangga Mei.csv")
    assert households.record["path"] == "rumah tangga Mei.csv"
    assert {p.file for p in households.classification.problems()} == {"rumah tangga Mei.csv"}
