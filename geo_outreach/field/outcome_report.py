"""
Friday's question: per team and week, how many visits, how many registered, time in the field.

:func:`team_week_table` counts an office's stored outcomes per ISO week (Monday to
Sunday) and team: households visited, registrations (households and workers), the share
of visits that registered, the other outcomes, the GPS check, and the time in the field
(first form opened to last finished, per team and day) against the time planned.
:func:`stop_status` says for each planned stop whether it was visited, is still to do, is
waiting for a come-back date, or refused: the map's field layer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Final

import numpy as np
import pandas as pd

from geo_outreach.analysis.provisional import field_against_snapshots
from geo_outreach.field.field_history import COME_BACK_MARK, FieldHistory, field_history
from geo_outreach.field.plan import MAX_HOURS, working_day
from geo_outreach.outcome_codes import DO_NOT_CONTACT, OUTCOMES, REFUSED, REGISTERED
from geo_outreach.store.field_records import (
    plan_routes,
    plan_stops,
    stored_plans,
)
from geo_outreach.store.months import WIB, today_in_yogyakarta
from geo_outreach.store.snapshots import monthly_series

if TYPE_CHECKING:
    from collections.abc import Sequence

    from geo_outreach.store.database import Store

REPORT_COLUMNS: Final = (
    "week", "team", "days_out", "submissions", "households_visited",
    "registered_households", "workers_registered", "registered_share",
    *(f"{o}_households" for o in OUTCOMES if o != REGISTERED),
    "gps_look", "gps_flagged", "gps_no_point", "field_min", "planned_min", "field_vs_plan",
)
"""The per-team-and-week table's columns (:func:`team_week_table`)."""

STOP_STATUSES: Final = ("visited", "not_yet", "come_back", "refused")
"""A planned stop's state on the field layer (:func:`stop_status`)."""


def week_start(day: str) -> str:
    """
    Give the Monday of a date's week.

    Parameters
    ----------
    day
        ``YYYY-MM-DD``.

    Returns
    -------
    str
        The Monday, ``YYYY-MM-DD`` (weeks run Monday to Sunday, as ISO weeks do).
    """
    when = date.fromisoformat(day)
    return (when - timedelta(days=when.weekday())).isoformat()


def _field_minutes(outcomes: pd.DataFrame) -> pd.Series:
    """
    Minutes in the field per team and day: first form opened to last form finished.

    The day is the one the forms were filled in on (in WIB), not the visit date typed in;
    a span longer than a working day (a form finished days later) is not counted.
    """
    timed = outcomes[(outcomes["started_at"] != "") & (outcomes["ended_at"] != "")]
    if timed.empty:
        return pd.Series(dtype=float)
    started = pd.to_datetime(timed["started_at"], utc=True, errors="coerce", format="ISO8601")
    ended = pd.to_datetime(timed["ended_at"], utc=True, errors="coerce", format="ISO8601")
    frame = pd.DataFrame({"team": timed["team_out"].to_numpy(),
                          "day": started.dt.tz_convert(WIB).dt.strftime("%Y-%m-%d").to_numpy(),
                          "started": started.to_numpy(), "ended": ended.to_numpy()})
    frame = frame.dropna()
    span = frame.groupby(["team", "day"]).agg(first=("started", "min"), last=("ended", "max"))
    minutes = ((span["last"] - span["first"]).dt.total_seconds() / 60).clip(lower=0)
    return minutes[minutes <= MAX_HOURS * 60]


def planned_days(routes: pd.DataFrame, plans: pd.DataFrame) -> pd.DataFrame:
    """
    Date each planned team day.

    Parameters
    ----------
    routes
        Stored team days (:func:`geo_outreach.store.field_records.plan_routes`).
    plans
        Stored plans (:func:`geo_outreach.store.field_records.stored_plans`), with
        ``start_date``.

    Returns
    -------
    pd.DataFrame
        ``routes`` with ``on`` (``YYYY-MM-DD``; "" for an undated plan) and ``week``.
    """
    start = plans.set_index("plan_id")["start_date"]
    dated = []
    for row in routes.itertuples(index=False):
        first = start.get(row.plan_id)
        dated.append(working_day(first, int(row.day)).isoformat()
                     if isinstance(first, date) else "")
    out = routes.assign(on=dated)
    out["week"] = [week_start(d) if d else "" for d in out["on"]]
    return out


