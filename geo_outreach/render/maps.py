"""
Folium maps of an analysis: coverage per village, office radii, context borders.

The maps work offline: Leaflet's script and stylesheet come from the ``xstatic-leaflet``
package and are written into the page, and nothing else is loaded (no jQuery, Bootstrap
or font icons; offices are circle markers, popups are tooltips). An OpenStreetMap layer
is offered but off by default, so the map reads well without tiles: the borders are
drawn on a light background.

Every text that comes from the user's files (village and office names, notes) is
HTML-escaped before it reaches the page.
"""

from __future__ import annotations

import base64
import dataclasses
import functools
import itertools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import folium
import numpy as np
import pandas as pd
import shapely
from branca.element import Element, MacroElement
from folium.elements import JSCSSMixin
from folium.template import Template

from geo_outreach._errors import InputError, OutputError, Problem
from geo_outreach.escape import escape_html
from geo_outreach.i18n import (
    MISSING_VALUE,
    column_labels,
    format_gap,
    format_km,
    format_number,
    format_percent,
    has_label,
    t,
)
from geo_outreach.privacy import shareable
from geo_outreach.publish.export import atomic_write
from geo_outreach.render.route_layers import road_catchment_layer

if TYPE_CHECKING:
    from collections.abc import Sequence

    import geopandas as gpd

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

# --- compact GeoJSON --------------------------------------------------------------
COORDINATE_DECIMALS: Final = 5
"""Decimals kept in longitude/latitude: 5 is about 1 m."""

SIMPLIFY_DEGREES: Final = 0.00003
"""Simplification tolerance for drawing, about 3 m: invisible on screen; it shrinks detailed
user boundaries (the bundled ones are already this coarse)."""

# --- offline assets ---------------------------------------------------------------
_FOLIUM_DEFAULT_ASSETS: Final = frozenset({
    "leaflet", "jquery", "bootstrap", "awesome_markers", "leaflet_css", "bootstrap_css",
    "glyphicons_css", "awesome_markers_font_css", "awesome_markers_css", "awesome_rotate_css",
})
"""Folium's default scripts and stylesheets: Leaflet is inlined, the rest is not needed."""

_EN_DASH: Final = "\N{EN DASH}"

_REGENCY_PREFIX: Final = re.compile(r"^(kabupaten|kab\.?|kotamadya|kota)\s*")

_SOURCE_MAP: Final = re.compile(r"^\s*//# sourceMappingURL=.*$|/\*# sourceMappingURL=.*?\*/",
                                re.MULTILINE)


@dataclass(frozen=True)
class _MapData:
    """The part of a result one map shows."""

    villages: gpd.GeoDataFrame
    districts: gpd.GeoDataFrame
    regencies: gpd.GeoDataFrame
    offices: gpd.GeoDataFrame
    discs: gpd.GeoDataFrame
    region: str | None


class _RawHtml(Element):
    """A piece of HTML written into the page as it is (never parsed as a template)."""

    _template = Template("{{ this.code }}")

    def __init__(self, code: str) -> None:
        super().__init__()
        self._name = "RawHtml"
        self.code = code


class _Control(MacroElement):
    """A Leaflet control (a box in a map corner) holding fixed HTML: legend or title."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function() {
            var control = L.control({position: {{ this.position|tojson }}});
            control.onAdd = function() {
                var div = L.DomUtil.create("div", {{ this.css_class|tojson }});
                div.innerHTML = {{ this.html|tojson }};
                L.DomEvent.disableClickPropagation(div);
                L.DomEvent.disableScrollPropagation(div);
                return div;
            };
            control.addTo({{ this._parent.get_name() }});
        })();
        {% endmacro %}
    """)

    def __init__(self, html_text: str, *, position: str, css_class: str) -> None:
        super().__init__()
        self._name = "Control"
        self.html = html_text
        self.position = position
        self.css_class = css_class


class _FitBounds(MacroElement):
    """Fit the map to bounds without animation (folium's FitBounds animates the first zoom)."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        {{ this._parent.get_name() }}.fitBounds({{ this.bounds|tojson }},
            {padding: [10, 10], animate: false});
        {% endmacro %}
    """)

    def __init__(self, bounds: list[list[float]]) -> None:
        super().__init__()
        self._name = "FitBounds"
        self.bounds = bounds


class _MapSetup(MacroElement):
    """Paint the map's background and credit the boundary data."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        {{ this._parent.get_name() }}.getContainer().style.background =
            {{ this.background|tojson }};
        if ({{ this._parent.get_name() }}.attributionControl) {
            {{ this._parent.get_name() }}.attributionControl.addAttribution(
                {{ this.attribution|tojson }});
        }
        {% endmacro %}
    """)

    def __init__(self, *, background: str, attribution: str) -> None:
        super().__init__()
        self._name = "MapSetup"
        self.background = background
        self.attribution = attribution


