"""Shapes made ready once write the same GeoJSON, and bound the map the same, as folium."""

import json
import re

import folium
import geopandas as gpd
import numpy as np
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from geo_outreach.analysis.pipeline import run_analysis
from geo_outreach.render import geojson_text, maps
from geo_outreach.render.map_data import feature_collection
from geo_outreach.render.share import share_html


@pytest.fixture(scope="module")
def result():
    return run_analysis()


def _pages(result) -> list[str]:
    built = [maps.coverage_map(result, lang="id").get_root().render(),
             share_html(result, "Kota Yogyakarta", lang="en")]
    return [re.sub(r"[0-9a-f]{32}", "ID", page) for page in built]


def test_pages_are_the_same_byte_for_byte_as_folium_writes_them(result):
    geojson_text.uninstall()
    try:
        folium_pages = _pages(result)
    finally:
        geojson_text.install()
    geojson_text.PIECES.clear()
    assert _pages(result) == folium_pages  # the pieces made now
    assert len(geojson_text.PIECES) > 0
    assert _pages(result) == folium_pages  # and taken from the cache


def test_map_bounds_are_the_ones_folium_finds_by_walking_every_coordinate(result):
    fmap = maps.coverage_map(result, lang="en")
    fast = fmap.get_bounds()
    geojson_text.uninstall()
    try:
        walked = fmap.get_bounds()
    finally:
        geojson_text.install()
    assert fast == walked


def test_a_feature_changed_after_it_was_made_is_written_as_it_now_is(result):
    collection = feature_collection(result.villages.geometry.head(3), [{"a": 1}] * 3)
    collection["features"][1]["properties"] = {"b": "<x>"}
    collection["features"][2]["geometry"] = {"type": "Point", "coordinates": [110.0, -7.0]}
    assert collection.json_text() == json.dumps(collection, sort_keys=True)
    assert collection.bounds() == folium.utilities.get_bounds(collection, lonlat=True)


def test_shapes_that_cannot_be_drawn_are_left_out_and_keep_the_others_ids():
    shapes = gpd.GeoSeries([shapely.box(110, -8, 110.1, -7.9), None, shapely.Polygon(),
                            shapely.box(110.2, -8, 110.3, np.nan), shapely.Point(110.5, -7.5)],
                           crs="EPSG:4326")
    collection = feature_collection(shapes, [{"n": i} for i in range(5)])
    assert [feature["id"] for feature in collection["features"]] == [0, 4]
    assert collection.json_text() == json.dumps(collection, sort_keys=True)


def test_the_cache_stays_within_its_coordinates():
    cache = geojson_text._PieceCache(max_coordinates=10)
    piece = geojson_text.ShapePiece({}, "{}", (0.0, 0.0, 0.0, 0.0), 4)
    for key in range(5):
        cache.put((True, bytes([key])), piece)
    assert len(cache) == 2
    assert cache.get((True, bytes([4]))) is piece
    assert cache.get((True, bytes([0]))) is None


coordinate = st.floats(-180, 180, allow_nan=False)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(coordinate, coordinate, st.floats(0.0001, 2)),
                min_size=1, max_size=8),
       st.booleans(), st.text(max_size=8))
def test_any_boxes_write_and_bound_as_folium(boxes, simplify, label):
    shapes = gpd.GeoSeries([shapely.box(x, y, x + size, y + size) for x, y, size in boxes],
                           crs="EPSG:4326")
    collection = feature_collection(shapes, [{"label": label}] * len(boxes), simplify=simplify)
    assert collection.json_text() == json.dumps(collection, sort_keys=True)
    assert collection.bounds() == folium.utilities.get_bounds(collection, lonlat=True)
