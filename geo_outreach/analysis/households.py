"""
Household points: exact uncovered counts inside the radius, per village, office and H3 cell.

Each household is classified with array operations only (no Python loop per point):
coordinates are projected with pyproj on arrays, the village is found on a lookup grid
(exact point-in-polygon tests only near village boundaries), the nearest office by a KD
tree, and the H3 cell by h3ronpy. Rows that cannot be used (bad coordinates, lat/lon
swapped, outside the study area, duplicate ids, bad counts) are set aside with their row
numbers: never dropped silently.

Privacy (UU PDP 27/2022): only the columns needed are read; household ids are replaced by
pseudonyms keyed by a random secret that is never written; shared outputs hold aggregates,
and cells with fewer than ``k`` households are suppressed (shown as ``"<10"``).
"""

from __future__ import annotations

import dataclasses
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Final

import numpy as np
import pandas as pd
from h3ronpy.vector import coordinates_to_cells

from geo_outreach._errors import InputError, Problem, Translatable
from geo_outreach.analysis.household_store import (
    Classified,
    ClassifiedChunks,
    DuplicateIds,
)
from geo_outreach.config import PARAMETERS
from geo_outreach.inputs.household_files import (
    DEFAULT_CHUNK_ROWS,
    HouseholdChunk,
    read_household_chunks,
)
from geo_outreach.privacy import DEFAULT_K

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    from geo_outreach.analysis.village_locator import StudyArea
    from geo_outreach.config import ColumnMapping

REJECT_REASONS: Final = ("bad_coordinates", "swapped_lat_lon", "outside_study_area",
                         "duplicate_id", "bad_values")
"""Why a household row was set aside."""

REJECT_FIXES: Final[dict[str, str]] = {
    "bad_coordinates": "give lat/lon in decimal degrees (e.g. -7.78, 110.38); 0,0 is not a place",
    "swapped_lat_lon": "swap the lat and lon values of these rows",
    "outside_study_area": "check the coordinates, or use boundaries that cover these points",
    "duplicate_id": "keep one row per household id",
    "bad_values": "workers and registered must be whole numbers from 0 to 50, registered <= "
                  "workers (or registered as ya/tidak)",
}

MAX_WORKERS_PER_HOUSEHOLD: Final = 50
"""Most workers (and registered workers) one household row may count: 50.

A household register row is one household (one kartu keluarga); more than 50 working
members is a data error (a village total or a typo), and huge values would overflow the
count columns. Rows above the bound are rejected as ``bad_values``."""

FLAG_TRUE: Final = frozenset({"ya", "y", "yes", "true", "t", "sudah", "terdaftar", "aktif"})
FLAG_FALSE: Final = frozenset({"tidak", "no", "n", "false", "f", "belum", "belum terdaftar",
                               "tidak terdaftar", "nonaktif", "bukan"})
CLASSIFY_THREADS: Final = 2
"""Chunks classified at once (the numeric work releases the GIL)."""
DEFAULT_H3_RESOLUTION: Final = 8


@dataclass(frozen=True)
class HouseholdParams:
    """
    Options for household classification.

    Attributes
    ----------
    h3_resolution
        H3 resolution of the hotspot cells (default 8: about 0.74 km² a cell).
    min_cell_households
        ``k``: cells (and other aggregates) with fewer households are suppressed in
        shared outputs (default 10).
    chunk_rows
        Rows read at a time.
    """

    h3_resolution: int = DEFAULT_H3_RESOLUTION
    min_cell_households: int = DEFAULT_K
    chunk_rows: int = DEFAULT_CHUNK_ROWS

    def __post_init__(self) -> None:
        """Refuse impossible values with the fix."""
        if not 0 <= self.h3_resolution <= 15:  # noqa: PLR2004 - H3's own range
            raise InputError(Problem(PARAMETERS, None, "h3_resolution",
                                     str(self.h3_resolution), "H3 resolutions run from 0 to 15",
                                     "use e.g. 8 (about 0.74 km² a cell)",
                                     key="households.h3_resolution"))
        if self.min_cell_households < 1:
            raise InputError(Problem(PARAMETERS, None, "min_cell_households",
                                     str(self.min_cell_households),
                                     "the suppression threshold must be at least 1",
                                     "use e.g. 10", key="households.min_cell_households"))


