"""The words around a share map: title, date (WIB), sources and method, and its file name."""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Final
from zoneinfo import ZoneInfo

from geo_outreach import __version__
from geo_outreach.analysis.headline import headline
from geo_outreach.i18n import format_km, format_number, format_percent, t
from geo_outreach.render.map_data import map_text
from geo_outreach.render.map_style import BOX_STYLE, DEMO_STYLE, percent_label
from geo_outreach.render.share_layers import ShareLayers, suppression_k

if TYPE_CHECKING:


    from geo_outreach.analysis.result import AnalysisResult
    from geo_outreach.config import Language

WIB: Final = ZoneInfo("Asia/Jakarta")
"""DIY's time zone: the date printed on a shared map is the local one."""


def share_file_name(region: str, suffix: str = ".html") -> str:
    """
    Name a shared file after its kabupaten/kota.

    Parameters
    ----------
    region
        E.g. ``"Kabupaten Sleman"``.
    suffix
        ``".html"``, ``".png"`` or ``".pdf"``.

    Returns
    -------
    str
        E.g. ``"peta-kabupaten-sleman.html"``: lower case, ASCII letters, digits and
        dashes only.
    """
    slug = re.sub(r"[^a-z0-9]+", "-", region.lower()).strip("-") or "wilayah"
    return f"peta-{slug}{suffix}"


def format_date(day: date, lang: Language = "id") -> str:
    """
    Write a date with the month's name: ``"25 November 2025"``, ``"1 Mei 2026"``.

    Parameters
    ----------
    day
        The date.
    lang
        ``"id"`` or ``"en"``.

    Returns
    -------
    str
        Day, month name and year.
    """
    months = t("share.months", lang).split(",")
    return f"{day.day} {months[day.month - 1]} {day.year}"


def today() -> date:
    """Return today's date in DIY (WIB, UTC+7)."""
    return datetime.now(tz=WIB).date()


def sources_and_method(result: AnalysisResult, lang: Language = "id") -> list[str]:
    """
    List where the data come from and how the numbers were made, as plain text lines.

    Parameters
    ----------
    result
        An analysis result.
    lang
        ``"id"`` or ``"en"``.

    Returns
    -------
    list[str]
        Sources first (boundaries, figures, participation, offices, households), then
        the method (coverage formula, target, radius, reach method, cells, privacy).
        Files are named by their base name only, never by their folder.
    """
    inputs = result.inputs
    lines = []
    boundaries = _input_path(inputs, "boundaries")
    lines.append(t("note.boundary_attribution", lang) if _bundled(boundaries)
                 else t("share.source.boundaries_file", lang, file=_file_name(boundaries)))
    if result.is_demo:
        lines += [t("share.source.bundled_figures", lang),
                  t("share.source.participation_demo", lang)]
    else:
        lines.append(t("share.source.participation_file", lang,
                       file=_file_name(_input_path(inputs, "participation"))))
    offices = _input_path(inputs, "offices")
    lines.append(t("share.source.offices_bundled", lang) if _bundled(offices)
                 else t("share.source.offices_file", lang, file=_file_name(offices)))
    network = result.road_network or {}
    if network:
        lines.append(t("share.source.roads", lang, source=network.get("source", "-"),
                       attribution=network.get("attribution", "-")))
    if result.household_summary is not None:
        lines.append(t("share.source.households_demo", lang) if result.households_demo
                     else t("share.source.households_file", lang,
                            file=_file_name(_input_path(inputs, "households"))))
    denominator = t(f"denominator.{result.params.denominator}", lang)
    radius = format_km(result.params.radius_km, lang)
    lines += [
        t("note.coverage_formula", lang, denominator=denominator),
        t("note.target", lang, target=percent_label(result.params.target, lang)),
        t("share.method.radius", lang, radius=radius),
        t("note.reach_method_points" if result.household_summary is not None
          else "note.reach_method_area", lang),
    ]
    if result.household_cells is not None:
        resolution = (result.household_summary or {}).get("h3_resolution", "?")
        lines.append(t("share.method.hexes", lang, resolution=resolution))
    lines.append(t("share.privacy", lang, k=suppression_k(result)))
    return lines


