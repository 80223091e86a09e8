"""
Build a road network from an osmnx graph, OSM edges or plain road lines, with its credit.

Line layers without topology are noded at their crossings; one-way rules are kept for
motor traffic. Every network carries the attribution its source asks for: OpenStreetMap's
for OSM data (:data:`OSM_ATTRIBUTION`), the Badan Informasi Geospasial's for a Peta
Rupabumi Indonesia road layer (:data:`RBI_ATTRIBUTION`), and otherwise a line naming the
user's file (:func:`line_layer_attribution` tells them apart).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Final

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo_outreach import i18n
from geo_outreach._errors import InputError, Problem
from geo_outreach.crs import choose_metric_crs
from geo_outreach.roads.model import (
    RoadNetwork,
    assemble_network,
    extent_metric,
    osm_tag_text,
    project_geometries,
)

if TYPE_CHECKING:
    from collections.abc import Iterable

    import networkx as nx

OSM_ATTRIBUTION: Final = "© OpenStreetMap contributors, ODbL 1.0 (openstreetmap.org/copyright)"
"""What every output made from OpenStreetMap roads must carry."""
RBI_ATTRIBUTION: Final = "Peta Rupabumi Indonesia (RBI) © Badan Informasi Geospasial (BIG)"
"""What every output made from a Peta Rupabumi Indonesia road layer carries."""
RBI_ROAD_COLUMNS: Final = frozenset({
    "NAMRJL", "KONRJL", "MATRJL", "FGSRJL", "UTKRJL", "TOLRJL", "WLYRJL", "AUTRJL", "KLSRJL",
    "SPCRJL", "JPARJL", "ARHRJL", "STARJL", "KLLRJL", "MEDRJL", "LOCRJL", "JARRJL"})
"""The road attributes of RBI's ``JALAN_LN_25K``/``JALAN_LN_50K`` layers (NAMRJL: the name)."""
RBI_NAME_COLUMN: Final = "NAMRJL"
_RBI_LAYER_NAME: Final = re.compile(r"JALAN_LN_\d+K", re.IGNORECASE)
_OSM_ID_COLUMNS: Final = frozenset({"osm_id", "osmid", "@id", "osm_way_id", "full_id"})
_OSM_CLASS_COLUMNS: Final = frozenset({"highway", "fclass"})
_NAME_COLUMNS: Final = (RBI_NAME_COLUMN, "name", "nama")
"""Where a line layer keeps road names, first found first (any case)."""
_HIGHWAY_COLUMNS: Final = ("highway", "fclass")
_ONEWAY_TRUE: Final = frozenset({"yes", "true", "1"})
_ONEWAY_REVERSE: Final = frozenset({"-1", "reverse"})
_LENGTH_KEY_DECIMALS: Final = 1
"""Two directed OSM edges between the same nodes with lengths equal to 0.1 m are one road."""


