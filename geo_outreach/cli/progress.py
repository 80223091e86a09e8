"""
The ``progress`` command: coverage month by month from the progress store.

It also gives the pace needed to reach the target.

``geo-outreach progress --out DIR`` writes, per village, office, kapanewon, kabupaten and
the whole area, coverage by month, the change, the pace, the participants still needed and
per month until the target month, the projection at the current pace and whether that is
on track; as CSV and XLSX, with the numbers in ``run.json``, a map with a month slider and
a trend layer, a chart per office and one small map per month.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from geo_outreach._errors import InputError, Problem
from geo_outreach.analysis.progress_run import run_progress, store_notes
from geo_outreach.analysis.progress_scope import narrowed_report
from geo_outreach.cli.options import (
    add_analysis_options,
    add_database_option,
    add_force_option,
    add_place_options,
    analysis_params,
    output_policy,
    print_warnings,
)
from geo_outreach.config import PARAMETERS, ColumnMapping
from geo_outreach.inputs.bundled import DEMO_LABEL
from geo_outreach.inputs.prepare import InputPaths, prepare_inputs
from geo_outreach.publish.outputs import staged_outputs
from geo_outreach.publish.progress_outputs import write_progress_tables
from geo_outreach.store.database import open_store
from geo_outreach.store.demo import open_demo_store
from geo_outreach.store.months import check_month
from geo_outreach.store.snapshots import monthly_series, stored_months

if TYPE_CHECKING:
    import argparse

    from geo_outreach.analysis.progress import ProgressReport


def add_progress_command(commands: argparse._SubParsersAction) -> None:
    """
    Add ``progress``.

    Parameters
    ----------
    commands
        The main parser's subcommands.
    """
    progress = commands.add_parser("progress", help="coverage by month from the progress "
                                   "store, the pace and what is still needed for the target")
    scope = progress.add_mutually_exclusive_group()
    scope.add_argument("--office", metavar="ID", help="only this office's radius, e.g. KC-YGY")
    scope.add_argument("--regency", metavar="NAME",
                       help="only this kabupaten/kota, e.g. Sleman or 'Kota Yogyakarta'")
    progress.add_argument("--until", metavar="YYYY-MM",
                          help="the target month (default: December of the latest month's "
                               "year)")
    progress.add_argument("--out", type=Path, required=True, metavar="DIR",
                          help="output folder")
    progress.add_argument("--demo", action="store_true",
                          help="use the DEMO months January–October 2024 (synthetic) instead "
                               "of the store")
    progress.add_argument("--lang", choices=("id", "en"), default="id",
                          help="language of the workbook, map and charts (default id)")
    add_place_options(progress)
    add_analysis_options(progress)
    add_database_option(progress)
    add_force_option(progress)


def run_progress_command(args: argparse.Namespace) -> int:
    """
    Run ``progress``.

    Parameters
    ----------
    args
        Parsed arguments.

    Returns
    -------
    int
        The exit code.
    """
    params = analysis_params(args)
    until = None if args.until is None else _target_month(args.until)
    store = open_demo_store() if args.demo else open_store(args.database)
    try:
        series, imports = monthly_series(store), stored_months(store)
        where = store.shown_url
    finally:
        store.close()
    places = prepare_inputs(InputPaths(
        boundaries=args.boundaries, offices=args.offices,
        boundary_columns=ColumnMapping.parse(args.boundary_columns),
        office_columns=ColumnMapping.parse(args.office_columns)),
        radius_km=params.radius_km, with_participation=False)
    if places.errors:
        raise InputError(places.errors)
    print_warnings(places.warnings)
    if until is not None and not series.empty and until < (latest := series["month"].max()):
        raise InputError(Problem(PARAMETERS, None, "--until", until,
                                 f"the target month has passed: the latest stored month is "
                                 f"{latest}", f"give a target month after {latest}, e.g. "
                                 f"{latest[:4]}-12"))
    report, result = run_progress(places, series, params, until=until)
    notes = store_notes(places, series, imports)
    for note in notes:
        print(f"note: {note}", file=sys.stderr)
    shown = narrowed_report(report, result.office_pieces, office=args.office,
                            regency=args.regency)
    scope = {"office": args.office, "regency": args.regency}
    # the map and chart stacks load only here, so the command line starts fast
    from geo_outreach.publish.progress_reports import write_progress_figures  # noqa: PLC0415

    with staged_outputs(args.out, output_policy(args)) as staging:
        write_progress_tables(shown, result, imports, staging, store=where, scope=scope,
                              lang=args.lang, notes=notes)
        write_progress_figures(shown, result, staging, lang=args.lang, regency=args.regency)
    print(_summary(shown, args.out))
    return 0


def _target_month(text: str) -> str:
    """Check ``--until``: written YYYY-MM (it may lie in the future)."""
    return check_month(text, source="--until", future=True)


def _track(on_track: object) -> str:
    """Say whether a unit is on track; with one month there is no pace to tell."""
    if pd.isna(on_track):
        return "too few months to tell the pace"
    return "on track" if bool(on_track) else "not on track"


def _shown(value: object, form: str) -> str:
    """Format a number for the terminal; ``n/a`` where there is none (one month: no pace)."""
    return "n/a" if pd.isna(value) else format(value, form)


def _summary(report: ProgressReport, out: Path) -> str:
    area = report.level("area").iloc[0]
    label = f"[{DEMO_LABEL}: synthetic monthly tables] " if report.is_demo else ""
    on_track = _track(area["on_track"])
    lines = [
        (f"{label}{len(report.months)} months {report.months[0]} to {report.months[-1]}; "
         f"target {report.settings.target:.0%} by {report.until}"),
        (f"whole area: coverage {_shown(area['coverage_latest'], '.1%')} "
         f"({_shown(area['change_pp'], '+.2f')} points since {report.months[0]}); pace "
         f"{_shown(area['pace_per_month'], ',.0f')} participants a month; still needed "
         f"{_shown(area['needed_by_target'], ',.0f')} "
         f"({_shown(area['needed_per_month'], ',.0f')} a month); "
         f"projected {_shown(area['projected_coverage'], '.1%')}: {on_track}"),
    ]
    for office in report.level("office").itertuples():
        state = _track(office.on_track)
        lines.append(f"  {office.unit_name}: coverage {_shown(office.coverage_latest, '.1%')}, "
                     f"needed {_shown(office.needed_per_month, ',.0f')} a month, {state}")
    lines.append(f"written to {out}")
    return "\n".join(lines)
