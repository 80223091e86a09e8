"""
Look into a workbook's XML around openpyxl: its size before loading, its unsaved formulas.

**Size.** openpyxl builds every cell of every sheet in memory (a million rows: about a minute and
2 GB) before the reader could count them. An ``.xlsx`` file is a zip of XML files, so the
rows can be counted first, one compressed block at a time: a sheet's declared dimension
(``<dimension ref="A1:F1000001"/>``) says at once whether counting is needed, and the
count stops as soon as the limit is passed. Memory stays at one block; time at reading
up to the limit.

**Formulas without a saved result.** openpyxl reads the results Excel saved with each
formula; a file written by a program that computes nothing (a script, some exporters) has
formulas and no results, and openpyxl gives ``None``, which would read as a blank cell. Such
cells are found in the sheet's XML and handed on as :class:`FormulaWithoutValue`, so the
message can say what is really wrong.
"""

from __future__ import annotations

import html
import io
import posixpath
import re
import zipfile
import zlib
from typing import TYPE_CHECKING, Final
from xml.etree import ElementTree as ET

from geo_outreach._errors import InputError, Measure, Problem

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

MAX_UNPACKED_BYTES: Final = 1024 * 1024 * 1024
"""The most a workbook may unpack to (1 GB of XML): far more than 100,000 rows need, far
less than a zip bomb asks for."""

UNREADABLE: Final = (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError,
                     KeyError, ET.ParseError, OSError, ValueError)
"""What a damaged zip or its XML raises: such a file passes here; the reader then says what
is wrong with it."""

_BLOCK: Final = 1024 * 1024
_MAIN: Final = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_RELS: Final = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_REL_ID: Final = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_DIMENSION: Final = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"(?:[A-Z]+\d+:)?[A-Z]+(\d+)\"")
_ROW: Final = re.compile(rb"<(?:\w+:)?row[\s>/]")


def _sheet_parts(archive: zipfile.ZipFile) -> Iterator[tuple[str, str]]:
    """Each sheet's name and its XML part inside the zip, in the workbook's order."""
    workbook = ET.fromstring(archive.read("xl/workbook.xml"))  # noqa: S314 (a small part)
    rels = ET.fromstring(archive.read("xl/_rels/workbook.xml.rels"))  # noqa: S314
    targets = {rel.get("Id"): rel.get("Target", "") for rel in rels.iter(f"{_RELS}Relationship")}
    for sheet in workbook.iter(f"{_MAIN}sheet"):
        target = targets.get(sheet.get(_REL_ID), "")
        part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(
            posixpath.join("xl", target))
        if part in archive.NameToInfo:
            yield sheet.get("name", ""), part


def workbook_sheet_names(content: bytes) -> list[str]:
    """
    Name a workbook's sheets, in order, without loading it (for a sheet choice).

    Parameters
    ----------
    content
        The ``.xlsx`` file's bytes.

    Returns
    -------
    list of str
        The sheet names; empty for content that is not a readable workbook.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return [name for name, _ in _sheet_parts(archive)]
    except UNREADABLE:
        return []


def _rows_over(archive: zipfile.ZipFile, part: str, limit: int) -> int | None:
    """Count a sheet's ``<row>`` elements up to ``limit``; the count when it passes it."""
    with archive.open(part) as stream:
        head = stream.read(64 * 1024)
        declared = _DIMENSION.search(head)
        if declared is not None and int(declared.group(1)) <= limit:
            return None  # the sheet says it is small; openpyxl stops at its rows anyway
        count, tail = len(_ROW.findall(head)), head[-16:]
        while count <= limit and (block := stream.read(_BLOCK)):
            text = tail + block
            count += len(_ROW.findall(text)) - len(_ROW.findall(tail))
            tail = text[-16:]
    return count if count > limit else None


