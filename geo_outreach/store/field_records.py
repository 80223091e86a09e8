"""
Canvassing plans and what came back from the field, kept in the store.

A plan is stored when it is made (:func:`save_plan`): its stops with their team, day,
place and households, and each team's planned day. Field submissions are stored once
each, by their submission id (:func:`store_outcomes`): importing the same export again, or
one that overlaps the last, adds only what is new, and a submission that comes back with
different content is reported, never silently changed. Every import is logged.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Final

import numpy as np
import pandas as pd
from sqlalchemy import func, insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import OperationalError

from geo_outreach import __version__
from geo_outreach._errors import StoreError
from geo_outreach.outcome_codes import RECORD_COLUMNS
from geo_outreach.store.tables import (
    field_outcomes,
    field_plan_routes,
    field_plan_stops,
    field_plans,
    outcome_imports,
    snapshot_imports,
)

if TYPE_CHECKING:
    from collections.abc import Iterable

    from sqlalchemy import Table
    from sqlalchemy.engine import Connection

    from geo_outreach.store.database import Store

STOP_COLUMNS: Final = ("stop_id", "team", "day", "visit_order", "planned_on", "code",
                       "village", "label", "households", "uncovered_workers", "lat", "lon")
"""A stored plan's stops (:func:`save_plan`, :func:`plan_stops`)."""
ROUTE_COLUMNS: Final = ("day", "team", "stops", "households", "planned_min", "distance_km")
"""A stored plan's team days."""
CONTENT_COLUMNS: Final = tuple(c for c in RECORD_COLUMNS if c not in {
    "submission_id", "source_row", "accuracy_m", "started_at", "ended_at"})
"""What a submission's content is, for telling a repeat from a changed submission: the
answers and the point, not what some exports leave out (the point's accuracy, the form's
times: e.g. KoboToolbox's GeoJSON)."""
STORED_EXTRA: Final = ("code", "gps_distance_m", "gps_status")
"""Columns a stored outcome has beyond :data:`RECORD_COLUMNS`: the stop's village code
and the GPS check."""
BATCH: Final = 500
OUTCOME_IMPORT_LOCK: Final = 7_240_102
"""The PostgreSQL advisory lock an import of field outcomes holds: two imports at once
queue, so each sees what the other stored."""


@dataclass(frozen=True)
class PlanRecord:
    """
    A plan's facts, as stored in ``field_plans``.

    Attributes
    ----------
    plan_id
        Its id (see :func:`geo_outreach.field.plan_store.plan_identifier`).
    office_id, office_name
        The office whose teams go out.
    created_by
        Who made it.
    start_date
        Day 1 (None: not dated).
    teams, days
        The plan's size.
    settings
        Its settings, JSON-serialisable.
    boundaries_sha256
        The boundaries it was made on.
    is_demo
        Whether its households come from DEMO data.
    """

    plan_id: str
    office_id: str
    office_name: str
    created_by: str
    start_date: date | None
    teams: int
    days: int
    settings: dict[str, object]
    boundaries_sha256: str
    is_demo: bool


@dataclass(frozen=True)
class OutcomeImport:
    """
    What one import of field submissions stored.

    Attributes
    ----------
    import_id
        Its row in ``outcome_imports``.
    stored
        Submissions new to the store, now stored.
    already_stored
        Submissions the store already held with the same content (a repeat or overlap).
    changed
        Submissions the store holds with *different* content: not changed, one row each
        with ``submission_id`` and ``source_row``.
    """

    import_id: int
    stored: int
    already_stored: int
    changed: pd.DataFrame


def _rows(frame: pd.DataFrame) -> list[dict[str, object]]:
    """Turn a frame into insertable rows: NaN and <NA> to None, numpy scalars to Python."""
    clean = frame.astype(object).where(frame.notna(), None)
    return [{k: (v.item() if isinstance(v, np.generic) else v) for k, v in row.items()}
            for row in clean.to_dict("records")]


