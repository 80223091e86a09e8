"""The road network as geo-outreach keeps it: links and nodes in a metric CRS, with its source."""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Final

import geopandas as gpd
import numpy as np
import shapely
from scipy import sparse
from scipy.sparse import csgraph

from geo_outreach._errors import InputError, Problem

if TYPE_CHECKING:
    import pandas as pd

ROAD_FILE_FORMATS: Final = ("OpenStreetMap XML (.osm), OpenStreetMap PBF (.osm.pbf), osmnx "
                            "GraphML (.graphml), Overpass API JSON (.json, as osmnx caches "
                            "it), or a road line layer (GeoJSON, GeoPackage, Shapefile .shp "
                            "or zipped .zip, GeoParquet)")
EXTENT_TOLERANCE_M: Final = 25.0
"""A point this close to the network's extent counts as on the network."""


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
        The credit every output made with the network carries (run.json, maps, walk
        sheets, GPX): OpenStreetMap's for OSM data, the Badan Informasi Geospasial's for
        a Peta Rupabumi Indonesia layer, the user's own statement, or a line naming the
        user's file when its source is not known; empty only for a network built in
        memory.
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


def osm_tag_text(value: object) -> str:
    """Flatten an OSM tag value (a string, a list of strings, or missing) to one string."""
    if isinstance(value, (list, tuple, set)):
        # osmnx merges the tags of simplified ways in sets: sort for a stable result.
        return ";".join(sorted({str(item) for item in value}))
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    return str(value)


def assemble_network(
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


def project_geometries(geometries: np.ndarray, crs: object, metric_crs: str) -> np.ndarray:
    """Project shapes from ``crs`` into the metric CRS."""
    return gpd.GeoSeries(geometries, crs=crs).to_crs(metric_crs).to_numpy()


def extent_metric(extent_4326: shapely.Geometry | None, metric_crs: str
                  ) -> shapely.Geometry | None:
    """Project the network's extent (EPSG:4326) into the metric CRS."""
    if extent_4326 is None:
        return None
    return project_geometries(np.array([extent_4326]), "EPSG:4326", metric_crs)[0]
