"""
Plans and field outcomes in the store, on SQLite and PostgreSQL, and what the next plan
and the analysis make of them.

The store tests run twice through the ``database_url`` fixture: once on a SQLite file,
once on a throw-away PostgreSQL cluster (skipped, with the reason, where there is none).
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from geo_outreach._errors import StoreError
from geo_outreach.analysis.coverage import PROVISIONAL_COLUMN
from geo_outreach.analysis.pipeline import analyse
from geo_outreach.analysis.provisional import (
    field_against_snapshots,
    provisional_registrations,
    snapshot_month_of,
    with_provisional,
)
from geo_outreach.config import AnalysisParams
from geo_outreach.field import solver
from geo_outreach.field.field_history import (
    FieldHistory,
    come_back_id,
    come_back_stops,
    field_history,
)
from geo_outreach.field.outcome_report import field_report, team_week_table, week_start
from geo_outreach.field.plan import RouteSettings, working_day
from geo_outreach.store.database import open_store
from geo_outreach.store.field_records import (
    outcome_import_log,
    plan_stops,
    store_outcomes,
    stored_outcomes,
    stored_plans,
)
from tests.builders import grid_villages, offices_at, participation_for, prepared
from tests.field_builders import PLAN_ID, records, store_plan
from tests.road_builders import grid_network, grid_stops, lonlat


@pytest.fixture
def store(database_url):
    opened = open_store(database_url)
    store_plan(opened)
    yield opened
    opened.close()


def _store(store, table, name="export.csv"):
    return store_outcomes(store, table, file_name=name, file_sha256="0" * 64,
                          file_format="odk_central", imported_by="tester",
                          rows_read=len(table), rejected=0)


def test_a_plan_is_stored_once_with_its_stops_and_days(store):
    stops = plan_stops(store, [PLAN_ID])
    assert len(stops) == 6
    assert stops["households"].sum() == 150
    assert stored_plans(store)["plan_id"].tolist() == [PLAN_ID]
    with pytest.raises(StoreError, match="already stored"):
        store_plan(store)


def test_the_same_export_twice_or_overlapping_stores_each_submission_once(store):
    first = records([{"stop_id": "34.71.01.1001-01"}, {"stop_id": "34.71.01.1001-02"},
                     {"stop_id": "34.71.01.1002-01", "outcome": "menolak"}])
    assert _store(store, first).stored == 3
    again = _store(store, first)
    assert (again.stored, again.already_stored, len(again.changed)) == (0, 3, 0)
    overlap = pd.concat([first.iloc[1:], records(
        [{"stop_id": "34.71.02.1003-01", "submission_id": "uuid:new"}])], ignore_index=True)
    later = _store(store, overlap)
    assert (later.stored, later.already_stored) == (1, 2)
    assert len(stored_outcomes(store)) == 4
    assert outcome_import_log(store)["stored"].tolist() == [3, 0, 1]


def test_a_submission_that_comes_back_changed_is_reported_not_changed(store):
    _store(store, records([{"stop_id": "34.71.01.1001-01", "workers_registered": 2}]))
    changed = _store(store, records([{"stop_id": "34.71.01.1001-01", "workers_registered": 3}]))
    assert changed.stored == 0
    assert changed.changed["submission_id"].tolist() == ["uuid:0000"]
    assert stored_outcomes(store)["workers_registered"].tolist() == [2]


def test_stored_outcomes_come_back_typed_with_their_plan(store):
    _store(store, records([{"stop_id": "34.71.01.1001-01", "team": None,
                            "come_back_on": ""}]))
    table = stored_outcomes(store)
    assert table.loc[0, "office_id"] == "KC-TEST"
    assert table.loc[0, "planned_team"] == 1
    assert table.loc[0, "planned_on"] == "2026-12-07"
    assert pd.isna(table.loc[0, "team"])
    assert table["households"].dtype == np.int64


def _history(visits, on=date(2026, 12, 9), rest=90):
    table = records(visits)
    joined = table.assign(stop_lat=table["lat"], stop_lon=table["lon"],
                          stop_label=table["stop_id"], village="Alpha")
    return FieldHistory(joined, on=on, refusal_rest_days=rest)


def test_refusals_rest_do_not_contact_never_comes_back():
    history = _history([
        {"stop_id": "34.71.01.1001-01", "outcome": "menolak", "households": 2},
        {"stop_id": "34.71.01.1001-01", "outcome": "menolak", "visited_on": "2026-06-01"},
        {"stop_id": "34.71.01.1002-01", "outcome": "jangan_dihubungi", "visited_on":
         "2020-01-06"},
        {"stop_id": "34.71.01.1002-01", "outcome": "tidak_di_rumah", "households": 5},
        {"stop_id": "34.71.02.1003-01", "outcome": "pindah_tidak_memenuhi_syarat"},
    ])
    settled = history.settled()
    assert settled.to_dict() == {"34.71.01.1001": 2, "34.71.01.1002": 1, "34.71.02.1003": 1}
    assert history.never_again().to_dict() == {"34.71.01.1002": 1}


def test_a_come_back_is_open_until_its_stop_is_visited():
    asked = {"stop_id": "34.71.01.1001-01", "outcome": "kembali_lagi", "households": 2,
             "come_back_on": "2026-12-10"}
    waiting = _history([asked]).open_come_backs()
    assert waiting["stop_id"].tolist() == [come_back_id("34.71.01.1001-01", "2026-12-10")]
    assert waiting["households"].tolist() == [2]
    assert _history([asked]).settled().to_dict() == {"34.71.01.1001": 2}
    kept = {"stop_id": "34.71.01.1001-01~K20261210", "outcome": "terdaftar",
            "visited_on": "2026-12-10", "submission_id": "uuid:kept"}
    assert _history([asked, kept]).open_come_backs()["households"].tolist() == [1]
    both = {**kept, "submission_id": "uuid:both", "outcome": "menolak"}
    assert _history([asked, kept, both]).open_come_backs().empty


def test_come_back_stops_fall_on_their_day_and_overdue_ones_first():
    history = _history([
        {"stop_id": "34.71.01.1001-01", "outcome": "kembali_lagi", "come_back_on": "2026-12-15"},
        {"stop_id": "34.71.01.1002-01", "outcome": "kembali_lagi", "come_back_on": "2026-12-02"},
        {"stop_id": "34.71.02.1003-01", "outcome": "kembali_lagi", "come_back_on": "2027-01-05"},
    ])
    days = [working_day(date(2026, 12, 14), day) for day in (1, 2, 3)]
    stops = come_back_stops(history, days, households_per_stop=30)
    assert dict(zip(stops["code"], stops["due_day"], strict=True)) == {
        "34.71.01.1001": 2, "34.71.01.1002": 1}  # January's waits for its date
    assert stops["label"].str.startswith("Kembali").all()


def test_the_solver_puts_a_come_back_visit_on_its_day():
    grid = grid_network(11)
    stops = grid_stops([(1, 1, 3), (9, 9, 3), (2, 8, 3), (8, 2, 3), (5, 5, 2)])
    stops["due_day"] = [0, 0, 0, 0, 3]
    plan = solver.solve_routes(grid, stops, RouteSettings(teams=1, hours=1.5, days=4,
                                                          time_limit_s=0.5),
                               start=lonlat(5, 4))
    day_of = {stop: route.day for route in plan.routes for stop in route.stops["stop_id"]}
    due_stop = stops["stop_id"].iloc[4]
    assert day_of[due_stop] == 3


def test_registrations_after_the_snapshot_month_count_provisionally():
    table = records([
        {"stop_id": "34.71.01.1001-01", "workers_registered": 2, "visited_on": "2024-10-20"},
        {"stop_id": "34.71.01.1001-02", "workers_registered": 3, "visited_on": "2024-11-04"},
        {"stop_id": "34.71.01.1002-01", "outcome": "menolak", "visited_on": "2024-11-04"},
    ])
    after = provisional_registrations(table, after_month="2024-10")
    assert after.set_index("code")[PROVISIONAL_COLUMN].to_dict() == {"34.71.01.1001": 3}
    everything = provisional_registrations(table, after_month=None)
    assert everything[PROVISIONAL_COLUMN].sum() == 5


def test_provisional_participants_raise_coverage_and_nothing_else():
    villages = grid_villages()
    participation = participation_for(villages)
    inputs = prepared(villages, participation, offices_at([(6_000.0, 6_000.0)]))
    code = str(villages["code"].iloc[0])
    registrations = pd.DataFrame({"code": [code], PROVISIONAL_COLUMN: [7],
                                  "provisional_households": [4], "provisional_bpu": [7]})
    raised = with_provisional(inputs, registrations)
    coverage = analyse(raised, AnalysisParams()).villages.set_index("code")
    assert coverage.loc[code, PROVISIONAL_COLUMN] == 7
    assert coverage.loc[code, "uncovered"] == 1000 - 250 - 7
    before = inputs.participation.set_index("code")
    after = raised.participation.set_index("code")
    assert after.loc[code, "participants"] == before.loc[code, "participants"] + 7
    assert after[PROVISIONAL_COLUMN].sum() == 7
    others = after.index != code
    assert (after.loc[others, "participants"] == before.loc[others, "participants"]).all()


def test_the_snapshot_takes_over_and_shows_the_difference():
    outcomes = records([
        {"stop_id": "34.71.01.1001-01", "workers_registered": 5, "visited_on": "2024-11-04"},
        {"stop_id": "34.71.01.1002-01", "workers_registered": 2, "visited_on": "2024-11-05"},
    ])
    series = pd.DataFrame({"month": ["2024-10", "2024-10", "2024-11", "2024-11"],
                           "code": ["34.71.01.1001", "34.71.01.1002"] * 2,
                           "participants": [100.0, 50.0, 103.0, 56.0]})
    table = field_against_snapshots(outcomes, series).set_index("code")
    assert table.loc["34.71.01.1001", "field_not_in_snapshot"] == 2
    assert table.loc["34.71.01.1002", "snapshot_not_from_field"] == 4
    imports = pd.DataFrame({"month": ["2024-10", "2024-11"], "file_sha256": ["a", "b"],
                            "in_force": [True, True]})
    assert snapshot_month_of("a", imports) == "2024-10"
    assert snapshot_month_of("z", imports) == "2024-11"
    assert snapshot_month_of("a", imports.iloc[:0]) is None


def test_the_team_week_report_counts_visits_registrations_and_time(store):
    _store(store, records([
        {"stop_id": "34.71.01.1001-01", "households": 2, "workers_registered": 3,
         "started_at": "2026-12-07T08:00:00+07:00", "ended_at": "2026-12-07T08:20:00+07:00"},
        {"stop_id": "34.71.01.1001-02", "outcome": "menolak",
         "started_at": "2026-12-07T10:00:00+07:00", "ended_at": "2026-12-07T10:05:00+07:00"},
        {"stop_id": "34.71.01.1002-01", "team": 2, "outcome": "tidak_di_rumah"},
        {"stop_id": "34.71.02.1003-01", "visited_on": "2026-12-14", "outcome": "kembali_lagi",
         "come_back_on": "2026-12-16"},
    ]))
    report = field_report(store, office_id="KC-TEST", on=date(2026, 12, 15))
    weeks = report.team_weeks.set_index(["week", "team"])
    first = weeks.loc[("2026-12-07", 1)]
    assert (first["households_visited"], first["registered_households"],
            first["workers_registered"]) == (3, 2, 3)
    assert first["registered_share"] == pytest.approx(2 / 3)
    assert first["field_min"] == pytest.approx(125.0)
    assert first["planned_min"] == pytest.approx(500.0)  # team 1's two planned days
    assert weeks.loc[("2026-12-14", 1), "kembali_lagi_households"] == 1
    status = report.stops.set_index("stop_id")["status"]
    assert status["34.71.01.1001-02"] == "refused"
    assert status["34.71.02.1003-01"] == "come_back"
    assert status["34.71.02.1003-02"] == "not_yet"
    assert week_start("2026-12-13") == "2026-12-07"
    assert team_week_table(report.team_weeks.iloc[:0].assign(
        team=pd.Series(dtype="Int64"), planned_team=pd.Series(dtype="Int64"), visited_on=[],
        households=[], outcome=[], workers_registered=[], gps_status=[], submission_id=[],
        started_at=[], ended_at=[]), report.stops.iloc[:0].assign(
        week=[], planned_min=[])).empty


def test_the_history_reads_only_the_offices_own_outcomes(store):
    store_plan(store, plan_id="KC-OTHER-20261207-0800-ffff", office_id="KC-OTHER")
    _store(store, records([{"stop_id": "34.71.01.1001-01", "outcome": "menolak"}]))
    _store(store, records([{"stop_id": "34.71.01.1001-01", "outcome": "menolak",
                            "submission_id": "uuid:other"}],
                          plan_id="KC-OTHER-20261207-0800-ffff"), name="other.csv")
    mine = field_history(store, "KC-TEST", on=date(2026, 12, 9))
    assert len(mine.outcomes) == 1
    assert mine.settled().to_dict() == {"34.71.01.1001": 1}


def test_a_route_with_come_back_visits_never_goes_before_their_dates():
    days = solver._days_by_priority([[2, 3], [4], [5]], np.zeros(6), teams=1,
                                    due=np.array([0, 0, 2, 4, 0, 0]), days=4)
    day_of = {tuple(route): day for day, _, route in days}
    assert day_of[(2, 3)] == 4  # due on days 2 and 4: on 4, not before the later date
    assert sorted(day for day, _, _ in days) == [1, 2, 4]
    plain = solver._days_by_priority([[2], [3]], np.array([0, 0, 1.0, 0.0]), teams=1)
    assert [route for _, _, route in plain] == [[3], [2]]  # no due: by priority


def test_a_come_back_on_a_weekend_goes_on_the_next_working_day():
    history = _history([{"stop_id": "34.71.01.1001-01", "outcome": "kembali_lagi",
                         "come_back_on": "2026-12-19"}])  # a Saturday
    days = [working_day(date(2026, 12, 14), day) for day in range(1, 6)]
    late = come_back_stops(history, days, households_per_stop=30)
    assert late["due_day"].tolist() == []  # Saturday is after Friday 18th: next week's
    days = [working_day(date(2026, 12, 17), day) for day in range(1, 4)]  # Thu, Fri, Mon
    assert come_back_stops(history, days, households_per_stop=30)["due_day"].tolist() == [3]


def test_a_plan_made_again_for_the_same_week_is_reported_once(store):
    store_plan(store, plan_id="KC-TEST-20261207-0900-bbbb")  # made again, same day 1
    report = field_report(store, office_id="KC-TEST", on=date(2026, 12, 9))
    assert report.plans["plan_id"].tolist() == ["KC-TEST-20261207-0900-bbbb"]
    assert report.team_weeks["planned_min"].sum() == pytest.approx(990.0)
    _store(store, records([{"stop_id": "34.71.01.1001-01"}]))  # the first one went out
    report = field_report(store, office_id="KC-TEST", on=date(2026, 12, 9))
    assert report.plans["plan_id"].tolist() == [PLAN_ID]
    assert set(report.stops["plan_id"]) == {PLAN_ID}


def test_field_minutes_count_the_day_the_forms_were_filled_in(store):
    _store(store, records([
        {"stop_id": "34.71.01.1001-01", "started_at": "2026-12-07T08:00:00+07:00",
         "ended_at": "2026-12-07T09:00:00+07:00"},
        {"stop_id": "34.71.01.1001-02", "submission_id": "uuid:late",
         "started_at": "2026-12-08T08:00:00+07:00", "ended_at": "2026-12-08T08:30:00+07:00"},
        {"stop_id": "34.71.01.1002-01", "submission_id": "uuid:open", "team": 2,
         "started_at": "2026-12-07T08:00:00+07:00", "ended_at": "2026-12-09T08:00:00+07:00"},
    ]))
    weeks = field_report(store, office_id="KC-TEST").team_weeks.set_index("team")
    assert weeks.loc[1, "field_min"] == pytest.approx(90.0)  # 60 on the 7th, 30 on the 8th
    assert pd.isna(weeks.loc[2, "field_min"])  # a form left open for two days: not counted