def _is_numeric(values: pd.Series | None) -> bool:
    return values is not None and pd.api.types.is_numeric_dtype(values.dtype) and not (
        pd.api.types.is_bool_dtype(values.dtype))


def _parse_counts(chunk: HouseholdChunk) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Workers (default 1) and registered (count or flag); and which rows are bad."""
    size = len(chunk.rows)
    if _is_numeric(chunk.registered) and (chunk.workers is None or _is_numeric(chunk.workers)):
        return _numeric_counts(chunk, size)
    bad = np.zeros(size, dtype=bool)
    if chunk.workers is None:
        workers = np.ones(size)
    else:
        text = chunk.workers.astype("string").str.strip()
        workers = pd.to_numeric(text, errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
        blank = text.isna().to_numpy() | (text == "").fillna(value=True).to_numpy()
        bad |= np.isnan(workers) & ~blank
        workers = np.where(blank, 1.0, workers)
    registered_text = (chunk.registered.astype("string").str.strip().str.lower()
                       if chunk.registered is not None else pd.Series([""] * size, dtype="string"))
    registered = pd.to_numeric(registered_text, errors="coerce").to_numpy(
        dtype="float64", na_value=np.nan)
    flag_yes = registered_text.isin(FLAG_TRUE).to_numpy()
    flag_no = registered_text.isin(FLAG_FALSE).to_numpy()
    registered = np.where(flag_yes, workers, np.where(flag_no, 0.0, registered))
    bad |= np.isnan(registered)
    bad |= (workers < 0) | (registered < 0) | (workers % 1 != 0) | (registered % 1 != 0)
    return _finish_counts(workers, registered, bad)


def _numeric_counts(chunk: HouseholdChunk, size: int
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Read counts on the fast path: both columns already numbers (Parquet, clean CSV)."""
    assert chunk.registered is not None
    workers = (np.ones(size) if chunk.workers is None
               else chunk.workers.to_numpy(dtype="float64", na_value=np.nan))
    workers = np.where(np.isnan(workers), 1.0, workers)  # blank: one worker
    registered = chunk.registered.to_numpy(dtype="float64", na_value=np.nan)
    return _finish_counts(workers, registered, np.isnan(registered))


