"""
Which sheet of a workbook is read: every sheet is looked at, ``--sheet`` picks one; and a
workbook is sized (rows per sheet, bytes unpacked) before openpyxl loads it.
"""

import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from geo_outreach._errors import InputError
from geo_outreach.cli import main
from geo_outreach.inputs import tables, workbook_size
from geo_outreach.inputs.readers import read_participation
from geo_outreach.inputs.tables import MAX_TABLE_ROWS, MAX_TITLE_ROWS
from geo_outreach.inputs.workbook_size import (
    FormulaWithoutValue,
    check_workbook_size,
    formulas_without_values,
)

WORKBOOK = Path(__file__).parent / "bad_inputs" / "p_summary_first_sheet.xlsx"


def test_a_summary_sheet_before_the_table_does_not_hide_it():
    table = read_participation(WORKBOOK)
    assert "sheet 'Data'" in table.source
    assert len(table.data) > 1


def test_sheet_picks_a_sheet_by_name_in_any_case():
    assert "sheet 'Data'" in read_participation(WORKBOOK, sheet_name="data").source
    with pytest.raises(InputError, match=r"code or name|kode|identif"):
        read_participation(WORKBOOK, sheet_name="Ringkasan")


def test_an_unknown_sheet_lists_the_sheets(tmp_path, capsys):
    code = main(["validate", "--participation", str(WORKBOOK), "--sheet", "Rekap",
                 "--out", str(tmp_path / "cek")])
    assert code == 1
    said = capsys.readouterr()
    printed = said.out + said.err
    assert "no sheet named 'Rekap'" in printed
    assert "'Ringkasan', 'Data'" in printed


# --- a workbook is sized before it is loaded ---------------------------------------------

def _big_workbook(path: Path, rows: int, *, declare: bool, sheets: tuple[str, ...] = ("Data",)
                  ) -> Path:
    """Write an .xlsx by hand (openpyxl needs minutes for this many rows): ``rows`` rows."""
    body = "".join(f'<row r="{n}"><c r="A{n}" t="n"><v>{n}</v></c></row>'
                   for n in range(1, rows + 1))
    dimension = f'<dimension ref="A1:A{rows}"/>' if declare else ""
    sheet = f'<worksheet xmlns="{MAIN}">{dimension}<sheetData>{body}</sheetData></worksheet>'
    small = (f'<worksheet xmlns="{MAIN}"><sheetData><row r="1"><c r="A1" t="n"><v>1</v></c>'
             "</row></sheetData></worksheet>")
    entries = "".join(f'<sheet name="{name}" sheetId="{i}" r:id="rId{i}"/>'
                      for i, name in enumerate(sheets, start=1))
    rels = "".join(f'<Relationship Id="rId{i}" Type="{REL}/worksheet" '
                   f'Target="worksheets/sheet{i}.xml"/>' for i in range(1, len(sheets) + 1))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("xl/workbook.xml", f'<workbook xmlns="{MAIN}" xmlns:r="{REL}">'
                                            f"<sheets>{entries}</sheets></workbook>")
        archive.writestr("xl/_rels/workbook.xml.rels",
                         f'<Relationships xmlns="{PKG}">{rels}</Relationships>')
        for i in range(1, len(sheets) + 1):
            archive.writestr(f"xl/worksheets/sheet{i}.xml", sheet if i == len(sheets) else small)
    return path


MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
CONTENT_TYPES = (
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/><Override PartName="/xl/workbook.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.'
    'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/worksheets/sheet2.xml" ContentType="application/vnd.'
    'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>')
ROOT_RELS = (f'<Relationships xmlns="{PKG}"><Relationship Id="rId1" Type="{REL}/'
             'officeDocument" Target="xl/workbook.xml"/></Relationships>')
TOO_MANY = MAX_TABLE_ROWS + MAX_TITLE_ROWS + 2


@pytest.mark.parametrize("declare", [True, False], ids=["declared", "counted"])
def test_a_workbook_with_too_many_rows_is_refused_before_it_is_loaded(tmp_path, declare,
                                                                      monkeypatch):
    path = _big_workbook(tmp_path / "peserta.xlsx", TOO_MANY, declare=declare)

    def never(*args, **kwargs):
        raise AssertionError("the workbook was loaded")

    monkeypatch.setattr(tables.openpyxl, "load_workbook", never)
    with pytest.raises(InputError, match=r"sheet holds more than 100,031 rows") as caught:
        read_participation(path)
    assert caught.value.problems[0].file == "peserta.xlsx (sheet 'Data')"


def test_the_count_looks_only_at_the_sheet_asked_for(tmp_path):
    path = _big_workbook(tmp_path / "peserta.xlsx", TOO_MANY, declare=True,
                         sheets=("Ringkasan", "Mentah"))
    with pytest.raises(InputError, match="sheet 'Mentah'"):
        check_workbook_size(path, path.name, max_rows=TOO_MANY - 1)
    check_workbook_size(path, path.name, max_rows=TOO_MANY - 1, sheet_name="ringkasan")


def test_a_workbook_within_the_limit_is_read(tmp_path):
    path = _big_workbook(tmp_path / "kecil.xlsx", 50, declare=False)
    check_workbook_size(path, path.name, max_rows=50)
    with pytest.raises(InputError, match="more than 49 rows"):
        check_workbook_size(path, path.name, max_rows=49)


def test_a_zip_that_unpacks_to_gigabytes_is_refused(tmp_path, monkeypatch):
    path = _big_workbook(tmp_path / "bom.xlsx", 10, declare=True)
    monkeypatch.setattr(workbook_size, "MAX_UNPACKED_BYTES", 1000)
    with pytest.raises(InputError, match="unpacks to"):
        check_workbook_size(path, path.name, max_rows=100)


def test_only_formulas_without_a_saved_result_are_found(tmp_path):
    book = Workbook()
    book.active.title = "Data"
    book.active.append(["kode_wilayah", "angkatan_kerja", "peserta_aktif"])
    book.active.append(["34.71.01.1001", 1000, "=B2/10"])
    book.active.append(["34.71.01.1002", 900, "=B3/10"])
    written = tmp_path / "ditulis_skrip.xlsx"
    book.save(written)
    assert formulas_without_values(written, "Data") == {(2, 3): "=B2/10", (3, 3): "=B3/10"}
    saved = tmp_path / "disimpan_excel.xlsx"  # the same, with Excel's result for row 2
    with zipfile.ZipFile(written) as source, zipfile.ZipFile(saved, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"<f>B2/10</f><v />", b"<f>B2/10</f><v>100</v>")
            target.writestr(item, data)
    assert formulas_without_values(saved, "Data") == {(3, 3): "=B3/10"}
    table = read_participation(saved)
    assert table.data.loc[2, "participants"] == 100
    assert isinstance(table.data.loc[3, "participants"], FormulaWithoutValue)
