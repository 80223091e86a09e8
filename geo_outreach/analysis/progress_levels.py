"""
Monthly participation at every level: village, office, kapanewon, kabupaten, whole area.

A village's counts are its own; an office's are its villages' counts × their share inside
its radius and nearest to it (as in the analysis' offices table); a kapanewon, a kabupaten
and the area add up their villages. Each month sums only the villages with a snapshot
that month, and participants count only where the denominator is known, so that coverage
is never inflated.
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING, Final

import numpy as np
import pandas as pd

from geo_outreach.analysis.progress_matched import paired_changes

if TYPE_CHECKING:
    from collections.abc import Sequence

LEVELS: Final = ("village", "office", "district", "regency", "area")
"""The levels in the ``level`` column, finest first."""

AREA_ID: Final = "all"
"""The ``unit_id`` of the whole area."""
AREA_NAME: Final = "whole area"
"""The ``unit_name`` of the whole area (the app writes it in the reader's language)."""

UNIT_COLUMNS: Final = ("level", "unit_id", "unit_name", "regency")
MONTHLY_COLUMNS: Final = ("level", "unit_id", "unit_name", "month", "denominator",
                          "participants", "coverage", "change_participants",
                          "change_coverage_pp", "villages_with_data")
"""The columns of :attr:`geo_outreach.analysis.progress.ProgressReport.monthly`."""



def village_counts(series: pd.DataFrame, denominator: str) -> pd.DataFrame:
    """
    Take each snapshot's denominator and the participants that count against it.

    Parameters
    ----------
    series
        One row per (month, code) with numeric ``participants`` and ``denominator`` columns.
    denominator
        The column the coverage is measured against (``labour_force`` or ``employed``).

    Returns
    -------
    pd.DataFrame
        ``month``, ``code``, ``denominator`` and ``participants`` (NaN where the
        denominator is unknown).
    """
    values = series[denominator].astype("float64")
    return pd.DataFrame({
        "month": series["month"].to_numpy(),
        "code": series["code"].to_numpy(),
        "denominator": values.to_numpy(),
        "participants": series["participants"].astype("float64").where(values.notna()).to_numpy(),
    })


def _named_units(villages: pd.DataFrame, code_column: str, name_column: str
                 ) -> tuple[pd.Series, pd.DataFrame]:
    """
    Give each village its kapanewon's or kabupaten's id, and each such unit its attributes.

    The id is the unit's code where the boundaries have one for every village, else its
    name; a kapanewon name found in two kabupaten (Jetis, in Bantul and in Kota
    Yogyakarta) is told apart by its kabupaten, ``"Jetis (Kabupaten Bantul)"``.
    """
    names = villages[name_column].astype(str)
    if code_column in villages.columns and villages[code_column].notna().all():
        ids = villages[code_column].astype(str)
    else:
        ids = names.copy()
        regencies_per_name = villages.groupby(names)["regency"].transform("nunique")
        shared = regencies_per_name > 1
        ids[shared] = names[shared] + " (" + villages.loc[shared, "regency"].astype(str) + ")"
    units = pd.DataFrame({"unit_id": ids.to_numpy(), "unit_name": names.to_numpy(),
                          "regency": villages["regency"].astype(str).to_numpy()})
    units = units.drop_duplicates("unit_id").reset_index(drop=True)
    return pd.Series(ids.to_numpy(), index=villages["code"].to_numpy()), units


def _memberships(villages: pd.DataFrame, pieces: pd.DataFrame, offices: pd.DataFrame
                 ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """
    Say which units each village counts in, and with what weight; and name every unit.

    Returns
    -------
    membership
        ``level``, ``unit_id``, ``code`` and ``weight`` (1, or the office piece's share).
    units
        ``level``, ``unit_id``, ``unit_name`` and ``regency`` (None for offices and the
        area, which may span several kabupaten).
    """
    codes = villages["code"].astype(str).to_numpy()
    memberships = [pd.DataFrame({"level": "village", "unit_id": codes, "code": codes,
                                 "weight": 1.0})]
    unit_tables = [pd.DataFrame({"level": "village", "unit_id": codes,
                                 "unit_name": villages["name"].astype(str).to_numpy(),
                                 "regency": villages["regency"].astype(str).to_numpy()})]

    known = pieces[pieces["code"].astype(str).isin(codes)]
    office_ids = known["office_id"].astype(str).to_numpy()
    memberships.append(pd.DataFrame({"level": "office", "unit_id": office_ids,
                                     "code": known["code"].astype(str).to_numpy(),
                                     "weight": known["share"].astype("float64").to_numpy()}))
    office_names = pd.Series(offices["name"].astype(str).to_numpy(),
                             index=offices["office_id"].astype(str).to_numpy())
    office_names = office_names[~office_names.index.duplicated()]
    unique_offices = pd.unique(office_ids)
    named = office_names.reindex(unique_offices)
    unit_tables.append(pd.DataFrame({
        "level": "office", "unit_id": unique_offices,
        "unit_name": named.where(named.notna(), unique_offices).to_numpy(),
        "regency": None}))

    for level, code_column, name_column in (("district", "district_code", "district"),
                                            ("regency", "regency_code", "regency")):
        ids, units = _named_units(villages, code_column, name_column)
        memberships.append(pd.DataFrame({"level": level, "unit_id": ids.to_numpy(),
                                         "code": codes, "weight": 1.0}))
        unit_tables.append(units.assign(level=level))

    memberships.append(pd.DataFrame({"level": "area", "unit_id": AREA_ID, "code": codes,
                                     "weight": 1.0}))
    unit_tables.append(pd.DataFrame({"level": ["area"], "unit_id": [AREA_ID],
                                     "unit_name": [AREA_NAME], "regency": [None]}))
    membership = pd.concat(memberships, ignore_index=True)
    units = pd.concat(unit_tables, ignore_index=True)[list(UNIT_COLUMNS)]
    units["regency"] = units["regency"].astype(object).where(units["regency"].notna(), None)
    return membership, units


def _with_changes(totals: pd.DataFrame, months: Sequence[str], counts: pd.DataFrame,
                  membership: pd.DataFrame) -> pd.DataFrame:
    """Add coverage, and each month's change against the series' previous month, like for like."""
    denominator = totals["denominator"]
    with np.errstate(divide="ignore", invalid="ignore"):
        totals["coverage"] = totals["participants"] / denominator.where(denominator > 0)
    previous = dict(itertools.pairwise(months))
    previous = {after: before for before, after in previous.items()}
    pairs = totals[["level", "unit_id", "month"]].rename(columns={"month": "after"})
    pairs["before"] = pairs["after"].map(previous)
    pairs = pairs.dropna(subset=["before"])
    changes = paired_changes(counts, membership, pairs).rename(columns={
        "after": "month", "participants_change": "change_participants",
        "coverage_change_pp": "change_coverage_pp"})
    return totals.merge(changes[["level", "unit_id", "month", "change_participants",
                                 "change_coverage_pp"]],
                        on=["level", "unit_id", "month"], how="left", validate="1:1")


def monthly_levels(
    counts: pd.DataFrame,
    villages: pd.DataFrame,
    pieces: pd.DataFrame,
    offices: pd.DataFrame,
    months: Sequence[str],
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """
    Sum the villages' monthly counts into every level.

    Parameters
    ----------
    counts
        From :func:`village_counts`, only villages listed in ``villages``.
    villages
        ``code``, ``name``, ``district``, ``regency`` and optionally ``district_code`` and
        ``regency_code``.
    pieces
        ``code``, ``office_id`` and ``share`` (the analysis' ``office_pieces``).
    offices
        ``office_id`` and ``name``.
    months
        The months of the series, sorted.

    Returns
    -------
    monthly
        One row per unit and month with data: :data:`MONTHLY_COLUMNS`, sorted by level
        (as in :data:`LEVELS`), unit and month. ``change_*`` compare with the series'
        previous month over the villages both months hold; NaN where there is none.
    units
        Every unit with at least one month of data: ``level``, ``unit_id``,
        ``unit_name`` and ``regency``.
    membership
        ``level``, ``unit_id``, ``code`` and ``weight``: the villages of each unit.
    """
    membership, units = _memberships(villages, pieces, offices)
    joined = counts.merge(membership, on="code", how="inner")
    for column in ("denominator", "participants"):
        joined[column] = joined[column] * joined["weight"]
    grouped = joined.groupby(["level", "unit_id", "month"], sort=False)
    totals = pd.DataFrame({
        "denominator": grouped["denominator"].sum(min_count=1),
        "participants": grouped["participants"].sum(min_count=1),
        "villages_with_data": grouped["code"].nunique(),
    }).reset_index()
    totals = _with_changes(totals, months, counts, membership)
    totals = totals.merge(units[["level", "unit_id", "unit_name"]], on=["level", "unit_id"],
                          how="left", validate="m:1")
    totals["level_rank"] = totals["level"].map({level: i for i, level in enumerate(LEVELS)})
    totals = totals.sort_values(["level_rank", "unit_id", "month"], kind="stable")
    monthly = totals[list(MONTHLY_COLUMNS)].reset_index(drop=True)
    monthly["villages_with_data"] = monthly["villages_with_data"].astype("int64")
    present = monthly[["level", "unit_id"]].drop_duplicates()
    units = units.merge(present, on=["level", "unit_id"], how="right", validate="1:1")
    return monthly, units.reset_index(drop=True), membership
