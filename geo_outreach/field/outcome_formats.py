"""
ODK Central and KoboToolbox exports: which tool a table comes from, and where each answer is.

Both export one column per question, named after it (the XLSForm's names,
:data:`~geo_outreach.outcome_codes.FORM_FIELDS`), with the groups the question sits in in
front: ODK Central joins them with ``-`` (``kunjungan-hasil``), KoboToolbox with ``/``
(``kunjungan/hasil``); the prefixes are dropped here. Each adds its own columns about the
submission (:data:`CENTRAL_META`, :data:`KOBO_META`), by which the tool is known.

* ODK Central (the submissions CSV of its "download all" zip, ``<form>.csv``): a geopoint
  is split into ``lokasi-Latitude``, ``-Longitude``, ``-Altitude``, ``-Accuracy``; ``KEY``
  is the id Central keeps the submission under (``meta-instanceID`` is the id of its
  latest version); a submission whose ``ReviewState`` is ``rejected`` is not counted.
* KoboToolbox (CSV, separated by ``;`` unless chosen otherwise, or XLSX; "XML values and
  headers"): a geopoint is ``lokasi`` (``lat lon altitude precision``) and
  ``_lokasi_latitude`` ... ``_lokasi_precision``; ``_uuid`` is the id (``meta/rootUuid``
  when the export has it); a submission whose ``_validation_status`` is "Not approved" is
  not counted.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Final

import pandas as pd

from geo_outreach._errors import InputError, Problem
from geo_outreach.field.outcome_checks import SubmissionTable
from geo_outreach.inputs.columns import cell_text
from geo_outreach.outcome_codes import FORM_FIELDS, RECORD_COLUMNS

if TYPE_CHECKING:
    from collections.abc import Sequence

CENTRAL: Final = "odk_central"
KOBO: Final = "kobo"
PAPER: Final = "paper"
FORMATS: Final = (CENTRAL, KOBO, PAPER)
"""The formats :func:`geo_outreach.field.outcome_files.read_outcomes` reads."""

CENTRAL_META: Final = ("SubmissionDate", "meta-instanceID", "KEY", "SubmitterID",
                       "SubmitterName", "AttachmentsPresent", "AttachmentsExpected", "Status",
                       "ReviewState", "DeviceID", "Edits", "FormVersion")
"""The columns ODK Central adds to a submissions CSV, besides the questions."""
KOBO_META: Final = ("_id", "_uuid", "_submission_time", "_validation_status", "_notes",
                    "_status", "_submitted_by", "__version__", "_tags", "_index",
                    "meta/instanceID", "meta/rootUuid", "meta/deprecatedID")
"""The columns KoboToolbox adds to a CSV or XLSX export, besides the questions."""
FEATURE_ID: Final = "id"
"""The column a GeoJSON reader puts each feature's ``id`` in."""
GEOMETRY: Final = "geometry"
"""The column a GeoJSON reader puts each feature's point in, written as a geopoint
(``lat lon altitude``)."""

ID_COLUMNS: Final = {
    CENTRAL: ("KEY", "meta-instanceID", "instanceID", FEATURE_ID),
    KOBO: ("meta/rootUuid", "_uuid", "meta/instanceID", "instanceID", "rootUuid", FEATURE_ID),
}
"""Where each tool's export holds the submission id, the steadiest first."""
REQUIRED: Final = ("stop_id", "outcome", "visited_on")
"""The record columns an export must have a question for."""
CENTRAL_REJECTED: Final = "rejected"
KOBO_NOT_APPROVED: Final = frozenset({"validation_status_not_approved", "not approved"})
_POINT_PARTS: Final = ("Latitude", "Longitude", "Altitude", "Accuracy")
_KOBO_POINT_PARTS: Final = ("latitude", "longitude", "altitude", "precision")
_UUID: Final = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
                          re.IGNORECASE)
_QUESTION_COLUMNS: Final = tuple(c for c in FORM_FIELDS if c != "point")

CENTRAL_HOW: Final = ("ODK Central: open the form, Submissions, Download, and give the .zip "
                      "(or the .csv inside it)")
KOBO_HOW: Final = ('KoboToolbox: open the form, Data, Downloads, choose CSV or XLS with '
                   '"XML values and headers", and give the file')


