"""
Coverage by month on the map: a month slider over the villages, and a trend layer.

:func:`progress_map` draws the coverage map (:func:`geo_outreach.render.maps.coverage_map`)
and adds what a progress report knows:

- a **month slider**, a small Leaflet control: moving it recolours the villages with that
  month's coverage, in the coverage map's classes around the target ("tanpa data" grey
  where a village has no row that month), and puts the month's figures into the
  tooltips and the legend's counts. The figures are written into the page once, as
  compact JSON: one class character per month, coverage to 4 decimals;
- a **trend layer** in the layer control (off when the map opens): improving, flat or
  declining per village, with a legend that states the thresholds.

:func:`add_progress` adds both to any map with a village layer; the shared maps use it too
(:func:`geo_outreach.render.share.share_map`). The script is written here, inline, and needs
nothing but Leaflet, so the map works offline and in the app (streamlit-folium).

Privacy: the months pass the gate the village table passes. A village whose counts
:func:`geo_outreach.privacy.shareable` hides (fewer than k households inside the radius)
shows only its colour class each month: never its participants, coverage percentage,
change or pace. So does a village in a month in which it has 1 to k-1 participants, and
the change into the month after it. Every text is HTML-escaped.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

import folium
import numpy as np
from folium.map import Layer
from folium.template import Template

from geo_outreach.i18n import MISSING_VALUE, format_number, t
from geo_outreach.render.map_assets import all_elements
from geo_outreach.render.map_data import is_missing, map_text, select_regency, shareable_map_data
from geo_outreach.render.map_style import (
    BOX_STYLE,
    CLASS_COLOURS,
    NO_DATA_COLOUR,
    class_labels,
    village_style,
)
from geo_outreach.render.maps import CornerControl, coverage_map
from geo_outreach.render.progress_data import (
    TRENDS,
    describe_month,
    month_index,
    month_label,
    pace_hidden,
    points_text,
    signed,
    village_series,
    village_trends,
)
from geo_outreach.render.progress_script import MONTH_SCRIPT, TREND_SCRIPT
from geo_outreach.render.share_layers import suppression_k

if TYPE_CHECKING:
    from collections.abc import Sequence

    import pandas as pd

    from geo_outreach.analysis.progress import ProgressReport
    from geo_outreach.analysis.result import AnalysisResult
    from geo_outreach.config import Language

TREND_COLOURS: Final = ("#2166ac", "#f7f7f7", "#b2182b")
"""Blue, near white, red (ColorBrewer RdBu, colour-blind safe); villages without a trend
are "tanpa data" grey."""

TREND_STYLE: Final = {"color": "#737373", "weight": 0.6, "opacity": 0.9, "fillOpacity": 1.0}
"""Opaque: the trend covers the month's colours while its layer is on."""

class MonthSlider(folium.MacroElement):
    """
    The month slider: recolours ``villages`` and rewrites their tooltips for each month.

    ``data`` is the page's month data (see :func:`month_data`); the script is
    :data:`geo_outreach.render.progress_script.MONTH_SCRIPT`.
    """

    _template = Template("""
        {% macro script(this, kwargs) %}
        ({{ this.code }})({{ this._parent.get_name() }}, {{ this.villages.get_name() }},
            /* go-progress-months */ {{ this.data|tojson }});
        {% endmacro %}
    """)

    def __init__(self, villages: folium.GeoJson, data: dict[str, Any]) -> None:
        super().__init__()
        self._name = "MonthSlider"
        self.villages = villages
        self.data = data
        self.code = MONTH_SCRIPT


class TrendLayer(Layer):
    """
    The villages coloured by their trend: an overlay of the layer control, off at first.

    It draws the village layer's own shapes again (the page holds them once) and shows the
    trend legend (the element of class ``go-trend-legend``) while it is on.
    """

    _template = Template("""
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.featureGroup();
        ({{ this.code }})({{ this.get_name() }}, {{ this.villages.get_name() }},
            {{ this._parent.get_name() }}, /* go-progress-trend */ {{ this.data|tojson }});
        {% endmacro %}
    """)

    def __init__(self, villages: folium.GeoJson, data: dict[str, Any], *, name: str) -> None:
        super().__init__(name=name, overlay=True, control=True, show=False)
        self._name = "TrendLayer"
        self.villages = villages
        self.data = data
        self.code = TREND_SCRIPT


