"""
The map's layers: villages coloured by coverage, outlines, H3 cells, radius rings, offices.

Each builder takes the selected, shareable tables and returns one folium layer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

import folium
import numpy as np
import pandas as pd
from branca.element import MacroElement
from folium.template import Template

from geo_outreach.i18n import (
    column_labels,
    format_gap,
    format_km,
    format_number,
    format_percent,
    has_label,
    t,
)
from geo_outreach.privacy import DEFAULT_K
from geo_outreach.render.map_data import (
    COORDINATE_DECIMALS,
    MapData,
    feature_collection,
    finite_geometry,
    is_missing,
    is_truthy,
    map_text,
    meets_drawn,
    row_value,
)
from geo_outreach.render.map_style import (
    HEX_BREAKS,
    HEX_COLOURS,
    OFFICE_COLOUR,
    RING_COLOUR,
    SUPPRESSED_COLOUR,
    coverage_classes,
    hex_style,
    village_style,
)

if TYPE_CHECKING:

    import geopandas as gpd
    import shapely

    from geo_outreach.analysis.result import AnalysisResult
    from geo_outreach.config import Language

LABEL_PRIORITY: Final = (".office-label",
                         ".go-label:not(.go-village-label):not(.go-outside-label)",
                         ".go-outside-label", ".go-village-label")
"""Map labels by importance (CSS selectors): offices, kapanewon, notes on offices outside
the area (the title box names them too), villages. A label that would overlap one shown
before it is hidden."""

DECLUTTER_SCRIPT: Final = """function (map, selectors, margin, flip, gap) {
    function overlaps(a, b) {
        return a.left - margin < b.right && b.left - margin < a.right &&
            a.top - margin < b.bottom && b.top - margin < a.bottom;
    }
    function free(box, kept) {
        return !kept.some(function (other) { return overlaps(other, box); });
    }
    function declutter() {
        var kept = [], pane = map.getPane("markerPane");
        selectors.forEach(function (selector) {
            pane.querySelectorAll(selector).forEach(function (label) {
                var text = label.firstElementChild || label;
                label.style.visibility = "";
                text.style.transform = "";
                var box = text.getBoundingClientRect();
                if (!box.width || !box.height) { return; }
                if (free(box, kept)) { kept.push(box); return; }
                if (label.matches(flip)) {  // try the other side of the marker
                    text.style.transform = "translateX(" + -(box.width + gap) + "px)";
                    box = text.getBoundingClientRect();
                    if (free(box, kept)) { kept.push(box); return; }
                    text.style.transform = "";
                }
                label.style.visibility = "hidden";
            });
        });
    }
    map.on("zoomend resize overlayadd overlayremove", declutter);
    setTimeout(declutter, 0);
}"""
"""JavaScript: hide the labels (DivIcon markers) that overlap a more important one, again
after each zoom, resize or layer switch; labels matching ``flip`` first try the other side
of their marker. Called as ``(map, selectors, margin px, flip selector, gap px)``."""

OFFICE_LABEL_OFFSET_PX: Final = 10
"""An office label starts this far right of the office's point (left of it when flipped)."""

LABEL_MARGIN_PX: Final = 3
"""Space kept free between two labels."""

FLIPPED_LABELS: Final = ".office-label"
"""Labels beside a marker, which may move to its other side (CSS selector)."""


class LabelDeclutter(MacroElement):
    """
    Keep the map's labels from overlapping: a label over a more important one is hidden.

    Labels are ranked by :data:`LABEL_PRIORITY`, then by their order in the page (office
    labels come with the most uncovered workers first). An office label in the way first
    moves to the left of its office; zooming in shows the hidden ones as they move apart.
    Add it after the layers with labels.
    """

    _template = Template("""
        {% macro script(this, kwargs) %}
        ({{ this.code }})({{ this._parent.get_name() }}, {{ this.selectors|tojson }},
                            {{ this.margin|tojson }}, {{ this.flip|tojson }},
                            {{ this.gap|tojson }});
        {% endmacro %}
    """)

    def __init__(self, selectors: tuple[str, ...] = LABEL_PRIORITY) -> None:
        super().__init__()
        self._name = "LabelDeclutter"
        self.code = DECLUTTER_SCRIPT
        self.selectors = list(selectors)
        self.margin = LABEL_MARGIN_PX
        self.flip = FLIPPED_LABELS
        self.gap = 2 * OFFICE_LABEL_OFFSET_PX


