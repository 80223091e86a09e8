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

import json
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Final

import numpy as np
import pandas as pd
from openpyxl import Workbook

from geo_outreach import __version__
from geo_outreach._errors import OutputError
from geo_outreach.atomic import atomic_write
from geo_outreach.field.gpx import gpx_document
from geo_outreach.field.plan import ESTIMATED_LABEL, UNSERVED_REASONS
from geo_outreach.field.sheet_text import (
    SHEET_COLUMNS,
    header_lines,
    maps_link,
    outcome_headers,
)
from geo_outreach.field.walksheet_html import walk_sheet_html
from geo_outreach.i18n import t
from geo_outreach.inputs.bundled import DEMO_LABEL
from geo_outreach.spreadsheet import append_row, write_csv, write_sheet

if TYPE_CHECKING:
    from pathlib import Path

    from geo_outreach.config import Language
    from geo_outreach.field.plan import RoutePlan, TeamRoute

SUMMARY_COLUMNS: Final[dict[str, dict[Language, str]]] = {
    "day": {"id": "Hari ke-", "en": "Day"},
    "team": {"id": "Tim", "en": "Team"},
    "teams": {"id": "Tim bertugas", "en": "Teams out"},
    "stops": {"id": "Jumlah titik", "en": "Stops"},
    "households": {"id": "Rumah tangga dikunjungi", "en": "Households visited"},
    "distance_km": {"id": "Jarak (km)", "en": "Distance (km)"},
    "estimated_km": {"id": "Jarak perkiraan tanpa jaringan jalan (km)",
                     "en": "Estimated distance, no road network (km)"},
    "travel_min": {"id": "Waktu perjalanan (menit)", "en": "Travel time (min)"},
    "service_min": {"id": "Waktu kunjungan (menit)", "en": "Visiting time (min)"},
    "total_min": {"id": "Total waktu (menit)", "en": "Total time (min)"},
    "budget_min": {"id": "Anggaran waktu (menit)", "en": "Time budget (min)"},
    "unused_min": {"id": "Sisa waktu (menit)", "en": "Time left (min)"},
}

UNSERVED_COLUMNS: Final[dict[str, dict[Language, str]]] = {
    "stop_id": SHEET_COLUMNS["stop_id"],
    "label": SHEET_COLUMNS["label"],
    "village": SHEET_COLUMNS["village"],
    "district": SHEET_COLUMNS["district"],
    "households_visit": {"id": "Rumah tangga", "en": "Households"},
    "priority": {"id": "Prioritas", "en": "Priority"},
    "reason": {"id": "Alasan", "en": "Reason"},
    "lat": SHEET_COLUMNS["lat"],
    "lon": SHEET_COLUMNS["lon"],
    "maps": SHEET_COLUMNS["maps"],
}


FILE_NAMES: Final = {
    "sheet": "hari_{day}_tim_{team:02d}_lembar_kunjungan",
    "gpx": "hari_{day}_tim_{team:02d}_rute.gpx",
    "summary": "ringkasan_tim.csv",
    "week": "ringkasan_minggu.csv",
    "unserved": "titik_tidak_terlayani.csv",
    "manifest": "rute.json",
}
"""Output names (Bahasa Indonesia, the users' language, whatever the header language)."""

SHEET_SUFFIXES: Final = (".csv", ".xlsx", ".html")
"""Each team's walk sheet is written in these three forms."""


def output_names(teams: int, days: int = 1) -> list[str]:
    """
    Name every file :func:`write_route_outputs` may write for a number of teams and days.

    Parameters
    ----------
    teams
        How many teams go out (a team without stops on a day gets no files for it).
    days
        Working days planned.

    Returns
    -------
    list of str
        Walk sheets and GPX per day and team, then the summaries, unserved stops and
        manifest.
    """
    per_team = [name for day in range(1, days + 1) for team in range(1, teams + 1)
                for name in (
                    *(FILE_NAMES["sheet"].format(day=day, team=team) + suffix
                      for suffix in SHEET_SUFFIXES),
                    FILE_NAMES["gpx"].format(day=day, team=team))]
    return [*per_team, FILE_NAMES["summary"], FILE_NAMES["week"], FILE_NAMES["unserved"],
            FILE_NAMES["manifest"]]