def save_plan(store: Store, plan: PlanRecord, stops: pd.DataFrame, routes: pd.DataFrame
              ) -> None:
    """
    Store a plan, its stops and its team days, in one transaction.

    Parameters
    ----------
    store
        The open store.
    plan
        The plan's facts.
    stops
        One row per planned stop, :data:`STOP_COLUMNS`.
    routes
        One row per team and day, :data:`ROUTE_COLUMNS`.

    Raises
    ------
    StoreError
        If a plan with this id is already stored (ids are unique per plan made) or the
        database is busy.
    """
    try:
        with store.writing() as conn:
            taken = conn.execute(select(field_plans.c.plan_id).where(
                field_plans.c.plan_id == plan.plan_id)).first()
            if taken is not None:
                raise StoreError(f"a plan with the id {plan.plan_id} is already stored",
                                 "make the plan again: each plan gets its own id")
            conn.execute(insert(field_plans).values(
                plan_id=plan.plan_id, office_id=plan.office_id, office_name=plan.office_name,
                created_at=datetime.now(UTC), created_by=plan.created_by[:200],
                start_date=plan.start_date, teams=plan.teams, days=plan.days,
                settings=json.dumps(plan.settings, ensure_ascii=False, sort_keys=True),
                boundaries_sha256=plan.boundaries_sha256, tool_version=__version__,
                is_demo=plan.is_demo))
            stop_rows = stops[list(STOP_COLUMNS)].assign(plan_id=plan.plan_id)
            for chunk in _chunks(_rows(stop_rows)):
                conn.execute(insert(field_plan_stops), chunk)
            route_rows = routes[list(ROUTE_COLUMNS)].assign(plan_id=plan.plan_id)
            for chunk in _chunks(_rows(route_rows)):
                conn.execute(insert(field_plan_routes), chunk)
    except OperationalError as err:
        raise _busy(err) from err


def _busy(err: OperationalError) -> StoreError:
    return StoreError(f"the store could not be written: {str(err.orig).strip()}",
                      "try again in a minute; nothing was stored", label="busy")


def _chunks(rows: list[dict[str, object]]) -> Iterable[list[dict[str, object]]]:
    for start in range(0, len(rows), BATCH):
        yield rows[start:start + BATCH]


def _frame(conn: Connection, query: object) -> pd.DataFrame:
    result = conn.execute(query)  # type: ignore[call-overload]
    return pd.DataFrame(result.fetchall(), columns=list(result.keys()))


def stored_plans(store: Store, *, office_id: str | None = None) -> pd.DataFrame:
    """
    List the stored plans, newest first.

    Parameters
    ----------
    store
        The open store.
    office_id
        Only this office's plans; all when None.

    Returns
    -------
    pd.DataFrame
        The ``field_plans`` columns (``created_at`` in UTC, ``settings`` as JSON text).
    """
    query = select(field_plans).order_by(field_plans.c.created_at.desc(),
                                         field_plans.c.plan_id.desc())
    if office_id is not None:
        query = query.where(field_plans.c.office_id == office_id)
    with store.reading() as conn:
        frame = _frame(conn, query)
    frame["created_at"] = pd.to_datetime(frame["created_at"], utc=True)
    return frame


def _plan_rows(store: Store, table: Table, plan_ids: Iterable[str], columns: tuple[str, ...]
               ) -> pd.DataFrame:
    """Read a plan table's rows for some plans, with its columns even when there are none."""
    query = select(table).where(table.c.plan_id.in_(sorted(set(plan_ids))))
    with store.reading() as conn:
        frame = _frame(conn, query)
    return frame.reindex(columns=["plan_id", *columns])


def plan_stops(store: Store, plan_ids: Iterable[str]) -> pd.DataFrame:
    """
    Read the stops of stored plans.

    Parameters
    ----------
    store
        The open store.
    plan_ids
        The plans.

    Returns
    -------
    pd.DataFrame
        ``plan_id`` and :data:`STOP_COLUMNS`, one row per stop (none for unknown plans).
    """
    return _plan_rows(store, field_plan_stops, plan_ids, STOP_COLUMNS)


