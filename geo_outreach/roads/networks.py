"""
Road networks: load one, snap points onto it, and measure distances along the roads.

A :class:`RoadNetwork` holds *links* (the centre line of a road between two junctions,
each road once, with a ``oneway`` flag: a one-way link runs from ``u`` to ``v``) and the
*nodes* at their ends, both in a metric CRS (UTM 49S for DIY). Lengths are measured on
the projected lines, so a point snapped part-way along a link splits it exactly.

Where networks come from: the bundled OpenStreetMap drive network of Kota Yogyakarta
(:func:`bundled_network`), a user's file (:func:`load_network`: ``.osm``, ``.osm.pbf``,
osmnx GraphML, or a road line layer with no topology, noded at its crossings by
:func:`network_from_lines`), or a download for the study area (:func:`download_network`,
through :mod:`geo_outreach.roads._osm`, the only module that calls osmnx).

Snapping and road distances are :mod:`geo_outreach.roads.graph`'s.
"""

from __future__ import annotations

import functools
import json
import warnings
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Final

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely
from pyogrio.errors import DataLayerError, DataSourceError
from pyproj.exceptions import CRSError
from scipy import sparse
from scipy.sparse import csgraph
from shapely.errors import GEOSException

from geo_outreach._errors import InputError, Problem
from geo_outreach.analysis.reach import choose_metric_crs
from geo_outreach.inputs import bundled
from geo_outreach.inputs.file_checks import check_file
from geo_outreach.inputs.file_kinds import file_sha256
from geo_outreach.publish.export import atomic_write
from geo_outreach.roads import _osm

if TYPE_CHECKING:
    import networkx as nx

BUNDLED_ROADS_DIR: Final = bundled.BUNDLED_DIR / "roads"
"""The repository's ``boundaries/roads/`` folder."""

BUNDLED_ROADS_STEM: Final = "kota_yogyakarta_drive_2024-03-29"
"""File-name stem of the bundled network (``<stem>_links.parquet`` etc.)."""

OSM_ATTRIBUTION: Final = "© OpenStreetMap contributors, ODbL 1.0 (openstreetmap.org/copyright)"
"""What every output made from OpenStreetMap roads must carry."""

ROAD_FILE_FORMATS: Final = ("OpenStreetMap XML (.osm), OpenStreetMap PBF (.osm.pbf), osmnx "
                            "GraphML (.graphml), or a road line layer (GeoJSON, GeoPackage, "
                            "Shapefile .shp or zipped .zip, GeoParquet)")

LINE_SUFFIXES: Final = frozenset({".geojson", ".json", ".gpkg", ".shp", ".zip", ".parquet",
                                  ".geoparquet"})
_ONEWAY_TRUE: Final = frozenset({"yes", "true", "1"})
_ONEWAY_REVERSE: Final = frozenset({"-1", "reverse"})
EXTENT_TOLERANCE_M: Final = 25.0
"""A point this close to the network's extent counts as on the network."""
_LENGTH_KEY_DECIMALS: Final = 1
"""Two directed OSM edges between the same nodes with lengths equal to 0.1 m are one road."""


