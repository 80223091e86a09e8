"""
What the placement model works on: the uncovered workers no office reaches, and the sites.

**Demand** comes from one of the analysis's two sources, never mixed:

- ``table``: each village's uncovered workers (participation table), spread over its area
  as the analysis spreads them. The village is cut into pieces by a square grid
  (:data:`DEMAND_CELL_M`), and the part of each piece that lies inside an existing office's
  radius is cut away. What is left holds exactly the analysis's uncovered workers outside
  every radius, ``uncovered − uncovered_within_radius``, spread over those pieces by area
  (also where household points placed the village's share inside the radius).
- ``register``: the household register's unregistered workers (``workers − registered``)
  of households farther than the radius from every office, summed per grid square of
  :data:`REGISTER_CELL_M` at the households' mean point.

**Candidates** are village centres (a point inside each village), H3 cells (the centre of
every cell of a resolution whose centre lies in the study area), or the user's own points
(kalurahan halls, a rented shop front), read like an office file.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

import geopandas as gpd
import h3
import numpy as np
import pandas as pd
import shapely

from geo_outreach.analysis.reach import office_discs
from geo_outreach.placement_defaults import DEFAULT_CELL_RESOLUTION

if TYPE_CHECKING:
    from pathlib import Path

    from geo_outreach.analysis.household_reach import HouseholdInputs
    from geo_outreach.analysis.result import AnalysisResult

DEMAND_CELL_M: Final = 300.0
"""Side of the squares a village's area is cut into (0.09 km²; a hectare-scale grid)."""
REGISTER_CELL_M: Final = 100.0
"""Side of the squares the register's households are summed in."""
CANDIDATE_KINDS: Final = ("villages", "cells")
"""The built-in candidate sets; anything else given is a file of points."""


@dataclass(frozen=True)
class Demand:
    """
    Uncovered workers outside every office's radius, as weighted points.

    Attributes
    ----------
    xy
        Points in the analysis's metric CRS, shape (n, 2).
    workers
        Uncovered workers at each point.
    village
        Each point's village code.
    source
        ``table`` or ``register``.
    outside_total
        Workers outside every radius in scope (the sum of ``workers``).
    inside_total
        Uncovered workers the existing offices reach already, in scope.
    density_per_m2
        ``table`` only: per village code, its workers outside every radius per square
        metre of its area outside them (how the pieces were weighted); else None.
    households
        ``register`` only: households with unregistered workers at each point (for the
        small-count rule in outputs); else None.
    """

    xy: np.ndarray
    workers: np.ndarray
    village: np.ndarray
    source: str
    outside_total: float
    inside_total: float
    density_per_m2: pd.Series | None = None
    households: np.ndarray | None = None


@dataclass(frozen=True)
class Candidates:
    """
    Places a new site could stand.

    Attributes
    ----------
    frame
        One row per candidate: ``site_id``, ``name``, ``village_code``, ``village``,
        ``district``, ``regency``, metric point geometry.
    kind
        ``villages``, ``cells`` or the file's name.
    """

    frame: gpd.GeoDataFrame
    kind: str

    @property
    def xy(self) -> np.ndarray:
        """The candidates' points, shape (n, 2)."""
        return shapely.get_coordinates(self.frame.geometry.to_numpy())


def villages_in_scope(result: AnalysisResult, regency: str | None) -> gpd.GeoDataFrame:
    """
    Return the villages (metric CRS) of one kabupaten/kota, or all of them.

    ``regency`` is its name as in the boundaries (e.g. from
    :func:`geo_outreach.render.map_data.resolve_regency`).
    """
    villages = result.villages.to_crs(result.metric_crs)
    if regency is None:
        return villages
    return villages[villages["regency"] == regency].reset_index(drop=True)


def existing_reach(result: AnalysisResult) -> shapely.Geometry:
    """Return the union of the existing offices' discs, in the metric CRS."""
    offices = result.offices.to_crs(result.metric_crs)
    discs = office_discs(offices, result.params.radius_km)
    return shapely.union_all(discs.geometry.to_numpy())


