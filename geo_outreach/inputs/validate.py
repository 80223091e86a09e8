"""
Check the values of the participation and office tables, collecting every problem.

Nothing here raises on bad data: each check appends a :class:`~geo_outreach._errors.Problem`
naming the file, the user's row and column, the value and the fix, and the caller decides
(errors stop an analysis; warnings are reported alongside the results).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

import numpy as np
import pandas as pd

from geo_outreach.inputs import wording
from geo_outreach.inputs.cells import cell_problem, parse_number, text_series
from geo_outreach.inputs.codes import is_blank, normalise_code
from geo_outreach.inputs.columns import InputTable, describe_rows
from geo_outreach.inputs.schema import DENOMINATORS, SEGMENTS
from geo_outreach.inputs.wording import PARTICIPATION_OPTION, both, mapping_args
from geo_outreach.inputs.workbook_size import FormulaWithoutValue

if TYPE_CHECKING:
    from geo_outreach._errors import Problem, Translatable

COUNT_COLUMNS: Final = ("labour_force", "employed", "participants", *SEGMENTS)
"""The numeric columns of a participation table."""

MAX_COUNT_PER_VILLAGE: Final = 1_000_000
"""The largest count one village's row may hold. The most populous kelurahan in Indonesia
have a few hundred thousand residents, so a labour force or participant count above a
million is a slip (a kabupaten's total on a village row, digits run together, a wrong
unit), never a village; it is refused before any sum is made."""


def _identifier_problems(table: InputTable, out: pd.DataFrame) -> list[Problem]:
    """Check codes (BPS, malformed, duplicate) and that each row names its village."""
    data = table.data
    problems = []
    if "code" in data.columns:
        for row, raw in data["code"].items():
            check = normalise_code(raw)
            if check.kind == "bps":
                problems.append(cell_problem(
                    table, row, "code", raw, check.reason,
                    "convert it to the Kemendagri code (e.g. 34.04.07.2003; see the boundary "
                    "file's code column), or clear the code and give the village, kapanewon "
                    "and kabupaten names", key="participation.bps_code",
                    args={"reason": check.reason}))
            elif check.kind == "invalid":
                problems.append(cell_problem(
                    table, row, "code", raw, check.reason,
                    "write the Kemendagri village code like 34.04.07.2003 or 3404072003, or "
                    "clear it and give the village, kapanewon and kabupaten names",
                    key="participation.invalid_code", args={"reason": check.reason}))
        problems += _duplicate_code_problems(table, out["code"])
    names = out["name"] if "name" in out.columns else pd.Series(None, index=out.index)
    codes = out["code_input"] if "code_input" in out.columns else pd.Series(None, index=out.index)
    unnamed = out.index[names.isna() & codes.isna()]
    if len(unnamed) and len(unnamed) == len(out):
        problems.append(_no_identifier_problem(table))
    else:
        problems += [cell_problem(table, row, "name" if "name" in data.columns else "code", None,
                                  "the row has neither a village code nor a village name",
                                  "fill in the Kemendagri code or the village name, or delete "
                                  "the row", key="participation.row_without_identifier")
                     for row in unnamed]
    if "code" not in data.columns and not {"district", "regency"} <= set(data.columns):
        problems.append(cell_problem(table, None, None, None,
                                     "villages are identified by name only, without kapanewon "
                                     "and kabupaten columns; names that occur in several places "
                                     "cannot be told apart",
                                     "add the Kemendagri code, or kapanewon and kabupaten columns",
                                     "warning", key="participation.names_only"))
    return problems


def _no_identifier_problem(table: InputTable) -> Problem:
    """
    One error for a table in which no row has a village code or name.

    Its identifier columns are empty, or hold something else: the header is the problem,
    not each row. (:func:`~geo_outreach.inputs.tables.read_table` already refuses a file
    whose code and name columns are empty; this covers tables built otherwise.)
    """
    given = [f"'{table.header(c)}'" for c in ("code", "name") if c in table.data.columns]
    shown = both(*given) if given else wording.part("no_identifier_column",
                                                    "no code or name column")
    return cell_problem(table, None, None, None,
                        f"no row has a village code or a village name ({shown}: no value)",
                        f"check that the code or name column is the right one; map it with "
                        f"{PARTICIPATION_OPTION} code=YOUR_HEADER or name=YOUR_HEADER",
                        key="participation.no_identifier",
                        args={**(mapping_args(PARTICIPATION_OPTION) or {}), "shown": shown})


def _duplicate_code_problems(table: InputTable, codes: pd.Series) -> list[Problem]:
    """One error per Kemendagri code given on more than one row."""
    duplicated = codes[codes.notna() & codes.duplicated(keep=False)]
    problems = []
    for code, group in duplicated.groupby(duplicated, sort=False):
        rows = [int(r) for r in group.index]
        problems.append(cell_problem(table, rows[0], "code", code,
                                     f"the code {code} appears on {describe_rows(rows)}",
                                     "keep one row per village: merge or correct the duplicates",
                                     key="participation.duplicate_code",
                                     args={"code": code, "rows": describe_rows(rows)}))
    return problems


def _numeric_column(table: InputTable, column: str) -> tuple[pd.Series, list[Problem]]:
    """Parse one count column: errors for text and negatives, one warning per assumption."""
    raw = table.data[column]
    values = []
    problems = []
    assumed: dict[str, list[int]] = {}
    conventions: dict[str, list[int]] = {}
    for row, cell in raw.items():
        parsed = parse_number(cell)
        values.append(np.nan if parsed.value is None else parsed.value)
        if isinstance(cell, FormulaWithoutValue):
            problems.append(cell_problem(
                table, row, column, str(cell),
                "the cell holds a formula whose result was never saved in the file (it was "
                "written by a program that does not compute formulas), so there is no number "
                "to read", "open the file in Excel or LibreOffice and save it again (that "
                "stores the results), or paste the numbers as values",
                key="participation.formula_without_value"))
        elif parsed.status == "text":
            problems.append(cell_problem(table, row, column, cell, "this is not a number",
                                         "write a whole number such as 1234 (no letters or units)",
                                         key="participation.not_a_number"))
        elif parsed.value is not None and parsed.value < 0:
            problems.append(cell_problem(table, row, column, cell, "a count cannot be negative",
                                         "correct the number", key="participation.negative"))
        elif parsed.value is not None and parsed.value > MAX_COUNT_PER_VILLAGE:
            problems.append(cell_problem(
                table, row, column, cell,
                f"{parsed.value:.0f} is more than any village holds (a village's row holds "
                "at most one million)",
                "check the number: a kabupaten total or digits run together? Write the "
                "village's own count", key="participation.too_large",
                args={"count": f"{parsed.value:.0f}"}))
        if parsed.assumption:
            assumed.setdefault(parsed.assumption, []).append(int(row))
        if parsed.convention:
            conventions.setdefault(parsed.convention, []).append(int(row))
    for assumption, rows in assumed.items():
        example = raw.loc[rows[0]]
        problems.append(cell_problem(table, rows[0], column, example,
                                     f"read {describe_rows(rows)} assuming {assumption}",
                                     "check these numbers; write plain digits (1234) to avoid "
                                     "any doubt", "warning", key="participation.number_format",
                                     args={"rows": describe_rows(rows), "assumption": assumption}))
    if len(conventions) > 1:
        problems.append(_mixed_conventions(table, column, raw, conventions))
    return pd.Series(values, index=raw.index, dtype="float64"), problems


def _mixed_conventions(table: InputTable, column: str, raw: pd.Series,
                       conventions: dict[str, list[int]]) -> Problem:
    """One warning for a column whose cells write decimals both ways (1.234,5 and 1,234.5)."""
    comma, dot = conventions["comma_decimal"], conventions["dot_decimal"]
    first = min(comma[0], dot[0])
    return cell_problem(
        table, first, column, raw.loc[first],
        f"the column mixes number conventions: {describe_rows(comma)} use a decimal comma "
        f"(1.234,5), {describe_rows(dot)} a decimal point (1,234.5); each cell was read "
        "by its own look",
        "check these cells, and write the whole column one way (plain digits, 1234, are "
        "never in doubt)", "warning", key="participation.mixed_number_formats",
        args={"comma_rows": describe_rows(comma), "dot_rows": describe_rows(dot)})


def _sum_segments(table: InputTable, out: pd.DataFrame) -> list[Problem]:
    """Add up the segments into participants when the table has no participants column."""
    present = [s for s in SEGMENTS if s in out.columns]
    out["participants"] = out[present].sum(axis=1, min_count=1)
    names = " + ".join(table.header(s) for s in present)
    return [cell_problem(table, None, None, None,
                         f"there is no participants column, so participants were computed as "
                         f"{names}",
                         "add a column of total active participants if the segments do not "
                         "cover everyone", "warning", key="participation.summed_segments",
                         args={"names": names})]


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
    problems = [cell_problem(table, row, None if computed else "participants", None,
                             "the participants cell is blank" if not computed else
                             "all segment cells are blank",
                             "fill in the number of active participants (0 if none)",
                             key="participation.blank_segments" if computed
                             else "participation.blank_participants")
                for row in table.data.index[_blank_mask(table, sources)]]
    denominators = [d for d in DENOMINATORS if d in present]
    none_given = _blank_mask(table, denominators)
    labels = both(*(table.header(d) for d in denominators))
    problems += [cell_problem(table, row, denominators[0], None, f"the {labels} cell(s) are blank",
                              "fill in the labour force (angkatan kerja) of the village",
                              key="participation.blank_denominators", args={"labels": labels})
                 for row in table.data.index[none_given]]
    for denominator in denominators:
        blank = _blank_mask(table, [denominator]) & ~none_given
        rows = [int(r) for r in table.data.index[blank]]
        if rows:
            problems.append(cell_problem(table, rows[0], denominator, None,
                                         f"{describe_rows(rows)} have no "
                                         f"{table.header(denominator)}; "
                                         f"coverage against {denominator} will be missing there",
                                         "fill in the blanks, or choose the other denominator",
                                         "warning", key="participation.blank_denominator",
                                         args={"rows": describe_rows(rows),
                                               "header": table.header(denominator),
                                               "denominator": wording.part(
                                                   f"denominator_column.{denominator}",
                                                   denominator)}))
    return problems


def _count_name(column: str) -> Translatable:
    """Name a count column in words: ``labour_force`` as "labour force"."""
    return wording.part(f"count.{column}", column.replace("_", " "))


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
            problems.append(cell_problem(
                table, int(rows[0]), part, out.loc[rows[0], part],
                f"{table.header(part)} is above {table.header(whole)} on {len(rows)} of "
                f"{comparable} rows: the two columns look swapped",
                f"check which column holds {part} and which {whole}; map them with "
                f"--participation-columns {part}=...,{whole}=...",
                key="participation.columns_swapped",
                args={**(mapping_args(PARTICIPATION_OPTION) or {}), "part": part, "whole": whole,
                      "part_header": table.header(part), "whole_header": table.header(whole),
                      "count": str(len(rows)), "total": str(comparable),
                      "part_words": _count_name(part), "whole_words": _count_name(whole)}))
            continue
        problems += [cell_problem(
            table, row, part, out.loc[row, part],
            f"{table.header(part)} ({out.loc[row, part]:g}) is above {table.header(whole)} "
            f"({out.loc[row, whole]:g}): coverage would exceed 100 %",
            f"check both numbers (participants counted at the employer's address can exceed "
            f"the resident {whole.replace('_', ' ')})", "warning",
            key="participation.above_whole",
            args={"part_header": table.header(part), "part_value": f"{out.loc[row, part]:g}",
                  "whole_header": table.header(whole), "whole_value": f"{out.loc[row, whole]:g}",
                  "whole_words": _count_name(whole)}) for row in rows]
    present = [s for s in SEGMENTS if s in out.columns]
    if present and not computed:
        total = out[present].sum(axis=1, min_count=1)
        rows = out.index[(total > out["participants"]).to_numpy()]
        names = " + ".join(table.header(s) for s in present)
        problems += [cell_problem(
            table, row, "participants", out.loc[row, "participants"],
            f"the segments ({names} = {total[row]:g}) add up to more than the participants",
            "check the segment and total columns", "warning", key="participation.segments_above",
            args={"names": names, "total": f"{total[row]:g}"}) for row in rows]
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
        out["code_input"] = text_series(data["code"])
    for column in ("name", "district", "regency"):
        if column in data.columns:
            out[column] = text_series(data[column])
    problems = [*table.notes, *_identifier_problems(table, out)]
    if data.empty:
        problems.append(cell_problem(table, None, None, None,
                                     "the participation table has a header but no data rows",
                                     "add one row per village under the header (code or name, "
                                     "labour force, participants)", key="participation.no_rows"))
    for column in (c for c in COUNT_COLUMNS if c in data.columns):
        out[column], found = _numeric_column(table, column)
        problems += found
    computed = "participants" not in data.columns
    if computed:
        problems += _sum_segments(table, out)
    problems += _blank_problems(table, computed)
    problems += _consistency_problems(table, out, computed)
    return out, problems
