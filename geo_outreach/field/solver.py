"""
The vehicle-routing model: teams, day budgets and service times, solved with OR-Tools.

Distances come from the road network (a precomputed matrix registered with the solver).
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely
from ortools.constraint_solver import pywrapcp, routing_enums_pb2
from scipy.sparse import csgraph

from geo_outreach._errors import InputError, Problem
from geo_outreach.field.plan import RoutePlan, RouteSettings, TeamRoute
from geo_outreach.field.stops import prepare_stops
from geo_outreach.roads.graph import RoadGraph, build_graph, path_line, snap_points

if TYPE_CHECKING:

    from geo_outreach.roads.model import RoadNetwork


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
