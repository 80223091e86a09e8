"""
The routing backends (OR-Tools, PyVRP, VROOM) on small hand-made instances.

Each backend must return feasible routes (scored by :func:`geo_outreach.field.vrp.evaluate`),
find the brute-force optimum of a tiny instance, and give the same routes for the same seed.
A backend whose package is not installed is skipped.
"""

from __future__ import annotations

import importlib
import importlib.util
import itertools
from collections.abc import Callable

import numpy as np
import pytest

from geo_outreach.field.vrp import VrpInstance, evaluate, route_duration_s, routing_instance

WALK_MPS = 4.5 / 3.6


def _backend(package: str, module: str, function: str, *, limit_s: float) -> object:
    """A backend to test, skipped without its import package (pyvroom's is ``vroom``)."""
    missing = importlib.util.find_spec(package) is None
    return pytest.param(
        (module, function, limit_s), id=function.removeprefix("solve_"),
        marks=pytest.mark.skipif(
            missing, reason=f"the {package} package is not installed (see pyproject.toml)"))


# OR-Tools and PyVRP search to the time limit; VROOM stops when its search is done (a few
# milliseconds here), and its limit is only a timeout, kept long so a busy machine cannot
# cut the search short.
BACKENDS = [
    _backend("ortools", "geo_outreach.field.vrp_ortools", "solve_ortools", limit_s=0.3),
    _backend("pyvrp", "geo_outreach.field.vrp_pyvrp", "solve_pyvrp", limit_s=0.3),
    _backend("vroom", "geo_outreach.field.vrp_vroom", "solve_vroom", limit_s=10.0),
]

Solve = Callable[[VrpInstance, int], tuple[list[list[int]], str]]


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> Solve:
    """A backend with its test time limit: ``backend(instance, seed)``."""
    module, function, limit_s = request.param
    solve = getattr(importlib.import_module(module), function)

    def run(instance: VrpInstance, seed: int) -> tuple[list[list[int]], str]:
        return solve(instance, time_limit_s=limit_s, seed=seed)

    return run


def make_instance(stops: int, *, vehicles: int, budget_s: int, seed: int, end: int = 0,
                  households: np.ndarray | None = None, weighted: bool = False
                  ) -> VrpInstance:
    """Stops in a 2 km square, walked; straight-line metres × 1.3; 10-40 min per stop."""
    rng = np.random.default_rng(seed)
    anchors = 2 if end else 1
    xy = rng.uniform(0, 2000, (anchors + stops, 2))
    distance = np.hypot(*(xy[:, None, :] - xy[None, :, :]).transpose(2, 0, 1)) * 1.3
    service = np.concatenate([np.zeros(anchors), rng.integers(10, 41, stops) * 60])
    if households is None:
        households = rng.integers(1, 8, stops)
    households = np.concatenate([np.zeros(anchors), households])
    weight = (np.concatenate([np.ones(anchors), rng.uniform(1, 2, stops)]) if weighted
              else None)
    return routing_instance(distance, service_s=service, households=households, weight=weight,
                            vehicles=vehicles, budget_s=budget_s, speed_mps=WALK_MPS, end=end)


def brute_force(instance: VrpInstance) -> tuple[int, int]:
    """
    Solve two vehicles by enumeration: the best feasible route per stop set, the best pair.

    Returns the optimal objective and how many stops the optimum visits.
    """
    assert instance.vehicles == 2
    stops = instance.stops.tolist()
    best_route: dict[frozenset[int], int] = {frozenset(): 0}
    for size in range(1, len(stops) + 1):
        for order in itertools.permutations(stops, size):
            if route_duration_s(instance, order) > instance.budget_s:
                continue
            visits = [0, *order, instance.end]
            metres = int(instance.distance_m[visits[:-1], visits[1:]].sum())
            key = frozenset(order)
            best_route[key] = min(best_route.get(key, metres), metres)
    total_prize = int(instance.prize[instance.stops].sum())
    best = (total_prize, 0)
    for first, second in itertools.combinations_with_replacement(best_route, 2):
        if first & second:
            continue
        both = first | second
        collected = int(instance.prize[list(both)].sum()) if both else 0
        objective = best_route[first] + best_route[second] + total_prize - collected
        best = min(best, (objective, len(both)))
    return best


