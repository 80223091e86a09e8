"""
Benchmark the routing solvers (OR-Tools, PyVRP, VROOM) on canvassing problems in Kota Yogyakarta.

Each instance is the teams' problem as plans pose it (:func:`geo_outreach.field.vrp.
routing_instance`): 50, 200 or 1,000 stops on road nodes inside the bundled network's
extent (seeded), 10-30 households each, 3 min per household, a 6 h day, the teams start
and end at KC Yogyakarta; walking (4.5 km/h, two-way roads) or motorbike (25 km/h,
one-way rules kept), distances along the roads (:func:`geo_outreach.field.travel.
travel_matrix`); 3, 5 or 10 teams for one day, and for 200 stops also a 5-day week. The
prizes weight the households 1-2× by a random priority rank, as plans do. In some
instances every stop fits (the distance decides), in most not (the households served
decide).

For each instance and solver: the objective (metres + the prizes of the stops left out,
scored by :func:`geo_outreach.field.vrp.evaluate`) at time limits of 1, 2 and 5 s, with
the wall time of the solve (model building included), against a reference: the best
objective any solver reaches in 120 s (``--quick``: the best short run). The CPU time
shown beside the wall time tells whether a solve had its core (VROOM's may exceed the wall
time: it uses several threads). The 120 s runs of OR-Tools and PyVRP run side by side, one
per core; VROOM's run alone (it uses every core). The gap is given in percent of the
reference objective and in households: the objective difference ÷ the prize of one
household (the metres a team covers in a day).
Where most stops cannot fit, the prizes left out make up most of the objective, so a
small percentage can still be many households. One OR-Tools tuning, ``ortools-lns`` (four
more large-neighbourhood operators), is measured in the short runs only; it is not kept
in :mod:`geo_outreach.field.vrp_ortools` (no better overall).

Run from the repository root::

    .venv/bin/python benchmarks/bench_solvers.py [--quick]
"""

from __future__ import annotations

import argparse
import importlib
import math
import multiprocessing
import os
import platform
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

import numpy as np
import pyproj

from geo_outreach.field import vrp
from geo_outreach.field.travel import travel_matrix
from geo_outreach.roads.networks import bundled_network

if TYPE_CHECKING:
    from collections.abc import Callable

    from geo_outreach.roads.model import RoadNetwork

OFFICE_LONLAT: Final = (110.38344, -7.78305)
"""KC Yogyakarta: where every team starts and ends."""
SPEED_KMH: Final = {"walk": 4.5, "motorbike": 25.0}
MINUTES_PER_HOUSEHOLD: Final = 3.0
HOUSEHOLDS: Final = (10, 30)
BUDGET_S: Final = 6 * 3600
LIMITS_S: Final = (1.0, 2.0, 5.0)
LONG_RUN_S: Final = 120.0
SOLVER_NAMES: Final = ("ortools", "pyvrp", "vroom")
VARIANTS: Final = ("ortools-lns",)
"""Tunings tried in the short runs only (not in the reference)."""
SEED: Final = 0


@dataclass(frozen=True)
class Case:
    """One benchmark instance: stops, teams, days and travel mode."""

    stops: int
    teams: int
    days: int
    mode: str

    @property
    def name(self) -> str:
        """A short label, e.g. ``200 stops, 5 teams × 5 days, walk``."""
        days = f" × {self.days} days" if self.days > 1 else ""
        return f"{self.stops} stops, {self.teams} teams{days}, {self.mode}"


CASES: Final = (
    Case(50, 3, 1, "walk"),
    Case(50, 10, 1, "motorbike"),
    Case(200, 5, 1, "walk"),
    Case(200, 5, 1, "motorbike"),
    Case(200, 10, 1, "walk"),
    Case(200, 3, 5, "walk"),
    Case(200, 5, 5, "walk"),
    Case(200, 5, 5, "motorbike"),
    Case(200, 10, 5, "walk"),
    Case(200, 10, 5, "motorbike"),
    Case(1000, 5, 1, "motorbike"),
    Case(1000, 10, 1, "walk"),
)
"""The instances measured (of the full grid: see :data:`SKIPPED`)."""

SKIPPED: Final = (
    "of the 24 combinations (50, 200, 1,000 stops × 3, 5, 10 teams × walk, motorbike, one "
    "day; 200 stops also a week) 12 are measured. Left out, as the same kind as one kept: "
    "50 stops with 3 teams by motorbike and 5 teams either way (a fraction of the stops "
    "fits, as with 3 teams walking), 10 teams walking (33 of 50 fit); 200 stops, one day, "
    "with 3 teams either way and 10 by motorbike (a tenth to a quarter of the stops fits, "
    "as with 5 teams); a week with 3 teams by motorbike (79 of 200 fit, as with 5 teams "
    "walking); 1,000 stops with 3 teams either way, 5 walking and 10 by motorbike (15-56 "
    "of 1,000 fit whatever the teams and mode). Everything fits only with 10 teams by "
    "motorbike (50 stops, one day; 200 stops, a week): both are kept."
)
"""Which combinations of the grid are not measured, and why."""

