"""
The export log: one line for every file made to be shared, a record of what left the machine.

Each shared map (HTML, PNG or PDF, from the command line or the app) appends one JSON line
to the log: when (UTC, ISO 8601), which kabupaten/kota, the sha256 of each input the
result was computed from, the output (path or download name, size, sha256) and the
operating-system user. That is what a record of processing under UU PDP (Law 27/2022 on
personal data protection) asks for: who shared what, made from which data, and when.

The line is appended with one ``write`` while a lock file beside the log is held
(``filelock``), so exports running at the same time never interleave their lines. A file
is logged only after it was written in full: a failed write logs nothing.

Where the log lives, first match wins: the ``log_file`` argument (``--export-log FILE``
on the command line), the environment variable ``GEO_OUTREACH_EXPORT_LOG``, then
``export-log.jsonl`` in the user's log folder (``platformdirs``; on Linux
``~/.local/state/geo-outreach/log/``).
"""

from __future__ import annotations

import getpass
import hashlib
import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import platformdirs
from filelock import FileLock, Timeout

from geo_outreach import __version__
from geo_outreach._errors import OutputError
from geo_outreach.inputs.file_kinds import file_sha256

if TYPE_CHECKING:
    from collections.abc import Callable

    from geo_outreach.analysis.result import AnalysisResult

ENV_VAR: Final = "GEO_OUTREACH_EXPORT_LOG"
"""The environment variable that points to the export log."""

LOG_NAME: Final = "export-log.jsonl"
"""The log's file name in the user's log folder."""

LOCK_TIMEOUT_S: Final = 30.0
"""Longest wait for another export to finish its line."""


def default_log_file() -> Path:
    """
    Return where the export log lives when neither an option nor the environment says.

    Returns
    -------
    Path
        ``export-log.jsonl`` in the user's log folder (``platformdirs.user_log_path``).
    """
    return platformdirs.user_log_path("geo-outreach", appauthor=False) / LOG_NAME


def resolve_log_file(log_file: str | os.PathLike[str] | None = None) -> Path:
    """
    Choose the export log: the argument, else ``GEO_OUTREACH_EXPORT_LOG``, else the default.

    Parameters
    ----------
    log_file
        A log file given by the user (e.g. ``--export-log``), or None.

    Returns
    -------
    Path
        The log file (it may not exist yet).
    """
    if log_file is not None and str(log_file).strip():
        return Path(log_file).expanduser()
    from_environment = os.environ.get(ENV_VAR, "").strip()
    if from_environment:
        return Path(from_environment).expanduser()
    return default_log_file()


def export_record(
    result: AnalysisResult,
    *,
    output: str,
    output_sha256: str,
    output_bytes: int,
    regency: str | None,
    via: str,
) -> dict[str, Any]:
    """
    Describe one shared file as a log record.

    Parameters
    ----------
    result
        The analysis the file shows.
    output
        The file's path (absolute), or the name a download was offered under.
    output_sha256, output_bytes
        The file's sha256 (hex) and size.
    regency
        The kabupaten/kota shown, as named in the boundary data; None for all of DIY.
    via
        What made the file, e.g. ``"cli share"`` or ``"app download"``.

    Returns
    -------
    dict
        ``time`` (UTC, ISO 8601), ``regency``, ``output`` (``path``, ``sha256``,
        ``bytes``), ``inputs`` (each input's ``path`` and ``sha256``; a road network
        known only by name has an empty hash), ``user``, ``via`` and ``tool``.
    """
    inputs = {role: {"path": str(record.get("path", "")), "sha256": str(record.get("sha256", ""))}
              for role, record in result.inputs.items()}
    if result.road_network and "roads" not in inputs:
        inputs["roads"] = {"path": str(result.road_network.get("source", "")), "sha256": ""}
    return {
        "time": datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
        "regency": regency,
        "output": {"path": output, "sha256": output_sha256, "bytes": output_bytes},
        "inputs": inputs,
        "user": _user_name(),
        "via": via,
        "tool": f"geo-outreach {__version__}",
    }


