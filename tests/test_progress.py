"""
Progress over monthly snapshots: hand-computed figures on three villages, and the
identities on random series (area = Σ villages = Σ kabupaten; an office = its villages ×
their shares; coverage ≤ 1 where participants ≤ denominator).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geo_outreach._errors import InputError
from geo_outreach.analysis.progress import (
    AREA_ID,
    LEVELS,
    MONTHLY_COLUMNS,
    SUMMARY_COLUMNS,
    ProgressSettings,
    month_range,
    months_between,
    progress_report,
    shift_month,
)

A, B, C = "34.71.03.1001", "34.71.03.1002", "34.04.07.2001"
VILLAGES = pd.DataFrame({
    "code": [A, B, C], "name": ["Demangan", "Kotabaru", "Caturtunggal"],
    "district": ["Gondokusuman", "Gondokusuman", "Depok"],
    "district_code": ["34.71.03", "34.71.03", "34.04.07"],
    "regency": ["Kota Yogyakarta", "Kota Yogyakarta", "Kabupaten Sleman"],
    "regency_code": ["34.71", "34.71", "34.04"],
})
PIECES = pd.DataFrame({"code": [A, B, B, C], "office_id": ["KC", "KC", "PH", "PH"],
                       "share": [1.0, 0.5, 0.5, 0.25]})
OFFICES = pd.DataFrame({"office_id": ["KC", "PH"], "name": ["KC Yogyakarta", "PH Sleman"]})
LABOUR_FORCE = {A: 1000.0, B: 2000.0, C: 4000.0}
PARTICIPANTS = {  # C has no snapshot in July
    A: {"2024-06": 300, "2024-07": 310, "2024-08": 330, "2024-09": 360},
    B: {"2024-06": 700, "2024-07": 690, "2024-08": 680, "2024-09": 670},
    C: {"2024-06": 1700, "2024-08": 1690, "2024-09": 1690},
}


def tiny_series() -> pd.DataFrame:
    """Three villages, June to September 2024: A rising, B falling, C above the target."""
    rows = [{"month": month, "code": code, "labour_force": LABOUR_FORCE[code],
             "employed": LABOUR_FORCE[code] * 0.9, "participants": float(count)}
            for code, months in PARTICIPANTS.items() for month, count in months.items()]
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def report():
    return progress_report(tiny_series(), VILLAGES, PIECES, OFFICES)


def row(report, level: str, unit_id: str) -> pd.Series:
    table = report.level(level).set_index("unit_id")
    return table.loc[unit_id]


def monthly(report, level: str, unit_id: str) -> pd.DataFrame:
    table = report.monthly
    return table[(table["level"] == level) & (table["unit_id"] == unit_id)].set_index("month")


# --- months --------------------------------------------------------------------------------

def test_month_range_crosses_the_year_and_is_empty_backwards():
    assert month_range("2024-11", "2025-02") == ["2024-11", "2024-12", "2025-01", "2025-02"]
    assert month_range("2024-10", "2024-10") == ["2024-10"]
    assert month_range("2024-10", "2024-09") == []


def test_months_between_counts_whole_calendar_months():
    assert months_between("2024-01", "2024-10") == 9
    assert months_between("2023-11", "2024-02") == 3
    assert months_between("2024-10", "2024-07") == -3
    assert shift_month("2024-02", -3) == "2023-11"


@pytest.mark.parametrize("bad", ["2024-13", "2024-1", "24-01", "2024/01", ""])
def test_a_month_not_written_yyyy_mm_is_refused(bad):
    with pytest.raises(ValueError, match=r"YYYY-MM"):
        month_range(bad, "2024-10")


# --- settings ------------------------------------------------------------------------------

@pytest.mark.parametrize(("kwargs", "pattern"), [
    ({"until": "2024-12-31"}, r"until.*YYYY-MM.*2024-12"),
    ({"until": "2024-00"}, r"until"),
    ({"pace_months": 0}, r"pace_months.*at least 1"),
    ({"pace_months": 2.5}, r"pace_months"),
    ({"trend_threshold_pp": -0.1}, r"trend_threshold_pp.*0 or more"),
    ({"trend_threshold_pp": math.nan}, r"trend_threshold_pp"),
    ({"trend_threshold_pp": "0.1"}, r"trend_threshold_pp"),
    ({"target": 40}, r"target.*0\.40"),
    ({"denominator": "population"}, r"denominator.*'labour_force' or 'employed'"),
])
def test_settings_refuse_what_makes_no_sense(kwargs, pattern):
    with pytest.raises(InputError, match=pattern):
        ProgressSettings(**kwargs)


def test_settings_take_numpy_numbers():
    settings = ProgressSettings(pace_months=np.int64(2), trend_threshold_pp=np.float64(0.2))
    assert settings.pace_months == 2


def test_settings_collect_every_problem_at_once():
    with pytest.raises(InputError) as raised:
        ProgressSettings(until="Dec", pace_months=0, trend_threshold_pp=-1)
    assert [p.column for p in raised.value.problems] == ["until", "pace_months",
                                                         "trend_threshold_pp"]


# --- hand-computed figures on three villages ----------------------------------------------

def test_the_report_has_the_promised_columns_and_levels(report):
    assert report.months == ("2024-06", "2024-07", "2024-08", "2024-09")
    assert tuple(report.monthly.columns) == MONTHLY_COLUMNS
    assert tuple(report.summary.columns) == SUMMARY_COLUMNS
    assert list(report.summary["level"].unique()) == list(LEVELS)
    assert report.until == "2024-12"
    assert set(report.level("district")["unit_id"]) == {"34.71.03", "34.04.07"}
    assert report.level("area")["unit_name"].iloc[0] == "whole area"
    assert row(report, "office", "KC")["unit_name"] == "KC Yogyakarta"
    assert row(report, "district", "34.04.07")["regency"] == "Kabupaten Sleman"
    assert row(report, "office", "KC")["regency"] is None
    with pytest.raises(ValueError, match="unknown level 'kecamatan'"):
        report.level("kecamatan")


def test_a_rising_village_is_on_track(report):
    a = row(report, "village", A)
    assert (a["first_month"], a["latest_month"], a["months_with_data"]) == ("2024-06",
                                                                          "2024-09", 4)
    assert a["coverage_first"] == pytest.approx(0.30)
    assert a["coverage_latest"] == pytest.approx(0.36)
    assert a["change_pp"] == pytest.approx(6.0)
    assert a["pace_per_month"] == pytest.approx(20.0)  # (360 − 300) ÷ 3
    assert a["coverage_pace_pp"] == pytest.approx(2.0)
    assert a["trend"] == "improving"
    assert a["needed_by_target"] == 40  # 0.40 × 1000 − 360
    assert a["months_left"] == 3  # September to December
    assert a["needed_per_month"] == pytest.approx(40 / 3)
    assert a["projected_participants"] == pytest.approx(420.0)
    assert a["projected_coverage"] == pytest.approx(0.42)
    assert a["on_track"]


def test_a_declining_village_is_not_on_track(report):
    b = row(report, "village", B)
    assert b["pace_per_month"] == pytest.approx(-10.0)
    assert b["coverage_pace_pp"] == pytest.approx(-0.5)
    assert b["trend"] == "declining"
    assert b["needed_by_target"] == 130
    assert b["projected_participants"] == pytest.approx(640.0)
    assert not b["on_track"]
    changes = monthly(report, "village", B)
    assert math.isnan(changes.loc["2024-06", "change_participants"])
    assert changes.loc["2024-07", "change_participants"] == -10
    assert changes.loc["2024-07", "change_coverage_pp"] == pytest.approx(-0.5)


def test_a_village_above_the_target_is_on_track_even_drifting_down(report):
    c = row(report, "village", C)
    assert c["months_with_data"] == 3
    assert c["pace_per_month"] == pytest.approx(-10 / 3)
    assert c["coverage_pace_pp"] == pytest.approx(-0.25 / 3)
    assert c["trend"] == "flat"  # −0.083 points a month is within ±0.1
    assert c["needed_by_target"] == 0
    assert c["needed_per_month"] == 0
    assert c["on_track"]
    # no July snapshot: no change in July, and August's change is unknown too
    changes = monthly(report, "village", C)
    assert "2024-07" not in changes.index
    assert math.isnan(changes.loc["2024-08", "change_participants"])
    assert changes.loc["2024-09", "change_participants"] == 0


def test_the_area_sums_the_villages_with_a_snapshot_each_month(report):
    area = monthly(report, "area", AREA_ID)
    assert list(area["denominator"]) == [7000, 3000, 7000, 7000]
    assert list(area["participants"]) == [2700, 1000, 2700, 2720]
    assert list(area["villages_with_data"]) == [3, 2, 3, 3]
    whole = row(report, "area", AREA_ID)
    assert whole["pace_per_month"] == pytest.approx(20 / 3)
    assert whole["needed_by_target"] == 80  # 2,800 − 2,720
    assert whole["projected_participants"] == pytest.approx(2740.0)
    assert not whole["on_track"]


def test_an_office_counts_its_villages_by_share(report):
    kc, ph = monthly(report, "office", "KC"), monthly(report, "office", "PH")
    assert kc.loc["2024-09", "denominator"] == pytest.approx(1000 + 0.5 * 2000)
    assert kc.loc["2024-09", "participants"] == pytest.approx(360 + 0.5 * 670)
    assert ph.loc["2024-09", "participants"] == pytest.approx(0.5 * 670 + 0.25 * 1690)
    assert ph.loc["2024-07", "denominator"] == pytest.approx(1000)  # only B in July
    assert ph.loc["2024-07", "villages_with_data"] == 1


def test_a_gap_in_the_pace_window_lengthens_it():
    settings = ProgressSettings(pace_months=2)
    c = row(progress_report(tiny_series(), VILLAGES, PIECES, OFFICES, settings), "village", C)
    # September less two months is July, which C lacks: the pace runs from June
    assert c["pace_per_month"] == pytest.approx(-10 / 3)
    a = row(progress_report(tiny_series(), VILLAGES, PIECES, OFFICES, settings), "village", A)
    assert a["pace_per_month"] == pytest.approx((360 - 310) / 2)


def test_a_longer_window_than_the_series_uses_its_first_month():
    settings = ProgressSettings(pace_months=12)
    a = row(progress_report(tiny_series(), VILLAGES, PIECES, OFFICES, settings), "village", A)
    assert a["pace_per_month"] == pytest.approx(20.0)


def test_a_target_month_already_past_leaves_no_month():
    settings = ProgressSettings(until="2024-08", target=0.35)
    got = progress_report(tiny_series(), VILLAGES, PIECES, OFFICES, settings)
    a, b = row(got, "village", A), row(got, "village", B)
    assert a["months_left"] == 0
    assert a["projected_participants"] == 360
    assert a["on_track"]  # 36 % ≥ 35 %
    assert b["needed_per_month"] == b["needed_by_target"] == 30  # 700 − 670, all now
    assert not b["on_track"]


def test_the_employed_denominator_is_selectable():
    settings = ProgressSettings(denominator="employed")
    a = row(progress_report(tiny_series(), VILLAGES, PIECES, OFFICES, settings), "village", A)
    assert a["coverage_latest"] == pytest.approx(360 / 900)
    assert a["needed_by_target"] == 0


def test_one_month_gives_no_pace_and_no_trend():
    series = tiny_series()
    got = progress_report(series[series["month"] == "2024-09"], VILLAGES, PIECES, OFFICES)
    a, c = row(got, "village", A), row(got, "village", C)
    assert math.isnan(a["pace_per_month"])
    assert a["trend"] is None
    assert math.isnan(a["projected_participants"])
    assert a["on_track"] is pd.NA
    assert c["on_track"]  # already above the target
    assert got.summary["on_track"].dtype == "boolean"


def test_participants_without_a_denominator_do_not_count():
    series = tiny_series()
    series.loc[(series["code"] == B) & (series["month"] == "2024-09"), "labour_force"] = np.nan
    got = progress_report(series, VILLAGES, PIECES, OFFICES)
    assert math.isnan(monthly(got, "village", B).loc["2024-09", "participants"])
    area = monthly(got, "area", AREA_ID).loc["2024-09"]
    assert (area["denominator"], area["participants"]) == (5000, 360 + 1690)
    assert row(got, "village", B)["on_track"] is pd.NA


def test_unknown_codes_are_left_out():
    series = pd.concat([tiny_series(), pd.DataFrame({
        "month": ["2024-10"], "code": ["99.99.99.9999"], "labour_force": [10.0],
        "employed": [9.0], "participants": [1.0]})], ignore_index=True)
    got = progress_report(series, VILLAGES, PIECES, OFFICES)
    assert got.months[-1] == "2024-09"
    assert "99.99.99.9999" not in set(got.monthly["unit_id"])


def test_without_district_codes_names_are_used_and_told_apart():
    villages = VILLAGES.drop(columns=["district_code", "regency_code"])
    villages.loc[2, "district"] = "Gondokusuman"  # the same name in another kabupaten
    got = progress_report(tiny_series(), villages, PIECES, OFFICES)
    assert sorted(got.level("district")["unit_id"]) == [
        "Gondokusuman (Kabupaten Sleman)", "Gondokusuman (Kota Yogyakarta)"]
    assert set(got.level("district")["unit_name"]) == {"Gondokusuman"}
    assert sorted(got.level("regency")["unit_id"]) == ["Kabupaten Sleman", "Kota Yogyakarta"]


def test_a_demo_series_is_flagged():
    series = tiny_series().assign(is_demo=True)
    assert progress_report(series, VILLAGES, PIECES, OFFICES).is_demo
    assert not progress_report(tiny_series(), VILLAGES, PIECES, OFFICES).is_demo


# --- refused series ------------------------------------------------------------------------

def test_a_series_of_no_known_village_is_refused():
    series = tiny_series().assign(code="99.99.99.9999").drop_duplicates("month")
    with pytest.raises(InputError, match="none of the series' village codes"):
        progress_report(series, VILLAGES, PIECES, OFFICES)


def test_a_bad_month_and_a_doubled_snapshot_are_refused_together():
    series = tiny_series()
    series.loc[0, "month"] = "June 2024"
    series = pd.concat([series, series.iloc[[1]]], ignore_index=True)
    with pytest.raises(InputError) as raised:
        progress_report(series, VILLAGES, PIECES, OFFICES)
    messages = [p.message for p in raised.value.problems]
    assert any("not written YYYY-MM" in m for m in messages)
    assert any("two snapshots in the same month" in m for m in messages)


def test_a_missing_denominator_says_how_to_fix():
    series = tiny_series().drop(columns="employed")
    with pytest.raises(InputError, match=r"'employed'.*--denominator labour_force"):
        progress_report(series, VILLAGES, PIECES, OFFICES,
                        ProgressSettings(denominator="employed"))


def test_an_empty_series_is_refused():
    with pytest.raises(InputError, match="no snapshot"):
        progress_report(tiny_series().iloc[:0], VILLAGES, PIECES, OFFICES)


# --- identities on random series -----------------------------------------------------------

MONTHS = month_range("2023-11", "2024-04")


@st.composite
def random_series(draw: st.DrawFn) -> dict[str, pd.DataFrame]:
    """Up to 8 villages in 2 kabupaten, some months missing, random shares in 2 offices."""
    count = draw(st.integers(1, 8))
    codes = [f"34.0{1 + i % 2}.0{1 + i % 3}.{2001 + i}" for i in range(count)]
    villages = pd.DataFrame({
        "code": codes, "name": [f"Desa {i}" for i in range(count)],
        "district": [f"Kapanewon {code[:8]}" for code in codes],
        "district_code": [code[:8] for code in codes],
        "regency": [f"Kabupaten {code[:5]}" for code in codes],
        "regency_code": [code[:5] for code in codes]})
    rows = []
    for code in codes:
        for month in MONTHS:
            if not draw(st.booleans()) and month != MONTHS[-1]:
                continue
            always_known = code == codes[0] and month == MONTHS[-1]  # a denominator exists
            labour = draw(st.integers(0, 5_000) if always_known
                          else st.one_of(st.none(), st.integers(0, 5_000)))
            participants = draw(st.integers(0, labour if labour is not None else 5_000))
            rows.append({"month": month, "code": code,
                         "labour_force": np.nan if labour is None else float(labour),
                         "employed": np.nan, "participants": float(participants)})
    pieces = [{"code": code, "office_id": office, "share": share}
              for code in codes for office in ("KC", "PH")
              if (share := draw(st.sampled_from([0.0, 0.25, 0.5, 1.0]))) > 0]
    return {"series": pd.DataFrame(rows), "villages": villages,
            "pieces": pd.DataFrame(pieces, columns=["code", "office_id", "share"]),
            "offices": OFFICES.assign(office_id=["KC", "PH"])}


def totals(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.groupby("month")[["denominator", "participants"]].sum(min_count=1)


def assert_same(left: pd.DataFrame, right: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(left.sort_index(), right.sort_index(), check_names=False,
                                  check_dtype=False, atol=1e-6)


@settings(max_examples=30)  # each report takes some 0.1 s
@given(random_series())
def test_the_levels_add_up_on_random_series(case):
    got = progress_report(case["series"], case["villages"], case["pieces"], case["offices"])
    table = got.monthly
    by_level = {level: table[table["level"] == level] for level in LEVELS}
    area = by_level["area"].set_index("month")[["denominator", "participants"]]
    assert_same(totals(by_level["village"]), area)
    assert_same(totals(by_level["regency"]), area)
    assert_same(totals(by_level["district"]), area)
    # an office's series is its villages' snapshots × their shares
    series = case["series"].copy()
    series["participants"] = series["participants"].where(series["labour_force"].notna())
    joined = series.merge(case["pieces"], on="code")
    for office, pieces in joined.groupby("office_id"):
        expected = pd.DataFrame({
            "denominator": pieces["labour_force"] * pieces["share"],
            "participants": pieces["participants"] * pieces["share"],
            "month": pieces["month"]})
        got_office = by_level["office"][by_level["office"]["unit_id"] == office]
        assert_same(got_office.set_index("month")[["denominator", "participants"]],
                    totals(expected))
    # participants never above the denominator: coverage never above 1, at any level
    assert (table["coverage"].dropna() <= 1 + 1e-12).all()
    assert (got.summary["projected_coverage"].dropna() >= 0).all()
    assert (got.summary["needed_by_target"].dropna() >= 0).all()


# --- like for like: months that hold different villages ---------------------------------------

def test_a_month_missing_a_village_changes_nothing_by_itself(report):
    """C has no July snapshot: July's area total drops by C's 1,700, but no participant left."""
    area = monthly(report, "area", AREA_ID)
    assert area.loc["2024-07", "participants"] == 310 + 690  # only A and B that month
    # June → July over A and B only: +10 − 10
    assert area.loc["2024-07", "change_participants"] == 0
    # July → August over A and B again (C is back but was not there in July)
    assert area.loc["2024-08", "change_participants"] == (330 - 310) + (680 - 690)
    kota = monthly(report, "regency", "34.71")
    assert kota.loc["2024-07", "change_participants"] == 0  # C is not in Kota: unchanged rule


def test_pace_and_trend_compare_the_same_villages():
    """A province's file next to one kabupaten's: no jump from counting more villages."""
    series = tiny_series()
    series = series[~((series["month"] == "2024-06") & (series["code"] == C))]
    series = series[~(series["month"] == "2024-07")]  # June holds A and B, Aug-Sep all
    area = progress_report(series, VILLAGES, PIECES, OFFICES).level("area").iloc[0]
    # the pace window June → September compares A and B only (C has no June)
    assert area["pace_per_month"] == pytest.approx(((360 - 300) + (670 - 700)) / 3)
    before, after = (300 + 700) / 3000, (360 + 670) / 3000
    assert area["coverage_pace_pp"] == pytest.approx((after - before) * 100 / 3)
    assert area["change_pp"] == pytest.approx((after - before) * 100)
