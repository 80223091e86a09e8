"""
The checks every input file passes before a parser opens it.

It exists, is a file, is not empty or far too large, and its name's suffix is one the
reader knows.
"""

from __future__ import annotations

import codecs
from typing import TYPE_CHECKING, Final

from geo_outreach._errors import InputError, Measure, Problem
from geo_outreach.inputs.file_kinds import binary_kind
from geo_outreach.inputs.wording import part

if TYPE_CHECKING:
    from pathlib import Path

TABLE_FORMATS: Final = part("formats.table",
                            "CSV (.csv, comma- or semicolon-separated) or Excel (.xlsx)")
A_TABLE: Final = part("what.table", "a table")
A_CSV_TABLE: Final = part("named.csv_table", "a CSV table")

CSV_SUFFIXES: Final = frozenset({".csv", ".txt", ".tsv"})
EXCEL_SUFFIXES: Final = frozenset({".xlsx", ".xlsm"})
OLD_SPREADSHEET_SUFFIXES: Final = frozenset({".xls", ".ods", ".numbers"})
PARQUET_SUFFIXES: Final = frozenset({".parquet", ".geoparquet"})


# --- vector files ----------------------------------------------------------------------


def _not_found(path: Path, source: str, formats: str) -> InputError:
    return InputError(Problem(source, None, None, str(path), "the file does not exist",
                              f"check the path and the file name; accepted formats: {formats}",
                              key="file.not_found", args={"formats": formats}))


def check_file(path: Path, formats: str, *, max_bytes: int | None = None,
               what: str = "file") -> None:
    """
    Refuse a missing file, an empty (0-byte) one, or one larger than ``max_bytes``.

    Parameters
    ----------
    path
        The user's file.
    formats
        The accepted formats, for the fix (a :class:`~geo_outreach._errors.Translatable`
        to be shown in the user's language, such as :data:`TABLE_FORMATS`).
    max_bytes
        The largest size accepted; no limit when None.
    what
        What the file should hold, e.g. :data:`A_TABLE`, for the messages.

    Raises
    ------
    InputError
        Naming the file and what to do.
    """
    source = path.name
    if not path.is_file():
        raise _not_found(path, source, formats)
    size = path.stat().st_size
    if size == 0:
        raise InputError(Problem(source, None, None, "0 bytes", "the file is empty",
                                 f"save {what} into it again (the upload or copy may have "
                                 f"failed); accepted formats: {formats}", key="file.empty",
                                 args={"what": what, "formats": formats}))
    if max_bytes is not None and size > max_bytes:
        raise InputError(Problem(
            source, None, None, f"{size / 1e6:,.0f} MB",
            f"the file is far larger than {what} can be (at most {max_bytes / 1e6:,.0f} MB: "
            f"one row per village of all Indonesia fits in under 20 MB)",
            "check that this is the right file; give one row per village or office, "
            "without other sheets or data", key="file.too_big",
            args={"what": what, "limit": Measure(max_bytes / 1e6)}))


# --- tables: CSV and Excel -------------------------------------------------------------


def decode_text(raw: bytes) -> tuple[str, str]:
    """Decode a CSV file: UTF-16 with a BOM, UTF-8 (with or without BOM), else Latin-1."""
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return raw.decode("utf-16", errors="replace"), "utf-16"  # a cut file: half a char
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return raw.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    return raw.decode("latin-1"), "latin-1"


def refuse_binary(raw: bytes, source: str, *, named: str = A_CSV_TABLE,
                  formats: str = TABLE_FORMATS, allowed: frozenset[str] = frozenset()) -> None:
    """Refuse a file whose first bytes show a workbook, picture or other binary not allowed."""
    kind = binary_kind(raw)
    if kind is not None and kind.suffix not in allowed:
        raise InputError(Problem(source, None, None, kind.suffix,
                                 f"the file is named as {named} but it is {kind.description}",
                                 f"give the file its real name ({kind.suffix}), or save the "
                                 f"data as {formats}", key="file.binary",
                                 args={"named": named, "description": kind.description,
                                       "suffix": kind.suffix, "formats": formats}))
    head = raw[:4096]
    if not allowed and b"\x00" in head and not head.startswith((codecs.BOM_UTF16_LE,
                                                                codecs.BOM_UTF16_BE)):
        raise InputError(Problem(source, None, None, None,
                                 f"the file is named as {named} but it is not text",
                                 f"save the data as {formats}", key="file.not_text",
                                 args={"named": named, "formats": formats}))


# --- large text files: scanned block by block before a parser runs -----------------------

SCAN_BLOCK_BYTES: Final = 16 * 1024 * 1024
"""How much of a text file is looked at at once: memory stays at one block."""


def _row_at(path: Path, offset: int) -> int:
    """Count the 1-based line of the byte at ``offset`` (read again, only on failure)."""
    lines = 1
    with path.open("rb") as handle:
        while offset > 0 and (block := handle.read(min(SCAN_BLOCK_BYTES, offset))):
            lines += block.count(b"\n")
            offset -= len(block)
    return lines


def _long_line(path: Path, offset: int, max_line_bytes: int, formats: str) -> InputError:
    limit = Measure(max_line_bytes // 1024)
    return InputError(Problem(
        path.name, _row_at(path, offset), None, None,
        f"this line runs on for more than {max_line_bytes // 1024:,} KB without a line break: "
        "no row of this table is that long, so the file is damaged or not this table",
        f"check that this is the right file; export it again as {formats}",
        key="file.long_line", args={"size": limit, "formats": formats}))


def scan_text_lines(path: Path, *, max_line_bytes: int, formats: str,
                    named: str = A_CSV_TABLE) -> None:
    """
    Refuse a text file with NUL bytes or a line far too long, before any parser reads it.

    The file is read in blocks of :data:`SCAN_BLOCK_BYTES`, so memory stays bounded
    whatever the file holds (a parser would hold a whole "line" of gigabytes).

    Parameters
    ----------
    path
        The user's file.
    max_line_bytes
        The longest line accepted. A line shorter than this always passes; one at least
        twice as long is always refused (the check looks at windows of this size).
    formats
        The accepted formats, for the fix.
    named
        What the file is named as, for the message.

    Raises
    ------
    InputError
        Naming the file, the line and what to do.
    """
    offset, run = 0, 0  # run: bytes since the last line break
    with path.open("rb") as handle:
        while block := handle.read(SCAN_BLOCK_BYTES):
            nul = block.find(b"\x00")
            if nul >= 0:
                raise InputError(Problem(
                    path.name, _row_at(path, offset + nul), None, None,
                    f"the file is named as {named} but it holds NUL bytes (binary data, or "
                    "text saved as UTF-16)", f"save the data as {formats} in UTF-8",
                    key="file.nul_bytes", args={"named": named, "formats": formats}))
            first = block.find(b"\n")
            if first < 0:
                run += len(block)
            else:
                if run + first > max_line_bytes:
                    raise _long_line(path, offset, max_line_bytes, formats)
                last = block.rfind(b"\n")
                for start in range(first, last, max_line_bytes):
                    if block.find(b"\n", start + 1, start + 1 + max_line_bytes) < 0:
                        raise _long_line(path, offset + start + 1, max_line_bytes, formats)
                run = len(block) - last - 1
            if run > max_line_bytes:
                raise _long_line(path, offset + len(block) - run, max_line_bytes, formats)
            offset += len(block)
