"""
Shortest paths on a road network: snapping points, the sparse graph, road distances.

Points snap to the nearest link (the foot of the perpendicular on the road line); a
point's road distance is its snap distance plus the distance along its link to one of the
link's ends plus that end's network distance. Points that distances are measured *from*
are inserted into the graph as extra nodes (a link carrying points becomes a chain), so
one :func:`scipy.sparse.csgraph.dijkstra` call from all of them gives every distance
exactly (:func:`road_distances`); no loop over networkx.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import shapely
from scipy import sparse
from scipy.sparse import csgraph

if TYPE_CHECKING:
    from geo_outreach.roads.model import RoadNetwork


@dataclass(frozen=True)
class SnappedPoints:
    """
    Points placed on their nearest link.

    Attributes
    ----------
    link
        The link position of each point.
    along_m
        Distance along the link from its ``u`` end to the snapped point.
    snap_m
        Straight-line distance from the point to the snapped point.
    xy
        The snapped points, shape (points, 2), metric CRS.
    """

    link: np.ndarray
    along_m: np.ndarray
    snap_m: np.ndarray
    xy: np.ndarray


def snap_points(network: RoadNetwork, xy: np.ndarray, *, strong_only: bool = False
                ) -> SnappedPoints:
    """
    Snap points to the nearest link (the foot of the perpendicular on the road line).

    Parameters
    ----------
    network
        The network.
    xy
        Points in the network's CRS, shape (points, 2).
    strong_only
        Snap only to links where one-way rules leave every other link reachable
        (:meth:`RoadNetwork.strong_links`); use this for driving routes.

    Returns
    -------
    SnappedPoints
        Where each point lands.
    """
    xy = np.asarray(xy, dtype=float).reshape(-1, 2)
    tree, positions = network.link_tree(strong_only=strong_only)
    points = shapely.points(xy)
    (which, item), distance = tree.query_nearest(points, return_distance=True,
                                                 all_matches=False)
    link = np.empty(len(xy), dtype=np.int64)
    snap = np.empty(len(xy))
    link[which] = positions[item]
    snap[which] = distance
    lines = network.links.geometry.to_numpy()[link]
    along = shapely.line_locate_point(lines, points)
    snapped = shapely.get_coordinates(shapely.line_interpolate_point(lines, along))
    return SnappedPoints(link=link, along_m=along, snap_m=snap, xy=snapped.reshape(-1, 2))


@dataclass(frozen=True)
class RoadGraph:
    """
    A network as a sparse matrix, optionally with extra nodes at snapped points.

    Attributes
    ----------
    matrix
        Compressed sparse rows: entry (a, b) is the length of the road from node a to b.
    link
        Per stored entry (in ``matrix.data`` order): the link it runs along, or -1 for the
        straight hop from an off-road point to the road.
    start_m, end_m
        Per stored entry: where it starts and ends along its link (from the link's ``u``).
    point_nodes
        The graph node of each snapped point (on the road).
    door_nodes
        The graph node of each point itself, joined to its road node by its snap
        distance; equal to ``point_nodes`` when snap distances are left out.
    """

    matrix: sparse.csr_array
    link: np.ndarray
    start_m: np.ndarray
    end_m: np.ndarray
    point_nodes: np.ndarray
    door_nodes: np.ndarray

    def entry(self, a: int, b: int) -> int:
        """Return the position in ``matrix.data`` of the edge from node a to node b."""
        begin, end = self.matrix.indptr[a], self.matrix.indptr[a + 1]
        found = np.flatnonzero(self.matrix.indices[begin:end] == b)
        return int(begin + found[0])


def _link_edges(network: RoadNetwork, *, directed: bool) -> tuple[np.ndarray, ...]:
    """Edges (from, to, length, link, start, end) of every link, both ways where allowed."""
    links = network.link_arrays
    u = links["u"]
    positions = np.arange(len(u))
    v = links["v"]
    length = links["length_m"]
    back = ~(links["oneway"] & directed)
    zeros = np.zeros(len(positions))
    return (np.concatenate([u, v[back]]), np.concatenate([v, u[back]]),
            np.concatenate([length, length[back]]), np.concatenate([positions, positions[back]]),
            np.concatenate([zeros, length[back]]), np.concatenate([length, zeros[back]]))


def _point_edges(network: RoadNetwork, snapped: SnappedPoints, *, directed: bool,
                 first_node: int) -> tuple[np.ndarray, ...]:
    """Edges of the links that carry points: each such link becomes a chain u, p1..pk, v."""
    links = network.link_arrays
    order = np.lexsort((snapped.along_m, snapped.link))
    link = snapped.link[order]
    along = snapped.along_m[order]
    node = first_node + order
    same_as_previous = np.concatenate([[False], link[1:] == link[:-1]])
    last_of_link = np.concatenate([link[1:] != link[:-1], [True]])
    previous_node = np.where(same_as_previous, np.roll(node, 1),
                             links["u"][link])
    previous_along = np.where(same_as_previous, np.roll(along, 1), 0.0)
    tail_link = link[last_of_link]
    tail_from, tail_along = node[last_of_link], along[last_of_link]
    tail_to = links["v"][tail_link]
    tail_length = links["length_m"][tail_link]
    from_node = np.concatenate([previous_node, tail_from])
    to_node = np.concatenate([node, tail_to])
    start = np.concatenate([previous_along, tail_along])
    end = np.concatenate([along, tail_length])
    edge_link = np.concatenate([link, tail_link])
    length = np.maximum(end - start, 0.0)
    back = ~(links["oneway"][edge_link] & directed)
    return (np.concatenate([from_node, to_node[back]]), np.concatenate([to_node, from_node[back]]),
            np.concatenate([length, length[back]]), np.concatenate([edge_link, edge_link[back]]),
            np.concatenate([start, end[back]]), np.concatenate([end, start[back]]))


def build_graph(
    network: RoadNetwork,
    snapped: SnappedPoints | None = None,
    *,
    directed: bool = False,
    doors: bool = False,
) -> RoadGraph:
    """
    Make the sparse graph of a network, with snapped points inserted as nodes.

    Parameters
    ----------
    network
        The network.
    snapped
        Points to insert: each splits its link, so distances from and to it are exact
        (several points on one link are chained in order).
    directed
        Keep one-way rules (driving); False lets every link be used both ways (walking,
        and the distance rule).
    doors
        Also add each point's own position, joined to its road node by its snap distance.

    Returns
    -------
    RoadGraph
        Nodes ``0 .. n-1`` are the network's; point ``i`` is node ``n + i`` and its door
        ``n + points + i``. Without points, :func:`base_graph` (cached).
    """
    n_nodes = len(network.nodes)
    base = base_graph(network, directed=directed)
    count = 0 if snapped is None else len(snapped.link)
    if snapped is None or count == 0:
        return base
    # A link carrying points keeps its own edge too: it is exactly as long as the chain.
    parts = [_point_edges(network, snapped, directed=directed, first_node=n_nodes)]
    if doors:
        points = n_nodes + np.arange(count)
        door = points + count
        hop = snapped.snap_m
        minus = -np.ones(count, dtype=np.int64)
        parts.append((np.concatenate([door, points]), np.concatenate([points, door]),
                      np.concatenate([hop, hop]), np.concatenate([minus, minus]),
                      np.zeros(2 * count), np.zeros(2 * count)))
    new = [np.concatenate(column) for column in zip(*parts, strict=True)]
    # A point on a loop road reaches the loop's node both ways: keep the shorter edge.
    order = np.lexsort((new[2], new[1], new[0]))
    first = np.concatenate([[True], (new[0][order][1:] != new[0][order][:-1])
                            | (new[1][order][1:] != new[1][order][:-1])])
    new = [column[order[first]] for column in new]
    base_rows = np.repeat(np.arange(n_nodes), np.diff(base.matrix.indptr))
    base_columns = (base_rows, base.matrix.indices, base.matrix.data, base.link, base.start_m,
                    base.end_m)
    rows, cols, weights, link, start, end = (
        np.concatenate([old, added]) for old, added in zip(base_columns, new, strict=True))
    total = n_nodes + count * (2 if doors else 1)
    # The new edges all touch new nodes, so no pair repeats now: a sparse conversion orders
    # the entries by row, and the entry numbers it carries tell where each went.
    numbers = sparse.csr_array((np.arange(1, len(rows) + 1, dtype=float), (rows, cols)),
                               shape=(total, total))
    order = numbers.data.astype(np.int64) - 1
    matrix = sparse.csr_array((weights[order], numbers.indices, numbers.indptr),
                              shape=(total, total))
    point_nodes = n_nodes + np.arange(count)
    return RoadGraph(matrix=matrix, link=link[order], start_m=start[order], end_m=end[order],
                     point_nodes=point_nodes,
                     door_nodes=point_nodes + count if doors else point_nodes)


def base_graph(network: RoadNetwork, *, directed: bool) -> RoadGraph:
    """
    Return the network's own graph, without extra points (cached on the network).

    Parameters
    ----------
    network
        The network.
    directed
        Keep one-way rules.

    Returns
    -------
    RoadGraph
        Of parallel edges between two nodes only the shortest is kept.
    """
    key = f"graph_{directed}"
    cache = network._cache  # noqa: SLF001 - the network's own cache
    if key not in cache:
        n_nodes = len(network.nodes)
        rows, cols, weights, link, start, end = _link_edges(network, directed=directed)
        order = np.lexsort((weights, cols, rows))
        rows, cols = rows[order], cols[order]
        first = np.concatenate([[True], (rows[1:] != rows[:-1]) | (cols[1:] != cols[:-1])])
        keep = order[first]
        indptr = np.concatenate([[0], np.cumsum(np.bincount(rows[first], minlength=n_nodes))])
        matrix = sparse.csr_array((weights[keep], cols[first].astype(np.int32),
                                   indptr.astype(np.int32)), shape=(n_nodes, n_nodes))
        empty = np.array([], dtype=np.int64)
        cache[key] = RoadGraph(matrix=matrix, link=link[keep], start_m=start[keep],
                               end_m=end[keep], point_nodes=empty, door_nodes=empty)
    return cache[key]  # type: ignore[return-value]


def distances_to_snapped(
    network: RoadNetwork,
    node_distance: np.ndarray,
    sources: SnappedPoints,
    targets: SnappedPoints,
    *,
    directed: bool,
) -> np.ndarray:
    """
    Turn distances to the network's nodes into distances to snapped targets.

    Parameters
    ----------
    network
        The network.
    node_distance
        Distance from each source to every network node, shape (sources, nodes),
        including each source's snap distance.
    sources
        The sources as snapped (a target on a source's own link may be reached along it).
    targets
        The targets as snapped.
    directed
        Whether one-way rules were kept.

    Returns
    -------
    np.ndarray
        Metres, shape (sources, targets), including the targets' snap distances.
    """
    links = network.link_arrays
    link = targets.link
    u = links["u"][link]
    v = links["v"][link]
    length = links["length_m"][link]
    back = ~(links["oneway"][link] & directed)
    via_u = node_distance[:, u] + targets.along_m
    via_v = np.where(back, node_distance[:, v] + (length - targets.along_m), np.inf)
    distance = np.minimum(via_u, via_v)
    for index, source_link in enumerate(sources.link):
        same = np.flatnonzero(link == source_link)
        if len(same) == 0:
            continue
        offset = targets.along_m[same] - sources.along_m[index]
        allowed = (offset >= 0) | back[same]
        direct = np.where(allowed, np.abs(offset) + sources.snap_m[index], np.inf)
        distance[index, same] = np.minimum(distance[index, same], direct)
    return distance + targets.snap_m


def road_distances(
    network: RoadNetwork,
    sources_xy: np.ndarray,
    targets_xy: np.ndarray,
    *,
    directed: bool = False,
    limit_m: float = np.inf,
) -> np.ndarray:
    """
    Measure the road distance from each source point to each target point.

    Both kinds of point snap to their nearest link; a distance is the source's snap
    distance + the way along the roads + the target's snap distance. All sources are
    searched by one multi-source Dijkstra call.

    Parameters
    ----------
    network
        The network.
    sources_xy, targets_xy
        Points in the network's CRS, shape (n, 2).
    directed
        Keep one-way rules (distance *from* each source).
    limit_m
        Stop searching beyond this distance: farther targets get ``inf``.

    Returns
    -------
    np.ndarray
        Metres, shape (sources, targets); ``inf`` beyond ``limit_m`` or unreachable.
    """
    sources = snap_points(network, sources_xy)
    graph = build_graph(network, sources, directed=directed, doors=True)
    node_distance = csgraph.dijkstra(graph.matrix, directed=True, indices=graph.door_nodes,
                                     limit=limit_m)
    targets = snap_points(network, targets_xy)
    distance = distances_to_snapped(network, node_distance[:, : len(network.nodes)], sources,
                                    targets, directed=directed)
    distance[distance > limit_m] = np.inf
    return distance


def substrings(lines: np.ndarray, start_m: np.ndarray, end_m: np.ndarray) -> np.ndarray:
    """
    Cut each line between two distances along it, all at once.

    Parameters
    ----------
    lines
        LineStrings (repeats allowed).
    start_m, end_m
        Distances along each line, ``0 <= start <= end <= length``.

    Returns
    -------
    np.ndarray
        The pieces, each drawn from ``start`` to ``end``.
    """
    count = len(lines)
    if count == 0:
        return np.array([], dtype=object)
    coords, which = shapely.get_coordinates(lines, return_index=True)
    step = np.hypot(*np.diff(coords, axis=0).T)
    step = np.where(which[1:] == which[:-1], step, 0.0)
    cumulative = np.concatenate([[0.0], np.cumsum(step)])
    first_vertex = np.searchsorted(which, np.arange(count))
    along = cumulative - cumulative[first_vertex][which]
    scale = float(along.max()) + 1.0
    key = which * scale + along
    base = np.arange(count) * scale
    low = np.searchsorted(key, base + start_m, side="right")
    high = np.searchsorted(key, base + end_m, side="left")
    inner = np.maximum(high - low, 0)
    sizes = inner + 2
    offsets = np.cumsum(sizes) - sizes
    out = np.empty((int(sizes.sum()), 2))
    out[offsets] = shapely.get_coordinates(shapely.line_interpolate_point(lines, start_m))
    out[offsets + sizes - 1] = shapely.get_coordinates(shapely.line_interpolate_point(lines,
                                                                                      end_m))
    owner = np.repeat(np.arange(count), inner)
    rank = np.arange(int(inner.sum())) - np.repeat(np.cumsum(inner) - inner, inner)
    out[offsets[owner] + 1 + rank] = coords[low[owner] + rank]
    return shapely.linestrings(out, indices=np.repeat(np.arange(count), sizes))


def path_line(network: RoadNetwork, graph: RoadGraph, predecessors: np.ndarray,
              source: int, target: int) -> np.ndarray:
    """
    Trace the shortest path between two graph nodes along the road lines.

    Parameters
    ----------
    network
        The network.
    graph
        The graph the search ran on.
    predecessors
        The search's predecessor row for ``source``.
    source, target
        Graph nodes.

    Returns
    -------
    np.ndarray
        The path's coordinates (metric CRS), shape (k, 2), following each road's shape;
        one point when source and target coincide; empty when there is no path.
    """
    nodes = [target]
    while nodes[-1] != source:
        previous = int(predecessors[nodes[-1]])
        if previous < 0:
            return np.empty((0, 2))
        nodes.append(previous)
    nodes.reverse()
    if len(nodes) == 1:
        node_xy = _graph_node_xy(network, graph, source)
        return node_xy.reshape(1, 2)
    entries = np.array([graph.entry(a, b) for a, b in itertools.pairwise(nodes)])
    on_road = graph.link[entries] >= 0
    entries = entries[on_road]
    start, end = graph.start_m[entries], graph.end_m[entries]
    lines = network.links.geometry.to_numpy()[graph.link[entries]]
    pieces = substrings(lines, np.minimum(start, end), np.maximum(start, end))
    pieces = np.where(start > end, shapely.reverse(pieces), pieces)
    coords = [shapely.get_coordinates(piece) for piece in pieces]
    joined = np.concatenate(coords) if coords else _graph_node_xy(network, graph,
                                                                  source).reshape(1, 2)
    keep = np.concatenate([[True], np.any(np.diff(joined, axis=0) != 0, axis=1)])
    return joined[keep]


def _graph_node_xy(network: RoadNetwork, graph: RoadGraph, node: int) -> np.ndarray:
    """Coordinates of a graph node that is a network node (points are looked up by caller)."""
    if node < len(network.nodes):
        return network.node_xy[node]
    entries = np.flatnonzero((graph.matrix.indices == node) & (graph.link >= 0))
    entry = entries[0]
    link = graph.link[entry]
    line = network.links.geometry.to_numpy()[link]
    return shapely.get_coordinates(shapely.line_interpolate_point(line, graph.end_m[entry]))[0]
