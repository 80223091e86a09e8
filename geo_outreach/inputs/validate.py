"""
Check the values of the participation and office tables, collecting every problem.

Nothing here raises on bad data: each check appends a :class:`~geo_outreach._errors.Problem`
naming the file, the user's row and column, the value and the fix, and the caller decides
(errors stop an analysis; warnings are reported alongside the results).
"""

from __future__ import annotations

import math
import numbers
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final, Literal

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo_outreach._errors import Problem, Severity
from geo_outreach.inputs.codes import is_blank, normalise_code
from geo_outreach.inputs.columns import InputTable, cell_text, describe_rows
from geo_outreach.inputs.schema import DENOMINATORS, OFFICE_TYPES, SEGMENTS, normalise_header

if TYPE_CHECKING:
    from collections.abc import Callable

COUNT_COLUMNS: Final = ("labour_force", "employed", "participants", *SEGMENTS)
"""The numeric columns of a participation table."""

OFFICE_COLUMNS: Final = ("office_id", "name", "office_type", "approximate", "location_note",
                         "lat", "lon")
"""The columns of the validated office layer, before ``geometry``."""

MAX_LATITUDE: Final = 90.0
MAX_LONGITUDE: Final = 180.0
METRES_PER_KM: Final = 1000.0

_OFFICE_TYPE_WORDS: Final[dict[str, str]] = {
    "kc": "KC", "kantor_cabang": "KC", "cabang": "KC", "branch": "KC",
    "kcp": "KCP", "kantor_cabang_perintis": "KCP", "perintis": "KCP",
    "kantor_cabang_pembantu": "KCP",
    "unknown": "unknown", "tidak_diketahui": "unknown", "belum_diketahui": "unknown",
}
_TRUE_WORDS: Final = frozenset({"true", "ya", "yes", "y", "1", "benar", "b", "perkiraan",
                                "approx", "approximate", "kira_kira"})
_FALSE_WORDS: Final = frozenset({"false", "tidak", "no", "n", "0", "salah", "s", "tepat",
                                 "exact", "pasti"})
_DASHES: Final = frozenset({"-", "\u2013", "\u2014"})

NumberStatus = Literal["ok", "blank", "text"]

_NUMBER_FORMATS: Final[tuple[tuple[re.Pattern[str], Callable[[str], str], str], ...]] = (
    (re.compile(r"^-?\d{1,3}(\.\d{3})+$"), lambda s: s.replace(".", ""),
     "dots as thousands separators (1.234 = 1234)"),
    (re.compile(r"^-?\d{1,3}(\.\d{3})+,\d+$"), lambda s: s.replace(".", "").replace(",", "."),
     "the Indonesian format (1.234,5 = 1234.5)"),
    (re.compile(r"^-?\d{1,3}(,\d{3})+$"), lambda s: s.replace(",", ""),
     "commas as thousands separators (1,234 = 1234)"),
    (re.compile(r"^-?\d{1,3}(,\d{3})+\.\d+$"), lambda s: s.replace(",", ""),
     "the English format (1,234.5 = 1234.5)"),
    (re.compile(r"^-?\d+,\d+$"), lambda s: s.replace(",", "."),
     "a decimal comma (12,5 = 12.5)"),
)
"""Ambiguous number formats, how to rewrite them for float(), and what that assumes."""


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
    """

    value: float | None
    status: NumberStatus
    assumption: str = ""


def _finite(number: float, assumption: str = "") -> ParsedNumber:
    if math.isfinite(number):
        return ParsedNumber(number, "ok", assumption)
    return ParsedNumber(None, "text")


def _float_text(text: str, assumption: str = "") -> ParsedNumber:
    try:
        return _finite(float(text), assumption)
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
        return ParsedNumber(0.0, "ok", "'-' as zero, as in BPS tables")
    for pattern, rewrite, assumption in _NUMBER_FORMATS:
        if pattern.match(text):
            return _float_text(rewrite(text), assumption)
    return _float_text(text)


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


def _problem(  # noqa: PLR0917 - mirrors the positional fields of Problem
    table: InputTable, row: object, column: str | None, value: object, message: str, fix: str,
    severity: Severity = "error",
) -> Problem:
    """Locate a problem in the user's terms: their row number and their header."""
    return Problem(table.source, None if row is None else int(row),
                   None if column is None else table.header(column),
                   None if value is None else cell_text(value), message, fix, severity)


