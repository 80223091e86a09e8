"""
What a field team takes out: walk sheets (CSV, XLSX, printable HTML) and GPX tracks.

Every file is written atomically (:func:`geo_outreach.atomic.atomic_write`). Texts are in
Bahasa Indonesia by default, English on request. The HTML page is self-contained (no
script, font or style sheet from elsewhere), every text in it is escaped, and it prints on
A4. A Google Maps link per stop is only a link (``https://www.google.com/maps/search/?api=1
&query=lat,lon``): nothing is requested from Google. GPX files (written with gpxpy) hold one
track (the road path) and a waypoint per stop, for phones and GPS units.
"""

from __future__ import annotations

import html
import json
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Final

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font

from geo_outreach import __version__
from geo_outreach._errors import OutputError
from geo_outreach.atomic import atomic_write
from geo_outreach.field.gpx import gpx_document
from geo_outreach.field.plan import UNSERVED_REASONS
from geo_outreach.i18n import format_km, format_number, t
from geo_outreach.inputs.bundled import DEMO_LABEL

if TYPE_CHECKING:
    from pathlib import Path

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
    "lat": {"id": "Lintang", "en": "Latitude"},
    "lon": {"id": "Bujur", "en": "Longitude"},
    "maps": {"id": "Tautan Google Maps", "en": "Google Maps link"},
}
"""Walk-sheet headers, in sheet order (``label`` only when it differs from the village)."""

SUMMARY_COLUMNS: Final[dict[str, dict[Language, str]]] = {
    "team": {"id": "Tim", "en": "Team"},
    "stops": {"id": "Jumlah titik", "en": "Stops"},
    "households": {"id": "Rumah tangga dikunjungi", "en": "Households visited"},
    "distance_km": {"id": "Jarak (km)", "en": "Distance (km)"},
    "travel_min": {"id": "Waktu perjalanan (menit)", "en": "Travel time (min)"},
    "service_min": {"id": "Waktu kunjungan (menit)", "en": "Visiting time (min)"},
    "total_min": {"id": "Total waktu (menit)", "en": "Total time (min)"},
    "budget_min": {"id": "Anggaran waktu (menit)", "en": "Time budget (min)"},
}

UNSERVED_COLUMNS: Final[dict[str, dict[Language, str]]] = {
    "stop_id": SHEET_COLUMNS["stop_id"],
    "label": SHEET_COLUMNS["label"],
    "village": SHEET_COLUMNS["village"],
    "district": SHEET_COLUMNS["district"],
    "households_visit": {"id": "Rumah tangga", "en": "Households"},
    "reason": {"id": "Alasan", "en": "Reason"},
    "lat": SHEET_COLUMNS["lat"],
    "lon": SHEET_COLUMNS["lon"],
    "maps": SHEET_COLUMNS["maps"],
}


FILE_NAMES: Final = {
    "sheet": "tim_{team:02d}_lembar_kunjungan",
    "gpx": "tim_{team:02d}_rute.gpx",
    "summary": "ringkasan_tim.csv",
    "unserved": "titik_tidak_terlayani.csv",
    "manifest": "rute.json",
}
"""Output names (Bahasa Indonesia, the users' language, whatever the header language)."""

SHEET_SUFFIXES: Final = (".csv", ".xlsx", ".html")
"""Each team's walk sheet is written in these three forms."""


def output_names(teams: int) -> list[str]:
    """
    Name every file :func:`write_route_outputs` may write for a number of teams.

    Parameters
    ----------
    teams
        How many teams go out (a team without stops gets no files).

    Returns
    -------
    list of str
        Walk sheets and GPX per team, then the summary, unserved stops and manifest.
    """
    per_team = [name for team in range(1, teams + 1) for name in (
        *(FILE_NAMES["sheet"].format(team=team) + suffix for suffix in SHEET_SUFFIXES),
        FILE_NAMES["gpx"].format(team=team))]
    return [*per_team, FILE_NAMES["summary"], FILE_NAMES["unserved"], FILE_NAMES["manifest"]]

CSV_ENCODING: Final = "utf-8-sig"
"""With a byte-order mark, so spreadsheet programs open the walk sheets as UTF-8."""


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


