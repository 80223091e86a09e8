"""
Map layers for roads and routes: road catchments and the teams' routes, as folium groups.

The map works offline, so markers are drawn with Leaflet alone: circle markers, and
numbers as ``DivIcon`` labels (no ``folium.Icon``, which needs awesome-markers from a
CDN). Team colours are the Okabe-Ito palette, distinguishable with colour-blindness;
past eight teams the lines also get dash patterns.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

import folium
import numpy as np

from geo_outreach.escape import escape_html
from geo_outreach.i18n import format_number
from geo_outreach.render.map_data import finite_geometry

if TYPE_CHECKING:
    import geopandas as gpd

    from geo_outreach.config import Language
    from geo_outreach.field.plan import RoutePlan

TEAM_COLOURS: Final = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9",
                       "#000000", "#F0E442")
"""Okabe-Ito colours, most distinct first (yellow last: weak on a light basemap)."""
DASHES: Final = (None, "8 6", "2 6", "12 4 2 4")
CATCHMENT_COLOUR: Final = "#01665e"
UNSERVED_COLOUR: Final = "#6b6b6b"
ESTIMATED_COLOUR: Final = "#333333"
MAX_UNSERVED_MARKERS: Final = 300
"""The map shows at most this many stops left over (the highest priority ones)."""

LABELS: Final[dict[str, dict[Language, str]]] = {
    "catchments": {"id": "Jangkauan {radius} km lewat jalan", "en": "{radius} km along roads"},
    "catchment_tip": {"id": "{name}: jalan yang terjangkau dalam {radius} km",
                      "en": "{name}: roads within {radius} km"},
    "team": {"id": "Hari {day} · Tim {team}", "en": "Day {day} · Team {team}"},
    "team_tip": {"id": "Hari {day}, tim {team}: {stops} titik, {households} rumah tangga, "
                       "{km} km, {minutes} menit",
                 "en": "Day {day}, team {team}: {stops} stops, {households} households, "
                       "{km} km, {minutes} min"},
    "estimated_tip": {"id": "Perkiraan, tanpa jaringan jalan: garis lurus × {factor}",
                      "en": "Estimate, no road network: straight line × {factor}"},
    "stop_tip": {"id": "{order}. {village} ({district}): {households} rumah tangga, tiba "
                       "± menit ke-{arrival}",
                 "en": "{order}. {village} ({district}): {households} households, arrival "
                       "± minute {arrival}"},
    "unserved": {"id": "Titik tidak terlayani", "en": "Stops not served"},
    "unserved_some": {"id": "Titik tidak terlayani ({shown} prioritas teratas dari {total})",
                      "en": "Stops not served ({shown} highest priority of {total})"},
    "unserved_tip": {"id": "{village}: {households} rumah tangga (tidak terlayani)",
                     "en": "{village}: {households} households (not served)"},
    "start": {"id": "Mulai/selesai", "en": "Start/end"},
}
"""Layer names and tooltips (merged into :mod:`geo_outreach.i18n` later)."""


def team_style(team: int) -> tuple[str, str | None]:
    """
    Return a team's line colour and dash pattern.

    Parameters
    ----------
    team
        Team number, from 1.

    Returns
    -------
    tuple
        Hex colour and a dash pattern (None for a solid line).
    """
    index = team - 1
    colour = TEAM_COLOURS[index % len(TEAM_COLOURS)]
    dash = DASHES[(index // len(TEAM_COLOURS)) % len(DASHES)]
    return colour, dash


def road_catchment_layer(
    catchments: gpd.GeoDataFrame,
    *,
    lang: Language = "id",
    show: bool = False,
) -> folium.FeatureGroup:
    """
    Draw each office's road catchment polygon.

    Parameters
    ----------
    catchments
        From :func:`geo_outreach.roads.catchments.catchment_polygons` (EPSG:4326, ``name``,
        ``radius_km``).
    lang
        Label language.
    show
        Whether the layer starts visible. Off by default: the tinted polygons would
        cover the coverage colours until the user turns them on.

    Returns
    -------
    folium.FeatureGroup
        One outlined polygon per office (those without a usable shape are left out),
        with a tooltip.
    """
    radius = f"{float(catchments['radius_km'].iloc[0]):g}" if len(catchments) else ""
    group = folium.FeatureGroup(name=LABELS["catchments"][lang].format(radius=radius),
                                show=show)
    shapes = catchments.to_crs("EPSG:4326")
    shapes = shapes[finite_geometry(shapes.geometry.to_numpy())]
    for row in shapes.itertuples(index=False):
        tip = LABELS["catchment_tip"][lang].format(name=escape_html(row.name),
                                                   radius=f"{float(row.radius_km):g}")
        folium.GeoJson(
            row.geometry.__geo_interface__,
            style_function=lambda _feature: {"color": CATCHMENT_COLOUR, "weight": 1.5,
                                             "fillColor": CATCHMENT_COLOUR,
                                             "fillOpacity": 0.12, "dashArray": "4 3"},
            tooltip=folium.Tooltip(tip),
        ).add_to(group)
    return group


def _number_icon(number: int, colour: str) -> folium.DivIcon:
    text_colour = "#000000" if colour in ("#F0E442", "#E69F00", "#56B4E9") else "#ffffff"
    return folium.DivIcon(
        html=(f'<div style="font:bold 10px/18px sans-serif;width:18px;height:18px;'
              f'text-align:center;color:{text_colour};">{number}</div>'),
        icon_size=(18, 18), icon_anchor=(9, 9), class_name="geo-outreach-stop-number")


def route_layers(plan: RoutePlan, *, lang: Language = "id", day: int | None = None
                 ) -> list[folium.FeatureGroup]:
    """
    Draw each team's route (path and numbered stops) per day, and the stops left over.

    Parameters
    ----------
    plan
        From :func:`geo_outreach.field.routes.plan_routes`.
    lang
        Label language.
    day
        Draw only this day (from 1); None draws every day, the first one shown and the
        others in the layer control.

    Returns
    -------
    list of folium.FeatureGroup
        One group per day and team with stops (the team's colour: :func:`team_style`;
        estimated legs drawn over it as thin dark dashes), then one for the stops not
        served (grey, hollow; at most :data:`MAX_UNSERVED_MARKERS`) if any. The
        start/end is drawn in every team's group.
    """
    groups = []
    esc = escape_html
    first_day = day if day is not None else 1
    estimated_tip = LABELS["estimated_tip"][lang].format(
        factor=format_number(plan.detour_factor, lang, decimals=2))
    for route in plan.routes:
        if route.stops.empty or (day is not None and route.day != day):
            continue
        colour, dash = team_style(route.team)
        tip = LABELS["team_tip"][lang].format(
            day=route.day, team=route.team, stops=len(route.stops),
            households=route.households,
            km=format_number(route.distance_km, lang, decimals=1),
            minutes=format_number(route.total_min, lang))
        group = folium.FeatureGroup(
            name=LABELS["team"][lang].format(day=route.day, team=route.team),
            show=route.day == first_day)
        path = _finite_path(route.path)
        if len(path) > 1:
            folium.PolyLine(path, color=colour, weight=4, opacity=0.85, dash_array=dash,
                            tooltip=folium.Tooltip(tip)).add_to(group)
        for leg in route.estimated_legs:
            points = _finite_path(leg)
            if len(points) > 1:
                folium.PolyLine(points, color=ESTIMATED_COLOUR, weight=2, opacity=0.9,
                                dash_array="4 6",
                                tooltip=folium.Tooltip(estimated_tip)).add_to(group)
        if _finite(plan.start.y, plan.start.x):
            folium.CircleMarker((plan.start.y, plan.start.x), radius=6, color="#000000",
                                weight=2, fill=True, fill_color="#ffffff", fill_opacity=1.0,
                                tooltip=folium.Tooltip(LABELS["start"][lang])).add_to(group)
        for stop in route.stops.itertuples(index=False):
            if not _finite(stop.lat, stop.lon):
                continue
            stop_tip = LABELS["stop_tip"][lang].format(
                order=int(stop.order), village=esc(str(stop.village)),
                district=esc(str(stop.district)), households=int(stop.households_visit),
                arrival=round(float(stop.arrival_min)))
            location = (float(stop.lat), float(stop.lon))
            folium.CircleMarker(location, radius=9, color="#ffffff", weight=1.5, fill=True,
                                fill_color=colour, fill_opacity=1.0,
                                tooltip=folium.Tooltip(stop_tip)).add_to(group)
            folium.Marker(location, icon=_number_icon(int(stop.order), colour),
                          tooltip=folium.Tooltip(stop_tip)).add_to(group)
        groups.append(group)
    if len(plan.unserved):
        groups.append(_unserved_layer(plan, lang))
    return groups


def _unserved_layer(plan: RoutePlan, lang: Language) -> folium.FeatureGroup:
    """Draw the highest-priority stops left over as grey rings (hidden at first)."""
    esc = escape_html
    shown = plan.unserved.head(MAX_UNSERVED_MARKERS)
    name = (LABELS["unserved"][lang] if len(shown) == len(plan.unserved)
            else LABELS["unserved_some"][lang].format(
                shown=format_number(len(shown), lang),
                total=format_number(len(plan.unserved), lang)))
    group = folium.FeatureGroup(name=name, show=False)
    for stop in shown.itertuples(index=False):
        if not _finite(stop.lat, stop.lon):
            continue
        folium.CircleMarker((float(stop.lat), float(stop.lon)), radius=6,
                            color=UNSERVED_COLOUR, weight=2, fill=False,
                            tooltip=folium.Tooltip(LABELS["unserved_tip"][lang].format(
                                village=esc(str(stop.village)),
                                households=int(stop.households_visit)))).add_to(group)
    return group


def _finite(*values: object) -> bool:
    """Tell whether every value is a finite number (a NaN location would stop Leaflet)."""
    try:
        return bool(np.isfinite(np.asarray(values, dtype=float)).all())
    except (TypeError, ValueError):
        return False


def _finite_path(path: object) -> list[tuple[float, float]]:
    """Return a route's road path as (lat, lon) points, without missing or NaN points."""
    if path is None or getattr(path, "is_empty", True):
        return []
    return [(lat, lon) for lon, lat, *_ in path.coords if _finite(lat, lon)]
