"""Stops: where the teams go, from the priority villages or from the planner's own list."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo_outreach._errors import InputError, Problem
from geo_outreach.analysis.reach import office_catchments
from geo_outreach.inputs.columns import cell_text

if TYPE_CHECKING:
    from collections.abc import Sequence

    from geo_outreach.analysis.result import AnalysisResult
    from geo_outreach.roads.model import RoadNetwork

STOP_COLUMNS: Final = ("stop_id", "label", "village", "households")
"""Required columns of a stops table (besides point geometry); ``district`` is optional."""
STOP_EXTRA_COLUMNS: Final = ("code", "priority", "part", "parts", "placed_by", "due_day")
"""Optional columns a stops table keeps when it has them: the village ``code``, the
``priority`` (1 = first), ``part`` of ``parts`` of the village, what ``placed_by``
(:data:`geo_outreach.field.visit_stops.PLACED_BY`), and the ``due_day`` of a come-back
visit (the plan's working day it is due on, 0 for any day)."""
STOP_RANKS: Final = ("priority", "part", "parts")
"""Optional columns that hold whole numbers of 1 or more."""


# --- stops --------------------------------------------------------------------------


def prepare_stops(stops: gpd.GeoDataFrame, *, source: str = "stops",
                  rows: Sequence[int] | None = None) -> gpd.GeoDataFrame:
    """
    Check a stops table and bring it to the canonical form.

    Parameters
    ----------
    stops
        One row per stop: ``stop_id`` (unique), ``label``, ``village``, ``households``
        (to visit, a whole number >= 0), optional ``district`` and
        :data:`STOP_EXTRA_COLUMNS`, and a point geometry with a CRS. H3 cells, for
        instance, come as their centre points.
    source
        The file name, for messages.
    rows
        Each stop's row in the user's file, for messages; by default the header is row 1
        and the stops follow from row 2.

    Returns
    -------
    gpd.GeoDataFrame
        The canonical columns (``stop_id``, ``label``, ``village``, ``district``,
        ``households``), then those of :data:`STOP_EXTRA_COLUMNS` the table has (``code``
        and ``placed_by`` as text, the others as integers), in EPSG:4326; stops with no
        household left out.

    Raises
    ------
    InputError
        Listing every problem: missing columns, duplicate ids, bad counts or ranks,
        non-points.
    """
    problems: list[Problem] = []
    missing = [c for c in STOP_COLUMNS if c not in stops.columns]
    if missing:
        problems.append(Problem(source, None, ", ".join(missing), None,
                                "the stops table lacks required column(s)",
                                f"give columns {', '.join(STOP_COLUMNS)} and point geometry"))
    if stops.crs is None:
        problems.append(Problem(source, None, "geometry", None, "the stops have no CRS",
                                "give the points a CRS, e.g. EPSG:4326"))
    if problems:
        raise InputError(problems)
    row_of = np.arange(len(stops)) + 2 if rows is None else np.asarray(rows)
    ids = stops["stop_id"].astype(str)
    problems.extend(
        Problem(source, int(row_of[at]), "stop_id", ids.iloc[at],
                "the stop id occurs more than once", "give each stop its own id")
        for at in np.flatnonzero(ids.duplicated(keep=False).to_numpy())[:5])
    counts = pd.to_numeric(stops["households"], errors="coerce")
    bad = counts.isna() | (counts < 0) | (counts % 1 != 0)
    problems.extend(
        Problem(source, int(row_of[at]), "households", str(stops["households"].iloc[at]),
                "households must be a whole number of 0 or more",
                "write the number of households to visit, e.g. 25")
        for at in np.flatnonzero(bad.to_numpy())[:5])
    ranks = {}
    for column in (c for c in STOP_RANKS if c in stops.columns):
        ranks[column] = pd.to_numeric(stops[column], errors="coerce")
        bad = ranks[column].isna() | (ranks[column] < 1) | (ranks[column] % 1 != 0)
        problems.extend(
            Problem(source, int(row_of[at]), column, str(stops[column].iloc[at]),
                    f"{column} must be a whole number of 1 or more",
                    f"write e.g. 1 for the first, or leave the {column} column out")
            for at in np.flatnonzero(bad.to_numpy())[:5])
    not_point = ~stops.geometry.geom_type.eq("Point").to_numpy()
    problems.extend(
        Problem(source, int(row_of[at]), "geometry", str(stops.geometry.geom_type.iloc[at]),
                "a stop must be a point", "give the stop's point (e.g. the H3 cell's centre)")
        for at in np.flatnonzero(not_point)[:5])
    if problems:
        raise InputError(problems)
    district = stops["district"].astype(str) if "district" in stops else ""
    out = gpd.GeoDataFrame({
        "stop_id": ids.to_numpy(), "label": stops["label"].astype(str).to_numpy(),
        "village": stops["village"].astype(str).to_numpy(),
        "district": district if isinstance(district, str) else district.to_numpy(),
        "households": counts.astype(np.int64).to_numpy(),
    }, geometry=stops.geometry.to_numpy(), crs=stops.crs).to_crs("EPSG:4326")
    for column in (c for c in STOP_EXTRA_COLUMNS if c in stops.columns):
        if column in ranks:
            values = ranks[column].astype(np.int64).to_numpy()
        elif column == "due_day":
            values = pd.to_numeric(stops[column], errors="coerce").fillna(0).clip(lower=0).astype(
                np.int64).to_numpy()
        elif pd.api.types.is_numeric_dtype(stops[column]):  # e.g. codes read as numbers
            values = np.array([cell_text(v) or "" for v in stops[column]], dtype=object)
        else:
            values = stops[column].fillna("").astype(str).str.strip().to_numpy(dtype=object)
        out.insert(len(out.columns) - 1, column, values)
    return out[out["households"] > 0].reset_index(drop=True)


def office_row(result: AnalysisResult, office_id: str) -> pd.Series:
    """Return the office's row of the result; an input error names the known offices."""
    ids = result.offices["office_id"].astype(str)
    if office_id not in set(ids):
        raise InputError(Problem("offices", None, "office_id", office_id, "unknown office",
                                 f"use one of: {', '.join(ids)}"))
    return result.offices[ids == office_id].iloc[0]


@dataclass(frozen=True)
class ChosenVillages:
    """
    The villages an office's stops come from, in priority order.

    Attributes
    ----------
    villages
        All villages of the result, in its metric CRS.
    chosen
        Positions in ``villages`` of the chosen ones, first priority first.
    part
        Each chosen village's part inside the office's radius (metric CRS); the whole
        village for one the user picked outside the radius.
    uncovered
        The uncovered workers (the table's figure) in each part, by its share of area.
    inside
        True where the village lies (partly) inside the office's radius.
    """

    villages: gpd.GeoDataFrame
    chosen: np.ndarray
    part: np.ndarray
    uncovered: np.ndarray
    inside: np.ndarray


def choose_villages(
    result: AnalysisResult,
    *,
    office_id: str,
    codes: Sequence[str] | None = None,
    top: int | None = 30,
    network: RoadNetwork | None = None,
) -> ChosenVillages:
    """
    Choose the villages an office's stops come from, as :func:`village_stops` does.

    Parameters
    ----------
    result, office_id, codes, network
        See :func:`village_stops`.
    top
        How many villages, when ``codes`` is None; None for every village with
        uncovered workers inside the radius.

    Returns
    -------
    ChosenVillages
        The villages, their parts inside the radius and their uncovered workers there.

    Raises
    ------
    InputError
        For an unknown office or unknown codes.
    """
    office_row(result, office_id)
    disc = result.discs[result.discs["office_id"].astype(str) == office_id].to_crs(
        result.metric_crs).geometry.iloc[0]
    villages = result.villages.to_crs(result.metric_crs)
    polygons = villages.geometry.to_numpy()
    part = shapely.intersection(polygons, disc)
    area = shapely.area(polygons)
    share = np.divide(shapely.area(part), area, out=np.zeros(len(area)), where=area > 0)
    uncovered = villages["uncovered"].to_numpy(float) * share
    if codes is not None:
        wanted = [str(code).strip() for code in codes]
        known = set(villages["code"].astype(str))
        unknown = [code for code in wanted if code not in known]
        if unknown:
            raise InputError(Problem("village selection", None, "code", ", ".join(unknown[:5]),
                                     f"{len(unknown)} village code(s) not in the boundaries",
                                     "use Kemendagri codes as in villages.csv, e.g. "
                                     "34.71.03.1001"))
        position = {code: i for i, code in enumerate(villages["code"].astype(str))}
        chosen = np.array([position[code] for code in dict.fromkeys(wanted)], dtype=int)
        # A village picked outside the radius is visited for all its uncovered workers.
        outside = share[chosen] == 0
        uncovered[chosen[outside]] = villages["uncovered"].to_numpy(float)[chosen[outside]]
        part[chosen[outside]] = polygons[chosen[outside]]
    else:
        inside = (share > 0) & villages["has_data"].to_numpy(bool) & (uncovered > 0)
        order = np.lexsort((villages["code"].astype(str).to_numpy(), -uncovered))
        ranked = np.array([i for i in order if inside[i]], dtype=int)
        top = len(ranked) if top is None else top
        if network is None:
            chosen = ranked[:top]
        else:
            stop_xy = shapely.get_coordinates(gpd.GeoSeries(
                shapely.point_on_surface(part[ranked]), crs=result.metric_crs).to_crs(
                network.crs).to_numpy())
            on_network = np.flatnonzero(network.covers_xy(stop_xy))
            end = on_network[top - 1] + 1 if 0 < top <= len(on_network) else len(ranked)
            chosen = ranked[:end] if top > 0 else ranked[:0]
    return ChosenVillages(villages, chosen, part[chosen], uncovered[chosen], share[chosen] > 0)


def village_households(result: AnalysisResult, picked: ChosenVillages, *, office_id: str,
                       workers_per_household: float = 1.0
                       ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """
    Count the households to visit in each chosen village, and say where they are.

    Parameters
    ----------
    result
        The analysis.
    picked
        From :func:`choose_villages`.
    office_id
        The office.
    workers_per_household
        As for :func:`village_stops`.

    Returns
    -------
    households
        Per chosen village, as :func:`village_stops` counts them; with household points,
        for a village placed by them (``reach_method`` ``household_points``) inside the
        radius: its uncovered households inside the radius and nearest to this office
        (the office's part in ``result.office_pieces``), less those registered in the
        field since (``provisional_households``).
    parts
        Where they are (metric CRS, polygons only): the part inside the radius, or for a
        village counted by its household points its part in the office's catchment (its
        radius, less what is nearer to another office).
    register
        True for the villages counted by their household points.
    """
    households = np.ceil(np.nan_to_num(picked.uncovered) / workers_per_household)
    parts = _polygons(picked.part)
    register = np.zeros(len(parts), dtype=bool)
    pieces = result.office_pieces
    if result.household_cells is None or "uncovered_households" not in pieces.columns:
        return households.astype(np.int64), parts, register
    villages = picked.villages.iloc[picked.chosen]
    method = villages.get("reach_method", pd.Series("", index=villages.index))
    register = picked.inside & (method == "household_points").to_numpy()
    mine = pieces[pieces["office_id"].astype(str) == office_id]
    counted = mine.groupby("code")["uncovered_households"].sum().reindex(
        villages["code"].astype(str)).fillna(0).to_numpy()
    # the register does not know the households registered in the field since
    registered = villages.get("provisional_households", pd.Series(0.0, index=villages.index))
    counted = np.maximum(counted - np.nan_to_num(registered.to_numpy(float)), 0)
    households = np.where(register, counted, households)
    offices = result.offices.to_crs(result.metric_crs)
    discs = result.discs.set_index(result.discs["office_id"].astype(str)).loc[
        offices["office_id"].astype(str)].to_crs(result.metric_crs)
    catchments = office_catchments(offices, discs)
    catchment = catchments.geometry[catchments["office_id"].astype(str) == office_id].iloc[0]
    parts[register] = _polygons(shapely.intersection(parts[register], catchment))
    return households.astype(np.int64), parts, register


def _polygons(geometries: np.ndarray) -> np.ndarray:
    """Keep only the polygons of each shape (an intersection may add lines and points)."""
    out = np.array(geometries, dtype=object)
    mixed = shapely.get_type_id(out) == 7  # noqa: PLR2004 - GeometryCollection
    out[mixed] = [shapely.union_all([p for p in shapely.get_parts(g)
                                     if shapely.get_type_id(p) in {3, 6}]) for g in out[mixed]]
    return out


def village_stops(
    result: AnalysisResult,
    *,
    office_id: str,
    codes: Sequence[str] | None = None,
    top: int = 30,
    workers_per_household: float = 1.0,
    network: RoadNetwork | None = None,
) -> gpd.GeoDataFrame:
    """
    Make stops of the villages with the most uncovered workers inside an office's radius.

    One stop per village, however many households it holds; for stops a team can visit
    in one sitting see :func:`geo_outreach.field.visit_stops.visit_stops`.

    Parameters
    ----------
    result
        The analysis.
    office_id
        The office whose radius (straight line, the rule) bounds the stops.
    codes
        The user's own selection of village codes (any order); None for the ``top``
        villages by uncovered workers inside the office's radius.
    top
        How many villages, when ``codes`` is None.
    workers_per_household
        Uncovered workers per household visit (1.0: one visit per uncovered worker).
    network
        When given, ``top`` counts only villages whose stop lies on this network; the
        villages off it that rank above the last one chosen are kept too (a route plan
        lists them as outside the network), so none is skipped silently.

    Returns
    -------
    gpd.GeoDataFrame
        :func:`prepare_stops` form: ``stop_id`` is the village code, the point is a
        representative point of the village's part inside the radius (of the whole
        village when it lies outside), ``households`` the uncovered workers in that part
        divided by ``workers_per_household``, rounded up.

    Raises
    ------
    InputError
        For an unknown office or unknown codes.
    """
    picked = choose_villages(result, office_id=office_id, codes=codes, top=top,
                             network=network)
    villages, chosen = picked.villages, picked.chosen
    households = np.ceil(np.nan_to_num(picked.uncovered) / workers_per_household)
    stops = gpd.GeoDataFrame({
        "stop_id": villages["code"].astype(str).to_numpy()[chosen],
        "label": villages["name"].astype(str).to_numpy()[chosen],
        "village": villages["name"].astype(str).to_numpy()[chosen],
        "district": villages["district"].astype(str).to_numpy()[chosen],
        "households": households.astype(np.int64),
    }, geometry=shapely.point_on_surface(picked.part), crs=result.metric_crs)
    return prepare_stops(stops, source="villages")
