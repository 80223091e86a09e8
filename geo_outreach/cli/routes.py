"""
The ``geo-outreach routes`` command: an office's canvassing plan for its teams' working days.

Wired into :mod:`geo_outreach.cli` with :func:`add_routes_command` (the parser) and
:func:`run_routes` (the command). It runs the analysis as ``analyze`` does (same input
options), loads a road network (bundled Kota Yogyakarta, a file given with ``--roads``, or
a download with ``--download-roads``), plans the days (legs beyond the network are
estimated and labelled) and writes the walk sheets and GPX tracks per day and team, and
the summaries, into ``--out``.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Final

from geo_outreach.cli import options
from geo_outreach.cli.options import (
    add_force_option,
    add_input_options,
    output_policy,
    print_warnings,
)
from geo_outreach.field.field_history import REFUSAL_REST_DAYS, field_history
from geo_outreach.field.plan import (
    DEFAULT_DAYS,
    DEFAULT_SPEED_KMH,
    DEFAULT_VISIT_MINUTES,
    TRAVEL_MODES,
    UNSERVED_REASONS,
    first_working_day,
)
from geo_outreach.field.plan_store import record_plan
from geo_outreach.field.routes import plan_routes
from geo_outreach.field.stop_files import lat_lon, read_padukuhan, read_stops
from geo_outreach.field.vrp import DEFAULT_SOLVER, SOLVERS
from geo_outreach.publish.outputs import staged_outputs
from geo_outreach.store.database import open_store
from geo_outreach.store.months import today_in_yogyakarta
from geo_outreach.store.snapshots import default_importer

if TYPE_CHECKING:
    import argparse

    from geo_outreach.analysis.result import AnalysisResult
    from geo_outreach.field.plan import RoutePlan
    from geo_outreach.roads.model import RoadNetwork

ROUTE_MAP_FILE: Final = "peta_rute.html"
"""The map of the day's routes, written beside the walk sheets."""


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
        "routes", help="plan an office's canvassing for its field teams over working days: "
                       "walk sheets (CSV, XLSX, HTML) and GPX tracks per day and team")
    add_input_options(routes)
    teams = routes.add_argument_group("teams")
    teams.add_argument("--office", required=True, metavar="ID",
                       help="the office whose teams go out, e.g. KC-YGY")
    teams.add_argument("--teams", type=int, default=2, help="number of teams (default 2)")
    teams.add_argument("--days", type=int, default=DEFAULT_DAYS,
                       help=f"working days to plan, no stop twice (default {DEFAULT_DAYS})")
    teams.add_argument("--hours", type=float, default=6.0,
                       help="each team's daily time budget in hours (default 6)")
    teams.add_argument("--mode", choices=TRAVEL_MODES, default="walk",
                       help=f"walk ({DEFAULT_SPEED_KMH['walk']:g} km/h) or motorbike "
                            f"({DEFAULT_SPEED_KMH['motorbike']:g} km/h); default walk")
    teams.add_argument("--speed-kmh", type=float, help="travel speed instead of the mode's")
    teams.add_argument("--minutes-per-household", type=float, default=3.0,
                       help="visiting time per household (default 3)")
    teams.add_argument("--visit-minutes", type=float, metavar="MINUTES",
                       help="the longest sitting at one stop (default "
                            f"{DEFAULT_VISIT_MINUTES:g}, or the whole day if shorter): a stop "
                            "holds this many minutes of visits; a bigger village becomes "
                            "several stops")
    teams.add_argument("--start", type=lat_lon, metavar="LAT,LON",
                       help="where the teams start (default: the office)")
    teams.add_argument("--end", type=lat_lon, metavar="LAT,LON",
                       help="where the teams end (default: the start)")
    teams.add_argument("--time-limit", type=float, metavar="SECONDS",
                       help="how long the route solver searches (default: 1 s per 100 "
                            "stops, 2-10 s; VROOM usually ends sooner)")
    teams.add_argument("--solver", choices=sorted(SOLVERS), default=DEFAULT_SOLVER,
                       help=f"the routing solver (default {DEFAULT_SOLVER})")
    teams.add_argument("--start-date", type=options.iso_date, metavar="YYYY-MM-DD",
                       help="the date of day 1; the days are working days, Monday to Friday "
                            "(default: today in Yogyakarta, or the next Monday at a weekend)")
    field = routes.add_argument_group(
        "field outcomes (the plan is kept in the progress store; its form and paper sheets "
        "bring the outcomes back with 'geo-outreach outcomes import')")
    options.add_field_option(field, also="; the plan is then made without the store: "  # type: ignore[arg-type]
                             "not kept, no field form, refusals and come-backs not used")
    field.add_argument("--refusal-rest-days", type=int, default=REFUSAL_REST_DAYS,
                       metavar="DAYS",
                       help="a household that refused is not planned again for this many "
                            f"days (default {REFUSAL_REST_DAYS}); do-not-contact: never")
    field.add_argument("--by", metavar="NAME",
                       help="who makes the plan, for the record (default: user@host)")
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
    stops.add_argument("--padukuhan", type=Path, metavar="FILE",
                       help="padukuhan (hamlet) polygons: a big village's stops are placed "
                            "by padukuhan instead of by H3 cells")
    roads = routes.add_argument_group(
        "road network (default: bundled Kota Yogyakarta; legs beyond it are estimated as "
        "straight line x detour factor)")
    source = roads.add_mutually_exclusive_group()
    source.add_argument("--roads", metavar="FILE", help=options.ROADS_HELP)
    source.add_argument("--download-roads", action="store_true",
                        help="download the OpenStreetMap drive network around the office "
                             "(needs internet; kept on disk for next time)")
    options.add_road_attribution_option(roads)
    options.add_export_log_option(routes)
    routes.add_argument("--lang", choices=("id", "en"), default="id",
                        help="language of the walk sheets (default id: Bahasa Indonesia)")
    routes.add_argument("--out", type=Path, required=True, metavar="DIR",
                        help="output folder")
    add_force_option(routes)
    return routes


