"""
Canonical columns: find the user's headers for each role, and name rows the way the user sees them.

Every reader renames the user's columns to the canonical names of
:mod:`geo_outreach.inputs.schema` (by alias or by the user's mapping) and keeps the user's own
headers in :class:`InputTable`, so messages can name the column the user knows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Final

from geo_outreach._errors import InputError, Problem
from geo_outreach.config import ColumnMapping
from geo_outreach.inputs.codes import is_blank
from geo_outreach.inputs.schema import SEGMENTS, VILLAGE_COLUMNS, normalise_header

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    import pandas as pd
LISTED_ROWS: Final = 5
"""How many row numbers a grouped message lists before 'and N more'."""

BOUNDARIES_OPTION: Final = "--boundary-columns"
PARTICIPATION_OPTION: Final = "--participation-columns"
OFFICES_OPTION: Final = "--office-columns"


@dataclass(frozen=True)
class InputTable:
    """
    A participation or office table as read, with canonical column names.

    Attributes
    ----------
    data
        Canonical columns (:data:`~geo_outreach.inputs.schema.PARTICIPATION_ALIASES` or
        :data:`~geo_outreach.inputs.schema.OFFICE_ALIASES`), values as read (text from CSV,
        text or numbers from Excel; None for blank cells). The index, named ``row``, is
        the row number the user sees in their spreadsheet (the feature number for a GIS
        file).
    source
        The file name, for messages.
    headers
        Canonical name to the user's own header, so messages can name the user's column.
    notes
        Warnings about how the file was read (title rows skipped, a guessed encoding),
        for the validators to report.
    """

    data: pd.DataFrame
    source: str
    headers: dict[str, str] = field(default_factory=dict)
    notes: tuple[Problem, ...] = ()

    def header(self, column: str) -> str:
        """Return the user's header for a canonical column (the canonical name if absent)."""
        return self.headers.get(column, column)


# --- helpers shared with validate ------------------------------------------------------


def describe_rows(rows: Sequence[object], *, noun: str = "row") -> str:
    """
    List row numbers for a message, shortening long lists.

    Parameters
    ----------
    rows
        Row numbers (or other labels) in order.
    noun
        ``"row"`` or ``"feature"``.

    Returns
    -------
    str
        E.g. ``"rows 3, 4, 9, 12, 15 and 20 more"`` or ``"row 3"``.
    """
    shown = ", ".join(str(r) for r in rows[:LISTED_ROWS])
    more = len(rows) - LISTED_ROWS
    plural = noun + ("s" if len(rows) > 1 else "")
    return f"{plural} {shown}" + (f" and {more} more" if more > 0 else "")


def cell_text(value: object) -> str | None:
    """
    Return a cell as trimmed text for messages and names, None when blank.

    Parameters
    ----------
    value
        A cell as read.

    Returns
    -------
    str or None
        Whole floats lose their ``.0`` (``1176.0`` gives ``"1176"``).
    """
    if is_blank(value):
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


# --- column resolution -----------------------------------------------------------------


def _alias_hint(aliases: dict[str, tuple[str, ...]], canonical: str) -> str:
    return ", ".join(aliases[canonical][:6])


def _mapping_problems(
    found: list[str], aliases: dict[str, tuple[str, ...]], mapping: ColumnMapping,
    *, source: str, option: str,
) -> tuple[dict[str, int], list[Problem]]:
    """Resolve the user's explicit canonical=header pairs to column positions."""
    positions: dict[str, int] = {}
    problems = []
    keys = [normalise_header(h) for h in found]
    for canonical, header in mapping.columns.items():
        if canonical not in aliases:
            problems.append(Problem(source, None, None, f"{canonical}={header}",
                                    f"'{canonical}' is not a column this file can have",
                                    f"use {option} with names from: {', '.join(aliases)}"))
            continue
        exact = [i for i, h in enumerate(found) if h == header]
        loose = [i for i, k in enumerate(keys) if k == normalise_header(header)]
        if exact or loose:
            positions[canonical] = (exact or loose)[0]
            continue
        problems.append(Problem(source, None, header, f"{canonical}={header}",
                                f"the column '{header}' named for '{canonical}' is not in the "
                                f"file; its columns are: {', '.join(found)}",
                                f"correct {option} {canonical}=... to one of the columns above"))
    return positions, problems


def resolve_columns(
    found: list[str], aliases: dict[str, tuple[str, ...]], mapping: ColumnMapping | None,
    *, source: str, option: str,
) -> dict[str, int]:
    """Find each canonical column's position: the explicit mapping first, then aliases."""
    positions, problems = _mapping_problems(found, aliases, mapping or ColumnMapping(),
                                            source=source, option=option)
    if problems:
        raise InputError(problems)
    keys = [normalise_header(h) for h in found]
    for canonical, names in aliases.items():
        if canonical in positions:
            continue
        for alias in names:
            free = [i for i, k in enumerate(keys) if k == alias and i not in positions.values()]
            if free:
                positions[canonical] = free[0]
                break
    return positions


Requirement = tuple[str, tuple[str, ...]]
"""A label and the canonical columns of which at least one must be present."""

BOUNDARY_REQUIRED: Final[tuple[Requirement, ...]] = tuple((c, (c,)) for c in VILLAGE_COLUMNS)
PARTICIPATION_REQUIRED: Final[tuple[Requirement, ...]] = (
    ("the village code (or the village name)", ("code", "name")),
    ("active participants (or the segments pu, bpu, jakon, pmi)", ("participants", *SEGMENTS)),
    ("the labour force (or the employed population)", ("labour_force", "employed")),
)
OFFICE_REQUIRED: Final[tuple[Requirement, ...]] = (
    ("the latitude", ("lat",)), ("the longitude", ("lon",)),
    ("the office name (or id)", ("name", "office_id")),
)


def require(
    requirements: Sequence[Requirement], present: Iterable[str], found: Sequence[str],
    aliases: dict[str, tuple[str, ...]], *, source: str, option: str,
) -> None:
    """Raise one problem per requirement that none of the present columns meets."""
    present = set(present)
    problems = []
    for label, columns in requirements:
        if present & set(columns):
            continue
        canonical = columns[0]
        problems.append(Problem(
            source, None, None, None,
            f"no column for {label} ('{canonical}') was found; the file's columns are: "
            f"{', '.join(str(c) for c in found if c) or '(none)'}",
            f"name the column one of: {_alias_hint(aliases, canonical)}"
            + (f"; or map your own header with {option} {canonical}=YOUR_HEADER"
               if option else "")))
    if problems:
        raise InputError(problems)
