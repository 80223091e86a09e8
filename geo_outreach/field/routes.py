"""
Canvassing routes for field teams: stops, road distances between them, and OR-Tools.

A *stop* is a place a team visits with a number of households to see there: a priority
village inside an office's radius (:func:`village_stops`; the stop is a representative
point of the village's part inside the radius), any table of points with ``stop_id``,
``label``, ``village`` and ``households`` (:func:`prepare_stops`; e.g. H3 cells with
uncovered households), or the user's own list of village codes.

:func:`plan_routes` snaps the stops to the roads, measures every stop-to-stop road
distance with one multi-source Dijkstra call, and lets OR-Tools share the stops between
the teams: each team has a daily time budget (travel at the mode's speed + a service time
per household), a stop that does not fit is dropped (the penalty for dropping it grows
with its households, so the solver reaches as many households as it can, then keeps the
distance short), and guided local search improves the plan until the time limit.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final, Literal, get_args

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely
from ortools.constraint_solver import pywrapcp, routing_enums_pb2
from scipy.sparse import csgraph

from geo_outreach._errors import InputError, Problem
from geo_outreach.roads.graph import RoadGraph, build_graph, path_line, snap_points

if TYPE_CHECKING:
    from collections.abc import Sequence

    from geo_outreach.analysis.result import AnalysisResult
    from geo_outreach.roads.networks import RoadNetwork

TravelMode = Literal["walk", "motorbike"]
TRAVEL_MODES: Final[tuple[str, ...]] = get_args(TravelMode)
DEFAULT_SPEED_KMH: Final[dict[str, float]] = {"walk": 4.5, "motorbike": 25.0}
"""Average door-to-door speeds: walking, and a motorbike in town traffic."""

STOP_COLUMNS: Final = ("stop_id", "label", "village", "households")
"""Required columns of a stops table (besides point geometry); ``district`` is optional."""

MAX_TEAMS: Final = 50
MAX_HOURS: Final = 16.0

UNSERVED_REASONS: Final[dict[str, dict[str, str]]] = {
    "no_time": {"id": "tidak cukup waktu tim hari ini",
                "en": "the teams have no time left today"},
    "too_long": {"id": "perjalanan + kunjungan melebihi anggaran waktu satu tim",
                 "en": "travel plus visits take longer than one team's day"},
    "unreachable": {"id": "tidak terhubung dengan titik mulai/selesai lewat jalan",
                    "en": "not connected to the start or end by road"},
    "outside_network": {"id": "di luar cakupan jaringan jalan",
                        "en": "outside the road network's extent"},
}
"""Why a stop is not served, in Bahasa Indonesia and English."""


@dataclass(frozen=True)
class RouteSettings:
    """
    How the teams work.

    Attributes
    ----------
    teams
        Number of teams (each one route a day).
    hours
        Each team's daily time budget: travel plus visits, hours.
    mode
        ``"walk"`` or ``"motorbike"``.
    speed_kmh
        Travel speed; the mode's default (:data:`DEFAULT_SPEED_KMH`) when None.
    minutes_per_household
        Service time per household visited.
    max_households_per_stop
        At most this many households are visited at one stop in one day (the rest are
        left for later days); None for no cap.
    time_limit_s
        How long the solver searches.
    one_way
        Keep one-way rules; None: for motorbikes yes, on foot no.
    """

    teams: int = 2
    hours: float = 6.0
    mode: TravelMode = "walk"
    speed_kmh: float | None = None
    minutes_per_household: float = 3.0
    max_households_per_stop: int | None = 40
    time_limit_s: float = 10.0
    one_way: bool | None = None

    def __post_init__(self) -> None:
        """Refuse settings that make no sense, naming the fix."""
        checks = [
            ("teams", isinstance(self.teams, int) and 1 <= self.teams <= MAX_TEAMS,
             f"the number of teams must be a whole number from 1 to {MAX_TEAMS}",
             "give e.g. --teams 3"),
            ("hours", 0 < self.hours <= MAX_HOURS,
             f"the daily time budget must be above 0 and at most {MAX_HOURS:g} hours",
             "give e.g. --hours 6"),
            ("mode", self.mode in TRAVEL_MODES, "unknown travel mode",
             "use 'walk' or 'motorbike'"),
            ("speed_kmh", self.speed_kmh is None or 0 < self.speed_kmh <= 120,  # noqa: PLR2004
             "the speed must be above 0 and at most 120 km/h", "give e.g. 4.5 for walking"),
            ("minutes_per_household", self.minutes_per_household > 0,
             "the time per household must be above 0 minutes", "give e.g. 3"),
            ("max_households_per_stop",
             self.max_households_per_stop is None or self.max_households_per_stop >= 1,
             "the cap of households per stop must be at least 1", "give e.g. 40, or no cap"),
            ("time_limit_s", self.time_limit_s > 0, "the solver needs a time limit above 0 s",
             "give e.g. 10"),
        ]
        problems = [Problem("parameters", None, name, str(getattr(self, name)), message, fix)
                    for name, ok, message, fix in checks if not ok]
        if problems:
            raise InputError(problems)

    @property
    def speed(self) -> float:
        """The travel speed in km/h."""
        return self.speed_kmh if self.speed_kmh is not None else DEFAULT_SPEED_KMH[self.mode]

    @property
    def keeps_one_way(self) -> bool:
        """Whether one-way rules apply."""
        return self.one_way if self.one_way is not None else self.mode == "motorbike"


@dataclass(frozen=True)
class TeamRoute:
    """
    One team's day.

    Attributes
    ----------
    team
        Team number, from 1.
    stops
        The stops in visiting order: ``order`` (from 1), ``stop_id``, ``label``,
        ``village``, ``district``, ``households`` (at the stop), ``households_visit``
        (today), ``arrival_min`` (minutes after the start), ``service_min``, ``leg_km``
        (road distance from the previous point), ``lat``, ``lon`` (the stop on the road).
    distance_km, travel_min, service_min, total_min
        The day's road distance, travel time, visiting time and their sum (start to end).
    households
        Households visited.
    path
        The road path from the start through the stops to the end, EPSG:4326, or None
        for a team with nothing to do.
    """

    team: int
    stops: pd.DataFrame
    distance_km: float
    travel_min: float
    service_min: float
    total_min: float
    households: int
    path: shapely.LineString | None


@dataclass(frozen=True)
class RoutePlan:
    """
    The routes of all teams for one day, and the stops left over.

    Attributes
    ----------
    routes
        One :class:`TeamRoute` per team.
    unserved
        Stops no team visits: ``stop_id``, ``label``, ``village``, ``district``,
        ``households_visit``, ``lat``, ``lon`` and ``reason`` (a key of
        :data:`UNSERVED_REASONS`).
    settings
        The team settings used.
    start, end
        Where every team starts and ends, EPSG:4326 points.
    office_id, office_name
        The office planned for.
    network_source, attribution
        The road network used and its licence notice.
    is_demo
        True when the households come from DEMO data.
    solver_status
        OR-Tools' status name.
    objective
        The solver's objective: metres travelled plus the penalties of the stops left
        out (None when no solution was found).
    """

    routes: list[TeamRoute]
    unserved: pd.DataFrame
    settings: RouteSettings
    start: shapely.Point
    end: shapely.Point
    office_id: str
    office_name: str
    network_source: str
    attribution: str
    is_demo: bool = False
    solver_status: str = ""
    objective: int | None = None

    @property
    def households(self) -> int:
        """Households visited by all teams."""
        return sum(route.households for route in self.routes)

    @property
    def distance_km(self) -> float:
        """Road distance of all teams."""
        return sum(route.distance_km for route in self.routes)

    def summary(self) -> pd.DataFrame:
        """
        Tabulate the teams.

        Returns
        -------
        pd.DataFrame
            One row per team: ``team``, ``stops``, ``households``, ``distance_km``,
            ``travel_min``, ``service_min``, ``total_min``, ``budget_min``.
        """
        return pd.DataFrame([{
            "team": route.team, "stops": len(route.stops), "households": route.households,
            "distance_km": route.distance_km, "travel_min": route.travel_min,
            "service_min": route.service_min, "total_min": route.total_min,
            "budget_min": self.settings.hours * 60,
        } for route in self.routes])


# --- stops --------------------------------------------------------------------------


def prepare_stops(stops: gpd.GeoDataFrame, *, source: str = "stops",
                  rows: Sequence[int] | None = None) -> gpd.GeoDataFrame:
    """
    Check a stops table and bring it to the canonical form.

    Parameters
    ----------
    stops
        One row per stop: ``stop_id`` (unique), ``label``, ``village``, ``households``
        (to visit, a whole number >= 0), optional ``district``, and a point geometry
        with a CRS. H3 cells, for instance, come as their centre points.
    source
        The file name, for messages.
    rows
        Each stop's row in the user's file, for messages; by default the header is row 1
        and the stops follow from row 2.

    Returns
    -------
    gpd.GeoDataFrame
        The canonical columns (``stop_id``, ``label``, ``village``, ``district``,
        ``households``) in EPSG:4326, stops with no household left out.

    Raises
    ------
    InputError
        Listing every problem: missing columns, duplicate ids, bad counts, non-points.
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
    return out[out["households"] > 0].reset_index(drop=True)


