"""
The bad-input catalogue: every file in tests/bad_inputs/ gets exactly what CATALOGUE.csv says.

Each file is tried twice: through the library (the Problem's file, row and column, and the
value read or repaired) and through the command line as a user runs it (exit code 1 with
``error:`` and the file's name, or exit 0 with the warning), never a traceback.
"""

from __future__ import annotations

import csv
import importlib.util
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pytest

from geo_outreach._errors import InputError, Problem
from geo_outreach.analysis.households import classify_households
from geo_outreach.analysis.pipeline import analyse, run_analysis
from geo_outreach.analysis.village_locator import StudyArea, build_study_area
from geo_outreach.cli import main
from geo_outreach.config import AnalysisParams
from geo_outreach.field.stop_files import read_stops
from geo_outreach.inputs import file_checks, tables
from geo_outreach.inputs import readers as io
from geo_outreach.inputs.file_checks import scan_text_lines
from geo_outreach.inputs.household_files import read_household_chunks
from geo_outreach.inputs.prepare import InputPaths, prepare_inputs
from geo_outreach.roads.networks import load_network
from geo_outreach.roads.reach import road_reach, with_road_reach

if TYPE_CHECKING:
    from collections.abc import Callable

    from geo_outreach.analysis.result import AnalysisResult
    from geo_outreach.inputs.prepare import PreparedInputs

FOLDER = Path(__file__).parent / "bad_inputs"
MANIFEST = FOLDER / "CATALOGUE.csv"
NOT_INPUTS = frozenset({"CATALOGUE.csv", "README.md"})
INPUTS = ("boundaries", "participation", "offices", "households", "roads", "stops")
OUTCOMES = ("error", "repair", "reported", "ok")
NO_DATA_NOTE = "have no participation row"
"""The one warning an 'ok' file may bring: tables of Kota Yogyakarta leave DIY's other
villages without data."""


@dataclass(frozen=True)
class Entry:
    """One row of CATALOGUE.csv."""

    file: str
    input: str
    defect: str
    outcome: str
    row: int | None
    column: str | None
    expected: str
    value_checks: str

    @property
    def path(self) -> Path:
        return FOLDER / self.file

    def checks(self) -> tuple[str | None, dict[str, str]]:
        """Split ``@key; name=value; ...`` into the key and the expected values."""
        key, expected = None, {}
        for part in (p.strip() for p in self.value_checks.split(";") if p.strip()):
            if part.startswith("@"):
                key = part[1:]
            else:
                name, value = part.split("=", 1)
                expected[name] = value
        return key, expected


def _entries() -> list[Entry]:
    with MANIFEST.open(encoding="utf-8", newline="") as handle:
        return [Entry(r["file"], r["input"], r["defect"], r["outcome"],
                      int(r["row"]) if r["row"] else None, r["column"] or None, r["expected"],
                      r["values"]) for r in csv.DictReader(handle)]


ENTRIES = _entries()


# --- running a file through the library --------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    """The warnings a file brought, and what was read from it (by row, feature or id)."""

    problems: list[Problem]
    observe: Callable[[str | None], dict[str, object]]


@pytest.fixture(scope="module")
def bundled_prepared() -> PreparedInputs:
    return prepare_inputs(InputPaths())


@pytest.fixture(scope="module")
def bundled_area(bundled_prepared) -> StudyArea:
    return build_study_area(bundled_prepared.villages, bundled_prepared.offices, radius_km=5.0)


@pytest.fixture(scope="module")
def bundled_result() -> AnalysisResult:
    return run_analysis()


