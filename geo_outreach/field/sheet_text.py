"""
What every walk sheet says, whatever its form: column headers, header lines, map links.

Shared by the CSV/XLSX sheets (:mod:`geo_outreach.field.walksheets`) and the printable page
(:mod:`geo_outreach.field.walksheet_html`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from geo_outreach.field.plan import ESTIMATED_LABEL
from geo_outreach.i18n import format_km, format_number, t, words

if TYPE_CHECKING:
    from geo_outreach.config import Language
    from geo_outreach.field.plan import RoutePlan, TeamRoute

MAPS_URL: Final = "https://www.google.com/maps/search/?api=1&query={lat:.6f},{lon:.6f}"
"""A Google Maps search link for a point (opened by the user, never fetched here)."""

SHEET_COLUMNS: Final[dict[str, dict[Language, str]]] = {
    "order": {"id": "Urutan", "en": "Order"},
    "stop_id": {"id": "Kode titik", "en": "Stop code"},
    "label": {"id": "Titik", "en": "Stop"},
    "village": {"id": "Kalurahan", "en": "Village"},
    "district": {"id": "Kapanewon", "en": "District"},
    "households_visit": {"id": "Rumah tangga dikunjungi", "en": "Households to visit"},
    "arrival_min": {"id": "Perkiraan tiba (menit dari mulai)",
                    "en": "Expected arrival (minutes from start)"},
    "leg_km": {"id": "Jarak dari titik sebelumnya (km)", "en": "Distance from previous (km)"},
    "leg_note": {"id": "Keterangan jarak", "en": "Distance note"},
    "lat": {"id": "Lintang", "en": "Latitude"},
    "lon": {"id": "Bujur", "en": "Longitude"},
    "maps": {"id": "Tautan Google Maps", "en": "Google Maps link"},
}
"""Walk-sheet headers, in sheet order (``label`` only when it differs from the village)."""

def maps_link(lat: float, lon: float) -> str:
    """
    Return the Google Maps search link for a point.

    Parameters
    ----------
    lat, lon
        The point, EPSG:4326.

    Returns
    -------
    str
        ``https://www.google.com/maps/search/?api=1&query=lat,lon``.
    """
    return MAPS_URL.format(lat=lat, lon=lon)


def estimate_note(plan: RoutePlan, lang: Language) -> str:
    """
    Say how the estimated legs were measured, e.g. for a sheet's header.

    Parameters
    ----------
    plan
        The route plan.
    lang
        ``"id"`` or ``"en"``.

    Returns
    -------
    str
        "perkiraan, tanpa jaringan jalan: garis lurus × 1,29 ..." (the factor and where it
        was measured), and how to bring a road network.
    """
    return t("sheet.estimate_note", lang, label=ESTIMATED_LABEL[lang],
             factor=format_number(plan.detour_factor, lang, decimals=2))


def header_lines(plan: RoutePlan, route: TeamRoute, lang: Language) -> list[tuple[str, str]]:
    """List the facts above a walk sheet as (label, value) pairs."""
    mode = t(f"sheet.{plan.settings.mode}", lang)
    credit = words(plan.attribution, lang)
    roads = f"{plan.network_source}. {credit}".strip(". ") or t("sheet.no_roads", lang)
    lines = [
        (t("sheet.day", lang), f"{route.day} / {plan.days}"),
        (t("sheet.office", lang), plan.office_name or plan.office_id),
        (t("sheet.mode", lang),
         f"{mode}, {format_number(plan.settings.speed, lang, decimals=1)} km/h"),
        (t("sheet.stops", lang), str(len(route.stops))),
        (t("sheet.households", lang), format_number(route.households, lang)),
        (t("sheet.distance", lang), format_km(route.distance_km, lang, decimals=1)),
        (t("sheet.time", lang), (f"{route.total_min:.0f} / {plan.settings.hours * 60:.0f} "
                                 f"{'menit' if lang == 'id' else 'min'}")),
        (t("sheet.roads", lang), roads),
    ]
    if route.is_estimated:
        lines.append((t("sheet.estimated", lang), estimate_note(plan, lang)))
    return lines
