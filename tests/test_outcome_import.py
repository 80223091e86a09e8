"""
Importing field exports into the store, on SQLite and PostgreSQL: checked against the plan,
each submission once whatever the format, the bad ones named and kept out.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from geo_outreach.field.outcome_import import import_outcomes
from geo_outreach.store.database import open_store
from geo_outreach.store.field_records import outcome_import_log, stored_outcomes
from tests.field_builders import store_plan
from tests.outcome_builders import (
    Visit,
    central_csv,
    kobo_csv,
    kobo_xlsx,
    paper_csv,
    sample_visits,
    uuid,
    with_changes,
)


@pytest.fixture
def store(database_url):
    opened = open_store(database_url)
    store_plan(opened)
    yield opened
    opened.close()


def _import(store, path, **options):
    return import_outcomes(store, path, imported_by="tester", **options)


def test_the_same_visits_from_every_format_are_stored_once(store, tmp_path):
    visits = sample_visits()
    first = _import(store, central_csv(visits, tmp_path / "central.csv"))
    assert (first.stored, first.already_stored, first.rejected) == (5, 0, [])
    for path in (kobo_csv(visits, tmp_path / "kobo.csv"), kobo_xlsx(visits, tmp_path / "k.xlsx"),
                 central_csv(visits, tmp_path / "again.csv")):
        again = _import(store, path)
        assert (again.stored, again.already_stored, again.rejected) == (0, 5, [])
    assert len(stored_outcomes(store)) == 5
    assert outcome_import_log(store)["stored"].tolist() == [5, 0, 0, 0]


def test_an_overlapping_export_adds_only_what_is_new(store, tmp_path):
    visits = sample_visits()
    _import(store, central_csv(visits[:3], tmp_path / "monday.csv"))
    later = _import(store, central_csv(visits[1:], tmp_path / "tuesday.csv"))
    assert (later.stored, later.already_stored) == (2, 2)
    assert sorted(stored_outcomes(store)["submission_id"]) == sorted(v.submission_id
                                                                     for v in visits)


def test_unknown_plans_and_stops_are_named_and_kept_out(store, tmp_path):
    visits = [*sample_visits(),
              Visit(uuid(20), "34.71.09.9999-01", "menolak"),
              Visit(uuid(21), "34.71.01.1001-01", "menolak", plan_id="KC-NONE-20261207-0800-0000")]
    report = _import(store, central_csv(visits, tmp_path / "export.csv"))
    assert report.stored == 5
    problems = {(p.row, p.column): p.message for p in report.rejected}
    assert problems[(7, "stop_id")] == "this stop is not in the plan"
    assert problems[(8, "plan_id")] == "this plan is not in the store"


def test_a_form_without_a_plan_id_takes_the_plan_given(store, tmp_path):
    visits = [replace(v, plan_id="") for v in sample_visits()]
    refused = _import(store, central_csv(visits, tmp_path / "export.csv"))
    assert refused.stored == 0
    assert {p.column for p in refused.rejected} == {"plan_id"}
    given = _import(store, tmp_path / "export.csv", plan_id="KC-TEST-20261207-0800-abcd")
    assert (given.stored, given.rejected) == (5, [])


def test_more_registered_than_the_village_had_uncovered_is_kept_out(store, tmp_path):
    # 34.71.02.1003 had 40 uncovered workers when the plan was made
    visits = [Visit(uuid(n), "34.71.02.1003-01", "terdaftar", workers_living=20,
                    workers_registered=15, segment="bpu") for n in range(30, 33)]
    report = _import(store, central_csv(visits, tmp_path / "export.csv"))
    assert report.stored == 2
    assert [(p.row, p.column) for p in report.rejected] == [(4, "pekerja_terdaftar")]
    assert "more workers than the 40 uncovered" in report.rejected[0].message


def test_a_submission_that_comes_back_changed_is_reported_and_not_changed(store, tmp_path):
    visits = sample_visits()
    _import(store, central_csv(visits, tmp_path / "first.csv"))
    changed = with_changes(visits, 0, workers_registered=3)
    report = _import(store, central_csv(changed, tmp_path / "second.csv"))
    assert (report.stored, report.already_stored) == (0, 4)
    assert [p.value for p in report.rejected] == [uuid(1)]
    kept = stored_outcomes(store).set_index("submission_id")
    assert kept.loc[uuid(1), "workers_registered"] == 2


def test_paper_sheets_are_stored_once_by_stop_date_and_outcome(store, tmp_path):
    visits = sample_visits()
    first = _import(store, paper_csv(visits, tmp_path / "kertas.csv"))
    assert first.stored > 0
    assert first.gps == {"no_point": first.stored}
    again = _import(store, paper_csv(visits, tmp_path / "kertas.csv"))
    assert (again.stored, again.already_stored) == (0, first.stored)


def test_far_points_are_stored_and_warned_about(store, tmp_path):
    visits = with_changes(sample_visits(), 0, lat=-7.803, lon=110.36)[:1]  # ~330 m south
    report = _import(store, central_csv(visits, tmp_path / "export.csv"))
    assert report.gps == {"flagged": 1}
    assert any("flagged" in w.message and w.row == 2 for w in report.warnings)
    strict = _import(store, central_csv(with_changes(visits, 0, submission_id=uuid(99)),
                                        tmp_path / "again.csv"), flag_m=1000.0)
    assert strict.gps.get("flagged", 0) == 0


def test_one_impossible_registration_does_not_keep_out_the_villages_others(store, tmp_path):
    visits = [Visit(uuid(40), "34.71.02.1003-01", "terdaftar", workers_living=100,
                    workers_registered=100, segment="bpu"),  # a typo: 40 were uncovered
              *(Visit(uuid(41 + n), "34.71.02.1003-01", "terdaftar", workers_living=2,
                      workers_registered=2, segment="bpu") for n in range(3))]
    report = _import(store, central_csv(visits, tmp_path / "export.csv"))
    assert [p.row for p in report.rejected] == [2]
    assert report.stored == 3