# --- layers -----------------------------------------------------------------------
def choropleth_layer(villages: gpd.GeoDataFrame, result: AnalysisResult,
                     lang: Language) -> folium.GeoJson:
    """Build the choropleth, with one tooltip per village."""
    fields = _village_fields(result, lang)
    features = _village_properties(villages, result, lang, fields)
    collection = feature_collection(villages.geometry, features)
    return folium.GeoJson(
        collection,
        name=t("map.layer.villages", lang),
        style_function=village_style,
        highlight_function=lambda _feature: {"weight": 2.5, "color": "#000000"},
        tooltip=folium.GeoJsonTooltip(
            fields=list(fields), aliases=[map_text(label) for label in fields.values()],
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
    classes = coverage_classes(villages, result.params.target)
    no_data = t("map.legend.no_data", lang)
    properties = []
    for row, klass in zip(villages.itertuples(index=False), classes, strict=True):
        values = {
            "name": map_text(row_value(row, "name")),
            "district": map_text(row_value(row, "district")),
            "regency": map_text(row_value(row, "regency")),
            "code": map_text(row_value(row, "code")),
            "denominator": format_number(row_value(row, "denominator_value"), lang),
            "participants": _participants(row, lang),
            "coverage": format_percent(row_value(row, "coverage"), lang) if klass >= 0 else no_data,
            "gap": format_gap(row_value(row, "gap_to_target"), lang),
            "uncovered": format_number(row_value(row, "uncovered"), lang),
            "share_in": format_percent(row_value(row, "share_within_radius"), lang, decimals=0),
            "uncovered_in": _uncovered_within(row, lang),
            "office": map_text(row_value(row, "nearest_office")),
            "distance": format_km(row_value(row, "distance_to_office_km"), lang),
        }
        properties.append({"k": int(klass), **{key: values[key] for key in fields}})
    return properties


def _participants(row: object, lang: Language) -> str:
    """Participants, and how many of them the field registered provisionally (few: hidden)."""
    text = format_number(row_value(row, "participants"), lang)
    provisional = row_value(row, "provisional_participants")
    if provisional is None or not provisional > 0:
        return text
    count = (format_number(provisional, lang) if provisional >= DEFAULT_K
             else t("field.provisional_few", lang, k=DEFAULT_K))
    return f"{text} ({map_text(t('field.provisional_in', lang, count=count))})"


def _uncovered_within(row: object, lang: Language) -> str:
    """Uncovered workers inside the radius, or ``"< k rumah tangga"`` where hidden."""
    label = str(row_value(row, "households_within_radius_label") or "")
    if label.startswith("<") and label[1:].isdigit():
        return map_text(t("share.suppressed", lang, k=int(label[1:])))
    return format_number(row_value(row, "uncovered_within_radius"), lang)


def outline_layer(layer: gpd.GeoDataFrame, name: str, colour: str, *,
                  weight: float) -> folium.GeoJson:
    """Borders only, not clickable, so the villages' tooltips stay reachable."""
    collection = feature_collection(layer.geometry, [{} for _ in range(len(layer))])
    style = {"color": colour, "weight": weight, "fill": False, "opacity": 0.9}
    return folium.GeoJson(collection, name=name, style_function=lambda _feature: style,
                          interactive=False, smooth_factor=0.5)


def hex_layer(cells: gpd.GeoDataFrame, data: MapData, lang: Language, *,
              show: bool = False) -> folium.GeoJson:
    """
    Build the H3 hotspots: uncovered households inside the radius per cell.

    Cells with fewer than k households show ``"<k"``. The layer starts hidden unless
    ``show``: its cells would cover the villages' coverage colours.
    """
    inside = cells[cells["households_within_radius_label"].astype(str) != "0"]
    if len(data.villages):
        inside = inside[meets_drawn(inside.geometry.to_numpy(), data.villages)]
    uncovered = inside["uncovered_households_within_radius"]
    suppressed = uncovered.isna().to_numpy()
    values = uncovered.fillna(0).to_numpy(dtype=float)
    classes = np.searchsorted(HEX_BREAKS, values, side="right")
    properties = [{
        "c": SUPPRESSED_COLOUR if hidden else HEX_COLOURS[int(k)],
        "households": map_text(label),
        "uncovered": map_text(label if hidden else format_number(value, lang)),
    } for hidden, k, value, label in zip(
        suppressed, classes, values, inside["households_within_radius_label"].astype(str),
        strict=True)]
    collection = feature_collection(inside.geometry, properties, simplify=False)
    return folium.GeoJson(
        collection, name=t("map.layer.hexes", lang), show=show,
        style_function=hex_style,
        tooltip=folium.GeoJsonTooltip(
            fields=["households", "uncovered"],
            aliases=[t("map.hex.households", lang), t("map.hex.uncovered", lang)]),
    )


def disc_layer(discs: gpd.GeoDataFrame, name: str) -> folium.GeoJson:
    """Draw the analysis' radius discs as rings; dashed for approximate offices."""
    approximate = [is_truthy(value) for value in discs.get("approximate", [False] * len(discs))]
    collection = feature_collection(discs.geometry, [{"a": flag} for flag in approximate],
                                    simplify=False)

    def style(feature: dict[str, Any]) -> dict[str, Any]:
        dashed = feature["properties"]["a"]
        style = {"color": RING_COLOUR, "weight": 2.0, "fill": False, "opacity": 0.95}
        return {**style, "dashArray": "8 6"} if dashed else style

    return folium.GeoJson(collection, name=name, style_function=style, interactive=False,
                          smooth_factor=0.3)


def office_layer(offices: gpd.GeoDataFrame, result: AnalysisResult,
                 lang: Language) -> folium.FeatureGroup:
    """
    Draw the offices: a circle marker and a label (name, uncovered workers) each.

    Markers are filled when the office is located, hollow and dashed when approximate.
    Offices without a usable location (no point, or NaN coordinates) are left out. The
    labels come in order of uncovered workers, most first, so that
    :class:`LabelDeclutter` keeps the most important one where two would overlap.
    """
    group = folium.FeatureGroup(name=t("map.layer.offices", lang))
    located = offices[finite_geometry(offices.geometry.to_numpy())]
    for row in located.itertuples(index=False):
        approximate = is_truthy(row_value(row, "approximate"))
        folium.CircleMarker(
            location=_location(row.geometry),
            radius=7, color=OFFICE_COLOUR, weight=3 if approximate else 2,
            fill=True, fill_color="#ffffff" if approximate else OFFICE_COLOUR, fill_opacity=1.0,
            dash_array="3 3" if approximate else None,
            tooltip=folium.Tooltip(_office_tooltip(row, result, lang), sticky=True),
        ).add_to(group)
    if "uncovered_within_radius" in located.columns:
        uncovered = pd.to_numeric(located["uncovered_within_radius"], errors="coerce")
        located = located.iloc[np.argsort(-uncovered.fillna(-1).to_numpy(), kind="stable")]
    for row in located.itertuples(index=False):
        folium.Marker(
            location=_location(row.geometry),
            icon=folium.DivIcon(html=_office_label(row, result, lang), icon_size=(220, 36),
                                icon_anchor=(-OFFICE_LABEL_OFFSET_PX, 18),
                                class_name="office-label"),
            interactive=False,
        ).add_to(group)
    return group


def _location(point: shapely.Point) -> tuple[float, float]:
    """Return a point as (lat, lon), rounded to about 1 m."""
    return (round(point.y, COORDINATE_DECIMALS), round(point.x, COORDINATE_DECIMALS))


def _office_label(row: object, result: AnalysisResult, lang: Language) -> str:
    """Write the label beside an office: its name and uncovered workers, on two lines."""
    text = t("map.office_label", lang,
             uncovered=format_number(row_value(row, "uncovered_within_radius"), lang),
             radius=format_km(result.params.radius_km, lang))
    return ('<div style="display:inline-block;white-space:nowrap;font:11px/1.25 sans-serif;'
            'color:#00313a;text-shadow:0 0 3px #fff,0 0 3px #fff,0 0 3px #fff">'
            f'<b>{map_text(row_value(row, "name"))}</b><br>{map_text(text)}</div>')


def _office_tooltip(row: object, result: AnalysisResult, lang: Language) -> str:
    """Write the office's name, type and what lies within its radius, as escaped HTML."""
    labels = column_labels(("participants_within_radius", "coverage_within_radius",
                            "uncovered_within_radius"), lang)
    radius = format_km(result.params.radius_km, lang)
    office_type = str(row_value(row, "office_type") or "unknown")
    type_key = f"office_type.{office_type}"
    type_text = t(type_key, lang) if has_label(type_key) else office_type
    denominator = row_value(row, "denominator_within_radius")
    if is_missing(denominator):
        denominator = row_value(row, f"{result.params.denominator}_within_radius")
    lines = [
        f"<b>{map_text(row_value(row, 'name'))}</b>",
        f"{map_text(t('map.office_type', lang))}: {map_text(type_text)}",
        f"<i>{map_text(t('map.within_radius', lang, radius=radius))}:</i>",
        _line(t("map.villages_within_radius", lang),
              format_number(row_value(row, "villages_within_radius"), lang)),
        _line(t(f"denominator.{result.params.denominator}.title", lang),
              format_number(denominator, lang)),
        _line(labels["participants_within_radius"],
              format_number(row_value(row, "participants_within_radius"), lang)),
        _line(labels["coverage_within_radius"],
              format_percent(row_value(row, "coverage_within_radius"), lang)),
        _line(labels["uncovered_within_radius"],
              format_number(row_value(row, "uncovered_within_radius"), lang)),
    ]
    if is_truthy(row_value(row, "approximate")):
        lines.append(f'<span style="color:#b35806"><b>'
                     f'{map_text(t("note.approximate_short", lang))}</b></span>')
        lines.append(f"<i>{map_text(t('note.approximate', lang))}</i>")
        note = row_value(row, "location_note")
        if not is_missing(note) and str(note).strip():
            lines.append(f'<span style="font-size:11px">{map_text(note)}</span>')
    body = "<br>".join(lines)
    return f'<div style="width:260px;white-space:normal;font-size:12px">{body}</div>'


def _line(label: str, value: str) -> str:
    """One ``label: value`` line of a tooltip, escaped."""
    return f"{map_text(label)}: {map_text(value)}"


def add_basemap(fmap: folium.Map, lang: Language) -> None:
    """Offer OpenStreetMap tiles, off by default (tile servers need the internet)."""
    name = f"{t('map.layer.basemap', lang)} ({t('note.needs_internet', lang)})"
    folium.TileLayer("OpenStreetMap", name=name, overlay=True, control=True,
                     show=False).add_to(fmap)
