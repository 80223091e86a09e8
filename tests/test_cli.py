"""The geo-outreach command line, on the bundled data and on a user's own files."""

import json
import zipfile

import geopandas as gpd
import pandas as pd
import pytest
from openpyxl import Workbook

from geo_outreach.cli import main
from geo_outreach.inputs import bundled
from geo_outreach.inputs.schema import VILLAGE_OUTPUT_COLUMNS
from geo_outreach.publish.export import OUTPUT_FILES


@pytest.fixture(scope="module")
def bundled_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("analyze")
    assert main(["analyze", "--out", str(out)]) == 0
    return out


def test_analyze_on_bundled_data_writes_every_output(bundled_run):
    for name in OUTPUT_FILES:
        assert (bundled_run / name).stat().st_size > 0
    villages = pd.read_csv(bundled_run / "villages.csv", dtype={"code": str})
    assert list(villages.columns[: len(VILLAGE_OUTPUT_COLUMNS)]) == list(VILLAGE_OUTPUT_COLUMNS)
    assert len(villages) == 438
    assert set(villages["denominator"]) == {"labour_force"}
    assert set(villages["data_label"]) == {"DEMO"}
    assert villages["participants"].sum() == 614_371
    assert not list(bundled_run.glob(".*")), "no temporary file is left behind"


def test_analyze_totals_are_conserved_between_villages_and_offices(bundled_run):
    villages = pd.read_csv(bundled_run / "villages.csv")
    offices = pd.read_csv(bundled_run / "offices.csv")
    assert offices["uncovered_within_radius"].sum() == pytest.approx(
        villages["uncovered_within_radius"].sum(), rel=1e-4)
    priority = pd.read_csv(bundled_run / "priority.csv")
    assert priority["uncovered_within_radius"].is_monotonic_decreasing
    assert len(priority) == (villages["share_within_radius"] > 0).sum()


def test_run_manifest_records_inputs_parameters_and_version(bundled_run):
    manifest = json.loads((bundled_run / "run.json").read_text())
    assert manifest["data_label"] == "DEMO"
    assert manifest["parameters"]["radius_km"] == 5.0
    assert manifest["parameters"]["denominator"] == "labour_force"
    assert manifest["parameters"]["metric_crs"] == "EPSG:32749"
    assert set(manifest["inputs"]) == {"boundaries", "participation", "offices"}
    assert all(len(entry["sha256"]) == 64 for entry in manifest["inputs"].values())
    assert manifest["version"]


def test_analyze_parameters_change_the_results(tmp_path, capsys):
    assert main(["analyze", "--radius-km", "10", "--target", "0.5", "--denominator", "employed",
                 "--out", str(tmp_path)]) == 0
    assert "participants / employed population; target 50%; radius 10 km" in capsys.readouterr().out
    manifest = json.loads((tmp_path / "run.json").read_text())
    assert manifest["parameters"]["radius_km"] == 10.0


def test_map_writes_one_offline_html_file(tmp_path, capsys):
    out = tmp_path / "peta.html"
    assert main(["map", "--regency", "Kota Yogyakarta", "--out", str(out)]) == 0
    html = out.read_text(encoding="utf-8")
    assert "DEMO" in html
    assert '<script src="http' not in html
    assert str(out) in capsys.readouterr().out


def test_map_with_unknown_regency_names_the_choices(tmp_path, capsys):
    assert main(["map", "--regency", "Atlantis", "--out", str(tmp_path / "x.html")]) == 1
    assert "Kabupaten Sleman" in capsys.readouterr().err
    assert not (tmp_path / "x.html").exists()


def test_validate_on_bundled_data_is_clean(capsys):
    assert main(["validate"]) == 0
    out = capsys.readouterr().out
    assert "code 438" in out
    assert "0 error(s)" in out


def test_bad_target_is_refused_with_the_fix(tmp_path, capsys):
    assert main(["analyze", "--target", "40", "--out", str(tmp_path)]) == 1
    assert "write 40 % as 0.40" in capsys.readouterr().err


# --- a user's own files: BIG-style zipped shapefile, Excel with title rows, office CSV -----


