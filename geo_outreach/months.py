"""Calendar months written ``"YYYY-MM"``: check them, count between them, list them."""

from __future__ import annotations

import re
from typing import Final

MONTH_PATTERN: Final = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
"""A month as the snapshots name it: four-digit year, dash, two-digit month."""

MONTHS_PER_YEAR: Final = 12


def is_month(text: object) -> bool:
    """
    Tell whether a value is a month written ``"YYYY-MM"``.

    Parameters
    ----------
    text
        Any value.

    Returns
    -------
    bool
        True for text such as ``"2024-10"``; False for ``"2024-13"``, ``"2024-1"``, None.
    """
    return isinstance(text, str) and MONTH_PATTERN.match(text) is not None


def _month_number(month: str) -> int:
    """Count months since year 0: ``"2024-01"`` → 2024 × 12."""
    found = MONTH_PATTERN.match(month) if isinstance(month, str) else None
    if found is None:
        msg = f"{month!r} is not a month written YYYY-MM; write e.g. '2024-10'"
        raise ValueError(msg)
    return int(found.group(1)) * MONTHS_PER_YEAR + int(found.group(2)) - 1


def _month_text(number: int) -> str:
    """Write a month count back as ``"YYYY-MM"``."""
    year, month = divmod(number, MONTHS_PER_YEAR)
    return f"{year:04d}-{month + 1:02d}"


def months_between(first: str, last: str) -> int:
    """
    Count whole calendar months from one month to another.

    Parameters
    ----------
    first, last
        Months written ``"YYYY-MM"``.

    Returns
    -------
    int
        ``last − first`` in months: 9 from ``"2024-01"`` to ``"2024-10"``, 0 for the same
        month, negative when ``last`` comes first.

    Raises
    ------
    ValueError
        If a month is not written ``"YYYY-MM"``.

    Examples
    --------
    >>> months_between("2023-11", "2024-02")
    3
    """
    return _month_number(last) - _month_number(first)


def shift_month(month: str, months: int) -> str:
    """
    Move a month forward (or back, for a negative count).

    Parameters
    ----------
    month
        A month written ``"YYYY-MM"``.
    months
        How many months to move.

    Returns
    -------
    str
        The month ``months`` after ``month``, e.g. ``"2024-07"`` for ``("2024-10", -3)``.
    """
    return _month_text(_month_number(month) + months)


def month_range(first: str, last: str) -> list[str]:
    """
    List every month from ``first`` to ``last``, both included.

    Parameters
    ----------
    first, last
        Months written ``"YYYY-MM"``.

    Returns
    -------
    list[str]
        The months in order; empty when ``last`` comes before ``first``.

    Raises
    ------
    ValueError
        If a month is not written ``"YYYY-MM"``.

    Examples
    --------
    >>> month_range("2024-11", "2025-02")
    ['2024-11', '2024-12', '2025-01', '2025-02']
    """
    start, stop = _month_number(first), _month_number(last)
    return [_month_text(number) for number in range(start, stop + 1)]
