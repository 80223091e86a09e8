"""The shared map as PNG or PDF: drawn from the bundled layers, no tiles, private."""

from __future__ import annotations

import io
import struct
from datetime import date
from typing import TYPE_CHECKING

import pypdf
import pytest
from matplotlib.text import Text

from geo_outreach._errors import InputError
from geo_outreach.render import map_data, static_map
from tests.privacy_scan import household_leaks
from tests.test_share import (
    EVIL_DISTRICT,
    EVIL_OFFICE,
    bundled_result,
    evil_result,
)

if TYPE_CHECKING:
    from pathlib import Path

    from matplotlib.figure import Figure

DAY = date(2025, 11, 25)


def texts(figure: Figure) -> str:
    """All text on the figure, wrapped lines joined by single spaces."""
    return " ".join(" ".join(t.get_text() for t in figure.findobj(Text)).split())


@pytest.fixture(scope="module")
def sleman() -> Figure:
    return static_map.static_map_figure(bundled_result(), "Sleman", created=DAY)


def test_title_date_demo_legend_sources_and_names(sleman: Figure):
    shown = texts(sleman)
    for text in ("Cakupan kepesertaan BPJS Ketenagakerjaan: Kabupaten Sleman",
                 "Dibuat 25 November 2025", "DEMO — data kepesertaan sintetis",
                 "DEMO — titik rumah tangga sintetis", "Cakupan = peserta aktif ÷ angkatan kerja",
                 "tanpa data", "radius 5 km, lokasi kantor perkiraan",
                 "Sumber data dan metode", "Dukcapil", "Depok", "5 km",
                 "KC Yogyakarta berada di luar Kabupaten Sleman"):
        assert text in shown, text


def test_map_is_in_metres_and_framed_on_the_regency(sleman: Figure):
    ax = sleman.axes[0]
    west, east = ax.get_xlim()
    south, north = ax.get_ylim()
    assert 20_000 < east - west < 60_000  # Sleman is about 35 km across, in UTM metres
    assert 20_000 < north - south < 60_000
    assert ax.get_xlabel() == ""


def test_english():
    figure = static_map.static_map_figure(bundled_result(), "Bantul", lang="en", created=DAY)
    assert "Created 25 November 2025" in texts(figure)
    assert "no data" in texts(figure)


def test_user_text_is_drawn_as_text_not_maths():
    figure = static_map.static_map_figure(evil_result(), "Sleman", created=DAY)
    shown = texts(figure)
    assert EVIL_DISTRICT in shown  # a kapanewon label
    assert EVIL_OFFICE in shown  # the outside office's note
    assert all(not t.get_parse_math() for t in figure.findobj(Text) if "$" in t.get_text())
    png = static_map.static_map_bytes(evil_result(), "Sleman", "png", created=DAY, dpi=30)
    assert png.startswith(b"\x89PNG")


def test_png_size_and_pdf_metadata(tmp_path: Path):
    png = static_map.write_static_map(bundled_result(), "Kota Yogyakarta", tmp_path / "k.png",
                                      created=DAY, dpi=50)
    header = png.read_bytes()[:24]
    assert header.startswith(b"\x89PNG")
    width, height = struct.unpack(">II", header[16:24])
    assert abs(width - 11.69 * 50) <= 1
    assert abs(height - 8.27 * 50) <= 1
    pdf = static_map.write_static_map(bundled_result(), "yogyakarta", tmp_path / "k.PDF",
                                      created=DAY)
    content = pdf.read_bytes()
    assert content.startswith(b"%PDF")
    assert rb"Kota Yogyakarta \(DEMO\)" in content  # the title, in PDF string syntax
    assert b"geo-outreach" in content
    assert sorted(p.name for p in tmp_path.iterdir()) == ["k.PDF", "k.png"]  # no temporaries


def test_unknown_suffix_is_refused(tmp_path: Path):
    with pytest.raises(InputError, match=r"\.png or \.pdf"):
        static_map.write_static_map(bundled_result(), "Sleman", tmp_path / "s.jpg")
    assert static_map.image_format_of(tmp_path / "s.PNG") == "png"


def test_without_household_points_there_are_no_hotspots():
    figure = static_map.static_map_figure(bundled_result(households=False), "Sleman",
                                          created=DAY)
    assert "Rumah tangga belum terdaftar" not in texts(figure)
    assert "DEMO — titik rumah tangga sintetis" not in texts(figure)


def test_road_catchments_are_drawn_and_credited():
    from geo_outreach.roads import networks as roads  # noqa: PLC0415 - the road stack, only here
    from geo_outreach.roads.reach import road_reach, with_road_reach  # noqa: PLC0415

    base = bundled_result()
    result = with_road_reach(base, road_reach(base, roads.bundled_network()))
    shown = texts(static_map.static_map_figure(result, "Kota Yogyakarta", created=DAY))
    assert "Jangkauan 5 km lewat jalan" in shown
    assert "OpenStreetMap contributors" in shown


def pdf_text(content: bytes) -> str:
    """The text a PDF shows, and its metadata."""
    reader = pypdf.PdfReader(io.BytesIO(content))
    pages = "\n".join(page.extract_text() for page in reader.pages)
    return f"{pages}\n{dict(reader.metadata or {})}"


def test_pdfs_hold_no_household_data(household_register):
    result, table = household_register
    for regency in map_data.regency_names(result):
        content = static_map.static_map_bytes(result, regency, "pdf", created=DAY)
        shown = pdf_text(content)
        assert "Rumah tangga" in shown  # the text was read ...
        leaks = household_leaks(shown, table) + household_leaks(
            content.decode("latin-1"), table)  # ... and the raw file too
        assert not leaks, (regency, leaks[:5])
