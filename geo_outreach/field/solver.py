"""
From stops and team settings to a plan: which stops, which team, which day, in what order.

1. The candidate stops: in priority order, as many as the teams' days could possibly
   serve (their visiting time up to :data:`POOL_FACTOR` × all the teams' time); the rest
   are listed as not fitting the days planned. A stop that alone takes longer than a day
   (there and back plus its visits) is listed as too long.
2. Distances between the office, the end and the stops: along the roads where the network
   covers both ends, else straight line × detour factor (:mod:`geo_outreach.field.travel`).
3. One routing problem for the whole period (:mod:`geo_outreach.field.vrp`): a route per
   team and day, each within the day's budget; a stop's prize is its households, weighted
   up to 2× for the highest priority, so the solver serves as many households as it can,
   the most urgent first, then keeps the distance short.
4. What is left of a day goes to part of the nearest stop left over
   (:mod:`geo_outreach.field.fill`); the rest of that stop stays on the list.
5. The routes with the highest-priority stops go on the first days.
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING, Final

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely

from geo_outreach.crs import choose_metric_crs
from geo_outreach.field.fill import fill_days
from geo_outreach.field.plan import RoutePlan, RouteSettings, TeamRoute
from geo_outreach.field.stops import prepare_stops
from geo_outreach.field.travel import TravelMatrix, travel_matrix
from geo_outreach.field.vrp import evaluate, routing_instance, solve
from geo_outreach.roads.graph import path_line

if TYPE_CHECKING:
    from geo_outreach.roads.model import RoadNetwork

POOL_FACTOR: Final = 1.5
"""Candidate stops hold up to this many times the visiting time all teams have."""
PRIORITY_WEIGHT: Final = 1.0
"""The highest-priority stop's households are worth this much more than the lowest's."""
COME_BACK_WEIGHT: Final = 10.0
"""A come-back visit due in the days planned is worth this many times a household: the
household asked for it, so it is left out only when no day can reach it."""


def default_time_limit(stops: int, vehicles: int) -> float:
    """
    Choose the solver's search time from the problem's size.

    Parameters
    ----------
    stops, vehicles
        Candidate stops and routes (teams × days).

    Returns
    -------
    float
        Seconds: 2 s up to 200 stops, then growing to 10 s at 1,000 stops and more
        (VROOM usually ends its search sooner; OR-Tools and PyVRP search to the limit).
    """
    del vehicles
    return float(np.clip(stops / 100, 2.0, 10.0))


def _to_lonlat(crs: str) -> pyproj.Transformer:
    return pyproj.Transformer.from_crs(crs, "EPSG:4326", always_xy=True)


def _leg_path(network: RoadNetwork | None, travel: TravelMatrix, a: int, b: int
              ) -> np.ndarray:
    """Trace the leg from ``a`` to ``b``: along the roads, or straight when estimated."""
    if travel.estimated[a, b] or network is None or travel.graph is None:
        return np.vstack([travel.xy[a], travel.xy[b]])
    graph = travel.graph
    ra, rb = int(travel.road_index[a]), int(travel.road_index[b])
    assert travel.predecessors is not None
    line = path_line(network, graph, travel.predecessors[ra], int(graph.point_nodes[ra]),
                     int(graph.point_nodes[rb]))
    return line if len(line) else np.vstack([travel.xy[a], travel.xy[b]])


def _team_route(
    slot: tuple[int, int],
    sequence: list[int],
    travel: TravelMatrix,
    network: RoadNetwork | None,
    table: pd.DataFrame,  # indexed by location
    *,
    crs: str,
    end_index: int,
    speed_mps: float,
    service_s: np.ndarray,
    anchors_xy: np.ndarray,
) -> TeamRoute:
    """Describe one route (``slot``: day, team): arrivals, legs, totals and its path."""
    day, team = slot
    to_lonlat = _to_lonlat(crs)
    visits = [0, *sequence, end_index]
    legs = np.array([travel.distance_m[a, b] for a, b in itertools.pairwise(visits)])
    estimated = np.array([travel.estimated[a, b] for a, b in itertools.pairwise(visits)])
    clock, arrivals = 0.0, []
    for leg, node in zip(legs[:-1], sequence, strict=True):
        clock += leg / speed_mps
        arrivals.append(clock)
        clock += service_s[node]
    travel_s = float(legs.sum() / speed_mps) if sequence else 0.0
    service_total = float(service_s[sequence].sum()) if sequence else 0.0
    rows = table.loc[sequence]
    lon, lat = to_lonlat.transform(travel.xy[sequence, 0], travel.xy[sequence, 1])
    stops = pd.DataFrame({
        "order": np.arange(1, len(sequence) + 1),
        "stop_id": rows["stop_id"].to_numpy(), "label": rows["label"].to_numpy(),
        "village": rows["village"].to_numpy(), "district": rows["district"].to_numpy(),
        "households": rows["households"].to_numpy(),
        "households_visit": rows["households"].to_numpy(),
        "priority": rows["priority"].to_numpy(),
        "arrival_min": np.array(arrivals) / 60, "service_min": service_s[sequence] / 60,
        "leg_km": legs[:-1] / 1000 if sequence else np.array([]),
        "leg_estimated": estimated[:-1] if sequence else np.array([], dtype=bool),
        "lat": np.round(lat, 6), "lon": np.round(lon, 6),
        "code": rows["code"].to_numpy() if "code" in rows else np.full(len(rows), ""),
    })
    path, estimated_legs = None, ()
    if sequence:
        pieces = [anchors_xy[0].reshape(1, 2)]
        straight = []
        for (a, b), guess in zip(itertools.pairwise(visits), estimated, strict=True):
            leg = _leg_path(network, travel, a, b)
            pieces.append(leg)
            if guess:
                straight.append(leg)
        pieces.append(anchors_xy[1].reshape(1, 2))
        coords = np.concatenate(pieces)
        keep = np.concatenate([[True], np.any(np.diff(coords, axis=0) != 0, axis=1)])
        coords = coords[keep]
        if len(coords) == 1:
            coords = np.repeat(coords, 2, axis=0)
        path = shapely.LineString(np.column_stack(to_lonlat.transform(coords[:, 0],
                                                                      coords[:, 1])))
        estimated_legs = tuple(
            shapely.LineString(np.column_stack(to_lonlat.transform(leg[:, 0], leg[:, 1])))
            for leg in straight)
    return TeamRoute(team=team, day=day, stops=stops,
                     distance_km=float(legs.sum() / 1000) if sequence else 0.0,
                     travel_min=travel_s / 60, service_min=service_total / 60,
                     total_min=(travel_s + service_total) / 60,
                     households=int(stops["households_visit"].sum()), path=path,
                     estimated_km=float(legs[estimated].sum() / 1000) if sequence else 0.0,
                     estimated_legs=estimated_legs)


def _in_priority_order(stops: gpd.GeoDataFrame, start_xy: np.ndarray, crs: str
                       ) -> tuple[gpd.GeoDataFrame, np.ndarray]:
    """
    Order the stops for planning: by priority, a village's stops nearest the start first.

    The stops of one village (``code``) share its priority: within it the teams work
    outwards from the start, so a week's stops of a big village lie together. Returns the
    ordered stops and each one's priority group (0 = the most urgent).
    """
    table = stops.copy()
    if "priority" not in table:
        table["priority"] = np.arange(1, len(table) + 1)
    group = (table["code"] if "code" in table else table["stop_id"]).astype(str).to_numpy()
    due = _due_days(table)
    group = np.where(due > 0, "due:" + table["stop_id"].astype(str).to_numpy(), group)
    first_priority = pd.Series(table["priority"].to_numpy()).groupby(group).transform("min")
    first_priority[due > 0] = 0  # come-back visits on their date come first
    group_rank = pd.factorize(first_priority.rank(method="dense").to_numpy(), sort=True)[0]
    xy = shapely.get_coordinates(table.to_crs(crs).geometry.to_numpy())
    distance = np.hypot(xy[:, 0] - start_xy[0], xy[:, 1] - start_xy[1])
    order = np.lexsort((table["priority"].to_numpy(), distance, group_rank))
    return table.iloc[order].reset_index(drop=True), group_rank[order]


def _pool(service_s: np.ndarray, settings: RouteSettings) -> np.ndarray:
    """How many stops, in priority order, could at most be served in the days planned."""
    capacity_s = settings.teams * settings.days * settings.hours * 3600 * POOL_FACTOR
    return np.cumsum(service_s) - service_s < capacity_s


def _prize_weights(rank: np.ndarray, worst_rank: float, due: np.ndarray) -> np.ndarray:
    """Weigh each location's households: 2 for the most urgent to 1, come-back visits more."""
    weight = 1 + PRIORITY_WEIGHT * (1 - rank / max(worst_rank + 1, 1.0))
    weight[due > 0] = COME_BACK_WEIGHT
    return weight