def table_demand(result: AnalysisResult, villages: gpd.GeoDataFrame, *,
                 cell_m: float = DEMAND_CELL_M, beyond_offices: bool = True) -> Demand:
    """
    Spread each village's uncovered workers outside every radius over its area.

    Parameters
    ----------
    result
        The analysis (its offices and radius fix what is reached already).
    villages
        The villages in scope, metric CRS, with ``code`` and ``uncovered``.
    cell_m
        Grid square side, metres.
    beyond_offices
        Only the workers outside every office's radius (for new sites); False for all of
        them, spread over the whole village (for a mobile unit, which also serves inside
        the radius).

    Returns
    -------
    Demand
        One point per piece of village outside every radius (or per piece).
    """
    uncovered = villages["uncovered"].fillna(0).clip(lower=0).to_numpy(float)
    polygons = villages.geometry.to_numpy()
    reach = existing_reach(result) if beyond_offices else shapely.Polygon()
    shapely.prepare(reach)
    squares = _grid(villages.total_bounds, cell_m)
    tree = shapely.STRtree(squares)
    village_index, square_index = tree.query(polygons, predicate="intersects")
    pieces = shapely.intersection(polygons[village_index], squares[square_index])
    outside = pieces.copy()
    inside_whole = shapely.contains(reach, pieces)
    outside[inside_whole] = shapely.Polygon()
    cut = ~inside_whole & shapely.intersects(reach, pieces)  # only pieces on a ring's edge
    outside[cut] = shapely.difference(pieces[cut], reach)
    outside_area = np.bincount(village_index, weights=shapely.area(outside),
                               minlength=len(polygons))
    # the analysis's own figure outside the radius, spread over the village's outside area
    beyond = uncovered * (1 - villages["share_within_radius"].fillna(0).to_numpy(float)
                          if beyond_offices else 1.0)
    per_m2 = np.divide(beyond, outside_area, out=np.zeros(len(polygons)),
                       where=outside_area > 0)
    workers = per_m2[village_index] * shapely.area(outside)
    keep = workers > 0
    points = shapely.point_on_surface(outside[keep])
    codes = villages["code"].to_numpy(str)
    # a village the household points place partly outside while its area is all inside
    stranded = (beyond > 0) & (outside_area <= 0)
    xy = np.vstack([shapely.get_coordinates(points),
                    shapely.get_coordinates(shapely.point_on_surface(polygons[stranded]))])
    inside = (villages["uncovered_within_radius"].fillna(0).to_numpy(float) if beyond_offices
              else np.zeros(len(polygons)))
    return Demand(xy=xy.reshape(-1, 2),
                  workers=np.concatenate([workers[keep], beyond[stranded]]),
                  village=np.concatenate([codes[village_index[keep]], codes[stranded]]),
                  source="table", outside_total=float(beyond.sum()),
                  inside_total=float(inside.sum()),
                  density_per_m2=pd.Series(per_m2, index=codes))


def register_demand(result: AnalysisResult, villages: gpd.GeoDataFrame,
                    households: HouseholdInputs, *, cell_m: float = REGISTER_CELL_M,
                    beyond_offices: bool = True) -> Demand:
    """
    Sum the register's unregistered workers beyond every radius per grid square.

    Parameters
    ----------
    result
        The analysis (its radius).
    villages
        The villages in scope, with ``code``.
    households
        The classified household points.
    cell_m
        Grid square side, metres.
    beyond_offices
        Only households outside every radius; False for all.

    Returns
    -------
    Demand
        One point per square with unregistered workers: their workers-weighted mean.
    """
    classified = households.classification.households
    codes = households.area.village_codes[classified.village].astype(str)
    in_scope = np.isin(codes, villages["code"].to_numpy(str))
    uncovered = np.maximum(classified.workers.astype(np.int64)
                           - classified.registered.astype(np.int64), 0)
    beyond = (classified.distance_m > result.params.radius_km * 1000 if beyond_offices
              else np.ones(len(classified), dtype=bool))
    chosen = in_scope & beyond & (uncovered > 0)
    x, y = classified.x[chosen].astype(float), classified.y[chosen].astype(float)
    weight = uncovered[chosen].astype(float)
    frame = pd.DataFrame({"gx": np.floor(x / cell_m), "gy": np.floor(y / cell_m),
                          "wx": x * weight, "wy": y * weight, "w": weight,
                          "village": codes[chosen]})
    grouped = frame.groupby(["gx", "gy"], sort=True).agg(
        wx=("wx", "sum"), wy=("wy", "sum"), w=("w", "sum"), village=("village", "first"),
        households=("w", "size"))
    xy = np.column_stack([grouped["wx"] / grouped["w"], grouped["wy"] / grouped["w"]])
    inside = int(uncovered[in_scope & ~beyond].sum())
    return Demand(xy=xy.reshape(-1, 2), workers=grouped["w"].to_numpy(float),
                  village=grouped["village"].to_numpy(str), source="register",
                  outside_total=float(weight.sum()), inside_total=float(inside),
                  households=grouped["households"].to_numpy(np.int64))


