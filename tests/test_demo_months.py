"""The DEMO monthly snapshots: what ships is what the generator makes, and it is plausible."""

from __future__ import annotations

import pandas as pd
import pytest

from geo_outreach.inputs import bundled
from geo_outreach.inputs.demo_months import (
    DEMO_MONTH_FILES,
    DEMO_MONTHS,
    DEMO_MONTHS_DIR,
    SEGMENT_COLUMNS,
    demo_csv_text,
    demo_monthly_tables,
    read_demo_table,
    write_demo_months,
)
from geo_outreach.inputs.prepare import InputPaths, prepare_inputs

OCTOBER_TOTAL = 614_371
ANNUAL_COLUMNS = ["kode_wilayah", "kalurahan", "kapanewon", "kabupaten", "angkatan_kerja",
                  "penduduk_bekerja"]


@pytest.fixture(scope="module")
def october() -> pd.DataFrame:
    return read_demo_table()


@pytest.fixture(scope="module")
def tables(october) -> dict[str, pd.DataFrame]:
    return demo_monthly_tables(october)


@pytest.fixture(scope="module")
def active(tables) -> pd.DataFrame:
    """Active participants: one row per village, one column per month."""
    return pd.DataFrame({month: table["peserta_aktif"] for month, table in tables.items()})


def test_the_months_are_january_to_october_2024_in_the_bundled_folder():
    assert tuple(f"2024-{m:02d}" for m in range(1, 11)) == DEMO_MONTHS
    assert list(DEMO_MONTH_FILES) == list(DEMO_MONTHS)
    assert DEMO_MONTHS_DIR == bundled.BUNDLED_DIR / "demo_months"
    assert DEMO_MONTH_FILES["2024-03"].name == "demo_participation_2024-03.csv"
    assert sorted(DEMO_MONTHS_DIR.glob("*.csv")) == sorted(DEMO_MONTH_FILES.values())


def test_the_shipped_files_are_what_the_generator_makes(tables):
    for month, path in DEMO_MONTH_FILES.items():
        assert path.read_bytes() == demo_csv_text(tables[month]).encode("utf-8"), month
        pd.testing.assert_frame_equal(read_demo_table(path), tables[month])


def test_october_is_the_bundled_table_byte_for_byte(october, tables):
    assert DEMO_MONTH_FILES["2024-10"].read_bytes() == bundled.DEMO_PARTICIPATION.read_bytes()
    pd.testing.assert_frame_equal(tables["2024-10"], october)
    assert int(october["peserta_aktif"].sum()) == OCTOBER_TOTAL


def test_writing_gives_the_same_bytes(tmp_path):
    written = write_demo_months(tmp_path / "months")
    assert list(written) == list(DEMO_MONTHS)
    for month, path in written.items():
        assert path.read_bytes() == DEMO_MONTH_FILES[month].read_bytes(), month
    assert sorted(p.name for p in (tmp_path / "months").iterdir()) == sorted(
        p.name for p in DEMO_MONTH_FILES.values())  # no temporary file left behind


def test_every_month_keeps_the_columns_and_the_annual_figures(october, tables):
    for month, table in tables.items():
        assert list(table.columns) == list(october.columns), month
        pd.testing.assert_frame_equal(table[ANNUAL_COLUMNS], october[ANNUAL_COLUMNS])
        counts = table[["peserta_aktif", *SEGMENT_COLUMNS]]
        assert (counts.dtypes == "int64").all(), month
        assert (counts >= 0).all().all(), month
        assert (table[list(SEGMENT_COLUMNS)].sum(axis=1) == table["peserta_aktif"]).all(), month
        assert (table["peserta_aktif"] <= table["angkatan_kerja"]).all(), month


def test_the_source_says_demo_synthetic_and_the_month(october, tables):
    for month in DEMO_MONTHS[:-1]:
        source = set(tables[month]["sumber"])
        assert source == {f"DEMO sintetis bulan {month} (bukan data BPJS)"}, month
    assert set(tables["2024-10"]["sumber"]) == set(october["sumber"])


def test_diy_rises_every_month_from_about_590_000(active):
    totals = active.sum()
    assert abs(totals["2024-01"] - 590_000) <= 1_000
    assert totals["2024-10"] == OCTOBER_TOTAL
    assert totals.is_monotonic_increasing
    assert totals.diff().dropna().nunique() >= 6  # uneven steps


def test_most_villages_rise_by_their_own_amounts_some_flat_a_few_declining(active):
    over_the_period = active["2024-10"] - active["2024-01"]
    villages = len(active)
    assert (over_the_period > 0).sum() > 0.7 * villages
    assert 0 < (over_the_period < 0).sum() < 0.2 * villages
    steps = active.diff(axis=1).iloc[:, 1:]
    assert ((steps == 0).sum(axis=1) >= 6).sum() >= 10  # some hardly ever move
    assert ((steps < 0).any(axis=1)).sum() > 0.1 * villages  # dips in some month
    rising = over_the_period > 0
    assert (steps[rising].nunique(axis=1) > 3).mean() > 0.5  # not the same step each month
    assert over_the_period[rising].nunique() > 100  # villages differ


def test_piyungan_has_a_setback_in_mid_year(october, active):
    piyungan = ((october["kabupaten"] == "Kabupaten Bantul")
                & (october["kapanewon"] == "Piyungan"))
    totals = active[piyungan].sum()
    assert totals["2024-06"] < 0.92 * totals["2024-05"]
    assert totals["2024-07"] < totals["2024-06"]
    assert totals["2024-10"] > totals["2024-07"]  # partly recovered
    assert totals["2024-10"] < totals["2024-05"]


def test_the_same_seed_gives_the_same_months_and_another_seed_others(october, tables):
    again = demo_monthly_tables(october)
    pd.testing.assert_frame_equal(again["2024-04"], tables["2024-04"])
    other = demo_monthly_tables(october, seed=7)
    assert not other["2024-04"].equals(tables["2024-04"])
    pd.testing.assert_frame_equal(other["2024-10"], october)


def test_fewer_months_still_end_at_the_table(october):
    short = demo_monthly_tables(october, ("2024-09", "2024-10"))
    assert list(short) == ["2024-09", "2024-10"]
    pd.testing.assert_frame_equal(short["2024-10"], october)
    assert demo_monthly_tables(october, ("2024-10",))["2024-10"].equals(october)


@pytest.mark.parametrize("months", [(), ("2024-02", "2024-01"), ("2024-1", "2024-02"),
                                    ("2024-01", "2024-01")])
def test_months_out_of_order_or_badly_written_are_refused(october, months):
    with pytest.raises(ValueError, match="YYYY-MM"):
        demo_monthly_tables(october, months)


def test_a_month_reads_and_validates_like_any_participation_table():
    prepared = prepare_inputs(InputPaths(participation=DEMO_MONTH_FILES["2024-06"]))
    assert prepared.errors == []
    assert len(prepared.participation) == len(read_demo_table())
