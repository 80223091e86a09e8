"""Share whole numbers out by weight, exactly: the households of a village over its stops."""

from __future__ import annotations

import numpy as np


def apportion(totals: np.ndarray, group: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """
    Share whole totals out over the members of each group by weight (largest remainders).

    Parameters
    ----------
    totals
        One whole number per group (groups are ``0 .. len(totals) - 1``).
    group
        Each member's group.
    weight
        Each member's weight (0 or more); a group with members must have some weight.

    Returns
    -------
    np.ndarray
        Whole numbers (int64) per member, summing exactly to each group's total: each
        member gets the floor of its quota, and what is left goes one by one to the
        largest fractions (ties: the earlier member).

    Examples
    --------
    >>> apportion(np.array([10]), np.array([0, 0, 0]), np.array([1.0, 1.0, 1.0])).tolist()
    [4, 3, 3]
    """
    totals = np.asarray(totals, dtype=np.int64)
    weight = np.clip(np.nan_to_num(np.asarray(weight, dtype=float)), 0, None)
    sums = np.bincount(group, weight, minlength=len(totals))
    with np.errstate(divide="ignore", invalid="ignore"):
        quota = np.where(sums[group] > 0, totals[group] * weight / sums[group], 0.0)
    base = np.floor(quota).astype(np.int64)
    left = totals - np.bincount(group, base, minlength=len(totals))
    order = np.lexsort((np.arange(len(group)), -(quota - base), group))
    members = np.bincount(group, minlength=len(totals))
    start = np.cumsum(members) - members
    rank = np.empty(len(group), dtype=np.int64)
    rank[order] = np.arange(len(group)) - start[group[order]]
    return base + (rank < left[group])