def team_week_table(outcomes: pd.DataFrame, planned: pd.DataFrame) -> pd.DataFrame:
    """
    Count an office's field work per week and team.

    Parameters
    ----------
    outcomes
        Stored outcomes (:func:`geo_outreach.store.field_records.stored_outcomes`).
    planned
        The planned team days, dated (:func:`planned_days`).

    Returns
    -------
    pd.DataFrame
        :data:`REPORT_COLUMNS`, one row per week and team with visits or plans: the team
        as recorded (else as planned for the stop); ``registered_share`` is registered ÷
        visited households (NaN without visits); ``field_min`` the sum over the team's days
        of first form opened to last finished (NaN without times); ``field_vs_plan``
        field ÷ planned minutes.
    """
    done = outcomes.assign(team_out=outcomes["team"].fillna(outcomes["planned_team"]))
    done = done[done["team_out"].notna()].copy()
    done["team_out"] = done["team_out"].astype(int)
    done["week"] = [week_start(d) for d in done["visited_on"]]
    keys = ["week", "team_out"]
    grouped = done.groupby(keys)
    table = pd.DataFrame({
        "days_out": grouped["visited_on"].nunique(),
        "submissions": grouped.size(),
        "households_visited": grouped["households"].sum(),
    })
    by_outcome = done.pivot_table(index=keys, columns="outcome", values="households",
                                  aggfunc="sum", fill_value=0)
    table["registered_households"] = by_outcome.get(REGISTERED, 0)
    table["workers_registered"] = done.groupby(keys)["workers_registered"].sum()
    for outcome in (o for o in OUTCOMES if o != REGISTERED):
        table[f"{outcome}_households"] = by_outcome.get(outcome, 0)
    gps = done.pivot_table(index=keys, columns="gps_status", values="submission_id",
                           aggfunc="count", fill_value=0)
    for status, column in (("look", "gps_look"), ("flagged", "gps_flagged"),
                           ("no_point", "gps_no_point")):
        table[column] = gps.get(status, 0)
    minutes = _field_minutes(done)
    if not minutes.empty:
        per_week = minutes.reset_index().assign(week=lambda f: [week_start(d) for d in f["day"]])
        table["field_min"] = per_week.groupby(["week", "team"])[0].sum().rename_axis(keys)
    plan_min = (planned[planned["week"] != ""].groupby(["week", "team"])["planned_min"].sum()
                .rename_axis(keys))
    table = table.join(plan_min.rename("planned_min"), how="outer")
    table = table.reset_index().rename(columns={"team_out": "team"})
    table = table.reindex(columns=list(REPORT_COLUMNS))
    counts = [c for c in REPORT_COLUMNS if c.endswith(("_households", "submissions", "gps_look",
                                                      "gps_flagged", "gps_no_point",
                                                      "days_out", "households_visited",
                                                      "workers_registered"))]
    table[counts] = table[counts].fillna(0).astype(np.int64)
    visited = table["households_visited"].astype(float)
    table["registered_share"] = table["registered_households"] / visited.where(visited > 0)
    planned_min = table["planned_min"].astype(float)
    table["field_vs_plan"] = table["field_min"].astype(float) / planned_min.where(
        planned_min > 0)
    return table.sort_values(["week", "team"], ignore_index=True)


def stop_status(stops: pd.DataFrame, history: FieldHistory) -> pd.DataFrame:
    """
    Say where each planned stop stands.

    Parameters
    ----------
    stops
        Stored plan stops (:func:`geo_outreach.store.field_records.plan_stops`).
    history
        The office's field history.

    Returns
    -------
    pd.DataFrame
        ``stops`` plus ``status`` (:data:`STOP_STATUSES`: ``come_back`` while a
        come-back asked for there is open, ``not_yet`` without an outcome, ``refused``
        when every household recorded refused or asked not to be contacted, else
        ``visited``), ``come_back_on`` (the soonest open date, ""), ``week`` (of the
        planned day, or of the first visit), and per outcome the households recorded.
    """
    outcomes = history.outcomes
    recorded = outcomes.pivot_table(index=["plan_id", "stop_id"], columns="outcome",
                                    values="households", aggfunc="sum", fill_value=0)
    out = stops.merge(recorded.reset_index(), on=["plan_id", "stop_id"], how="left")
    for outcome in OUTCOMES:
        out[outcome] = out[outcome].fillna(0).astype(np.int64) if outcome in out else 0
    visited = out[list(OUTCOMES)].sum(axis=1)
    waiting = history.open_come_backs()
    soonest = (waiting.assign(base=waiting["stop_id"].str.split(COME_BACK_MARK).str[0])
               .groupby("base")["come_back_on"].min())
    out["come_back_on"] = [str(soonest.get(stop, "")) for stop in out["stop_id"]]
    said_no = out[REFUSED] + out[DO_NOT_CONTACT]
    out["status"] = np.select(
        [out["come_back_on"] != "", visited == 0, said_no == visited],
        ["come_back", "not_yet", "refused"], default="visited")
    first_visit = outcomes.groupby(["plan_id", "stop_id"])["visited_on"].min()
    first = pd.Series([first_visit.get((p, s), "") for p, s in
                       zip(out["plan_id"], out["stop_id"], strict=True)], index=out.index)
    planned_on = out["planned_on"].map(lambda d: d.isoformat() if isinstance(d, date)
                                       else str(d or ""))
    when = planned_on.where(planned_on != "", first)
    out["week"] = [week_start(d) if d else "" for d in when]
    return out


