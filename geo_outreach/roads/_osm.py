"""
The only module that calls osmnx (and pyrosm): OpenStreetMap files and downloads.

osmnx keeps its settings in module globals and has no offline mode, so every call goes
through :func:`configure` first: no DNS-over-HTTPS fallback to a public address, no
Overpass rate-limit probe, a short timeout, and a cache folder on disk. Reading files
(:func:`graph_from_osm_xml`, :func:`graph_from_graphml`, :func:`edges_from_pbf`) never
touches the network; only :func:`download_graph` does, and it keeps what it downloaded
on disk so the same area is never fetched twice.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import TYPE_CHECKING, Final

from geo_outreach._errors import GeoOutreachError, InputError, Problem
from geo_outreach.atomic import atomic_write

if TYPE_CHECKING:
    import geopandas as gpd
    import networkx as nx
    import shapely

REQUESTS_TIMEOUT_S: Final = 30
"""How long one Overpass request may take before the download gives up."""

CACHE_ENV: Final = "GEO_OUTREACH_CACHE"
"""Environment variable naming the cache folder (default ``~/.cache/geo-outreach``)."""


class RoadDownloadError(GeoOutreachError, OSError):
    """A road network could not be downloaded (no internet, Overpass busy or refusing)."""


def default_cache_dir() -> Path:
    """
    Return the folder downloaded road networks are kept in.

    Returns
    -------
    Path
        ``$GEO_OUTREACH_CACHE/osm`` when that variable is set, else
        ``~/.cache/geo-outreach/osm``.
    """
    root = os.environ.get(CACHE_ENV)
    base = Path(root) if root else Path.home() / ".cache" / "geo-outreach"
    return base / "osm"


def configure(*, cache_dir: Path | None = None,
              requests_timeout: float = REQUESTS_TIMEOUT_S) -> None:
    """
    Set osmnx's global settings to safe values (call before any osmnx function).

    Parameters
    ----------
    cache_dir
        osmnx's HTTP cache folder; None keeps osmnx's HTTP cache off.
    requests_timeout
        Seconds before a request gives up.
    """
    import osmnx as ox  # noqa: PLC0415 - osmnx is slow to import; only this module needs it

    ox.settings.doh_url_template = None
    ox.settings.overpass_rate_limit = False
    ox.settings.requests_timeout = requests_timeout
    ox.settings.log_console = False
    ox.settings.log_file = False
    ox.settings.use_cache = cache_dir is not None
    if cache_dir is not None:
        ox.settings.cache_folder = str(cache_dir)


def graph_from_osm_xml(path: Path) -> nx.MultiDiGraph:
    """
    Read an OpenStreetMap XML file (``.osm``) into a simplified osmnx graph.

    Parameters
    ----------
    path
        The ``.osm`` file.

    Returns
    -------
    nx.MultiDiGraph
        osmnx's graph in EPSG:4326: one-way streets have one edge, two-way streets one
        each way; only the largest weakly connected part is kept.

    Raises
    ------
    InputError
        If the file holds no usable road.
    """
    configure()
    import osmnx as ox  # noqa: PLC0415

    try:
        return ox.graph_from_xml(path, bidirectional=False, simplify=True, retain_all=False)
    except (ValueError, KeyError, SyntaxError) as err:  # osmnx's are ValueErrors, XML's Syntax
        raise InputError(Problem(path.name, None, None, None,
                                 f"no road network could be read from this OSM file ({err})",
                                 "export the area again from OpenStreetMap (ways with "
                                 "highway=* and their nodes)")) from err


def graph_from_graphml(path: Path) -> nx.MultiDiGraph:
    """
    Read a GraphML file as written by osmnx (``ox.save_graphml``).

    Parameters
    ----------
    path
        The ``.graphml`` file.

    Returns
    -------
    nx.MultiDiGraph
        The graph, with node ``x``/``y`` and edge ``length`` (and ``geometry``) typed.

    Raises
    ------
    InputError
        If the file is not an osmnx GraphML with node coordinates.
    """
    configure()
    import osmnx as ox  # noqa: PLC0415
    from networkx import NetworkXError  # noqa: PLC0415 - networkx parses the GraphML

    try:
        return ox.load_graphml(path)
    except (ValueError, KeyError, TypeError, SyntaxError, NetworkXError) as err:
        raise InputError(Problem(path.name, None, None, None,
                                 f"this GraphML file could not be read as a road network ({err})",
                                 "save the graph with osmnx (ox.save_graphml) so nodes carry "
                                 "x/y coordinates and a crs")) from err


def edges_from_pbf(path: Path, *, network_type: str = "driving") -> gpd.GeoDataFrame:
    """
    Read the road ways of an OpenStreetMap ``.osm.pbf`` file with pyrosm.

    Parameters
    ----------
    path
        The ``.osm.pbf`` file.
    network_type
        pyrosm's network type: ``"driving"`` (default), ``"walking"``, ``"all"`` ...

    Returns
    -------
    gpd.GeoDataFrame
        One row per way segment between two nodes, EPSG:4326: ``u``, ``v`` (OSM node ids),
        ``oneway``, ``highway``, ``name`` and the line.

    Raises
    ------
    InputError
        If the file has no road of that type.
    """
    import pyrosm  # noqa: PLC0415 - only for .pbf files
    from google.protobuf.message import DecodeError  # noqa: PLC0415 - pyrosm's file format
    from pyrosm.exceptions import PBFException  # noqa: PLC0415

    try:
        osm = pyrosm.OSM(str(path))
        _nodes, edges = osm.get_network(network_type=network_type, nodes=True)
    except (OSError, ValueError, KeyError, PBFException, DecodeError) as err:
        raise InputError(Problem(path.name, None, None, None,
                                 f"this .osm.pbf file could not be read ({err})",
                                 "check the file is an OpenStreetMap PBF extract")) from err
    if edges is None or len(edges) == 0:
        raise InputError(Problem(path.name, None, None, None,
                                 f"no {network_type} road in this .osm.pbf file",
                                 "use an extract that covers the study area's roads"))
    return edges


def _cache_key(polygon: shapely.Geometry, network_type: str) -> str:
    digest = hashlib.sha256(polygon.wkb + network_type.encode())
    return digest.hexdigest()[:20]


def download_graph(
    polygon: shapely.Geometry,
    *,
    network_type: str = "drive",
    cache_dir: Path | None = None,
    requests_timeout: float = REQUESTS_TIMEOUT_S,
) -> nx.MultiDiGraph:
    """
    Download the road network inside a polygon from Overpass, or reuse the copy on disk.

    Parameters
    ----------
    polygon
        The area, EPSG:4326 (lon/lat).
    network_type
        osmnx's network type: ``"drive"`` (default), ``"walk"``, ``"all"`` ...
    cache_dir
        Where downloaded graphs (GraphML) and osmnx's HTTP cache are kept;
        :func:`default_cache_dir` when None.
    requests_timeout
        Seconds before one request gives up.

    Returns
    -------
    nx.MultiDiGraph
        osmnx's simplified graph, EPSG:4326.

    Raises
    ------
    RoadDownloadError
        When the download fails (no internet, Overpass busy, nothing in the area).
    """
    cache_dir = cache_dir or default_cache_dir()
    cached = cache_dir / f"roads_{network_type}_{_cache_key(polygon, network_type)}.graphml"
    if cached.exists():
        return graph_from_graphml(cached)
    configure(cache_dir=cache_dir / "http", requests_timeout=requests_timeout)
    import osmnx as ox  # noqa: PLC0415
    import requests  # noqa: PLC0415 - osmnx's own HTTP client

    try:
        graph = ox.graph_from_polygon(polygon, network_type=network_type, simplify=True,
                                      retain_all=False)
    except (requests.RequestException, ValueError) as err:  # osmnx's errors are ValueErrors
        msg = (f"the road network could not be downloaded from OpenStreetMap ({err}). "
               "Fix: check the internet connection, or give a road file with --roads "
               "(.osm, .osm.pbf, .graphml, or a road line layer)")
        raise RoadDownloadError(msg) from err
    atomic_write(cached, lambda p: ox.save_graphml(graph, p))
    return graph