CSV_ENCODING: Final = "utf-8-sig"
"""With a byte-order mark, so spreadsheet programs open the walk sheets as UTF-8."""


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
        expected arrival in whole minutes from the start, km from the previous point
        (and "perkiraan, tanpa jaringan jalan" where it is estimated), latitude,
        longitude, Google Maps link; then the blank outcome columns of the paper
        template (:func:`geo_outreach.field.sheet_text.outcome_headers`).
    """
    stops = route.stops
    estimated = stops["leg_estimated"].to_numpy(bool) if "leg_estimated" in stops else (
        np.zeros(len(stops), dtype=bool))
    table = pd.DataFrame({
        "order": stops["order"].astype(int).to_numpy(),
        "stop_id": stops["stop_id"].to_numpy(),
        "label": stops["label"].to_numpy(),
        "village": stops["village"].to_numpy(),
        "district": stops["district"].to_numpy(),
        "households_visit": stops["households_visit"].astype(int).to_numpy(),
        "arrival_min": np.round(stops["arrival_min"].to_numpy(float)).astype(int),
        "leg_km": np.round(stops["leg_km"].to_numpy(float), 2),
        "leg_note": np.where(estimated, ESTIMATED_LABEL[lang], ""),
        "lat": stops["lat"].to_numpy(float),
        "lon": stops["lon"].to_numpy(float),
        "maps": [maps_link(lat, lon) for lat, lon in zip(stops["lat"], stops["lon"],
                                                         strict=True)],
    })
    if (table["label"] == table["village"]).all():
        table = table.drop(columns="label")
    if not estimated.any():
        table = table.drop(columns="leg_note")
    table = table.rename(columns={key: SHEET_COLUMNS[key][lang] for key in table.columns})
    for header in outcome_headers(lang):  # filled in by hand, typed into hasil_kertas.csv
        table[header] = ""
    return table


def summary_table(plan: RoutePlan, *, lang: Language = "id") -> pd.DataFrame:
    """
    Tabulate the teams day by day with localised headers (minutes and km rounded).

    Parameters
    ----------
    plan
        The route plan.
    lang
        Header language.

    Returns
    -------
    pd.DataFrame
        One row per day and team (see :meth:`geo_outreach.field.plan.RoutePlan.summary`).
    """
    return _rounded(plan.summary(), lang)


def week_table(plan: RoutePlan, *, lang: Language = "id") -> pd.DataFrame:
    """
    Tabulate the days of the plan with localised headers, and a total row.

    Parameters
    ----------
    plan
        The route plan.
    lang
        Header language.

    Returns
    -------
    pd.DataFrame
        One row per day (see :meth:`geo_outreach.field.plan.RoutePlan.week_summary`)
        and the total ("Total").
    """
    days = plan.week_summary()
    total = days.drop(columns="day").sum().to_frame().T
    total.insert(0, "day", "Total")
    return _rounded(pd.concat([days.astype({"day": object}), total], ignore_index=True), lang)


def _rounded(table: pd.DataFrame, lang: Language) -> pd.DataFrame:
    """Round minutes to 0.1 and km to 0.01 for reading, and name the columns."""
    table = table.copy()
    for column in ("travel_min", "service_min", "total_min", "budget_min", "unused_min"):
        if column in table:
            table[column] = table[column].astype(float).round(1)
    for column in ("distance_km", "estimated_km"):
        if column in table:
            table[column] = table[column].astype(float).round(2)
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
        One row per stop left over, highest priority first.
    """
    table = plan.unserved.copy()
    table["reason"] = [UNSERVED_REASONS[reason][lang] for reason in table["reason"]]
    table["maps"] = [maps_link(lat, lon) for lat, lon in zip(table["lat"], table["lon"],
                                                             strict=True)]
    table = table[list(UNSERVED_COLUMNS)]
    return table.rename(columns={key: UNSERVED_COLUMNS[key][lang] for key in table.columns})


def _write_xlsx(path: Path, table: pd.DataFrame, info: list[tuple[str, str]],
                lang: Language) -> None:
    """Write a walk sheet to Excel: the table (links clickable) and an info sheet."""
    book = Workbook()
    sheet = book.active
    sheet.title = t("sheet.title", lang)[:31]
    write_sheet(sheet, table, link_column=SHEET_COLUMNS["maps"][lang])
    details = book.create_sheet(t("sheet.info", lang))
    for label, value in info:
        append_row(details, [label, value])
    book.save(path)