# --- participation ---------------------------------------------------------------------


def _text_series(values: pd.Series) -> pd.Series:
    return pd.Series([cell_text(v) for v in values], index=values.index, dtype="str")


def _identifier_problems(table: InputTable, out: pd.DataFrame) -> list[Problem]:
    """Check codes (BPS, malformed, duplicate) and that each row names its village."""
    data = table.data
    problems = []
    if "code" in data.columns:
        for row, raw in data["code"].items():
            check = normalise_code(raw)
            if check.kind == "bps":
                problems.append(_problem(
                    table, row, "code", raw, check.reason,
                    "convert it to the Kemendagri code (e.g. 34.04.07.2003; see the boundary "
                    "file's code column), or clear the code and give the village, kapanewon "
                    "and kabupaten names"))
            elif check.kind == "invalid":
                problems.append(_problem(
                    table, row, "code", raw, check.reason,
                    "write the Kemendagri village code like 34.04.07.2003 or 3404072003, or "
                    "clear it and give the village, kapanewon and kabupaten names"))
        problems += _duplicate_code_problems(table, out["code"])
    names = out["name"] if "name" in out.columns else pd.Series(None, index=out.index)
    codes = out["code_input"] if "code_input" in out.columns else pd.Series(None, index=out.index)
    unnamed = out.index[names.isna() & codes.isna()]
    problems += [_problem(table, row, "name" if "name" in data.columns else "code", None,
                          "the row has neither a village code nor a village name",
                          "fill in the Kemendagri code or the village name, or delete the row")
                 for row in unnamed]
    if "code" not in data.columns and not {"district", "regency"} <= set(data.columns):
        problems.append(_problem(table, None, None, None,
                                 "villages are identified by name only, without kapanewon "
                                 "and kabupaten columns; names that occur in several places "
                                 "cannot be told apart",
                                 "add the Kemendagri code, or kapanewon and kabupaten columns",
                                 "warning"))
    return problems


def _duplicate_code_problems(table: InputTable, codes: pd.Series) -> list[Problem]:
    """One error per Kemendagri code given on more than one row."""
    duplicated = codes[codes.notna() & codes.duplicated(keep=False)]
    problems = []
    for code, group in duplicated.groupby(duplicated, sort=False):
        rows = [int(r) for r in group.index]
        problems.append(_problem(table, rows[0], "code", code,
                                 f"the code {code} appears on {describe_rows(rows)}",
                                 "keep one row per village: merge or correct the duplicates"))
    return problems


def _numeric_column(table: InputTable, column: str) -> tuple[pd.Series, list[Problem]]:
    """Parse one count column: errors for text and negatives, one warning per assumption."""
    raw = table.data[column]
    values = []
    problems = []
    assumed: dict[str, list[int]] = {}
    for row, cell in raw.items():
        parsed = parse_number(cell)
        values.append(np.nan if parsed.value is None else parsed.value)
        if parsed.status == "text":
            problems.append(_problem(table, row, column, cell, "this is not a number",
                                     "write a whole number such as 1234 (no letters or units)"))
        elif parsed.value is not None and parsed.value < 0:
            problems.append(_problem(table, row, column, cell, "a count cannot be negative",
                                     "correct the number"))
        if parsed.assumption:
            assumed.setdefault(parsed.assumption, []).append(int(row))
    for assumption, rows in assumed.items():
        example = raw.loc[rows[0]]
        problems.append(_problem(table, rows[0], column, example,
                                 f"read {describe_rows(rows)} assuming {assumption}",
                                 "check these numbers; write plain digits (1234) to avoid "
                                 "any doubt", "warning"))
    return pd.Series(values, index=raw.index, dtype="float64"), problems


def _sum_segments(table: InputTable, out: pd.DataFrame) -> list[Problem]:
    """Add up the segments into participants when the table has no participants column."""
    present = [s for s in SEGMENTS if s in out.columns]
    out["participants"] = out[present].sum(axis=1, min_count=1)
    names = " + ".join(table.header(s) for s in present)
    return [_problem(table, None, None, None,
                     f"there is no participants column, so participants were computed as "
                     f"{names}",
                     "add a column of total active participants if the segments do not "
                     "cover everyone", "warning")]


