"""Nothing is lost: inputs are never modified, outputs appear whole or not at all, and an
existing file is replaced only with ``--force`` (an input file never)."""

import hashlib
import shutil
from pathlib import Path

import geopandas as gpd
import pytest

from geo_outreach._errors import OutputError
from geo_outreach.cli import main
from geo_outreach.cli.share import file_names
from geo_outreach.inputs import bundled
from geo_outreach.publish.export import OUTPUT_FILES
from geo_outreach.publish.outputs import OutputPolicy, staged_outputs

EXAMPLES = Path(__file__).parent.parent / "examples"


def snapshot(folder: Path) -> dict[str, tuple[str, int]]:
    """Every file under ``folder``: its sha256 and modification time (ns)."""
    return {str(path.relative_to(folder)): (hashlib.sha256(path.read_bytes()).hexdigest(),
                                            path.stat().st_mtime_ns)
            for path in sorted(folder.rglob("*")) if path.is_file()}


def stage(folder: Path, files: dict[str, str], policy: OutputPolicy) -> None:
    """Write ``files`` (name: text) through a staging folder into ``folder``."""
    with staged_outputs(folder, policy) as staging:
        for name, text in files.items():
            (staging / name).write_text(text)


def leftovers(folder: Path) -> list[Path]:
    """Staging folders or temporary files a run left behind."""
    return [path for path in folder.rglob(".*") if path.name != ".gitkeep"]


# --- the policy and the staging folder --------------------------------------------------


def test_policy_refuses_an_existing_file_and_names_the_fix(tmp_path):
    (tmp_path / "peta.html").write_text("old")
    with pytest.raises(OutputError, match=r"peta\.html.*left untouched; add --force"):
        OutputPolicy().check([tmp_path / "peta.html", tmp_path / "new.html"])
    OutputPolicy(overwrite=True).check([tmp_path / "peta.html"])


