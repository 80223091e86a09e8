"""The export log: one line per shared file, with the inputs' and the output's sha256."""

from __future__ import annotations

import getpass
import hashlib
import json
import shutil
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from geo_outreach import cli
from geo_outreach.atomic import atomic_write
from geo_outreach.inputs import bundled
from geo_outreach.publish import export_log
from geo_outreach.render import share

if TYPE_CHECKING:
    from collections.abc import Callable

REGENCY_FILES = ("peta-kabupaten-bantul.html", "peta-kabupaten-gunungkidul.html",
                 "peta-kabupaten-kulon-progo.html", "peta-kabupaten-sleman.html",
                 "peta-kota-yogyakarta.html")


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def bundled_hashes() -> dict[str, str]:
    return {"boundaries": sha256(bundled.BOUNDARIES_GPKG),
            "participation": sha256(bundled.DEMO_PARTICIPATION),
            "offices": sha256(bundled.OFFICES_CSV)}


def input_hashes(record: dict) -> dict[str, str]:
    return {role: item["sha256"] for role, item in record["inputs"].items()}


# --- command line -----------------------------------------------------------------------
def test_share_all_logs_one_line_per_file(tmp_path: Path, export_log_file: Path):
    started = datetime.now(UTC) - timedelta(seconds=1)
    assert cli.main(["share", "--regency", "all", "--out", str(tmp_path / "semua")]) == 0
    records = export_log_file.read_text(encoding="utf-8").splitlines()
    assert len(records) == len(REGENCY_FILES)
    lines = [json.loads(line) for line in records]
    assert sorted(Path(r["output"]["path"]).name for r in lines) == list(REGENCY_FILES)
    for record in lines:
        output = Path(record["output"]["path"])
        assert output.is_absolute()
        assert output.parent == (tmp_path / "semua").resolve()
        assert record["output"]["sha256"] == sha256(output)
        assert record["output"]["bytes"] == output.stat().st_size
        assert input_hashes(record) == bundled_hashes()
        assert record["inputs"]["participation"]["path"] == (
            "bundled:boundaries/demo_participation.csv")
        assert record["user"] == getpass.getuser()
        assert record["via"] == "cli share"
        assert record["time"].endswith("Z")
        assert datetime.fromisoformat(record["time"]) >= started.replace(microsecond=0)
    assert {r["regency"] for r in lines} == {
        "Kabupaten Bantul", "Kabupaten Gunungkidul", "Kabupaten Kulon Progo",
        "Kabupaten Sleman", "Kota Yogyakarta"}


def test_share_one_with_own_inputs_logs_to_the_given_file(tmp_path: Path, export_log_file: Path):
    participation = tmp_path / "peserta saya.csv"
    shutil.copy(bundled.DEMO_PARTICIPATION, participation)
    offices = tmp_path / "kantor.csv"
    shutil.copy(bundled.OFFICES_CSV, offices)
    own_log = tmp_path / "catatan" / "ekspor.jsonl"
    png = tmp_path / "sleman.png"
    assert cli.main(["share", "--regency", "sleman", "--out", str(png), "--dpi", "40",
                     "--participation", str(participation), "--offices", str(offices),
                     "--export-log", str(own_log)]) == 0
    assert not export_log_file.exists()  # the option wins over the environment
    [record] = export_log.read_log(own_log)
    assert record["regency"] == "Kabupaten Sleman"
    assert record["output"]["path"] == str(png.resolve())
    assert record["output"]["sha256"] == sha256(png)
    assert record["inputs"]["participation"] == {"path": str(participation),
                                                 "sha256": sha256(participation)}
    assert record["inputs"]["offices"]["sha256"] == sha256(offices)
    assert record["inputs"]["boundaries"]["sha256"] == sha256(bundled.BOUNDARIES_GPKG)


