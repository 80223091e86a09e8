"""
The whole loop as a team leader runs it, on SQLite and PostgreSQL: plan on Monday, the
teams' submissions come back on Friday, the map and next week's plan move.

plan (``routes``) → form and stop list → simulated ODK Central submissions made from the
form's stop list → ``outcomes import`` (twice: stored once) → ``analyze`` counts the
registrations provisionally → ``outcomes report`` → the next ``routes`` puts the come-back
visit on its day and leaves out the refusals and the do-not-contact households.
"""

from __future__ import annotations

import csv
import json
from datetime import date
from typing import TYPE_CHECKING

import pandas as pd
import pytest
from pyproj import Geod

from geo_outreach.cli import main
from geo_outreach.field.field_history import field_history
from geo_outreach.outcome_codes import COME_BACK, DO_NOT_CONTACT, REFUSED, REGISTERED
from geo_outreach.store.database import open_store
from geo_outreach.store.field_records import plan_stops, stored_outcomes, stored_plans
from tests.outcome_builders import Visit, central_csv, uuid

if TYPE_CHECKING:
    from pathlib import Path

    from geo_outreach.store.database import Store

GEOD = Geod(ellps="WGS84")
MONDAY = "2026-12-07"
NEXT_MONDAY = "2026-12-14"


def _moved(lat: float, lon: float, metres: float) -> tuple[float, float]:
    """A point ``metres`` north-east of (lat, lon)."""
    lon2, lat2, _ = GEOD.fwd(lon, lat, 45.0, metres)
    return lat2, lon2


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    code = main(list(argv))
    out = capsys.readouterr()
    assert code == 0, out.err
    return out.out + out.err


def _stop_list(folder: Path) -> pd.DataFrame:
    with (folder / "titik.csv").open(encoding="utf-8-sig", newline="") as handle:
        return pd.DataFrame(list(csv.DictReader(handle)))


def _visits(stops: pd.DataFrame, plan_id: str) -> list[Visit]:
    """A week's doors at the first village's stops: registrations, refusals, the rest."""
    first = stops.iloc[0]
    second = stops.iloc[1]
    lat, lon = float(first["lat"]), float(first["lon"])
    near, look, far = (_moved(lat, lon, m) for m in (40.0, 180.0, 650.0))
    base = {"plan_id": plan_id, "team": int(first["tim"]), "visited_on": MONDAY}
    visits = [Visit(uuid(n), str(first["name"]), REGISTERED, workers_living=3,
                    workers_registered=2, segment="bpu", lat=near[0], lon=near[1], **base)
              for n in range(1, 6)]
    visits += [
        Visit(uuid(6), str(first["name"]), REFUSED, households=3, lat=look[0], lon=look[1],
              **base),
        Visit(uuid(7), str(first["name"]), DO_NOT_CONTACT, lat=far[0], lon=far[1], **base),
        Visit(uuid(8), str(second["name"]), COME_BACK, come_back_on="2026-12-15",
              households=2, lat=lat, lon=lon, **base),
        Visit(uuid(9), str(second["name"]), "tidak_di_rumah", lat=None, lon=None, **base),
    ]
    return visits


@pytest.fixture
def database(database_url: str) -> str:
    return database_url


def _import_twice(capsys, store: Store, export: Path, common: tuple[str, ...]) -> pd.DataFrame:
    said = _run(capsys, "outcomes", "import", str(export), "--by", "Ketua Tim", *common)
    assert "9 submissions stored" in said
    assert "flagged" in said  # the point 650 m from its stop
    said = _run(capsys, "outcomes", "import", str(export), *common)
    assert "0 submissions stored, 9 already stored" in said
    stored = stored_outcomes(store).set_index("submission_id")
    assert len(stored) == 9
    assert stored.loc[uuid(6), "gps_status"] == "look"
    assert stored.loc[uuid(7), "gps_status"] == "flagged"
    assert stored.loc[uuid(9), "gps_status"] == "no_point"
    return stored


def _check_provisional(capsys, tmp_path: Path, code: str, common: tuple[str, ...]) -> None:
    _run(capsys, "analyze", *common, "--out", str(tmp_path / "with"))
    _run(capsys, "analyze", *common, "--no-field-outcomes", "--out", str(tmp_path / "without"))
    with_field, without = (pd.read_csv(tmp_path / name / "villages.csv", dtype={"code": str}
                                       ).set_index("code") for name in ("with", "without"))
    assert with_field.loc[code, "provisional_participants"] == 10
    assert with_field.loc[code, "participants"] == without.loc[code, "participants"] + 10
    assert with_field["participants"].sum() == without["participants"].sum() + 10
    manifest = json.loads((tmp_path / "with" / "run.json").read_text(encoding="utf-8"))
    assert manifest["totals"]["provisional_participants"] == 10


def _check_report(capsys, tmp_path: Path, common: tuple[str, ...]) -> None:
    _run(capsys, "outcomes", "report", "--office", "KC-YGY", *common,
         "--out", str(tmp_path / "laporan"))
    weeks = pd.read_csv(tmp_path / "laporan" / "laporan_tim_mingguan.csv")
    week = weeks[weeks["week"] == MONDAY]
    assert week["households_visited"].sum() == 5 + 3 + 1 + 2 + 1
    assert week["workers_registered"].sum() == 10
    assert (tmp_path / "laporan" / "peta_lapangan.html").stat().st_size > 10_000


def test_plan_form_submissions_import_report_and_the_next_plan(tmp_path, capsys, database):
    common = ("--database", database)
    plan_args = ("--office", "KC-YGY", "--teams", "2", "--days", "3", "--top", "6",
                 "--time-limit", "1", *common)
    said = _run(capsys, "routes", *plan_args, "--start-date", MONDAY,
                "--out", str(tmp_path / "rute"))
    store = open_store(database)
    try:
        plan_id = stored_plans(store)["plan_id"].iloc[0]
        assert plan_id in said
        stops = _stop_list(tmp_path / "rute")
        assert set(stops["name"]) == set(plan_stops(store, [plan_id])["stop_id"])
        assert (tmp_path / "rute" / "formulir_hasil.xlsx").is_file()

        export = central_csv(_visits(stops, plan_id), tmp_path / "kunjungan_bpjs.csv")
        stored = _import_twice(capsys, store, export, common)
        code = str(stored.loc[uuid(1), "code"])
        _check_provisional(capsys, tmp_path, code, common)
        _check_report(capsys, tmp_path, common)

        history = field_history(store, "KC-YGY", on=date(2026, 12, 14))
        assert history.settled()[code] >= 3 + 1  # the refusals and do-not-contact
        _run(capsys, "routes", *plan_args, "--start-date", NEXT_MONDAY,
             "--out", str(tmp_path / "rute-2"))
        second = stored_plans(store)["plan_id"].iloc[0]
        assert second != plan_id
        next_stops = plan_stops(store, [second])
        come_back = next_stops[next_stops["stop_id"].str.contains("~K20261215")]
        assert len(come_back) == 1
        assert come_back["day"].iloc[0] == 2  # Tuesday 15 December
        assert come_back["households"].iloc[0] == 2
    finally:
        store.close()
