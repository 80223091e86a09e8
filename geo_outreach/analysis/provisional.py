"""
Registrations from the field, counted provisionally until BPJS's own data shows them.

A canvasser's "terdaftar" raises the village's participants at once, marked
*provisional* (``provisional_participants``), so the map and the priority list move on
Friday, not a month later. Which registrations count: those visited after the month of
the participation table in use (its month in the store, else the latest stored month;
all of them when the store holds no month). When the snapshot of a later month arrives it
takes over: those registrations are then in BPJS's data, and
:func:`field_against_snapshots` shows the difference per village and month (registered in
the field but not in the snapshot's increase, and the reverse).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

import numpy as np
import pandas as pd

from geo_outreach.analysis.coverage import PROVISIONAL_COLUMN
from geo_outreach.outcome_codes import REGISTERED, SEGMENTS
from geo_outreach.store.field_records import stored_outcomes
from geo_outreach.store.snapshots import import_history

if TYPE_CHECKING:
    from geo_outreach.inputs.prepare import PreparedInputs
    from geo_outreach.store.database import Store

PROVISIONAL_LABEL: Final = {"id": "sementara, dari lapangan", "en": "provisional, from the field"}
"""How tables and maps mark participants counted from field outcomes."""


def snapshot_month_of(sha256: str, imports: pd.DataFrame) -> str | None:
    """
    Find the month a participation file was imported as, by its sha256.

    Parameters
    ----------
    sha256
        The participation file's sha256.
    imports
        The store's imports in force (:func:`geo_outreach.store.snapshots.import_history`
        rows with ``in_force``), with ``month`` and ``file_sha256``.

    Returns
    -------
    str or None
        The latest month the file was imported as (in force or replaced since); the
        latest stored month when the file was never imported; None when nothing is
        stored.
    """
    if imports.empty:
        return None
    in_force = imports[imports["in_force"]] if "in_force" in imports else imports
    same = imports[imports["file_sha256"] == sha256]  # replaced imports too
    months = same if not same.empty else in_force
    return str(months["month"].max()) if not months.empty else None


def provisional_registrations(outcomes: pd.DataFrame, *, after_month: str | None
                              ) -> pd.DataFrame:
    """
    Count the workers registered in the field after a month, per village.

    Parameters
    ----------
    outcomes
        Stored outcomes (:func:`geo_outreach.store.field_records.stored_outcomes`):
        ``code``, ``outcome``, ``visited_on`` (``YYYY-MM-DD``), ``households``,
        ``workers_registered``, ``segment``.
    after_month
        Only visits after this month (``YYYY-MM``) count; all when None.

    Returns
    -------
    pd.DataFrame
        ``code``, ``provisional_participants`` (workers), ``provisional_households`` and
        per segment ``provisional_<segment>``; villages without a registration left out.
    """
    registered = outcomes[(outcomes["outcome"] == REGISTERED) & (outcomes["code"] != "")]
    if after_month is not None:
        registered = registered[registered["visited_on"].str[:7] > after_month]
    if registered.empty:
        return pd.DataFrame({"code": pd.Series(dtype=str),
                             PROVISIONAL_COLUMN: pd.Series(dtype=np.int64),
                             "provisional_households": pd.Series(dtype=np.int64)})
    grouped = registered.groupby("code")
    table = pd.DataFrame({
        PROVISIONAL_COLUMN: grouped["workers_registered"].sum().astype(np.int64),
        "provisional_households": grouped["households"].sum().astype(np.int64),
    })
    segments = registered.pivot_table(index="code", columns="segment",
                                      values="workers_registered", aggfunc="sum",
                                      fill_value=0)
    for segment in segments.columns:
        if segment:
            table[f"provisional_{segment}"] = segments[segment].astype(np.int64)
    return table.reset_index()


def with_provisional(prepared: PreparedInputs, registrations: pd.DataFrame) -> PreparedInputs:
    """
    Add provisional registrations to the participation table the analysis reads.

    Parameters
    ----------
    prepared
        The inputs.
    registrations
        From :func:`provisional_registrations`.

    Returns
    -------
    PreparedInputs
        The same inputs; villages with registrations have their ``participants`` (and
        the segment counted, where the table has it) raised by them and a
        ``provisional_participants`` column (0 elsewhere in the table; villages without a
        participation row are not given one: their coverage stays unknown).
    """
    if registrations.empty:
        return prepared
    table = prepared.participation.copy()
    extra = registrations.set_index("code").reindex(table["code"].astype(str))
    added = extra[PROVISIONAL_COLUMN].fillna(0).to_numpy(float)
    table[PROVISIONAL_COLUMN] = added
    if "provisional_households" in extra:
        table["provisional_households"] = extra["provisional_households"].fillna(0).to_numpy()
    table["participants"] = table["participants"].astype(float) + added
    for column in (c for c in extra.columns if c.startswith("provisional_")):
        segment = column.removeprefix("provisional_")
        if segment in SEGMENTS and segment in table.columns:
            table[segment] = table[segment].astype(float) + extra[column].fillna(0).to_numpy()
    return dataclasses.replace(prepared, participation=table)


def field_against_snapshots(outcomes: pd.DataFrame, series: pd.DataFrame) -> pd.DataFrame:
    """
    Compare field registrations with the increase BPJS's monthly snapshots show.

    Parameters
    ----------
    outcomes
        Stored outcomes, as for :func:`provisional_registrations`.
    series
        The stored months (:func:`geo_outreach.store.snapshots.monthly_series`):
        ``month``, ``code``, ``participants``.

    Returns
    -------
    pd.DataFrame
        One row per village and month with field registrations, for the months whose
        snapshot and the one before it are stored: ``month``, ``code``,
        ``field_registered`` (workers), ``snapshot_increase`` (participants this month
        less the month before), ``field_not_in_snapshot`` (registered in the field beyond
        the increase) and ``snapshot_not_from_field`` (the increase beyond the field's).
    """
    columns = ["month", "code", "field_registered", "snapshot_increase",
               "field_not_in_snapshot", "snapshot_not_from_field"]
    registered = outcomes[(outcomes["outcome"] == REGISTERED) & (outcomes["code"] != "")]
    if registered.empty or series.empty:
        return pd.DataFrame(columns=columns)
    field = (registered.assign(month=registered["visited_on"].str[:7])
             .groupby(["month", "code"])["workers_registered"].sum().rename("field_registered"))
    wide = series.pivot_table(index="code", columns="month", values="participants")
    months = sorted(wide.columns)
    if len(months) < 2:  # noqa: PLR2004 - an increase needs two months
        return pd.DataFrame(columns=columns)
    increase = (wide[months].diff(axis=1).iloc[:, 1:].reset_index()
                .melt(id_vars="code", var_name="month", value_name="snapshot_increase")
                .dropna(subset=["snapshot_increase"]))
    joined = field.reset_index().merge(increase, on=["month", "code"], how="inner")
    joined["field_not_in_snapshot"] = (joined["field_registered"]
                                       - joined["snapshot_increase"]).clip(lower=0)
    joined["snapshot_not_from_field"] = (joined["snapshot_increase"]
                                         - joined["field_registered"]).clip(lower=0)
    return joined[columns].sort_values(["month", "code"], ignore_index=True)


@dataclass(frozen=True)
class FieldCount:
    """
    What the field added to an analysis, for its report.

    Attributes
    ----------
    workers
        Workers registered in the field and counted provisionally.
    villages
        Villages they are in.
    after_month
        The month of the participation data they come on top of (None: the store holds
        no month, so every registration counts).
    """

    workers: int
    villages: int
    after_month: str | None


def with_field_registrations(prepared: PreparedInputs, store: Store
                             ) -> tuple[PreparedInputs, FieldCount]:
    """
    Count the store's field registrations into the inputs, provisionally.

    Parameters
    ----------
    prepared
        The inputs.
    store
        The open store.

    Returns
    -------
    PreparedInputs
        With :func:`with_provisional` applied (unchanged when nothing counts).
    FieldCount
        How many workers in how many villages, after which month.
    """
    outcomes = stored_outcomes(store)
    if outcomes.empty:
        return prepared, FieldCount(0, 0, None)
    month = snapshot_month_of(prepared.inputs.get("participation", {}).get("sha256", ""),
                              import_history(store))
    known = set(prepared.participation["code"].astype(str))
    registrations = provisional_registrations(outcomes, after_month=month)
    registrations = registrations[registrations["code"].isin(known)]
    count = FieldCount(int(registrations[PROVISIONAL_COLUMN].sum()), len(registrations), month)
    return with_provisional(prepared, registrations), count
