"""Tests for geo_outreach.inputs.reconcile: participation rows to villages."""

from __future__ import annotations

import pandas as pd
import pytest

from geo_outreach.inputs import bundled
from geo_outreach.inputs.columns import InputTable
from geo_outreach.inputs.office_checks import validate_offices
from geo_outreach.inputs.readers import read_offices, read_participation
from geo_outreach.inputs.reconcile import REPORT_COLUMNS, reconcile_participation
from geo_outreach.inputs.validate import validate_participation

HEADERS = {"code": "Kode", "name": "Desa", "district": "Kapanewon", "regency": "Kabupaten",
           "labour_force": "AK", "participants": "Peserta"}


def reconcile(villages, rows: list[dict[str, object]]):
    """Validate and reconcile hand-written rows (row numbers from 2)."""
    columns = sorted({c for r in rows for c in r}, key=list(HEADERS).index)
    columns += [c for c in ("labour_force", "participants") if c not in columns]
    index = pd.Index(range(2, 2 + len(rows)), name="row")
    defaults = {"labour_force": 100, "participants": 10}
    data = pd.DataFrame({c: pd.Series([r.get(c, defaults.get(c)) for r in rows], index=index,
                                      dtype=object)
                         for c in columns})
    table = InputTable(data, "peserta.csv", {c: HEADERS[c] for c in columns})
    cleaned, _ = validate_participation(table)
    return reconcile_participation(cleaned, villages, source=table.source, headers=table.headers)


def statuses(result):
    report = result.report
    return report.loc[report["row"].notna(), "status"].tolist()


def warnings_(result, column=None):
    return [p for p in result.problems if p.severity == "warning"
            and (column is None or p.column == column)]


def test_match_by_code_in_any_spelling(tiny_villages):
    result = reconcile(tiny_villages, [{"code": "3471031001"}, {"code": 3404072002.0},
                                       {"code": "'34.04.06.2001"}])
    assert statuses(result) == ["code", "code", "code"]
    assert result.matched["code"].tolist() == ["34.71.03.1001", "34.04.07.2002", "34.04.06.2001"]
    assert result.matched["row"].tolist() == [2, 3, 4]
    assert result.matched["participants"].tolist() == [10.0, 10.0, 10.0]


def test_report_columns_and_no_data_rows(tiny_villages):
    result = reconcile(tiny_villages, [{"code": "3471031001"}])
    report = result.report
    assert tuple(report.columns) == REPORT_COLUMNS
    assert len(report) == len(tiny_villages)
    no_data = report[report["status"] == "no_data"]
    assert len(no_data) == len(tiny_villages) - 1
    assert no_data["row"].isna().all()
    assert "34.71.03.1001" not in no_data["matched_code"].tolist()
    assert report["row"].dtype == "Int64"
    [summary] = [p for p in result.problems if "no participation row" in p.message]
    assert "8 village(s)" in summary.message


def test_matched_columns(tiny_villages):
    result = reconcile(tiny_villages, [{"code": "3471031001"}])
    assert list(result.matched.columns) == ["code", "labour_force", "participants", "row"]


def test_unknown_code_is_unmatched_with_the_fix(tiny_villages):
    result = reconcile(tiny_villages, [{"code": "34.04.07.2099", "name": "Maguwoharjo",
                                        "district": "Depok"}])
    [row] = result.report[result.report["row"].notna()].itertuples()
    assert row.status == "unmatched"
    assert "not in the boundary layer" in row.note
    assert "the name matches 34.04.07.2002 Maguwoharjo" in row.note
    [problem] = warnings_(result, "Kode")
    assert (problem.file, problem.row, problem.value) == ("peserta.csv", 2, "34.04.07.2099")
    assert "clear it" in problem.fix
    assert result.matched.empty


def test_code_and_name_that_disagree_are_noted(tiny_villages):
    result = reconcile(tiny_villages, [{"code": "34.04.07.2001", "name": "Prenggan"}])
    assert statuses(result) == ["code"]
    note = result.report["note"].iloc[0]
    assert "'Prenggan' differs from the code's village 'Caturtunggal'" in note
    assert warnings_(result, "Kode")[0].row == 2


