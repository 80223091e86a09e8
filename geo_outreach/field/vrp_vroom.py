"""
VROOM (through pyvroom) on a :class:`~geo_outreach.field.vrp.VrpInstance`.

The model is as close to OR-Tools' (:mod:`geo_outreach.field.vrp_ortools`) as VROOM allows:

- every stop is a job with the stop's service time; every vehicle starts at location 0,
  ends at ``instance.end`` and has the time window ``[0, budget]``, so travel plus
  service fits the budget; the cost matrix is the metres, the duration matrix the seconds.
- VROOM has no prize. A job's *priority* is a whole number from 0 to 100, and VROOM
  compares solutions lexicographically: the priority sum of the jobs it serves first
  (highest wins), then how many jobs it serves, then the cost. The prizes therefore
  become priorities (:func:`priorities`): exactly, when they are whole multiples of a
  common step that fit in 0..100 (households × the same metres per household, as in an
  unweighted plan), otherwise rounded to hundredths of the largest prize.
- The instance's objective (metres + prizes left out) ranks solutions the same way as
  long as any stop's prize exceeds any saving in metres from leaving it out, which is
  how :func:`~geo_outreach.field.vrp.routing_instance` sets prizes; where prizes were
  rounded, or when two choices of stops have the same prize but a different number of
  stops, VROOM may prefer a solution the objective ranks lower.
- VROOM does not search to a time limit: it runs a fixed search (``exploration_level``)
  and stops when done; the time limit is passed as its timeout, which cuts the search
  short when reached. It uses several threads (``nb_threads``); OR-Tools and PyVRP use one.
"""

from __future__ import annotations

import math
import os
from datetime import timedelta
from typing import TYPE_CHECKING, Final

import numpy as np
import vroom

if TYPE_CHECKING:
    from geo_outreach.field.vrp import VrpInstance

MAX_PRIORITY: Final = 100
"""VROOM's highest job priority."""
EXPLORATION_LEVEL: Final = 5
"""VROOM's search depth, 1 to 5 (5: the most thorough, VROOM's own default)."""
THREADS: Final = 4
"""At most this many threads (fewer when the machine has fewer cores)."""


def priorities(prize: np.ndarray) -> np.ndarray:
    """
    Turn prizes into VROOM priorities (whole numbers, 0 to 100).

    Parameters
    ----------
    prize
        The stops' prizes (non-negative whole numbers).

    Returns
    -------
    np.ndarray
        ``prize ÷ step`` when the prizes are multiples of a step with at most 100 steps in
        the largest; else ``prize × 100 ÷ the largest`` rounded, at least 1 for a positive
        prize.
    """
    prize = np.asarray(prize, dtype=np.int64)
    positive = prize[prize > 0]
    if positive.size == 0:
        return np.zeros(len(prize), dtype=np.int64)
    step = math.gcd(*positive.tolist())
    if positive.max() // step <= MAX_PRIORITY:
        return prize // step
    scaled = np.round(prize * MAX_PRIORITY / positive.max()).astype(np.int64)
    return np.where(prize > 0, np.maximum(scaled, 1), 0)


def solve_vroom(instance: VrpInstance, *, time_limit_s: float, seed: int = 0
                ) -> tuple[list[list[int]], str]:
    """
    Solve with VROOM: its full search (exploration level 5), cut at the time limit.

    Parameters
    ----------
    instance
        The problem.
    time_limit_s
        VROOM's timeout: the longest it searches (it often ends sooner).
    seed
        Unused: VROOM draws no random numbers (a search cut by the timeout may end
        differently from one run to the next).

    Returns
    -------
    tuple
        The routes (stop indices in order) and ``"SOLVED"``.
    """
    del seed
    problem = vroom.Input()
    problem.set_durations_matrix("car", np.asarray(instance.travel_s, dtype=np.uint32))
    problem.set_costs_matrix("car", np.asarray(instance.distance_m, dtype=np.uint32))
    window = vroom.TimeWindow(0, int(instance.budget_s))
    for vehicle in range(instance.vehicles):
        problem.add_vehicle(vroom.Vehicle(vehicle, start=0, end=int(instance.end),
                                          time_window=window))
    priority = priorities(instance.prize[instance.stops])
    for stop, level in zip(instance.stops.tolist(), priority.tolist(), strict=True):
        problem.add_job(vroom.Job(stop, location=stop,
                                  default_service=int(instance.service_s[stop]),
                                  priority=level))
    threads = max(1, min(THREADS, os.cpu_count() or 1))
    solution = problem.solve(exploration_level=EXPLORATION_LEVEL, nb_threads=threads,
                             timeout=timedelta(seconds=time_limit_s))
    steps = solution.routes
    jobs = steps[steps["type"] == "job"]
    by_vehicle = {int(vehicle): group["id"].astype(int).tolist()
                  for vehicle, group in jobs.groupby("vehicle_id", sort=True)}
    return [by_vehicle.get(vehicle, []) for vehicle in range(instance.vehicles)], "SOLVED"
