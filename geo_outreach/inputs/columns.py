"""
Canonical columns: find the user's headers for each role, and name rows the way the user sees them.

Every reader renames the user's columns to the canonical names of
:mod:`geo_outreach.inputs.schema` (by alias or by the user's mapping) and keeps the user's own
headers in :class:`InputTable`, so messages can name the column the user knows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Final

from rapidfuzz import fuzz, process

from geo_outreach._errors import InputError, Problem
from geo_outreach.config import ColumnMapping
from geo_outreach.inputs.codes import is_blank
from geo_outreach.inputs.schema import (
    PERSONAL_HEADERS,
    SEGMENTS,
    VILLAGE_COLUMNS,
    header_keys,
    normalise_header,
)
from geo_outreach.inputs.wording import (  # noqa: F401 - the readers import the options from here
    BOUNDARIES_OPTION,
    HOUSEHOLDS_OPTION,
    OFFICES_OPTION,
    PARTICIPATION_OPTION,
    either,
    mapping_args,
    part,
)

if TYPE_CHECKING:
    from collections.abc import Collection, Iterable, Mapping, Sequence

    import pandas as pd

    from geo_outreach._errors import Translatable
LISTED_ROWS: Final = 5
"""How many row numbers a grouped message lists before 'and N more'."""

LISTED_ALIASES: Final = 6
"""How many alias names a missing-column message suggests."""
MIN_SUGGESTION_SCORE: Final = 70.0
"""How like an alias (0-100, :func:`rapidfuzz.fuzz.WRatio`) a header must be to be suggested
for a missing column: "Nama Kalurhan" scores 96 against nama_kalurahan, "Keterangan" 63."""
_PLAIN_HEADER: Final = re.compile(r"[\w.\-]+")


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


# --- row and cell text shared with validate --------------------------------------------


def describe_rows(rows: Sequence[object], *, noun: str = "row") -> Translatable:
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
    Translatable
        E.g. ``"rows 3, 4, 9, 12, 15 and 20 more"`` or ``"row 3"``, with its label
        (``problem.part.rows.*`` or ``problem.part.features.*``).
    """
    shown = ", ".join(str(r) for r in rows[:LISTED_ROWS])
    more = len(rows) - LISTED_ROWS
    plural = noun + ("s" if len(rows) > 1 else "")
    number = "more" if more > 0 else "many" if len(rows) > 1 else "one"
    text = f"{plural} {shown}" + (f" and {more} more" if more > 0 else "")
    return part(f"{noun}s.{number}", text, rows=shown, more=str(more))


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


def alias_index(aliases: Mapping[str, Sequence[str]]) -> dict[str, str]:
    """
    Map each header key of an alias table to its canonical column.

    Parameters
    ----------
    aliases
        Canonical column to header keys, e.g.
        :data:`~geo_outreach.inputs.schema.PARTICIPATION_ALIASES`.

    Returns
    -------
    dict
        Header key to canonical column; a key listed under two columns belongs to the
        first.
    """
    index: dict[str, str] = {}
    for canonical, names in aliases.items():
        for name in names:
            index.setdefault(name, canonical)
    return index


def fallback_role(header: object, index: Mapping[str, str]) -> str | None:
    """
    Find the column a header means when its whole key is no alias.

    The header's other keys (:func:`~geo_outreach.inputs.schema.header_keys`: without a
    bracketed note, each slash-separated part) are looked up; they must agree.

    Parameters
    ----------
    header
        The user's header.
    index
        As built by :func:`alias_index`.

    Returns
    -------
    str or None
        The canonical column, or None when the header is blank or an alias itself, when no
        other key is known, when keys name different columns ("Desa/Kecamatan") or when a
        part is a personal field (:data:`~geo_outreach.inputs.schema.PERSONAL_HEADERS`).
    """
    keys = header_keys(header)
    if not keys or keys[0] in index or any(key in PERSONAL_HEADERS for key in keys):
        return None
    others = keys[1:]
    roles = {index[key] for key in others if key in index}
    return roles.pop() if len(roles) == 1 else None


def _unquoted(header: str) -> str:
    """Drop one pair of quotes around a mapped header (``name="Nama Desa"`` pasted as typed)."""
    text = header.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":  # noqa: PLR2004 - a pair
        return text[1:-1].strip()
    return text


def _mapping_problems(
    found: list[str], aliases: dict[str, tuple[str, ...]], mapping: ColumnMapping,
    *, source: str, option: str,
) -> tuple[dict[str, int], list[Problem]]:
    """Resolve the user's explicit canonical=header pairs to column positions."""
    positions: dict[str, int] = {}
    problems = []
    keys = [normalise_header(h) for h in found]
    fix_args = mapping_args(option)
    for canonical, given in mapping.columns.items():
        if canonical not in aliases:
            problems.append(Problem(source, None, None, f"{canonical}={given}",
                                    f"'{canonical}' is not a column this file can have",
                                    f"use {option} with names from: {', '.join(aliases)}",
                                    key="columns.unknown_role" if fix_args else None,
                                    args={**(fix_args or {}), "canonical": canonical,
                                          "names": ", ".join(aliases)}))
            continue
        header = _unquoted(given)
        exact = [i for i, h in enumerate(found) if h == header]
        loose = [i for i, k in enumerate(keys) if k == normalise_header(header)]
        if exact or loose:
            positions[canonical] = (exact or loose)[0]
            continue
        problems.append(Problem(source, None, header, f"{canonical}={given}",
                                f"the column '{header}' named for '{canonical}' is not in the "
                                f"file; its columns are: {', '.join(found)}",
                                f"correct {option} {canonical}=... to one of the columns above",
                                key="columns.mapped_header_missing" if fix_args else None,
                                args={**(fix_args or {}), "canonical": canonical,
                                      "header": header, "columns": ", ".join(found)}))
    return positions, problems