def village_table(outcomes: pd.DataFrame, codes: Sequence[str] | None = None) -> pd.DataFrame:
    """
    Count the field outcomes per village.

    Parameters
    ----------
    outcomes
        Stored outcomes.
    codes
        Only these villages.

    Returns
    -------
    pd.DataFrame
        ``code``, ``village``, ``households_visited``, ``workers_registered`` and the
        households per outcome; villages with the most registered first.
    """
    table = outcomes if codes is None else outcomes[outcomes["code"].isin(list(codes))]
    columns = ["code", "village", "households_visited", "workers_registered", *OUTCOMES]
    if table.empty:
        return pd.DataFrame(columns=columns)
    grouped = table.groupby("code")
    out = pd.DataFrame({"village": grouped["village"].first(),
                        "households_visited": grouped["households"].sum(),
                        "workers_registered": grouped["workers_registered"].sum()})
    counts = table.pivot_table(index="code", columns="outcome", values="households",
                               aggfunc="sum", fill_value=0)
    for outcome in OUTCOMES:
        out[outcome] = counts.get(outcome, 0)
    out = out.reset_index()[columns]
    out[[*OUTCOMES, "households_visited", "workers_registered"]] = out[
        [*OUTCOMES, "households_visited", "workers_registered"]].fillna(0).astype(np.int64)
    return out.sort_values(["workers_registered", "code"], ascending=[False, True],
                           ignore_index=True)



def plans_in_use(plans: pd.DataFrame, with_outcomes: set[str]) -> pd.DataFrame:
    """
    Keep the plans the teams went out with, one per office and first day where unsure.

    Of an office's plans for the same first day (made again, e.g. with other settings):
    those outcomes came back for, else the newest.

    Parameters
    ----------
    plans
        Stored plans, newest first (:func:`geo_outreach.store.field_records.stored_plans`).
    with_outcomes
        The plans that outcomes came back for.

    Returns
    -------
    pd.DataFrame
        The plans to report, newest first.
    """
    if plans.empty:
        return plans
    key = plans["office_id"].astype(str) + "|" + plans["start_date"].astype(str)
    used = plans["plan_id"].isin(with_outcomes)
    group_used = used.groupby(key).transform("any")
    newest = ~key.duplicated()  # newest first
    return plans[used | (~group_used & newest)]


@dataclass(frozen=True)
class FieldReport:
    """
    An office's field work, as the report and the page show it.

    Attributes
    ----------
    office_id
        The office (None: every office).
    team_weeks
        :func:`team_week_table`.
    villages
        :func:`village_table`.
    stops
        :func:`stop_status` for the plans reported.
    against_snapshots
        :func:`geo_outreach.analysis.provisional.field_against_snapshots`.
    plans
        The plans reported (stored plans' rows).
    """

    office_id: str | None
    team_weeks: pd.DataFrame
    villages: pd.DataFrame
    stops: pd.DataFrame
    against_snapshots: pd.DataFrame
    plans: pd.DataFrame

    @property
    def is_empty(self) -> bool:
        """True when no plan is stored for the office."""
        return self.plans.empty


def field_report(store: Store, *, office_id: str | None = None, plan_id: str | None = None,
                 on: date | None = None) -> FieldReport:
    """
    Gather an office's field report from the store.

    Parameters
    ----------
    store
        The open store.
    office_id
        The office; every office when None.
    plan_id
        Only this plan's stops on the field layer (the team and village tables still
        count every plan of the office).
    on
        The date open come-backs and refusal rests are judged on; today when None.

    Returns
    -------
    FieldReport
        The tables.
    """
    history = field_history(store, office_id, on=on or today_in_yogyakarta())
    outcomes = history.outcomes
    plans = plans_in_use(stored_plans(store, office_id=office_id), set(outcomes["plan_id"]))
    history_stops = plan_stops(store, plans["plan_id"])
    shown = history_stops if plan_id is None else history_stops[
        history_stops["plan_id"] == plan_id]
    planned = planned_days(plan_routes(store, plans["plan_id"]), plans)
    series = monthly_series(store, codes=sorted(set(outcomes["code"]) - {""})) if len(
        outcomes) else pd.DataFrame(columns=["month", "code", "participants"])
    return FieldReport(
        office_id=office_id, team_weeks=team_week_table(outcomes, planned),
        villages=village_table(outcomes), stops=stop_status(shown, history),
        against_snapshots=field_against_snapshots(outcomes, series), plans=plans)
