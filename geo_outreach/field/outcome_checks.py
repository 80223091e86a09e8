"""
One submission at a time: read its cells into the canonical outcome record, or say what is wrong.

Every reader of a field export (:mod:`geo_outreach.field.outcome_formats` for ODK Central
and KoboToolbox, :mod:`geo_outreach.field.outcome_paper` for the paper template) hands
over a :class:`SubmissionTable`: the cells as read, under the
:data:`~geo_outreach.outcome_codes.RECORD_COLUMNS` names. :func:`check_submissions` turns
each row into a record or into problems naming the row, the user's column, the value and
the fix; a row with a problem is kept out. The cells themselves are read by
:mod:`geo_outreach.field.outcome_cells`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Final

import numpy as np
import pandas as pd

from geo_outreach._errors import Problem
from geo_outreach.field.outcome_cells import (
    DATE_EXAMPLE,
    outcome_code,
    read_date,
    read_team,
    read_time,
    read_whole,
    segment_code,
)
from geo_outreach.inputs.cells import parse_coordinate, parse_number
from geo_outreach.inputs.codes import is_blank
from geo_outreach.inputs.columns import cell_text
from geo_outreach.outcome_codes import COME_BACK, OUTCOMES, RECORD_COLUMNS, REGISTERED, SEGMENTS

if TYPE_CHECKING:
    from collections.abc import Mapping

INDONESIA_LAT: Final = (-11.0, 6.0)
"""Latitudes a point in Indonesia can have (Rote's south tip to Weh's north)."""
INDONESIA_LON: Final = (95.0, 141.0)
"""Longitudes a point in Indonesia can have (Aceh to the Papua border)."""
_LAT_LIMIT: Final = 90.0
_LON_LIMIT: Final = 180.0

RECORD_DTYPES: Final[dict[str, str]] = {
    "team": "Int64", "households": "int64", "workers_living": "Int64",
    "workers_registered": "int64", "lat": "float64", "lon": "float64",
    "accuracy_m": "float64", "source_row": "int64",
}
"""The record's typed columns; every other column is text (``str``, ``""`` when not given)."""
TEXT_COLUMNS: Final = tuple(c for c in RECORD_COLUMNS if c not in RECORD_DTYPES)


@dataclass(frozen=True)
class SubmissionTable:
    """
    A field export's submissions as read, before any check.

    Attributes
    ----------
    cells
        One row per submission with the :data:`~geo_outreach.outcome_codes.RECORD_COLUMNS`
        names, the cells as read (text, numbers, dates; None when the export has no such
        column or the cell is blank); ``source_row`` is the row (or feature) the user sees.
    source
        The file's name, for messages.
    headers
        Record column to the user's own header, so messages name the column the user sees.
    row_headers
        Record columns whose header differs from row to row (the paper template's
        household counts, one column per outcome): the header for each row of ``cells``.
    warnings
        What the reader noted (submissions left out by review, a guessed encoding).
    """

    cells: pd.DataFrame
    source: str
    headers: Mapping[str, str]
    row_headers: Mapping[str, pd.Series] = field(default_factory=dict)
    warnings: tuple[Problem, ...] = ()


def empty_records() -> pd.DataFrame:
    """
    Return an outcome table without rows, with the record's columns and types.

    Returns
    -------
    pd.DataFrame
        :data:`~geo_outreach.outcome_codes.RECORD_COLUMNS`, typed as in :data:`RECORD_DTYPES`
        (text columns ``str``).
    """
    return pd.DataFrame({c: pd.Series(dtype=RECORD_DTYPES.get(c, "str"))
                         for c in RECORD_COLUMNS})


# --- rows ---------------------------------------------------------------------------


class _Row:
    """One submission being read: its cells, the record built so far, and its problems."""

    def __init__(self, table: SubmissionTable, position: int, cells: Mapping[str, object]
                 ) -> None:
        self.table = table
        self.position = position
        self.cells = cells
        self.number = int(cells["source_row"])  # type: ignore[call-overload]
        self.record: dict[str, object] = {"source_row": self.number}
        self.problems: list[Problem] = []

    def header(self, column: str) -> str:
        """Return the user's header of a record column on this row."""
        if column in self.table.row_headers:
            return str(self.table.row_headers[column].iloc[self.position])
        return self.table.headers.get(column, column)

    def text(self, column: str) -> str:
        """Return the cell as trimmed text, ``""`` when blank."""
        return cell_text(self.cells.get(column)) or ""

    def fail(self, column: str, message: str, fix: str, value: object = None) -> None:
        """Note a problem in this row's ``column`` (its value unless another is given)."""
        shown = cell_text(self.cells.get(column)) if value is None else str(value)
        self.problems.append(Problem(self.table.source, self.number, self.header(column),
                                     shown, message, fix))


