"""
The map of the mobile unit's week: where it stands each day, and the drive between.

:func:`mobile_week_map` draws the office's villages (those nearest to it, which the unit
serves), the office, one numbered orange marker per day with the stand's radius around
it, and straight lines from the office to day 1, day to day and back: dashed where the leg
was measured along the roads, dotted and grey where it is estimated (straight line ×
detour factor, no road network there). The lines show the order, not the road taken.

It is drawn as the placement map is (:mod:`geo_outreach.render.placement_map`): offline
(Leaflet inlined or served by the app), tooltips rather than popups, names HTML-escaped, a
legend that folds, a title box and the boundaries' credit.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

import folium
import numpy as np

from geo_outreach.field.plan import ESTIMATED_LABEL
from geo_outreach.i18n import format_km, format_number, t
from geo_outreach.render.map_assets import drop_cdn_assets
from geo_outreach.render.map_data import (
    COORDINATE_DECIMALS,
    MAX_ZOOM,
    InstantFitBounds,
    feature_collection,
    map_text,
)
from geo_outreach.render.map_layers import add_basemap, outline_layer
from geo_outreach.render.map_style import (
    BACKGROUND_COLOUR,
    BOX_STYLE,
    DEMO_STYLE,
    DISTRICT_COLOUR,
    LEGEND_BODY_STYLE,
    fold_button,
    numbered_marker,
)
from geo_outreach.render.maps import CornerControl, MapSetup
from geo_outreach.render.placement_map import (
    EXISTING_COLOUR,
    SITE_COLOUR,
    SITE_MARKER_PX,
    office_markers,
)

if TYPE_CHECKING:
    from geo_outreach.analysis.result import AnalysisResult
    from geo_outreach.config import Language
    from geo_outreach.field.mobile_week import MobileWeek

AREA_STYLE: Final = {"color": "#8c8c8c", "weight": 0.6, "fill": True, "fillColor": "#dcd6ea",
                     "fillOpacity": 0.55, "opacity": 0.9}
"""The office's villages: pale purple, thin grey borders (the area the unit serves)."""
STAND_RING_STYLE: Final = {"color": SITE_COLOUR, "weight": 2.0, "fill": True,
                           "fill_color": SITE_COLOUR, "fill_opacity": 0.18, "opacity": 1.0}
MEASURED_LEG: Final = {"color": "#3d3d3d", "weight": 3.0, "opacity": 0.9, "dash_array": "9 6"}
"""A leg measured along the roads: dark, dashed (the line is straight; the km are by road)."""
ESTIMATED_LEG: Final = {"color": "#5c5c5c", "weight": 3.5, "opacity": 0.95,
                        "dash_array": "1 7"}
"""A leg estimated without roads: grey, dotted (round ends make the dots)."""
MARGIN_DEG: Final = 0.004
"""Room around the rings when the map frames the week (about 400 m)."""


