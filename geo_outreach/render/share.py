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

import base64
import functools
import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final
from zoneinfo import ZoneInfo

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from folium.elements import JSCSSMixin
from folium.map import Layer
from folium.template import Template
from shapely.ops import nearest_points

from geo_outreach import __version__
from geo_outreach._errors import InputError, OutputError, Problem
from geo_outreach.i18n import format_km, t
from geo_outreach.privacy import DEFAULT_K, shareable
from geo_outreach.publish.export import atomic_write
from geo_outreach.render.maps import (
    _BOX_STYLE,
    _DEMO_STYLE,
    BACKGROUND_COLOUR,
    COORDINATE_DECIMALS,
    DISTRICT_COLOUR,
    REGENCY_COLOUR,
    RING_COLOUR,
    _add_basemap,
    _Control,
    _disc_layer,
    _escape,
    _feature_collection,
    _FitBounds,
    _hex_layer,
    _in_regency,
    _legend_html,
    _MapData,
    _MapSetup,
    _office_layer,
    _offline,
    _outline_layer,
    _percent_label,
    _RawHtml,
    _regency_table,
    _truthy,
    _village_layer,
    _walk,
    resolve_regency,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

    from branca.element import Element

    from geo_outreach.analysis.result import AnalysisResult
    from geo_outreach.config import Language

SIMPLIFY_M: Final = 10.0
"""Simplification tolerance in metres, topology kept across neighbouring villages: finer
than a screen pixel at the zoom a whole kabupaten fills, and it shrinks detailed boundary
files (such as BIG's 1:10,000 ones) several times."""

MIN_HOLE_M2: Final = 50_000.0
"""Holes smaller than this (5 ha) in the dissolved kapanewon and kabupaten outlines are
slivers between village polygons, not real enclaves: they are filled."""

CLOSE_GAPS_M: Final = 25.0
"""Gaps between village polygons narrower than twice this are closed in the dissolved
outlines (a buffer out and back in), so a sliver open to the outside is not drawn as a
border running into the kabupaten."""

VILLAGE_LABEL_MIN_ZOOM: Final = 13
"""Village names appear from this zoom on; kapanewon names are always shown."""

WIB: Final = ZoneInfo("Asia/Jakarta")
"""DIY's time zone: the date printed on a shared map is the local one."""

ASSETS: Final = Path(__file__).parent / "assets"
"""The vendored Leaflet plugins (see ``MANIFEST.txt`` there)."""

_PLUGIN_SCRIPTS: Final = ("leaflet-search/dist/leaflet-search.min.js",
                          "leaflet.fullscreen/Control.FullScreen.js")
_PLUGIN_STYLES: Final = ("leaflet-search/dist/leaflet-search.min.css",
                         "leaflet.fullscreen/Control.FullScreen.css")
_MIME: Final = {".png": "image/png", ".gif": "image/gif", ".svg": "image/svg+xml"}
_SOURCE_MAP: Final = re.compile(r"^\s*//# sourceMappingURL=.*$|/\*# sourceMappingURL=.*?\*/",
                                re.MULTILINE)

_CSP: Final = ("default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
               "img-src data:{tiles}; font-src data:")
"""The page may run its own inline code and show data: images, and load nothing else."""

_LABEL_CSS: Final = """
.go-label span{position:absolute;transform:translate(-50%,-50%);white-space:nowrap;
  font:600 12px/1.1 sans-serif;color:#1a1a1a;pointer-events:none;
  text-shadow:0 0 3px #fff,0 0 3px #fff,0 0 2px #fff,0 0 1px #fff}
.go-village-label span{font:400 10px/1.1 sans-serif;color:#333}
.go-low-zoom .go-village-label{display:none}
.go-outside-label span{transform:translate(-50%,-120%);font:italic 600 11px/1.2 sans-serif;
  color:#01665e;white-space:normal;width:190px;text-align:center}
.go-sources summary{cursor:pointer;font-weight:bold}
.go-sources ul{margin:4px 0 0 0;padding-left:16px;max-width:330px}
.leaflet-control-search .search-tooltip{max-height:200px}
"""


@dataclass(frozen=True)
class ShareLayers:
    """
    What a shared map of one kabupaten/kota shows, clipped, simplified and private.

    Attributes
    ----------
    region
        The kabupaten/kota as named in the boundary data, e.g. ``"Kabupaten Sleman"``.
    villages
        Its villages (EPSG:4326, simplified), the result's columns after
        :func:`~geo_outreach.privacy.shareable`.
    districts
        Its kapanewon/kemantren dissolved from ``villages``: ``name``, ``label_point``
        (where the name is written) and geometry.
    outline
        One row: ``name`` and the kabupaten/kota polygon (dissolved from ``villages``).
    rings
        The radius rings that reach into it, cut at its border (lines): ``office_id``,
        ``name``, ``approximate``, ``outside`` (the office lies outside it).
    offices
        The offices inside it (points), after :func:`~geo_outreach.privacy.shareable`.
    outside
        Offices outside whose radius reaches in: ``office_id``, ``name``, ``office_type``,
        ``approximate``, ``distance_km`` (from the office to the border) and, as geometry,
        the point of their radius inside the area nearest to the office.
    cells
        H3 hotspot cells with households inside the radius, cut at the border (counts
        are the whole cell's, small ones suppressed); None without household points.
    catchments
        With a road network: each office's road catchment (``office_id``, ``name``,
        ``radius_km``), cut at the border; else None.
    k
        The suppression threshold used.
    metric_crs
        The projected CRS the clipping was measured in.
    """

    region: str
    villages: gpd.GeoDataFrame
    districts: gpd.GeoDataFrame
    outline: gpd.GeoDataFrame
    rings: gpd.GeoDataFrame
    offices: gpd.GeoDataFrame
    outside: gpd.GeoDataFrame
    cells: gpd.GeoDataFrame | None
    catchments: gpd.GeoDataFrame | None
    k: int
    metric_crs: str

    def map_data(self) -> _MapData:
        """
        Return the layers as the map module's selection, for its layer builders.

        Its ``offices`` are the rings' offices (inside and outside), so that the legend
        explains a dashed ring wherever one is drawn.
        """
        return _MapData(self.villages, self.districts, self.outline, self.rings, self.rings,
                        self.region)


# --- public API -------------------------------------------------------------------
def share_layers(result: AnalysisResult, regency: str, *,
                 simplify_m: float = SIMPLIFY_M) -> ShareLayers:
    """
    Clip, simplify and anonymise what a shared map of one kabupaten/kota shows.

    Parameters
    ----------
    result
        An analysis result.
    regency
        The kabupaten/kota: a name with or without "Kabupaten"/"Kota", in any case, or
        a code such as ``"34.04"`` (see :func:`geo_outreach.render.maps.resolve_regency`).
    simplify_m
        Simplification tolerance in metres (0 keeps the geometry as it is).

    Returns
    -------
    ShareLayers
        The layers, in EPSG:4326.

    Raises
    ------
    InputError
        When ``regency`` names no single kabupaten/kota of the result, or it has no
        villages.
    """
    region = resolve_regency(result, regency)
    code = {name: code for code, name in _regency_table(result)}.get(region)
    k = _k(result)
    chosen = result.villages[_in_regency(result.villages, region, code)]
    if chosen.empty:
        raise InputError(Problem("parameters", None, "regency", regency,
                                 f"{region} has no villages in the boundary data",
                                 "choose another kabupaten/kota"))
    metric = result.metric_crs
    geometry = _simplify(chosen.geometry.to_crs(metric).to_numpy(), simplify_m)
    outline = _fill_small_holes(shapely.union_all(geometry))
    villages = _private(chosen, k, geometry, metric)
    districts = _districts(chosen, geometry, metric)
    offices_metric = result.offices.to_crs(metric)
    inside = offices_metric.geometry.distance(outline).to_numpy() < 1.0
    rings = _rings(result, outline, metric,
                   set(offices_metric["office_id"].astype(str)[~inside]))
    offices = _private(result.offices[inside], k, offices_metric.geometry[inside].to_numpy(),
                       metric)
    outside = _outside(offices_metric[~inside], outline, rings, metric)
    cells = _cells(result, outline, k, metric)
    catchments = _catchments(result, outline, metric)
    outline_frame = gpd.GeoDataFrame({"name": [region]}, geometry=[outline],
                                     crs=metric).to_crs("EPSG:4326")
    return ShareLayers(region=region, villages=villages, districts=districts,
                       outline=outline_frame, rings=rings.drop(columns="_clipped_area"),
                       offices=offices, outside=outside, cells=cells, catchments=catchments,
                       k=k, metric_crs=metric)


def share_map(
    result: AnalysisResult,
    regency: str,
    *,
    lang: Language = "id",
    extra_layers: Sequence[Layer] = (),
    basemap: bool = False,
    created: date | None = None,
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
    fmap.get_root().title = _escape(f"{t('share.title', lang)} · {layers.region}")
    if basemap:
        _add_basemap(fmap, lang)
    village_layer = _village_layer(layers.villages, result, lang)
    _add_search_keys(village_layer, layers, lang)
    village_layer.add_to(fmap)
    if layers.cells is not None:
        _hex_layer(layers.cells, data, lang).add_to(fmap)
    _outline_layer(layers.districts, t("map.layer.districts", lang), DISTRICT_COLOUR,
                   weight=1.0).add_to(fmap)
    _outline_layer(layers.outline, t("map.layer.regencies", lang), REGENCY_COLOUR,
                   weight=2.5).add_to(fmap)
    if layers.catchments is not None and len(layers.catchments):
        _catchment_layer(layers.catchments, result, lang).add_to(fmap)
    if len(layers.rings):
        radius = format_km(result.params.radius_km, lang)
        _disc_layer(layers.rings, t("map.layer.discs", lang, radius=radius)).add_to(fmap)
    _Labels(_label_rows(layers.districts, "name", "label_point"),
            name=t("share.layer.district_labels", lang), css_class="go-label").add_to(fmap)
    _Labels(_label_rows(layers.villages, "name", "label_point"),
            name=t("share.layer.village_labels", lang),
            css_class="go-label go-village-label").add_to(fmap)
    if len(layers.offices):
        _office_layer(layers.offices, result, lang).add_to(fmap)
    if len(layers.outside):
        _Labels(_outside_rows(layers, lang), name=t("share.layer.outside_offices", lang),
                css_class="go-label go-outside-label").add_to(fmap)
    for layer in extra_layers:
        _check_offline(layer)
        layer.add_to(fmap)
    _Control(_title_html(result, layers, lang, created), position="topleft",
             css_class="geo-outreach-title").add_to(fmap)
    _VillageSearch(village_layer, lang).add_to(fmap)
    _Control(_legend_html(result, data, lang), position="bottomright",
             css_class="geo-outreach-legend").add_to(fmap)
    if layers.catchments is not None and len(layers.catchments):
        _Control(_catchment_legend(result, lang), position="bottomright",
                 css_class="go-catchment-legend").add_to(fmap)
    _Control(_sources_html(result, layers, lang), position="bottomleft",
             css_class="go-sources").add_to(fmap)
    _MapControls(lang).add_to(fmap)
    _MapSetup(background=BACKGROUND_COLOUR, attribution=_attribution(result, lang)).add_to(fmap)
    folium.LayerControl(collapsed=True).add_to(fmap)
    west, south, east, north = np.round(layers.outline.total_bounds, COORDINATE_DECIMALS)
    _FitBounds([[float(south), float(west)], [float(north), float(east)]]).add_to(fmap)
    _offline(fmap, inline=True)
    _inline_plugins(fmap, basemap=basemap)
    return fmap


def share_html(
    result: AnalysisResult,
    regency: str,
    *,
    lang: Language = "id",
    extra_layers: Sequence[Layer] = (),
    basemap: bool = False,
    created: date | None = None,
) -> str:
    """
    Render the shared map of one kabupaten/kota as one HTML page.

    Parameters
    ----------
    result, regency, lang, extra_layers, basemap, created
        As for :func:`share_map`.

    Returns
    -------
    str
        The page (UTF-8 text), e.g. for a download button.
    """
    fmap = share_map(result, regency, lang=lang, extra_layers=extra_layers, basemap=basemap,
                     created=created)
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
) -> Path:
    """
    Write the shared map of one kabupaten/kota as one HTML file, atomically.

    Parameters
    ----------
    result, regency, lang, extra_layers, basemap, created
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
                      created=created)
    target = Path(path)
    try:
        return atomic_write(target, lambda p: p.write_text(page, encoding="utf-8"))
    except OSError as err:
        raise OutputError(f"cannot write the map to {target}: {err.strerror or err}; "
                          "choose a folder you can write to") from err


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
        t("note.target", lang, target=_percent_label(result.params.target, lang)),
        t("share.method.radius", lang, radius=radius),
        t("note.reach_method_points" if result.household_summary is not None
          else "note.reach_method_area", lang),
    ]
    if result.household_cells is not None:
        resolution = (result.household_summary or {}).get("h3_resolution", "?")
        lines.append(t("share.method.hexes", lang, resolution=resolution))
    lines.append(t("share.privacy", lang, k=_k(result)))
    return lines


def plugin_assets() -> tuple[str, str]:
    """
    Return the search and full-screen plugins' scripts and stylesheets, ready to inline.

    Returns
    -------
    tuple[str, str]
        The scripts, then the stylesheets (images as data: URLs), from the files in
        ``geo_outreach/render/assets`` that ``scripts/vendor_map_plugins.sh`` took from npm.
    """
    return _plugin_assets()


# --- clipping ---------------------------------------------------------------------
def _k(result: AnalysisResult) -> int:
    """Return the suppression threshold of the run (the default without household points)."""
    summary = result.household_summary or {}
    return int(summary.get("min_cell_households", DEFAULT_K))  # type: ignore[call-overload]


def _simplify(geometry: np.ndarray, tolerance_m: float) -> np.ndarray:
    """Simplify a village coverage together, so neighbours keep one shared edge."""
    if tolerance_m <= 0:
        return geometry
    simplified = shapely.coverage_simplify(geometry, tolerance_m)
    broken = ~shapely.is_valid(simplified) | shapely.is_empty(simplified)
    if broken.any():  # not a clean coverage there: simplify those polygons alone
        simplified[broken] = shapely.simplify(geometry[broken], tolerance_m,
                                              preserve_topology=True)
    return simplified


def _fill_small_holes(geometry: shapely.Geometry) -> shapely.Geometry:
    """Close narrow gaps and fill small holes: slivers between village polygons."""
    closed = shapely.buffer(shapely.buffer(geometry, CLOSE_GAPS_M, join_style="mitre"),
                            -CLOSE_GAPS_M, join_style="mitre")
    geometry = shapely.union(closed, geometry)  # closing never loses a village's area
    parts = shapely.get_parts(geometry)
    kept = []
    for part in parts:
        if not isinstance(part, shapely.Polygon):
            continue
        holes = [ring for ring in part.interiors
                 if shapely.Polygon(ring).area >= MIN_HOLE_M2]
        kept.append(shapely.Polygon(part.exterior, holes))
    return shapely.union_all(kept) if kept else geometry


def _to_wgs84(geometry: np.ndarray | list[Any], crs: str) -> np.ndarray:
    """Project metric geometry to EPSG:4326."""
    return gpd.GeoSeries(list(geometry), crs=crs).to_crs("EPSG:4326").to_numpy()


def _private(table: pd.DataFrame, k: int, geometry: np.ndarray,
             crs: str) -> gpd.GeoDataFrame:
    """Pass a result table through :func:`shareable`; give it new geometry, in EPSG:4326."""
    private = shareable(pd.DataFrame(table.drop(columns="geometry")), k)
    private = private.reset_index(drop=True)
    frame = gpd.GeoDataFrame(private, geometry=list(_to_wgs84(geometry, crs)),
                             crs="EPSG:4326")
    if frame.geometry.geom_type.isin(["Polygon", "MultiPolygon"]).all():
        points = shapely.point_on_surface(np.asarray(geometry))
        frame["label_point"] = list(_to_wgs84(points, crs))
    return frame


def _districts(villages: gpd.GeoDataFrame, geometry: np.ndarray,
               crs: str) -> gpd.GeoDataFrame:
    """Dissolve the simplified villages into kapanewon, with a point for each name."""
    names = villages["district"].astype("string").fillna("").to_numpy()
    rows, shapes, points = [], [], []
    for name in dict.fromkeys(names):
        shape = _fill_small_holes(shapely.union_all(geometry[names == name]))
        centroid = shape.centroid
        rows.append(name)
        shapes.append(shape)
        points.append(centroid if shape.contains(centroid) else shape.point_on_surface())
    return gpd.GeoDataFrame({"name": rows, "label_point": list(_to_wgs84(points, crs))},
                            geometry=list(_to_wgs84(shapes, crs)), crs="EPSG:4326")


def _rings(result: AnalysisResult, outline: shapely.Geometry, crs: str,
           outside_ids: set[str]) -> gpd.GeoDataFrame:
    """Each radius ring cut at the border; only those that reach in."""
    discs = result.discs.to_crs(crs)
    lines = shapely.intersection(shapely.boundary(discs.geometry.to_numpy()), outline)
    clipped = shapely.intersection(discs.geometry.to_numpy(), outline)
    keep = ~shapely.is_empty(clipped) & (shapely.area(clipped) > 0)
    frame = pd.DataFrame({
        "office_id": discs["office_id"].astype(str).to_numpy()[keep],
        "name": discs["name"].to_numpy()[keep],
        "approximate": [_truthy(v) for v in
                        discs.get("approximate", pd.Series(data=False, index=discs.index))[keep]],
    })
    frame["outside"] = frame["office_id"].isin(outside_ids)
    frame["_clipped_area"] = list(clipped[keep])
    return gpd.GeoDataFrame(frame, geometry=list(_to_wgs84(lines[keep], crs)),
                            crs="EPSG:4326")


def _outside(offices: gpd.GeoDataFrame, outline: shapely.Geometry, rings: gpd.GeoDataFrame,
             crs: str) -> gpd.GeoDataFrame:
    """Offices outside the area whose radius reaches in, anchored where it enters."""
    clipped = dict(zip(rings["office_id"], rings["_clipped_area"], strict=True))
    rows, anchors = [], []
    for row in offices.itertuples(index=False):
        area = clipped.get(str(row.office_id))
        if area is None:
            continue
        anchors.append(nearest_points(area, row.geometry)[0])
        rows.append({"office_id": str(row.office_id), "name": row.name,
                     "office_type": getattr(row, "office_type", None),
                     "approximate": _truthy(getattr(row, "approximate", False)),
                     "distance_km": round(row.geometry.distance(outline) / 1000, 1)})
    columns = ["office_id", "name", "office_type", "approximate", "distance_km"]
    return gpd.GeoDataFrame(pd.DataFrame(rows, columns=columns),
                            geometry=list(_to_wgs84(anchors, crs)), crs="EPSG:4326")


def _cells(result: AnalysisResult, outline: shapely.Geometry, k: int,
           crs: str) -> gpd.GeoDataFrame | None:
    """Keep the hotspot cells with households inside the radius, cut at the border."""
    if result.household_cells is None:
        return None
    cells = result.household_cells
    label = cells.get("households_within_radius_label")
    if label is not None:
        cells = cells[label.astype(str) != "0"]
    metric = cells.geometry.to_crs(crs).to_numpy()
    shapely.prepare(outline)
    keep = shapely.intersects(outline, metric)
    clipped = shapely.intersection(metric[keep], outline)
    keep_clipped = ~shapely.is_empty(clipped) & (shapely.area(clipped) > 0)
    private = shareable(pd.DataFrame(cells[keep].drop(columns="geometry")), k)
    private = private.reset_index(drop=True)[keep_clipped]
    geometry = _to_wgs84(clipped[keep_clipped], crs)
    return gpd.GeoDataFrame(private.reset_index(drop=True), geometry=list(geometry),
                            crs="EPSG:4326")


def _catchments(result: AnalysisResult, outline: shapely.Geometry,
                crs: str) -> gpd.GeoDataFrame | None:
    """Cut the road catchments at the border; None without a road network."""
    catchments = result.road_catchments
    if catchments is None:
        return None
    clipped = shapely.intersection(catchments.geometry.to_crs(crs).to_numpy(), outline)
    keep = ~shapely.is_empty(clipped) & (shapely.area(clipped) > 0)
    columns = [c for c in ("office_id", "name", "radius_km") if c in catchments.columns]
    frame = pd.DataFrame(catchments[columns]).reset_index(drop=True)[keep]
    return gpd.GeoDataFrame(frame.reset_index(drop=True),
                            geometry=list(_to_wgs84(clipped[keep], crs)), crs="EPSG:4326")


def _centre(layers: ShareLayers) -> tuple[float, float]:
    """Return the centre of the area, as (lat, lon)."""
    west, south, east, north = layers.outline.total_bounds
    return ((south + north) / 2, (west + east) / 2)


# --- page parts -------------------------------------------------------------------
def _catchment_layer(catchments: gpd.GeoDataFrame, result: AnalysisResult,
                     lang: Language) -> folium.GeoJson:
    """Draw the road catchments, with an escaped tooltip per office."""
    radius = format_km(result.params.radius_km, lang)
    properties = [{"tip": _escape(t("share.catchment_tip", lang, office=name,
                                    radius=format_km(km, lang)))}
                  for name, km in zip(catchments["name"],
                                      catchments.get("radius_km", [None] * len(catchments)),
                                      strict=True)]
    collection = _feature_collection(catchments.geometry, properties)
    style = {"color": RING_COLOUR, "weight": 1.5, "fillColor": RING_COLOUR,
             "fillOpacity": 0.12, "dashArray": "4 3"}
    return folium.GeoJson(collection, name=t("share.layer.catchments", lang, radius=radius),
                          style_function=lambda _feature: style,
                          tooltip=folium.GeoJsonTooltip(fields=["tip"], labels=False))


def _catchment_legend(result: AnalysisResult, lang: Language) -> str:
    """Write the legend row of the road catchments (a box above the main legend)."""
    label = t("share.layer.catchments", lang, radius=format_km(result.params.radius_km, lang))
    swatch = (f'<span style="display:inline-block;width:14px;height:12px;'
              f"background:rgba(1,102,94,0.12);border:1.5px dashed {RING_COLOUR};"
              'margin-right:6px;vertical-align:middle"></span>')
    return f'<div style="{_BOX_STYLE}white-space:nowrap">{swatch}{_escape(label)}</div>'


def _attribution(result: AnalysisResult, lang: Language) -> str:
    """Credit the boundary data, and the road network's source when one was used."""
    parts = [t("note.boundary_attribution", lang)]
    network = result.road_network or {}
    if network.get("attribution"):
        parts.append(str(network["attribution"]))
    return " | ".join(_escape(part) for part in parts)


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
        properties["q"] = f"{_escape(names[index])} ({_escape(districts[index])})"
        if suppressed[index] and "uncovered_in" in properties:
            properties["uncovered_in"] = _escape(hidden)


def _label_rows(frame: gpd.GeoDataFrame, text_column: str,
                point_column: str) -> list[list[object]]:
    """``[lat, lon, html]`` per feature: an escaped name in a span."""
    rows = []
    for text, point in zip(frame[text_column], frame[point_column], strict=True):
        if point is None or point.is_empty:
            continue
        rows.append([round(point.y, COORDINATE_DECIMALS), round(point.x, COORDINATE_DECIMALS),
                     f"<span>{_escape(text)}</span>"])
    return rows


def _outside_rows(layers: ShareLayers, lang: Language) -> list[list[object]]:
    """Place a note where an outside office's radius enters the area."""
    rows = []
    for row in layers.outside.itertuples(index=False):
        text = t("share.office_outside_label", lang, office=row.name,
                 distance=format_km(row.distance_km, lang))
        point = row.geometry
        rows.append([round(point.y, COORDINATE_DECIMALS), round(point.x, COORDINATE_DECIMALS),
                     f"<span>{_escape(text)}</span>"])
    return rows


def _title_html(result: AnalysisResult, layers: ShareLayers, lang: Language,
                created: date | None) -> str:
    """Write the title box: what, where, target and radius, date, DEMO, offices outside."""
    facts = " · ".join((
        t("note.target", lang, target=_percent_label(result.params.target, lang)),
        t("note.radius", lang, radius=format_km(result.params.radius_km, lang)),
    ))
    made = " · ".join((t("share.created", lang, date=format_date(created or today(), lang)),
                       t("share.tool", lang, version=__version__)))
    parts = [
        f'<div style="font-size:15px;font-weight:bold">{_escape(t("share.title", lang))}</div>',
        f'<div style="font-size:14px;font-weight:bold">{_escape(layers.region)}</div>',
        f"<div>{_escape(facts)}</div>",
        f'<div style="color:#555">{_escape(made)}</div>',
    ]
    for row in layers.outside.itertuples(index=False):
        note = t("share.office_outside", lang, office=row.name, region=layers.region)
        parts.append(f'<div style="color:#01665e;font-style:italic">{_escape(note)}</div>')
    for key, used in (("demo.banner", result.is_demo),
                      ("demo.households", result.households_demo)):
        if used:
            parts.append(f'<div style="{_DEMO_STYLE}">{_escape(t(key, lang))}</div>')
    return f'<div style="{_BOX_STYLE}max-width:380px">{"".join(parts)}</div>'


def _sources_html(result: AnalysisResult, layers: ShareLayers, lang: Language) -> str:
    """Write the data sources and method, folded away under a summary line."""
    del layers
    items = "".join(f"<li>{_escape(line)}</li>" for line in sources_and_method(result, lang))
    title = _escape(t("share.sources.title", lang))
    return (f'<div style="{_BOX_STYLE}"><details><summary>{title}</summary>'
            f"<ul>{items}</ul></details></div>")


def _input_path(inputs: dict[str, dict[str, str]], role: str) -> str:
    return str(inputs.get(role, {}).get("path", ""))


def _bundled(path: str) -> bool:
    return not path or path.startswith(("bundled:", "generated:"))


def _file_name(path: str) -> str:
    """Keep a file's base name only: the folders may name a person or a machine."""
    return Path(path.split(":", 1)[-1] if path.startswith("bundled:") else path).name or "-"


# --- folium elements --------------------------------------------------------------
class _Labels(Layer):
    """Permanent text labels (escaped HTML) at points, as one layer of the layer control."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.layerGroup();
        {{ this.labels|tojson }}.forEach(function (label) {
            L.marker([label[0], label[1]], {
                icon: L.divIcon({className: {{ this.css_class|tojson }}, html: label[2],
                                 iconSize: null}),
                interactive: false, keyboard: false
            }).addTo({{ this.get_name() }});
        });
        {% endmacro %}
    """)

    def __init__(self, labels: list[list[object]], *, name: str, css_class: str) -> None:
        super().__init__(name=name, overlay=True, control=True, show=True)
        self._name = "Labels"
        self.labels = labels
        self.css_class = css_class


