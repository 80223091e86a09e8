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

import secrets
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Final

import geopandas as gpd
import h3
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import shapely
from h3ronpy.vector import coordinates_to_cells
from pyproj import Transformer
from scipy.spatial import cKDTree

from geo_outreach._errors import InputError, Problem
from geo_outreach.analysis.reach import choose_metric_crs
from geo_outreach.inputs.household_files import (
    DEFAULT_CHUNK_ROWS,
    HouseholdChunk,
    read_household_chunks,
)

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    from geo_outreach.config import ColumnMapping

REJECT_REASONS: Final = ("bad_coordinates", "swapped_lat_lon", "outside_study_area",
                         "duplicate_id", "bad_values")
"""Why a household row was set aside."""

REJECT_FIXES: Final[dict[str, str]] = {
    "bad_coordinates": "give lat/lon in decimal degrees (e.g. -7.78, 110.38); 0,0 is not a place",
    "swapped_lat_lon": "swap the lat and lon values of these rows",
    "outside_study_area": "check the coordinates, or use boundaries that cover these points",
    "duplicate_id": "keep one row per household id",
    "bad_values": "workers and registered must be whole numbers >= 0, registered <= workers "
                  "(or registered as ya/tidak)",
}

COUNT_COLUMNS: Final = ("households", "workers", "registered", "uncovered_workers",
                        "uncovered_households")
"""What is counted per village, office and cell (each also ``*_within_radius``)."""

FLAG_TRUE: Final = frozenset({"ya", "y", "yes", "true", "t", "sudah", "terdaftar", "aktif"})
FLAG_FALSE: Final = frozenset({"tidak", "no", "n", "false", "f", "belum", "belum terdaftar",
                               "tidak terdaftar", "nonaktif", "bukan"})

DEFAULT_K: Final = 10
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
            raise InputError(Problem("parameters", None, "h3_resolution",
                                     str(self.h3_resolution), "H3 resolutions run from 0 to 15",
                                     "use e.g. 8 (about 0.74 km² a cell)"))
        if self.min_cell_households < 1:
            raise InputError(Problem("parameters", None, "min_cell_households",
                                     str(self.min_cell_households),
                                     "the suppression threshold must be at least 1",
                                     "use e.g. 10"))


