"""
The routing problem the teams pose, in a form any vehicle-routing solver can take.

A canvassing plan is a *prize-collecting* vehicle-routing problem with duration limits:

- every route (one team on one day) starts at the ``start`` location and ends at ``end``;
- a route's travel time plus the service time of its stops fits the day's budget;
- a stop may be left out, at the cost of its *prize* (in metres: leaving a stop out must
  cost more than any detour a team could make to reach it);
- the objective is the metres travelled plus the prizes of the stops left out.

:class:`VrpInstance` holds the integer matrices; :func:`solve` runs the chosen solver
(:data:`SOLVERS`); :func:`evaluate` checks a solution against the instance and scores it the
same way whatever solver produced it.
"""

from __future__ import annotations

import importlib
import importlib.util
import math
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

import numpy as np

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

def _default_solver() -> str:
    """VROOM where its wheel is installed (the fastest good solver measured), else OR-Tools."""
    return "vroom" if importlib.util.find_spec("vroom") is not None else "ortools"


DEFAULT_SOLVER: Final = _default_solver()
"""
The solver plans use unless told otherwise: VROOM, chosen by ``benchmarks/bench_solvers.py``
(200 stops, 5 teams, one day: within 0.12-0.23 % of the best any of OR-Tools, PyVRP and
VROOM finds in 120 s, in 0.3-0.8 s); OR-Tools on platforms without a pyvroom wheel.
"""


@dataclass(frozen=True, eq=False)
class VrpInstance:
    """
    A prize-collecting routing problem with a time budget per route.

    Attributes
    ----------
    distance_m
        Whole metres between locations, shape (n, n); location 0 is the start, ``end`` the
        end (0 too when teams return where they started), the others are stops.
    travel_s
        Whole seconds of travel between locations, shape (n, n). Pairs with no connection
        hold a value above ``budget_s``.
    service_s
        Whole seconds spent at each location (0 at the start and end).
    prize
        What visiting each stop is worth, in metres of travel (0 at the start and end).
    vehicles
        How many routes may be driven (teams × days).
    budget_s
        Each route's time budget: travel plus service, seconds.
    end
        The end location's index (0: the start).
    """

    distance_m: np.ndarray
    travel_s: np.ndarray
    service_s: np.ndarray
    prize: np.ndarray
    vehicles: int
    budget_s: int
    end: int = 0

    @property
    def size(self) -> int:
        """Number of locations, start and end included."""
        return len(self.distance_m)

    @property
    def stops(self) -> np.ndarray:
        """Indices of the stops (every location but the start and the end)."""
        first = 1 if self.end == 0 else 2
        return np.arange(first, self.size)

    def arc_duration_s(self) -> np.ndarray:
        """Travel from ``i`` to ``j`` plus the service at ``i``: what a route spends on an arc."""
        duration = self.travel_s + self.service_s[:, None]
        np.fill_diagonal(duration, 0)
        return duration


@dataclass(frozen=True)
class VrpSolution:
    """
    The stops of each route, in visiting order.

    Attributes
    ----------
    routes
        One list of stop indices per vehicle (empty for an unused vehicle).
    solver
        Which solver found it.
    status
        The solver's own word for how it ended.
    seconds
        Wall time of the solve.
    """

    routes: list[list[int]]
    solver: str
    status: str
    seconds: float


@dataclass(frozen=True)
class Score:
    """
    A solution measured on its instance.

    Attributes
    ----------
    objective
        Metres travelled plus the prizes of the stops left out (lower is better).
    distance_m
        Metres travelled by all routes.
    prize
        Prize collected.
    visited
        Stops visited.
    feasible
        True when every route fits the budget and no stop is visited twice.
    """

    objective: int
    distance_m: int
    prize: int
    visited: int
    feasible: bool


