"""Reading field exports back: ODK Central, KoboToolbox and the paper template agree, row by row."""

from __future__ import annotations

import hashlib
from datetime import date, timedelta
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pyproj import Geod

from geo_outreach._errors import InputError
from geo_outreach.field import outcome_files
from geo_outreach.field.gps_check import check_gps
from geo_outreach.field.outcome_files import read_outcomes
from geo_outreach.outcome_codes import COME_BACK, OUTCOMES, REGISTERED, SEGMENTS
from tests import outcome_builders as build
from tests.outcome_builders import COMPARED, Visit, uuid

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

WRITERS: dict[str, tuple[str, Callable[..., Path]]] = {
    "central.csv": ("odk_central", build.central_csv),
    "central.zip": ("odk_central", build.central_zip),
    "central.xlsx": ("odk_central", build.central_xlsx),
    "central-answers.geojson": ("odk_central", build.central_geojson_with_answers),
    "kobo.csv": ("kobo", build.kobo_csv),
    "kobo-comma.csv": ("kobo", lambda v, p: build.kobo_csv(v, p, delimiter=",")),
    "kobo.xlsx": ("kobo", build.kobo_xlsx),
    "kobo.geojson": ("kobo", build.kobo_geojson),
}
NO_ACCURACY = {"central-answers.geojson", "kobo.geojson"}
"""GeoJSON has no place for a point's accuracy."""


def _compared(frame: pd.DataFrame, name: str) -> pd.DataFrame:
    compared = frame[list(COMPARED)].reset_index(drop=True)
    if name in NO_ACCURACY:
        compared["accuracy_m"] = np.nan
    return compared


def _read(tmp_path: Path, name: str, visits: list[Visit]) -> outcome_files.OutcomeFile:
    _, write = WRITERS[name]
    return read_outcomes(write(visits, tmp_path / name.replace("-answers", "")))


# --- the formats agree ---------------------------------------------------------------


@pytest.mark.parametrize("name", WRITERS)
def test_every_export_reads_back_as_the_visits(tmp_path, name):
    visits = build.sample_visits()
    read = _read(tmp_path, name, visits)
    assert read.format == WRITERS[name][0]
    assert read.rejected == []
    assert read.rows_read == len(visits)
    pd.testing.assert_frame_equal(_compared(read.records, name),
                                  _compared(build.expected_records(visits), name))


@pytest.mark.parametrize(("language", "delimiter", "encoding"),
                         [("id", ";", "utf-8-sig"), ("en", ",", "latin-1"),
                          ("id", ",", "utf-8")])
def test_the_paper_template_gives_a_record_per_outcome_counted(tmp_path, language, delimiter,
                                                               encoding):
    visits = [build.replace(v, note=v.note.replace("warung", "warung Bu Séné"))
              for v in build.sample_visits()]
    path = build.paper_csv(visits, tmp_path / "kertas.csv", language=language,
                           delimiter=delimiter, encoding=encoding)
    read = read_outcomes(path)
    assert read.format == "paper"
    assert read.rejected == []
    assert read.rows_read == 3
    pd.testing.assert_frame_equal(read.records[list(COMPARED)],
                                  build.expected_paper_records(visits))
    assert read.records["submission_id"].iloc[0] == (
        f"kertas:{build.PLAN_ID}:34.71.01.1001-01:2026-12-07:{REGISTERED}")
    assert read.records["source_row"].tolist() == [3, 3, 4, 5, 5]  # the plan line is row 1
    latin = [w for w in read.warnings if "UTF-8" in w.message]
    assert bool(latin) == (encoding == "latin-1")


def test_group_prefixes_are_dropped(tmp_path):
    central = build.central_header()
    kobo = build.kobo_header()
    assert "kunjungan-hasil" in central
    assert "kunjungan-lokasi-Latitude" in central
    assert "rumah/segmen" in kobo
    assert "kunjungan/_lokasi_latitude" in kobo
    for name in ("central.csv", "kobo.csv"):
        records = _read(tmp_path, name, build.sample_visits()).records
        assert records["segment"].tolist() == ["bpu", "", "", "", "jakon"]
        assert records["outcome"].iloc[1] == "menolak"


def test_the_file_is_known_by_its_content_not_its_name(tmp_path):
    visits = build.sample_visits()
    kobo_named_central = build.central_csv(visits, tmp_path / "kobo_export.txt")
    zip_named_xlsx = build.central_zip(visits, tmp_path / "submissions.xlsx")
    assert read_outcomes(kobo_named_central).format == "odk_central"
    assert len(read_outcomes(zip_named_xlsx).records) == len(visits)


