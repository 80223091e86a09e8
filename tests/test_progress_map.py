"""Coverage by month on the map: the month slider, the trend layer, and the share files."""

from __future__ import annotations

import dataclasses
import functools
import html
import json
import re
from datetime import date
from typing import TYPE_CHECKING

import pytest

from geo_outreach._errors import InputError
from geo_outreach.i18n import format_number, format_percent
from geo_outreach.render import progress_data, progress_map, share
from geo_outreach.render.map_style import CLASS_COLOURS, NO_DATA_COLOUR
from tests.privacy_scan import small_count_leaks
from tests.progress_builders import Settings, analysed_report, month_range, progress_report
from tests.test_share import (
    BUDGET_BYTES,
    EVIL_DISTRICT,
    EVIL_SCRIPT,
    EVIL_TEMPLATE,
    bundled_result,
    evil_result,
    geojson_payloads,
    shown,
)
from tests.url_scan import OSM_TILES, fetchable_urls

if TYPE_CHECKING:
    from geo_outreach.analysis.result import AnalysisResult

DAY = date(2025, 11, 25)
SLEMAN = "Kabupaten Sleman"
REGENCIES = ("Kulon Progo", "Bantul", "Gunungkidul", "Sleman", "Kota Yogyakarta")
MONTHS = month_range("2023-01", 24)


def embedded(page: str, marker: str) -> dict:
    """The JSON the page's script is called with after ``/* marker */``."""
    start = page.index(f"/* {marker} */")
    return json.JSONDecoder().raw_decode(page, page.index("{", start))[0]


def village_payload(page: str) -> list[dict]:
    """The village layer's features (those with a ``code`` and a ``month``)."""
    return next(p["features"] for p in geojson_payloads(page)
                if p["features"] and "month" in p["features"][0]["properties"])


def first_sleman_code(result: AnalysisResult, offset: int = 0) -> str:
    villages = result.villages
    return str(villages.loc[villages["regency"] == SLEMAN, "code"].iloc[offset])


@pytest.fixture(scope="module")
def report(area_result):
    return progress_report(area_result)


@pytest.fixture(scope="module")
def sleman_page(area_result, report) -> str:
    return progress_map.progress_map(area_result, report, regency="Sleman").get_root().render()


@functools.cache
def share_report():
    return progress_report(bundled_result(), months=24)


# --- the month slider ---------------------------------------------------------------
def test_slider_control_and_month_data_are_in_the_page(sleman_page: str, area_result):
    data = embedded(sleman_page, "go-progress-months")
    control = data["h"]  # the slider's box, drawn by the page's own script
    assert '<input type="range" min="0" max="23" step="1" value="23"' in control
    assert "Cakupan per bulan: <span data-go-month>Des 2024</span>" in control
    assert "Jan 2023 – Des 2024 (24 bulan)" in control
    assert "L.control({position: " in sleman_page
    assert data["m"][0] == "Jan 2023"
    assert data["m"][-1] == "Des 2024"
    assert data["i"] == 23
    assert data["c"] == list(CLASS_COLOURS)
    assert data["n"] == NO_DATA_COLOUR
    features = village_payload(sleman_page)
    sleman = area_result.villages["regency"] == SLEMAN
    assert len(features) == sleman.sum()
    assert set(data["v"]) == {str(f["id"]) for f in features}  # that kabupaten only
    classes, coverage, people, change = data["v"][str(features[0]["id"])]
    assert len(classes) == len(coverage) == len(people) == len(change) == 24
    assert set(classes) <= set("01234")
    assert all(round(value, 4) == value for value in coverage)
    assert change[0] is None  # no month before the first


def test_tooltips_show_the_months_figures(sleman_page: str, report):
    features = village_payload(sleman_page)
    properties = features[0]["properties"]
    row = report.monthly[(report.monthly["unit_id"] == properties["code"])
                         & (report.monthly["month"] == "2024-12")].iloc[0]
    assert properties["month"] == "Des 2024"
    assert properties["coverage"] == format_percent(round(row["coverage"], 4))
    assert properties["participants"] == format_number(row["participants"])
    assert properties["change"].startswith(("+", "\N{MINUS SIGN}", "0"))
    assert properties["trend"].startswith(("naik", "stabil", "turun"))
    assert "gap" not in properties  # the analysis' own month leaves the tooltip
    page = shown(sleman_page)
    assert '"month", "coverage", "participants", "change", "trend"' in page
    assert "Perubahan peserta dari bulan sebelumnya" in page


