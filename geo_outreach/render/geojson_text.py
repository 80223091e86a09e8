"""
Compact GeoJSON for maps, with each shape's JSON text and bounds kept between maps.

A map of DIY draws the same village, kapanewon and kabupaten shapes on every redraw; only
their properties (colours, tooltips) change with the radius or the target. Simplifying,
rounding and writing a shape as JSON took most of a redraw, and folium then walked every
coordinate in Python to find the map's bounds. Here each distinct shape (by its WKB) is
made ready once: its GeoJSON mapping, its JSON text and its bounds, kept in a bounded
cache. :class:`FeatureCollection` is the ``dict`` folium expects, plus what it needs to
write itself from those pieces; :func:`install` lets folium use them. The page is the same,
byte for byte: ``tests/test_geojson_text.py`` compares with folium's own output.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

import folium
import numpy as np
import shapely

if TYPE_CHECKING:
    from collections.abc import Callable

MAX_CACHED_COORDINATES: Final = 1_000_000
"""Coordinates of the shapes kept ready: about 160 bytes each as mapping and text (measured),
so 160 MB at most. DIY's villages take 63,000 once simplified; with its kapanewon,
kabupaten, radius rings and hotspot cells a map holds about 110,000."""

_JSON_ARGS: Final = {"sort_keys": True}
"""What Jinja's ``tojson`` filter passes to ``json.dumps`` (its default policy)."""


@dataclass(frozen=True)
class ShapePiece:
    """One shape made ready to draw: mapping, JSON text, bounds and size."""

    mapping: dict[str, Any]
    text: str
    bounds: tuple[float, float, float, float]
    coordinates: int


class _PieceCache:
    """The shapes made ready, least recently used first; bounded by their coordinates."""

    def __init__(self, max_coordinates: int) -> None:
        self.max_coordinates = max_coordinates
        self._pieces: OrderedDict[tuple[bool, bytes], ShapePiece] = OrderedDict()
        self._coordinates = 0
        self._lock = threading.Lock()  # app sessions draw maps on their own threads

    def get(self, key: tuple[bool, bytes]) -> ShapePiece | None:
        with self._lock:
            piece = self._pieces.get(key)
            if piece is not None:
                self._pieces.move_to_end(key)
            return piece

    def put(self, key: tuple[bool, bytes], piece: ShapePiece) -> None:
        with self._lock:
            if key in self._pieces:
                return
            self._pieces[key] = piece
            self._coordinates += piece.coordinates
            while self._coordinates > self.max_coordinates and len(self._pieces) > 1:
                _, dropped = self._pieces.popitem(last=False)
                self._coordinates -= dropped.coordinates

    def clear(self) -> None:
        with self._lock:
            self._pieces.clear()
            self._coordinates = 0

    def __len__(self) -> int:
        return len(self._pieces)


PIECES: Final = _PieceCache(MAX_CACHED_COORDINATES)
"""The process's ready shapes (shared by every map drawn in it)."""


class FeatureCollection(dict):  # type: ignore[type-arg]
    """
    A GeoJSON FeatureCollection (a plain ``dict`` to folium) that can write itself fast.

    Parameters
    ----------
    features
        The features, each ``{"type", "id", "properties", "geometry"}`` with the geometry
        of the matching piece.
    pieces
        Each feature's shape, ready.
    """

    def __init__(self, features: list[dict[str, Any]], pieces: list[ShapePiece]) -> None:
        super().__init__(type="FeatureCollection", features=features)
        self._pieces = pieces

    def json_text(self) -> str:
        """
        Return ``json.dumps(self, sort_keys=True)``, written from the ready pieces.

        A feature changed since (its geometry replaced, keys added) is written by
        ``json.dumps`` itself, so the text always matches the data.
        """
        features = self.get("features")
        if (set(self) != {"type", "features"} or self["type"] != "FeatureCollection"
                or not isinstance(features, list) or len(features) != len(self._pieces)):
            return json.dumps(self, **_JSON_ARGS)
        parts = [_feature_text(feature, piece)
                 for feature, piece in zip(features, self._pieces, strict=True)]
        return '{"features": [' + ", ".join(parts) + '], "type": "FeatureCollection"}'

    def bounds(self) -> list[list[float | None]]:
        """Return ``[[south, west], [north, east]]`` of every feature (as folium gives it)."""
        if not self._pieces or not self._unchanged():
            return folium.utilities.get_bounds(self, lonlat=True)
        box = np.array([piece.bounds for piece in self._pieces])
        return [[float(box[:, 1].min()), float(box[:, 0].min())],
                [float(box[:, 3].max()), float(box[:, 2].max())]]

    def _unchanged(self) -> bool:
        features = self.get("features")
        return (isinstance(features, list) and len(features) == len(self._pieces)
                and all(feature.get("geometry") is piece.mapping
                        for feature, piece in zip(features, self._pieces, strict=True)))