def check_routes(instance: VrpInstance, routes: list[list[int]]) -> None:
    visited = [stop for route in routes for stop in route]
    assert len(routes) <= instance.vehicles
    assert len(visited) == len(set(visited)), "a stop is visited twice"
    assert set(visited) <= set(instance.stops.tolist()), "a route holds the start or end"
    assert all(route_duration_s(instance, route) <= instance.budget_s for route in routes)
    assert evaluate(instance, routes).feasible


@pytest.mark.parametrize("end", [0, 1])
def test_routes_are_feasible(backend: Solve,
                             end: int) -> None:
    # 30 stops, 3 routes of 3 h: about a third of the stops fit.
    instance = make_instance(30, vehicles=3, budget_s=3 * 3600, seed=1, end=end, weighted=True)
    routes, status = backend(instance, 0)
    check_routes(instance, routes)
    assert isinstance(status, str)
    score = evaluate(instance, routes)
    assert 0 < score.visited < instance.stops.size


@pytest.mark.parametrize(("budget_s", "end"), [(5400, 0), (5400, 1), (8 * 3600, 0)],
                         ids=["tight", "tight-separate-end", "everything-fits"])
def test_tiny_instance_reaches_the_brute_force_optimum(
        backend: Solve, budget_s: int, end: int) -> None:
    # Households 1, 2, 4, ..., 64: no two choices of stops collect the same prize, so
    # VROOM's tie-break (more stops first) cannot differ from the objective's (fewer metres).
    households = np.array([1, 2, 4, 8, 16, 32, 64])
    instance = make_instance(7, vehicles=2, budget_s=budget_s, seed=3, end=end,
                             households=households)
    optimum, served = brute_force(instance)
    assert served == 7 if budget_s > 5400 else 2 <= served < 7  # the prizes matter
    routes, _ = backend(instance, 0)
    check_routes(instance, routes)
    assert evaluate(instance, routes).objective == optimum


def test_the_same_seed_gives_the_same_routes(
        backend: Solve) -> None:
    instance = make_instance(8, vehicles=2, budget_s=2 * 3600, seed=5, weighted=True)
    first, _ = backend(instance, 7)
    again, _ = backend(instance, 7)
    assert first == again


def test_pyvrp_data_keeps_the_instance_locations() -> None:
    pytest.importorskip("pyvrp", reason="pyvrp is not installed (pip install -e '.[solvers]')")
    from geo_outreach.field.vrp_pyvrp import problem_data  # noqa: PLC0415

    instance = make_instance(5, vehicles=2, budget_s=3600, seed=2, end=1)
    data = problem_data(instance)
    assert [depot.location for depot in data.depots()] == [0, 1]
    assert [client.location for client in data.clients()] == instance.stops.tolist()
    assert [client.prize for client in data.clients()] == instance.prize[2:].tolist()
    vehicle = data.vehicle_type(0)
    assert (vehicle.num_available, vehicle.start_depot, vehicle.end_depot,
            vehicle.shift_duration) == (2, 0, 1, 3600)


def test_vroom_priorities_are_exact_steps_when_they_fit_else_hundredths() -> None:
    pytest.importorskip("vroom", reason="pyvroom is not installed (see pyproject.toml)")
    from geo_outreach.field.vrp_vroom import priorities  # noqa: PLC0415

    assert priorities(np.array([27001 * 10, 27001 * 30, 27001 * 17])).tolist() == [10, 30, 17]
    rounded = priorities(np.array([1000, 1999, 150_000, 3]))
    assert rounded.tolist() == [1, 1, 100, 1]  # small prizes keep priority 1, not 0
    assert priorities(np.array([0, 0])).tolist() == [0, 0]