def mobile_week_map(result: AnalysisResult, week: MobileWeek, *, lang: Language = "id",
                    basemap: bool = True, inline_assets: bool = True,
                    asset_base_url: str | None = None) -> folium.Map:
    """
    Draw the unit's stands in driving order, their radius, and the legs between them.

    Parameters
    ----------
    result
        The analysis the week was planned on (its villages and offices).
    week
        From :func:`geo_outreach.field.mobile_week.plan_mobile_week`.
    lang
        ``"id"`` (Bahasa Indonesia) or ``"en"``.
    basemap
        Offer an OpenStreetMap layer, off by default (it needs the internet).
    inline_assets, asset_base_url
        As for :func:`geo_outreach.render.placement_map.placement_map`.

    Returns
    -------
    folium.Map
        The office's villages, the office, one ring and numbered marker per day (its
        tooltip: day, date, place, workers reached, km from the previous stop), the legs
        (estimated ones dotted), a title box, a legend that folds and the credit; framed
        on the stands and the office.
    """
    offices = result.offices[result.offices["office_id"].astype(str) == week.office_id]
    office = offices.to_crs("EPSG:4326")
    fmap = folium.Map(location=(-7.8, 110.37), tiles=None, zoom_start=12, control_scale=True,
                      zoom_control="bottomleft", font_size="0.8rem")
    fmap.options["max_zoom"] = MAX_ZOOM
    if basemap:
        add_basemap(fmap, lang)
    if len(offices):
        area = result.villages[result.villages["nearest_office"] == offices["name"].iloc[0]]
        if len(area):
            folium.GeoJson(feature_collection(area.geometry, [{} for _ in range(len(area))]),
                           name=t("mobile_map.layer.area", lang), interactive=False,
                           style_function=lambda _feature: AREA_STYLE).add_to(fmap)
    outline_layer(result.districts, t("map.layer.districts", lang), DISTRICT_COLOUR,
                  weight=0.8).add_to(fmap)
    days = week.days[np.isfinite(week.days["lat"].to_numpy(float))
                     & np.isfinite(week.days["lon"].to_numpy(float))]
    base = ([(round(float(office.geometry.iloc[0].y), COORDINATE_DECIMALS),
              round(float(office.geometry.iloc[0].x), COORDINATE_DECIMALS))]
            if len(office) else [])
    stands = [(float(row.lat), float(row.lon)) for row in days.itertuples(index=False)]
    ring_group = folium.FeatureGroup(name=t("mobile_map.layer.rings", lang,
                                            radius=format_km(week.radius_km, lang)))
    for location in stands:
        folium.Circle(location=location, radius=week.radius_km * 1000, interactive=False,
                      **STAND_RING_STYLE).add_to(ring_group)
    ring_group.add_to(fmap)
    leg_layer(days, base, lang, week.return_km,
              return_estimated=week.return_estimated).add_to(fmap)
    if len(office):
        office_markers(offices, lang).add_to(fmap)
    stand_markers(days, lang).add_to(fmap)
    CornerControl(title_html(result, week, office, lang), position="topleft",
                  css_class="geo-outreach-title").add_to(fmap)
    CornerControl(legend_html(week, lang), position="bottomright",
                  css_class="geo-outreach-legend").add_to(fmap)
    MapSetup(background=BACKGROUND_COLOUR,
             attribution=map_text(t("note.boundary_attribution", lang))).add_to(fmap)
    folium.LayerControl(collapsed=True).add_to(fmap)
    points = np.array([*base, *stands], dtype=float).reshape(-1, 2)
    if len(points):
        margin = MARGIN_DEG + week.radius_km / 111.0
        south, west = points.min(axis=0) - margin
        north, east = points.max(axis=0) + margin
        InstantFitBounds([[float(south), float(west)], [float(north), float(east)]]
                         ).add_to(fmap)
    return drop_cdn_assets(fmap, inline=inline_assets and asset_base_url is None,
                           asset_base_url=asset_base_url)


def leg_layer(days: object, base: list[tuple[float, float]], lang: Language,
              return_km: float, *, return_estimated: bool) -> folium.FeatureGroup:
    """Draw the legs office → day 1 → … → last day → office, straight, in driving order."""
    group = folium.FeatureGroup(name=t("mobile_map.layer.legs", lang))
    rows = list(days.itertuples(index=False))  # type: ignore[attr-defined]
    stops = [(float(row.lat), float(row.lon)) for row in rows]
    if not stops:
        return group
    office = base[0] if base else None
    legs = []
    for index, row in enumerate(rows):
        start = stops[index - 1] if index else office
        if start is not None:
            legs.append((start, stops[index], float(row.travel_km), bool(row.travel_estimated),
                         t("mobile_map.leg", lang, day=int(row.day))))
    if office is not None:
        legs.append((stops[-1], office, return_km, return_estimated,
                     t("mobile_map.leg_back", lang)))
    for start, end, km, estimated, what in legs:
        style = ESTIMATED_LEG if estimated else MEASURED_LEG
        tip = f"{map_text(what)}: <b>{format_km(km, lang)}</b>"
        if estimated:
            tip += f" ({map_text(ESTIMATED_LABEL[lang])})"
        folium.PolyLine([start, end], tooltip=folium.Tooltip(tip, sticky=True),
                        **style).add_to(group)
    return group


def stand_markers(days: object, lang: Language) -> folium.FeatureGroup:
    """Draw one orange circle per day with the day's number inside, and a tooltip."""
    group = folium.FeatureGroup(name=t("mobile_map.layer.stands", lang))
    for row in days.itertuples(index=False):  # type: ignore[attr-defined]
        location = (round(float(row.lat), COORDINATE_DECIMALS),
                    round(float(row.lon), COORDINATE_DECIMALS))
        numbered_marker(group, location, int(row.day), colour=SITE_COLOUR,
                        radius_px=SITE_MARKER_PX, tooltip=stand_tooltip(row, lang),
                        class_name="go-stand-day")
    return group