def _office(result: AnalysisResult, office_id: str) -> pd.Series:
    ids = result.offices["office_id"].astype(str)
    if office_id not in set(ids):
        raise InputError(Problem("offices", None, "office_id", office_id, "unknown office",
                                 f"use one of: {', '.join(ids)}"))
    return result.offices[ids == office_id].iloc[0]


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
    _office(result, office_id)
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
        if network is None:
            chosen = ranked[:top]
        else:
            stop_xy = shapely.get_coordinates(gpd.GeoSeries(
                shapely.point_on_surface(part[ranked]), crs=result.metric_crs).to_crs(
                network.crs).to_numpy())
            on_network = np.flatnonzero(network.covers_xy(stop_xy))
            end = on_network[top - 1] + 1 if 0 < top <= len(on_network) else len(ranked)
            chosen = ranked[:end] if top > 0 else ranked[:0]
    households = np.ceil(np.nan_to_num(uncovered[chosen]) / workers_per_household)
    stops = gpd.GeoDataFrame({
        "stop_id": villages["code"].astype(str).to_numpy()[chosen],
        "label": villages["name"].astype(str).to_numpy()[chosen],
        "village": villages["name"].astype(str).to_numpy()[chosen],
        "district": villages["district"].astype(str).to_numpy()[chosen],
        "households": households.astype(np.int64),
    }, geometry=shapely.point_on_surface(part[chosen]), crs=result.metric_crs)
    return prepare_stops(stops, source="villages")


