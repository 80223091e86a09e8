"""
Publish a command's output files as one set, and never over the user's files unasked.

A command writes its files into a hidden staging folder beside their destination
(:func:`staged_outputs`). Only when every file is complete is the set published:

1. A set of more than one file updates the folder's ``SHA256SUMS`` manifest (the format
   of ``sha256sum``), naming every file of the set with its hash.
2. A marker, ``.complete``, is written into the staging folder with one atomic rename:
   from that moment the set is committed.
3. Each file is moved into place with an atomic rename, ``SHA256SUMS`` last.

What a reader sees meanwhile: until step 2 the old files, untouched. During step 3 (a few
milliseconds), or when a run was killed during it, some files are already the new run's;
the folder then still holds the staging folder with its marker, and ``sha256sum -c
SHA256SUMS`` fails, so a reader that trusts the manifest never takes a mixed set for a
whole one. The next run into the folder first finishes such a committed set (roll
forward) and deletes staging folders that were never committed (a run killed while it
was still writing), so no stale staging folder is left behind. A staging folder is held
locked by its run, so a run still going on elsewhere is never disturbed.

An existing file is replaced only when the user said so (``--force``), only when it is a
regular file, and an input file is never replaced, whatever the user said.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Final

from geo_outreach._errors import OutputError
from geo_outreach.inputs.file_kinds import file_sha256

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: staging folders are judged by age instead
    fcntl = None  # type: ignore[assignment]

STAGING_PREFIX: Final = ".geo-outreach-staging-"
"""Name prefix of the hidden folder where a run's files wait until all are complete."""

MANIFEST_FILE: Final = "SHA256SUMS"
"""The set's manifest: ``<sha256>  <path>`` per file, checkable with ``sha256sum -c``."""

COMMITTED_MARKER: Final = ".complete"
"""In a staging folder: the set is whole and committed; it lists the files in move order."""

LOCK_FILE: Final = ".lock"
"""In a staging folder: held locked by the run that writes it."""

STALE_AFTER_S: Final = 24 * 3600
"""Where files cannot be locked: a staging folder this old belongs to no running command."""

UNLOCKED_AFTER_S: Final = 60
"""A staging folder without its lock, this old, was left by a run killed as it began."""

MAX_LISTED: Final = 5
"""How many conflicting file names an error message lists before "and N more"."""

_BOOKKEEPING: Final = frozenset({COMMITTED_MARKER, LOCK_FILE})


@dataclass(frozen=True)
class OutputPolicy:
    """
    What a run may do to files that already exist where it writes.

    Attributes
    ----------
    overwrite
        Replace existing output files (the command line's ``--force``); regular files only.
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
            When a target is one of the inputs, is a folder or anything but a regular file
            (a link, a device, a pipe), or exists and ``overwrite`` is off. The message
            names the files and what to do.
        """
        targets = list(targets)
        protected = {_identity(path) for path in self.inputs}
        for target in targets:
            if _identity(target) in protected:
                msg = (f"{target} is one of this run's input files and is never replaced; "
                       "choose another --out")
                raise OutputError(msg)
            if target.is_dir() and not target.is_symlink():
                msg = f"{target} is a folder; choose another --out"
                raise OutputError(msg)
            if target.is_symlink() or (target.exists() and not target.is_file()):
                msg = (f"{target} is not a regular file (a link, a device or a pipe) and is "
                       "never replaced, even with --force; choose another --out")
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


def _cannot_write(folder: Path, err: OSError) -> OutputError:
    """Word the error for a folder that refuses files: full, read-only or not ours."""
    return OutputError(f"cannot write into {folder}: {err.strerror or err}; nothing was "
                       "published. Free some space, or choose a folder you can write to "
                       "with --out")