def test_code_and_slightly_different_name_are_fine(tiny_villages):
    result = reconcile(tiny_villages, [{"code": "34.04.07.2001", "name": "Kel. Catur Tunggal"}])
    assert result.report["note"].iloc[0] == ""
    assert warnings_(result, "Kode") == []


def test_bps_code_gets_its_status(tiny_villages):
    result = reconcile(tiny_villages, [{"code": "3404070001", "name": "Caturtunggal"}])
    assert statuses(result) == ["bps_code"]
    assert "BPS" in result.report["note"].iloc[0]
    assert result.matched.empty


def test_match_by_name_with_prefixes_and_units(tiny_villages):
    rows = [{"name": "Kalurahan Catur Tunggal", "district": "Kapanewon Depok",
             "regency": "Kab. Sleman"},
            {"name": "kel. demangan", "district": "Kemantren Gondokusuman",
             "regency": "Yogyakarta"},
            {"name": "Sidorejo", "district": "Mlati", "regency": "Sleman"},
            {"name": "Prenggan"}]
    result = reconcile(tiny_villages, rows)
    assert statuses(result) == ["name"] * 4
    assert result.matched["code"].tolist() == ["34.04.07.2001", "34.71.03.1001",
                                               "34.04.06.2003", "34.71.14.1001"]
    assert result.report["score"].iloc[0] == 100.0


def test_misspelt_units_are_tolerated(tiny_villages):
    result = reconcile(tiny_villages, [{"name": "Demangan", "district": "Gondokusumann",
                                        "regency": "Kota Jogja"}])
    assert statuses(result) == ["name"]
    assert "'Gondokusumann' read as 'gondokusuman'" in result.report["note"].iloc[0]


def test_unknown_regency_is_unmatched(tiny_villages):
    result = reconcile(tiny_villages, [{"name": "Demangan", "regency": "Kabupaten Bantul"}])
    assert statuses(result) == ["unmatched"]
    assert "'Kabupaten Bantul' not found" in result.report["note"].iloc[0]
    [problem] = warnings_(result, "Desa")
    assert (problem.row, problem.value) == (2, "Demangan")


def test_ambiguous_name_lists_the_candidates(tiny_villages):
    result = reconcile(tiny_villages, [{"name": "Sidorejo"}])
    assert statuses(result) == ["ambiguous"]
    note = result.report["note"].iloc[0]
    assert "34.04.07.2003" in note
    assert "34.04.06.2003" in note
    [problem] = warnings_(result, "Desa")
    assert "kapanewon and kabupaten" in problem.fix
    assert result.matched.empty


def test_regency_alone_does_not_resolve_a_name_in_two_districts(tiny_villages):
    result = reconcile(tiny_villages, [{"name": "Sidorejo", "regency": "Sleman"}])
    assert statuses(result) == ["ambiguous"]


def test_fuzzy_match_within_the_kapanewon(tiny_villages):
    result = reconcile(tiny_villages, [{"name": "Sendang Adie", "district": "Mlati",
                                        "regency": "Sleman"}])
    assert statuses(result) == ["fuzzy"]
    row = result.report.iloc[0]
    assert row["matched_code"] == "34.04.06.2002"
    assert 85 <= row["score"] < 100
    assert "'Sendang Adie' taken as 'Sendangadi'" in row["note"]
    assert any("similar, not identical" in p.message for p in result.problems)


def test_similar_name_in_another_kapanewon_is_not_matched(tiny_villages):
    """Maguwoharjo is in Depok; a near spelling given in Mlati must not reach it."""
    result = reconcile(tiny_villages, [{"name": "Maguwoharja", "district": "Mlati",
                                        "regency": "Sleman"},
                                       {"name": "Sinduadi", "district": "Depok",
                                        "regency": "Sleman"}])
    assert statuses(result) == ["unmatched", "unmatched"]
    assert result.matched.empty
    assert "no village named 'Maguwoharja' in Mlati" in result.report["note"].iloc[0]