# --- public API -------------------------------------------------------------------
def progress_map(
    result: AnalysisResult,
    report: ProgressReport,
    *,
    lang: Language = "id",
    regency: str | None = None,
    month: str | None = None,
    inline_assets: bool = True,
    asset_base_url: str | None = None,
) -> folium.Map:
    """
    Draw coverage by month: the coverage map with a month slider and a trend layer.

    Parameters
    ----------
    result
        The analysis whose villages (and offices, borders, radii) are drawn.
    report
        The progress report: village rows of ``report.monthly`` give each month's
        coverage, ``report.level("village")`` each village's trend.
    lang
        ``"id"`` (Bahasa Indonesia) or ``"en"``.
    regency
        Show only this kabupaten/kota (name or code); None shows all of DIY.
    month
        The month shown when the map opens, ``"YYYY-MM"``; the latest when None.
    inline_assets, asset_base_url
        As for :func:`~geo_outreach.render.maps.coverage_map`: Leaflet written into the
        page, or loaded from the app's static folder.

    Returns
    -------
    folium.Map
        The coverage map (:func:`~geo_outreach.render.maps.coverage_map`) whose villages
        show the chosen month, with the slider, tooltips and legend counts that follow it,
        and the trend overlay with its legend. Small counts are hidden as described in
        the module.

    Raises
    ------
    InputError
        When ``regency`` names no kabupaten/kota of the result, or ``month`` is not a
        month of the report.
    """
    index = month_index(report, month)
    fmap = coverage_map(result, regency=regency, lang=lang, inline_assets=inline_assets,
                        asset_base_url=asset_base_url)
    villages = shareable_map_data(select_regency(result, regency), result).villages
    add_progress(fmap, village_layer(fmap, lang), villages, report, lang=lang,
                 target=result.params.target, k=suppression_k(result), index=index)
    return fmap


def add_progress(fmap: folium.Map, layer: folium.GeoJson, villages: pd.DataFrame,
                 report: ProgressReport, *, lang: Language, target: float, k: int,
                 index: int | None = None) -> None:
    """
    Add the month slider, the trend layer and its legend to a map with a village layer.

    Parameters
    ----------
    fmap
        The map; the new parts go before its layer control, if it has one already.
    layer
        Its village choropleth (:func:`geo_outreach.render.map_layers.choropleth_layer`):
        each feature's ``code`` property names the village; its tooltip is given the
        month's fields.
    villages
        The villages drawn (with ``code``); passed through
        :func:`geo_outreach.privacy.shareable` to tell whose counts are hidden.
    report
        The progress report.
    lang
        ``"id"`` or ``"en"``.
    target
        The coverage target the classes are relative to (the legend's).
    k
        The suppression threshold.
    index
        The position in ``report.months`` of the month shown first; the latest when None.
    """
    index = month_index(report, None) if index is None else index
    series = village_series(report, villages, target=target, k=k)
    trends = village_trends(report, villages)
    months = [month_label(month, lang) for month in report.months]
    data = month_data(layer, series, months, index, lang=lang, target=target, k=k)
    trend_ids = _set_properties(layer, series, trends, data, lang=lang,
                                months=int(report.settings.pace_months))
    parts = [
        CornerControl(trend_legend_html(report, lang, trend_ids), position="bottomright",
                      css_class="go-trend-legend"),
        MonthSlider(layer, data),
        TrendLayer(layer, _trend_data(trend_ids, lang, months=int(report.settings.pace_months)),
                   name=t("progress_map.layer.trend", lang,
                          months=int(report.settings.pace_months))),
    ]
    _insert_before_layer_control(fmap, parts)


def village_layer(fmap: folium.Map, lang: Language) -> folium.GeoJson:
    """Return the coverage map's village layer (named ``map.layer.villages``)."""
    name = t("map.layer.villages", lang)
    for element in all_elements(fmap):
        if isinstance(element, folium.GeoJson) and element.layer_name == name:
            return element
    raise ValueError(f"the map has no layer {name!r} to add the months to")


