"""
A plan that goes out is kept in the store, so what comes back can be checked against it.

:func:`record_plan` gives the plan its id (:func:`plan_identifier`), stores its stops
(team, day, place, households, the village's uncovered workers) and its team days, and
returns the plan with its id: the field form, the paper sheets and every submission carry
it back.
"""

from __future__ import annotations

import dataclasses
import re
import secrets
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Final

import numpy as np
import pandas as pd

from geo_outreach.store.field_records import PlanRecord, save_plan

if TYPE_CHECKING:
    from geo_outreach.analysis.result import AnalysisResult
    from geo_outreach.field.plan import RoutePlan
    from geo_outreach.store.database import Store

PLAN_ID_PATTERN: Final = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,79}$")
"""What a plan id looks like: letters, digits, ``-``, ``_`` and ``.``, at most 80."""


def plan_identifier(office_id: str, *, now: datetime | None = None) -> str:
    """
    Make a new plan's id: the office, the minute it was made, and a random tag.

    Parameters
    ----------
    office_id
        The office, e.g. ``KC-YGY``.
    now
        When the plan is made (UTC); now when None.

    Returns
    -------
    str
        E.g. ``KC-YGY-20261207-0815-3fa2``: readable on a paper sheet, unique per plan.
    """
    moment = (now or datetime.now(UTC)).astimezone(UTC)
    office = re.sub(r"[^A-Za-z0-9]+", "-", office_id).strip("-")[:40] or "plan"
    return f"{office}-{moment:%Y%m%d-%H%M}-{secrets.token_hex(2)}"


def plan_tables(plan: RoutePlan, result: AnalysisResult) -> tuple[pd.DataFrame, pd.DataFrame]:
    """
    Tabulate what the store keeps of a plan: its stops and its team days.

    Parameters
    ----------
    plan
        The plan.
    result
        The analysis it was made on (for each village's uncovered workers).

    Returns
    -------
    stops
        :data:`geo_outreach.store.field_records.STOP_COLUMNS`, one row per served stop.
    routes
        :data:`geo_outreach.store.field_records.ROUTE_COLUMNS`, one row per team and day.
    """
    uncovered = result.villages.set_index(result.villages["code"].astype(str))["uncovered"]
    frames = []
    for route in plan.routes:
        if route.stops.empty:
            continue
        stops = route.stops
        codes = stops["code"].astype(str) if "code" in stops else pd.Series("", index=stops.index)
        day = plan.day_date(route.day)
        frames.append(pd.DataFrame({
            "stop_id": stops["stop_id"].astype(str).to_numpy(),
            "team": route.team, "day": route.day,
            "visit_order": stops["order"].astype(int).to_numpy(),
            "planned_on": day,
            "code": codes.to_numpy(),
            "village": stops["village"].astype(str).to_numpy(),
            "label": stops["label"].astype(str).to_numpy(),
            "households": stops["households_visit"].astype(np.int64).to_numpy(),
            "uncovered_workers": uncovered.reindex(codes).to_numpy(float),
            "lat": stops["lat"].to_numpy(float), "lon": stops["lon"].to_numpy(float),
        }))
    stop_table = (pd.concat(frames, ignore_index=True) if frames else
                  pd.DataFrame(columns=["stop_id", "team", "day", "visit_order", "planned_on",
                                        "code", "village", "label", "households",
                                        "uncovered_workers", "lat", "lon"]))
    summary = plan.summary()
    routes = pd.DataFrame({
        "day": summary["day"].astype(int), "team": summary["team"].astype(int),
        "stops": summary["stops"].astype(int), "households": summary["households"].astype(int),
        "planned_min": summary["total_min"].astype(float),
        "distance_km": summary["distance_km"].astype(float)})
    return stop_table, routes


def record_plan(store: Store, plan: RoutePlan, result: AnalysisResult, *, created_by: str,
                now: datetime | None = None) -> RoutePlan:
    """
    Store a plan as it goes out and give it its id.

    Parameters
    ----------
    store
        The open store.
    plan
        The plan (its ``plan_id`` is replaced by a new one).
    result
        The analysis the plan was made on.
    created_by
        Who made it.
    now
        When (UTC); now when None.

    Returns
    -------
    RoutePlan
        The same plan with its ``plan_id``.
    """
    plan_id = plan_identifier(plan.office_id, now=now)
    stops, routes = plan_tables(plan, result)
    settings = plan.settings
    record = PlanRecord(
        plan_id=plan_id, office_id=plan.office_id, office_name=plan.office_name,
        created_by=created_by, start_date=plan.start_date, teams=settings.teams,
        days=settings.days,
        settings={"hours": settings.hours, "mode": settings.mode, "speed_kmh": settings.speed,
                  "minutes_per_household": settings.minutes_per_household,
                  "visit_minutes": settings.sitting_minutes, "solver": plan.solver},
        boundaries_sha256=result.inputs.get("boundaries", {}).get("sha256", ""),
        is_demo=plan.is_demo)
    save_plan(store, record, stops, routes)
    return dataclasses.replace(plan, plan_id=plan_id)