def test_a_village_without_data_in_a_month_is_grey_that_month(area_result):
    code = first_sleman_code(area_result, 3)
    report = progress_report(area_result, missing=[(code, "2024-06")])
    fmap = progress_map.progress_map(area_result, report, regency="Sleman", month="2024-06")
    page = fmap.get_root().render()
    data = embedded(page, "go-progress-months")
    feature = next(f for f in village_payload(page) if f["properties"]["code"] == code)
    classes, coverage, people, _ = data["v"][str(feature["id"])]
    june = MONTHS.index("2024-06")
    assert classes[june] == progress_data.NO_DATA_MARK
    assert coverage[june] is None
    assert people[june] is None
    assert data["n"] == NO_DATA_COLOUR  # the script paints a "." month in this grey
    assert classes[june - 1] in "01234"
    assert classes[june + 1] in "01234"
    assert data["i"] == june
    assert feature["properties"]["month"] == "Jun 2024"
    assert feature["properties"]["coverage"] == "tanpa data"


def test_the_month_shown_first_can_be_chosen_and_must_exist(area_result, report):
    fmap = progress_map.progress_map(area_result, report, regency="Bantul", month="2023-01")
    assert embedded(fmap.get_root().render(), "go-progress-months")["i"] == 0
    with pytest.raises(InputError, match=r"no such month.*2023-01, 2023-02"):
        progress_map.progress_map(area_result, report, month="2022-12")


def test_month_names_in_both_languages():
    assert progress_data.month_label("2024-10") == "Okt 2024"
    assert progress_data.month_label("2024-10", "en") == "Oct 2024"
    assert progress_data.month_label("2024-8") == "Agu 2024"
    assert progress_data.month_label("oktober") == "oktober"


def test_english_map(area_result, report):
    page = progress_map.progress_map(area_result, report, lang="en",
                                     regency="Kota Yogyakarta").get_root().render()
    control = embedded(page, "go-progress-months")["h"]
    assert "Coverage by month: <span data-go-month>Dec 2024</span>" in control
    page = shown(page)
    assert "Change in participants since the previous month" in page
    assert "Coverage trend (last 3 months)" in page


# --- the trend layer ------------------------------------------------------------------
@pytest.mark.parametrize(("lang", "expected"), [
    ("id", ("naik: > +0,1 poin/bulan selama 3 bulan terakhir",
            "stabil: antara −0,1 dan +0,1 poin/bulan selama 3 bulan terakhir",
            "turun: < −0,1 poin/bulan selama 3 bulan terakhir")),
    ("en", ("improving: > +0.1 points/month over the last 3 months",
            "flat: between −0.1 and +0.1 points/month over the last 3 months",
            "declining: < −0.1 points/month over the last 3 months")),
])
def test_trend_legend_states_the_thresholds(area_result, report, lang, expected):
    page = html.unescape(shown(progress_map.progress_map(
        area_result, report, lang=lang, regency="Sleman").get_root().render()))
    for text in expected:
        assert text in page, text


def test_trend_legend_follows_the_settings(area_result):
    report = progress_report(area_result, months=8,
                             settings=Settings(trend_threshold_pp=0.25, pace_months=6))
    legend = html.unescape(progress_map.trend_legend_html(report, "id"))
    assert "naik: > +0,25 poin/bulan selama 6 bulan terakhir" in legend


def test_trend_layer_is_an_overlay_off_at_first(sleman_page: str, report):
    page = shown(sleman_page)
    trend = re.search(r"var (trend_layer_\w+) = L\.featureGroup\(\);", page)
    assert trend is not None
    assert f'"Tren cakupan (3 bulan terakhir)" : {trend.group(1)}' in page  # layer control
    assert f"{trend.group(1)}.addTo(" not in page  # off until turned on
    data = embedded(sleman_page, "go-progress-trend")
    features = {str(f["id"]): f["properties"]["code"] for f in village_payload(sleman_page)}
    summary = report.level("village").set_index("unit_id")
    for fid, klass in data["t"].items():
        assert progress_data.TRENDS[klass] == summary.loc[features[fid], "trend"]
    assert set(data["t"].values()) == {0, 1, 2}


# --- offline and escaped ----------------------------------------------------------------
def test_the_map_loads_nothing_from_the_network(sleman_page: str):
    assert not re.search(r"<script[^>]*\bsrc=", sleman_page, re.IGNORECASE)
    assert fetchable_urls(sleman_page, allowed=frozenset({OSM_TILES})) == []


def test_every_user_text_is_escaped():
    result = evil_result()
    page = progress_map.progress_map(result, progress_report(result),
                                     regency="Sleman").get_root().render()
    for raw in (EVIL_SCRIPT, EVIL_TEMPLATE, EVIL_DISTRICT):
        assert raw not in page, raw
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in shown(page)


