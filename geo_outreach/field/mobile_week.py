"""
The mobile service unit's week: where to stand each day to reach the most uncovered workers.

For D working days the unit stands at one place a day and serves the uncovered workers
within a short radius (:data:`DEFAULT_MOBILE_RADIUS_KM`). Which D places is the same
covering model as new sites (:func:`geo_outreach.analysis.placement_model.solve_mclp`)
with p = D: a worker within reach of two stands counts once, for the nearer one. Here the
demand is *every* uncovered worker of the office's villages (those nearest to it), also
inside the 5 km radius: the unit registers people, it does not move the rule's circle.
The days are then put in the order that drives least, from the office and back
(OR-Tools), by road where the network reaches both ends and as straight line × detour
factor elsewhere, marked estimated.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pyproj

from geo_outreach.analysis.placement import measured_on_points, straight_coverage
from geo_outreach.analysis.placement_inputs import (
    candidates_from_option,
    register_demand,
    table_demand,
)
from geo_outreach.analysis.placement_model import solve_mclp
from geo_outreach.field.plan import working_day
from geo_outreach.field.travel import travel_matrix
from geo_outreach.placement_defaults import (
    DEFAULT_MOBILE_DAYS,
    DEFAULT_MOBILE_RADIUS_KM,
    DEFAULT_TIME_LIMIT_S,
)

if TYPE_CHECKING:
    from datetime import date

    from geo_outreach.analysis.household_reach import HouseholdInputs
    from geo_outreach.analysis.result import AnalysisResult
    from geo_outreach.roads.model import RoadNetwork



@dataclass(frozen=True)
class MobileWeek:
    """
    The unit's days, in driving order.

    Attributes
    ----------
    days
        One row per day: ``day``, ``date``, ``site_id``, ``name``, ``village``,
        ``district``, ``lat``, ``lon``, ``workers_reached`` (not counted on another day),
        ``travel_km`` (from the previous stand, the first from the office),
        ``travel_estimated``.
    office_id
        The unit's base.
    radius_km
        The stands' radius.
    return_km
        From the last stand back to the office.
    return_estimated
        True when that way back is estimated (no road network between them).
    workers_in_scope
        Uncovered workers of the office's villages.
    proven_optimal, gap
        The covering model's proof.
    """

    days: pd.DataFrame
    office_id: str
    radius_km: float
    return_km: float
    return_estimated: bool
    workers_in_scope: float
    proven_optimal: bool
    gap: float
    source: str = "table"
    notes: list[str] = field(default_factory=list)

    def manifest(self) -> dict[str, object]:
        """Describe the week for ``run.json``."""
        return {"office_id": self.office_id, "radius_km": self.radius_km,
                "days": len(self.days), "source": self.source,
                "workers_reached": round(float(self.days["workers_reached"].sum()), 1),
                "workers_in_scope": round(self.workers_in_scope, 1),
                "travel_km": round(float(self.days["travel_km"].sum()) + self.return_km, 2),
                "estimated_legs": int(self.days["travel_estimated"].sum())
                + int(self.return_estimated),
                "proven_optimal": self.proven_optimal, "gap": self.gap}


def plan_mobile_week(result: AnalysisResult, office_id: str, *, days: int = DEFAULT_MOBILE_DAYS,
                     radius_km: float = DEFAULT_MOBILE_RADIUS_KM, candidates: str = "villages",
                     network: RoadNetwork | None = None, start_date: date | None = None,
                     households: HouseholdInputs | None = None, source: str = "table",
                     time_limit_s: float = DEFAULT_TIME_LIMIT_S) -> MobileWeek:
    """
    Choose the unit's stand for each of ``days`` working days and their order.

    Parameters
    ----------
    result
        The analysis.
    office_id
        The office the unit belongs to: its villages (nearest to it) are served, and the
        unit starts and ends there.
    days
        How many days (stands).
    radius_km
        How far people come to a stand.
    candidates
        ``villages``, ``cells`` or a file of points.
    network
        Roads for the travel between stands; None to estimate every leg.
    start_date
        The date of day 1 (working days follow); None leaves dates blank.
    households, source
        ``source="register"`` uses the household points' unregistered workers.
    time_limit_s
        The covering model's time limit.

    Returns
    -------
    MobileWeek
        The days in driving order.

    Raises
    ------
    KeyError
        If ``office_id`` is not an office of the analysis.
    """
    offices = result.offices.set_index(result.offices["office_id"].astype(str))
    if office_id not in offices.index:
        known = ", ".join(offices.index)
        msg = f"unknown office {office_id!r}; the offices are {known}"
        raise KeyError(msg)
    name = offices.loc[office_id, "name"]
    villages = result.villages.to_crs(result.metric_crs)
    villages = villages[villages["nearest_office"] == name].reset_index(drop=True)
    demand = (register_demand(result, villages, households, beyond_offices=False)
              if source == "register" and households is not None
              else table_demand(result, villages, beyond_offices=False))
    stands = candidates_from_option(candidates, result, villages)
    reach = straight_coverage(demand.xy, stands.xy, radius_km * 1000)
    solution = solve_mclp(reach.matrix, demand.workers, days, time_limit_s=time_limit_s)
    ids = stands.frame["site_id"].to_numpy(str)
    per_stand = measured_on_points(demand, reach, solution.chosen, ids)
    reached = per_stand.groupby("site_id")["newly_covered"].sum()
    office_xy = np.array([[offices.loc[office_id].geometry.x, offices.loc[office_id].geometry.y]])
    office_metric = pyproj.Transformer.from_crs("EPSG:4326", result.metric_crs,
                                                always_xy=True).transform(*office_xy.T)
    points = np.vstack([np.column_stack(office_metric), stands.xy[solution.chosen]])
    order, legs_m, estimated = _driving_order(points, network, result.metric_crs)
    chosen = stands.frame.iloc[solution.chosen].reset_index(drop=True)
    wgs = chosen.geometry.to_crs("EPSG:4326")
    rows = []
    for day, stop in enumerate(order, start=1):
        stand = chosen.iloc[stop - 1]
        rows.append({"day": day,
                     "date": "" if start_date is None else working_day(start_date, day).isoformat(),
                     "site_id": stand["site_id"], "name": stand["name"],
                     "village": stand["village"], "district": stand["district"],
                     "lat": round(float(wgs.iloc[stop - 1].y), 6),
                     "lon": round(float(wgs.iloc[stop - 1].x), 6),
                     "workers_reached": float(reached.get(stand["site_id"], 0.0)),
                     "travel_km": legs_m[day - 1] / 1000, "travel_estimated": estimated[day - 1]})
    table = pd.DataFrame(rows, columns=["day", "date", "site_id", "name", "village", "district",
                                        "lat", "lon", "workers_reached", "travel_km",
                                        "travel_estimated"])
    return MobileWeek(days=table, office_id=office_id, radius_km=radius_km,
                      return_km=legs_m[-1] / 1000 if len(order) else 0.0,
                      return_estimated=bool(estimated[-1]) if len(order) else False,
                      workers_in_scope=demand.outside_total,
                      proven_optimal=solution.proven_optimal, gap=solution.gap,
                      source=demand.source)


def _driving_order(points: np.ndarray, network: RoadNetwork | None, metric_crs: str
                   ) -> tuple[list[int], list[float], list[bool]]:
    """Visit points 1.. from point 0 and back, shortest first (OR-Tools), with each leg.

    Returns the visiting order (indices into ``points``, without 0), each leg's metres
    (the last leg back to 0) and whether each leg is estimated.
    """
    if len(points) <= 1:
        return [], [], []
    xy = points
    if network is not None and str(network.crs) != str(metric_crs):
        x, y = pyproj.Transformer.from_crs(metric_crs, network.crs,
                                           always_xy=True).transform(*points.T)
        xy = np.column_stack([x, y])
    travel = travel_matrix(network, xy, one_way=False)
    order = _shortest_tour(np.rint(travel.distance_m).astype(np.int64))
    tour = [0, *order, 0]
    legs = [float(travel.distance_m[a, b]) for a, b in itertools.pairwise(tour)]
    estimated = [bool(travel.estimated[a, b]) for a, b in itertools.pairwise(tour)]
    return order, legs, estimated


def _shortest_tour(distance: np.ndarray) -> list[int]:
    """Find a shortest round trip from node 0 through all others (OR-Tools routing)."""
    from ortools.constraint_solver import pywrapcp, routing_enums_pb2  # noqa: PLC0415

    size = len(distance)
    manager = pywrapcp.RoutingIndexManager(size, 1, 0)
    routing = pywrapcp.RoutingModel(manager)
    callback = routing.RegisterTransitMatrix(distance.tolist())
    routing.SetArcCostEvaluatorOfAllVehicles(callback)
    search = pywrapcp.DefaultRoutingSearchParameters()
    search.first_solution_strategy = routing_enums_pb2.FirstSolutionStrategy.PATH_CHEAPEST_ARC
    search.local_search_metaheuristic = (
        routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH)
    search.time_limit.FromMilliseconds(500)
    found = routing.SolveWithParameters(search)
    order, index = [], routing.Start(0)
    while found is not None and not routing.IsEnd(index):
        node = manager.IndexToNode(index)
        if node != 0:
            order.append(node)
        index = found.Value(routing.NextVar(index))
    return order if len(order) == size - 1 else list(range(1, size))
