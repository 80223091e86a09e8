"""
The map of a placement: where the uncovered workers outside every radius are, and the new sites.

:func:`placement_map` draws the villages shaded by the uncovered workers no existing office
reaches (grey where there are none), the existing offices and their radius rings (thin,
grey-blue), and, for a placement (:func:`geo_outreach.analysis.placement.place_sites`), the
new sites' rings (orange, dashed) and their markers, numbered by rank, with a tooltip: the
site's name, its kalurahan, the workers it newly covers and the villages it reaches. Without
a placement it is the map a branch head reads before choosing N.

It is drawn as the coverage map is (:mod:`geo_outreach.render.maps`): offline (Leaflet
inlined or served by the app), tooltips rather than popups, names HTML-escaped, a legend
that folds, a title box and the boundaries' credit. Where household points place a village's
share inside the radius and fewer than k households lie there, the village shows its colour
class only, never its count (:func:`geo_outreach.privacy.shareable`).
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING, Any, Final

import folium
import numpy as np
import pandas as pd

from geo_outreach.i18n import format_km, format_number, t
from geo_outreach.privacy import DEFAULT_K
from geo_outreach.render.map_assets import drop_cdn_assets
from geo_outreach.render.map_data import (
    COORDINATE_DECIMALS,
    MAX_ZOOM,
    feature_collection,
    finite_geometry,
    fit_to_data,
    map_centre,
    map_text,
    select_regency,
    shareable_map_data,
)
from geo_outreach.render.map_layers import add_basemap, outline_layer
from geo_outreach.render.map_style import (
    BACKGROUND_COLOUR,
    BOX_STYLE,
    DEMO_STYLE,
    DISTRICT_COLOUR,
    LEGEND_BODY_STYLE,
    NO_DATA_COLOUR,
    REGENCY_COLOUR,
    fold_button,
    numbered_marker,
)
from geo_outreach.render.maps import CornerControl, MapSetup
from geo_outreach.render.share_layers import suppression_k

if TYPE_CHECKING:
    import geopandas as gpd

    from geo_outreach.analysis.placement import Placement
    from geo_outreach.analysis.result import AnalysisResult
    from geo_outreach.config import Language

OUTSIDE_COLOURS: Final = ("#f2f0f7", "#cbc9e2", "#9e9ac8", "#756bb1", "#54278f")
"""ColorBrewer Purples (colour-blind safe, and apart from the new sites' orange): few to
many uncovered workers outside every radius."""
OUTSIDE_QUANTILES: Final = (0.2, 0.4, 0.6, 0.8)
"""Class limits: quintiles of the villages with any such workers, rounded (see
:func:`outside_breaks`)."""
EXISTING_COLOUR: Final = "#5b7a99"
"""The existing offices and their rings: grey-blue, thin."""
SITE_COLOUR: Final = "#e66101"
"""The new sites, their rings and markers: orange (PuOr's, colour-blind safe)."""
SITE_RING_STYLE: Final = {"color": SITE_COLOUR, "weight": 3.0, "fill": False,
                          "opacity": 1.0, "dashArray": "10 6"}
EXISTING_RING_STYLE: Final = {"color": EXISTING_COLOUR, "weight": 1.5, "fill": False,
                              "opacity": 0.9}
SITE_MARKER_PX: Final = 11
"""Radius of a new site's marker; its rank is written inside."""


def placement_map(result: AnalysisResult, placement: Placement | None = None, *,
                  lang: Language = "id", regency: str | None = None, basemap: bool = True,
                  inline_assets: bool = True, asset_base_url: str | None = None
                  ) -> folium.Map:
    """
    Draw the uncovered workers outside every radius, the existing offices and the new sites.

    Parameters
    ----------
    result
        The analysis the placement was made on (its villages, offices and radius).
    placement
        The new sites (:func:`geo_outreach.analysis.placement.place_sites`); None draws
        the villages and existing offices only (the map before choosing).
    lang
        ``"id"`` (Bahasa Indonesia) or ``"en"``.
    regency
        Without a placement: open on this kabupaten/kota (name or code). With one, on its
        own scope (``settings.regency``, where the sites may stand). All of the study
        area is drawn either way: the sites reach workers across its borders.
    basemap
        Offer an OpenStreetMap layer, off by default (it needs the internet).
    inline_assets, asset_base_url
        As for :func:`geo_outreach.render.maps.coverage_map`: Leaflet written into the
        page, or loaded from ``{asset_base_url}leaflet.js`` (the app's static folder).

    Returns
    -------
    folium.Map
        The villages shaded by the uncovered workers outside every radius (from
        the placement's source: the participation table, or the household register), with
        a tooltip each (the workers the new sites newly cover there, and the sites); the
        kapanewon and kabupaten borders; the existing rings and offices; the new sites'
        rings and numbered markers; a legend that folds, a title box and the credit;
        fitted to the kabupaten/kota, or to all the villages.

    Raises
    ------
    InputError
        When ``regency`` names no kabupaten/kota of the result.
    """
    scope = placement.settings.regency if placement is not None else regency
    data = shareable_map_data(select_regency(result, None), result)
    region = select_regency(result, scope).region if scope else None
    outside, hidden = village_outside(result, data.villages, placement)
    breaks = outside_breaks(outside)
    fmap = folium.Map(location=map_centre(data), tiles=None, zoom_start=10, control_scale=True,
                      zoom_control="bottomleft", font_size="0.8rem")
    fmap.options["max_zoom"] = MAX_ZOOM  # folium gives max_zoom to tiles only; there are none
    if basemap:
        add_basemap(fmap, lang)
    village_layer(data.villages, outside, hidden=hidden, breaks=breaks, placement=placement,
                  result=result, lang=lang).add_to(fmap)
    outline_layer(data.districts, t("map.layer.districts", lang), DISTRICT_COLOUR,
                  weight=0.8).add_to(fmap)
    outline_layer(data.regencies, t("map.layer.regencies", lang), REGENCY_COLOUR,
                  weight=2.0).add_to(fmap)
    radius = format_km(result.params.radius_km, lang)
    if len(data.discs):
        ring_layer(data.discs, t("placement_map.layer.office_rings", lang, radius=radius),
                   EXISTING_RING_STYLE).add_to(fmap)
    if placement is not None and len(placement.discs):
        site_radius = format_km(placement.settings.radius_km, lang)
        ring_layer(placement.discs, t("placement_map.layer.site_rings", lang,
                                      radius=site_radius), SITE_RING_STYLE).add_to(fmap)
    if len(data.offices):
        office_markers(data.offices, lang).add_to(fmap)
    if placement is not None and len(placement.sites):
        site_markers(placement, lang, k=suppression_k(result)).add_to(fmap)
    CornerControl(title_html(result, region, placement, lang), position="topleft",
                  css_class="geo-outreach-title").add_to(fmap)
    CornerControl(legend_html(result, outside, breaks, placement, lang),
                  position="bottomright", css_class="geo-outreach-legend").add_to(fmap)
    MapSetup(background=BACKGROUND_COLOUR,
             attribution=map_text(t("note.boundary_attribution", lang))).add_to(fmap)
    folium.LayerControl(collapsed=True).add_to(fmap)
    scoped = select_regency(result, region).villages.to_crs("EPSG:4326") if region else None
    fit_to_data(fmap, data, None if scoped is None else tuple(scoped.total_bounds))
    return drop_cdn_assets(fmap, inline=inline_assets and asset_base_url is None,
                           asset_base_url=asset_base_url)


# --- what is drawn ----------------------------------------------------------------
def village_outside(result: AnalysisResult, villages: pd.DataFrame,
                    placement: Placement | None) -> tuple[np.ndarray, np.ndarray]:
    """
    Give each village's uncovered workers outside every radius, and whose count is hidden.

    Parameters
    ----------
    result
        The analysis.
    villages
        The villages shown, as :func:`geo_outreach.privacy.shareable` leaves them.
    placement
        With ``source="register"``, its demand (the register's unregistered workers of
        households beyond every radius) is summed per village; otherwise the participation
        table's figure, ``uncovered × (1 − share within the radius)``, as the placement's
        demand spreads it.

    Returns
    -------
    tuple of numpy.ndarray
        The workers (float, 0 where none) and a flag per village: True where the count
        must not be shown (fewer than k households decide it).
    """
    codes = villages["code"].astype(str)
    exact = result.villages.set_index(result.villages["code"].astype(str))
    hidden = np.zeros(len(villages), dtype=bool)
    if placement is not None and placement.demand.source == "register":
        demand = placement.demand
        village = pd.Series(demand.village, dtype=str)
        sums = pd.Series(demand.workers, dtype=float).groupby(village).sum()
        outside = sums.reindex(codes).fillna(0.0).to_numpy(float)
        if demand.households is not None:  # the households behind each village's count
            counts = pd.Series(demand.households, dtype=float).groupby(village).sum()
            few = counts.reindex(codes).fillna(0.0).to_numpy(float)
            hidden = (few > 0) & (few < suppression_k(result))
        return outside, hidden
    uncovered = pd.to_numeric(exact["uncovered"], errors="coerce").fillna(0).clip(lower=0)
    share = pd.to_numeric(exact["share_within_radius"], errors="coerce").fillna(0)
    outside = (uncovered * (1 - share)).reindex(codes).fillna(0.0).to_numpy(float)
    if result.household_summary is not None and "share_within_radius" in villages.columns:
        hidden = villages["share_within_radius"].isna().to_numpy(bool) & (outside > 0)
    return outside, hidden


def outside_breaks(outside: np.ndarray) -> tuple[float, ...]:
    """
    Choose the class limits: quintiles of the villages with any workers outside, rounded.

    Parameters
    ----------
    outside
        Uncovered workers outside every radius, per village.

    Returns
    -------
    tuple of float
        Increasing limits, rounded to two significant digits (fewer when the villages
        are few or alike); a village below the first is in the lightest class.
    """
    positive = outside[outside > 0]
    if not len(positive):
        return ()
    limits = [_two_digits(value) for value in np.quantile(positive, OUTSIDE_QUANTILES)]
    return tuple(sorted({limit for limit in limits if limit > 0}))


def _two_digits(value: float) -> float:
    scale = 10 ** (int(np.floor(np.log10(value))) - 1) if value > 0 else 1
    return float(round(value / scale) * scale) if value > 0 else 0.0


def outside_classes(outside: np.ndarray, breaks: tuple[float, ...]) -> np.ndarray:
    """Class of each village (0 = fewest), -1 where no worker is outside every radius."""
    classes = np.searchsorted(np.asarray(breaks, dtype=float), outside, side="right")
    return np.where(outside > 0, classes, -1)


def class_colours(breaks: tuple[float, ...]) -> tuple[str, ...]:
    """Give the colours of the classes the limits make: the darkest ones when fewer."""
    return OUTSIDE_COLOURS[len(OUTSIDE_COLOURS) - len(breaks) - 1:]


def village_layer(villages: gpd.GeoDataFrame, outside: np.ndarray, *, hidden: np.ndarray,
                  breaks: tuple[float, ...], placement: Placement | None,
                  result: AnalysisResult, lang: Language) -> folium.GeoJson:
    """Shade the villages by their workers outside every radius, with a tooltip each."""
    colours = class_colours(breaks)
    classes = outside_classes(outside, breaks)
    newly, sites, few = _newly_covered(villages, placement, suppression_k(result))
    suppressed = map_text(t("share.suppressed", lang, k=suppression_k(result)))
    properties = []
    for index, row in enumerate(villages.itertuples(index=False)):
        klass = int(classes[index])
        values = {
            "c": colours[klass] if klass >= 0 else NO_DATA_COLOUR,
            "name": map_text(getattr(row, "name", None)),
            "district": map_text(getattr(row, "district", None)),
            "regency": map_text(getattr(row, "regency", None)),
            "outside": suppressed if hidden[index] else format_number(outside[index], lang),
        }
        if placement is not None:
            values["newly"] = (suppressed if (hidden[index] or few[index]) and newly[index] > 0
                               else format_number(newly[index], lang))
            values["sites"] = map_text(sites[index] or "—")
        properties.append(values)
    labels = {"name": t("col.villages.name", lang), "district": t("col.district", lang),
              "regency": t("col.regency", lang),
              "outside": t("placement_map.tooltip.outside", lang)}
    if placement is not None:
        labels |= {"newly": t("placement_map.tooltip.newly", lang),
                   "sites": t("placement_map.tooltip.sites", lang)}
    return folium.GeoJson(
        feature_collection(villages.geometry, properties),
        name=t("placement_map.layer.villages", lang),
        style_function=_village_style,
        highlight_function=lambda _feature: {"weight": 2.5, "color": "#000000"},
        tooltip=folium.GeoJsonTooltip(fields=list(labels),
                                      aliases=[map_text(label) for label in labels.values()],
                                      sticky=True, style="font-size: 12px;"),
        smooth_factor=0.5)


def _village_style(feature: dict[str, Any]) -> dict[str, Any]:
    return {"fillColor": feature["properties"]["c"], "fillOpacity": 0.85, "color": "#ffffff",
            "weight": 0.5, "opacity": 0.9}


def _newly_covered(villages: pd.DataFrame, placement: Placement | None, k: int
                   ) -> tuple[np.ndarray, list[str], np.ndarray]:
    """Per village: workers newly covered, by which sites, and whether < k households."""
    if placement is None or placement.site_villages.empty:
        return np.zeros(len(villages)), [""] * len(villages), np.zeros(len(villages), bool)
    table = placement.site_villages.assign(code=placement.site_villages["code"].astype(str))
    names = dict(zip(placement.sites["site_id"].astype(str),
                     "#" + placement.sites["rank"].astype(str) + " " + placement.sites["name"],
                     strict=True))
    codes = villages["code"].astype(str)
    newly = table.groupby("code")["newly_covered"].sum().reindex(codes).fillna(0.0)
    reached = table.groupby("code")["site_id"].agg(
        lambda ids: ", ".join(sorted(names.get(str(i), str(i)) for i in ids)))
    few = np.zeros(len(villages), dtype=bool)
    if "households" in table:
        counts = table.groupby("code")["households"].sum().reindex(codes).fillna(0)
        few = ((counts > 0) & (counts < k)).to_numpy(bool)
    return (newly.to_numpy(float), [str(name) for name in reached.reindex(codes).fillna("")],
            few)


def ring_layer(discs: gpd.GeoDataFrame, name: str, style: dict[str, Any]) -> folium.GeoJson:
    """Draw radius rings, not clickable (the villages' tooltips stay reachable)."""
    collection = feature_collection(discs.geometry, [{} for _ in range(len(discs))],
                                    simplify=False)
    return folium.GeoJson(collection, name=name, style_function=lambda _feature: style,
                          interactive=False, smooth_factor=0.3)


def office_markers(offices: gpd.GeoDataFrame, lang: Language) -> folium.FeatureGroup:
    """Draw the existing offices: a small grey-blue circle each, named in its tooltip."""
    group = folium.FeatureGroup(name=t("map.layer.offices", lang))
    located = offices[finite_geometry(offices.geometry.to_numpy())].to_crs("EPSG:4326")
    kind = map_text(t("placement_map.office", lang))
    for row in located.itertuples(index=False):
        folium.CircleMarker(
            location=(round(row.geometry.y, COORDINATE_DECIMALS),
                      round(row.geometry.x, COORDINATE_DECIMALS)),
            radius=5, color="#ffffff", weight=1.5, fill=True, fill_color=EXISTING_COLOUR,
            fill_opacity=1.0,
            tooltip=folium.Tooltip(f"<b>{map_text(row.name)}</b><br>{kind}", sticky=True),
        ).add_to(group)
    return group


def site_markers(placement: Placement, lang: Language, *, k: int = DEFAULT_K
                 ) -> folium.FeatureGroup:
    """
    Draw the new sites: an orange circle each with its rank inside, and a tooltip.

    The tooltip gives the rank, the site's name, its kalurahan (kapanewon, kabupaten),
    the workers it newly covers (thousands separated), the villages it reaches and, with
    a capacity, what it can serve (counts of fewer than ``k`` households hidden).
    """
    group = folium.FeatureGroup(name=t("placement_map.layer.sites", lang))
    sites = placement.sites
    sites = sites[np.isfinite(sites["lat"].to_numpy(float))
                  & np.isfinite(sites["lon"].to_numpy(float))]
    for _, site in sites.iterrows():
        location = (round(float(site["lat"]), COORDINATE_DECIMALS),
                    round(float(site["lon"]), COORDINATE_DECIMALS))
        numbered_marker(group, location, int(site["rank"]), colour=SITE_COLOUR,
                        radius_px=SITE_MARKER_PX, tooltip=site_tooltip(site, lang, k=k),
                        class_name="go-site-rank")
    return group


def site_tooltip(site: pd.Series, lang: Language, *, k: int = DEFAULT_K) -> str:
    """
    Write a new site's tooltip: rank, name, kalurahan, workers newly covered, villages.

    Parameters
    ----------
    site
        A row of :attr:`geo_outreach.analysis.placement.Placement.sites`.
    lang
        ``"id"`` or ``"en"``.
    k
        With register demand (a ``households`` column), the workers of fewer than ``k``
        households are not shown.

    Returns
    -------
    str
        HTML, every text escaped, counts with the language's thousands separator.
    """
    households = float(site.get("households", 0) or 0)
    hidden = 0 < households < k

    def count(value: object) -> str:
        return map_text(t("share.suppressed", lang, k=k)) if hidden else format_number(
            value, lang)

    place = ", ".join(str(site[column]) for column in ("village", "district", "regency")
                      if str(site.get(column) or "").strip())
    lines = [
        f"<b>{map_text(t('placement_map.site.title', lang, rank=int(site['rank'])))}</b>",
        f"<b>{map_text(site['name'])}</b>",
        f"{map_text(t('col.villages.name', lang))}: {map_text(place or None)}",
        (f"{map_text(t('placement_map.site.newly', lang))}: "
         f"<b>{count(site['newly_covered'])}</b>"),
        (f"{map_text(t('placement_map.site.villages', lang))}: "
         f"{format_number(site['villages_reached'], lang)}"),
    ]
    if "served" in site.index:
        lines.append(f"{map_text(t('placement_map.site.served', lang))}: "
                     f"{count(site['served'])}")
    return f'<div style="width:270px;white-space:normal;font-size:12px">{"<br>".join(lines)}</div>'


# --- title and legend -------------------------------------------------------------
def title_html(result: AnalysisResult, region: str | None, placement: Placement | None,
               lang: Language) -> str:
    """Write the title box: what the map shows, where, how many new sites and what they add."""
    where = region or t("app.region_all", lang)
    facts = [t("placement_map.scope" if placement is not None else "map.region", lang,
               region=where),
             t("note.radius", lang, radius=format_km(result.params.radius_km, lang))]
    if placement is None:
        title = t("placement_map.title_before", lang)
    else:
        title = t("placement_map.title", lang)
        facts.append(t("placement_map.facts", lang, sites=len(placement.sites),
                       covered=format_number(placement.newly_covered, lang)))
    parts = [f'<div style="font-size:15px;font-weight:bold">{map_text(title)}</div>',
             f"<div>{map_text(' · '.join(facts))}</div>"]
    if result.is_demo:
        parts.append(f'<div style="{DEMO_STYLE}">{map_text(t("demo.banner", lang))}</div>')
    return f'<div style="{BOX_STYLE}max-width:460px">{"".join(parts)}</div>'


def legend_html(result: AnalysisResult, outside: np.ndarray, breaks: tuple[float, ...],
                placement: Placement | None, lang: Language) -> str:
    """
    Write the legend: the classes with their village counts, none, the rings, the sites.

    Its first line (the title) carries a :func:`~geo_outreach.render.map_style.fold_button`.
    """
    colours = class_colours(breaks)
    counts = np.bincount(outside_classes(outside, breaks) + 1, minlength=len(colours) + 1)
    labels = _class_labels(breaks, lang)
    rows = [_swatch_row(colours[index], labels[index], counts[index + 1])
            for index in reversed(range(len(colours)))]
    rows.append(_swatch_row(NO_DATA_COLOUR, t("placement_map.legend.none", lang), counts[0]))
    radius = format_km(result.params.radius_km, lang)
    rows.append(_line_row(t("placement_map.legend.office_ring", lang, radius=radius),
                          EXISTING_COLOUR, "solid", 1))
    if placement is not None:
        site_radius = format_km(placement.settings.radius_km, lang)
        rows.append(_line_row(t("placement_map.legend.site_ring", lang, radius=site_radius),
                              SITE_COLOUR, "dashed", 3))
        rows.append('<div style="white-space:nowrap"><span style="display:inline-block;'
                    f'width:14px;height:14px;border-radius:7px;background:{SITE_COLOUR};'
                    'margin-right:6px;vertical-align:middle"></span>'
                    f'{map_text(t("placement_map.legend.site", lang))}</div>')
    source = placement.demand.source if placement is not None else "table"
    title = map_text(t("placement_map.legend.title", lang))
    head = ('<div style="display:flex;align-items:flex-start;gap:8px">'
            f'<div style="flex:1;font-weight:bold;font-size:13px">{title}</div>'
            f'{fold_button(t("map.legend.hide", lang), t("map.legend.show", lang))}</div>')
    note = (f'<div style="color:#555;font-style:italic;max-width:250px">'
            f'{map_text(t(f"placement_map.legend.source.{source}", lang))}</div>')
    tail = ([f'<div style="{DEMO_STYLE}">{map_text(t("demo.banner", lang))}</div>']
            if result.is_demo else [])
    if result.households_demo and source == "register":
        tail.append(f'<div style="{DEMO_STYLE}">{map_text(t("demo.households", lang))}</div>')
    body = note + '<div style="margin-top:4px">' + "".join(rows) + "</div>" + "".join(tail)
    return (f'<div style="{BOX_STYLE}max-width:290px">{head}'
            f'<div data-go-fold-body style="{LEGEND_BODY_STYLE}">{body}</div></div>')


def _class_labels(breaks: tuple[float, ...], lang: Language) -> list[str]:
    """Each class's range of workers: ``"< 720"``, ``"720–1.900"``, ``"≥ 4.200"``."""
    if not breaks:
        return [t("placement_map.legend.some", lang)]
    numbers = [format_number(limit, lang) for limit in breaks]
    middle = [f"{low}\N{EN DASH}{high}" for low, high in itertools.pairwise(numbers)]
    return [f"< {numbers[0]}", *middle, f"≥ {numbers[-1]}"]


def _swatch_row(colour: str, label: str, count: int) -> str:
    swatch = (f'<span style="display:inline-block;width:14px;height:12px;background:{colour};'
              'border:1px solid #888;margin-right:6px;vertical-align:middle"></span>')
    return (f'<div style="white-space:nowrap">{swatch}{map_text(label)} '
            f'<span style="color:#666">({int(count)})</span></div>')


def _line_row(label: str, colour: str, kind: str, width: int) -> str:
    line = (f'<span style="display:inline-block;width:18px;height:0;border-top:{width}px '
            f'{kind} {colour};margin-right:5px;vertical-align:middle"></span>')
    return f'<div style="white-space:nowrap">{line}{map_text(label)}</div>'