# --- solving ------------------------------------------------------------------------


@dataclass(frozen=True)
class _Matrix:
    """Road distances between locations (start, end, stops) and how to trace them."""

    distance_m: np.ndarray
    predecessors: np.ndarray
    graph: RoadGraph
    snapped_xy: np.ndarray


def _road_matrix(network: RoadNetwork, xy: np.ndarray, *, one_way: bool) -> _Matrix:
    """Snap the locations and measure every location-to-location road distance at once."""
    snapped = snap_points(network, xy, strong_only=one_way)
    graph = build_graph(network, snapped, directed=one_way)
    distance, predecessors = csgraph.dijkstra(graph.matrix, directed=True,
                                              indices=graph.point_nodes,
                                              return_predecessors=True)
    return _Matrix(distance_m=distance[:, graph.point_nodes], predecessors=predecessors,
                   graph=graph, snapped_xy=snapped.xy)


def _solve(
    distance_m: np.ndarray,
    service_s: np.ndarray,
    *,
    teams: int,
    capacity_s: int,
    speed_mps: float,
    households: np.ndarray,
    time_limit_s: float,
    separate_end: bool,
) -> tuple[list[list[int]], str, int | None]:
    """
    Run OR-Tools on a matrix whose first rows are the start (and the end, if separate).

    Returns each team's stop sequence (matrix indices), the solver status and the
    objective (metres driven plus the penalties of dropped stops).
    """
    size = len(distance_m)
    end = 1 if separate_end else 0
    manager = pywrapcp.RoutingIndexManager(size, teams, [0] * teams, [end] * teams)
    routing = pywrapcp.RoutingModel(manager)
    travel_s = np.ceil(distance_m / speed_mps)
    transit = travel_s + service_s[:, None]
    np.fill_diagonal(transit, 0)
    too_far = capacity_s + 1
    transit = np.where(np.isfinite(transit), transit, too_far).astype(np.int64)
    metres = np.where(np.isfinite(distance_m), np.round(distance_m), 10 * too_far * speed_mps)
    time_index = routing.RegisterTransitMatrix(transit.tolist())
    cost_index = routing.RegisterTransitMatrix(metres.astype(np.int64).tolist())
    routing.SetArcCostEvaluatorOfAllVehicles(cost_index)
    routing.AddDimension(time_index, 0, capacity_s, fix_start_cumul_to_zero=True,
                         name="time")
    # Dropping a household must always cost more than any detour a team can drive.
    per_household = math.ceil(speed_mps * capacity_s) + 1
    first_stop = 2 if separate_end else 1
    for node in range(first_stop, size):
        routing.AddDisjunction([manager.NodeToIndex(node)], int(households[node]) * per_household)
    parameters = pywrapcp.DefaultRoutingSearchParameters()
    parameters.first_solution_strategy = (
        routing_enums_pb2.FirstSolutionStrategy.PATH_CHEAPEST_ARC)
    parameters.local_search_metaheuristic = (
        routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH)
    parameters.time_limit.FromMilliseconds(max(1, round(time_limit_s * 1000)))
    solution = routing.SolveWithParameters(parameters)
    status_name = routing_enums_pb2.RoutingSearchStatus.Value.Name(routing.status())
    if solution is None:
        return [[] for _ in range(teams)], status_name, None
    sequences = []
    for team in range(teams):
        index = routing.Start(team)
        sequence = []
        while not routing.IsEnd(index):
            node = manager.IndexToNode(index)
            if node >= first_stop:
                sequence.append(node)
            index = solution.Value(routing.NextVar(index))
        sequences.append(sequence)
    return sequences, status_name, int(solution.ObjectiveValue())


