"""
The shared map of one kabupaten/kota as a picture (PNG) or a printable page (PDF).

Drawn with matplotlib from the same clipped, simplified and private layers as the HTML
file (:func:`geo_outreach.render.share_layers.share_layers`), in the run's metric CRS so the
scale bar is true, and with no tile service: the background is the boundary lines and place names.
A landscape A4 page: the map on the left; title, date and DEMO labels above; legend and
notes on the right; data sources and method below.
"""

from __future__ import annotations

import io
import itertools
import textwrap
from pathlib import Path
from typing import TYPE_CHECKING, Final, Literal

import numpy as np
from matplotlib import rc_context
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.patheffects import withStroke
from matplotlib.text import Text

from geo_outreach import __version__
from geo_outreach._errors import InputError, OutputError, Problem
from geo_outreach.atomic import atomic_write
from geo_outreach.i18n import format_km, format_number, t
from geo_outreach.render.map_style import (
    BACKGROUND_COLOUR,
    CLASS_COLOURS,
    DISTRICT_COLOUR,
    HEX_BREAKS,
    HEX_COLOURS,
    NO_DATA_COLOUR,
    OFFICE_COLOUR,
    REGENCY_COLOUR,
    RING_COLOUR,
    SUPPRESSED_COLOUR,
    class_labels,
    coverage_classes,
    percent_label,
)
from geo_outreach.render.share_layers import ShareLayers, share_layers
from geo_outreach.render.share_text import format_date, sources_and_method, today

if TYPE_CHECKING:
    from datetime import date

    import geopandas as gpd
    from matplotlib.axes import Axes

    from geo_outreach.analysis.result import AnalysisResult
    from geo_outreach.config import Language

ImageFormat = Literal["png", "pdf"]

FORMATS: Final[tuple[ImageFormat, ...]] = ("png", "pdf")
"""What :func:`write_static_map` can write, chosen by the file's suffix."""

PAGE_INCHES: Final = (11.69, 8.27)
"""A4 landscape."""

DEFAULT_DPI: Final = 200

_DEMO_RED: Final = "#b2182b"
_HALO: Final = [withStroke(linewidth=2.5, foreground="white")]
_EN_DASH: Final = "\N{EN DASH}"


def static_map_figure(
    result: AnalysisResult,
    regency: str,
    *,
    lang: Language = "id",
    created: date | None = None,
    layers: ShareLayers | None = None,
) -> Figure:
    """
    Draw the shared map of one kabupaten/kota as a matplotlib figure.

    Parameters
    ----------
    result
        An analysis result.
    regency
        The kabupaten/kota (name or code, see
        :func:`geo_outreach.render.share_layers.share_layers`).
    lang
        ``"id"`` (Bahasa Indonesia) or ``"en"``.
    created
        The date printed on the map; today in DIY (WIB) when None.
    layers
        Layers already made by :func:`~geo_outreach.render.share_layers.share_layers` for this
        result and kabupaten/kota (made here when None).

    Returns
    -------
    Figure
        An A4 landscape figure (not registered with pyplot: nothing global is kept).

    Raises
    ------
    InputError
        When ``regency`` names no single kabupaten/kota of the result.
    """
    layers = layers or share_layers(result, regency)
    crs = layers.metric_crs
    figure = Figure(figsize=PAGE_INCHES, facecolor="white")
    ax = figure.add_axes((0.015, 0.13, 0.64, 0.74))
    ax.set_facecolor(BACKGROUND_COLOUR)
    _draw_layers(ax, result, layers, crs, lang)
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_xlabel("")
    ax.set_ylabel("")
    _scale_bar(ax)
    _north_arrow(ax, lang)
    _header(figure, result, layers, lang, created)
    _legend(figure, result, layers, lang)
    _footer(figure, result, lang)
    for text in figure.findobj(Text):  # names from the user's files are text, never maths
        text.set_parse_math(False)
    return figure


def static_map_bytes(
    result: AnalysisResult,
    regency: str,
    image_format: ImageFormat,
    *,
    lang: Language = "id",
    created: date | None = None,
    dpi: int = DEFAULT_DPI,
) -> bytes:
    """
    Render the shared map as PNG or PDF bytes (e.g. for a download button).

    Parameters
    ----------
    result, regency, lang, created
        As for :func:`static_map_figure`.
    image_format
        ``"png"`` or ``"pdf"``.
    dpi
        Resolution of a PNG (a PDF is vector; its dpi only affects the hexagon fills).

    Returns
    -------
    bytes
        The file's content.
    """
    layers = share_layers(result, regency)
    figure = static_map_figure(result, regency, lang=lang, created=created, layers=layers)
    buffer = io.BytesIO()
    with rc_context({"pdf.fonttype": 42}):  # real text in the PDF: searchable, copyable
        figure.savefig(buffer, format=image_format, dpi=dpi,
                       metadata=_metadata(result, layers.region, image_format))
    return buffer.getvalue()


