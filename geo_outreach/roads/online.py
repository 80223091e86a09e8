"""
Downloading a road network: whether this machine can now, and the area an office needs.

Only the name of the OpenStreetMap Overpass server is looked up, through the system's
resolver: no request is sent to it. A machine that cannot resolve the name is offline for
downloads; one that can may still fail later, and the download then says why. Setting
``GEO_OUTREACH_OFFLINE=1`` declares the machine offline without looking anything up.
"""

from __future__ import annotations

import concurrent.futures
import os
import socket
from typing import TYPE_CHECKING, Final

import geopandas as gpd
import shapely

from geo_outreach._errors import InputError, Problem

if TYPE_CHECKING:
    from geo_outreach.analysis.result import AnalysisResult

OVERPASS_HOST: Final = "overpass-api.de"
"""The Overpass API server osmnx downloads from by default."""
CHECK_TIMEOUT_S: Final = 2.0
OFFLINE_ENV: Final = "GEO_OUTREACH_OFFLINE"
"""Set to 1 to treat the machine as offline (no name lookup, no download offered)."""
DOWNLOAD_MARGIN_KM: Final = 1.5
"""A downloaded network reaches this far beyond the office's radius."""


def download_possible(host: str = OVERPASS_HOST, *, timeout_s: float = CHECK_TIMEOUT_S
                      ) -> bool:
    """
    Tell whether the Overpass server's name resolves (a download can be tried).

    Parameters
    ----------
    host
        The server's name.
    timeout_s
        Give up (answer False) after this long.

    Returns
    -------
    bool
        True when the name resolves within the time (never when :data:`OFFLINE_ENV` is set).
    """
    if os.environ.get(OFFLINE_ENV, "").strip() not in ("", "0"):
        return False
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=1)
    try:
        future = pool.submit(socket.getaddrinfo, host, 443)
        return bool(future.result(timeout=timeout_s))
    except (OSError, concurrent.futures.TimeoutError):
        return False
    finally:
        pool.shutdown(wait=False, cancel_futures=True)


def office_download_area(result: AnalysisResult, office_id: str,
                         margin_km: float = DOWNLOAD_MARGIN_KM) -> shapely.Geometry:
    """
    Return the area a road download for an office's teams covers: its radius and a margin.

    Parameters
    ----------
    result
        The analysis (its discs).
    office_id
        The office.
    margin_km
        How far beyond the radius the roads reach.

    Returns
    -------
    shapely.Geometry
        The area, EPSG:4326, simplified to about 10 m.

    Raises
    ------
    InputError
        For an unknown office.
    """
    ids = result.discs["office_id"].astype(str)
    discs = result.discs[ids == office_id]
    if discs.empty:
        raise InputError(Problem("offices", None, "office_id", office_id, "unknown office",
                                 f"use one of: {', '.join(ids)}"))
    area = discs.to_crs(result.metric_crs).geometry.iloc[0].buffer(margin_km * 1000)
    area_4326 = gpd.GeoSeries([area], crs=result.metric_crs).to_crs("EPSG:4326").iloc[0]
    return shapely.simplify(area_4326, 1e-4)
