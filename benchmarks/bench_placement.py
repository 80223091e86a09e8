"""
Time the placement model (where the next service points go) on DIY and national instances.

Run from the repository root::

    .venv/bin/python benchmarks/bench_placement.py [--repeats 3] [--quick] [--cases 1 2 3 4]

Each case runs in a fresh Python process (one case's memory and caches never time
another's); the times are medians of ``--repeats`` runs in that process, after its inputs
are read once. Nothing is fetched from the network.

1. **DIY villages**: the 438 village centres as candidates, the participation table's
   uncovered workers outside every radius as demand (bundled data, ``run_analysis()``),
   5 km straight line. The whole :func:`~geo_outreach.analysis.placement.place_sites` for
   p = 1 … 5 (demand, candidates, coverage, five models, measuring by area), its parts,
   and :func:`~geo_outreach.analysis.placement_model.solve_mclp` alone at p = 5.
2. **DIY H3 cells**: every resolution-8 cell of DIY as a candidate, the DEMO household
   register's unregistered workers beyond every radius as demand (``source="register"``),
   p = 5: building the demand, the candidates and the coverage, then the solve on its own,
   against the aim of at most 10 s, proven optimal or within 0.5 %.
3. **National size**: 80,000 demand points and 5,000 candidates, p = 10. With the national
   village layer in ``../shared/data/national/`` (``SOURCES.md`` there): a representative
   point of 80,000 of its 83,402 villages (seeded sample) as demand, weighted by the
   kabupaten's 2025 population per village, and 5,000 of those points (seeded) as
   candidates. The points are geocentric (ECEF, metres), so the straight chord in a 3-d
   k-d tree works across all of Indonesia: within 5 km a chord and the great circle differ
   by well under a millimetre (the output checks the pairs found against WGS 84 geodesics).
   Without the folder (or with ``--synthetic``): a seeded clustered instance of the same
   size over the same longitudes and latitudes.
4. **spopt beside it**: pysal's ``spopt.locate.MCLP.from_cost_matrix`` (PuLP, CBC) on case
   1's instance (the same coverage and weights, the existing offices' demand already left
   out, as ``table_demand`` gives it), p = 3 and 5. spopt has no sparse path for the MCLP:
   it takes a dense cost matrix (here 0 where a candidate covers a point, else 1, radius
   0.5: the same coverage). It runs on the instance after the exact merge
   :func:`~geo_outreach.analysis.placement_model.covering_reduction` makes (points covered
   by the same candidates summed), and, without ``--quick``, once on the whole instance
   (its model takes minutes to build there). The same PuLP model is also solved by HiGHS
   (``pulp.HiGHS``), to tell the modelling layer's time from the solver's. Skipped, with the
   reason printed, when spopt, PuLP or CBC cannot be imported here
   (``.venv/bin/python -m pip install spopt``).

``--quick`` is a smoke run: one repeat unless ``--repeats`` is given, p = 1 … 3 in case 1,
H3 resolution 7 in case 2, a tenth of the national size in case 3, and case 4 on the
merged instance at p = 3 only.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Final, TypeVar

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely
from scipy import sparse
from scipy.spatial import cKDTree

from geo_outreach.analysis.household_reach import prepare_households
from geo_outreach.analysis.pipeline import analyse, run_analysis
from geo_outreach.analysis.placement import PlacementSettings, place_sites, straight_coverage
from geo_outreach.analysis.placement_inputs import (
    cell_candidates,
    register_demand,
    table_demand,
    village_candidates,
    villages_in_scope,
)
from geo_outreach.analysis.placement_model import (
    Solution,
    covered_weight,
    covering_reduction,
    solve_mclp,
)
from geo_outreach.config import AnalysisParams
from geo_outreach.inputs.prepare import InputPaths, prepare_inputs

if TYPE_CHECKING:
    from collections.abc import Callable

CASES: Final = {1: "DIY villages", 2: "DIY H3 cells", 3: "national size", 4: "spopt beside it"}
NATIONAL_DIR: Final = Path(__file__).resolve().parents[2] / "shared" / "data" / "national"
VILLAGES_FILE: Final = "desa_kelurahan_indonesia_2025.parquet"
POPULATION_FILE: Final = "penduduk_kabupaten_2025.csv"
RADIUS_M: Final = 5000.0
SEED: Final = 0
NATIONAL: Final = {"demand": 80_000, "candidates": 5_000, "p": 10}
AIM_S: Final = 10.0
AIM_GAP: Final = 0.005
SPOPT_TIME_LIMIT_S: Final = 600
SAME: Final = 1e-6
"""Relative difference under which two objectives are the same."""
T = TypeVar("T")


def _say(message: str) -> None:
    """Progress on standard error (the tables go to standard output)."""
    print(message, file=sys.stderr, flush=True)


@dataclass(frozen=True)
class Timing:
    """Wall seconds of each run, and CPU seconds (this process and its children) if known."""

    wall: list[float]
    cpu: list[float] | None = None

    @property
    def median(self) -> float:
        """The median wall seconds."""
        return statistics.median(self.wall)


def _cpu_s() -> float:
    times = os.times()  # children: CBC runs as its own process
    return times.user + times.system + times.children_user + times.children_system


def _timed(run: Callable[[], T], repeats: int) -> tuple[Timing, T]:
    """Run ``repeats`` times; return the wall and CPU seconds of each run and the last result."""
    wall, cpu, value = [], [], None
    for _ in range(max(repeats, 1)):
        start, start_cpu = time.perf_counter(), _cpu_s()
        value = run()
        wall.append(time.perf_counter() - start)
        cpu.append(_cpu_s() - start_cpu)
    return Timing(wall, cpu), value


def _row(name: str, timing: Timing) -> str:
    cpu = f"{statistics.median(timing.cpu):.3f}" if timing.cpu else "–"
    return (f"| {name} | {timing.median:.3f} | {min(timing.wall):.3f} | "
            f"{max(timing.wall):.3f} | {cpu} |")


STEP_HEADER: Final = ("| step | median s | min s | max s | median CPU s |\n"
                      "|---|---|---|---|---|")


def _status(solution: Solution) -> str:
    proven = "proven optimal" if solution.proven_optimal else "not proven optimal"
    return (f"{solution.covered:,.0f} covered, bound {solution.bound:,.0f}, gap "
            f"{solution.gap:.4%}, {solution.status} ({proven}); model after the reductions "
            f"{solution.points:,} points × {solution.candidates:,} candidates")


# --- case 1 -------------------------------------------------------------------------------


def case_villages(repeats: int, *, quick: bool) -> str:
    """DIY, village centres as candidates, table demand: place_sites p = 1 … N."""
    new_sites = 3 if quick else 5
    started = time.perf_counter()
    result = run_analysis()
    setup_s = time.perf_counter() - started
    settings = PlacementSettings(new_sites=new_sites, candidates="villages", source="table")
    radius_m = result.params.radius_km * 1000

    def inputs() -> tuple[int, int, int]:
        villages = villages_in_scope(result, None)
        demand = table_demand(result, villages)
        candidates = village_candidates(villages)
        reach = straight_coverage(demand.xy, candidates.xy, radius_m)
        return len(demand.xy), len(candidates.frame), reach.matrix.nnz

    _say(f"case 1: inputs, then place_sites p = 1 … {new_sites}, × {repeats}")
    inputs_runs, place_runs, placements = [], [], []
    for _ in range(max(repeats, 1)):  # side by side, so that each pair shares the load
        once, (n_points, n_candidates, n_pairs) = _timed(inputs, 1)
        inputs_runs.append(once)
        once, placed = _timed(lambda: place_sites(result, settings), 1)
        place_runs.append(once)
        placements.append(placed)
    inputs_s, place_s = (Timing([t.wall[0] for t in runs], [(t.cpu or [0.0])[0] for t in runs])
                         for runs in (inputs_runs, place_runs))
    placement = placements[-1]
    reach = straight_coverage(placement.demand.xy, placement.candidates.xy, radius_m)
    _say(f"case 1: solve_mclp p = {new_sites} × {repeats}")
    solve_s, solution = _timed(lambda: solve_mclp(reach.matrix, placement.demand.workers,
                                                  new_sites), repeats)
    model_s = Timing([sum(placed.solutions[k].seconds for k in range(new_sites))
                      for placed in placements])
    rest_s = Timing([whole - built - solved for whole, built, solved
                     in zip(place_s.wall, inputs_s.wall, model_s.wall, strict=True)])
    lines = [(f"## 1. DIY: {n_candidates} village centres as candidates, table demand, "
             f"p = 1 … {new_sites}"), "",
             (f"{n_points:,} demand points (uncovered workers outside every radius, "
             f"{placement.demand.outside_total:,.0f}), {n_pairs:,} covering pairs within "
             f"{radius_m / 1000:g} km; `run_analysis()` once first ({setup_s:.1f} s)."), "",
             STEP_HEADER,
             _row(f"place_sites, p = 1 … {new_sites} (whole)", place_s),
             _row("· part: demand + candidates + coverage", inputs_s),
             _row(f"· part: {new_sites} models (solve_mclp, sum)", model_s),
             _row("· part: the rest, by difference (measuring by area, tables)", rest_s),
             _row(f"solve_mclp alone, p = {new_sites}", solve_s), "",
             ("| p | solve s (median) | newly covered (by area) | gap | proven optimal | "
             "sites |"), "|---|---|---|---|---|---|"]
    curve = placement.curve
    for k, row in enumerate(curve.itertuples()):
        seconds = statistics.median(placed.solutions[k].seconds for placed in placements)
        lines.append(f"| {row.p} | {seconds:.3f} | {row.newly_covered:,.0f} | {row.gap:.4%} "
                     f"| {'yes' if row.proven_optimal else 'no'} | {row.site_ids} |")
    lines += ["", f"solve_mclp alone at p = {new_sites}: {_status(solution)}."]
    return "\n".join(lines)


# --- case 2 -------------------------------------------------------------------------------


def case_cells(repeats: int, *, quick: bool) -> str:
    """DIY, H3 cells as candidates, the DEMO register as demand, p = 5."""
    resolution, p = (7 if quick else 8), 5
    _say("case 2: DEMO households and the analysis")
    started = time.perf_counter()
    prepared = prepare_inputs(InputPaths())
    households = prepare_households(prepared, None, radius_km=5)
    result = analyse(prepared, AnalysisParams(), households=households)
    villages = villages_in_scope(result, None)
    setup_s = time.perf_counter() - started
    radius_m = result.params.radius_km * 1000
    _say(f"case 2: demand, candidates, coverage and solve × {repeats}")
    demand_s, demand = _timed(lambda: register_demand(result, villages, households), repeats)
    candidates_s, candidates = _timed(
        lambda: cell_candidates(villages, resolution=resolution), repeats)
    reach_s, reach = _timed(lambda: straight_coverage(demand.xy, candidates.xy, radius_m),
                            repeats)
    solve_s, solution = _timed(lambda: solve_mclp(reach.matrix, demand.workers, p), repeats)
    solve_median = solve_s.median
    met = solve_median <= AIM_S and (solution.proven_optimal or solution.gap <= AIM_GAP)
    parts = (demand_s, candidates_s, reach_s)
    build_s = Timing([sum(run) for run in zip(*(t.wall for t in parts), strict=True)],
                     [sum(run) for run in zip(*(t.cpu or [] for t in parts), strict=True)])
    lines = [(f"## 2. DIY: H3 resolution {resolution} cells as candidates, DEMO register "
             f"demand, p = {p}"), "",
             (f"{len(candidates.frame):,} cells, {len(demand.xy):,} demand points "
             f"({demand.outside_total:,.0f} unregistered workers beyond every radius, summed "
             f"per {100:g} m square), {reach.matrix.nnz:,} covering pairs; DEMO households "
             f"and `analyse(..., households=hh)` once first ({setup_s:.1f} s)."), "",
             STEP_HEADER,
             _row("register demand", demand_s),
             _row(f"H3 cell candidates (resolution {resolution})", candidates_s),
             _row("coverage (straight_coverage)", reach_s),
             _row("· building, total", build_s),
             _row(f"solve_mclp, p = {p}", solve_s), "",
             f"Solve: {_status(solution)}.",
             (f"Aim (≤ {AIM_S:g} s, proven optimal or within {AIM_GAP:.1%}): "
             f"{'met' if met else 'NOT met'} ({solve_median:.2f} s median).")]
    return "\n".join(lines)


# --- case 3 -------------------------------------------------------------------------------


def _ecef(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """Geocentric x, y, z in metres on the WGS 84 ellipsoid (height 0)."""
    to_ecef = pyproj.Transformer.from_crs("EPSG:4326", "EPSG:4978", always_xy=True)
    return np.column_stack(to_ecef.transform(lon, lat, np.zeros(len(lon))))


def national_points(folder: Path) -> tuple[np.ndarray, np.ndarray, str]:
    """
    Read a representative point and a weight for every national village.

    Parameters
    ----------
    folder
        The folder with the village layer and the kabupaten population.

    Returns
    -------
    tuple
        Lon/lat (n, 2), the kabupaten's population per village, and a description.
    """
    villages = gpd.read_parquet(folder / VILLAGES_FILE, columns=["kode_kab", "geometry"])
    points = shapely.point_on_surface(villages.geometry.to_numpy())
    lonlat = shapely.get_coordinates(points)
    population = pd.read_csv(folder / POPULATION_FILE, dtype={"kode": str}).set_index("kode")
    regency = villages["kode_kab"].astype(str)
    per_village = (regency.map(population["jumlah"])
                   / regency.map(regency.value_counts())).to_numpy(float)
    missing = int(np.isnan(per_village).sum())
    per_village = np.where(np.isnan(per_village), np.nanmedian(per_village), per_village)
    note = (f"{len(villages):,} villages of `{VILLAGES_FILE}` (a representative point each), "
            f"weighted by the kabupaten's 2025 population ÷ its villages"
            + (f" ({missing} without a population: the median)" if missing else ""))
    return lonlat, per_village, note


def synthetic_points(count: int) -> tuple[np.ndarray, np.ndarray, str]:
    """
    Make a seeded clustered instance over Indonesia's longitudes and latitudes.

    Parameters
    ----------
    count
        How many points.

    Returns
    -------
    tuple
        Lon/lat (n, 2), lognormal weights, and a description.
    """
    rng = np.random.default_rng(SEED)
    clusters = 400
    centre_lon, centre_lat = rng.uniform(95, 141, clusters), rng.uniform(-11, 6, clusters)
    size = rng.multinomial(count, rng.dirichlet(np.full(clusters, 0.5)))
    spread_km = np.repeat(rng.uniform(5, 40, clusters), size)
    lat = np.repeat(centre_lat, size) + rng.normal(0, 1, count) * spread_km / 111.32
    lon = (np.repeat(centre_lon, size)
           + rng.normal(0, 1, count) * spread_km / (111.32 * np.cos(np.radians(lat))))
    weights = rng.lognormal(np.log(3000), 1.0, count)
    note = (f"synthetic: {count:,} points in {clusters} seeded clusters (5-40 km spread) over "
            "95-141° E, 11° S-6° N, lognormal weights")
    return np.column_stack([lon, lat]), weights, note


def chord_coverage(demand_xyz: np.ndarray, candidate_xyz: np.ndarray, radius_m: float
                   ) -> sparse.csr_array:
    """Demand × candidate, True within ``radius_m`` of straight chord (3-d k-d tree)."""
    pairs = cKDTree(demand_xyz).sparse_distance_matrix(cKDTree(candidate_xyz), radius_m,
                                                       output_type="coo_matrix")
    return sparse.csr_array((np.ones(pairs.nnz, dtype=bool), (pairs.row, pairs.col)),
                            shape=(len(demand_xyz), len(candidate_xyz)))


def case_national(repeats: int, *, quick: bool, folder: Path, synthetic: bool) -> str:
    """80,000 demand points, 5,000 candidates, p = 10 (a tenth with ``quick``)."""
    scale = 10 if quick else 1
    n_demand, n_candidates = NATIONAL["demand"] // scale, NATIONAL["candidates"] // scale
    p = NATIONAL["p"]
    use_file = not synthetic and (folder / VILLAGES_FILE).exists()
    _say(f"case 3: {'national villages' if use_file else 'synthetic points'}")
    started = time.perf_counter()
    lonlat, weights, note = (national_points(folder) if use_file
                             else synthetic_points(NATIONAL["demand"] + 3_402))
    read_s = time.perf_counter() - started
    if not use_file:
        note += f" (no `{folder / VILLAGES_FILE}`)" if not synthetic else " (--synthetic)"

    def build() -> tuple[np.ndarray, np.ndarray, sparse.csr_array]:
        rng = np.random.default_rng(SEED)
        demand = np.sort(rng.choice(len(lonlat), n_demand, replace=False))
        candidates = np.sort(rng.choice(demand, n_candidates, replace=False))
        xyz = _ecef(lonlat[:, 0], lonlat[:, 1])
        return demand, candidates, chord_coverage(xyz[demand], xyz[candidates], RADIUS_M)

    _say(f"case 3: build and solve × {repeats}")
    build_s, (demand, candidates, cover) = _timed(build, repeats)
    solve_s, solution = _timed(lambda: solve_mclp(cover, weights[demand], p), repeats)
    coo = cover.tocoo()
    geodesic = pyproj.Geod(ellps="WGS84").inv(
        lonlat[demand[coo.row], 0], lonlat[demand[coo.row], 1],
        lonlat[candidates[coo.col], 0], lonlat[candidates[coo.col], 1])[2]
    xyz = _ecef(lonlat[:, 0], lonlat[:, 1])
    chord = np.linalg.norm(xyz[demand[coo.row]] - xyz[candidates[coo.col]], axis=1)
    covered_rows = int((np.diff(cover.indptr) > 0).sum())
    lines = [(f"## 3. National size: {n_demand:,} demand points, {n_candidates:,} candidates, "
             f"p = {p}"), "",
             (f"{note}; demand a seeded sample of {n_demand:,}, candidates {n_candidates:,} of "
             f"those; {'read' if use_file else 'made'} once first ({read_s:.1f} s). "
             f"{cover.nnz:,} covering pairs within {RADIUS_M / 1000:g} km chord; "
             f"{covered_rows:,} demand points have a candidate."),
             "", STEP_HEADER,
             _row("sample + ECEF + coverage (3-d cKDTree, csr)", build_s),
             _row(f"solve_mclp, p = {p}", solve_s), "",
             f"Solve: {_status(solution)}.",
             (f"Chord against WGS 84 geodesic on the {len(chord):,} pairs: largest difference "
             f"{np.max(np.abs(chord - geodesic), initial=0.0) * 1000:.2f} mm; pairs farther "
             f"than {RADIUS_M / 1000:g} km by geodesic: {int((geodesic > RADIUS_M).sum())}.")]
    return "\n".join(lines)


# --- case 4 -------------------------------------------------------------------------------


def _spopt_unavailable() -> str | None:
    """Why spopt's MCLP cannot run here, or None."""
    try:
        pulp = importlib.import_module("pulp")
        importlib.import_module("spopt.locate")
    except Exception as err:  # noqa: BLE001 - any import failure is the reason to print
        return (f"{type(err).__name__}: {err} (install with `.venv/bin/python -m pip install "
                "spopt`)")
    available = pulp.listSolvers(onlyAvailable=True)
    if "PULP_CBC_CMD" not in available:
        return f"PuLP {pulp.__version__} has no CBC here (available: {available})"
    return None


