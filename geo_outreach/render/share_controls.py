"""
The share map's offline controls: village search, full screen, labels, inlined plugins.

The plugins (leaflet-search, leaflet.fullscreen) are vendored with their licences and
inlined, and a Content-Security-Policy forbids every load from outside the file.
"""

from __future__ import annotations

import base64
import functools
import re
from pathlib import Path
from typing import TYPE_CHECKING, Final

import folium
import numpy as np
from folium.elements import JSCSSMixin
from folium.map import Layer
from folium.template import Template

from geo_outreach.i18n import t
from geo_outreach.render.map_assets import InlineHtml, all_elements
from geo_outreach.render.map_layers import LabelDeclutter

if TYPE_CHECKING:

    from branca.element import Element

    from geo_outreach.config import Language

VILLAGE_LABEL_MIN_ZOOM: Final = 13
"""Village names appear from this zoom on; kapanewon names are always shown."""

ASSETS: Final = Path(__file__).parent / "assets"
"""The vendored Leaflet plugins (see ``MANIFEST.txt`` there)."""

_PLUGIN_SCRIPTS: Final = ("leaflet-search/dist/leaflet-search.min.js",
                          "leaflet.fullscreen/Control.FullScreen.js")
_PLUGIN_STYLES: Final = ("leaflet-search/dist/leaflet-search.min.css",
                         "leaflet.fullscreen/Control.FullScreen.css")
_MIME: Final = {".png": "image/png", ".gif": "image/gif", ".svg": "image/svg+xml"}
_SOURCE_MAP: Final = re.compile(r"^\s*//# sourceMappingURL=.*$|/\*# sourceMappingURL=.*?\*/",
                                re.MULTILINE)

_CSP: Final = ("default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
               "img-src data:{tiles}; font-src data:")
"""The page may run its own inline code and show data: images, and load nothing else."""

_LABEL_CSS: Final = """
.go-label span{position:absolute;transform:translate(-50%,-50%);white-space:nowrap;
  font:600 12px/1.1 sans-serif;color:#1a1a1a;pointer-events:none;
  text-shadow:0 0 3px #fff,0 0 3px #fff,0 0 2px #fff,0 0 1px #fff}
.go-village-label span{font:400 10px/1.1 sans-serif;color:#333}
.go-low-zoom .go-village-label{display:none}
.go-outside-label span{transform:translate(-50%,-120%);font:italic 600 11px/1.2 sans-serif;
  color:#01665e;white-space:normal;width:190px;text-align:center}
.go-sources summary{cursor:pointer;font-weight:bold}
.go-sources ul{margin:4px 0 0 0;padding-left:16px;max-width:330px}
.leaflet-control-search .search-tooltip{max-height:200px}
"""


def plugin_assets() -> tuple[str, str]:
    """
    Return the search and full-screen plugins' scripts and stylesheets, ready to inline.

    Returns
    -------
    tuple[str, str]
        The scripts, then the stylesheets (images as data: URLs), from the files in
        ``geo_outreach/render/assets`` that ``scripts/vendor_map_plugins.sh`` took from npm.
    """
    return _plugin_assets()


# --- folium elements --------------------------------------------------------------
class LabelLayer(Layer):
    """
    Permanent text labels (escaped HTML) at points, as one layer of the layer control.

    Rows whose latitude or longitude is missing or not finite are left out: Leaflet
    refuses a NaN position and would stop the page's script.
    """

    _template = Template("""
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.layerGroup();
        {{ this.labels|tojson }}.forEach(function (label) {
            L.marker([label[0], label[1]], {
                icon: L.divIcon({className: {{ this.css_class|tojson }}, html: label[2],
                                 iconSize: null}),
                interactive: false, keyboard: false
            }).addTo({{ this.get_name() }});
        });
        {% endmacro %}
    """)

    def __init__(self, labels: list[list[object]], *, name: str, css_class: str) -> None:
        super().__init__(name=name, overlay=True, control=True, show=True)
        self._name = "Labels"
        self.labels = [label for label in labels if _finite_position(label)]
        self.css_class = css_class


class VillageSearch(folium.MacroElement):
    """A search box over the villages (leaflet-search): zooms to and outlines the match."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function () {
            var villages = {{ this.layer.get_name() }};
            var search = new L.Control.Search({
                layer: villages, propertyName: "q", marker: false, initial: false,
                casesensitive: false, collapsed: false, position: "topleft",
                textPlaceholder: {{ this.placeholder|tojson }},
                textErr: {{ this.not_found|tojson }},
                textCancel: {{ this.cancel|tojson }},
                moveToLocation: function (latlng, title, map) {
                    map.fitBounds(latlng.layer.getBounds(), {maxZoom: 15, animate: false});
                }
            });
            search.on("search:locationfound", function (e) {
                villages.resetStyle();
                e.layer.setStyle({weight: 4, color: "#000000"});
                e.layer.bringToFront();
            });
            search.on("search:cancel", function () { villages.resetStyle(); });
            {{ this._parent.get_name() }}.addControl(search);
        })();
        {% endmacro %}
    """)

    def __init__(self, layer: folium.GeoJson, lang: Language) -> None:
        super().__init__()
        self._name = "VillageSearch"
        self.layer = layer
        self.placeholder = t("share.search", lang)
        self.not_found = t("share.search_not_found", lang)
        self.cancel = t("share.search_cancel", lang)


