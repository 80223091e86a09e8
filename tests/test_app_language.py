"""Every page in Bahasa Indonesia and in English: words on screen, never machine values.

Headers, statuses, severities, yes/no, percentages and the downloaded tables are in the
user's language; no snake_case, None, nan or <NA> reaches the screen; switching the
language keeps every choice the user made. Driven headless with AppTest on the bundled data.
"""

from __future__ import annotations

import io
import re
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
import pytest

from app_pages.common import display
from geo_outreach import i18n
from geo_outreach.analysis.pipeline import run_analysis
from geo_outreach.field.plan import ESTIMATED_LABEL
from geo_outreach.publish.export import labelled
from geo_outreach.roads import networks, online
from geo_outreach.roads.networks import bundled_network
from tests.app_driver import show

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).parent.parent
BAD_INPUTS = Path(__file__).parent / "bad_inputs"
PAGES = ("summary", "map", "priority", "placement", "routes", "share", "data", "glossary")

SNAKE_CASE = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)+")
"""A machine name such as ``uncovered_within_radius`` or ``household_points``."""
RAW_MISSING = frozenset({"None", "none", "nan", "NaN", "<NA>", "NaT", "null"})
"""How a missing value looks when it reaches a table cell unwritten."""
RAW_MISSING_WORDS = frozenset({"None", "nan", "NaN", "<NA>"})
"""The same inside a sentence (where "none" can be an English word)."""
PERCENT = {"id": re.compile(r"-?\d{1,3}(?:\.\d{3})*,\d ?%"),
           "en": re.compile(r"-?\d{1,3}(?:,\d{3})*\.\d ?%")}
"""A percentage as each language writes it: ``38,3%`` and ``38.3%``."""
FRACTION_COLUMNS = ("coverage", "coverage_within_radius", "share_within_radius")
POINTS = {"id": re.compile(r"[+-]?\d+,\d poin"), "en": re.compile(r"[+-]?\d+\.\d pp")}
"""A gap to the target in percentage points: ``+1,7 poin`` and ``+1.7 pp``."""


def choose_language(at: AppTest, lang: str) -> None:
    at.sidebar.radio(key="lang").set_value(lang).run()
    assert not at.exception, at.exception


def plan_routes(at: AppTest) -> None:
    """Plan the default routes quickly (the solver's shortest search)."""
    at.slider(key="route_time").set_value(2)
    at.button(key="route_plan").click().run()
    assert not at.exception, at.exception


def place_sites(at: AppTest) -> None:
    """Compute two new sites on the Lokasi baru page."""
    at.number_input(key="placement_sites").set_value(2)
    at.button(key="placement_run").click().run()
    assert not at.exception, at.exception


def uploader(at: AppTest, key: str):
    return next(u for u in at.get("file_uploader") if u.proto.id.endswith(key))


def upload(at: AppTest, key: str, name: str, content: bytes) -> None:
    show(at, "data")
    uploader(at, key).set_value((name, content, "text/csv"))
    at.run()
    assert not at.exception, at.exception


def header(column: str, lang: str, table: str | None = None) -> str:
    return i18n.column_labels([column], lang, table=table)[column]  # type: ignore[arg-type]


# --- what is on the screen -------------------------------------------------------------


def shown_texts(at: AppTest) -> Iterator[tuple[str, str]]:
    """Every text on the page, with what shows it: messages, labels, options, metrics."""
    for kind in ("title", "header", "subheader", "caption", "markdown", "info", "warning",
                 "error", "success"):
        for element in getattr(at, kind):
            yield kind, str(element.value)
    for metric in at.metric:
        yield "metric", f"{metric.label} {metric.value} {metric.proto.delta}"
    for kind in ("selectbox", "radio", "multiselect"):
        for widget in at.get(kind):
            yield kind, str(widget.label)
            for option in widget.options:
                yield kind, str(option)
    for kind in ("slider", "number_input", "checkbox", "button", "download_button",
                 "text_input", "file_uploader"):
        for widget in at.get(kind):
            yield kind, str(widget.proto.label)


def machine_words(text: str) -> list[str]:
    """The snake_case words in a text (a file name such as ``peserta_mei.csv`` aside)."""
    return [word for word in SNAKE_CASE.findall(text)
            if not re.search(rf"{re.escape(word)}\.[a-z]", text)]


def raw_cells(table: pd.DataFrame) -> list[tuple[str, object]]:
    """Cells that show a machine value: None, NaN, <NA>, a snake_case code."""
    found = []
    for column in table.columns:
        for value in table[column]:
            if isinstance(value, str):
                raw = value.strip() in RAW_MISSING or SNAKE_CASE.fullmatch(value) is not None
            else:
                raw = value is None or bool(pd.isna(value))
            if raw:
                found.append((column, value))
    return found