def resolve_columns(
    found: list[str], aliases: dict[str, tuple[str, ...]], mapping: ColumnMapping | None,
    *, source: str, option: str,
) -> dict[str, int]:
    """
    Find each canonical column's position among the user's headers.

    Parameters
    ----------
    found
        The file's headers, in order.
    aliases
        Canonical column to header keys (:mod:`geo_outreach.inputs.schema`).
    mapping
        The user's explicit ``canonical=header`` pairs; they come first.
    source
        The file name, for messages.
    option
        The command-line option that takes the mapping, for messages.

    Returns
    -------
    dict
        Canonical column to the position of its header. Each canonical column takes, in
        order: the mapped header; else the first header whose key
        (:func:`~geo_outreach.inputs.schema.normalise_header`) is one of its aliases,
        earlier aliases first; else the first header that means it by its other keys
        (:func:`fallback_role`: "Kalurahan/Kelurahan", "Angkatan Kerja (jiwa)"). A header
        serves one column at most.

    Raises
    ------
    InputError
        The mapping names a canonical column the file cannot have, or a header the file
        lacks.
    """
    positions, problems = _mapping_problems(found, aliases, mapping or ColumnMapping(),
                                            source=source, option=option)
    if problems:
        raise InputError(problems)
    keys = [normalise_header(h) for h in found]
    index = alias_index(aliases)
    fallbacks = [fallback_role(h, index) for h in found]
    for canonical, names in aliases.items():
        if canonical in positions:
            continue
        taken = set(positions.values())
        by_alias = (i for alias in names for i, key in enumerate(keys)
                    if key == alias and i not in taken)
        by_parts = (i for i, role in enumerate(fallbacks) if role == canonical and i not in taken)
        position = next(by_alias, None)
        if position is None:
            position = next(by_parts, None)
        if position is not None:
            positions[canonical] = position
    return positions


Requirement = tuple[str, tuple[str, ...]]
"""A label and the canonical columns of which at least one must be present."""

BOUNDARY_REQUIRED: Final[tuple[Requirement, ...]] = tuple(
    (part(f"requirement.village_{c}", c), (c,)) for c in VILLAGE_COLUMNS)
PARTICIPATION_REQUIRED: Final[tuple[Requirement, ...]] = (
    (part("requirement.village_id", "the village code (or the village name)"), ("code", "name")),
    (part("requirement.participants", "active participants (or the segments pu, bpu, jakon, "
          "pmi)"), ("participants", *SEGMENTS)),
    (part("requirement.denominator", "the labour force (or the employed population)"),
     ("labour_force", "employed")),
)
OFFICE_REQUIRED: Final[tuple[Requirement, ...]] = (
    (part("requirement.lat", "the latitude"), ("lat",)),
    (part("requirement.lon", "the longitude"), ("lon",)),
    (part("requirement.office_id", "the office name (or id)"), ("name", "office_id")),
)
IDENTIFIER_COLUMNS: Final = frozenset({"code", "name", "office_id"})
"""Columns that say which village or office a row is. When the only ones a table has are
empty, its header is at fault (the real name column was not recognised), not every row:
such columns meet no requirement."""


@dataclass(frozen=True)
class HeaderSuggestion:
    """
    The user's header most like the aliases of a missing column.

    Attributes
    ----------
    header
        The user's header, as written.
    canonical
        The canonical column it resembles.
    score
        Similarity, 0 to 100 (:func:`rapidfuzz.fuzz.WRatio` of the header keys).
    """

    header: str
    canonical: str
    score: float


def closest_header(
    headers: Iterable[str], columns: Sequence[str], aliases: Mapping[str, Sequence[str]],
) -> HeaderSuggestion | None:
    """
    Find the header most like the aliases of any of ``columns``.

    Parameters
    ----------
    headers
        The headers that could be meant (those not already taken by another column).
    columns
        Canonical columns, any of which would do.
    aliases
        Canonical column to header keys.

    Returns
    -------
    HeaderSuggestion or None
        The best match scoring at least :data:`MIN_SUGGESTION_SCORE`; on a tie the earlier
        column, then the earlier header. None when no header comes close.
    """
    best: HeaderSuggestion | None = None
    for canonical in columns:
        choices = [name.replace("_", " ") for name in aliases[canonical]]
        for header in headers:
            key = normalise_header(header).replace("_", " ")
            if not key:
                continue
            match = process.extractOne(key, choices, scorer=fuzz.WRatio,
                                       score_cutoff=MIN_SUGGESTION_SCORE)
            if match is not None and (best is None or match[1] > best.score):
                best = HeaderSuggestion(header, canonical, match[1])
    return best


