"""The covering model against brute force, and the road and straight measures side by side."""

from __future__ import annotations

import itertools

import geopandas as gpd
import numpy as np
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import sparse
from scipy.optimize import linprog

from geo_outreach.analysis import placement_model
from geo_outreach.analysis.placement import straight_coverage
from geo_outreach.analysis.placement_bounds import improve_by_swaps, reduce_candidates
from geo_outreach.analysis.placement_model import (
    covered_weight,
    covering_reduction,
    gain_curve,
    greedy_sites,
    solve_mclp,
)
from geo_outreach.roads.assemble import network_from_lines
from geo_outreach.roads.placement_roads import road_coverage

UTM = "EPSG:32749"


def _instance(seed: int, points: int = 300, candidates: int = 30, size_m: float = 20_000,
              radius_m: float = 5_000) -> tuple[sparse.csr_array, np.ndarray]:
    rng = np.random.default_rng(seed)
    demand = rng.uniform(0, size_m, (points, 2))
    sites = rng.uniform(0, size_m, (candidates, 2))
    weights = rng.integers(0, 50, points).astype(float)
    return straight_coverage(demand, sites, radius_m).matrix, weights


def _brute_force(cover: sparse.csr_array, weights: np.ndarray, p: int) -> tuple[float, set]:
    """Every set of p candidates, and the ones that cover the most."""
    dense = cover.toarray().astype(bool)
    values = {combo: float(weights[dense[:, combo].any(axis=1)].sum())
              for combo in itertools.combinations(range(cover.shape[1]), p)}
    best = max(values.values())
    return best, {combo for combo, value in values.items() if value >= best - 1e-9}


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("reduce_first", [False, True])
def test_the_model_finds_what_brute_force_finds(seed: int, reduce_first: bool,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    if reduce_first:  # the exact Lagrangian reduction runs on every model
        monkeypatch.setattr(placement_model, "LARGE_MODEL_ENTRIES", 0)
    cover, weights = _instance(seed)
    for p in (1, 2, 3):
        solution = solve_mclp(cover, weights, p)
        best, optimal_sets = _brute_force(cover, weights, p)
        assert solution.covered == pytest.approx(best, abs=1e-6)
        assert covered_weight(cover, weights, solution.chosen) == pytest.approx(best, abs=1e-6)
        assert solution.proven_optimal
        # the sites are an optimal set (a site that adds nothing is left out)
        assert any(set(solution.chosen) <= set(combo) for combo in optimal_sets)


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), p=st.integers(1, 4))
def test_gains_never_count_a_worker_twice(seed: int, p: int) -> None:
    cover, weights = _instance(seed, points=120, candidates=15)
    curve = gain_curve(cover, weights, p)
    values = [s.covered for s in curve]
    assert values == sorted(values)  # one more site never covers less
    # no more than the workers any candidate reaches, each once
    reachable = weights[np.asarray(cover.sum(axis=1)).ravel() > 0].sum()
    assert values[-1] <= reachable + 1e-6
    for solution in curve:
        assert covered_weight(cover, weights, solution.chosen) == pytest.approx(solution.covered)


def test_the_same_seed_gives_the_same_sites() -> None:
    cover, weights = _instance(3, points=2_000, candidates=200, size_m=60_000)
    first = solve_mclp(cover, weights, 5, seed=7)
    again = solve_mclp(cover, weights, 5, seed=7)
    assert list(first.chosen) == list(again.chosen)
    assert first.covered == again.covered


def _capacitated_value(cover: sparse.csr_array, weights: np.ndarray, sites: tuple[int, ...],
                       capacity: float) -> float:
    """What the sites can serve: a transportation LP over the pairs they reach."""
    sub = sparse.coo_array(cover[:, list(sites)])
    pairs = len(sub.row)
    if pairs == 0:
        return 0.0
    serve_once = sparse.csr_array((np.ones(pairs), (sub.row, np.arange(pairs))),
                                  shape=(cover.shape[0], pairs))
    load = sparse.csr_array((weights[sub.row], (sub.col, np.arange(pairs))),
                            shape=(len(sites), pairs))
    result = linprog(-weights[sub.row], A_ub=sparse.vstack([serve_once, load]),
                     b_ub=np.concatenate([np.ones(cover.shape[0]),
                                          np.full(len(sites), capacity)]),
                     bounds=(0, 1), method="highs")
    return -result.fun


@pytest.mark.parametrize("seed", range(3))
def test_a_capacity_per_site_is_kept_and_brute_force_agrees(seed: int) -> None:
    cover, weights = _instance(seed, points=80, candidates=10)
    capacity = weights.sum() / 8
    solution = solve_mclp(cover, weights, 2, capacity=capacity)
    best = max(_capacitated_value(cover, weights, combo, capacity)
               for combo in itertools.combinations(range(10), 2))
    assert solution.covered == pytest.approx(best, rel=1e-6)
    assert solution.covered <= 2 * capacity + 1e-6


def test_the_reductions_are_exact() -> None:
    cover, weights = _instance(5, points=400, candidates=40)
    reduced, merged = covering_reduction(cover, weights)
    assert merged.sum() == pytest.approx(weights[np.asarray(cover.sum(axis=1)).ravel() > 0].sum())
    start = greedy_sites(cover, weights, 3)
    swapped = improve_by_swaps(reduced, merged, greedy_sites(reduced, merged, 3))
    assert covered_weight(reduced, merged, swapped) >= covered_weight(cover, weights, start) - 1e-9
    reduction = reduce_candidates(reduced, merged, 3, greedy_sites(reduced, merged, 3))
    best, optimal_sets = _brute_force(reduced, merged, 3)
    assert reduction.upper_bound >= best - 1e-6
    assert any(set(combo) <= set(reduction.keep) for combo in optimal_sets)


def test_nothing_to_cover_gives_no_sites() -> None:
    cover = sparse.csr_array((5, 3), dtype=bool)
    solution = solve_mclp(cover, np.ones(5), 2)
    assert solution.chosen.size == 0
    assert solution.covered == 0


def test_solving_prints_nothing(capfd: pytest.CaptureFixture[str]) -> None:
    cover, weights = _instance(1)
    solve_mclp(cover, weights, 2)
    assert capfd.readouterr().out == ""


def test_road_and_straight_reach_agree_where_roads_are_straight_lines() -> None:
    rng = np.random.default_rng(11)
    origin = np.array([430_000.0, 9_130_000.0])  # in DIY, UTM 49S
    demand = rng.uniform(0, 8_000, (40, 2)) + origin
    sites = rng.uniform(0, 8_000, (6, 2)) + origin
    # a road from every site straight to every point: along it is the straight line
    lines = [shapely.LineString([s, d]) for s in sites for d in demand]
    network = network_from_lines(gpd.GeoDataFrame(geometry=lines, crs=UTM), source="star")
    straight = straight_coverage(demand, sites, 3_000)
    road = road_coverage(network, UTM)(demand, sites, 3_000)
    assert (road.matrix != straight.matrix).nnz == 0
    assert set(road.basis) == {"road"}
    for p in (1, 2):
        by_road = solve_mclp(road.matrix, np.ones(len(demand)), p)
        by_line = solve_mclp(straight.matrix, np.ones(len(demand)), p)
        assert by_road.covered == by_line.covered
