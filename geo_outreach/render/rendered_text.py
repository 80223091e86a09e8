"""
Render folium maps without parsing their data again as templates.

branca (folium's page builder) renders each layer's header, HTML and script macros, then
wraps every result in a new ``Element(text)``, which *compiles the text as a Jinja
template* before the page is written. For a map with a GeoJSON layer that text is the
whole data, megabytes of it: compiling it took about as long as building the map, and a
village name holding ``{{ ... }}`` would have been evaluated as template code.
:func:`install` makes branca keep rendered text as text (:class:`RenderedText`). The page
is otherwise the same, byte for byte (``tests/test_maps.py`` compares).
"""

from __future__ import annotations

import branca
from branca.element import Element, Figure, MacroElement

SUPPORTED_BRANCA = ("0.7", "0.8")
"""branca versions whose ``MacroElement.render`` this module reproduces."""

_ORIGINAL_RENDER = MacroElement.render


class RenderedText(Element):
    """Text already rendered: written as it is, never parsed as a template again."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self._text = text

    def render(self, **kwargs: object) -> str:  # noqa: ARG002 - as Element.render
        """Return the text unchanged."""
        return self._text


def _render_macro(self: MacroElement, **kwargs: object) -> None:
    """Do what ``MacroElement.render`` does, with the macros' output kept as text."""
    figure = self.get_root()
    if not isinstance(figure, Figure):
        raise TypeError("You cannot render this Element if it is not in a Figure.")
    macros = self._template.module.__dict__
    for part, target in (("header", figure.header), ("html", figure.html),
                         ("script", figure.script)):
        macro = macros.get(part)
        if macro is not None:
            target.add_child(RenderedText(macro(self, kwargs)), name=self.get_name())
    for element in self._children.values():
        element.render(**kwargs)


def install() -> None:
    """
    Make branca keep rendered macro output as text (idempotent).

    Left alone on a branca version this module was not written for: maps still render,
    only more slowly.
    """
    if branca.__version__.startswith(SUPPORTED_BRANCA):
        MacroElement.render = _render_macro  # type: ignore[method-assign]


def uninstall() -> None:
    """Restore branca's own rendering (for comparisons)."""
    MacroElement.render = _ORIGINAL_RENDER  # type: ignore[method-assign]