def _to_lonlat(crs: str) -> pyproj.Transformer:
    return pyproj.Transformer.from_crs(crs, "EPSG:4326", always_xy=True)


def _team_route(
    team: int,
    sequence: list[int],
    matrix: _Matrix,
    network: RoadNetwork,
    table: pd.DataFrame,  # indexed by matrix index
    *,
    start_index: int,
    end_index: int,
    speed_mps: float,
    service_s: np.ndarray,
    ends_xy: tuple[np.ndarray, np.ndarray],
) -> TeamRoute:
    """Describe one team's sequence: arrivals, legs, totals and the road path."""
    to_lonlat = _to_lonlat(network.crs)
    visits = [start_index, *sequence, end_index]
    legs = np.array([matrix.distance_m[a, b] for a, b in itertools.pairwise(visits)])
    clock = 0.0
    arrivals = []
    for leg, node in zip(legs[:-1], sequence, strict=True):
        clock += leg / speed_mps
        arrivals.append(clock)
        clock += service_s[node]
    travel_s = float(legs.sum() / speed_mps) if sequence else 0.0
    service_total = float(service_s[sequence].sum()) if sequence else 0.0
    rows = table.loc[sequence]
    lon, lat = to_lonlat.transform(matrix.snapped_xy[sequence, 0], matrix.snapped_xy[sequence, 1])
    stops = pd.DataFrame({
        "order": np.arange(1, len(sequence) + 1),
        "stop_id": rows["stop_id"].to_numpy(), "label": rows["label"].to_numpy(),
        "village": rows["village"].to_numpy(), "district": rows["district"].to_numpy(),
        "households": rows["households"].to_numpy(),
        "households_visit": rows["households_visit"].to_numpy(),
        "arrival_min": np.array(arrivals) / 60, "service_min": service_s[sequence] / 60,
        "leg_km": legs[:-1] / 1000 if sequence else np.array([]),
        "lat": np.round(lat, 6), "lon": np.round(lon, 6),
    })
    path = None
    if sequence:
        graph = matrix.graph
        pieces = [ends_xy[0].reshape(1, 2)]
        for a, b in itertools.pairwise(visits):
            pieces.append(path_line(network, graph, matrix.predecessors[a],
                                    int(graph.point_nodes[a]), int(graph.point_nodes[b])))
        pieces.append(ends_xy[1].reshape(1, 2))
        coords = np.concatenate(pieces)
        keep = np.concatenate([[True], np.any(np.diff(coords, axis=0) != 0, axis=1)])
        coords = coords[keep]
        lon_path, lat_path = to_lonlat.transform(coords[:, 0], coords[:, 1])
        if len(coords) == 1:
            lon_path, lat_path = np.repeat(lon_path, 2), np.repeat(lat_path, 2)
        path = shapely.LineString(np.column_stack([lon_path, lat_path]))
    return TeamRoute(team=team, stops=stops, distance_km=float(legs.sum() / 1000) if sequence
                     else 0.0, travel_min=travel_s / 60, service_min=service_total / 60,
                     total_min=(travel_s + service_total) / 60,
                     households=int(stops["households_visit"].sum()), path=path)


