"""
Stops a team can visit in one sitting: each village's uncovered households, in groups.

A stop holds at most ``households_per_stop`` households (one sitting's visiting time over
the minutes per household, e.g. 90 / 3 = 30). Each chosen village is cut into *pieces*
where its households are (H3 cells of the household points, the planner's padukuhan, or
H3 cells of its area), its households are shared out over them exactly (largest
remainders), a piece holding more than a stop becomes several stops there, and the other
pieces are merged, the heaviest first, with their nearest neighbours of the village (up to
:data:`MERGE_DISTANCE_M` apart) into stops placed at their household-weighted centre.
"""

from __future__ import annotations

import itertools
import warnings
from typing import TYPE_CHECKING, Final

import geopandas as gpd
import h3
import numpy as np
import pandas as pd
import shapely
from scipy.spatial import cKDTree

from geo_outreach._errors import InputError, Problem
from geo_outreach.analysis.household_cells import hexagons
from geo_outreach.config import PARAMETERS
from geo_outreach.field.apportion import apportion
from geo_outreach.field.stop_files import locate_padukuhan
from geo_outreach.field.stops import (
    STOP_COLUMNS,
    choose_villages,
    prepare_stops,
    village_households,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

    from geo_outreach.analysis.result import AnalysisResult
    from geo_outreach.field.stops import ChosenVillages

PLACED_BY: Final = ("household_cells", "padukuhan", "area_cells", "village", "given")
"""How a stop was placed; ``given``: the stop's own point (:func:`split_stops`)."""
MERGE_DISTANCE_M: Final = 1_000.0
"""Pieces of a village at most this far apart (centre to centre) may share a stop."""
MERGE_NEIGHBOURS: Final = 64
"""The nearest pieces looked at when a stop is filled."""
MIN_PIECE_M2: Final = 1.0
"""Slivers smaller than this (edges of cells along a boundary) are no piece."""
MIN_PADUKUHAN_COVER: Final = 0.9
"""Below this share of a village's part covered by its padukuhan, a warning says so."""
CELL_RESOLUTIONS: Final = range(6, 12)
"""H3 resolutions offered for area cells: 6 (about 36 km²) to 11 (about 0.002 km²)."""
PADUKUHAN_WORDS: Final = ("padukuhan", "pedukuhan", "dusun", "dukuh")
OUTPUT_COLUMNS: Final = (*STOP_COLUMNS[:3], "district", "households", "code", "priority",
                         "part", "parts", "placed_by")


def visit_stops(
    result: AnalysisResult,
    *,
    office_id: str,
    households_per_stop: int,
    codes: Sequence[str] | None = None,
    top: int | None = 30,
    workers_per_household: float = 1.0,
    padukuhan: gpd.GeoDataFrame | None = None,
    cell_resolution: int = 9,
    settled: pd.Series | None = None,
) -> gpd.GeoDataFrame:
    """
    Make stops a team can visit in one sitting, where the villages' uncovered households are.

    Parameters
    ----------
    result
        The analysis.
    office_id
        The office whose radius bounds the stops.
    households_per_stop
        The most households one stop holds (1 or more).
    codes, top, workers_per_household
        As for :func:`geo_outreach.field.stops.village_stops`; ``top=None`` takes every
        village with uncovered workers inside the radius.
    padukuhan
        Padukuhan polygons (:func:`geo_outreach.field.stop_files.read_padukuhan`); villages
        without any keep their cells.
    cell_resolution
        H3 resolution of the area cells (:data:`CELL_RESOLUTIONS`).
    settled
        Households not to plan, per village code: refused, do not contact, come-back
        visits waiting for their date (``FieldHistory.settled`` in
        :mod:`geo_outreach.field.field_history`).

    Returns
    -------
    gpd.GeoDataFrame
        :func:`geo_outreach.field.stops.prepare_stops` form plus ``code``, ``priority``
        (1 = first: the villages in priority order, within a village the fullest and
        densest stops first), ``part`` of ``parts`` (within the village) and
        ``placed_by`` (:data:`PLACED_BY`). ``stop_id`` is the village code and the part
        (``34.04.07.2003-03``); ``label`` e.g. ``Caturtunggal 2/7`` or
        ``Caturtunggal – Padukuhan Karangasem 1/2``. A village's stops hold exactly its
        households (:func:`geo_outreach.field.stops.village_households`).

    Raises
    ------
    InputError
        For bad settings, an unknown office or codes, or padukuhan codes not in the
        boundaries.
    """
    _check_settings(households_per_stop, workers_per_household=workers_per_household,
                    cell_resolution=cell_resolution, top=top)
    picked = choose_villages(result, office_id=office_id, codes=codes, top=top)
    households, parts, register = village_households(
        result, picked, office_id=office_id, workers_per_household=workers_per_household)
    if settled is not None:
        codes_chosen = picked.villages["code"].astype(str).to_numpy()[picked.chosen]
        households = np.maximum(households - settled.reindex(codes_chosen).fillna(0).to_numpy(
            np.int64), 0)
    wanted = households > 0
    pieces = _household_pieces(result, parts, households, np.flatnonzero(register & wanted))
    rest = np.flatnonzero(wanted & ~_has_pieces(pieces, len(parts)))
    pieces = pd.concat([pieces, _area_pieces(parts, rest, cell_resolution, result.metric_crs)],
                       ignore_index=True)
    if padukuhan is not None:
        pieces = _padukuhan_pieces(padukuhan, picked, parts, pieces)
    left = np.flatnonzero(wanted & ~_has_pieces(pieces, len(parts)))
    whole = picked.villages.geometry.to_numpy()[picked.chosen[left]]
    pieces = pd.concat([pieces, _frame(left, np.where(shapely.is_empty(parts[left]), whole,
                                                      parts[left]),
                                       np.ones(len(left)), placed_by="village")],
                       ignore_index=True)
    pieces["households"] = apportion(households, pieces["village"].to_numpy(),
                                     pieces["weight"].to_numpy(float))
    return _stop_table(pieces, picked, parts, households_per_stop, result.metric_crs)


def split_stops(stops: gpd.GeoDataFrame, households_per_stop: int) -> gpd.GeoDataFrame:
    """
    Split stops holding more than ``households_per_stop`` into parts at the same point.

    Parameters
    ----------
    stops
        Any stops table (:func:`geo_outreach.field.stops.prepare_stops` checks it), e.g.
        the planner's file (:func:`geo_outreach.field.stop_files.read_stops`).
    households_per_stop
        The most households one stop holds (1 or more).

    Returns
    -------
    gpd.GeoDataFrame
        The columns of :func:`visit_stops`. A stop of ``h`` households becomes
        ``ceil(h / households_per_stop)`` stops sharing its households evenly (the sum
        is kept), ids ``<id>-1``, ``<id>-2``..., labels ``<label> 1/3``...; a stop that
        fits keeps its id. ``priority`` follows the table's own ``priority``, else its
        order; ``part`` and ``parts`` count the stops of a village (``code``) or, without
        one, of the stop split; ``placed_by`` is ``given`` when missing.

    Raises
    ------
    InputError
        For a bad ``households_per_stop``, a bad stops table, or parts' ids that clash.
    """
    _check_settings(households_per_stop)
    table = prepare_stops(stops)
    if "priority" in table.columns:
        table = table.sort_values("priority", kind="stable").reset_index(drop=True)
    count = table["households"].to_numpy(np.int64)
    pieces = -(-count // households_per_stop)
    row = np.repeat(np.arange(len(table)), pieces)
    out = table.iloc[row].reset_index(drop=True)
    number = np.arange(len(row)) - np.repeat(np.cumsum(pieces) - pieces, pieces) + 1
    base, extra = np.divmod(count[row], pieces[row])
    out["households"] = base + (number <= extra)
    split = pieces[row] > 1
    suffix = np.char.add("-", number.astype(str))
    out["stop_id"] = np.where(split, np.char.add(out["stop_id"].to_numpy(str), suffix),
                              out["stop_id"])
    out["label"] = np.where(split, [f"{label} {k}/{n}" for label, k, n in zip(
        out["label"], number, pieces[row], strict=True)], out["label"])
    for column, default in (("code", ""), ("placed_by", "given")):
        if column not in out.columns:
            out[column] = default
        out[column] = out[column].replace("", default)
    group = np.where(out["code"] != "", "v" + out["code"], "s" + table["stop_id"].to_numpy(
        str)[row])
    out["priority"] = np.arange(1, len(out) + 1)
    out["part"] = out.groupby(group).cumcount().to_numpy() + 1
    out["parts"] = out.groupby(group)["part"].transform("size").to_numpy()
    clash = out["stop_id"][out["stop_id"].duplicated(keep=False)]
    if len(clash):
        raise InputError(Problem("stops", None, "stop_id", ", ".join(clash.unique()[:5]),
                                 "splitting the stops gives ids that other stops already have",
                                 "rename those stops in the file (e.g. without -1, -2 at the "
                                 "end), or allow more households per stop"))
    return prepare_stops(out[[*OUTPUT_COLUMNS, "geometry"]], source="stops")



def _check_settings(households_per_stop: int, *, workers_per_household: float = 1.0,
                    cell_resolution: int = 9, top: int | None = None) -> None:
    """Refuse settings that make no sense, each with its fix."""
    checks = [
        ("households_per_stop", isinstance(households_per_stop, (int, np.integer))
         and not isinstance(households_per_stop, bool) and households_per_stop >= 1,
         "a stop must hold a whole number of households, at least 1",
         ("give the households one sitting can visit, e.g. 30 (90 minutes at 3 minutes a "
          "household)")),
        ("workers_per_household", workers_per_household > 0,
         "there must be more than 0 uncovered workers per household visit", "give e.g. 1.0"),
        ("cell_resolution", cell_resolution in CELL_RESOLUTIONS,
         (f"the H3 resolution of the cells must be from {CELL_RESOLUTIONS[0]} to "
          f"{CELL_RESOLUTIONS[-1]}"), "give 9 (cells of about 0.1 km²)"),
        ("top", top is None or top >= 0, "the number of villages cannot be negative",
         "give e.g. 30, or none for every village inside the radius"),
    ]
    problems = [Problem(PARAMETERS, None, name, str(value), message, fix)
                for (name, ok, message, fix), value in zip(
                    checks, (households_per_stop, workers_per_household, cell_resolution, top),
                    strict=True) if not ok]
    if problems:
        raise InputError(problems)


# --- pieces -----------------------------------------------------------------------------


def _frame(village: np.ndarray, geometry: np.ndarray, weight: np.ndarray, *, placed_by: str,
           key: np.ndarray | None = None, name: np.ndarray | None = None) -> pd.DataFrame:
    """Pieces as a table; villages whose pieces weigh nothing are left for the next source."""
    frame = pd.DataFrame({
        "village": np.asarray(village, dtype=np.int64), "geometry": geometry,
        "weight": np.nan_to_num(np.asarray(weight, dtype=float)),
        "key": np.full(len(village), "") if key is None else key,
        "name": np.full(len(village), "") if name is None else name, "placed_by": placed_by})
    frame = frame[frame["weight"] > 0]
    return frame.reset_index(drop=True)


def _overlay(cells: np.ndarray, parts: np.ndarray, villages: np.ndarray
             ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Cut the cells by the villages' parts: (village, cell, piece) of each overlap."""
    part_at, cell_at = shapely.STRtree(cells).query(parts[villages], predicate="intersects")
    pieces = shapely.intersection(cells[cell_at], parts[villages][part_at])
    keep = shapely.area(pieces) >= MIN_PIECE_M2
    return villages[part_at[keep]], cell_at[keep], pieces[keep]


def _household_pieces(result: AnalysisResult, parts: np.ndarray, households: np.ndarray,
                      villages: np.ndarray) -> pd.DataFrame:
    """
    Cut villages into the household cells, weighted by their uncovered households.

    The cells' counts are those of the shared map: a cell with fewer than ``k`` households
    inside the radius has none. Each village's households left over once its counted cells
    are weighed go to its suppressed cells by area, so none is lost.
    """
    if result.household_cells is None or not len(villages):
        return _frame(villages[:0], np.empty(0, dtype=object), np.empty(0), placed_by="")
    box = gpd.GeoSeries([shapely.box(*shapely.total_bounds(parts[villages]))],
                        crs=result.metric_crs).to_crs(result.household_cells.crs).iloc[0]
    cells = result.household_cells.iloc[result.household_cells.sindex.query(
        box, predicate="intersects")]
    shapes = cells.to_crs(result.metric_crs).geometry.to_numpy()
    count = cells["uncovered_households_within_radius"].astype("Float64").to_numpy(
        dtype=float, na_value=np.nan)
    village, cell, pieces = _overlay(shapes, parts, villages)
    area = shapely.area(pieces)
    known = count[cell] * area / shapely.area(shapes[cell])
    hidden = np.isnan(known)
    size = len(parts)
    counted = np.bincount(village, np.where(hidden, 0.0, known), minlength=size)
    hidden_area = np.bincount(village, np.where(hidden, area, 0.0), minlength=size)
    rest = np.clip(households - counted, 0, None)
    with np.errstate(divide="ignore", invalid="ignore"):
        weight = np.where(hidden, rest[village] * area / hidden_area[village], known)
    return _frame(village, pieces, weight, placed_by="household_cells",
                  key=cells["h3"].astype(str).to_numpy()[cell])


def _area_pieces(parts: np.ndarray, villages: np.ndarray, resolution: int, crs: str
                 ) -> pd.DataFrame:
    """Cut villages into H3 cells of ``resolution``, weighted by area."""
    villages = villages[~shapely.is_empty(parts[villages])]
    if not len(villages):
        return _frame(villages, np.empty(0, dtype=object), np.empty(0), placed_by="")
    margin = 1.5 * h3.average_hexagon_edge_length(resolution, unit="m")
    around = gpd.GeoSeries(shapely.buffer(parts[villages], margin), crs=crs).to_crs("EPSG:4326")
    ids = sorted(set().union(*(h3.geo_to_cells(shape, resolution) for shape in around)))
    shapes = hexagons(ids).to_crs(crs).to_numpy()
    village, cell, pieces = _overlay(shapes, parts, villages)
    return _frame(village, pieces, shapely.area(pieces), placed_by="area_cells",
                  key=np.asarray(ids, dtype=object)[cell])


def _padukuhan_pieces(padukuhan: gpd.GeoDataFrame, picked: ChosenVillages, parts: np.ndarray,
                      pieces: pd.DataFrame) -> pd.DataFrame:
    """
    Cut the villages' pieces by their padukuhan, for the villages that have any.

    A piece's part in a padukuhan weighs its share of the household cell's weight, else
    the padukuhan's count per m² (when every padukuhan of the village has one), else its
    area.
    """
    size = len(parts)
    chosen_at = np.full(len(picked.villages) + 1, -1)  # position -1 (outside) reads -1
    chosen_at[picked.chosen] = np.arange(size)
    village = chosen_at[locate_padukuhan(padukuhan, picked.villages)]
    keep = (village >= 0) & _has_pieces(pieces, size)[village]
    village = village[keep]
    shapes = padukuhan.to_crs(picked.villages.crs).geometry.to_numpy()[keep]
    with np.errstate(divide="ignore", invalid="ignore"):
        density = padukuhan["weight"].to_numpy(float)[keep] / shapely.area(shapes)
    counted = (np.bincount(village, np.isnan(density).astype(float), minlength=size) == 0) & (
        np.bincount(village, np.nan_to_num(density), minlength=size) > 0)
    base = pieces["geometry"].to_numpy()
    base_at, pad_at = shapely.STRtree(shapes).query(base, predicate="intersects")
    same = pieces["village"].to_numpy()[base_at] == village[pad_at]
    base_at, pad_at = base_at[same], pad_at[same]
    cut = shapely.intersection(base[base_at], shapes[pad_at])
    area = shapely.area(cut)
    weight = np.where(pieces["placed_by"].to_numpy()[base_at] == "household_cells",
                      pieces["weight"].to_numpy()[base_at] * area / shapely.area(base[base_at]),
                      np.where(counted[village[pad_at]], density[pad_at] * area, area))
    features = (padukuhan["feature"].to_numpy() if "feature" in padukuhan
                else np.arange(1, len(padukuhan) + 1))[keep]
    cuts = _frame(village[pad_at], cut, np.where(area >= MIN_PIECE_M2, weight, 0.0),
                  placed_by="padukuhan", key=np.char.add(
                      np.char.zfill(features[pad_at].astype(str), 9),
                      pieces["key"].to_numpy(str)[base_at]),
                  name=padukuhan["padukuhan"].astype(str).to_numpy()[keep][pad_at])
    cover = np.bincount(village[pad_at], area, minlength=size)  # weighed or not
    placed = _has_pieces(cuts, size)
    thin = [str(picked.villages["name"].iloc[picked.chosen[v]]) for v in np.flatnonzero(placed)
            if cover[v] < MIN_PADUKUHAN_COVER * shapely.area(parts[v])]
    if thin:
        warnings.warn(f"{padukuhan.attrs.get('source', 'padukuhan')}: the padukuhan cover less "
                      f"than {MIN_PADUKUHAN_COVER:.0%} of {', '.join(thin[:5])} inside the "
                      "radius, and that village's stops are placed in them only. Fix: add the "
                      "missing padukuhan to the file", UserWarning, stacklevel=3)
    kept = pieces[~placed[pieces["village"].to_numpy()]]
    return pd.concat([kept, cuts], ignore_index=True)


def _has_pieces(pieces: pd.DataFrame, size: int) -> np.ndarray:
    """Tell which of the ``size`` villages have a piece."""
    return np.bincount(pieces["village"].to_numpy(np.int64), minlength=size) > 0


# --- stops ------------------------------------------------------------------------------


def _group(households: np.ndarray, xy: np.ndarray, cap: int
           ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """
    Group one village's pieces into stops of at most ``cap`` households.

    Returns each share of a piece in a stop: (stop, piece, households), stops from 0.
    """
    full, rest = np.divmod(households, cap)
    stop = list(range(int(full.sum())))
    piece = np.repeat(np.arange(len(households)), full).tolist()
    count = [cap] * len(stop)
    small = np.flatnonzero(rest > 0)
    near: list[list[int]] = [[i] for i in range(len(small))]
    if len(small) > 1:
        distance, index = cKDTree(xy[small]).query(
            xy[small], k=min(len(small), MERGE_NEIGHBOURS), distance_upper_bound=MERGE_DISTANCE_M)
        near = [row[np.isfinite(d)].tolist() for row, d in zip(index, distance, strict=True)]
    taken = [False] * len(small)
    left = rest[small].tolist()
    for seed in np.lexsort((small, -rest[small])).tolist():
        if taken[seed]:
            continue
        total, number = 0, len(stop) and stop[-1] + 1
        for member in [seed, *near[seed]]:
            if not taken[member] and total + left[member] <= cap:
                taken[member] = True
                total += left[member]
                stop.append(number)
                piece.append(int(small[member]))
                count.append(left[member])
    return np.asarray(stop, dtype=np.int64), np.asarray(piece, dtype=np.int64), np.asarray(
        count, dtype=np.int64)


def _stop_table(pieces: pd.DataFrame, picked: ChosenVillages, parts: np.ndarray, cap: int,
                crs: str) -> gpd.GeoDataFrame:
    """Group each village's pieces into stops, place, order, number and label them."""
    pieces = pieces[pieces["households"] > 0].sort_values("village", kind="stable")
    shapes = pieces["geometry"].to_numpy()
    xy = shapely.get_coordinates(shapely.centroid(shapes))
    area = shapely.area(shapes)
    piece_households = pieces["households"].to_numpy()
    piece_village = pieces["village"].to_numpy()
    groups, first = [], 0
    bounds = np.flatnonzero(np.diff(piece_village, prepend=-1, append=-1))
    for start, end in itertools.pairwise(bounds):  # one village at a time
        stop, piece, count = _group(piece_households[start:end], xy[start:end], cap)
        groups.append((stop + first, piece + start, count))
        first += int(stop.max()) + 1
    stop, piece, count = (np.concatenate([np.empty(0, dtype=np.int64), *(g[k] for g in groups)])
                          for k in range(3))
    count = count.astype(float)
    households = np.bincount(stop, count, minlength=first)
    centre = np.column_stack([np.bincount(stop, count * xy[piece, k], minlength=first)
                              for k in (0, 1)]) / np.maximum(households, 1)[:, None]
    ground = np.bincount(stop, area[piece] * count / piece_households[piece], minlength=first)
    by_weight = np.lexsort((-count, stop))  # per stop, its heaviest share first
    heaviest = piece[by_weight][np.flatnonzero(np.diff(stop[by_weight], prepend=-1))]
    village = piece_village[heaviest]
    shapely.prepare(parts)
    inside = shapely.contains_xy(parts[village], centre[:, 0], centre[:, 1])
    snap = shapely.get_coordinates(shapely.point_on_surface(shapes[heaviest]))
    centre = np.where(inside[:, None], centre, snap)
    names = _stop_names(stop, piece, count, pieces["name"].to_numpy(), first)
    density = np.divide(households, ground, out=np.zeros(first), where=ground > 0)
    order = np.lexsort((pieces["key"].to_numpy()[heaviest], -density, -households, village))
    return _numbered(order, village, households.astype(np.int64), centre=centre, names=names,
                     placed_by=pieces["placed_by"].to_numpy()[heaviest], picked=picked, crs=crs)


def _stop_names(stop: np.ndarray, piece: np.ndarray, count: np.ndarray, names: np.ndarray,
                size: int) -> list[str]:
    """Name each stop's padukuhan, the most households first ("" for cells)."""
    by_stop: list[dict[str, float]] = [{} for _ in range(size)]
    for s, p, c in zip(stop.tolist(), piece.tolist(), count.tolist(), strict=True):
        if names[p]:
            by_stop[s][names[p]] = by_stop[s].get(names[p], 0.0) + c
    return [", ".join(sorted(held, key=lambda n, h=held: (-h[n], n))) for held in by_stop]


def _numbered(order: np.ndarray, village: np.ndarray, households: np.ndarray, *,
              centre: np.ndarray, names: list[str], placed_by: np.ndarray,
              picked: ChosenVillages, crs: str) -> gpd.GeoDataFrame:
    """Give the ordered stops their priority, part of parts, id and label."""
    village, households, centre = village[order], households[order], centre[order]
    names, placed_by = [names[i] for i in order], placed_by[order]
    rows = picked.villages.iloc[picked.chosen[village]]
    table = pd.DataFrame({"village_at": village, "name": names})
    part = table.groupby("village_at").cumcount().to_numpy() + 1
    parts = table.groupby("village_at")["name"].transform("size").to_numpy()
    within = table.groupby(["village_at", "name"]).cumcount().to_numpy() + 1
    of = table.groupby(["village_at", "name"])["name"].transform("size").to_numpy()
    code = rows["code"].astype(str).to_numpy()
    width = np.maximum(2, np.char.str_len(parts.astype(str)))
    labels = []
    for name, village_name, k, n, k_name, n_name in zip(
            names, rows["name"].astype(str), part, parts, within, of, strict=True):
        if name:
            prefix = "" if name.lower().startswith(PADUKUHAN_WORDS) else "Padukuhan "
            labels.append(f"{village_name} – {prefix}{name}"
                          + (f" {k_name}/{n_name}" if n_name > 1 else ""))
        else:
            labels.append(village_name + (f" {k}/{n}" if n > 1 else ""))
    stops = gpd.GeoDataFrame({
        "stop_id": [f"{c}-{k:0{w}d}" for c, k, w in zip(code, part, width, strict=True)],
        "label": labels, "village": rows["name"].astype(str).to_numpy(),
        "district": rows["district"].astype(str).to_numpy(), "households": households,
        "code": code, "priority": np.arange(1, len(order) + 1), "part": part, "parts": parts,
        "placed_by": placed_by,
    }, geometry=gpd.points_from_xy(centre[:, 0], centre[:, 1]) if len(order) else [],
        crs=crs)
    return prepare_stops(stops, source="villages")