def test_the_file_is_named_as_the_user_knows_it(tmp_path):
    visits = build.with_changes(build.sample_visits(), 0, stop_id="")
    path = build.kobo_csv(visits, tmp_path / "tmp1234.csv")
    read = read_outcomes(path, source="kobo dari tim 1.csv")
    assert read.source == "kobo dari tim 1.csv"
    assert {p.file for p in read.rejected} == {"kobo dari tim 1.csv"}
    assert read.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


# --- what is not counted ---------------------------------------------------------------


def test_central_submissions_rejected_in_review_are_not_counted(tmp_path):
    visits = build.with_changes(build.sample_visits(), 1, review="rejected")
    visits = build.with_changes(visits, 2, review="hasIssues")
    read = _read(tmp_path, "central.csv", visits)
    assert uuid(2) not in set(read.records["submission_id"])
    assert uuid(3) in set(read.records["submission_id"])
    (warning,) = read.warnings
    assert warning.severity == "warning"
    assert warning.column == "ReviewState"
    assert warning.message.startswith("1 submission(s) reviewed as rejected")


@pytest.mark.parametrize("status", ["validation_status_not_approved", "Not approved"])
def test_kobo_submissions_not_approved_are_not_counted(tmp_path, status):
    visits = build.sample_visits()
    visits = build.with_changes(visits, 0, review=status)
    visits = build.with_changes(visits, 3, review=status)
    visits = build.with_changes(visits, 4, review="validation_status_approved")
    read = _read(tmp_path, "kobo.csv", visits)
    assert sorted(read.records["submission_id"]) == [uuid(2), uuid(3), uuid(5)]
    assert read.warnings[0].message.startswith("2 submission(s) reviewed as Not approved")


# --- whole files that cannot be read ---------------------------------------------------


def _problem(call: Callable[[], object]) -> str:
    with pytest.raises(InputError) as caught:
        call()
    return str(caught.value)


def test_a_kobo_export_with_label_headers_says_how_to_export(tmp_path):
    path = build.kobo_csv(build.sample_visits(), tmp_path / "labels.csv", labels=True)
    text = _problem(lambda: read_outcomes(path))
    assert "labels" in text
    assert '"XML values and headers"' in text
    assert text.count("\n") == 0  # one clear problem


def test_central_geojson_of_points_only_says_to_give_the_csv(tmp_path):
    path = build.central_geojson(build.sample_visits(), tmp_path / "submissions.geojson")
    text = _problem(lambda: read_outcomes(path))
    assert "only each submission's point" in text
    assert "Download" in text


def test_a_geojson_without_submission_ids_is_refused(tmp_path):
    path = build.kobo_geojson(build.sample_visits(), tmp_path / "k.geojson", with_ids=False)
    text = _problem(lambda: read_outcomes(path))
    assert "ids" in text
    assert "CSV or XLSX" in text


def test_missing_questions_are_named(tmp_path):
    header = [h for h in build.central_header() if h != "kunjungan-hasil"]
    path = build.write_csv(tmp_path / "c.csv", header, build.central_rows(build.sample_visits()))
    with pytest.raises(InputError) as caught:
        read_outcomes(path)
    (problem,) = caught.value.problems
    assert problem.column == "hasil"
    assert "Download" in problem.fix


@pytest.mark.parametrize(("content", "expected"), [
    (None, "does not exist"),
    (b"", "the file is empty"),
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "PNG"),
    (b"nama;umur\nBudi;30\nSari;25\n", "not a field export"),
    (b'{"type": "Feature"}', "not a GeoJSON FeatureCollection"),
    (b"{not json", "not valid JSON"),
])
def test_files_that_are_no_export_say_what_to_give(tmp_path, content, expected):
    path = tmp_path / "hasil.csv"
    if content is not None:
        path.write_bytes(content)
    text = _problem(lambda: read_outcomes(path))
    assert expected in text
    if "not a field export" in text:
        assert "ODK Central" in text
        assert "KoboToolbox" in text
        assert "paper template" in text


def test_a_zip_without_central_submissions_is_refused(tmp_path):
    import zipfile  # noqa: PLC0415

    path = tmp_path / "foto.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("media/a.jpg", b"\xff\xd8\xff")
    assert "not a field export" in _problem(lambda: read_outcomes(path))