def title_html(result: AnalysisResult, layers: ShareLayers, lang: Language,
               created: date | None) -> str:
    """Write the title box: what, where, target and radius, date, DEMO, offices outside."""
    facts = " · ".join((
        t("note.target", lang, target=percent_label(result.params.target, lang)),
        t("note.radius", lang, radius=format_km(result.params.radius_km, lang)),
    ))
    made = " · ".join((t("share.created", lang, date=format_date(created or today(), lang)),
                       t("share.tool", lang, version=__version__)))
    parts = [
        f'<div style="font-size:15px;font-weight:bold">{map_text(t("share.title", lang))}</div>',
        f'<div style="font-size:14px;font-weight:bold">{map_text(layers.region)}</div>',
        f"<div>{map_text(facts)}</div>",
        *(f'<div class="geo-outreach-headline">{map_text(line)}</div>'
          for line in headline_lines(result, layers, lang)),
        f'<div style="color:#555">{map_text(made)}</div>',
    ]
    for row in layers.outside.itertuples(index=False):
        note = t("share.office_outside", lang, office=row.name, region=layers.region)
        parts.append(f'<div style="color:#01665e;font-style:italic">{map_text(note)}</div>')
    for key, used in (("demo.banner", result.is_demo),
                      ("demo.households", result.households_demo)):
        if used:
            parts.append(f'<div style="{DEMO_STYLE}">{map_text(t(key, lang))}</div>')
    return f'<div style="{BOX_STYLE}max-width:380px">{"".join(parts)}</div>'


def headline_lines(result: AnalysisResult, layers: ShareLayers, lang: Language) -> list[str]:
    """
    Write the kabupaten's headline, the same figures the app and the command line show.

    Parameters
    ----------
    result
        The run.
    layers
        The shared kabupaten.
    lang
        ``"id"`` or ``"en"``.

    Returns
    -------
    list of str
        The participation table's line and, with household points, the register's (its
        counts hidden below ``k`` households, as everywhere in a shared file).
    """
    figures = headline(result, regency=layers.region)
    table = figures.table
    lines = [t("share.headline", lang,
               uncovered=format_number(table.uncovered_within_radius, lang),
               coverage=format_percent(table.coverage_within_radius, lang),
               needed=format_number(table.workers_to_target_within_radius, lang))]
    register = figures.register
    if register is not None:
        k = suppression_k(result)
        hidden = 0 < register.households_within_radius < k
        lines.append(t("share.headline_register", lang,
                       households=f"<{k}" if hidden else format_number(
                           register.households_within_radius, lang),
                       uncovered=f"<{k}" if hidden else format_number(
                           register.register_uncovered_workers_within_radius, lang)))
    return lines


def sources_html(result: AnalysisResult, layers: ShareLayers, lang: Language) -> str:
    """Write the data sources and method, folded away under a summary line."""
    del layers
    items = "".join(f"<li>{map_text(line)}</li>" for line in sources_and_method(result, lang))
    title = map_text(t("share.sources.title", lang))
    return (f'<div style="{BOX_STYLE}"><details><summary>{title}</summary>'
            f"<ul>{items}</ul></details></div>")


def _input_path(inputs: dict[str, dict[str, str]], role: str) -> str:
    return str(inputs.get(role, {}).get("path", ""))


def _bundled(path: str) -> bool:
    return not path or path.startswith(("bundled:", "generated:"))


def _file_name(path: str) -> str:
    """Keep a file's base name only: the folders may name a person or a machine."""
    return Path(path.split(":", 1)[-1] if path.startswith("bundled:") else path).name or "-"
