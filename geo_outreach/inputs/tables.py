"""
Tables from CSV or Excel as people write them.

Any delimiter and encoding, title rows above the header, notes below it, with the size
limits checked before parsing.

:func:`read_table` reads a table whose columns it knows. The steps it is made of are
public for readers of other shapes (the field exports of
:mod:`geo_outreach.field.outcome_files`): :func:`read_csv_grid` and :func:`read_excel_grid`
give a :class:`Grid` of cells and the header row found, :func:`refuse_merged_header`
checks that row, :func:`grid_frame` gives the rows under it, :func:`grid_notes` the
warnings on how the file was read.
"""

from __future__ import annotations

import csv
import io as _stdio
import warnings
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Final

import openpyxl
import pandas as pd
from openpyxl.utils.exceptions import InvalidFileException

from geo_outreach._errors import InputError, Measure, Problem
from geo_outreach.config import ColumnMapping
from geo_outreach.inputs.columns import (
    IDENTIFIER_COLUMNS,
    PARTICIPATION_OPTION,
    InputTable,
    Requirement,
    cell_text,
    describe_rows,
    require,
    resolve_columns,
)
from geo_outreach.inputs.file_checks import (
    A_TABLE,
    CSV_SUFFIXES,
    EXCEL_SUFFIXES,
    OLD_SPREADSHEET_SUFFIXES,
    TABLE_FORMATS,
    check_file,
    decode_text,
    refuse_binary,
)
from geo_outreach.inputs.schema import header_keys, normalise_header
from geo_outreach.inputs.wording import mapping_args, part
from geo_outreach.inputs.workbook_size import (
    FormulaWithoutValue,
    check_workbook_size,
    formulas_without_values,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

    from openpyxl.worksheet.worksheet import Worksheet

DELIMITERS: Final = (",", ";", "\t", "|")

MAX_TITLE_ROWS: Final = 30
"""How far down a sheet the header row is looked for."""
MIN_HEADER_MATCHES: Final = 2
"""Known headers a row needs to be taken as the header row."""
MAX_TABLE_BYTES: Final = 64 * 1024 * 1024
"""The largest participation, office or stops table read (64 MB): one row per village of
all Indonesia (about 84,000) takes under 20 MB. Household points have no such limit."""
MAX_TABLE_ROWS: Final = 100_000
"""The most data rows a participation, office or stops table may have: Indonesia has
about 84,000 villages, DIY 438."""


@dataclass(frozen=True)
class Grid:
    """Cells of a sheet or CSV file, row by row, with the user's row numbers."""

    rows: list[list[object]]
    numbers: list[int]
    where: str  # "" for CSV, " (sheet 'Data')" for Excel
    encoding: str = "utf-8"
    cut_off: bool = False  # the file ends inside its last row (no line break after it)
    merged: tuple[tuple[str, int, int], ...] = ()  # (range, first row, last row), Excel only


class _LongCellError(Exception):
    """A cell longer than :func:`csv.field_size_limit`, on the line given."""

    def __init__(self, line: int) -> None:
        super().__init__(line)
        self.line = line


def _csv_rows(text: str, delimiter: str) -> tuple[list[list[object]], list[int], int | None]:
    """
    Split CSV text into rows, each with the line number it starts on.

    The third value is the line where an unbalanced quote stopped the split (None when the
    whole text was split): the rows after it are missing.
    """
    reader = csv.reader(_stdio.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[list[object]] = []
    numbers = []
    previous_line = 0
    try:
        for record in reader:
            rows.append(list(record))
            numbers.append(previous_line + 1)
            previous_line = reader.line_num
    except csv.Error as err:
        if "field larger than field limit" in str(err):
            raise _LongCellError(previous_line + 1) from err
        return rows, numbers, previous_line + 1
    # a quote left open at the start of a cell swallows every line after it into that cell
    if text.count('"') % 2 and rows and any("\n" in str(cell) for cell in rows[-1]):
        return rows, numbers, numbers[-1]
    return rows, numbers, None


def _header_score(cells: Sequence[object], known: frozenset[str]) -> int:
    """Count the cells that are known headers, whole or by a part ("Kalurahan/Kelurahan")."""
    return sum(1 for cell in cells
               if cell_text(cell) and any(key in known for key in header_keys(cell)))


def _find_header(rows: Sequence[Sequence[object]], known: frozenset[str]) -> int | None:
    """Return the index of the first row holding at least two known headers."""
    for index, cells in enumerate(rows[:MAX_TITLE_ROWS]):
        if _header_score(cells, known) >= MIN_HEADER_MATCHES:
            return index
    return None


def read_csv_grid(path: Path, known: frozenset[str]) -> tuple[Grid, int | None]:
    """Read a CSV file, choosing the delimiter whose header row matches best."""
    raw = path.read_bytes()
    refuse_binary(raw, path.name)
    text, encoding = decode_text(raw)
    try:
        return _split_csv(text, encoding, path, known)
    except _LongCellError as err:
        limit = csv.field_size_limit()
        raise InputError(Problem(
            path.name, err.line, None, None,
            f"a cell on this row is longer than {limit:,} characters: no table of villages "
            "or offices has such cells, so this is not such a table (or a cell holds a "
            "whole document)", "check that you chose the right file, and remove the long "
            "cell", key="tables.long_cell", args={"limit": Measure(limit)})) from err


def _split_csv(text: str, encoding: str, path: Path,
               known: frozenset[str]) -> tuple[Grid, int | None]:
    """Split CSV text with the delimiter whose header row matches best."""
    best_score, best_delimiter, best_header = (0, 0), ",", None
    for delimiter in DELIMITERS:
        rows, _, _ = _csv_rows(text, delimiter)
        header = _find_header(rows, known)
        if header is None:
            continue
        score = (_header_score(rows[header], known), -header)
        if best_header is None or score > best_score:
            best_score, best_delimiter, best_header = score, delimiter, header
    rows, numbers, broken_at = _csv_rows(text, best_delimiter)
    if broken_at is not None and best_header is not None:
        raise InputError(Problem(
            path.name, broken_at, None, None,
            'a quote mark (") on this row opens a cell that is never closed, so this row and '
            "every row after it cannot be read",
            'remove the stray quote mark, or write a quote inside a cell twice ("")',
            key="tables.open_quote"))
    cut_off = bool(text) and not text.endswith(("\n", "\r"))
    return Grid(rows, numbers, "", encoding=encoding, cut_off=cut_off), best_header


def read_excel_grid(path: Path, known: frozenset[str], source: str, *,
                    sheet_name: str | None = None) -> tuple[Grid, int | None]:
    """
    Read the sheet of a workbook whose header row matches best (else the first sheet).

    Every sheet is looked at: a summary or cover sheet before the table does not hide it.
    Of the sheets with a header row, the one with the most known column names wins (the
    first of equals); ``sheet_name`` (``--sheet``) picks one sheet by name instead.
    """
    check_workbook_size(path, source, max_rows=MAX_TABLE_ROWS + MAX_TITLE_ROWS + 1,
                        sheet_name=sheet_name)
    try:
        with warnings.catch_warnings(), path.open("rb") as handle:  # closed even if it fails
            warnings.filterwarnings("ignore", category=UserWarning, module="openpyxl")
            workbook = openpyxl.load_workbook(handle, read_only=False, data_only=True)
    # A damaged workbook fails in its zip (BadZipFile, zlib.error, EOFError; NotImplementedError
    # for an unknown compression, RuntimeError for an encryption flag), its XML (ParseError is
    # a SyntaxError) or openpyxl's reading of the XML (ValueError, KeyError, TypeError)
    except (InvalidFileException, zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError,
            RuntimeError, SyntaxError, ValueError, KeyError, TypeError, OSError) as err:
        raise InputError(Problem(source, None, None, None,
                                 f"the file cannot be read as an Excel workbook ({err})",
                                 f"save it as {TABLE_FORMATS}", key="tables.not_excel",
                                 args={"error": str(err), "formats": TABLE_FORMATS})) from err
    try:
        first: tuple[Grid, str] | None = None
        best: tuple[tuple[int, int], Grid, int, str] | None = None
        for sheet in _chosen_sheets(workbook, sheet_name, source):
            rows = [list(r) for r in sheet.iter_rows(min_row=1, min_col=1, values_only=True)]
            spans = sorted(sheet.merged_cells.ranges, key=lambda r: (r.min_row, r.min_col))
            merged = tuple((r.coord, r.min_row, r.max_row) for r in spans
                           if r.max_row > r.min_row or r.max_col > r.min_col)
            grid = Grid(rows, list(range(1, len(rows) + 1)), f" (sheet '{sheet.title}')",
                         merged=merged)
            first = first or (grid, sheet.title)
            header = _find_header(rows, known)
            if header is not None:
                score = (_header_score(rows[header], known), -header)
                if best is None or score > best[0]:
                    best = (score, grid, header, sheet.title)
    finally:
        workbook.close()
    if best is not None:
        return _with_unsaved_formulas(best[1], path, best[3]), best[2]
    if first is not None:
        return _with_unsaved_formulas(*first[:1], path, first[1]), None
    return Grid([], [], ""), None


def _with_unsaved_formulas(grid: Grid, path: Path, sheet_title: str) -> Grid:
    """Put a :class:`FormulaWithoutValue` where a formula's result was never saved."""
    for (row, column), formula in formulas_without_values(path, sheet_title).items():
        if row <= len(grid.rows) and grid.rows[row - 1][column - 1:column] == [None]:
            grid.rows[row - 1][column - 1] = FormulaWithoutValue(formula)
    return grid


def _chosen_sheets(workbook: openpyxl.Workbook, sheet_name: str | None,
                   source: str) -> list[Worksheet]:
    """Pick the sheets to look at: all of them, or the one the user named (any case)."""
    if sheet_name is None:
        return list(workbook.worksheets)
    named = [s for s in workbook.worksheets if s.title.casefold() == sheet_name.casefold()]
    if not named:
        titles = ", ".join(repr(s.title) for s in workbook.worksheets)
        raise InputError(Problem(source, None, None, sheet_name,
                                 f"the workbook has no sheet named '{sheet_name}'; its "
                                 f"sheets are {titles}",
                                 "give --sheet one of those names (or leave it out: every "
                                 "sheet is then looked at)", key="tables.no_such_sheet",
                                 args={"sheet": sheet_name, "sheets": titles}))
    return named


def _no_header(grid: Grid, source: str, aliases: dict[str, tuple[str, ...]],
               option: str) -> InputError:
    """Build the error for a table in which no row looks like a header."""
    first = next((r for r in grid.rows if any(cell_text(c) for c in r)), [])
    shown = ", ".join(cell_text(c) or "" for c in first[:12]) or part(
        "file_is_empty", "(the file is empty)")
    expected = ", ".join(names[0] for names in aliases.values())
    fix_args = mapping_args(option)
    return InputError(Problem(
        source + grid.where, None, None, None,
        f"no header row was found in the first {MAX_TITLE_ROWS} rows (the first row with "
        f"content reads: {shown})",
        f"put a header row with column names such as {expected}"
        + (f"; or map your headers with {option} canonical=YOUR_HEADER" if option else ""),
        key="tables.no_header" if fix_args else None,
        args={**(fix_args or {}), "rows": str(MAX_TITLE_ROWS), "shown": shown,
              "expected": expected}))


def refuse_merged_header(grid: Grid, header: int, source: str) -> None:
    """Refuse a header row with merged cells: a two-row header, or one name over columns."""
    number = grid.numbers[header]
    ranges = [coord for coord, first, last in grid.merged if first <= number <= last]
    if not ranges:
        return
    raise InputError(Problem(
        source + grid.where, number, None, ", ".join(ranges),
        f"the header row has merged cells ({', '.join(ranges)}): a header written over two "
        "rows, or one name over several columns, does not name each column",
        "unmerge the header cells and give every column its own name in one header row "
        "(e.g. 'Peserta PU' and 'Peserta BPU' instead of 'Peserta' over 'PU' and 'BPU'), "
        "then delete the second header row", key="tables.merged_header",
        args={"ranges": ", ".join(ranges)}))


def grid_notes(grid: Grid, header: int, source: str) -> tuple[Problem, ...]:
    """Warnings on how the table was read: title rows skipped, a guessed encoding."""
    notes = []
    titles = [n for cells, n in zip(grid.rows[:header], grid.numbers[:header], strict=True)
              if any(cell_text(c) for c in cells)]
    if titles:
        notes.append(Problem(
            source + grid.where, grid.numbers[header], None, None,
            f"the header was found on row {grid.numbers[header]}; {describe_rows(titles)} "
            "above it were read as titles and skipped",
            "check that no data row was above the header", "warning", key="tables.titles_skipped",
            args={"row": str(grid.numbers[header]), "rows": describe_rows(titles)}))
    if grid.encoding in ("cp1252", "latin-1"):
        notes.append(Problem(
            source, None, None, None,
            "the file is not UTF-8; it was read as Windows-1252 (Latin-1), as Excel on "
            "Windows saves CSV",
            "check that names with accents look right in the results; save as 'CSV UTF-8' "
            "to avoid any doubt", "warning", key="tables.not_utf8"))
    return tuple(notes)


def grid_frame(grid: Grid, header: int, source: str) -> tuple[pd.DataFrame, list[str]]:
    """Return the rows under the header, blank rows dropped, indexed by the user's row."""
    names = [cell_text(c) or "" for c in grid.rows[header]]
    records, numbers, problems = [], [], []
    for cells, number in zip(grid.rows[header + 1:], grid.numbers[header + 1:], strict=True):
        if not any(cell_text(c) for c in cells):
            continue
        extra = [c for c in cells[len(names):] if cell_text(c)]
        if grid.cut_off and number == grid.numbers[-1] and len(cells) < len(names):
            problems.append(Problem(source + grid.where, number, names[len(cells) - 1] or None,
                                    cell_text(cells[-1]) if cells else None,
                                    f"the file ends in the middle of this row ({len(cells)} of "
                                    f"{len(names)} cells, no line break after it): it looks "
                                    "cut off",
                                    "copy or export the whole file again", key="tables.cut_off",
                                    args={"cells": str(len(cells)), "columns": str(len(names))}))
        if extra:
            problems.append(Problem(source + grid.where, number, None, cell_text(extra[0]),
                                    f"the row has {len(cells)} cells but the header has "
                                    f"{len(names)}",
                                    "quote values that contain the separator (e.g. a decimal "
                                    "comma in a comma-separated file), or separate with ';'",
                                    key="tables.extra_cells",
                                    args={"cells": str(len(cells)), "columns": str(len(names))}))
        padded = [*cells[:len(names)], *[None] * (len(names) - len(cells))]
        records.append([str(c).strip() if isinstance(c, str) and not isinstance(
            c, FormulaWithoutValue) else c for c in padded])
        numbers.append(number)
    if len(records) > MAX_TABLE_ROWS:
        problems.append(Problem(source + grid.where, None, None, f"{len(records):,} rows",
                                f"the table has {len(records):,} data rows; a participation, "
                                f"office or stops table has at most one row per village "
                                f"(Indonesia has about 84,000; the limit is "
                                f"{MAX_TABLE_ROWS:,})",
                                "check that this is the right file, and give one row per "
                                "village or office", key="tables.too_many_rows",
                                args={"rows": Measure(len(records)),
                                      "limit": Measure(MAX_TABLE_ROWS)}))
    if problems:
        raise InputError(problems)
    index = pd.Index(numbers, name="row", dtype="int64")
    frame = pd.DataFrame(records, index=index, columns=range(len(names)), dtype=object)
    return frame, names


def read_table(
    path: str | Path, aliases: dict[str, tuple[str, ...]], *,
    mapping: ColumnMapping | None = None, option: str = PARTICIPATION_OPTION,
    required: Sequence[Requirement] = (), sheet_name: str | None = None,
) -> InputTable:
    """
    Read a CSV or Excel table, find its header row and rename its columns.

    Parameters
    ----------
    path
        A ``.csv`` (comma-, semicolon- or tab-separated; UTF-8, UTF-8 with BOM, UTF-16
        or Latin-1/Windows-1252) or ``.xlsx`` file. Title rows above the header are
        skipped: the header is the first row with at least two known column names.
        Headers are matched whatever their case, spacing, dots or underscores, and by
        their parts: "Kalurahan/Kelurahan" is a village name, "Jumlah Angkatan Kerja
        (jiwa)" the labour force (see :func:`~geo_outreach.inputs.columns.resolve_columns`).
    aliases
        Canonical column name to the headers that mean it, e.g.
        :data:`~geo_outreach.inputs.schema.PARTICIPATION_ALIASES`.
    mapping
        The user's own headers for canonical columns; they count as known headers.
    option
        The command-line option to suggest in messages, e.g. ``--participation-columns``.
    required
        ``(label, columns)`` pairs: at least one of ``columns`` must be found.
    sheet_name
        A workbook's sheet to read (``--sheet``); None looks at every sheet and takes the
        one whose header matches best. Ignored for CSV.

    Returns
    -------
    InputTable
        The recognised columns only, indexed by the user's row numbers.

    Raises
    ------
    InputError
        Missing, empty or oversized file (:data:`MAX_TABLE_BYTES`, :data:`MAX_TABLE_ROWS`),
        unsupported format, a workbook or picture named ``.csv``, no header row, merged
        header cells, a required column missing or without a single value (one problem
        per missing column, listing the file's headers, the closest one and the option
        that maps it), a mapping that names a column the file does not have, a row with
        more cells than the header, or a file cut off in its last row.
    """
    path = Path(path)
    source = path.name
    check_file(path, TABLE_FORMATS, max_bytes=MAX_TABLE_BYTES, what=A_TABLE)
    mapped = frozenset(normalise_header(h) for h in (mapping or ColumnMapping()).columns.values())
    known = frozenset(a for names in aliases.values() for a in names) | mapped
    suffix = path.suffix.lower()
    if suffix in EXCEL_SUFFIXES:
        grid, header = read_excel_grid(path, known, source, sheet_name=sheet_name)
    elif suffix in CSV_SUFFIXES:
        grid, header = read_csv_grid(path, known)
    else:
        hint = part("save_as_xlsx", " (open it in Excel or LibreOffice and save as .xlsx)") if (
            suffix in OLD_SPREADSHEET_SUFFIXES) else ""
        raise InputError(Problem(source, None, None, suffix or path.name,
                                 f"this kind of file cannot be read as a table{hint}",
                                 f"give the table as {TABLE_FORMATS}", key="tables.unknown_kind",
                                 args={"hint": hint, "formats": TABLE_FORMATS}))
    if header is None:
        raise _no_header(grid, source, aliases, option)
    refuse_merged_header(grid, header, source)
    frame, names = grid_frame(grid, header, source)
    positions = resolve_columns(names, aliases, mapping, source=source, option=option)
    headers = {c: names[i] for c, i in positions.items()}
    require(required, positions, names, aliases, source=source + grid.where, option=option,
            headers=headers, empty=_empty_columns(frame, positions))
    data = pd.DataFrame({c: frame[i] for c, i in positions.items()}, index=frame.index)
    return InputTable(data, source + grid.where, headers, grid_notes(grid, header, source))


def _empty_columns(frame: pd.DataFrame, positions: dict[str, int]) -> frozenset[str]:
    """
    Name the identifier columns without a single value in a table that has rows.

    Such a column meets no requirement (see :data:`IDENTIFIER_COLUMNS`), so a file whose
    only code column is empty gets one message about its headers instead of one per row.
    A count column left blank is the rows' problem, reported row by row by the validators.
    """
    if frame.empty:
        return frozenset()
    return frozenset(c for c, i in positions.items()
                     if c in IDENTIFIER_COLUMNS and not any(cell_text(v) for v in frame[i]))