def write_static_map(
    result: AnalysisResult,
    regency: str,
    path: str | Path,
    *,
    lang: Language = "id",
    created: date | None = None,
    dpi: int = DEFAULT_DPI,
) -> Path:
    """
    Write the shared map as a PNG or PDF file, chosen by the suffix, atomically.

    Parameters
    ----------
    result, regency, lang, created, dpi
        As for :func:`static_map_bytes`.
    path
        A ``.png`` or ``.pdf`` file; missing folders are created.

    Returns
    -------
    Path
        ``path``.

    Raises
    ------
    InputError
        When the suffix is neither ``.png`` nor ``.pdf``.
    OutputError
        When the file cannot be written.
    """
    target = Path(path)
    image_format = image_format_of(target)
    content = static_map_bytes(result, regency, image_format, lang=lang, created=created,
                               dpi=dpi)
    try:
        return atomic_write(target, lambda p: p.write_bytes(content))
    except OSError as err:
        raise OutputError(f"cannot write the map to {target}: {err.strerror or err}; "
                          "choose a folder you can write to") from err


def image_format_of(path: Path) -> ImageFormat:
    """
    Tell the image format from a file's suffix.

    Parameters
    ----------
    path
        A file name ending in ``.png`` or ``.pdf`` (any case).

    Returns
    -------
    str
        ``"png"`` or ``"pdf"``.

    Raises
    ------
    InputError
        For any other suffix.
    """
    suffix = path.suffix.lower().lstrip(".")
    for known in FORMATS:
        if suffix == known:
            return known
    raise InputError(Problem("parameters", None, "--out", path.name,
                             "a static map is written as PNG or PDF",
                             "end the file name in .png or .pdf (or .html for the "
                             "interactive map)"))


# --- layers -----------------------------------------------------------------------
def _draw_layers(ax: Axes, result: AnalysisResult, layers: ShareLayers, crs: str,
                 lang: Language) -> None:
    """Villages, hotspots, borders, rings, names and offices, bottom to top."""
    villages = layers.villages.to_crs(crs)
    classes = coverage_classes(villages, result.params.target)
    colours = [CLASS_COLOURS[k] if k >= 0 else NO_DATA_COLOUR for k in classes]
    villages.plot(ax=ax, color=colours, edgecolor="white", linewidth=0.35, zorder=1)
    if layers.cells is not None and len(layers.cells):
        cells = layers.cells.to_crs(crs)
        cells.plot(ax=ax, color=_hex_colours(cells), edgecolor="white", linewidth=0.2,
                   alpha=0.65, zorder=2)
    if layers.catchments is not None and len(layers.catchments):
        catchments = layers.catchments.to_crs(crs)
        catchments.plot(ax=ax, color=RING_COLOUR, alpha=0.12, zorder=2.5)
        catchments.boundary.plot(ax=ax, color=RING_COLOUR, linewidth=0.9,
                                 linestyle=(0, (4, 3)), zorder=2.6)
    layers.districts.to_crs(crs).boundary.plot(ax=ax, color=DISTRICT_COLOUR, linewidth=0.7,
                                               zorder=3)
    layers.outline.to_crs(crs).boundary.plot(ax=ax, color=REGENCY_COLOUR, linewidth=1.6,
                                             zorder=4)
    rings = layers.rings.to_crs(crs)
    for dashed, group in rings.groupby(rings["approximate"].astype(bool)):
        group.plot(ax=ax, color=RING_COLOUR, linewidth=1.5, linestyle="--" if dashed else "-",
                   zorder=5)
    for name, point in zip(layers.districts["name"],
                           _points(layers.districts["label_point"], crs), strict=True):
        ax.annotate(str(name), (point.x, point.y), ha="center", va="center", fontsize=7.5,
                    fontweight="bold", color="#1a1a1a", path_effects=_HALO, zorder=6)
    _offices(ax, result, layers, crs, lang)
    west, south, east, north = layers.outline.to_crs(crs).total_bounds
    pad = 0.03 * max(east - west, north - south)
    ax.set_xlim(west - pad, east + pad)
    ax.set_ylim(south - pad, north + pad)


