"""
The only module that calls osmnx (and pyrosm): OpenStreetMap files and downloads.

osmnx keeps its settings in module globals and has no offline mode, so every call goes
through :func:`configure` first: no DNS-over-HTTPS fallback to a public address, no
Overpass rate-limit probe, a short timeout, and a cache folder on disk. Reading files
(:func:`graph_from_osm_xml`, :func:`graph_from_overpass_json`, :func:`graph_from_graphml`,
:func:`edges_from_pbf`) never touches the network; only :func:`download_graph` does, and
it keeps what it downloaded on disk so the same area is never fetched twice.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
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

OVERPASS_SNIFF_CHARS: Final = 4096
"""How much of a JSON file's start is read to tell an Overpass response from GeoJSON."""
_OVERPASS_ELEMENTS: Final = re.compile(r'"elements"\s*:\s*\[')
_GEOJSON_KEYS: Final = re.compile(r'"(features|geometry|coordinates)"\s*:')
_SHOWN_PROBLEMS: Final = 5
_OVERPASS_FIX: Final = ("copy or download the file again whole (an interrupted download or "
                        "copy leaves it cut short), or export the area as OSM XML (.osm)")
_OVERPASS_QUERY_FIX: Final = ("ask Overpass for the roads with their nodes ('[out:json]; "
                              "way[highway](...); (._; >;); out;'), or export the area as OSM "
                              "XML (.osm)")


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


def looks_like_overpass_json(head: bytes) -> bool:
    """
    Tell an Overpass API JSON response from other JSON (GeoJSON) by its first bytes.

    Parameters
    ----------
    head
        The file's first :data:`OVERPASS_SNIFF_CHARS` bytes, or more.

    Returns
    -------
    bool
        True when the text opens a JSON object whose ``"elements"`` list comes before any
        GeoJSON key (``features``, ``geometry``, ``coordinates``): the shape of every
        Overpass response (``{"version": ..., "osm3s": ..., "elements": [...]}``), as the
        osmnx cache keeps one per query.
    """
    text = head[:OVERPASS_SNIFF_CHARS].decode("utf-8", errors="replace").lstrip("\ufeff \t\r\n")
    found = _OVERPASS_ELEMENTS.search(text)
    return (text.startswith("{") and found is not None
            and _GEOJSON_KEYS.search(text, 0, found.start()) is None)


