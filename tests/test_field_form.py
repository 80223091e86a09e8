"""
The field form that goes out with a plan: a valid XLSForm (pyxform converts it), its stop
list per team, the paper template, and walk sheets with the same outcome columns.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import re
from datetime import date

import pandas as pd
import pytest
from openpyxl import load_workbook
from pyxform.xls2xform import convert

from geo_outreach.field import solver, xlsform
from geo_outreach.field.plan import RouteSettings
from geo_outreach.field.sheet_text import outcome_headers
from geo_outreach.field.walksheets import walk_sheet
from geo_outreach.outcome_codes import (
    FORM_FIELDS,
    FORM_STOPS_FILE,
    OUTCOMES,
    PAPER_COLUMNS,
    PAPER_PLAN_LINE,
    SEGMENTS,
)
from geo_outreach.spreadsheet import write_csv
from tests.field_exports import form_question_names, form_question_types
from tests.road_builders import grid_network, grid_stops, lonlat

PLAN_ID = "KC-TEST-20261207-0800-abcd"


@pytest.fixture(scope="module")
def plan():
    stops = grid_stops([(1, 1, 20), (2, 8, 25), (8, 2, 20), (9, 9, 15), (5, 5, 10)],
                       names=["Alpha", '=HYPERLINK("x")', "Gamma", "Delta", "Epsilon"])
    planned = solver.solve_routes(grid_network(11), stops,
                                  RouteSettings(teams=2, days=2, hours=4, time_limit_s=0.5),
                                  start=lonlat(5, 4))
    return dataclasses.replace(planned, plan_id=PLAN_ID, start_date=date(2026, 12, 7))


@pytest.fixture(scope="module")
def written(plan, tmp_path_factory):
    folder = tmp_path_factory.mktemp("form")
    files, notes = xlsform.write_field_form(plan, folder)
    return folder, files, notes


def _sheet(path, name):
    rows = list(load_workbook(path)[name].iter_rows(values_only=True))
    return pd.DataFrame(rows[1:], columns=rows[0])


def test_the_form_converts_with_pyxform_and_asks_every_question(written):
    folder, files, notes = written
    assert [f.name for f in files] == xlsform.field_form_names()
    assert notes == []
    warnings: list[str] = []
    result = convert(xlsform=str(folder / xlsform.FORM_FILE), warnings=warnings)
    assert "<h:html" in result.xform
    assert warnings == []
    assert 'instance id="titik" src="jr://file-csv/titik.csv"' in (
        folder / xlsform.XFORM_FILE).read_text(encoding="utf-8")
    survey = _sheet(folder / xlsform.FORM_FILE, "survey")
    assert set(FORM_FIELDS.values()) <= set(survey["name"])
    assert not any(word in " ".join(survey["name"].astype(str)).lower()
                   for word in ("nama_kepala", "nik", "telepon", "phone"))


def test_the_questions_read_back_in_order_with_their_types(written):
    folder, _, _ = written
    names = form_question_names(folder / xlsform.FORM_FILE)
    assert sorted(names) == sorted(FORM_FIELDS.values())
    assert names[:3] == ["start", "end", "plan_id"]
    types = form_question_types(folder / xlsform.FORM_FILE)
    assert types[FORM_FIELDS["point"]] == "geopoint"
    assert types[FORM_FIELDS["stop_id"]] == "select one"
    assert types[FORM_FIELDS["visited_on"]] == "date"


def test_the_choice_lists_hold_the_outcomes_segments_and_teams(written):
    folder, _, _ = written
    choices = _sheet(folder / xlsform.FORM_FILE, "choices")
    listed = choices.groupby("list_name")["name"].apply(list).to_dict()
    assert listed["hasil"] == list(OUTCOMES)
    assert listed["segmen"] == list(SEGMENTS)
    assert listed["tim"] == ["1", "2"]
    survey = _sheet(folder / xlsform.FORM_FILE, "survey").set_index("name")
    assert survey.loc["titik", "choice_filter"] == "tim=${tim}"
    assert survey.loc["titik", "type"] == f"select_one_from_file {FORM_STOPS_FILE}"
    settings = _sheet(folder / xlsform.FORM_FILE, "settings").iloc[0]
    assert settings["form_id"] == "hasil_KC_TEST_20261207_0800_abcd"
    assert survey.loc["plan_id", "calculation"] == f"'{PLAN_ID}'"


def test_the_stop_list_has_every_served_stop_with_its_team_day_and_point(plan, written):
    folder, _, _ = written
    with (folder / FORM_STOPS_FILE).open(encoding="utf-8", newline="") as handle:
        listed = pd.DataFrame(list(csv.DictReader(handle)))
    served = [(str(s), route.team, route.day) for route in plan.routes
              for s in route.stops["stop_id"]]
    assert sorted(zip(listed["name"], listed["tim"].astype(int), listed["hari"].astype(int),
                      strict=True)) == sorted(served)
    first = listed.iloc[0]
    assert first["geometry"] == f"{float(first['lat']):.6f} {float(first['lon']):.6f} 0 0"
    assert set(listed["tanggal"]) <= {"2026-12-07", "2026-12-08"}
    assert not any(label.startswith("=") for label in listed["label"])
    # the phone turns each column name into an XML element: no colon, space or bracket
    assert all(re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.-]*", column) for column in listed.columns)
    assert listed[xlsform.STOP_LABEL_EN].str.startswith("Day ").all()


def test_a_team_list_longer_than_field_apps_handle_is_reported(plan):
    choices = xlsform.stop_choices(plan)
    most = int(choices.groupby("tim").size().max())
    notes = xlsform.list_size_warnings(choices, limit=most - 1)
    assert notes
    assert all(note.severity == "warning" for note in notes)
    assert "plan fewer days" in notes[0].fix
    assert xlsform.list_size_warnings(choices) == []


def test_a_plan_without_an_id_gets_no_form(plan, tmp_path):
    files, notes = xlsform.write_field_form(dataclasses.replace(plan, plan_id=""), tmp_path)
    assert (files, notes) == ([], [])


@pytest.mark.parametrize("lang", ["id", "en"])
def test_the_paper_template_names_its_plan_and_lists_the_stops(plan, lang):
    text = xlsform.paper_template(plan, lang=lang)
    first, rest = text.split("\n", 1)
    assert first == PAPER_PLAN_LINE[lang] + PLAN_ID
    table = pd.read_csv(io.StringIO(rest), sep=";", dtype=str)
    assert list(table.columns) == [words[lang] for words in PAPER_COLUMNS.values()]
    assert len(table) == sum(len(route.stops) for route in plan.routes)
    assert not table[PAPER_COLUMNS["label"][lang]].str.startswith("=").any()


def test_walk_sheets_carry_the_paper_templates_outcome_columns(plan):
    route = next(r for r in plan.routes if len(r.stops))
    for lang in ("id", "en"):
        sheet = walk_sheet(route, lang=lang)
        assert list(sheet.columns[-len(outcome_headers(lang)):]) == outcome_headers(lang)
        assert set(outcome_headers(lang)) <= {words[lang] for words in PAPER_COLUMNS.values()}
    for each in plan.routes:  # names stay as typed in the table; its CSV keeps them text
        written = pd.read_csv(io.StringIO(write_csv(walk_sheet(each)) or ""), dtype=str)
        assert not written.fillna("").apply(lambda column: column.str.startswith("=")).any().any()