def test_policy_never_lets_an_input_be_replaced_even_by_another_name(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    (data / "peserta.csv").write_text("kode,peserta\n")
    (tmp_path / "link.csv").symlink_to(data / "peserta.csv")
    policy = OutputPolicy(overwrite=True, inputs=(data / "peserta.csv",))
    for alias in (data / "peserta.csv", data / ".." / "data" / "peserta.csv",
                  tmp_path / "link.csv"):
        with pytest.raises(OutputError, match="input files and is never replaced"):
            policy.check([alias])


def test_staged_files_appear_together_and_only_at_the_end(tmp_path):
    out = tmp_path / "out"
    with staged_outputs(out, OutputPolicy()) as staging:
        (staging / "a.csv").write_text("a")
        (staging / "b.csv").write_text("b")
        assert not (out / "a.csv").exists(), "nothing is published before the run ends"
    stage(out, {"c.csv": "c"}, OutputPolicy())
    assert sorted(p.name for p in out.iterdir()) == ["SHA256SUMS", "a.csv", "b.csv", "c.csv"]
    listed = [line.split("  ")[1] for line in (out / "SHA256SUMS").read_text().splitlines()]
    assert listed == ["a.csv", "b.csv", "c.csv"], "the manifest covers every set in the folder"


@pytest.mark.parametrize("interruption", [RuntimeError("disk full"), KeyboardInterrupt()])
def test_a_failed_or_interrupted_run_publishes_nothing(tmp_path, interruption):
    out = tmp_path / "new_folder"

    def run() -> None:
        with staged_outputs(out, OutputPolicy()) as staging:
            (staging / "villages.csv").write_text("complete")
            (staging / "villages.gpkg").write_text("half a fi")
            raise interruption

    with pytest.raises(type(interruption)):
        run()
    assert not out.exists(), "the folder the run created is removed again"


def test_a_conflict_publishes_nothing_and_keeps_the_old_files(tmp_path):
    (tmp_path / "b.csv").write_text("the user's file")
    before = snapshot(tmp_path)
    with pytest.raises(OutputError, match=r"1 output file\(s\) already exist.*b\.csv"):
        stage(tmp_path, {"a.csv": "a", "b.csv": "b"}, OutputPolicy())
    assert snapshot(tmp_path) == before
    assert not leftovers(tmp_path)


def test_an_unwritable_folder_is_an_output_error(tmp_path):
    (tmp_path / "file").write_text("x")
    with pytest.raises(OutputError, match="is a file, not a folder"), \
            staged_outputs(tmp_path / "file", OutputPolicy()):
        pass


# --- the command line -------------------------------------------------------------------


@pytest.fixture
def user_inputs(tmp_path):
    """A user's own inputs in a folder of their own: boundaries, participation, offices."""
    folder = tmp_path / "masukan"
    folder.mkdir()
    villages = bundled.read_units(bundled.VILLAGES_LAYER)
    kota = villages[villages["regency_code"] == "34.71"]
    kota.to_file(folder / "batas.gpkg", driver="GPKG")
    shutil.copy(EXAMPLES / "peserta_kota_yogyakarta.xlsx", folder / "peserta.xlsx")
    shutil.copy(EXAMPLES / "kantor.csv", folder / "kantor.csv")
    shutil.copy(EXAMPLES / "rumah_tangga_contoh.csv", folder / "rumah_tangga.csv")
    return folder


def input_args(folder: Path) -> list[str]:
    return ["--boundaries", str(folder / "batas.gpkg"),
            "--participation", str(folder / "peserta.xlsx"),
            "--offices", str(folder / "kantor.csv")]


@pytest.mark.parametrize("command", [
    ["analyze", "--out", "{out}", "--households", "{inputs}/rumah_tangga.csv"],
    ["map", "--out", "{out}/peta.html"],
    ["validate", "--out", "{out}"],
    ["share", "--regency", "Kota Yogyakarta", "--out", "{out}/kota.html"],
])
def test_no_command_modifies_or_adds_to_the_input_folder(user_inputs, tmp_path, command):
    before = snapshot(user_inputs)
    out = tmp_path / "hasil"
    args = [part.format(out=out, inputs=user_inputs) for part in command]
    assert main([*args, *input_args(user_inputs)]) == 0
    assert snapshot(user_inputs) == before
    assert not leftovers(tmp_path)


def test_analyze_refuses_to_replace_earlier_outputs_without_force(tmp_path, capsys):
    assert main(["analyze", "--out", str(tmp_path)]) == 0
    before = snapshot(tmp_path)
    capsys.readouterr()
    assert main(["analyze", "--radius-km", "3", "--out", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert f"{len(OUTPUT_FILES)} output file(s) already exist" in err
    assert "add --force to replace them" in err
    assert snapshot(tmp_path) == before
    assert main(["analyze", "--radius-km", "3", "--out", str(tmp_path), "--force"]) == 0
    assert snapshot(tmp_path) != before
    assert '"radius_km": 3.0' in (tmp_path / "run.json").read_text()


@pytest.mark.parametrize("command", [
    ["map", "--out", "{out}"],
    ["share", "--regency", "Sleman", "--out", "{out}"],
])
def test_a_map_is_not_written_over_an_existing_file(tmp_path, capsys, command):
    target = tmp_path / "peta.html"
    target.write_text("<p>the map I edited by hand</p>")
    args = [part.format(out=target) for part in command]
    assert main(args) == 1
    assert "left untouched; add --force" in capsys.readouterr().err
    assert target.read_text() == "<p>the map I edited by hand</p>"
    assert main([*args, "--force"]) == 0
    assert "leaflet" in target.read_text().lower()


@pytest.mark.parametrize("command", [
    ["map", "--out", "{inputs}/peserta.xlsx", "--force"],
    ["share", "--regency", "Kota Yogyakarta", "--out", "{inputs}/kantor.csv", "--force"],
])
def test_an_input_file_is_never_an_output_even_with_force(user_inputs, capsys, command):
    before = snapshot(user_inputs)
    args = [part.format(inputs=user_inputs) for part in command]
    assert main([*args, *input_args(user_inputs)]) == 1
    assert "is one of this run's input files and is never replaced" in capsys.readouterr().err
    assert snapshot(user_inputs) == before


def test_an_input_inside_the_output_folder_survives_force(user_inputs, capsys):
    inputs = input_args(user_inputs)
    villages_csv = user_inputs / "villages.csv"  # same name as an output of analyze
    shutil.copy(user_inputs / "kantor.csv", villages_csv)
    before = snapshot(user_inputs)
    inputs[inputs.index("--offices") + 1] = str(villages_csv)
    assert main(["analyze", "--out", str(user_inputs), "--force", *inputs]) == 1
    assert "villages.csv is one of this run's input files" in capsys.readouterr().err
    assert snapshot(user_inputs) == before


@pytest.mark.parametrize("interruption", [KeyboardInterrupt, MemoryError])
def test_an_interrupted_analyze_leaves_the_earlier_outputs_whole(tmp_path, monkeypatch,
                                                                 interruption):
    assert main(["analyze", "--out", str(tmp_path)]) == 0
    before = snapshot(tmp_path)

    def interrupted(*_args: object, **_kwargs: object) -> None:
        raise interruption

    monkeypatch.setattr(gpd.GeoDataFrame, "to_file", interrupted)  # mid-way through the set
    with pytest.raises(interruption):
        main(["analyze", "--radius-km", "3", "--out", str(tmp_path), "--force"])
    assert snapshot(tmp_path) == before
    assert not leftovers(tmp_path)


def test_an_interrupted_first_run_leaves_no_output_folder(tmp_path, monkeypatch):
    def interrupted(*_args: object, **_kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(gpd.GeoDataFrame, "to_file", interrupted)
    with pytest.raises(KeyboardInterrupt):
        main(["analyze", "--out", str(tmp_path / "hasil")])
    assert not (tmp_path / "hasil").exists()


def test_routes_keep_last_weeks_walk_sheets_without_force(tmp_path, capsys):
    command = ["routes", "--office", "KC-YGY", "--teams", "1", "--hours", "2", "--top", "5",
               "--time-limit", "0.5", "--out", str(tmp_path)]
    assert main(command) == 0
    before = snapshot(tmp_path)
    assert main(command) == 1
    assert "already exist" in capsys.readouterr().err
    assert snapshot(tmp_path) == before
    assert not leftovers(tmp_path)


def test_sharing_every_regency_replaces_nothing_without_force(tmp_path, capsys):
    (tmp_path / "peta-kabupaten-sleman.html").write_text("sent to Pemda last month")
    before = snapshot(tmp_path)
    assert main(["share", "--regency", "all", "--out", str(tmp_path)]) == 1
    assert "peta-kabupaten-sleman.html" in capsys.readouterr().err
    assert snapshot(tmp_path) == before
    assert not leftovers(tmp_path)


def test_two_regencies_never_share_one_file_name():
    assert file_names(["Kabupaten Sleman", "Kota Yogyakarta"], ".html") == [
        ("Kabupaten Sleman", "peta-kabupaten-sleman.html"),
        ("Kota Yogyakarta", "peta-kota-yogyakarta.html")]
    with pytest.raises(OutputError, match=r"'Kota Yogyakarta' and 'KOTA  YOGYAKARTA' would "
                                          r"both be written as peta-kota-yogyakarta\.pdf"):
        file_names(["Kota Yogyakarta", "KOTA  YOGYAKARTA"], ".pdf")


@pytest.mark.parametrize(("command", "existing"), [
    (["analyze", "--households", "demo"], "hexes.csv"),
    (["analyze", "--household-details", "--households", "demo"],
     "households_classified.parquet"),
    (["routes", "--office", "KC-YGY", "--teams", "3"], "hari_5_tim_03_rute.gpx"),
    (["routes", "--office", "KC-YGY"], "peta_rute.html"),
])
def test_a_conflict_is_found_before_the_work(tmp_path, monkeypatch, capsys, command, existing):
    (tmp_path / existing).write_text("kept")

    def no_work(*_args: object) -> None:
        raise AssertionError("the analysis ran although the outputs conflict")

    monkeypatch.setattr("geo_outreach.cli.options.analyse_from_args", no_work)
    assert main([*command, "--out", str(tmp_path)]) == 1
    assert f"{existing}. They were left untouched" in capsys.readouterr().err
    assert (tmp_path / existing).read_text() == "kept"
