"""
What the field said before, for the next plan: who not to plan again, and who to come back to.

From an office's stored outcomes (:func:`geo_outreach.store.field_records.stored_outcomes`):

- households **settled** per village (or per stop of the planner's own, without a code):
  refusals within the rest period (:data:`REFUSAL_REST_DAYS`), do-not-contact (never
  again), moved or not eligible, and the come-back visits still open (planned on their
  date, not before). Registrations are not counted here: they already raise the village's
  participants (:mod:`geo_outreach.analysis.provisional`), and so lower its uncovered
  workers.
- **come-back visits** due up to the plan's last day: each becomes a stop of its own at
  the stop where it was asked for, due on its date (:func:`come_back_stops`); the solver
  plans it first, on that day. A come-back stop's id is the original stop's with
  ``~K<yyyymmdd>``; any outcome recorded at it closes it.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Final

import geopandas as gpd
import numpy as np
import pandas as pd

from geo_outreach.outcome_codes import COME_BACK, DO_NOT_CONTACT, INELIGIBLE, REFUSED
from geo_outreach.store.field_records import plan_stops, stored_outcomes

if TYPE_CHECKING:
    from collections.abc import Sequence

    from geo_outreach.store.database import Store

REFUSAL_REST_DAYS: Final = 90
"""A household that refused is not planned again for this many days (about a quarter)."""
COME_BACK_MARK: Final = "~K"
COME_BACK_BASE: Final = re.compile(r"^(.*~K\d{8})")


def come_back_id(stop_id: str, on: str) -> str:
    """
    Name the come-back stop for a visit asked for at ``stop_id`` on date ``on``.

    Parameters
    ----------
    stop_id
        The stop where it was asked for (a come-back stop's own mark is dropped).
    on
        The come-back date, ``YYYY-MM-DD``.

    Returns
    -------
    str
        ``<stop>~K<yyyymmdd>``.
    """
    base = stop_id.split(COME_BACK_MARK, maxsplit=1)[0]
    return f"{base}{COME_BACK_MARK}{on.replace('-', '')}"


def _come_back_base(stop_id: str) -> str:
    found = COME_BACK_BASE.match(stop_id)
    return found.group(1) if found else ""


@dataclass(frozen=True)
class FieldHistory:
    """
    An office's field outcomes as the next plan sees them.

    Attributes
    ----------
    outcomes
        The office's stored outcomes, with ``village`` and the planned stop's ``lat``,
        ``lon`` and ``label`` (``stop_lat``, ``stop_lon``, ``stop_label``).
    on
        The first day of the next plan.
    refusal_rest_days
        How long a refusal keeps a household off the plans.
    """

    outcomes: pd.DataFrame
    on: date
    refusal_rest_days: int = REFUSAL_REST_DAYS

    def open_come_backs(self) -> pd.DataFrame:
        """
        List the come-back visits asked for and not yet made.

        Returns
        -------
        pd.DataFrame
            ``stop_id`` (the come-back stop), ``code``, ``village``, ``label``,
            ``come_back_on``, ``households`` (still open), ``lat``, ``lon``, soonest first.
        """
        asked = self.outcomes[self.outcomes["outcome"] == COME_BACK]
        columns = ["stop_id", "code", "village", "label", "come_back_on", "households",
                   "lat", "lon"]
        if asked.empty:
            return pd.DataFrame(columns=columns)
        keys = [come_back_id(s, d) for s, d in zip(asked["stop_id"], asked["come_back_on"],
                                                   strict=True)]
        wanted = asked.assign(key=keys).groupby("key").agg(
            code=("code", "first"), village=("village", "first"),
            label=("stop_label", "first"), come_back_on=("come_back_on", "first"),
            households=("households", "sum"), lat=("stop_lat", "first"),
            lon=("stop_lon", "first"))
        made = self.outcomes.assign(key=[_come_back_base(s) for s in self.outcomes["stop_id"]])
        made = made[made["key"] != ""].groupby("key")["households"].sum()
        wanted["households"] = (wanted["households"]
                                - made.reindex(wanted.index).fillna(0)).clip(lower=0)
        wanted = wanted[wanted["households"] > 0].reset_index().rename(
            columns={"key": "stop_id"})
        return wanted[columns].sort_values(["come_back_on", "stop_id"], ignore_index=True)

    def settled(self) -> pd.Series:
        """
        Count the households not to plan now, per village code (or stop id without one).

        Returns
        -------
        pd.Series
            Households: refused within the rest period, do not contact, moved or not
            eligible, and open come-back visits; indexed by code (by stop id for
            stops without a code).
        """
        outcomes = self.outcomes
        if outcomes.empty:
            return pd.Series(dtype=np.int64)
        since = (self.on - timedelta(days=self.refusal_rest_days)).isoformat()
        resting = (outcomes["outcome"] == REFUSED) & (outcomes["visited_on"] >= since)
        never = outcomes["outcome"].isin([DO_NOT_CONTACT, INELIGIBLE])
        key = outcomes["code"].where(outcomes["code"] != "", outcomes["stop_id"])
        counted = outcomes["households"].where(resting | never, 0).groupby(key).sum()
        waiting = self.open_come_backs()
        if not waiting.empty:
            wait_key = waiting["code"].where(waiting["code"] != "",
                                             waiting["stop_id"].str.split(COME_BACK_MARK).str[0])
            counted = counted.add(waiting["households"].groupby(wait_key).sum(), fill_value=0)
        return counted[counted > 0].astype(np.int64)

    def never_again(self) -> pd.Series:
        """Count the do-not-contact households per village code (or stop id)."""
        outcomes = self.outcomes[self.outcomes["outcome"] == DO_NOT_CONTACT]
        if outcomes.empty:
            return pd.Series(dtype=np.int64)
        key = outcomes["code"].where(outcomes["code"] != "", outcomes["stop_id"])
        return outcomes["households"].groupby(key).sum().astype(np.int64)


def field_history(store: Store, office_id: str | None, *, on: date,
                  refusal_rest_days: int = REFUSAL_REST_DAYS) -> FieldHistory:
    """
    Read an office's field outcomes from the store, for its next plan.

    Parameters
    ----------
    store
        The open store.
    office_id
        The office; every office when None.
    on
        The next plan's first day (or the day the report is made).
    refusal_rest_days
        How long a refusal keeps a household off the plans.

    Returns
    -------
    FieldHistory
        Its outcomes with each planned stop's point and label.
    """
    outcomes = stored_outcomes(store, office_id=office_id)
    stops = plan_stops(store, outcomes["plan_id"].unique()).rename(
        columns={"lat": "stop_lat", "lon": "stop_lon", "label": "stop_label"})
    joined = outcomes.merge(stops[["plan_id", "stop_id", "stop_lat", "stop_lon", "stop_label"]],
                            on=["plan_id", "stop_id"], how="left")
    joined["stop_lat"] = joined["stop_lat"].fillna(joined["lat"])
    joined["stop_lon"] = joined["stop_lon"].fillna(joined["lon"])
    joined["stop_label"] = joined["stop_label"].fillna(joined["stop_id"])
    return FieldHistory(joined, on=on, refusal_rest_days=refusal_rest_days)


def come_back_stops(history: FieldHistory, plan_days: Sequence[date],
                    households_per_stop: int) -> gpd.GeoDataFrame:
    """
    Make a stop of every open come-back visit due by the plan's last day.

    Parameters
    ----------
    history
        The office's field history.
    plan_days
        The plan's dates, day 1 first.
    households_per_stop
        The most households one stop holds; more come back at one place and date are
        split (``-1``, ``-2`` ...).

    Returns
    -------
    gpd.GeoDataFrame
        :func:`geo_outreach.field.stops.prepare_stops` form with ``code``, ``priority``
        (1), ``placed_by`` (``come_back``) and ``due_day`` (the plan's first day on or
        after the date; 1 for a visit overdue); a label such as ``Kembali 08/12:
        Caturtunggal 2/7``.
    """
    waiting = history.open_come_backs()
    last = plan_days[-1].isoformat() if plan_days else ""
    waiting = waiting[waiting["come_back_on"] <= last]
    dates = [day.isoformat() for day in plan_days]
    rows = []
    for visit in waiting.itertuples(index=False):
        chunks = -(-int(visit.households) // households_per_stop)
        base, extra = divmod(int(visit.households), chunks)
        # the plan's first day on or after the date (a Saturday's visit goes on Monday)
        day = bisect.bisect_left(dates, visit.come_back_on) + 1
        when = date.fromisoformat(visit.come_back_on)
        rows.extend({
            "stop_id": visit.stop_id if chunks == 1 else f"{visit.stop_id}-{part}",
            "label": f"Kembali {when:%d/%m}: {visit.label}",
            "village": visit.village, "district": "",
            "households": base + (part <= extra), "code": visit.code, "priority": 1,
            "placed_by": "come_back", "due_day": day, "lat": visit.lat, "lon": visit.lon,
        } for part in range(1, chunks + 1))
    table = pd.DataFrame(rows, columns=["stop_id", "label", "village", "district", "households",
                                        "code", "priority", "placed_by", "due_day", "lat",
                                        "lon"])
    points = gpd.points_from_xy(table["lon"].astype(float), table["lat"].astype(float))
    return gpd.GeoDataFrame(table.drop(columns=["lat", "lon"]), geometry=points,
                            crs="EPSG:4326")
