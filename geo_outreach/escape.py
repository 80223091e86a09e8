"""Escaping user text: for the maps' HTML, the app's Markdown messages, and spreadsheets."""

from __future__ import annotations

import html
import re
from typing import Final

_BEYOND_HTML: Final = str.maketrans({"\\": "&#92;", "`": "&#96;", "$": "&#36;",
                                     "{": "&#123;", "}": "&#125;"})
"""What else becomes a character reference: JavaScript template and Jinja syntax."""

FORMULA_STARTS: Final = ("=", "+", "-", "@", "\t", "\r")
"""How a spreadsheet formula can begin: such text cells get a leading apostrophe."""

_ONLY_NUMBERS: Final = re.compile(r"[+-]?\d+(?:\.\d+)?(?: [+-]?\d+(?:\.\d+)?)*")
"""Text of numbers alone (``-7.76``, an ODK point ``-7.76 110.37 0 0``): no formula can
hide in it, and files other programs read need it as written."""


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


def spreadsheet_safe(value: object) -> object:
    """
    Keep a text cell from being read as a formula (the OWASP CSV injection rule).

    Parameters
    ----------
    value
        A cell.

    Returns
    -------
    object
        Text beginning with ``= + - @``, a tab or a carriage return, with an apostrophe
        in front, unless it is numbers alone (a negative latitude); anything else unchanged.
    """
    if (isinstance(value, str) and value.startswith(FORMULA_STARTS)
            and not _ONLY_NUMBERS.fullmatch(value)):
        return "'" + value
    return value