def network_from_graph(
    graph: nx.MultiDiGraph,
    *,
    source: str,
    attribution: str = OSM_ATTRIBUTION,
    extent: shapely.Geometry | None = None,
    extent_note: str = "",
    metric_crs: str | None = None,
) -> RoadNetwork:
    """
    Convert an osmnx graph into a :class:`RoadNetwork`.

    Parameters
    ----------
    graph
        An osmnx MultiDiGraph: nodes with ``x``/``y``, edges with optional ``geometry``,
        ``oneway``, ``highway``, ``name``; its CRS in ``graph.graph["crs"]`` (EPSG:4326 if
        missing). A two-way road has an edge each way; they become one link.
    source
        What the network is, for reports.
    attribution
        The licence notice (OpenStreetMap's by default).
    extent
        Where the network is complete, EPSG:4326; the convex hull of the nodes if None.
    extent_note
        How ``extent`` was decided.
    metric_crs
        The CRS to measure in; the local UTM zone (UTM 49S in DIY) if None.

    Returns
    -------
    RoadNetwork
        The network, largest connected part only.
    """
    crs = graph.graph.get("crs", "EPSG:4326")
    node_frame = pd.DataFrame.from_dict(dict(graph.nodes(data=True)), orient="index")
    if node_frame.empty or not {"x", "y"} <= set(node_frame.columns):
        raise InputError(Problem(source, None, None, None,
                                 "the graph's nodes have no x/y coordinates",
                                 "save the graph with osmnx so nodes carry x and y"))
    records = []
    for u_id, v_id, data in graph.edges(data=True):
        records.append((u_id, v_id, data.get("geometry"), data.get("oneway", False),
                        osm_tag_text(data.get("highway")), osm_tag_text(data.get("name"))))
    edges = pd.DataFrame(records, columns=["u", "v", "geometry", "oneway", "highway", "name"])
    missing = edges["geometry"].isna().to_numpy()
    if missing.any():
        xy = node_frame[["x", "y"]].astype(float)
        start = xy.loc[edges.loc[missing, "u"]].to_numpy()
        end = xy.loc[edges.loc[missing, "v"]].to_numpy()
        straight = shapely.linestrings(np.stack([start, end], axis=1))
        edges.loc[missing, "geometry"] = pd.Series(list(straight), index=edges.index[missing],
                                                   dtype=object)
    if metric_crs is None:
        points = gpd.GeoDataFrame(geometry=shapely.points(node_frame[["x", "y"]].to_numpy(float)),
                                  crs=crs)
        metric_crs = choose_metric_crs(points)
    lines = project_geometries(edges["geometry"].to_numpy(), crs, metric_crs)
    edges["length_key"] = np.round(shapely.length(lines), _LENGTH_KEY_DECIMALS)
    u_ids, v_ids = edges["u"].to_numpy(), edges["v"].to_numpy()
    low, high = np.minimum(u_ids, v_ids), np.maximum(u_ids, v_ids)
    edges["low"], edges["high"] = low, high
    edges["forward"] = u_ids == low
    edges["loop"] = u_ids == v_ids
    groups = edges.groupby(["low", "high", "length_key"], sort=False)
    both_ways = (groups["forward"].transform("any") & ~groups["forward"].transform("all"))
    keep = ~groups.cumcount().astype(bool).to_numpy()
    oneway = ~both_ways.to_numpy() & ~edges["loop"].to_numpy()
    # An edge that exists one way only is one-way, whatever its tag says: osmnx adds the
    # reverse edge of every road that may be driven both ways.
    return assemble_network(
        u_ids[keep], v_ids[keep], lines[keep], oneway[keep],
        edges.loc[keep, ["highway", "name"]].reset_index(drop=True),
        crs=metric_crs, extent=extent_metric(extent, metric_crs), source=source,
        attribution=attribution, extent_note=extent_note, warn_dropped=False)


def network_from_osm_edges(
    edges: gpd.GeoDataFrame,
    *,
    source: str,
    attribution: str = OSM_ATTRIBUTION,
    extent: shapely.Geometry | None = None,
    extent_note: str = "",
) -> RoadNetwork:
    """
    Build a network from OSM way segments as pyrosm returns them.

    Parameters
    ----------
    edges
        One row per segment: ``u``, ``v`` (OSM node ids), ``oneway`` (OSM tag),
        ``highway``, ``name`` and the line, any CRS.
    source, attribution, extent, extent_note
        As in :func:`network_from_graph`.

    Returns
    -------
    RoadNetwork
        The network; a segment tagged ``oneway=-1`` is turned to run ``u`` to ``v``.
    """
    metric_crs = choose_metric_crs(edges)
    lines = edges.to_crs(metric_crs).geometry.to_numpy()
    tag = (edges["oneway"] if "oneway" in edges else pd.Series("", index=edges.index))
    tag = tag.map(osm_tag_text).str.lower().to_numpy()
    reverse = np.isin(tag, list(_ONEWAY_REVERSE))
    lines = np.where(reverse, shapely.reverse(lines), lines)
    u_ids = np.where(reverse, edges["v"].to_numpy(), edges["u"].to_numpy())
    v_ids = np.where(reverse, edges["u"].to_numpy(), edges["v"].to_numpy())
    oneway = np.isin(tag, list(_ONEWAY_TRUE)) | reverse
    attributes = pd.DataFrame({
        column: (edges[column].map(osm_tag_text) if column in edges else "")
        for column in ("highway", "name")
    }).reset_index(drop=True)
    return assemble_network(u_ids.astype(np.int64), v_ids.astype(np.int64), lines, oneway,
                            attributes, crs=metric_crs, extent=extent_metric(extent, metric_crs),
                            source=source, attribution=attribution, extent_note=extent_note,
                            warn_dropped=True)


