"""
PyVRP's iterated local search on a :class:`~geo_outreach.field.vrp.VrpInstance`.

The model is the same as OR-Tools' (:mod:`geo_outreach.field.vrp_ortools`): every stop is
an optional client whose prize is the instance's prize, so PyVRP's cost (distance plus
the prizes not collected) *is* the instance's objective; a route's duration (travel plus
service) is capped at the budget by the vehicle type's shift duration; the routes start
at location 0 and end at ``instance.end``. The matrices go to PyVRP as arrays
(:class:`pyvrp.ProblemData`): no Python call per arc.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from pyvrp import Client, Depot, Location, ProblemData, VehicleType, solve
from pyvrp.stop import MaxRuntime

if TYPE_CHECKING:
    from geo_outreach.field.vrp import VrpInstance


def problem_data(instance: VrpInstance) -> ProblemData:
    """
    Pose an instance as PyVRP problem data.

    Parameters
    ----------
    instance
        The problem.

    Returns
    -------
    ProblemData
        One location per instance location (same index), a depot at the start (and one
        at the end when it differs), an optional client per stop and one vehicle type
        with ``instance.vehicles`` vehicles.
    """
    locations = [Location(x=0.0, y=0.0) for _ in range(instance.size)]
    depots = [Depot(location=0)]
    if instance.end != 0:
        depots.append(Depot(location=int(instance.end)))
    clients = [Client(location=int(stop), service_duration=int(instance.service_s[stop]),
                      prize=int(instance.prize[stop]), required=False)
               for stop in instance.stops]
    vehicle = VehicleType(num_available=int(instance.vehicles), start_depot=0,
                          end_depot=len(depots) - 1, shift_duration=int(instance.budget_s))
    distance = np.ascontiguousarray(instance.distance_m, dtype=np.int64)
    duration = np.ascontiguousarray(instance.travel_s, dtype=np.int64)
    return ProblemData(locations, clients, depots, [vehicle], [distance], [duration])


def solve_pyvrp(instance: VrpInstance, *, time_limit_s: float, seed: int = 0
                ) -> tuple[list[list[int]], str]:
    """
    Solve with PyVRP: iterated local search until the time limit.

    Parameters
    ----------
    instance
        The problem.
    time_limit_s
        How long the search runs (it always runs to the limit).
    seed
        Seed of PyVRP's random number generator: the same seed and the same number of
        iterations give the same routes.

    Returns
    -------
    tuple
        The routes (stop indices in order) and ``"FEASIBLE"``, or no routes and
        ``"INFEASIBLE"`` when the search found no solution within the budget.
    """
    data = problem_data(instance)
    result = solve(data, stop=MaxRuntime(max(time_limit_s, 0.001)), seed=seed,
                   collect_stats=False, display=False)
    if not result.is_feasible():
        return [[] for _ in range(instance.vehicles)], "INFEASIBLE"
    stops = instance.stops
    routes = [[int(stops[visit.idx]) for visit in route if visit.is_client()]
              for route in result.best.routes()]
    return routes, "FEASIBLE"
