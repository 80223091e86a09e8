"""
The printable walk sheet: one team's day as a self-contained HTML page (A4, no scripts).

Every text in it is escaped; nothing is loaded from elsewhere. Its columns and header
lines are the CSV/XLSX sheet's (:mod:`geo_outreach.field.walksheets`), with boxes to tick
and room for notes.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Final

from geo_outreach import __version__
from geo_outreach.field.plan import ESTIMATED_LABEL
from geo_outreach.field.sheet_text import SHEET_COLUMNS, header_lines, maps_link, outcome_headers
from geo_outreach.i18n import format_number, t, words

if TYPE_CHECKING:
    from geo_outreach.config import Language
    from geo_outreach.field.plan import RoutePlan, TeamRoute


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
tr.stop td { border-bottom: none; }
tr.outcome td { border-top: 1px dashed #aaa; font-size: 8pt; padding: 2px 6px 6px; }
.field { display: inline-block; margin: 2px 10px 2px 0; white-space: nowrap; }
.field i { display: inline-block; border-bottom: 1px solid #555; width: 3.2em;
           margin-left: 4px; }
tfoot td { font-style: italic; }
footer { margin-top: 10px; font-size: 9pt; color: #333; }
@page { size: A4 landscape; margin: 12mm; }
@media print {
  body { margin: 0; }
  a { color: #000; text-decoration: none; }
  tr { page-break-inside: avoid; } tr.stop { page-break-after: avoid; }
  thead { display: table-header-group; }
}
"""


def _outcome_row(columns: int, lang: Language) -> str:
    """Draw a row of blank boxes under a stop: the paper template's outcome columns."""
    boxes = "".join(f"<span class='field'>{html.escape(header)}<i></i></span>"
                    for header in outcome_headers(lang))
    return f"<tr class='outcome'><td colspan='{columns}'>{boxes}</td></tr>"


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
    title = (f"{t('sheet.title', lang)}: {t('sheet.day', lang)} {route.day}, "
             f"{t('sheet.team', lang)} {route.team}")
    if route.is_estimated:
        title += f" ({ESTIMATED_LABEL[lang]})"
    facts = "".join(f"<dt>{esc(label)}</dt><dd>{esc(value)}</dd>"
                    for label, value in header_lines(plan, route, lang))
    facts += (f"<dt>{esc(t('sheet.date', lang))}</dt><dd><span class='fill'>&nbsp;</span></dd>"
              f"<dt>{esc(t('sheet.officers', lang))}</dt>"
              f"<dd><span class='fill'>&nbsp;</span></dd>")
    head_cells = [SHEET_COLUMNS[key][lang] for key in
                  ("order", "village", "district", "households_visit", "arrival_min", "leg_km")]
    show_label = not (route.stops["label"] == route.stops["village"]).all()
    if show_label:
        head_cells.insert(1, SHEET_COLUMNS["label"][lang])
    head_cells += [SHEET_COLUMNS["maps"][lang]]
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
            (f"<td class='num'>{format_number(float(stop.leg_km), lang, decimals=2)}"
             + (f"<br><small>{esc(ESTIMATED_LABEL[lang])}</small>"
                if bool(getattr(stop, "leg_estimated", False)) else "") + "</td>"),
            (f"<td><a href=\"{esc(link)}\">{esc(t('sheet.open_map', lang))}</a><br>"
             f"<small>{float(stop.lat):.6f}, {float(stop.lon):.6f}</small></td>"),
        ]
        rows.append("<tr class='stop'>" + "".join(cells) + "</tr>"
                    + _outcome_row(len(head_cells), lang))
    back = (f"{t('sheet.back', lang)}: {route.total_min:.0f} "
            f"{t('sheet.minutes_after_start', lang)}")
    footer_row = f"<tr><td colspan='{len(head_cells)}'>{esc(back)}</td></tr>"
    demo = (f"<div class='demo'>{esc(t('sheet.demo', lang))}</div>" if plan.is_demo else "")
    attribution = esc(words(plan.attribution, lang)) if plan.attribution else ""
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
