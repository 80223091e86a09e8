"""
``geo-outreach snapshot`` and ``geo-outreach progress`` as a user runs them, and the same
numbers as ``analyze`` for the same month.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pandas as pd
import pytest

from geo_outreach.analysis.pipeline import run_analysis
from geo_outreach.cli import main
from geo_outreach.inputs.prepare import InputPaths
from geo_outreach.publish.progress_outputs import PROGRESS_FILES
from geo_outreach.store.demo import demo_month_files
from tests.store_builders import month_table

if TYPE_CHECKING:
    from pathlib import Path


@pytest.fixture
def two_months(tmp_path: Path) -> tuple[str, Path]:
    """A store with September (the bundled table) and October (20 more per village)."""
    database = f"sqlite:///{tmp_path / 'store.db'}"
    september = month_table(tmp_path, "september.csv")
    october = month_table(tmp_path, "oktober.csv", extra_participants=20)
    for month, path in (("2024-09", september), ("2024-10", october)):
        assert main(["snapshot", "import", "--month", month, str(path),
                     "--database", database]) == 0
    return database, october


def test_progress_writes_tables_and_manifest(two_months: tuple[str, Path], tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]):
    database, _ = two_months
    out = tmp_path / "kemajuan"
    assert main(["progress", "--database", database, "--out", str(out),
                 "--until", "2024-12"]) == 0
    for name in PROGRESS_FILES:
        assert (out / name).is_file(), name
    printed = capsys.readouterr().out
    assert "2 months 2024-09 to 2024-10" in printed
    manifest = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert manifest["months"] == ["2024-09", "2024-10"]
    assert [row["month"] for row in manifest["imports"]] == ["2024-09", "2024-10"]
    [area] = manifest["area_summary"]
    assert area["pace_per_month"] == pytest.approx(20 * 438)
    assert area["months_left"] == 2
    summary = pd.read_csv(out / "progress_summary.csv", dtype={"unit_id": str})
    villages = summary[summary["level"] == "village"]
    assert area["participants_latest"] == pytest.approx(villages["participants_latest"].sum())
    sheets = pd.read_excel(out / "progress.xlsx", sheet_name=None)
    assert list(sheets) == ["Ringkasan", "Per bulan", "Impor", "Keterangan"]
    assert "Peserta yang masih dibutuhkan untuk target" in sheets["Ringkasan"].columns


def test_the_latest_month_agrees_with_analyze_on_its_file(two_months: tuple[str, Path],
                                                          tmp_path: Path):
    database, october = two_months
    out = tmp_path / "kemajuan"
    assert main(["progress", "--database", database, "--out", str(out)]) == 0
    offices = json.loads((out / "run.json").read_text(encoding="utf-8"))["office_summary"]
    analysed = run_analysis(InputPaths(participation=october)).offices.set_index("office_id")
    for office in offices:
        expected = analysed.loc[office["unit_id"]]
        assert office["participants_latest"] == pytest.approx(
            expected["participants_within_radius"])
        assert office["denominator_latest"] == pytest.approx(
            expected["denominator_within_radius"])
        assert office["coverage_latest"] == pytest.approx(expected["coverage_within_radius"])
        assert office["needed_by_target"] == pytest.approx(
            expected["workers_to_target_within_radius"])


def test_progress_for_one_office_or_one_regency(two_months: tuple[str, Path], tmp_path: Path):
    database, _ = two_months
    assert main(["progress", "--database", database, "--office", "KC-YGY",
                 "--out", str(tmp_path / "kc")]) == 0
    office = pd.read_csv(tmp_path / "kc" / "progress_summary.csv", dtype={"unit_id": str})
    assert set(office.loc[office["level"] == "office", "unit_id"]) == {"KC-YGY"}
    assert main(["progress", "--database", database, "--regency", "Sleman",
                 "--out", str(tmp_path / "sleman")]) == 0
    sleman = pd.read_csv(tmp_path / "sleman" / "progress_summary.csv", dtype={"unit_id": str})
    assert set(sleman.loc[sleman["level"] == "regency", "unit_name"]) == {"Kabupaten Sleman"}
    assert (sleman.loc[sleman["level"] == "village", "regency"] == "Kabupaten Sleman").all()


def test_an_unknown_office_lists_the_known_ones(two_months: tuple[str, Path], tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]):
    database, _ = two_months
    assert main(["progress", "--database", database, "--office", "KC-XXX",
                 "--out", str(tmp_path / "x")]) == 1
    assert "KC-YGY" in capsys.readouterr().err
    assert not (tmp_path / "x").exists()


def test_an_empty_store_says_how_to_fill_it(tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]):
    assert main(["progress", "--database", str(tmp_path / "empty.db"),
                 "--out", str(tmp_path / "out")]) == 1
    assert "snapshot import --month" in capsys.readouterr().err


def test_snapshot_import_refuses_another_file_then_replaces(
        two_months: tuple[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    database, _ = two_months
    other = month_table(tmp_path, "oktober_revisi.csv", extra_participants=25)
    assert main(["snapshot", "import", "--month", "2024-10", str(other),
                 "--database", database]) == 1
    assert "--replace" in capsys.readouterr().err
    assert main(["snapshot", "import", "--month", "2024-10", str(other), "--replace",
                 "--by", "Kasi Kepesertaan", "--database", database]) == 0
    assert "replaced" in capsys.readouterr().out
    assert main(["snapshot", "list", "--history", "--database", database]) == 0
    listing = capsys.readouterr().out
    assert "Kasi Kepesertaan" in listing
    assert listing.count("2024-10") == 2


def test_the_demo_months_end_at_the_bundled_table(tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]):
    assert list(demo_month_files()) == [f"2024-{month:02d}" for month in range(1, 11)]
    out = tmp_path / "demo"
    assert main(["progress", "--demo", "--out", str(out)]) == 0
    assert "[DEMO" in capsys.readouterr().out
    manifest = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert manifest["data_label"] == "DEMO"
    [area] = manifest["area_summary"]
    assert area["participants_latest"] == 614_371
    assert area["trend"] == "improving"


def test_share_files_carry_the_months_within_the_size_budget(tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]):
    out = tmp_path / "bagikan"
    assert main(["share", "--regency", "all", "--progress", "demo", "--out", str(out)]) == 0
    capsys.readouterr()
    files = sorted(out.glob("*.html"))
    assert len(files) == 5
    for path in files:
        html = path.read_text(encoding="utf-8")
        assert "Okt 2024" in html, path.name
        assert "Jan 2024" in html, path.name
        assert path.stat().st_size <= 2_000_000, path.name


def test_share_progress_from_an_empty_store_says_how_to_fill_it(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    assert main(["share", "--regency", "Sleman", "--progress", "--database",
                 str(tmp_path / "empty.db"), "--out", str(tmp_path / "sleman.html")]) == 1
    assert "snapshot import" in capsys.readouterr().err
    assert not (tmp_path / "sleman.html").exists()


def test_names_that_look_like_formulas_stay_text_in_the_workbook(tmp_path: Path):
    from openpyxl import Workbook, load_workbook  # noqa: PLC0415

    from geo_outreach.publish.progress_outputs import sheet_table  # noqa: PLC0415

    book = Workbook()
    sheet_table(book.active, pd.DataFrame({"unit_name": ['=HYPERLINK("x")', "Sleman"]}), "id")
    book.save(tmp_path / "t.xlsx")
    cell = load_workbook(tmp_path / "t.xlsx").active["A2"]
    assert cell.data_type == "s"
    assert cell.value == '=HYPERLINK("x")'


def test_one_month_gives_no_pace_yet(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    database = f"sqlite:///{tmp_path / 'one.db'}"
    assert main(["snapshot", "import", "--month", "2024-10",
                 str(month_table(tmp_path, "oktober.csv")), "--database", database]) == 0
    assert main(["progress", "--database", database, "--out", str(tmp_path / "out")]) == 0
    printed = capsys.readouterr().out
    assert "pace n/a participants a month" in printed
    assert "too few months to tell the pace" in printed
    assert "KC Yogyakarta: coverage 47.9%, needed 0 a month, on track" in printed


def test_the_demo_months_say_which_office_is_on_track(tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]):
    assert main(["progress", "--demo", "--out", str(tmp_path / "out")]) == 0
    printed = capsys.readouterr().out
    assert "projected 27.9%: not on track" in printed
    assert "KC Yogyakarta: coverage 47.9%, needed 0 a month, on track" in printed


def test_a_shared_map_of_the_months_takes_its_table_from_them(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    own = month_table(tmp_path, "peserta.csv", extra_participants=5)
    assert main(["share", "--regency", "Sleman", "--progress", "demo", "--participation",
                 str(own), "--out", str(tmp_path / "sleman.html")]) == 1
    assert "leave --participation out" in capsys.readouterr().err
    assert main(["share", "--regency", "Sleman", "--progress", "demo",
                 "--out", str(tmp_path / "sleman.html")]) == 0
    html = (tmp_path / "sleman.html").read_text(encoding="utf-8")
    assert "DEMO" in html  # the DEMO months are labelled DEMO on the map


def test_the_import_log_lists_every_attempt(two_months: tuple[str, Path], tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]):
    database, october = two_months
    assert main(["snapshot", "import", "--month", "2024-10", str(october),
                 "--database", database]) == 0
    capsys.readouterr()
    assert main(["snapshot", "list", "--log", "--database", database]) == 0
    log = capsys.readouterr().out
    assert log.count(" stored ") == 2
    assert " unchanged " in log
    assert " UTC " in log


def test_demo_months_never_go_into_a_store_with_real_ones(two_months: tuple[str, Path],
                                                          capsys: pytest.CaptureFixture[str]):
    database, _ = two_months
    assert main(["snapshot", "demo", "--database", database]) == 1
    assert "DEMO months would mix" in capsys.readouterr().err
    assert main(["snapshot", "list", "--history", "--database", database]) == 0
    assert "demo_participation" not in capsys.readouterr().out  # no DEMO import came in


def test_a_wrong_month_is_said_before_the_database_is_opened(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    assert main(["snapshot", "import", "--month", "Okt-2024", str(tmp_path / "x.csv"),
                 "--database", "postgresql+psycopg://nobody@/x?host=/nonexistent"]) == 1
    assert "YYYY-MM" in capsys.readouterr().err


def test_a_target_month_already_past_is_refused(two_months: tuple[str, Path], tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]):
    database, _ = two_months
    assert main(["progress", "--database", database, "--until", "2024-06",
                 "--out", str(tmp_path / "out")]) == 1
    assert "the target month has passed" in capsys.readouterr().err


def test_the_workbook_speaks_the_readers_language(two_months: tuple[str, Path],
                                                  tmp_path: Path):
    database, _ = two_months
    assert main(["progress", "--database", database, "--out", str(tmp_path / "id")]) == 0
    summary = pd.read_excel(tmp_path / "id" / "progress.xlsx", sheet_name="Ringkasan")
    assert set(summary["Tingkat"]) == {"kalurahan", "kantor", "kapanewon", "kabupaten/kota",
                                       "seluruh wilayah"}
    assert set(summary["Sesuai jalur"].dropna()) <= {"Ya", "Tidak"}
    assert set(summary["Tren"].dropna()) <= {"naik", "datar", "turun"}
    csv = pd.read_csv(tmp_path / "id" / "progress_summary.csv")
    assert set(csv["level"]) == {"village", "office", "district", "regency", "area"}


def test_notes_say_what_the_months_hold_that_the_report_reads_partly(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    database = f"sqlite:///{tmp_path / 'part.db'}"
    partial = month_table(tmp_path, "sebagian.csv", rows=slice(0, 100))
    assert main(["snapshot", "import", "--month", "2024-10", str(partial),
                 "--database", database]) == 0
    out = tmp_path / "out"
    assert main(["progress", "--database", database, "--out", str(out)]) == 0
    assert "2024-10 (100 of 438)" in capsys.readouterr().err
    manifest = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert any("100 of 438" in note for note in manifest["notes"])
    assert main(["progress", "--database", database, "--out", str(out)]) == 1
    assert f"already exist in {out}:" in capsys.readouterr().err  # the folder asked for
