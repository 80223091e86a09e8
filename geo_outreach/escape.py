"""Escaping user text: for the maps' HTML, and for the app's Markdown messages."""

from __future__ import annotations

import html
import re
from typing import Final

_BEYOND_HTML: Final = str.maketrans({"\\": "&#92;", "`": "&#96;", "$": "&#36;",
                                     "{": "&#123;", "}": "&#125;"})
"""What else becomes a character reference: JavaScript template and Jinja syntax."""


def escape_html(value: object) -> str:
    """
    HTML-escape text, also safe inside folium's JavaScript template strings.

    Besides ``& < > " '``, backticks, ``$`` and backslashes become character references,
    so a name can neither close nor interpolate into the template literal that folium puts
    tooltips in; so do ``{`` and ``}``, because branca renders each element's finished
    script once more as a Jinja template: a name such as ``{{ 7*7 }}`` would otherwise be
    evaluated in the Python process that draws the map.

    Parameters
    ----------
    value
        Any value; it is turned into text.

    Returns
    -------
    str
        The escaped text.
    """
    text = html.escape(str(value), quote=True)
    return text.translate(_BEYOND_HTML)


def escape_markdown(text: str) -> str:
    """
    Escape what Markdown would format, for messages that quote a user's file or values.

    Parameters
    ----------
    text
        A message that may hold file names, headers or cell values.

    Returns
    -------
    str
        The text with Markdown's special characters backslash-escaped, so it shows as typed.
    """
    return re.sub(r"([\\`*_\[\]<>#~$|])", r"\\\1", text)