class _VillageSearch(folium.MacroElement):
    """A search box over the villages (leaflet-search): zooms to and outlines the match."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function () {
            var villages = {{ this.layer.get_name() }};
            var search = new L.Control.Search({
                layer: villages, propertyName: "q", marker: false, initial: false,
                casesensitive: false, collapsed: false, position: "topleft",
                textPlaceholder: {{ this.placeholder|tojson }},
                textErr: {{ this.not_found|tojson }},
                textCancel: {{ this.cancel|tojson }},
                moveToLocation: function (latlng, title, map) {
                    map.fitBounds(latlng.layer.getBounds(), {maxZoom: 15, animate: false});
                }
            });
            search.on("search:locationfound", function (e) {
                villages.resetStyle();
                e.layer.setStyle({weight: 4, color: "#000000"});
                e.layer.bringToFront();
            });
            search.on("search:cancel", function () { villages.resetStyle(); });
            {{ this._parent.get_name() }}.addControl(search);
        })();
        {% endmacro %}
    """)

    def __init__(self, layer: folium.GeoJson, lang: Language) -> None:
        super().__init__()
        self._name = "VillageSearch"
        self.layer = layer
        self.placeholder = t("share.search", lang)
        self.not_found = t("share.search_not_found", lang)
        self.cancel = t("share.search_cancel", lang)