@contextmanager
def staged_outputs(folder: Path, policy: OutputPolicy) -> Iterator[Path]:
    """
    Stage a run's files, then publish them into ``folder`` as one set.

    Parameters
    ----------
    folder
        Where the files go; created if missing (and removed again if the run fails and
        it is still empty). An interrupted earlier publish into it is finished first.
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
        recover_interrupted(folder)
        staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=folder))
        lock = _hold_lock(staging)
    except OSError as err:
        raise _cannot_write(folder, err) from err
    try:
        yield staging
        _publish(staging, folder, policy)
    finally:
        lock.close()
        shutil.rmtree(staging, ignore_errors=True)
        if created:
            with suppress(OSError):
                folder.rmdir()  # only succeeds when the failed run left it empty


def _hold_lock(staging: Path) -> IO[bytes]:
    """Lock a staging folder for as long as the returned handle stays open."""
    handle = (staging / LOCK_FILE).open("wb")
    if fcntl is not None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
    return handle


def _is_abandoned(staging: Path) -> bool:
    """Whether no running command holds this staging folder."""
    lock = staging / LOCK_FILE
    age = time.time() - staging.stat().st_mtime
    if not lock.exists():  # its run stopped before it could even take the lock
        return age > UNLOCKED_AFTER_S
    if fcntl is None:
        return age > STALE_AFTER_S
    with lock.open("rb") as handle:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
    return True


def recover_interrupted(folder: Path) -> list[str]:
    """
    Finish or clear what killed runs left in ``folder``.

    A committed set (its staging folder holds the marker) is moved into place, completing
    the publish the run began; a staging folder that was never committed is deleted, and
    the files already there stay as they were. Staging folders of runs still going on are
    left alone.

    Parameters
    ----------
    folder
        An output folder.

    Returns
    -------
    list of str
        What was done, one line per staging folder (for logs and tests).
    """
    done: list[str] = []
    for staging in sorted(folder.glob(STAGING_PREFIX + "*")):
        if not staging.is_dir() or staging.is_symlink() or not _is_abandoned(staging):
            continue
        marker = staging / COMMITTED_MARKER
        if marker.is_file():
            order = json.loads(marker.read_text(encoding="utf-8"))
            _move_into_place(staging, folder, order)
            done.append(f"finished the interrupted publish of {len(order)} file(s)")
        else:
            done.append("removed the files of a run that was stopped before it finished")
        shutil.rmtree(staging, ignore_errors=True)
    return done


def _write_manifest(staging: Path, folder: Path, names: list[str]) -> None:
    """
    Write ``SHA256SUMS`` in ``sha256sum``'s format: this set's files, and earlier sets'.

    The folder's manifest covers every file published into it: lines of an earlier
    manifest are kept for files this set does not replace, so a second command writing
    other files into the same folder keeps ``sha256sum -c SHA256SUMS`` true for all.
    """
    earlier = folder / MANIFEST_FILE
    if earlier.is_symlink() or (earlier.exists() and not earlier.is_file()):
        msg = (f"{earlier} is not a regular file and is never replaced; "
               "choose another --out")
        raise OutputError(msg)
    hashes: dict[str, str] = {}
    if earlier.is_file():
        for line in earlier.read_text(encoding="utf-8", errors="replace").splitlines():
            digest, separator, name = line.partition("  ")
            if separator and name not in names:
                hashes[name] = digest
    hashes.update({name: file_sha256(staging / name) for name in names})
    lines = [f"{hashes[name]}  {name}\n" for name in sorted(hashes)]
    (staging / MANIFEST_FILE).write_text("".join(lines), encoding="utf-8")


def _commit(staging: Path, order: list[str]) -> None:
    """Mark the staged set whole: one atomic rename, after the data are on disk."""
    for name in order:
        _flush_to_disk(staging / name)
    temporary = staging / (COMMITTED_MARKER + ".partial")
    temporary.write_text(json.dumps(order), encoding="utf-8")
    _flush_to_disk(temporary)
    temporary.replace(staging / COMMITTED_MARKER)


def _flush_to_disk(path: Path) -> None:
    """Make sure a file's bytes are on disk before the set that holds it is committed."""
    with path.open("rb") as handle:
        os.fsync(handle.fileno())


def _move_into_place(staging: Path, folder: Path, order: list[str]) -> None:
    """Rename each staged file into ``folder``; files moved before are skipped."""
    for name in order:
        source = staging / name
        if not source.exists():
            continue  # moved already, before the interruption
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        source.replace(target)


def _publish(staging: Path, folder: Path, policy: OutputPolicy) -> None:
    """Check every staged file against the policy, commit the set, move it into place."""
    names = sorted(path.relative_to(staging).as_posix() for path in staging.rglob("*")
                   if path.is_file() and path.name not in _BOOKKEEPING)
    order = names
    try:
        policy.check(folder / name for name in names)
        if len(names) > 1 or (folder / MANIFEST_FILE).exists():
            _write_manifest(staging, folder, names)
            order = [*names, MANIFEST_FILE]
        _commit(staging, order)
        _move_into_place(staging, folder, order)
    except OutputError:
        raise
    except OSError as err:
        msg = (f"cannot move the finished files into {folder}: {err.strerror or err}; "
               "choose a folder you can write to with --out")
        raise OutputError(msg) from err
