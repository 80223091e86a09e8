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

from pathlib import Path
from typing import TYPE_CHECKING

import folium
from branca.element import MacroElement
from folium.template import Template

from geo_outreach._errors import OutputError
from geo_outreach.atomic import atomic_write
from geo_outreach.i18n import format_km, t, words
from geo_outreach.render.map_assets import drop_cdn_assets
from geo_outreach.render.map_data import (
    MAX_ZOOM,
    fit_to_data,
    map_centre,
    map_text,
    select_regency,
    shareable_map_data,
)
from geo_outreach.render.map_layers import (
    LabelDeclutter,
    add_basemap,
    choropleth_layer,
    disc_layer,
    hex_layer,
    office_layer,
    outline_layer,
)
from geo_outreach.render.map_style import (
    BACKGROUND_COLOUR,
    DISTRICT_COLOUR,
    REGENCY_COLOUR,
    legend_html,
    title_html,
)
from geo_outreach.render.route_layers import road_catchment_layer

if TYPE_CHECKING:
    from collections.abc import Sequence

    from geo_outreach.analysis.result import AnalysisResult
    from geo_outreach.config import Language


class CornerControl(MacroElement):
    """
    A Leaflet control (a box in a map corner) holding fixed HTML: legend or title.

    When the HTML has a ``<button data-go-fold>`` (see
    :func:`geo_outreach.render.map_style.fold_button`), the button folds the box down to
    its first line and opens it again; the part it hides is marked ``data-go-fold-body``.
    """

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function() {
            var control = L.control({position: {{ this.position|tojson }}});
            control.onAdd = function() {
                var div = L.DomUtil.create("div", {{ this.css_class|tojson }});
                div.innerHTML = {{ this.html|tojson }};
                L.DomEvent.disableClickPropagation(div);
                L.DomEvent.disableScrollPropagation(div);
                var toggle = div.querySelector("button[data-go-fold]");
                var body = div.querySelector("[data-go-fold-body]");
                if (toggle && body) {
                    L.DomEvent.on(toggle, "click", function() {
                        var open = toggle.getAttribute("aria-expanded") !== "true";
                        var label = open ? toggle.dataset.hide : toggle.dataset.show;
                        toggle.setAttribute("aria-expanded", open ? "true" : "false");
                        toggle.setAttribute("aria-label", label);
                        toggle.title = label;
                        toggle.textContent = open ? "\u2212" : "+";
                        body.style.display = open ? "" : "none";
                    });
                }
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


class MapSetup(MacroElement):
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
    road_credit: str = "",
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
    road_credit
        The licence notice of a road network the extra layers were drawn on (e.g. a
        plan's routes), credited beside the run's own road network, if any.

    Returns
    -------
    folium.Map
        The choropleth (five classes relative to the target, "tanpa data" in grey) with
        a tooltip per village, the kapanewon and kabupaten borders, each office's radius
        ring and marker (approximate locations dashed and hollow) with its label (labels
        that would overlap a more important one are hidden until zoomed in), the hotspot
        cells and road catchments when the run has them (off until turned on: they
        would cover the coverage colours), a legend that folds, a title box and a
        collapsed layer control, fitted to the villages shown once the map has a size.

    Raises
    ------
    InputError
        When ``regency`` names no kabupaten/kota of the result; the message lists them.
    """
    data = shareable_map_data(select_regency(result, regency), result)
    radius = format_km(result.params.radius_km, lang)
    fmap = folium.Map(location=map_centre(data), tiles=None, zoom_start=10, control_scale=True,
                      zoom_control="bottomleft", font_size="0.8rem")
    fmap.options["max_zoom"] = MAX_ZOOM  # folium gives max_zoom to tiles only; there are none
    if basemap:
        add_basemap(fmap, lang)
    choropleth_layer(data.villages, result, lang).add_to(fmap)
    outline_layer(data.districts, t("map.layer.districts", lang), DISTRICT_COLOUR,
                  weight=0.8).add_to(fmap)
    outline_layer(data.regencies, t("map.layer.regencies", lang), REGENCY_COLOUR,
                  weight=2.0).add_to(fmap)
    if len(data.discs):
        disc_layer(data.discs, t("map.layer.discs", lang, radius=radius)).add_to(fmap)
    # Off until turned on in the layer control: they would cover the coverage colours.
    if result.household_cells is not None:
        hex_layer(result.household_cells, data, lang, show=False).add_to(fmap)
    if result.road_catchments is not None and len(result.road_catchments):
        road_catchment_layer(result.road_catchments, lang=lang, show=False).add_to(fmap)
    for layer in extra_layers:
        layer.add_to(fmap)
    if len(data.offices):
        office_layer(data.offices, result, lang).add_to(fmap)
    CornerControl(title_html(result, data, lang), position="topleft",
                  css_class="geo-outreach-title").add_to(fmap)
    CornerControl(legend_html(result, data, lang), position="bottomright",
                  css_class="geo-outreach-legend").add_to(fmap)
    notices = [t("note.boundary_attribution", lang)]
    for credit in ((result.road_network or {}).get("attribution"), road_credit):
        if credit and words(credit, lang) not in notices:
            notices.append(words(credit, lang))
    MapSetup(background=BACKGROUND_COLOUR,
             attribution=" | ".join(map_text(notice) for notice in notices)).add_to(fmap)
    LabelDeclutter().add_to(fmap)
    folium.LayerControl(collapsed=True).add_to(fmap)
    fit_to_data(fmap, data, focus)
    return drop_cdn_assets(fmap, inline=inline_assets and asset_base_url is None,
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
