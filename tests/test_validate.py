"""Tests for geo_outreach.inputs.validate: participation and office value checks."""

from __future__ import annotations

import math

import geopandas as gpd
import pandas as pd
import pytest

from geo_outreach.inputs import bundled
from geo_outreach.inputs.cells import parse_coordinate, parse_number
from geo_outreach.inputs.columns import InputTable
from geo_outreach.inputs.office_checks import OFFICE_COLUMNS, validate_offices
from geo_outreach.inputs.readers import read_offices, read_participation
from geo_outreach.inputs.validate import validate_participation

HEADERS = {"code": "Kode", "name": "Desa", "district": "Kapanewon", "regency": "Kabupaten",
           "labour_force": "AK", "employed": "Bekerja", "participants": "Peserta",
           "pu": "PU", "bpu": "BPU", "jakon": "Jakon", "pmi": "PMI",
           "office_id": "ID", "office_type": "Jenis", "lat": "Lintang", "lon": "Bujur",
           "approximate": "Perkiraan", "location_note": "Catatan"}


def make_table(columns: dict[str, list[object]], *, first_row: int = 2) -> InputTable:
    """An InputTable as the readers build it: object values, user's rows as index."""
    length = len(next(iter(columns.values())))
    index = pd.Index(range(first_row, first_row + length), name="row")
    data = pd.DataFrame({c: pd.Series(v, index=index, dtype=object)
                         for c, v in columns.items()})
    return InputTable(data, "peserta.csv", {c: HEADERS[c] for c in columns})


def errors(problems):
    return [p for p in problems if p.severity == "error"]


def warnings_(problems):
    return [p for p in problems if p.severity == "warning"]


# --- numbers -------------------------------------------------------------------------


@pytest.mark.parametrize(("cell", "value", "assumed"), [
    (1234, 1234.0, ""),
    (1234.5, 1234.5, ""),
    ("1234", 1234.0, ""),
    (" 1234 ", 1234.0, ""),
    ("1.234", 1234.0, "thousands"),
    ("12.345.678", 12345678.0, "thousands"),
    ("1.234,5", 1234.5, "Indonesian"),
    ("1,234", 1234.0, "thousands"),
    ("1,234.5", 1234.5, "English"),
    ("12,5", 12.5, "decimal comma"),
    ("1234.5", 1234.5, ""),
    ("1 234", 1234.0, ""),
    ("-", 0.0, "zero"),
    ("-12", -12.0, ""),
])
def test_parse_number_formats(cell, value, assumed):
    parsed = parse_number(cell)
    assert parsed.status == "ok"
    assert parsed.value == value
    assert assumed in parsed.assumption
    assert bool(parsed.assumption) == bool(assumed)


@pytest.mark.parametrize("cell", ["abc", "12 orang", "nan", "inf", True, float("inf")])
def test_parse_number_refuses_text(cell):
    assert parse_number(cell).status == "text"


@pytest.mark.parametrize("cell", [None, "", "  ", float("nan")])
def test_parse_number_blank(cell):
    assert parse_number(cell).status == "blank"


@pytest.mark.parametrize(("cell", "value"), [("-7,78305", -7.78305), ("-7.78305", -7.78305),
                                             (110.38, 110.38), ("110.38344°", 110.38344)])
def test_parse_coordinate(cell, value):
    assert parse_coordinate(cell).value == pytest.approx(value)


# --- participation -------------------------------------------------------------------


def test_clean_table_has_no_problems_and_numeric_columns():
    table = make_table({"code": ["3404072001", 3404072002.0], "name": ["A", "B"],
                        "labour_force": ["100", 200], "participants": ["10", "20"],
                        "pu": [5, 10], "bpu": [5, 10]})
    data, problems = validate_participation(table)
    assert problems == []
    assert data.index.tolist() == [2, 3]
    assert data["code"].tolist() == ["34.04.07.2001", "34.04.07.2002"]
    assert data["code_input"].tolist() == ["3404072001", "3404072002"]
    for column in ("labour_force", "participants", "pu", "bpu"):
        assert data[column].dtype == "float64"
    assert data.loc[3, "labour_force"] == 200.0


def test_text_value_is_an_error_located_in_the_users_terms():
    table = make_table({"code": ["3404072001", "3404072002"],
                        "labour_force": ["100", "seratus"], "participants": ["10", "20"]})
    data, problems = validate_participation(table)
    [problem] = errors(problems)
    assert (problem.file, problem.row, problem.column, problem.value) == (
        "peserta.csv", 3, "AK", "seratus")
    assert "not a number" in problem.message
    assert math.isnan(data.loc[3, "labour_force"])