def line_layer_attribution(columns: Iterable[str], *, file_name: str,
                           layer_name: str = "") -> str:
    """
    Credit a road line layer by what its columns (or its name) show it to be.

    The rules, in order:

    1. **Peta Rupabumi Indonesia** (Badan Informasi Geospasial): two or more of RBI's road
       columns (:data:`RBI_ROAD_COLUMNS`: NAMRJL, KONRJL, MATRJL, FGSRJL ..., any case), or
       the file or layer named as RBI names its road layers (``JALAN_LN_25K``,
       ``JALAN_LN_50K`` ...) → :data:`RBI_ATTRIBUTION`.
    2. **An OpenStreetMap export** (overpass turbo, QuickOSM, Geofabrik's shapefiles,
       ``osmnx.graph_to_gdfs``): an OSM id column (``osm_id``, ``osmid``, ``@id``,
       ``osm_way_id``, ``full_id``) together with an OSM road class (``highway``,
       ``fclass``) → :data:`OSM_ATTRIBUTION`. A ``highway`` column alone is not enough:
       other road maps use the word too.
    3. Anything else → "Road network: <file> (the user's file; source not stated)", in the
       reader's language where the output is translated (label
       ``roads.attribution.user_file``). The user can state the real source instead
       (``--roads-attribution``).

    Parameters
    ----------
    columns
        The layer's attribute columns.
    file_name
        The file's name as the user knows it.
    layer_name
        The layer's name inside the file (a GeoPackage or zipped shapefile), if known.

    Returns
    -------
    str
        The attribution.
    """
    upper = {str(column).upper() for column in columns}
    lower = {column.lower() for column in upper}
    if len(upper & RBI_ROAD_COLUMNS) >= 2 or any(  # noqa: PLR2004 - two columns: not by chance
            _RBI_LAYER_NAME.search(name) for name in (file_name, layer_name)):
        return RBI_ATTRIBUTION
    if lower & _OSM_ID_COLUMNS and lower & _OSM_CLASS_COLUMNS:
        return OSM_ATTRIBUTION
    return i18n.phrase("roads.attribution.user_file", file=file_name)


def _column(lines: gpd.GeoDataFrame, candidates: Iterable[str]) -> str | None:
    """Find the first of ``candidates`` that is a column of ``lines``, in any case."""
    by_lower = {str(column).lower(): column for column in lines.columns
                if column != lines.geometry.name}
    return next((by_lower[name.lower()] for name in candidates if name.lower() in by_lower),
                None)


def _piece_attributes(lines: gpd.GeoDataFrame, parts: np.ndarray, owners: np.ndarray,
                      noded: np.ndarray) -> pd.DataFrame:
    """Give each noded piece the name and road class of the line it was cut from."""
    columns = {"highway": _column(lines, _HIGHWAY_COLUMNS), "name": _column(lines, _NAME_COLUMNS)}
    attributes = pd.DataFrame({key: [""] * len(noded) for key in columns})
    if not any(columns.values()):
        return attributes
    middles = shapely.line_interpolate_point(noded, 0.5, normalized=True)
    piece, part = shapely.STRtree(parts).query_nearest(middles, all_matches=False)
    rows = np.empty(len(noded), dtype=np.int64)
    rows[piece] = owners[part]
    for key, column in columns.items():
        if column is not None:
            values = lines[column].map(osm_tag_text).to_numpy(dtype=object)
            attributes[key] = values[rows]
    return attributes


