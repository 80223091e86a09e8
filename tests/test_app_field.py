"""The field loop in the app, driven headless (AppTest): plan, form, import, report, numbers.

A plan made on the Rute page is kept in the user's store; its paper template, filled in as
a typist would from the walk sheet, is imported on the Lapangan page (once: a second
import stores nothing new), and the workers registered raise their villages' participants
on every page, the same numbers as ``geo-outreach analyze`` gives on the same store.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd
import pytest

from geo_outreach import i18n
from geo_outreach.cli import main
from geo_outreach.outcome_codes import REFUSED, REGISTERED
from geo_outreach.store.database import open_store
from geo_outreach.store.field_records import stored_outcomes, stored_plans
from geo_outreach.store.location import DATABASE_ENV
from tests.app_driver import show, started_app
from tests.field_page_builders import (
    REGISTERED_WORKERS,
    filled_paper_template,
    store_with_field_work,
)

if TYPE_CHECKING:
    from pathlib import Path

    from streamlit.testing.v1 import AppTest

    from geo_outreach.field.plan import RoutePlan

pytestmark = pytest.mark.filterwarnings(
    # pandas' deprecation notice from field_report's stop table when no come-back visit
    # is open (it fills the missing dates with ""); the report itself is right
    "ignore:'str' is not supported as a fill value")

PLANNER = "Kasi Pemasaran KC Yogyakarta"
UNKNOWN_STOP = "34.71.99.9999-01"


@pytest.fixture
def store_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """An empty store of the test's own, for the app and the command line."""
    url = f"sqlite:///{tmp_path / 'lapangan.db'}"
    monkeypatch.setenv(DATABASE_ENV, url)
    return url


@pytest.fixture
def field_app(store_url: str) -> AppTest:
    """The app on the bundled data with an empty store of its own."""
    del store_url
    return started_app()


def make_plan(at: AppTest) -> RoutePlan:
    """Plan one team for one day on the Rute page, as the planner clicks it."""
    show(at, "routes")
    at.number_input(key="route_teams").set_value(1)
    at.number_input(key="route_days").set_value(1)
    at.slider(key="route_time").set_value(1)
    at.text_input(key="route_by").set_value(PLANNER)
    at.button(key="route_plan").click().run()
    assert not at.exception, at.exception
    return at.session_state["planned_routes"][1]


def import_file(at: AppTest, name: str, content: bytes) -> None:
    """Import a field export on the Lapangan page, as the user fills in the form."""
    uploader = next(u for u in at.get("file_uploader") if u.proto.id.endswith("outcome_file"))
    uploader.set_value((name, content, "text/csv"))
    at.text_input(key="outcome_by").set_value("Kasi Kepesertaan")
    at.button(key="outcome_import_submit").click().run()
    assert not at.exception, at.exception


def participants(at: AppTest) -> pd.Series:
    """The participants per village the app's analysis counts now."""
    villages = at.session_state["frame"].result.villages
    return villages.set_index(villages["code"].astype(str))["participants"].astype(float)


def headers(at: AppTest) -> list[str]:
    """The column headers of every table on the page."""
    return [str(column) for frame in at.dataframe for column in frame.value.columns]


def assert_plan_kept(store_url: str, plan: RoutePlan) -> None:
    """The store holds the plan, with who made it and its first day."""
    store = open_store(store_url)
    try:
        plans = stored_plans(store)
    finally:
        store.close()
    assert plans["plan_id"].tolist() == [plan.plan_id]
    assert plans["created_by"].tolist() == [PLANNER]
    assert plans["start_date"].tolist() == [plan.start_date]


def outcomes_in(store_url: str) -> pd.DataFrame:
    """The submissions the store holds."""
    store = open_store(store_url)
    try:
        return stored_outcomes(store)
    finally:
        store.close()


def command_line_participants(out: Path, capsys: pytest.CaptureFixture[str]) -> pd.Series:
    """The participants per village ``geo-outreach analyze`` writes on the same store."""
    assert main(["analyze", "--out", str(out)]) == 0
    assert "registered in the field" in capsys.readouterr().err
    villages = pd.read_csv(out / "villages.csv", dtype={"code": str})
    return villages.set_index("code")["participants"].astype(float)