def test_negative_count_is_an_error():
    table = make_table({"code": ["3404072001"], "labour_force": ["100"],
                        "participants": ["-5"]})
    _, problems = validate_participation(table)
    [problem] = errors(problems)
    assert (problem.row, problem.column, problem.value) == (2, "Peserta", "-5")
    assert "negative" in problem.message


def test_thousands_dots_are_read_and_the_assumption_reported():
    table = make_table({"code": ["3404072001", "3404072002", "3404072003"],
                        "labour_force": ["1.234", "2.500", "900"],
                        "participants": ["100", "200", "300"]})
    data, problems = validate_participation(table)
    assert data["labour_force"].tolist() == [1234.0, 2500.0, 900.0]
    [warning] = warnings_(problems)
    assert warning.column == "AK"
    assert warning.row == 2
    assert "rows 2, 3" in warning.message
    assert "thousands" in warning.message
    assert errors(problems) == []


def test_participants_above_labour_force_is_a_warning():
    table = make_table({"code": ["3404072001", "3404072002", "3404072003"],
                        "labour_force": ["100", "100", "100"],
                        "participants": ["150", "10", "10"]})
    _, problems = validate_participation(table)
    [problem] = problems
    assert problem.severity == "warning"
    assert (problem.row, problem.column, problem.value) == (2, "Peserta", "150")
    assert "above AK" in problem.message
    assert "100 %" in problem.message


def test_participants_above_labour_force_on_most_rows_looks_swapped():
    table = make_table({"code": ["3404072001", "3404072002", "3404072003"],
                        "labour_force": ["10", "20", "30"],
                        "participants": ["100", "200", "300"]})
    _, problems = validate_participation(table)
    [problem] = problems
    assert problem.severity == "error"
    assert "look swapped" in problem.message


def test_participants_above_employed_and_employed_above_labour_force():
    table = make_table({"code": ["3404072001"], "labour_force": ["100"], "employed": ["120"],
                        "participants": ["110"]})
    _, problems = validate_participation(table)
    messages = [p.message for p in problems]
    assert all(p.severity == "warning" for p in problems)
    assert any("Peserta (110) is above Bekerja (120)" in m for m in messages) is False
    assert any("Bekerja (120) is above AK (100)" in m for m in messages)
    assert any("Peserta (110) is above AK (100)" in m for m in messages)


def test_segments_above_participants_is_a_warning():
    table = make_table({"code": ["3404072001"], "labour_force": ["100"],
                        "participants": ["10"], "pu": ["8"], "bpu": ["5"]})
    _, problems = validate_participation(table)
    [problem] = problems
    assert problem.severity == "warning"
    assert "PU + BPU = 13" in problem.message


def test_participants_computed_from_segments():
    table = make_table({"code": ["3404072001", "3404072002"], "labour_force": ["100", "100"],
                        "pu": ["8", "1"], "bpu": ["5", None], "jakon": ["1", None]})
    data, problems = validate_participation(table)
    assert data["participants"].tolist() == [14.0, 1.0]
    [problem] = problems
    assert problem.severity == "warning"
    assert "PU + BPU + Jakon" in problem.message


def test_blank_required_cells():
    table = make_table({"code": ["3404072001", "3404072002"],
                        "labour_force": [None, "100"], "employed": [None, None],
                        "participants": ["5", ""]})
    _, problems = validate_participation(table)
    found = {(p.row, p.column, p.severity) for p in problems}
    assert (3, "Peserta", "error") in found
    assert (2, "AK", "error") in found
    assert (3, "Bekerja", "warning") in found


def test_bps_code_is_an_error_with_the_fix():
    table = make_table({"code": ["3404070003"], "labour_force": ["100"],
                        "participants": ["5"]})
    data, problems = validate_participation(table)
    [problem] = problems
    assert problem.severity == "error"
    assert (problem.row, problem.column, problem.value) == (2, "Kode", "3404070003")
    assert "BPS village code" in problem.message
    assert "Kemendagri" in problem.fix
    assert "names" in problem.fix
    assert pd.isna(data.loc[2, "code"])


def test_invalid_code_is_an_error():
    table = make_table({"code": ["34.04.07"], "labour_force": ["100"], "participants": ["5"]})
    _, problems = validate_participation(table)
    [problem] = problems
    assert "kapanewon/kecamatan code" in problem.message