def test_map_command_logs_with_the_road_network_hash(tmp_path: Path, export_log_file: Path):
    from geo_outreach.roads import networks as roads  # noqa: PLC0415 - the road stack, only here

    out = tmp_path / "peta.html"
    assert cli.main(["map", "--regency", "Kota Yogyakarta", "--out", str(out),
                     "--roads", "bundled"]) == 0
    [record] = export_log.read_log(export_log_file)
    assert record["via"] == "cli map"
    assert record["regency"] == "Kota Yogyakarta"
    assert record["output"]["sha256"] == sha256(out)
    links = roads.BUNDLED_ROADS_DIR / f"{roads.BUNDLED_ROADS_STEM}_links.parquet"
    assert input_hashes(record) == {**bundled_hashes(), "roads": sha256(links)}


def test_a_failed_write_logs_nothing(tmp_path: Path, export_log_file: Path,
                                     monkeypatch: pytest.MonkeyPatch):
    written: list[str] = []

    def breaks_on_the_third(path: Path, write: Callable[[Path], None]) -> Path:
        if len(written) == 2:
            def half_then_fail(temporary: Path) -> None:
                temporary.write_text("<!DOCTYPE html><html>", encoding="utf-8")
                raise OSError(28, "No space left on device")
            return atomic_write(path, half_then_fail)
        written.append(path.name)
        return atomic_write(path, write)

    monkeypatch.setattr(share, "atomic_write", breaks_on_the_third)
    assert cli.main(["share", "--regency", "all", "--out", str(tmp_path / "semua")]) == 1
    assert len(written) == 2, "two maps were complete when the third failed"
    assert not (tmp_path / "semua").exists(), "a failed run publishes none of its maps"
    assert export_log.read_log(export_log_file) == [], "and logs none"


def test_an_unwritable_log_is_an_output_error(tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]):
    blocker = tmp_path / "berkas"
    blocker.write_text("x", encoding="utf-8")
    out = tmp_path / "k.html"
    assert cli.main(["share", "--regency", "Kota Yogyakarta", "--out", str(out),
                     "--export-log", str(blocker / "log.jsonl")]) == 1
    error = capsys.readouterr().err
    assert "cannot write the export log" in error
    assert "--export-log" in error
    assert "Traceback" not in error


# --- the log itself -----------------------------------------------------------------------
def test_where_the_log_lives(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                             export_log_file: Path):
    assert export_log.resolve_log_file() == export_log_file
    assert export_log.resolve_log_file(tmp_path / "x.jsonl") == tmp_path / "x.jsonl"
    monkeypatch.delenv(export_log.ENV_VAR)
    default = export_log.resolve_log_file()
    assert default == export_log.default_log_file()
    assert default.name == "export-log.jsonl"
    assert "geo-outreach" in default.parts