def detect_tool(names: Sequence[str], *, geojson: bool = False) -> str | None:
    """
    Tell which field app an export comes from, by its columns.

    Parameters
    ----------
    names
        The export's column names.
    geojson
        Whether they are a GeoJSON's feature properties: a KoboToolbox GeoJSON export
        leaves out the tool's own columns, so any GeoJSON that is not ODK Central's is
        taken for KoboToolbox's.

    Returns
    -------
    str or None
        :data:`CENTRAL`, :data:`KOBO`, or None for neither.
    """
    keys = {str(n).strip().lower() for n in names}
    if "submissiondate" in keys and keys & {"key", "meta-instanceid"}:
        return CENTRAL
    if keys & {k.lower() for k in KOBO_META if k != "_id"}:
        return KOBO
    if geojson:
        return CENTRAL if keys & {k.lower() for k in CENTRAL_META} else KOBO
    return None


def submission_key(value: object) -> str:
    """
    Write a submission id the same way whichever export it comes from.

    Parameters
    ----------
    value
        ``uuid:1b9e...`` (ODK Central, ``meta/instanceID``) or ``1b9e...`` (KoboToolbox's
        ``_uuid``).

    Returns
    -------
    str
        A bare UUID gets the ``uuid:`` prefix every instance id has; anything else is kept
        as written (``""`` when blank).
    """
    text = cell_text(value) or ""
    return f"uuid:{text}" if _UUID.fullmatch(text) else text


def _question_key(name: str, tool: str) -> str:
    """Return a column's question name without its groups (a Central point part with its suffix)."""
    if tool == CENTRAL:
        parts = name.split("-")
        if len(parts) > 1 and parts[-1] in _POINT_PARTS:
            return f"{parts[-2]}-{parts[-1]}"
        return parts[-1]
    return name.rsplit("/", maxsplit=1)[-1]


def _positions(names: Sequence[str], tool: str) -> dict[str, int]:
    """Each question (and each whole column name) to its first column."""
    found: dict[str, int] = {}
    for position, name in enumerate(names):
        found.setdefault(name, position)
        found.setdefault(_question_key(name, tool), position)
    return found


def _point_cells(frame: pd.DataFrame, names: Sequence[str], found: dict[str, int],
                 tool: str) -> tuple[dict[str, pd.Series], dict[str, str]]:
    """Latitude, longitude and accuracy: from the split columns, else from the geopoint."""
    point = FORM_FIELDS["point"]
    if tool == CENTRAL:
        split = [f"{point}-{part}" for part in _POINT_PARTS]
    else:
        split = [f"_{point}_{part}" for part in _KOBO_POINT_PARTS]
    columns = ("lat", "lon", None, "accuracy_m")
    if split[0] in found and split[1] in found:
        cells = {c: frame[found[s]] for c, s in zip(columns, split, strict=True)
                 if c is not None and s in found}
        return cells, {c: names[found[s]] for c, s in zip(columns, split, strict=True)
                       if c is not None and s in found}
    whole = next((found[k] for k in (point, GEOMETRY) if k in found), None)
    if whole is None:
        return {}, {}
    parts = [str(cell_text(v) or "").split() for v in frame[whole]]
    cells = {c: pd.Series([p[i] if len(p) > i else None for p in parts], index=frame.index,
                          dtype=object) for i, c in enumerate(columns) if c is not None}
    return cells, dict.fromkeys(cells, names[whole])


def _missing(tool: str, names: Sequence[str], found: dict[str, int], source: str,
             *, geojson: bool) -> list[Problem]:
    """Refuse an export without the form's questions or without submission ids."""
    missing = [FORM_FIELDS[c] for c in REQUIRED if FORM_FIELDS[c] not in found]
    if missing and tool == KOBO:
        return [Problem(
            source, None, None, ", ".join(missing),
            f"the export has no column for the questions {', '.join(missing)}: its headers "
            "look like the questions' labels, not their names",
            f'export again with "XML values and headers" ({KOBO_HOW})')]
    if missing:
        return [Problem(
            source, None, FORM_FIELDS[c], None,
            f"the export has no column for the question {FORM_FIELDS[c]}; its columns are: "
            f"{', '.join(names[:30])}",
            "export the submissions of the form made with the plan, which asks it "
            f"({CENTRAL_HOW})") for c in REQUIRED if FORM_FIELDS[c] not in found]
    if any(k in found for k in ID_COLUMNS[tool]):
        return []
    fix = ("export the submissions as CSV or XLSX instead (KoboToolbox's GeoJSON export "
           f"leaves out the submission ids): {KOBO_HOW}" if geojson and tool == KOBO else
           "export the submissions again and keep their id columns (ODK Central: KEY; "
           "KoboToolbox: _uuid)")
    return [Problem(source, None, None, None,
                    "the export does not give the submissions' ids, so a submission imported "
                    "twice could not be told from a new one", fix)]


