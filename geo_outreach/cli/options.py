"""
What every command shares: the input, road, output and export-log options, and the analysis.

The command modules import this one; it imports no command.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Final

from sqlalchemy.engine import make_url

from geo_outreach._errors import InputError, Problem
from geo_outreach.analysis.household_reach import HouseholdInputs, prepare_households
from geo_outreach.analysis.households import DEFAULT_H3_RESOLUTION, HouseholdParams
from geo_outreach.analysis.pipeline import analyse
from geo_outreach.analysis.provisional import FieldCount, with_field_registrations
from geo_outreach.config import AnalysisParams, ColumnMapping
from geo_outreach.inputs.prepare import InputPaths, PreparedInputs, prepare_inputs
from geo_outreach.inputs.schema import DENOMINATORS
from geo_outreach.privacy import DEFAULT_K
from geo_outreach.publish.export_log import ENV_VAR, default_log_file
from geo_outreach.publish.outputs import OutputPolicy
from geo_outreach.store.database import open_store
from geo_outreach.store.location import DATABASE_ENV, database_url, default_database_path

if TYPE_CHECKING:
    from collections.abc import Sequence

    import pandas as pd

    from geo_outreach.analysis.result import AnalysisResult
    from geo_outreach.roads.model import RoadNetwork


def add_input_options(parser: argparse.ArgumentParser) -> None:
    """Add the input files, column mappings, household and analysis options."""
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
    inputs.add_argument("--sheet", metavar="NAME",
                        help="the participation workbook's sheet to read (default: every "
                             "sheet is looked at; the one whose header fits best is read)")
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
    add_analysis_options(parser)


def add_analysis_options(parser: argparse.ArgumentParser) -> None:
    """Add the radius, target and denominator (see :func:`analysis_params`)."""
    analysis = parser.add_argument_group("analysis")
    analysis.add_argument("--radius-km", type=float, default=5.0,
                          help="radius around each office in km (default 5)")
    analysis.add_argument("--target", type=float, default=0.40,
                          help="coverage target as a fraction (default 0.40)")
    analysis.add_argument("--denominator", choices=DENOMINATORS, default="labour_force",
                          help="what coverage is measured against (default labour_force)")


def add_place_options(parser: argparse.ArgumentParser, *, offices: bool = True) -> None:
    """Add the boundaries (and offices) with their column mappings, for the store's commands."""
    places = parser.add_argument_group("places (default: the bundled DIY data)")
    places.add_argument("--boundaries", type=Path, metavar="FILE",
                        help="village polygons the months are matched against")
    places.add_argument("--boundary-columns", metavar="MAP",
                        help="your headers for the boundary columns, "
                             "e.g. code=KDEPUM,name=NAMOBJ,district=WADMKC,regency=WADMKK")
    if offices:
        places.add_argument("--offices", type=Path, metavar="FILE",
                            help="offices: CSV/XLSX (name, office_type, lat, lon) or a point "
                                 "file")
        places.add_argument("--office-columns", metavar="MAP",
                            help="your headers for the office columns, e.g. lat=LINTANG")


HOUSEHOLD_DETAILS_FILE = "households_classified.parquet"
"""What ``analyze --household-details`` adds: one pseudonymised row per household."""

INPUT_OPTIONS = ("boundaries", "participation", "offices", "households", "roads", "stops")
"""The options that name input files: what ``--force`` never lets a command replace."""


def iso_date(text: str) -> date:
    """Parse ``YYYY-MM-DD`` for argparse (``--start-date``)."""
    try:
        return date.fromisoformat(text)
    except ValueError as err:
        msg = f"expected a date such as 2026-12-07, got {text!r}"
        raise argparse.ArgumentTypeError(msg) from err


def add_force_option(parser: argparse.ArgumentParser) -> None:
    """Add ``--force``: replace earlier outputs (never the inputs)."""
    parser.add_argument("--force", action="store_true",
                        help="replace output files that already exist (input files are "
                             "never replaced)")