def _blank_mask(table: InputTable, columns: list[str]) -> pd.Series:
    """Mark rows whose cells in all the columns are empty as read (not merely unreadable)."""
    blank = pd.Series(data=True, index=table.data.index)
    for column in columns:
        blank &= table.data[column].map(is_blank).astype(bool)
    return blank


def _blank_problems(table: InputTable, computed: bool) -> list[Problem]:
    """Errors for blank participants or denominators; warnings for one denominator blank."""
    present = set(table.data.columns)
    sources = [s for s in SEGMENTS if s in present] if computed else ["participants"]
    problems = [_problem(table, row, None if computed else "participants", None,
                         "the participants cell is blank" if not computed else
                         "all segment cells are blank",
                         "fill in the number of active participants (0 if none)")
                for row in table.data.index[_blank_mask(table, sources)]]
    denominators = [d for d in DENOMINATORS if d in present]
    none_given = _blank_mask(table, denominators)
    labels = " and ".join(table.header(d) for d in denominators)
    problems += [_problem(table, row, denominators[0], None, f"the {labels} cell(s) are blank",
                          "fill in the labour force (angkatan kerja) of the village")
                 for row in table.data.index[none_given]]
    for denominator in denominators:
        blank = _blank_mask(table, [denominator]) & ~none_given
        rows = [int(r) for r in table.data.index[blank]]
        if rows:
            problems.append(_problem(table, rows[0], denominator, None,
                                     f"{describe_rows(rows)} have no {table.header(denominator)}; "
                                     f"coverage against {denominator} will be missing there",
                                     "fill in the blanks, or choose the other denominator",
                                     "warning"))
    return problems


def _exceeds(out: pd.DataFrame, part: str, whole: str) -> pd.Index:
    return out.index[(out[part] > out[whole]).to_numpy()]


def _consistency_problems(table: InputTable, out: pd.DataFrame, computed: bool) -> list[Problem]:
    """Participants above the labour force or employed; segments above participants."""
    problems = []
    for part, whole in (("participants", "labour_force"), ("participants", "employed"),
                        ("employed", "labour_force")):
        if part not in out.columns or whole not in out.columns:
            continue
        rows = _exceeds(out, part, whole)
        comparable = (out[part].notna() & out[whole].notna()).sum()
        if len(rows) > comparable / 2 and len(rows) > 1:
            problems.append(_problem(
                table, int(rows[0]), part, out.loc[rows[0], part],
                f"{table.header(part)} is above {table.header(whole)} on {len(rows)} of "
                f"{comparable} rows: the two columns look swapped",
                f"check which column holds {part} and which {whole}; map them with "
                f"--participation-columns {part}=...,{whole}=..."))
            continue
        problems += [_problem(
            table, row, part, out.loc[row, part],
            f"{table.header(part)} ({out.loc[row, part]:g}) is above {table.header(whole)} "
            f"({out.loc[row, whole]:g}): coverage would exceed 100 %",
            f"check both numbers (participants counted at the employer's address can exceed "
            f"the resident {whole.replace('_', ' ')})", "warning") for row in rows]
    present = [s for s in SEGMENTS if s in out.columns]
    if present and not computed:
        total = out[present].sum(axis=1, min_count=1)
        rows = out.index[(total > out["participants"]).to_numpy()]
        problems += [_problem(
            table, row, "participants", out.loc[row, "participants"],
            f"the segments ({' + '.join(table.header(s) for s in present)} = "
            f"{total[row]:g}) add up to more than the participants",
            "check the segment and total columns", "warning") for row in rows]
    return problems