def test_concurrent_writers_never_interleave(tmp_path: Path):
    log = tmp_path / "log.jsonl"
    writers, lines_each = 8, 25
    padding = "x" * 20_000  # long lines: an unlocked writer would split them

    def append(writer: int) -> None:
        for line in range(lines_each):
            export_log.append_record(
                {"writer": writer, "line": line, "padding": padding}, log)

    threads = [threading.Thread(target=append, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    records = export_log.read_log(log)
    assert len(records) == writers * lines_each
    assert {(r["writer"], r["line"]) for r in records} == {
        (w, n) for w in range(writers) for n in range(lines_each)}
    assert all(r["padding"] == padding for r in records)


def test_a_download_is_logged_with_its_bytes(export_log_file: Path):
    from tests.test_share import bundled_result  # noqa: PLC0415 - shared fixture data

    content = b"<!DOCTYPE html><title>peta</title>"
    record = export_log.log_download(bundled_result(households=False), content,
                                     file_name="peta-kota-yogyakarta.html",
                                     regency="Kota Yogyakarta")
    assert export_log.read_log() == [record]
    assert record["output"] == {"path": "download:peta-kota-yogyakarta.html",
                                "sha256": hashlib.sha256(content).hexdigest(),
                                "bytes": len(content)}
    assert input_hashes(record) == bundled_hashes()


def test_tests_log_into_their_own_folder(export_log_file: Path, tmp_path: Path):
    assert export_log.resolve_log_file() == export_log_file
    assert export_log_file.parent == tmp_path


# --- the app ------------------------------------------------------------------------------
@pytest.fixture
def media_files(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """The media file managers AppTest creates (one per run), to make deferred downloads."""
    from streamlit.runtime.media_file_manager import MediaFileManager  # noqa: PLC0415

    managers: list[object] = []

    class Recorded(MediaFileManager):
        def __init__(self, *args: object, **kwargs: object) -> None:
            super().__init__(*args, **kwargs)  # type: ignore[arg-type]
            managers.append(self)

    monkeypatch.setattr("streamlit.testing.v1.app_test.MediaFileManager", Recorded)
    return managers


def deferred_download(managers: list[object], button: object) -> bytes:
    """Make a deferred download as the browser's click on it would; return its bytes."""
    manager = managers[-1]
    url = manager.execute_deferred(button.proto.deferred_file_id)  # type: ignore[attr-defined]
    file = manager.read_file(url.rsplit("/", 1)[-1])  # type: ignore[attr-defined]
    assert file is not None
    return bytes(file.content)


def test_app_share_download_is_logged_when_built(export_log_file: Path,
                                                 media_files: list[object]):
    from streamlit.testing.v1 import AppTest  # noqa: PLC0415 - the app extra

    def app() -> None:
        from app_pages.share import show_share  # noqa: PLC0415
        from tests.test_share import bundled_result  # noqa: PLC0415

        show_share(bundled_result(households=False), "id",
                  ["Kabupaten Sleman", "Kota Yogyakarta"])

    at = AppTest.from_function(app, default_timeout=60)
    at.run()
    at.selectbox(key="share_regency").set_value("Kota Yogyakarta").run()
    assert not at.exception, at.exception
    assert not export_log_file.exists()  # drawing the tab makes and logs nothing
    content = deferred_download(media_files, at.get("download_button")[0])
    [record] = export_log.read_log()
    assert record["via"] == "app share"
    assert record["regency"] == "Kota Yogyakarta"
    assert record["output"]["path"] == "download:peta-kota-yogyakarta.html"
    assert record["output"]["sha256"] == hashlib.sha256(content).hexdigest()
    assert input_hashes(record) == bundled_hashes()


def test_app_map_download_is_logged_when_built(export_log_file: Path,
                                               media_files: list[object]):
    from streamlit.testing.v1 import AppTest  # noqa: PLC0415 - the app extra

    def app() -> None:
        from app_pages.map import show_map  # noqa: PLC0415
        from tests.test_share import bundled_result  # noqa: PLC0415

        show_map(bundled_result(households=False), "id", "Kota Yogyakarta")

    at = AppTest.from_function(app, default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    assert not export_log_file.exists()
    content = deferred_download(media_files, at.get("download_button")[0])
    [record] = export_log.read_log()
    assert record["via"] == "app map"
    assert record["output"]["path"] == "download:peta-cakupan.html"
    assert record["output"]["sha256"] == hashlib.sha256(content).hexdigest()
    assert content.startswith(b"<!DOCTYPE html>")


def test_app_priority_downloads_are_logged_when_built(export_log_file: Path,
                                                      media_files: list[object]):
    from streamlit.testing.v1 import AppTest  # noqa: PLC0415 - the app extra

    def app() -> None:
        from app_pages.priority import show_priority  # noqa: PLC0415
        from tests.test_share import bundled_result  # noqa: PLC0415

        show_priority(bundled_result(households=False), "id", "Kabupaten Sleman")

    at = AppTest.from_function(app, default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    assert not export_log_file.exists()
    csv_button, xlsx_button = at.get("download_button")
    content = deferred_download(media_files, csv_button)
    deferred_download(media_files, xlsx_button)
    first, second = export_log.read_log()
    assert [first["output"]["path"], second["output"]["path"]] == [
        "download:prioritas.csv", "download:prioritas.xlsx"]
    assert first["via"] == "app priority"
    assert first["regency"] == "Kabupaten Sleman"
    assert first["output"]["sha256"] == hashlib.sha256(content).hexdigest()
