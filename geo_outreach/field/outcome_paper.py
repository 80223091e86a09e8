"""
The paper template, typed in: one row per stop, a count of households per outcome.

Teams without phones fill the printed walk sheet; someone types it into the template
(:data:`~geo_outreach.outcome_codes.PAPER_COLUMNS`, headers in Indonesian or English): a
first line ``# rencana: <plan_id>`` (``# plan: <plan_id>``), the header, then one row per
stop. Each outcome counted on a row becomes one record about that many households, with
the submission id ``kertas:<plan>:<stop>:<visit date>:<outcome>``: typing the same row
into the next file again gives the same ids, so it is stored once. A row with no count is
a stop not visited (or not typed yet) and is skipped.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

import pandas as pd

from geo_outreach._errors import InputError, Problem
from geo_outreach.field.outcome_cells import read_date, read_whole
from geo_outreach.field.outcome_checks import SubmissionTable
from geo_outreach.inputs.columns import cell_text
from geo_outreach.inputs.schema import header_keys, normalise_header
from geo_outreach.outcome_codes import (
    COME_BACK,
    OUTCOMES,
    PAPER_COLUMNS,
    PAPER_PLAN_LINE,
    RECORD_COLUMNS,
    REGISTERED,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

REQUIRED: Final = ("stop_id", "visited_on")
"""The template's columns a file must have (besides a count column)."""
PAPER_ID_PREFIX: Final = "kertas"
"""How a paper record's submission id starts."""
PAPER_HOW: Final = ("the paper template: a first line '# rencana: <plan id>', then the "
                    "headers Kode titik, Tim, Tanggal kunjungan and one count column per "
                    "outcome (or their English names), one row per stop")
_PLAN_MARKS: Final = tuple(line.strip().lower().rstrip(":") for line in PAPER_PLAN_LINE.values())
_HEADER_KEYS: Final = {normalise_header(text): column for column, words in PAPER_COLUMNS.items()
                       for text in words.values()}
_SHORT_KEYS: Final = {header_keys(text)[1]: column for column, words in PAPER_COLUMNS.items()
                      for text in words.values() if len(header_keys(text)) > 1}
PAPER_KEYS: Final = frozenset(_HEADER_KEYS) | frozenset(_SHORT_KEYS)
"""Every header key of the template, for finding its header row."""


def paper_positions(names: Sequence[str]) -> dict[str, int]:
    """
    Find the template's columns among a table's headers.

    Parameters
    ----------
    names
        The headers, in Indonesian or English (case, spacing and underscores do not
        matter; a header without its bracketed note, "Menolak", is known too).

    Returns
    -------
    dict
        :data:`~geo_outreach.outcome_codes.PAPER_COLUMNS` key to the header's position.
    """
    found: dict[str, int] = {}
    for position, name in enumerate(names):
        keys = header_keys(name)
        column = _HEADER_KEYS.get(keys[0]) if keys else None
        if column is None and len(keys) > 1:
            column = _SHORT_KEYS.get(keys[1])
        if column is not None:
            found.setdefault(column, position)
    return found


def is_paper(names: Sequence[str]) -> bool:
    """
    Tell whether a table's headers are the paper template's.

    Parameters
    ----------
    names
        The headers.

    Returns
    -------
    bool
        True when the stop code and at least one outcome count are among them.
    """
    found = paper_positions(names)
    return "stop_id" in found and any(outcome in found for outcome in OUTCOMES)


def paper_plan(lines: Sequence[Sequence[object]]) -> str:
    """
    Read the plan from the template's first line.

    Parameters
    ----------
    lines
        The rows above the header, as cells.

    Returns
    -------
    str
        The plan id after ``# rencana:`` or ``# plan:``; ``""`` when no line names one.
    """
    for cells in lines:
        text = next((cell_text(c) for c in cells if cell_text(c)), None)
        if text is None:
            continue
        mark, _, plan = text.partition(":")
        if mark.strip().lower() in _PLAN_MARKS:
            return plan.strip()
    return ""


def _counted(value: object) -> bool:
    """Whether a count cell makes a record: a number other than 0, or something wrong."""
    number, why = read_whole(value)
    return why not in {"", "blank"} or (number is not None and number != 0)


def paper_submissions(frame: pd.DataFrame, names: Sequence[str], plan_id: str, source: str
                      ) -> tuple[SubmissionTable, list[Problem]]:
    """
    Turn the template's rows into one submission per outcome counted.

    Parameters
    ----------
    frame
        The table's cells, one column per header in ``names`` order (columns numbered from
        0), indexed by the row the user sees.
    names
        The headers.
    plan_id
        The plan named on the first line (``""`` when none).
    source
        The file's name.

    Returns
    -------
    submissions
        One row per outcome counted on a row, about that many households; the workers
        registered and the segment go with the registered households, the come-back date
        with those to come back to.
    rejected
        Rows giving workers registered without a registered household.

    Raises
    ------
    InputError
        The template lacks the stop code or the visit date column.
    """
    names = [str(n) for n in names]
    found = paper_positions(names)
    missing = [c for c in REQUIRED if c not in found]
    if missing:
        raise InputError([Problem(
            source, None, f"{PAPER_COLUMNS[c]['id']} / {PAPER_COLUMNS[c]['en']}", None,
            f"the paper template has no column {PAPER_COLUMNS[c]['id']} "
            f"({PAPER_COLUMNS[c]['en']}); its columns are: {', '.join(names)}",
            f"add the column with this header, or start again from {PAPER_HOW}")
            for c in missing])
    rows: list[dict[str, object]] = []
    count_headers: list[str] = []
    rejected: list[Problem] = []
    for number, cells in zip(frame.index, frame.itertuples(index=False, name=None), strict=True):
        def cell(column: str, cells: tuple[object, ...] = cells) -> object:
            return cells[found[column]] if column in found else None
        counted = [o for o in OUTCOMES if o in found and _counted(cell(o))]
        workers, _ = read_whole(cell("workers_registered"))
        if workers and REGISTERED not in counted and counted:
            rejected.append(Problem(
                source, int(number), names[found["workers_registered"]], str(workers),
                f"{workers} worker(s) registered but no household is counted as registered",
                f"write the registered households ({names[found[REGISTERED]]})"
                if REGISTERED in found else "add the registered households column"))
        stop = cell_text(cell("stop_id")) or ""
        visited, _ = read_date(cell("visited_on"))
        for outcome in counted:
            key = f"{stop}:{visited}" if stop and visited else f"row-{number}"
            rows.append({
                "submission_id": f"{PAPER_ID_PREFIX}:{plan_id}:{key}:{outcome}",
                "plan_id": plan_id, "team": cell("team"), "stop_id": cell("stop_id"),
                "visited_on": cell("visited_on"), "outcome": outcome,
                "come_back_on": cell("come_back_on") if outcome == COME_BACK else None,
                "households": cell(outcome),
                "workers_registered": cell("workers_registered") if outcome == REGISTERED
                else None,
                "segment": cell("segment") if outcome == REGISTERED else None,
                "note": cell("note"), "source_row": int(number)})
            count_headers.append(names[found[outcome]])
    headers = {c: names[found[c]] for c in PAPER_COLUMNS if c in found and c in RECORD_COLUMNS}
    headers |= {c: PAPER_COLUMNS[c]["id"] if c in PAPER_COLUMNS else c
                for c in RECORD_COLUMNS if c not in headers}
    cells = pd.DataFrame(rows, columns=list(RECORD_COLUMNS), dtype=object)
    return SubmissionTable(cells, source, headers,
                           row_headers={"households": pd.Series(count_headers, dtype=object)}
                           ), rejected