def _is_id(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_degrees(value: object, limit: float) -> bool:
    return (isinstance(value, (int, float)) and not isinstance(value, bool)
            and math.isfinite(value) and -limit <= value <= limit)


def _tags_are_text(element: dict[str, object]) -> bool:
    tags = element.get("tags", {})
    return isinstance(tags, dict) and all(isinstance(key, str) and isinstance(value, str)
                                          for key, value in tags.items())


def _element_problem(element: object) -> str | None:
    """Say what is wrong with one element of an Overpass response (None: nothing)."""
    if not isinstance(element, dict) or not isinstance(element.get("type"), str):
        return "not an OSM element (an object with a 'type')"
    kind = element["type"]
    if kind not in ("node", "way"):
        return None  # relations, areas, counts: osmnx leaves them out too
    if not _is_id(element.get("id")):
        return f"a {kind} without a whole-number 'id'"
    problem = None
    if kind == "node" and not (_is_degrees(element.get("lat"), 90)
                               and _is_degrees(element.get("lon"), 180)):
        problem = "without a usable 'lat'/'lon' in degrees"
    elif kind == "way" and not (isinstance(element.get("nodes"), list)
                                and all(_is_id(node) for node in element["nodes"])):
        problem = "without a list of node ids ('nodes')"
    elif not _tags_are_text(element):
        problem = "with tags that are not text"
    return None if problem is None else f"{kind} {element['id']} {problem}"


def read_overpass_json(path: Path) -> dict[str, object]:
    """
    Read and check an Overpass API JSON response (the kind osmnx keeps in its cache).

    Parameters
    ----------
    path
        The ``.json`` file.

    Returns
    -------
    dict
        The response: ``elements`` with nodes (``id``, ``lat``, ``lon``) and ways
        (``id``, ``nodes``, ``tags``) whose nodes are all in the file.

    Raises
    ------
    InputError
        If the file is cut short or is not JSON, holds no ``elements`` list, has elements
        osmnx cannot use, or ways whose nodes are missing: each says how to fix it.
    """
    try:
        data = json.loads(path.read_bytes().decode("utf-8-sig"))
    except (UnicodeDecodeError, RecursionError) as err:
        raise InputError(Problem(path.name, None, None, None,
                                 f"this Overpass JSON file is damaged ({err})",
                                 _OVERPASS_FIX)) from err
    except json.JSONDecodeError as err:
        raise InputError(Problem(path.name, None, None, None,
                                 "this Overpass JSON file is cut short or damaged (JSON error "
                                 f"at line {err.lineno}, column {err.colno}: {err.msg})",
                                 _OVERPASS_FIX)) from err
    elements = data.get("elements") if isinstance(data, dict) else None
    if not isinstance(elements, list):
        raise InputError(Problem(path.name, None, None, None,
                                 "this JSON file is not an Overpass API response (it has no "
                                 "'elements' list)", _OVERPASS_QUERY_FIX))
    bad = [(number, text) for number, element in enumerate(elements)
           if (text := _element_problem(element)) is not None]
    if bad:
        shown = "; ".join(f"element {number}: {text}" for number, text in bad[:_SHOWN_PROBLEMS])
        raise InputError(Problem(path.name, None, None, None,
                                 f"{len(bad)} element(s) of this Overpass JSON file cannot be "
                                 f"read ({shown})", _OVERPASS_FIX))
    nodes = {element["id"] for element in elements if element["type"] == "node"}
    ways = [element for element in elements if element["type"] == "way"]
    missing = [(way["id"], node) for way in ways for node in way["nodes"] if node not in nodes]
    if missing:
        shown = ", ".join(f"way {way} → node {node}" for way, node in missing[:_SHOWN_PROBLEMS])
        raise InputError(Problem(path.name, None, None, None,
                                 f"{len(missing)} node reference(s) of the ways point to nodes "
                                 f"that are not in the file ({shown})", _OVERPASS_QUERY_FIX))
    if not ways:
        raise InputError(Problem(path.name, None, None, None,
                                 "this Overpass JSON file holds no way (no road)",
                                 _OVERPASS_QUERY_FIX))
    return data


def graph_from_overpass_json(path: Path) -> nx.MultiDiGraph:
    """
    Read an Overpass API JSON response into a simplified osmnx graph, as an OSM XML file.

    osmnx's :func:`osmnx.graph_from_xml` turns XML into this very JSON and builds the
    graph from it; this takes the same path from the JSON on: the graph of the response's
    nodes and ways (osmnx's ``_create_graph``), its largest weakly connected part, then
    simplified. So the same data as ``.osm`` or as Overpass JSON gives the same graph.

    Parameters
    ----------
    path
        The ``.json`` file: one Overpass response, e.g. a file of osmnx's cache folder.

    Returns
    -------
    nx.MultiDiGraph
        As :func:`graph_from_osm_xml` returns it.

    Raises
    ------
    InputError
        If the file is damaged or holds no usable road (see :func:`read_overpass_json`).
    """
    response = read_overpass_json(path)
    configure()
    import osmnx as ox  # noqa: PLC0415
    from osmnx import graph as ox_graph  # noqa: PLC0415

    try:
        graph = ox_graph._create_graph([response], bidirectional=False)  # noqa: SLF001 - graph_from_xml's own step
        graph = ox.truncate.largest_component(graph, strongly=False)
        return ox.simplification.simplify_graph(graph)
    except (ValueError, KeyError, TypeError) as err:  # osmnx's errors are ValueErrors
        raise InputError(Problem(path.name, None, None, None,
                                 f"no road network could be read from this Overpass JSON file "
                                 f"({err})", _OVERPASS_FIX)) from err


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
               "(.osm, .osm.pbf, .graphml, Overpass JSON, or a road line layer; 'bundled' "
               "for the bundled Kota Yogyakarta network)")
        raise RoadDownloadError(msg) from err
    atomic_write(cached, lambda p: ox.save_graphml(graph, p))
    return graph
