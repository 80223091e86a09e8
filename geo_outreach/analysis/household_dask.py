"""
Classify household points on a Dask cluster, for national-scale data.

The points are read by Dask in partitions, ordered along a Hilbert curve of their
coordinates (dask-geopandas) so that each partition covers a compact area, and each
partition is classified by the same :func:`geo_outreach.analysis.households.classify_chunk` as
on one machine. Results come back in row order and duplicates are resolved the same
way, so the outcome is identical to :func:`geo_outreach.analysis.households.classify_households`.

Pass a scheduler address (``tcp://host:8786``) to use an existing cluster, or
``"local"`` for a local one (2 workers, bound to 127.0.0.1).
"""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Final

import dask.dataframe as dd
import dask_geopandas
import numpy as np
import pandas as pd
import pyarrow.parquet as pq
from dask import delayed
from distributed import Client, LocalCluster

from geo_outreach._errors import InputError, Problem
from geo_outreach.analysis.household_reach import HouseholdInputs
from geo_outreach.analysis.households import (
    Classified,
    HouseholdClassification,
    HouseholdParams,
    classify_chunk,
    finish_classification,
)
from geo_outreach.analysis.village_locator import StudyArea, build_study_area
from geo_outreach.inputs.file_kinds import file_sha256
from geo_outreach.inputs.household_files import (
    HouseholdChunk,
    household_headers,
    read_household_chunks,
)

if TYPE_CHECKING:
    from collections.abc import Iterator

    from geo_outreach.config import ColumnMapping
    from geo_outreach.inputs.prepare import PreparedInputs

PARTITION_ROWS: Final = 500_000
"""Rows per Dask partition."""

_RESULT_META = pd.DataFrame({
    "row": pd.Series(dtype="int64"), "village": pd.Series(dtype="int32"),
    "office": pd.Series(dtype="int32"), "distance_m": pd.Series(dtype="float32"),
    "h3": pd.Series(dtype="uint64"), "workers": pd.Series(dtype="int32"),
    "registered": pd.Series(dtype="int32"), "x": pd.Series(dtype="float32"),
    "y": pd.Series(dtype="float32"), "id": pd.Series(dtype="string"),
    "reason": pd.Series(dtype="string"),
})


@contextmanager
def dask_client(scheduler: str) -> Iterator[Client]:
    """
    Connect to a Dask scheduler, or start a local cluster for ``"local"``.

    Parameters
    ----------
    scheduler
        ``"local"`` or a scheduler address such as ``tcp://10.0.0.5:8786``.

    Yields
    ------
    Client
        A connected client; a local cluster is shut down afterwards.
    """
    if scheduler == "local":
        with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                          dashboard_address=None) as cluster, Client(cluster) as client:
            yield client
        return
    try:
        client = Client(scheduler, timeout="10s")
    except OSError as err:
        raise InputError(Problem("--dask-scheduler", None, None, scheduler,
                                 f"cannot reach the Dask scheduler ({err})",
                                 "check the address (tcp://host:8786) and that the scheduler "
                                 "runs, or leave the address out for a local cluster")) from err
    with client:
        yield client


def _frame_of(chunk: HouseholdChunk) -> pd.DataFrame:
    return pd.DataFrame({
        "row": chunk.rows, "id": chunk.ids.to_numpy(), "lat": chunk.lat, "lon": chunk.lon,
        "workers": (chunk.workers.to_numpy() if chunk.workers is not None
                    else np.full(len(chunk.rows), np.nan)),
        "registered": chunk.registered.to_numpy() if chunk.registered is not None else np.nan,
    })