def output_policy(args: argparse.Namespace) -> OutputPolicy:
    """Allow replacing existing outputs only with ``--force``, and never the inputs."""
    inputs = [Path(value) for option in INPUT_OPTIONS
              if (value := getattr(args, option, None)) and Path(value).is_file()]
    return OutputPolicy(overwrite=getattr(args, "force", False), inputs=tuple(inputs))


ROADS_HELP: Final = (".osm, .osm.pbf, .graphml, Overpass JSON (.json, as osmnx caches it) or "
                     "a road line layer (GeoJSON, GPKG, Shapefile, GeoParquet; e.g. an RBI "
                     "JALAN_LN_25K layer); 'bundled' for the bundled Kota Yogyakarta network "
                     "(© OpenStreetMap contributors)")
"""What ``--roads`` takes, in every command's help."""
ROADS_ATTRIBUTION_HELP: Final = (
    "the credit the road data must carry on every output, e.g. 'Dinas PU DIY, 2024'; "
    "default: what the file shows (© OpenStreetMap contributors for OSM files, © Badan "
    "Informasi Geospasial for an RBI road layer), else a line naming your file. "
    "OpenStreetMap data keeps its own credit too")
"""What ``--roads-attribution`` does, in every command's help."""


def add_road_option(parser: argparse.ArgumentParser) -> None:
    """Add ``--roads`` (also measure the radius along a road network) and its attribution."""
    parser.add_argument("--roads", metavar="FILE",
                        help=f"also measure the radius along roads: {ROADS_HELP}")
    add_road_attribution_option(parser)


def add_road_attribution_option(parser: argparse._ActionsContainer) -> None:
    """
    Add ``--roads-attribution TEXT``: the credit the user states for their road file.

    Parameters
    ----------
    parser
        A parser or an argument group (beside ``--roads``); the value lands in
        ``args.roads_attribution`` (None when not given).
    """
    parser.add_argument("--roads-attribution", metavar="TEXT", help=ROADS_ATTRIBUTION_HELP)


def road_network(args: argparse.Namespace) -> RoadNetwork | None:
    """
    Read the network named with ``--roads`` (with ``--roads-attribution``), if any.

    Parameters
    ----------
    args
        Parsed arguments with ``roads`` and, optionally, ``roads_attribution``.

    Returns
    -------
    RoadNetwork or None
        :func:`geo_outreach.roads.networks.network_from_option` of ``--roads``; None when
        ``--roads`` was not given.

    Raises
    ------
    InputError
        If ``--roads-attribution`` was given without ``--roads``, or the file is unusable.
    """
    value = getattr(args, "roads", None)
    attribution = getattr(args, "roads_attribution", None)
    if not value:
        if attribution:
            raise InputError(Problem("--roads-attribution", None, None, attribution,
                                     "a road attribution was given without a road network",
                                     "add --roads FILE (or --roads bundled), or leave "
                                     "--roads-attribution out"))
        return None
    from geo_outreach.roads import networks as roads  # noqa: PLC0415 - loads the network stack on demand

    return roads.network_from_option(value, attribution=attribution)


def add_database_option(parser: argparse.ArgumentParser) -> None:
    """Add ``--database URL``: the progress store (default: the user's SQLite file)."""
    parser.add_argument("--database", metavar="URL",
                        help="the progress store: sqlite:///FILE.db, a .db file, or "
                             "postgresql+psycopg://user@host/database (default: "
                             f"${DATABASE_ENV}, else {default_database_path()})")


def add_field_option(parser: argparse.ArgumentParser, *, also: str = "") -> None:
    """Add ``--no-field-outcomes`` (and ``--database``, where missing): field registrations.

    ``also``: what else the option leaves out in this command, for its help.
    """
    if "--database" not in parser._option_string_actions:  # noqa: SLF001 - argparse has no API
        add_database_option(parser)
    parser.add_argument("--no-field-outcomes", action="store_true",
                        help="leave out the registrations recorded in the field (by default "
                             "they count, marked provisional, until the next monthly "
                             f"snapshot shows them){also}")


