"""The typed result of one analysis run, shared by the CLI, the app, maps and exports."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import geopandas as gpd
    import pandas as pd

    from geo_outreach._errors import Problem
    from geo_outreach.config import AnalysisParams


def no_pieces() -> pd.DataFrame:
    """Return an empty pieces table (``code``, ``office_id``, ``share``)."""
    import pandas as pd  # noqa: PLC0415 - this module loads no table stack at import

    return pd.DataFrame({"code": [], "office_id": [], "share": []})


@dataclass(frozen=True)
class AnalysisResult:
    """
    Everything one run of :func:`geo_outreach.analysis.pipeline.run_analysis` computed.

    Attributes
    ----------
    villages
        One row per village, EPSG:4326 polygons. Columns: those of
        :data:`geo_outreach.inputs.schema.VILLAGE_OUTPUT_COLUMNS`, then ``kind``, ``employed``,
        ``denominator_value`` (the workers the coverage is measured against),
        ``workers_to_target`` (participants still needed to reach the target),
        ``labour_force_within_radius``, ``participants_within_radius`` and ``has_data``
        (False where no participation row matched the village: its numbers are NaN).
        ``coverage`` and ``gap_to_target`` are fractions (0.25 is 25 %); ``gap_to_target``
        is target minus coverage, positive below the target.
    offices
        One row per office, EPSG:4326 points, columns of
        :data:`geo_outreach.inputs.schema.OFFICE_OUTPUT_COLUMNS` plus ``location_note``. Each
        office counts what lies inside its radius and nearer to it than to any other
        office, so overlapping radii never count anything twice: the offices' totals add
        up to the villages' ``*_within_radius`` totals.
    discs
        One row per office: ``office_id``, ``name``, ``approximate`` and the radius disc as
        an EPSG:4326 polygon (built in ``metric_crs``).
    priority
        Villages inside any radius, ranked by ``uncovered_within_radius``
        (:data:`geo_outreach.inputs.schema.PRIORITY_OUTPUT_COLUMNS`).
    match_report
        One row per participation row (status ``code``, ``name``, ``fuzzy``, ``ambiguous``,
        ``unmatched``, ``bps_code``, ``duplicate``), plus one row per village with no data.
    districts, regencies
        Context layers (EPSG:4326) for maps: ``code``, ``name`` and geometry.
    params
        The parameters used.
    problems
        Warnings found in the inputs (errors stop the run before a result exists).
    is_demo
        True when the participation table is the bundled synthetic one.
    inputs
        Each input's role (``boundaries``, ``participation``, ``offices``) to its file path
        (or ``"bundled:..."``) and sha256.
    metric_crs
        The projected CRS the geometry was measured in, e.g. ``"EPSG:32749"``.
    household_cells
        With household points: H3 hexagons (EPSG:4326) with exact counts, cells with
        fewer than ``k`` households inside the radius suppressed; else None.
    household_summary
        With household points: rows read, used and set aside (see
        :func:`geo_outreach.analysis.household_reach.household_summary`); else None.
    households_demo
        True when the household points are the synthetic DEMO layer.
    household_rejects
        With household points: the rows set aside (``row``, ``reason``, ``detail``; no
        ids, no coordinates); else None.
    road_catchments
        With a road network: each office's road catchment polygon (EPSG:4326); else None.
    road_network
        With a road network: ``source``, ``attribution``, ``radius_km`` and ``directed``
        for the run manifest and the map; else None.
    office_pieces
        Per (village, office): ``code``, ``office_id`` and ``share``, the share of the
        village inside the radius and nearest to that office (the offices table sums
        them); with household points also the register's counts of the piece
        (``households``, ``uncovered_households``, ``register_workers``,
        ``register_uncovered_workers``). :func:`geo_outreach.analysis.headline.headline`
        sums them for any scope.
    road_pieces
        The same along the roads (:class:`geo_outreach.roads.reach.RoadReach`); else None.
    """

    villages: gpd.GeoDataFrame
    offices: gpd.GeoDataFrame
    discs: gpd.GeoDataFrame
    priority: pd.DataFrame
    match_report: pd.DataFrame
    districts: gpd.GeoDataFrame
    regencies: gpd.GeoDataFrame
    params: AnalysisParams
    problems: list[Problem] = field(default_factory=list)
    is_demo: bool = False
    inputs: dict[str, dict[str, str]] = field(default_factory=dict)
    metric_crs: str = "EPSG:32749"
    household_cells: gpd.GeoDataFrame | None = None
    household_summary: dict[str, object] | None = None
    households_demo: bool = False
    household_rejects: pd.DataFrame | None = None
    road_catchments: gpd.GeoDataFrame | None = None
    road_network: dict[str, object] | None = None
    office_pieces: pd.DataFrame = field(default_factory=no_pieces, repr=False)
    road_pieces: pd.DataFrame | None = field(default=None, repr=False)
