"""
Maps to share with a district government: one kabupaten/kota, one offline HTML file.

A shared map shows one kabupaten/kota only, clipped to its border: an office's radius
that spills in from a neighbour is drawn up to the border, and the map says that the
office itself lies outside. Everything it needs is in the file: Leaflet (pip package
``xstatic-leaflet``) and the search and full-screen plugins (npm ``leaflet-search``
2.9.7 and ``leaflet.fullscreen`` 3.0.0, vendored in ``geo_outreach/render/assets`` by
``scripts/vendor_map_plugins.sh``) are written into the page, and a Content-Security-
Policy forbids the page to load anything, so it opens the same with or without internet.
Without tiles the map draws its own background: village, kapanewon and kabupaten lines
and place names.

Only aggregates leave the machine: the village and office tables and the H3 cells pass
through :func:`geo_outreach.privacy.shareable` (counts of fewer than ``k`` households
are hidden), and only the properties the tooltips show are written. Every text from the
user's files is HTML-escaped.

:func:`share_layers` clips and simplifies the layers once; :func:`share_map` draws them
with folium and :mod:`geo_outreach.render.static_map` with matplotlib.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import folium
import numpy as np

from geo_outreach._errors import OutputError
from geo_outreach.atomic import atomic_write
from geo_outreach.i18n import format_km, t
from geo_outreach.render.map_assets import drop_cdn_assets
from geo_outreach.render.map_data import (
    COORDINATE_DECIMALS,
    InstantFitBounds,
    feature_collection,
    map_text,
)
from geo_outreach.render.map_layers import (
    add_basemap,
    choropleth_layer,
    disc_layer,
    hex_layer,
    office_layer,
    outline_layer,
)
from geo_outreach.render.map_style import (
    BACKGROUND_COLOUR,
    BOX_STYLE,
    DISTRICT_COLOUR,
    REGENCY_COLOUR,
    RING_COLOUR,
    legend_html,
)
from geo_outreach.render.maps import CornerControl, MapSetup
from geo_outreach.render.progress_map import add_progress
from geo_outreach.render.share_controls import (
    LabelLayer,
    ShareMapControls,
    VillageSearch,
    check_offline,
    inline_plugins,
)
from geo_outreach.render.share_layers import ShareLayers, share_layers
from geo_outreach.render.share_text import sources_html, title_html

if TYPE_CHECKING:
    from collections.abc import Sequence
    from datetime import date

    import geopandas as gpd
    from folium.map import Layer

    from geo_outreach.analysis.progress import ProgressReport
    from geo_outreach.analysis.result import AnalysisResult
    from geo_outreach.config import Language


def share_map(
    result: AnalysisResult,
    regency: str,
    *,
    lang: Language = "id",
    extra_layers: Sequence[Layer] = (),
    basemap: bool = False,
    created: date | None = None,
    progress: ProgressReport | None = None,
) -> folium.Map:
    """
    Draw the map of one kabupaten/kota to share: self-contained, offline, private.

    Parameters
    ----------
    result
        An analysis result.
    regency
        The kabupaten/kota (name or code, see :func:`share_layers`).
    lang
        ``"id"`` (Bahasa Indonesia) or ``"en"``.
    extra_layers
        More folium layers or FeatureGroups to add (e.g. outreach routes), each shown in
        the layer control. They must need no script or stylesheet but Leaflet's.
    basemap
        Offer OpenStreetMap tiles in the layer control (off when the file opens; they
        need the internet). Without them the page is allowed no network access at all.
    created
        The date printed on the map; today in DIY (WIB) when None.
    progress
        A progress report: the villages then show its months, the latest first, with a
        month slider, and a trend layer is added (see
        :func:`geo_outreach.render.progress_map.add_progress`). Only this kabupaten/kota's
        villages are written, through the same privacy gate as the rest of the file.

    Returns
    -------
    folium.Map
        The choropleth (classes relative to the target, "tanpa data" in grey) with
        tooltips, the kapanewon and kabupaten lines, place names (kapanewon always,
        villages when zoomed in), radius rings cut at the border, offices with name and
        type, offices outside the area noted where their radius enters, the hotspot
        cells and road catchments (when the run has them, cut at the border), a title
        with the date and DEMO labels, a legend, the data sources and
        method, a village search box, a full-screen button, a scale bar and a layer
        control. Render it with :func:`share_html` or write it with
        :func:`write_share_map`.

    Raises
    ------
    InputError
        When ``regency`` names no single kabupaten/kota of the result.
    ValueError
        When an extra layer needs scripts or stylesheets from the internet.
    """
    layers = share_layers(result, regency)
    data = layers.map_data()
    fmap = folium.Map(location=_centre(layers), tiles=None, zoom_start=11,
                      control_scale=False, zoom_control="bottomleft", font_size="0.8rem",
                      min_zoom=8, max_zoom=18, zoom_snap=0.25, zoom_delta=0.5)
    # folium drops the zoom limits of a map without tiles: set them on the map itself
    fmap.options["min_zoom"], fmap.options["max_zoom"] = 8, 18
    fmap.get_root().title = map_text(f"{t('share.title', lang)} · {layers.region}")
    if basemap:
        add_basemap(fmap, lang)
    village_layer = choropleth_layer(layers.villages, result, lang)
    _add_search_keys(village_layer, layers, lang)
    village_layer.add_to(fmap)
    if layers.cells is not None:
        hex_layer(layers.cells, data, lang).add_to(fmap)
    outline_layer(layers.districts, t("map.layer.districts", lang), DISTRICT_COLOUR,
                  weight=1.0).add_to(fmap)
    outline_layer(layers.outline, t("map.layer.regencies", lang), REGENCY_COLOUR,
                  weight=2.5).add_to(fmap)
    if layers.catchments is not None and len(layers.catchments):
        _catchment_layer(layers.catchments, result, lang).add_to(fmap)
    if len(layers.rings):
        radius = format_km(result.params.radius_km, lang)
        disc_layer(layers.rings, t("map.layer.discs", lang, radius=radius)).add_to(fmap)
    LabelLayer(_label_rows(layers.districts, "name", "label_point"),
               name=t("share.layer.district_labels", lang), css_class="go-label").add_to(fmap)
    LabelLayer(_label_rows(layers.villages, "name", "label_point"),
               name=t("share.layer.village_labels", lang),
               css_class="go-label go-village-label").add_to(fmap)
    if len(layers.offices):
        office_layer(layers.offices, result, lang).add_to(fmap)
    if len(layers.outside):
        LabelLayer(_outside_rows(layers, lang), name=t("share.layer.outside_offices", lang),
                   css_class="go-label go-outside-label").add_to(fmap)
    for layer in extra_layers:
        check_offline(layer)
        layer.add_to(fmap)
    CornerControl(title_html(result, layers, lang, created), position="topleft",
                  css_class="geo-outreach-title").add_to(fmap)
    VillageSearch(village_layer, lang).add_to(fmap)
    CornerControl(legend_html(result, data, lang), position="bottomright",
                  css_class="geo-outreach-legend").add_to(fmap)
    if layers.catchments is not None and len(layers.catchments):
        CornerControl(_catchment_legend(result, lang), position="bottomright",
                      css_class="go-catchment-legend").add_to(fmap)
    CornerControl(sources_html(result, layers, lang), position="bottomleft",
                  css_class="go-sources").add_to(fmap)
    ShareMapControls(lang).add_to(fmap)
    MapSetup(background=BACKGROUND_COLOUR, attribution=_attribution(result, lang)).add_to(fmap)
    if progress is not None:
        add_progress(fmap, village_layer, layers.villages, progress, lang=lang,
                     target=result.params.target, k=layers.k)
    folium.LayerControl(collapsed=True).add_to(fmap)
    west, south, east, north = np.round(layers.outline.total_bounds, COORDINATE_DECIMALS)
    InstantFitBounds([[float(south), float(west)], [float(north), float(east)]]).add_to(fmap)
    drop_cdn_assets(fmap, inline=True)
    inline_plugins(fmap, basemap=basemap)
    return fmap


def share_html(
    result: AnalysisResult,
    regency: str,
    *,
    lang: Language = "id",
    extra_layers: Sequence[Layer] = (),
    basemap: bool = False,
    created: date | None = None,
    progress: ProgressReport | None = None,
) -> str:
    """
    Render the shared map of one kabupaten/kota as one HTML page.

    Parameters
    ----------
    result, regency, lang, extra_layers, basemap, created, progress
        As for :func:`share_map`.

    Returns
    -------
    str
        The page (UTF-8 text), e.g. for a download button.
    """
    fmap = share_map(result, regency, lang=lang, extra_layers=extra_layers, basemap=basemap,
                     created=created, progress=progress)
    return fmap.get_root().render()


def write_share_map(
    result: AnalysisResult,
    regency: str,
    path: str | Path,
    *,
    lang: Language = "id",
    extra_layers: Sequence[Layer] = (),
    basemap: bool = False,
    created: date | None = None,
    progress: ProgressReport | None = None,
) -> Path:
    """
    Write the shared map of one kabupaten/kota as one HTML file, atomically.

    Parameters
    ----------
    result, regency, lang, extra_layers, basemap, created, progress
        As for :func:`share_map`.
    path
        The HTML file; missing folders are created.

    Returns
    -------
    Path
        ``path``.

    Raises
    ------
    OutputError
        When the file cannot be written.
    """
    page = share_html(result, regency, lang=lang, extra_layers=extra_layers, basemap=basemap,
                      created=created, progress=progress)
    target = Path(path)
    try:
        return atomic_write(target, lambda p: p.write_text(page, encoding="utf-8"))
    except OSError as err:
        raise OutputError(f"cannot write the map to {target}: {err.strerror or err}; "
                          "choose a folder you can write to") from err


def _centre(layers: ShareLayers) -> tuple[float, float]:
    """Return the centre of the area, as (lat, lon)."""
    west, south, east, north = layers.outline.total_bounds
    return ((south + north) / 2, (west + east) / 2)


# --- page parts -------------------------------------------------------------------
def _catchment_layer(catchments: gpd.GeoDataFrame, result: AnalysisResult,
                     lang: Language) -> folium.GeoJson:
    """Draw the road catchments, with an escaped tooltip per office."""
    radius = format_km(result.params.radius_km, lang)
    properties = [{"tip": map_text(t("share.catchment_tip", lang, office=name,
                                     radius=format_km(km, lang)))}
                  for name, km in zip(catchments["name"],
                                      catchments.get("radius_km", [None] * len(catchments)),
                                      strict=True)]
    collection = feature_collection(catchments.geometry, properties)
    style = {"color": RING_COLOUR, "weight": 1.5, "fillColor": RING_COLOUR,
             "fillOpacity": 0.12, "dashArray": "4 3"}
    return folium.GeoJson(collection, name=t("share.layer.catchments", lang, radius=radius),
                          style_function=lambda _feature: style, show=False,
                          tooltip=folium.GeoJsonTooltip(fields=["tip"], labels=False))


def _catchment_legend(result: AnalysisResult, lang: Language) -> str:
    """Write the legend row of the road catchments (a box above the main legend)."""
    label = t("share.layer.catchments", lang, radius=format_km(result.params.radius_km, lang))
    swatch = (f'<span style="display:inline-block;width:14px;height:12px;'
              f"background:rgba(1,102,94,0.12);border:1.5px dashed {RING_COLOUR};"
              'margin-right:6px;vertical-align:middle"></span>')
    return f'<div style="{BOX_STYLE}white-space:nowrap">{swatch}{map_text(label)}</div>'


def _attribution(result: AnalysisResult, lang: Language) -> str:
    """Credit the boundary data, and the road network's source when one was used."""
    parts = [t("note.boundary_attribution", lang)]
    network = result.road_network or {}
    if network.get("attribution"):
        parts.append(str(network["attribution"]))
    return " | ".join(map_text(part) for part in parts)