# --- public API -------------------------------------------------------------------
def coverage_map(
    result: AnalysisResult,
    *,
    regency: str | None = None,
    lang: Language = "id",
    basemap: bool = True,
    inline_assets: bool = True,
    asset_base_url: str | None = None,
    extra_layers: Sequence[folium.FeatureGroup] = (),
    focus: tuple[float, float, float, float] | None = None,
) -> folium.Map:
    """
    Draw coverage per village against the target, with the offices and their radii.

    Parameters
    ----------
    result
        An analysis result.
    regency
        Show only this kabupaten/kota: its name with or without "Kabupaten"/"Kota",
        in any case ("Sleman", "kabupaten sleman"), or its code ("34.04"). None shows
        all of them.
    lang
        ``"id"`` (Bahasa Indonesia) or ``"en"``.
    basemap
        Offer an OpenStreetMap layer in the layer control (off by default, it needs the
        internet).
    inline_assets
        Write Leaflet into the page so the map needs no network. False keeps folium's
        Leaflet links (for an app that serves Leaflet itself); jQuery, Bootstrap and the
        icon fonts are left out either way.
    extra_layers
        More layers to draw above the others, e.g. canvassing routes
        (:func:`geo_outreach.render.route_layers.route_layers`); they must need no assets of
        their own.
    focus
        Open zoomed to these bounds (west, south, east, north in degrees) instead of
        the villages shown, e.g. one office's radius.
    asset_base_url
        Load Leaflet from ``{asset_base_url}leaflet.js`` and ``leaflet.css`` instead of
        inlining it: for an app that serves them itself (e.g. ``/app/static/``).

    Returns
    -------
    folium.Map
        The choropleth (five classes relative to the target, "tanpa data" in grey) with
        a tooltip per village, the kapanewon and kabupaten borders, each office's radius
        ring and marker (approximate locations dashed and hollow), a legend, a title box
        and a layer control, fitted to the villages shown.

    Raises
    ------
    InputError
        When ``regency`` names no kabupaten/kota of the result; the message lists them.
    """
    data = _shareable(_select(result, regency), result)
    radius = format_km(result.params.radius_km, lang)
    fmap = folium.Map(location=_centre(data), tiles=None, zoom_start=10, control_scale=True,
                      zoom_control="bottomleft", font_size="0.8rem")
    if basemap:
        _add_basemap(fmap, lang)
    _village_layer(data.villages, result, lang).add_to(fmap)
    _outline_layer(data.districts, t("map.layer.districts", lang), DISTRICT_COLOUR,
                   weight=0.8).add_to(fmap)
    _outline_layer(data.regencies, t("map.layer.regencies", lang), REGENCY_COLOUR,
                   weight=2.0).add_to(fmap)
    if len(data.discs):
        _disc_layer(data.discs, t("map.layer.discs", lang, radius=radius)).add_to(fmap)
    if result.household_cells is not None:
        _hex_layer(result.household_cells, data, lang).add_to(fmap)
    if result.road_catchments is not None and len(result.road_catchments):
        road_catchment_layer(result.road_catchments, lang=lang).add_to(fmap)
    for layer in extra_layers:
        layer.add_to(fmap)
    if len(data.offices):
        _office_layer(data.offices, result, lang).add_to(fmap)
    _Control(_title_html(result, data, lang), position="topleft",
             css_class="geo-outreach-title").add_to(fmap)
    _Control(_legend_html(result, data, lang), position="bottomright",
             css_class="geo-outreach-legend").add_to(fmap)
    attribution = _escape(t("note.boundary_attribution", lang))
    if result.road_network and result.road_network.get("attribution"):
        attribution += " | " + _escape(result.road_network["attribution"])
    _MapSetup(background=BACKGROUND_COLOUR, attribution=attribution).add_to(fmap)
    folium.LayerControl(collapsed=False).add_to(fmap)
    _fit(fmap, data, focus)
    return _offline(fmap, inline=inline_assets and asset_base_url is None,
                    asset_base_url=asset_base_url)


def save_map(m: folium.Map, path: str | Path) -> Path:
    """
    Write a map as one self-contained HTML file, atomically.

    Parameters
    ----------
    m
        A map, e.g. from :func:`coverage_map`.
    path
        The HTML file to write; missing folders are created. The page is written to a
        temporary file beside it first and renamed into place, so an interrupted write
        never leaves half a file.

    Returns
    -------
    Path
        ``path``.

    Raises
    ------
    OutputError
        When the file cannot be written.
    """
    target = Path(path)
    page = m.get_root().render()
    try:
        return atomic_write(target, lambda temporary: temporary.write_text(page,
                                                                           encoding="utf-8"))
    except OSError as err:
        raise OutputError(f"cannot write the map to {target}: {err.strerror or err}; "
                          "choose a folder you can write to") from err


def regency_names(result: AnalysisResult) -> list[str]:
    """
    List the kabupaten/kota a map can be restricted to.

    Parameters
    ----------
    result
        An analysis result.

    Returns
    -------
    list[str]
        Their names as in the boundary data, e.g. ``"Kabupaten Sleman"``, in code order.
    """
    return [name for _, name in _regency_table(result)]


