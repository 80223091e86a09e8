"""
The ``outcomes`` command: what the field teams bring back, into the store and into a report.

``outcomes import FILE`` stores an ODK Central or KoboToolbox export, or a typed-in paper
template, each submission once (checked against its plan, GPS checked); ``outcomes
report --out DIR`` writes the team-and-week report, the village and stop tables, the
field against the monthly snapshots, and the field map; ``outcomes plans`` lists the
plans kept in the store.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Final

from geo_outreach.cli import options
from geo_outreach.cli.options import add_database_option, add_force_option, output_policy
from geo_outreach.outcome_codes import GPS_FLAG_M, GPS_LOOK_M
from geo_outreach.store.database import open_store

if TYPE_CHECKING:
    import argparse

    from geo_outreach.field.outcome_import import OutcomeImportReport
    from geo_outreach.field.outcome_report import FieldReport

FIELD_MAP_FILE: Final = "peta_lapangan.html"
MAX_LISTED: Final = 25
"""How many rejected submissions the command prints (all are in --rejects FILE)."""


def add_outcomes_command(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """
    Add ``outcomes`` with its ``import``, ``report`` and ``plans`` subcommands.

    Parameters
    ----------
    commands
        The main parser's subcommands.
    """
    outcomes = commands.add_parser(
        "outcomes", help="field outcomes: import what the teams bring back (ODK Central, "
                         "KoboToolbox, paper) and report per team and week")
    actions = outcomes.add_subparsers(dest="outcomes_command", required=True, metavar="ACTION")
    importing = actions.add_parser(
        "import", help="store a field export: ODK Central (CSV, ZIP, XLSX, GeoJSON), "
                       "KoboToolbox (CSV, XLSX, GeoJSON) or the paper template")
    importing.add_argument("file", type=Path, metavar="FILE", help="the export")
    importing.add_argument("--plan", metavar="ID",
                           help="the plan, for submissions that do not name one")
    importing.add_argument("--by", metavar="NAME",
                           help="who imports, for the record (default: user@host)")
    importing.add_argument("--gps-look-m", type=float, default=GPS_LOOK_M, metavar="METRES",
                           help=f"a point farther than this from its stop is marked for a "
                                f"look (default {GPS_LOOK_M:g})")
    importing.add_argument("--gps-flag-m", type=float, default=GPS_FLAG_M, metavar="METRES",
                           help=f"a point farther than this from its stop is flagged "
                                f"(default {GPS_FLAG_M:g})")
    importing.add_argument("--rejects", type=Path, metavar="FILE.csv",
                           help="also write every submission kept out, with the reason, here")
    add_database_option(importing)

    report = actions.add_parser("report", help="the field report per team and week, per "
                                "village and per stop, and the field map")
    report.add_argument("--office", metavar="ID", help="only this office, e.g. KC-YGY")
    report.add_argument("--plan", metavar="ID", help="only this plan's stops on the map")
    report.add_argument("--lang", choices=("id", "en"), default="id",
                        help="language of the workbook and map (default id)")
    report.add_argument("--out", type=Path, required=True, metavar="DIR", help="output folder")
    options.add_input_options(report)
    add_database_option(report)
    add_force_option(report)
    options.add_export_log_option(report)

    plans = actions.add_parser("plans", help="list the plans kept in the store")
    plans.add_argument("--office", metavar="ID", help="only this office")
    add_database_option(plans)


def _say(text: str) -> None:
    sys.stdout.write(text + "\n")


def _import_lines(report: OutcomeImportReport, where: str) -> list[str]:
    gps = ", ".join(f"{k} {v}" for k, v in sorted(report.gps.items())) or "none"
    lines = [(f"{report.source} ({report.file_format}): {report.rows_read} rows read; "
             f"{report.stored} submissions stored, {report.already_stored} already stored, "
             f"{len(report.rejected)} kept out; GPS: {gps}; in {where}")]
    lines += [f"kept out: {problem}" for problem in report.rejected[:MAX_LISTED]]
    if len(report.rejected) > MAX_LISTED:
        lines.append(f"... and {len(report.rejected) - MAX_LISTED} more (see --rejects FILE)")
    if report.rejected:
        lines.append("fix the rows kept out and import the file again: what is stored "
                     "already is not stored twice")
    return lines


def _run_import(args: argparse.Namespace) -> int:
    from geo_outreach.field.outcome_import import import_outcomes  # noqa: PLC0415
    from geo_outreach.publish.outputs import OutputPolicy  # noqa: PLC0415
    from geo_outreach.store.snapshots import default_importer  # noqa: PLC0415

    if args.rejects is not None:
        OutputPolicy().check([args.rejects])
    store = open_store(args.database)
    try:
        report = import_outcomes(store, args.file, imported_by=args.by or default_importer(),
                                 plan_id=args.plan, look_m=args.gps_look_m,
                                 flag_m=args.gps_flag_m)
        where = store.shown_url
    finally:
        store.close()
    options.print_warnings(report.warnings)
    for line in _import_lines(report, where):
        _say(line)
    if args.rejects is not None:
        _write_rejects(report, args.rejects)
    return 0


def _write_rejects(report: OutcomeImportReport, path: Path) -> None:
    from geo_outreach.atomic import atomic_write  # noqa: PLC0415
    from geo_outreach.spreadsheet import write_csv  # noqa: PLC0415

    table = options.problems_table(report.rejected)
    atomic_write(path, lambda p: write_csv(table, p, encoding="utf-8-sig"))
    _say(f"wrote {len(table)} submissions kept out to {path}")


def _run_report(args: argparse.Namespace) -> int:
    from geo_outreach.field.outcome_report import field_report  # noqa: PLC0415
    from geo_outreach.publish.export_log import log_shared_file  # noqa: PLC0415
    from geo_outreach.publish.field_outputs import FIELD_FILES, write_field_report  # noqa: PLC0415
    from geo_outreach.publish.outputs import staged_outputs  # noqa: PLC0415
    from geo_outreach.render import maps  # noqa: PLC0415
    from geo_outreach.render.field_map import field_map  # noqa: PLC0415

    policy = output_policy(args)
    policy.check(args.out / name for name in (*FIELD_FILES.values(), FIELD_MAP_FILE))
    store = open_store(args.database)
    try:
        report = field_report(store, office_id=args.office, plan_id=args.plan)
    finally:
        store.close()
    if report.is_empty:
        _say("no plan is kept in the store yet: make one with 'geo-outreach routes'")
        return 0
    args.no_field_outcomes = False
    result, _ = options.analyse_from_args(args)
    fmap = field_map(result, report, lang=args.lang)
    with staged_outputs(args.out, policy) as staging:
        written = write_field_report(report, staging, lang=args.lang)
        written.append(maps.save_map(fmap, staging / FIELD_MAP_FILE))
    for name in (path.name for path in written):  # the stops' points may leave with them
        log_shared_file(result, args.out / name, regency=None, via="cli outcomes report",
                        log_file=args.export_log)
    _print_report(report)
    _say(f"wrote {len(written)} files to {args.out}")
    return 0


def _print_report(report: FieldReport) -> None:
    weeks = report.team_weeks
    if weeks.empty:
        _say("no outcome imported yet: geo-outreach outcomes import FILE")
        return
    shown = weeks[["week", "team", "households_visited", "registered_households",
                   "workers_registered", "registered_share", "field_min", "planned_min",
                   "gps_flagged"]].copy()
    shown["registered_share"] = (shown["registered_share"] * 100).round(1)
    shown[["field_min", "planned_min"]] = shown[["field_min", "planned_min"]].round(0)
    shown = shown.rename(columns={"households_visited": "visited",
                                  "registered_households": "registered",
                                  "workers_registered": "workers",
                                  "registered_share": "share_%"})
    _say(shown.to_string(index=False))


def _run_plans(args: argparse.Namespace) -> int:
    from geo_outreach.store.field_records import stored_plans  # noqa: PLC0415

    store = open_store(args.database)
    try:
        plans = stored_plans(store, office_id=args.office)
    finally:
        store.close()
    if plans.empty:
        _say("no plan is kept in the store yet: make one with 'geo-outreach routes'")
        return 0
    plans["created_at"] = plans["created_at"].dt.strftime("%Y-%m-%d %H:%M UTC")
    _say(plans[["plan_id", "office_id", "start_date", "teams", "days", "created_by",
                "created_at", "is_demo"]].to_string(index=False))
    return 0


def run_outcomes(args: argparse.Namespace) -> int:
    """
    Run ``outcomes import``, ``outcomes report`` or ``outcomes plans``.

    Parameters
    ----------
    args
        Parsed arguments.

    Returns
    -------
    int
        The exit code: 0 (errors raise, and :func:`geo_outreach.cli.main` reports them).
    """
    runs = {"import": _run_import, "report": _run_report, "plans": _run_plans}
    return runs[args.outcomes_command](args)