def write_route_outputs(plan: RoutePlan, out_dir: Path, *, lang: Language = "id") -> list[Path]:
    """
    Write everything the teams and their supervisor need into a folder.

    Per day and team with stops: ``hari_D_tim_NN_lembar_kunjungan.csv``, ``.xlsx`` and
    ``.html`` (the walk sheet) and ``hari_D_tim_NN_rute.gpx``; for all:
    ``ringkasan_tim.csv`` (per day and team), ``ringkasan_minggu.csv`` (per day, with the
    total), ``titik_tidak_terlayani.csv`` (stops left over, with the reason) and
    ``rute.json`` (settings, network, totals).

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
            stem = FILE_NAMES["sheet"].format(day=route.day, team=route.team)
            table = walk_sheet(route, lang=lang)
            info = [(t("sheet.team", lang), str(route.team)), *header_lines(plan, route, lang)]
            if plan.is_demo:
                info.insert(0, (DEMO_LABEL, t("sheet.demo", lang)))
            page = walk_sheet_html(plan, route, lang=lang)
            gpx_text = gpx_document(plan, route, lang=lang).to_xml(version="1.1")
            written += [
                atomic_write(out_dir / f"{stem}.csv",
                             lambda p, t=table: write_csv(t, p, encoding=CSV_ENCODING)),
                atomic_write(out_dir / f"{stem}.xlsx",
                             lambda p, t=table, i=info: _write_xlsx(p, t, i, lang)),
                atomic_write(out_dir / f"{stem}.html",
                             lambda p, h=page: p.write_text(h, encoding="utf-8")),
                atomic_write(out_dir / FILE_NAMES["gpx"].format(day=route.day, team=route.team),
                             lambda p, g=gpx_text: p.write_text(g, encoding="utf-8")),
            ]
        summary = summary_table(plan, lang=lang)
        week = week_table(plan, lang=lang)
        unserved = unserved_table(plan, lang=lang)
        manifest = json.dumps(route_manifest(plan), indent=2, ensure_ascii=False)
        written += [
            atomic_write(out_dir / FILE_NAMES["summary"],
                         lambda p: write_csv(summary, p, encoding=CSV_ENCODING)),
            atomic_write(out_dir / FILE_NAMES["week"],
                         lambda p: write_csv(week, p, encoding=CSV_ENCODING)),
            atomic_write(out_dir / FILE_NAMES["unserved"],
                         lambda p: write_csv(unserved, p, encoding=CSV_ENCODING)),
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
            "teams": settings.teams, "days": settings.days, "hours": settings.hours,
            "mode": settings.mode, "speed_kmh": settings.speed,
            "minutes_per_household": settings.minutes_per_household,
            "visit_minutes": settings.sitting_minutes,
            "households_per_stop": settings.households_per_stop,
            "one_way_rules": settings.keeps_one_way, "time_limit_s": settings.time_limit_s,
            "solver": plan.solver,
        },
        "road_network": {"source": plan.network_source, "attribution": plan.attribution},
        "estimated_legs": {
            "label": ESTIMATED_LABEL["id"],
            "detour_factor": plan.detour_factor,
            "method": "straight-line distance × the median road/straight ratio of 4,000 "
                      "random road-point pairs 0.5-10 km apart on the bundled Kota "
                      "Yogyakarta OpenStreetMap network",
            "distance_km": round(plan.estimated_km, 3),
        },
        "solver_status": plan.solver_status,
        "solve_s": round(plan.solve_s, 3),
        "totals": {
            "households_visited": plan.households,
            "distance_km": round(plan.distance_km, 3),
            "stops_served": int(sum(len(route.stops) for route in plan.routes)),
            "stops_not_served": len(plan.unserved),
            "not_served_by_reason": {str(k): int(v) for k, v in
                                     plan.unserved["reason"].value_counts().items()},
        },
        "days": [{key: (value.item() if hasattr(value, "item") else value)
                  for key, value in row.items()}
                 for row in plan.week_summary().round(3).to_dict(orient="records")],
    }
