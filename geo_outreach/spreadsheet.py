"""
Tables written for spreadsheet programs: no text cell can ever run as a formula.

Every CSV and XLSX file the tool writes goes through this module; field teams and district
staff open them in Excel or LibreOffice, and a village, kapanewon or office name such as
``=HYPERLINK("http://…")`` must stay the name it is (the OWASP CSV injection rule).

- **CSV** has no types, so text beginning with ``= + - @``, a tab or a carriage return gets
  a leading apostrophe (:func:`geo_outreach.escape.spreadsheet_safe`); numbers stay numbers.
- **XLSX** has types: such text is stored as a text cell, never as a formula, so the name
  reads exactly as typed.
"""

from __future__ import annotations

import io
from datetime import date, datetime
from typing import TYPE_CHECKING, Final

import numpy as np
import pandas as pd

from geo_outreach.escape import FORMULA_STARTS, spreadsheet_safe

if TYPE_CHECKING:
    from collections.abc import Mapping
    from pathlib import Path

    from openpyxl.worksheet.worksheet import Worksheet

MAX_COLUMN_WIDTH: Final = 60
"""The widest a column is made to fit its longest value (characters)."""


def safe_table(table: pd.DataFrame) -> pd.DataFrame:
    """
    Copy a table with every text cell and header kept from reading as a formula in a CSV.

    Parameters
    ----------
    table
        Any table.

    Returns
    -------
    pandas.DataFrame
        A copy; text columns' formula-like cells (and headers) carry a leading apostrophe.
    """
    out = table.copy()
    for column in out.columns:
        values = out[column]
        if values.dtype == object or isinstance(values.dtype, pd.StringDtype | pd.CategoricalDtype):
            out[column] = values.astype(object).map(spreadsheet_safe)
    out.columns = [spreadsheet_safe(column) for column in out.columns]
    return out


def write_csv(table: pd.DataFrame, target: Path | io.TextIOBase | None = None,
              **to_csv: str) -> str | None:
    """
    Write a table as CSV with formula-like text neutralised (:func:`safe_table`).

    Parameters
    ----------
    table
        The table; its index is not written.
    target
        A path or open text file; ``None`` returns the text.
    **to_csv
        More :meth:`pandas.DataFrame.to_csv` options (``encoding``, ``sep``, ...).

    Returns
    -------
    str or None
        The CSV text when ``target`` is ``None``.
    """
    return safe_table(table).to_csv(target, index=False, **to_csv)


def csv_bytes(table: pd.DataFrame, *, encoding: str = "utf-8-sig") -> bytes:
    """
    Give a table as CSV bytes for a download (UTF-8 with a byte-order mark by default).

    Parameters
    ----------
    table
        The table.
    encoding
        The text encoding; the byte-order mark lets Excel read the accents right.

    Returns
    -------
    bytes
        The CSV file's content.
    """
    return (write_csv(table) or "").encode(encoding)


def cell_value(value: object) -> object:
    """
    Give a table value as a worksheet takes it.

    Parameters
    ----------
    value
        A table cell.

    Returns
    -------
    object
        numpy scalars as Python values, missing as ``None`` (a blank cell), timestamps
        as ISO text; anything else unchanged.
    """
    if isinstance(value, np.generic):
        value = value.item()
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and np.isnan(value):
        return None
    if isinstance(value, pd.Timestamp | datetime | date):
        return value.isoformat()
    return value


def append_row(sheet: Worksheet, values: list[object]) -> int:
    """
    Append one row to a worksheet; text that looks like a formula is stored as text.

    Parameters
    ----------
    sheet
        An openpyxl worksheet.
    values
        The row's cells (converted by :func:`cell_value`).

    Returns
    -------
    int
        The row's number (1-based).
    """
    from openpyxl.cell.cell import Cell  # noqa: PLC0415  (openpyxl loads only when writing)

    cells = []
    for value in map(cell_value, values):
        cell = Cell(sheet, value=value)
        if isinstance(value, str) and value.startswith(FORMULA_STARTS):
            cell.data_type = "s"  # a text cell, not a formula
        cells.append(cell)
    # the cells are made here, not by append, so no lookup of the row just written (the
    # sheet's max_row walks every cell: quadratic over a sheet)
    sheet.append(cells)
    return int(cells[0].row) if cells else int(sheet.max_row)


def write_sheet(sheet: Worksheet, table: pd.DataFrame, *,
                headers: Mapping[str, str] | None = None,
                link_column: str | None = None) -> None:
    """
    Write a table on an empty worksheet: bold headers, frozen, columns sized to fit.

    Parameters
    ----------
    sheet
        An empty openpyxl worksheet.
    table
        The table.
    headers
        Header text per column name (columns not named keep their name).
    link_column
        A column whose cells are web links, made clickable.
    """
    from openpyxl.styles import Font  # noqa: PLC0415  (openpyxl loads only when writing)

    headers = headers or {}
    append_row(sheet, [headers.get(str(column), str(column)) for column in table.columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    link_position = (list(table.columns).index(link_column) + 1
                     if link_column in table.columns else None)
    for row in table.itertuples(index=False):
        number = append_row(sheet, list(row))
        if link_position is not None:
            cell = sheet.cell(row=number, column=link_position)
            if isinstance(cell.value, str) and cell.value.startswith("https://"):
                cell.hyperlink = cell.value
                cell.style = "Hyperlink"
    sheet.freeze_panes = "A2"
    for index, column in enumerate(table.columns, start=1):
        longest = max([len(str(headers.get(str(column), column))),
                       *(len(str(value)) for value in table[column])])
        letter = sheet.cell(row=1, column=index).column_letter
        sheet.column_dimensions[letter].width = min(max(longest + 2, 10), MAX_COLUMN_WIDTH)


def workbook_bytes(sheets: Mapping[str, pd.DataFrame]) -> bytes:
    """
    Write tables as one XLSX workbook, one sheet each, and give its bytes.

    Parameters
    ----------
    sheets
        Sheet title (cut to Excel's 31 characters) → table.

    Returns
    -------
    bytes
        The workbook file's content.
    """
    from openpyxl import Workbook  # noqa: PLC0415

    book = Workbook()
    book.remove(book.active)
    for title, table in sheets.items():
        write_sheet(book.create_sheet(title[:31]), table)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