def solve_routes(
    network: RoadNetwork,
    stops: gpd.GeoDataFrame,
    settings: RouteSettings,
    *,
    start: shapely.Point,
    end: shapely.Point | None = None,
    office_id: str = "",
    office_name: str = "",
    is_demo: bool = False,
) -> RoutePlan:
    """
    Share stops between teams with OR-Tools on the road-distance matrix.

    Parameters
    ----------
    network
        The road network.
    stops
        Stops as :func:`prepare_stops` returns them.
    settings
        Teams, budget, mode, service time, solver time limit.
    start, end
        Where every team starts and ends, EPSG:4326 points (end: the start when None).
    office_id, office_name
        The office, for reports.
    is_demo
        Whether the households come from DEMO data.

    Returns
    -------
    RoutePlan
        The teams' routes and the stops left over, with the reason.
    """
    end = start if end is None else end
    separate_end = not start.equals(end)
    table = prepare_stops(stops).copy()
    cap = settings.max_households_per_stop
    table["households_visit"] = (table["households"].clip(upper=cap) if cap is not None
                                 else table["households"])
    anchors = gpd.GeoSeries([start, end] if separate_end else [start], crs="EPSG:4326")
    anchors_xy = shapely.get_coordinates(anchors.to_crs(network.crs).to_numpy())
    stops_xy = shapely.get_coordinates(table.to_crs(network.crs).geometry.to_numpy())
    anchor_outside = ~network.covers_xy(anchors_xy)
    if anchor_outside.any():
        outside_at = int(np.argmax(anchor_outside))
        km = shapely.distance(network.extent, shapely.Point(anchors_xy[outside_at])) / 1000
        where = "end point" if outside_at else "start point"
        if office_id:
            where += f" of office {office_id} ({office_name})'s teams"
        raise InputError(Problem(network.source, None, None,
                                 f"{anchors.iloc[outside_at]}",
                                 f"the {where} lies {km:.1f} km outside the road network, so "
                                 "no road leads from it",
                                 "give a road network that covers the office (--roads with "
                                 "an OpenStreetMap extract of the area, or --download-roads), "
                                 "or a start point inside the network (--start)"))
    outside = ~network.covers_xy(stops_xy)
    xy = np.concatenate([anchors_xy, stops_xy])
    matrix = _road_matrix(network, xy, one_way=settings.keeps_one_way)
    first = len(anchors_xy)
    end_index = 1 if separate_end else 0
    speed_mps = settings.speed * 1000 / 3600
    capacity_s = int(settings.hours * 3600)
    service_s = np.zeros(len(xy))
    service_s[first:] = np.ceil(table["households_visit"].to_numpy(float)
                                * settings.minutes_per_household * 60)
    households = np.zeros(len(xy), dtype=np.int64)
    households[first:] = table["households_visit"].to_numpy()

    out_and_back = matrix.distance_m[0, first:] + matrix.distance_m[first:, end_index]
    reason = np.full(len(table), "", dtype=object)
    reason[~np.isfinite(out_and_back)] = "unreachable"
    alone_s = np.ceil(out_and_back / speed_mps) + service_s[first:]
    reason[(reason == "") & (alone_s > capacity_s)] = "too_long"
    reason[outside] = "outside_network"
    candidates = np.flatnonzero(reason == "")
    keep = np.concatenate([np.arange(first), first + candidates])
    sequences, status, objective = _solve(
        matrix.distance_m[np.ix_(keep, keep)], service_s[keep], teams=settings.teams,
        capacity_s=capacity_s, speed_mps=speed_mps, households=households[keep],
        time_limit_s=settings.time_limit_s, separate_end=separate_end)
    sequences = [[int(keep[node]) for node in sequence] for sequence in sequences]
    served = {node for sequence in sequences for node in sequence}
    reason[[c for c in candidates if first + c not in served]] = "no_time"

    indexed = table.set_axis(np.arange(first, first + len(table)))
    routes = [_team_route(team + 1, sequence, matrix, network, indexed,
                          start_index=0, end_index=end_index, speed_mps=speed_mps,
                          service_s=service_s, ends_xy=(anchors_xy[0], anchors_xy[end_index]))
              for team, sequence in enumerate(sequences)]
    unserved_rows = np.flatnonzero(reason != "")
    to_lonlat = _to_lonlat(network.crs)
    lon, lat = to_lonlat.transform(stops_xy[unserved_rows, 0], stops_xy[unserved_rows, 1])
    unserved = pd.DataFrame({
        "stop_id": table["stop_id"].to_numpy()[unserved_rows],
        "label": table["label"].to_numpy()[unserved_rows],
        "village": table["village"].to_numpy()[unserved_rows],
        "district": table["district"].to_numpy()[unserved_rows],
        "households_visit": table["households_visit"].to_numpy()[unserved_rows],
        "lat": np.round(lat, 6), "lon": np.round(lon, 6),
        "reason": reason[unserved_rows].astype(str),
    })
    unserved = unserved.sort_values("households_visit", ascending=False, kind="stable")
    return RoutePlan(routes=routes, unserved=unserved.reset_index(drop=True), settings=settings,
                     start=start, end=end, office_id=office_id, office_name=office_name,
                     network_source=network.source, attribution=network.attribution,
                     is_demo=is_demo, solver_status=status, objective=objective)


