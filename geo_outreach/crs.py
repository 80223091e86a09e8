"""The metric CRS every stage measures in: UTM 49S for DIY, the local UTM zone elsewhere."""

from __future__ import annotations

from typing import TYPE_CHECKING

from geo_outreach.config import UTM_49S

if TYPE_CHECKING:
    import geopandas as gpd

_UTM_49_WEST, _UTM_49_EAST = 108.0, 114.0


def choose_metric_crs(layer: gpd.GeoDataFrame) -> str:
    """
    Pick the projected CRS that distances and areas are measured in.

    Parameters
    ----------
    layer
        Any layer with a CRS, e.g. the village boundaries.

    Returns
    -------
    str
        ``"EPSG:32749"`` (UTM 49S) when the layer lies in that zone south of the
        equator, as DIY does; otherwise the UTM zone geopandas estimates for it.
    """
    west, _south, east, north = layer.to_crs("EPSG:4326").total_bounds
    if west >= _UTM_49_WEST and east <= _UTM_49_EAST and north <= 0:
        return UTM_49S
    return layer.estimate_utm_crs().to_string()
