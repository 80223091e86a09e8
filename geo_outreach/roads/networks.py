"""
Road networks: load one, snap points onto it, and measure distances along the roads.

A :class:`RoadNetwork` holds *links* (the centre line of a road between two junctions,
each road once, with a ``oneway`` flag: a one-way link runs from ``u`` to ``v``) and the
*nodes* at their ends, both in a metric CRS (UTM 49S for DIY). Lengths are measured on
the projected lines, so a point snapped part-way along a link splits it exactly.

Where networks come from: the bundled OpenStreetMap drive network of Kota Yogyakarta
(:func:`bundled_network`), a user's file (:func:`load_network`: ``.osm``, ``.osm.pbf``,
osmnx GraphML, an Overpass API JSON response, or a road line layer with no topology, noded
at its crossings by :func:`network_from_lines`), or a download for the study area
(:func:`download_network`, through :mod:`geo_outreach.roads._osm`, the only module that
calls osmnx). :func:`network_from_option` reads what a user gives with ``--roads``:
``bundled`` or a file. Every network carries the attribution of its source
(:attr:`RoadNetwork.attribution`), which every output made with it prints.

Snapping and road distances are :mod:`geo_outreach.roads.graph`'s.
"""

from __future__ import annotations

import functools
import json
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Final

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
from pyogrio.errors import DataLayerError, DataSourceError
from pyproj.exceptions import CRSError
from shapely.errors import GEOSException

from geo_outreach._errors import InputError, Problem
from geo_outreach.atomic import atomic_write
from geo_outreach.crs import choose_metric_crs
from geo_outreach.inputs import bundled
from geo_outreach.inputs.file_checks import check_file
from geo_outreach.inputs.file_kinds import file_sha256
from geo_outreach.roads import _osm
from geo_outreach.roads.assemble import (
    OSM_ATTRIBUTION,
    network_from_graph,
    network_from_lines,
    network_from_osm_edges,
)
from geo_outreach.roads.model import ROAD_FILE_FORMATS, RoadNetwork, assemble_network, extent_metric

if TYPE_CHECKING:
    import shapely

BUNDLED_ROADS_DIR: Final = bundled.BUNDLED_DIR / "roads"
"""The repository's ``boundaries/roads/`` folder."""

BUNDLED_ROADS_STEM: Final = "kota_yogyakarta_drive_2024-03-29"
"""File-name stem of the bundled network (``<stem>_links.parquet`` etc.)."""

LINE_SUFFIXES: Final = frozenset({".geojson", ".json", ".gpkg", ".shp", ".zip", ".parquet",
                                  ".geoparquet"})
JSON_SUFFIXES: Final = frozenset({".json", ".geojson", ".osm", ".xml"})
"""Suffixes under which an Overpass JSON response is looked for by its content."""

BUNDLED_OPTION: Final = "bundled"
"""What ``--roads`` takes (in any case) for the bundled Kota Yogyakarta network."""


# --- reading and writing --------------------------------------------------------------


def _suffix(path: Path) -> str:
    name = path.name.lower()
    if name.endswith(".osm.pbf"):
        return ".osm.pbf"
    return path.suffix.lower()


def _read_lines(path: Path) -> tuple[gpd.GeoDataFrame, str]:
    """Read a road line layer and the name of the layer read (empty if it has none)."""
    try:
        if _suffix(path) in (".parquet", ".geoparquet"):
            return gpd.read_parquet(path), ""
        lines = gpd.read_file(path)
        layers = pyogrio.list_layers(path)
    # geopandas checks GeoParquet metadata with dict lookups: odd metadata gives AttributeError
    except (DataSourceError, DataLayerError, pyogrio.errors.FieldError, ValueError,
            OSError, GEOSException, AttributeError, TypeError, KeyError, CRSError) as err:
        raise InputError(Problem(path.name, None, None, None,
                                 f"the road layer could not be read ({err})",
                                 f"give one of: {ROAD_FILE_FORMATS}")) from err
    return lines, str(layers[0][0]) if len(layers) else ""


def _is_overpass_json(path: Path) -> bool:
    """Tell an Overpass JSON response by its first bytes, whatever its name's suffix."""
    with path.open("rb") as handle:
        return _osm.looks_like_overpass_json(handle.read(_osm.OVERPASS_SNIFF_CHARS))