class _MapControls(folium.MacroElement):
    """The full-screen button, a metric scale bar, and village names only when zoomed in."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function (map) {
            L.control.fullscreen({position: "bottomleft", title: {{ this.title|tojson }},
                                  titleCancel: {{ this.title_cancel|tojson }}}).addTo(map);
            L.control.scale({position: "bottomleft", imperial: false, maxWidth: 160})
                .addTo(map);
            function villageNames() {
                var low = map.getZoom() < {{ this.min_zoom|tojson }};
                map.getContainer().classList.toggle("go-low-zoom", low);
            }
            map.on("zoomend", villageNames);
            villageNames();
        })({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self, lang: Language) -> None:
        super().__init__()
        self._name = "MapControls"
        self.title = t("share.fullscreen", lang)
        self.title_cancel = t("share.fullscreen_exit", lang)
        self.min_zoom = VILLAGE_LABEL_MIN_ZOOM


# --- offline ----------------------------------------------------------------------
def _inline_plugins(fmap: folium.Map, *, basemap: bool) -> None:
    """Forbid network access in the page, then write the plugins and our styles into it."""
    tiles = " https://tile.openstreetmap.org" if basemap else ""
    header = fmap.get_root().header
    header.add_child(_RawHtml(f'<meta http-equiv="Content-Security-Policy" '
                              f'content="{_CSP.format(tiles=tiles)}">'), name="csp", index=0)
    scripts, styles = _plugin_assets()
    header.add_child(_RawHtml(f"<style>{styles}{_LABEL_CSS}</style>"), name="plugins_css")
    header.add_child(_RawHtml(f"<script>{scripts}</script>"), name="plugins_js")


def _check_offline(layer: Element) -> None:
    """Refuse a layer that needs any script, stylesheet or font besides Leaflet's."""
    for element in _walk(layer):
        names = ([name for name, _ in [*element.default_js, *element.default_css]]
                 if isinstance(element, JSCSSMixin) else [])
        if isinstance(element, folium.Icon):  # drawn by the Map's awesome-markers script
            names = ["awesome-markers", "icon fonts"]
        if names:
            raise ValueError(
                f"{type(element).__name__} needs {', '.join(names)} from the internet; "
                "a shared map holds only layers Leaflet draws by itself (GeoJson, "
                "PolyLine, CircleMarker, Marker with a DivIcon)")


