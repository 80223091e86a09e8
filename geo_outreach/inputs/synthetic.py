"""
Seeded synthetic households over the study area: the DEMO layer and the benchmark data.

Households are spread over villages in proportion to their population and uniformly
inside each village polygon. Each has 1 to 5 workers; each worker is registered with the
probability of the village's coverage in the participation table (DEMO), so the points
tell the same story as the village figures. Nothing here describes a real household.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer

from geo_outreach.crs import choose_metric_crs

if TYPE_CHECKING:
    import geopandas as gpd

DEMO_HOUSEHOLDS: Final = 150_000
"""Households in the bundled DEMO layer (a register-sized sample of DIY)."""

DEMO_SEED: Final = 20241031
MAX_WORKERS: Final = 5


def _points_in(polygon: shapely.Geometry, count: int, rng: np.random.Generator
               ) -> tuple[np.ndarray, np.ndarray]:
    """Draw ``count`` uniform points inside a polygon by rejection from its bounding box."""
    x0, y0, x1, y1 = polygon.bounds
    fill = max(polygon.area / max((x1 - x0) * (y1 - y0), 1e-9), 0.05)
    xs, ys, have = [], [], 0
    shapely.prepare(polygon)
    while have < count:
        draw = int((count - have) / fill * 1.2) + 16
        x = rng.uniform(x0, x1, draw)
        y = rng.uniform(y0, y1, draw)
        inside = shapely.contains_xy(polygon, x, y)
        xs.append(x[inside])
        ys.append(y[inside])
        have += int(inside.sum())
    return np.concatenate(xs)[:count], np.concatenate(ys)[:count]


def synthetic_households(
    villages: gpd.GeoDataFrame,
    count: int,
    *,
    coverage: pd.Series | None = None,
    seed: int = DEMO_SEED,
) -> pd.DataFrame:
    """
    Generate households over the villages.

    Parameters
    ----------
    villages
        Village polygons with ``code`` and ``population`` (any CRS).
    count
        Households to generate.
    coverage
        Registration probability per village code (default 0.3 everywhere).
    seed
        Random seed: the same seed gives the same households.

    Returns
    -------
    pd.DataFrame
        ``id`` (text), ``lat``, ``lon`` (EPSG:4326), ``workers``, ``registered``.
    """
    rng = np.random.default_rng(seed)
    metric_crs = choose_metric_crs(villages)
    metric = villages.to_crs(metric_crs)
    weights = metric["population"].to_numpy(float)
    per_village = rng.multinomial(count, weights / weights.sum())
    xs, ys, probability = [], [], []
    rates = (coverage.reindex(metric["code"]).fillna(0.3).clip(0, 1).to_numpy()
             if coverage is not None else np.full(len(metric), 0.3))
    for polygon, n, rate in zip(metric.geometry.to_numpy(), per_village, rates, strict=True):
        if n == 0:
            continue
        x, y = _points_in(polygon, int(n), rng)
        xs.append(x)
        ys.append(y)
        probability.append(np.full(int(n), rate))
    x, y = np.concatenate(xs), np.concatenate(ys)
    lon, lat = Transformer.from_crs(metric_crs, "EPSG:4326", always_xy=True).transform(x, y)
    workers = np.minimum(1 + rng.poisson(0.6, count), MAX_WORKERS)
    registered = rng.binomial(workers, np.concatenate(probability))
    order = rng.permutation(count)  # households are not listed village by village
    return pd.DataFrame({
        # 16 digits, like a family card (KK) number; made up, sequential
        "id": pd.array(np.char.add("34", np.char.zfill(np.arange(1, count + 1).astype(str), 14)),
                       dtype="string"),
        "lat": np.round(np.asarray(lat)[order], 6),
        "lon": np.round(np.asarray(lon)[order], 6),
        "workers": workers.astype(np.int32),
        "registered": registered.astype(np.int32),
    })
