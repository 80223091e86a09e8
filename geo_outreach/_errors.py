"""Exception classes and the problem record used by every stage."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Literal

Severity = Literal["error", "warning"]


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
    """

    file: str
    row: int | None
    column: str | None
    value: str | None
    message: str
    fix: str
    severity: Severity = "error"

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
        """Return the record as a plain dict, for tables and JSON."""
        return asdict(self)


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
            problems = [Problem("input", None, None, None, problems, "see the message")]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems: list[Problem] = list(problems)
        count = len(self.problems)
        lines = [f"{count} problem(s) in the input:"] if count > 1 else []
        lines += [str(p) for p in self.problems]
        super().__init__("\n".join(lines))


class OutputError(GeoOutreachError, OSError):
    """An output cannot be written where the user asked."""