def test_duplicate_codes_name_both_rows():
    table = make_table({"code": ["3404072001", "34.04.07.2002", "34.04.07.2001"],
                        "labour_force": ["100", "100", "100"],
                        "participants": ["5", "5", "5"]})
    _, problems = validate_participation(table)
    [problem] = problems
    assert problem.severity == "error"
    assert problem.row == 2
    assert "rows 2, 4" in problem.message


def test_row_without_code_or_name():
    table = make_table({"code": ["3404072001", None], "name": ["A", " "],
                        "district": ["D", "D"], "regency": ["R", "R"],
                        "labour_force": ["100", "100"], "participants": ["5", "5"]})
    _, problems = validate_participation(table)
    [problem] = problems
    assert (problem.row, problem.column) == (3, "Desa")
    assert "neither" in problem.message


def test_names_without_units_warn():
    table = make_table({"name": ["Caturtunggal"], "labour_force": ["100"],
                        "participants": ["5"]})
    _, problems = validate_participation(table)
    [problem] = problems
    assert problem.severity == "warning"
    assert "kapanewon and kabupaten" in problem.fix


def test_every_problem_is_collected():
    table = make_table({"code": ["3404070003", "3404072002", "3404072002"],
                        "labour_force": ["x", "-1", "100"],
                        "participants": ["5", "5", ""]})
    _, problems = validate_participation(table)
    assert len(errors(problems)) == 5


def test_bundled_demo_participation_is_clean():
    data, problems = validate_participation(read_participation(bundled.DEMO_PARTICIPATION))
    assert problems == []
    assert len(data) == 438
    assert data["participants"].sum() > 0


# --- offices -------------------------------------------------------------------------


def office_table(rows: list[dict[str, object]]) -> InputTable:
    columns = {c: [r.get(c) for r in rows] for c in ("name", "office_type", "lat", "lon")}
    for extra in ("office_id", "approximate", "location_note"):
        if any(extra in r for r in rows):
            columns[extra] = [r.get(extra) for r in rows]
    table = make_table(columns)
    return InputTable(table.data, "kantor.csv", table.headers)


INSIDE = {"name": "KC Yogyakarta", "office_type": "KC", "lat": "-7.79", "lon": "110.37"}


def test_office_inside_gives_a_point_layer(tiny_villages):
    offices, problems = validate_offices(office_table([INSIDE]), tiny_villages, radius_km=5)
    assert problems == []
    assert list(offices.columns) == [*OFFICE_COLUMNS, "geometry"]
    assert offices.crs.to_epsg() == 4326
    record = offices.loc[2]
    assert record["office_id"] == "KC-YOGYAKARTA"
    assert not record["approximate"]
    assert record["location_note"] == ""
    assert offices.geometry.iloc[0].x == pytest.approx(110.37)
    assert offices["approximate"].dtype == bool


def test_swapped_lat_lon(tiny_villages):
    swapped = {**INSIDE, "lat": "110.37", "lon": "-7.79"}
    offices, problems = validate_offices(office_table([swapped]), tiny_villages, radius_km=5)
    [problem] = problems
    assert problem.severity == "error"
    assert (problem.file, problem.row, problem.column) == ("kantor.csv", 2, "Lintang")
    assert "lat and lon look swapped" in problem.message
    assert "lat -7.79, lon 110.37" in problem.fix
    assert offices.empty


def test_swapped_lat_lon_within_range(tiny_villages):
    """A point in the southern Indian Ocean... until lat and lon are exchanged."""
    villages = tiny_villages.copy()
    villages["geometry"] = villages.geometry.translate(xoff=-110.36 + 60, yoff=7.8 - 50)
    swapped = {**INSIDE, "lat": "60.01", "lon": "-49.99"}
    _, problems = validate_offices(office_table([swapped]), villages, radius_km=5)
    assert "look swapped" in problems[0].message


def test_office_far_outside_is_an_error(tiny_villages):
    far = {**INSIDE, "lat": "-6.2", "lon": "106.8"}  # Jakarta
    _, problems = validate_offices(office_table([far]), tiny_villages, radius_km=5)
    [problem] = problems
    assert problem.severity == "error"
    assert "km from the study area" in problem.message
    assert "beyond its 5 km radius" in problem.message


def test_office_just_outside_within_radius_is_a_warning(tiny_villages):
    near = {**INSIDE, "lat": "-7.81", "lon": "110.37"}  # about 1.1 km south of the grid
    offices, problems = validate_offices(office_table([near]), tiny_villages, radius_km=5)
    [problem] = problems
    assert problem.severity == "warning"
    assert "1.1 km outside" in problem.message
    assert len(offices) == 1


