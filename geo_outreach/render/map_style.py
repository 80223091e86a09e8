"""
How the map looks: the colour classes around the target, the legend and the title box.

The classes are colour-blind safe (PuOr) and centred on the target.
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING, Any, Final

import numpy as np
import pandas as pd

from geo_outreach.i18n import format_km, format_percent, t
from geo_outreach.render.map_data import MapData, is_truthy, map_text

if TYPE_CHECKING:
    import folium

    from geo_outreach.analysis.result import AnalysisResult
    from geo_outreach.config import Language

# --- styling ----------------------------------------------------------------------
CLASS_BREAKS: Final = (0.5, 0.75, 1.0, 1.25)
"""Class limits as multiples of the target: below half the target, ..., 125 % and above."""

CLASS_COLOURS: Final = ("#b35806", "#f1a340", "#fee0b6", "#998ec3", "#542788")
"""ColorBrewer PuOr (colour-blind safe): orange below the target, purple at or above it."""

NO_DATA_COLOUR: Final = "#bdbdbd"
BACKGROUND_COLOUR: Final = "#f2f0eb"
RING_COLOUR: Final = "#01665e"
OFFICE_COLOUR: Final = "#01665e"
DISTRICT_COLOUR: Final = "#6b6b6b"
REGENCY_COLOUR: Final = "#252525"

_EN_DASH: Final = "\N{EN DASH}"


def coverage_classes(villages: pd.DataFrame, target: float) -> np.ndarray:
    """Class 0-4 of each village's coverage relative to the target; -1 for no data."""
    coverage = pd.to_numeric(villages.get("coverage"), errors="coerce").to_numpy(float)
    has_data = villages["has_data"] if "has_data" in villages.columns else [True] * len(coverage)
    valid = np.isfinite(coverage) & np.array([is_truthy(flag) for flag in has_data], dtype=bool)
    ratio = np.where(valid, coverage, 0.0) / target
    return np.where(valid, np.searchsorted(CLASS_BREAKS, ratio, side="right"), -1)


def village_style(feature: dict[str, Any]) -> dict[str, Any]:
    """Fill colour by class; grey for no data."""
    klass = feature["properties"]["k"]
    colour = CLASS_COLOURS[klass] if klass >= 0 else NO_DATA_COLOUR
    return {"fillColor": colour, "fillOpacity": 0.85, "color": "#ffffff", "weight": 0.5,
            "opacity": 0.9}


HEX_BREAKS: Final = (25, 50, 100)
"""Uncovered households in a cell: 10–24, 25–49, 50–99, 100 and more (below 10: "<10")."""
HEX_COLOURS: Final = ("#a1dab4", "#41b6c4", "#2c7fb8", "#253494")
SUPPRESSED_COLOUR: Final = "#969696"


def hex_style(feature: dict[str, Any]) -> dict[str, Any]:
    """Style an H3 cell by the colour its properties carry."""
    return {"fillColor": feature["properties"]["c"], "color": "#ffffff", "weight": 0.4,
            "fillOpacity": 0.6}


# --- title and legend -------------------------------------------------------------
BOX_STYLE: Final = ("background:rgba(255,255,255,0.94);padding:8px 10px;border-radius:4px;"
                    "box-shadow:0 1px 4px rgba(0,0,0,0.35);font:12px/1.45 sans-serif;"
                    "color:#222;")
DEMO_STYLE: Final = ("display:inline-block;margin-top:4px;padding:2px 6px;background:#b2182b;"
                     "color:#fff;font-weight:bold;border-radius:3px;")
FOLD_BUTTON_STYLE: Final = ("flex:none;width:22px;height:22px;margin:-2px -4px 0 0;padding:0;"
                            "border:1px solid #8c8c8c;border-radius:3px;background:#fff;"
                            "color:#222;font:bold 15px/18px sans-serif;cursor:pointer;")
LEGEND_BODY_STYLE: Final = "max-height:60vh;overflow-y:auto;"
"""The legend scrolls rather than covering a short map."""


