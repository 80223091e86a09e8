"""
Extreme counts are rejected, never wrapped into negative totals.

Household files: each value (0, the bound, just above it, the 32- and 64-bit limits, huge
floats and a negative count) goes through the CSV and Parquet readers and the count parser; the
property is that a value outside ``0..MAX_WORKERS_PER_HOUSEHOLD`` is a rejected row and
that the accepted counts add up to the exact Python sum.

Participation tables (CSV and XLSX): a village's labour force outside
``0..MAX_COUNT_PER_VILLAGE`` is an error on its cell; otherwise the analysis' totals are the
exact sums and nothing uncovered is negative.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geo_outreach._errors import InputError
from geo_outreach.analysis.household_cells import _counts, village_office_counts
from geo_outreach.analysis.household_store import ClassifiedChunks
from geo_outreach.analysis.households import (
    MAX_WORKERS_PER_HOUSEHOLD,
    Classified,
    _parse_counts,
)
from geo_outreach.analysis.pipeline import analyse
from geo_outreach.config import AnalysisParams
from geo_outreach.inputs import bundled
from geo_outreach.inputs.household_files import read_household_chunks
from geo_outreach.inputs.prepare import InputPaths, prepare_inputs
from geo_outreach.inputs.validate import MAX_COUNT_PER_VILLAGE

BOUND = MAX_WORKERS_PER_HOUSEHOLD
EXTREMES = [0, 1, BOUND, BOUND + 1, 2**31 - 1, 2**31, 2**32 + 1, 2**63 - 1, -1, 1e300]
COUNTS = st.lists(st.sampled_from(EXTREMES) | st.integers(0, BOUND), min_size=1, max_size=5)


def _write(folder: Path, workers: list, suffix: str) -> Path:
    frame = pd.DataFrame({
        "id": [f"KK{i:03d}" for i in range(len(workers))],
        "lat": [-7.79] * len(workers), "lon": [110.37] * len(workers),
        "workers": [float(w) if isinstance(w, float) else str(w) for w in workers]
                   if suffix == ".csv" else [float(w) for w in workers],
        "registered": [0] * len(workers)})
    return _saved(frame, folder / f"h{suffix}")


def _saved(table: pd.DataFrame, path: Path) -> Path:
    """Write a table in the format its suffix names (.csv, .parquet or .xlsx)."""
    writers = {".csv": table.to_csv, ".parquet": table.to_parquet, ".xlsx": table.to_excel}
    writers[path.suffix](path, index=False)
    return path


def _check(workers: list, suffix: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = _write(Path(folder), workers, suffix)
        parsed = [_parse_counts(chunk) for chunk in read_household_chunks(path)]
    got = np.concatenate([p[0] for p in parsed])
    bad = np.concatenate([p[2] for p in parsed])
    for value, rejected in zip(workers, bad, strict=True):
        assert rejected == (not 0 <= value <= BOUND), value
    kept = [int(w) for w, rejected in zip(workers, bad, strict=True) if not rejected]
    assert (got >= 0).all()
    assert int(got[~bad].astype(np.int64).sum()) == sum(kept)


@settings(max_examples=25, deadline=None)
@given(COUNTS)
def test_csv_counts_are_bounded(workers: list) -> None:
    _check(workers, ".csv")


@settings(max_examples=25, deadline=None)
@given(COUNTS)
def test_parquet_counts_are_bounded(workers: list) -> None:
    _check(workers, ".parquet")


# --- participation tables: a village's counts are bounded too ----------------------------

VILLAGE_BOUND = MAX_COUNT_PER_VILLAGE
VILLAGE_EXTREMES = [0, 1, 999, VILLAGE_BOUND, VILLAGE_BOUND + 1, 2**31 - 1, 2**31, 2**32 + 1,
                    2**63 - 1, 1e300, -1]
KOTA_ROWS = pd.read_csv(bundled.DEMO_PARTICIPATION, dtype={"kode_wilayah": str}).query(
    "kode_wilayah.str.startswith('34.71.')", engine="python").head(6)


def _participation(folder: Path, labour: list, suffix: str) -> Path:
    table = KOTA_ROWS[["kode_wilayah", "kalurahan", "kapanewon", "kabupaten"]].iloc[
        :len(labour)].copy()
    table["angkatan_kerja"] = [str(v) if suffix == ".csv" else v for v in labour]
    table["peserta_aktif"] = [v if isinstance(v, int) and 0 <= v <= VILLAGE_BOUND else 0
                              for v in labour]  # never above the labour force
    return _saved(table, folder / f"peserta{suffix}")


def _check_participation(labour: list, suffix: str) -> None:
    out_of_range = [v for v in labour if not 0 <= v <= VILLAGE_BOUND]
    with tempfile.TemporaryDirectory() as folder:
        path = _participation(Path(folder), labour, suffix)
        if out_of_range:
            with pytest.raises(InputError) as caught:
                analyse(prepare_inputs(InputPaths(participation=path)), AnalysisParams())
            refused = [p for p in caught.value.problems if p.severity == "error"]
            assert len(refused) == len(out_of_range)
            assert all(p.column == "angkatan_kerja" for p in refused)
            return
        result = analyse(prepare_inputs(InputPaths(participation=path)), AnalysisParams())
    villages = result.villages
    with_data = villages[villages["has_data"]]
    assert int(with_data["labour_force"].sum()) == sum(int(v) for v in labour)
    for column in ("labour_force", "participants", "uncovered"):
        assert (villages[column].fillna(0) >= 0).all(), column
    assert result.offices["uncovered_within_radius"].fillna(0).ge(0).all()


@settings(max_examples=8, deadline=None)
@given(st.lists(st.sampled_from(VILLAGE_EXTREMES) | st.integers(0, VILLAGE_BOUND),
                min_size=1, max_size=6))
def test_village_counts_are_bounded_in_csv(labour: list) -> None:
    _check_participation(labour, ".csv")


@settings(max_examples=5, deadline=None)
@given(st.lists(st.sampled_from(VILLAGE_EXTREMES), min_size=1, max_size=6))
def test_village_counts_are_bounded_in_xlsx(labour: list) -> None:
    _check_participation(labour, ".xlsx")


# --- sums are 64-bit whatever the per-household storage ----------------------------------

def test_sums_over_many_households_do_not_wrap_at_32_bits() -> None:
    """Four households of 2**30 workers sum to 2**32: int32 storage, 64-bit sums."""
    size = 4
    households = Classified(
        rows=np.arange(size, dtype=np.int64), village=np.zeros(size, np.int32),
        office=np.zeros(size, np.int32), distance_m=np.zeros(size, np.float32),
        within=np.ones(size, bool), h3=np.zeros(size, np.uint64),
        workers=np.full(size, 2**30, np.int32), registered=np.zeros(size, np.int32),
        x=np.zeros(size, np.float32), y=np.zeros(size, np.float32))
    sums = _counts(households, np.zeros(size, np.intp), 1)
    assert int(sums["workers"][0]) == 2**32
    assert int(sums["uncovered_workers_within_radius"][0]) == 2**32
    area = SimpleNamespace(office_ids=np.array(["KC-YGY"]),
                           village_codes=np.array(["34.71.01.1001"]))
    store = ClassifiedChunks()
    store.append(households)
    pieces = village_office_counts(SimpleNamespace(chunks=store), area,  # type: ignore[arg-type]
                                   radius_km=None)
    assert pieces["workers"].dtype == np.int64
    assert int(pieces["uncovered_workers"].iloc[0]) == 2**32
