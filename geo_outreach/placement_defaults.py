"""
The placement's defaults, in a module without dependencies.

The command line reads them for its help without loading the analysis stack.
"""

from __future__ import annotations

from typing import Final

DEFAULT_CELL_RESOLUTION: Final = 8
"""H3 resolution of cell candidates: 0.74 km² hexagons, about 460 m across the flats."""
DEFAULT_TIME_LIMIT_S: Final = 60.0
"""How long one model may search before it returns its best sites with their gap."""
DEFAULT_MIP_GAP: Final = 1e-4
"""Stop when the best sites are proven within 0.01 % of the optimum."""
DEFAULT_MOBILE_RADIUS_KM: Final = 2.0
"""How far people come to the mobile unit: 2 km, a short ride or a half-hour walk."""
DEFAULT_MOBILE_DAYS: Final = 5
"""The mobile unit's days in a plan: a working week."""