def validate_participation(table: InputTable) -> tuple[pd.DataFrame, list[Problem]]:
    """
    Check a participation table's values and turn its counts into numbers.

    Parameters
    ----------
    table
        As read by :func:`geo_outreach.inputs.readers.read_participation`.

    Returns
    -------
    data
        Same index (the user's rows). ``code`` is the dotted Kemendagri code (NaN when
        blank, BPS or malformed), ``code_input`` the code as the user wrote it; ``name``,
        ``district``, ``regency`` as text; the counts present among ``labour_force``,
        ``employed``, ``participants``, ``pu``, ``bpu``, ``jakon``, ``pmi`` as float64
        (NaN when blank or unreadable). ``participants`` is always present (the sum of the
        segments when the table has none).
    problems
        Errors: BPS or malformed codes, duplicate codes, rows without code or name,
        values that are not numbers, negative counts, blank participants or
        denominators, participants and labour force columns that look swapped, a table
        without data rows.
        Warnings: how the file was read (:attr:`~geo_outreach.inputs.columns.InputTable.notes`),
        number formats that had to be assumed, participants above the labour force or
        employed, segments above participants, one blank denominator, names without
        kapanewon and kabupaten, participants computed from segments.
    """
    data = table.data
    out = pd.DataFrame(index=data.index)
    if "code" in data.columns:
        out["code"] = pd.Series([normalise_code(v).code for v in data["code"]],
                                index=data.index, dtype="str")
        out["code_input"] = _text_series(data["code"])
    for column in ("name", "district", "regency"):
        if column in data.columns:
            out[column] = _text_series(data[column])
    problems = [*table.notes, *_identifier_problems(table, out)]
    if data.empty:
        problems.append(_problem(table, None, None, None,
                                 "the participation table has a header but no data rows",
                                 "add one row per village under the header (code or name, "
                                 "labour force, participants)"))
    for column in (c for c in COUNT_COLUMNS if c in data.columns):
        out[column], found = _numeric_column(table, column)
        problems += found
    computed = "participants" not in data.columns
    if computed:
        problems += _sum_segments(table, out)
    problems += _blank_problems(table, computed)
    problems += _consistency_problems(table, out, computed)
    return out, problems


# --- offices ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _StudyArea:
    """The study area in its UTM zone, to measure how far a point lies from it."""

    shape: shapely.Geometry
    crs: object
    centre: str  # "lat -7.9, lon 110.4", for messages

    @classmethod
    def of(cls, villages: gpd.GeoDataFrame) -> _StudyArea | None:
        """Measure the villages' outline in their UTM zone; None without CRS or villages."""
        if villages.crs is None or villages.empty:
            return None
        crs = villages.estimate_utm_crs()
        shape = shapely.union_all(villages.to_crs(crs).geometry.to_numpy())
        middle = gpd.GeoSeries([shape.representative_point()], crs=crs).to_crs("EPSG:4326")
        return cls(shape, crs, f"lat {middle.y.iloc[0]:.1f}, lon {middle.x.iloc[0]:.1f}")

    def distance_m(self, lon: float, lat: float) -> float:
        """Metres from a lon/lat point to the area; inf for impossible coordinates."""
        if not (abs(lat) <= MAX_LATITUDE and abs(lon) <= MAX_LONGITUDE):
            return math.inf
        point = gpd.GeoSeries([shapely.Point(lon, lat)], crs="EPSG:4326").to_crs(self.crs)
        distance = float(shapely.distance(self.shape, point.iloc[0]))
        return distance if math.isfinite(distance) else math.inf


def _coordinate(table: InputTable, row: object, column: str
                ) -> tuple[float | None, list[Problem]]:
    """Parse one coordinate cell, with the problem when it is blank or not a number."""
    cell = table.data.loc[row, column]
    parsed = parse_coordinate(cell)
    label = "latitude" if column == "lat" else "longitude"
    if parsed.status == "blank":
        return None, [_problem(table, row, column, None, f"the {label} is blank",
                               f"fill in the office's {label} in decimal degrees (e.g. "
                               f"{'-7.78305' if column == 'lat' else '110.38344'})")]
    if parsed.status == "text":
        return None, [_problem(table, row, column, cell, f"the {label} is not a number",
                               "write decimal degrees such as -7.78305 (not degrees-minutes-"
                               "seconds; in Google Maps, right-click the place to copy them)")]
    return parsed.value, []


