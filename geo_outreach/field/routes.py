"""
Canvassing plans for an office's field teams: visit-sized stops, teams, working days.

A *stop* is a group of households a team visits in one sitting (at most the planner's
visiting time, e.g. 90 minutes): the priority villages inside the office's radius, each
split into stops where its uncovered households are
(:func:`~geo_outreach.field.visit_stops.visit_stops`), or the planner's own stops
(:func:`~geo_outreach.field.visit_stops.split_stops`).

:func:`plan_routes` measures the legs (along the roads where the network reaches, else
straight line × detour factor, labelled as estimates) and shares the stops between the
teams and days (:func:`~geo_outreach.field.solver.solve_routes`): each team has a daily
budget (travel at the mode's speed + a visiting time per household), no stop is visited
twice, the most urgent stops come first, and what does not fit is listed with the reason.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import shapely

from geo_outreach._errors import InputError, Problem
from geo_outreach.field.field_history import come_back_stops
from geo_outreach.field.plan import (
    DEFAULT_DAYS,
    RoutePlan,
    RouteSettings,
    TravelMode,
    working_day,
)
from geo_outreach.field.solver import solve_routes
from geo_outreach.field.stops import office_row
from geo_outreach.field.visit_stops import split_stops, visit_stops
from geo_outreach.field.vrp import DEFAULT_SOLVER

if TYPE_CHECKING:
    from collections.abc import Sequence
    from datetime import date

    import geopandas as gpd

    from geo_outreach.analysis.result import AnalysisResult
    from geo_outreach.field.field_history import FieldHistory
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
    network: RoadNetwork | None,
    *,
    office_id: str,
    teams: int,
    hours: float,
    mode: TravelMode,
    days: int = DEFAULT_DAYS,
    stops: gpd.GeoDataFrame | None = None,
    codes: Sequence[str] | None = None,
    top: int | None = 30,
    workers_per_household: float = 1.0,
    padukuhan: gpd.GeoDataFrame | None = None,
    speed_kmh: float | None = None,
    minutes_per_household: float = 3.0,
    visit_minutes: float | None = None,
    start: tuple[float, float] | None = None,
    end: tuple[float, float] | None = None,
    time_limit_s: float | None = None,
    solver: str = DEFAULT_SOLVER,
    start_date: date | None = None,
    history: FieldHistory | None = None,
) -> RoutePlan:
    """
    Plan the canvassing of an office's field teams over one or more working days.

    Parameters
    ----------
    result
        The analysis (its villages, offices and discs; household cells when given).
    network
        The road network; legs it does not cover (or all, when None) are straight line
        × detour factor, labelled as estimates.
    office_id
        The office the teams belong to.
    teams, hours, mode
        Number of teams, each team's daily time budget (hours), ``"walk"`` or
        ``"motorbike"``.
    days
        Working days to plan.
    stops
        Stops of your own (:func:`~geo_outreach.field.stops.prepare_stops` form); split
        into visit-sized stops. When None: the villages (``codes`` if given, else the
        ``top`` villages by uncovered workers inside the office's radius) split into
        visit-sized stops where their uncovered households are.
    codes, top, workers_per_household, padukuhan
        See :func:`~geo_outreach.field.visit_stops.visit_stops`.
    speed_kmh, minutes_per_household, visit_minutes, time_limit_s, solver
        See :class:`~geo_outreach.field.plan.RouteSettings`.
    start, end
        ``(lat, lon)`` where the teams start and end; the office when None (end: the
        start).
    start_date
        The date of day 1 (the days are working days); None for an undated plan.
    history
        What the field said before (:func:`geo_outreach.field.field_history.field_history`):
        refusals, do-not-contact, moved households and come-back visits waiting for their
        date are not planned; come-back visits due in the plan's days (a dated plan) are
        planned first, on their day.

    Returns
    -------
    RoutePlan
        Per day and team the ordered stops, households, distance and time; the stops
        left over with the reason.

    Raises
    ------
    InputError
        For an unknown office, bad settings or bad stops.
    """
    settings = RouteSettings(teams=teams, hours=hours, mode=mode, speed_kmh=speed_kmh,
                             minutes_per_household=minutes_per_household,
                             visit_minutes=visit_minutes, days=days,
                             time_limit_s=time_limit_s, solver=solver)
    office = office_row(result, office_id)
    settled = history.settled() if history is not None else None
    if stops is None:
        stops = visit_stops(result, office_id=office_id,
                            households_per_stop=settings.households_per_stop, codes=codes,
                            top=top, workers_per_household=workers_per_household,
                            padukuhan=padukuhan, settled=settled)
    else:
        stops = split_stops(_less_settled(stops, settled), settings.households_per_stop)
    if history is not None and start_date is not None:
        days_planned = [working_day(start_date, day) for day in range(1, days + 1)]
        stops = _with_come_backs(stops, come_back_stops(history, days_planned,
                                                        settings.households_per_stop))
    start_point = _point(start, office.geometry, "start")
    end_point = _point(end, start_point, "end")
    plan = solve_routes(network, stops, settings, start=start_point, end=end_point,
                        office_id=office_id, office_name=str(office["name"]),
                        is_demo=result.is_demo)
    return dataclasses.replace(plan, start_date=start_date)


def _less_settled(stops: gpd.GeoDataFrame, settled: pd.Series | None) -> gpd.GeoDataFrame:
    """Take the settled households off the planner's own stops (by code, else by stop id)."""
    if settled is None or settled.empty:
        return stops
    stops = stops.copy()
    code = stops["code"].astype(str) if "code" in stops else pd.Series("", index=stops.index)
    key = code.where(code != "", stops["stop_id"].astype(str))
    households = pd.to_numeric(stops["households"], errors="coerce")
    if households.isna().any():  # prepare_stops names the bad rows
        return stops
    # a village's settled households come off its stops in order, never below 0
    before = households.groupby(key).cumsum() - households
    owed = settled.reindex(key).fillna(0).to_numpy() - before.to_numpy()
    stops["households"] = (households - np.clip(owed, 0, households)).astype(np.int64)
    return stops


def _with_come_backs(stops: gpd.GeoDataFrame, come_backs: gpd.GeoDataFrame
                     ) -> gpd.GeoDataFrame:
    """Put the come-back visits due in the plan before the other stops."""
    if come_backs.empty:
        return stops
    come_backs = come_backs.assign(part=1, parts=1)
    both = pd.concat([come_backs, stops.assign(due_day=0)], ignore_index=True)
    return both.set_geometry("geometry")