def routing_instance(
    distance_m: np.ndarray,
    *,
    service_s: np.ndarray,
    households: np.ndarray,
    weight: np.ndarray | None = None,
    vehicles: int,
    budget_s: int,
    speed_mps: float,
    end: int = 0,
) -> VrpInstance:
    """
    Pose the teams' problem: travel at a speed, a budget per route, prizes by households.

    Parameters
    ----------
    distance_m
        Metres between locations (start, end if separate, stops), shape (n, n); inf where
        no connection exists.
    service_s
        Seconds spent at each location (0 at the start and end).
    households
        Households visited at each location (0 at the start and end).
    weight
        Per location, a factor from 1 to 2 raising the prize of higher-priority stops
        (None: all 1).
    vehicles
        Routes available (teams × days).
    budget_s
        Each route's time budget, seconds.
    speed_mps
        Travel speed.
    end
        Index of the end location (0: back to the start).

    Returns
    -------
    VrpInstance
        Prize per stop = households × weight × (the distance a team covers in a whole
        day + 1 m): visiting one more household always pays more than any detour.
    """
    distance_m = np.asarray(distance_m, dtype=float)
    reachable = np.isfinite(distance_m)
    too_far_s = int(budget_s) + 1
    travel = np.where(reachable, np.ceil(distance_m / speed_mps), too_far_s)
    metres = np.where(reachable, np.round(distance_m), 10 * too_far_s * speed_mps)
    per_household = math.ceil(speed_mps * budget_s) + 1
    weight = np.ones(len(distance_m)) if weight is None else np.asarray(weight, dtype=float)
    prize = np.round(np.asarray(households, dtype=float) * weight * per_household)
    return VrpInstance(distance_m=metres.astype(np.int64), travel_s=travel.astype(np.int64),
                       service_s=np.ceil(np.asarray(service_s, dtype=float)).astype(np.int64),
                       prize=prize.astype(np.int64), vehicles=int(vehicles),
                       budget_s=int(budget_s), end=int(end))


def route_duration_s(instance: VrpInstance, route: Sequence[int]) -> int:
    """
    Time a route takes from the start through its stops to the end.

    Parameters
    ----------
    instance
        The problem.
    route
        Stop indices in visiting order.

    Returns
    -------
    int
        Travel plus service, seconds (0 for an empty route).
    """
    if not route:
        return 0
    visits = [0, *route, instance.end]
    travel = int(instance.travel_s[visits[:-1], visits[1:]].sum())
    return travel + int(instance.service_s[list(route)].sum())


def evaluate(instance: VrpInstance, routes: Sequence[Sequence[int]]) -> Score:
    """
    Score routes on an instance the same way whichever solver made them.

    Parameters
    ----------
    instance
        The problem.
    routes
        Stop indices per route.

    Returns
    -------
    Score
        The objective and its parts, and whether the routes keep every rule.
    """
    distance = 0
    visited = [stop for route in routes for stop in route]
    for route in routes:
        if route:
            visits = [0, *route, instance.end]
            distance += int(instance.distance_m[visits[:-1], visits[1:]].sum())
    stops = set(instance.stops.tolist())
    feasible = (len(visited) == len(set(visited)) and set(visited) <= stops
                and len(routes) <= instance.vehicles
                and all(route_duration_s(instance, route) <= instance.budget_s
                        for route in routes))
    collected = int(instance.prize[visited].sum()) if visited else 0
    left_out = int(instance.prize[instance.stops].sum()) - collected
    return Score(objective=distance + left_out, distance_m=distance, prize=collected,
                 visited=len(set(visited)), feasible=feasible)


SOLVERS: Final[dict[str, str]] = {
    "ortools": "geo_outreach.field.vrp_ortools:solve_ortools",
    "pyvrp": "geo_outreach.field.vrp_pyvrp:solve_pyvrp",
    "vroom": "geo_outreach.field.vrp_vroom:solve_vroom",
}
"""
The solvers a plan can use: name → ``module:function``, imported only when used.

Each function takes ``(instance, *, time_limit_s, seed)`` and returns the routes (stop
indices per vehicle) and a status word.
"""


def _solver_function(name: str) -> Callable[..., tuple[list[list[int]], str]]:
    """Import a solver's function on first use (each solver is a large library)."""
    module, function = SOLVERS[name].split(":")
    return getattr(importlib.import_module(module), function)


def solve(instance: VrpInstance, *, solver: str = DEFAULT_SOLVER, time_limit_s: float = 2.0,
          seed: int = 0) -> VrpSolution:
    """
    Solve a routing problem.

    Parameters
    ----------
    instance
        The problem.
    solver
        A key of :data:`SOLVERS`.
    time_limit_s
        The longest the solver may search.
    seed
        Seed for solvers that draw random numbers (PyVRP). The same seed gives the same
        plan when the search ends by itself; a search cut by the time limit may differ
        from run to run (OR-Tools, PyVRP) and VROOM ignores the seed.

    Returns
    -------
    VrpSolution
        The routes (each a list of stop indices) and how the solve went.
    """
    if instance.stops.size == 0:
        return VrpSolution([[] for _ in range(instance.vehicles)], solver, "NO_STOPS", 0.0)
    began = time.perf_counter()
    routes, status = _solver_function(solver)(instance, time_limit_s=time_limit_s, seed=seed)
    routes = [list(map(int, route)) for route in routes]
    routes += [[] for _ in range(instance.vehicles - len(routes))]
    return VrpSolution(routes, solver, status, time.perf_counter() - began)
