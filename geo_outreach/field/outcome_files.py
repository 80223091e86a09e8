"""
Read what comes back from the field: an ODK Central or KoboToolbox export, or the paper template.

:func:`read_outcomes` takes the file as the user has it and tells the format from its
content, whatever its name: ODK Central's submissions CSV, the zip Central downloads (the
CSV inside is read), either opened in Excel and saved as XLSX, or a GeoJSON of the
submissions with their answers; KoboToolbox's CSV (``;``), XLSX (the first sheet) or
GeoJSON; or the paper template typed in (:mod:`geo_outreach.field.outcome_paper`).
CSV and Excel are read as every table of the tool is (:mod:`geo_outreach.inputs.tables`:
any separator and encoding, row numbers as the user sees them). Each submission becomes
one canonical record (:data:`~geo_outreach.outcome_codes.RECORD_COLUMNS`) or a problem
that says how to fix it; a file that cannot be read raises
:class:`~geo_outreach._errors.InputError`.
"""

from __future__ import annotations

import dataclasses
import json
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Final

import pandas as pd

from geo_outreach._errors import InputError, Problem
from geo_outreach.field.outcome_checks import check_submissions
from geo_outreach.field.outcome_formats import (
    CENTRAL_HOW,
    CENTRAL_META,
    FEATURE_ID,
    GEOMETRY,
    KOBO_HOW,
    KOBO_META,
    PAPER,
    detect_tool,
    tool_submissions,
)
from geo_outreach.field.outcome_paper import (
    PAPER_HOW,
    PAPER_KEYS,
    is_paper,
    paper_plan,
    paper_submissions,
)
from geo_outreach.inputs import tables
from geo_outreach.inputs.file_checks import check_file, decode_text, refuse_binary
from geo_outreach.inputs.file_kinds import ZIP_OPENING, file_sha256
from geo_outreach.inputs.schema import normalise_header
from geo_outreach.outcome_codes import FORM_FIELDS

if TYPE_CHECKING:
    from collections.abc import Sequence

    from geo_outreach.field.outcome_checks import SubmissionTable

OUTCOME_FORMATS: Final = (f"{CENTRAL_HOW}; {KOBO_HOW}; or {PAPER_HOW} (CSV, ',' or ';')")
"""How to give a field export, for the fixes."""
MAX_EXPORT_BYTES: Final = tables.MAX_TABLE_BYTES
"""The largest export read (64 MB: 100,000 submissions take about 30 MB)."""
MAX_SUBMISSIONS: Final = tables.MAX_TABLE_ROWS
"""The most rows (or features) an export may have."""
KNOWN_HEADERS: Final = frozenset(
    {normalise_header(n) for n in (*CENTRAL_META, *KOBO_META, *FORM_FIELDS.values())}
    | PAPER_KEYS)
"""Header keys by which the header row of an export is found."""
_JSON_OPENINGS: Final = (b"{", b"\xef\xbb\xbf{")
_GEODATA_ONLY: Final = frozenset({"fieldpath"})


@dataclass(frozen=True)
class OutcomeFile:
    """
    A field export, read and checked.

    Attributes
    ----------
    records
        :data:`~geo_outreach.outcome_codes.RECORD_COLUMNS`, one row per accepted submission
        (typed as :data:`~geo_outreach.field.outcome_checks.RECORD_DTYPES`).
    rejected
        The submissions kept out, one problem per thing wrong, with the row (the feature
        for GeoJSON), the column, the value and the fix; sorted by row.
    warnings
        What was noted and let through: submissions not counted because of their review,
        a file not in UTF-8 ...
    format
        ``"odk_central"``, ``"kobo"`` or ``"paper"``.
    source
        The file's name.
    rows_read
        The rows (or features) with content read from the file.
    sha256
        The file's sha256, as the import log records it.
    """

    records: pd.DataFrame
    rejected: list[Problem]
    warnings: list[Problem]
    format: str
    source: str
    rows_read: int
    sha256: str


def _renamed(err: InputError, named: str, source: str) -> InputError:
    """Return the same problems, naming the file (called ``named``) as the user knows it."""
    return InputError([dataclasses.replace(p, file=source + p.file[len(named):])
                       if p.file.startswith(named) else p for p in err.problems])


def _unknown(source: str, names: Sequence[object]) -> InputError:
    shown = ", ".join(str(n) for n in names[:12] if n is not None) or "(none)"
    return InputError(Problem(
        source, None, None, None,
        "the file is not a field export this tool reads: its columns are neither ODK "
        f"Central's, KoboToolbox's nor the paper template's (its first columns: {shown})",
        f"give {OUTCOME_FORMATS}"))


