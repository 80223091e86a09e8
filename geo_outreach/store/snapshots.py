"""
Monthly snapshots: store one participation table per month, read the series back.

:func:`import_snapshot` stores a month in one transaction. The same file again for the same
month changes nothing; another file for a month already stored is refused unless
``replace`` is given, and the earlier one then stays in the history, marked replaced.
Every attempt, whatever came of it, is written to the import log.
"""

from __future__ import annotations

import getpass
import socket
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Final, Literal

import numpy as np
import pandas as pd
from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError, OperationalError

from geo_outreach import __version__
from geo_outreach._errors import StoreError
from geo_outreach.months import months_between
from geo_outreach.store.database import SQLITE_BUSY_MS
from geo_outreach.store.tables import (
    COUNT_COLUMNS,
    current_snapshots,
    import_log,
    snapshot_imports,
    snapshot_villages,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

    from sqlalchemy.engine import Connection

    from geo_outreach.store.database import Store

ImportStatus = Literal["stored", "unchanged", "replaced"]

INSERT_BATCH: Final = 5_000
"""Village rows sent to the database per statement."""

RETRIES: Final = 3
"""Tries of an import that lost a race for its month to another import."""


@dataclass(frozen=True)
class SnapshotSource:
    """
    Where a month's table came from and what it was matched against.

    Attributes
    ----------
    file_name, file_sha256
        The participation file as the user gave it, and its content's hash.
    rows_read
        Data rows in the file.
    boundaries_name, boundaries_sha256
        The boundaries the rows were matched to.
    code_list
        The village code list those boundaries follow.
    is_demo
        True for the bundled DEMO tables.
    """

    file_name: str
    file_sha256: str
    rows_read: int
    boundaries_name: str
    boundaries_sha256: str
    code_list: str
    is_demo: bool = False


@dataclass(frozen=True)
class ImportOutcome:
    """
    What an import did.

    Attributes
    ----------
    status
        ``"stored"`` (a new month), ``"replaced"`` (another file took over the month) or
        ``"unchanged"`` (the month already holds this file).
    month
        The month.
    import_id
        The import now in force for the month.
    villages
        Villages stored for the month.
    replaced_import
        The import that was in force before, when replaced.
    notes
        Things worth a look, e.g. the same file stored for another month.
    """

    status: ImportStatus
    month: str
    import_id: int
    villages: int
    replaced_import: int | None = None
    notes: tuple[str, ...] = field(default=())


def default_importer() -> str:
    """
    Name who imports: ``user@host`` of this process.

    Returns
    -------
    str
        The operating-system user and the machine's name.
    """
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "unknown"
    return f"{user}@{socket.gethostname()}"


def _village_rows(import_id: int, counts: pd.DataFrame) -> list[dict[str, object]]:
    columns = [c for c in COUNT_COLUMNS if c in counts.columns]
    frame = counts[["code", *columns]].copy()
    frame[columns] = frame[columns].astype("float64")
    frame = frame.astype(object).where(frame.notna(), None)
    rows = frame.to_dict("records")
    for row in rows:
        row["import_id"] = import_id
    return rows


def _log(conn: Connection, month: str, source: SnapshotSource, by: str, *, outcome: str,
         import_id: int | None, detail: str = "") -> None:
    conn.execute(insert(import_log).values(
        at=datetime.now(UTC), month=month, file_name=source.file_name[:500],
        file_sha256=source.file_sha256, imported_by=by[:200], outcome=outcome,
        import_id=import_id, detail=detail[:1000]))


def _current(conn: Connection, month: str) -> dict[str, object] | None:
    query = (select(snapshot_imports)
             .join(current_snapshots, current_snapshots.c.import_id == snapshot_imports.c.id)
             .where(current_snapshots.c.month == month)
             .with_for_update())
    row = conn.execute(query).mappings().first()
    return None if row is None else dict(row)


def _month_stored(store: Store, month: str) -> bool:
    with store.reading() as conn:
        query = select(current_snapshots.c.month).where(current_snapshots.c.month == month)
        return conn.execute(query).first() is not None


def _fewer_villages(conn: Connection, month: str, villages: int) -> list[str]:
    """Say when the month holds other villages than the months beside it."""
    notes = []
    for other_month, other_villages in conn.execute(
            select(current_snapshots.c.month, snapshot_imports.c.villages)
            .join(snapshot_imports, current_snapshots.c.import_id == snapshot_imports.c.id)
            .where(current_snapshots.c.month != month)):
        if other_villages != villages:
            notes.append((other_month, other_villages))
    nearest = sorted(notes, key=lambda item: abs(months_between(month, item[0])))[:1]
    return [f"{month} holds {villages} villages, {other} holds {count}: changes, the pace and "
            "the trend compare only the villages both months hold"
            for other, count in nearest]


def _same_file_elsewhere(conn: Connection, month: str, sha256: str) -> list[str]:
    query = (select(current_snapshots.c.month)
             .join(snapshot_imports, current_snapshots.c.import_id == snapshot_imports.c.id)
             .where(snapshot_imports.c.file_sha256 == sha256,
                    current_snapshots.c.month != month))
    return sorted(conn.execute(query).scalars())


def _store(conn: Connection, month: str, counts: pd.DataFrame, source: SnapshotSource,
           by: str, *, replace: bool) -> ImportOutcome:
    """One attempt, inside the caller's transaction."""
    current = _current(conn, month)
    if current is not None and (current["file_sha256"], current["boundaries_sha256"]) == (
            source.file_sha256, source.boundaries_sha256):  # same file, matched the same way
        _log(conn, month, source, by, outcome="unchanged", import_id=int(current["id"]))
        return ImportOutcome("unchanged", month, int(current["id"]), int(current["villages"]))
    if current is not None and not replace:
        raise _month_taken(month, current)
    now = datetime.now(UTC)
    import_id = conn.execute(insert(snapshot_imports).values(
        month=month, file_name=source.file_name[:500], file_sha256=source.file_sha256,
        rows_read=source.rows_read, villages=len(counts), imported_by=by[:200],
        imported_at=now, boundaries_name=source.boundaries_name[:500],
        boundaries_sha256=source.boundaries_sha256, code_list=source.code_list[:200],
        tool_version=__version__, is_demo=source.is_demo,
    ).returning(snapshot_imports.c.id)).scalar_one()
    rows = _village_rows(import_id, counts)
    for start in range(0, len(rows), INSERT_BATCH):
        conn.execute(insert(snapshot_villages), rows[start:start + INSERT_BATCH])
    notes = (*(f"the same file is also stored for {other}: check the month"
               for other in _same_file_elsewhere(conn, month, source.file_sha256)),
             *_fewer_villages(conn, month, len(counts)))
    if current is None:
        conn.execute(insert(current_snapshots).values(month=month, import_id=import_id))
        _log(conn, month, source, by, outcome="stored", import_id=import_id)
        return ImportOutcome("stored", month, import_id, len(counts), notes=notes)
    conn.execute(update(snapshot_imports).where(snapshot_imports.c.id == current["id"])
                 .values(replaced_at=now, replaced_by=import_id))
    conn.execute(update(current_snapshots).where(current_snapshots.c.month == month)
                 .values(import_id=import_id))
    _log(conn, month, source, by, outcome="replaced", import_id=import_id,
         detail=f"replaced import {current['id']}")
    return ImportOutcome("replaced", month, import_id, len(counts),
                         replaced_import=int(current["id"]), notes=notes)


def _month_taken(month: str, current: dict[str, object]) -> StoreError:
    at = current["imported_at"]
    when = at.strftime("%Y-%m-%d %H:%M") if isinstance(at, datetime) else str(at)
    return StoreError(
        f"{month} already holds another table ({current['file_name']}, imported by "
        f"{current['imported_by']} on {when} UTC)",
        "give --replace to replace it (the earlier table stays in the history), or check "
        "the month", label="month_taken",
        args={"month": month, "file": str(current["file_name"]),
              "by": str(current["imported_by"]), "when": when})


def import_snapshot(
    store: Store,
    month: str,
    counts: pd.DataFrame,
    source: SnapshotSource,
    *,
    replace: bool = False,
    imported_by: str | None = None,
) -> ImportOutcome:
    """
    Store one month's participation, matched to village codes, in one transaction.

    The month is left unchanged when it already holds the same file matched against the
    same boundaries; the same file matched against other boundaries is another table.

    Parameters
    ----------
    store
        The open store.
    month
        ``"YYYY-MM"``, already checked (:func:`geo_outreach.store.months.check_month`).
    counts
        One row per matched village: ``code`` and any of the count columns
        (``labour_force``, ``employed``, ``participants``, ``pu``, ``bpu``, ``jakon``,
        ``pmi``), as :func:`geo_outreach.inputs.prepare.prepare_inputs` gives them.
    source
        The file and the boundaries it was matched against.
    replace
        Let another file take over a month already stored (the earlier one is kept).
    imported_by
        Who imports; ``user@host`` when None.

    Returns
    -------
    ImportOutcome
        What was done.

    Raises
    ------
    StoreError
        If the month already holds another file and ``replace`` is False.
    """
    by = imported_by or default_importer()
    if counts["code"].duplicated().any():
        raise ValueError("counts must hold one row per village code")
    for attempt in range(RETRIES):
        try:
            with store.writing() as conn:
                return _store(conn, month, counts, source, by, replace=replace)
        except StoreError:
            with store.writing() as conn:
                _log(conn, month, source, by, outcome="refused", import_id=None,
                     detail="the month holds another file")
            raise
        except OperationalError as err:
            if "locked" not in str(err.orig).lower():
                raise
            raise StoreError(
                f"the database is busy: another import has been writing for over "
                f"{SQLITE_BUSY_MS // 1000} s", "try again in a minute; nothing was stored",
                label="busy", args={"seconds": SQLITE_BUSY_MS // 1000}) from None
        except IntegrityError:
            # another import may have stored this month between our look and our write:
            # then look again; any other broken rule is a real error
            if attempt == RETRIES - 1 or not _month_stored(store, month):
                raise
    raise AssertionError("unreachable")  # pragma: no cover


def monthly_series(store: Store, *, since: str | None = None, until: str | None = None,
                   codes: Sequence[str] | None = None) -> pd.DataFrame:
    """
    Read the months in force, one row per month and village.

    Parameters
    ----------
    store
        The open store.
    since, until
        The first and last month to read (``"YYYY-MM"``, inclusive); all when None.
    codes
        Only these village codes; all when None.

    Returns
    -------
    pd.DataFrame
        ``month``, ``code``, the count columns (float, NaN where not given) and
        ``is_demo``, sorted by month and code.
    """
    query = (select(current_snapshots.c.month, snapshot_villages, snapshot_imports.c.is_demo)
             .join(snapshot_villages,
                   snapshot_villages.c.import_id == current_snapshots.c.import_id)
             .join(snapshot_imports, snapshot_imports.c.id == current_snapshots.c.import_id))
    if since is not None:
        query = query.where(current_snapshots.c.month >= since)
    if until is not None:
        query = query.where(current_snapshots.c.month <= until)
    if codes is not None:
        query = query.where(snapshot_villages.c.code.in_(list(codes)))
    with store.reading() as conn:
        result = conn.execute(query)
        names = list(result.keys())
        rows = result.cursor.fetchall() if result.cursor is not None else []
    # plain tuples into typed columns: far faster than a frame of row objects (2 M rows)
    columns = list(zip(*rows, strict=True)) if rows else [() for _ in names]
    values = dict(zip(names, columns, strict=True))
    frame = pd.DataFrame({
        "month": pd.Series(values["month"], dtype=str),
        "code": pd.Series(values["code"], dtype=str),
        **{column: np.array(values[column], dtype="float64") for column in COUNT_COLUMNS},
        "is_demo": np.array(values["is_demo"], dtype=bool),
    })
    return frame.sort_values(["month", "code"], ignore_index=True)


def stored_months(store: Store) -> pd.DataFrame:
    """
    List the months in force with the import that holds each.

    Parameters
    ----------
    store
        The open store.

    Returns
    -------
    pd.DataFrame
        ``month``, ``import_id``, ``file_name``, ``file_sha256``, ``villages``,
        ``imported_by``, ``imported_at`` (UTC), ``boundaries_name``,
        ``boundaries_sha256``, ``code_list``, ``tool_version``, ``is_demo``, sorted by month.
    """
    imports = snapshot_imports.c
    query = (select(current_snapshots.c.month, imports.id.label("import_id"),
                    imports.file_name, imports.file_sha256, imports.villages,
                    imports.imported_by, imports.imported_at, imports.boundaries_name,
                    imports.boundaries_sha256, imports.code_list, imports.tool_version,
                    imports.is_demo)
             .join(snapshot_imports, imports.id == current_snapshots.c.import_id)
             .order_by(current_snapshots.c.month))
    with store.reading() as conn:
        result = conn.execute(query)
        return _in_utc(pd.DataFrame(result.fetchall(), columns=list(result.keys())))


def _in_utc(frame: pd.DataFrame) -> pd.DataFrame:
    """Give every time column in UTC, whichever database read it (SQLite drops the zone)."""
    for column in ("imported_at", "replaced_at", "at"):
        if column in frame.columns:
            frame[column] = pd.to_datetime(frame[column], utc=True)
    return frame


def import_history(store: Store, month: str | None = None) -> pd.DataFrame:
    """
    List every import ever stored, replaced ones included.

    Parameters
    ----------
    store
        The open store.
    month
        Only this month; all when None.

    Returns
    -------
    pd.DataFrame
        One row per import: the ``snapshot_imports`` columns and ``in_force`` (bool),
        sorted by month and time.
    """
    query = select(snapshot_imports).order_by(snapshot_imports.c.month,
                                              snapshot_imports.c.imported_at,
                                              snapshot_imports.c.id)
    if month is not None:
        query = query.where(snapshot_imports.c.month == month)
    with store.reading() as conn:
        result = conn.execute(query)
        frame = pd.DataFrame(result.fetchall(), columns=list(result.keys()))
    frame = _in_utc(frame)
    frame["in_force"] = frame["replaced_at"].isna().astype(bool)
    frame["replaced_by"] = frame["replaced_by"].astype("Int64")
    return frame


def import_attempts(store: Store) -> pd.DataFrame:
    """
    List the import log: every attempt to import a month, whatever came of it.

    Parameters
    ----------
    store
        The open store.

    Returns
    -------
    pd.DataFrame
        ``at`` (UTC), ``month``, ``file_name``, ``file_sha256``, ``imported_by``,
        ``outcome`` (``stored``, ``replaced``, ``unchanged``, ``refused``), ``import_id``
        and ``detail``, oldest first.
    """
    query = select(import_log).order_by(import_log.c.id)
    with store.reading() as conn:
        result = conn.execute(query)
        frame = pd.DataFrame(result.fetchall(), columns=list(result.keys()))
    frame["import_id"] = frame["import_id"].astype("Int64")
    return _in_utc(frame.drop(columns="id"))