def plan_routes(store: Store, plan_ids: Iterable[str]) -> pd.DataFrame:
    """
    Read the planned team days of stored plans.

    Parameters
    ----------
    store
        The open store.
    plan_ids
        The plans.

    Returns
    -------
    pd.DataFrame
        ``plan_id`` and :data:`ROUTE_COLUMNS`.
    """
    return _plan_rows(store, field_plan_routes, plan_ids, ROUTE_COLUMNS)


def content_sha256(records: pd.DataFrame) -> list[str]:
    """
    Fingerprint each submission's content (everything but its id and row in the file).

    Parameters
    ----------
    records
        Outcome records (:data:`RECORD_COLUMNS`).

    Returns
    -------
    list of str
        One sha256 per row: the same submission read from a CSV, an XLSX or a GeoJSON
        export gives the same fingerprint.
    """
    out = []
    for row in records[list(CONTENT_COLUMNS)].itertuples(index=False):
        parts = []
        for value in row:
            if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
                parts.append("")
            elif isinstance(value, float | np.floating):
                parts.append(f"{float(value):.6f}")
            else:
                parts.append(str(value))
        out.append(hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest())
    return out


def _outcome_rows(records: pd.DataFrame, import_id: int) -> list[dict[str, object]]:
    frame = records[[c for c in (*RECORD_COLUMNS, *STORED_EXTRA) if c != "source_row"]].copy()
    frame["content_sha256"] = content_sha256(records)
    frame["import_id"] = import_id
    for column in ("visited_on", "come_back_on"):
        frame[column] = [date.fromisoformat(v) if isinstance(v, str) and v else None
                         for v in frame[column]]
    rows = _rows(frame)
    for row in rows:
        for column in ("started_at", "ended_at", "note", "segment"):
            row[column] = row[column] or ""
    return rows


def _insert_new(conn: Connection, backend: str, rows: list[dict[str, object]]) -> None:
    """Insert rows whose submission id the store does not hold (a race adds nothing twice)."""
    dialect = postgresql if backend == "postgresql" else sqlite
    for chunk in _chunks(rows):
        conn.execute(dialect.insert(field_outcomes).on_conflict_do_nothing(
            index_elements=["submission_id"]), chunk)


def store_outcomes(store: Store, records: pd.DataFrame, *, file_name: str, file_sha256: str,
                   file_format: str, imported_by: str, rows_read: int, rejected: int
                   ) -> OutcomeImport:
    """
    Store checked field submissions, each once by its submission id, and log the import.

    Parameters
    ----------
    store
        The open store.
    records
        :data:`RECORD_COLUMNS` plus :data:`STORED_EXTRA`, every row checked (known plan
        and stop, sane values); ``submission_id`` unique.
    file_name, file_sha256, file_format
        The file imported.
    imported_by
        Who imports.
    rows_read, rejected
        The file's rows, and those kept out (for the log).

    Returns
    -------
    OutcomeImport
        How many were new, how many were held already, and which came back changed.

    Raises
    ------
    StoreError
        If the database is busy.
    """
    sha = pd.Series(content_sha256(records), index=records.index)
    try:
        with store.writing() as conn:
            if store.backend == "postgresql":  # one import at a time (SQLite: BEGIN IMMEDIATE)
                conn.execute(select(func.pg_advisory_xact_lock(OUTCOME_IMPORT_LOCK)))
            held = {}
            ids = records["submission_id"].astype(str).tolist()
            for start in range(0, len(ids), BATCH):
                query = select(field_outcomes.c.submission_id,
                               field_outcomes.c.content_sha256).where(
                    field_outcomes.c.submission_id.in_(ids[start:start + BATCH]))
                held.update(dict(conn.execute(query).all()))
            is_held = records["submission_id"].astype(str).isin(held).to_numpy()
            same = np.array([held.get(i) == s for i, s in zip(ids, sha, strict=True)], dtype=bool)
            new = records[~is_held]
            changed = records[is_held & ~same][["submission_id", "source_row"]]
            import_id = conn.execute(insert(outcome_imports).values(
                at=datetime.now(UTC), file_name=file_name[:500], file_sha256=file_sha256,
                file_format=file_format, imported_by=imported_by[:200], rows_read=rows_read,
                stored=len(new), already_stored=int((is_held & same).sum()),
                rejected=rejected + len(changed), tool_version=__version__)
            ).inserted_primary_key[0]
            _insert_new(conn, store.backend, _outcome_rows(new, int(import_id)))
            if store.backend == "postgresql" and len(new):
                # fresh statistics, so the next import looks its ids up by the index
                conn.exec_driver_sql("ANALYZE field_outcomes")
    except OperationalError as err:
        raise _busy(err) from err
    return OutcomeImport(int(import_id), len(new), int((is_held & same).sum()),
                         changed.reset_index(drop=True))