def _too_big(source: str, size: int) -> InputError:
    return InputError(Problem(
        source, None, None, f"{size / 1e6:,.0f} MB",
        f"the file is larger than a field export can be (at most "
        f"{MAX_EXPORT_BYTES / 1e6:,.0f} MB)",
        "check that this is the right file, or export the submissions in parts (by date)"))


def _too_many(source: str, count: int) -> InputError:
    return InputError(Problem(
        source, None, None, f"{count:,}",
        f"the file has {count:,} submissions; at most {MAX_SUBMISSIONS:,} are read at once",
        "export the submissions in parts (by date), and import each part"))


# --- tables: CSV, XLSX, ODK Central's zip --------------------------------------------


def _central_csv(path: Path, source: str, folder: Path) -> Path:
    """Unpack the submissions CSV of ODK Central's zip (not the repeats' CSVs, nor media)."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = [i for i in archive.infolist()
                       if not i.is_dir() and i.filename.lower().endswith(".csv")]
            main = []
            for info in members:
                with archive.open(info) as handle:
                    if b"SubmissionDate" in handle.readline(65536):
                        main.append(info)
            if not main:
                raise _unknown(source, [i.filename for i in archive.infolist()])
            info = min(main, key=lambda i: (i.filename.count("/"), len(i.filename)))
            if info.file_size > MAX_EXPORT_BYTES:
                raise _too_big(source, info.file_size)
            target = folder / Path(info.filename).name
            target.write_bytes(archive.read(info))
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError) as err:
        raise InputError(Problem(source, None, None, None,
                                 f"the zip archive cannot be opened ({err})",
                                 f"download it again; give {OUTCOME_FORMATS}")) from err
    return target


def _is_workbook(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as archive:
            return "xl/workbook.xml" in archive.namelist()
    except (zipfile.BadZipFile, OSError):
        return False


def _read_grid(path: Path, source: str) -> tuple[tables.Grid, int | None]:
    """Read a CSV or workbook as the tool's tables are read (separator, encoding, rows)."""
    with path.open("rb") as handle:
        opening = handle.read(8)
    if opening.startswith(ZIP_OPENING) and _is_workbook(path):
        return tables.read_excel_grid(path, KNOWN_HEADERS, source)
    if not opening.startswith(ZIP_OPENING):
        try:
            return tables.read_csv_grid(path, KNOWN_HEADERS)
        except InputError as err:
            raise _renamed(err, path.name, source) from err
    with tempfile.TemporaryDirectory() as folder:
        inner = _central_csv(path, source, Path(folder))
        try:
            return tables.read_csv_grid(inner, KNOWN_HEADERS)
        except InputError as err:
            raise _renamed(err, inner.name, f"{source} ({inner.name})") from err


def _table_submissions(path: Path, source: str
                       ) -> tuple[SubmissionTable, list[Problem], str, int]:
    grid, header = _read_grid(path, source)
    if header is None:
        first = next((r for r in grid.rows if any(c is not None and str(c).strip()
                                                     for c in r)), [])
        raise _unknown(source, first)
    where = source + grid.where
    tables.refuse_merged_header(grid, header, where)
    if len(grid.rows) - header - 1 > MAX_SUBMISSIONS:
        raise _too_many(source, len(grid.rows) - header - 1)
    frame, names = tables.grid_frame(grid, header, where)
    notes = [p for p in tables.grid_notes(grid, header, source)
             if p.key != "tables.titles_skipped"]
    tool = detect_tool(names)
    if tool is not None:
        table, rejected = tool_submissions(frame, names, tool, where)
    elif is_paper(names):
        table, rejected = paper_submissions(frame, names, paper_plan(grid.rows[:header]), where)
        tool = PAPER
    else:
        raise _unknown(source, names)
    table = dataclasses.replace(table, warnings=(*notes, *table.warnings))
    return table, rejected, tool, len(frame)


# --- GeoJSON -------------------------------------------------------------------------


def _point_text(geometry: object) -> str | None:
    """Write a GeoJSON point (or a collection's first point) as a geopoint: lat lon alt."""
    if not isinstance(geometry, dict):
        return None
    if geometry.get("type") == "GeometryCollection":
        points = [g for g in geometry.get("geometries") or [] if isinstance(g, dict)
                  and g.get("type") == "Point"]
        return _point_text(points[0]) if points else None
    coordinates = geometry.get("coordinates")
    if geometry.get("type") != "Point" or not isinstance(coordinates, list) or len(
            coordinates) < 2:  # noqa: PLR2004 - longitude and latitude
        return None
    lon, lat, *rest = coordinates
    return " ".join(str(v) for v in (lat, lon, *rest[:1]))


