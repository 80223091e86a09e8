"""The field map: coverage with the field's registrations counted, and each stop's state."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from geo_outreach.render import maps
from geo_outreach.render.field_layers import field_layers, field_legend_html

if TYPE_CHECKING:
    import folium

    from geo_outreach.analysis.result import AnalysisResult
    from geo_outreach.config import Language
    from geo_outreach.field.outcome_report import FieldReport

FOCUS_MARGIN_DEG = 0.01
"""About a kilometre around the stops when the map opens."""


def field_map(result: AnalysisResult, report: FieldReport, *, lang: Language = "id",
              asset_base_url: str | None = None) -> folium.Map:
    """
    Draw the coverage map with the field layer, framed on the plans' stops.

    Parameters
    ----------
    result
        The analysis (with the field's registrations counted provisionally).
    report
        The field report (:func:`geo_outreach.field.outcome_report.field_report`).
    lang
        Label language.
    asset_base_url
        Where the map's scripts are served from (the app); None embeds them.

    Returns
    -------
    folium.Map
        One field layer per week (:func:`geo_outreach.render.field_layers.field_layers`).
    """
    stops = report.stops
    focus = None
    if len(stops):
        lat, lon = stops["lat"].to_numpy(float), stops["lon"].to_numpy(float)
        focus = (float(np.nanmin(lon)) - FOCUS_MARGIN_DEG, float(np.nanmin(lat)) - FOCUS_MARGIN_DEG,
                 float(np.nanmax(lon)) + FOCUS_MARGIN_DEG, float(np.nanmax(lat)) + FOCUS_MARGIN_DEG)
    fmap = maps.coverage_map(result, lang=lang, asset_base_url=asset_base_url,
                             extra_layers=field_layers(stops, lang=lang), focus=focus)
    maps.CornerControl(field_legend_html(lang), position="bottomleft",
                       css_class="geo-outreach-legend").add_to(fmap)
    return fmap