def _finish_counts(workers: np.ndarray, registered: np.ndarray, bad: np.ndarray
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    with np.errstate(invalid="ignore"):
        bad = bad | (workers < 0) | (registered < 0) | (workers % 1 != 0) | (registered % 1 != 0)
        bad |= registered > workers
        bad |= (workers > MAX_WORKERS_PER_HOUSEHOLD) | (registered > MAX_WORKERS_PER_HOUSEHOLD)
    # rejected rows are zeroed so no value outside the bound is ever cast (and wraps)
    workers = np.where(bad, 0.0, np.nan_to_num(workers))
    registered = np.where(bad, 0.0, np.nan_to_num(registered))
    return workers.astype(np.int32), registered.astype(np.int32), bad


def classify_chunk(chunk: HouseholdChunk, area: StudyArea,
                   params: HouseholdParams) -> tuple[Classified, pd.DataFrame, pd.Series]:
    """
    Classify one chunk of households.

    Parameters
    ----------
    chunk
        Rows from :func:`geo_outreach.inputs.household_files.read_household_chunks`.
    area
        The study area lookups.
    params
        H3 resolution.

    Returns
    -------
    tuple
        The usable households, the rejected rows (``row``, ``reason``) and the ids of the
        usable households (for the duplicate check across chunks).
    """
    lat, lon = chunk.lat, chunk.lon
    with np.errstate(invalid="ignore"):
        finite = np.isfinite(lat) & np.isfinite(lon) & ~((lat == 0) & (lon == 0))
        in_range = (np.abs(lat) <= 90) & (np.abs(lon) <= 180)  # noqa: PLR2004
        could_swap = finite & (np.abs(lon) <= 90) & (np.abs(lat) <= 180)  # noqa: PLR2004
    good = np.flatnonzero(finite & in_range)
    pool = ThreadPoolExecutor(max_workers=1)  # H3 runs beside the rest of the chunk
    h3_of_good = pool.submit(coordinates_to_cells, lat[good], lon[good], params.h3_resolution)
    pool.shutdown(wait=False)
    x, y = area.to_metric.transform(lon[good], lat[good])
    village = np.full(len(lat), -1, dtype=np.int32)
    village[good] = area.locator.locate(np.asarray(x), np.asarray(y))
    outside = finite & in_range & (village < 0)

    swapped = np.zeros(len(lat), dtype=bool)
    candidates = np.flatnonzero(could_swap & (outside | ~in_range))
    if len(candidates):
        sx, sy = area.to_metric.transform(lat[candidates], lon[candidates])
        swapped[candidates] = area.locator.locate(np.asarray(sx), np.asarray(sy)) >= 0
    workers, registered, bad_values = _parse_counts(chunk)

    bad_coordinates = ~finite | (~in_range & ~swapped)
    reasons = np.select(
        [swapped, bad_coordinates, outside, bad_values],
        ["swapped_lat_lon", "bad_coordinates", "outside_study_area", "bad_values"], default="")
    accepted = reasons == ""
    keep = np.flatnonzero(accepted)
    xy = np.column_stack([np.asarray(x), np.asarray(y)])[accepted[good]]
    distance, office = (area.office_tree.query(xy) if len(keep)
                        else (np.empty(0), np.empty(0)))
    cells = np.asarray(h3_of_good.result(), dtype=np.uint64)[accepted[good]]
    classified = Classified(
        rows=chunk.rows[keep], village=village[keep], office=np.asarray(office, dtype=np.int32),
        distance_m=np.asarray(distance, dtype=np.float32),
        within=np.asarray(distance) <= area.radius_m, h3=cells.astype(np.uint64),
        workers=workers[keep], registered=registered[keep],
        x=xy[:, 0].astype(np.float32), y=xy[:, 1].astype(np.float32))
    rejected = pd.DataFrame({"row": chunk.rows[~accepted], "reason": reasons[~accepted]})
    return classified, rejected, chunk.ids[accepted].reset_index(drop=True)


@dataclass
class HouseholdClassification:
    """
    All households of a file, classified.

    Attributes
    ----------
    chunks
        The usable households, chunk by chunk (on disk for a large file): sums iterate
        over them one chunk at a time.
    rejects
        ``row``, ``reason`` (see :data:`REJECT_REASONS`) and ``detail``, in row order.
    rows_read
        Rows in the file.
    source
        The file's name.
    """

    chunks: ClassifiedChunks
    rejects: pd.DataFrame
    rows_read: int
    source: str

    @property
    def households(self) -> Classified:
        """All usable households at once, in memory (for what needs every point)."""
        return self.chunks.whole()

    def problems(self) -> list[Problem]:
        """Summarise the rejects as warnings, each with its count and first row numbers."""
        found = []
        for reason, group in self.rejects.groupby("reason", sort=False):
            rows = ", ".join(str(r) for r in group["row"].head(10))
            more = (Translatable(f" and {len(group) - 10} more", "problem.part.and_more",
                                 {"count": str(len(group) - 10)})
                    if len(group) > 10 else "")  # noqa: PLR2004
            found.append(Problem(
                self.source, int(group["row"].iloc[0]), None, None,
                f"{len(group)} household row(s) set aside as {reason} (rows {rows}{more}); "
                "they are listed in households_rejects.csv",
                REJECT_FIXES[str(reason)], severity="warning", key="households.set_aside",
                args={"count": str(len(group)), "rows": rows, "more": more,
                      "reason": Translatable(str(reason), f"problem.part.reject_reason.{reason}"),
                      "fix": Translatable(REJECT_FIXES[str(reason)],
                                          f"problem.part.reject_fix.{reason}")}))
        return found


def classify_households(
    source: str | Path | Iterable[HouseholdChunk],
    area: StudyArea,
    params: HouseholdParams | None = None,
    *,
    mapping: ColumnMapping | None = None,
    name: str | None = None,
) -> HouseholdClassification:
    """
    Classify every household of a file (streamed in chunks).

    Parameters
    ----------
    source
        A household file, or chunks already read.
    area
        From :func:`build_study_area`.
    params
        H3 resolution and chunk size.
    mapping
        The user's own headers.
    name
        The file name for messages (default: the path's name).

    Returns
    -------
    HouseholdClassification
        Usable households and rejected rows. Duplicate ids keep their first row.
    """
    params = params or HouseholdParams()
    if isinstance(source, (str, Path)):
        name = name or Path(source).name
        chunks: Iterable[HouseholdChunk] = read_household_chunks(
            source, mapping=mapping, chunk_rows=params.chunk_rows)
    else:
        chunks = source
    store, ids, rejected, rows_read = ClassifiedChunks(), DuplicateIds(), [], 0
    for classified, rejects, chunk_ids in _classify_in_parallel(chunks, area, params):
        store.append(classified)
        ids.add(chunk_ids, classified.rows)
        rejected.append(rejects)
        rows_read += len(classified) + len(rejects)
    return _finished(store, ids, rejected, rows_read=rows_read, name=name or "households")


def _classify_in_parallel(
    chunks: Iterable[HouseholdChunk], area: StudyArea, params: HouseholdParams,
    *, threads: int = CLASSIFY_THREADS,
) -> Iterator[tuple[Classified, pd.DataFrame, pd.Series]]:
    """Classify chunks on a few threads, in order, holding at most ``threads`` ahead."""
    with ThreadPoolExecutor(max_workers=threads) as pool:
        pending: deque[Future[tuple[Classified, pd.DataFrame, pd.Series]]] = deque()
        for chunk in chunks:
            pending.append(pool.submit(classify_chunk, chunk, area, params))
            if len(pending) >= threads:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


def finish_classification(
    parts: list[Classified], rejected: list[pd.DataFrame], ids: list[pd.Series], *,
    rows_read: int, name: str,
) -> HouseholdClassification:
    """
    Join classified chunks (in row order) and set aside duplicate ids after their first row.

    Parameters
    ----------
    parts
        Usable households per chunk, chunks in row order.
    rejected
        Rejected rows per chunk (``row``, ``reason``).
    ids
        The ids of each chunk's usable households, aligned with ``parts``.
    rows_read
        Rows in the file.
    name
        The file's name.

    Returns
    -------
    HouseholdClassification
        The whole file's classification.
    """
    store, duplicates = ClassifiedChunks(), DuplicateIds()
    for part, chunk_ids in zip(parts, ids, strict=True):
        store.append(part)
        duplicates.add(chunk_ids, part.rows)
    return _finished(store, duplicates, rejected, rows_read=rows_read, name=name)


def _finished(store: ClassifiedChunks, ids: DuplicateIds, rejected: list[pd.DataFrame], *,
              rows_read: int, name: str) -> HouseholdClassification:
    """Set aside repeated ids after their first row; gather the rejects in row order."""
    positions, rows, first_rows = ids.duplicates()
    if len(positions):
        rejected.append(pd.DataFrame({
            "row": rows, "reason": "duplicate_id",
            "detail": "same id as row " + pd.Series(first_rows).astype(str)}))
        store.drop(positions)
    rejects = (pd.concat(rejected, ignore_index=True) if rejected
               else pd.DataFrame({"row": [], "reason": []}))
    if "detail" not in rejects.columns:
        rejects["detail"] = ""
    rejects["detail"] = rejects["detail"].fillna("")
    rejects = rejects.sort_values("row", kind="stable").reset_index(drop=True)
    return HouseholdClassification(store, rejects, rows_read, name)


def within_radius(households: Classified, radius_km: float | None) -> Classified:
    """Return the households with ``within`` set for another radius (a cheap copy)."""
    if radius_km is None:
        return households
    return dataclasses.replace(households, within=households.distance_m <= radius_km * 1000.0)