def _spopt_solve(cover: sparse.csr_array, weights: np.ndarray, p: int, *, highs: bool
                 ) -> dict[str, object]:
    """Build spopt's MCLP from a dense cost matrix and solve it with CBC (and HiGHS)."""
    pulp = importlib.import_module("pulp")
    mclp_class = importlib.import_module("spopt.locate").MCLP
    started = time.perf_counter()
    cost = np.where(cover.toarray(), 0.0, 1.0)  # 0 where covered; radius 0.5
    model = mclp_class.from_cost_matrix(cost, weights, service_radius=0.5, p_facilities=p)
    built, built_cpu = time.perf_counter(), _cpu_s()
    model.solve(pulp.PULP_CBC_CMD(msg=False, timeLimit=SPOPT_TIME_LIMIT_S), results=False)
    solved, solved_cpu = time.perf_counter(), _cpu_s()
    answer: dict[str, object] = {
        "build_s": built - started, "cbc_s": solved - built, "cbc_cpu": solved_cpu - built_cpu,
        "cbc_status": pulp.LpStatus[model.problem.status],
        "cbc_objective": float(pulp.value(model.problem.objective)),
        "cbc_chosen": [j for j, x in enumerate(model.fac_vars) if x.value() > 0.5]}  # noqa: PLR2004
    if highs:
        model.problem.solve(pulp.HiGHS(msg=False, timeLimit=SPOPT_TIME_LIMIT_S))
        answer |= {"highs_s": time.perf_counter() - solved, "highs_cpu": _cpu_s() - solved_cpu,
                   "highs_status": pulp.LpStatus[model.problem.status],
                   "highs_objective": float(pulp.value(model.problem.objective)),
                   "highs_chosen": [j for j, x in enumerate(model.fac_vars)
                                    if x.value() > 0.5]}  # noqa: PLR2004
    return answer


