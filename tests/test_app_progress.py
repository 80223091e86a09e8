"""The app's progress page and the Data page's monthly import, driven headless (AppTest)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest

from geo_outreach.cli import main
from geo_outreach.i18n import format_number, format_percent
from geo_outreach.store.location import DATABASE_ENV
from tests.app_driver import show, started_app
from tests.store_builders import month_table

if TYPE_CHECKING:
    from pathlib import Path


@pytest.fixture
def own_store_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """The app with an empty store of its own (the user has stored no month yet)."""
    monkeypatch.setenv(DATABASE_ENV, f"sqlite:///{tmp_path / 'kemajuan.db'}")
    return started_app()


def _uploader(at, key):
    return next(u for u in at.get("file_uploader") if u.proto.id.endswith(key))


def test_the_progress_page_shows_the_demo_months_until_a_month_is_stored(
        own_store_app, tmp_path: Path):
    at = own_store_app
    show(at, "progress")
    assert any("bulan-bulan DEMO" in warning.value for warning in at.warning)
    labels = [metric.label for metric in at.metric]
    assert labels[0] == "Cakupan Okt 2024"
    assert at.metric[0].value == "27,7%"
    assert at.dataframe, "the summary table is shown"
    assert any("tidak sesuai jalur" in text.value for text in at.markdown)

    show(at, "data")
    table = month_table(tmp_path, "peserta_november.csv", extra_participants=30)
    _uploader(at, "snapshot_file").set_value(("peserta_november.csv", table.read_bytes(),
                                              "text/csv"))
    at.text_input(key="snapshot_month").set_value("2024-11")
    at.text_input(key="snapshot_by").set_value("Kasi Kepesertaan KC Yogyakarta")
    next(button for button in at.button if button.label == "Simpan bulan ini").click().run()
    assert not at.exception
    assert any("2024-11 tersimpan: 438 kalurahan" in s.value for s in at.success)

    show(at, "progress")
    assert not any("bulan-bulan DEMO" in warning.value for warning in at.warning)
    assert at.metric[0].label == "Cakupan Nov 2024"


def test_a_month_in_the_future_is_refused_in_indonesian(own_store_app, tmp_path: Path):
    at = own_store_app
    show(at, "data")
    table = month_table(tmp_path, "peserta.csv")
    _uploader(at, "snapshot_file").set_value(("peserta.csv", table.read_bytes(), "text/csv"))
    at.text_input(key="snapshot_month").set_value("2099-01")
    at.text_input(key="snapshot_by").set_value("Kasi Kepesertaan")
    next(button for button in at.button if button.label == "Simpan bulan ini").click().run()
    assert any("bulan itu belum tiba" in error.value for error in at.error)


def test_the_share_page_offers_the_months(own_store_app):
    at = own_store_app
    show(at, "share")
    at.checkbox(key="share_progress").check().run()
    assert not at.exception
    assert any("bulan-bulan DEMO" in caption.value for caption in at.caption)


def test_the_page_shows_the_command_lines_numbers(own_store_app, tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]):
    at = own_store_app
    show(at, "progress")
    cards = {metric.label: metric.value for metric in at.metric}
    assert main(["progress", "--demo", "--out", str(tmp_path / "kemajuan")]) == 0
    capsys.readouterr()
    manifest = json.loads((tmp_path / "kemajuan" / "run.json").read_text(encoding="utf-8"))
    [area] = manifest["area_summary"]
    assert cards == {
        "Cakupan Okt 2024": format_percent(area["coverage_latest"], "id"),
        "Laju per bulan": format_number(area["pace_per_month"], "id"),
        "Masih dibutuhkan": format_number(area["needed_by_target"], "id"),
        "Per bulan s.d. Des 2024": format_number(area["needed_per_month"], "id"),
        "Proyeksi cakupan Des 2024": format_percent(area["projected_coverage"], "id"),
    }


def test_the_import_asks_who_imports(own_store_app, tmp_path: Path):
    at = own_store_app
    show(at, "data")
    table = month_table(tmp_path, "peserta.csv")
    _uploader(at, "snapshot_file").set_value(("peserta.csv", table.read_bytes(), "text/csv"))
    at.text_input(key="snapshot_month").set_value("2024-10")
    next(button for button in at.button if button.label == "Simpan bulan ini").click().run()
    assert any("Isi siapa yang mengimpor" in error.value for error in at.error)
    assert not any("tersimpan" in success.value for success in at.success)