# --- month data -------------------------------------------------------------------
def month_data(layer: folium.GeoJson, series: dict[str, list[Any]], months: Sequence[str],
               index: int, *, lang: Language, target: float, k: int) -> dict[str, Any]:
    """
    Write the month slider's data: only the villages of ``layer``, by feature id.

    Keys: ``m`` the months' names, ``i`` the month shown first, ``v`` feature id → the
    village's series (:func:`village_series`), ``c`` the class colours and ``n`` the
    no-data colour, ``s`` the village style, ``h`` the control's HTML, ``x`` the texts
    (escaped) and the number separators.
    """
    by_code = {map_text(code): row for code, row in series.items()}
    values = {}
    for feature in layer.data["features"]:
        row = by_code.get(feature["properties"].get("code"))
        if row is not None:
            values[str(feature["id"])] = row
    sample = format_number(1234.5, lang, decimals=1)
    texts = {"no": map_text(t("map.legend.no_data", lang)), "na": MISSING_VALUE,
             "hid": map_text(t("share.suppressed", lang, k=k)),
             "cl": [map_text(label) for label in class_labels(target, lang)],
             "th": sample[1], "dec": sample[-2]}
    escaped = [map_text(month) for month in months]
    return {"m": escaped, "i": int(index), "v": values, "c": list(CLASS_COLOURS),
            "n": NO_DATA_COLOUR, "s": village_style({"properties": {"k": -1}}),
            "h": _slider_html(escaped, int(index), lang), "x": texts}


def _set_properties(layer: folium.GeoJson, series: dict[str, list[Any]],
                    trends: dict[str, tuple[int, float]], data: dict[str, Any], *,
                    lang: Language, months: int) -> dict[str, int]:
    """
    Put the first month's figures and the trend into the features; give the tooltip them.

    The analysis' denominator, gap and uncovered workers leave the tooltip (they belong to
    one month, the analysis'). Returns feature id → trend class.
    """
    by_code = {map_text(code): code for code in series.keys() | trends.keys()}
    hidden_codes = {code for code, row in series.items() if pace_hidden(row, months)}
    trend_ids = {}
    for feature in layer.data["features"]:
        properties = feature["properties"]
        code = by_code.get(properties.get("code"), "")
        klass, pace = trends.get(code, (-1, float("nan")))
        trend_ids[str(feature["id"])] = klass
        properties["month"] = data["m"][data["i"]]
        properties.update(describe_month(series.get(code), data["i"], data["x"], lang))
        properties["trend"] = _trend_text(klass, pace, lang, hidden=code in hidden_codes)
        for gone in ("denominator", "gap", "uncovered"):
            properties.pop(gone, None)
    _month_tooltip(layer, lang, months)
    return trend_ids


def _month_tooltip(layer: folium.GeoJson, lang: Language, months: int) -> None:
    """Show the month, its figures and the trend in the village tooltip."""
    tooltip = next(element for element in all_elements(layer)
                   if isinstance(element, folium.GeoJsonTooltip))
    aliases = dict(zip(tooltip.fields, tooltip.aliases, strict=True))
    added = {"month": t("progress_map.tooltip.month", lang),
             "coverage": aliases.get("coverage", t("col.coverage", lang)),
             "participants": aliases.get("participants", t("col.participants", lang)),
             "change": t("progress_map.tooltip.change", lang),
             "trend": t("progress_map.tooltip.trend", lang, months=months)}
    head = [field for field in ("name", "district", "regency", "code") if field in aliases]
    tail = [field for field in tooltip.fields
            if field not in (*head, *added, "denominator", "gap", "uncovered")]
    fields = [*head, *added, *tail]
    tooltip.fields = fields
    tooltip.aliases = [aliases[field] if field in aliases and field not in added
                       else map_text(added[field]) for field in fields]


def _trend_text(klass: int, pace: float, lang: Language, *, hidden: bool) -> str:
    """Write a village's trend for its tooltip: ``"naik (+0,3 poin/bulan)"``, escaped."""
    name = TRENDS[klass] if klass >= 0 else "none"
    text = t(f"progress_map.trend.short.{name}", lang)
    if klass >= 0 and not hidden and not is_missing(pace) and np.isfinite(pace):
        text += f" ({t('progress_map.pace', lang, pace=signed(pace, lang, decimals=2))})"
    return map_text(text)