def test_size_limits_come_from_the_table_readers(tmp_path, monkeypatch):
    path = build.central_csv(build.sample_visits(), tmp_path / "c.csv")
    monkeypatch.setattr(outcome_files, "MAX_SUBMISSIONS", 4)
    assert "at most 4 are read" in _problem(lambda: read_outcomes(path))
    monkeypatch.setattr(outcome_files, "MAX_EXPORT_BYTES", 100)
    assert "larger than a field export" in _problem(lambda: read_outcomes(path))


# --- row by row ----------------------------------------------------------------------


ROW_CASES = [
    # (visit position, {Central column: value}, column named, words in the message)
    (0, {"KEY": "", "meta-instanceID": ""}, "KEY", "has no id"),
    (0, {"kunjungan-hasil": "sukses"}, "kunjungan-hasil", "terdaftar, menolak"),
    (0, {"kunjungan-titik": ""}, "kunjungan-titik", "which stop"),
    (0, {"kunjungan-tanggal_kunjungan": ""}, "kunjungan-tanggal_kunjungan", "missing"),
    (0, {"kunjungan-tanggal_kunjungan": "31/02/2026"}, "kunjungan-tanggal_kunjungan",
     "no 31 February"),
    (0, {"kunjungan-tanggal_kunjungan": "7/12/26"}, "kunjungan-tanggal_kunjungan",
     "ambiguous"),
    (0, {"kunjungan-tanggal_kunjungan": "12/31/2026"}, "kunjungan-tanggal_kunjungan",
     "read day first"),
    (2, {"kunjungan-tanggal_kembali": ""}, "kunjungan-tanggal_kembali", "date to come back"),
    (2, {"kunjungan-tanggal_kembali": "2026-12-06"}, "kunjungan-tanggal_kembali",
     "before the visit"),
    (1, {"rumah-jumlah_rumah_tangga": "0"}, "rumah-jumlah_rumah_tangga", "at least 1"),
    (1, {"rumah-jumlah_rumah_tangga": "1.5"}, "rumah-jumlah_rumah_tangga", "whole number"),
    (0, {"rumah-pekerja_terdaftar": "-1"}, "rumah-pekerja_terdaftar", "0 or more"),
    (0, {"rumah-pekerja_di_rumah": "1"}, "rumah-pekerja_terdaftar",
     "impossible: more workers registered than live there"),
    (1, {"rumah-pekerja_terdaftar": "2"}, "rumah-pekerja_terdaftar", "outcome is 'menolak'"),
    (0, {"rumah-pekerja_terdaftar": "0"}, "rumah-pekerja_terdaftar", "no worker is"),
    (0, {"rumah-segmen": "umkm"}, "rumah-segmen", "'umkm' is not a segment"),
    (0, {"rumah-segmen": ""}, "rumah-segmen", "needs its segment"),
    (0, {"kunjungan-lokasi-Latitude": "95"}, "kunjungan-lokasi-Latitude", "between -90"),
    (0, {"kunjungan-lokasi-Latitude": "110.36", "kunjungan-lokasi-Longitude": "-7.8"},
     "kunjungan-lokasi-Latitude", "look swapped"),
    (0, {"kunjungan-lokasi-Latitude": "48.85", "kunjungan-lokasi-Longitude": "2.35"},
     "kunjungan-lokasi-Latitude", "outside Indonesia"),
    (0, {"kunjungan-lokasi-Longitude": ""}, "kunjungan-lokasi-Longitude", "no longitude"),
    (0, {"kunjungan-tim": "0"}, "kunjungan-tim", "numbered from 1"),
    (0, {"kunjungan-tim": "Tim Merah"}, "kunjungan-tim", "not a team number"),
]


@pytest.mark.parametrize(("position", "cells", "column", "words"), ROW_CASES)
def test_each_row_check_names_the_row_and_column(tmp_path, position, cells, column, words):
    visits = build.sample_visits()
    rows = build.central_rows(visits)
    rows[position] |= cells
    path = build.write_csv(tmp_path / "c.csv", build.central_header(), rows)
    read = read_outcomes(path)
    (problem,) = read.rejected
    assert (problem.row, problem.column) == (position + 2, column)
    assert words in problem.message + problem.fix
    assert problem.severity == "error"
    assert problem.key is None
    assert problem.fix
    assert len(read.records) == len(visits) - 1
    assert visits[position].submission_id not in set(read.records["submission_id"])


