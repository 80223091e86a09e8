"""A canvassing plan's parts: the planner's settings, each team's route and the whole plan."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Final, Literal, get_args

import pandas as pd

from geo_outreach._errors import InputError, Problem
from geo_outreach.field.vrp import DEFAULT_SOLVER, SOLVERS

if TYPE_CHECKING:

    import shapely


TravelMode = Literal["walk", "motorbike"]
TRAVEL_MODES: Final[tuple[str, ...]] = get_args(TravelMode)
DEFAULT_SPEED_KMH: Final[dict[str, float]] = {"walk": 4.5, "motorbike": 25.0}
"""Average door-to-door speeds: walking, and a motorbike in town traffic."""

MAX_TEAMS: Final = 50
MAX_HOURS: Final = 16.0
MAX_DAYS: Final = 31
DEFAULT_DAYS: Final = 5
"""A working week."""
DEFAULT_VISIT_MINUTES: Final = 90.0
"""One sitting at a stop: about one and a half hours of visits."""
ESTIMATED_LABEL: Final[dict[str, str]] = {"id": "perkiraan, tanpa jaringan jalan",
                                          "en": "estimate, no road network"}
"""How sheets and maps mark a leg measured as straight line × detour factor."""

UNSERVED_REASONS: Final[dict[str, dict[str, str]]] = {
    "no_time": {"id": "tidak muat dalam hari kerja tim yang direncanakan",
                "en": "does not fit in the teams' working days planned"},
    "too_long": {"id": "perjalanan pergi-pulang + kunjungan melebihi anggaran waktu satu hari",
                 "en": "the trip there and back plus the visits take longer than one day"},
}
"""Why a stop is not served, in Bahasa Indonesia and English."""


WORKING_DAYS: Final = frozenset(range(5))
"""Monday (0) to Friday (4): the days a plan's working days fall on."""


def working_day(start: date, day: int) -> date:
    """
    Return the date of the ``day``-th working day (from 1) counted from ``start``.

    Parameters
    ----------
    start
        Day 1; a Saturday or Sunday moves to the next Monday.
    day
        The working day, from 1.

    Returns
    -------
    date
        Monday to Friday (:data:`WORKING_DAYS`), weekends skipped.
    """
    current = start
    while current.weekday() not in WORKING_DAYS:
        current += timedelta(days=1)
    for _ in range(day - 1):
        current += timedelta(days=1)
        while current.weekday() not in WORKING_DAYS:
            current += timedelta(days=1)
    return current


