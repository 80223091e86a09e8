"""
The maximal covering location model: which p new sites reach the most uncovered workers.

Demand points carry uncovered workers that no existing office reaches; candidates are the
places a new service point could stand. A candidate *covers* a demand point within the
radius (a sparse demand × candidate matrix, built by the caller: straight line here, by
road in :mod:`geo_outreach.roads.placement_roads`). The model (Church & ReVelle, 1974)::

    maximise   Σ_i w_i y_i
    subject to y_i ≤ Σ_{j covers i} x_j     (a point counts once, if any chosen site covers it)
               Σ_j x_j ≤ p
               x_j ∈ {0, 1},  0 ≤ y_i ≤ 1

The existing offices are fixed facilities: the demand they cover is left out before the
model is built, which is the same as fixing their ``x`` at 1 (spopt's
``predefined_facilities_arr``), with a smaller model. With a capacity ``C`` per site, the
coverage becomes an assignment (Current & Storbeck's capacitated MCLP): ``z_ij`` workers'
share of point i served by site j, ``Σ_j z_ij ≤ 1`` and ``Σ_i w_i z_ij ≤ C x_j``.

The solver is HiGHS (``highspy``), given the model as one sparse matrix built with numpy,
so a national instance (80,000 points × 5,000 candidates) is built in well under a second,
where a modelling layer that adds constraints one by one in Python (PuLP, as spopt uses)
takes most of the time. HiGHS starts from the greedy sites (:func:`greedy_sites`) and
reports its bound, so every answer carries its proven gap, also when the time limit ends
the search. HiGHS is deterministic for a given ``seed``.

Two exact reductions run first: points no candidate covers are dropped, and points covered
by the same set of candidates are merged (their workers summed).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

import numpy as np
from scipy import sparse

from geo_outreach.analysis.placement_bounds import reduce_candidates
from geo_outreach.placement_defaults import DEFAULT_MIP_GAP, DEFAULT_TIME_LIMIT_S

if TYPE_CHECKING:
    import highspy



@dataclass(frozen=True)
class Solution:
    """
    The sites one model chose, and how good they are proven to be.

    Attributes
    ----------
    chosen
        Candidate positions, ascending.
    covered
        Workers the model counts as newly covered (its objective).
    bound
        The solver's proven upper bound on ``covered``.
    gap
        ``(bound - covered) / bound``; 0 when proven optimal.
    status
        ``optimal``, ``time_limit`` or ``trivial`` (nothing to cover, or p covers all).
    seconds
        Build and solve time.
    points, candidates
        The model's size after the reductions.
    served
        With a capacity: the workers the model assigns to each chosen site (same order as
        ``chosen``); else None.
    """

    chosen: np.ndarray
    covered: float
    bound: float
    gap: float
    status: str
    seconds: float
    points: int
    candidates: int
    served: np.ndarray | None = None

    @property
    def proven_optimal(self) -> bool:
        """True when the solver proved the sites optimal (within its gap tolerance)."""
        return self.status in {"optimal", "trivial"}


def covering_reduction(cover: sparse.csr_array, weights: np.ndarray
                       ) -> tuple[sparse.csr_array, np.ndarray]:
    """
    Drop uncovered points and merge points covered by the same candidates.

    Parameters
    ----------
    cover
        Demand × candidate, True where the candidate covers the point.
    weights
        Workers per demand point.

    Returns
    -------
    tuple
        The reduced matrix (boolean, rows with positive weight and at least one
        candidate, each set of candidates once) and the summed weights per row.
    """
    cover = sparse.csr_array(cover, dtype=bool)
    cover.sum_duplicates()
    cover.sort_indices()
    counts = np.diff(cover.indptr)
    keep = (counts > 0) & (np.asarray(weights) > 0)
    cover = cover[np.flatnonzero(keep)]
    weights = np.asarray(weights, dtype=float)[keep]
    if cover.shape[0] == 0:
        return sparse.csr_array((0, cover.shape[1]), dtype=bool), weights
    keys = [cover.indices[start:end].tobytes()
            for start, end in zip(cover.indptr[:-1], cover.indptr[1:], strict=True)]
    _, first, group = np.unique(np.array(keys, dtype=object), return_index=True,
                                return_inverse=True)
    merged = np.bincount(group.ravel(), weights=weights, minlength=len(first))
    return cover[first], merged


def solve_mclp(cover: sparse.csr_array, weights: np.ndarray, p: int, *,
               capacity: float | None = None, time_limit_s: float = DEFAULT_TIME_LIMIT_S,
               mip_gap: float = DEFAULT_MIP_GAP, seed: int = 0) -> Solution:
    """
    Choose at most ``p`` candidates that cover the most weight.

    Parameters
    ----------
    cover
        Demand × candidate, True where the candidate covers the point (demand the
        existing offices cover already left out).
    weights
        Workers per demand point.
    p
        How many new sites.
    capacity
        The most workers one site can serve; None for no limit.
    time_limit_s, mip_gap
        When the search stops (see :data:`DEFAULT_TIME_LIMIT_S`, :data:`DEFAULT_MIP_GAP`).
    seed
        HiGHS's random seed: the same seed and inputs give the same sites.

    Returns
    -------
    Solution
        The chosen candidates with the objective, bound and gap.
    """
    started = time.perf_counter()
    reduced, merged = covering_reduction(cover, weights)
    n_points = reduced.shape[0]
    useful = np.unique(reduced.indices)
    if p <= 0 or n_points == 0:
        return Solution(np.array([], dtype=int), 0.0, 0.0, 0.0, "trivial",
                        time.perf_counter() - started, n_points, len(useful))
    # only candidates that cover something enter the model
    reduced = sparse.csr_array(reduced[:, useful])
    if capacity is None:
        useful, reduced, merged, start = _without_hopeless(useful, reduced, merged, p)
        solved = _solve_uncapacitated(reduced, merged, p, start, time_limit_s=time_limit_s,
                                      mip_gap=mip_gap, seed=seed)
    else:
        solved = _solve_capacitated(reduced, merged, p, capacity, time_limit_s=time_limit_s,
                                    mip_gap=mip_gap, seed=seed)
    chosen_local, covered, bound, status, load = solved
    if load is None:
        chosen_local = _without_idle(reduced, merged, chosen_local)
    else:  # a capacitated site that serves nobody is left out
        chosen_local = chosen_local[load[chosen_local] > 1e-9]  # noqa: PLR2004 - rounding
    order = np.argsort(useful[chosen_local])
    chosen_local = chosen_local[order]
    gap = 0.0 if bound <= 0 else max(0.0, (bound - covered) / bound)
    return Solution(useful[chosen_local], covered, bound, gap, status,
                    time.perf_counter() - started, n_points, len(useful),
                    served=None if load is None else load[chosen_local])


LARGE_MODEL_ENTRIES: Final = 10_000
"""Coverage entries above which hopeless candidates are dropped first
(:mod:`geo_outreach.analysis.placement_bounds`). On DIY's villages (7,265 points × 438
candidates) that takes a 3-site model from 6.4 s in HiGHS alone to 0.35 s."""


def _without_hopeless(useful: np.ndarray, cover: sparse.csr_array, weights: np.ndarray,
                      p: int) -> tuple[np.ndarray, sparse.csr_array, np.ndarray, np.ndarray]:
    """On a large model, keep only the candidates an optimal answer may hold (exact).

    Returns the candidates kept, their model, and the best sites found (positions among
    the kept), from which HiGHS starts.
    """
    start = greedy_sites(cover, weights, p)
    if cover.nnz <= LARGE_MODEL_ENTRIES or p >= cover.shape[1]:
        return useful, cover, weights, start
    reduction = reduce_candidates(cover, weights, p, start)
    kept = sparse.csr_array(cover[:, reduction.keep])
    kept, merged = covering_reduction(kept, weights)
    best = np.searchsorted(reduction.keep, reduction.best_sites)
    return useful[reduction.keep], kept, merged, best


def _highs(time_limit_s: float, mip_gap: float, seed: int) -> highspy._Highs:
    """Make a quiet HiGHS instance set up for covering models.

    HiGHS's presolve spends longer on a covering model than the solve itself (41 s against
    under 1 s on 4,300 points × 4,300 candidates), and the root LP solves 3× faster by
    interior point than by simplex there: both are set accordingly.
    """
    import highspy  # noqa: PLC0415 - the solver loads only when a model is solved

    # the bare solver class: highspy.Highs() prints a banner on standard output and sets
    # up Python callbacks this model does not use
    highs = highspy._Highs()  # noqa: SLF001
    for name, value in (("output_flag", False), ("presolve", "off"),
                        ("mip_lp_solver", "ipm"), ("time_limit", float(time_limit_s)),
                        ("mip_rel_gap", float(mip_gap)), ("random_seed", int(seed))):
        highs.setOptionValue(name, value)
    return highs


def _run(matrix: sparse.csr_array, upper: np.ndarray, objective: np.ndarray, n_binary: int,
         start: np.ndarray, *, time_limit_s: float, mip_gap: float, seed: int
         ) -> tuple[np.ndarray, float, float, str]:
    """Maximise ``objective · v`` subject to ``matrix v ≤ upper``, ``0 ≤ v ≤ 1``.

    Returns the variables' values, the objective, the proven bound and the status.

    The first ``n_binary`` variables are binary; ``start`` is a feasible point HiGHS
    starts from (its incumbent, should the time limit come first).
    """
    import highspy  # noqa: PLC0415

    highs = _highs(time_limit_s, mip_gap, seed)
    columns = sparse.csc_array(matrix, dtype=float)
    n_columns = columns.shape[1]
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = n_columns, columns.shape[0]
    lp.sense_ = highspy.ObjSense.kMaximize
    lp.col_cost_ = np.asarray(objective, dtype=float)
    lp.col_lower_, lp.col_upper_ = np.zeros(n_columns), np.ones(n_columns)
    lp.row_lower_ = np.full(columns.shape[0], -highspy.kHighsInf)
    lp.row_upper_ = np.asarray(upper, dtype=float)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = columns.indptr.astype(np.int32)
    lp.a_matrix_.index_ = columns.indices.astype(np.int32)
    lp.a_matrix_.value_ = columns.data
    lp.integrality_ = ([highspy.HighsVarType.kInteger] * n_binary
                       + [highspy.HighsVarType.kContinuous] * (n_columns - n_binary))
    highs.passModel(lp)
    highs.setSolution(_solution(start))
    highs.run()
    info = highs.getInfo()
    values = np.asarray(highs.getSolution().col_value)
    if len(values) != n_columns:  # nothing better than the start was found
        values = start
    covered = float(np.asarray(objective) @ values)
    bound = float(info.mip_dual_bound)
    bound = covered if not np.isfinite(bound) else max(covered, bound)
    optimal = highs.getModelStatus() == highspy.HighsModelStatus.kOptimal
    return values, covered, bound, "optimal" if optimal else "time_limit"


def _open_sites(values: np.ndarray, n_sites: int) -> np.ndarray:
    return np.flatnonzero(values[:n_sites] > 0.5)  # noqa: PLR2004 - a rounded binary


def _solution(values: np.ndarray) -> object:
    import highspy  # noqa: PLC0415

    solution = highspy.HighsSolution()
    solution.col_value = np.asarray(values, dtype=float)
    solution.value_valid = True
    return solution


def greedy_sites(cover: sparse.csr_array, weights: np.ndarray, p: int) -> np.ndarray:
    """
    Pick ``p`` candidates one by one, each the one adding the most uncovered weight.

    The classic greedy start: within 1 − 1/e (63 %) of the optimum, usually far closer;
    the solver starts from it.

    Parameters
    ----------
    cover, weights, p
        As for :func:`solve_mclp`.

    Returns
    -------
    np.ndarray
        Candidate positions in the order picked (fewer than ``p`` once nothing is left).
    """
    by_site = sparse.csc_array(cover, dtype=float)
    left = np.asarray(weights, dtype=float).copy()
    chosen: list[int] = []
    for _ in range(p):
        gains = by_site.T @ left
        best = int(np.argmax(gains))
        if gains[best] <= 0:
            break
        chosen.append(best)
        left[by_site[:, [best]].indices] = 0.0
    return np.array(chosen, dtype=int)


def _solve_uncapacitated(cover: sparse.csr_array, weights: np.ndarray, p: int,
                         first: np.ndarray, *, time_limit_s: float, mip_gap: float, seed: int
                         ) -> tuple[np.ndarray, float, float, str, None]:
    n_points, n_sites = cover.shape
    if p >= n_sites:  # every useful candidate fits: all of them, nothing to search
        return np.arange(n_sites), float(weights.sum()), float(weights.sum()), "optimal", None
    # variables: x (sites) then y (points); rows: y_i - Σ x_j ≤ 0, then Σ x_j ≤ p
    link = sparse.hstack([-sparse.csr_array(cover, dtype=float),
                          sparse.eye_array(n_points, format="csr")], format="csr")
    budget = sparse.hstack([np.ones((1, n_sites)), sparse.csr_array((1, n_points))],
                           format="csr")
    matrix = sparse.vstack([link, budget], format="csr")
    upper = np.concatenate([np.zeros(n_points), [p]])
    objective = np.concatenate([np.zeros(n_sites), weights])
    start = np.zeros(n_sites + n_points)
    start[first] = 1.0
    start[n_sites:] = np.minimum(1.0, cover[:, first].sum(axis=1)) if len(first) else 0.0
    values, covered, bound, status = _run(matrix, upper, objective, n_sites, start,
                                          time_limit_s=time_limit_s, mip_gap=mip_gap,
                                          seed=seed)
    return _open_sites(values, n_sites), covered, bound, status, None


def _solve_capacitated(cover: sparse.csr_array, weights: np.ndarray, p: int, capacity: float,
                       *, time_limit_s: float, mip_gap: float, seed: int
                       ) -> tuple[np.ndarray, float, float, str, np.ndarray]:
    n_points, n_sites = cover.shape
    coo = sparse.coo_array(cover)
    point, site = coo.row, coo.col
    n_pairs = len(point)
    pairs = np.arange(n_pairs)
    # variables: x (sites) then z (one per covering pair)
    serve_once = sparse.csr_array((np.ones(n_pairs), (point, n_sites + pairs)),
                                  shape=(n_points, n_sites + n_pairs))
    load = sparse.csr_array(
        (np.concatenate([np.full(n_sites, -float(capacity)), weights[point]]),
         (np.concatenate([np.arange(n_sites), site]),
          np.concatenate([np.arange(n_sites), n_sites + pairs]))),
        shape=(n_sites, n_sites + n_pairs))
    budget = sparse.csr_array((np.ones(n_sites), (np.zeros(n_sites, dtype=int),
                                                  np.arange(n_sites))),
                              shape=(1, n_sites + n_pairs))
    matrix = sparse.vstack([serve_once, load, budget], format="csr")
    upper = np.concatenate([np.ones(n_points), np.zeros(n_sites), [p]])
    objective = np.concatenate([np.zeros(n_sites), weights[point]])
    start = np.zeros(n_sites + n_pairs)  # no site open: feasible, HiGHS improves on it
    values, covered, bound, status = _run(matrix, upper, objective, n_sites, start,
                                          time_limit_s=time_limit_s, mip_gap=mip_gap,
                                          seed=seed)
    load = np.bincount(site, weights=weights[point] * values[n_sites:], minlength=n_sites)
    return _open_sites(values, n_sites), covered, bound, status, load


def gain_curve(cover: sparse.csr_array, weights: np.ndarray, max_p: int, *,
               capacity: float | None = None, time_limit_s: float = DEFAULT_TIME_LIMIT_S,
               mip_gap: float = DEFAULT_MIP_GAP, seed: int = 0) -> list[Solution]:
    """
    Solve the model for p = 1 … ``max_p``: what each further site adds.

    Each p is solved on its own (the best 3 sites need not contain the best 2), so the
    curve is the best reach for every number of sites.

    Parameters
    ----------
    cover, weights, capacity, time_limit_s, mip_gap, seed
        As for :func:`solve_mclp`.
    max_p
        The largest number of new sites.

    Returns
    -------
    list of Solution
        One per p, in order.
    """
    return [solve_mclp(cover, weights, p, capacity=capacity, time_limit_s=time_limit_s,
                       mip_gap=mip_gap, seed=seed) for p in range(1, max_p + 1)]


def _without_idle(cover: sparse.csr_array, weights: np.ndarray, chosen: np.ndarray
                  ) -> np.ndarray:
    """Leave out chosen sites that reach nothing the others do not (the budget is at most p)."""
    kept = list(np.asarray(chosen, dtype=int))
    total = covered_weight(cover, weights, np.array(kept))
    for site in sorted(kept, key=lambda s: covered_weight(cover, weights, np.array([s]))):
        others = np.array([k for k in kept if k != site], dtype=int)
        if total - covered_weight(cover, weights, others) <= 1e-9 * max(total, 1.0):
            kept = list(others)
    return np.sort(np.array(kept, dtype=int))


def covered_weight(cover: sparse.csr_array, weights: np.ndarray, chosen: np.ndarray) -> float:
    """
    Sum the weight of the points any of the chosen candidates covers, each point once.

    Parameters
    ----------
    cover, weights
        As for :func:`solve_mclp`.
    chosen
        Candidate positions.

    Returns
    -------
    float
        The covered weight.
    """
    if len(chosen) == 0:
        return 0.0
    hit = np.asarray(sparse.csc_array(cover, dtype=bool)[:, np.asarray(chosen)].sum(axis=1))
    return float(np.asarray(weights, dtype=float)[hit.ravel() > 0].sum())