def resolve_regency(result: AnalysisResult, regency: str) -> str:
    """
    Find the kabupaten/kota a user meant.

    Parameters
    ----------
    result
        An analysis result.
    regency
        A name with or without "Kabupaten"/"Kab."/"Kota", in any case, or a code such
        as ``"34.04"``.

    Returns
    -------
    str
        The name as in the boundary data, e.g. ``"Kabupaten Sleman"``.

    Raises
    ------
    InputError
        When nothing, or more than one kabupaten/kota, matches; the message lists them.
    """
    table = _regency_table(result)
    wanted = _normalise(regency)
    exact = [name for code, name in table if wanted in {_normalise(name), code}]
    if len(exact) == 1:
        return exact[0]
    bare = [name for _, name in table if _bare(name) == _bare(regency)]
    if len(bare) == 1:
        return bare[0]
    valid = ", ".join(f"{name} ({code})" if code else name for code, name in table)
    raise InputError(Problem("parameters", None, "regency", regency,
                             "no single kabupaten/kota has this name or code",
                             f"use one of: {valid}"))


def leaflet_assets() -> tuple[str, str]:
    """
    Return Leaflet's script and stylesheet, ready to inline.

    Returns
    -------
    tuple[str, str]
        ``leaflet.js`` and ``leaflet.css`` from the ``xstatic-leaflet`` package (Leaflet
        1.9.3, the version folium expects); the stylesheet's images are data: URLs and
        the source-map comments are removed, so neither file refers to anything else.
        An app can also write them into its static folder.
    """
    return _leaflet_assets()


def make_offline(m: folium.Map) -> folium.Map:
    """
    Put Leaflet into the page itself and drop folium's other CDN assets.

    Parameters
    ----------
    m
        A map whose elements need nothing but Leaflet (no ``folium.Icon``, no
        ``folium.Popup``: those need jQuery, Bootstrap and icon fonts).

    Returns
    -------
    folium.Map
        ``m``, changed in place: its page loads nothing from the network.

    Raises
    ------
    ValueError
        When an element of the map needs another external script or stylesheet.
    """
    return _offline(m, inline=True)


# --- selection --------------------------------------------------------------------
def _select(result: AnalysisResult, regency: str | None) -> _MapData:
    """Keep the villages, borders and offices of one kabupaten/kota, or all."""
    if regency is None or not str(regency).strip():
        return _MapData(result.villages, result.districts, result.regencies, result.offices,
                        result.discs, None)
    name = resolve_regency(result, regency)
    code = {n: c for c, n in _regency_table(result)}.get(name)
    villages = result.villages[_in_regency(result.villages, name, code)]
    districts = result.districts
    if "regency" in districts.columns:
        districts = districts[_in_regency(districts, name, code, column="regency")]
    shown = shapely.union_all(villages.geometry.to_numpy())
    near = result.discs.geometry.intersects(shown).to_numpy()
    discs = result.discs[near]
    offices = result.offices[result.offices["office_id"].isin(discs["office_id"])]
    return _MapData(villages, districts, result.regencies, offices, discs, name)


def _shareable(data: _MapData, result: AnalysisResult) -> _MapData:
    """Hide the counts of fewer than k households in the villages and offices shown."""
    if result.household_summary is None:
        return data
    k = int(result.household_summary["min_cell_households"])  # type: ignore[call-overload]
    return dataclasses.replace(data, villages=shareable(data.villages, k),
                               offices=shareable(data.offices, k))


def _regency_table(result: AnalysisResult) -> list[tuple[str, str]]:
    """Each kabupaten/kota as ``(code, name)``; code "" when the boundary data has none."""
    table: dict[str, str] = {}
    if {"code", "name"} <= set(result.regencies.columns):
        ordered = result.regencies.sort_values("code")
        table = {str(n): str(c) for c, n in zip(ordered["code"], ordered["name"], strict=True)}
    for name in result.villages.get("regency", pd.Series(dtype=str)).dropna().unique():
        table.setdefault(str(name), "")
    return [(code, name) for name, code in table.items()]


def _in_regency(frame: pd.DataFrame, name: str, code: str | None, *,
                column: str = "regency") -> pd.Series:
    """Tell which rows lie in the kabupaten/kota, by name or by code prefix."""
    inside = frame[column].astype(str) == name if column in frame.columns else False
    if code and "code" in frame.columns:
        inside = inside | frame["code"].astype(str).str.startswith(f"{code}.")
    return pd.Series(inside, index=frame.index)


def _normalise(text: str) -> str:
    """Lower-case with single spaces: ``" Kota  Yogyakarta"`` → ``"kota yogyakarta"``."""
    return " ".join(str(text).lower().split())


def _bare(text: str) -> str:
    """Drop a leading Kabupaten/Kab./Kota: ``"Kab. Sleman"`` → ``"sleman"``."""
    normal = _normalise(text)
    bare = _REGENCY_PREFIX.sub("", normal)
    return bare or normal


