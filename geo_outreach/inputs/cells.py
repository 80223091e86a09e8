"""
One cell at a time: numbers and coordinates as people type them, and the problem a bad cell makes.

Thousands dots, decimal commas, dashes for zero and Excel's scientific notation are
recognised and reported, never guessed silently.
"""

from __future__ import annotations

import math
import numbers
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final, Literal

import pandas as pd

from geo_outreach._errors import Problem, Severity
from geo_outreach.inputs.codes import is_blank
from geo_outreach.inputs.columns import InputTable, cell_text
from geo_outreach.inputs.wording import part

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from geo_outreach._errors import MessageArg
_DASHES: Final = frozenset({"-", "\u2013", "\u2014"})

NumberStatus = Literal["ok", "blank", "text"]

Convention = Literal["", "comma_decimal", "dot_decimal"]
"""How a text number marks decimals: ``comma_decimal`` (Indonesian: 1.234,5),
``dot_decimal`` (English: 1,234.5), ``""`` when the text shows neither."""

_NUMBER_FORMATS: Final[tuple[tuple[re.Pattern[str], Callable[[str], str], str, Convention],
                             ...]] = (
    (re.compile(r"^-?\d{1,3}(\.\d{3})+$"), lambda s: s.replace(".", ""),
     part("number_format.thousands_dots", "dots as thousands separators (1.234 = 1234)"),
     "comma_decimal"),
    (re.compile(r"^-?\d{1,3}(\.\d{3})+,\d+$"), lambda s: s.replace(".", "").replace(",", "."),
     part("number_format.indonesian", "the Indonesian format (1.234,5 = 1234.5)"),
     "comma_decimal"),
    (re.compile(r"^-?\d{1,3}(,\d{3})+$"), lambda s: s.replace(",", ""),
     part("number_format.thousands_commas", "commas as thousands separators (1,234 = 1234)"),
     "dot_decimal"),
    (re.compile(r"^-?\d{1,3}(,\d{3})+\.\d+$"), lambda s: s.replace(",", ""),
     part("number_format.english", "the English format (1,234.5 = 1234.5)"), "dot_decimal"),
    (re.compile(r"^-?\d+,\d+$"), lambda s: s.replace(",", "."),
     part("number_format.decimal_comma", "a decimal comma (12,5 = 12.5)"), "comma_decimal"),
)
"""Ambiguous number formats, how to rewrite them for float(), what that assumes (in
words that can be translated: :func:`geo_outreach.inputs.wording.part`) and the decimal
convention it belongs to."""
_DASH_AS_ZERO: Final = part("number_format.dash_zero", "'-' as zero, as in BPS tables")


@dataclass(frozen=True)
class ParsedNumber:
    """
    A cell read as a number.

    Attributes
    ----------
    value
        The number; None when blank or not a number.
    status
        ``"ok"``, ``"blank"`` or ``"text"`` (not a number).
    assumption
        How an ambiguous format was read, e.g. ``"dots as thousands separators"``;
        empty when nothing was assumed.
    convention
        The decimal convention the text shows (:data:`Convention`): a column whose cells
        show both is worth a warning.
    """

    value: float | None
    status: NumberStatus
    assumption: str = ""
    convention: Convention = ""


def _finite(number: float, assumption: str = "", convention: Convention = "") -> ParsedNumber:
    if math.isfinite(number):
        return ParsedNumber(number, "ok", assumption, convention)
    return ParsedNumber(None, "text")


def _float_text(text: str, assumption: str = "", convention: Convention = "") -> ParsedNumber:
    try:
        return _finite(float(text), assumption, convention)
    except ValueError:
        return ParsedNumber(None, "text")


def _parse_cell(value: object, read_text: Callable[[str], ParsedNumber]) -> ParsedNumber:
    """Read numbers as they are, blanks as blank, and text with ``read_text``."""
    if isinstance(value, bool):
        return ParsedNumber(None, "text")
    if is_blank(value):
        return ParsedNumber(None, "blank")
    if isinstance(value, numbers.Real):
        return _finite(float(value))
    return read_text(re.sub(r"[\s\u00a0'\u00b0]", "", str(value)))


def _count_text(text: str) -> ParsedNumber:
    if text in _DASHES:
        return ParsedNumber(0.0, "ok", _DASH_AS_ZERO)
    for pattern, rewrite, assumption, convention in _NUMBER_FORMATS:
        if pattern.match(text):
            return _float_text(rewrite(text), assumption, convention)
    return _float_text(text, convention="dot_decimal" if "." in text else "")


def _coordinate_text(text: str) -> ParsedNumber:
    if re.fullmatch(r"-?\d+,\d+", text):
        text = text.replace(",", ".")
    return _float_text(text)


def parse_number(value: object) -> ParsedNumber:
    """
    Read a count, accepting Indonesian and English number formats.

    Parameters
    ----------
    value
        A cell: a number, or text such as ``"1234"``, ``"1.234"`` (thousands dots),
        ``"1.234,5"``, ``"1,234"``, ``"12,5"`` or ``"-"`` (read as 0, as in BPS tables).

    Returns
    -------
    ParsedNumber
        The value, and what was assumed to read it.

    Examples
    --------
    >>> parse_number("1.234").value
    1234.0
    """
    return _parse_cell(value, _count_text)


def parse_coordinate(value: object) -> ParsedNumber:
    """
    Read a latitude or longitude in decimal degrees, accepting a decimal comma.

    Parameters
    ----------
    value
        A number, or text such as ``"-7.78305"`` or ``"-7,78305"``.

    Returns
    -------
    ParsedNumber
        The value in degrees.
    """
    return _parse_cell(value, _coordinate_text)


def cell_problem(  # noqa: PLR0917 - mirrors the positional fields of Problem
    table: InputTable, row: object, column: str | None, value: object, message: str, fix: str,
    severity: Severity = "error", *, key: str | None = None,
    args: Mapping[str, MessageArg] | None = None,
) -> Problem:
    """Locate a problem in the user's terms (their row number and their header), with its label."""
    return Problem(table.source, None if row is None else int(row),
                   None if column is None else table.header(column),
                   None if value is None else cell_text(value), message, fix, severity,
                   key=key, args=dict(args or {}))


# --- participation ---------------------------------------------------------------------


def text_series(values: pd.Series) -> pd.Series:
    """Return each cell as the text the user typed (see :func:`cell_text`)."""
    return pd.Series([cell_text(v) for v in values], index=values.index, dtype="str")
