"""
Match participation rows to villages: by code, then by name, then by a similar name.

Every row ends up in the match report with a status, so nothing is dropped silently:

========== ==============================================================================
status     meaning
========== ==============================================================================
code       the Kemendagri code is in the boundary layer
name       the name matched exactly (after normalisation) within the row's kapanewon and
           kabupaten, or uniquely in the whole study area
fuzzy      a similar name within the same kapanewon and kabupaten (``score`` 0-100):
           check these
ambiguous  the name fits several villages; the note lists their codes
unmatched  no village found; the note says why and how to fix it
bps_code   the code is a BPS code, not a Kemendagri one
duplicate  two or more rows landed on the same village; none of them is used
no_data    a village of the boundary layer that no row matched
========== ==============================================================================
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Final

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process

from geo_outreach import i18n
from geo_outreach._errors import Problem, Severity
from geo_outreach.inputs.codes import normalise_code, normalise_name, normalise_unit_name
from geo_outreach.inputs.columns import cell_text
from geo_outreach.inputs.validate import COUNT_COLUMNS
from geo_outreach.inputs.wording import clauses, match_note

if TYPE_CHECKING:
    import geopandas as gpd

    from geo_outreach._errors import MessageArg

MATCH_STATUSES: Final = ("code", "name", "fuzzy", "ambiguous", "unmatched", "bps_code",
                         "duplicate", "no_data")
MATCHED_STATUSES: Final = frozenset({"code", "name", "fuzzy"})
REPORT_COLUMNS: Final = ("row", "input_code", "input_name", "input_district", "input_regency",
                         "status", "matched_code", "matched_name", "matched_district",
                         "matched_regency", "score", "note")
"""The columns of the match report, in order; ``note`` holds Translatable texts (object dtype)."""

FUZZY_MIN_SCORE: Final = 85.0
"""The lowest similarity (rapidfuzz ratio, 0-100) accepted for a village name."""
FUZZY_MARGIN: Final = 5.0
"""How far the best name must lead the runner-up to be accepted."""
UNIT_MIN_SCORE: Final = 85.0
"""The lowest similarity accepted for a kapanewon or kabupaten name."""
NAME_CONFLICT_SCORE: Final = 80.0
"""Below this similarity a row's name is said to disagree with its code's village."""
SUGGESTION_MIN_SCORE: Final = 60.0
"""The lowest similarity worth suggesting in a note."""
EXACT_SCORE: Final = 100.0
LISTED_CANDIDATES: Final = 6
TOTAL_ROW_NAMES: Final = frozenset({"jumlah", "total", "grandtotal", "jumlahtotal", "subtotal",
                                    "totalkeseluruhan", "jumlahkeseluruhan"})


@dataclass(frozen=True)
class Reconciliation:
    """
    Participation rows matched to villages.

    Attributes
    ----------
    matched
        One row per matched village: ``code`` (the village's Kemendagri code), the counts
        present among ``labour_force``, ``employed``, ``participants``, ``pu``, ``bpu``,
        ``jakon``, ``pmi``, and ``row`` (the user's row).
    report
        The match report, columns :data:`REPORT_COLUMNS`: one row per participation row
        (in row order), then one ``no_data`` row per village without data.
    problems
        Warnings for unknown codes, names that disagree with their code, unmatched and
        ambiguous rows, fuzzy matches and villages without data; errors for two rows on
        one village, and for a table none of whose rows matches. BPS and malformed
        codes get their status here, but their problems come from
        :func:`geo_outreach.inputs.validate.validate_participation`.
    """

    matched: pd.DataFrame
    report: pd.DataFrame
    problems: list[Problem] = field(default_factory=list)


@dataclass(frozen=True)
class _Match:
    """How one row was matched."""

    status: str
    code: str | None = None
    score: float = np.nan
    note: str = ""
    problems: tuple[Problem, ...] = ()


@dataclass(frozen=True)
class _Row:
    """One participation row's identifiers, as text."""

    row: int
    code: str | None
    name: str | None
    district: str | None
    regency: str | None


@dataclass(frozen=True)
class _Context:
    """What every problem of one reconciliation needs."""

    source: str
    headers: dict[str, str]

    def problem(  # noqa: PLR0917 - mirrors the positional fields of Problem
        self, row: int | None, column: str | None, value: str | None, message: str, fix: str,
        severity: Severity = "warning", *, key: str | None = None,
        args: dict[str, MessageArg] | None = None,
    ) -> Problem:
        """Locate a problem in the user's terms (their row number and their header)."""
        header = None if column is None else self.headers.get(column, column)
        return Problem(self.source, row, header, value, message, fix, severity, key=key,
                       args=args or {})


def _resolve_unit(given: str, known: list[str]) -> tuple[str | None, str]:
    """Find a kapanewon/kabupaten key among the known ones, tolerating small misspellings."""
    key = normalise_unit_name(given)
    if key in known:
        return key, ""
    best = process.extract(key, known, scorer=fuzz.ratio, limit=2)
    if best and best[0][1] >= UNIT_MIN_SCORE and (
            len(best) == 1 or best[0][1] - best[1][1] >= FUZZY_MARGIN):
        return best[0][0], match_note("unit_read_as", f"'{given}' read as '{best[0][0]}'",
                                      given=given, key=best[0][0])
    return None, ""


class _Gazetteer:
    """The villages with comparison keys for names, kapanewon and kabupaten."""

    def __init__(self, villages: gpd.GeoDataFrame) -> None:
        table = pd.DataFrame({
            "code": villages["code"].astype("str").to_numpy(),
            "name": villages["name"].astype("str").to_numpy(),
            "district": villages["district"].astype("str").to_numpy(),
            "regency": villages["regency"].astype("str").to_numpy(),
        })
        table["name_key"] = table["name"].map(normalise_name)
        table["district_key"] = table["district"].map(normalise_unit_name)
        table["regency_key"] = table["regency"].map(normalise_unit_name)
        self.table = table
        self.position = {code: i for i, code in enumerate(table["code"])}

    def village(self, code: str) -> pd.Series:
        return self.table.iloc[self.position[code]]

    def scope(self, district: str | None, regency: str | None
              ) -> tuple[pd.DataFrame | None, bool, str]:
        """
        Find the villages a row may refer to, given its kabupaten and kapanewon.

        Return the candidate villages (None when a given unit is unknown), whether the
        scope is one single kapanewon (needed for fuzzy matching), and a note.
        """
        area = self.table
        notes = []
        if regency:
            key, note = _resolve_unit(regency, sorted(set(area["regency_key"])))
            if key is None:
                known = ", ".join(sorted(set(self.table["regency"])))
                return None, False, match_note(
                    "regency_not_found", f"kabupaten/kota '{regency}' not found (known: {known})",
                    regency=regency, known=known)
            area = area[area["regency_key"] == key]
            notes.append(note)
        if district:
            key, note = _resolve_unit(district, sorted(set(area["district_key"])))
            if key is None:
                known = ", ".join(sorted(set(area["district"])))
                shown = area["regency"].iloc[0]
                where = match_note("in_regency", f" in {shown}", regency=shown) if regency else ""
                return None, False, match_note(
                    "district_not_found",
                    f"kapanewon/kecamatan '{district}' not found{where} (known: {known})",
                    district=district, where=where, known=known)
            area = area[area["district_key"] == key]
            notes.append(note)
        single = bool(district) and area[["regency_key", "district_key"]].drop_duplicates(
        ).shape[0] == 1
        return area, single, clauses(*notes)


def _listing(villages: pd.DataFrame) -> str:
    shown = [f"{v.code} {v.name} ({v.district}, {v.regency})"
             for v in villages.head(LISTED_CANDIDATES).itertuples()]
    more = len(villages) - LISTED_CANDIDATES
    listing = "; ".join(shown)
    return listing if more <= 0 else match_note("listing_more", f"{listing} and {more} more",
                                                listing=listing, more=str(more))


def _match_code(item: _Row, code: str, gazetteer: _Gazetteer, context: _Context) -> _Match:
    """Match a Kemendagri code; note a name that disagrees, suggest a fix for unknown ones."""
    if code in gazetteer.position:
        village = gazetteer.village(code)
        name_key = normalise_name(item.name)
        if not name_key or name_key == village["name_key"]:
            return _Match("code", code, EXACT_SCORE)
        score = float(fuzz.ratio(name_key, village["name_key"]))
        if score >= NAME_CONFLICT_SCORE:
            return _Match("code", code, EXACT_SCORE)
        note = match_note("name_differs", f"the row's name '{item.name}' differs from the "
                          f"code's village '{village['name']}'", name=str(item.name),
                          village=village["name"])
        problem = context.problem(item.row, "code", item.code, note,
                                  "check that the code belongs to this row's village",
                                  key="reconcile.name_differs", args={"note": note})
        return _Match("code", code, EXACT_SCORE, note, (problem,))
    by_name = _match_name(item, gazetteer, context) if item.name else None
    hint = ""
    if by_name is not None and by_name.status in MATCHED_STATUSES:
        village = gazetteer.village(str(by_name.code))
        hint = match_note("name_matches", f"the name matches {village['code']} "
                          f"{village['name']}: correct the code, or clear it to match by name",
                          code=village["code"], name=village["name"])
    unknown = match_note("code_not_in_layer", f"the code {code} is not in the boundary layer",
                         code=code)
    problem = context.problem(
        item.row, "code", item.code, unknown,
        "check the code against the boundary file (codes changed with Kepmendagri "
        "300.2.2-2430/2025), or clear it and give the village, kapanewon and kabupaten names",
        key="reconcile.unknown_code", args={"note": unknown})
    return _Match("unmatched", None, np.nan, clauses(unknown, hint), (problem,))


def _ambiguous(item: _Row, candidates: pd.DataFrame, context: _Context, how: str) -> _Match:
    listing = _listing(candidates)
    note = match_note("fits_several", f"{how} fits {len(candidates)} villages: {listing}",
                      how=how, count=str(len(candidates)), listing=listing)
    problem = context.problem(item.row, "name", item.name, note,
                              "add the Kemendagri code, or the kapanewon and kabupaten",
                              key="reconcile.ambiguous", args={"note": note})
    return _Match("ambiguous", None, np.nan, note, (problem,))


def _unmatched(item: _Row, note: str, context: _Context) -> _Match:
    if normalise_name(item.name) in TOTAL_ROW_NAMES:
        note = clauses(note, match_note("total_row", "this looks like a total row: delete it "
                                        "from the table"))
    problem = context.problem(item.row, "name", item.name, note,
                              "correct the name, kapanewon or kabupaten, or add the "
                              "Kemendagri code", key="reconcile.unmatched", args={"note": note})
    return _Match("unmatched", None, np.nan, note, (problem,))


def _match_fuzzy(item: _Row, key: str, area: pd.DataFrame, context: _Context,
                 scope_note: str) -> _Match:
    """Take the most similar name in one kapanewon, if clearly ahead of the runner-up."""
    choices = area["name_key"].tolist()
    best = process.extract(key, choices, scorer=fuzz.ratio, limit=2)
    where = f"{area['district'].iloc[0]}, {area['regency'].iloc[0]}"
    if not best or best[0][1] < FUZZY_MIN_SCORE:
        closest = ""
        if best and best[0][1] >= SUGGESTION_MIN_SCORE:
            village = area.iloc[best[0][2]]
            score = f"{best[0][1]:.0f}"
            closest = match_note("closest", f"the closest is {village['name']} ({score})",
                                 name=village["name"], score=score)
        missing = match_note("no_village_in", f"no village named '{item.name}' in {where}",
                             name=str(item.name), where=where)
        return _unmatched(item, clauses(missing, closest), context)
    if len(best) > 1 and best[0][1] - best[1][1] < FUZZY_MARGIN:
        how = match_note("the_name_similar", f"the name '{item.name}' (similar spelling)",
                         name=str(item.name))
        return _ambiguous(item, area.iloc[[best[0][2], best[1][2]]], context, how)
    village = area.iloc[best[0][2]]
    note = match_note("similar_name", f"similar name: '{item.name}' taken as '{village['name']}'",
                      name=str(item.name), village=village["name"])
    return _Match("fuzzy", village["code"], float(best[0][1]), clauses(note, scope_note))


def _match_name(item: _Row, gazetteer: _Gazetteer, context: _Context) -> _Match:
    """Match by exact normalised name within the row's units, then by a similar name."""
    key = normalise_name(item.name)
    if not key:
        return _Match("unmatched", note=match_note("no_identifier", "the row has neither a "
                                                   "code nor a name"))
    area, single, scope_note = gazetteer.scope(item.district, item.regency)
    if area is None:
        return _unmatched(item, scope_note, context)
    exact = area[area["name_key"] == key]
    if len(exact) == 1:
        return _Match("name", exact["code"].iloc[0], EXACT_SCORE, scope_note)
    if len(exact) > 1:
        how = match_note("the_name", f"the name '{item.name}'", name=str(item.name))
        return _ambiguous(item, exact, context, how)
    if single:
        return _match_fuzzy(item, key, area, context, scope_note)
    elsewhere = gazetteer.table[gazetteer.table["name_key"] == key]
    listing = _listing(elsewhere)
    hint = match_note("villages_named", f"villages with this name: {listing}",
                      listing=listing) if len(elsewhere) else ""
    scope = "" if item.district else match_note(
        "give_district", "give the kapanewon so that a similar spelling can be matched")
    missing = match_note("no_village", f"no village named '{item.name}' found",
                         name=str(item.name))
    return _unmatched(item, clauses(missing, hint, scope), context)


def _match_row(item: _Row, gazetteer: _Gazetteer, context: _Context) -> _Match:
    check = normalise_code(item.code)
    if check.kind == "bps":
        return _Match("bps_code", note=match_note(
            "bps_code", f"{check.reason}: convert it to the Kemendagri code, or clear it and "
            "give the names", reason=check.reason))
    if check.kind == "invalid":
        return _Match("unmatched", note=match_note(
            "invalid_code", f"{check.reason}: correct the code", reason=check.reason))
    if check.kind == "kemendagri":
        return _match_code(item, str(check.code), gazetteer, context)
    return _match_name(item, gazetteer, context)


def _rows(data: pd.DataFrame) -> list[_Row]:
    """Collect the identifying cells of each row, as text."""
    code_column = "code_input" if "code_input" in data.columns else "code"

    def column(name: str) -> list[str | None]:
        if name not in data.columns:
            return [None] * len(data)
        return [cell_text(v) for v in data[name]]

    return [_Row(int(row), *cells) for row, *cells in zip(
        data.index, column(code_column), column("name"), column("district"),
        column("regency"), strict=True)]


def _mark_duplicates(items: list[_Row], matches: list[_Match], context: _Context
                     ) -> tuple[list[_Match], list[Problem]]:
    """Turn every match of a village claimed by several rows into ``duplicate``."""
    claims: dict[str, list[int]] = {}
    for position, match in enumerate(matches):
        if match.status in MATCHED_STATUSES and match.code is not None:
            claims.setdefault(match.code, []).append(position)
    problems = []
    result = list(matches)
    for code, positions in claims.items():
        if len(positions) < 2:  # noqa: PLR2004 - two rows make a duplicate
            continue
        rows = [items[p].row for p in positions]
        listed = ", ".join(str(r) for r in rows)
        first = items[positions[0]]
        column = "code" if first.code else "name"
        problems.append(context.problem(
            rows[0], column, first.code or first.name,
            f"rows {listed} all match the village {code}",
            "keep one row per village: merge the rows, or correct the code or name of the "
            "wrong one", "error", key="reconcile.duplicate", args={"rows": listed, "code": code}))
        for position in positions:
            others = ", ".join(str(r) for r in rows if r != items[position].row)
            old = matches[position]
            same = match_note("same_village", f"same village as row(s) {others}", rows=others)
            result[position] = _Match("duplicate", code, old.score, clauses(same, old.note))
    return result, problems


def _report(items: list[_Row], matches: list[_Match], gazetteer: _Gazetteer) -> pd.DataFrame:
    """Build the match report: input rows first, then villages without data."""
    records = []
    for item, match in zip(items, matches, strict=True):
        village = gazetteer.village(match.code) if match.code else None
        records.append({
            "row": item.row, "input_code": item.code, "input_name": item.name,
            "input_district": item.district, "input_regency": item.regency,
            "status": match.status, "matched_code": match.code,
            "matched_name": None if village is None else village["name"],
            "matched_district": None if village is None else village["district"],
            "matched_regency": None if village is None else village["regency"],
            "score": match.score, "note": match.note,
        })
    claimed = {m.code for m in matches if m.code is not None}
    records += [{
        "row": None, "status": "no_data", "matched_code": village.code,
        "matched_name": village.name, "matched_district": village.district,
        "matched_regency": village.regency, "score": np.nan,
        "note": match_note("no_data", "no participation row for this village"),
    } for village in gazetteer.table.itertuples() if village.code not in claimed]
    report = pd.DataFrame.from_records(records, columns=list(REPORT_COLUMNS))
    report["row"] = report["row"].astype("Int64")
    report["score"] = report["score"].astype("float64")
    for column in (c for c in REPORT_COLUMNS if c not in ("row", "score", "note")):
        report[column] = report[column].astype("str")
    # object, not str: a str column would turn each Translatable note into plain text
    report["note"] = pd.Series([record["note"] or "" for record in records], dtype=object)
    return report


def _nothing_matched(matches: list[_Match], report: pd.DataFrame, context: _Context
                     ) -> list[Problem]:
    """One error when rows were given but none matched: most likely another area's table."""
    if not matches or any(m.status in MATCHED_STATUSES for m in matches):
        return []
    given = report["input_code"][report["row"].notna()]
    provinces = sorted({c[:2] for c in given if isinstance(c, str) and c[:2].isdigit()})
    known = sorted({c[:2] for c in report["matched_code"][report["row"].isna()]})
    table, layer = ", ".join(provinces), ", ".join(known)
    hint = (match_note("other_province", f"; its codes begin with {table}, the boundary layer's "
                       f"with {layer}: it looks like another province's table",
                       provinces=table, known=layer)
            if provinces and set(provinces).isdisjoint(known) else "")
    return [context.problem(
        None, None, None,
        f"none of the {len(matches)} row(s) matches a village of the boundary layer{hint}",
        "give the participation table of the study area's villages (or the boundaries of "
        "the table's area); see the match report for each row", "error",
        key="reconcile.nothing_matched", args={"count": str(len(matches)), "hint": hint})]


def _summary_problems(matches: list[_Match], report: pd.DataFrame, context: _Context
                      ) -> list[Problem]:
    """One warning for fuzzy matches to check, one for villages without data."""
    problems = []
    fuzzy = [m for m in matches if m.status == "fuzzy"]
    if fuzzy:
        problems.append(context.problem(
            None, "name", None,
            f"{len(fuzzy)} row(s) were matched by a similar, not identical, name",
            "check the rows with status 'fuzzy' in the match report; correct the names or add "
            "codes if any match is wrong", key="reconcile.fuzzy",
            args={"count": str(len(fuzzy)), "status": i18n.phrase("value.status.fuzzy")}))
    problems += _nothing_matched(matches, report, context)
    no_data = int((report["status"] == "no_data").sum())
    if no_data:
        problems.append(context.problem(
            None, None, None,
            f"{no_data} village(s) of the boundary layer have no participation row; they are "
            "shown without data",
            "add rows for them, or check the match report for rows that did not match",
            key="reconcile.no_data", args={"count": str(no_data)}))
    return problems


def reconcile_participation(
    data: pd.DataFrame, villages: gpd.GeoDataFrame, *, source: str, headers: dict[str, str],
) -> Reconciliation:
    """
    Match each participation row to one village of the boundary layer.

    Parameters
    ----------
    data
        Participation rows indexed by the user's row number, as returned by
        :func:`geo_outreach.inputs.validate.validate_participation` (``code_input`` or ``code``,
        ``name``, ``district``, ``regency`` and the counts).
    villages
        The boundary layer: ``code``, ``name``, ``district``, ``regency``.
    source
        The participation file's name, for messages.
    headers
        Canonical column name to the user's header, for messages.

    Returns
    -------
    Reconciliation
        ``matched`` (one row per matched village), ``report`` (every row and every
        village without data, with status, score and note) and ``problems``.

    Notes
    -----
    Codes are matched first; then exact names (prefixes such as "Kalurahan" and spaces
    ignored) within the row's kabupaten and kapanewon, or in the whole area if the name
    is unique there; then similar names (rapidfuzz ratio at least 85, at least 5 points
    ahead of the runner-up) only within the row's own kapanewon.
    """
    context = _Context(source, headers)
    gazetteer = _Gazetteer(villages)
    items = _rows(data)
    matches = [_match_row(item, gazetteer, context) for item in items]
    problems = [p for m in matches for p in m.problems]
    matches, duplicate_problems = _mark_duplicates(items, matches, context)
    problems += duplicate_problems
    report = _report(items, matches, gazetteer)
    problems += _summary_problems(matches, report, context)
    counts = [c for c in COUNT_COLUMNS if c in data.columns]
    used = [i for i, m in enumerate(matches) if m.status in MATCHED_STATUSES]
    matched = data.iloc[used][counts].copy()
    matched.insert(0, "code", pd.Series([matches[i].code for i in used], index=matched.index,
                                        dtype="str"))
    matched["row"] = [items[i].row for i in used]
    matched["row"] = matched["row"].astype("int64")
    return Reconciliation(matched.reset_index(drop=True), report, problems)
