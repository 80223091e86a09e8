"""GPX tracks for the teams' phones: one route with its stops as waypoints."""

from __future__ import annotations

from typing import TYPE_CHECKING

import gpxpy
import gpxpy.gpx

from geo_outreach import __version__
from geo_outreach.field.plan import ESTIMATED_LABEL
from geo_outreach.i18n import t, words

if TYPE_CHECKING:

    from geo_outreach.config import Language
    from geo_outreach.field.plan import RoutePlan, TeamRoute


def gpx_document(plan: RoutePlan, route: TeamRoute, *, lang: Language = "id") -> gpxpy.gpx.GPX:
    """
    Build one team's GPX: a waypoint per stop (and the start/end) and the road track.

    Parameters
    ----------
    plan
        The route plan.
    route
        The team's route.
    lang
        Language of names and descriptions.

    Returns
    -------
    gpxpy.gpx.GPX
        GPX 1.1: waypoints ``01 <village>`` ... with the households to visit, and one
        track with one segment along the roads.
    """
    gpx = gpxpy.gpx.GPX()
    gpx.creator = f"geo-outreach {__version__}"
    gpx.name = (f"{t('sheet.day', lang)} {route.day}, {t('sheet.team', lang)} {route.team}: "
                f"{plan.office_name or plan.office_id}")
    gpx.description = (f"{route.households} {t('sheet.households_unit', lang)}, "
                       f"{route.distance_km:.1f} km")
    if route.is_estimated:
        gpx.description += (f"; {route.estimated_km:.1f} km {ESTIMATED_LABEL[lang]} "
                            f"(×{plan.detour_factor:.2f})")
    if plan.attribution:
        gpx.copyright_author = words(plan.attribution, lang)
        if "OpenStreetMap" in plan.attribution:
            gpx.copyright_license = "https://www.openstreetmap.org/copyright"
    gpx.waypoints.append(gpxpy.gpx.GPXWaypoint(
        latitude=round(plan.start.y, 6), longitude=round(plan.start.x, 6),
        name=f"{t('sheet.start', lang)}: {plan.office_name or plan.office_id}", symbol="Flag"))
    for stop in route.stops.itertuples(index=False):
        gpx.waypoints.append(gpxpy.gpx.GPXWaypoint(
            latitude=float(stop.lat), longitude=float(stop.lon),
            name=f"{int(stop.order):02d} {stop.village}",
            description=f"{int(stop.households_visit)} {t('sheet.households_unit', lang)}; "
                        f"{stop.label} ({stop.stop_id})"
                        + (f"; {ESTIMATED_LABEL[lang]}"
                           if bool(getattr(stop, "leg_estimated", False)) else ""),
            symbol="Waypoint"))
    if not plan.end.equals(plan.start):
        gpx.waypoints.append(gpxpy.gpx.GPXWaypoint(
            latitude=round(plan.end.y, 6), longitude=round(plan.end.x, 6),
            name=t("sheet.end", lang), symbol="Flag"))
    if route.path is not None:
        track = gpxpy.gpx.GPXTrack(
            name=f"{t('sheet.day', lang)} {route.day}, {t('sheet.team', lang)} {route.team}")
        segment = gpxpy.gpx.GPXTrackSegment()
        for lon, lat in route.path.coords:
            segment.points.append(gpxpy.gpx.GPXTrackPoint(latitude=round(lat, 7),
                                                          longitude=round(lon, 7)))
        track.segments.append(segment)
        gpx.tracks.append(track)
    return gpx