def assert_in_words(at: AppTest, where: str) -> None:
    """No snake_case header, no raw cell, no snake_case or None in any text of the page."""
    for frame in at.dataframe:
        table = frame.value
        machine_headers = [str(c) for c in table.columns if SNAKE_CASE.fullmatch(str(c))]
        assert not machine_headers, (where, machine_headers)
        assert not raw_cells(table), (where, raw_cells(table)[:5])
    for kind, text in shown_texts(at):
        assert not machine_words(text), (where, kind, text)
        assert not RAW_MISSING_WORDS & set(re.findall(r"<NA>|\b\w+\b", text)), (
            where, kind, text)


def frame_with(at: AppTest, column_header: str) -> pd.DataFrame:
    """The page's table that has this header."""
    tables = [f.value for f in at.dataframe if column_header in f.value.columns]
    assert tables, f"no table with {column_header!r}"
    return tables[0]


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_every_page_shows_words_not_machine_values(app: AppTest, lang: str):
    choose_language(app, lang)
    for page in PAGES:
        show(app, page)
        if page == "routes":
            plan_routes(app)
            assert app.dataframe, "the teams' table"
        if page == "placement":
            assert_in_words(app, f"{lang}/{page} before computing")
            place_sites(app)
            assert app.dataframe, "the sites' table"
        assert_in_words(app, f"{lang}/{page}")


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_fractions_are_percentages_on_the_summary_and_priority_pages(app: AppTest, lang: str):
    choose_language(app, lang)
    checked = []
    for page, table in (("summary", "offices"), ("priority", "priority")):
        show(app, page)
        for column in FRACTION_COLUMNS:
            for frame in app.dataframe:
                shown = frame.value
                if header(column, lang, table) not in shown.columns:
                    continue
                cells = shown[header(column, lang, table)]
                assert all(PERCENT[lang].fullmatch(c) or c == i18n.MISSING_VALUE
                           for c in cells), (page, column, cells.head().tolist())
                checked.append((page, column))
            gap = header("gap_to_target", lang, table)
            for frame in app.dataframe:
                if gap in frame.value.columns:
                    assert all(POINTS[lang].fullmatch(c) or c == i18n.MISSING_VALUE
                               for c in frame.value[gap]), frame.value[gap].head().tolist()
                    checked.append((page, "gap_to_target"))
    assert {page for page, _ in checked} == {"summary", "priority"}, checked
    assert ("priority", "gap_to_target") in checked


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_display_writes_every_kind_of_cell_in_words(lang: str):
    table = pd.DataFrame({
        "name": ["Caturtunggal", "Demangan"], "coverage": [0.3832, float("nan")],
        "gap_to_target": [0.0168, -0.05], "has_data": [True, False],
        "reach_method": ["household_points", "area"], "uncovered_within_radius": [12.6, 3.2],
        "villages_within_road_radius": pd.array([4, None], dtype="Int64"),
        "distance_to_office_km": [1.81, 12.0], "office_type": ["KC", None],
        "severity": ["error", "warning"], "status": ["fuzzy", "no_data"],
    })
    shown = display(table, lang, table_name="villages")  # type: ignore[arg-type]
    assert not [c for c in shown.columns if SNAKE_CASE.fullmatch(str(c))]
    assert not raw_cells(shown)
    by_column = dict(zip(table.columns, shown.columns, strict=True))
    assert list(shown[by_column["coverage"]]) == [
        "38,3%" if lang == "id" else "38.3%", i18n.MISSING_VALUE]
    assert list(shown[by_column["gap_to_target"]]) == (
        ["+1,7 poin", "-5,0 poin"] if lang == "id" else ["+1.7 pp", "-5.0 pp"])
    assert list(shown[by_column["has_data"]]) == [i18n.t("value.true", lang),
                                                  i18n.t("value.false", lang)]
    assert list(shown[by_column["uncovered_within_radius"]]) == [13, 3]  # numbers, to sort
    assert list(shown[by_column["villages_within_road_radius"]]) == ["4", i18n.MISSING_VALUE]
    assert list(shown[by_column["distance_to_office_km"]]) == (
        ["1,8", "12,0"] if lang == "id" else ["1.8", "12.0"])
    assert list(shown[by_column["severity"]]) == [i18n.t("value.severity.error", lang),
                                                  i18n.t("value.severity.warning", lang)]
    assert shown[by_column["reach_method"]].iloc[0] == i18n.t(
        "value.reach_method.household_points", lang)


def test_indonesian_percentages_use_the_decimal_comma(app: AppTest):
    show(app, "priority")
    coverage = frame_with(app, "Cakupan")["Cakupan"]
    assert all(re.fullmatch(r"\d{1,3},\d%", c) for c in coverage), coverage.head().tolist()
    assert not any(re.fullmatch(r"0\.\d+", c) for c in coverage)
    distance = frame_with(app, "Jarak ke kantor (km)")["Jarak ke kantor (km)"]
    assert all(re.fullmatch(r"\d+,\d", c) for c in distance)


