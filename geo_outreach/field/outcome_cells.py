"""
Cells of a field export as people and field apps write them: dates, times, teams, codes.

Dates come as the exports write them (2026-12-07) or as Indonesians write them by hand,
day first (07/12/2026, 7-12-2026); outcomes and segments as their codes or their labels in
Indonesian or English (a KoboToolbox GeoJSON export writes the labels).
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Final

import pandas as pd

from geo_outreach.inputs.cells import parse_number
from geo_outreach.inputs.codes import is_blank
from geo_outreach.inputs.columns import cell_text
from geo_outreach.outcome_codes import OUTCOME_LABELS, SEGMENT_LABELS

YEARS: Final = (2000, 2099)
"""The years a visit or come-back date can be in."""
DATE_EXAMPLE: Final = "2026-12-07, 07/12/2026 or 7-12-2026 (day first)"
"""How a date may be written, for the fixes."""
_ISO_DATE: Final = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[T ]\d.*)?")
_DAY_FIRST: Final = re.compile(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4}|\d{2})")
_TEAM: Final = re.compile(r"(?:tim|team)?[\s_\-]*(\d+)", re.IGNORECASE)
_TWO_DIGIT_YEAR: Final = 2
MONTHS: Final = ("January", "February", "March", "April", "May", "June", "July", "August",
                 "September", "October", "November", "December")


# --- cells --------------------------------------------------------------------------


def _words(text: str) -> str:
    return " ".join(text.lower().replace("_", " ").split())


_OUTCOME_WORDS: Final = {_words(name): code for code, labels in OUTCOME_LABELS.items()
                         for name in (code, *labels.values())}
_SEGMENT_WORDS: Final = {_words(name): code for code, labels in SEGMENT_LABELS.items()
                         for name in (code, *labels.values())}


def outcome_code(value: object) -> str | None:
    """
    Read an outcome as its code: the choice name, or its label in Indonesian or English.

    Parameters
    ----------
    value
        A cell: ``"terdaftar"``, ``"Tidak di rumah"``, ``"Refused"`` ...

    Returns
    -------
    str or None
        One of :data:`~geo_outreach.outcome_codes.OUTCOMES`; None when the cell is none.
    """
    text = cell_text(value)
    return None if text is None else _OUTCOME_WORDS.get(_words(text))


def segment_code(value: object) -> str | None:
    """
    Read a segment as its code (``bpu``, ``pu``, ``jakon``, ``pmi``), from a code or a label.

    Parameters
    ----------
    value
        A cell: ``"bpu"``, ``"BPU"``, ``"Jasa Konstruksi"`` ...

    Returns
    -------
    str or None
        One of :data:`~geo_outreach.outcome_codes.SEGMENTS`; None when the cell is none.
    """
    text = cell_text(value)
    return None if text is None else _SEGMENT_WORDS.get(_words(text))


def _checked_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def read_date(value: object) -> tuple[str | None, str]:
    """
    Read a date written in an export or by hand.

    Parameters
    ----------
    value
        A cell: a date or datetime (from Excel), or text such as ``2026-12-07`` (also with
        a time after it), ``07/12/2026``, ``7-12-2026`` or ``7.12.2026`` (day first).

    Returns
    -------
    tuple
        ``(YYYY-MM-DD, "")`` when read; ``(None, why)`` when blank (``why`` is ``""``), or
        when it is not a date, has a two-digit year or cannot exist (``why`` says so).

    Examples
    --------
    >>> read_date("7-12-2026")
    ('2026-12-07', '')
    >>> read_date("31/02/2026")[1]
    'there is no 31 February 2026'
    """
    if is_blank(value):
        return None, ""
    if isinstance(value, datetime | pd.Timestamp):
        value = value.date()
    if isinstance(value, date):
        found: date | None = value
    else:
        text = cell_text(value) or ""
        if match := _ISO_DATE.fullmatch(text):
            year, month, day = (int(g) for g in match.groups())
        elif match := _DAY_FIRST.fullmatch(text):
            day, month, year = (int(g) for g in match.groups())
            if len(match.group(3)) == _TWO_DIGIT_YEAR:
                return None, "the year has only two digits, so the date is ambiguous"
        else:
            return None, "this is not a date"
        found = _checked_date(year, month, day)
        if found is None:
            return None, _impossible(year, month, day)
    if not YEARS[0] <= found.year <= YEARS[1]:
        return None, f"the year {found.year} cannot be a visit's"
    return found.isoformat(), ""


def _impossible(year: int, month: int, day: int) -> str:
    """Say why a date cannot exist; a month-first date gets the hint that days come first."""
    if 1 <= month <= len(MONTHS):
        return f"there is no {day} {MONTHS[month - 1]} {year}"
    if _checked_date(year, day, month) is not None:
        return (f"there is no month {month}: dates are read day first (07/12/2026 is 7 "
                f"December); if this is {month} {MONTHS[day - 1]} {year}, write "
                f"{month:02d}/{day:02d}/{year}")
    return f"there is no month {month}"


def read_time(value: object) -> str:
    """
    Write a form's start or end time as ISO 8601 to the second (``""`` when blank).

    Parameters
    ----------
    value
        ``2026-12-07T09:15:00.000+07:00`` as the exports write it, a datetime from Excel,
        or other text (kept as written).

    Returns
    -------
    str
        E.g. ``2026-12-07T09:15:00+07:00``.
    """
    if is_blank(value):
        return ""
    if isinstance(value, datetime | pd.Timestamp):
        return value.isoformat(timespec="seconds")
    text = cell_text(value) or ""
    try:
        return datetime.fromisoformat(text).isoformat(timespec="seconds")
    except ValueError:
        return text


def read_whole(value: object) -> tuple[int | None, str]:
    """
    Read a whole number, written as :func:`~geo_outreach.inputs.cells.parse_number` reads.

    Parameters
    ----------
    value
        A cell.

    Returns
    -------
    tuple
        ``(number, "")``; ``(None, "blank")``; or ``(None, why)`` for text or a fraction.
    """
    parsed = parse_number(value)
    if parsed.status == "blank":
        return None, "blank"
    if parsed.value is None:
        return None, "this is not a number"
    if not float(parsed.value).is_integer():
        return None, "this is not a whole number"
    return int(parsed.value), ""


def read_team(value: object) -> tuple[int | None, str]:
    """
    Read a team number: ``2``, ``2.0``, ``"Tim 2"`` or ``"team_2"``.

    Parameters
    ----------
    value
        A cell.

    Returns
    -------
    tuple
        ``(team, "")``; ``(None, "")`` when blank; ``(None, why)`` when it is no team.
    """
    if is_blank(value):
        return None, ""
    text = cell_text(value) or ""
    match = _TEAM.fullmatch(text)
    number, _ = read_whole(match.group(1) if match else value)
    if number is None:
        return None, "this is not a team number"
    return (number, "") if number >= 1 else (None, "teams are numbered from 1")
