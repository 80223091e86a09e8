"""Which sheet of a workbook is read: every sheet is looked at, ``--sheet`` picks one."""

from pathlib import Path

import pytest

from geo_outreach._errors import InputError
from geo_outreach.cli import main
from geo_outreach.inputs.readers import read_participation

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