def _ortools_lns(instance: vrp.VrpInstance, *, time_limit_s: float, seed: int = 0
                 ) -> tuple[list[list[int]], str]:
    """OR-Tools with four more large-neighbourhood operators switched on."""
    del seed
    from ortools.constraint_solver import routing_enums_pb2  # noqa: PLC0415
    from ortools.util.optional_boolean_pb2 import BOOL_TRUE  # noqa: PLC0415

    from geo_outreach.field import vrp_ortools  # noqa: PLC0415

    manager, routing = vrp_ortools.routing_model(instance)
    parameters = vrp_ortools.search_parameters(time_limit_s)
    operators = parameters.local_search_operators
    operators.use_inactive_lns = operators.use_path_lns = BOOL_TRUE
    operators.use_global_cheapest_insertion_close_nodes_lns = BOOL_TRUE
    operators.use_local_cheapest_insertion_close_nodes_lns = BOOL_TRUE
    solution = routing.SolveWithParameters(parameters)
    status = routing_enums_pb2.RoutingSearchStatus.Value.Name(routing.status())
    return vrp_ortools.read_routes(instance, manager, routing, solution), status


BACKENDS: Final = {
    "ortools": "geo_outreach.field.vrp_ortools:solve_ortools",
    "pyvrp": "geo_outreach.field.vrp_pyvrp:solve_pyvrp",
    "vroom": "geo_outreach.field.vrp_vroom:solve_vroom",
}
"""Each solver's function, ``(instance, *, time_limit_s, seed) -> (routes, status)``."""


def _solver(name: str) -> Callable[..., tuple[list[list[int]], str]]:
    """Import a solver's function (or return a tuning tried here)."""
    if name == "ortools-lns":
        return _ortools_lns
    module, function = BACKENDS[name].split(":")
    return getattr(importlib.import_module(module), function)


@dataclass(frozen=True)
class Run:
    """One solve measured."""

    solver: str
    limit_s: float
    objective: int
    seconds: float
    cpu_s: float
    visited: int
    distance_m: int
    feasible: bool


def solve_once(instance: vrp.VrpInstance, solver: str, limit_s: float) -> Run:
    """Solve once and score the routes."""
    began, began_cpu = time.perf_counter(), time.process_time()
    routes, _ = _solver(solver)(instance, time_limit_s=limit_s, seed=SEED)
    seconds, cpu_s = time.perf_counter() - began, time.process_time() - began_cpu
    score = vrp.evaluate(instance, routes)
    return Run(solver, limit_s, score.objective, seconds, cpu_s, score.visited,
               score.distance_m, score.feasible)


def stop_points(network: RoadNetwork, count: int, seed: int) -> np.ndarray:
    """Pick ``count`` distinct road nodes inside the network's extent."""
    rng = np.random.default_rng(seed)
    inside = np.flatnonzero(network.covers_xy(network.node_xy))
    return network.node_xy[rng.choice(inside, count, replace=False)]


def build_instances(network: RoadNetwork, cases: tuple[Case, ...]
                    ) -> dict[Case, vrp.VrpInstance]:
    """Measure the roads once per stop count and mode; pose each case's problem."""
    office = np.array(pyproj.Transformer.from_crs("EPSG:4326", network.crs, always_xy=True)
                      .transform(*OFFICE_LONLAT))
    matrices = {}
    instances = {}
    for case in cases:
        rng = np.random.default_rng(case.stops)
        households = np.concatenate([[0], rng.integers(HOUSEHOLDS[0], HOUSEHOLDS[1] + 1,
                                                       case.stops)])
        rank = rng.permutation(case.stops)
        weight = np.concatenate([[1.0], 1 + (1 - rank / case.stops)])
        key = (case.stops, case.mode)
        if key not in matrices:
            xy = np.vstack([office, stop_points(network, case.stops, seed=case.stops)])
            matrices[key] = travel_matrix(network, xy, one_way=case.mode == "motorbike"
                                          ).distance_m
        instances[case] = vrp.routing_instance(
            matrices[key], service_s=households * MINUTES_PER_HOUSEHOLD * 60,
            households=households, weight=weight, vehicles=case.teams * case.days,
            budget_s=BUDGET_S, speed_mps=SPEED_KMH[case.mode] / 3.6)
    return instances