def title_html(result: AnalysisResult, data: MapData, lang: Language) -> str:
    """Write the title box: what the map shows, where, with which target and radius."""
    region = data.region or t("app.region_all", lang)
    facts = " · ".join((
        t("map.region", lang, region=region),
        t("note.target", lang, target=percent_label(result.params.target, lang)),
        t("note.radius", lang, radius=format_km(result.params.radius_km, lang)),
    ))
    parts = [f'<div style="font-size:15px;font-weight:bold">{map_text(t("app.title", lang))}</div>',
             f"<div>{map_text(facts)}</div>"]
    if result.is_demo:
        parts.append(f'<div style="{DEMO_STYLE}">{map_text(t("demo.banner", lang))}</div>')
    return f'<div style="{BOX_STYLE}max-width:460px">{"".join(parts)}</div>'


def legend_html(result: AnalysisResult, data: MapData, lang: Language) -> str:
    """
    Write the legend: classes with counts, no data, rings, formula, target and DEMO.

    Its first line (the title) carries a :func:`fold_button`; the rest folds away.
    """
    target = result.params.target
    denominator = t(f"denominator.{result.params.denominator}", lang)
    counts = np.bincount(coverage_classes(data.villages, target) + 1,
                         minlength=len(CLASS_COLOURS) + 1)
    rows = [_swatch_row(CLASS_COLOURS[index], label, counts[index + 1])
            for index, label in reversed(list(enumerate(class_labels(target, lang))))]
    rows.append(_swatch_row(NO_DATA_COLOUR, t("map.legend.no_data", lang), counts[0]))
    radius = format_km(result.params.radius_km, lang)
    rows.append(_ring_row(t("map.legend.ring", lang, radius=radius), dashed=False))
    approximate = [is_truthy(value) for value in data.offices.get("approximate", [])]
    if any(approximate):
        rows.append(_ring_row(t("map.legend.ring_approximate", lang, radius=radius),
                              dashed=True))
        rows.append(f'<div style="max-width:250px;font-style:italic">'
                    f'{map_text(t("note.approximate", lang))}</div>')
    if result.household_cells is not None:
        rows.append(_hex_legend(result, lang))
    target_text = t("note.target", lang, target=percent_label(target, lang))
    title = map_text(t("map.legend.title", lang))
    head = ('<div style="display:flex;align-items:flex-start;gap:8px">'
            f'<div style="flex:1;font-weight:bold;font-size:13px">{title}</div>'
            f'{fold_button(t("map.legend.hide", lang), t("map.legend.show", lang))}</div>')
    facts = [f"<div>{map_text(t('note.coverage_formula', lang, denominator=denominator))}</div>",
             f"<div>{map_text(target_text)}</div>"]
    tail = ([f'<div style="{DEMO_STYLE}">{map_text(t("demo.banner", lang))}</div>']
            if result.is_demo else [])
    if result.households_demo:
        tail.append(f'<div style="{DEMO_STYLE}">{map_text(t("demo.households", lang))}</div>')
    body = ("".join(facts) + '<div style="margin-top:4px">' + "".join(rows) + "</div>"
            + "".join(tail))
    return (f'<div style="{BOX_STYLE}max-width:280px">{head}'
            f'<div data-go-fold-body style="{LEGEND_BODY_STYLE}">{body}</div></div>')


def fold_button(hide: str, show: str) -> str:
    """
    Write the small button that folds a map box (legend) to its first line and back.

    Parameters
    ----------
    hide, show
        What the button says (tooltip and screen readers) while the box is open, and
        while it is folded.

    Returns
    -------
    str
        A ``<button data-go-fold>`` showing "−" (open) or "+" (folded); the
        :class:`geo_outreach.render.maps.CornerControl` that holds it hides and shows the
        box's element marked ``data-go-fold-body``. It works without the network.
    """
    return ('<button type="button" data-go-fold aria-expanded="true" '
            f'aria-label="{map_text(hide)}" title="{map_text(hide)}" '
            f'data-hide="{map_text(hide)}" data-show="{map_text(show)}" '
            f'style="{FOLD_BUTTON_STYLE}">\N{MINUS SIGN}</button>')