def network_from_lines(
    lines: gpd.GeoDataFrame,
    *,
    source: str,
    snap_tolerance_m: float = 1.0,
    attribution: str | None = None,
    layer_name: str = "",
) -> RoadNetwork:
    """
    Node a road line layer with no topology into a routable network.

    Lines are cut wherever they cross or touch (a shapely union on a grid of
    ``snap_tolerance_m``, so vertices closer than that merge), and every piece becomes a
    two-way link between the junctions at its ends. Each piece keeps the road name of its
    line (RBI's ``NAMRJL``, else a ``name`` or ``nama`` column) and its OSM road class
    (``highway`` or ``fclass``) when the layer has them.

    Parameters
    ----------
    lines
        LineStrings or MultiLineStrings with a CRS, e.g. a government road map.
    source
        The file name, for messages and reports.
    snap_tolerance_m
        Vertices closer than this (metres) are merged, closing small digitising gaps.
    attribution
        The data's licence notice; when None, it is told from the columns by
        :func:`line_layer_attribution`.
    layer_name
        The layer's name inside its file, for :func:`line_layer_attribution`.

    Returns
    -------
    RoadNetwork
        The noded network (largest connected part; a warning says what was left out).
        Crossings are junctions even where one road bridges another; no one-way rules.

    Raises
    ------
    InputError
        If the layer has no CRS or no lines.
    """
    problems = []
    if lines.crs is None:
        problems.append(Problem(source, None, None, None, "the road layer has no CRS",
                                "save it with its coordinate reference system (a .prj "
                                "file for a Shapefile)"))
    kinds = lines.geometry.geom_type
    bad = lines.index[~kinds.isin(["LineString", "MultiLineString"]) & lines.geometry.notna()]
    if len(bad):
        first = [int(i) + 2 for i in bad[:5]]
        problems.append(Problem(source, first[0], "geometry", str(kinds.loc[bad[0]]),
                                f"{len(bad)} feature(s) are not lines (rows {first})",
                                "give a layer of road centre lines only"))
    coordinates, owners = shapely.get_coordinates(lines.geometry.to_numpy(), return_index=True)
    unplaceable = np.unique(owners[~np.isfinite(coordinates).all(axis=1)])
    if len(unplaceable):
        first = [int(i) + 2 for i in unplaceable[:5]]
        problems.append(Problem(source, first[0], "geometry", None,
                                f"{len(unplaceable)} feature(s) have coordinates that are not "
                                f"numbers, NaN or infinite (rows {first})",
                                "correct or delete these lines"))
    if problems:
        raise InputError(problems)
    shapes = lines.geometry.to_numpy()
    drawn = lines[~shapely.is_missing(shapes) & ~shapely.is_empty(shapes)
                  & (shapely.length(shapes) > 0)]
    if drawn.empty:
        raise InputError(Problem(source, None, "geometry", None, "the road layer has no line",
                                 "give a layer of road centre lines"))
    try:
        metric_crs = choose_metric_crs(drawn)
    except (RuntimeError, ValueError) as err:  # no UTM zone: the coordinates are off the map
        raise InputError(Problem(source, None, "geometry", str(lines.crs),
                                 f"the road layer's coordinates do not fit its CRS ({err})",
                                 "set the CRS the coordinates are really in (EPSG:4326 for "
                                 "longitude/latitude), e.g. in QGIS: Layer > Set CRS")) from err
    parts, owners = shapely.get_parts(drawn.to_crs(metric_crs).geometry.to_numpy(),
                                      return_index=True)
    usable = ~shapely.is_empty(parts) & (shapely.length(parts) > 0)
    parts, owners = parts[usable], owners[usable]
    noded = shapely.get_parts(shapely.union_all(parts, grid_size=snap_tolerance_m))
    noded = noded[shapely.length(noded) > 0]
    first = shapely.get_coordinates(shapely.get_point(noded, 0))
    last = shapely.get_coordinates(shapely.get_point(noded, -1))
    _ends, position = np.unique(np.concatenate([first, last]), axis=0, return_inverse=True)
    u_ids, v_ids = position[: len(noded)], position[len(noded):]
    attributes = _piece_attributes(drawn, parts, owners, noded)
    if attribution is None:
        attribution = line_layer_attribution(lines.columns, file_name=source,
                                             layer_name=layer_name)
    return assemble_network(u_ids.astype(np.int64), v_ids.astype(np.int64), noded,
                            np.zeros(len(noded), dtype=bool), attributes, crs=metric_crs,
                            extent=None,
                            source=source, attribution=attribution, extent_note="",
                            warn_dropped=True)
