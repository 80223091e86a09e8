"""Escaping text for the maps: one function, so every layer is equally safe."""

from __future__ import annotations

import html


def escape_html(value: object) -> str:
    """
    HTML-escape text, also safe inside folium's JavaScript template strings.

    Besides ``& < > " '``, backticks, ``$`` and backslashes become character references,
    so a name can neither close nor interpolate into the template literal that folium puts
    tooltips in.

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
    return text.replace("\\", "&#92;").replace("`", "&#96;").replace("$", "&#36;")
