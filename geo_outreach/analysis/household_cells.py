"""
Household counts per village, office and H3 cell, and the household table for exports.

Exact counts from the register; ids are written only as keyed pseudonyms.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING

import geopandas as gpd
import h3
import numpy as np
import pandas as pd
import shapely

from geo_outreach.analysis.household_store import mix64
from geo_outreach.analysis.households import (
    Classified,
    HouseholdClassification,
    HouseholdParams,
    within_radius,
)
from geo_outreach.privacy import suppress_small

if TYPE_CHECKING:
    from collections.abc import Iterable

    from geo_outreach.analysis.village_locator import StudyArea



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
    n_offices = len(area.office_ids)
    partials: list[pd.DataFrame] = []
    for part in classification.chunks:
        households = within_radius(part, radius_km)
        inside = households.take(households.within)
        pair = inside.village.astype(np.int64) * n_offices + inside.office
        uncovered = inside.workers - inside.registered
        unique_pairs, index = np.unique(pair, return_inverse=True)
        index = index.ravel()
        size = len(unique_pairs)
        partials.append(pd.DataFrame({
            "pair": unique_pairs,
            "workers": np.bincount(index, weights=inside.workers, minlength=size),
            "uncovered_workers": np.bincount(index, weights=uncovered, minlength=size),
            "households": np.bincount(index, minlength=size).astype(np.float64),
            "uncovered_households": np.bincount(index, weights=(uncovered > 0).astype(float),
                                                minlength=size),
        }))
        if sum(len(frame) for frame in partials) > FOLD_ROWS:
            partials = [_fold(partials)]
    counts = _fold(partials)
    pairs = counts.pop("pair").to_numpy(np.int64)
    counts.insert(0, "office_id", area.office_ids[pairs % n_offices])
    counts.insert(0, "code", area.village_codes[pairs // n_offices])
    numeric = ["workers", "uncovered_workers", "households", "uncovered_households"]
    counts[numeric] = counts[numeric].round().astype("int64")
    return counts


FOLD_ROWS = 2_000_000
"""Partial sums per chunk are folded together once they hold this many rows."""


def _fold(partials: list[pd.DataFrame]) -> pd.DataFrame:
    """Add up partial sums per ``pair`` (64-bit floats: exact far beyond any count here)."""
    if not partials:
        return pd.DataFrame({"pair": pd.Series(dtype="int64"),
                             **{c: pd.Series(dtype="float64") for c in (
                                 "workers", "uncovered_workers", "households",
                                 "uncovered_households")}})
    joined = pd.concat(partials, ignore_index=True)
    return joined.groupby("pair", as_index=False, sort=True).sum()


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
    cell_ids = classification.chunks.unique_cells()
    sums: list[dict[str, np.ndarray]] = [{}, {}, {}]
    sizes = (len(area.village_codes), len(area.office_ids), len(cell_ids))
    for part in classification.chunks:
        households = within_radius(part, radius_km)
        groups = (households.village, households.office,
                  np.searchsorted(cell_ids, households.h3))
        for total, group, size in zip(sums, groups, sizes, strict=True):
            for name, values in _counts(households, group, size).items():
                total[name] = total[name] + values if name in total else values
    villages, offices, cells = (
        pd.DataFrame(total or _counts(Classified.concat([]), np.zeros(0, np.intp), size))
        for total, size in zip(sums, sizes, strict=True))
    villages.insert(0, "code", area.village_codes)
    offices.insert(0, "office_id", area.office_ids)
    cells.insert(0, "h3", h3_text(cell_ids))
    for table in (villages, offices, cells):
        numeric = table.columns[1:]
        table[numeric] = table[numeric].round().astype("int64")
    cells = suppress_small(cells, params.min_cell_households)
    return HouseholdAggregates(villages, offices, cells)


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
    z = mix64(rows.astype(np.uint64) ^ np.uint64(key))
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