def _classify_partition(frame: pd.DataFrame, area: StudyArea,
                        params: HouseholdParams) -> pd.DataFrame:
    """Classify one partition; return accepted and rejected rows in one frame."""
    if frame.empty:
        return _RESULT_META.copy()
    chunk = HouseholdChunk(rows=frame["row"].to_numpy(), ids=frame["id"].reset_index(drop=True),
                           lat=frame["lat"].to_numpy(float), lon=frame["lon"].to_numpy(float),
                           workers=frame["workers"].reset_index(drop=True),
                           registered=frame["registered"].reset_index(drop=True))
    classified, rejects, ids = classify_chunk(chunk, area, params)
    accepted = pd.DataFrame({
        "row": classified.rows, "village": classified.village, "office": classified.office,
        "distance_m": classified.distance_m, "h3": classified.h3,
        "workers": classified.workers, "registered": classified.registered,
        "x": classified.x, "y": classified.y, "id": ids.to_numpy(),
        "reason": pd.array([""] * len(classified), dtype="string"),
    })
    rejected = _RESULT_META.copy().reindex(range(len(rejects)))
    rejected["row"] = rejects["row"].to_numpy()
    rejected["reason"] = rejects["reason"].to_numpy()
    rejected = rejected.fillna({"village": -1, "office": -1, "distance_m": np.nan, "h3": 0,
                                "workers": 0, "registered": 0, "x": np.nan, "y": np.nan,
                                "id": ""})
    return pd.concat([accepted, rejected.astype(_RESULT_META.dtypes.to_dict())],
                     ignore_index=True)


def _spatially_partitioned(table: dd.DataFrame, area: StudyArea) -> dd.DataFrame:
    """Order the points along a Hilbert curve so each partition covers a compact area."""
    filled = table.assign(x=table["lon"].fillna(0.0), y=table["lat"].fillna(0.0))
    points = dask_geopandas.from_dask_dataframe(
        filled, geometry=dask_geopandas.points_from_xy(filled, "x", "y", crs="EPSG:4326"))
    west, south, east, north = area.bounds_lonlat
    hilbert = points.hilbert_distance(total_bounds=(west, south, east, north))
    keyed = table.assign(hilbert=hilbert)
    return keyed.shuffle("hilbert", npartitions=table.npartitions).drop(columns="hilbert")


def classify_households_dask(
    path: str | Path,
    area: StudyArea,
    params: HouseholdParams | None = None,
    *,
    client: Client,
    mapping: ColumnMapping | None = None,
) -> HouseholdClassification:
    """
    Classify a household file on a Dask cluster; same result as on one machine.

    Parameters
    ----------
    path
        A household file (as for :func:`geo_outreach.analysis.households.classify_households`).
    area
        From :func:`geo_outreach.analysis.village_locator.build_study_area`.
    params
        H3 resolution; ``chunk_rows`` sets the partition size.
    client
        A connected Dask client (see :func:`dask_client`).
    mapping
        The user's own headers.

    Returns
    -------
    HouseholdClassification
        Identical to the single-machine classification.
    """
    params = params or HouseholdParams()
    path = Path(path)
    table = _dask_table(path, mapping, min(params.chunk_rows, PARTITION_ROWS))
    partitioned = _spatially_partitioned(table, area)
    area_future = client.scatter(area, broadcast=True)
    results = partitioned.map_partitions(_classify_partition, area_future, params,
                                         meta=_RESULT_META)
    frame = client.compute(results).result().sort_values("row", kind="stable")
    accepted = frame[frame["reason"] == ""]
    classified = Classified(
        rows=accepted["row"].to_numpy(np.int64), village=accepted["village"].to_numpy(np.int32),
        office=accepted["office"].to_numpy(np.int32),
        distance_m=accepted["distance_m"].to_numpy(np.float32),
        within=accepted["distance_m"].to_numpy() <= area.radius_m,
        h3=accepted["h3"].to_numpy(np.uint64), workers=accepted["workers"].to_numpy(np.int32),
        registered=accepted["registered"].to_numpy(np.int32),
        x=accepted["x"].to_numpy(np.float32), y=accepted["y"].to_numpy(np.float32))
    rejected = frame.loc[frame["reason"] != "", ["row", "reason"]]
    return finish_classification([classified], [rejected],
                                 [accepted["id"].reset_index(drop=True)],
                                 rows_read=len(frame), name=path.name)


