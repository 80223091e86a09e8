"""
``geo-outreach share``: the map of one kabupaten/kota to send to its district government.

The output's suffix picks the kind: ``.html`` is the interactive map that works offline,
``.png`` and ``.pdf`` are pictures for printed reports. ``--regency all`` writes one file
per kabupaten/kota into a folder. Wired into :mod:`geo_outreach.cli` with
:func:`add_share_command` and :func:`run_share`.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Final

from geo_outreach._errors import InputError, OutputError, Problem
from geo_outreach.cli import options
from geo_outreach.cli.options import (
    add_database_option,
    add_export_log_option,
    add_force_option,
    add_input_options,
    output_policy,
    print_warnings,
)
from geo_outreach.inputs.prepare import prepare_inputs
from geo_outreach.publish.outputs import staged_outputs

if TYPE_CHECKING:
    import argparse

    from geo_outreach.analysis.progress import ProgressReport
    from geo_outreach.analysis.result import AnalysisResult

SUFFIXES: Final = {".html": "html", ".htm": "html", ".png": "png", ".pdf": "pdf"}
"""Output suffixes and the kind of file each one gives."""

ALL_REGENCIES: Final = frozenset({"all", "semua"})
"""``--regency`` values that mean every kabupaten/kota."""


def add_share_command(commands: argparse._SubParsersAction[argparse.ArgumentParser],
                      ) -> argparse.ArgumentParser:
    """
    Add the ``share`` command to the ``geo-outreach`` command line.

    Parameters
    ----------
    commands
        The sub-command group of the main parser (``parser.add_subparsers(...)``).

    Returns
    -------
    argparse.ArgumentParser
        The new command's parser, with the usual input and analysis options.
    """
    share = commands.add_parser(
        "share", help="write the map of one kabupaten/kota to share with its district "
                      "government: HTML that works offline, or PNG/PDF for reports")
    add_input_options(share)
    share.add_argument("--regency", required=True, metavar="NAME",
                       help="the kabupaten/kota: e.g. Sleman, 'Kota Yogyakarta' or 34.04; "
                            "'all' writes one file per kabupaten/kota into the --out folder")
    share.add_argument("--out", type=Path, required=True, metavar="FILE",
                       help="FILE.html (interactive, works offline), FILE.png or FILE.pdf "
                            "(for printed reports); a folder with --regency all")
    share.add_argument("--format", choices=("html", "png", "pdf"), default="html",
                       dest="share_format",
                       help="with --regency all: the kind of files to write (default html)")
    share.add_argument("--lang", choices=("id", "en"), default="id",
                       help="map language (default id: Bahasa Indonesia)")
    share.add_argument("--basemap", action="store_true",
                       help="offer OpenStreetMap tiles in the HTML map (off when it opens; "
                            "they need the internet)")
    share.add_argument("--dpi", type=int, default=200,
                       help="resolution of a PNG (default 200)")
    share.add_argument("--progress", nargs="?", const="store", choices=("store", "demo"),
                       help="map the months of the progress store: the latest as the map's "
                            "table, a month slider and a trend layer (aggregates only); 'demo' "
                            "for the DEMO months (labelled DEMO)")
    share.add_argument("--until", metavar="YYYY-MM",
                       help="with --progress: the target month of the trend "
                            "(default: December of the latest month's year)")
    add_database_option(share)
    options.add_field_option(share)
    add_force_option(share)
    add_export_log_option(share)
    return share


def run_share(args: argparse.Namespace) -> int:
    """
    Run ``geo-outreach share``.

    Parameters
    ----------
    args
        The parsed arguments of the ``share`` command.

    Returns
    -------
    int
        0 when every file was written.

    Raises
    ------
    InputError
        When the inputs have errors, the kabupaten/kota is unknown or the suffix is not
        ``.html``, ``.png`` or ``.pdf``.
    """
    from geo_outreach.publish.export_log import log_shared_file  # noqa: PLC0415
    from geo_outreach.render.map_data import regency_names, resolve_regency  # noqa: PLC0415 - folium

    policy = output_policy(args)
    every_regency = args.regency.strip().lower() in ALL_REGENCIES
    if not every_regency:
        policy.check([args.out])  # before the work, not after
    if args.progress:
        result, args.progress_report = _progress(args)
    else:
        result, _ = options.analyse_from_args(args)
        args.progress_report = None
    print_warnings(result.problems)
    if every_regency:
        names = file_names(regency_names(result), f".{args.share_format}")
        folder = args.out
    else:
        names = [(args.regency, args.out.name)]
        folder = args.out.parent
    with staged_outputs(folder, policy) as staging:
        for region, name in names:
            _write(result, region, staging / name, args)
    for region, name in names:  # logged where they are, once all are in place
        path = folder / name
        log_shared_file(result, path, regency=resolve_regency(result, region),
                        via="cli share", log_file=args.export_log)
        print(f"wrote {path} ({path.stat().st_size / 1e6:.2f} MB)")
    return 0


def _progress(args: argparse.Namespace) -> tuple[AnalysisResult, ProgressReport]:
    """
    Analyse the latest stored month and report every month, for a map with the months.

    The map's numbers and its month slider then come from one source, the store (DEMO
    months are labelled DEMO on the map like any DEMO table).
    """
    from geo_outreach.analysis.progress_run import run_progress  # noqa: PLC0415
    from geo_outreach.store.database import open_store  # noqa: PLC0415
    from geo_outreach.store.demo import open_demo_store  # noqa: PLC0415
    from geo_outreach.store.months import check_month  # noqa: PLC0415
    from geo_outreach.store.snapshots import monthly_series  # noqa: PLC0415

    mixed = [option for option in ("participation", "households", "roads")
             if getattr(args, option, None)]
    if mixed:
        raise InputError(Problem(
            "parameters", None, f"--{mixed[0]}", str(getattr(args, mixed[0])),
            "with --progress the map shows the months of the progress store, the latest "
            "one as its table", f"leave --{mixed[0]} out, or share without --progress"))
    until = None if args.until is None else check_month(args.until, source="--until",
                                                         future=True)
    store = open_demo_store() if args.progress == "demo" else open_store(args.database)
    try:
        series = monthly_series(store)
    finally:
        store.close()
    params = options.analysis_params(args)
    places = prepare_inputs(options.input_paths(args), radius_km=params.radius_km,
                            with_participation=False)
    if places.errors:
        raise InputError(places.errors)
    report, result = run_progress(places, series, params, until=until)
    return result, report


def file_names(regions: list[str], suffix: str) -> list[tuple[str, str]]:
    """
    Name one file per kabupaten/kota, refusing two that would get the same name.

    Parameters
    ----------
    regions
        The kabupaten/kota names, as in the boundary data.
    suffix
        ``".html"``, ``".png"`` or ``".pdf"``.

    Returns
    -------
    list of (str, str)
        Each region with its file name.

    Raises
    ------
    OutputError
        When two names differ only in what a file name cannot hold (case, punctuation).
    """
    from geo_outreach.render.share_text import share_file_name  # noqa: PLC0415 - folium only when mapping

    named: dict[str, str] = {}
    for region in regions:
        name = share_file_name(region, suffix)
        if name in named:
            msg = (f"'{named[name]}' and '{region}' would both be written as {name}; "
                   "share them one at a time with --regency and --out FILE")
            raise OutputError(msg)
        named[name] = region
    return [(region, name) for name, region in named.items()]


def _write(result: AnalysisResult, regency: str, path: Path,
           args: argparse.Namespace) -> Path:
    """Write one kabupaten/kota's map, of the kind the file's suffix asks for."""
    from geo_outreach.render import share, static_map  # noqa: PLC0415 - matplotlib only when needed

    kind = SUFFIXES.get(path.suffix.lower())
    if kind is None:
        raise InputError(Problem("parameters", None, "--out", path.name,
                                 "the file name ends in an unknown suffix",
                                 "end it in .html (interactive map), .png or .pdf"))
    if kind == "html":
        return share.write_share_map(result, regency, path, lang=args.lang,
                                     basemap=args.basemap, progress=args.progress_report)
    return static_map.write_static_map(result, regency, path, lang=args.lang, dpi=args.dpi)
