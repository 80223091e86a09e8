"""Frozen parameter objects shared by the CLI, the app and the library."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from geo_outreach._errors import InputError, Problem

Denominator = Literal["labour_force", "employed"]
Language = Literal["id", "en"]

UTM_49S = "EPSG:32749"
"""The metric CRS for DIY (UTM zone 49 south)."""


@dataclass(frozen=True)
class AnalysisParams:
    """
    What the user chose for one analysis run.

    Attributes
    ----------
    radius_km
        The reach rule's radius around each office, in kilometres (default 5).
    target
        The coverage target as a fraction (default 0.40, i.e. 40 %).
    denominator
        ``"labour_force"`` (angkatan kerja, default) or ``"employed"`` (penduduk bekerja).
    """

    radius_km: float = 5.0
    target: float = 0.40
    denominator: Denominator = "labour_force"

    def __post_init__(self) -> None:
        """Refuse values that make no sense, with the fix."""
        problems = []
        if not 0 < self.radius_km <= 100:  # noqa: PLR2004 - a sanity bound, documented in the fix
            problems.append(Problem("parameters", None, "radius_km", str(self.radius_km),
                                    "the radius must be above 0 and at most 100 km",
                                    "give a radius in kilometres, e.g. 5"))
        if not 0 < self.target <= 1:
            problems.append(Problem("parameters", None, "target", str(self.target),
                                    "the target must be a fraction between 0 and 1",
                                    "write 40 % as 0.40"))
        if self.denominator not in ("labour_force", "employed"):
            problems.append(Problem("parameters", None, "denominator", str(self.denominator),
                                    "unknown denominator",
                                    "use 'labour_force' or 'employed'"))
        if problems:
            raise InputError(problems)


@dataclass(frozen=True)
class ColumnMapping:
    """
    The user's own header for canonical columns, e.g. ``{"code": "KDEPUM"}``.

    Columns not named here are found through the aliases in :mod:`geo_outreach.inputs.schema`.
    """

    columns: dict[str, str] = field(default_factory=dict)

    @classmethod
    def parse(cls, text: str | None) -> ColumnMapping:
        """
        Parse ``"code=KDEPUM,name=NAMOBJ"`` as typed on the command line.

        Parameters
        ----------
        text
            Comma-separated ``canonical=header`` pairs, or None.

        Returns
        -------
        ColumnMapping
            The mapping; empty for None or "".
        """
        if not text:
            return cls()
        pairs: dict[str, str] = {}
        for item in text.split(","):
            key, sep, value = item.partition("=")
            if not sep or not key.strip() or not value.strip():
                raise InputError(Problem("column mapping", None, None, item,
                                         "a column mapping must look like canonical=header",
                                         "write e.g. code=KDEPUM,name=NAMOBJ"))
            pairs[key.strip()] = value.strip()
        return cls(pairs)