def _tables(path: Path, entry_input: str) -> Outcome:
    """Boundaries, participation or offices: the user's file, the bundled data elsewhere."""
    prepared = prepare_inputs(InputPaths(**{entry_input: path}))
    result = analyse(prepared, AnalysisParams())  # raises InputError with every error

    def observe(key: str | None) -> dict[str, object]:
        if entry_input == "boundaries":
            village = prepared.villages.iloc[int(str(key)) - 1]
            return {"code": village["code"], "geom_type": village.geometry.geom_type,
                    "is_valid": village.geometry.is_valid}
        if entry_input == "offices":
            return dict(prepared.offices.loc[int(str(key))])
        report = prepared.match_report
        found = dict(report[report["row"] == int(str(key))].iloc[0])
        matched = prepared.participation
        rows = matched[matched["row"] == int(str(key))]
        return found | (dict(rows.iloc[0]) if len(rows) else {})

    return Outcome(list(result.problems), observe)


def _households(path: Path, area: StudyArea) -> Outcome:
    classification = classify_households(path, area)

    def observe(key: str | None) -> dict[str, object]:
        rejects = classification.rejects.set_index("row")["reason"]
        values: dict[str, object] = {"rows_read": classification.rows_read,
                                     "rows_used": len(classification.households.rows)}
        if key is not None:
            values["reason"] = rejects.get(int(key), "used")
        return values

    return Outcome(classification.problems(), observe)


def _roads(path: Path, result: AnalysisResult) -> Outcome:
    reached = with_road_reach(result, road_reach(result, load_network(path)))
    offices = reached.offices.set_index("office_id")
    new = [p for p in reached.problems if p not in result.problems]
    return Outcome(new, lambda key: dict(offices.loc[str(key)]))


def _stops(path: Path) -> Outcome:
    stops = read_stops(path).set_index("stop_id")

    def observe(key: str | None) -> dict[str, object]:
        stop = stops.loc[str(key)]
        return {"households": stop["households"], "lat": round(stop.geometry.y, 6),
                "lon": round(stop.geometry.x, 6)}

    return Outcome([], observe)


@pytest.fixture
def run_library(bundled_area, bundled_result) -> Callable[[Entry], Outcome]:
    def run(entry: Entry) -> Outcome:
        if entry.input == "households":
            return _households(entry.path, bundled_area)
        if entry.input == "roads":
            return _roads(entry.path, bundled_result)
        if entry.input == "stops":
            return _stops(entry.path)
        return _tables(entry.path, entry.input)

    return run


def _text(value: object) -> str:
    """Write a value as the manifest does: whole floats without '.0'."""
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return str(int(value))
    if isinstance(value, np.generic):
        return str(value.item())
    return str(value)


def _the_problem(problems: list[Problem], entry: Entry) -> Problem:
    """The problem saying the manifest's text; fail listing them all when none does."""
    found = [p for p in problems if entry.expected in str(p)]
    listed = "\n".join(str(p) for p in problems)
    assert found, f"no problem says {entry.expected!r}; got:\n{listed}"
    return found[0]


def _assert_located(problem: Problem, entry: Entry) -> None:
    """The problem names the file (and its sheet), the row and the column of the manifest."""
    assert problem.file == entry.file or problem.file.startswith(f"{entry.file} (sheet ")
    assert (problem.row, problem.column) == (entry.row, entry.column)
    assert problem.fix


# --- the tests ---------------------------------------------------------------------------


def test_every_file_is_in_the_manifest_and_every_manifest_row_is_a_file():
    on_disk = {p.name for p in FOLDER.iterdir()} - NOT_INPUTS
    listed = [e.file for e in ENTRIES]
    assert len(listed) == len(set(listed)), "a file is listed twice"
    assert on_disk == set(listed)
    assert all(e.input in INPUTS and e.outcome in OUTCOMES for e in ENTRIES)
    assert all(bool(e.expected) == (e.outcome != "ok") for e in ENTRIES)
    assert all(e.value_checks for e in ENTRIES if e.outcome in ("repair", "ok"))


def test_the_catalogue_covers_every_input_and_stays_small():
    assert {e.input for e in ENTRIES} == set(INPUTS)
    assert len(ENTRIES) >= 30
    assert sum(p.stat().st_size for p in FOLDER.iterdir()) < 1_000_000


