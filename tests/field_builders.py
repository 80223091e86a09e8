"""Field outcomes in their canonical form, and a stored plan to hang them on, for the tests."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from geo_outreach.outcome_codes import RECORD_COLUMNS, REGISTERED
from geo_outreach.store.field_records import PlanRecord, save_plan

if TYPE_CHECKING:
    from geo_outreach.store.database import Store

PLAN_ID = "KC-TEST-20261207-0800-abcd"
CODES = ("34.71.01.1001", "34.71.01.1002", "34.71.02.1003")


def plan_frames(plan_id: str = PLAN_ID) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Six stops in three villages for two teams over two days, and the team days."""
    stops = pd.DataFrame({
        "stop_id": [f"{code}-{k:02d}" for code in CODES for k in (1, 2)],
        "team": [1, 1, 2, 2, 1, 2], "day": [1, 1, 1, 1, 2, 2],
        "visit_order": [1, 2, 1, 2, 1, 1],
        "planned_on": [date(2026, 12, 7)] * 4 + [date(2026, 12, 8)] * 2,
        "code": [code for code in CODES for _ in (1, 2)],
        "village": [name for name in ("Alpha", "Beta", "Gamma") for _ in (1, 2)],
        "label": [f"{name} {k}/2" for name in ("Alpha", "Beta", "Gamma") for k in (1, 2)],
        "households": [30, 30, 25, 25, 20, 20],
        "uncovered_workers": [120.0, 120.0, 60.0, 60.0, 40.0, 40.0],
        "lat": [-7.80, -7.801, -7.81, -7.811, -7.82, -7.821],
        "lon": [110.36, 110.361, 110.37, 110.371, 110.38, 110.381],
    })
    routes = pd.DataFrame({"day": [1, 1, 2, 2], "team": [1, 2, 1, 2], "stops": [2, 2, 1, 1],
                           "households": [60, 50, 20, 20], "planned_min": [300.0, 280.0,
                                                                           200.0, 210.0],
                           "distance_km": [3.0, 2.5, 2.0, 2.2]})
    return stops, routes


def store_plan(store: Store, plan_id: str = PLAN_ID, office_id: str = "KC-TEST") -> None:
    """Store :func:`plan_frames` as a plan of ``office_id`` starting Monday 7 December 2026."""
    stops, routes = plan_frames(plan_id)
    save_plan(store, PlanRecord(plan_id=plan_id, office_id=office_id, office_name="KC Test",
                                created_by="tester", start_date=date(2026, 12, 7), teams=2,
                                days=2, settings={"hours": 6}, boundaries_sha256="b" * 64,
                                is_demo=False), stops, routes)


def records(visits: list[dict[str, object]], plan_id: str = PLAN_ID) -> pd.DataFrame:
    """Canonical outcome records (RECORD_COLUMNS and the stored extras) from short dicts."""
    stops, _ = plan_frames(plan_id)
    where = stops.set_index("stop_id")
    rows = []
    for number, visit in enumerate(visits):
        stop = str(visit["stop_id"])
        outcome = str(visit.get("outcome", REGISTERED))
        base_stop = stop.split("~K", maxsplit=1)[0]
        row = {
            "submission_id": visit.get("submission_id", f"uuid:{number:04d}"),
            "plan_id": plan_id, "team": visit.get("team", 1), "stop_id": stop,
            "visited_on": visit.get("visited_on", "2026-12-07"), "outcome": outcome,
            "come_back_on": visit.get("come_back_on", ""),
            "households": visit.get("households", 1),
            "workers_living": visit.get("workers_living", pd.NA),
            "workers_registered": visit.get("workers_registered",
                                            1 if outcome == REGISTERED else 0),
            "segment": visit.get("segment", "bpu" if outcome == REGISTERED else ""),
            "lat": where.loc[base_stop, "lat"] if base_stop in where.index else np.nan,
            "lon": where.loc[base_stop, "lon"] if base_stop in where.index else np.nan,
            "accuracy_m": 5.0,
            "started_at": visit.get("started_at", ""), "ended_at": visit.get("ended_at", ""),
            "note": "", "source_row": number + 2,
            "code": where.loc[base_stop, "code"] if base_stop in where.index else "",
            "gps_distance_m": 0.0, "gps_status": "ok",
        }
        rows.append(row)
    table = pd.DataFrame(rows, columns=[*RECORD_COLUMNS, "code", "gps_distance_m",
                                        "gps_status"])
    table["team"] = table["team"].astype("Int64")
    table["workers_living"] = table["workers_living"].astype("Int64")
    return table