def walk_sheet(route: TeamRoute, *, lang: Language = "id") -> pd.DataFrame:
    """
    Tabulate one team's stops in visiting order, with localised headers.

    Parameters
    ----------
    route
        One team's route.
    lang
        ``"id"`` (default) or ``"en"`` headers.

    Returns
    -------
    pd.DataFrame
        One row per stop: order, code, (stop,) village, district, households to visit,
        expected arrival in whole minutes from the start, km from the previous point,
        latitude, longitude, Google Maps link.
    """
    stops = route.stops
    table = pd.DataFrame({
        "order": stops["order"].astype(int).to_numpy(),
        "stop_id": stops["stop_id"].to_numpy(),
        "label": stops["label"].to_numpy(),
        "village": stops["village"].to_numpy(),
        "district": stops["district"].to_numpy(),
        "households_visit": stops["households_visit"].astype(int).to_numpy(),
        "arrival_min": np.round(stops["arrival_min"].to_numpy(float)).astype(int),
        "leg_km": np.round(stops["leg_km"].to_numpy(float), 2),
        "lat": stops["lat"].to_numpy(float),
        "lon": stops["lon"].to_numpy(float),
        "maps": [maps_link(lat, lon) for lat, lon in zip(stops["lat"], stops["lon"],
                                                         strict=True)],
    })
    if (table["label"] == table["village"]).all():
        table = table.drop(columns="label")
    return table.rename(columns={key: SHEET_COLUMNS[key][lang] for key in table.columns})


def summary_table(plan: RoutePlan, *, lang: Language = "id") -> pd.DataFrame:
    """
    Tabulate the teams with localised headers (minutes and km rounded for reading).

    Parameters
    ----------
    plan
        The route plan.
    lang
        Header language.

    Returns
    -------
    pd.DataFrame
        One row per team (see :meth:`geo_outreach.field.plan.RoutePlan.summary`).
    """
    table = plan.summary()
    for column in ("travel_min", "service_min", "total_min", "budget_min"):
        table[column] = table[column].round(1)
    table["distance_km"] = table["distance_km"].round(2)
    return table.rename(columns={key: SUMMARY_COLUMNS[key][lang] for key in table.columns})


def unserved_table(plan: RoutePlan, *, lang: Language = "id") -> pd.DataFrame:
    """
    Tabulate the stops no team visits, with the reason in words.

    Parameters
    ----------
    plan
        The route plan.
    lang
        Header and reason language.

    Returns
    -------
    pd.DataFrame
        One row per stop left over, most households first.
    """
    table = plan.unserved.copy()
    table["reason"] = [UNSERVED_REASONS[reason][lang] for reason in table["reason"]]
    table["maps"] = [maps_link(lat, lon) for lat, lon in zip(table["lat"], table["lon"],
                                                             strict=True)]
    table = table[list(UNSERVED_COLUMNS)]
    return table.rename(columns={key: UNSERVED_COLUMNS[key][lang] for key in table.columns})


def _header_lines(plan: RoutePlan, route: TeamRoute, lang: Language) -> list[tuple[str, str]]:
    """List the facts above a walk sheet as (label, value) pairs."""
    mode = t(f"sheet.{plan.settings.mode}", lang)
    return [
        (t("sheet.office", lang), plan.office_name or plan.office_id),
        (t("sheet.mode", lang),
         f"{mode}, {format_number(plan.settings.speed, lang, decimals=1)} km/h"),
        (t("sheet.stops", lang), str(len(route.stops))),
        (t("sheet.households", lang), format_number(route.households, lang)),
        (t("sheet.distance", lang), format_km(route.distance_km, lang, decimals=1)),
        (t("sheet.time", lang), (f"{route.total_min:.0f} / {plan.settings.hours * 60:.0f} "
                                 f"{'menit' if lang == 'id' else 'min'}")),
        (t("sheet.roads", lang), f"{plan.network_source}. {plan.attribution}".strip(". ")),
    ]


_PRINT_CSS: Final = """
body { font: 11pt/1.35 "DejaVu Sans", Arial, sans-serif; color: #111; margin: 16px; }
h1 { font-size: 16pt; margin: 0 0 6px; }
.demo { display: inline-block; background: #b2182b; color: #fff; padding: 2px 8px;
        font-weight: bold; margin-bottom: 6px; }
dl { display: grid; grid-template-columns: max-content auto; gap: 2px 12px; margin: 6px 0; }
dt { font-weight: bold; } dd { margin: 0; }
.fill { border-bottom: 1px solid #555; min-width: 18em; display: inline-block; }
table { border-collapse: collapse; width: 100%; margin-top: 8px; }
th, td { border: 1px solid #777; padding: 4px 6px; vertical-align: top; text-align: left; }
th { background: #e8e8e8; }
td.num { text-align: right; }
td.box { width: 2.2em; } td.notes { width: 22%; }
tfoot td { font-style: italic; }
footer { margin-top: 10px; font-size: 9pt; color: #333; }
@page { size: A4 landscape; margin: 12mm; }
@media print {
  body { margin: 0; }
  a { color: #000; text-decoration: none; }
  tr { page-break-inside: avoid; }
  thead { display: table-header-group; }
}
"""