def _features(path: Path, source: str) -> list[dict[str, object]]:
    text, _ = decode_text(path.read_bytes())
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        raise InputError(Problem(source, err.lineno, None, None,
                                 f"the file is not valid JSON ({err.msg})",
                                 f"download the export again; give {OUTCOME_FORMATS}")) from err
    features = data.get("features") if isinstance(data, dict) else None
    if not isinstance(features, list) or data.get("type") != "FeatureCollection":
        raise InputError(Problem(source, None, None, None,
                                 "the file is JSON but not a GeoJSON FeatureCollection",
                                 f"give {OUTCOME_FORMATS}"))
    if len(features) > MAX_SUBMISSIONS:
        raise _too_many(source, len(features))
    return [f if isinstance(f, dict) else {} for f in features]


def _geojson_submissions(path: Path, source: str
                         ) -> tuple[SubmissionTable, list[Problem], str, int]:
    features = _features(path, source)
    properties = [f.get("properties") if isinstance(f.get("properties"), dict) else {}
                  for f in features]
    keys = list(dict.fromkeys(k for p in properties for k in p))  # type: ignore[union-attr]
    if not features:
        raise InputError(Problem(source, None, None, "0 features",
                                 "the GeoJSON has no features, so no submissions",
                                 f"export the submissions again; give {OUTCOME_FORMATS}"))
    if set(keys) <= _GEODATA_ONLY:
        raise InputError(Problem(
            source, None, None, None,
            "this GeoJSON holds only each submission's point, not its answers (as ODK "
            "Central's GeoJSON of the submissions does)",
            f"give the submissions with their answers: {CENTRAL_HOW}"))
    extra = [GEOMETRY] if GEOMETRY not in keys else []
    if FEATURE_ID not in keys and any(f.get("id") not in {None, ""} for f in features):
        extra.insert(0, FEATURE_ID)
    names = [*extra, *keys]
    rows = [[f.get("id") if n == FEATURE_ID and n not in keys else
             _point_text(f.get("geometry")) if n == GEOMETRY and n not in keys else
             p.get(n) for n in names]  # type: ignore[union-attr]
            for f, p in zip(features, properties, strict=True)]
    frame = pd.DataFrame(rows, columns=range(len(names)), dtype=object,
                         index=pd.RangeIndex(1, len(rows) + 1, name="row"))
    tool = detect_tool(keys, geojson=True) or ""
    table, rejected = tool_submissions(frame, names, tool, source, geojson=True)
    return table, rejected, tool, len(frame)


# --- the file ------------------------------------------------------------------------


def read_outcomes(path: Path, *, source: str | None = None) -> OutcomeFile:
    """
    Read a field export: ODK Central, KoboToolbox or the paper template.

    Parameters
    ----------
    path
        The file: ODK Central's submissions CSV, its zip (as Central downloads it; the
        CSV inside is read), that CSV saved as XLSX, or a GeoJSON of the submissions with
        their answers; KoboToolbox's CSV (``;`` or ``,``), XLSX or GeoJSON ("XML values
        and headers"); or the paper template as CSV (``;`` or ``,``; UTF-8 with or without
        BOM, or Latin-1) or XLSX. The format is told from the content, not the name.
    source
        The file's name as the user knows it, for messages (an upload's name); the
        path's name when None.

    Returns
    -------
    OutcomeFile
        The accepted submissions as canonical records, those kept out with their fixes,
        the warnings, and the file's format, rows and sha256.

    Raises
    ------
    InputError
        The file is missing, empty, larger than :data:`MAX_EXPORT_BYTES`, not one of the
        formats (the problem says how to export each), or lacks the form's questions or
        the submissions' ids; a KoboToolbox export with labels for headers; ODK Central's
        GeoJSON of points only.
    """
    path = Path(path)
    source = source or path.name
    try:
        check_file(path, OUTCOME_FORMATS, what="a field export")
    except InputError as err:
        raise _renamed(err, path.name, source) from err
    if path.stat().st_size > MAX_EXPORT_BYTES:
        raise _too_big(source, path.stat().st_size)
    with path.open("rb") as handle:
        opening = handle.read(4096)
    if opening.lstrip(b" \t\r\n").startswith(_JSON_OPENINGS):
        table, rejected, tool, rows = _geojson_submissions(path, source)
    else:
        if not opening.startswith(ZIP_OPENING):
            refuse_binary(opening, source, named="a field export", formats=OUTCOME_FORMATS)
        table, rejected, tool, rows = _table_submissions(path, source)
    records, problems = check_submissions(table)
    rejected = sorted([*rejected, *problems], key=lambda p: (p.row or 0, p.column or ""))
    return OutcomeFile(records=records, rejected=rejected, warnings=list(table.warnings),
                       format=tool, source=source, rows_read=rows, sha256=file_sha256(path))
