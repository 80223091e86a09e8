"""
The map's field layer: where each planned stop stands, per week and team.

One layer per week (the latest shown), each stop a circle at the *planned stop* (never a
household's point: the phones' points stay in the store): green visited, grey not yet,
orange come back on a date, red refused or do-not-contact; the ring's colour is the team's.
The tooltip gives the stop, its team and day, and the households per outcome.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Final

import folium
import numpy as np

from geo_outreach.escape import escape_html
from geo_outreach.i18n import format_number
from geo_outreach.outcome_codes import OUTCOME_LABELS, OUTCOMES
from geo_outreach.render.route_layers import team_style

if TYPE_CHECKING:
    import pandas as pd

    from geo_outreach.config import Language

STATUS_COLOURS: Final[dict[str, str]] = {
    "visited": "#1a9850", "not_yet": "#9e9e9e", "come_back": "#f28e2b", "refused": "#d73027"}
"""Fill colour per stop status (:data:`geo_outreach.field.outcome_report.STOP_STATUSES`)."""

STATUS_LABELS: Final[dict[str, dict[Language, str]]] = {
    "visited": {"id": "sudah dikunjungi", "en": "visited"},
    "not_yet": {"id": "belum dikunjungi", "en": "not yet visited"},
    "come_back": {"id": "kembali lagi pada tanggal", "en": "come back on a date"},
    "refused": {"id": "menolak / jangan dihubungi", "en": "refused / do not contact"},
}

TEXT: Final[dict[str, dict[Language, str]]] = {
    "layer": {"id": "Lapangan: minggu {start}–{end}", "en": "Field: week {start}–{end}"},
    "undated": {"id": "Lapangan: tanpa tanggal", "en": "Field: undated"},
    "team_day": {"id": "Tim {team}, hari ke-{day}", "en": "Team {team}, day {day}"},
    "planned": {"id": "Rumah tangga direncanakan", "en": "Households planned"},
    "come_back_on": {"id": "Kembali lagi", "en": "Come back on"},
}


def _week_name(week: str, lang: Language) -> str:
    if not week:
        return TEXT["undated"][lang]
    start = date.fromisoformat(week)
    end = start + timedelta(days=6)
    return TEXT["layer"][lang].format(start=f"{start:%d/%m}", end=f"{end:%d/%m/%Y}")


def _tooltip(stop: pd.Series, lang: Language) -> str:
    lines = [f"<b>{escape_html(str(stop['label']))}</b>",
             escape_html(TEXT["team_day"][lang].format(team=int(stop["team"]),
                                                       day=int(stop["day"]))),
             f"{escape_html(STATUS_LABELS[str(stop['status'])][lang])}",
             f"{TEXT['planned'][lang]}: {format_number(int(stop['households']), lang)}"]
    lines += [f"{escape_html(OUTCOME_LABELS[o][lang])}: {format_number(int(stop[o]), lang)}"
              for o in OUTCOMES if int(stop[o]) > 0]
    if stop["come_back_on"]:
        lines.append(f"{TEXT['come_back_on'][lang]}: {escape_html(str(stop['come_back_on']))}")
    return "<br>".join(lines)


def field_legend_html(lang: Language = "id") -> str:
    """
    Write the field layer's legend: one swatch per stop status.

    Parameters
    ----------
    lang
        Label language.

    Returns
    -------
    str
        HTML (escaped), for a corner box of the map.
    """
    title = {"id": "Titik lapangan", "en": "Field stops"}[lang]
    ring = {"id": "tepi: warna tim", "en": "ring: the team's colour"}[lang]
    rows = "".join(
        f"<div><span style='display:inline-block;width:12px;height:12px;border-radius:6px;"
        f"background:{colour};margin-right:6px'></span>{escape_html(STATUS_LABELS[status][lang])}"
        "</div>" for status, colour in STATUS_COLOURS.items())
    return ("<div style='background:rgba(255,255,255,0.92);padding:6px 10px;border-radius:4px;"
            "box-shadow:0 1px 4px rgba(0,0,0,0.3);font-size:12px'>"
            f"<b>{escape_html(title)}</b>{rows}<div><i>{escape_html(ring)}</i></div></div>")


def field_layers(status: pd.DataFrame, *, lang: Language = "id") -> list[folium.FeatureGroup]:
    """
    Draw the planned stops by what the field said, one layer per week.

    Parameters
    ----------
    status
        :func:`geo_outreach.field.outcome_report.stop_status` rows: ``lat``, ``lon``,
        ``label``, ``team``, ``day``, ``households``, ``status``, ``come_back_on``,
        ``week`` and the households per outcome.
    lang
        Label language.

    Returns
    -------
    list of folium.FeatureGroup
        Oldest week first; only the latest is shown when the map opens.
    """
    groups = []
    weeks = sorted(status["week"].unique()) if len(status) else []
    for number, week in enumerate(weeks):
        group = folium.FeatureGroup(name=_week_name(week, lang), show=number == len(weeks) - 1)
        for _, stop in status[status["week"] == week].iterrows():
            if not (np.isfinite(stop["lat"]) and np.isfinite(stop["lon"])):
                continue
            ring, _ = team_style(int(stop["team"]))
            folium.CircleMarker(
                location=(float(stop["lat"]), float(stop["lon"])), radius=7, weight=3,
                color=ring, fill=True, fill_opacity=0.9,
                fill_color=STATUS_COLOURS[str(stop["status"])],
                tooltip=folium.Tooltip(_tooltip(stop, lang))).add_to(group)
        groups.append(group)
    return groups