def _offices(ax: Axes, result: AnalysisResult, layers: ShareLayers, crs: str,
             lang: Language) -> None:
    """Office markers with their names (hollow when approximate); notes for those outside."""
    offices = layers.offices.to_crs(crs)
    for row in offices.itertuples(index=False):
        approximate = bool(getattr(row, "approximate", False))
        ax.scatter([row.geometry.x], [row.geometry.y], s=55, zorder=8, linewidths=2,
                   edgecolors=OFFICE_COLOUR,
                   facecolors="white" if approximate else OFFICE_COLOUR)
        uncovered = t("map.office_label", lang,
                      uncovered=format_number(getattr(row, "uncovered_within_radius", None),
                                              lang),
                      radius=format_km(result.params.radius_km, lang))
        ax.annotate(f"{row.name}\n{uncovered}", (row.geometry.x, row.geometry.y),
                    xytext=(7, 0), textcoords="offset points", va="center", fontsize=7,
                    color="#00313a", path_effects=_HALO, zorder=9)
    outside = layers.outside.to_crs(crs)
    for row in outside.itertuples(index=False):
        text = t("share.office_outside_label", lang, office=row.name,
                 distance=format_km(row.distance_km, lang))
        ax.scatter([row.geometry.x], [row.geometry.y], s=18, marker="D", color=RING_COLOUR,
                   zorder=8)
        ax.annotate("\n".join(textwrap.wrap(text, 34)), (row.geometry.x, row.geometry.y),
                    xytext=(0, 8), textcoords="offset points", ha="center", va="bottom",
                    fontsize=6.5, style="italic", color=RING_COLOUR, path_effects=_HALO,
                    zorder=9)


def _hex_colours(cells: gpd.GeoDataFrame) -> list[str]:
    """Colour each hotspot cell by its uncovered households; grey when suppressed."""
    values = cells["uncovered_households_within_radius"]
    hidden = values.isna().to_numpy()
    classes = np.searchsorted(HEX_BREAKS, values.fillna(0).to_numpy(dtype=float), side="right")
    return [SUPPRESSED_COLOUR if gone else HEX_COLOURS[int(k)]
            for gone, k in zip(hidden, classes, strict=True)]


def _points(points: object, crs: str) -> list[object]:
    """Label points (EPSG:4326) in the metric CRS."""
    import geopandas as gpd  # noqa: PLC0415 - only for this projection

    return list(gpd.GeoSeries(list(points), crs="EPSG:4326").to_crs(crs))  # type: ignore[call-overload]


# --- furniture --------------------------------------------------------------------
def _scale_bar(ax: Axes) -> None:
    """Draw a bar of 1, 2, 5, 10 or 20 km, about a fifth of the map's width, lower left."""
    west, east = ax.get_xlim()
    south, north = ax.get_ylim()
    wanted = (east - west) / 5
    length = max((m for m in (1000, 2000, 5000, 10000, 20000, 50000) if m <= wanted),
                 default=1000)
    x0, y0 = west + 0.04 * (east - west), south + 0.04 * (north - south)
    tick = 0.008 * (north - south)
    ax.plot([x0, x0 + length], [y0, y0], color="black", linewidth=2.5, zorder=10,
            solid_capstyle="butt")
    for x in (x0, x0 + length / 2, x0 + length):
        ax.plot([x, x], [y0 - tick, y0 + tick], color="black", linewidth=1, zorder=10)
    ax.annotate(f"{length // 1000:d} km", (x0 + length / 2, y0 + 1.5 * tick), ha="center",
                va="bottom", fontsize=8, path_effects=_HALO, zorder=10)


def _north_arrow(ax: Axes, lang: Language) -> None:
    """Draw an arrow pointing north, upper right (the metric CRS's north is up)."""
    ax.annotate(t("share.north", lang), xy=(0.95, 0.96), xytext=(0.95, 0.86),
                xycoords="axes fraction", ha="center", va="center", fontsize=10,
                fontweight="bold", arrowprops={"arrowstyle": "-|>", "color": "black",
                                               "linewidth": 1.5}, zorder=10)


def _header(figure: Figure, result: AnalysisResult, layers: ShareLayers, lang: Language,
            created: date | None) -> None:
    """Title, area, target and radius, date; DEMO labels in red."""
    figure.text(0.015, 0.965, f"{t('share.title', lang)}: {layers.region}", fontsize=15,
                fontweight="bold", va="top")
    facts = " · ".join((
        t("note.target", lang, target=percent_label(result.params.target, lang)),
        t("note.radius", lang, radius=format_km(result.params.radius_km, lang)),
        t("share.created", lang, date=format_date(created or today(), lang)),
        t("share.tool", lang, version=__version__),
    ))
    figure.text(0.015, 0.925, facts, fontsize=9, va="top", color="#333333")
    x = 0.015
    for key, used in (("demo.banner", result.is_demo),
                      ("demo.households", result.households_demo)):
        if not used:
            continue
        label = figure.text(x, 0.893, t(key, lang), fontsize=8.5, va="top", color="white",
                            fontweight="bold", bbox={"boxstyle": "round,pad=0.3",
                                                     "facecolor": _DEMO_RED,
                                                     "edgecolor": _DEMO_RED})
        x += 0.012 + 0.0062 * len(label.get_text())


