"""
An exact reduction for large covering models: candidates that cannot be in a better answer.

A dense instance (4,500 H3 cells as candidates, 40,000 demand points, each point within
5 km of about 100 candidates) gives HiGHS a root LP it does not finish in a minute. Most
candidates there are hopeless, and a classic bound proves it cheaply: relax the coverage
rows ``y_i ≤ Σ_j a_ij x_j`` with multipliers ``0 ≤ λ_i ≤ w_i`` (Lagrangian relaxation,
as in Galvão & ReVelle 1996). For fixed λ the relaxed model splits:

    L(λ) = Σ_i (w_i − λ_i) + (sum of the p largest c_j),   c_j = Σ_i a_ij λ_i

and every L(λ) is an upper bound on what p sites can cover. Subgradient steps lower it
towards the LP bound. A candidate j outside the top p can then be dropped when even the
bound with j forced in, ``L(λ) − c_(p) + c_j``, is below a coverage some sites already
reach: no answer containing j can beat those sites. The model HiGHS then solves holds only
the candidates left, and its answer is the optimum of the whole model.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import numpy as np
from scipy import sparse

ITERATIONS: Final = 300
"""Subgradient steps; each is one pass over the coverage matrix."""


@dataclass(frozen=True)
class Reduction:
    """
    What the bound kept.

    Attributes
    ----------
    keep
        Candidate positions that may be in an optimal answer.
    upper_bound
        The best bound found: no p sites cover more.
    best_sites, best_covered
        The best sites seen on the way, and what they cover.
    """

    keep: np.ndarray
    upper_bound: float
    best_sites: np.ndarray
    best_covered: float


def _covered(by_site: sparse.csc_array, weights: np.ndarray, sites: np.ndarray) -> float:
    hit = np.zeros(by_site.shape[0], dtype=bool)
    for site in sites:
        hit[by_site.indices[by_site.indptr[site]:by_site.indptr[site + 1]]] = True
    return float(weights[hit].sum())


def improve_by_swaps(cover: sparse.csr_array, weights: np.ndarray, sites: np.ndarray,
                     *, rounds: int = 50) -> np.ndarray:
    """
    Swap one chosen site for another while that covers more (Teitz & Bart's interchange).

    Parameters
    ----------
    cover, weights
        As for :func:`reduce_candidates`.
    sites
        The sites to start from.
    rounds
        The most swaps made.

    Returns
    -------
    np.ndarray
        Sites covering at least as much as ``sites``.
    """
    by_site = sparse.csc_array(cover, dtype=float)
    weights = np.asarray(weights, dtype=float)
    sites = np.asarray(sites, dtype=int).copy()
    counts = np.asarray(by_site[:, sites].sum(axis=1)).ravel()
    for _ in range(rounds):
        best_change, best_swap = 1e-9 * max(float(weights.sum()), 1.0), None
        for position, site in enumerate(sites):
            own = by_site.indices[by_site.indptr[site]:by_site.indptr[site + 1]]
            without = counts.copy()
            without[own] -= 1
            loss = float(weights[own][without[own] == 0].sum())
            gains = by_site.T @ np.where(without == 0, weights, 0.0)
            gains[sites] = -np.inf
            other = int(np.argmax(gains))
            if gains[other] - loss > best_change:
                best_change, best_swap = gains[other] - loss, (position, other)
        if best_swap is None:
            break
        position, other = best_swap
        old = sites[position]
        counts[by_site.indices[by_site.indptr[old]:by_site.indptr[old + 1]]] -= 1
        counts[by_site.indices[by_site.indptr[other]:by_site.indptr[other + 1]]] += 1
        sites[position] = other
    return np.sort(sites)


def reduce_candidates(cover: sparse.csr_array, weights: np.ndarray, p: int,
                      start_sites: np.ndarray, *, iterations: int = ITERATIONS) -> Reduction:
    """
    Drop the candidates no optimal set of ``p`` sites can contain.

    Parameters
    ----------
    cover
        Demand × candidate coverage (reduced: every row covered, positive weights).
    weights
        Workers per row.
    p
        How many sites.
    start_sites
        A feasible answer (e.g. the greedy sites); improved by swaps, it is the first
        coverage to beat.
    iterations
        Subgradient steps.

    Returns
    -------
    Reduction
        The candidates kept, the bound and the best sites seen.
    """
    by_site = sparse.csc_array(cover, dtype=float)
    weights = np.asarray(weights, dtype=float)
    n_sites = by_site.shape[1]
    best_sites = improve_by_swaps(cover, weights, start_sites)
    best = _covered(by_site, weights, best_sites)
    multipliers = weights * 0.5
    bound, best_multipliers, step, stalled = np.inf, multipliers, 2.0, 0
    for _ in range(iterations):
        value_of_site = by_site.T @ multipliers
        top = np.argpartition(-value_of_site, p - 1)[:p] if p < n_sites else np.arange(n_sites)
        relaxed = float((weights - multipliers).sum() + value_of_site[top].sum())
        if relaxed < bound - 1e-9:
            bound, best_multipliers, stalled = relaxed, multipliers, 0
        else:
            stalled += 1
            if stalled >= 10:  # noqa: PLR2004 - halve the step after ten steps without progress
                step, stalled = step / 2, 0
        covered = _covered(by_site, weights, top)
        if covered > best:  # the relaxation's sites, improved, may beat the best so far
            improved = improve_by_swaps(cover, weights, top)
            best, best_sites = _covered(by_site, weights, improved), improved
        if bound - best <= 1e-9 * max(best, 1.0) or step < 1e-4:  # noqa: PLR2004
            break
        counts = np.zeros(by_site.shape[0])
        for site in top:
            counts[by_site.indices[by_site.indptr[site]:by_site.indptr[site + 1]]] += 1
        gradient = counts - 1.0  # ∂L/∂λ_i
        norm = float(gradient @ gradient)
        if norm == 0:
            break
        multipliers = np.clip(multipliers - step * (relaxed - best) / norm * gradient,
                              0.0, weights)
    value_of_site = by_site.T @ best_multipliers
    order = np.argsort(-value_of_site, kind="stable")
    pth = value_of_site[order[min(p, n_sites) - 1]]
    forced = bound - pth + value_of_site  # the bound of any answer holding each site
    keep = np.flatnonzero(forced >= best - 1e-9 * max(best, 1.0))
    keep = np.union1d(keep, best_sites)
    return Reduction(keep=keep, upper_bound=bound, best_sites=best_sites, best_covered=best)