class VillageLocator:
    """
    Find the village of many points at once, exactly.

    A grid of ``cell_m`` cells covers the villages. A cell that no village boundary
    crosses lies wholly inside one village (or none), so its points take that village
    from a lookup. Cells near a boundary keep the list of villages whose polygon touches
    them (by bounding box), and their points get an exact point-in-polygon test against
    those only.
    Boundary cells are found by sampling every boundary at half the cell size and marking
    the cells around each sample: a superset of the cells a boundary crosses.
    """

    def __init__(self, polygons: np.ndarray, *, cell_m: float = 25.0) -> None:
        self.polygons = polygons
        shapely.prepare(self.polygons)  # once, not on every point-in-polygon call
        self.cell_m = cell_m
        minx, miny, maxx, maxy = shapely.total_bounds(polygons)
        self.origin = (minx - cell_m, miny - cell_m)
        self.shape = (int(np.ceil((maxy - miny) / cell_m)) + 3,
                      int(np.ceil((maxx - minx) / cell_m)) + 3)
        self.labels = self._centre_labels()
        near_cells = np.flatnonzero(self._boundary_cells().ravel())
        # per grid cell: its row in the candidate lists, or -1 away from any boundary
        self.near_index = np.full(self.shape[0] * self.shape[1], -1, dtype=np.int32)
        self.near_index[near_cells] = np.arange(len(near_cells), dtype=np.int32)
        self.candidate_start, self.candidates = self._candidates(near_cells)

    def __getstate__(self) -> dict[str, object]:
        """Pickle for Dask workers (shapely geometries pickle as WKB)."""
        return self.__dict__.copy()

    def _cell_of(self, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        col = np.floor((x - self.origin[0]) / self.cell_m).astype(np.int64)
        row = np.floor((y - self.origin[1]) / self.cell_m).astype(np.int64)
        return row, col

    def _centre_labels(self) -> np.ndarray:
        small = len(self.polygons) < np.iinfo(np.int16).max
        labels = np.full(self.shape, -1, dtype=np.int16 if small else np.int32)
        for index, polygon in enumerate(self.polygons):
            x0, y0, x1, y1 = polygon.bounds
            (r0, r1), (c0, c1) = (self._cell_of(np.array([x0, x1]), np.array([y0, y1])))
            rows = np.arange(r0, r1 + 1)
            cols = np.arange(c0, c1 + 1)
            cx = self.origin[0] + (cols + 0.5) * self.cell_m
            cy = self.origin[1] + (rows + 0.5) * self.cell_m
            grid_x, grid_y = np.meshgrid(cx, cy)
            inside = shapely.contains_xy(polygon, grid_x, grid_y)
            block = labels[r0:r1 + 1, c0:c1 + 1]
            block[inside] = index
        return labels

    def _boundary_cells(self) -> np.ndarray:
        boundaries = shapely.segmentize(shapely.boundary(self.polygons), self.cell_m / 2)
        samples = shapely.get_coordinates(boundaries)
        row, col = self._cell_of(samples[:, 0], samples[:, 1])
        marked = np.zeros(self.shape, dtype=bool)
        marked[row, col] = True
        near = marked.copy()
        for dr in (-1, 0, 1):
            for dc in (-1, 0, 1):
                near |= np.roll(np.roll(marked, dr, axis=0), dc, axis=1)
        return near

    def _candidates(self, cells: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """For each boundary cell, the polygons whose bounding box touches it (CSR arrays)."""
        rows, cols = np.divmod(cells, self.shape[1])
        x0 = self.origin[0] + cols * self.cell_m
        y0 = self.origin[1] + rows * self.cell_m
        boxes = shapely.box(x0, y0, x0 + self.cell_m, y0 + self.cell_m)
        cell_index, polygon_index = shapely.STRtree(self.polygons).query(boxes)
        order = np.lexsort((polygon_index, cell_index))
        cell_index, polygon_index = cell_index[order], polygon_index[order]
        start = np.searchsorted(cell_index, np.arange(len(cells) + 1))
        return start, polygon_index.astype(np.int32)

    def locate(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """
        Return each point's polygon index, or -1 outside every polygon.

        Parameters
        ----------
        x, y
            Point coordinates in the polygons' CRS.

        Returns
        -------
        np.ndarray
            int32 polygon indices. A point on a boundary shared by two villages goes to
            the lower-numbered one.
        """
        result = np.full(len(x), -1, dtype=np.int32)
        row, col = self._cell_of(x, y)
        on_grid = (row >= 0) & (row < self.shape[0]) & (col >= 0) & (col < self.shape[1])
        grid_index = np.flatnonzero(on_grid)
        flat = row[grid_index] * self.shape[1] + col[grid_index]
        result[grid_index] = self.labels.ravel()[flat]
        near = self.near_index[flat]
        is_near = near >= 0
        exact, cell = grid_index[is_near], near[is_near]
        if len(exact):
            result[exact] = self._exact(x[exact], y[exact], cell)
        return result

    def _exact(self, x: np.ndarray, y: np.ndarray, cell: np.ndarray) -> np.ndarray:
        """Test points of boundary cells against their cells' candidate polygons."""
        counts = self.candidate_start[cell + 1] - self.candidate_start[cell]
        point = np.repeat(np.arange(len(x)), counts)
        offsets = np.arange(len(point)) - np.repeat(np.cumsum(counts) - counts, counts)
        polygon = self.candidates[np.repeat(self.candidate_start[cell], counts) + offsets]
        hit = shapely.contains_xy(self.polygons[polygon], x[point], y[point])
        missed = np.isin(point, point[hit], invert=True)  # on a boundary: touches, not inside
        if missed.any():
            hit[missed] = shapely.intersects_xy(self.polygons[polygon[missed]],
                                                x[point[missed]], y[point[missed]])
        found = np.full(len(x), -1, dtype=np.int32)
        # candidates are sorted, so the first hit of a point is its lowest-numbered village
        first = np.flatnonzero(hit)
        first = first[np.r_[True, point[first][1:] != point[first][:-1]]] if len(first) else first
        found[point[first]] = polygon[first]
        return found


@dataclass
class StudyArea:
    """
    Everything needed to classify points, built once per boundaries, offices and radius.

    Attributes
    ----------
    village_codes
        Kemendagri codes, in locator order.
    office_ids
        Office ids, in KD-tree order.
    radius_m
        The radius in metres.
    metric_crs
        The projected CRS used.
    bounds_lonlat
        The villages' bounds in degrees (west, south, east, north).
    """

    village_codes: np.ndarray
    office_ids: np.ndarray
    radius_m: float
    metric_crs: str
    bounds_lonlat: tuple[float, float, float, float]
    locator: VillageLocator = field(repr=False)
    office_tree: cKDTree = field(repr=False)
    to_metric: Transformer = field(repr=False)


def build_study_area(villages: gpd.GeoDataFrame, offices: gpd.GeoDataFrame, *,
                     radius_km: float, metric_crs: str | None = None) -> StudyArea:
    """
    Prepare the lookups that classify households.

    Parameters
    ----------
    villages
        Village polygons with ``code`` (any CRS).
    offices
        Office points with ``office_id`` (any CRS).
    radius_km
        The radius around each office.
    metric_crs
        The projected CRS to measure in; chosen from the villages when None.

    Returns
    -------
    StudyArea
        The lookups.
    """
    metric_crs = metric_crs or choose_metric_crs(villages)
    villages_m = villages.to_crs(metric_crs)
    offices_m = offices.to_crs(metric_crs)
    office_xy = np.column_stack([offices_m.geometry.x, offices_m.geometry.y])
    return StudyArea(
        village_codes=villages_m["code"].to_numpy(dtype=object),
        office_ids=offices_m["office_id"].to_numpy(dtype=object),
        radius_m=radius_km * 1000.0,
        metric_crs=metric_crs,
        bounds_lonlat=tuple(float(v) for v in villages.to_crs("EPSG:4326").total_bounds),
        locator=VillageLocator(villages_m.geometry.to_numpy()),
        office_tree=cKDTree(office_xy),
        to_metric=Transformer.from_crs("EPSG:4326", metric_crs, always_xy=True),
    )


@dataclass
class Classified:
    """
    The usable households, one array element each (no coordinates, no ids kept).

    Attributes
    ----------
    rows
        The user's row numbers.
    village, office
        Indices into :attr:`StudyArea.village_codes` / :attr:`StudyArea.office_ids`.
    distance_m
        Straight-line distance to the nearest office.
    within
        True when the nearest office is within the radius.
    h3
        The H3 cell (uint64).
    workers, registered
        Counts per household.
    """

    rows: np.ndarray
    village: np.ndarray
    office: np.ndarray
    distance_m: np.ndarray
    within: np.ndarray
    h3: np.ndarray
    workers: np.ndarray
    registered: np.ndarray

    @classmethod
    def concat(cls, parts: list[Classified]) -> Classified:
        """Join chunks (an empty list gives an empty result)."""
        names = ("rows", "village", "office", "distance_m", "within", "h3", "workers",
                 "registered")
        dtypes = (np.int64, np.int32, np.int32, np.float32, bool, np.uint64, np.int32, np.int32)
        if not parts:
            return cls(*(np.empty(0, dtype=d) for d in dtypes))
        return cls(*(np.concatenate([getattr(p, n) for p in parts]) for n in names))

    def take(self, keep: np.ndarray) -> Classified:
        """Keep the rows where ``keep`` is True."""
        return Classified(*(getattr(self, n)[keep] for n in (
            "rows", "village", "office", "distance_m", "within", "h3", "workers", "registered")))

    def __len__(self) -> int:
        """Count the households."""
        return len(self.rows)


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
    return (np.nan_to_num(workers).astype(np.int32), np.nan_to_num(registered).astype(np.int32),
            bad)


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
        workers=workers[keep], registered=registered[keep])
    rejected = pd.DataFrame({"row": chunk.rows[~accepted], "reason": reasons[~accepted]})
    return classified, rejected, chunk.ids[accepted].reset_index(drop=True)


@dataclass
class HouseholdClassification:
    """
    All households of a file, classified.

    Attributes
    ----------
    households
        The usable households.
    rejects
        ``row``, ``reason`` (see :data:`REJECT_REASONS`) and ``detail``, in row order.
    rows_read
        Rows in the file.
    source
        The file's name.
    """

    households: Classified
    rejects: pd.DataFrame
    rows_read: int
    source: str

    def problems(self) -> list[Problem]:
        """Summarise the rejects as warnings, each with its count and first row numbers."""
        found = []
        for reason, group in self.rejects.groupby("reason", sort=False):
            rows = ", ".join(str(r) for r in group["row"].head(10))
            more = f" and {len(group) - 10} more" if len(group) > 10 else ""  # noqa: PLR2004
            found.append(Problem(
                self.source, int(group["row"].iloc[0]), None, None,
                f"{len(group)} household row(s) set aside as {reason} (rows {rows}{more}); "
                "they are listed in households_rejects.csv",
                REJECT_FIXES[str(reason)], severity="warning"))
        return found


def _duplicates(ids: list[pd.Series]) -> tuple[pd.Series, np.ndarray]:
    """Join the chunks' ids and mark every occurrence of an id after its first."""
    if not ids:
        return pd.Series([], dtype="string"), np.zeros(0, dtype=bool)
    series = pd.concat(ids, ignore_index=True)
    try:  # ids of digits only (KK, DTKS numbers): compare them as integers, much faster
        numbers = pc.cast(pa.chunked_array([pa.array(chunk.array) for chunk in ids]),
                          pa.uint64())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return series, series.duplicated(keep="first").to_numpy()
    keys = pd.Series(numbers.to_numpy())
    # "007" and "7" are different ids: compare the text where the digits agree
    duplicate = keys.duplicated(keep="first").to_numpy()
    if duplicate.any():
        duplicate = series.duplicated(keep="first").to_numpy()
    return series, duplicate


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
    parts, rejected, ids, rows_read = [], [], [], 0
    for classified, rejects, chunk_ids in _classify_in_parallel(chunks, area, params):
        parts.append(classified)
        rejected.append(rejects)
        ids.append(chunk_ids)
        rows_read += len(classified) + len(rejects)
    return finish_classification(parts, rejected, ids, rows_read=rows_read,
                                 name=name or "households")


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
    households = Classified.concat(parts)
    all_ids, duplicate = _duplicates(ids)
    if duplicate.any():
        first_row = pd.Series(households.rows).groupby(all_ids.to_numpy()).transform("first")
        rejected.append(pd.DataFrame({
            "row": households.rows[duplicate], "reason": "duplicate_id",
            "detail": "same id as row " + first_row[duplicate].astype(str)}))
        households = households.take(~duplicate)
    rejects = (pd.concat(rejected, ignore_index=True) if rejected
               else pd.DataFrame({"row": [], "reason": []}))
    if "detail" not in rejects.columns:
        rejects["detail"] = ""
    rejects["detail"] = rejects["detail"].fillna("")
    rejects = rejects.sort_values("row", kind="stable").reset_index(drop=True)
    return HouseholdClassification(households, rejects, rows_read, name)


def within_radius(households: Classified, radius_km: float | None) -> Classified:
    """Return the households with ``within`` set for another radius (a cheap copy)."""
    if radius_km is None:
        return households
    return Classified(households.rows, households.village, households.office,
                      households.distance_m, households.distance_m <= radius_km * 1000.0,
                      households.h3, households.workers, households.registered)


def village_office_counts(classification: HouseholdClassification, area: StudyArea,
                          *, radius_km: float | None = None) -> pd.DataFrame:
    """
    Count each village's households inside the radius by their nearest office.

    Parameters
    ----------
    classification
        From :func:`classify_households`.
    area
        The study area.
    radius_km
        The radius (the study area's when None).

    Returns
    -------
    pd.DataFrame
        One row per (village, office) pair with households inside the radius: ``code``,
        ``office_id``, ``workers``, ``uncovered_workers``, ``households``,
        ``uncovered_households``.
    """
    households = within_radius(classification.households, radius_km)
    inside = households.take(households.within)
    n_offices = len(area.office_ids)
    pair = inside.village.astype(np.int64) * n_offices + inside.office
    uncovered = inside.workers - inside.registered
    unique_pairs, index = np.unique(pair, return_inverse=True)
    index = index.ravel()
    counts = pd.DataFrame({
        "code": area.village_codes[unique_pairs // n_offices],
        "office_id": area.office_ids[unique_pairs % n_offices],
        "workers": np.bincount(index, weights=inside.workers, minlength=len(unique_pairs)),
        "uncovered_workers": np.bincount(index, weights=uncovered, minlength=len(unique_pairs)),
        "households": np.bincount(index, minlength=len(unique_pairs)),
        "uncovered_households": np.bincount(index, weights=(uncovered > 0).astype(float),
                                            minlength=len(unique_pairs)),
    })
    numeric = ["workers", "uncovered_workers", "households", "uncovered_households"]
    counts[numeric] = counts[numeric].round().astype("int64")
    return counts


def _counts(households: Classified, groups: np.ndarray, size: int) -> dict[str, np.ndarray]:
    """Sum the count columns per group index (0..size-1), for all and within the radius."""
    uncovered = households.workers - households.registered
    values = {
        "households": np.ones(len(households)),
        "workers": households.workers,
        "registered": households.registered,
        "uncovered_workers": uncovered,
        "uncovered_households": (uncovered > 0).astype(np.float64),
    }
    within = households.within.astype(np.float64)
    out = {}
    for name, weights in values.items():
        w = np.asarray(weights, dtype=np.float64)
        out[name] = np.bincount(groups, weights=w, minlength=size)
        out[f"{name}_within_radius"] = np.bincount(groups, weights=w * within, minlength=size)
    return out


@dataclass(frozen=True)
class HouseholdAggregates:
    """
    Exact counts from household points.

    Attributes
    ----------
    villages
        Per village ``code``: :data:`COUNT_COLUMNS` and their ``*_within_radius``.
    offices
        Per ``office_id``: the same, each household counted for its nearest office.
    cells
        Per H3 cell (``h3`` as text): the same, with ``suppressed`` and
        ``households_label``; unsuppressed counts only.
    """

    villages: pd.DataFrame
    offices: pd.DataFrame
    cells: pd.DataFrame


def aggregate(classification: HouseholdClassification, area: StudyArea,
              params: HouseholdParams, *, radius_km: float | None = None) -> HouseholdAggregates:
    """
    Sum households per village, office and H3 cell.

    Parameters
    ----------
    classification
        From :func:`classify_households`.
    area
        The study area it was classified against.
    params
        The suppression threshold ``k`` for the cells.
    radius_km
        The radius; the study area's when None. Changing it needs no new classification:
        each household keeps its distance to the nearest office.

    Returns
    -------
    HouseholdAggregates
        Integer counts; cells below ``k`` households inside the radius are suppressed.
    """
    households = within_radius(classification.households, radius_km)
    villages = pd.DataFrame(_counts(households, households.village, len(area.village_codes)))
    villages.insert(0, "code", area.village_codes)
    offices = pd.DataFrame(_counts(households, households.office, len(area.office_ids)))
    offices.insert(0, "office_id", area.office_ids)
    cell_ids, cell_index = np.unique(households.h3, return_inverse=True)
    cells = pd.DataFrame(_counts(households, cell_index.ravel(), len(cell_ids)))
    cells.insert(0, "h3", h3_text(cell_ids))
    for table in (villages, offices, cells):
        numeric = table.columns[1:]
        table[numeric] = table[numeric].round().astype("int64")
    cells = suppress_small(cells, params.min_cell_households)
    return HouseholdAggregates(villages, offices, cells)


def suppress_small(table: pd.DataFrame, k: int) -> pd.DataFrame:
    """
    Blank the counts of groups with fewer than ``k`` households (statistical disclosure).

    Two levels: a group with 1 to k-1 households in all is suppressed whole; a group
    with 1 to k-1 households inside the radius keeps its totals but loses its
    ``*_within_radius`` counts. Zero stays zero: it discloses nobody.

    Parameters
    ----------
    table
        Aggregates with ``households`` and/or ``households_within_radius`` and other
        :data:`COUNT_COLUMNS`.
    k
        The threshold (default in the app and CLI: 10).

    Returns
    -------
    pd.DataFrame
        A copy: suppressed counts are missing (nullable Int64); ``suppressed`` (bool) marks
        a group with any count suppressed; ``households_label`` and
        ``households_within_radius_label`` hold the count as text, or ``"<k"``.
    """
    out = table.copy()
    if "suppressed" in out.columns:  # already suppressed: doing it twice would lose labels
        return out
    out["suppressed"] = False
    counted = [c for c in out.columns if c.removesuffix("_within_radius") in COUNT_COLUMNS]
    levels = (("households", counted),
              ("households_within_radius", [c for c in counted if c.endswith("_within_radius")]))
    for count_column, columns in levels:
        if count_column not in out.columns:
            continue
        counts = table[count_column].astype("Int64")
        small = ((counts > 0) & (counts < k)).fillna(value=False).to_numpy(dtype=bool)
        out[f"{count_column}_label"] = counts.astype("string").where(~small, f"<{k}")
        for column in columns:
            out[column] = out[column].astype("Int64").mask(small)
        out["suppressed"] |= small
    return out


def hexagons(cell_ids: Iterable[str]) -> gpd.GeoSeries:
    """
    Draw H3 cells as hexagon polygons (EPSG:4326), indexed by their id.

    Parameters
    ----------
    cell_ids
        H3 cell ids as text.

    Returns
    -------
    gpd.GeoSeries
        One hexagon per id.
    """
    ids = list(cell_ids)
    shapes = [shapely.Polygon([(lng, lat) for lat, lng in h3.cell_to_boundary(c)]) for c in ids]
    return gpd.GeoSeries(shapes, index=pd.Index(ids, name="h3"), crs="EPSG:4326")


def cell_polygons(cells: pd.DataFrame, shapes: gpd.GeoSeries | None = None) -> gpd.GeoDataFrame:
    """
    Turn H3 cell aggregates into hexagon polygons (EPSG:4326).

    Parameters
    ----------
    cells
        With an ``h3`` column of cell ids as text.
    shapes
        Hexagons drawn before (:func:`hexagons`), reused instead of drawn again.

    Returns
    -------
    gpd.GeoDataFrame
        ``cells`` with hexagon geometry.
    """
    shapes = hexagons(cells["h3"]) if shapes is None else shapes.reindex(cells["h3"])
    return gpd.GeoDataFrame(cells.copy(), geometry=shapes.to_numpy(), crs="EPSG:4326")


def pseudonyms(rows: np.ndarray, key: int | None = None) -> np.ndarray:
    """
    Replace household rows by pseudonyms that cannot be linked back without the key.

    Parameters
    ----------
    rows
        Row numbers of the households.
    key
        A secret 64-bit key; a fresh random one (never stored) when None, so pseudonyms
        differ from run to run.

    Returns
    -------
    np.ndarray
        Text pseudonyms ``HH`` + 16 hex digits (a keyed 64-bit mix of the row: one to one,
        so no two households share one).
    """
    key = secrets.randbits(64) if key is None else key
    with np.errstate(over="ignore"):
        z = rows.astype(np.uint64) ^ np.uint64(key)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        z = z ^ (z >> np.uint64(31))
    return np.char.add("HH", hex_digits(z, upper=True))


def hex_digits(values: np.ndarray, *, upper: bool = False) -> np.ndarray:
    """
    Write unsigned 64-bit integers as 16 hex digits each, without a Python loop.

    Parameters
    ----------
    values
        uint64 values.
    upper
        Upper-case digits.

    Returns
    -------
    np.ndarray
        Text, zero-padded to 16 digits.
    """
    table = np.frombuffer(b"0123456789ABCDEF" if upper else b"0123456789abcdef", dtype=np.uint8)
    shifts = np.arange(60, -4, -4, dtype=np.uint64)
    nibbles = (values.astype(np.uint64)[:, None] >> shifts) & np.uint64(0xF)
    return table[nibbles].view("S16").ravel().astype(str)


def h3_text(cells: np.ndarray) -> np.ndarray:
    """Write H3 cells (uint64) as their usual 15-digit hex text, e.g. ``888d8cb84dfffff``."""
    return np.char.lstrip(hex_digits(cells), "0") if len(cells) else np.empty(0, dtype=str)


def household_table(classification: HouseholdClassification, area: StudyArea,
                    *, key: int | None = None) -> pd.DataFrame:
    """
    One row per usable household for the local analysis: pseudonymised, no coordinates.

    Parameters
    ----------
    classification
        From :func:`classify_households`.
    area
        The study area.
    key
        Pseudonym key (random when None).

    Returns
    -------
    pd.DataFrame
        ``household``, ``village_code``, ``nearest_office``, ``distance_to_office_km``,
        ``within_radius``, ``h3``, ``workers``, ``registered``.
    """
    households = classification.households
    return pd.DataFrame({
        "household": pseudonyms(households.rows, key),
        "village_code": area.village_codes[households.village],
        "nearest_office": area.office_ids[households.office],
        "distance_to_office_km": (households.distance_m / 1000).round(3),
        "within_radius": households.within,
        "h3": h3_text(households.h3),
        "workers": households.workers,
        "registered": households.registered,
    })