# --- layers -----------------------------------------------------------------------
def _village_layer(villages: gpd.GeoDataFrame, result: AnalysisResult,
                   lang: Language) -> folium.GeoJson:
    """Build the choropleth, with one tooltip per village."""
    fields = _village_fields(result, lang)
    features = _village_properties(villages, result, lang, fields)
    collection = _feature_collection(villages.geometry, features)
    return folium.GeoJson(
        collection,
        name=t("map.layer.villages", lang),
        style_function=_village_style,
        highlight_function=lambda _feature: {"weight": 2.5, "color": "#000000"},
        tooltip=folium.GeoJsonTooltip(
            fields=list(fields), aliases=[_escape(label) for label in fields.values()],
            sticky=True, style="font-size: 12px;"),
        smooth_factor=0.5,
    )


def _village_fields(result: AnalysisResult, lang: Language) -> dict[str, str]:
    """Tooltip fields of a village and their labels."""
    radius = format_km(result.params.radius_km, lang)
    labels = column_labels(("name", "district", "regency", "code", "participants", "coverage",
                            "gap_to_target", "uncovered", "nearest_office"), lang,
                           table="villages")
    return {
        "name": labels["name"], "district": labels["district"],
        "regency": labels["regency"], "code": labels["code"],
        "denominator": t(f"denominator.{result.params.denominator}.title", lang),
        "participants": labels["participants"], "coverage": labels["coverage"],
        "gap": labels["gap_to_target"], "uncovered": labels["uncovered"],
        "share_in": t("map.share_within_radius", lang, radius=radius),
        "uncovered_in": t("map.uncovered_within_radius", lang, radius=radius),
        "office": labels["nearest_office"], "distance": t("map.distance_to_office", lang),
    }


def _village_properties(villages: gpd.GeoDataFrame, result: AnalysisResult, lang: Language,
                        fields: dict[str, str]) -> list[dict[str, Any]]:
    """Each village's class and tooltip texts, formatted for ``lang`` and HTML-escaped."""
    classes = _classes(villages, result.params.target)
    no_data = t("map.legend.no_data", lang)
    properties = []
    for row, klass in zip(villages.itertuples(index=False), classes, strict=True):
        values = {
            "name": _escape(_get(row, "name")), "district": _escape(_get(row, "district")),
            "regency": _escape(_get(row, "regency")), "code": _escape(_get(row, "code")),
            "denominator": format_number(_get(row, "denominator_value"), lang),
            "participants": format_number(_get(row, "participants"), lang),
            "coverage": format_percent(_get(row, "coverage"), lang) if klass >= 0 else no_data,
            "gap": format_gap(_get(row, "gap_to_target"), lang),
            "uncovered": format_number(_get(row, "uncovered"), lang),
            "share_in": format_percent(_get(row, "share_within_radius"), lang, decimals=0),
            "uncovered_in": _uncovered_within(row, lang),
            "office": _escape(_get(row, "nearest_office")),
            "distance": format_km(_get(row, "distance_to_office_km"), lang),
        }
        properties.append({"k": int(klass), **{key: values[key] for key in fields}})
    return properties


def _uncovered_within(row: object, lang: Language) -> str:
    """Uncovered workers inside the radius, or ``"< k rumah tangga"`` where hidden."""
    label = str(_get(row, "households_within_radius_label") or "")
    if label.startswith("<") and label[1:].isdigit():
        return _escape(t("share.suppressed", lang, k=int(label[1:])))
    return format_number(_get(row, "uncovered_within_radius"), lang)


def _classes(villages: pd.DataFrame, target: float) -> np.ndarray:
    """Class 0-4 of each village's coverage relative to the target; -1 for no data."""
    coverage = pd.to_numeric(villages.get("coverage"), errors="coerce").to_numpy(float)
    has_data = villages["has_data"] if "has_data" in villages.columns else [True] * len(coverage)
    valid = np.isfinite(coverage) & np.array([_truthy(flag) for flag in has_data], dtype=bool)
    ratio = np.where(valid, coverage, 0.0) / target
    return np.where(valid, np.searchsorted(CLASS_BREAKS, ratio, side="right"), -1)


def _village_style(feature: dict[str, Any]) -> dict[str, Any]:
    """Fill colour by class; grey for no data."""
    klass = feature["properties"]["k"]
    colour = CLASS_COLOURS[klass] if klass >= 0 else NO_DATA_COLOUR
    return {"fillColor": colour, "fillOpacity": 0.85, "color": "#ffffff", "weight": 0.5,
            "opacity": 0.9}


def _outline_layer(layer: gpd.GeoDataFrame, name: str, colour: str, *,
                   weight: float) -> folium.GeoJson:
    """Borders only, not clickable, so the villages' tooltips stay reachable."""
    collection = _feature_collection(layer.geometry, [{} for _ in range(len(layer))])
    style = {"color": colour, "weight": weight, "fill": False, "opacity": 0.9}
    return folium.GeoJson(collection, name=name, style_function=lambda _feature: style,
                          interactive=False, smooth_factor=0.5)