_FEATURE_KEYS: Final = frozenset({"type", "id", "properties", "geometry"})


def _feature_text(feature: dict[str, Any], piece: ShapePiece) -> str:
    if (feature.keys() != _FEATURE_KEYS or feature["geometry"] is not piece.mapping
            or feature["type"] != "Feature"):
        return json.dumps(feature, **_JSON_ARGS)
    return (f'{{"geometry": {piece.text}, "id": {json.dumps(feature["id"])}, '
            f'"properties": {json.dumps(feature["properties"], **_JSON_ARGS)}, '
            '"type": "Feature"}')


def shape_pieces(geometries: np.ndarray, *, simplify: bool,
                 compact: Callable[[np.ndarray], np.ndarray]) -> list[ShapePiece | None]:
    """
    Make each shape ready to draw, from the cache where it was made before.

    Parameters
    ----------
    geometries
        Shapes in EPSG:4326 (None where there is none).
    simplify
        Part of the key: the same shape simplified or not is two pieces.
    compact
        Simplifies (when asked) and rounds an array of shapes.

    Returns
    -------
    list
        One piece per shape; None for a shape that cannot be drawn (missing, empty, a
        coordinate not finite).
    """
    drawable = finite_geometry(geometries)
    # keyed by a digest of the WKB: the raw shapes (548,000 coordinates for DIY) are not
    # kept in the cache, only what the bound counts
    keys = [None if wkb is None else hashlib.blake2b(wkb, digest_size=16).digest()
            for wkb in shapely.to_wkb(np.where(drawable, geometries, None))]
    pieces: list[ShapePiece | None] = [None] * len(geometries)
    missing = []
    for index in np.flatnonzero(drawable):
        piece = PIECES.get((simplify, keys[index]))
        if piece is None:
            missing.append(index)
        else:
            pieces[index] = piece
    if missing:
        made = compact(geometries[missing])
        bounds = shapely.bounds(made)
        counts = shapely.get_num_coordinates(made)
        for index, shape, box, count in zip(missing, made, bounds, counts, strict=True):
            if shape.is_empty:
                continue
            mapping = shapely.geometry.mapping(shape)
            piece = ShapePiece(mapping, json.dumps(mapping, **_JSON_ARGS),
                               tuple(float(v) for v in box), int(count))  # type: ignore[arg-type]
            PIECES.put((simplify, keys[index]), piece)
            pieces[index] = piece
    return pieces


def finite_geometry(geometries: np.ndarray) -> np.ndarray:
    """
    Tell which geometries can be drawn: present, not empty, every coordinate finite.

    Parameters
    ----------
    geometries
        Shapely geometries (None allowed).

    Returns
    -------
    numpy.ndarray
        One bool per geometry. A NaN coordinate would reach Leaflet as
        ``Invalid LatLng object: (NaN, NaN)`` and stop the page's script.
    """
    geometries = np.asarray(geometries, dtype=object)
    finite = ~shapely.is_missing(geometries) & ~shapely.is_empty(geometries)
    if finite.any():
        present = np.flatnonzero(finite)
        counts = shapely.get_num_coordinates(geometries[present])
        bad = ~np.isfinite(shapely.get_coordinates(geometries[present])).all(axis=1)
        if bad.any():
            finite[np.unique(np.repeat(present, counts)[bad])] = False
    return finite


_BOUNDS_METHOD: Final = "_get_self_bounds"
"""The ``folium.GeoJson`` method :func:`install` replaces."""
_ORIGINAL_BOUNDS = getattr(folium.GeoJson, _BOUNDS_METHOD)
_POLICIES = folium.GeoJson._template.environment.policies  # noqa: SLF001 - folium's Jinja
_ORIGINAL_DUMPS = _POLICIES["json.dumps_function"]


def _dumps(value: object, **kwargs: object) -> str:
    """Jinja's JSON writer for folium's templates: fast for a :class:`FeatureCollection`."""
    if isinstance(value, FeatureCollection) and kwargs == _JSON_ARGS:
        return value.json_text()
    return json.dumps(value, **kwargs)  # type: ignore[arg-type]


def _geojson_bounds(self: folium.GeoJson) -> list[list[float | None]]:
    """``GeoJson._get_self_bounds``, from the ready pieces' bounds when it can."""
    if isinstance(self.data, FeatureCollection):
        return self.data.bounds()
    return _ORIGINAL_BOUNDS(self)


def install() -> None:
    """Let folium write and bound :class:`FeatureCollection` data from its pieces."""
    _POLICIES["json.dumps_function"] = _dumps
    setattr(folium.GeoJson, _BOUNDS_METHOD, _geojson_bounds)


def uninstall() -> None:
    """Restore folium's own writing and bounds (for comparisons)."""
    _POLICIES["json.dumps_function"] = _ORIGINAL_DUMPS
    setattr(folium.GeoJson, _BOUNDS_METHOD, _ORIGINAL_BOUNDS)
