"""
Build the bundled road network in ``boundaries/roads/`` from the shared OpenStreetMap files.

Input (not in the repository; see ``boundaries/roads/SOURCES.md``):

- ``derived/kota_yogyakarta_drive_osm_20240329.osm``: the Overpass response of
  ``ox.graph_from_place("Kota Yogyakarta", network_type="drive")`` (2024-03-29) as OSM XML;
- ``ariefan_rs_astar/nominatim_kota_yogyakarta.json``: the city's OSM boundary
  (relation 5615250), used as the network's extent (where it is complete).

Output: ``<stem>_links.parquet``, ``<stem>_nodes.parquet`` (GeoParquet, EPSG:4326, zstd) and
``<stem>_extent.geojson``. Run from the repository root::

    .venv/bin/python scripts/build_bundled_roads.py [--raw /work/shared/data/raw/roads]
"""

from __future__ import annotations

import argparse
import hashlib
import json
from pathlib import Path

import shapely

from geo_outreach.roads import _osm
from geo_outreach.roads.assemble import network_from_graph
from geo_outreach.roads.networks import (
    BUNDLED_ROADS_DIR,
    BUNDLED_ROADS_STEM,
    read_network,
    save_network,
)

OSM_FILE = "derived/kota_yogyakarta_drive_osm_20240329.osm"
OSM_SHA256 = "d79bbf01d336eee0fd98752e6a7da4adf2f846ee23ef953d3aeb85f2912b5008"
BOUNDARY_FILE = "ariefan_rs_astar/nominatim_kota_yogyakarta.json"


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def main() -> None:
    """Build and check the bundled network."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--raw", type=Path, default=Path("/work/shared/data/raw/roads"),
                        help="the shared raw roads folder")
    args = parser.parse_args()
    osm_path = args.raw / OSM_FILE
    if _sha256(osm_path) != OSM_SHA256:
        raise SystemExit(f"{osm_path} is not the file SOURCES.md describes (sha256 differs)")
    boundary = json.loads((args.raw / BOUNDARY_FILE).read_text(encoding="utf-8"))[0]
    extent = shapely.geometry.shape(boundary["geojson"])

    graph = _osm.graph_from_osm_xml(osm_path)
    print(f"osmnx graph: {len(graph):,} nodes, {graph.number_of_edges():,} directed edges")
    network = network_from_graph(
        graph,
        source="Kota Yogyakarta drive network, OpenStreetMap 2024-03-29 (bundled)",
        extent=extent,
        extent_note="Kota Yogyakarta's OSM boundary (relation 5615250): the network is "
                    "complete inside it; roads crossing it continue a little beyond",
    )
    written = save_network(network, BUNDLED_ROADS_DIR, BUNDLED_ROADS_STEM)
    for path in written:
        print(f"wrote {path} ({path.stat().st_size:,} B)")
    again = read_network(BUNDLED_ROADS_DIR, BUNDLED_ROADS_STEM)
    if len(again.nodes) != len(network.nodes) or len(again.links) != len(network.links):
        raise SystemExit("the written network does not read back the same")
    print(again.describe())


if __name__ == "__main__":
    main()
