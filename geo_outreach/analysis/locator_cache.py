"""
The village lookup grid, built once per boundary layer and kept on disk.

Building :class:`~geo_outreach.analysis.village_locator.VillageLocator` for DIY's 438
villages takes about 2 s and 330 MB (a 25 m grid of 11 million cells, every boundary
sampled); it depends only on the polygons (in the metric CRS) and the cell size. So it is
kept in the user's cache folder, in a folder named by the SHA-256 of exactly that (the
polygons' WKB, the cell size and the layout version), and the next run of any command on
the same boundaries maps the arrays from disk instead: the grid is then read only where
points fall, and shared between processes by the operating system.

A cache that cannot be written (read-only home, full disk) or read (a damaged entry) is
simply not used: the grid is built as before. Entries are written into a temporary folder
and renamed into place, so a reader never sees half an entry. ``GEO_OUTREACH_CACHE_DIR``
moves the cache; ``GEO_OUTREACH_CACHE_DIR=off`` turns it off.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Final, Protocol, TypeVar

import numpy as np
import platformdirs
import shapely

if TYPE_CHECKING:
    from collections.abc import Callable

    import numpy.typing as npt


class Grid(Protocol):
    """What the cache keeps of a lookup grid (a ``VillageLocator``)."""

    polygons: npt.NDArray[np.object_]
    cell_m: float
    origin: tuple[float, float]
    shape: tuple[int, int]
    labels: np.ndarray
    near_index: np.ndarray
    candidate_start: np.ndarray
    candidates: np.ndarray


G = TypeVar("G", bound=Grid)

ENV_VAR: Final = "GEO_OUTREACH_CACHE_DIR"
LAYOUT: Final = 1
"""Bumped whenever the locator's arrays change meaning: old entries are then not used."""

_ARRAYS: Final = ("labels", "near_index", "candidate_start", "candidates")
_MAPPED: Final = frozenset({"labels", "near_index"})  # the large ones: read where needed


def cache_folder() -> Path | None:
    """
    Return where lookup grids are kept, or None when the cache is off.

    Returns
    -------
    Path or None
        ``$GEO_OUTREACH_CACHE_DIR`` (``off`` turns the cache off), else
        ``village-grids`` in the user's cache folder (``platformdirs.user_cache_path``).
    """
    chosen = os.environ.get(ENV_VAR, "")
    if chosen.lower() == "off":
        return None
    base = Path(chosen) if chosen else platformdirs.user_cache_path("geo-outreach",
                                                                     appauthor=False)
    return base / "village-grids"


def grid_key(polygons: npt.NDArray[np.object_], cell_m: float) -> str:
    """
    Name a lookup grid by what it is built from.

    Parameters
    ----------
    polygons
        The village polygons, in the metric CRS, in locator order.
    cell_m
        The grid's cell size.

    Returns
    -------
    str
        A SHA-256 hex digest of the layout version, the cell size and every polygon's WKB.
    """
    digest = hashlib.sha256(f"layout={LAYOUT};cell_m={cell_m!r};n={len(polygons)};".encode())
    for wkb in shapely.to_wkb(polygons):
        digest.update(len(wkb).to_bytes(8, "little"))
        digest.update(wkb)
    return digest.hexdigest()


def cached_grid(polygons: npt.NDArray[np.object_], cell_m: float, *,
                build: Callable[[npt.NDArray[np.object_], float], G],
                restore: Callable[..., G]) -> G:
    """
    Return the lookup grid of these polygons: from the cache, else built (and kept).

    Parameters
    ----------
    polygons
        The village polygons, in the metric CRS.
    cell_m
        The grid's cell size.
    build
        Builds the grid from the polygons and cell size (``VillageLocator``).
    restore
        Rebuilds it from kept arrays (``VillageLocator.from_arrays``).

    Returns
    -------
    Grid
        The same answers whether read or built.
    """
    folder = cache_folder()
    if folder is None:
        return build(polygons, cell_m)
    entry = folder / grid_key(polygons, cell_m)
    found = _read(entry, polygons, restore)
    if found is not None:
        return found
    grid = build(polygons, cell_m)
    _write(entry, grid)
    _prune(folder)
    return grid


MAX_ENTRIES: Final = 8
"""Grids kept; the least recently used beyond these are removed (DIY's is about 75 MB)."""


def _prune(folder: Path) -> None:
    """Remove the least recently used grids beyond :data:`MAX_ENTRIES`."""
    try:
        entries = sorted((p for p in folder.iterdir() if p.is_dir() and not p.name.startswith(".")),
                         key=lambda p: p.stat().st_mtime, reverse=True)
    except OSError:
        return
    for stale in entries[MAX_ENTRIES:]:
        shutil.rmtree(stale, ignore_errors=True)


def _read(entry: Path, polygons: npt.NDArray[np.object_],
          restore: Callable[..., G]) -> G | None:
    try:
        meta = json.loads((entry / "grid.json").read_text(encoding="utf-8"))
        arrays = {name: np.load(entry / f"{name}.npy", allow_pickle=False,
                                mmap_mode="r" if name in _MAPPED else None)
                  for name in _ARRAYS}
        grid = restore(polygons, cell_m=float(meta["cell_m"]), origin=tuple(meta["origin"]),
                       shape=tuple(meta["shape"]), **arrays)
        os.utime(entry)  # recently used: kept by the pruning
    except (OSError, ValueError, KeyError, TypeError):
        return None  # missing or damaged: built again
    return grid


def _write(entry: Path, locator: Grid) -> None:
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".grid-", dir=entry.parent))
    except OSError:
        return  # the cache cannot be written: the grid was built, nothing is lost
    try:
        for name in _ARRAYS:
            np.save(staging / f"{name}.npy", np.asarray(getattr(locator, name)),
                    allow_pickle=False)
        (staging / "grid.json").write_text(json.dumps({
            "cell_m": locator.cell_m, "origin": list(locator.origin),
            "shape": list(locator.shape), "polygons": len(locator.polygons),
            "layout": LAYOUT}), encoding="utf-8")
        staging.rename(entry)  # atomic; another process may have won the race: fine
    except OSError:
        pass
    finally:
        shutil.rmtree(staging, ignore_errors=True)