@dataclass(frozen=True, eq=False)
class RoadNetwork:
    """
    A routable road network in a metric CRS.

    Attributes
    ----------
    nodes
        One row per junction or road end: ``node_id`` (the source's id, e.g. the OSM node
        id) and the point. Row ``i`` is node position ``i``.
    links
        One row per road piece between two nodes: ``u``, ``v`` (node positions),
        ``length_m`` (of the projected line), ``oneway`` (True: only ``u`` to ``v`` may be
        driven), ``highway``, ``name`` and the line, drawn from ``u`` to ``v``.
    extent
        Where the network is complete, same CRS (the area it was cut or downloaded for,
        else the convex hull of its nodes). Places outside it may lack roads.
    source
        What the network is, for reports (e.g. the file name).
    attribution
        The licence notice outputs must carry (OpenStreetMap's, for OSM data).
    extent_note
        How ``extent`` was decided.
    file, sha256
        The file the network was read from (its path, or ``bundled:...``) and the hex
        sha256 of its bytes; empty for a network built in memory or downloaded.

    Notes
    -----
    Treat an instance as read-only: derived graphs and search trees are cached on it.
    """

    nodes: gpd.GeoDataFrame
    links: gpd.GeoDataFrame
    extent: shapely.Geometry
    source: str
    attribution: str = ""
    extent_note: str = ""
    file: str = ""
    sha256: str = ""
    _cache: dict[str, object] = field(default_factory=dict, init=False, repr=False)

    def input_record(self) -> dict[str, str]:
        """
        Name the network's file as the run record and the export log name an input.

        Returns
        -------
        dict
            ``path`` and ``sha256``; empty when the network was not read from a file.
        """
        return {"path": self.file, "sha256": self.sha256} if self.file else {}

    @property
    def crs(self) -> str:
        """The metric CRS, e.g. ``"EPSG:32749"``."""
        return str(self.links.crs.to_string())

    @property
    def node_xy(self) -> np.ndarray:
        """Node coordinates, shape (nodes, 2), metres."""
        if "node_xy" not in self._cache:
            self._cache["node_xy"] = shapely.get_coordinates(self.nodes.geometry.to_numpy())
        return self._cache["node_xy"]  # type: ignore[return-value]

    @property
    def link_arrays(self) -> dict[str, np.ndarray]:
        """The links' ``u``, ``v``, ``length_m`` and ``oneway`` as NumPy arrays (cached)."""
        if "link_arrays" not in self._cache:
            self._cache["link_arrays"] = {
                column: self.links[column].to_numpy()
                for column in ("u", "v", "length_m", "oneway")}
        return self._cache["link_arrays"]  # type: ignore[return-value]

    @property
    def length_km(self) -> float:
        """Total length of the roads (each road once), km."""
        return float(self.links["length_m"].sum() / 1000)

    def describe(self) -> str:
        """Summarise the network in one line, e.g. for the CLI."""
        return (f"{self.source}: {len(self.nodes):,} nodes, {len(self.links):,} road links, "
                f"{self.length_km:,.0f} km")

    def covers_xy(self, xy: np.ndarray, *, tolerance_m: float = EXTENT_TOLERANCE_M
                  ) -> np.ndarray:
        """
        Tell which points lie inside the extent (or within ``tolerance_m`` of it).

        Parameters
        ----------
        xy
            Points in the network's CRS, shape (n, 2).
        tolerance_m
            Points this close to the extent's edge count as inside (a point on a road at
            the edge of a convex hull lies on its boundary).

        Returns
        -------
        np.ndarray
            One bool per point.
        """
        xy = np.asarray(xy, dtype=float).reshape(-1, 2)
        return shapely.dwithin(self.extent, shapely.points(xy), tolerance_m)

    def strong_links(self) -> np.ndarray:
        """
        Mark the links inside the largest strongly connected part (one-way rules kept).

        Returns
        -------
        np.ndarray
            One bool per link: from each such link every other one can be driven to and
            back. Points are snapped to these links when one-way rules apply.
        """
        if "strong_links" not in self._cache:
            u, v = self.links["u"].to_numpy(), self.links["v"].to_numpy()
            back = ~self.links["oneway"].to_numpy()
            size = len(self.nodes)
            graph = sparse.coo_array((np.ones(len(u) + int(back.sum())),
                                      (np.concatenate([u, v[back]]),
                                       np.concatenate([v, u[back]]))),
                                     shape=(size, size)).tocsr()
            _count, labels = csgraph.connected_components(graph, directed=True,
                                                          connection="strong")
            largest = np.bincount(labels).argmax()
            keep = (labels[self.links["u"].to_numpy()] == largest) & (
                labels[self.links["v"].to_numpy()] == largest)
            self._cache["strong_links"] = keep
        return self._cache["strong_links"]  # type: ignore[return-value]

    def link_tree(self, *, strong_only: bool = False) -> tuple[shapely.STRtree, np.ndarray]:
        """
        Return a search tree over the links and the link position of each tree item.

        Parameters
        ----------
        strong_only
            Index only the links of :meth:`strong_links`.

        Returns
        -------
        tuple
            The tree and, per tree item, its link position.
        """
        key = f"tree_{strong_only}"
        if key not in self._cache:
            positions = (np.flatnonzero(self.strong_links()) if strong_only
                         else np.arange(len(self.links)))
            tree = shapely.STRtree(self.links.geometry.to_numpy()[positions])
            self._cache[key] = (tree, positions)
        return self._cache[key]  # type: ignore[return-value]