class ShareMapControls(folium.MacroElement):
    """
    The full-screen button, a metric scale bar, and labels that do not overlap.

    Village names show only when zoomed in; of two labels that would overlap, the less
    important one is hidden (see :data:`geo_outreach.render.map_layers.LABEL_PRIORITY`).
    """

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function (map) {
            L.control.fullscreen({position: "bottomleft", title: {{ this.title|tojson }},
                                  titleCancel: {{ this.title_cancel|tojson }}}).addTo(map);
            L.control.scale({position: "bottomleft", imperial: false, maxWidth: 160})
                .addTo(map);
            function villageNames() {
                var low = map.getZoom() < {{ this.min_zoom|tojson }};
                map.getContainer().classList.toggle("go-low-zoom", low);
            }
            map.on("zoomend", villageNames);
            villageNames();
            ({{ this.declutter.code }})(map, {{ this.declutter.selectors|tojson }},
                {{ this.declutter.margin|tojson }}, {{ this.declutter.flip|tojson }},
                {{ this.declutter.gap|tojson }});
        })({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self, lang: Language) -> None:
        super().__init__()
        self._name = "MapControls"
        self.title = t("share.fullscreen", lang)
        self.title_cancel = t("share.fullscreen_exit", lang)
        self.min_zoom = VILLAGE_LABEL_MIN_ZOOM
        self.declutter = LabelDeclutter()  # its settings; drawn by this element's script


def _finite_position(label: list[object]) -> bool:
    """Tell whether a ``[lat, lon, html]`` row has a finite latitude and longitude."""
    lat, lon, *_ = label
    try:
        return bool(np.isfinite(np.asarray([lat, lon], dtype=float)).all())
    except (TypeError, ValueError):
        return False


# --- offline ----------------------------------------------------------------------
def inline_plugins(fmap: folium.Map, *, basemap: bool) -> None:
    """Forbid network access in the page, then write the plugins and our styles into it."""
    tiles = " https://tile.openstreetmap.org" if basemap else ""
    header = fmap.get_root().header
    header.add_child(InlineHtml(f'<meta http-equiv="Content-Security-Policy" '
                                f'content="{_CSP.format(tiles=tiles)}">'), name="csp", index=0)
    scripts, styles = _plugin_assets()
    header.add_child(InlineHtml(f"<style>{styles}{_LABEL_CSS}</style>"), name="plugins_css")
    header.add_child(InlineHtml(f"<script>{scripts}</script>"), name="plugins_js")


def check_offline(layer: Element) -> None:
    """Refuse a layer that needs any script, stylesheet or font besides Leaflet's."""
    for element in all_elements(layer):
        names = ([name for name, _ in [*element.default_js, *element.default_css]]
                 if isinstance(element, JSCSSMixin) else [])
        if isinstance(element, folium.Icon):  # drawn by the Map's awesome-markers script
            names = ["awesome-markers", "icon fonts"]
        if names:
            raise ValueError(
                f"{type(element).__name__} needs {', '.join(names)} from the internet; "
                "a shared map holds only layers Leaflet draws by itself (GeoJson, "
                "PolyLine, CircleMarker, Marker with a DivIcon)")


@functools.cache
def _plugin_assets() -> tuple[str, str]:
    """Read the vendored plugins; stylesheet images become data: URLs."""
    scripts = "\n;\n".join(_SOURCE_MAP.sub("", (ASSETS / name).read_text(encoding="utf-8"))
                           for name in _PLUGIN_SCRIPTS)
    styles = []
    for name in _PLUGIN_STYLES:
        path = ASSETS / name

        def data_url(match: re.Match[str], stylesheet: Path = path) -> str:
            image = (stylesheet.parent / match.group(1)).resolve()
            if ASSETS.resolve() not in image.parents:
                raise ValueError(f"{stylesheet.name} refers to {match.group(1)} outside "
                                 "the assets")
            encoded = base64.b64encode(image.read_bytes()).decode("ascii")
            return f"url(data:{_MIME[image.suffix]};base64,{encoded})"

        text = _SOURCE_MAP.sub("", path.read_text(encoding="utf-8"))
        styles.append(re.sub(r"url\(\s*['\"]?([^'\")]+?)['\"]?\s*\)", data_url, text))
    stylesheet = "\n".join(styles)
    if "</script" in scripts.lower() or "</style" in stylesheet.lower():
        raise ValueError("the map plugins contain a closing tag and cannot be inlined")
    return scripts, stylesheet
