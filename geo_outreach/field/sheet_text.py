"""
What every walk sheet says, whatever its form: column headers, header lines, map links.

Shared by the CSV/XLSX sheets (:mod:`geo_outreach.field.walksheets`) and the printable page
(:mod:`geo_outreach.field.walksheet_html`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from geo_outreach.field.plan import ESTIMATED_LABEL
from geo_outreach.i18n import format_km, format_number, t, words
from geo_outreach.outcome_codes import OUTCOME_LABELS, OUTCOMES, PAPER_COLUMNS

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

OUTCOME_KEYS: Final = ("visited_on", *OUTCOMES[:1], "workers_registered", "segment",
                       *OUTCOMES[1:4], "come_back_on", *OUTCOMES[4:], "note")
"""The blank outcome columns every walk sheet ends with, in the paper template's order
(:data:`~geo_outreach.outcome_codes.PAPER_COLUMNS`): the date, households per outcome,
workers registered and their segment, the come-back date, a note."""


def outcome_headers(lang: Language) -> list[str]:
    """
    Name the blank outcome columns of a walk sheet, as the paper template names them.

    Parameters
    ----------
    lang
        ``"id"`` or ``"en"``.

    Returns
    -------
    list of str
        One header per :data:`OUTCOME_KEYS`.
    """
    return [PAPER_COLUMNS[key][lang] for key in OUTCOME_KEYS]


def outcome_legend(lang: Language) -> str:
    """
    Say what the outcome columns mean, for a sheet's header lines.

    Parameters
    ----------
    lang
        ``"id"`` or ``"en"``.

    Returns
    -------
    str
        The outcomes in words and how to fill them in.
    """
    names = "; ".join(OUTCOME_LABELS[code][lang] for code in OUTCOMES)
    return t("sheet.outcome_legend", lang, outcomes=names)

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
    if plan.plan_id:
        day = plan.day_date(route.day)
        lines.insert(0, (t("sheet.plan", lang), plan.plan_id))
        if day is not None:
            lines.insert(2, (t("sheet.day_date", lang), f"{day:%d/%m/%Y}"))
    lines.append((t("sheet.outcomes", lang), outcome_legend(lang)))
    return lines
