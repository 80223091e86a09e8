"""
How far each submission's point is from its stop, and whether that needs a look.

A canvasser records the point at the door; the stop is the plan's point for a group of
doors. Points within :data:`~geo_outreach.outcome_codes.GPS_LOOK_M` of their stop are
``ok``, up to :data:`~geo_outreach.outcome_codes.GPS_FLAG_M` to ``look`` at, beyond it
``flagged``; a submission without a point (paper, or no fix) is ``no_point``. Distances
are geodesic on the WGS84 ellipsoid (:class:`pyproj.Geod`), exact at any distance, and
kept to the millimetre, so a point placed 100 m from its stop is ``ok``, not a rounding
error past it.
"""

from __future__ import annotations

import math
from typing import Final

import numpy as np
import pandas as pd
from pyproj import Geod

from geo_outreach._errors import InputError, Problem
from geo_outreach.outcome_codes import GPS_FLAG_M, GPS_LOOK_M, GPS_STATUSES

OK, LOOK, FLAGGED, NO_POINT = GPS_STATUSES
_GEOD: Final = Geod(ellps="WGS84")
DECIMALS: Final = 3
"""Distances are kept to the millimetre."""


def _check_thresholds(look_m: float, flag_m: float) -> None:
    """Refuse thresholds that are not positive, or a look distance not below the flag one."""
    problems = [Problem("parameters", None, name, str(value),
                        f"the GPS {what} distance must be a number of metres above 0",
                        f"give a positive number of metres, e.g. {default:g}")
                for name, what, value, default in (("look_m", "look", look_m, GPS_LOOK_M),
                                                   ("flag_m", "flag", flag_m, GPS_FLAG_M))
                if not (isinstance(value, int | float) and math.isfinite(value) and value > 0)]
    if not problems and look_m >= flag_m:
        problems.append(Problem(
            "parameters", None, "look_m", f"{look_m:g} m, flag at {flag_m:g} m",
            "the GPS look distance must be below the flag distance",
            f"give a look distance below {flag_m:g} m (e.g. {GPS_LOOK_M:g}), or a larger flag "
            f"distance (e.g. {GPS_FLAG_M:g})"))
    if problems:
        raise InputError(problems)


def check_gps(records: pd.DataFrame, stops: pd.DataFrame, *, look_m: float = GPS_LOOK_M,
              flag_m: float = GPS_FLAG_M) -> pd.DataFrame:
    """
    Measure each submission's distance from its stop and give the GPS verdict.

    Parameters
    ----------
    records
        Outcome records: ``stop_id``, ``lat``, ``lon`` (EPSG:4326, NaN without a point) and
        any other columns, kept as they are.
    stops
        The plan's stops: ``stop_id``, ``lat``, ``lon`` (EPSG:4326); a stop listed twice
        counts by its first row.
    look_m, flag_m
        Farther than ``look_m`` metres is ``look``, farther than ``flag_m`` is ``flagged``;
        ``0 < look_m < flag_m``.

    Returns
    -------
    pd.DataFrame
        ``records`` (same index and order) with ``gps_distance_m`` (float metres to the
        millimetre, NaN without a point) and ``gps_status`` (one of
        :data:`~geo_outreach.outcome_codes.GPS_STATUSES`). A submission whose stop is not in
        ``stops`` has NaN and ``no_point`` too: whether its stop is known is the plan
        check's business, not this one's.

    Raises
    ------
    InputError
        A threshold is not a positive number, or ``look_m`` is not below ``flag_m``; the
        problem names the setting.
    """
    _check_thresholds(look_m, flag_m)
    places = stops.drop_duplicates("stop_id").set_index("stop_id")[["lat", "lon"]]
    stop_lat = places["lat"].reindex(records["stop_id"]).to_numpy(dtype=float)
    stop_lon = places["lon"].reindex(records["stop_id"]).to_numpy(dtype=float)
    lat = records["lat"].to_numpy(dtype=float)
    lon = records["lon"].to_numpy(dtype=float)
    known = np.isfinite(lat) & np.isfinite(lon) & np.isfinite(stop_lat) & np.isfinite(stop_lon)
    distance = np.full(len(records), np.nan)
    if known.any():
        _, _, metres = _GEOD.inv(lon[known], lat[known], stop_lon[known], stop_lat[known])
        distance[known] = np.round(metres, DECIMALS)
    status = np.select([~known, distance <= look_m, distance <= flag_m],
                       [NO_POINT, OK, LOOK], default=FLAGGED)
    checked = records.copy()
    checked["gps_distance_m"] = distance
    checked["gps_status"] = pd.Series(status, index=records.index, dtype=object)
    return checked
