"""Frozen parameter objects shared by the CLI, the app and the library."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from geo_outreach._errors import InputError, Problem, Translatable

Denominator = Literal["labour_force", "employed"]
Language = Literal["id", "en"]

UTM_49S = "EPSG:32749"
"""The metric CRS for DIY (UTM zone 49 south)."""
PARAMETERS = Translatable("parameters", "problem.source.parameters")
COLUMN_MAPPING = Translatable("column mapping", "problem.source.column_mapping")
"""What a problem with the settings, not with a file, names as its file."""


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
            problems.append(Problem(PARAMETERS, None, "radius_km", str(self.radius_km),
                                    "the radius must be above 0 and at most 100 km",
                                    "give a radius in kilometres, e.g. 5",
                                    key="settings.radius"))
        if not 0 < self.target <= 1:
            problems.append(Problem(PARAMETERS, None, "target", str(self.target),
                                    "the target must be a fraction between 0 and 1",
                                    "write 40 % as 0.40", key="settings.target"))
        if self.denominator not in ("labour_force", "employed"):
            problems.append(Problem(PARAMETERS, None, "denominator", str(self.denominator),
                                    "unknown denominator",
                                    "use 'labour_force' or 'employed'",
                                    key="settings.denominator"))
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
                raise InputError(Problem(COLUMN_MAPPING, None, None, item,
                                         "a column mapping must look like canonical=header",
                                         "write e.g. code=KDEPUM,name=NAMOBJ",
                                         key="settings.column_mapping"))
            pairs[key.strip()] = value.strip()
        return cls(pairs)