def _household_m(case: Case) -> int:
    """Return the prize of one household (weight 1): a team's metres in a day + 1."""
    return math.ceil(SPEED_KMH[case.mode] / 3.6 * BUDGET_S) + 1


def long_runs(instances: dict[Case, vrp.VrpInstance]) -> dict[Case, list[Run]]:
    """Run every solver for the long limit: OR-Tools and PyVRP side by side, then VROOM."""
    results: dict[Case, list[Run]] = {case: [] for case in instances}
    context = multiprocessing.get_context("spawn")
    with context.Pool(2) as pool:
        pending = {case: [pool.apply_async(solve_once, (instance, name, LONG_RUN_S))
                          for name in ("ortools", "pyvrp")]
                   for case, instance in instances.items()}
        for case, runs in pending.items():
            results[case] += [run.get() for run in runs]
    for case, instance in instances.items():
        results[case].append(solve_once(instance, "vroom", LONG_RUN_S))
    return results


def _cell(run: Run, reference: int, household_m: int) -> str:
    if not run.feasible:
        return "infeasible"
    gap = (run.objective - reference) / reference
    households = (run.objective - reference) / household_m
    return f"{gap:+.2%}, {households:+.1f} hh ({run.seconds:.1f} s, CPU {run.cpu_s:.1f} s)"


def main() -> None:
    """Run the benchmark and print Markdown tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--quick", action="store_true",
                        help="skip the 120 s runs: the reference is the best short run")
    parser.add_argument("--stops", type=int, nargs="*", help="only the cases with these counts")
    args = parser.parse_args()
    began = time.perf_counter()
    load_before = os.getloadavg()
    network = bundled_network()
    cases = tuple(case for case in CASES if not args.stops or case.stops in args.stops)
    instances = build_instances(network, cases)
    short = {case: [solve_once(instance, name, limit)
                    for name in (*SOLVER_NAMES, *VARIANTS) for limit in LIMITS_S]
             for case, instance in instances.items()}
    long = {} if args.quick else long_runs(instances)
    print(f"Machine: {os.cpu_count()} cores, {platform.processor() or platform.machine()}, "
          f"Python {platform.python_version()}; seed {SEED}; load average (1, 5, 15 min) "
          f"{_load(load_before)} at the start, {_load(os.getloadavg())} at the end.\n")
    print(report(instances, short, long, quick=args.quick))
    print(f"\nLeft out of the grid: {SKIPPED}")
    print(f"\nWhole run: {time.perf_counter() - began:.0f} s.")


def _load(load: tuple[float, float, float]) -> str:
    return "/".join(f"{value:.1f}" for value in load)


def report(instances: dict[Case, vrp.VrpInstance], short: dict[Case, list[Run]],
           long: dict[Case, list[Run]], *, quick: bool) -> str:
    """Two Markdown tables: every instance and solver, then each solver over all instances."""
    limits = [*LIMITS_S, *([] if quick else [LONG_RUN_S])]
    header = " | ".join(f"{limit:g} s" for limit in limits)
    lines = [f"| instance | stops served (ref.) | reference objective | solver | {header} |",
             "|---|---|---|---|" + "---|" * len(limits)]
    gaps: dict[tuple[str, float], list[tuple[float, float, float]]] = {}
    for case, instance in instances.items():
        runs = short[case] + long.get(case, [])
        best = min((run for run in runs if run.feasible and run.solver in SOLVER_NAMES),
                   key=lambda run: run.objective)
        household_m = _household_m(case)
        served = f"{best.visited}/{instance.stops.size}"
        reference = (f"{best.objective:,} ({best.solver}, {best.limit_s:g} s; "
                     f"{best.distance_m / 1000:.1f} km)")
        for name in (*SOLVER_NAMES, *VARIANTS):
            cells = {}
            for run in runs:
                if run.solver == name:
                    cells[run.limit_s] = _cell(run, best.objective, household_m)
                    gaps.setdefault((name, run.limit_s), []).append(
                        ((run.objective - best.objective) / best.objective,
                         (run.objective - best.objective) / household_m, run.seconds))
            row = " | ".join(cells.get(limit, "") for limit in limits)
            lines.append(f"| {case.name} | {served} | {reference} | {name} | {row} |")
            served = reference = ""
    lines += ["", ("| solver | limit | median gap | worst gap | worst gap, households | "
                   "median wall | longest wall |"), "|---|---|---|---|---|---|---|"]
    for (name, limit), values in gaps.items():
        gap, households, seconds = (np.array(column) for column in zip(*values, strict=True))
        lines.append(f"| {name} | {limit:g} s | {np.median(gap):+.2%} | {gap.max():+.2%} | "
                     f"{households.max():+.1f} | {np.median(seconds):.1f} s | "
                     f"{seconds.max():.1f} s |")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