@pytest.mark.parametrize("entry", ENTRIES, ids=[e.file for e in ENTRIES])
def test_library_answer(entry: Entry, run_library):
    if entry.outcome == "error":
        with pytest.raises(InputError, match=re.escape(entry.expected)) as caught:
            run_library(entry)
        problem = _the_problem(caught.value.problems, entry)
        assert problem.severity == "error"
        _assert_located(problem, entry)
        return
    outcome = run_library(entry)
    if entry.outcome == "ok":
        unexpected = [str(p) for p in outcome.problems if NO_DATA_NOTE not in p.message]
        assert unexpected == []
    else:
        problem = _the_problem(outcome.problems, entry)
        assert problem.severity == "warning"
        _assert_located(problem, entry)
    key, expected = entry.checks()
    observed = outcome.observe(key)
    assert {name: _text(observed[name]) for name in expected} == expected


def _argv(entry: Entry, out: Path) -> list[str]:
    if entry.input == "stops":
        return ["routes", "--office", "KC-YGY", "--stops", str(entry.path), "--teams", "1",
                "--time-limit", "1", "--out", str(out)]
    return ["analyze", f"--{entry.input}", str(entry.path), "--out", str(out)]


@pytest.mark.parametrize("entry", ENTRIES, ids=[e.file for e in ENTRIES])
def test_command_line_answer(entry: Entry, tmp_path, capsys):
    code = main(_argv(entry, tmp_path / "out"))
    stderr = capsys.readouterr().err
    if entry.outcome == "error":
        assert code == 1
        assert stderr.startswith("error: ")
        assert entry.file in stderr
        assert entry.expected in stderr
        assert not (tmp_path / "out").exists(), "nothing is written for a refused input"
        return
    assert code == 0
    assert "error" not in stderr
    warnings = [line for line in stderr.splitlines()
                if line.startswith("warning: ") and NO_DATA_NOTE not in line]
    if entry.outcome == "ok":
        assert warnings == []
    else:
        assert any(entry.file in line and entry.expected in line for line in warnings), stderr


# --- what is not committed: huge files, made here ----------------------------------------


def test_a_participation_table_with_more_rows_than_indonesia_has_villages(tmp_path):
    path = tmp_path / "peserta_nasional.csv"
    rows = tables.MAX_TABLE_ROWS + 1
    numbers = pd.RangeIndex(rows)
    table = pd.DataFrame({"kode_wilayah": "34.71.01.1001", "angkatan_kerja": numbers,
                          "peserta_aktif": numbers})
    table.to_csv(path, index=False)
    with pytest.raises(InputError, match=r"100,001 data rows.*limit is 100,000") as caught:
        io.read_participation(path)
    assert caught.value.problems[0].file == path.name


def test_a_huge_office_file_is_refused_by_its_size_without_reading_it(tmp_path, capsys):
    path = tmp_path / "kantor.csv"
    path.write_text("office_id,name,lat,lon\n", encoding="utf-8")
    os.truncate(path, 3 * 1024**3)  # 3 GB, sparse: takes no disk space
    assert main(["analyze", "--offices", str(path), "--out", str(tmp_path / "out")]) == 1
    stderr = capsys.readouterr().err
    assert "error: kantor.csv (value '3,221 MB'): the file is far larger than a table" in stderr


def test_a_huge_household_file_of_nul_bytes_is_refused_at_its_first_block(tmp_path):
    path = tmp_path / "rumah_tangga.csv"
    path.write_bytes(b"")
    os.truncate(path, 2 * 1024**3)  # household files may be large; this one is no CSV
    with pytest.raises(InputError, match="holds NUL bytes") as caught:
        next(read_household_chunks(path))
    assert caught.value.problems[0].row == 1


def test_a_household_header_of_megabytes_is_refused(tmp_path):
    path = tmp_path / "rumah_tangga.csv"
    path.write_bytes(b"id," * (1024 * 1024))
    with pytest.raises(InputError, match="without a line break") as caught:
        next(read_household_chunks(path))
    assert caught.value.problems[0].row == 1