def stored_outcomes(store: Store, *, plan_ids: Iterable[str] | None = None,
                    office_id: str | None = None) -> pd.DataFrame:
    """
    Read the stored field submissions with their plan's office and the stop's plan.

    Parameters
    ----------
    store
        The open store.
    plan_ids
        Only these plans' submissions.
    office_id
        Only this office's.

    Returns
    -------
    pd.DataFrame
        :data:`RECORD_COLUMNS` (without ``source_row``), :data:`STORED_EXTRA`,
        ``import_id``, ``office_id``, and the stop's planned ``planned_team``,
        ``planned_day``, ``planned_on``, ``village``; dates as ``YYYY-MM-DD`` text, oldest
        visit first.
    """
    stops = field_plan_stops
    query = (select(field_outcomes, field_plans.c.office_id,
                    stops.c.team.label("planned_team"), stops.c.day.label("planned_day"),
                    stops.c.planned_on, stops.c.village)
             .join(field_plans, field_plans.c.plan_id == field_outcomes.c.plan_id)
             .outerjoin(stops, (stops.c.plan_id == field_outcomes.c.plan_id)
                        & (stops.c.stop_id == field_outcomes.c.stop_id))
             .order_by(field_outcomes.c.visited_on, field_outcomes.c.submission_id))
    if plan_ids is not None:
        query = query.where(field_outcomes.c.plan_id.in_(sorted(set(plan_ids))))
    if office_id is not None:
        query = query.where(field_plans.c.office_id == office_id)
    with store.reading() as conn:
        frame = _frame(conn, query)
    frame = frame.drop(columns=["content_sha256"], errors="ignore")
    for column in ("visited_on", "come_back_on", "planned_on"):
        frame[column] = [v.isoformat() if isinstance(v, date) else (v or "")
                         for v in frame[column]]
    for column in ("team", "workers_living", "planned_team", "planned_day"):
        frame[column] = pd.array(frame[column], dtype="Int64")
    for column in ("households", "workers_registered"):
        frame[column] = frame[column].astype(np.int64)
    for column in ("lat", "lon", "accuracy_m", "gps_distance_m"):
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype(float)
    return frame


def import_marks(store: Store) -> tuple[int, int]:
    """
    Mark the store's state of imports cheaply, for caches: one query, whatever its size.

    Parameters
    ----------
    store
        The open store.

    Returns
    -------
    tuple of int
        The newest outcome import's id and the newest month import's id (0 for none): any
        import of outcomes or of a month (a replacement too) changes them.
    """
    with store.reading() as conn:
        row = conn.execute(select(
            select(func.max(outcome_imports.c.id)).scalar_subquery(),
            select(func.max(snapshot_imports.c.id)).scalar_subquery())).one()
    return int(row[0] or 0), int(row[1] or 0)


def outcome_import_log(store: Store) -> pd.DataFrame:
    """
    List every import of field submissions, oldest first.

    Parameters
    ----------
    store
        The open store.

    Returns
    -------
    pd.DataFrame
        The ``outcome_imports`` columns, ``at`` in UTC.
    """
    with store.reading() as conn:
        frame = _frame(conn, select(outcome_imports).order_by(outcome_imports.c.id))
    frame["at"] = pd.to_datetime(frame["at"], utc=True)
    return frame