def _credited(network: RoadNetwork, attribution: str | None) -> RoadNetwork:
    """
    Give a network the attribution its user stated.

    Parameters
    ----------
    network
        The network, with the attribution its source implies.
    attribution
        What the user says the data must be credited with; None or blank: keep the
        network's own.

    Returns
    -------
    RoadNetwork
        The network with the stated attribution. OpenStreetMap data keeps its credit, as
        the ODbL asks: the stated text comes first, then OpenStreetMap's, unless the
        stated text names OpenStreetMap already.
    """
    stated = (attribution or "").strip()
    if not stated:
        return network
    if network.attribution == OSM_ATTRIBUTION and "openstreetmap" not in stated.lower():
        stated = f"{stated}; {OSM_ATTRIBUTION}"
    return replace(network, attribution=stated)


def load_network(
    path: str | Path,
    *,
    network_type: str = "driving",
    snap_tolerance_m: float = 1.0,
    attribution: str | None = None,
    name: str | None = None,
) -> RoadNetwork:
    """
    Read a user's road network from a file.

    Each kind of file brings its own attribution: OpenStreetMap's for ``.osm``,
    ``.osm.pbf``, osmnx GraphML and Overpass JSON; for a line layer, the one its columns
    show (:func:`geo_outreach.roads.assemble.line_layer_attribution`: Peta Rupabumi
    Indonesia by its NAMRJL, KONRJL ... columns, an OpenStreetMap export by ``osm_id`` and
    ``highway``), else a line naming the user's file.

    Parameters
    ----------
    path
        ``.osm`` (OpenStreetMap XML), ``.osm.pbf``, ``.graphml`` (osmnx), ``.json``
        (an Overpass API response, as osmnx caches it: told from GeoJSON by its content),
        or a road line layer (``.geojson``, ``.gpkg``, ``.shp``, ``.zip``, ``.parquet``).
    network_type
        For ``.osm.pbf`` only: pyrosm's network type (``"driving"``, ``"walking"`` ...).
    snap_tolerance_m
        For line layers only: vertices closer than this are merged.
    attribution
        The credit the user states for the data; None: the one the file implies.
        OpenStreetMap data keeps its own credit beside the stated one (the ODbL asks for
        it), unless the stated text names OpenStreetMap already.
    name
        The file's name as the user knows it, for the network's source and attribution
        (an upload saved under another name); the path's name when None.

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
                                 "check the path given with --roads (or give 'bundled' for "
                                 "the bundled Kota Yogyakarta network)"))
    check_file(path, ROAD_FILE_FORMATS, what="the road network")
    network = _network_from_file(path, name or path.name, network_type=network_type,
                                 snap_tolerance_m=snap_tolerance_m)
    return _credited(replace(network, file=str(path), sha256=file_sha256(path)), attribution)


def _network_from_file(path: Path, name: str, *, network_type: str, snap_tolerance_m: float
                       ) -> RoadNetwork:
    """Build the network from a checked file, by its content or the kind its suffix names."""
    suffix = _suffix(path)
    if suffix in JSON_SUFFIXES and _is_overpass_json(path):
        return network_from_graph(_osm.graph_from_overpass_json(path), source=name)
    if suffix in (".osm", ".xml"):
        return network_from_graph(_osm.graph_from_osm_xml(path), source=name)
    if suffix == ".osm.pbf":
        return network_from_osm_edges(_osm.edges_from_pbf(path, network_type=network_type),
                                      source=name)
    if suffix == ".graphml":
        return network_from_graph(_osm.graph_from_graphml(path), source=name)
    if suffix in LINE_SUFFIXES:
        lines, layer = _read_lines(path)
        return network_from_lines(lines, source=name, snap_tolerance_m=snap_tolerance_m,
                                  layer_name=layer)
    raise InputError(Problem(path.name, None, None, suffix or path.name,
                             "unknown road file type", f"give one of: {ROAD_FILE_FORMATS}"))


def network_from_option(value: str | Path, *, attribution: str | None = None) -> RoadNetwork:
    """
    Read the road network a user names with ``--roads``: ``bundled`` or a file.

    Parameters
    ----------
    value
        ``"bundled"`` (any case) for :func:`bundled_network`; anything else is the path of
        a road file for :func:`load_network`.
    attribution
        The credit the user states for the data (``--roads-attribution``), as in
        :func:`load_network`; None: the one the source implies.

    Returns
    -------
    RoadNetwork
        The network, carrying its source's attribution.

    Raises
    ------
    InputError
        If the file is missing, unreadable or holds no usable road.
    """
    if str(value).strip().lower() == BUNDLED_OPTION:
        return _credited(bundled_network(), attribution)
    return load_network(Path(value), attribution=attribution)


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
    return assemble_network(
        links["u"].to_numpy(np.int64), links["v"].to_numpy(np.int64), lines,
        links["oneway"].to_numpy(bool), pd.DataFrame(links[["highway", "name"]]),
        crs=metric_crs, extent=extent_metric(extent_frame.geometry.iloc[0], metric_crs),
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