@functools.cache
def _plugin_assets() -> tuple[str, str]:
    """Read the vendored plugins; stylesheet images become data: URLs."""
    scripts = "\n;\n".join(_SOURCE_MAP.sub("", (ASSETS / name).read_text(encoding="utf-8"))
                           for name in _PLUGIN_SCRIPTS)
    styles = []
    for name in _PLUGIN_STYLES:
        path = ASSETS / name

        def data_url(match: re.Match[str], stylesheet: Path = path) -> str:
            image = (stylesheet.parent / match.group(1)).resolve()
            if ASSETS.resolve() not in image.parents:
                raise ValueError(f"{stylesheet.name} refers to {match.group(1)} outside "
                                 "the assets")
            encoded = base64.b64encode(image.read_bytes()).decode("ascii")
            return f"url(data:{_MIME[image.suffix]};base64,{encoded})"

        text = _SOURCE_MAP.sub("", path.read_text(encoding="utf-8"))
        styles.append(re.sub(r"url\(\s*['\"]?([^'\")]+?)['\"]?\s*\)", data_url, text))
    stylesheet = "\n".join(styles)
    if "</script" in scripts.lower() or "</style" in stylesheet.lower():
        raise ValueError("the map plugins contain a closing tag and cannot be inlined")
    return scripts, stylesheet
