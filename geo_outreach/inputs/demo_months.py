"""
Seeded DEMO participation snapshots for January to October 2024, one table per month.

The bundled DEMO table (``boundaries/demo_participation.csv``) stands for October 2024:
its DIY totals match BPJS Ketenagakerjaan's published October 2024 figures (614,371
active participants). :func:`demo_monthly_tables` walks back from it month by month, so
the last month is that table itself, unchanged, and the earlier months show how the
villages could have got there. Nothing here describes a real village or a real month.

How the months are made, per village and per segment (PU, BPU, Jakon, PMI), going back
from October:

- Each village is drawn, seeded, to be **rising** (about 75 %), **flat** (17 %) or
  **declining** (8 %). A rising village has its own monthly drift (gamma distributed,
  so the amounts differ from village to village; about 0.7 % a month on average once
  scaled, below); a declining one loses 0.4–1.2 % a month; a flat one does not move,
  except now and then by chance.
- Every month adds noise of its own, largest for Jakon (construction projects start and
  end), then BPU (self-employed workers join and lapse), smallest for PU (wage earners).
  Self-employed (BPU) participation drifts up faster than PU, construction (Jakon)
  slower. PMI stays as it is in October (0 in the bundled table).
- One kapanewon, **Piyungan** (Kabupaten Bantul), has an invented setback: its wage
  earners (PU) fall by 12 % in June 2024 and its construction workers (Jakon) by 20 %,
  a further dip in July, then a partial recovery to October. (Made up, like everything
  here: it only shows what a setback looks like on the progress page.)
- The rising villages' drift is scaled, by bisection, so that DIY starts January 2024
  at about **590,000** active participants and ends at the 614,371 of October: a gain
  of about 24,400, or 4.1 % in nine months (about 0.45 % a month, 5.5 % a year). That is
  an assumption, not a published figure: steady growth of a few per cent a year, as in
  a province whose participation rises through outreach and campaigns for informal
  workers, without a jump that would make the demo look like a success story.

Every month's segments add up to ``peserta_aktif``, every count is a non-negative
integer, and the labour force and the employed are October's (annual figures, they do
not move from month to month). ``sumber`` says DEMO, synthetic, and the month.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Final

import numpy as np
import pandas as pd

from geo_outreach.atomic import atomic_write
from geo_outreach.inputs.bundled import BUNDLED_DIR, DEMO_PARTICIPATION
from geo_outreach.spreadsheet import write_csv

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

DEMO_MONTHS: Final = tuple(f"2024-{month:02d}" for month in range(1, 11))
"""The DEMO snapshots' months, ``"2024-01"`` to ``"2024-10"``."""

DEMO_MONTHS_DIR: Final = BUNDLED_DIR / "demo_months"
"""The folder of the bundled monthly DEMO snapshots."""

DEMO_MONTH_FILES: Final = {month: DEMO_MONTHS_DIR / f"demo_participation_{month}.csv"
                           for month in DEMO_MONTHS}
"""Each DEMO month's bundled file, ``demo_participation_<YYYY-MM>.csv``."""

DEMO_MONTHS_SEED: Final = 20240101
FIRST_MONTH_PARTICIPANTS: Final = 590_000
"""The DIY total the first month aims at (the bisection gets within a few dozen)."""

CODE_COLUMN: Final = "kode_wilayah"
TOTAL_COLUMN: Final = "peserta_aktif"
SEGMENT_COLUMNS: Final = ("peserta_pu", "peserta_bpu", "peserta_jakon", "peserta_pmi")
SOURCE_COLUMN: Final = "sumber"
DEMO_SOURCE: Final = "DEMO sintetis bulan {month} (bukan data BPJS)"
"""``sumber`` of the months before the last (the last keeps the bundled table's)."""

KINDS: Final = ("rising", "flat", "declining")
KIND_SHARES: Final = (0.75, 0.17, 0.08)
DRIFT_SHAPE: Final = 4.0
DRIFT_SCALE: Final = 0.00125
"""A rising village's monthly drift is gamma(shape, scale) before scaling: mean 0.5 %."""
DECLINE_PER_MONTH: Final = (0.004, 0.012)
FLAT_MOVES: Final = 0.25
"""How often a flat village's segment moves at all in a month."""
SEGMENT_DRIFT: Final = {"peserta_pu": 1.0, "peserta_bpu": 1.6, "peserta_jakon": 0.8,
                        "peserta_pmi": 0.0}
