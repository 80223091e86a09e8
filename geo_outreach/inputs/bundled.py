"""Where the bundled DIY data lives, and how to read it."""

from __future__ import annotations

from pathlib import Path
from typing import Final

import geopandas as gpd

BUNDLED_DIR: Final = Path(__file__).resolve().parents[2] / "boundaries"
"""The repository's ``boundaries/`` folder."""

BOUNDARIES_GPKG: Final = BUNDLED_DIR / "diy.gpkg"
DEMO_PARTICIPATION: Final = BUNDLED_DIR / "demo_participation.csv"
OFFICES_CSV: Final = BUNDLED_DIR / "offices.csv"
LABOUR_FORCE_CSV: Final = BUNDLED_DIR / "labour_force_kabupaten.csv"

VILLAGES_LAYER: Final = "villages"
DISTRICTS_LAYER: Final = "districts"
REGENCIES_LAYER: Final = "regencies"

DEMO_LABEL: Final = "DEMO"
"""Printed on everything computed from the synthetic participation table."""


def read_units(layer: str) -> gpd.GeoDataFrame:
    """
    Read one bundled administrative layer.

    Parameters
    ----------
    layer
        ``"villages"``, ``"districts"`` or ``"regencies"``.

    Returns
    -------
    gpd.GeoDataFrame
        The layer in EPSG:4326.
    """
    return gpd.read_file(BOUNDARIES_GPKG, layer=layer)