def test_the_same_submission_twice_is_kept_once(tmp_path):
    visits = build.sample_visits()
    read = _read(tmp_path, "kobo.csv", [*visits, visits[1]])
    assert read.rejected == []
    assert read.records["submission_id"].tolist() == [v.submission_id for v in visits]


def test_one_id_with_different_answers_is_kept_out_naming_both_rows(tmp_path):
    visits = build.sample_visits()
    changed = build.replace(visits[1], households=3)
    read = _read(tmp_path, "central.csv", [*visits, changed])
    assert [p.row for p in read.rejected] == [3, 7]
    assert all("rows 3, 7" in p.message and p.column == "KEY" for p in read.rejected)
    assert uuid(2) not in set(read.records["submission_id"])
    assert len(read.records) == len(visits) - 1


def test_paper_rows_without_counts_are_skipped_and_bad_rows_named(tmp_path):
    path = build.paper_csv(build.sample_visits(), tmp_path / "kertas.csv")
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    header = lines[1].split(";")
    blank = ["34.71.03.1001-01", "1", "1", "Demangan", "x", "30"] + [""] * (len(header) - 6)
    wrong_date = lines[2].split(";")
    wrong_date[header.index("Tanggal kunjungan")] = "12/31/2026"
    no_registered = lines[4].split(";")
    no_registered[header.index("Terdaftar (rumah tangga)")] = ""
    path.write_text("\n".join([lines[0], lines[1], ";".join(wrong_date), lines[3],
                               ";".join(no_registered), ";".join(blank)]) + "\n",
                    encoding="utf-8")
    read = read_outcomes(path)
    assert read.rows_read == 4
    assert [(p.row, p.column) for p in read.rejected] == [
        (3, "Tanggal kunjungan"), (5, "Pekerja terdaftar")]  # once per row, not per outcome
    assert sorted(read.records["source_row"].unique()) == [4, 5]


def test_a_paper_template_without_its_plan_line_has_no_plan(tmp_path):
    path = build.paper_csv(build.sample_visits(), tmp_path / "kertas.csv")
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    path.write_text("\n".join(lines[1:]) + "\n", encoding="utf-8")
    read = read_outcomes(path)
    assert set(read.records["plan_id"]) == {""}
    assert read.records["submission_id"].iloc[0].startswith("kertas::34.71.01.1001-01:")


# --- GPS -------------------------------------------------------------------------------

GEOD = Geod(ellps="WGS84")
STOPS = pd.DataFrame({"stop_id": ["A", "B"], "lat": [-7.8, -7.9], "lon": [110.36, 110.40]})


def _placed(metres: list[float], azimuth: float = 37.0) -> pd.DataFrame:
    count = len(metres)
    lon, lat, _ = GEOD.fwd([110.36] * count, [-7.8] * count, [azimuth] * count, metres)
    return pd.DataFrame({"stop_id": ["A"] * count, "lat": lat, "lon": lon,
                         "outcome": [REGISTERED] * count}, index=range(10, 10 + count))


def test_gps_thresholds_hold_exactly_at_100_and_300_metres():
    checked = check_gps(_placed([0.0, 100.0, 100.01, 300.0, 300.01, 5000.0]), STOPS)
    assert checked["gps_status"].tolist() == ["ok", "ok", "look", "look", "flagged", "flagged"]
    np.testing.assert_allclose(checked["gps_distance_m"], [0, 100, 100.01, 300, 300.01, 5000],
                               atol=1e-3)
    assert checked.index.tolist() == list(range(10, 16))
    assert checked["outcome"].tolist() == [REGISTERED] * 6


def test_gps_thresholds_can_be_set():
    checked = check_gps(_placed([40.0, 60.0, 120.0], azimuth=200.0), STOPS, look_m=50,
                        flag_m=100)
    assert checked["gps_status"].tolist() == ["ok", "look", "flagged"]


def test_gps_without_a_point_or_a_known_stop_is_no_point():
    records = pd.DataFrame({"stop_id": ["A", "Z", "B"], "lat": [np.nan, -7.8, -7.9],
                            "lon": [np.nan, 110.36, 110.40]})
    checked = check_gps(records, STOPS)
    assert checked["gps_status"].tolist() == ["no_point", "no_point", "ok"]
    assert checked["gps_distance_m"].isna().tolist() == [True, True, False]
    assert check_gps(records.iloc[:0], STOPS.iloc[:0])["gps_status"].tolist() == []


