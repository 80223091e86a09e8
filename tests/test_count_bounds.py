"""
Extreme worker counts in household files are rejected, never wrapped into negative totals.

Each value (0, the bound, just above it, the 32- and 64-bit limits, huge floats and a
negative count) goes through the CSV and Parquet readers and the count parser; the
property is that a value outside ``0..MAX_WORKERS_PER_HOUSEHOLD`` is a rejected row and
that the accepted counts add up to the exact Python sum.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from geo_outreach.analysis.households import MAX_WORKERS_PER_HOUSEHOLD, _parse_counts
from geo_outreach.inputs.household_files import read_household_chunks

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
    path = folder / f"h{suffix}"
    if suffix == ".csv":
        frame.to_csv(path, index=False)
    else:
        frame.to_parquet(path, index=False)
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
