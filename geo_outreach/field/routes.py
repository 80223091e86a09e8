"""
Canvassing routes for field teams: stops, road distances between them, and OR-Tools.

A *stop* is a place a team visits with a number of households to see there: a priority
village inside an office's radius (:func:`village_stops`; the stop is a representative
point of the village's part inside the radius), any table of points with ``stop_id``,
``label``, ``village`` and ``households`` (:func:`prepare_stops`; e.g. H3 cells with
uncovered households), or the user's own list of village codes.

:func:`plan_routes` snaps the stops to the roads, measures every stop-to-stop road
distance with one multi-source Dijkstra call, and lets OR-Tools share the stops between
the teams: each team has a daily time budget (travel at the mode's speed + a service time
per household), a stop that does not fit is dropped (the penalty for dropping it grows
with its households, so the solver reaches as many households as it can, then keeps the
distance short), and guided local search improves the plan until the time limit.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import shapely

from geo_outreach._errors import InputError, Problem
from geo_outreach.field.plan import RoutePlan, RouteSettings, TravelMode
from geo_outreach.field.solver import solve_routes
from geo_outreach.field.stops import office_row, village_stops

if TYPE_CHECKING:
    from collections.abc import Sequence

    import geopandas as gpd

    from geo_outreach.analysis.result import AnalysisResult
    from geo_outreach.roads.model import RoadNetwork


def _point(latlon: tuple[float, float] | None, fallback: shapely.Point, what: str
           ) -> shapely.Point:
    if latlon is None:
        return fallback
    lat, lon = latlon
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):  # noqa: PLR2004
        raise InputError(Problem("parameters", None, what, f"{lat},{lon}",
                                 "not a latitude,longitude pair",
                                 "write latitude first, e.g. -7.78,110.38"))
    return shapely.Point(lon, lat)


def plan_routes(
    result: AnalysisResult,
    network: RoadNetwork,
    *,
    office_id: str,
    teams: int,
    hours: float,
    mode: TravelMode,
    stops: gpd.GeoDataFrame | None = None,
    codes: Sequence[str] | None = None,
    top: int = 30,
    workers_per_household: float = 1.0,
    speed_kmh: float | None = None,
    minutes_per_household: float = 3.0,
    max_households_per_stop: int | None = 40,
    start: tuple[float, float] | None = None,
    end: tuple[float, float] | None = None,
    time_limit_s: float = 10.0,
) -> RoutePlan:
    """
    Plan one day of canvassing routes for an office's field teams.

    Parameters
    ----------
    result
        The analysis (its villages, offices and discs).
    network
        The road network.
    office_id
        The office the teams belong to.
    teams, hours, mode
        Number of teams, each team's daily time budget (hours), ``"walk"`` or
        ``"motorbike"``.
    stops
        Stops of your own (:func:`prepare_stops` form, e.g. H3 cells); when None,
        villages: ``codes`` if given, else the ``top`` villages on the network by
        uncovered workers inside the office's radius, and the villages off the network
        ranked above them, listed as not served (:func:`village_stops`).
    codes, top, workers_per_household
        See :func:`village_stops`.
    speed_kmh, minutes_per_household, max_households_per_stop, time_limit_s
        See :class:`RouteSettings`.
    start, end
        ``(lat, lon)`` where the teams start and end; the office when None (end: the
        start).

    Returns
    -------
    RoutePlan
        Per team the ordered stops, households, distance and time; the stops left over.

    Raises
    ------
    InputError
        For an unknown office, bad settings or stops, or an office off the network.
    """
    settings = RouteSettings(teams=teams, hours=hours, mode=mode, speed_kmh=speed_kmh,
                             minutes_per_household=minutes_per_household,
                             max_households_per_stop=max_households_per_stop,
                             time_limit_s=time_limit_s)
    office = office_row(result, office_id)
    if stops is None:
        stops = village_stops(result, office_id=office_id, codes=codes, top=top,
                              workers_per_household=workers_per_household, network=network)
    start_point = _point(start, office.geometry, "start")
    end_point = _point(end, start_point, "end")
    return solve_routes(network, stops, settings, start=start_point, end=end_point,
                        office_id=office_id, office_name=str(office["name"]),
                        is_demo=result.is_demo)
