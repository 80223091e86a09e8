"""
A large household file is held on disk chunk by chunk, with the same results as in memory.

The threshold (:data:`geo_outreach.analysis.household_store.SPILL_ROWS`) is lowered so a
small seeded file crosses it: every count, cell, village-office piece, reject and duplicate
(before and after the spill, and across it) must be identical to the in-memory run, and
the temporary folders must go with the classification.
"""

from __future__ import annotations

import gc
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pytest

from geo_outreach.analysis import household_store
from geo_outreach.analysis.household_cells import aggregate, village_office_counts
from geo_outreach.analysis.household_store import CLASSIFIED_DTYPES, ClassifiedChunks, id_keys
from geo_outreach.analysis.households import HouseholdParams, classify_households
from geo_outreach.analysis.village_locator import build_study_area
from geo_outreach.inputs.prepare import InputPaths, prepare_inputs
from geo_outreach.inputs.synthetic import synthetic_households

if TYPE_CHECKING:
    from pathlib import Path

PARAMS = HouseholdParams(chunk_rows=1_000)


@pytest.fixture(scope="module")
def area():
    prepared = prepare_inputs(InputPaths())
    return build_study_area(prepared.villages, prepared.offices, radius_km=5.0)


@pytest.fixture(scope="module")
def register(tmp_path_factory) -> Path:
    """12,000 seeded households; ids repeated early, late and across the spill point."""
    prepared = prepare_inputs(InputPaths())
    table = synthetic_households(prepared.villages, 12_000, seed=11)
    table["id"] = table["id"].astype(str)
    for repeat, first in ((150, 10), (2_600, 40), (2_400, 2_300), (11_000, 9_000),
                          (11_500, 20)):
        table.loc[repeat, "id"] = table.loc[first, "id"]
    table.loc[7_000, "id"] = "007"  # digits that agree with "7" as numbers: still different
    table.loc[7_001, "id"] = "7"
    path = tmp_path_factory.mktemp("register") / "rumah_tangga.csv"
    table.to_csv(path, index=False)
    return path


def _both(register: Path, area, monkeypatch):
    in_memory = classify_households(register, area, PARAMS)
    monkeypatch.setattr(household_store, "SPILL_ROWS", 2_500)
    spilled = classify_households(register, area, PARAMS)
    assert spilled.chunks.spilled
    assert not in_memory.chunks.spilled
    return in_memory, spilled


def test_a_spilled_classification_equals_the_in_memory_one(register, area, monkeypatch):
    in_memory, spilled = _both(register, area, monkeypatch)
    assert len(spilled.chunks) == len(in_memory.chunks)
    pd.testing.assert_frame_equal(spilled.rejects, in_memory.rejects)
    duplicates = spilled.rejects[spilled.rejects["reason"] == "duplicate_id"]
    assert len(duplicates) == 5
    assert "same id as row 12" in set(duplicates["detail"])  # row 152 repeats row 12
    for name in CLASSIFIED_DTYPES:
        np.testing.assert_array_equal(getattr(spilled.households, name),
                                      getattr(in_memory.households, name))


@pytest.mark.parametrize("radius_km", [None, 2.5, 10.0])
def test_the_sums_are_the_same_from_disk(register, area, monkeypatch, radius_km):
    in_memory, spilled = _both(register, area, monkeypatch)
    for one, other in zip(aggregate(in_memory, area, PARAMS, radius_km=radius_km).__dict__.values(),
                          aggregate(spilled, area, PARAMS, radius_km=radius_km).__dict__.values(),
                          strict=True):
        pd.testing.assert_frame_equal(one, other)
    pd.testing.assert_frame_equal(village_office_counts(in_memory, area, radius_km=radius_km),
                                  village_office_counts(spilled, area, radius_km=radius_km))


def test_the_temporary_folders_go_with_the_classification(register, area, monkeypatch):
    monkeypatch.setattr(household_store, "SPILL_ROWS", 2_500)
    spilled = classify_households(register, area, PARAMS)
    folder = spilled.chunks._folder
    assert any(folder.glob("chunk-*.npy"))
    del spilled
    gc.collect()
    assert not folder.exists()


def test_chunks_can_be_read_again_and_dropped_rows_stay_out():
    store = ClassifiedChunks(spill_rows=3)
    parts = [_part(range(4)), _part(range(4, 6)), _part(range(6, 9))]
    for part in parts:
        store.append(part)
    store.drop(np.array([1, 5]))
    assert [list(p.rows) for p in store] == [[0, 2, 3], [4], [6, 7, 8]]
    assert [list(p.rows) for p in store] == [[0, 2, 3], [4], [6, 7, 8]]  # read again
    assert len(store) == 7
    assert list(store.whole().rows) == [0, 2, 3, 4, 6, 7, 8]


def _part(rows: range):
    from geo_outreach.analysis.household_store import Classified  # noqa: PLC0415

    size = len(rows)
    return Classified(*(np.arange(rows.start, rows.stop).astype(dtype) if name == "rows"
                        else np.zeros(size, dtype=dtype)
                        for name, dtype in CLASSIFIED_DTYPES.items()))


def test_id_keys_are_equal_exactly_when_the_ids_are():
    ids = pd.Series(["3404010001000001", "007", "7", "KK-7", "kk-7", "3404010001000001",
                     "KK-7", "99999999999999999999", "", "18446744073709551615"])
    h1, h2 = id_keys(ids)
    keys = list(zip(h1.tolist(), h2.tolist(), strict=True))
    for i, first in enumerate(ids):
        for j, second in enumerate(ids):
            assert (keys[i] == keys[j]) == (first == second), (first, second)
