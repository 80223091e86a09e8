"""
Publish a command's output files all at once, and never over the user's files unasked.

A command writes its files into a hidden staging folder beside their destination
(:func:`staged_outputs`). Only when every file is complete are they moved into place, each
with an atomic rename. So a failed or interrupted run leaves no output behind, not even
half of a set; an existing file is replaced only when the user said so (``--force``); and an
input file is never replaced, whatever the user said.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from geo_outreach._errors import OutputError

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

STAGING_PREFIX = ".geo-outreach-staging-"
"""Name prefix of the hidden folder where a run's files wait until all are complete."""

MAX_LISTED = 5
"""How many conflicting file names an error message lists before "and N more"."""


@dataclass(frozen=True)
class OutputPolicy:
    """
    What a run may do to files that already exist where it writes.

    Attributes
    ----------
    overwrite
        Replace existing output files (the command line's ``--force``).
    inputs
        The run's input files: never replaced, even with ``overwrite``.
    """

    overwrite: bool = False
    inputs: tuple[Path, ...] = ()

    def check(self, targets: Iterable[Path]) -> None:
        """
        Refuse before anything is written when a target may not be replaced.

        Parameters
        ----------
        targets
            The files the run is about to write.

        Raises
        ------
        OutputError
            When a target is one of the inputs, is a folder, or exists and ``overwrite``
            is off. The message names the files and what to do.
        """
        targets = list(targets)
        protected = {_identity(path) for path in self.inputs}
        for target in targets:
            if _identity(target) in protected:
                msg = (f"{target} is one of this run's input files and is never replaced; "
                       "choose another --out")
                raise OutputError(msg)
            if target.is_dir():
                msg = f"{target} is a folder; choose another --out"
                raise OutputError(msg)
        existing = [target for target in targets if target.exists()]
        if existing and not self.overwrite:
            names = ", ".join(path.name for path in existing[:MAX_LISTED])
            more = len(existing) - MAX_LISTED
            listed = f"{names} and {more} more" if more > 0 else names
            where = Path(os.path.commonpath([path.parent for path in existing]))
            msg = (f"{len(existing)} output file(s) already exist in {where}: {listed}. "
                   "They were left untouched; add --force to replace them, "
                   "or choose another --out")
            raise OutputError(msg)


def _identity(path: Path) -> Path:
    """Resolve symlinks and ``..``, so two names of one file compare equal."""
    return Path(os.path.realpath(path))


@contextmanager
def staged_outputs(folder: Path, policy: OutputPolicy) -> Iterator[Path]:
    """
    Stage a run's files, then publish them into ``folder`` together.

    Parameters
    ----------
    folder
        Where the files go; created if missing (and removed again if the run fails and
        it is still empty).
    policy
        What the run may replace.

    Yields
    ------
    Path
        An empty staging folder on the same disk: write every output there, under the
        name (or sub-path) it should have in ``folder``.

    Raises
    ------
    OutputError
        When ``folder`` cannot be written, or a staged file may not replace what is there
        (see :meth:`OutputPolicy.check`); nothing is published then.
    """
    if folder.exists() and not folder.is_dir():
        msg = f"{folder} is a file, not a folder: give --out a folder name"
        raise OutputError(msg)
    created = not folder.exists()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=folder))
    except OSError as err:
        msg = (f"cannot write into {folder}: {err.strerror or err}; "
               "choose a folder you can write to with --out")
        raise OutputError(msg) from err
    try:
        yield staging
        _publish(staging, folder, policy)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        if created:
            with suppress(OSError):
                folder.rmdir()  # only succeeds when the failed run left it empty


def _publish(staging: Path, folder: Path, policy: OutputPolicy) -> None:
    """Check every staged file against the policy, then rename each into place."""
    staged = sorted(path for path in staging.rglob("*") if path.is_file())
    targets = [folder / path.relative_to(staging) for path in staged]
    policy.check(targets)
    try:
        for source, target in zip(staged, targets, strict=True):
            target.parent.mkdir(parents=True, exist_ok=True)
            source.replace(target)
    except OSError as err:
        msg = (f"cannot move the finished files into {folder}: {err.strerror or err}; "
               "choose a folder you can write to with --out")
        raise OutputError(msg) from err