# --- building a network ---------------------------------------------------------------


def _text(value: object) -> str:
    """Flatten an OSM tag value (a string, a list of strings, or missing) to one string."""
    if isinstance(value, (list, tuple, set)):
        # osmnx merges the tags of simplified ways in sets: sort for a stable result.
        return ";".join(sorted({str(item) for item in value}))
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    return str(value)


def _assemble(
    u_ids: np.ndarray,
    v_ids: np.ndarray,
    lines: np.ndarray,
    oneway: np.ndarray,
    attributes: pd.DataFrame,
    *,
    crs: str,
    extent: shapely.Geometry | None,
    source: str,
    attribution: str,
    extent_note: str,
    warn_dropped: bool,
) -> RoadNetwork:
    """
    Make a network from links given by their end ids and metric lines (drawn ``u`` to ``v``).

    Node coordinates are taken from the line ends. Only the largest connected part is
    kept: a point snapped onto a separate fragment could reach nothing.
    """
    if len(lines) == 0:
        raise InputError(Problem(source, None, None, None, "the road network has no road",
                                 f"give a network with roads: {ROAD_FILE_FORMATS}"))
    ends = np.concatenate([u_ids, v_ids])
    node_ids, position = np.unique(ends, return_inverse=True)
    u, v = position[: len(u_ids)], position[len(u_ids):]
    first = shapely.get_coordinates(shapely.get_point(lines, 0))
    last = shapely.get_coordinates(shapely.get_point(lines, -1))
    node_xy = np.empty((len(node_ids), 2))
    node_xy[v] = last
    node_xy[u] = first
    lengths = shapely.length(lines)

    adjacency = sparse.coo_array((np.ones(len(u)), (u, v)),
                                 shape=(len(node_ids), len(node_ids))).tocsr()
    count, labels = csgraph.connected_components(adjacency, directed=False)
    keep_links = np.ones(len(u), dtype=bool)
    if count > 1:
        largest = np.bincount(labels).argmax()
        keep_links = labels[u] == largest
        dropped = int((~keep_links).sum())
        if warn_dropped:
            warnings.warn(
                f"{source}: {dropped} of {len(u)} road pieces are not connected to the main "
                f"network ({count - 1} separate fragment(s)) and were left out; join them in "
                "the source data if they matter", UserWarning, stacklevel=3)
        used = np.unique(np.concatenate([u[keep_links], v[keep_links]]))
        renumber = np.full(len(node_ids), -1)
        renumber[used] = np.arange(len(used))
        node_ids, node_xy = node_ids[used], node_xy[used]
        u, v = renumber[u[keep_links]], renumber[v[keep_links]]
        lines, lengths, oneway = lines[keep_links], lengths[keep_links], oneway[keep_links]
        attributes = attributes[keep_links]

    nodes = gpd.GeoDataFrame({"node_id": node_ids},
                             geometry=shapely.points(node_xy), crs=crs)
    links = gpd.GeoDataFrame({
        "u": u.astype(np.int64), "v": v.astype(np.int64), "length_m": lengths,
        "oneway": oneway.astype(bool),
        "highway": attributes["highway"].astype(str).to_numpy() if len(attributes) else [],
        "name": attributes["name"].astype(str).to_numpy() if len(attributes) else [],
    }, geometry=lines, crs=crs)
    if extent is None:
        extent = shapely.convex_hull(shapely.multipoints(node_xy))
        extent_note = extent_note or "convex hull of the network's nodes"
    return RoadNetwork(nodes=nodes, links=links, extent=extent, source=source,
                       attribution=attribution, extent_note=extent_note)


