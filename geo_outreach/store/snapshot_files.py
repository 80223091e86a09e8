"""
Import a participation file as a month's snapshot.

The file is read, checked and matched exactly as ``analyze`` does
(:func:`geo_outreach.inputs.prepare.prepare_inputs`), then stored.
"""

from __future__ import annotations

import dataclasses
from contextlib import suppress
from pathlib import Path
from typing import TYPE_CHECKING

from geo_outreach._errors import InputError
from geo_outreach.inputs import bundled
from geo_outreach.inputs.file_kinds import file_sha256
from geo_outreach.inputs.prepare import InputPaths, PreparedInputs, prepare_inputs
from geo_outreach.store.months import (
    BPJS_REASON,
    BPJS_SINCE,
    BUNDLED_CODE_LIST,
    BUNDLED_CODES_REASON,
    BUNDLED_CODES_SINCE,
    check_month,
)
from geo_outreach.store.snapshots import ImportOutcome, SnapshotSource, import_snapshot

if TYPE_CHECKING:
    from datetime import date

    from geo_outreach.store.database import Store


def checked_month(month: str, paths: InputPaths, *, source: str = "--month",
                  today: date | None = None) -> str:
    """
    Check a month against the calendar and the boundaries it will be matched to.

    Parameters
    ----------
    month
        ``"YYYY-MM"`` as typed.
    paths
        The inputs; bundled boundaries allow months from January 2022, others from 2014.
    source
        What named the month, for the error.
    today
        The date to compare with; today in WIB when None.

    Returns
    -------
    str
        The month.
    """
    if paths.boundaries is None:
        return check_month(month, source=source, earliest=BUNDLED_CODES_SINCE,
                           earliest_reason=BUNDLED_CODES_REASON, today=today)
    return check_month(month, source=source, earliest=BPJS_SINCE, earliest_reason=BPJS_REASON,
                       today=today)


def is_demo_table(prepared: PreparedInputs) -> bool:
    """
    Tell a bundled DEMO table (the October one or a monthly one) by its content.

    Parameters
    ----------
    prepared
        The prepared inputs.

    Returns
    -------
    bool
        True when the participation file is one of the bundled DEMO tables.
    """
    if prepared.is_demo:
        return True
    sha = prepared.inputs["participation"]["sha256"]
    folder = bundled.BUNDLED_DIR / "demo_months"
    return any(file_sha256(path) == sha for path in sorted(folder.glob("*.csv")))


def _file_label(path: str) -> str:
    """Name a bundled file by its place in the package, not by this machine's folders."""
    with suppress(ValueError):
        inside = Path(path).resolve().relative_to(bundled.BUNDLED_DIR.resolve())
        return f"bundled:{bundled.BUNDLED_DIR.name}/{inside.as_posix()}"
    return path


def snapshot_source(prepared: PreparedInputs) -> SnapshotSource:
    """
    Describe the file and the boundaries a prepared table was matched against.

    Parameters
    ----------
    prepared
        The prepared inputs.

    Returns
    -------
    SnapshotSource
        For the import record.
    """
    table, boundaries = prepared.inputs["participation"], prepared.inputs["boundaries"]
    bundled_boundaries = boundaries["path"].startswith("bundled:")
    return SnapshotSource(
        file_name=_file_label(table["path"]), file_sha256=table["sha256"],
        rows_read=len(prepared.match_report), boundaries_name=boundaries["path"],
        boundaries_sha256=boundaries["sha256"],
        code_list=BUNDLED_CODE_LIST if bundled_boundaries else "the user's boundary file",
        is_demo=is_demo_table(prepared))


def import_table(
    store: Store,
    month: str,
    paths: InputPaths,
    *,
    replace: bool = False,
    imported_by: str | None = None,
    today: date | None = None,
    file_label: str | None = None,
) -> tuple[ImportOutcome, PreparedInputs]:
    """
    Read, check and match a participation file, then store it as a month.

    Parameters
    ----------
    store
        The open store.
    month
        ``"YYYY-MM"`` as typed.
    paths
        ``participation`` is the file; ``boundaries`` (None for the bundled DIY layer) and
        the column mappings as for ``analyze``.
    replace
        Let this file take over a month already stored.
    imported_by
        Who imports; ``user@host`` when None.
    today
        The date months are checked against; today in WIB when None.
    file_label
        The file's name for the record, when it is not its path (an upload's name).

    Returns
    -------
    tuple of ImportOutcome and PreparedInputs
        What was stored, and the inputs as read (their warnings and match report).

    Raises
    ------
    InputError
        If the month or the table has an error-level problem; nothing is stored then.
    StoreError
        If the month already holds another file and ``replace`` is False.
    """
    checked = checked_month(month, paths, today=today)
    prepared = prepare_inputs(paths, with_offices=False)
    if prepared.errors:
        raise InputError(prepared.errors)
    counts = prepared.participation.drop(columns=["row"], errors="ignore")
    source = snapshot_source(prepared)
    if file_label is not None:
        source = dataclasses.replace(source, file_name=file_label)
    outcome = import_snapshot(store, checked, counts, source, replace=replace,
                              imported_by=imported_by)
    return outcome, prepared
