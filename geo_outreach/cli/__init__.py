"""
The ``geo-outreach`` command line: the same pipeline as the app, for scripts and schedulers.

Commands: ``analyze`` (all tables), ``map`` (an interactive HTML map), ``validate`` (the
validation and match report only). With no input flags they run on the bundled DIY data.
Exit codes: 0 success, 1 a problem in the inputs or outputs, 2 wrong usage.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from geo_outreach import __version__
from geo_outreach._errors import GeoOutreachError, InputError, Problem
from geo_outreach.analysis.household_cells import household_table
from geo_outreach.analysis.household_reach import HouseholdInputs, prepare_households
from geo_outreach.analysis.households import DEFAULT_H3_RESOLUTION, HouseholdParams
from geo_outreach.analysis.pipeline import InputPaths, PreparedInputs, analyse, prepare_inputs
from geo_outreach.cli.routes import add_routes_command, run_routes
from geo_outreach.cli.share import add_share_command, run_share
from geo_outreach.config import AnalysisParams, ColumnMapping
from geo_outreach.inputs.bundled import DEMO_LABEL
from geo_outreach.inputs.schema import DENOMINATOR_LABELS, DENOMINATORS
from geo_outreach.privacy import DEFAULT_K
from geo_outreach.publish.export import HOUSEHOLD_OUTPUT_FILES, OUTPUT_FILES, write_outputs
from geo_outreach.publish.export_log import ENV_VAR, default_log_file, log_shared_file
from geo_outreach.publish.outputs import OutputPolicy, staged_outputs
from geo_outreach.render import map_data

if TYPE_CHECKING:
    from collections.abc import Sequence

    from geo_outreach.analysis.result import AnalysisResult


def _add_input_options(parser: argparse.ArgumentParser) -> None:
    inputs = parser.add_argument_group("inputs (default: the bundled DIY data)")
    inputs.add_argument("--boundaries", type=Path, metavar="FILE",
                        help="village polygons: GeoJSON, GeoPackage, Shapefile (.shp or .zip) "
                             "or GeoParquet, any CRS")
    inputs.add_argument("--participation", type=Path, metavar="FILE",
                        help="participation per village: CSV or XLSX")
    inputs.add_argument("--offices", type=Path, metavar="FILE",
                        help="offices: CSV/XLSX (name, office_type, lat, lon) or a point file")
    inputs.add_argument("--boundary-columns", metavar="MAP",
                        help="your headers for the boundary columns, "
                             "e.g. code=KDEPUM,name=NAMOBJ,district=WADMKC,regency=WADMKK")
    inputs.add_argument("--participation-columns", metavar="MAP",
                        help="your headers for the participation columns, "
                             "e.g. code=KODE,labour_force=AK,participants=PESERTA")
    inputs.add_argument("--office-columns", metavar="MAP",
                        help="your headers for the office columns, e.g. lat=LINTANG,lon=BUJUR")
    points = parser.add_argument_group("household points (exact counts instead of area shares)")
    points.add_argument("--households", metavar="FILE",
                        help="one row per household: CSV, Parquet/GeoParquet or GeoPackage "
                             "with id, lat, lon (or a geometry), workers, registered; "
                             "'demo' for the synthetic DEMO layer")
    points.add_argument("--household-columns", metavar="MAP",
                        help="your headers for the household columns, "
                             "e.g. id=NO_KK,workers=ART_BEKERJA,registered=STATUS_BPJS")
    points.add_argument("--h3-resolution", type=int, default=DEFAULT_H3_RESOLUTION,
                        help=f"H3 resolution of the hotspot cells "
                             f"(default {DEFAULT_H3_RESOLUTION})")
    points.add_argument("--min-cell-households", type=int, default=DEFAULT_K, metavar="K",
                        help=f"suppress cells with fewer households in shared outputs "
                             f"(default {DEFAULT_K})")
    points.add_argument("--dask-scheduler", nargs="?", const="local", metavar="ADDRESS",
                        help="classify the households on a Dask cluster (tcp://host:8786); "
                             "without an address, on a local cluster")
    analysis = parser.add_argument_group("analysis")
    analysis.add_argument("--radius-km", type=float, default=5.0,
                          help="radius around each office in km (default 5)")
    analysis.add_argument("--target", type=float, default=0.40,
                          help="coverage target as a fraction (default 0.40)")
    analysis.add_argument("--denominator", choices=DENOMINATORS, default="labour_force",
                          help="what coverage is measured against (default labour_force)")


HOUSEHOLD_DETAILS_FILE = "households_classified.parquet"
"""What ``analyze --household-details`` adds: one pseudonymised row per household."""

INPUT_OPTIONS = ("boundaries", "participation", "offices", "households", "roads", "stops")
"""The options that name input files: what ``--force`` never lets a command replace."""


def _add_force_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--force", action="store_true",
                        help="replace output files that already exist (input files are "
                             "never replaced)")


def _output_policy(args: argparse.Namespace) -> OutputPolicy:
    """Allow replacing existing outputs only with ``--force``, and never the inputs."""
    inputs = [Path(value) for option in INPUT_OPTIONS
              if (value := getattr(args, option, None)) and Path(value).is_file()]
    return OutputPolicy(overwrite=getattr(args, "force", False), inputs=tuple(inputs))


def build_parser() -> argparse.ArgumentParser:
    """Build the argument parser with its three commands."""
    parser = argparse.ArgumentParser(
        prog="geo-outreach",
        description="Where BPJS Ketenagakerjaan outreach falls short: coverage per village, "
                    "the 5 km rule around each office, and priority villages.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    analyze = commands.add_parser("analyze", help="write villages, offices, priority and "
                                  "match-report tables and a run manifest")
    _add_input_options(analyze)
    analyze.add_argument("--out", type=Path, required=True, metavar="DIR",
                         help="output folder")
    _add_force_option(analyze)
    _add_road_option(analyze)
    analyze.add_argument("--household-details", action="store_true",
                         help=f"also write {HOUSEHOLD_DETAILS_FILE}: one pseudonymised "
                              "row per household (no ids, no coordinates) for local analysis; "
                              "not for sharing")

    map_command = commands.add_parser("map", help="write an interactive HTML coverage map")
    _add_input_options(map_command)
    map_command.add_argument("--regency", metavar="NAME",
                             help="only this kabupaten/kota, e.g. Sleman or 'Kota Yogyakarta'")
    map_command.add_argument("--lang", choices=("id", "en"), default="id",
                             help="map language (default id: Bahasa Indonesia)")
    map_command.add_argument("--out", type=Path, required=True, metavar="FILE.html")
    _add_force_option(map_command)
    _add_road_option(map_command)
    _add_export_log_option(map_command)

    add_routes_command(commands)
    add_share_command(commands)

    validate = commands.add_parser("validate", help="check the inputs and report every problem "
                                   "and how each participation row was matched")
    _add_input_options(validate)
    validate.add_argument("--out", type=Path, metavar="DIR",
                          help="also write problems.csv and match_report.csv here")
    _add_force_option(validate)
    return parser


def _add_road_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--roads", metavar="FILE",
                        help="also measure the radius along roads: .osm, .osm.pbf, .graphml or "
                             "a road line layer (GeoJSON, GPKG, Shapefile); 'bundled' for the "
                             "bundled Kota Yogyakarta network (© OpenStreetMap contributors)")


def _add_export_log_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--export-log", type=Path, metavar="FILE",
                        help="append a line for each file written to this export log "
                             f"(default: ${ENV_VAR}, else {default_log_file()})")


def _with_roads(args: argparse.Namespace, result: AnalysisResult) -> AnalysisResult:
    """Add the road-distance measures when ``--roads`` was given."""
    if not getattr(args, "roads", None):
        return result
    from geo_outreach.roads import networks as roads  # noqa: PLC0415 - loads the network stack on demand
    from geo_outreach.roads.reach import road_reach, with_road_reach  # noqa: PLC0415

    network = (roads.bundled_network() if str(args.roads).lower() == "bundled"
               else roads.load_network(Path(args.roads)))
    return with_road_reach(result, road_reach(result, network))


def _paths(args: argparse.Namespace) -> InputPaths:
    return InputPaths(
        boundaries=args.boundaries,
        participation=args.participation,
        offices=args.offices,
        boundary_columns=ColumnMapping.parse(args.boundary_columns),
        participation_columns=ColumnMapping.parse(args.participation_columns),
        office_columns=ColumnMapping.parse(args.office_columns),
    )


def _params(args: argparse.Namespace) -> AnalysisParams:
    return AnalysisParams(radius_km=args.radius_km, target=args.target,
                          denominator=args.denominator)


def _print_warnings(problems: Sequence[Problem]) -> None:
    for problem in problems:
        print(f"warning: {problem}", file=sys.stderr)


def _summary(result: AnalysisResult) -> str:
    """Summarise a run in a few plain-text lines, for the terminal."""
    villages = result.villages
    denominator = DENOMINATOR_LABELS[result.params.denominator]["en"]
    label = f"[{DEMO_LABEL}: synthetic participation data] " if result.is_demo else ""
    summary = result.household_summary
    lines = [
        (f"{label}{len(villages)} villages, {int(villages['has_data'].sum())} with data; "
        f"coverage = participants / {denominator}; target {result.params.target:.0%}; "
        f"radius {result.params.radius_km:g} km"),
        (f"uncovered workers inside any radius: "
        f"{villages['uncovered_within_radius'].sum():,.0f}"),
    ]
    if summary is not None:
        demo = f" [{DEMO_LABEL}]" if result.households_demo else ""
        lines.insert(1, f"household points{demo}: {summary['rows_used']:,} of "
                        f"{summary['rows_read']:,} rows used, {summary['rows_rejected']:,} "
                        "set aside (households_rejects.csv); counts inside the radius are "
                        "exact where a village has points")
    for office in result.offices.itertuples():
        approximate = " (approximate location)" if office.approximate else ""
        coverage = ("n/a" if pd.isna(office.coverage_within_radius)
                    else f"{office.coverage_within_radius:.1%}")
        uncovered = (0 if pd.isna(office.uncovered_within_radius)
                     else office.uncovered_within_radius)
        lines.append(f"  {office.name}{approximate}: coverage {coverage}, "
                     f"uncovered within radius {uncovered:,.0f}")
    return "\n".join(lines)


def _problems_table(problems: Sequence[Problem]) -> pd.DataFrame:
    columns = ["severity", "file", "row", "column", "value", "message", "fix"]
    return pd.DataFrame([p.to_dict() for p in problems], columns=columns)


def _households(args: argparse.Namespace, prepared: PreparedInputs,
                params: AnalysisParams) -> HouseholdInputs | None:
    """Read and classify the household points, if any were asked for."""
    if not args.households:
        return None
    household_params = HouseholdParams(h3_resolution=args.h3_resolution,
                                       min_cell_households=args.min_cell_households)
    path = None if args.households.lower() == "demo" else Path(args.households)
    mapping = ColumnMapping.parse(args.household_columns)
    if args.dask_scheduler and path is not None:
        from geo_outreach.analysis.household_dask import prepare_households_dask  # noqa: PLC0415

        return prepare_households_dask(prepared, path, params=household_params, mapping=mapping,
                                       scheduler=args.dask_scheduler,
                                       radius_km=params.radius_km)
    return prepare_households(prepared, path, params=household_params, mapping=mapping,
                              radius_km=params.radius_km)


def _analysis(args: argparse.Namespace) -> tuple[AnalysisResult, HouseholdInputs | None]:
    """Prepare the inputs (refusing any with errors), then analyse."""
    params = _params(args)
    prepared = prepare_inputs(_paths(args), radius_km=params.radius_km)
    if prepared.errors:
        raise InputError(prepared.errors)
    households = _households(args, prepared, params)
    result = _with_roads(args, analyse(prepared, params, households=households))
    return result, households


def run_analyze(args: argparse.Namespace) -> int:
    """Run ``geo-outreach analyze``."""
    policy = _output_policy(args)
    names = [*OUTPUT_FILES, *(HOUSEHOLD_OUTPUT_FILES if args.households else ()),
             *([HOUSEHOLD_DETAILS_FILE] if args.household_details else [])]
    policy.check(args.out / name for name in names)  # before the work, not after
    result, households = _analysis(args)
    _print_warnings(result.problems)
    if households is not None:
        _print_warnings(households.classification.problems())
    with staged_outputs(args.out, policy) as staging:
        written = write_outputs(result, staging)
        if args.household_details and households is not None:
            table = household_table(households.classification, households.area)
            table.to_parquet(staging / HOUSEHOLD_DETAILS_FILE, index=False)
            written.append(staging / HOUSEHOLD_DETAILS_FILE)
    print(_summary(result))
    print(f"wrote {len(written)} files to {args.out}")
    return 0


def run_map(args: argparse.Namespace) -> int:
    """Run ``geo-outreach map``."""
    from geo_outreach.render import maps  # noqa: PLC0415 - folium is only needed for maps

    policy = _output_policy(args)
    policy.check([args.out])
    result, _ = _analysis(args)
    _print_warnings(result.problems)
    page = maps.coverage_map(result, regency=args.regency, lang=args.lang)
    with staged_outputs(args.out.parent, policy) as staging:
        maps.save_map(page, staging / args.out.name)
    log_shared_file(result, args.out, via="cli map", log_file=args.export_log,
                    regency=(map_data.resolve_regency(result, args.regency)
                             if args.regency else None))
    print(f"wrote {args.out}")
    return 0


def run_validate(args: argparse.Namespace) -> int:
    """Run ``geo-outreach validate``: exit 1 when any error-level problem is found."""
    prepared = prepare_inputs(_paths(args), radius_km=args.radius_km)
    for problem in prepared.problems:
        print(f"{problem.severity}: {problem}")
    report = prepared.match_report
    if not report.empty:
        counts = report["status"].value_counts().to_dict()
        print("match report: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    if args.out is not None:
        with staged_outputs(args.out, _output_policy(args)) as staging:
            _problems_table(prepared.problems).to_csv(staging / "problems.csv", index=False)
            report.to_csv(staging / "match_report.csv", index=False)
        print(f"wrote problems.csv and match_report.csv to {args.out}")
    errors, warnings = len(prepared.errors), len(prepared.warnings)
    print(f"{errors} error(s), {warnings} warning(s)")
    return 1 if errors else 0


def main(argv: Sequence[str] | None = None) -> int:
    """
    Run the command line.

    Parameters
    ----------
    argv
        Arguments without the program name; ``sys.argv[1:]`` when None.

    Returns
    -------
    int
        The exit code.
    """
    args = build_parser().parse_args(argv)
    commands = {"analyze": run_analyze, "map": run_map, "validate": run_validate,
                "routes": run_routes, "share": run_share}
    try:
        return commands[args.command](args)
    except GeoOutreachError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
