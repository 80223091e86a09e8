"""
Exception classes and the problem record used by every stage.

A :class:`Problem` says what is wrong in English (what the command line prints) and may
also name the label its message and fix are written from, with the label's arguments, so
the app can show it in the user's language (:mod:`geo_outreach.i18n.problem_text`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal, Self

if TYPE_CHECKING:
    from collections.abc import Mapping

Severity = Literal["error", "warning"]
PROBLEM_RECORD_FIELDS = ("file", "row", "column", "value", "message", "fix", "severity")
"""The fields of a problem as tables and JSON hold it (:meth:`Problem.to_dict`)."""


class Translatable(str):
    """
    English text that also knows the label it is written from, to be shown in any language.

    It is the English text itself (equal to it, and written as it is to CSV files), with
    the label's key and arguments beside it; :func:`geo_outreach.i18n.words` writes it in
    another language. Joining or formatting it gives plain English text.

    Parameters
    ----------
    text
        The English text, exactly as the label gives it in English.
    key
        The label's key in :data:`geo_outreach.i18n.LABELS`, e.g. ``"problem.part.rows.many"``;
        None for text without a label (it is shown as it is).
    args
        Values for the label's placeholders: text, numbers, :class:`Translatable` or
        :class:`Measure`.

    Examples
    --------
    >>> rows = Translatable("rows 3, 4", "problem.part.rows.many", {"rows": "3, 4"})
    >>> rows == "rows 3, 4", rows.key
    (True, 'problem.part.rows.many')
    """

    __slots__ = ("args", "key")
    key: str | None
    args: dict[str, MessageArg]

    def __new__(cls, text: str, key: str | None = None,
                args: Mapping[str, MessageArg] | None = None) -> Self:
        """Keep the English text, and the label it comes from."""
        made = super().__new__(cls, text)
        made.key = key
        made.args = dict(args or {})
        return made


@dataclass(frozen=True)
class Measure:
    """
    A number in a message, written with the reader's separators (``3,2`` or ``3.2``).

    Attributes
    ----------
    value
        The number.
    decimals
        Digits after the decimal separator.
    """

    value: float
    decimals: int = 0


MessageArg = str | int | Translatable | Measure
"""What a label's placeholder takes in a problem's arguments."""


@dataclass(frozen=True)
class Problem:
    """
    One thing wrong with one input, located precisely enough to fix it.

    Attributes
    ----------
    file
        The input file's name as the user gave it (or a label such as ``"bundled"``).
    row
        The row as the user sees it in a spreadsheet: header on row 1, first data row on
        row 2; ``None`` when the problem concerns the whole file or a whole column.
    column
        The column name in the user's file, or ``None``.
    value
        The offending value, as text.
    message
        What is wrong.
    fix
        How to fix it.
    severity
        ``"error"`` stops the analysis; ``"warning"`` is reported and the run goes on.
    key
        The label of the message in :mod:`geo_outreach.i18n`, without its ``problem.``
        prefix: the message is ``problem.<key>``, the fix ``problem.<key>.fix`` (or
        ``.fix.app`` and ``.fix.cli`` where the app and the command line are fixed
        differently). None when the problem is only worded in English.
    args
        Values for those labels' placeholders. With them the English labels give exactly
        ``message`` and the command line's ``fix``.
    """

    file: str
    row: int | None
    column: str | None
    value: str | None
    message: str
    fix: str
    severity: Severity = "error"
    key: str | None = field(default=None, kw_only=True)
    args: Mapping[str, MessageArg] = field(default_factory=dict, kw_only=True, hash=False)

    def __str__(self) -> str:
        """Render as one line: ``file, row 5, column 'lat' (value '110.4'): message. Fix: ...``."""
        where = [self.file]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column '{self.column}'")
        located = ", ".join(where)
        if self.value is not None:
            located += f" (value '{self.value}')"
        return f"{located}: {self.message}. Fix: {self.fix}"

    def to_dict(self) -> dict[str, object]:
        """Return the record as a plain dict, for tables and JSON (its English fields)."""
        return {name: getattr(self, name) for name in PROBLEM_RECORD_FIELDS}


class GeoOutreachError(Exception):
    """Base class for geo_outreach errors."""


class InputError(GeoOutreachError, ValueError):
    """
    One or more inputs break their data contract.

    Every problem found is collected first, then raised together, so the user can fix
    them all in one pass.
    """

    def __init__(self, problems: list[Problem] | Problem | str) -> None:
        if isinstance(problems, str):
            problems = [Problem("input", None, None, None, problems, "see the message",
                                key="unexplained", args={"text": problems})]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems: list[Problem] = list(problems)
        count = len(self.problems)
        lines = [f"{count} problem(s) in the input:"] if count > 1 else []
        lines += [str(p) for p in self.problems]
        super().__init__("\n".join(lines))


class OutputError(GeoOutreachError, OSError):
    """An output cannot be written where the user asked."""


class StoreError(GeoOutreachError):
    """
    The progress store cannot do what was asked.

    The database cannot be opened, or a month already holds another table.

    Attributes
    ----------
    message
        What is wrong.
    fix
        How to fix it.
    label, values
        The label of the message in :mod:`geo_outreach.i18n` (``store.error.<label>`` and
        ``store.error.<label>.fix``) and its placeholders (given as ``args``); ``label`` is
        None when the message is only worded in English.
    """

    def __init__(self, message: str, fix: str, *, label: str | None = None,
                 args: Mapping[str, MessageArg] | None = None) -> None:
        self.message = message
        self.fix = fix
        self.label = label
        self.values = dict(args or {})
        super().__init__(f"{message}. Fix: {fix}")