HEX_BREAKS: Final = (25, 50, 100)
"""Uncovered households in a cell: 10–24, 25–49, 50–99, 100 and more (below 10: "<10")."""
HEX_COLOURS: Final = ("#a1dab4", "#41b6c4", "#2c7fb8", "#253494")
SUPPRESSED_COLOUR: Final = "#969696"


def _hex_layer(cells: gpd.GeoDataFrame, data: _MapData, lang: Language) -> folium.GeoJson:
    """H3 hotspots: uncovered households inside the radius per cell, small cells as "<k"."""
    inside = cells[cells["households_within_radius_label"].astype(str) != "0"]
    if len(data.villages):
        shown = shapely.union_all(data.villages.geometry.to_numpy())
        inside = inside[inside.intersects(shown)]
    uncovered = inside["uncovered_households_within_radius"]
    suppressed = uncovered.isna().to_numpy()
    values = uncovered.fillna(0).to_numpy(dtype=float)
    classes = np.searchsorted(HEX_BREAKS, values, side="right")
    properties = [{
        "c": SUPPRESSED_COLOUR if hidden else HEX_COLOURS[int(k)],
        "households": _escape(label),
        "uncovered": _escape(label if hidden else format_number(value, lang)),
    } for hidden, k, value, label in zip(
        suppressed, classes, values, inside["households_within_radius_label"].astype(str),
        strict=True)]
    collection = _feature_collection(inside.geometry, properties, simplify=False)
    return folium.GeoJson(
        collection, name=t("map.layer.hexes", lang),
        style_function=_hex_style,
        tooltip=folium.GeoJsonTooltip(
            fields=["households", "uncovered"],
            aliases=[t("map.hex.households", lang), t("map.hex.uncovered", lang)]),
    )


def _hex_style(feature: dict[str, Any]) -> dict[str, Any]:
    return {"fillColor": feature["properties"]["c"], "color": "#ffffff", "weight": 0.4,
            "fillOpacity": 0.6}


def _disc_layer(discs: gpd.GeoDataFrame, name: str) -> folium.GeoJson:
    """Draw the analysis' radius discs as rings; dashed for approximate offices."""
    approximate = [_truthy(value) for value in discs.get("approximate", [False] * len(discs))]
    collection = _feature_collection(discs.geometry, [{"a": flag} for flag in approximate],
                                     simplify=False)

    def style(feature: dict[str, Any]) -> dict[str, Any]:
        dashed = feature["properties"]["a"]
        style = {"color": RING_COLOUR, "weight": 2.0, "fill": False, "opacity": 0.95}
        return {**style, "dashArray": "8 6"} if dashed else style

    return folium.GeoJson(collection, name=name, style_function=style, interactive=False,
                          smooth_factor=0.3)


def _office_layer(offices: gpd.GeoDataFrame, result: AnalysisResult,
                  lang: Language) -> folium.FeatureGroup:
    """One circle marker per office: filled when located, hollow and dashed when approximate."""
    group = folium.FeatureGroup(name=t("map.layer.offices", lang))
    for row in offices.itertuples(index=False):
        approximate = _truthy(_get(row, "approximate"))
        point = row.geometry
        folium.CircleMarker(
            location=(round(point.y, COORDINATE_DECIMALS), round(point.x, COORDINATE_DECIMALS)),
            radius=7, color=OFFICE_COLOUR, weight=3 if approximate else 2,
            fill=True, fill_color="#ffffff" if approximate else OFFICE_COLOUR, fill_opacity=1.0,
            dash_array="3 3" if approximate else None,
            tooltip=folium.Tooltip(_office_tooltip(row, result, lang), sticky=True),
        ).add_to(group)
        folium.Marker(
            location=(round(point.y, COORDINATE_DECIMALS), round(point.x, COORDINATE_DECIMALS)),
            icon=folium.DivIcon(html=_office_label(row, result, lang), icon_size=(220, 36),
                                icon_anchor=(-10, 18), class_name="office-label"),
            interactive=False,
        ).add_to(group)
    return group


def _office_label(row: object, result: AnalysisResult, lang: Language) -> str:
    """Write the always-visible label beside an office: its name and uncovered workers."""
    text = t("map.office_label", lang,
             uncovered=format_number(_get(row, "uncovered_within_radius"), lang),
             radius=format_km(result.params.radius_km, lang))
    return (f'<div style="font:11px/1.25 sans-serif;color:#00313a;text-shadow:0 0 3px #fff,'
            f'0 0 3px #fff,0 0 3px #fff"><b>{_escape(_get(row, "name"))}</b><br>'
            f"{_escape(text)}</div>")