def _agree(ours: np.ndarray, theirs: list[int], covered_ours: float, covered_theirs: float
           ) -> str:
    if sorted(int(j) for j in ours) == sorted(theirs):
        return "same sites"
    if abs(covered_ours - covered_theirs) <= SAME * max(covered_ours, 1.0):
        return "other sites, same coverage (a tie)"
    return f"differ: ours {covered_ours - covered_theirs:+,.0f}"


def case_spopt(repeats: int, *, quick: bool) -> str:
    """Solve spopt's MCLP (PuLP, CBC) beside solve_mclp on case 1's instance."""
    title = "## 4. spopt's MCLP beside solve_mclp on case 1's instance"
    reason = _spopt_unavailable()
    if reason is not None:
        return f"{title}\n\nSkipped: spopt cannot run here: {reason}."
    pulp = importlib.import_module("pulp")
    versions = (f"spopt {metadata.version('spopt')}, PuLP {pulp.__version__} with its CBC, "
                f"highspy {metadata.version('highspy')}")
    _say("case 4: case 1's instance")
    result = run_analysis()
    placement = place_sites(result, PlacementSettings(new_sites=1))
    demand, candidates = placement.demand, placement.candidates
    cover = straight_coverage(demand.xy, candidates.xy, result.params.radius_km * 1000).matrix
    weights = demand.workers
    merged_cover, merged_weights = covering_reduction(cover, weights)
    instances = {"merged": (merged_cover, merged_weights)}
    if not quick:
        instances["whole"] = (cover, weights)
    lines = [title, "",
             (f"{versions}. Whole instance {cover.shape[0]:,} points × {cover.shape[1]} "
             f"candidates ({cover.nnz:,} covering pairs); merged (points covered by the same "
             f"candidates summed, uncovered dropped: exact) {merged_cover.shape[0]:,} points "
             f"({merged_cover.nnz:,} pairs). solve_mclp's time includes its own reductions; "
             "spopt's build includes making the dense cost matrix. spopt: binary y, Σx = p; "
             "solve_mclp: 0 ≤ y ≤ 1, Σx ≤ p (the same optimum)."), "",
             ("| p | instance | solver | runs | build s | solve s | solve CPU s | total s | "
              "objective | status | sites agree with solve_mclp |"),
             "|---|---|---|---|---|---|---|---|---|---|---|"]
    for p in (3,) if quick else (3, 5):
        _say(f"case 4: solve_mclp p = {p} × {repeats}")
        ours_s, ours = _timed(lambda p=p: solve_mclp(cover, weights, p), repeats)
        ours_covered = covered_weight(cover, weights, ours.chosen)
        lines.append(f"| {p} | whole | solve_mclp (HiGHS) | {len(ours_s.wall)} | – | "
                     f"{ours_s.median:.2f} | {statistics.median(ours_s.cpu or [0]):.2f} | "
                     f"{ours_s.median:.2f} | {ours.covered:,.1f} | {ours.status} | – |")
        for name, (matrix, weight) in instances.items():
            runs = repeats if name == "merged" else 1
            _say(f"case 4: spopt p = {p} on the {name} instance × {runs}")
            answers = [_spopt_solve(matrix, weight, p, highs=name == "merged")
                       for _ in range(runs)]
            build = statistics.median(a["build_s"] for a in answers)
            last = answers[-1]
            for solver, key in (("spopt + CBC", "cbc"), ("spopt model + HiGHS (PuLP)", "highs")):
                if f"{key}_s" not in last:
                    continue
                solve = statistics.median(a[f"{key}_s"] for a in answers)
                cpu = statistics.median(a[f"{key}_cpu"] for a in answers)
                chosen = last[f"{key}_chosen"]
                agree = _agree(ours.chosen, chosen, ours_covered,
                               covered_weight(cover, weights, np.array(chosen, dtype=int)))
                lines.append(f"| {p} | {name} | {solver} | {runs} | {build:.2f} | {solve:.2f} "
                             f"| {cpu:.2f} | {build + solve:.2f} | "
                             f"{last[f'{key}_objective']:,.1f} | {last[f'{key}_status']} | "
                             f"{agree} |")
    return "\n".join(lines)