def _empty_frame() -> pd.DataFrame:
    return pd.DataFrame({"row": pd.Series(dtype="int64"), "id": pd.Series(dtype="string"),
                         "lat": pd.Series(dtype="float64"), "lon": pd.Series(dtype="float64"),
                         "workers": pd.Series(dtype="object"),
                         "registered": pd.Series(dtype="object")})


def _row_group_frame(path: Path, group: int, first_row: int, headers: dict[str, str]
                     ) -> pd.DataFrame:
    """Read one Parquet row group on a worker, with canonical columns and row numbers."""
    table = pq.ParquetFile(path).read_row_group(group, columns=list(headers.values()))
    frame = table.to_pandas()
    chunk = HouseholdChunk(
        rows=np.arange(first_row, first_row + len(frame), dtype=np.int64),
        ids=frame[headers["id"]].astype("string").str.strip().reset_index(drop=True),
        lat=pd.to_numeric(frame[headers["lat"]], errors="coerce").to_numpy(float),
        lon=pd.to_numeric(frame[headers["lon"]], errors="coerce").to_numpy(float),
        workers=frame[headers["workers"]] if "workers" in headers else None,
        registered=frame[headers["registered"]])
    return _frame_of(chunk).astype({"workers": "object", "registered": "object"})


def _dask_table(path: Path, mapping: ColumnMapping | None, chunk_rows: int) -> dd.DataFrame:
    """
    Make a Dask table of canonical columns.

    A Parquet file with lat/lon columns is read by the workers, one row group per
    partition (the scalable path); other formats are streamed by this process.
    """
    headers = household_headers(path, mapping)
    if path.suffix.lower() in {".parquet", ".geoparquet"} and {"lat", "lon"} <= set(headers):
        metadata = pq.ParquetFile(path).metadata
        sizes = [metadata.row_group(i).num_rows for i in range(metadata.num_row_groups)]
        starts = np.cumsum([1, *sizes[:-1]])
        parts = [delayed(_row_group_frame)(path, i, int(start), headers)
                 for i, start in enumerate(starts)]
    else:
        parts = [delayed(lambda c: _frame_of(c).astype(
                    {"workers": "object", "registered": "object"}))(chunk)
                 for chunk in read_household_chunks(path, mapping=mapping, chunk_rows=chunk_rows)]
    return dd.from_delayed(parts, meta=_empty_frame(), verify_meta=False)


def prepare_households_dask(
    prepared: PreparedInputs,
    path: Path,
    *,
    params: HouseholdParams,
    mapping: ColumnMapping | None,
    scheduler: str,
    radius_km: float,
) -> HouseholdInputs:
    """
    Like :func:`geo_outreach.analysis.household_reach.prepare_households`, on a Dask cluster.

    Parameters
    ----------
    prepared
        Inputs without errors.
    path
        The household file.
    params
        H3 resolution, suppression threshold, partition size.
    mapping
        The user's own headers.
    scheduler
        ``"local"`` or a scheduler address.
    radius_km
        The radius.

    Returns
    -------
    HouseholdInputs
        The classification and what it needs.
    """
    area = build_study_area(prepared.villages, prepared.offices, radius_km=radius_km)
    with dask_client(scheduler) as client:
        classification = classify_households_dask(path, area, params, client=client,
                                                  mapping=mapping)
    record = {"path": str(path), "sha256": file_sha256(path), "dask_scheduler": scheduler}
    return HouseholdInputs(classification, area, params, is_demo=False, record=record)


def parquet_rows(path: Path) -> int:
    """Count the rows of a Parquet file from its metadata (no data read)."""
    return pq.ParquetFile(path).metadata.num_rows
