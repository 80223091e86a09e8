"""The map of a canvassing plan: the coverage map, the teams' routes, the roads' credit."""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

import numpy as np
import shapely

from geo_outreach.render import maps
from geo_outreach.render.route_layers import route_layers

FOCUS_MARGIN_DEG: Final = 0.003
"""Room around the routes when the map frames them (about 300 m)."""

if TYPE_CHECKING:
    import folium

    from geo_outreach.analysis.result import AnalysisResult
    from geo_outreach.config import Language
    from geo_outreach.field.plan import RoutePlan


def route_map(result: AnalysisResult, plan: RoutePlan, *, lang: Language = "id",
              day: int | None = None, asset_base_url: str | None = None) -> folium.Map:
    """
    Draw a plan over the coverage map, framed on the office's radius.

    Parameters
    ----------
    result
        The analysis the plan was made from.
    plan
        The plan.
    lang
        Label language.
    day
        Draw one day (from 1); None draws them all (the first shown).
    asset_base_url
        Where the map's scripts are served from (the app); None embeds them.

    Returns
    -------
    folium.Map
        Credits the road network the plan used (its own licence notice) beside the
        boundaries' credit.
    """
    return maps.coverage_map(result, lang=lang, asset_base_url=asset_base_url,
                             extra_layers=route_layers(plan, lang=lang, day=day),
                             focus=_focus(result, plan, day), road_credit=plan.attribution)


def _focus(result: AnalysisResult, plan: RoutePlan, day: int | None
           ) -> tuple[float, float, float, float] | None:
    """Frame the routes drawn (the first day when all are) and the start; else the radius."""
    shown_day = day if day is not None else 1
    paths = [route.path for route in plan.day_routes(shown_day) if route.path is not None]
    if paths:
        west, south, east, north = shapely.total_bounds(
            np.array([*paths, plan.start, plan.end], dtype=object))
        return (west - FOCUS_MARGIN_DEG, south - FOCUS_MARGIN_DEG,
                east + FOCUS_MARGIN_DEG, north + FOCUS_MARGIN_DEG)
    disc = result.discs[result.discs["office_id"].astype(str) == plan.office_id]
    return tuple(disc.total_bounds) if len(disc) else None