def log_shared_file(
    result: AnalysisResult,
    path: str | os.PathLike[str],
    *,
    regency: str | None,
    via: str = "cli",
    log_file: str | os.PathLike[str] | None = None,
) -> dict[str, Any]:
    """
    Log a shared file that was written to disk: call it after the file is complete.

    Parameters
    ----------
    result
        The analysis the file shows.
    path
        The file written; it is read back to take its sha256.
    regency
        The kabupaten/kota shown (None for all of DIY).
    via
        What made it, e.g. ``"cli share"``.
    log_file
        The export log; None for :func:`resolve_log_file`'s choice.

    Returns
    -------
    dict
        The record appended (see :func:`export_record`).

    Raises
    ------
    OutputError
        When the file cannot be read back or the log cannot be written.
    """
    output = Path(path).resolve()
    try:
        digest, size = _file_digest(output)
    except OSError as err:
        raise OutputError(f"cannot read {output} back to log it: {err.strerror or err}") from err
    record = export_record(result, output=str(output), output_sha256=digest, output_bytes=size,
                           regency=regency, via=via)
    append_record(record, log_file)
    return record


def log_download(
    result: AnalysisResult,
    content: bytes,
    *,
    file_name: str,
    regency: str | None,
    via: str = "app download",
    log_file: str | os.PathLike[str] | None = None,
) -> dict[str, Any]:
    """
    Log a shared file handed out as a download (it has no path on this machine).

    Parameters
    ----------
    result
        The analysis the file shows.
    content
        The file's bytes, as handed out.
    file_name
        The name the download is offered under, e.g. ``"peta-kabupaten-sleman.html"``.
    regency
        The kabupaten/kota shown (None for all of DIY).
    via
        What made it.
    log_file
        The export log; None for :func:`resolve_log_file`'s choice.

    Returns
    -------
    dict
        The record appended; its output path is ``"download:<file_name>"``.

    Raises
    ------
    OutputError
        When the log cannot be written.
    """
    record = export_record(result, output=f"download:{file_name}",
                           output_sha256=hashlib.sha256(content).hexdigest(),
                           output_bytes=len(content), regency=regency, via=via)
    append_record(record, log_file)
    return record


def logged_download(result: AnalysisResult, build: Callable[[], bytes], *, file_name: str,
                    regency: str | None, via: str) -> Callable[[], bytes]:
    """
    Wrap a download's builder so the file is logged when it is built for the user.

    Parameters
    ----------
    result
        The analysis the file shows.
    build
        Makes the file's bytes (called only when the user asks for the download).
    file_name, regency, via
        As for :func:`log_download`.

    Returns
    -------
    callable
        Builds the bytes, logs them with :func:`log_download`, and returns them.
    """
    def build_and_log() -> bytes:
        content = build()
        log_download(result, content, file_name=file_name, regency=regency, via=via)
        return content

    return build_and_log


def append_record(record: dict[str, Any], log_file: str | os.PathLike[str] | None = None
                  ) -> Path:
    """
    Append one record to the export log as one JSON line, under a file lock.

    Parameters
    ----------
    record
        A JSON-serialisable record (see :func:`export_record`).
    log_file
        The export log; None for :func:`resolve_log_file`'s choice. Missing folders
        are created.

    Returns
    -------
    Path
        The log file.

    Raises
    ------
    OutputError
        When the log cannot be written, or another export holds its lock too long.
    """
    path = resolve_log_file(log_file)
    line = json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n"
    fix = (f"choose a log file you can write to with --export-log or {ENV_VAR}; "
           "the shared file itself was written")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with FileLock(f"{path}.lock", timeout=LOCK_TIMEOUT_S), path.open(
                "a", encoding="utf-8") as log:
            log.write(line)
    except Timeout as err:
        raise OutputError(f"the export log {path} stayed locked for {LOCK_TIMEOUT_S:.0f} s; "
                          f"{fix}") from err
    except OSError as err:
        raise OutputError(f"cannot write the export log {path}: {err.strerror or err}; "
                          f"{fix}") from err
    return path


def read_log(log_file: str | os.PathLike[str] | None = None) -> list[dict[str, Any]]:
    """
    Read the export log.

    Parameters
    ----------
    log_file
        The export log; None for :func:`resolve_log_file`'s choice.

    Returns
    -------
    list of dict
        One record per line, oldest first; empty when there is no log yet.
    """
    path = resolve_log_file(log_file)
    if not path.exists():
        return []
    with path.open(encoding="utf-8") as log:
        return [json.loads(line) for line in log if line.strip()]


def _file_digest(path: Path) -> tuple[str, int]:
    """Return a file's sha256 (hex) and size."""
    return file_sha256(path), path.stat().st_size


def _user_name() -> str:
    """Return the operating-system user, or an empty text where none can be found."""
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return ""