def test_household_and_road_columns_are_labelled_too(app: AppTest):
    app.sidebar.radio(key="households").set_value("demo").run()
    app.sidebar.checkbox(key="road_reach").check().run()
    assert not app.exception, app.exception
    for page in ("summary", "priority"):
        show(app, page)
        assert_in_words(app, f"id/{page} with households and roads")
    show(app, "priority")
    method = frame_with(app, header("reach_method", "id"))[header("reach_method", "id")]
    assert set(method) <= {i18n.t("value.reach_method.household_points", "id"),
                           i18n.t("value.reach_method.area", "id")}


# --- the Data page: validation and match reports --------------------------------------


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_problems_and_match_report_are_in_words(app: AppTest, lang: str):
    choose_language(app, lang)
    upload(app, "upload_participation", "peserta.csv",
           (BAD_INPUTS / "p_typo_name.csv").read_bytes())
    show(app, "data")
    problems = frame_with(app, header("severity", lang, "problems"))
    assert set(problems[header("severity", lang, "problems")]) <= {
        i18n.t("value.severity.error", lang), i18n.t("value.severity.warning", lang)}
    assert not raw_cells(problems.drop(columns=[header("message", lang),
                                                header("fix", lang)]))
    report = frame_with(app, header("input_name", lang))
    statuses = set(report[header("status", lang)])
    assert i18n.t("value.status.fuzzy", lang) in statuses
    assert not statuses & {"code", "name", "fuzzy", "no_data"}
    assert not [c for c in report.columns if SNAKE_CASE.fullmatch(str(c))]
    counts = frame_with(app, i18n.t("data.rows", lang))
    assert set(counts[header("status", lang)]) == statuses


def test_an_error_in_the_upload_is_shown_with_an_indonesian_severity(app: AppTest):
    bad = (b"kode_wilayah,angkatan_kerja,peserta_aktif\n"
           b"34.71.03.1001,100,abc\n34.71.03.1002,100,500\n")
    upload(app, "upload_participation", "peserta.csv", bad)
    problems = frame_with(app, "Tingkat")
    assert "Kesalahan" in set(problems["Tingkat"])
    assert "error" not in set(problems["Tingkat"])
    assert i18n.MISSING_VALUE in set(problems["Baris"])  # a whole-file problem: no row


def test_household_rows_set_aside_say_why_in_words(app: AppTest):
    rows = ("no_kk,lintang,bujur,status_bpjs\n1,-7.7830,110.3834,tidak\n"
            "1,-7.7900,110.3700,ya\n3,110.37,-7.79,tidak\n")
    upload(app, "upload_households", "rt.csv", rows.encode())
    show(app, "data")
    rejects = frame_with(app, "Alasan")
    assert {"id rumah tangga ganda", "lintang dan bujur tertukar"} <= set(rejects["Alasan"])
    assert "id sama dengan baris 2" in set(rejects["Keterangan"])
    assert_in_words(app, "id/data with household rejects")


# --- the Rute page -----------------------------------------------------------------------


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_an_office_off_the_road_network_says_what_to_do_in_the_app(app: AppTest, lang: str,
                                                                    monkeypatch):
    choose_language(app, lang)
    show(app, "routes")
    app.selectbox(key="route_office").set_value("PH-SLEMAN").run()
    assert not app.exception, app.exception
    notes = " ".join(w.value for w in [*app.info, *app.warning])
    assert i18n.t("tab.data", lang) in notes
    assert "--" not in notes
    assert "POINT" not in notes
    assert not re.search(r"-?\d+\.\d{3,}", notes), "no raw coordinates"
    assert online.OVERPASS_HOST in notes  # offline: said plainly, no download offered
    assert not [b for b in app.button if b.key == "route_download_roads"]
    assert not app.button(key="route_plan").proto.disabled  # planned on estimates
    plan_routes(app)
    assert not app.exception
    notes = " ".join(w.value for w in app.info)
    assert ESTIMATED_LABEL[lang] in notes


def test_an_online_machine_offers_the_download_and_uses_it(app: AppTest, monkeypatch):
    kota = bundled_network()
    asked = []

    def fake_download(area, **kwargs):
        asked.append(area)
        return replace(kota, source="OpenStreetMap drive network (download)", file="")

    monkeypatch.setattr(online, "download_possible", lambda: True)
    monkeypatch.setattr(networks, "download_network", fake_download)
    show(app, "routes")
    app.selectbox(key="route_office").set_value("PH-SLEMAN").run()
    app.button(key="route_download_roads").click().run()
    assert not app.exception
    assert len(asked) == 1
    captions = " ".join(c.value for c in app.caption)
    assert "(download)" in captions