def walk_sheet_html(plan: RoutePlan, route: TeamRoute, *, lang: Language = "id") -> str:
    """
    Render one team's walk sheet as a printable, self-contained HTML page.

    Parameters
    ----------
    plan
        The route plan.
    route
        The team's route.
    lang
        Page language.

    Returns
    -------
    str
        The page. All text is escaped; nothing is loaded from elsewhere.
    """
    esc = html.escape
    title = f"{t('sheet.title', lang)}: {t('sheet.team', lang)} {route.team}"
    facts = "".join(f"<dt>{esc(label)}</dt><dd>{esc(value)}</dd>"
                    for label, value in _header_lines(plan, route, lang))
    facts += (f"<dt>{esc(t('sheet.date', lang))}</dt><dd><span class='fill'>&nbsp;</span></dd>"
              f"<dt>{esc(t('sheet.officers', lang))}</dt>"
              f"<dd><span class='fill'>&nbsp;</span></dd>")
    head_cells = [SHEET_COLUMNS[key][lang] for key in
                  ("order", "village", "district", "households_visit", "arrival_min", "leg_km")]
    show_label = not (route.stops["label"] == route.stops["village"]).all()
    if show_label:
        head_cells.insert(1, SHEET_COLUMNS["label"][lang])
    head_cells += [SHEET_COLUMNS["maps"][lang], t("sheet.done", lang), t("sheet.notes", lang)]
    header = "".join(f"<th>{esc(cell)}</th>" for cell in head_cells)
    rows = []
    for stop in route.stops.itertuples(index=False):
        link = maps_link(float(stop.lat), float(stop.lon))
        cells = [f"<td class='num'>{int(stop.order)}</td>"]
        if show_label:
            cells.append(f"<td>{esc(str(stop.label))}</td>")
        cells += [
            f"<td>{esc(str(stop.village))}</td>",
            f"<td>{esc(str(stop.district))}</td>",
            f"<td class='num'>{int(stop.households_visit)}</td>",
            f"<td class='num'>{round(float(stop.arrival_min))}</td>",
            f"<td class='num'>{format_number(float(stop.leg_km), lang, decimals=2)}</td>",
            (f"<td><a href=\"{esc(link)}\">{esc(t('sheet.open_map', lang))}</a><br>"
             f"<small>{float(stop.lat):.6f}, {float(stop.lon):.6f}</small></td>"),
            "<td class='box'>&#9744;</td>",
            "<td class='notes'></td>",
        ]
        rows.append("<tr>" + "".join(cells) + "</tr>")
    back = (f"{t('sheet.back', lang)}: {route.total_min:.0f} "
            f"{t('sheet.minutes_after_start', lang)}")
    footer_row = f"<tr><td colspan='{len(head_cells)}'>{esc(back)}</td></tr>"
    demo = (f"<div class='demo'>{esc(t('sheet.demo', lang))}</div>" if plan.is_demo else "")
    attribution = esc(plan.attribution) if plan.attribution else ""
    return (
        f"<!DOCTYPE html>\n<html lang='{lang}'><head><meta charset='utf-8'>"
        f"<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{esc(title)}</title><style>{_PRINT_CSS}</style></head><body>"
        f"{demo}<h1>{esc(title)}</h1><dl>{facts}</dl>"
        f"<table><thead><tr>{header}</tr></thead><tbody>{''.join(rows)}</tbody>"
        f"<tfoot>{footer_row}</tfoot></table>"
        f"<footer>geo-outreach {esc(__version__)}. {attribution}</footer>"
        f"</body></html>\n"
    )


def _write_xlsx(path: Path, table: pd.DataFrame, info: list[tuple[str, str]],
                lang: Language) -> None:
    """Write a walk sheet to Excel: the table (links clickable) and an info sheet."""
    book = Workbook()
    sheet = book.active
    sheet.title = t("sheet.title", lang)[:31]
    sheet.append(list(table.columns))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    link_column = SHEET_COLUMNS["maps"][lang]
    link_position = list(table.columns).index(link_column) + 1
    for row in table.itertuples(index=False):
        sheet.append([value.item() if isinstance(value, np.generic) else value
                      for value in row])
        cell = sheet.cell(row=sheet.max_row, column=link_position)
        cell.hyperlink = cell.value
        cell.style = "Hyperlink"
    for index, column in enumerate(table.columns, start=1):
        width = max([len(str(column)), *(len(str(v)) for v in table[column])]) + 2
        sheet.column_dimensions[sheet.cell(row=1, column=index).column_letter].width = min(
            width, 60)
    sheet.freeze_panes = "A2"
    details = book.create_sheet(t("sheet.info", lang))
    for label, value in info:
        details.append([label, value])
    book.save(path)