def _add_search_keys(layer: folium.GeoJson, layers: ShareLayers, lang: Language) -> None:
    """
    Give each village feature a search key ``"Name (Kapanewon)"``, escaped.

    The district keeps two villages of the same name apart; hidden counts get a
    ``"< k rumah tangga"`` text instead of a bare dash.
    """
    names = layers.villages["name"].to_numpy()
    districts = layers.villages["district"].to_numpy()
    labels = layers.villages.get("households_within_radius_label")
    suppressed = (labels.astype("string").str.startswith("<").fillna(value=False).to_numpy()
                  if labels is not None else np.zeros(len(names), dtype=bool))
    hidden = t("share.suppressed", lang, k=layers.k)
    for feature in layer.data["features"]:
        index = int(feature["id"])
        properties = feature["properties"]
        properties["q"] = f"{map_text(names[index])} ({map_text(districts[index])})"
        if suppressed[index] and "uncovered_in" in properties:
            properties["uncovered_in"] = map_text(hidden)


def _label_rows(frame: gpd.GeoDataFrame, text_column: str,
                point_column: str) -> list[list[object]]:
    """``[lat, lon, html]`` per feature: an escaped name in a span."""
    rows = []
    for text, point in zip(frame[text_column], frame[point_column], strict=True):
        if point is None or point.is_empty:
            continue
        rows.append([round(point.y, COORDINATE_DECIMALS), round(point.x, COORDINATE_DECIMALS),
                     f"<span>{map_text(text)}</span>"])
    return rows


def _outside_rows(layers: ShareLayers, lang: Language) -> list[list[object]]:
    """Place a note where an outside office's radius enters the area."""
    rows = []
    for row in layers.outside.itertuples(index=False):
        text = t("share.office_outside_label", lang, office=row.name,
                 distance=format_km(row.distance_km, lang))
        point = row.geometry
        rows.append([round(point.y, COORDINATE_DECIMALS), round(point.x, COORDINATE_DECIMALS),
                     f"<span>{map_text(text)}</span>"])
    return rows
