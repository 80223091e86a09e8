"""The ``analyze``, ``map`` and ``validate`` commands."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from geo_outreach.analysis.headline import headline
from geo_outreach.analysis.household_cells import household_table
from geo_outreach.cli import options
from geo_outreach.cli.options import (
    HOUSEHOLD_DETAILS_FILE,
    input_paths,
    output_policy,
    print_warnings,
)
from geo_outreach.inputs.bundled import DEMO_LABEL
from geo_outreach.inputs.prepare import prepare_inputs
from geo_outreach.inputs.schema import DENOMINATOR_LABELS
from geo_outreach.publish.export import HOUSEHOLD_OUTPUT_FILES, OUTPUT_FILES, write_outputs
from geo_outreach.publish.export_log import log_shared_file
from geo_outreach.publish.outputs import staged_outputs
from geo_outreach.spreadsheet import write_csv

if TYPE_CHECKING:
    import argparse

    from geo_outreach.analysis.result import AnalysisResult


def _summary(result: AnalysisResult) -> str:
    """Summarise a run in a few plain-text lines, for the terminal (the app's headline)."""
    figures = headline(result)
    table, register = figures.table, figures.register
    denominator = DENOMINATOR_LABELS[result.params.denominator]["en"]
    label = f"[{DEMO_LABEL}: synthetic participation data] " if result.is_demo else ""
    lines = [
        (f"{label}{table.villages} villages, {table.villages - table.villages_without_data} "
         f"with data; coverage = participants / {denominator}; target "
         f"{result.params.target:.0%}; radius {result.params.radius_km:g} km"),
        (f"participation table: uncovered workers inside any radius "
         f"{table.uncovered_within_radius:,.0f}; coverage inside "
         f"{_percent(table.coverage_within_radius)}; participants needed to reach the target "
         f"{table.workers_to_target_within_radius:,.0f}"),
    ]
    if table.clipped_villages:
        lines.append(f"  {table.clipped_villages} village(s) have more participants than "
                     f"{denominator}: their uncovered count is 0")
    if table.uncovered_within_road_radius is not None:
        lines.append(f"  along the roads: {table.uncovered_within_road_radius:,.0f} uncovered "
                     f"inside the radius; {table.villages_road_not_measured} village(s) "
                     "outside the road network not measured")
    summary = result.household_summary
    if summary is not None and register is not None:
        demo = f" [{DEMO_LABEL}]" if result.households_demo else ""
        lines.append(
            f"household register{demo}: {summary['rows_used']:,} of {summary['rows_read']:,} "
            f"rows used, {summary['rows_rejected']:,} set aside (households_rejects.csv); "
            f"inside any radius {register.households_within_radius:,} households, "
            f"{register.register_uncovered_workers_within_radius:,} unregistered workers; "
            f"the register holds {_percent(register.completeness)} of the {denominator}")
    for office in result.offices.itertuples():
        approximate = " (approximate location)" if office.approximate else ""
        uncovered = (0 if pd.isna(office.uncovered_within_radius)
                     else office.uncovered_within_radius)
        lines.append(f"  {office.name}{approximate}: coverage "
                     f"{_percent(office.coverage_within_radius)}, "
                     f"uncovered within radius {uncovered:,.0f}")
    return "\n".join(lines)


def _percent(share: float) -> str:
    return "n/a" if pd.isna(share) else f"{share:.1%}"


def run_analyze(args: argparse.Namespace) -> int:
    """Run ``geo-outreach analyze``."""
    policy = output_policy(args)
    names = [*OUTPUT_FILES, *(HOUSEHOLD_OUTPUT_FILES if args.households else ()),
             *([HOUSEHOLD_DETAILS_FILE] if args.household_details else [])]
    policy.check(args.out / name for name in names)  # before the work, not after
    result, households = options.analyse_from_args(args)
    print_warnings(result.problems)
    if households is not None:
        print_warnings(households.classification.problems())
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
    from geo_outreach.render import map_data, maps  # noqa: PLC0415 - folium only for maps

    policy = output_policy(args)
    policy.check([args.out])
    result, _ = options.analyse_from_args(args)
    print_warnings(result.problems)
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
    prepared = prepare_inputs(input_paths(args), radius_km=args.radius_km)
    for problem in prepared.problems:
        print(f"{problem.severity}: {problem}")
    report = prepared.match_report
    if not report.empty:
        counts = report["status"].value_counts().to_dict()
        print("match report: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    if args.out is not None:
        with staged_outputs(args.out, output_policy(args)) as staging:
            write_csv(options.problems_table(prepared.problems), staging / "problems.csv")
            write_csv(report, staging / "match_report.csv")
        print(f"wrote problems.csv and match_report.csv to {args.out}")
    errors, warnings = len(prepared.errors), len(prepared.warnings)
    print(f"{errors} error(s), {warnings} warning(s)")
    return 1 if errors else 0
