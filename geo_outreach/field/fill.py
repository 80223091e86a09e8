"""
Filling what is left of a team's day with part of a stop no route took.

A stop holds up to a sitting's worth of households, so a day often ends with less time left
than the next whole stop needs. :func:`fill_days` then sends the team to part of the
nearest stop left over (the cheapest place to insert it in the route), for as many of its
households as the remaining time allows; the rest of that stop stays on the list. A team
with an empty day, or a stop too big for any day, is handled the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

import numpy as np

if TYPE_CHECKING:
    from collections.abc import Sequence

MIN_PARTIAL_HOUSEHOLDS: Final = 5
"""A part of a stop is worth the detour only from this many households."""


def _best_insertion(route: list[int], spare: Sequence[int], travel_s: np.ndarray,
                    end: int) -> tuple[int, int, float] | None:
    """Find the spare stop and position adding the least travel: (stop, position, seconds)."""
    visits = np.array([0, *route, end])
    before, after = visits[:-1], visits[1:]
    best = None
    for stop in spare:
        extra = travel_s[before, stop] + travel_s[stop, after] - travel_s[before, after]
        at = int(np.argmin(extra))
        if best is None or extra[at] < best[2]:
            best = (int(stop), at, float(extra[at]))
    return best


@dataclass(frozen=True)
class _Day:
    """What a day's time is made of: travel, visits, the budget."""

    travel_s: np.ndarray
    service_s: np.ndarray
    households: np.ndarray
    budget_s: float
    per_household_s: float
    end: int


def _add_part(route: list[int], left: list[int], day: _Day, partial: dict[int, int]
              ) -> int | None:
    """Insert (part of) the cheapest spare stop into the route if time allows; return it."""
    visits = [0, *route, day.end]
    used = day.travel_s[visits[:-1], visits[1:]].sum() + sum(
        partial[stop] * day.per_household_s if stop in partial else day.service_s[stop]
        for stop in route)
    best = _best_insertion(route, left, day.travel_s, day.end)
    if best is None:
        return None
    stop, position, extra = best
    whole = int(day.households[stop])
    count = int(min(whole, (day.budget_s - used - extra) // day.per_household_s))
    if count <= 0 or count < min(MIN_PARTIAL_HOUSEHOLDS, whole):
        return None
    route.insert(position, stop)
    if count < whole:
        partial[stop] = count
    return stop


def fill_days(
    routes: list[list[int]],
    travel_s: np.ndarray,
    service_s: np.ndarray,
    *,
    households: np.ndarray,
    spare: Sequence[int],
    budget_s: float,
    per_household_s: float,
    end: int = 0,
) -> tuple[list[list[int]], dict[int, int]]:
    """
    Top up each route with part of a stop left over, while time remains.

    Parameters
    ----------
    routes
        Location indices per route (start 0 and ``end`` implied).
    travel_s
        Seconds of travel between locations.
    service_s
        Seconds of visits at each location (the whole stop).
    households
        Households at each location.
    spare
        Locations no route visits (candidates for a partial visit), any order.
    budget_s
        Each route's budget, seconds.
    per_household_s
        Visiting time per household, seconds.
    end
        The end location.

    Returns
    -------
    tuple
        The routes with the partial stops inserted, and per partially visited location
        the households visited there (fewer than it holds; at least
        :data:`MIN_PARTIAL_HOUSEHOLDS` or all of a smaller stop).
    """
    left = list(spare)
    partial: dict[int, int] = {}
    out = [list(route) for route in routes]
    day = _Day(travel_s, service_s, households, budget_s, per_household_s, end)
    for route in out:
        while left and (added := _add_part(route, left, day, partial)) is not None:
            left.remove(added)
    return out, partial