@pytest.mark.parametrize(("look_m", "flag_m", "setting"), [
    (0, 300, "look_m"), (100, -1, "flag_m"), (float("nan"), 300, "look_m"),
    (300, 300, "look_m"), (400, 300, "look_m")])
def test_bad_gps_thresholds_name_the_setting(look_m, flag_m, setting):
    with pytest.raises(InputError) as caught:
        check_gps(_placed([1.0]), STOPS, look_m=look_m, flag_m=flag_m)
    assert caught.value.problems[0].column == setting


# --- any visits ------------------------------------------------------------------------

STOP_IDS = ("34.71.01.1001-01", "34.71.01.1002-02", "34.04.07.2003-01~K20261214")
DAYS = tuple(date(2026, 12, 7) + timedelta(days=k) for k in range(3))
NOTE = st.text(st.sampled_from("abc XYZ,;'\"é-/"), max_size=12).map(
    lambda t: f"n{t}".strip())


@st.composite
def _visit(draw: st.DrawFn, number: int) -> Visit:
    outcome = draw(st.sampled_from(OUTCOMES))
    living = draw(st.none() | st.integers(0, 6))
    registered = draw(st.integers(1, max(1, living or 3))) if outcome == REGISTERED else 0
    if living is not None and registered > living:
        living = registered
    day = draw(st.sampled_from(DAYS))
    has_point = draw(st.booleans())
    return Visit(
        uuid(number), draw(st.sampled_from(STOP_IDS)), outcome, visited_on=day.isoformat(),
        team=draw(st.none() | st.integers(1, 4)),
        come_back_on=(day + timedelta(days=draw(st.integers(0, 9)))).isoformat()
        if outcome == COME_BACK else "",
        households=draw(st.integers(1, 4)), workers_living=living,
        workers_registered=registered,
        segment=draw(st.sampled_from(SEGMENTS)) if outcome == REGISTERED else "",
        lat=draw(st.floats(-8.2, -7.5)) if has_point else None,
        lon=draw(st.floats(110.0, 110.8)) if has_point else None,
        accuracy_m=draw(st.none() | st.floats(0.5, 50.0)), note=draw(NOTE))


@st.composite
def _visits(draw: st.DrawFn) -> list[Visit]:
    count = draw(st.integers(1, 6))
    return [draw(_visit(number)) for number in range(1, count + 1)]


@settings(max_examples=25)
@given(visits=_visits())
def test_any_visits_read_back_the_same_from_every_format(tmp_path_factory, visits):
    folder = tmp_path_factory.mktemp("exports")
    expected = build.expected_records(visits)
    for name in WRITERS:
        read = _read(folder, name, visits)
        assert read.rejected == [], name
        pd.testing.assert_frame_equal(_compared(read.records, name),
                                      _compared(expected, name), obj=name)
    paper = read_outcomes(build.paper_csv(visits, folder / "kertas.csv"))
    assert paper.rejected == []
    pd.testing.assert_frame_equal(paper.records[list(COMPARED)],
                                  build.expected_paper_records(visits))


def test_an_export_without_submissions_gives_typed_empty_records(tmp_path):
    read = read_outcomes(build.central_csv([], tmp_path / "c.csv"))
    full = read_outcomes(build.central_csv(build.sample_visits(), tmp_path / "d.csv"))
    assert read.records.empty
    assert read.rows_read == 0
    assert read.records.dtypes.to_dict() == full.records.dtypes.to_dict()


def test_central_rows_it_could_not_decrypt_are_named(tmp_path):
    rows = build.central_rows(build.sample_visits())
    rows[3]["Status"] = "not decrypted"
    read = read_outcomes(build.write_csv(tmp_path / "c.csv", build.central_header(), rows))
    (problem,) = read.rejected
    assert (problem.row, problem.column) == (5, "Status")
    assert "passphrase" in problem.fix


def test_a_geojson_without_features_is_refused(tmp_path):
    path = tmp_path / "k.geojson"
    path.write_text('{"type": "FeatureCollection", "features": []}', encoding="utf-8")
    assert "no features" in _problem(lambda: read_outcomes(path))


def test_a_paper_template_without_the_visit_date_column_names_it(tmp_path):
    path = build.paper_csv(build.sample_visits(), tmp_path / "kertas.csv")
    path.write_text(path.read_text(encoding="utf-8-sig").replace("Tanggal kunjungan", "Tgl"),
                    encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_outcomes(path)
    (problem,) = caught.value.problems
    assert problem.column == "Tanggal kunjungan / Visit date"
