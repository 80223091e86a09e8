"""
Import a field export into the store: read, check against the plan, check GPS, store once.

:func:`import_outcomes` reads an ODK Central or KoboToolbox export, or a typed-in paper
template (:func:`geo_outreach.field.outcome_files.read_outcomes`), and checks every
submission against the plan it came with (stored when the plan was made,
:mod:`geo_outreach.field.plan_store`): a plan or stop the store does not know, or a
village where more workers are registered than it had uncovered, is reported with its row
and kept out until fixed. Each point is checked against its stop
(:func:`geo_outreach.field.gps_check.check_gps`). What passes is stored once per submission
id (:func:`geo_outreach.store.field_records.store_outcomes`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from geo_outreach._errors import InputError, Problem
from geo_outreach.field.gps_check import check_gps
from geo_outreach.field.outcome_files import read_outcomes
from geo_outreach.outcome_codes import GPS_FLAG_M, GPS_LOOK_M, REGISTERED
from geo_outreach.store.field_records import plan_stops, store_outcomes, stored_outcomes

if TYPE_CHECKING:
    from pathlib import Path

    from geo_outreach.store.database import Store


@dataclass(frozen=True)
class OutcomeImportReport:
    """
    What came of importing one field export.

    Attributes
    ----------
    source, file_format, rows_read
        The file, its format (``odk_central``, ``kobo``, ``paper``) and its rows.
    stored
        Submissions new to the store, now stored.
    already_stored
        Submissions the store held already (a repeat or an overlapping export).
    rejected
        Every submission kept out, with its row and how to fix it.
    warnings
        What was noted and let through (rejected review states, far-off points ...).
    gps
        Submissions per GPS verdict (``ok``, ``look``, ``flagged``, ``no_point``) among
        those stored now.
    plan_ids
        The plans the stored submissions belong to.
    import_id
        The import's row in the store's log.
    """

    source: str
    file_format: str
    rows_read: int
    stored: int
    already_stored: int
    rejected: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    gps: dict[str, int] = field(default_factory=dict)
    plan_ids: tuple[str, ...] = ()
    import_id: int = 0


def _problems(source: str, rows: pd.DataFrame, column: str, what: str, fix: str, *,
              value_column: str, key: str) -> list[Problem]:
    return [Problem(source, int(row.source_row), column, str(getattr(row, value_column)),
                    what, fix, key=key) for row in rows.itertuples(index=False)]


def _check_plans(records: pd.DataFrame, stops: pd.DataFrame, source: str
                 ) -> tuple[pd.DataFrame, list[Problem]]:
    """Keep the submissions whose plan and stop the store knows; report the others."""
    no_plan = records["plan_id"] == ""
    problems = _problems(
        source, records[no_plan], "plan_id", "the submission does not say which plan it "
        "belongs to", "give the plan's id with --plan (the app: choose the plan), or use "
        "the form made with the plan", value_column="plan_id", key="field.no_plan")
    known_plans = set(stops["plan_id"])
    unknown_plan = ~no_plan & ~records["plan_id"].isin(known_plans)
    problems += _problems(
        source, records[unknown_plan], "plan_id", "this plan is not in the store",
        "import into the store the plan was made with (--database), or check the plan id",
        value_column="plan_id", key="field.unknown_plan")
    keys = set(zip(stops["plan_id"], stops["stop_id"], strict=True))
    known_stop = np.array([(p, s) in keys for p, s in zip(records["plan_id"],
                                                          records["stop_id"], strict=True)])
    unknown_stop = ~no_plan & ~unknown_plan & ~known_stop
    problems += _problems(
        source, records[unknown_stop], "stop_id", "this stop is not in the plan",
        "correct the stop code (as on the walk sheet), or import it with its own plan",
        value_column="stop_id", key="field.unknown_stop")
    return records[known_stop].copy(), problems


def _check_villages(records: pd.DataFrame, stops: pd.DataFrame, stored: pd.DataFrame,
                    source: str) -> tuple[pd.DataFrame, list[Problem]]:
    """Refuse the registrations that take a village past the uncovered workers it had."""
    limit = stops.drop_duplicates("code").set_index("code")["uncovered_workers"]
    before = stored[stored["outcome"] == REGISTERED].groupby("code")[
        "workers_registered"].sum()
    registered = (records["outcome"] == REGISTERED).to_numpy() & (
        records["code"] != "").to_numpy()
    bound = np.ceil(limit.reindex(records["code"]).to_numpy(float))  # NaN: not known
    total = before.to_dict()
    over = np.zeros(len(records), dtype=bool)
    for at in np.flatnonzero(registered & ~np.isnan(bound)):  # in file order; refused rows
        code = records["code"].iloc[at]                       # do not count
        workers = int(records["workers_registered"].iloc[at])
        if total.get(code, 0) + workers > bound[at]:
            over[at] = True
        else:
            total[code] = total.get(code, 0) + workers
    problems = [Problem(
        source, int(row.source_row), "pekerja_terdaftar", str(row.workers_registered),
        f"impossible: the registrations in {row.village or row.code} come to more workers than "
        f"the {int(np.ceil(b)):,} uncovered there when the plan was made",
        "check the number of workers registered on this and the village's other "
        "submissions, correct it and import the file again", key="field.too_many_registered",
        args={"village": str(row.village or row.code), "uncovered": f"{int(np.ceil(b)):,}"})
        for row, b in zip(records[over].itertuples(index=False), bound[over], strict=True)]
    return records[~over], problems


def import_outcomes(store: Store, path: Path, *, imported_by: str, plan_id: str | None = None,
                    look_m: float = GPS_LOOK_M, flag_m: float = GPS_FLAG_M,
                    file_label: str | None = None) -> OutcomeImportReport:
    """
    Import a field export into the store, each submission once.

    Parameters
    ----------
    store
        The open store (the one the plan was stored in).
    path
        The export: ODK Central (CSV, its ZIP, XLSX, GeoJSON), KoboToolbox (CSV, XLSX,
        GeoJSON) or the paper template.
    imported_by
        Who imports.
    plan_id
        The plan, for submissions that do not name one (e.g. a form of your own).
    look_m, flag_m
        The GPS check's thresholds (metres from the stop).
    file_label
        The file's name as the user knows it (an upload's), for messages and the log;
        ``path``'s name when None.

    Returns
    -------
    OutcomeImportReport
        What was stored, what the store held already, and what was kept out and why.

    Raises
    ------
    InputError
        If the file cannot be read as any of the formats, or the thresholds are bad.
    StoreError
        If the store is busy.
    """
    read = read_outcomes(path, source=file_label)
    records = read.records.copy()
    if plan_id is not None:
        records["plan_id"] = records["plan_id"].where(records["plan_id"] != "", plan_id)
    stops = plan_stops(store, records["plan_id"].unique())
    kept, rejected = _check_plans(records, stops, read.source)
    stop_info = stops.set_index(["plan_id", "stop_id"])
    where = pd.MultiIndex.from_arrays([kept["plan_id"], kept["stop_id"]])
    kept["code"] = stop_info["code"].reindex(where).fillna("").to_numpy(str)
    kept["village"] = stop_info["village"].reindex(where).fillna("").to_numpy(str)
    known = stored_outcomes(store, plan_ids=kept["plan_id"].unique())
    fresh = kept[~kept["submission_id"].isin(known["submission_id"])]
    checked, village_problems = _check_villages(fresh, stops, known, read.source)
    rejected += village_problems
    kept = pd.concat([kept[kept["submission_id"].isin(known["submission_id"])], checked])
    kept = _gps_per_plan(kept, stops, look_m, flag_m)
    outcome = store_outcomes(
        store, kept.drop(columns=["village"]), file_name=read.source,
        file_sha256=read.sha256, file_format=read.format, imported_by=imported_by,
        rows_read=read.rows_read, rejected=len({(p.file, p.row) for p in
                                                [*read.rejected, *rejected]}))
    rejected += [Problem(read.source, int(row.source_row), "submission id",
                         str(row.submission_id),
                         "this submission is stored already with different answers",
                         "keep the stored one, or correct it in the field app and export "
                         "it as a new submission", key="field.changed")
                 for row in outcome.changed.itertuples()]
    changed = set(outcome.changed["submission_id"])
    new = kept[~kept["submission_id"].isin(known["submission_id"]) &
               ~kept["submission_id"].isin(changed)]
    gps = {str(k): int(v) for k, v in new["gps_status"].value_counts().items()}
    return OutcomeImportReport(
        source=read.source, file_format=read.format, rows_read=read.rows_read,
        stored=outcome.stored, already_stored=outcome.already_stored,
        rejected=sorted([*read.rejected, *rejected], key=lambda p: (p.row or 0, p.column or "")),
        warnings=list(read.warnings) + _gps_warnings(read.source, new, look_m, flag_m),
        gps=gps, plan_ids=tuple(sorted(set(new["plan_id"]))), import_id=outcome.import_id)


def _gps_per_plan(records: pd.DataFrame, stops: pd.DataFrame, look_m: float, flag_m: float
                  ) -> pd.DataFrame:
    """Check the points plan by plan (stop ids repeat between plans)."""
    parts = [check_gps(group, stops[stops["plan_id"] == plan], look_m=look_m, flag_m=flag_m)
             for plan, group in records.groupby("plan_id", sort=False)]
    return pd.concat(parts) if parts else check_gps(records, stops.iloc[:0], look_m=look_m,
                                                    flag_m=flag_m)


def _gps_warnings(source: str, records: pd.DataFrame, look_m: float, flag_m: float
                  ) -> list[Problem]:
    """One warning per submission whose point is far from its stop."""
    far = records[records["gps_status"].isin(["look", "flagged"])]
    return [Problem(
        source, int(row.source_row), "lokasi", f"{row.gps_distance_m:,.0f} m",
        (f"the point is {row.gps_distance_m:,.0f} m from stop {row.stop_id}: "
         + (f"flagged (more than {flag_m:g} m)" if row.gps_status == "flagged"
            else f"to look at ({look_m:g}-{flag_m:g} m)")),
        "ask the team whether the visit was made at this stop; the submission is stored "
        "and counted, marked in the report", severity="warning")
        for row in far.itertuples(index=False)]


def require_store_plan(store: Store, plan_id: str) -> None:
    """
    Refuse a plan id the store does not hold.

    Parameters
    ----------
    store
        The open store.
    plan_id
        The plan asked for.

    Raises
    ------
    InputError
        Naming the plan and how to find the stored ones.
    """
    if plan_stops(store, [plan_id]).empty:
        raise InputError(Problem("parameters", None, "plan", plan_id,
                                 "this plan is not in the store",
                                 "list the stored plans with 'geo-outreach outcomes plans'"))