def _due_days(table: pd.DataFrame) -> np.ndarray:
    """Each stop's due day (a come-back visit's date in the plan), 0 for any day."""
    if "due_day" not in table:
        return np.zeros(len(table), dtype=np.int64)
    return pd.to_numeric(table["due_day"], errors="coerce").fillna(0).to_numpy(np.int64)


def _days_by_priority(routes: list[list[int]], priority: np.ndarray, teams: int,
                      due: np.ndarray | None = None, days: int | None = None
                      ) -> list[tuple[int, int, list[int]]]:
    """
    Give each route its day and team: (day, team, route).

    A route holding come-back visits goes on the day they are due (the latest, when it
    holds several: never before a visit's date; the next day with a free team when that
    day is full, else the latest free day); the others fill the free slots, the routes
    with the most urgent stops first.
    """
    used = [route for route in routes if route]
    used.sort(key=lambda route: (float(np.mean(priority[route])), min(route)))
    days = days if days is not None else -(-len(used) // teams)
    slots = [(day, team) for day in range(1, days + 1) for team in range(1, teams + 1)]
    free = dict.fromkeys(slots, True)
    placed: list[tuple[int, int, list[int]]] = []
    rest = []
    for route in used:
        wanted = [int(d) for d in (due[route] if due is not None else []) if d > 0]
        if not wanted:
            rest.append(route)
            continue
        on_time = [s for s in slots if s[0] >= max(wanted) and free[s]]
        slot = on_time[0] if on_time else [s for s in slots if free[s]][-1]
        free[slot] = False
        placed.append((*slot, route))
    open_slots = iter(s for s in slots if free[s])
    placed += [(*next(open_slots), route) for route in rest]
    return sorted(placed)


def _unserved_table(table: pd.DataFrame, reason: np.ndarray, stops_xy: np.ndarray, crs: str
                    ) -> pd.DataFrame:
    """List the stops with a reason not to be served, highest priority first."""
    rows = np.flatnonzero(reason != "")
    lon, lat = _to_lonlat(crs).transform(stops_xy[rows, 0], stops_xy[rows, 1])
    return pd.DataFrame({
        "stop_id": table["stop_id"].to_numpy()[rows],
        "label": table["label"].to_numpy()[rows],
        "village": table["village"].to_numpy()[rows],
        "district": table["district"].to_numpy()[rows],
        "households_visit": table["households"].to_numpy()[rows],
        "priority": table["priority"].to_numpy()[rows],
        "lat": np.round(lat, 6), "lon": np.round(lon, 6),
        "reason": reason[rows].astype(str),
    })


def _split_partial(table: pd.DataFrame, located: pd.DataFrame, partial: dict[int, int], *,
                   pool: np.ndarray, first: int, reason: np.ndarray
                   ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """
    Split each partly visited stop in two: ``<id>/1`` visited, ``<id>/2`` left over.

    ``located`` (by location) gets the visited part, ``table`` (all stops) the rest, which
    keeps its reason (not enough time); households are conserved.
    """
    if not partial:
        return table, located
    table, located = table.copy(), located.copy()
    for location, count in partial.items():
        row = int(pool[location - first])
        whole = int(located.loc[location, "households"])
        stop_id = str(located.loc[location, "stop_id"])
        located.loc[location, ["stop_id", "households"]] = [f"{stop_id}/1", count]
        table.loc[row, ["stop_id", "households"]] = [f"{stop_id}/2", whole - count]
        reason[row] = "no_time"
    return table, located


def solve_routes(
    network: RoadNetwork | None,
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
    Share stops between teams and days on road (or estimated) distances.

    Parameters
    ----------
    network
        The road network; None plans every leg on straight line × detour factor.
    stops
        Stops as :func:`~geo_outreach.field.stops.prepare_stops` returns them, each at
        most a sitting's worth of households (see
        :func:`~geo_outreach.field.visit_stops.split_stops`); ``priority`` (1 = first)
        when given, else the table's order.
    settings
        Teams, days, budget, mode, service time, solver and its time limit.
    start, end
        Where every team starts and ends each day, EPSG:4326 (end: the start when None).
    office_id, office_name
        The office, for reports.
    is_demo
        Whether the households come from DEMO data.

    Returns
    -------
    RoutePlan
        The routes per day and team, and the stops left over with the reason.
    """
    end = start if end is None else end
    separate_end = not start.equals(end)
    crs = network.crs if network is not None else choose_metric_crs(
        gpd.GeoDataFrame(geometry=[start], crs="EPSG:4326"))
    anchors = gpd.GeoSeries([start, end] if separate_end else [start], crs="EPSG:4326")
    anchors_xy = shapely.get_coordinates(anchors.to_crs(crs).to_numpy())
    table, group_rank = _in_priority_order(prepare_stops(stops), anchors_xy[0], crs)
    stops_xy = shapely.get_coordinates(table.to_crs(crs).geometry.to_numpy())
    first = len(anchors_xy)
    end_index = 1 if separate_end else 0
    speed_mps = settings.speed * 1000 / 3600
    budget_s = int(settings.hours * 3600)
    stop_service_s = np.ceil(table["households"].to_numpy(float)
                             * settings.minutes_per_household * 60)
    reason = np.full(len(table), "", dtype=object)
    reason[stop_service_s > budget_s] = "too_long"  # its visits alone outlast a day
    fits = reason == ""
    in_pool = np.zeros(len(table), dtype=bool)
    in_pool[fits] = _pool(stop_service_s[fits], settings)
    reason[fits & ~in_pool] = "no_time"
    pool = np.flatnonzero(in_pool)

    xy = np.concatenate([anchors_xy, stops_xy[pool]])
    travel = travel_matrix(network, xy, one_way=settings.keeps_one_way)
    service_s = np.concatenate([np.zeros(first), stop_service_s[pool]])
    out_and_back = travel.distance_m[0, first:] + travel.distance_m[first:, end_index]
    alone_s = np.ceil(out_and_back / speed_mps) + service_s[first:]
    too_long = alone_s > budget_s
    reason[pool[too_long]] = "too_long"
    candidates = np.flatnonzero(~too_long)
    keep = np.concatenate([np.arange(first), first + candidates])
    households = np.concatenate([np.zeros(first), table["households"].to_numpy(float)[pool]])
    rank = np.concatenate([np.zeros(first), group_rank[pool].astype(float)])
    due = np.concatenate([np.zeros(first, dtype=np.int64), _due_days(table)[pool]])
    weight = _prize_weights(rank, float(group_rank[pool].max(initial=0)), due)
    vehicles = settings.teams * settings.days
    instance = routing_instance(
        travel.distance_m[np.ix_(keep, keep)], service_s=service_s[keep],
        households=households[keep], weight=weight[keep], vehicles=vehicles,
        budget_s=budget_s, speed_mps=speed_mps, end=end_index)
    solution = solve(instance, solver=settings.solver, time_limit_s=(
        settings.time_limit_s if settings.time_limit_s is not None
        else default_time_limit(len(candidates), vehicles)))
    routes = [[int(keep[node]) for node in route] for route in solution.routes]
    served = {node for route in routes for node in route}
    per_household_s = settings.minutes_per_household * 60
    # Part of a stop too big for a day alone can still be visited if the trip fits.
    reachable = np.flatnonzero(too_long & (np.ceil(out_and_back / speed_mps) < budget_s))
    spare = [first + c for c in candidates if first + c not in served]
    routes, partial = fill_days(routes, travel.distance_m / speed_mps, service_s,
                                households=households, spare=spare + list(first + reachable),
                                budget_s=budget_s, per_household_s=per_household_s,
                                end=end_index)
    served = {node for route in routes for node in route}
    reason[[pool[c] for c in candidates if first + c not in served]] = "no_time"

    table, located = _split_partial(
        table, table.iloc[pool].set_axis(np.arange(first, first + len(pool))), partial,
        pool=pool, first=first, reason=reason)
    for location, count in partial.items():
        service_s[location] = count * per_household_s
    by_slot = {(day, team): route for day, team, route in _days_by_priority(
        routes, np.concatenate([np.zeros(first), rank[first:]]), settings.teams,
        due=due, days=settings.days)}
    team_routes = [
        _team_route((day, team), by_slot.get((day, team), []), travel, network, located,
                    crs=crs, end_index=end_index, speed_mps=speed_mps, service_s=service_s,
                    anchors_xy=np.vstack([anchors_xy[0], anchors_xy[end_index]]))
        for day in range(1, settings.days + 1) for team in range(1, settings.teams + 1)]
    unserved = _unserved_table(table, reason, stops_xy, crs)
    score_objective = evaluate(instance, solution.routes).objective
    return RoutePlan(routes=team_routes, unserved=unserved,
                     settings=settings, start=start, end=end, office_id=office_id,
                     office_name=office_name,
                     network_source=network.source if network is not None else "",
                     attribution=network.attribution if network is not None else "",
                     is_demo=is_demo, solver_status=solution.status,
                     objective=score_objective, detour_factor=travel.detour_factor,
                     solver=solution.solver, solve_s=solution.seconds)