def _network(args: argparse.Namespace, result: AnalysisResult,
             given: RoadNetwork | None) -> RoadNetwork:
    """Choose the network to plan on: the one given with --roads, a download, or bundled."""
    from geo_outreach.roads import networks as roads  # noqa: PLC0415 - loads the network stack on demand

    if given is not None:
        return given
    if args.download_roads:
        from geo_outreach.roads.online import office_download_area  # noqa: PLC0415

        return roads.download_network(office_download_area(result, args.office))
    return roads.bundled_network()


def _say(text: str) -> None:
    """Print one line of the command's report."""
    sys.stdout.write(text + "\n")


def _report(plan: RoutePlan, network: RoadNetwork, args: argparse.Namespace) -> None:
    """Print the plan: per day and team, what is left over and how distances were measured."""
    label = "[DEMO: synthetic participation data] " if plan.is_demo else ""
    _say(f"{label}{plan.office_name}: {args.teams} team(s) x {args.days} day(s), "
         f"{args.hours:g} h a day, {args.mode}, stops of at most "
         f"{plan.settings.households_per_stop} households ({plan.settings.sitting_minutes:g} min); "
         f"roads: {network.describe()}")
    for route in plan.routes:
        estimated = (f", {route.estimated_km:.1f} km estimated" if route.is_estimated else "")
        _say(f"  day {route.day} team {route.team}: {len(route.stops)} stops, "
             f"{route.households} households, {route.distance_km:.1f} km{estimated}, "
             f"{route.total_min:.0f} of {args.hours * 60:.0f} min")
    _say(f"  all days: {plan.households} households at "
         f"{sum(len(route.stops) for route in plan.routes)} stops, {plan.distance_km:.1f} km "
         f"(solver {plan.solver}, {plan.solve_s:.1f} s)")
    for reason, rows in plan.unserved.groupby("reason", sort=False):
        _say(f"  not served: {len(rows)} stop(s), {int(rows['households_visit'].sum())} "
             f"households: {UNSERVED_REASONS[str(reason)]['en']} "
             "(see titik_tidak_terlayani.csv)")
    if plan.has_estimates:
        _say(f"  estimated legs (no road network): {plan.estimated_km:.1f} km as straight "
             f"line x {plan.detour_factor:.2f}, marked 'perkiraan, tanpa jaringan jalan' "
             "on the sheets; for road distances give --roads FILE (an OpenStreetMap extract "
             "of the area: .osm, .osm.pbf, Overpass JSON) or --download-roads (needs "
             "internet)")
    if network.attribution:
        _say(f"  {network.attribution}")


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
    from geo_outreach.field.xlsform import field_form_names, write_field_form  # noqa: PLC0415
    from geo_outreach.publish.export_log import log_shared_file  # noqa: PLC0415
    from geo_outreach.render import maps  # noqa: PLC0415
    from geo_outreach.render.route_map import route_map  # noqa: PLC0415

    policy = output_policy(args)
    policy.check(args.out / name for name in (*output_names(args.teams, args.days),
                                              ROUTE_MAP_FILE, *field_form_names()))
    start_date = args.start_date or first_working_day(today_in_yogyakarta())
    store = None if args.no_field_outcomes else open_store(args.database)
    given = options.road_network(args)  # read once: the analysis measures along it too
    result, _ = options.analyse_from_args(args, network=given)
    print_warnings(result.problems)
    network = _network(args, result, given)
    stops = read_stops(args.stops) if args.stops is not None else None
    padukuhan = read_padukuhan(args.padukuhan) if args.padukuhan is not None else None
    codes = ([code.strip() for code in args.villages.split(",") if code.strip()]
             if args.villages else None)
    history = None if store is None else field_history(
        store, args.office, on=start_date, refusal_rest_days=args.refusal_rest_days)
    plan = plan_routes(
        result, network, office_id=args.office, teams=args.teams, hours=args.hours,
        mode=args.mode, days=args.days, stops=stops, codes=codes, top=args.top,
        workers_per_household=args.workers_per_household, padukuhan=padukuhan,
        speed_kmh=args.speed_kmh, minutes_per_household=args.minutes_per_household,
        visit_minutes=args.visit_minutes, start=args.start, end=args.end,
        time_limit_s=args.time_limit, solver=args.solver, start_date=start_date,
        history=history)
    if store is not None:
        plan = record_plan(store, plan, result, created_by=args.by or default_importer())
        store.close()
    plan_map = route_map(result, plan, lang=args.lang)
    with staged_outputs(args.out, policy) as staging:
        written = write_route_outputs(plan, staging, lang=args.lang)
        written.append(maps.save_map(plan_map, staging / ROUTE_MAP_FILE))
        form_files, form_notes = write_field_form(plan, staging, lang=args.lang)
        written += form_files
    for name in (p.name for p in form_files):  # they go to the teams' phones and servers
        log_shared_file(result, args.out / name, regency=None, via="cli routes field form",
                        log_file=args.export_log)
    _report(plan, network, args)
    print_warnings(form_notes)
    if plan.plan_id:
        _say(f"  plan {plan.plan_id} kept in the progress store: import the teams' outcomes "
             "with 'geo-outreach outcomes import FILE'")
    _say(f"wrote {len(written)} files to {args.out}")
    return 0
