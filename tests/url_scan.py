"""
Scan a shared page for web addresses it would fetch.

Every ``http(s)://`` or ``//host`` address in the page is sorted into what cannot cause a
request and what can:

- XML namespace names (``http://www.w3.org/2000/svg``): identifiers, never loaded;
- addresses in ``/* */`` or ``//`` comments of the inlined Leaflet and plugins;
- ``<a href>`` links (Leaflet's credit, OpenStreetMap's copyright): opened only when the
  reader clicks one;
- everything else (``src``, ``<link href>``, CSS ``url()``/``@import``, ``fetch``, tile
  templates, ...) is reported, unless the caller allows it by exact address.

A page made with ``--basemap`` offers OpenStreetMap tiles switched off: the test allows
exactly that tile template and the host in the Content-Security-Policy, and the browser
test checks that no tile is asked for until the reader turns the layer on.
"""

from __future__ import annotations

import re
from typing import Final

NAMESPACES: Final = frozenset({"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink",
                               "http://www.w3.org/1999/xhtml"})
OSM_TILES: Final = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
OSM_CSP_SOURCE: Final = "https://tile.openstreetmap.org"
COMMENT_CHARS: Final = 2000
"""A comment's opening is looked for this far back (the vendored comments are short)."""

_ADDRESS: Final = re.compile(r"(?:https?:)?//[\w-]+(?:\.[\w-]+)+[^\s\"'<>)\\]*",
                             re.IGNORECASE)
_LINK_BEFORE: Final = re.compile(r"""(?:<|\\u003c)a\s[^<>]*?href=(?:\\?["'])?$""",
                                 re.IGNORECASE)


def fetchable_urls(page: str, *, allowed: frozenset[str] = frozenset()) -> list[str]:
    """
    List the addresses in ``page`` that a browser could load without a click.

    Parameters
    ----------
    page
        The HTML page as written.
    allowed
        Addresses that may appear (e.g. :data:`OSM_TILES` for a page with a basemap).

    Returns
    -------
    list of str
        Each such address with a little context; empty for a self-contained page.
    """
    found = []
    for match in _ADDRESS.finditer(page):
        address = match.group().rstrip(".,;")
        if address in NAMESPACES or address in allowed:
            continue
        if _in_comment(page, match.start()) or _is_link(page, match.start()):
            continue
        found.append(f"{address}  (…{page[max(0, match.start() - 60):match.start()]})")
    return found


def _in_comment(page: str, position: int) -> bool:
    """Tell whether ``position`` lies in a ``/* */`` comment or after ``//`` on its line."""
    opened = page.rfind("/*", max(0, position - COMMENT_CHARS), position)
    if opened >= 0 and opened > page.rfind("*/", 0, position):
        return True
    line = page[page.rfind("\n", 0, position) + 1:position]
    return line.lstrip().startswith("//")


def _is_link(page: str, position: int) -> bool:
    """Tell whether the address is the ``href`` of an ``<a>`` element."""
    return bool(_LINK_BEFORE.search(page[max(0, position - 200):position]))