def _left_out(frame: pd.DataFrame, names: Sequence[str], found: dict[str, int], tool: str,
              source: str) -> tuple[pd.Series, list[Problem]]:
    """Submissions reviewed out (rejected in Central, "Not approved" in Kobo), and a warning."""
    column = "ReviewState" if tool == CENTRAL else "_validation_status"
    if column not in found:
        return pd.Series(data=False, index=frame.index), []
    states = pd.Series([(cell_text(v) or "").lower() for v in frame[found[column]]],
                       index=frame.index)
    out = states == CENTRAL_REJECTED if tool == CENTRAL else states.isin(KOBO_NOT_APPROVED)
    if not out.any():
        return out, []
    state = "rejected" if tool == CENTRAL else "Not approved"
    where = "ODK Central" if tool == CENTRAL else "KoboToolbox"
    return out, [Problem(
        source, None, names[found[column]], state,
        f"{int(out.sum())} submission(s) reviewed as {state} in {where} are not counted",
        f"to count one, change its review in {where} and export again", "warning")]


def _undecrypted(frame: pd.DataFrame, found: dict[str, int], tool: str, source: str
                 ) -> tuple[pd.Series, list[Problem]]:
    """ODK Central's rows of encrypted submissions it could not decrypt: no answers."""
    if tool != CENTRAL or "Status" not in found:
        return pd.Series(data=False, index=frame.index), []
    status = pd.Series([cell_text(v) or "" for v in frame[found["Status"]]], index=frame.index)
    bad = status != ""
    return bad, [Problem(source, int(row), "Status", text,
                         "the submission is encrypted and ODK Central exported it without "
                         "its answers", "export again from ODK Central with the form's "
                         "passphrase, so the submissions are decrypted")
                 for row, text in status[bad].items()]


def tool_submissions(frame: pd.DataFrame, names: Sequence[str], tool: str, source: str,
                     *, geojson: bool = False) -> tuple[SubmissionTable, list[Problem]]:
    """
    Take the answers of an ODK Central or KoboToolbox export, under the record's names.

    Parameters
    ----------
    frame
        The export's cells, one column per header in ``names`` order (columns numbered
        from 0), indexed by the row (or feature) the user sees.
    names
        The headers.
    tool
        :data:`CENTRAL` or :data:`KOBO`.
    source
        The file's name.
    geojson
        Whether the cells are a GeoJSON's features (their point in :data:`GEOMETRY`, their
        id in :data:`FEATURE_ID`).

    Returns
    -------
    submissions
        The submissions to check, those reviewed out left aside (with a warning).
    rejected
        Submissions ODK Central exported without their answers (encrypted), one problem each.

    Raises
    ------
    InputError
        The export lacks the form's questions (from KoboToolbox: exported with labels), or
        the submissions' ids.
    """
    names = [str(n) for n in names]
    found = _positions(names, tool)
    problems = _missing(tool, names, found, source, geojson=geojson)
    if problems:
        raise InputError(problems)
    reviewed_out, warnings = _left_out(frame, names, found, tool, source)
    undecrypted, rejected = _undecrypted(frame, found, tool, source)
    keep = ~(reviewed_out | undecrypted)
    ids = [frame[found[k]] for k in ID_COLUMNS[tool] if k in found]
    id_header = next(names[found[k]] for k in ID_COLUMNS[tool] if k in found)
    first_id = pd.Series([next((submission_key(v) for v in values if cell_text(v)), "")
                          for values in zip(*ids, strict=True)], index=frame.index)
    cells = {"submission_id": first_id, "source_row": pd.Series(frame.index, index=frame.index)}
    headers = {"submission_id": id_header}
    for column in _QUESTION_COLUMNS:
        if FORM_FIELDS[column] in found:
            cells[column] = frame[found[FORM_FIELDS[column]]]
            headers[column] = names[found[FORM_FIELDS[column]]]
    point, point_headers = _point_cells(frame, names, found, tool)
    cells |= point
    headers |= point_headers
    table = pd.DataFrame({c: cells.get(c, pd.Series(None, index=frame.index, dtype=object))
                          for c in RECORD_COLUMNS}, index=frame.index)[keep.to_numpy()]
    headers |= {c: FORM_FIELDS.get(c, c) for c in RECORD_COLUMNS if c not in headers}
    if geojson and tool == KOBO:
        warnings.append(Problem(
            source, None, None, None, "a KoboToolbox GeoJSON export does not say which "
            "submissions were reviewed as Not approved, so all of them are counted",
            f"to leave those out, export CSV or XLSX instead ({KOBO_HOW})", "warning"))
    return SubmissionTable(table.reset_index(drop=True), source, headers,
                           warnings=tuple(warnings)), rejected
