"""
The ``geo-outreach place`` command: where new service points reach the most uncovered workers.

A mobile unit's week can be planned beside them.

Wired into :mod:`geo_outreach.cli` with :func:`add_place_command` and :func:`run_place`. It
runs the analysis as ``analyze`` does (same input options), solves the covering model for
p = 1 … ``--new`` (:func:`geo_outreach.analysis.placement.place_sites`), optionally plans
the mobile unit's week (``--mobile-days``), and writes the tables, workbook, map and
``run.json`` into ``--out`` as one set.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from geo_outreach.cli import options
from geo_outreach.cli.options import add_force_option, add_input_options, output_policy
from geo_outreach.placement_defaults import (
    DEFAULT_CELL_RESOLUTION,
    DEFAULT_MOBILE_RADIUS_KM,
    DEFAULT_TIME_LIMIT_S,
)


def add_place_command(
    commands: argparse._SubParsersAction,  # type: ignore[type-arg]
) -> argparse.ArgumentParser:
    """
    Add the ``place`` command to the ``geo-outreach`` parser.

    Parameters
    ----------
    commands
        The parser's subparsers.

    Returns
    -------
    argparse.ArgumentParser
        The ``place`` parser.
    """
    place = commands.add_parser(
        "place", help="where new service points (KCP, a desk at the kalurahan hall) would "
                      "bring the most uncovered workers inside the radius; the gain of each "
                      "further site; optionally the mobile unit's week")
    add_input_options(place)
    model = place.add_argument_group("new sites (the existing offices stay and keep what "
                                     "they reach)")
    model.add_argument("--new", type=_positive_int, required=True, metavar="N",
                       help="the most new sites; the gain is reported for 1 ... N")
    model.add_argument("--candidates", default="villages", metavar="villages|cells|FILE",
                       help="where a site may stand: village centres (default), H3 cells, "
                            "or your points (kalurahan halls: CSV/XLSX with name, lat, lon, "
                            "as an office file)")
    model.add_argument("--cell-resolution", type=int, default=DEFAULT_CELL_RESOLUTION,
                       help=f"H3 resolution of cell candidates (default "
                            f"{DEFAULT_CELL_RESOLUTION}: 0.74 km² cells)")
    model.add_argument("--distance", choices=("straight", "road"), default="straight",
                       help="measure a new site's reach in a straight line (the 5 km rule, "
                            "default) or along the roads where the road network covers the "
                            "site (elsewhere straight, and labelled so)")
    model.add_argument("--source", choices=("table", "register"),
                       help="the uncovered workers from the participation table (default) "
                            "or the household register (needs --households)")
    model.add_argument("--capacity", type=float, metavar="WORKERS",
                       help="the most workers one site can serve in the period")
    model.add_argument("--regency", metavar="NAME",
                       help="new sites stand only in this kabupaten/kota, e.g. Sleman; the "
                            "workers they reach count wherever they live")
    model.add_argument("--time-limit", type=float, default=DEFAULT_TIME_LIMIT_S,
                       metavar="SECONDS",
                       help="the solver's limit per number of sites; it then returns its "
                            f"best sites with the proven gap (default {DEFAULT_TIME_LIMIT_S:g})")
    model.add_argument("--seed", type=int, default=0, help="the solver's random seed")
    mobile = place.add_argument_group("the mobile unit's week")
    mobile.add_argument("--mobile-days", type=_positive_int, metavar="D",
                        help="also plan D days for the mobile unit of --office")
    mobile.add_argument("--office", metavar="ID", help="the unit's office, e.g. KC-YGY")
    mobile.add_argument("--mobile-radius-km", type=float, default=DEFAULT_MOBILE_RADIUS_KM,
                        help=f"how far people come to the unit (default "
                             f"{DEFAULT_MOBILE_RADIUS_KM:g} km)")
    mobile.add_argument("--start-date", type=options.iso_date, metavar="YYYY-MM-DD",
                        help="the date of the unit's day 1 (default: today in Yogyakarta, or "
                             "the next Monday at a weekend)")
    place.add_argument("--roads", metavar="FILE",
                       help=f"the road network for --distance road and the unit's travel "
                            f"(default: bundled Kota Yogyakarta): {options.ROADS_HELP}")
    options.add_road_attribution_option(place)
    options.add_field_option(place)
    options.add_export_log_option(place)
    place.add_argument("--lang", choices=("id", "en"), default="id",
                       help="language of the workbook and map (default id)")
    place.add_argument("--out", type=Path, required=True, metavar="DIR", help="output folder")
    add_force_option(place)
    return place


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        msg = f"expected a whole number of at least 1, got {text}"
        raise argparse.ArgumentTypeError(msg)
    return value


def _say(text: str) -> None:
    sys.stdout.write(text + "\n")


def run_place(args: argparse.Namespace) -> int:
    """
    Run ``geo-outreach place``.

    Parameters
    ----------
    args
        Parsed arguments of the ``place`` command.

    Returns
    -------
    int
        0 on success (errors raise :class:`~geo_outreach._errors.GeoOutreachError`).
    """
    from geo_outreach._errors import InputError, Problem  # noqa: PLC0415
    from geo_outreach.analysis.placement import PlacementSettings, place_sites  # noqa: PLC0415
    from geo_outreach.publish.export_log import log_shared_file  # noqa: PLC0415
    from geo_outreach.publish.outputs import staged_outputs  # noqa: PLC0415
    from geo_outreach.publish.placement_outputs import (  # noqa: PLC0415
        PLACEMENT_FILES,
        write_placement,
    )
    from geo_outreach.render import maps  # noqa: PLC0415
    from geo_outreach.render.map_data import resolve_regency  # noqa: PLC0415

    policy = output_policy(args)
    policy.check(args.out / name for name in PLACEMENT_FILES.values())
    if args.mobile_days and not args.office:
        raise InputError(Problem("--mobile-days", None, None, str(args.mobile_days),
                                 "the mobile unit's week needs its office",
                                 "add --office ID, e.g. --office KC-YGY"))
    source = args.source or "table"
    if source == "register" and not args.households:
        raise InputError(Problem("--source", None, None, "register",
                                 "the register as the source needs household points",
                                 "add --households FILE (or --households demo)"))
    given = options.road_network(args)
    result, households = options.analyse_from_args(args, network=given)
    options.print_warnings(result.problems)
    regency = resolve_regency(result, args.regency) if args.regency else None
    network = given if given is not None or args.distance == "straight" else _bundled()
    coverage = None
    if args.distance == "road":
        from geo_outreach.roads.placement_roads import road_coverage  # noqa: PLC0415

        coverage = road_coverage(network, result.metric_crs)
    settings = PlacementSettings(new_sites=args.new, candidates=str(args.candidates),
                                 distance=args.distance, radius_km=args.radius_km,
                                 capacity=args.capacity, source=source, regency=regency,
                                 cell_resolution=args.cell_resolution,
                                 time_limit_s=args.time_limit, seed=args.seed)
    placement = place_sites(result, settings, households=households, coverage=coverage)
    week = _mobile_week(args, result, households, source, network)
    from geo_outreach.render.placement_map import placement_map  # noqa: PLC0415

    page = placement_map(result, placement, lang=args.lang)
    with staged_outputs(args.out, policy) as staging:
        written = write_placement(placement, result, staging, lang=args.lang, week=week)
        written.append(maps.save_map(page, staging / PLACEMENT_FILES["map"]))
    log_shared_file(result, args.out / PLACEMENT_FILES["map"], regency=regency,
                    via="cli place", log_file=args.export_log)
    _report(placement, week)
    _say(f"wrote {len(written)} files to {args.out}")
    return 0


def _bundled() -> object:
    from geo_outreach.roads.networks import bundled_network  # noqa: PLC0415

    return bundled_network()


def _mobile_week(args: argparse.Namespace, result: object, households: object, source: str,
                 network: object) -> object:
    if not args.mobile_days:
        return None
    from geo_outreach.field.mobile_week import plan_mobile_week  # noqa: PLC0415
    from geo_outreach.field.plan import first_working_day  # noqa: PLC0415
    from geo_outreach.store.months import today_in_yogyakarta  # noqa: PLC0415

    start = args.start_date or first_working_day(today_in_yogyakarta())
    try:
        return plan_mobile_week(result, args.office, days=args.mobile_days,  # type: ignore[arg-type]
                                radius_km=args.mobile_radius_km,
                                candidates=str(args.candidates),
                                network=network if network is not None else _bundled(),  # type: ignore[arg-type]
                                start_date=start, households=households,  # type: ignore[arg-type]
                                source=source)
    except KeyError as err:
        from geo_outreach._errors import InputError, Problem  # noqa: PLC0415

        raise InputError(Problem("--office", None, None, args.office, str(err.args[0]),
                                 "give one of the office ids listed")) from err


def _report(placement: object, week: object) -> None:
    """Print the sites, the gain curve and the unit's week."""
    curve = placement.curve  # type: ignore[attr-defined]
    demand = placement.demand  # type: ignore[attr-defined]
    _say(f"uncovered workers ({demand.source}): {demand.inside_total:,.0f} inside an existing "
         f"radius, {demand.outside_total:,.0f} outside every radius")
    for row in curve.itertuples():
        proof = "optimal" if row.proven_optimal else f"within {row.gap:.2%} of optimal"
        _say(f"  {row.p} new site(s): {row.newly_covered:,.0f} newly reached "
             f"(+{row.marginal_gain:,.0f}; {row.share_of_outside:.1%} of those outside; "
             f"{proof}, {row.seconds:.1f} s)")
    for row in placement.sites.itertuples():  # type: ignore[attr-defined]
        _say(f"  #{row.rank} {row.name} ({row.village}, {row.district}): "
             f"{row.newly_covered:,.0f} workers, {row.villages_reached} villages, "
             f"{row.distance_basis}")
    if week is not None:
        days = week.days  # type: ignore[attr-defined]
        _say(f"mobile unit of {week.office_id}, {week.radius_km:g} km around each stand: "  # type: ignore[attr-defined]
             f"{days['workers_reached'].sum():,.0f} workers in {len(days)} days")
        for row in days.itertuples():
            estimated = " (estimated)" if row.travel_estimated else ""
            _say(f"  day {row.day} {row.date}: {row.name} - {row.workers_reached:,.0f} "
                 f"workers, {row.travel_km:.1f} km{estimated}")