def _office_tooltip(row: object, result: AnalysisResult, lang: Language) -> str:
    """Write the office's name, type and what lies within its radius, as escaped HTML."""
    labels = column_labels(("participants_within_radius", "coverage_within_radius",
                            "uncovered_within_radius"), lang)
    radius = format_km(result.params.radius_km, lang)
    office_type = str(_get(row, "office_type") or "unknown")
    type_key = f"office_type.{office_type}"
    type_text = t(type_key, lang) if has_label(type_key) else office_type
    denominator = _get(row, "denominator_within_radius")
    if _missing(denominator):
        denominator = _get(row, f"{result.params.denominator}_within_radius")
    lines = [
        f"<b>{_escape(_get(row, 'name'))}</b>",
        f"{_escape(t('map.office_type', lang))}: {_escape(type_text)}",
        f"<i>{_escape(t('map.within_radius', lang, radius=radius))}:</i>",
        _line(t("map.villages_within_radius", lang),
              format_number(_get(row, "villages_within_radius"), lang)),
        _line(t(f"denominator.{result.params.denominator}.title", lang),
              format_number(denominator, lang)),
        _line(labels["participants_within_radius"],
              format_number(_get(row, "participants_within_radius"), lang)),
        _line(labels["coverage_within_radius"],
              format_percent(_get(row, "coverage_within_radius"), lang)),
        _line(labels["uncovered_within_radius"],
              format_number(_get(row, "uncovered_within_radius"), lang)),
    ]
    if _truthy(_get(row, "approximate")):
        lines.append(f'<span style="color:#b35806"><b>'
                     f'{_escape(t("note.approximate_short", lang))}</b></span>')
        lines.append(f"<i>{_escape(t('note.approximate', lang))}</i>")
        note = _get(row, "location_note")
        if not _missing(note) and str(note).strip():
            lines.append(f'<span style="font-size:11px">{_escape(note)}</span>')
    body = "<br>".join(lines)
    return f'<div style="width:260px;white-space:normal;font-size:12px">{body}</div>'


def _line(label: str, value: str) -> str:
    """One ``label: value`` line of a tooltip, escaped."""
    return f"{_escape(label)}: {_escape(value)}"


def _add_basemap(fmap: folium.Map, lang: Language) -> None:
    """Offer OpenStreetMap tiles, off by default (tile servers need the internet)."""
    name = f"{t('map.layer.basemap', lang)} ({t('note.needs_internet', lang)})"
    folium.TileLayer("OpenStreetMap", name=name, overlay=True, control=True,
                     show=False).add_to(fmap)


# --- title and legend -------------------------------------------------------------
_BOX_STYLE: Final = ("background:rgba(255,255,255,0.94);padding:8px 10px;border-radius:4px;"
                     "box-shadow:0 1px 4px rgba(0,0,0,0.35);font:12px/1.45 sans-serif;"
                     "color:#222;")
_DEMO_STYLE: Final = ("display:inline-block;margin-top:4px;padding:2px 6px;background:#b2182b;"
                      "color:#fff;font-weight:bold;border-radius:3px;")


def _title_html(result: AnalysisResult, data: _MapData, lang: Language) -> str:
    """Write the title box: what the map shows, where, with which target and radius."""
    region = data.region or t("app.region_all", lang)
    facts = " · ".join((
        t("map.region", lang, region=region),
        t("note.target", lang, target=_percent_label(result.params.target, lang)),
        t("note.radius", lang, radius=format_km(result.params.radius_km, lang)),
    ))
    parts = [f'<div style="font-size:15px;font-weight:bold">{_escape(t("app.title", lang))}</div>',
             f"<div>{_escape(facts)}</div>"]
    if result.is_demo:
        parts.append(f'<div style="{_DEMO_STYLE}">{_escape(t("demo.banner", lang))}</div>')
    return f'<div style="{_BOX_STYLE}max-width:460px">{"".join(parts)}</div>'


def _legend_html(result: AnalysisResult, data: _MapData, lang: Language) -> str:
    """Write the legend: classes with counts, no data, rings, formula, target and DEMO."""
    target = result.params.target
    denominator = t(f"denominator.{result.params.denominator}", lang)
    counts = np.bincount(_classes(data.villages, target) + 1, minlength=len(CLASS_COLOURS) + 1)
    rows = [_swatch_row(CLASS_COLOURS[index], label, counts[index + 1])
            for index, label in reversed(list(enumerate(_class_labels(target, lang))))]
    rows.append(_swatch_row(NO_DATA_COLOUR, t("map.legend.no_data", lang), counts[0]))
    radius = format_km(result.params.radius_km, lang)
    rows.append(_ring_row(t("map.legend.ring", lang, radius=radius), dashed=False))
    approximate = [_truthy(value) for value in data.offices.get("approximate", [])]
    if any(approximate):
        rows.append(_ring_row(t("map.legend.ring_approximate", lang, radius=radius),
                              dashed=True))
        rows.append(f'<div style="max-width:250px;font-style:italic">'
                    f'{_escape(t("note.approximate", lang))}</div>')
    if result.household_cells is not None:
        rows.append(_hex_legend(result, lang))
    target_text = t("note.target", lang, target=_percent_label(target, lang))
    title = _escape(t("map.legend.title", lang))
    head = [f'<div style="font-weight:bold;font-size:13px">{title}</div>',
            f"<div>{_escape(t('note.coverage_formula', lang, denominator=denominator))}</div>",
            f"<div>{_escape(target_text)}</div>"]
    tail = ([f'<div style="{_DEMO_STYLE}">{_escape(t("demo.banner", lang))}</div>']
            if result.is_demo else [])
    if result.households_demo:
        tail.append(f'<div style="{_DEMO_STYLE}">{_escape(t("demo.households", lang))}</div>')
    body = "".join(head) + '<div style="margin-top:4px">' + "".join(rows) + "</div>"
    return f'<div style="{_BOX_STYLE}max-width:280px">{body}{"".join(tail)}</div>'


