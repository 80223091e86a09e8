"""
Which village a point lies in, fast: a lookup grid over the study area.

Cells wholly inside one village answer at once; only cells a boundary crosses test the
point against that cell's candidate villages, exactly.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import shapely
from pyproj import Transformer
from scipy.spatial import cKDTree

from geo_outreach.analysis.locator_cache import cached_grid
from geo_outreach.crs import choose_metric_crs

if TYPE_CHECKING:

    import geopandas as gpd


GRID_CELL_M = 25.0
"""The lookup grid's cell size in metres."""

_GEOS_LOCK = threading.Lock()
"""Held around the point-in-polygon tests on the shared, prepared village polygons.

GEOS builds a prepared polygon's point index lazily, on its first test, and that is not
thread-safe: two threads testing the same fresh polygons (the classification's threads, two
app sessions sharing one study area) freed the index twice and aborted the process. Only the
exact tests of boundary cells take the lock; they are a small part of a chunk's time (1 M
households: 1.4 s with or without it).
"""


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

    @classmethod
    def from_arrays(cls, polygons: np.ndarray, *, cell_m: float, origin: tuple[float, ...],
                    shape: tuple[int, ...], labels: np.ndarray, near_index: np.ndarray,
                    candidate_start: np.ndarray, candidates: np.ndarray) -> VillageLocator:
        """
        Rebuild a locator from the arrays a built one holds (kept on disk by the cache).

        Parameters
        ----------
        polygons
            The polygons it was built from, in the same order.
        cell_m, origin, shape
            The grid.
        labels, near_index, candidate_start, candidates
            The lookups (see the class description); may be read-only memory maps.

        Returns
        -------
        VillageLocator
            A locator that answers exactly as the one that was built.
        """
        locator = cls.__new__(cls)
        locator.polygons = polygons
        shapely.prepare(polygons)
        locator.cell_m = cell_m
        locator.origin = (float(origin[0]), float(origin[1]))
        locator.shape = (int(shape[0]), int(shape[1]))
        locator.labels, locator.near_index = labels, near_index
        locator.candidate_start, locator.candidates = candidate_start, candidates
        return locator

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
        with _GEOS_LOCK:
            hit = shapely.contains_xy(self.polygons[polygon], x[point], y[point])
            missed = np.isin(point, point[hit], invert=True)  # on a boundary: not inside
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
        locator=cached_grid(villages_m.geometry.to_numpy(), GRID_CELL_M,
                            build=lambda polygons, cell: VillageLocator(polygons, cell_m=cell),
                            restore=VillageLocator.from_arrays),
        office_tree=cKDTree(office_xy),
        to_metric=Transformer.from_crs("EPSG:4326", metric_crs, always_xy=True),
    )