SEGMENT_NOISE: Final = {"peserta_pu": 0.002, "peserta_bpu": 0.005, "peserta_jakon": 0.015,
                        "peserta_pmi": 0.0}
"""Per segment: drift multiplier and the month-to-month noise (standard deviation)."""
MAX_MONTHLY_RATE: Final = 0.3

SETBACK_REGENCY: Final = "Kabupaten Bantul"
SETBACK_DISTRICT: Final = "Piyungan"
SETBACK_LEVELS: Final = {
    "peserta_pu": {"2024-06": 0.88, "2024-07": 0.86, "2024-08": 0.89, "2024-09": 0.92,
                   "2024-10": 0.94},
    "peserta_jakon": {"2024-06": 0.80, "2024-07": 0.78, "2024-08": 0.84, "2024-09": 0.88,
                      "2024-10": 0.90},
}
"""The setback kapanewon's level against May's, per segment, from June; the last level
holds after October."""

_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


def read_demo_table(path: Path = DEMO_PARTICIPATION) -> pd.DataFrame:
    """
    Read a DEMO participation CSV as it is, the code column as text.

    Parameters
    ----------
    path
        The CSV; the bundled October 2024 table by default.

    Returns
    -------
    pd.DataFrame
        The table with its own headers (``kode_wilayah`` ... ``sumber``).
    """
    return pd.read_csv(path, dtype={CODE_COLUMN: str}, encoding="utf-8")


def demo_csv_text(table: pd.DataFrame) -> str:
    """
    Write a DEMO table as the bundled CSV is written: a header, no index, LF line ends.

    Parameters
    ----------
    table
        A table with the bundled table's columns.

    Returns
    -------
    str
        The CSV text; the bundled table read with :func:`read_demo_table` gives back
        its file exactly.
    """
    return write_csv(table, lineterminator="\n") or ""


def _check_months(months: Sequence[str]) -> None:
    """Refuse an empty, unsorted or badly written list of months."""
    bad = [month for month in months if not (isinstance(month, str) and _MONTH.match(month))]
    if not months or bad or list(months) != sorted(set(months)):
        msg = (f"months must be distinct 'YYYY-MM' texts in order, got {list(months)!r}; "
               "give e.g. ('2024-01', '2024-02')")
        raise ValueError(msg)


def _setback_levels(months: Sequence[str], segment: str) -> np.ndarray:
    """Give the setback kapanewon's level per month for one segment, 1.0 in the last month."""
    path = SETBACK_LEVELS.get(segment, {})
    levels = []
    for month in months:
        reached = [path[m] for m in sorted(path) if m <= month]
        levels.append(reached[-1] if reached else 1.0)
    return np.array(levels) / levels[-1]


def _monthly_rates(table: pd.DataFrame, steps: int, rng: np.random.Generator
                   ) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """
    Draw each village's kind and drift, and each segment's monthly noise.

    Returns
    -------
    drift
        Per village, the rising villages' monthly drift before scaling (0 for the others).
    fixed
        Per segment, the part of each month's rate that is not scaled: noise and the
        declining villages' loss; shape (villages, steps).
    """
    count = len(table)
    kind = rng.choice(len(KINDS), size=count, p=KIND_SHARES)
    drift = np.where(kind == KINDS.index("rising"),
                     rng.gamma(DRIFT_SHAPE, DRIFT_SCALE, size=count), 0.0)
    decline = np.where(kind == KINDS.index("declining"),
                       -rng.uniform(*DECLINE_PER_MONTH, size=count), 0.0)
    fixed = {}
    for segment in SEGMENT_COLUMNS:
        noise = rng.normal(0.0, 1.0, size=(count, steps)) * SEGMENT_NOISE[segment]
        moves = rng.random(size=(count, steps)) < FLAT_MOVES
        noise = np.where((kind == KINDS.index("flat"))[:, None] & ~moves, 0.0, noise)
        fixed[segment] = noise + (decline * SEGMENT_DRIFT[segment])[:, None]
    return drift, fixed