def _point(latlon: tuple[float, float] | None, fallback: shapely.Point, what: str
           ) -> shapely.Point:
    if latlon is None:
        return fallback
    lat, lon = latlon
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):  # noqa: PLR2004
        raise InputError(Problem("parameters", None, what, f"{lat},{lon}",
                                 "not a latitude,longitude pair",
                                 "write latitude first, e.g. -7.78,110.38"))
    return shapely.Point(lon, lat)


def plan_routes(
    result: AnalysisResult,
    network: RoadNetwork,
    *,
    office_id: str,
    teams: int,
    hours: float,
    mode: TravelMode,
    stops: gpd.GeoDataFrame | None = None,
    codes: Sequence[str] | None = None,
    top: int = 30,
    workers_per_household: float = 1.0,
    speed_kmh: float | None = None,
    minutes_per_household: float = 3.0,
    max_households_per_stop: int | None = 40,
    start: tuple[float, float] | None = None,
    end: tuple[float, float] | None = None,
    time_limit_s: float = 10.0,
) -> RoutePlan:
    """
    Plan one day of canvassing routes for an office's field teams.

    Parameters
    ----------
    result
        The analysis (its villages, offices and discs).
    network
        The road network.
    office_id
        The office the teams belong to.
    teams, hours, mode
        Number of teams, each team's daily time budget (hours), ``"walk"`` or
        ``"motorbike"``.
    stops
        Stops of your own (:func:`prepare_stops` form, e.g. H3 cells); when None,
        villages: ``codes`` if given, else the ``top`` villages on the network by
        uncovered workers inside the office's radius, and the villages off the network
        ranked above them, listed as not served (:func:`village_stops`).
    codes, top, workers_per_household
        See :func:`village_stops`.
    speed_kmh, minutes_per_household, max_households_per_stop, time_limit_s
        See :class:`RouteSettings`.
    start, end
        ``(lat, lon)`` where the teams start and end; the office when None (end: the
        start).

    Returns
    -------
    RoutePlan
        Per team the ordered stops, households, distance and time; the stops left over.

    Raises
    ------
    InputError
        For an unknown office, bad settings or stops, or an office off the network.
    """
    settings = RouteSettings(teams=teams, hours=hours, mode=mode, speed_kmh=speed_kmh,
                             minutes_per_household=minutes_per_household,
                             max_households_per_stop=max_households_per_stop,
                             time_limit_s=time_limit_s)
    office = _office(result, office_id)
    if stops is None:
        stops = village_stops(result, office_id=office_id, codes=codes, top=top,
                              workers_per_household=workers_per_household, network=network)
    start_point = _point(start, office.geometry, "start")
    end_point = _point(end, start_point, "end")
    return solve_routes(network, stops, settings, start=start_point, end=end_point,
                        office_id=office_id, office_name=str(office["name"]),
                        is_demo=result.is_demo)
