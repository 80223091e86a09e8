"""
The village lookup grid is kept on disk per boundary layer; read back, it answers the same.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pytest
import shapely

from geo_outreach.analysis import locator_cache, village_locator
from geo_outreach.analysis.locator_cache import ENV_VAR, cache_folder, grid_key
from geo_outreach.analysis.village_locator import VillageLocator, build_study_area
from geo_outreach.inputs.prepare import InputPaths, prepare_inputs

if TYPE_CHECKING:
    from pathlib import Path


@pytest.fixture(scope="module")
def prepared():
    return prepare_inputs(InputPaths())


@pytest.fixture
def cache(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "cache"))
    return tmp_path / "cache" / "village-grids"


def _points(area, count: int = 50_000) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(3)
    west, south, east, north = area.bounds_lonlat
    lon, lat = rng.uniform(west, east, count), rng.uniform(south, north, count)
    return area.to_metric.transform(lon, lat)


def test_a_kept_grid_answers_as_the_built_one(prepared, cache):
    built = build_study_area(prepared.villages, prepared.offices, radius_km=5.0)
    assert len(list(cache.iterdir())) == 1
    read = build_study_area(prepared.villages, prepared.offices, radius_km=5.0)
    assert isinstance(read.locator.labels, np.memmap)  # mapped from disk, not built
    x, y = _points(built)
    np.testing.assert_array_equal(read.locator.locate(x, y), built.locator.locate(x, y))


def test_the_second_run_does_not_build(prepared, cache, monkeypatch):
    build_study_area(prepared.villages, prepared.offices, radius_km=5.0)

    def never(*args, **kwargs):
        raise AssertionError("built again")

    monkeypatch.setattr(village_locator.VillageLocator, "__init__", never)
    build_study_area(prepared.villages, prepared.offices, radius_km=2.0)  # radius: same grid


def test_a_damaged_entry_is_built_again(prepared, cache):
    build_study_area(prepared.villages, prepared.offices, radius_km=5.0)
    entry = next(cache.iterdir())
    (entry / "labels.npy").write_bytes(b"\x93NUMPY broken")
    again = build_study_area(prepared.villages, prepared.offices, radius_km=5.0)
    assert not isinstance(again.locator.labels, np.memmap)


def test_a_cache_that_cannot_be_written_is_not_used(prepared, tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder would be", encoding="utf-8")
    monkeypatch.setenv(ENV_VAR, str(blocker))
    area = build_study_area(prepared.villages, prepared.offices, radius_km=5.0)
    assert not isinstance(area.locator.labels, np.memmap)
    assert blocker.read_text(encoding="utf-8").startswith("a file")


def test_off_keeps_nothing(prepared, tmp_path, monkeypatch):
    monkeypatch.setenv(ENV_VAR, "off")
    assert cache_folder() is None
    build_study_area(prepared.villages, prepared.offices, radius_km=5.0)
    assert not any(tmp_path.iterdir())


def test_the_key_follows_the_polygons_and_the_cell_size():
    squares = np.array([shapely.box(0, 0, 100, 100), shapely.box(100, 0, 200, 100)])
    moved = np.array([shapely.box(0, 0, 100, 100), shapely.box(100, 0, 200, 101)])
    assert grid_key(squares, 25.0) == grid_key(squares.copy(), 25.0)
    assert grid_key(squares, 25.0) != grid_key(moved, 25.0)
    assert grid_key(squares, 25.0) != grid_key(squares, 10.0)
    assert grid_key(squares, 25.0) != grid_key(squares[::-1].copy(), 25.0)  # order matters


def test_only_the_most_recent_grids_are_kept(cache, monkeypatch):
    monkeypatch.setattr(locator_cache, "MAX_ENTRIES", 2)
    for shift in range(4):
        polygons = np.array([shapely.box(shift, 0, shift + 100, 100)])
        locator_cache.cached_grid(polygons, 25.0, build=lambda p, c: VillageLocator(p, cell_m=c),
                                  restore=VillageLocator.from_arrays)
    assert len(list(cache.iterdir())) == 2
