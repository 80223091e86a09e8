"""Participation tables for the store's tests: the bundled DEMO table, changed a little."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from geo_outreach.inputs import bundled

if TYPE_CHECKING:
    from pathlib import Path


def demo_table() -> pd.DataFrame:
    """Read the bundled DEMO table as the user's file holds it (codes as text)."""
    return pd.read_csv(bundled.DEMO_PARTICIPATION, dtype={"kode_wilayah": str})


def month_table(folder: Path, name: str, *, extra_participants: int = 0,
                rows: slice | None = None) -> Path:
    """
    Write a participation table like the bundled one, with more participants per village.

    Parameters
    ----------
    folder
        Where to write.
    name
        The file's name.
    extra_participants
        Added to every village's ``peserta_aktif`` and ``peserta_bpu``.
    rows
        Only these rows of the bundled table.

    Returns
    -------
    Path
        The CSV file.
    """
    table = demo_table()
    if rows is not None:
        table = table.iloc[rows]
    table = table.copy()
    table["peserta_aktif"] += extra_participants
    table["peserta_bpu"] += extra_participants
    table["sumber"] = "test table"
    path = folder / name
    table.to_csv(path, index=False)
    return path