def check_workbook_size(path: Path, source: str, *, max_rows: int,
                        sheet_name: str | None = None) -> None:
    """
    Refuse a workbook whose sheets hold more rows than a table can, before it is loaded.

    Parameters
    ----------
    path
        The ``.xlsx`` file.
    source
        Its name, for messages.
    max_rows
        The most rows a sheet may hold (data rows and the title rows above them).
    sheet_name
        Only this sheet is counted (``--sheet``); others are still unpacked by openpyxl,
        so the workbook's total size is checked either way.

    Raises
    ------
    InputError
        Naming the sheet and the limit. A file that is not a readable zip passes: the
        reader's own error then says what is wrong with it.
    """
    try:
        problem = _size_problem(path, source, max_rows=max_rows, sheet_name=sheet_name)
    except UNREADABLE:
        return  # not a workbook this check can read: the reader says what is wrong
    if problem is not None:
        raise InputError(problem)


def _size_problem(path: Path, source: str, *, max_rows: int,
                  sheet_name: str | None) -> Problem | None:
    with zipfile.ZipFile(path) as archive:
        unpacked = sum(info.file_size for info in archive.infolist())
        if unpacked > MAX_UNPACKED_BYTES:
            return Problem(
                source, None, None, f"{unpacked / 1e6:,.0f} MB",
                f"the workbook unpacks to {unpacked / 1e6:,.0f} MB, far more than a table "
                f"of one row per village can be (at most {MAX_UNPACKED_BYTES / 1e6:,.0f} "
                "MB)", "check that this is the right file; save the table alone in a "
                "workbook, or as CSV", key="tables.workbook_unpacks_too_big",
                args={"size": Measure(unpacked / 1e6),
                      "limit": Measure(MAX_UNPACKED_BYTES / 1e6)})
        for name, part in _sheet_parts(archive):
            if sheet_name is not None and name.casefold() != sheet_name.casefold():
                continue
            count = _rows_over(archive, part, max_rows)
            if count is not None:
                return Problem(
                    f"{source} (sheet '{name}')", None, None, f"> {max_rows:,} rows",
                    f"the sheet holds more than {max_rows:,} rows; a participation, "
                    "office or stops table has at most one row per village (Indonesia "
                    "has about 84,000), so it was not loaded",
                    "check that this is the right file; keep one row per village or "
                    "office, and save other data in another workbook",
                    key="tables.workbook_too_many_rows",
                    args={"sheet": name, "limit": Measure(max_rows)})
    return None


class FormulaWithoutValue(str):
    """A cell holding a formula (``=C2+D2``) with no result saved in the file."""

    __slots__ = ()


_CELL: Final = re.compile(rb"<c\b([^>]*?)(?<!/)>(.*?)</c>", re.DOTALL)
_REFERENCE: Final = re.compile(rb'\br="([A-Z]+)(\d+)"')
_FORMULA: Final = re.compile(rb"<f\b[^>]*?(?:/>|>(.*?)</f>)", re.DOTALL)
_SAVED_VALUE: Final = re.compile(rb"<v>[^<]+</v>")


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


def formulas_without_values(path: Path, sheet_title: str) -> dict[tuple[int, int], str]:
    """
    Find a sheet's formula cells that have no saved result.

    Parameters
    ----------
    path
        The ``.xlsx`` file (already sized by :func:`check_workbook_size`).
    sheet_title
        The sheet.

    Returns
    -------
    dict
        (row, column), both 1-based, → the formula as Excel shows it (``=C2+D2``; a
        shared formula's copies show as ``=…``). Empty for a file this cannot read.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            parts = dict(_sheet_parts(archive))
            if sheet_title not in parts:
                return {}
            data = archive.read(parts[sheet_title])
    except UNREADABLE:
        return {}
    if b"<f" not in data:
        return {}
    found: dict[tuple[int, int], str] = {}
    for cell in _CELL.finditer(data):
        body = cell.group(2)
        formula = _FORMULA.search(body)
        reference = _REFERENCE.search(cell.group(1))
        if formula is None or reference is None or _SAVED_VALUE.search(body):
            continue
        text = html.unescape((formula.group(1) or b"\xe2\x80\xa6").decode("utf-8", "replace"))
        found[int(reference.group(2)), _column_number(reference.group(1))] = "=" + text
    return found