def _hex_legend(result: AnalysisResult, lang: Language) -> str:
    """Write the hotspot rows: uncovered households per cell, and the suppressed class."""
    k = int(result.household_summary["min_cell_households"]) if result.household_summary else 10
    bounds = [k, *HEX_BREAKS]
    labels = [f"{low}{_EN_DASH}{high - 1}" for low, high in itertools.pairwise(bounds)]
    labels.append(f"≥ {HEX_BREAKS[-1]}")
    swatches = "".join(
        f'<div style="white-space:nowrap"><span style="display:inline-block;width:14px;'
        f'height:12px;background:{colour};margin-right:6px;vertical-align:middle"></span>'
        f"{_escape(label)}</div>" for colour, label in zip(HEX_COLOURS, labels, strict=True))
    hidden = (f'<div style="white-space:nowrap"><span style="display:inline-block;width:14px;'
              f'height:12px;background:{SUPPRESSED_COLOUR};margin-right:6px;'
              f'vertical-align:middle"></span>{_escape(t("map.hex.suppressed", lang, k=k))}'
              "</div>")
    title = _escape(t("map.layer.hexes", lang))
    return f'<div style="margin-top:6px;max-width:250px"><b>{title}</b>{swatches}{hidden}</div>'


def _class_labels(target: float, lang: Language) -> list[str]:
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
        return f"< {_percent_label(high or 0.0, lang)}"
    if high is None:
        return f"≥ {_percent_label(low, lang)}"
    return f"{_percent_label(low, lang).removesuffix('%')}{_EN_DASH}{_percent_label(high, lang)}"


def _percent_label(fraction: float, lang: Language) -> str:
    """Write a percentage without needless decimals: 0.4 → ``"40%"``, 0.325 → ``"32,5%"``."""
    whole = round(fraction * 100, 1) == round(fraction * 100)
    return format_percent(fraction, lang, decimals=0 if whole else 1)


def _swatch_row(colour: str, label: str, count: int) -> str:
    """Write a legend row: a colour square, the label and how many villages it has."""
    swatch = (f'<span style="display:inline-block;width:14px;height:12px;background:{colour};'
              'border:1px solid #888;margin-right:6px;vertical-align:middle"></span>')
    return (f'<div style="white-space:nowrap">{swatch}{_escape(label)} '
            f'<span style="color:#666">({int(count)})</span></div>')


def _ring_row(label: str, *, dashed: bool) -> str:
    """Write a legend row for a radius ring, solid or dashed."""
    line = (f'<span style="display:inline-block;width:16px;height:0;border-top:2px '
            f'{"dashed" if dashed else "solid"} {RING_COLOUR};margin-right:5px;'
            'vertical-align:middle"></span>')
    return f'<div style="white-space:nowrap">{line}{_escape(label)}</div>'


# --- geometry ---------------------------------------------------------------------
def _feature_collection(geometries: gpd.GeoSeries, properties: list[dict[str, Any]], *,
                        simplify: bool = True) -> dict[str, Any]:
    """Build a compact FeatureCollection: simplified, rounded, only the given properties."""
    compact = _compact(_wgs84(geometries).to_numpy(), simplify=simplify)
    features = [
        {"type": "Feature", "id": index, "properties": props,
         "geometry": shapely.geometry.mapping(geometry)}
        for index, (geometry, props) in enumerate(zip(compact, properties, strict=True))
        if geometry is not None and not geometry.is_empty
    ]
    return {"type": "FeatureCollection", "features": features}


def _compact(geometries: np.ndarray, *, simplify: bool) -> np.ndarray:
    """Simplify a little for drawing and round the coordinates."""
    if simplify:
        geometries = shapely.simplify(geometries, SIMPLIFY_DEGREES, preserve_topology=True)
    return shapely.transform(geometries, lambda xy: np.round(xy, COORDINATE_DECIMALS))


def _wgs84(geometries: gpd.GeoSeries) -> gpd.GeoSeries:
    """Return the geometries in EPSG:4326 (taken as such when they carry no CRS)."""
    return geometries if geometries.crs is None else geometries.to_crs("EPSG:4326")


