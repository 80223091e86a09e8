"""
The ``geo-outreach routes`` command: one day of canvassing routes for an office's teams.

Wired into :mod:`geo_outreach.cli` with :func:`add_routes_command` (the parser) and
:func:`run_routes` (the command). It runs the analysis as ``analyze`` does (same input
options), loads a road network (bundled Kota Yogyakarta, a file given with ``--roads``, or
a download with ``--download-roads``), plans the routes and writes the walk sheets, GPX
tracks and summaries into ``--out``.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Final

import geopandas as gpd
import shapely

from geo_outreach._errors import InputError, Problem
from geo_outreach.cli import options
from geo_outreach.cli.options import (
    add_force_option,
    add_input_options,
    output_policy,
    print_warnings,
)
from geo_outreach.field.plan import DEFAULT_SPEED_KMH, TRAVEL_MODES
from geo_outreach.field.routes import plan_routes
from geo_outreach.field.stop_files import cell_stops, lat_lon, read_stops
from geo_outreach.publish.outputs import staged_outputs

if TYPE_CHECKING:
    import argparse

    from geo_outreach.analysis.result import AnalysisResult
    from geo_outreach.roads.model import RoadNetwork

ROUTE_MAP_FILE: Final = "peta_rute.html"
"""The map of the day's routes, written beside the walk sheets."""
DOWNLOAD_MARGIN_KM: Final = 1.5
"""A downloaded network reaches this far beyond the office's radius."""


def _cap(text: str) -> int | None:
    """Parse the households cap: a whole number, 0 meaning no cap."""
    value = int(text)
    return None if value == 0 else value


def add_routes_command(
    commands: argparse._SubParsersAction,  # type: ignore[type-arg]
) -> argparse.ArgumentParser:
    """
    Add the ``routes`` command to the ``geo-outreach`` parser.

    Parameters
    ----------
    commands
        The parser's subparsers (``parser.add_subparsers(...)``).

    Returns
    -------
    argparse.ArgumentParser
        The ``routes`` parser.
    """
    routes = commands.add_parser(
        "routes", help="plan one day of canvassing routes for an office's field teams: "
                       "walk sheets (CSV, XLSX, HTML) and GPX tracks")
    add_input_options(routes)
    teams = routes.add_argument_group("teams")
    teams.add_argument("--office", required=True, metavar="ID",
                       help="the office whose teams go out, e.g. KC-YGY")
    teams.add_argument("--teams", type=int, default=2, help="number of teams (default 2)")
    teams.add_argument("--hours", type=float, default=6.0,
                       help="each team's daily time budget in hours (default 6)")
    teams.add_argument("--mode", choices=TRAVEL_MODES, default="walk",
                       help=f"walk ({DEFAULT_SPEED_KMH['walk']:g} km/h) or motorbike "
                            f"({DEFAULT_SPEED_KMH['motorbike']:g} km/h); default walk")
    teams.add_argument("--speed-kmh", type=float, help="travel speed instead of the mode's")
    teams.add_argument("--minutes-per-household", type=float, default=3.0,
                       help="visiting time per household (default 3)")
    teams.add_argument("--max-households-per-stop", type=_cap, default=40, metavar="N",
                       help="households visited at one stop in a day (default 40; 0: no cap)")
    teams.add_argument("--start", type=lat_lon, metavar="LAT,LON",
                       help="where the teams start (default: the office)")
    teams.add_argument("--end", type=lat_lon, metavar="LAT,LON",
                       help="where the teams end (default: the start)")
    teams.add_argument("--time-limit", type=float, default=10.0, metavar="SECONDS",
                       help="how long the route solver searches (default 10)")
    stops = routes.add_argument_group("stops (default: the top villages in the radius)")
    stops.add_argument("--top", type=int, default=30,
                       help="how many villages, most uncovered workers first (default 30)")
    stops.add_argument("--villages", metavar="CODES",
                       help="your own selection: village codes, comma-separated")
    stops.add_argument("--stops", type=Path, metavar="FILE",
                       help="your own stops (e.g. H3 cells): a point file, or CSV with lat, "
                            "lon; columns stop_id, label, village, households")
    stops.add_argument("--workers-per-household", type=float, default=1.0,
                       help="uncovered workers per household visit (default 1)")
    roads = routes.add_argument_group("road network (default: bundled Kota Yogyakarta)")
    source = roads.add_mutually_exclusive_group()
    source.add_argument("--roads", type=Path, metavar="FILE",
                        help=".osm, .osm.pbf, .graphml or a road line layer "
                             "(GeoJSON, GPKG, Shapefile)")
    source.add_argument("--download-roads", action="store_true",
                        help="download the OpenStreetMap drive network around the office "
                             "(needs internet; kept on disk for next time)")
    routes.add_argument("--lang", choices=("id", "en"), default="id",
                        help="language of the walk sheets (default id: Bahasa Indonesia)")
    routes.add_argument("--out", type=Path, required=True, metavar="DIR",
                        help="output folder")
    add_force_option(routes)
    return routes