def test_routes_tables_and_network_are_in_indonesian(app: AppTest):
    show(app, "routes")
    captions = " ".join(c.value for c in app.caption)
    assert "simpul" in captions
    assert "nodes" not in captions
    plan_routes(app)
    teams = frame_with(app, "Tim")
    assert list(teams.columns[:3]) == ["Hari ke-", "Tim", "Jumlah titik"]
    days = frame_with(app, "Tim bertugas")
    assert list(days.columns[:3]) == ["Hari ke-", "Tim bertugas", "Jumlah titik"]
    assert_in_words(app, "id/routes")


# --- switching the language ---------------------------------------------------------------


def test_switching_the_language_keeps_every_choice(app: AppTest):
    app.sidebar.slider(key="radius_km").set_value(7.5).run()
    app.sidebar.slider(key="target").set_value(55).run()
    app.sidebar.selectbox(key="regency").set_value("Kabupaten Sleman").run()
    app.sidebar.selectbox(key="denominator").set_value("employed").run()
    app.sidebar.radio(key="households").set_value("demo").run()
    show(app, "routes")
    app.radio(key="route_mode").set_value("motorbike").run()
    app.number_input(key="route_teams").set_value(3).run()
    chosen = {"radius_km": 7.5, "target": 55, "regency": "Kabupaten Sleman",
              "denominator": "employed", "households": "demo"}

    def sidebar_choices() -> dict[str, object]:
        return {"radius_km": app.sidebar.slider(key="radius_km").value,
                "target": app.sidebar.slider(key="target").value,
                "regency": app.sidebar.selectbox(key="regency").value,
                "denominator": app.sidebar.selectbox(key="denominator").value,
                "households": app.sidebar.radio(key="households").value}

    for lang in ("en", "id", "en"):
        choose_language(app, lang)
        assert sidebar_choices() == chosen, lang
        assert app.radio(key="route_mode").value == "motorbike", "still the routes page"
        assert app.number_input(key="route_teams").value == 3
        assert app.radio(key="route_mode").format_func("motorbike") == i18n.t(
            "routes.mode.motorbike", lang)
    show(app, "share")
    app.radio(key="share_format").set_value("pdf").run()
    choose_language(app, "id")
    assert app.radio(key="share_format").value == "pdf"
    assert app.selectbox(key="share_regency").value == "Kabupaten Sleman"


# --- downloads -------------------------------------------------------------------------


def downloaded(at: AppTest, makers: dict[str, Callable[[], object]], what: str) -> bytes:
    """Click (in effect) the download button labelled with ``what`` and return the file."""
    buttons = [b for b in at.get("download_button") if what in str(b.proto.label)]
    assert buttons, f"no {what} download"
    content = makers[buttons[0].proto.deferred_file_id]()
    assert isinstance(content, bytes)
    return content


def test_the_priority_download_has_indonesian_headers(app: AppTest, deferred_downloads):
    show(app, "priority")
    table = pd.read_csv(io.BytesIO(downloaded(app, deferred_downloads, "CSV")), dtype=str)
    assert {"Peringkat", "Kode wilayah", "Kalurahan/kelurahan", "Cakupan (%)",
            "Jenis penyebut", "Label data"} <= set(table.columns)
    assert not [c for c in table.columns if SNAKE_CASE.fullmatch(c)]
    assert set(table["Jenis penyebut"]) == {"angkatan kerja"}
    coverage = table["Cakupan (%)"].astype(float)
    assert coverage.between(0, 100).all()
    assert coverage.max() > 1  # a percentage, not a fraction
    workbook = pd.read_excel(io.BytesIO(downloaded(app, deferred_downloads, "XLSX")))
    assert list(workbook.columns) == list(table.columns)


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_labelled_tables_are_in_the_language_asked(lang: str):
    result = run_analysis()
    for table, name in ((result.priority, "priority"), (result.offices, "offices"),
                        (result.villages, "villages")):
        out = labelled(table, result, lang=lang)  # type: ignore[arg-type]
        assert out.columns.is_unique, name
        assert not [c for c in out.columns if SNAKE_CASE.fullmatch(str(c))], name
        assert header("coverage", lang) + " (%)" in out.columns or name == "offices"
    offices = labelled(result.offices, result, lang=lang)  # type: ignore[arg-type]
    assert set(offices[header("approximate", lang)]) <= {i18n.t("value.true", lang),
                                                          i18n.t("value.false", lang)}
    priority = labelled(result.priority, result, lang=lang)  # type: ignore[arg-type]
    assert set(priority[header("denominator", lang)]) == {
        i18n.t("denominator.labour_force", lang)}