def _project(geometries: np.ndarray, crs: object, metric_crs: str) -> np.ndarray:
    return gpd.GeoSeries(geometries, crs=crs).to_crs(metric_crs).to_numpy()


def _extent_metric(extent_4326: shapely.Geometry | None, metric_crs: str
                   ) -> shapely.Geometry | None:
    if extent_4326 is None:
        return None
    return _project(np.array([extent_4326]), "EPSG:4326", metric_crs)[0]


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
                        _text(data.get("highway")), _text(data.get("name"))))
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
    lines = _project(edges["geometry"].to_numpy(), crs, metric_crs)
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
    return _assemble(
        u_ids[keep], v_ids[keep], lines[keep], oneway[keep],
        edges.loc[keep, ["highway", "name"]].reset_index(drop=True),
        crs=metric_crs, extent=_extent_metric(extent, metric_crs), source=source,
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
    tag = tag.map(_text).str.lower().to_numpy()
    reverse = np.isin(tag, list(_ONEWAY_REVERSE))
    lines = np.where(reverse, shapely.reverse(lines), lines)
    u_ids = np.where(reverse, edges["v"].to_numpy(), edges["u"].to_numpy())
    v_ids = np.where(reverse, edges["u"].to_numpy(), edges["v"].to_numpy())
    oneway = np.isin(tag, list(_ONEWAY_TRUE)) | reverse
    attributes = pd.DataFrame({
        column: (edges[column].map(_text) if column in edges else "")
        for column in ("highway", "name")
    }).reset_index(drop=True)
    return _assemble(u_ids.astype(np.int64), v_ids.astype(np.int64), lines, oneway, attributes,
                     crs=metric_crs, extent=_extent_metric(extent, metric_crs), source=source,
                     attribution=attribution, extent_note=extent_note, warn_dropped=True)


def network_from_lines(
    lines: gpd.GeoDataFrame,
    *,
    source: str,
    snap_tolerance_m: float = 1.0,
    attribution: str = "",
) -> RoadNetwork:
    """
    Node a road line layer with no topology into a routable network.

    Lines are cut wherever they cross or touch (a shapely union on a grid of
    ``snap_tolerance_m``, so vertices closer than that merge), and every piece becomes a
    two-way link between the junctions at its ends.

    Parameters
    ----------
    lines
        LineStrings or MultiLineStrings with a CRS, e.g. a government road map.
    source
        The file name, for messages and reports.
    snap_tolerance_m
        Vertices closer than this (metres) are merged, closing small digitising gaps.
    attribution
        The data's licence notice, if any.

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
    parts = shapely.get_parts(drawn.to_crs(metric_crs).geometry.to_numpy())
    parts = parts[~shapely.is_empty(parts) & (shapely.length(parts) > 0)]
    noded = shapely.get_parts(shapely.union_all(parts, grid_size=snap_tolerance_m))
    noded = noded[shapely.length(noded) > 0]
    first = shapely.get_coordinates(shapely.get_point(noded, 0))
    last = shapely.get_coordinates(shapely.get_point(noded, -1))
    _ends, position = np.unique(np.concatenate([first, last]), axis=0, return_inverse=True)
    u_ids, v_ids = position[: len(noded)], position[len(noded):]
    attributes = pd.DataFrame({"highway": [""] * len(noded), "name": [""] * len(noded)})
    return _assemble(u_ids.astype(np.int64), v_ids.astype(np.int64), noded,
                     np.zeros(len(noded), dtype=bool), attributes, crs=metric_crs, extent=None,
                     source=source, attribution=attribution, extent_note="",
                     warn_dropped=True)


# --- reading and writing --------------------------------------------------------------


def _suffix(path: Path) -> str:
    name = path.name.lower()
    if name.endswith(".osm.pbf"):
        return ".osm.pbf"
    return path.suffix.lower()


def _read_lines(path: Path) -> gpd.GeoDataFrame:
    try:
        if _suffix(path) in (".parquet", ".geoparquet"):
            return gpd.read_parquet(path)
        return gpd.read_file(path)
    # geopandas checks GeoParquet metadata with dict lookups: odd metadata gives AttributeError
    except (DataSourceError, DataLayerError, pyogrio.errors.FieldError, ValueError,
            OSError, GEOSException, AttributeError, TypeError, KeyError, CRSError) as err:
        raise InputError(Problem(path.name, None, None, None,
                                 f"the road layer could not be read ({err})",
                                 f"give one of: {ROAD_FILE_FORMATS}")) from err


def load_network(
    path: str | Path,
    *,
    network_type: str = "driving",
    snap_tolerance_m: float = 1.0,
) -> RoadNetwork:
    """
    Read a user's road network from a file.

    Parameters
    ----------
    path
        ``.osm`` (OpenStreetMap XML), ``.osm.pbf``, ``.graphml`` (osmnx), or a road line
        layer (``.geojson``, ``.gpkg``, ``.shp``, ``.zip``, ``.parquet``).
    network_type
        For ``.osm.pbf`` only: pyrosm's network type (``"driving"``, ``"walking"`` ...).
    snap_tolerance_m
        For line layers only: vertices closer than this are merged.

    Returns
    -------
    RoadNetwork
        The network, with the convex hull of its nodes as its extent.

    Raises
    ------
    InputError
        If the file is missing or empty, of an unknown kind, or holds no usable road.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(Problem(path.name, None, None, None, f"road file not found: {path}",
                                 "check the path given with --roads"))
    check_file(path, ROAD_FILE_FORMATS, what="the road network")
    network = _network_from_file(path, network_type=network_type,
                                 snap_tolerance_m=snap_tolerance_m)
    return replace(network, file=str(path), sha256=file_sha256(path))


def _network_from_file(path: Path, *, network_type: str, snap_tolerance_m: float
                       ) -> RoadNetwork:
    """Build the network from a checked file, by the kind its suffix names."""
    suffix = _suffix(path)
    if suffix in (".osm", ".xml"):
        return network_from_graph(_osm.graph_from_osm_xml(path), source=path.name)
    if suffix == ".osm.pbf":
        return network_from_osm_edges(_osm.edges_from_pbf(path, network_type=network_type),
                                      source=path.name)
    if suffix == ".graphml":
        return network_from_graph(_osm.graph_from_graphml(path), source=path.name)
    if suffix in LINE_SUFFIXES:
        return network_from_lines(_read_lines(path), source=path.name,
                                  snap_tolerance_m=snap_tolerance_m)
    raise InputError(Problem(path.name, None, None, suffix or path.name,
                             "unknown road file type", f"give one of: {ROAD_FILE_FORMATS}"))


def download_network(
    area: shapely.Geometry,
    *,
    network_type: str = "drive",
    cache_dir: Path | None = None,
) -> RoadNetwork:
    """
    Download the OpenStreetMap road network of an area (kept on disk for next time).

    Parameters
    ----------
    area
        The study area, EPSG:4326.
    network_type
        osmnx's network type (``"drive"``, ``"walk"`` ...).
    cache_dir
        Where downloads are kept; see :func:`geo_outreach.roads._osm.default_cache_dir`.

    Returns
    -------
    RoadNetwork
        The network, with ``area`` as its extent.
    """
    graph = _osm.download_graph(area, network_type=network_type, cache_dir=cache_dir)
    return network_from_graph(graph, source=f"OpenStreetMap {network_type} network (download)",
                              extent=area, extent_note="the area the network was downloaded for")


def save_network(network: RoadNetwork, folder: Path, stem: str) -> list[Path]:
    """
    Write a network compactly: links and nodes as GeoParquet, extent and notes as GeoJSON.

    Parameters
    ----------
    network
        The network.
    folder
        The output folder.
    stem
        File-name stem: ``<stem>_links.parquet``, ``<stem>_nodes.parquet``,
        ``<stem>_extent.geojson``.

    Returns
    -------
    list of Path
        The files written (EPSG:4326, zstd-compressed Parquet).
    """
    node_ids = network.nodes["node_id"].to_numpy()
    links = network.links.to_crs("EPSG:4326")
    links = gpd.GeoDataFrame({
        "u": node_ids[links["u"].to_numpy()], "v": node_ids[links["v"].to_numpy()],
        "oneway": links["oneway"].to_numpy(), "highway": links["highway"].to_numpy(),
        "name": links["name"].to_numpy(),
    }, geometry=links.geometry.to_numpy(), crs="EPSG:4326")
    nodes = network.nodes[["node_id", "geometry"]].to_crs("EPSG:4326")
    extent = gpd.GeoDataFrame({
        "source": [network.source], "attribution": [network.attribution],
        "extent_note": [network.extent_note],
    }, geometry=[network.extent], crs=network.crs).to_crs("EPSG:4326")
    return [
        atomic_write(folder / f"{stem}_links.parquet",
                     lambda p: links.to_parquet(p, compression="zstd", index=False)),
        atomic_write(folder / f"{stem}_nodes.parquet",
                     lambda p: nodes.to_parquet(p, compression="zstd", index=False)),
        atomic_write(folder / f"{stem}_extent.geojson",
                     lambda p: p.write_text(extent.to_json(drop_id=True), encoding="utf-8")),
    ]


def read_network(folder: Path, stem: str) -> RoadNetwork:
    """
    Read a network written by :func:`save_network`.

    Parameters
    ----------
    folder, stem
        As given to :func:`save_network`.

    Returns
    -------
    RoadNetwork
        The network in the local UTM zone.
    """
    links = gpd.read_parquet(folder / f"{stem}_links.parquet")
    extent_frame = gpd.GeoDataFrame.from_features(
        json.loads((folder / f"{stem}_extent.geojson").read_text(encoding="utf-8")),
        crs="EPSG:4326")
    notes = extent_frame.iloc[0]
    metric_crs = choose_metric_crs(links)
    lines = links.to_crs(metric_crs).geometry.to_numpy()
    return _assemble(
        links["u"].to_numpy(np.int64), links["v"].to_numpy(np.int64), lines,
        links["oneway"].to_numpy(bool), pd.DataFrame(links[["highway", "name"]]),
        crs=metric_crs, extent=_extent_metric(extent_frame.geometry.iloc[0], metric_crs),
        source=str(notes["source"]), attribution=str(notes["attribution"]),
        extent_note=str(notes["extent_note"]), warn_dropped=False)


@functools.cache
def bundled_network() -> RoadNetwork:
    """
    Return the bundled OpenStreetMap drive network of Kota Yogyakarta (read once).

    Returns
    -------
    RoadNetwork
        9,332 nodes; extent: the city's OSM boundary (the network is complete inside it;
        roads crossing it continue a little beyond). See ``boundaries/roads/SOURCES.md``.
    """
    links = BUNDLED_ROADS_DIR / f"{BUNDLED_ROADS_STEM}_links.parquet"
    return replace(
        read_network(BUNDLED_ROADS_DIR, BUNDLED_ROADS_STEM),
        file=f"bundled:{links.relative_to(bundled.BUNDLED_DIR.parent)}", sha256=file_sha256(links))