def _network(args: argparse.Namespace, result: AnalysisResult) -> RoadNetwork:
    from geo_outreach.roads import networks as roads  # noqa: PLC0415 - loads the network stack on demand

    if args.roads is not None:
        return roads.load_network(args.roads)
    if args.download_roads:
        ids = result.discs["office_id"].astype(str)
        discs = result.discs[ids == args.office]
        if discs.empty:
            raise InputError(Problem("offices", None, "office_id", args.office,
                                     "unknown office", f"use one of: {', '.join(ids)}"))
        area = discs.to_crs(result.metric_crs).geometry.iloc[0].buffer(
            DOWNLOAD_MARGIN_KM * 1000)
        area_4326 = gpd.GeoSeries([area], crs=result.metric_crs).to_crs("EPSG:4326").iloc[0]
        return roads.download_network(shapely.simplify(area_4326, 1e-4))
    return roads.bundled_network()


def _say(text: str) -> None:
    """Print one line of the command's report."""
    sys.stdout.write(text + "\n")


def run_routes(args: argparse.Namespace) -> int:
    """
    Run ``geo-outreach routes``.

    Parameters
    ----------
    args
        Parsed arguments of the ``routes`` command.

    Returns
    -------
    int
        0 on success (errors raise :class:`~geo_outreach._errors.GeoOutreachError`,
        which :func:`geo_outreach.cli.main` turns into one line and exit code 1).
    """
    from geo_outreach.field.walksheets import output_names, write_route_outputs  # noqa: PLC0415
    from geo_outreach.render import maps  # noqa: PLC0415
    from geo_outreach.render.route_layers import route_layers  # noqa: PLC0415

    policy = output_policy(args)
    policy.check(args.out / name for name in (*output_names(args.teams), ROUTE_MAP_FILE))
    result, _ = options.analyse_from_args(args)
    print_warnings(result.problems)
    network = _network(args, result)
    stops = read_stops(args.stops) if args.stops is not None else None
    if stops is None and not args.villages and result.household_cells is not None:
        stops = cell_stops(result, args.office)
    codes = ([code.strip() for code in args.villages.split(",") if code.strip()]
             if args.villages else None)
    plan = plan_routes(
        result, network, office_id=args.office, teams=args.teams, hours=args.hours,
        mode=args.mode, stops=stops, codes=codes, top=args.top,
        workers_per_household=args.workers_per_household, speed_kmh=args.speed_kmh,
        minutes_per_household=args.minutes_per_household,
        max_households_per_stop=args.max_households_per_stop, start=args.start, end=args.end,
        time_limit_s=args.time_limit)
    disc = result.discs[result.discs["office_id"].astype(str) == args.office]
    route_map = maps.coverage_map(
        result, lang=args.lang, extra_layers=route_layers(plan, lang=args.lang),
        focus=tuple(disc.total_bounds) if len(disc) else None)
    with staged_outputs(args.out, policy) as staging:
        written = write_route_outputs(plan, staging, lang=args.lang)
        written.append(maps.save_map(route_map, staging / ROUTE_MAP_FILE))
    label = "[DEMO: synthetic participation data] " if plan.is_demo else ""
    _say(f"{label}{plan.office_name}: {args.teams} team(s), {args.hours:g} h, {args.mode}; "
         f"roads: {network.describe()}")
    for route in plan.routes:
        _say(f"  team {route.team}: {len(route.stops)} stops, {route.households} households, "
             f"{route.distance_km:.1f} km, {route.total_min:.0f} of "
             f"{args.hours * 60:.0f} min")
    if len(plan.unserved):
        _say(f"  not served: {len(plan.unserved)} stop(s), "
             f"{int(plan.unserved['households_visit'].sum())} households "
             "(see titik_tidak_terlayani.csv)")
    if network.attribution:
        _say(f"  {network.attribution}")
    _say(f"wrote {len(written)} files to {args.out}")
    return 0
