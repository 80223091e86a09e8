"""The Dask path classifies households exactly as the single-machine path does."""

import numpy as np
import pandas as pd
import pytest

from geo_outreach.analysis.household_dask import classify_households_dask, dask_client
from geo_outreach.analysis.households import HouseholdParams, classify_households
from geo_outreach.analysis.village_locator import build_study_area
from geo_outreach.inputs.prepare import InputPaths, prepare_inputs
from geo_outreach.inputs.synthetic import synthetic_households


@pytest.fixture(scope="module")
def setting(tmp_path_factory):
    prepared = prepare_inputs(InputPaths())
    area = build_study_area(prepared.villages, prepared.offices, radius_km=5.0)
    table = synthetic_households(prepared.villages, 30_000, seed=11)
    lat, lon = float(table.loc[5, "lat"]), float(table.loc[5, "lon"])
    table.loc[5, "lat"], table.loc[5, "lon"] = lon, lat  # swapped
    table.loc[9, "id"] = table.loc[3, "id"]  # duplicate
    table.loc[12, "lat"] = np.nan
    folder = tmp_path_factory.mktemp("dask")
    parquet = folder / "rt.parquet"
    table.to_parquet(parquet, row_group_size=4_000)
    csv = folder / "rt.csv"
    table.to_csv(csv, index=False)
    return area, parquet, csv


def assert_same(left, right):
    for name in ("rows", "village", "office", "distance_m", "within", "h3", "workers",
                 "registered"):
        np.testing.assert_array_equal(getattr(left.households, name),
                                      getattr(right.households, name), err_msg=name)
    pd.testing.assert_frame_equal(left.rejects.reset_index(drop=True),
                                  right.rejects.reset_index(drop=True), check_dtype=False)


@pytest.mark.enable_socket
@pytest.mark.allow_hosts(["127.0.0.1"])
def test_dask_local_cluster_with_two_workers_matches_one_machine(setting):
    area, parquet, csv = setting
    params = HouseholdParams(chunk_rows=7_000)
    with dask_client("local") as client:
        assert len(client.scheduler_info()["workers"]) == 2
        from_parquet = classify_households_dask(parquet, area, params, client=client)
        from_csv = classify_households_dask(csv, area, params, client=client)
    single_parquet = classify_households(parquet, area, params)
    assert_same(from_parquet, single_parquet)
    single_csv = classify_households(csv, area, params)
    assert_same(from_csv, single_csv)
    assert set(from_parquet.rejects["reason"]) == {"swapped_lat_lon", "duplicate_id",
                                                   "bad_coordinates"}