def _identity(row: _Row) -> None:
    """Read the submission id, plan, stop and team."""
    row.record["submission_id"] = row.text("submission_id")
    if not row.record["submission_id"]:
        row.fail("submission_id", "the submission has no id",
                 "export the submissions again from ODK Central or KoboToolbox and keep "
                 "their id columns (KEY, meta-instanceID, _uuid)")
    row.record["plan_id"] = row.text("plan_id")
    row.record["stop_id"] = row.text("stop_id")
    if not row.record["stop_id"]:
        row.fail("stop_id", "the submission does not say which stop it is",
                 "choose the stop (titik) in the form, or write the stop code as on the "
                 "walk sheet")
    team, why = read_team(row.cells.get("team"))
    row.record["team"] = pd.NA if team is None else team
    if why:
        row.fail("team", f"the team cannot be read: {why}",
                 "write the team's number (1, 2, ...), or leave it blank")


def _outcome_and_dates(row: _Row) -> None:
    """Read the outcome, visit date and come-back date."""
    outcome = outcome_code(row.cells.get("outcome"))
    row.record["outcome"] = outcome or ""
    if outcome is None:
        what = "the outcome is missing" if not row.text("outcome") else (
            f"'{row.text('outcome')}' is not an outcome")
        row.fail("outcome", f"{what}; the outcomes are {', '.join(OUTCOMES)}",
                 "choose one of these outcomes (hasil) for the visit")
    visited, why = read_date(row.cells.get("visited_on"))
    row.record["visited_on"] = visited or ""
    if visited is None:
        row.fail("visited_on", f"the visit date cannot be read: {why}" if why else
                 "the visit date is missing", f"write the date of the visit as {DATE_EXAMPLE}")
    row.record["come_back_on"] = ""
    if outcome != COME_BACK:
        return
    back, why = read_date(row.cells.get("come_back_on"))
    if back is None:
        row.fail("come_back_on", f"the come-back date cannot be read: {why}" if why else
                 "a come-back needs the date to come back on",
                 f"write the date to come back on as {DATE_EXAMPLE}, or choose another "
                 "outcome")
    elif visited is not None and back < visited:
        row.fail("come_back_on", f"the come-back date {back} is before the visit on {visited}",
                 "correct the come-back date or the visit date")
    row.record["come_back_on"] = back or ""


def _counts(row: _Row) -> None:
    """Read the households, workers living there, workers registered and the segment."""
    households, why = read_whole(row.cells.get("households"))
    row.record["households"] = 1 if why == "blank" else households
    if why not in {"", "blank"} or (households is not None and households < 1):
        row.fail("households", "the number of households must be a whole number, at least 1",
                 "write how many households this record is about (1 for one door)")
    living, why = read_whole(row.cells.get("workers_living"))
    row.record["workers_living"] = pd.NA if living is None else living
    if why not in {"", "blank"} or (living is not None and living < 0):
        row.fail("workers_living", "the workers living there must be a whole number, 0 or more",
                 "correct the number, or leave it blank when it was not asked")
    registered, why = read_whole(row.cells.get("workers_registered"))
    registered = 0 if why == "blank" else registered
    row.record["workers_registered"] = registered
    if registered is None or registered < 0:
        row.fail("workers_registered", "the workers registered must be a whole number, 0 or "
                 "more", "write how many workers were registered at the visit (0 if none)")
        return
    _registration(row, registered, living)


def _registration(row: _Row, registered: int, living: int | None) -> None:
    """Check the workers and segment: only a registration has them, and must."""
    outcome = row.record["outcome"]
    row.record["segment"] = ""
    if outcome != REGISTERED:
        if registered > 0 and outcome:
            row.fail("workers_registered", f"{registered} worker(s) registered but the outcome "
                     f"is '{outcome}'", f"choose the outcome {REGISTERED}, or set the workers "
                     "registered to 0")
        return
    if registered == 0:
        row.fail("workers_registered", "the household is registered but no worker is",
                 "write how many workers were registered (1 or more), or choose another "
                 "outcome")
    if living is not None and registered > living:
        row.fail("workers_registered", "impossible: more workers registered than live there",
                 "correct the workers registered or the workers living there",
                 value=f"{registered} registered, {living} living there")
    segment = segment_code(row.cells.get("segment"))
    row.record["segment"] = segment or ""
    if segment is None:
        given = row.text("segment")
        what = f"'{given}' is not a segment" if given else "a registration needs its segment"
        row.fail("segment", f"{what}; the segments are {', '.join(SEGMENTS)}",
                 "choose the segment the workers were registered in")


def _degrees(row: _Row, column: str) -> float | None:
    parsed = parse_coordinate(row.cells.get(column))
    if parsed.value is None:
        row.fail(column, "this is not a number of degrees",
                 "write decimal degrees with a point, e.g. -7.7956 and 110.3695")
    return parsed.value