def test_missing_minus_sign_on_latitude(tiny_villages):
    north = {**INSIDE, "lat": "7.79"}
    _, problems = validate_offices(office_table([north]), tiny_villages, radius_km=5)
    assert "wrong sign" in problems[0].message
    assert "-7.79" in problems[0].fix


def test_zero_zero(tiny_villages):
    _, problems = validate_offices(office_table([{**INSIDE, "lat": "0", "lon": 0}]),
                                   tiny_villages, radius_km=5)
    assert "0, 0" in problems[0].message


def test_out_of_range(tiny_villages):
    _, problems = validate_offices(office_table([{**INSIDE, "lat": "-95", "lon": "500"}]),
                                   tiny_villages, radius_km=5)
    [problem] = problems
    assert problem.column == "Lintang"
    assert "-90 to 90" in problem.message


def test_blank_and_text_coordinates(tiny_villages):
    rows = [{**INSIDE, "name": "A", "lat": None}, {**INSIDE, "name": "B", "lon": "110°22'E"}]
    offices, problems = validate_offices(office_table(rows), tiny_villages, radius_km=5)
    assert [(p.row, p.column) for p in problems] == [(2, "Lintang"), (3, "Bujur")]
    assert "blank" in problems[0].message
    assert "not a number" in problems[1].message
    assert offices.empty


def test_decimal_comma_coordinates(tiny_villages):
    offices, problems = validate_offices(
        office_table([{**INSIDE, "lat": "-7,79", "lon": "110,37"}]), tiny_villages, radius_km=5)
    assert problems == []
    assert offices["lat"].iloc[0] == pytest.approx(-7.79)


def test_office_types(tiny_villages):
    rows = [{**INSIDE, "name": "A", "office_type": "kcp"},
            {**INSIDE, "name": "B", "office_type": None},
            {**INSIDE, "name": "C", "office_type": "Kantor Wilayah"},
            {**INSIDE, "name": "D", "office_type": "Kantor Cabang"}]
    offices, problems = validate_offices(office_table(rows), tiny_villages, radius_km=5)
    assert offices["office_type"].tolist() == ["KCP", "unknown", "unknown", "KC"]
    [problem] = problems
    assert (problem.severity, problem.row, problem.value) == ("warning", 4, "Kantor Wilayah")


def test_duplicate_office_ids_and_names(tiny_villages):
    rows = [{**INSIDE, "office_id": "K1", "name": "KC Yogyakarta"},
            {**INSIDE, "office_id": "K1", "name": "kc  yogyakarta"}]
    _, problems = validate_offices(office_table(rows), tiny_villages, radius_km=5)
    assert [(p.column, p.row, p.severity) for p in problems] == [
        ("ID", 2, "error"), ("Desa", 2, "error")]
    assert "rows 2, 3" in problems[0].message


def test_generated_ids_are_unique_and_approximate_is_parsed(tiny_villages):
    rows = [{**INSIDE, "name": "KCP Sleman", "approximate": "ya", "location_note": "kira"},
            {**INSIDE, "name": "KCP Sleman!", "approximate": "tidak"},
            {**INSIDE, "name": "KCP Bantul", "approximate": "mungkin"}]
    offices, problems = validate_offices(office_table(rows), tiny_villages, radius_km=5)
    assert offices["office_id"].tolist() == ["KCP-SLEMAN", "KCP-SLEMAN-3", "KCP-BANTUL"]
    assert offices["approximate"].tolist() == [True, False, True]
    assert offices["location_note"].tolist() == ["kira", "", ""]
    [problem] = problems
    assert (problem.row, problem.column, problem.severity) == (4, "Perkiraan", "warning")


def test_bundled_offices_are_clean(bundled_villages):
    offices, problems = validate_offices(read_offices(bundled.OFFICES_CSV), bundled_villages,
                                         radius_km=5)
    assert problems == []
    assert len(offices) == 5
    assert offices["approximate"].all()
    assert isinstance(offices, gpd.GeoDataFrame)


def test_empty_office_table(tiny_villages):
    table = office_table([INSIDE])
    empty = InputTable(table.data.iloc[0:0], table.source, table.headers)
    offices, problems = validate_offices(empty, tiny_villages, radius_km=5)
    assert "no rows" in problems[0].message
    assert offices.empty


def test_office_on_the_border_is_not_called_outside(tiny_villages):
    on_border = {**INSIDE, "lat": "-7.8003", "lon": "110.37"}  # ~30 m south of the edge
    offices, problems = validate_offices(office_table([on_border]), tiny_villages, radius_km=5)
    assert problems == [], "an office on the border is not '0.0 km outside the study area'"
    assert len(offices) == 1
