"""
The headline figures of a run, for any scope: the whole area, one office, one kabupaten.

Every surface (the app's summary, ``geo-outreach analyze``, ``run.json``, the shared map,
the notebook) takes its headline from :func:`headline`, so the same inputs and settings
give the same numbers everywhere. The two sources stay two measures (README, Method):

- :class:`TableFigures` come from the **participation table**: uncovered = denominator −
  participants (clipped at 0, the clipping counted in ``clipped_villages``); inside the
  radius, each village's uncovered × its share inside (by area, or by where its register
  or population points lie).
- :class:`RegisterFigures` come from the **household register**, exactly: households and
  workers in the register, in total and inside the radius, and how complete the register
  is against the table (register workers ÷ the denominator of the same villages).

No figure mixes the two.

A scope is a set of (village, office) pieces: an office's scope is what lies inside its
radius and nearer to it than to any other office (as in its row of the offices table);
a kabupaten's scope is its villages. Both can be chosen together.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

import numpy as np

from geo_outreach._errors import InputError, Problem
from geo_outreach.analysis.coverage import workers_to_target

if TYPE_CHECKING:
    import pandas as pd

    from geo_outreach.analysis.result import AnalysisResult


@dataclass(frozen=True)
class TableFigures:
    """
    What the participation table says for one scope.

    Attributes
    ----------
    villages
        Villages in the scope (for an office: those with a piece inside its radius).
    villages_without_data
        Of those, villages no participation row matched (their numbers are unknown).
    clipped_villages
        Villages with more participants than denominator: their uncovered count is 0,
        not negative.
    denominator, participants, uncovered
        Totals over the scope's villages (whole villages); participants only where the
        denominator is known, so that coverage is not inflated.
    coverage
        ``participants / denominator`` (a fraction; NaN without a denominator).
    denominator_within_radius, participants_within_radius, uncovered_within_radius
        The same inside the radius (each village's count × its share inside).
    coverage_within_radius
        Coverage inside the radius.
    workers_to_target_within_radius
        Participants still needed inside the radius to reach the target, each office's
        radius on its own (a surplus in one office does not fill another's gap).
    uncovered_within_road_radius
        Uncovered workers within the radius along the roads (None without a road
        network; villages the network does not cover count 0 here and are counted in
        ``villages_road_not_measured``).
    villages_road_not_measured
        Villages with a share inside the straight-line radius whose road share could not
        be measured (outside the network's extent); None without a road network.
    """

    villages: int
    villages_without_data: int
    clipped_villages: int
    denominator: float
    participants: float
    uncovered: float
    coverage: float
    denominator_within_radius: float
    participants_within_radius: float
    uncovered_within_radius: float
    coverage_within_radius: float
    workers_to_target_within_radius: float
    uncovered_within_road_radius: float | None = None
    villages_road_not_measured: int | None = None


@dataclass(frozen=True)
class RegisterFigures:
    """
    What the household register says for one scope (exact counts).

    Attributes
    ----------
    households, register_workers, register_uncovered_workers
        In the register, over the scope's villages.
    households_within_radius, uncovered_households_within_radius
        Households inside the radius, and those with at least one unregistered worker.
    register_workers_within_radius, register_uncovered_workers_within_radius
        Workers in the register inside the radius, and those not registered.
    completeness
        ``register_workers / denominator`` over the scope's villages that have a
        denominator: how much of the table's workforce the register holds (a fraction;
        NaN without a denominator).
    households_within_road_radius, uncovered_households_within_road_radius,
    register_uncovered_workers_within_road_radius, households_road_not_measured
        The same along the roads (None without a road network, or for an office off
        it), and the households inside the straight-line radius the roads do not
        measure (counted for their nearest office in a straight line).
    """

    households: int
    register_workers: int
    register_uncovered_workers: int
    households_within_radius: int
    uncovered_households_within_radius: int
    register_workers_within_radius: int
    register_uncovered_workers_within_radius: int
    completeness: float
    households_within_road_radius: int | None = None
    uncovered_households_within_road_radius: int | None = None
    register_uncovered_workers_within_road_radius: int | None = None
    households_road_not_measured: int | None = None


@dataclass(frozen=True)
class Headline:
    """
    The headline of one scope: the table's figures and, with a register, the register's.

    Attributes
    ----------
    office_id, regency
        The scope (None: all offices / the whole area).
    radius_km, target
        The settings the figures are for.
    table
        From the participation table.
    register
        From the household register; None without household points.
    """

    office_id: str | None
    regency: str | None
    radius_km: float
    target: float
    table: TableFigures
    register: RegisterFigures | None

    def as_dict(self) -> dict[str, object]:
        """
        Flatten the headline for ``run.json`` and comparisons between surfaces.

        Returns
        -------
        dict
            ``scope`` and settings, then ``table.*`` and ``register.*`` figures; NaN
            becomes None (JSON has no NaN).
        """
        flat: dict[str, object] = {"office_id": self.office_id, "regency": self.regency,
                                   "radius_km": self.radius_km, "target": self.target}
        for prefix, figures in (("table", self.table), ("register", self.register)):
            if figures is None:
                continue
            for name, value in asdict(figures).items():
                clean = None if isinstance(value, float) and math.isnan(value) else value
                flat[f"{prefix}.{name}"] = clean
        return flat


def _ratio(numerator: float, denominator: float) -> float:
    return numerator / denominator if denominator > 0 else math.nan


def _total(frame: pd.DataFrame, column: str) -> float:
    return float(frame[column].sum()) if column in frame.columns else 0.0


def scope_pieces(result: AnalysisResult, pieces: pd.DataFrame, *, office_id: str | None,
                 regency: str | None) -> pd.DataFrame:
    """
    Keep the (village, office) pieces of a scope.

    Parameters
    ----------
    result
        The run (its villages say each village's kabupaten).
    pieces
        ``code``, ``office_id``, ``share`` and optional count columns.
    office_id, regency
        The scope; None for all.

    Returns
    -------
    pd.DataFrame
        The pieces of the scope.
    """
    keep = np.ones(len(pieces), dtype=bool)
    if office_id is not None:
        keep &= (pieces["office_id"].astype(str) == str(office_id)).to_numpy()
    if regency is not None:
        codes = result.villages.loc[result.villages["regency"] == regency, "code"]
        keep &= pieces["code"].isin(set(codes)).to_numpy()
    return pieces[keep]


def headline(result: AnalysisResult, *, office_id: str | None = None,
             regency: str | None = None) -> Headline:
    """
    Compute the headline figures of a scope.

    Parameters
    ----------
    result
        The run (:func:`geo_outreach.analysis.pipeline.analyse`, optionally with
        :func:`geo_outreach.roads.reach.with_road_reach`).
    office_id
        One office's scope (its radius, nearest to it); None for all offices.
    regency
        One kabupaten/kota's villages (its name as in ``result.villages["regency"]``);
        None for the whole area.

    Returns
    -------
    Headline
        The table's figures and, with household points, the register's.
    """
    villages = result.villages.drop(columns="geometry")
    _check_scope(result, office_id=office_id, regency=regency)
    pieces = scope_pieces(result, result.office_pieces, office_id=office_id, regency=regency)
    if regency is not None:
        villages = villages[villages["regency"] == regency]
    if office_id is not None:  # every village with a piece: a share, or households
        villages = villages[villages["code"].isin(set(pieces["code"]))]
    table = _table_figures(result, villages, pieces, office_id=office_id, regency=regency)
    register = (_register_figures(result, villages, pieces, office_id=office_id,
                                  regency=regency)
                if "households" in villages.columns else None)
    return Headline(office_id, regency, result.params.radius_km, result.params.target,
                    table, register)


def _check_scope(result: AnalysisResult, *, office_id: str | None, regency: str | None) -> None:
    """Refuse an office or kabupaten the run does not have, naming those it has."""
    if regency is not None and regency not in set(result.villages["regency"]):
        names = ", ".join(sorted(str(n) for n in result.villages["regency"].dropna().unique()))
        raise InputError(Problem("regency", None, None, regency,
                                 f"no kabupaten/kota '{regency}' in the boundaries",
                                 f"use one of: {names}"))
    if office_id is not None and str(office_id) not in set(result.offices["office_id"].astype(str)):
        ids = ", ".join(result.offices["office_id"].astype(str))
        raise InputError(Problem("office", None, None, str(office_id),
                                 f"no office '{office_id}' in the office table",
                                 f"use one of: {ids}"))


def _inside(villages: pd.DataFrame, pieces: pd.DataFrame, column: str) -> float:
    """Sum a village count over pieces, each weighted by its share."""
    values = villages.set_index("code")[column].reindex(pieces["code"]).to_numpy(float)
    return float(np.nansum(values * pieces["share"].to_numpy(float)))


def _measured(villages: pd.DataFrame) -> pd.DataFrame:
    """Keep participants only where the denominator is known (else coverage would be inflated)."""
    known = villages["denominator_value"].notna()
    return villages.assign(participants=villages["participants"].where(known))


def _table_figures(result: AnalysisResult, villages: pd.DataFrame, pieces: pd.DataFrame, *,
                   office_id: str | None, regency: str | None) -> TableFigures:
    """Sum the participation table's numbers over a scope."""
    all_villages = _measured(result.villages.drop(columns="geometry"))
    counted = _measured(villages)
    denominator_in = _inside(all_villages, pieces, "denominator_value")
    participants_in = _inside(all_villages, pieces, "participants")
    joined = pieces.merge(all_villages[["code", "denominator_value", "participants"]],
                          on="code", how="left")
    joined["denominator_in"] = joined["denominator_value"] * joined["share"]
    joined["participants_in"] = joined["participants"] * joined["share"]
    per_office = joined.groupby("office_id")[["denominator_in", "participants_in"]].sum()
    to_target = float(workers_to_target(per_office["denominator_in"],
                                        per_office["participants_in"],
                                        result.params.target).sum())
    denominator = _total(counted, "denominator_value")
    participants = _total(counted, "participants")
    road, road_unknown = _road_figures(result, office_id=office_id, regency=regency)
    return TableFigures(
        villages=len(villages),
        villages_without_data=int((~villages["has_data"].astype(bool)).sum()),
        clipped_villages=int((villages["participants"] > villages["denominator_value"]).sum()),
        denominator=denominator,
        participants=participants,
        uncovered=_total(villages, "uncovered"),
        coverage=_ratio(participants, denominator),
        denominator_within_radius=denominator_in,
        participants_within_radius=participants_in,
        uncovered_within_radius=_inside(all_villages, pieces, "uncovered"),
        coverage_within_radius=_ratio(participants_in, denominator_in),
        workers_to_target_within_radius=to_target,
        uncovered_within_road_radius=road,
        villages_road_not_measured=road_unknown,
    )


def _road_figures(result: AnalysisResult, *, office_id: str | None, regency: str | None
                  ) -> tuple[float | None, int | None]:
    """Uncovered workers within the road radius, and villages the roads could not measure."""
    if result.road_pieces is None or not _on_road_network(result, office_id):
        return None, None
    pieces = scope_pieces(result, result.road_pieces, office_id=office_id, regency=regency)
    villages = result.villages.drop(columns="geometry")
    uncovered = _inside(villages, pieces, "uncovered")
    scope = villages if regency is None else villages[villages["regency"] == regency]
    if office_id is not None:
        straight = scope_pieces(result, result.office_pieces, office_id=office_id,
                                regency=regency)
        scope = scope[scope["code"].isin(set(straight["code"]))]
    unknown = int((scope["share_within_road_radius"].isna()
                   & (scope["share_within_radius"] > 0)).sum())
    return uncovered, unknown


def _on_road_network(result: AnalysisResult, office_id: str | None) -> bool:
    """Tell whether an office's radius was measured along the roads (all offices: True)."""
    if office_id is None or "on_road_network" not in result.offices.columns:
        return True
    row = result.offices[result.offices["office_id"].astype(str) == str(office_id)]
    return bool(row["on_road_network"].fillna(value=False).all())


def _register_figures(result: AnalysisResult, villages: pd.DataFrame, pieces: pd.DataFrame,
                      *, office_id: str | None, regency: str | None) -> RegisterFigures:
    """Sum the register's exact counts over a scope."""
    workers = int(_total(villages, "register_workers"))
    with_denominator = villages[villages["denominator_value"].notna()]
    road: dict[str, int | None] = {}
    if result.road_pieces is not None and "households" in result.road_pieces.columns:
        by_road = scope_pieces(result, result.road_pieces, office_id=office_id,
                               regency=regency)
        measured = _on_road_network(result, office_id)  # else: none of it is measured
        for column in ("households", "uncovered_households", "register_uncovered_workers"):
            road[f"{column}_within_road_radius"] = (int(by_road[column].sum()) if measured
                                                    else None)
        road["households_road_not_measured"] = int(
            by_road["households_road_not_measured"].sum())
    return RegisterFigures(
        households=int(_total(villages, "households")),
        register_workers=workers,
        register_uncovered_workers=int(_total(villages, "register_uncovered_workers")),
        households_within_radius=int(_total(pieces, "households")),
        uncovered_households_within_radius=int(_total(pieces, "uncovered_households")),
        register_workers_within_radius=int(_total(pieces, "register_workers")),
        register_uncovered_workers_within_radius=int(
            _total(pieces, "register_uncovered_workers")),
        completeness=_ratio(_total(with_denominator, "register_workers"),
                            _total(with_denominator, "denominator_value")),
        **road,
    )


OFFICE_HEADLINE_COLUMNS = (
    "office_id", "name", "coverage_within_radius", "gap_to_target", "uncovered_within_radius",
    "workers_to_target_within_radius", "denominator_within_radius",
    "participants_within_radius", "villages_within_radius",
)
"""The per-office table of :func:`office_headlines`, gap and coverage first."""


def office_headlines(result: AnalysisResult, *, regency: str | None = None,
                     office_id: str | None = None) -> pd.DataFrame:
    """
    Tabulate each office's headline for a scope, one row per office.

    Parameters
    ----------
    result
        The run.
    regency
        Only the pieces in this kabupaten/kota (None: all).
    office_id
        Only this office (None: every office).

    Returns
    -------
    pd.DataFrame
        :data:`OFFICE_HEADLINE_COLUMNS`, then the road figure and the register's counts
        when the run has them. Without a kabupaten the rows equal the offices table's.
    """
    import pandas as pd  # noqa: PLC0415 - tables only when asked

    offices = result.offices
    if office_id is not None:
        offices = offices[offices["office_id"].astype(str) == str(office_id)]
    rows = []
    for office, name in zip(offices["office_id"].astype(str), offices["name"], strict=True):
        figures = headline(result, office_id=office, regency=regency)
        table, register = figures.table, figures.register
        row: dict[str, object] = {
            "office_id": office, "name": name,
            "coverage_within_radius": table.coverage_within_radius,
            "gap_to_target": result.params.target - table.coverage_within_radius,
            "uncovered_within_radius": table.uncovered_within_radius,
            "workers_to_target_within_radius": table.workers_to_target_within_radius,
            "denominator_within_radius": table.denominator_within_radius,
            "participants_within_radius": table.participants_within_radius,
            "villages_within_radius": table.villages,
        }
        if table.uncovered_within_road_radius is not None:
            row["uncovered_within_road_radius"] = table.uncovered_within_road_radius
        if register is not None:
            row["households_within_radius"] = register.households_within_radius
            row["uncovered_households_within_radius"] = (
                register.uncovered_households_within_radius)
            row["register_uncovered_workers_within_radius"] = (
                register.register_uncovered_workers_within_radius)
        rows.append(row)
    return pd.DataFrame(rows, columns=None if rows else list(OFFICE_HEADLINE_COLUMNS))


def office_regency(result: AnalysisResult, office_id: str) -> str | None:
    """
    Name the kabupaten/kota where most of an office's radius lies (by its villages' share).

    Parameters
    ----------
    result
        The run.
    office_id
        The office.

    Returns
    -------
    str or None
        The kabupaten/kota, or None when the office's radius holds no village.
    """
    pieces = scope_pieces(result, result.office_pieces, office_id=office_id, regency=None)
    if pieces.empty:
        return None
    regency = result.villages.set_index("code")["regency"]
    weights = pieces.assign(regency=regency.reindex(pieces["code"]).to_numpy())
    return str(weights.groupby("regency")["share"].sum().idxmax())