# --- share files ------------------------------------------------------------------------
def test_share_file_holds_the_slider_and_trend_for_its_villages_only():
    result = bundled_result()
    page = share.share_html(result, "Sleman", created=DAY, progress=share_report())
    data = embedded(page, "go-progress-months")
    features = {str(f["id"]): f["properties"]["code"] for f in village_payload(page)}
    assert set(data["v"]) <= set(features)
    assert all(code.startswith("34.04.") for code in features.values())
    assert len(data["v"]) == (result.villages["regency"] == SLEMAN).sum()
    assert "go-progress-trend" in page
    assert "L.Control.Search" in page  # the share file's own controls stay


def test_share_file_without_progress_has_no_months():
    page = share.share_html(bundled_result(), "Kota Yogyakarta", created=DAY)
    assert "go-progress" not in page
    assert "data-go-month" not in shown(page)


@pytest.mark.parametrize("regency", REGENCIES)
def test_share_file_with_24_months_keeps_the_size_budget(regency: str):
    page = share.share_html(bundled_result(), regency, created=DAY, progress=share_report())
    size = len(page.encode("utf-8"))
    assert size <= BUDGET_BYTES, f"{regency}: {size / 1e6:.2f} MB"


def test_share_file_with_progress_holds_no_suppressed_small_counts():
    base = bundled_result()
    villages = base.villages.copy()
    sleman = villages.index[(villages["regency"] == SLEMAN)
                            & (villages["reach_method"] == "household_points")]
    villages.loc[sleman[0], "households_within_radius"] = 3  # hidden by shareable
    result = dataclasses.replace(base, villages=villages)
    hidden_code = str(villages.loc[sleman[0], "code"])
    tiny_code = str(villages.loc[sleman[1], "code"])
    report = progress_report(result, tiny=[tiny_code])
    page = share.share_html(result, "Sleman", created=DAY, progress=report)
    assert small_count_leaks(page, result) == []
    data = embedded(page, "go-progress-months")
    by_code = {f["properties"]["code"]: f for f in village_payload(page)}
    hidden = by_code[hidden_code]
    assert data["v"][str(hidden["id"])] == [data["v"][str(hidden["id"])][0]]  # classes only
    for field in ("participants", "change"):
        assert hidden["properties"][field] == "&lt; 10 rumah tangga"
    assert hidden["properties"]["coverage"] in data["x"]["cl"]  # a class's range only
    assert "poin/bulan" not in hidden["properties"]["trend"]
    _, coverage, people, change = data["v"][str(by_code[tiny_code]["id"])]
    assert coverage == [None] * 24
    assert people == [None] * 24
    assert all(value is None or value is False for value in change)
    assert by_code[tiny_code]["properties"]["participants"] == "&lt; 10 rumah tangga"
    suppressed = progress_data.suppressed_codes(result.villages, 10) & set(by_code)
    assert hidden_code in suppressed
    for code in suppressed:  # every village the share hides: classes only
        assert len(data["v"][str(by_code[code]["id"])]) == 1


def test_the_change_after_a_hidden_month_is_hidden_too(area_result):
    report = progress_report(area_result, months=6)
    code = first_sleman_code(area_result)
    monthly = report.monthly.copy()
    at = (monthly["unit_id"] == code) & (monthly["month"] == report.months[2])
    monthly.loc[at, "participants"] = 4.0
    report = dataclasses.replace(report, monthly=monthly)
    villages = area_result.villages[area_result.villages["code"] == code]
    row = progress_data.village_series(report, villages, target=0.4, k=10)[code]
    _, coverage, people, change = row
    assert coverage[2] is None
    assert people[2] is None
    assert change[2] is None  # nothing of a hidden month is written
    assert change[3] is False  # it would give the hidden count back
    assert isinstance(change[4], int)
    assert people[1] is not None


def test_the_analysis_report_draws_the_same_way(area_result):
    code = first_sleman_code(area_result, 2)
    report = analysed_report(area_result, missing=[(code, "2024-05")])
    page = progress_map.progress_map(area_result, report, regency="Sleman").get_root().render()
    data = embedded(page, "go-progress-months")
    assert data["m"] == [f"{name} 2024" for name in ("Jan", "Feb", "Mar", "Apr", "Mei", "Jun",
                                                     "Jul", "Agu", "Sep", "Okt")]
    feature = next(f for f in village_payload(page) if f["properties"]["code"] == code)
    assert data["v"][str(feature["id"])][0][4] == progress_data.NO_DATA_MARK
    assert set(embedded(page, "go-progress-trend")["t"].values()) == {0, 1, 2}
    shared = share.share_html(area_result, "Sleman", created=DAY, progress=report)
    assert len(embedded(shared, "go-progress-months")["v"]) == len(village_payload(shared))
