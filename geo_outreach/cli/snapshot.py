"""
The ``snapshot`` command: keep one participation table per month in the progress store.

``snapshot import --month 2024-10 FILE`` stores a month (read, checked and matched as
``analyze`` does); ``snapshot list`` shows the months stored (``--history`` every import,
``--log`` every attempt); ``snapshot demo`` loads the DEMO months January–October 2024.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from geo_outreach.cli.options import add_database_option, add_place_options, print_warnings
from geo_outreach.config import ColumnMapping
from geo_outreach.inputs.prepare import InputPaths
from geo_outreach.store.database import open_store
from geo_outreach.store.demo import load_demo_months
from geo_outreach.store.snapshot_files import checked_month, import_table
from geo_outreach.store.snapshots import import_attempts, import_history, stored_months

if TYPE_CHECKING:
    import argparse

    import pandas as pd

    from geo_outreach.store.database import Store
    from geo_outreach.store.snapshots import ImportOutcome

STATUS_TEXT = {"stored": "stored", "unchanged": "already stored, nothing changed",
               "replaced": "replaced (the earlier table stays in the history)"}


def add_snapshot_command(commands: argparse._SubParsersAction) -> None:
    """
    Add ``snapshot`` with its ``import``, ``list`` and ``demo`` subcommands.

    Parameters
    ----------
    commands
        The main parser's subcommands.
    """
    snapshot = commands.add_parser("snapshot", help="keep one participation table per month "
                                   "in the progress store")
    actions = snapshot.add_subparsers(dest="snapshot_command", required=True, metavar="ACTION")
    importing = actions.add_parser("import", help="store a month's participation table")
    importing.add_argument("file", type=Path, metavar="FILE",
                           help="the month's participation table (CSV or XLSX), as for analyze")
    importing.add_argument("--month", required=True, metavar="YYYY-MM",
                           help="the month the table describes, e.g. 2024-10")
    importing.add_argument("--replace", action="store_true",
                           help="replace the table already stored for this month (it stays "
                                "in the history)")
    importing.add_argument("--by", metavar="NAME",
                           help="who imports, for the record (default: user@host)")
    add_place_options(importing, offices=False)
    importing.add_argument("--participation-columns", metavar="MAP",
                           help="your headers for the participation columns, "
                                "e.g. code=KODE,labour_force=AK,participants=PESERTA")
    add_database_option(importing)

    listing = actions.add_parser("list", help="show the months stored")
    shown = listing.add_mutually_exclusive_group()
    shown.add_argument("--history", action="store_true",
                       help="every import, replaced ones included")
    shown.add_argument("--log", action="store_true",
                       help="every attempt to import: stored, replaced, unchanged or refused")
    add_database_option(listing)

    demo = actions.add_parser("demo", help="load the DEMO months January–October 2024 "
                              "(synthetic, labelled DEMO)")
    add_database_option(demo)


def run_snapshot(args: argparse.Namespace) -> int:
    """
    Run ``snapshot import``, ``snapshot list`` or ``snapshot demo``.

    Parameters
    ----------
    args
        Parsed arguments.

    Returns
    -------
    int
        The exit code.
    """
    paths = None
    if args.snapshot_command == "import":
        paths = InputPaths(boundaries=args.boundaries, participation=args.file,
                           boundary_columns=ColumnMapping.parse(args.boundary_columns),
                           participation_columns=ColumnMapping.parse(args.participation_columns))
        checked_month(args.month, paths)  # a wrong month is said before the database is opened
    store = open_store(args.database)
    try:
        if paths is not None:
            outcome, prepared = import_table(store, args.month, paths, replace=args.replace,
                                             imported_by=args.by)
            print_warnings(prepared.warnings)
            print(_outcome_line(outcome, store.shown_url))
        elif args.snapshot_command == "demo":
            for outcome in load_demo_months(store):
                print(_outcome_line(outcome, store.shown_url))
        elif args.log:
            _print_log(store)
        else:
            _print_months(store, history=args.history)
    finally:
        store.close()
    return 0


def _outcome_line(outcome: ImportOutcome, where: str) -> str:
    line = (f"{outcome.month}: {STATUS_TEXT[outcome.status]}: {outcome.villages} villages "
            f"(import {outcome.import_id}) in {where}")
    return "\n".join([line, *(f"note: {note}" for note in outcome.notes)])


def _when(frame: pd.DataFrame, column: str) -> pd.DataFrame:
    frame[column] = frame[column].dt.strftime("%Y-%m-%d %H:%M UTC")
    return frame


def _print_months(store: Store, *, history: bool) -> None:
    table = import_history(store) if history else stored_months(store)
    if table.empty:
        print("no month stored yet: geo-outreach snapshot import --month YYYY-MM FILE")
        return
    table = _when(table, "imported_at")
    table["sha256"] = table["file_sha256"].str[:12]
    columns = ["month", "file_name", "sha256", "villages", "imported_by", "imported_at",
               "is_demo"]
    if history:
        columns = ["id", *columns, "in_force", "replaced_by"]
    print(table[columns].to_string(index=False))


def _print_log(store: Store) -> None:
    table = import_attempts(store)
    if table.empty:
        print("no import attempted yet: geo-outreach snapshot import --month YYYY-MM FILE")
        return
    table = _when(table, "at")
    table["sha256"] = table["file_sha256"].str[:12]
    print(table[["at", "month", "outcome", "file_name", "sha256", "imported_by",
                 "import_id", "detail"]].to_string(index=False))
