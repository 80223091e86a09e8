"""
The ``geo-outreach`` command line: the same pipeline as the app, for scripts and schedulers.

Commands: ``analyze`` (all tables), ``map`` (an interactive HTML map), ``validate`` (the
validation and match report only), ``routes`` (canvassing plans), ``share`` (one file per
kabupaten), ``snapshot`` (monthly tables in the progress store), ``progress`` (the trend
toward the target), ``outcomes`` (field results) and ``place`` (new service points).
With no input flags they run on the bundled DIY data.
Exit codes: 0 success, 1 a problem in the inputs or outputs, 2 wrong usage.
"""

from __future__ import annotations

import argparse
import errno
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from geo_outreach import __version__
from geo_outreach._errors import GeoOutreachError
from geo_outreach.cli.analyze import run_analyze, run_map, run_validate
from geo_outreach.cli.options import (
    HOUSEHOLD_DETAILS_FILE,
    add_export_log_option,
    add_field_option,
    add_force_option,
    add_input_options,
    add_road_option,
)
from geo_outreach.cli.outcomes import add_outcomes_command, run_outcomes
from geo_outreach.cli.place import add_place_command, run_place
from geo_outreach.cli.progress import add_progress_command, run_progress_command
from geo_outreach.cli.routes import add_routes_command, run_routes
from geo_outreach.cli.share import add_share_command, run_share
from geo_outreach.cli.snapshot import add_snapshot_command, run_snapshot

if TYPE_CHECKING:
    from collections.abc import Sequence


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
    add_input_options(analyze)
    analyze.add_argument("--out", type=Path, required=True, metavar="DIR",
                         help="output folder")
    add_force_option(analyze)
    add_road_option(analyze)
    add_field_option(analyze)
    analyze.add_argument("--household-details", action="store_true",
                         help=f"also write {HOUSEHOLD_DETAILS_FILE}: one pseudonymised "
                              "row per household (no ids, no coordinates) for local analysis; "
                              "not for sharing")

    map_command = commands.add_parser("map", help="write an interactive HTML coverage map")
    add_input_options(map_command)
    map_command.add_argument("--regency", metavar="NAME",
                             help="only this kabupaten/kota, e.g. Sleman or 'Kota Yogyakarta'")
    map_command.add_argument("--lang", choices=("id", "en"), default="id",
                             help="map language (default id: Bahasa Indonesia)")
    map_command.add_argument("--out", type=Path, required=True, metavar="FILE.html")
    add_force_option(map_command)
    add_road_option(map_command)
    add_field_option(map_command)
    add_export_log_option(map_command)

    add_routes_command(commands)
    add_share_command(commands)
    add_snapshot_command(commands)
    add_progress_command(commands)
    add_outcomes_command(commands)
    add_place_command(commands)

    validate = commands.add_parser("validate", help="check the inputs and report every problem "
                                   "and how each participation row was matched")
    add_input_options(validate)
    validate.add_argument("--out", type=Path, metavar="DIR",
                          help="also write problems.csv and match_report.csv here")
    add_force_option(validate)
    return parser


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
                "routes": run_routes, "share": run_share, "snapshot": run_snapshot,
                "progress": run_progress_command, "outcomes": run_outcomes,
                "place": run_place}
    try:
        return commands[args.command](args)
    except GeoOutreachError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    except OSError as err:
        if err.errno not in _DISK_REFUSALS:
            raise
        print(f"error: {disk_refusal(err)}", file=sys.stderr)
        return 1


_DISK_REFUSALS = {errno.ENOSPC: "the disk is full", errno.EDQUOT: "the disk quota is used up",
                  errno.EROFS: "the disk is read-only", errno.EACCES: "permission denied",
                  errno.EPERM: "permission denied"}
"""Errors of the disk itself, which a user fixes, not the program."""


def disk_refusal(err: OSError) -> str:
    """
    Word a disk's refusal (full, read-only, no permission) for the user.

    Parameters
    ----------
    err
        The error, with its ``errno`` and, where known, the file it concerns.

    Returns
    -------
    str
        What happened, to which file, that no output was published, and what to do.
    """
    where = f" while writing {err.filename}" if err.filename else ""
    what = _DISK_REFUSALS.get(err.errno or 0, err.strerror or str(err))
    return (f"{what}{where}; no output was published and your input files are untouched. "
            "Free some space or choose a folder you can write to (--out), then run again")


if __name__ == "__main__":
    raise SystemExit(main())