# --- running -------------------------------------------------------------------------------


def run_case(case: int, args: argparse.Namespace) -> str:
    """Run one case in this process and return its Markdown."""
    importlib.import_module("highspy")  # loaded before any timing
    if case == 1:
        return case_villages(args.repeats, quick=args.quick)
    if case == 2:  # noqa: PLR2004
        return case_cells(args.repeats, quick=args.quick)
    if case == 3:  # noqa: PLR2004
        return case_national(args.repeats, quick=args.quick, folder=args.national_dir,
                             synthetic=args.synthetic)
    return case_spopt(args.repeats, quick=args.quick)


def _in_fresh_process(case: int, args: argparse.Namespace, folder: Path) -> str:
    """Run a case in a new Python; its Markdown comes back through a file."""
    out = folder / f"case_{case}.json"
    command = [sys.executable, __file__, "--worker", str(case), "--worker-out", str(out),
               "--repeats", str(args.repeats), "--national-dir", str(args.national_dir),
               *(["--quick"] if args.quick else []),
               *(["--synthetic"] if args.synthetic else [])]
    started = time.perf_counter()
    finished = subprocess.run(command, check=False, stdout=subprocess.DEVNULL)  # noqa: S603
    _say(f"case {case} done in {time.perf_counter() - started:.0f} s")
    if finished.returncode != 0 or not out.exists():
        return (f"## {case}. {CASES[case]}\n\nFailed: the process exited with "
                f"{finished.returncode} (its messages are above, on standard error).")
    return json.loads(out.read_text(encoding="utf-8"))["markdown"]


