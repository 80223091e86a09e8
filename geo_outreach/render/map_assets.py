"""
Leaflet inside the page: maps that open offline, without any CDN.

folium points its pages at CDNs; these helpers swap those references for the pinned files
of the ``xstatic-leaflet`` package, inlined or served from the app's static folder.
"""

from __future__ import annotations

import base64
import functools
import re
from pathlib import Path
from typing import TYPE_CHECKING, Final

from branca.element import Element
from folium.elements import JSCSSMixin
from folium.template import Template

if TYPE_CHECKING:

    import folium


# --- offline assets ---------------------------------------------------------------
_FOLIUM_DEFAULT_ASSETS: Final = frozenset({
    "leaflet", "jquery", "bootstrap", "awesome_markers", "leaflet_css", "bootstrap_css",
    "glyphicons_css", "awesome_markers_font_css", "awesome_markers_css", "awesome_rotate_css",
})
"""Folium's default scripts and stylesheets: Leaflet is inlined, the rest is not needed."""

_SOURCE_MAP: Final = re.compile(r"^\s*//# sourceMappingURL=.*$|/\*# sourceMappingURL=.*?\*/",
                                re.MULTILINE)


class InlineHtml(Element):
    """A piece of HTML written into the page as it is (never parsed as a template)."""

    _template = Template("{{ this.code }}")

    def __init__(self, code: str) -> None:
        super().__init__()
        self._name = "RawHtml"
        self.code = code


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
    return drop_cdn_assets(m, inline=True)


# --- offline ----------------------------------------------------------------------
def drop_cdn_assets(fmap: folium.Map, *, inline: bool, asset_base_url: str | None = None
             ) -> folium.Map:
    """Drop folium's unneeded CDN assets; with ``inline``, write Leaflet into the page."""
    for element in all_elements(fmap):
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
        header.add_child(InlineHtml(f"<style>{stylesheet}</style>"), name="leaflet_css_inline")
        header.add_child(InlineHtml(f"<script>{script}</script>"), name="leaflet_js_inline")
    return fmap


def all_elements(element: Element) -> list[Element]:
    """List the element and all its descendants."""
    found = [element]
    for child in element._children.values():  # noqa: SLF001 - branca has no public accessor
        found.extend(all_elements(child))
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