def write_route_outputs(plan: RoutePlan, out_dir: Path, *, lang: Language = "id") -> list[Path]:
    """
    Write everything the teams and their supervisor need into a folder.

    Per team with stops: ``tim_NN_lembar_kunjungan.csv``, ``.xlsx`` and ``.html`` (the
    walk sheet) and ``tim_NN_rute.gpx``; for all: ``ringkasan_tim.csv`` (per team),
    ``titik_tidak_terlayani.csv`` (stops left over, with the reason) and ``rute.json``
    (settings, network, totals).

    Parameters
    ----------
    plan
        The route plan.
    out_dir
        The folder; created if missing.
    lang
        Language of headers and texts (file names stay Indonesian).

    Returns
    -------
    list of Path
        The files written.

    Raises
    ------
    OutputError
        If the folder cannot be written.
    """
    if out_dir.exists() and not out_dir.is_dir():
        raise OutputError(f"{out_dir} is a file, not a folder: give --out a folder name")
    written: list[Path] = []
    try:
        for route in plan.routes:
            if route.stops.empty:
                continue
            stem = FILE_NAMES["sheet"].format(team=route.team)
            table = walk_sheet(route, lang=lang)
            info = [(t("sheet.team", lang), str(route.team)), *_header_lines(plan, route, lang)]
            if plan.is_demo:
                info.insert(0, (DEMO_LABEL, t("sheet.demo", lang)))
            page = walk_sheet_html(plan, route, lang=lang)
            gpx_text = gpx_document(plan, route, lang=lang).to_xml(version="1.1")
            written += [
                atomic_write(out_dir / f"{stem}.csv",
                             lambda p, t=table: t.to_csv(p, index=False, encoding=CSV_ENCODING)),
                atomic_write(out_dir / f"{stem}.xlsx",
                             lambda p, t=table, i=info: _write_xlsx(p, t, i, lang)),
                atomic_write(out_dir / f"{stem}.html",
                             lambda p, h=page: p.write_text(h, encoding="utf-8")),
                atomic_write(out_dir / FILE_NAMES["gpx"].format(team=route.team),
                             lambda p, g=gpx_text: p.write_text(g, encoding="utf-8")),
            ]
        summary = summary_table(plan, lang=lang)
        unserved = unserved_table(plan, lang=lang)
        manifest = json.dumps(route_manifest(plan), indent=2, ensure_ascii=False)
        written += [
            atomic_write(out_dir / FILE_NAMES["summary"],
                         lambda p: summary.to_csv(p, index=False, encoding=CSV_ENCODING)),
            atomic_write(out_dir / FILE_NAMES["unserved"],
                         lambda p: unserved.to_csv(p, index=False, encoding=CSV_ENCODING)),
            atomic_write(out_dir / FILE_NAMES["manifest"],
                         lambda p: p.write_text(manifest + "\n", encoding="utf-8")),
        ]
    except PermissionError as err:
        raise OutputError(f"cannot write into {out_dir}: {err.strerror}; "
                          "choose another --out folder") from err
    return written


def route_manifest(plan: RoutePlan) -> dict[str, object]:
    """
    Describe a route plan: settings, network, solver status and totals.

    Parameters
    ----------
    plan
        The route plan.

    Returns
    -------
    dict
        JSON-serialisable; written as ``rute.json``.
    """
    settings = plan.settings
    return {
        "tool": "geo-outreach",
        "version": __version__,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "data_label": DEMO_LABEL if plan.is_demo else "",
        "office_id": plan.office_id,
        "office_name": plan.office_name,
        "start": {"lat": round(plan.start.y, 6), "lon": round(plan.start.x, 6)},
        "end": {"lat": round(plan.end.y, 6), "lon": round(plan.end.x, 6)},
        "settings": {
            "teams": settings.teams, "hours": settings.hours, "mode": settings.mode,
            "speed_kmh": settings.speed, "minutes_per_household": settings.minutes_per_household,
            "max_households_per_stop": settings.max_households_per_stop,
            "one_way_rules": settings.keeps_one_way, "time_limit_s": settings.time_limit_s,
        },
        "road_network": {"source": plan.network_source, "attribution": plan.attribution},
        "solver_status": plan.solver_status,
        "totals": {
            "households_visited": plan.households,
            "distance_km": round(plan.distance_km, 3),
            "stops_served": int(sum(len(route.stops) for route in plan.routes)),
            "stops_not_served": len(plan.unserved),
        },
    }