def _centre(data: _MapData) -> tuple[float, float]:
    """Return the centre of the villages shown, as (lat, lon); DIY's when there are none."""
    bounds = _bounds(data)
    if bounds is None:
        return (-7.88, 110.43)
    (south, west), (north, east) = bounds
    return ((south + north) / 2, (west + east) / 2)


def _bounds(data: _MapData) -> list[list[float]] | None:
    """[[south, west], [north, east]] of the villages shown (or the offices)."""
    for layer in (data.villages, data.discs, data.offices):
        if len(layer) and not layer.geometry.is_empty.all():
            west, south, east, north = _wgs84(layer.geometry).total_bounds
            if np.isfinite([west, south, east, north]).all():
                return [[float(south), float(west)], [float(north), float(east)]]
    return None


def _fit(fmap: folium.Map, data: _MapData,
         focus: tuple[float, float, float, float] | None = None) -> None:
    """Zoom the map to the data shown (or to ``focus``), at once (no zoom animation)."""
    bounds = ([[focus[1], focus[0]], [focus[3], focus[2]]] if focus is not None
              else _bounds(data))
    if bounds is not None:
        _FitBounds(bounds).add_to(fmap)


# --- offline ----------------------------------------------------------------------
def _offline(fmap: folium.Map, *, inline: bool, asset_base_url: str | None = None
             ) -> folium.Map:
    """Drop folium's unneeded CDN assets; with ``inline``, write Leaflet into the page."""
    for element in _walk(fmap):
        if not isinstance(element, JSCSSMixin):
            continue
        keep_js = [(name, url) for name, url in element.default_js
                   if name == "leaflet" and not inline]
        keep_css = [(name, url) for name, url in element.default_css
                    if name == "leaflet_css" and not inline]
        unknown = [name for name, _ in [*element.default_js, *element.default_css]
                   if name not in _FOLIUM_DEFAULT_ASSETS]
        if unknown:
            raise ValueError(f"{type(element).__name__} needs external assets {unknown}; "
                             "it cannot be drawn offline")
        if asset_base_url is not None:
            keep_js = [(name, f"{asset_base_url}leaflet.js") for name, _ in keep_js]
            keep_css = [(name, f"{asset_base_url}leaflet.css") for name, _ in keep_css]
        element.default_js = keep_js  # instance attributes: folium's lists stay untouched
        element.default_css = keep_css
    if inline:
        script, stylesheet = _leaflet_assets()
        header = fmap.get_root().header
        header.add_child(_RawHtml(f"<style>{stylesheet}</style>"), name="leaflet_css_inline")
        header.add_child(_RawHtml(f"<script>{script}</script>"), name="leaflet_js_inline")
    return fmap


def _walk(element: Element) -> list[Element]:
    """List the element and all its descendants."""
    found = [element]
    for child in element._children.values():  # noqa: SLF001 - branca has no public accessor
        found.extend(_walk(child))
    return found


@functools.cache
def _leaflet_assets() -> tuple[str, str]:
    """Read leaflet.js and leaflet.css from xstatic-leaflet, images as data: URLs."""
    import xstatic.pkg.leaflet  # noqa: PLC0415 - a data package, read once

    base = Path(xstatic.pkg.leaflet.BASE_DIR)
    script = _SOURCE_MAP.sub("", (base / "leaflet.js").read_text(encoding="utf-8"))
    stylesheet = _SOURCE_MAP.sub("", (base / "leaflet.css").read_text(encoding="utf-8"))

    def data_url(match: re.Match[str]) -> str:
        image = base / "images" / match.group(1)
        encoded = base64.b64encode(image.read_bytes()).decode("ascii")
        return f"url(data:image/png;base64,{encoded})"

    stylesheet = re.sub(r"url\(images/([\w.-]+\.png)\)", data_url, stylesheet)
    if "</script" in script.lower() or "</style" in stylesheet.lower():
        raise ValueError("leaflet assets contain a closing tag and cannot be inlined")
    return script, stylesheet


# --- small helpers ----------------------------------------------------------------
def _escape(value: object) -> str:
    """
    HTML-escape text for the page, also safe inside folium's JavaScript template strings.

    Besides ``& < > " '``, backticks, ``$`` and backslashes become character references,
    so a name cannot end or interpolate into the template literal folium puts tooltips in.
    """
    if _missing(value):
        return MISSING_VALUE
    return escape_html(value)


def _get(row: object, column: str) -> object:
    """Return a value of an itertuples row, or None when the column is absent."""
    return getattr(row, column, None)


def _missing(value: object) -> bool:
    """Tell whether a value is None, NaN or pandas' NA."""
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _truthy(value: object) -> bool:
    """Read a flag that may be a bool, a number, text such as "True"/"ya", or missing."""
    if _missing(value):
        return False
    if isinstance(value, str):
        return value.strip().lower() in {"true", "1", "yes", "ya", "y"}
    return bool(value)