def test_household_points_have_no_size_limit_unlike_the_small_tables(tmp_path, monkeypatch):
    monkeypatch.setattr(tables, "MAX_TABLE_BYTES", 1024)
    households = Path(__file__).parents[1] / "examples" / "rumah_tangga_contoh.csv"
    assert households.stat().st_size > tables.MAX_TABLE_BYTES
    assert sum(len(chunk.rows) for chunk in read_household_chunks(households)) == 5_000
    participation = tmp_path / "peserta.csv"
    participation.write_bytes(households.read_bytes())
    with pytest.raises(InputError, match="far larger than a table"):
        io.read_participation(participation)


# --- the road network that misses offices, in the routes command -------------------------


def test_routes_for_an_office_the_roads_do_not_reach_are_estimated_and_say_so(tmp_path,
                                                                              capsys):
    roads = FOLDER / "r_only_around_one_office.geojson"
    code = main(["routes", "--office", "PH-WATES", "--roads", str(roads), "--time-limit", "1",
                 "--days", "1", "--out", str(tmp_path / "out")])
    out = capsys.readouterr().out
    assert code == 0
    assert "estimated legs (no road network)" in out
    assert "perkiraan, tanpa jaringan jalan" in out
    assert "--roads FILE" in out
    assert "--download-roads" in out
    sheets = sorted((tmp_path / "out").glob("hari_1_tim_*_lembar_kunjungan.csv"))
    assert sheets
    assert "perkiraan, tanpa jaringan jalan" in sheets[0].read_text(encoding="utf-8-sig")


# --- the catalogue is made by its script -------------------------------------------------


def test_the_script_makes_the_committed_files(tmp_path):
    script = Path(__file__).parents[1] / "scripts" / "make_bad_inputs.py"
    spec = importlib.util.spec_from_file_location("make_bad_inputs", script)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.main([str(tmp_path)]) == 0
    made = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    committed = {p.name: p.read_bytes() for p in FOLDER.iterdir() if p.name not in NOT_INPUTS}
    assert made.keys() == committed.keys()
    differ = [name for name in made if made[name] != committed[name]]
    assert differ == []


def test_a_household_line_of_megabytes_is_refused_before_pandas_reads_it(tmp_path):
    path = tmp_path / "rumah_tangga.csv"
    with path.open("wb") as handle:
        handle.write(b"id,lat,lon,workers,registered\n" + b"KK1,-7.79,110.37,1,0\n" * 1000)
        handle.write(b"K" * (3 * 1024 * 1024) + b"\n")
    with pytest.raises(InputError, match="more than 1,024 KB without a line break") as caught:
        list(read_household_chunks(path))
    assert (caught.value.problems[0].file, caught.value.problems[0].row) == (path.name, 1002)


@pytest.mark.parametrize("length", [1000, 500_000, 1_000_000])
def test_lines_under_the_limit_pass_the_scan(tmp_path, length):
    path = tmp_path / "rumah_tangga.csv"
    path.write_bytes(b"id,lat,lon,workers,registered\n" + (b"K" * length + b"\n") * 40)
    scan_text_lines(path, max_line_bytes=1024 * 1024, formats="CSV")


def test_nul_bytes_far_into_a_household_file_name_their_line(tmp_path, monkeypatch):
    monkeypatch.setattr(file_checks, "SCAN_BLOCK_BYTES", 4096)  # many blocks, small file
    path = tmp_path / "rumah_tangga.csv"
    path.write_bytes(b"id,lat,lon,workers,registered\n" + b"KK1,-7.79,110.37,1,0\n" * 5000
                     + b"\x00" * 10)
    with pytest.raises(InputError, match="NUL bytes") as caught:
        list(read_household_chunks(path))
    assert caught.value.problems[0].row == 5002