def mapping_argument(option: str, canonical: str, header: str) -> str:
    """
    Write the command-line argument that maps a header to a canonical column.

    Parameters
    ----------
    option
        E.g. :data:`PARTICIPATION_OPTION`.
    canonical
        The canonical column, e.g. ``"name"``.
    header
        The user's header, quoted when it holds anything but letters, digits, ``_``,
        ``.`` and ``-``.

    Returns
    -------
    str
        E.g. ``--participation-columns name="Nama Kalurahan"``.
    """
    shown = header if _PLAIN_HEADER.fullmatch(header) else '"' + header.replace('"', '\\"') + '"'
    return f"{option} {canonical}={shown}"


def _alias_hint(aliases: Mapping[str, Sequence[str]], canonical: str) -> str:
    return ", ".join(aliases[canonical][:LISTED_ALIASES])


def _quoted_list(names: Iterable[str]) -> str:
    return ", ".join(f"'{name}'" for name in names)


def _missing_problem(
    requirement: Requirement, found: Sequence[str], aliases: dict[str, tuple[str, ...]],
    headers: Mapping[str, str], empty: Collection[str], *, source: str, option: str,
) -> Problem:
    """Describe one requirement no column meets: headers seen, the closest one, the fix."""
    label, columns = requirement
    roles = either(_quoted_list(columns[:1]), _quoted_list(columns[1:])) if columns[1:] else (
        _quoted_list(columns))
    seen = [str(c) for c in found if cell_text(c)]
    blank = [headers.get(c, c) for c in columns if c in empty]
    emptiness = part(f"empty_columns.{'one' if len(blank) == 1 else 'many'}",
                     f" with any value in it ({_quoted_list(blank)} "
                     f"{'is' if len(blank) == 1 else 'are'} empty)",
                     columns=_quoted_list(blank)) if blank else ""
    listed = ", ".join(seen) or part("none", "(none)")
    message = (f"no column for {label} ({roles}) was found{emptiness}; the file's columns "
               f"are: {listed}")
    taken = set(headers.values())
    suggestion = closest_header([h for h in seen if h not in taken], columns, aliases)
    fix_args = mapping_args(option)
    canonical = columns[0] if suggestion is None else suggestion.canonical
    args = {**(fix_args or {}), "label": label, "roles": roles, "emptiness": emptiness,
            "columns": listed, "closest": "", "canonical": canonical,
            "aliases": _alias_hint(aliases, canonical)}
    if suggestion is None:
        return Problem(source, None, None, None, message,
                       f"name the column one of: {_alias_hint(aliases, canonical)}"
                       + (f"; or map your own header with {option} {canonical}=YOUR_HEADER"
                          if option else ""), key="columns.missing" if fix_args else None,
                       args=args)
    args["closest"] = part("closest", f"; the closest is '{suggestion.header}'",
                           header=suggestion.header)
    message += args["closest"]
    if option:
        fix = (f"if '{suggestion.header}' is that column, map it with "
               f"{mapping_argument(option, canonical, suggestion.header)}; or name the column "
               f"one of: {_alias_hint(aliases, canonical)}")
    else:
        fix = (f"if '{suggestion.header}' is that column, rename it to {canonical}; or name the "
               f"column one of: {_alias_hint(aliases, canonical)}")
    pair = mapping_argument(option, canonical, suggestion.header).removeprefix(f"{option} ")
    return Problem(source, None, None, None, message, fix,
                   key="columns.missing_closest" if fix_args else None,
                   args={**args, "header": suggestion.header, "pair": pair})


def require(
    requirements: Sequence[Requirement], present: Iterable[str], found: Sequence[str],
    aliases: dict[str, tuple[str, ...]], *, source: str, option: str,
    headers: Mapping[str, str] | None = None, empty: Collection[str] = (),
) -> None:
    """
    Raise one problem per requirement that none of the present columns meets.

    Parameters
    ----------
    requirements
        ``(label, columns)`` pairs: at least one of ``columns`` must be present.
    present
        The canonical columns found.
    found
        The file's headers, as written, for the message.
    aliases
        Canonical column to header keys, for the suggested names.
    source
        The file name (with the sheet), for the message.
    option
        The command-line option that maps headers (``""`` when there is none).
    headers
        Canonical column to the user's header for the columns found; those headers are not
        suggested for another column.
    empty
        Present columns without a single value: they do not meet a requirement.

    Raises
    ------
    InputError
        One :class:`~geo_outreach._errors.Problem` per unmet requirement, never one per
        row: it lists the file's headers, the header closest to the missing column
        (:func:`closest_header`) and the ``option`` argument that would map it.
    """
    usable = set(present) - set(empty)
    problems = [_missing_problem(requirement, found, aliases, headers or {}, empty,
                                 source=source, option=option)
                for requirement in requirements if not usable & set(requirement[1])]
    if problems:
        raise InputError(problems)