def _hex_legend(result: AnalysisResult, lang: Language) -> str:
    """Write the hotspot rows: uncovered households per cell, and the suppressed class."""
    k = int(result.household_summary["min_cell_households"]) if result.household_summary else 10
    bounds = [k, *HEX_BREAKS]
    labels = [f"{low}{_EN_DASH}{high - 1}" for low, high in itertools.pairwise(bounds)]
    labels.append(f"≥ {HEX_BREAKS[-1]}")
    swatches = "".join(
        f'<div style="white-space:nowrap"><span style="display:inline-block;width:14px;'
        f'height:12px;background:{colour};margin-right:6px;vertical-align:middle"></span>'
        f"{map_text(label)}</div>" for colour, label in zip(HEX_COLOURS, labels, strict=True))
    hidden = (f'<div style="white-space:nowrap"><span style="display:inline-block;width:14px;'
              f'height:12px;background:{SUPPRESSED_COLOUR};margin-right:6px;'
              f'vertical-align:middle"></span>{map_text(t("map.hex.suppressed", lang, k=k))}'
              "</div>")
    title = map_text(t("map.layer.hexes", lang))
    off = (f'<div style="font-style:italic;color:#555">{map_text(t("map.legend.layer_off", lang))}'
           "</div>")
    return (f'<div style="margin-top:6px;max-width:250px"><b>{title}</b>{off}{swatches}{hidden}'
            "</div>")


def class_labels(target: float, lang: Language) -> list[str]:
    """Each class as coverage in percent, then relative to the target: ``"< 20% (...)"``."""
    limits = [None, *CLASS_BREAKS, None]
    labels = []
    for low, high in itertools.pairwise(limits):
        coverage = _range_label(low and low * target, high and high * target, lang)
        share = _range_label(low, high, lang)
        labels.append(f"{coverage} ({t('map.legend.of_target', lang, share=share)})")
    return labels


def _range_label(low: float | None, high: float | None, lang: Language) -> str:
    """Write a class's limits: ``"< 20%"``, ``"20-30%"`` (with an en dash) or ``"≥ 50%"``."""
    if low is None:
        return f"< {percent_label(high or 0.0, lang)}"
    if high is None:
        return f"≥ {percent_label(low, lang)}"
    return f"{percent_label(low, lang).removesuffix('%')}{_EN_DASH}{percent_label(high, lang)}"


def percent_label(fraction: float, lang: Language) -> str:
    """Write a percentage without needless decimals: 0.4 → ``"40%"``, 0.325 → ``"32,5%"``."""
    whole = round(fraction * 100, 1) == round(fraction * 100)
    return format_percent(fraction, lang, decimals=0 if whole else 1)


def _swatch_row(colour: str, label: str, count: int) -> str:
    """Write a legend row: a colour square, the label and how many villages it has."""
    swatch = (f'<span style="display:inline-block;width:14px;height:12px;background:{colour};'
              'border:1px solid #888;margin-right:6px;vertical-align:middle"></span>')
    return (f'<div style="white-space:nowrap">{swatch}{map_text(label)} '
            f'<span style="color:#666">({int(count)})</span></div>')


def _ring_row(label: str, *, dashed: bool) -> str:
    """Write a legend row for a radius ring, solid or dashed."""
    line = (f'<span style="display:inline-block;width:16px;height:0;border-top:2px '
            f'{"dashed" if dashed else "solid"} {RING_COLOUR};margin-right:5px;'
            'vertical-align:middle"></span>')
    return f'<div style="white-space:nowrap">{line}{map_text(label)}</div>'


def numbered_marker(group: folium.FeatureGroup, location: tuple[float, float], number: int,
                    *, colour: str, radius_px: int, tooltip: str, class_name: str) -> None:
    """
    Add a filled circle with a white number inside (a rank, a day) to a layer.

    Parameters
    ----------
    group
        The folium layer.
    location
        ``(lat, lon)``.
    number
        What the circle shows.
    colour, radius_px
        Its fill and radius.
    tooltip
        HTML for the circle's tooltip (escaped by the caller).
    class_name
        The label's CSS class (tests find the markers by it).
    """
    import folium  # noqa: PLC0415 - this module styles without loading folium

    size = 2 * radius_px
    folium.CircleMarker(location=location, radius=radius_px, color="#ffffff", weight=2,
                        fill=True, fill_color=colour, fill_opacity=1.0,
                        tooltip=folium.Tooltip(tooltip, sticky=True)).add_to(group)
    folium.Marker(
        location=location, interactive=False,
        icon=folium.DivIcon(
            html=(f'<div style="width:{size}px;height:{size}px;font:bold 12px sans-serif;'
                  f'line-height:{size}px;text-align:center;color:#ffffff">{number}</div>'),
            icon_size=(size, size), icon_anchor=(radius_px, radius_px),
            class_name=class_name)).add_to(group)