def _grid(bounds: np.ndarray, cell_m: float) -> np.ndarray:
    """Squares of ``cell_m`` covering ``bounds``, anchored at multiples of ``cell_m``."""
    x0, y0 = np.floor(bounds[:2] / cell_m) * cell_m
    xs = np.arange(x0, bounds[2] + cell_m, cell_m)
    ys = np.arange(y0, bounds[3] + cell_m, cell_m)
    gx, gy = np.meshgrid(xs, ys)
    return shapely.box(gx.ravel(), gy.ravel(), gx.ravel() + cell_m, gy.ravel() + cell_m)


def _located(points: gpd.GeoDataFrame, villages: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Name the village, kapanewon and kabupaten each candidate stands in."""
    places = villages[["code", "name", "district", "regency", "geometry"]].rename(
        columns={"code": "village_code", "name": "village"})
    joined = gpd.sjoin(points[["geometry"]], places, how="left", predicate="within")
    joined = joined[~joined.index.duplicated(keep="first")]
    located = points.copy()
    for column in ("village_code", "village", "district", "regency"):
        located[column] = joined[column].fillna("").astype(str).to_numpy()
    return located


def village_candidates(villages: gpd.GeoDataFrame) -> Candidates:
    """One candidate per village: its centroid, or a point inside when that falls out."""
    polygons = villages.geometry.to_numpy()
    centre = shapely.centroid(polygons)
    inside = shapely.contains(polygons, centre)
    points = np.where(inside, centre, shapely.point_on_surface(polygons))
    frame = gpd.GeoDataFrame({"site_id": villages["code"].to_numpy(str),
                              "name": villages["name"].to_numpy(str)},
                             geometry=points, crs=villages.crs)
    return Candidates(_located(frame, villages), "villages")


def cell_candidates(villages: gpd.GeoDataFrame, *,
                    resolution: int = DEFAULT_CELL_RESOLUTION) -> Candidates:
    """One candidate per H3 cell whose centre lies in a village of the study area."""
    outline = gpd.GeoSeries([shapely.union_all(villages.geometry.to_numpy())],
                            crs=villages.crs).to_crs("EPSG:4326").iloc[0]
    cells = (sorted(h3.geo_to_cells(outline.__geo_interface__, resolution))
             if not outline.is_empty else [])
    centres = [h3.cell_to_latlng(cell) for cell in cells]
    points = gpd.GeoSeries.from_xy([c[1] for c in centres], [c[0] for c in centres],
                                   crs="EPSG:4326").to_crs(villages.crs)
    frame = gpd.GeoDataFrame({"site_id": cells, "name": [f"H3 {cell}" for cell in cells]},
                             geometry=points.to_numpy(), crs=villages.crs)
    frame = _located(frame, villages)
    frame = frame[frame["village_code"] != ""].reset_index(drop=True)
    frame["name"] = [f"{village} (H3 {cell})" for village, cell in
                     zip(frame["village"], frame["site_id"], strict=True)]
    return Candidates(frame, "cells")


def file_candidates(path: Path, result: AnalysisResult, villages: gpd.GeoDataFrame
                    ) -> Candidates:
    """
    Read the user's candidate points: the columns of an office file (name, lat, lon).

    Raises
    ------
    InputError
        With the file's row and column for every unusable row.
    """
    from geo_outreach._errors import InputError  # noqa: PLC0415
    from geo_outreach.inputs.office_checks import validate_offices  # noqa: PLC0415
    from geo_outreach.inputs.readers import read_offices  # noqa: PLC0415

    table = read_offices(path)
    points, problems = validate_offices(table, result.villages, radius_km=result.params.radius_km)
    errors = [problem for problem in problems if problem.severity == "error"]
    if errors:
        raise InputError(errors)
    frame = gpd.GeoDataFrame({"site_id": points["office_id"].to_numpy(str),
                              "name": points["name"].to_numpy(str)},
                             geometry=points.geometry.to_crs(villages.crs).to_numpy(),
                             crs=villages.crs)
    return Candidates(_located(frame, villages), path.name)


def candidates_from_option(option: str | Path, result: AnalysisResult,
                           villages: gpd.GeoDataFrame, *,
                           resolution: int = DEFAULT_CELL_RESOLUTION) -> Candidates:
    """Build the candidates ``--candidates`` names: ``villages``, ``cells`` or a file."""
    from pathlib import Path  # noqa: PLC0415

    if str(option) == "villages":
        return village_candidates(villages)
    if str(option) == "cells":
        return cell_candidates(villages, resolution=resolution)
    return file_candidates(Path(option), result, villages)
