"""OR-Tools' routing solver on a :class:`~geo_outreach.field.vrp.VrpInstance`."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from ortools.constraint_solver import pywrapcp, routing_enums_pb2

if TYPE_CHECKING:
    from ortools.constraint_solver import routing_parameters_pb2

    from geo_outreach.field.vrp import VrpInstance


def routing_model(instance: VrpInstance
                  ) -> tuple[pywrapcp.RoutingIndexManager, pywrapcp.RoutingModel]:
    """
    Pose an instance as an OR-Tools routing model.

    The matrices are registered as transit matrices (no Python callback per arc); each
    stop is a disjunction whose penalty is its prize; the time dimension (travel plus the
    service at the arc's origin) caps every route at the budget.

    Parameters
    ----------
    instance
        The problem.

    Returns
    -------
    tuple
        The index manager and the model.
    """
    size, vehicles = instance.size, instance.vehicles
    manager = pywrapcp.RoutingIndexManager(size, vehicles, [0] * vehicles,
                                           [instance.end] * vehicles)
    routing = pywrapcp.RoutingModel(manager)
    duration = np.minimum(instance.arc_duration_s(), instance.budget_s + 1)
    time_index = routing.RegisterTransitMatrix(duration.astype(np.int64).tolist())
    cost_index = routing.RegisterTransitMatrix(instance.distance_m.astype(np.int64).tolist())
    routing.SetArcCostEvaluatorOfAllVehicles(cost_index)
    routing.AddDimension(time_index, 0, int(instance.budget_s), fix_start_cumul_to_zero=True,
                         name="time")
    for node in instance.stops:
        routing.AddDisjunction([manager.NodeToIndex(int(node))], int(instance.prize[node]))
    return manager, routing


def search_parameters(time_limit_s: float) -> routing_parameters_pb2.RoutingSearchParameters:
    """
    Choose how OR-Tools searches: cheapest-arc start, then guided local search.

    Parameters
    ----------
    time_limit_s
        How long the search runs.

    Returns
    -------
    RoutingSearchParameters
        OR-Tools' search parameters.
    """
    parameters = pywrapcp.DefaultRoutingSearchParameters()
    parameters.first_solution_strategy = (
        routing_enums_pb2.FirstSolutionStrategy.PATH_CHEAPEST_ARC)
    parameters.local_search_metaheuristic = (
        routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH)
    parameters.time_limit.FromMilliseconds(max(1, round(time_limit_s * 1000)))
    return parameters


def read_routes(instance: VrpInstance, manager: pywrapcp.RoutingIndexManager,
                routing: pywrapcp.RoutingModel, solution: pywrapcp.Assignment | None
                ) -> list[list[int]]:
    """
    Read each vehicle's stops, in order, from an OR-Tools solution.

    Parameters
    ----------
    instance
        The problem.
    manager, routing
        The model the solution belongs to.
    solution
        The solution, or None (no routes).

    Returns
    -------
    list
        One list of stop indices per vehicle.
    """
    if solution is None:
        return [[] for _ in range(instance.vehicles)]
    routes = []
    for vehicle in range(instance.vehicles):
        index = routing.Start(vehicle)
        route = []
        while not routing.IsEnd(index):
            node = manager.IndexToNode(index)
            if node not in (0, instance.end):
                route.append(node)
            index = solution.Value(routing.NextVar(index))
        routes.append(route)
    return routes


def solve_ortools(instance: VrpInstance, *, time_limit_s: float, seed: int = 0
                  ) -> tuple[list[list[int]], str]:
    """
    Solve with OR-Tools: cheapest-arc start, guided local search until the time limit.

    Parameters
    ----------
    instance
        The problem (posed by :func:`routing_model`).
    time_limit_s
        How long guided local search runs (it always runs to the limit).
    seed
        Unused: OR-Tools' routing search draws no random numbers (a search cut by the
        time limit may still end differently from one run to the next).

    Returns
    -------
    tuple
        The routes (stop indices in order) and OR-Tools' status name.
    """
    del seed
    manager, routing = routing_model(instance)
    solution = routing.SolveWithParameters(search_parameters(time_limit_s))
    status = routing_enums_pb2.RoutingSearchStatus.Value.Name(routing.status())
    return read_routes(instance, manager, routing, solution), status