def _location_problems(table: InputTable, row: object, lat: float, lon: float, *,
                       area: _StudyArea | None, radius_km: float) -> list[Problem]:
    """Check one office's position: range, 0,0, swapped lat/lon, distance to the area."""
    if lat == 0 and lon == 0:
        return [_problem(table, row, "lat", "0, 0", "the office is at 0, 0 (in the Atlantic "
                         "Ocean): the coordinates are probably missing",
                         "fill in the office's real lat and lon")]
    in_range = abs(lat) <= MAX_LATITUDE and abs(lon) <= MAX_LONGITUDE
    if area is None:
        return [] if in_range else [_range_problem(table, row, lat, lon)]
    radius_m = radius_km * METRES_PER_KM
    given = area.distance_m(lon, lat)
    if given == 0:
        return []
    if given <= radius_m:
        return [_problem(table, row, "lat", f"{lat:g}, {lon:g}",
                         f"the office lies {given / METRES_PER_KM:.1f} km outside the study "
                         f"area; its {radius_km:g} km radius still reaches into it",
                         "check the coordinates if the office should be inside", "warning")]
    misread = _misread_problem(table, row, lat, lon, area=area, radius_m=radius_m)
    return [misread or _problem(
        table, row, "lat", f"{lat:g}, {lon:g}",
        f"the office lies {given / METRES_PER_KM:,.0f} km from the study area, beyond its "
        f"{radius_km:g} km radius",
        f"check the coordinates (the study area lies around {area.centre}), or remove "
        "offices outside the area")]


def _misread_problem(table: InputTable, row: object, lat: float, lon: float, *,
                     area: _StudyArea, radius_m: float) -> Problem | None:
    """Explain a far-away office by swapped lat/lon, a lost minus sign or impossible values."""
    value = f"{lat:g}, {lon:g}"
    if area.distance_m(lat, lon) <= radius_m:
        return _problem(table, row, "lat", value, "lat and lon look swapped: exchanged, the "
                        "point falls in the study area",
                        f"swap them: lat {lon:g}, lon {lat:g} (the study area lies around "
                        f"{area.centre})")
    in_range = abs(lat) <= MAX_LATITUDE and abs(lon) <= MAX_LONGITUDE
    if in_range and area.distance_m(lon, -lat) <= radius_m:
        hemisphere = "south" if lat > 0 else "north"
        return _problem(table, row, "lat", value,
                        f"the latitude has the wrong sign: the study area is {hemisphere} of "
                        "the equator", f"write lat as {-lat:g}")
    return None if in_range else _range_problem(table, row, lat, lon)


def _range_problem(table: InputTable, row: object, lat: float, lon: float) -> Problem:
    column = "lat" if abs(lat) > MAX_LATITUDE else "lon"
    bound = "-90 to 90" if column == "lat" else "-180 to 180"
    return _problem(table, row, column, f"{lat:g}, {lon:g}",
                    f"the {'latitude' if column == 'lat' else 'longitude'} must be within {bound}",
                    "write decimal degrees, e.g. lat -7.78305, lon 110.38344")


def _office_type(table: InputTable, row: object) -> tuple[str, list[Problem]]:
    cell = table.data.loc[row, "office_type"] if "office_type" in table.data.columns else None
    if is_blank(cell):
        return "unknown", []
    known = _OFFICE_TYPE_WORDS.get(normalise_header(cell))
    if known:
        return known, []
    return "unknown", [_problem(table, row, "office_type", cell,
                                f"unknown office type; it is treated as 'unknown' (known: "
                                f"{', '.join(OFFICE_TYPES)})",
                                "write KC (Kantor Cabang) or KCP (Kantor Cabang Perintis)",
                                "warning")]


def _approximate(table: InputTable, row: object) -> tuple[bool, list[Problem]]:
    cell = table.data.loc[row, "approximate"] if "approximate" in table.data.columns else None
    if is_blank(cell):
        return False, []
    if isinstance(cell, (bool, np.bool_)):
        return bool(cell), []
    word = normalise_header(cell_text(cell))
    if word in _TRUE_WORDS:
        return True, []
    if word in _FALSE_WORDS:
        return False, []
    return True, [_problem(table, row, "approximate", cell,
                           "not a yes/no value; the location is treated as approximate",
                           "write True or False (ya/tidak)", "warning")]


def _slug(text: str) -> str:
    return re.sub(r"[^A-Z0-9]+", "-", text.upper()).strip("-")


