"""
Months as the store keys them (``"2024-10"``), and the checks an imported month must pass.

A month must be written ``YYYY-MM``, must not lie in the future (in DIY's time, WIB) and must
not come before the village codes it is matched against were in force: for the bundled
boundaries, whose codes are those of Kepmendagri No 100.1.1-6117 Tahun 2022 (identical for
DIY in No 300.2.2-2138 Tahun 2025), January 2022; for any boundaries, January 2014, when
BPJS Ketenagakerjaan began.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Final
from zoneinfo import ZoneInfo

from geo_outreach._errors import InputError, Problem, Translatable
from geo_outreach.months import is_month

WIB: Final = ZoneInfo("Asia/Jakarta")

BUNDLED_CODES_SINCE: Final = "2022-01"
"""The first month the bundled boundaries' codes are known to be in force."""

BUNDLED_CODE_LIST: Final = ("Kepmendagri No 100.1.1-6117 Tahun 2022 / "
                            "No 300.2.2-2138 Tahun 2025")
"""The code list the bundled boundaries follow, recorded with every import matched to them."""

BPJS_SINCE: Final = "2014-01"
"""BPJS Ketenagakerjaan has run since 1 January 2014: no participation table is older."""

BUNDLED_CODES_REASON: Final = Translatable(
    "the bundled village codes follow Kepmendagri No 100.1.1-6117 Tahun 2022",
    "problem.part.store.bundled_codes")
BPJS_REASON: Final = Translatable("BPJS Ketenagakerjaan began in January 2014",
                                  "problem.part.store.bpjs_start")


def today_in_yogyakarta() -> date:
    """
    Give today's date in DIY (WIB).

    Returns
    -------
    date
        Today in Asia/Jakarta.
    """
    return datetime.now(WIB).date()


def this_month(today: date | None = None) -> str:
    """
    Give the current month in DIY (WIB).

    Parameters
    ----------
    today
        The date to use; today in WIB when None.

    Returns
    -------
    str
        ``"YYYY-MM"``.
    """
    today = today or datetime.now(WIB).date()
    return f"{today.year:04d}-{today.month:02d}"


def check_month(text: str, *, source: str = "--month", earliest: str = BPJS_SINCE,
                earliest_reason: Translatable = BPJS_REASON,
                today: date | None = None, future: bool = False) -> str:
    """
    Check a month given by the user.

    Parameters
    ----------
    text
        The month as typed, e.g. ``"2024-10"``.
    source
        What named it, for the error (the option or the form field).
    earliest
        The first month allowed.
    earliest_reason
        Why that is the first month, for the error.
    today
        The date to compare with; today in WIB when None.
    future
        Allow a month after this one (a target month, not a table's month).

    Returns
    -------
    str
        The month, ``"YYYY-MM"``.

    Raises
    ------
    InputError
        If the month is malformed, in the future, or before ``earliest``.
    """
    value = str(text).strip()
    if not is_month(value):
        raise InputError(Problem(source, None, None, value,
                                 "a month must be written YYYY-MM",
                                 "write the month of the table, e.g. 2024-10 for October 2024",
                                 key="store.month_format"))
    now = this_month(today)
    if value > now and not future:
        raise InputError(Problem(source, None, None, value,
                                 f"the month lies in the future (this month is {now})",
                                 "give the month the table describes, at most this month",
                                 key="store.month_future", args={"now": now}))
    if value < earliest:
        raise InputError(Problem(source, None, None, value,
                                 f"the month is before {earliest}: {earliest_reason}",
                                 "give a later month, or boundaries whose codes were in force "
                                 "that month (--boundaries FILE)",
                                 key="store.month_too_early",
                                 args={"earliest": earliest, "reason": earliest_reason}))
    return value