def first_working_day(today: date) -> date:
    """
    Give the default day 1 of a plan: today, or the next Monday at a weekend.

    Parameters
    ----------
    today
        Today's date (in Yogyakarta).

    Returns
    -------
    date
        A Monday to Friday.
    """
    return working_day(today, 1)


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
    visit_minutes
        The longest sitting at one stop: a stop holds at most
        :attr:`households_per_stop` households (a bigger village becomes several stops).
        None: :data:`DEFAULT_VISIT_MINUTES`, or the whole day when the day is shorter
        (:attr:`sitting_minutes`).
    days
        Working days planned (each team one route a day; no stop twice).
    time_limit_s
        How long the solver searches; None: :func:`default_time_limit`.
    one_way
        Keep one-way rules; None: for motorbikes yes, on foot no.
    solver
        The routing solver (a key of :data:`geo_outreach.field.vrp.SOLVERS`).
    """

    teams: int = 2
    hours: float = 6.0
    mode: TravelMode = "walk"
    speed_kmh: float | None = None
    minutes_per_household: float = 3.0
    visit_minutes: float | None = None
    days: int = DEFAULT_DAYS
    time_limit_s: float | None = None
    one_way: bool | None = None
    solver: str = DEFAULT_SOLVER

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
            ("visit_minutes",
             self.minutes_per_household <= self.sitting_minutes <= self.hours * 60,
             "a stop's visiting time must hold at least one household and fit in a day",
             (f"give e.g. --visit-minutes 90 (at least --minutes-per-household, at most "
              f"{self.hours * 60:g})")),
            ("days", isinstance(self.days, int) and 1 <= self.days <= MAX_DAYS,
             f"the number of days must be a whole number from 1 to {MAX_DAYS}",
             "give e.g. --days 5 for a working week"),
            ("time_limit_s", self.time_limit_s is None or self.time_limit_s > 0,
             "the solver needs a time limit above 0 s", "give e.g. 2"),
            ("solver", self.solver in SOLVERS, "unknown routing solver",
             f"use one of: {', '.join(sorted(SOLVERS))}"),
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
    def households_per_stop(self) -> int:
        """The most households one stop holds: the visiting time ÷ the time per household."""
        return max(1, int(self.sitting_minutes // self.minutes_per_household))

    @property
    def sitting_minutes(self) -> float:
        """The longest sitting at one stop, minutes (the default fitted to a short day)."""
        if self.visit_minutes is not None:
            return float(self.visit_minutes)
        return min(DEFAULT_VISIT_MINUTES, self.hours * 60)

    @property
    def keeps_one_way(self) -> bool:
        """Whether one-way rules apply."""
        return self.one_way if self.one_way is not None else self.mode == "motorbike"


@dataclass(frozen=True)
class TeamRoute:
    """
    One team's route on one day.

    Attributes
    ----------
    team
        Team number, from 1.
    stops
        The stops in visiting order: ``order`` (from 1), ``stop_id``, ``label``,
        ``village``, ``district``, ``households`` (at the stop), ``households_visit``
        (visited; the same), ``priority``, ``arrival_min`` (minutes after the start),
        ``service_min``, ``leg_km`` (from the previous point), ``leg_estimated`` (True:
        straight line × detour factor, no road network), ``lat``, ``lon`` (the stop, on
        the road where the network reaches), ``code`` (the village's code, "" for a
        stop of the planner's own without one).
    distance_km, travel_min, service_min, total_min
        The day's distance, travel time, visiting time and their sum (start to end).
    households
        Households visited.
    path
        The path from the start through the stops to the end, EPSG:4326 (along the
        roads, straight where a leg is estimated), or None for a team with nothing to do.
    day
        Working day, from 1.
    estimated_km
        The part of ``distance_km`` that is estimated (no road network).
    estimated_legs
        The estimated legs as straight lines, EPSG:4326 (for maps).
    """

    team: int
    stops: pd.DataFrame
    distance_km: float
    travel_min: float
    service_min: float
    total_min: float
    households: int
    path: shapely.LineString | None
    day: int = 1
    estimated_km: float = 0.0
    estimated_legs: tuple[shapely.LineString, ...] = ()

    @property
    def is_estimated(self) -> bool:
        """True when some leg of the route is estimated (no road network)."""
        return self.estimated_km > 0 or bool(self.estimated_legs)


@dataclass(frozen=True)
class RoutePlan:
    """
    The routes of all teams over the days planned, and the stops left over.

    Attributes
    ----------
    routes
        One :class:`TeamRoute` per team and day (day 1's teams first).
    unserved
        Stops no team visits: ``stop_id``, ``label``, ``village``, ``district``,
        ``households_visit``, ``priority``, ``lat``, ``lon`` and ``reason`` (a key of
        :data:`UNSERVED_REASONS`), highest priority first.
    settings
        The team settings used.
    start, end
        Where every team starts and ends, EPSG:4326 points.
    office_id, office_name
        The office planned for.
    network_source, attribution
        The road network used and its licence notice (empty when there was none).
    is_demo
        True when the households come from DEMO data.
    solver_status
        The solver's status name.
    objective
        The solver's objective: metres travelled plus the prizes of the stops left out
        (None when no solution was found).
    detour_factor
        Road ÷ straight-line distance used for the estimated legs.
    solver, solve_s
        The solver used and its wall time.
    plan_id
        The plan's id in the store (:func:`plan_identifier`), carried by its field form,
        paper sheets and every outcome that comes back ("" before it is stored).
    start_date
        The date of day 1 (None: not dated); the days are working days, Monday to
        Friday (:meth:`day_date`).
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
    detour_factor: float = 1.0
    solver: str = ""
    solve_s: float = 0.0
    plan_id: str = ""
    start_date: date | None = None

    def day_date(self, day: int) -> date | None:
        """Return the date of working day ``day`` (from 1), or None for an undated plan."""
        return None if self.start_date is None else working_day(self.start_date, day)

    @property
    def days(self) -> int:
        """Working days planned."""
        return self.settings.days

    def day_routes(self, day: int) -> list[TeamRoute]:
        """Return the teams' routes on one day (from 1)."""
        return [route for route in self.routes if route.day == day]

    @property
    def estimated_km(self) -> float:
        """Distance of all estimated legs (no road network)."""
        return sum(route.estimated_km for route in self.routes)

    @property
    def has_estimates(self) -> bool:
        """True when some leg of the plan is estimated (no road network)."""
        return any(route.is_estimated for route in self.routes)

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
        Tabulate the teams, day by day.

        Returns
        -------
        pd.DataFrame
            One row per day and team: ``day``, ``team``, ``stops``, ``households``,
            ``distance_km``, ``estimated_km``, ``travel_min``, ``service_min``,
            ``total_min``, ``budget_min``, ``unused_min``.
        """
        budget = self.settings.hours * 60
        columns = ["day", "team", "stops", "households", "distance_km", "estimated_km",
                   "travel_min", "service_min", "total_min", "budget_min", "unused_min"]
        return pd.DataFrame([{
            "day": route.day, "team": route.team, "stops": len(route.stops),
            "households": route.households, "distance_km": route.distance_km,
            "estimated_km": route.estimated_km, "travel_min": route.travel_min,
            "service_min": route.service_min, "total_min": route.total_min,
            "budget_min": budget, "unused_min": budget - route.total_min,
        } for route in self.routes], columns=columns)

    def week_summary(self) -> pd.DataFrame:
        """
        Tabulate the days: what all teams do on each.

        Returns
        -------
        pd.DataFrame
            One row per day: ``day``, ``teams`` (with stops), ``stops``, ``households``,
            ``distance_km``, ``estimated_km``, ``total_min``, ``budget_min`` (all teams).
        """
        per_team = self.summary()
        columns = ["day", "teams", "stops", "households", "distance_km", "estimated_km",
                   "total_min", "budget_min"]
        if per_team.empty:
            return pd.DataFrame(columns=columns)
        per_team["teams"] = (per_team["stops"] > 0).astype(int)
        days = per_team.groupby("day", as_index=False)[
            ["teams", "stops", "households", "distance_km", "estimated_km", "total_min",
             "budget_min"]].sum()
        return days[columns]