def test_the_field_page_without_a_plan_points_to_the_routes_page(field_app: AppTest):
    at = field_app
    show(at, "field")
    assert any(i18n.t("field_page.no_plan", "id") == info.value for info in at.info)
    assert not at.get("file_uploader")
    at.sidebar.radio(key="lang").set_value("en").run()
    assert not at.exception
    assert any(i18n.t("field_page.no_plan", "en") == info.value for info in at.info)


def test_a_plan_goes_out_and_its_outcomes_come_back_into_the_numbers(
        field_app: AppTest, store_url: str, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]):
    at = field_app
    before = participants(at)
    plan = make_plan(at)
    assert plan.plan_id
    assert any(plan.plan_id in message.value for message in at.success)
    assert any("formulir lapangan" in str(button.proto.label)
               for button in at.get("download_button"))
    assert_plan_kept(store_url, plan)

    content, stop_id = filled_paper_template(plan, tmp_path)
    show(at, "field")
    import_file(at, "hasil_kertas.csv", content)
    assert any("2 isian tersimpan, 0 sudah tersimpan sebelumnya, 0 tidak disimpan"
               in message.value for message in at.success)
    outcomes = outcomes_in(store_url)
    assert sorted(outcomes["outcome"]) == sorted([REGISTERED, REFUSED])
    assert set(outcomes["stop_id"]) == {stop_id}
    assert {"Pekerja terdaftar", "Bagian kunjungan yang mendaftar"} <= set(headers(at))
    assert any("st_folium" in str(element.proto) for element in at.get("component_instance"))

    import_file(at, "hasil_kertas.csv", content)
    assert any("0 isian tersimpan, 2 sudah tersimpan sebelumnya" in message.value
               for message in at.success)
    assert any("sudah tersimpan sebelumnya" in info.value for info in at.info)
    assert len(outcomes_in(store_url)) == len(outcomes)

    after = participants(at)
    [code] = outcomes.loc[outcomes["outcome"] == REGISTERED, "code"].tolist()
    assert after[code] == before[code] + REGISTERED_WORKERS
    assert after.drop(code).equals(before.drop(code))
    from_cli = command_line_participants(tmp_path / "analisis", capsys)
    assert from_cli.reindex(after.index).round(1).equals(after.round(1))
    show(at, "summary")
    assert any(f"Termasuk {REGISTERED_WORKERS} pekerja terdaftar di lapangan" in info.value
               for info in at.info)

    show(at, "field")
    at.sidebar.radio(key="lang").set_value("en").run()
    assert not at.exception
    assert any(header.value == i18n.t("field_page.import.header", "en")
               for header in at.subheader)
    assert {"Workers registered", "Share of visits that registered"} <= set(headers(at))


def test_rows_kept_out_are_listed_with_their_fix(store_url: str, tmp_path: Path):
    plan = store_with_field_work(store_url, tmp_path)
    at = started_app()
    show(at, "field")
    content, stop_id = filled_paper_template(plan, tmp_path / "salah")
    import_file(at, "ketikan.csv", content.replace(stop_id.encode(), UNKNOWN_STOP.encode(), 1))
    assert any("0 isian tersimpan, 0 sudah tersimpan sebelumnya, 2 tidak disimpan"
               in message.value for message in at.success)
    [rejected] = [frame.value for frame in at.dataframe
                  if UNKNOWN_STOP in frame.value.to_string()]
    assert set(rejected["Berkas"]) == {"ketikan.csv"}
    assert set(rejected["Baris"]) == {3}  # the plan line, the header, then the first stop

    import_file(at, "bukan_ekspor.csv", b"nama;alamat\nBudi;Jl. Malioboro\n")
    assert "bukan\\_ekspor.csv" in " ".join(error.value for error in at.error)


def test_without_a_store_the_plan_is_made_and_says_it_is_not_kept(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    blocked = tmp_path / "berkas"
    blocked.write_text("not a folder")
    monkeypatch.setenv(DATABASE_ENV, f"sqlite:///{blocked / 'lapangan.db'}")
    at = started_app()
    assert at.metric, "the numbers are shown, from the participation table alone"
    assert any("tidak dapat dibuka" in error.value for error in at.error)
    plan = make_plan(at)
    assert not plan.plan_id
    assert any(i18n.t("routes.field.not_recorded", "id") == w.value for w in at.warning)
    assert not any("formulir lapangan" in str(button.proto.label)
                   for button in at.get("download_button"))
