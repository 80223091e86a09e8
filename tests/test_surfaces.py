"""
One answer everywhere: the app, ``analyze``, ``share`` and the library agree on every headline.

The app's summary is read as a user reads it (the metric cards, in Bahasa Indonesia); the
command line's figures come from ``run.json`` and the shared map's from its title box. The
notebook writes the same headline (tests/test_notebooks.py compares it).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest

from geo_outreach.analysis.headline import headline
from geo_outreach.analysis.pipeline import run_analysis
from geo_outreach.cli import main
from geo_outreach.i18n import format_number, format_percent

if TYPE_CHECKING:
    from pathlib import Path

    from streamlit.testing.v1 import AppTest

SLEMAN = "Kabupaten Sleman"


def cli_headline(tmp_path: Path, *options: str) -> dict[str, object]:
    """Run ``geo-outreach analyze`` and return the headline it wrote to run.json."""
    out = tmp_path / "out"
    assert main(["analyze", "--out", str(out), *options]) == 0
    return json.loads((out / "run.json").read_text(encoding="utf-8"))["headline"]


def app_metrics(at: AppTest) -> dict[str, str]:
    """The summary's metric cards, label to value, as the user sees them."""
    assert not at.exception, at.exception
    return {metric.label: metric.value for metric in at.metric}


def table_cards(figures: dict[str, object]) -> dict[str, str]:
    """What the summary's participation-table block must show for a headline."""
    return {
        "Pekerja belum terdaftar dalam radius": format_number(
            figures["table.uncovered_within_radius"], "id"),
        "Cakupan dalam radius": format_percent(figures["table.coverage_within_radius"], "id"),
        "Peserta baru yang dibutuhkan untuk target": format_number(
            figures["table.workers_to_target_within_radius"], "id"),
    }


def register_cards(figures: dict[str, object]) -> dict[str, str]:
    """What the summary's household-register block must show for a headline."""
    return {
        "Pekerja belum terdaftar dalam radius (register)": format_number(
            figures["register.register_uncovered_workers_within_radius"], "id"),
        "Rumah tangga dalam radius": format_number(
            figures["register.households_within_radius"], "id"),
        "Rumah tangga belum terdaftar dalam radius": format_number(
            figures["register.uncovered_households_within_radius"], "id"),
        "Kelengkapan register": format_percent(figures["register.completeness"], "id"),
    }




def test_default_settings_give_the_same_headline_in_the_app_the_cli_and_the_library(
        app, tmp_path):
    cli = cli_headline(tmp_path)
    assert cli == headline(run_analysis()).as_dict()
    shown = app_metrics(app)
    assert table_cards(cli).items() <= shown.items()
    assert round(cli["table.uncovered_within_radius"]) == 427_673  # as the README says
    assert not any("register" in label for label in shown)  # no household layer by default


def test_demo_households_give_the_same_two_measures_in_the_app_and_the_cli(app, tmp_path):
    cli = cli_headline(tmp_path, "--households", "demo")
    app.sidebar.radio(key="households").set_value("demo").run()
    shown = app_metrics(app)
    assert table_cards(cli).items() <= shown.items()
    assert register_cards(cli).items() <= shown.items()
    # the table's figure stays the table's (points say where, not how many): within 1 %
    # of the area split, and never the register's count
    assert cli["table.uncovered_within_radius"] == pytest.approx(427_673, rel=0.01)
    assert cli["register.register_uncovered_workers_within_radius"] < 100_000


def test_roads_and_households_agree_between_the_app_and_the_cli(app, tmp_path):
    cli = cli_headline(tmp_path, "--households", "demo", "--roads", "bundled")
    app.sidebar.radio(key="households").set_value("demo")
    app.sidebar.checkbox(key="road_reach").check().run()
    shown = app_metrics(app)
    assert shown["Belum terdaftar dalam radius lewat jalan"] == format_number(
        cli["table.uncovered_within_road_radius"], "id")
    assert cli["table.uncovered_within_road_radius"] <= cli["table.uncovered_within_radius"]
    assert (cli["register.households_within_road_radius"]
            <= cli["register.households_within_radius"])


def test_an_office_and_a_kabupaten_scope_every_figure_on_the_summary(app):
    result = run_analysis()
    app.sidebar.selectbox(key="office").set_value("KC-YGY").run()
    office = headline(result, office_id="KC-YGY").as_dict()
    assert table_cards(office).items() <= app_metrics(app).items()
    app.sidebar.selectbox(key="regency").set_value(SLEMAN).run()
    both = headline(result, office_id="KC-YGY", regency=SLEMAN).as_dict()
    assert table_cards(both).items() <= app_metrics(app).items()
    assert both["table.uncovered_within_radius"] < office["table.uncovered_within_radius"]


def test_the_shared_map_prints_the_kabupatens_headline_as_the_app_shows_it(app, tmp_path):
    out = tmp_path / "sleman.html"
    assert main(["share", "--regency", "Sleman", "--out", str(out)]) == 0
    html = out.read_text(encoding="utf-8")
    app.sidebar.selectbox(key="regency").set_value(SLEMAN).run()
    shown = app_metrics(app)
    for label in ("Pekerja belum terdaftar dalam radius", "Cakupan dalam radius",
                  "Peserta baru yang dibutuhkan untuk target"):
        assert shown[label] in html, (label, shown[label])