def stand_tooltip(row: object, lang: Language) -> str:
    """Write a stand's tooltip: the day and date, the place, workers reached, the drive."""
    get = row.__getattribute__
    place = ", ".join(str(get(column)) for column in ("village", "district")
                      if str(get(column) or "").strip())
    day = t("mobile_map.day", lang, day=int(get("day")))
    if str(get("date") or "").strip():
        day += f" · {get('date')}"
    travel = format_km(get("travel_km"), lang)
    if bool(get("travel_estimated")):
        travel += f" ({ESTIMATED_LABEL[lang]})"
    lines = [f"<b>{map_text(day)}</b>", f"<b>{map_text(get('name'))}</b>",
             f"{map_text(t('col.villages.name', lang))}: {map_text(place or None)}",
             (f"{map_text(t('mobile_map.reached', lang))}: "
              f"<b>{format_number(get('workers_reached'), lang)}</b>"),
             f"{map_text(t('mobile_map.travel', lang))}: {map_text(travel)}"]
    return f'<div style="width:260px;white-space:normal;font-size:12px">{"<br>".join(lines)}</div>'


def title_html(result: AnalysisResult, week: MobileWeek, office: object, lang: Language) -> str:
    """Write the title box: the unit, its office, days, radius, workers reached, km."""
    name = office["name"].iloc[0] if len(office) else week.office_id  # type: ignore[index,arg-type]
    total_km = float(week.days["travel_km"].sum()) + week.return_km
    facts = [t("mobile_map.facts", lang, days=len(week.days),
               radius=format_km(week.radius_km, lang),
               reached=format_number(week.days["workers_reached"].sum(), lang),
               km=format_km(total_km, lang))]
    title = map_text(t("mobile_map.title", lang, office=name))
    parts = [f'<div style="font-size:15px;font-weight:bold">{title}</div>',
             f"<div>{map_text(' · '.join(facts))}</div>"]
    if result.is_demo:
        parts.append(f'<div style="{DEMO_STYLE}">{map_text(t("demo.banner", lang))}</div>')
    return f'<div style="{BOX_STYLE}max-width:420px">{"".join(parts)}</div>'


def legend_html(week: MobileWeek, lang: Language) -> str:
    """Write the legend: stand, its radius, the two kinds of leg, the office, the area."""
    def line(style: dict[str, object], label: str) -> str:
        kind = "dotted" if style is ESTIMATED_LEG else "dashed"
        return (f'<div style="white-space:nowrap"><span style="display:inline-block;'
                f'width:20px;height:0;border-top:3px {kind} {style["color"]};margin-right:5px;'
                f'vertical-align:middle"></span>{map_text(label)}</div>')

    def dot(colour: str, px: int, label: str) -> str:
        return (f'<div style="white-space:nowrap"><span style="display:inline-block;'
                f'width:{px}px;height:{px}px;border-radius:{px // 2}px;background:{colour};'
                f'margin-right:6px;vertical-align:middle"></span>{map_text(label)}</div>')

    ring = map_text(t("mobile_map.legend.ring", lang, radius=format_km(week.radius_km, lang)))
    rows = [dot(SITE_COLOUR, 14, t("mobile_map.legend.stand", lang)),
            (f'<div style="white-space:nowrap"><span style="display:inline-block;width:14px;'
             f'height:14px;border-radius:7px;border:2px solid {SITE_COLOUR};'
             f'background:{SITE_COLOUR}2e;margin-right:6px;vertical-align:middle"></span>'
             f"{ring}</div>"),
            line(MEASURED_LEG, t("mobile_map.legend.measured", lang)),
            line(ESTIMATED_LEG, t("mobile_map.legend.estimated", lang,
                                  label=ESTIMATED_LABEL[lang])),
            dot(EXISTING_COLOUR, 10, t("mobile_map.legend.office", lang)),
            (f'<div style="white-space:nowrap"><span style="display:inline-block;width:14px;'
             f'height:12px;background:{AREA_STYLE["fillColor"]};border:1px solid #888;'
             f'margin-right:6px;vertical-align:middle"></span>'
             f'{map_text(t("mobile_map.legend.area", lang))}</div>')]
    title = map_text(t("mobile_map.legend.title", lang))
    head = ('<div style="display:flex;align-items:flex-start;gap:8px">'
            f'<div style="flex:1;font-weight:bold;font-size:13px">{title}</div>'
            f'{fold_button(t("map.legend.hide", lang), t("map.legend.show", lang))}</div>')
    note = (f'<div style="color:#555;font-style:italic;max-width:250px">'
            f'{map_text(t("mobile_map.legend.note", lang))}</div>')
    return (f'<div style="{BOX_STYLE}max-width:290px">{head}<div data-go-fold-body '
            f'style="{LEGEND_BODY_STYLE}">{note}<div style="margin-top:4px">{"".join(rows)}'
            "</div></div></div>")