def field_adjusted(args: argparse.Namespace, prepared: PreparedInputs
                   ) -> tuple[PreparedInputs, FieldCount | None]:
    """Count the store's field registrations into the inputs, unless the user said not to."""
    if getattr(args, "no_field_outcomes", True):
        return prepared, None
    url = database_url(args.database)
    path = make_url(url).database if make_url(url).get_backend_name() == "sqlite" else None
    if path is not None and not Path(path).exists():  # no store yet: nothing from the field
        return prepared, None
    store = open_store(url)
    try:
        return with_field_registrations(prepared, store)
    finally:
        store.close()


def print_field_count(count: FieldCount | None) -> None:
    """Say on stderr how many field registrations the numbers include."""
    if count is None or count.workers == 0:
        return
    since = (f"after the {count.after_month} snapshot" if count.after_month
             else "(no monthly snapshot stored)")
    sys.stderr.write(f"note: {count.workers:,} workers registered in the field {since}, in "
                     f"{count.villages} village(s), are counted as participants, marked "
                     "provisional (--no-field-outcomes leaves them out)\n")


def add_export_log_option(parser: argparse.ArgumentParser) -> None:
    """Add ``--export-log``: where every shared file is recorded."""
    parser.add_argument("--export-log", type=Path, metavar="FILE",
                        help="append a line for each file written to this export log "
                             f"(default: ${ENV_VAR}, else {default_log_file()})")


def with_roads(args: argparse.Namespace, result: AnalysisResult,
               households: HouseholdInputs | None = None, *,
               network: RoadNetwork | None = None) -> AnalysisResult:
    """Add the road-distance measures when ``--roads`` was given (household points by road).

    ``network``: the ``--roads`` network when the caller has read it already.
    """
    network = network if network is not None else road_network(args)
    if network is None:
        return result
    from geo_outreach.roads.reach import road_reach, with_road_reach  # noqa: PLC0415 - loads the network stack on demand

    return with_road_reach(result, road_reach(result, network, households=households))


def input_paths(args: argparse.Namespace) -> InputPaths:
    """Collect the input files and column mappings the user gave (None: the bundled data)."""
    return InputPaths(
        boundaries=args.boundaries,
        participation=args.participation,
        offices=args.offices,
        boundary_columns=ColumnMapping.parse(args.boundary_columns),
        participation_columns=ColumnMapping.parse(args.participation_columns),
        office_columns=ColumnMapping.parse(args.office_columns),
        participation_sheet=args.sheet,
    )


def analysis_params(args: argparse.Namespace) -> AnalysisParams:
    """Collect the radius, target and denominator the user chose."""
    return AnalysisParams(radius_km=args.radius_km, target=args.target,
                          denominator=args.denominator)


def problems_table(problems: Sequence[Problem]) -> pd.DataFrame:
    """Tabulate problems as problems.csv holds them: severity, file, row, column ... fix."""
    import pandas as pd  # noqa: PLC0415 - only for commands that write a table

    columns = ["severity", "file", "row", "column", "value", "message", "fix"]
    return pd.DataFrame([p.to_dict() for p in problems], columns=columns)


def print_warnings(problems: Sequence[Problem]) -> None:
    """Print each warning on standard error, one line each."""
    for problem in problems:
        print(f"warning: {problem}", file=sys.stderr)


def household_inputs(args: argparse.Namespace, prepared: PreparedInputs,
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


def analyse_from_args(args: argparse.Namespace, *, network: RoadNetwork | None = None,
                      ) -> tuple[AnalysisResult, HouseholdInputs | None]:
    """Prepare the inputs (refusing any with errors), then analyse.

    ``network``: the ``--roads`` network when the caller has read it already (it is then
    not read again).
    """
    params = analysis_params(args)
    prepared = prepare_inputs(input_paths(args), radius_km=params.radius_km)
    if prepared.errors:
        raise InputError(prepared.errors)
    prepared, field_count = field_adjusted(args, prepared)
    print_field_count(field_count)
    households = household_inputs(args, prepared, params)
    result = with_roads(args, analyse(prepared, params, households=households), households,
                        network=network)
    return result, households