@pytest.fixture(scope="module")
def user_files(tmp_path_factory):
    """Kota Yogyakarta as a user might bring it: their own headers, CRS and formats."""
    folder = tmp_path_factory.mktemp("user")
    villages = bundled.read_units("villages")
    kota = villages[villages["regency_code"] == "34.71"].to_crs("EPSG:32749")
    big = gpd.GeoDataFrame({
        "KDEPUM": kota["code"].str.replace(".", "", regex=False),
        "NAMOBJ": kota["name"], "WADMKC": kota["district"], "WADMKK": kota["regency"],
    }, geometry=kota.geometry.to_numpy(), crs=kota.crs)
    shp_dir = folder / "shp"
    shp_dir.mkdir()
    big.to_file(shp_dir / "batas_kota.shp")
    archive = folder / "batas_kota.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for part in shp_dir.iterdir():
            zipped.write(part, part.name)

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Rekap kepesertaan BPJS Ketenagakerjaan per kelurahan"])
    sheet.append(["Kantor Cabang Yogyakarta, Oktober 2024"])
    sheet.append(["Kelurahan", "Kemantren", "Kabupaten/Kota", "Angkatan Kerja", "Peserta Aktif"])
    for number, row in enumerate(kota.itertuples()):
        name = f"Kel. {row.name}" if number % 3 == 0 else row.name.upper()
        sheet.append([name, row.district, "Kota Yogyakarta", 1000, 100 + 10 * number])
    sheet.append(["Kel. Tidakada", "Gondokusuman", "Kota Yogyakarta", 500, 50])
    participation = folder / "peserta.xlsx"
    workbook.save(participation)

    offices = folder / "kantor.csv"
    offices.write_text("name,office_type,lat,lon\nKC Uji,KC,-7.7830,110.3834\n",
                       encoding="utf-8")
    return {"boundaries": archive, "participation": participation, "offices": offices,
            "count": len(kota)}


def test_analyze_on_a_users_own_files(user_files, tmp_path, capsys):
    args = ["analyze", "--boundaries", str(user_files["boundaries"]),
            "--participation", str(user_files["participation"]),
            "--offices", str(user_files["offices"]), "--out", str(tmp_path)]
    assert main(args) == 0
    streams = capsys.readouterr()
    assert "DEMO" not in streams.out
    assert "Tidakada" in streams.err  # the unmatched row is reported, not dropped
    villages = pd.read_csv(tmp_path / "villages.csv", dtype={"code": str})
    assert len(villages) == user_files["count"]
    assert villages["code"].str.match(r"^34\.71\.\d\d\.1\d{3}$").all()
    assert villages["has_data"].all()
    assert set(villages["data_label"].fillna("")) == {""}
    report = pd.read_csv(tmp_path / "match_report.csv")
    unmatched = report[report["status"] == "unmatched"]
    assert list(unmatched["row"]) == [4 + user_files["count"]]  # the row Excel shows


def test_validate_reports_every_problem_with_file_row_and_column(tmp_path, capsys):
    bad = tmp_path / "peserta.csv"
    bad.write_text(
        "kode_wilayah,angkatan_kerja,peserta_aktif\n"
        "34.71.03.1001,1000,abc\n"
        "34.71.03.1002,-5,10\n"
        "3471030003,1000,100\n"
        "34.71.03.1003,1000,100\n"
        "34.71.03.1003,1000,100\n", encoding="utf-8")
    offices = tmp_path / "kantor.csv"
    offices.write_text("name,office_type,lat,lon\nKC Tertukar,KC,110.3834,-7.7830\n",
                       encoding="utf-8")
    out_dir = tmp_path / "laporan"
    assert main(["validate", "--participation", str(bad), "--offices", str(offices),
                 "--out", str(out_dir)]) == 1
    out = capsys.readouterr().out
    assert "peserta.csv, row 2, column 'peserta_aktif' (value 'abc')" in out
    assert "row 3, column 'angkatan_kerja' (value '-5')" in out
    assert "BPS" in out
    assert "swapped" in out
    problems = pd.read_csv(out_dir / "problems.csv")
    assert {"file", "row", "column", "value", "message", "fix"} <= set(problems.columns)
    assert (out_dir / "match_report.csv").exists()


def test_analyze_refuses_inputs_with_errors_and_writes_nothing(tmp_path, capsys):
    bad = tmp_path / "peserta.csv"
    bad.write_text("kode_wilayah,angkatan_kerja,peserta_aktif\n34.71.03.1001,1000,abc\n",
                   encoding="utf-8")
    out = tmp_path / "hasil"
    assert main(["analyze", "--participation", str(bad), "--out", str(out)]) == 1
    assert "row 2, column 'peserta_aktif'" in capsys.readouterr().err
    assert not out.exists()