def test_no_fuzzy_match_without_a_kapanewon(tiny_villages):
    result = reconcile(tiny_villages, [{"name": "Maguwoharja", "regency": "Sleman"}])
    assert statuses(result) == ["unmatched"]
    assert "give the kapanewon" in result.report["note"].iloc[0]


def test_fuzzy_tie_is_ambiguous(tiny_villages):
    villages = tiny_villages.copy()
    villages.loc[6, "name"] = "Sendangari"  # now Mlati has Sendangari and Sendangadi
    result = reconcile(villages, [{"name": "Sendanga", "district": "Mlati"}])
    assert statuses(result) == ["ambiguous"]
    assert "similar spelling" in result.report["note"].iloc[0]


def test_far_name_is_unmatched_with_the_closest_suggested(tiny_villages):
    result = reconcile(tiny_villages, [{"name": "Sendangrejo", "district": "Mlati",
                                        "regency": "Sleman"}])
    assert statuses(result) == ["unmatched"]
    assert "the closest is Sendangadi" in result.report["note"].iloc[0]


def test_two_rows_on_one_village_are_duplicates(tiny_villages):
    result = reconcile(tiny_villages, [{"code": "3404072001"},
                                       {"name": "Caturtunggal", "district": "Depok"},
                                       {"code": "3404072002"}])
    assert statuses(result) == ["duplicate", "duplicate", "code"]
    [error] = [p for p in result.problems if p.severity == "error"]
    assert "rows 2, 3" in error.message
    assert (error.row, error.column, error.value) == (2, "Kode", "3404072001")
    assert result.report["note"].iloc[0].startswith("same village as row(s) 3")
    assert result.matched["code"].tolist() == ["34.04.07.2002"]
    no_data = result.report.loc[result.report["status"] == "no_data", "matched_code"]
    assert "34.04.07.2001" not in no_data.tolist()


def test_total_row_is_pointed_out(tiny_villages):
    result = reconcile(tiny_villages, [{"code": "3404072001"}, {"name": "JUMLAH"}])
    assert "total row" in result.report["note"].iloc[1]


def test_every_row_is_reported(tiny_villages):
    rows = [{"code": "3404072001"}, {"code": "3404070001"}, {"name": "Sidorejo"},
            {"name": "Nowhere", "district": "Depok"}, {"code": "12"},
            {"name": "Caturtunggal", "district": "Depok"}]
    result = reconcile(tiny_villages, rows)
    reported = result.report["row"].dropna().astype(int).tolist()
    assert reported == [2, 3, 4, 5, 6, 7]
    assert statuses(result) == ["duplicate", "bps_code", "ambiguous", "unmatched", "unmatched",
                                "duplicate"]


def test_real_gondokusuman_names(gondokusuman_villages):
    rows = [{"name": n, "district": "Kec. Gondokusuman", "regency": "Kota Yogyakarta"}
            for n in ("Kelurahan Demangan", "Kota Baru", "Klitren", "Baciro", "Terbanx")]
    result = reconcile(gondokusuman_villages, rows)
    assert statuses(result) == ["name", "name", "name", "name", "fuzzy"]
    assert len(result.matched) == 5


@pytest.mark.filterwarnings("error")
def test_bundled_inputs_reconcile_cleanly(bundled_villages):
    table = read_participation(bundled.DEMO_PARTICIPATION)
    cleaned, problems = validate_participation(table)
    result = reconcile_participation(cleaned, bundled_villages, source=table.source,
                                     headers=table.headers)
    offices, office_problems = validate_offices(read_offices(bundled.OFFICES_CSV),
                                                bundled_villages, radius_km=5)
    every = problems + result.problems + office_problems
    assert [p for p in every if p.severity == "error"] == []
    assert len(result.matched) == 438
    assert result.matched["code"].is_unique
    assert set(result.report["status"]) == {"code"}
    assert len(offices) == 5
