"""A canvassing plan's parts: the planner's settings, each team's route and the whole plan."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Final, Literal, get_args

import pandas as pd

from geo_outreach._errors import InputError, Problem

if TYPE_CHECKING:

    import shapely


TravelMode = Literal["walk", "motorbike"]
TRAVEL_MODES: Final[tuple[str, ...]] = get_args(TravelMode)
DEFAULT_SPEED_KMH: Final[dict[str, float]] = {"walk": 4.5, "motorbike": 25.0}
"""Average door-to-door speeds: walking, and a motorbike in town traffic."""

MAX_TEAMS: Final = 50
MAX_HOURS: Final = 16.0

UNSERVED_REASONS: Final[dict[str, dict[str, str]]] = {
    "no_time": {"id": "tidak cukup waktu tim hari ini",
                "en": "the teams have no time left today"},
    "too_long": {"id": "perjalanan + kunjungan melebihi anggaran waktu satu tim",
                 "en": "travel plus visits take longer than one team's day"},
    "unreachable": {"id": "tidak terhubung dengan titik mulai/selesai lewat jalan",
                    "en": "not connected to the start or end by road"},
    "outside_network": {"id": "di luar cakupan jaringan jalan",
                        "en": "outside the road network's extent"},
}
"""Why a stop is not served, in Bahasa Indonesia and English."""


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
    max_households_per_stop
        At most this many households are visited at one stop in one day (the rest are
        left for later days); None for no cap.
    time_limit_s
        How long the solver searches.
    one_way
        Keep one-way rules; None: for motorbikes yes, on foot no.
    """

    teams: int = 2
    hours: float = 6.0
    mode: TravelMode = "walk"
    speed_kmh: float | None = None
    minutes_per_household: float = 3.0
    max_households_per_stop: int | None = 40
    time_limit_s: float = 10.0
    one_way: bool | None = None

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
            ("max_households_per_stop",
             self.max_households_per_stop is None or self.max_households_per_stop >= 1,
             "the cap of households per stop must be at least 1", "give e.g. 40, or no cap"),
            ("time_limit_s", self.time_limit_s > 0, "the solver needs a time limit above 0 s",
             "give e.g. 10"),
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
    def keeps_one_way(self) -> bool:
        """Whether one-way rules apply."""
        return self.one_way if self.one_way is not None else self.mode == "motorbike"


@dataclass(frozen=True)
class TeamRoute:
    """
    One team's day.

    Attributes
    ----------
    team
        Team number, from 1.
    stops
        The stops in visiting order: ``order`` (from 1), ``stop_id``, ``label``,
        ``village``, ``district``, ``households`` (at the stop), ``households_visit``
        (today), ``arrival_min`` (minutes after the start), ``service_min``, ``leg_km``
        (road distance from the previous point), ``lat``, ``lon`` (the stop on the road).
    distance_km, travel_min, service_min, total_min
        The day's road distance, travel time, visiting time and their sum (start to end).
    households
        Households visited.
    path
        The road path from the start through the stops to the end, EPSG:4326, or None
        for a team with nothing to do.
    """

    team: int
    stops: pd.DataFrame
    distance_km: float
    travel_min: float
    service_min: float
    total_min: float
    households: int
    path: shapely.LineString | None


@dataclass(frozen=True)
class RoutePlan:
    """
    The routes of all teams for one day, and the stops left over.

    Attributes
    ----------
    routes
        One :class:`TeamRoute` per team.
    unserved
        Stops no team visits: ``stop_id``, ``label``, ``village``, ``district``,
        ``households_visit``, ``lat``, ``lon`` and ``reason`` (a key of
        :data:`UNSERVED_REASONS`).
    settings
        The team settings used.
    start, end
        Where every team starts and ends, EPSG:4326 points.
    office_id, office_name
        The office planned for.
    network_source, attribution
        The road network used and its licence notice.
    is_demo
        True when the households come from DEMO data.
    solver_status
        OR-Tools' status name.
    objective
        The solver's objective: metres travelled plus the penalties of the stops left
        out (None when no solution was found).
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
        Tabulate the teams.

        Returns
        -------
        pd.DataFrame
            One row per team: ``team``, ``stops``, ``households``, ``distance_km``,
            ``travel_min``, ``service_min``, ``total_min``, ``budget_min``.
        """
        return pd.DataFrame([{
            "team": route.team, "stops": len(route.stops), "households": route.households,
            "distance_km": route.distance_km, "travel_min": route.travel_min,
            "service_min": route.service_min, "total_min": route.total_min,
            "budget_min": self.settings.hours * 60,
        } for route in self.routes])