def _names_and_ids(table: InputTable) -> tuple[pd.Series, pd.Series, list[Problem]]:
    """Office names and ids: ids generated from names when missing; duplicates are errors."""
    data = table.data
    index = data.index
    given_ids = _text_series(data["office_id"]) if "office_id" in data else pd.Series(
        None, index=index, dtype="str")
    names = _text_series(data["name"]) if "name" in data else pd.Series(None, index=index,
                                                                          dtype="str")
    problems = []
    for row in index[names.isna()]:
        if pd.isna(given_ids[row]):
            problems.append(_problem(table, row, "name" if "name" in data else "office_id", None,
                                     "the office has neither a name nor an id",
                                     "fill in the office name, or delete the row"))
        else:
            names[row] = given_ids[row]
    generated = [_slug(n) if isinstance(n, str) and _slug(n) else f"OFFICE-{r}"
                 for r, n in names.items()]
    ids = given_ids.fillna(pd.Series(generated, index=index, dtype="str"))
    ids = ids.where(~ids.duplicated(keep="first") | given_ids.notna(),
                    ids + "-" + pd.Series(index.astype(str), index=index))
    for column, values in (("office_id", given_ids), ("name", names)):
        keys = pd.Series([" ".join(v.lower().split()) if isinstance(v, str) else None
                          for v in values], index=values.index, dtype="str")
        problems += _duplicates(table, column, values, keys)
    return ids, names, problems


def _duplicates(table: InputTable, column: str, values: pd.Series, keys: pd.Series
                ) -> list[Problem]:
    duplicated = keys[keys.notna() & keys.duplicated(keep=False)]
    problems = []
    for _, group in duplicated.groupby(duplicated, sort=False):
        rows = [int(r) for r in group.index]
        problems.append(_problem(table, rows[0], column, values[rows[0]],
                                 f"the same office {column} is on {describe_rows(rows)}",
                                 f"give each office its own {column}, or delete the repeated row"))
    return problems


def validate_offices(
    table: InputTable, study_area: gpd.GeoDataFrame, *, radius_km: float,
) -> tuple[gpd.GeoDataFrame, list[Problem]]:
    """
    Check the office list and turn it into points.

    Parameters
    ----------
    table
        As read by :func:`geo_outreach.inputs.readers.read_offices`.
    study_area
        The villages (any CRS); offices are checked against their outline, measured in
        the area's UTM zone.
    radius_km
        The radius of the reach rule: an office outside the area whose radius still
        reaches it is a warning; one farther away is an error.

    Returns
    -------
    offices
        EPSG:4326 points, indexed by the user's row, columns ``office_id``, ``name``,
        ``office_type`` (KC, KCP or unknown), ``approximate`` (bool), ``location_note``,
        ``lat``, ``lon``, ``geometry``; rows whose coordinates are missing or impossible
        are left out (they have an error).
    problems
        Errors: blank or non-numeric lat/lon, out-of-range values, 0,0, lat and lon
        swapped, a missing minus sign, offices beyond the radius of the area, offices
        without name or id, duplicate ids or names, an empty table. Warnings: how the
        file was read (:attr:`~geo_outreach.inputs.columns.InputTable.notes`), an office outside the
        area within radius of it, unknown office types, unreadable ``approximate`` values.
    """
    area = _StudyArea.of(study_area)
    ids, names, problems = _names_and_ids(table)
    problems = [*table.notes, *problems]
    records = []
    for row in table.data.index:
        lat, lat_problems = _coordinate(table, row, "lat")
        lon, lon_problems = _coordinate(table, row, "lon")
        problems += lat_problems + lon_problems
        office_type, found = _office_type(table, row)
        approximate, more = _approximate(table, row)
        problems += found + more
        if lat is None or lon is None:
            continue
        problems += _location_problems(table, row, lat, lon, area=area,
                                       radius_km=radius_km)
        if abs(lat) <= MAX_LATITUDE and abs(lon) <= MAX_LONGITUDE:
            note = table.data.loc[row, "location_note"] if "location_note" in table.data else None
            records.append({"row": row, "office_id": ids[row], "name": names[row],
                            "office_type": office_type, "approximate": approximate,
                            "location_note": cell_text(note) or "", "lat": lat, "lon": lon})
    if table.data.empty:
        problems.append(_problem(table, None, None, None, "the office table has no rows",
                                 "add one row per office: name, office_type, lat, lon"))
    frame = pd.DataFrame.from_records(records, columns=["row", *OFFICE_COLUMNS]).set_index("row")
    frame["approximate"] = frame["approximate"].astype(bool)
    for column in ("lat", "lon"):
        frame[column] = frame[column].astype("float64")
    offices = gpd.GeoDataFrame(frame, geometry=gpd.points_from_xy(frame["lon"], frame["lat"]),
                               crs="EPSG:4326")
    return offices, problems
