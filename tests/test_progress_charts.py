"""Coverage by month for reports: an office's chart, small maps per month, PNG and PDF files."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pytest
from matplotlib.colors import to_rgba
from matplotlib.image import imread
from pypdf import PdfReader

from geo_outreach._errors import InputError, OutputError
from geo_outreach.render import progress_charts
from geo_outreach.render.map_data import select_regency
from geo_outreach.render.map_style import NO_DATA_COLOUR
from tests.progress_builders import Settings, analysed_report, month_range, progress_report

if TYPE_CHECKING:
    from pathlib import Path

    from matplotlib.figure import Figure

MONTHS = month_range("2023-01", 24)


@pytest.fixture(scope="module")
def report(area_result):
    return progress_report(area_result)


@pytest.fixture(scope="module")
def chart(report) -> Figure:
    return progress_charts.office_progress_chart(report, "KC-YGY", demo=True)


def line(figure: Figure, gid: str):
    return next(item for item in figure.axes[0].lines if item.get_gid() == gid)


def texts(figure: Figure) -> list[str]:
    return [text.get_text() for text in figure.findobj(lambda a: hasattr(a, "get_text"))]


# --- an office's chart ------------------------------------------------------------------
def test_the_target_line_is_at_the_target(chart: Figure):
    target = line(chart, "target")
    assert list(target.get_ydata()) == [40.0, 40.0]
    assert target.get_label() == "Target 40%"
    assert "Target 40%" in texts(chart)  # also written beside the line


def test_coverage_by_month_and_the_projection_to_until(chart: Figure, report):
    rows = report.monthly[(report.monthly["level"] == "office")
                          & (report.monthly["unit_id"] == "KC-YGY")].sort_values("month")
    coverage = line(chart, "coverage")
    assert list(coverage.get_xdata()) == list(range(24))
    assert np.allclose(coverage.get_ydata(), rows["coverage"].to_numpy() * 100)
    assert coverage.get_marker() == "o"
    projection = line(chart, "projection")
    summary = report.level("office").set_index("unit_id").loc["KC-YGY"]
    assert projection.get_linestyle() == "--"
    assert list(projection.get_xdata()) == [23, 23 + 12]  # Dec 2024 to Dec 2025
    assert projection.get_ydata()[-1] == pytest.approx(summary["projected_coverage"] * 100)


def test_title_axes_and_demo_in_both_languages(chart: Figure, report):
    shown = texts(chart)
    assert "Cakupan per bulan: KC Yogyakarta" in shown
    assert chart.axes[0].get_xlabel() == "Bulan"
    assert chart.axes[0].get_ylabel() == "Cakupan (%)"
    assert "DEMO — data kepesertaan sintetis, bukan data BPJS" in shown
    english = progress_charts.office_progress_chart(report, "KC-YGY", lang="en")
    assert "Coverage by month: KC Yogyakarta" in texts(english)
    assert english.axes[0].get_xlabel() == "Month"
    assert not any("DEMO" in text for text in texts(english))
    labels = [label.get_text() for label in english.axes[0].get_xticklabels()]
    assert labels[0] == "Jan 2023"


def test_no_projection_without_until(area_result):
    report = progress_report(area_result, months=6, settings=Settings(until=None))
    figure = progress_charts.office_progress_chart(report, "PH-SLEMAN")
    assert all(item.get_gid() != "projection" for item in figure.axes[0].lines)


def test_an_unknown_office_lists_the_known_ones(report):
    with pytest.raises(InputError, match=r"no month for this office.*KC-YGY"):
        progress_charts.office_progress_chart(report, "KC-SOLO")


def test_names_are_text_not_mathematics(report):
    monthly = report.monthly.copy()
    monthly.loc[monthly["unit_id"] == "KC-YGY", "unit_name"] = "KC $x^2$ Yogya"
    figure = progress_charts.office_progress_chart(
        type(report)(report.months, report.settings, monthly, report.summary), "KC-YGY")
    title = next(text for text in figure.texts if "KC $x^2$ Yogya" in text.get_text())
    assert not title.get_parse_math()


# --- small maps per month -------------------------------------------------------------------
def test_one_small_map_per_month_with_month_titles(area_result, report):
    figure = progress_charts.small_multiples(area_result, report, regency="Sleman")
    maps = [ax for ax in figure.axes if ax.get_title()]
    assert [ax.get_title() for ax in maps] == [f"{name} {year}" for year in (2023, 2024)
                                               for name in ("Jan", "Feb", "Mar", "Apr", "Mei",
                                                            "Jun", "Jul", "Agu", "Sep", "Okt",
                                                            "Nov", "Des")]
    assert tuple(figure.get_size_inches()) == pytest.approx((11.69, 8.27))
    legend = figure.legends[0]
    assert [text.get_text() for text in legend.get_texts()][-1] == "tanpa data"
    assert "Cakupan per kalurahan per bulan: Kabupaten Sleman" in texts(figure)


def test_a_village_without_data_is_grey_in_that_months_map(area_result):
    villages = select_regency(area_result, "Bantul").villages
    code = str(villages["code"].iloc[5])
    report = progress_report(area_result, missing=[(code, "2023-07")])
    figure = progress_charts.small_multiples(area_result, report, regency="Bantul")
    maps = [ax for ax in figure.axes if ax.get_title()]
    july, august = (maps[MONTHS.index(month)].collections[0].get_facecolors()
                    for month in ("2023-07", "2023-08"))
    assert tuple(july[5]) == pytest.approx(to_rgba(NO_DATA_COLOUR))
    assert tuple(august[5]) != pytest.approx(to_rgba(NO_DATA_COLOUR))
    assert tuple(july[4]) != pytest.approx(to_rgba(NO_DATA_COLOUR))


def test_only_the_latest_36_months_fit_a_page(area_result):
    report = progress_report(area_result, months=40)
    figure = progress_charts.small_multiples(area_result, report, regency="Kota Yogyakarta",
                                             lang="en", demo=True)
    assert len([ax for ax in figure.axes if ax.get_title()]) == 36
    assert any("only the last 36 of 40 months are shown" in text for text in texts(figure))
    assert any("DEMO" in text for text in texts(figure))


# --- files ------------------------------------------------------------------------------
def test_png_and_pdf_are_written_and_readable(chart: Figure, area_result, report,
                                              tmp_path: Path):
    png = progress_charts.write_figure(chart, tmp_path / "kantor.png")
    image = imread(png)
    assert image.shape[:2] == (1120, 2000)  # 10 × 5.6 inches at 200 dpi
    pdf = progress_charts.write_figure(chart, tmp_path / "kantor.PDF")
    reader = PdfReader(pdf)
    assert len(reader.pages) == 1
    assert "Cakupan per bulan: KC Yogyakarta" in reader.pages[0].extract_text()
    page = progress_charts.small_multiples(area_result, report, regency="Kulon Progo")
    multiples = progress_charts.write_figure(page, tmp_path / "bulanan.pdf")
    assert "Des 2024" in PdfReader(multiples).pages[0].extract_text()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bulanan.pdf", "kantor.PDF",
                                                          "kantor.png"]


def test_write_refuses_other_formats_and_unwritable_places(chart: Figure, tmp_path: Path):
    with pytest.raises(InputError, match=r"\.png or \.pdf"):
        progress_charts.write_figure(chart, tmp_path / "kantor.jpg")
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(OutputError, match="cannot write the chart"):
        progress_charts.write_figure(chart, blocker / "kantor.png")
    assert [p.name for p in tmp_path.iterdir()] == ["file"]


def test_the_analysis_report_is_projected_to_its_target_month(area_result):
    report = analysed_report(area_result)  # until: December of the latest month's year
    figure = progress_charts.office_progress_chart(report, "KC-YGY")
    assert list(line(figure, "projection").get_xdata()) == [9, 11]  # Oct to Dec 2024
    assert list(line(figure, "target").get_ydata()) == [40.0, 40.0]