def _point(row: _Row) -> None:
    """Read the recorded point: none, or a latitude and longitude in Indonesia."""
    row.record["lat"] = row.record["lon"] = np.nan
    accuracy = parse_number(row.cells.get("accuracy_m")).value
    row.record["accuracy_m"] = accuracy if accuracy is not None and accuracy >= 0 else np.nan
    blank = [is_blank(row.cells.get(c)) for c in ("lat", "lon")]
    if all(blank):
        return
    if any(blank):
        missing, given = ("lat", "lon") if blank[0] else ("lon", "lat")
        row.fail(missing, f"the point has a {_NAMES[given]} but no {_NAMES[missing]}",
                 "record the point again, or clear both numbers")
        return
    lat, lon = _degrees(row, "lat"), _degrees(row, "lon")
    if lat is None or lon is None:
        return
    shown = f"{lat:g}, {lon:g}"
    if _inside(lon, lat):
        row.fail("lat", f"the latitude {lat:g} and longitude {lon:g} look swapped",
                 f"exchange them: latitude {lon:g}, longitude {lat:g}", value=shown)
    elif abs(lat) > _LAT_LIMIT or abs(lon) > _LON_LIMIT:
        column, limit = ("lat", _LAT_LIMIT) if abs(lat) > _LAT_LIMIT else ("lon", _LON_LIMIT)
        row.fail(column, f"the {_NAMES[column]} must be between -{limit:g} and {limit:g} "
                 "degrees", "check the number: decimal degrees, e.g. -7.7956 and 110.3695")
    elif not _inside(lat, lon):
        row.fail("lat", f"the point ({shown}) is outside Indonesia",
                 "check the phone's location, or the numbers if they were typed: Yogyakarta "
                 "is near latitude -7.8, longitude 110.4", value=shown)
    else:
        row.record["lat"], row.record["lon"] = lat, lon


_NAMES: Final = {"lat": "latitude", "lon": "longitude"}


def _inside(lat: float, lon: float) -> bool:
    return (INDONESIA_LAT[0] <= lat <= INDONESIA_LAT[1]
            and INDONESIA_LON[0] <= lon <= INDONESIA_LON[1])


def _read_row(table: SubmissionTable, position: int, cells: Mapping[str, object]) -> _Row:
    row = _Row(table, position, cells)
    _identity(row)
    _outcome_and_dates(row)
    _counts(row)
    _point(row)
    row.record["started_at"] = read_time(cells.get("started_at"))
    row.record["ended_at"] = read_time(cells.get("ended_at"))
    row.record["note"] = row.text("note")
    return row


# --- the table ----------------------------------------------------------------------


def _content(cells: pd.DataFrame) -> list[tuple[str, ...]]:
    columns = [c for c in RECORD_COLUMNS if c not in {"submission_id", "source_row"}]
    return [tuple(cell_text(v) or "" for v in values)
            for values in cells[columns].itertuples(index=False, name=None)]


def _duplicates(table: SubmissionTable) -> tuple[np.ndarray, list[Problem]]:
    """
    Keep one of each submission id.

    Copies with the same answers are dropped silently; copies with different answers are
    all kept out.
    """
    cells = table.cells
    keep = np.ones(len(cells), dtype=bool)
    ids = pd.Series([cell_text(v) or "" for v in cells["submission_id"]])
    repeated = ids[(ids != "") & ids.duplicated(keep=False)]
    if repeated.empty:
        return keep, []
    content = _content(cells)
    rows = cells["source_row"].to_numpy()
    header = table.headers.get("submission_id", "submission_id")
    problems = []
    for submission, positions in repeated.groupby(repeated, sort=False).groups.items():
        places = list(positions)
        keep[places[1:]] = False
        if len({content[p] for p in places}) == 1:
            continue
        keep[places[0]] = False
        listed = ", ".join(str(rows[p]) for p in places)
        problems += [Problem(table.source, int(rows[p]), header, str(submission),
                             f"this submission id is on rows {listed} with different answers",
                             "keep the right one and delete the others, or export the "
                             "submissions again from the field app") for p in places]
    return keep, problems


def check_submissions(table: SubmissionTable) -> tuple[pd.DataFrame, list[Problem]]:
    """
    Check every submission and build the canonical records of those without a problem.

    Parameters
    ----------
    table
        The submissions as read.

    Returns
    -------
    records
        :data:`~geo_outreach.outcome_codes.RECORD_COLUMNS`, one row per accepted submission
        (:data:`RECORD_DTYPES`); a submission id in the file twice with the same answers
        once.
    rejected
        One problem per thing wrong (several for a row when several things are), each
        with the row, the user's column, the value and the fix.
    """
    keep, rejected = _duplicates(table)
    accepted = []
    records = table.cells.to_dict("records")
    for position in np.flatnonzero(keep):
        row = _read_row(table, int(position), records[position])
        if row.problems:
            rejected += list(dict.fromkeys(row.problems))
        else:
            accepted.append(row.record)
    rejected = list(dict.fromkeys(rejected))  # a paper row's records share its problems
    if not accepted:
        return empty_records(), rejected
    frame = pd.DataFrame(accepted, columns=list(RECORD_COLUMNS))
    types = RECORD_DTYPES | dict.fromkeys(TEXT_COLUMNS, "str")
    return frame.astype(types).reset_index(drop=True), rejected