def _legend(figure: Figure, result: AnalysisResult, layers: ShareLayers,
            lang: Language) -> None:
    """Classes with counts, no data, rings, hotspot classes; notes on offices outside."""
    target = result.params.target
    counts = np.bincount(coverage_classes(layers.villages, target) + 1,
                         minlength=len(CLASS_COLOURS) + 1)
    handles: list[Patch | Line2D] = [
        Patch(facecolor=CLASS_COLOURS[i], edgecolor="#888888", label=f"{label} ({counts[i + 1]})")
        for i, label in reversed(list(enumerate(class_labels(target, lang))))]
    handles.append(Patch(facecolor=NO_DATA_COLOUR, edgecolor="#888888",
                         label=f"{t('map.legend.no_data', lang)} ({counts[0]})"))
    radius = format_km(result.params.radius_km, lang)
    approximate = layers.rings["approximate"].astype(bool)
    if (~approximate).any() or not len(approximate):
        handles.append(Line2D([], [], color=RING_COLOUR, linewidth=1.5,
                              label=t("map.legend.ring", lang, radius=radius)))
    if approximate.any():
        handles.append(Line2D([], [], color=RING_COLOUR, linewidth=1.5, linestyle="--",
                              label=t("map.legend.ring_approximate", lang, radius=radius)))
    if layers.catchments is not None and len(layers.catchments):
        handles.append(Patch(facecolor=(*to_rgb(RING_COLOUR), 0.12), edgecolor=RING_COLOUR,
                             linestyle="--",
                             label=t("share.layer.catchments", lang, radius=radius)))
    handles.append(Line2D([], [], color=DISTRICT_COLOUR, linewidth=0.8,
                          label=t("map.layer.districts", lang)))
    handles.append(Line2D([], [], color=REGENCY_COLOUR, linewidth=1.6,
                          label=t("map.layer.regencies", lang)))
    if layers.cells is not None:
        bounds = [layers.k, *HEX_BREAKS]
        labels = [f"{low}{_EN_DASH}{high - 1}" for low, high in itertools.pairwise(bounds)]
        labels.append(f"≥ {HEX_BREAKS[-1]}")
        labels[0] = f"{t('map.hex.uncovered', lang)}: {labels[0]}"
        handles += [Patch(facecolor=colour, alpha=0.65, label=label)
                    for colour, label in zip(HEX_COLOURS, labels, strict=True)]
        handles.append(Patch(facecolor=SUPPRESSED_COLOUR, alpha=0.65,
                             label=t("map.hex.suppressed", lang, k=layers.k)))
    denominator = t(f"denominator.{result.params.denominator}", lang)
    title = "\n".join((t("map.legend.title", lang),
                       t("note.coverage_formula", lang, denominator=denominator)))
    figure.legend(handles=handles, loc="upper left", bbox_to_anchor=(0.67, 0.87),
                  fontsize=7.5, title=title, title_fontsize=8.5, frameon=False,
                  alignment="left")
    notes = [t("share.office_outside", lang, office=row.name, region=layers.region)
             for row in layers.outside.itertuples(index=False)]
    if approximate.any():
        notes.append(t("note.approximate", lang))
    if notes:
        wrapped = "\n".join("\n".join(textwrap.wrap(note, 52)) for note in notes)
        figure.text(0.67, 0.17, wrapped, fontsize=7, va="bottom", style="italic",
                    color=RING_COLOUR)


def _footer(figure: Figure, result: AnalysisResult, lang: Language) -> None:
    """Write the data sources and method in small print under the map."""
    lines = sources_and_method(result, lang)
    text = f"{t('share.sources.title', lang)}: " + " · ".join(lines)
    figure.text(0.015, 0.115, "\n".join(textwrap.wrap(text, 190)), fontsize=6.5, va="top",
                color="#333333")


def _metadata(result: AnalysisResult, region: str,
              image_format: ImageFormat) -> dict[str, str]:
    """Write the file's metadata: title and tool (a PDF also gets matplotlib's date)."""
    title = f"{t('share.title', 'id')}: {region}"
    if result.is_demo:
        title += " (DEMO)"
    key = "Software" if image_format == "png" else "Creator"
    return {"Title": title, key: f"geo-outreach {__version__}"}