def _trend_data(trend_ids: dict[str, int], lang: Language, *, months: int) -> dict[str, Any]:
    """Write the trend layer's data: feature id → class, colours, style, tooltip label."""
    return {"t": {fid: klass for fid, klass in trend_ids.items() if klass >= 0},
            "c": list(TREND_COLOURS), "n": NO_DATA_COLOUR, "s": dict(TREND_STYLE),
            "label": map_text(t("progress_map.tooltip.trend", lang, months=months))}


# --- page parts -------------------------------------------------------------------
def trend_legend_html(report: ProgressReport, lang: Language,
                      trend_ids: dict[str, int] | None = None) -> str:
    """
    Write the trend legend: each class with its threshold, and how many villages it has.

    Parameters
    ----------
    report
        The progress report (its ``settings.trend_threshold_pp`` and ``pace_months``).
    lang
        ``"id"`` or ``"en"``.
    trend_ids
        Feature id → trend class (-1 without a trend), for the counts; none shown when None.

    Returns
    -------
    str
        Escaped HTML, e.g. "naik: > +0,1 poin/bulan selama 3 bulan terakhir".
    """
    threshold = points_text(report.settings.trend_threshold_pp, lang)
    months = int(report.settings.pace_months)
    counts = (np.bincount(np.asarray(list(trend_ids.values()), dtype=int) + 1,
                          minlength=len(TRENDS) + 1) if trend_ids is not None else None)
    rows = [_legend_row(colour, t(f"progress_map.trend.{name}", lang, threshold=threshold,
                                  months=months), None if counts is None else counts[i + 1])
            for i, (name, colour) in enumerate(zip(TRENDS, TREND_COLOURS, strict=True))]
    rows.append(_legend_row(NO_DATA_COLOUR, t("progress_map.trend.none", lang),
                            None if counts is None else counts[0]))
    title = map_text(t("progress_map.trend.title", lang))
    note = map_text(t("progress_map.trend.unit", lang))
    return (f'<div style="{BOX_STYLE}max-width:300px">'
            f'<div style="font-weight:bold;font-size:13px">{title}</div>{"".join(rows)}'
            f'<div style="color:#555;font-style:italic">{note}</div></div>')


def _legend_row(colour: str, label: str, count: int | None) -> str:
    """Write a legend row: a colour square, the label and, if given, a count."""
    swatch = (f'<span style="display:inline-block;width:14px;height:12px;background:{colour};'
              'border:1px solid #888;margin-right:6px;vertical-align:middle"></span>')
    tail = "" if count is None else f' <span style="color:#666">({int(count)})</span>'
    return f"<div>{swatch}{map_text(label)}{tail}</div>"


def _slider_html(months: Sequence[str], index: int, lang: Language) -> str:
    """Write the slider's box: title with the month, the range input, the months covered."""
    title = map_text(t("progress_map.slider.title", lang))
    label = map_text(t("progress_map.slider.label", lang))
    span = map_text(t("progress_map.slider.range", lang, first=months[0], last=months[-1],
                      count=len(months)))
    return (f'<div style="{BOX_STYLE}min-width:220px">'
            f'<div style="font-weight:bold;font-size:13px">{title}: '
            f"<span data-go-month>{months[index]}</span></div>"
            f'<input type="range" min="0" max="{len(months) - 1}" step="1" value="{index}" '
            f'aria-label="{label}" aria-valuetext="{months[index]}" '
            'style="width:100%;margin:6px 0 2px;cursor:pointer">'
            f'<div style="color:#555;font-size:11px">{span}</div></div>')


def _insert_before_layer_control(fmap: folium.Map, parts: Sequence[folium.MacroElement]) -> None:
    """Add elements to the map before its layer control (whose script lists the layers)."""
    children = list(fmap._children.values())  # noqa: SLF001 - branca has no public accessor
    position = next((i for i, child in enumerate(children)
                     if isinstance(child, folium.LayerControl)), len(children))
    for offset, part in enumerate(parts):
        fmap.add_child(part, index=position + offset)