def _load(load: tuple[float, float, float]) -> str:
    return "/".join(f"{value:.1f}" for value in load)


def main() -> int:
    """Run the chosen cases, each in a fresh process, and print their tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--repeats", type=int, help="timed runs per step (median); default 3, "
                        "1 with --quick")
    parser.add_argument("--quick", action="store_true",
                        help="a smoke run: lighter cases, one repeat")
    parser.add_argument("--cases", type=int, nargs="+", choices=sorted(CASES),
                        default=sorted(CASES), help="which cases (default all: 1 2 3 4)")
    parser.add_argument("--national-dir", type=Path, default=NATIONAL_DIR,
                        help=f"the national data (default {NATIONAL_DIR})")
    parser.add_argument("--synthetic", action="store_true",
                        help="case 3 on the synthetic instance even with the national data")
    parser.add_argument("--worker", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--worker-out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.repeats is None:
        args.repeats = 1 if args.quick else 3
    if args.worker is not None:
        markdown = run_case(args.worker, args)
        args.worker_out.write_text(json.dumps({"markdown": markdown}), encoding="utf-8")
        return 0
    began, load_before = time.perf_counter(), os.getloadavg()
    with tempfile.TemporaryDirectory() as tmp:
        sections = [_in_fresh_process(case, args, Path(tmp)) for case in args.cases]
    print(f"Machine: {os.cpu_count()} cores, {platform.processor() or platform.machine()}, "
          f"Python {platform.python_version()}, highspy {metadata.version('highspy')}; "
          f"{args.repeats} repeat(s){', --quick' if args.quick else ''}; seed {SEED}; load "
          f"average (1, 5, 15 min) {_load(load_before)} at the start, "
          f"{_load(os.getloadavg())} at the end.\n")
    print("\n\n".join(sections))
    print(f"\nWhole run: {time.perf_counter() - began:.0f} s.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