def _segment_counts(october: np.ndarray, drift: np.ndarray, fixed: np.ndarray,
                    levels: np.ndarray, scale: float) -> np.ndarray:
    """
    Walk one segment back from the last month.

    ``rates[:, k]`` is the growth from month k to month k + 1; the count of month k is the
    last month's × the product of 1 ÷ (1 + rate) over the later steps × the setback
    level, rounded. The last month keeps its count exactly.
    """
    rates = np.clip(scale * drift[:, None] + fixed, -MAX_MONTHLY_RATE, MAX_MONTHLY_RATE)
    later = np.cumprod((1.0 / (1.0 + rates))[:, ::-1], axis=1)[:, ::-1]
    factor = np.concatenate([later, np.ones((len(october), 1))], axis=1) * levels
    return np.floor(october[:, None] * factor + 0.5).astype(np.int64)


def demo_monthly_tables(
    table: pd.DataFrame,
    months: Sequence[str] = DEMO_MONTHS,
    *,
    seed: int = DEMO_MONTHS_SEED,
) -> dict[str, pd.DataFrame]:
    """
    Generate one DEMO participation table per month, ending at ``table``.

    Parameters
    ----------
    table
        The bundled DEMO table as :func:`read_demo_table` reads it (its headers:
        ``kode_wilayah``, ``kalurahan``, ``kapanewon``, ``kabupaten``, ``angkatan_kerja``,
        ``penduduk_bekerja``, ``peserta_aktif``, the four ``peserta_*`` segments,
        ``sumber``).
    months
        The months, in order; the last one is ``table`` itself.
    seed
        Random seed: the same seed gives the same tables.

    Returns
    -------
    dict[str, pd.DataFrame]
        Month → table with ``table``'s columns in its order; the last month's is a copy of
        ``table``. See the module docstring for how the earlier months are drawn.

    Raises
    ------
    ValueError
        If ``months`` are not distinct ``"YYYY-MM"`` texts in order.
    """
    _check_months(months)
    rng = np.random.default_rng(seed)
    steps = len(months) - 1
    drift, fixed = _monthly_rates(table, steps, rng)
    october = {segment: table[segment].to_numpy(np.int64) for segment in SEGMENT_COLUMNS}
    in_setback = ((table["kabupaten"] == SETBACK_REGENCY)
                  & (table["kapanewon"] == SETBACK_DISTRICT)).to_numpy()
    levels = {segment: np.where(in_setback[:, None],
                                _setback_levels(months, segment)[None, :], 1.0)
              for segment in SEGMENT_COLUMNS}

    def counts(scale: float) -> dict[str, np.ndarray]:
        return {segment: _segment_counts(october[segment], drift * SEGMENT_DRIFT[segment],
                                         fixed[segment], levels[segment], scale)
                for segment in SEGMENT_COLUMNS}

    def first_total(scale: float) -> int:
        return int(sum(column[:, 0].sum() for column in counts(scale).values()))

    low, high = 0.0, 8.0
    if steps and first_total(low) > FIRST_MONTH_PARTICIPANTS:
        for _ in range(60):
            middle = (low + high) / 2
            low, high = (middle, high) if first_total(middle) > FIRST_MONTH_PARTICIPANTS else (
                low, middle)
    segments = counts(high if steps else 0.0)

    tables = {}
    for index, month in enumerate(months[:-1]):
        frame = table.copy()
        for segment in SEGMENT_COLUMNS:
            frame[segment] = segments[segment][:, index]
        frame[TOTAL_COLUMN] = sum(frame[segment] for segment in SEGMENT_COLUMNS)
        frame[SOURCE_COLUMN] = DEMO_SOURCE.format(month=month)
        tables[month] = frame[list(table.columns)]
    tables[months[-1]] = table.copy()
    return tables


def write_demo_months(folder: Path) -> dict[str, Path]:
    """
    Write the DEMO months, from the bundled table, as ``demo_participation_<YYYY-MM>.csv``.

    Parameters
    ----------
    folder
        Where to write them (created if needed); :data:`DEMO_MONTHS_DIR` for the bundled
        files.

    Returns
    -------
    dict[str, Path]
        Month → the file written (UTF-8, the bundled CSV's format), each written whole
        or not at all.
    """
    written = {}
    for month, frame in demo_monthly_tables(read_demo_table()).items():
        text = demo_csv_text(frame)
        path = folder / f"demo_participation_{month}.csv"
        written[month] = atomic_write(
            path, lambda temporary, text=text: temporary.write_text(text, encoding="utf-8",
                                                                    newline="\n"))
    return written
