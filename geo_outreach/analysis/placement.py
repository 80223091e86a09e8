"""
Where to put the next service points, and what each further site adds.

The sites chosen bring the most uncovered workers inside the radius.

:func:`place_sites` takes an analysis (its offices stay where they are and keep what they
reach), builds the demand and candidates (:mod:`~geo_outreach.analysis.placement_inputs`),
the coverage (straight line here; along the roads with
:func:`geo_outreach.roads.placement_roads.road_coverage`), and solves the covering model
(:mod:`~geo_outreach.analysis.placement_model`) for p = 1 … N.

What the chosen sites newly cover is then measured, not taken from the model: with the
participation table and straight-line distance, by geometry, as ``analyze`` would count it
with the sites added as offices (each village's workers outside every existing radius,
spread by area, cut by the new discs); otherwise on the demand points. A worker covered by
two new sites counts for the nearer one, as in the offices' own totals, so the sites'
figures add up to the total and never include what an existing office reaches.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Final

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from scipy import sparse
from scipy.spatial import cKDTree

from geo_outreach.analysis.placement_inputs import (
    Candidates,
    Demand,
    candidates_from_option,
    existing_reach,
    register_demand,
    table_demand,
    villages_in_scope,
)
from geo_outreach.analysis.placement_model import Solution, gain_curve
from geo_outreach.analysis.reach import office_catchments, office_discs, village_office_pieces
from geo_outreach.placement_defaults import (
    DEFAULT_CELL_RESOLUTION,
    DEFAULT_MIP_GAP,
    DEFAULT_TIME_LIMIT_S,
)

if TYPE_CHECKING:
    from geo_outreach.analysis.household_reach import HouseholdInputs
    from geo_outreach.analysis.result import AnalysisResult

SOURCES: Final = ("table", "register")
"""Where the uncovered workers come from: the participation table or the household register."""
DISTANCES: Final = ("straight", "road")
BASIS_STRAIGHT: Final = "straight"
BASIS_ROAD: Final = "road"
BASIS_OFF_NETWORK: Final = "straight_outside_network"
"""How a site's reach was measured: straight line, along the roads, or straight line
because the road network does not cover the site."""


@dataclass(frozen=True)
class Coverage:
    """
    Which candidate reaches which demand point.

    Attributes
    ----------
    matrix
        Demand × candidate, True where the candidate reaches the point.
    basis
        Per candidate: :data:`BASIS_STRAIGHT`, :data:`BASIS_ROAD` or
        :data:`BASIS_OFF_NETWORK`.
    distance_m
        Optional, same shape as ``matrix``: the distance of each reached pair (to give a
        point to its nearest site).
    note
        What measured it, for the run record (e.g. the road network's description).
    """

    matrix: sparse.csr_array
    basis: np.ndarray
    distance_m: sparse.csr_array | None = None
    note: str = "straight line"


CoverageFunction = Callable[[np.ndarray, np.ndarray, float], Coverage]
"""``(demand_xy, candidate_xy, radius_m) -> Coverage``, points in the analysis's CRS."""


def straight_coverage(demand_xy: np.ndarray, candidate_xy: np.ndarray, radius_m: float
                      ) -> Coverage:
    """
    Reach by straight-line distance (a k-d tree over the candidates).

    Parameters
    ----------
    demand_xy, candidate_xy
        Points in a metric CRS, shape (n, 2).
    radius_m
        The radius.

    Returns
    -------
    Coverage
        Pairs within ``radius_m``.
    """
    shape = (len(demand_xy), len(candidate_xy))
    if not len(demand_xy) or not len(candidate_xy):
        empty = sparse.csr_array(shape, dtype=float)
        return Coverage(empty.astype(bool), np.full(shape[1], BASIS_STRAIGHT), empty)
    pairs = cKDTree(demand_xy).sparse_distance_matrix(cKDTree(candidate_xy), radius_m,
                                                      output_type="coo_matrix")
    distance = sparse.csr_array((pairs.data + 1e-9, (pairs.row, pairs.col)), shape=shape)
    return Coverage(distance.astype(bool), np.full(shape[1], BASIS_STRAIGHT), distance)


@dataclass(frozen=True)
class PlacementSettings:
    """
    What the branch head asks.

    Attributes
    ----------
    new_sites
        N: the most new sites (the gain curve runs p = 1 … N).
    candidates
        ``villages``, ``cells`` or a file of points.
    distance
        ``straight`` or ``road``.
    radius_km
        The new sites' radius; None for the analysis's.
    capacity
        The most workers one site can serve in the period; None for no limit.
    source
        ``table`` (participation table) or ``register`` (household points).
    regency
        New sites stand only in this kabupaten/kota (its name as in the boundaries);
        None for anywhere. The workers they reach count wherever they live.
    cell_resolution
        H3 resolution of cell candidates.
    time_limit_s, mip_gap, seed
        The solver's settings.
    """

    new_sites: int = 3
    candidates: str = "villages"
    distance: str = "straight"
    radius_km: float | None = None
    capacity: float | None = None
    source: str = "table"
    regency: str | None = None
    cell_resolution: int = DEFAULT_CELL_RESOLUTION
    time_limit_s: float = DEFAULT_TIME_LIMIT_S
    mip_gap: float = DEFAULT_MIP_GAP
    seed: int = 0


@dataclass(frozen=True)
class Placement:
    """
    The chosen sites and what they add.

    Attributes
    ----------
    sites
        One row per chosen site (for p = N), most newly covered first: ``rank``,
        ``site_id``, ``name``, ``village_code``, ``village``, ``district``, ``regency``,
        ``lat``, ``lon``, ``newly_covered`` (workers no existing office or nearer new
        site reaches), ``villages_reached``, ``distance_basis``, ``served`` (with a
        capacity: the workers the model assigns to the site, at most the capacity; a
        worker in reach of a full site may be served by another).
    site_villages
        Per (site, village): ``site_id``, ``code``, ``name``, ``district``, ``regency``,
        ``newly_covered``.
    curve
        One row per p: ``p``, ``newly_covered``, ``marginal_gain``, ``share_of_outside``
        (of the workers outside every radius), ``coverage_rule_zone`` (share of all
        uncovered workers then inside some radius), ``proven_optimal``, ``gap``,
        ``seconds``, ``site_ids``; with a capacity also ``served`` (what the sites can
        serve, as the model assigns the workers).
    discs
        The new sites' rings (EPSG:4326): ``site_id``, ``name``, geometry.
    demand
        The demand the model worked on.
    candidates
        The candidates it chose from.
    solutions
        The model's answer for each p.
    settings
        What was asked (with the radius filled in).
    coverage_note
        How reach was measured.
    """

    sites: pd.DataFrame
    site_villages: pd.DataFrame
    curve: pd.DataFrame
    discs: gpd.GeoDataFrame
    demand: Demand
    candidates: Candidates
    solutions: list[Solution] = field(repr=False)
    settings: PlacementSettings = field(default_factory=PlacementSettings)
    coverage_note: str = "straight line"

    @property
    def newly_covered(self) -> float:
        """Workers the N sites newly cover (their sum)."""
        return float(self.sites["newly_covered"].sum()) if len(self.sites) else 0.0


def place_sites(result: AnalysisResult, settings: PlacementSettings, *,
                households: HouseholdInputs | None = None,
                coverage: CoverageFunction | None = None) -> Placement:
    """
    Choose up to N new sites that bring the most uncovered workers inside the radius.

    Parameters
    ----------
    result
        The analysis: its offices are fixed and keep what they reach.
    settings
        N, candidates, distance, radius, capacity, source, scope, solver settings.
    households
        The classified household points; needed for ``source="register"``.
    coverage
        How reach is measured (:func:`straight_coverage` when None).

    Returns
    -------
    Placement
        The sites for p = N, the gain curve p = 1 … N, rings and per-village figures.

    Raises
    ------
    ValueError
        If ``source="register"`` without household points, or N < 1.
    """
    if settings.new_sites < 1:
        msg = "ask for at least one new site"
        raise ValueError(msg)
    radius_km = settings.radius_km or result.params.radius_km
    settings = _with_radius(settings, radius_km)
    # sites stand in the scope; the workers they reach count wherever they live
    villages = villages_in_scope(result, None)
    if settings.source == "register":
        if households is None:
            msg = "the register as the source needs household points"
            raise ValueError(msg)
        demand = register_demand(result, villages, households)
    else:
        demand = table_demand(result, villages)
    candidates = candidates_from_option(settings.candidates, result,
                                        villages_in_scope(result, settings.regency),
                                        resolution=settings.cell_resolution)
    measure = coverage or straight_coverage
    reach = measure(demand.xy, candidates.xy, radius_km * 1000)
    solutions = gain_curve(reach.matrix, demand.workers, settings.new_sites,
                           capacity=settings.capacity, time_limit_s=settings.time_limit_s,
                           mip_gap=settings.mip_gap, seed=settings.seed)
    final = solutions[-1]
    exact = (settings.source == "table" and settings.distance == "straight"
             and coverage is None)

    def measured(chosen: np.ndarray) -> pd.DataFrame:
        if exact:
            return _measured_by_area(result, villages, demand, candidates, chosen,
                                     radius_km=radius_km)
        return measured_on_points(demand, reach, chosen,
                                   candidates.frame["site_id"].to_numpy(str))

    per_village = measured(final.chosen)
    curve = _curve(solutions, demand, measured, candidates)
    sites = _site_table(candidates, final, per_village, reach)
    site_villages = _site_villages(per_village, villages)
    discs = _rings(candidates, final.chosen, radius_km)
    return Placement(sites=sites, site_villages=site_villages, curve=curve, discs=discs,
                     demand=demand, candidates=candidates, solutions=solutions,
                     settings=settings, coverage_note=reach.note)


def _with_radius(settings: PlacementSettings, radius_km: float) -> PlacementSettings:
    from dataclasses import replace  # noqa: PLC0415

    return replace(settings, radius_km=radius_km)


def _measured_by_area(result: AnalysisResult, villages: gpd.GeoDataFrame, demand: Demand,
                      candidates: Candidates, chosen: np.ndarray, *, radius_km: float
                      ) -> pd.DataFrame:
    """Workers per (site, village) by geometry: the new rings beyond the existing ones."""
    if len(chosen) == 0:
        return pd.DataFrame({"site_id": [], "code": [], "newly_covered": []})
    sites = candidates.frame.iloc[chosen][["site_id", "geometry"]].rename(
        columns={"site_id": "office_id"}).reset_index(drop=True)
    discs = office_discs(sites, radius_km)
    catchments = office_catchments(sites, discs)
    catchments["geometry"] = shapely.difference(catchments.geometry.to_numpy(),
                                                existing_reach(result))
    pieces = village_office_pieces(villages, catchments)
    area = pd.Series(shapely.area(villages.geometry.to_numpy()),
                     index=villages["code"].astype(str).to_numpy())
    density = demand.density_per_m2
    workers = (pieces["share"].to_numpy() * area.reindex(pieces["code"].astype(str)).to_numpy()
               * density.reindex(pieces["code"].astype(str)).fillna(0).to_numpy())
    return pd.DataFrame({"site_id": pieces["office_id"].astype(str).to_numpy(),
                         "code": pieces["code"].astype(str).to_numpy(),
                         "newly_covered": workers})


def measured_on_points(demand: Demand, reach: Coverage, chosen: np.ndarray,
                       site_ids: np.ndarray) -> pd.DataFrame:
    """
    Count the workers per (site, village) on the demand points, each to its nearest site.

    Parameters
    ----------
    demand
        The demand points.
    reach
        Their coverage by the candidates (with distances where measured).
    chosen
        Candidate positions of the sites.
    site_ids
        Every candidate's id.

    Returns
    -------
    pd.DataFrame
        ``site_id``, ``code`` (village) and ``newly_covered`` (workers); with register
        demand also ``households``.
    """
    if len(chosen) == 0:
        return pd.DataFrame({"site_id": [], "code": [], "newly_covered": []})
    distance = (reach.distance_m if reach.distance_m is not None
                else reach.matrix.astype(float))
    columns = sparse.csc_array(distance)[:, chosen].toarray()
    columns[columns == 0] = np.inf
    nearest = np.argmin(columns, axis=1)
    covered = np.isfinite(columns[np.arange(len(columns)), nearest])
    frame = pd.DataFrame({"site": nearest[covered], "code": demand.village[covered],
                          "newly_covered": demand.workers[covered]})
    if demand.households is not None:
        frame["households"] = demand.households[covered]
    grouped = frame.groupby(["site", "code"], as_index=False).sum()
    grouped.insert(0, "site_id", site_ids[np.asarray(chosen)[grouped["site"].to_numpy()]])
    return grouped.drop(columns="site")


def _curve(solutions: list[Solution], demand: Demand,
           measured: Callable[[np.ndarray], pd.DataFrame], candidates: Candidates
           ) -> pd.DataFrame:
    rows, previous = [], 0.0
    total = demand.outside_total + demand.inside_total
    for p, solution in enumerate(solutions, start=1):
        covered = float(measured(solution.chosen)["newly_covered"].sum())
        ids = candidates.frame["site_id"].to_numpy(str)[solution.chosen]
        rows.append({
            "p": p, "newly_covered": covered, "marginal_gain": covered - previous,
            "share_of_outside": covered / demand.outside_total if demand.outside_total else 0.0,
            "coverage_rule_zone": ((demand.inside_total + covered) / total if total else 0.0),
            "proven_optimal": solution.proven_optimal, "gap": solution.gap,
            "seconds": solution.seconds, "site_ids": " ".join(ids)})
        if solution.served is not None:  # with a capacity: what the sites can serve
            rows[-1]["served"] = float(solution.served.sum())
        previous = covered
    return pd.DataFrame(rows)


def _site_table(candidates: Candidates, solution: Solution, per_village: pd.DataFrame,
                reach: Coverage) -> pd.DataFrame:
    chosen = solution.chosen
    frame = candidates.frame.iloc[chosen].copy()
    wgs = frame.geometry.to_crs("EPSG:4326")
    by_site = per_village[per_village["newly_covered"] > 0].groupby("site_id")
    key = frame["site_id"].astype(str).to_numpy()
    newly = by_site["newly_covered"].sum().reindex(key).fillna(0).to_numpy(float)
    reached = by_site["code"].nunique().reindex(key).fillna(0).to_numpy(int)
    table = pd.DataFrame({
        "site_id": frame["site_id"].to_numpy(str), "name": frame["name"].to_numpy(str),
        "village_code": frame["village_code"].to_numpy(str),
        "village": frame["village"].to_numpy(str), "district": frame["district"].to_numpy(str),
        "regency": frame["regency"].to_numpy(str), "lat": wgs.y.round(6).to_numpy(),
        "lon": wgs.x.round(6).to_numpy(), "newly_covered": newly,
        "villages_reached": reached, "distance_basis": reach.basis[chosen]})
    if "households" in per_village:
        table["households"] = by_site["households"].sum().reindex(key).fillna(0).to_numpy(int)
    if solution.served is not None:  # as the capacitated model assigns the workers
        table["served"] = solution.served
    table = table.sort_values(["newly_covered", "site_id"], ascending=[False, True])
    table.insert(0, "rank", np.arange(1, len(table) + 1))
    return table.reset_index(drop=True)


def _site_villages(per_village: pd.DataFrame, villages: gpd.GeoDataFrame) -> pd.DataFrame:
    names = villages.set_index(villages["code"].astype(str))[["name", "district", "regency"]]
    table = per_village[per_village["newly_covered"] > 0].copy()
    table = table.join(names, on="code")
    extra = ["households"] if "households" in table else []
    return table[["site_id", "code", "name", "district", "regency", "newly_covered", *extra]
                 ].sort_values(["site_id", "newly_covered"], ascending=[True, False]
                               ).reset_index(drop=True)


def _rings(candidates: Candidates, chosen: np.ndarray, radius_km: float) -> gpd.GeoDataFrame:
    sites = candidates.frame.iloc[chosen][["site_id", "name", "geometry"]].reset_index(drop=True)
    if sites.empty:
        return gpd.GeoDataFrame({"site_id": [], "name": []}, geometry=[], crs="EPSG:4326")
    rings = office_discs(sites.rename(columns={"site_id": "office_id"}), radius_km)
    return rings.rename(columns={"office_id": "site_id"}).to_crs("EPSG:4326")

