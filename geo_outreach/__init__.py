"""
geo-outreach: where BPJS Ketenagakerjaan's outreach falls short, on a map.

One subpackage per stage, each importing only the stages before it:
:mod:`~geo_outreach.inputs` (read, check, reconcile) → :mod:`~geo_outreach.analysis`
(coverage, the 5 km rule, households, priority) → :mod:`~geo_outreach.roads` (road
networks and road reach) → :mod:`~geo_outreach.field` (canvassing routes, walk sheets) →
:mod:`~geo_outreach.render` (maps, share files) → :mod:`~geo_outreach.publish` (outputs,
export log); :mod:`~geo_outreach.cli` is the command line. The modules beside them
(:mod:`~geo_outreach.config`, :mod:`~geo_outreach.crs`, :mod:`~geo_outreach.i18n`,
:mod:`~geo_outreach.privacy`, :mod:`~geo_outreach.escape`, :mod:`~geo_outreach.atomic`)
are shared by every stage and import none.

The names most scripts need are importable from here (loaded on first use, so
``import geo_outreach`` stays fast)::

    from geo_outreach import AnalysisParams, InputPaths, run_analysis
"""

from __future__ import annotations

from importlib import import_module
from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING

try:
    __version__ = version("geo-outreach")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0.0.0+unknown"

_PUBLIC: dict[str, str] = {
    "AnalysisParams": "geo_outreach.config",
    "ColumnMapping": "geo_outreach.config",
    "InputPaths": "geo_outreach.inputs.prepare",
    "PreparedInputs": "geo_outreach.inputs.prepare",
    "prepare_inputs": "geo_outreach.inputs.prepare",
    "AnalysisResult": "geo_outreach.analysis.result",
    "analyse": "geo_outreach.analysis.pipeline",
    "run_analysis": "geo_outreach.analysis.pipeline",
    "compute_coverage": "geo_outreach.analysis.coverage",
    "choose_metric_crs": "geo_outreach.crs",
    "office_discs": "geo_outreach.analysis.reach",
    "share_inside": "geo_outreach.analysis.reach",
    "prepare_households": "geo_outreach.analysis.household_reach",
    "headline": "geo_outreach.analysis.headline",
    "coverage_map": "geo_outreach.render.maps",
}
"""Public name → the module that defines it."""

__all__ = [  # noqa: RUF022 - in the order of the stages, as _PUBLIC
    "__version__",
    "AnalysisParams", "ColumnMapping",
    "InputPaths", "PreparedInputs", "prepare_inputs",
    "AnalysisResult", "analyse", "run_analysis", "compute_coverage", "choose_metric_crs",
    "office_discs", "share_inside", "prepare_households", "headline",
    "coverage_map",
]

if TYPE_CHECKING:
    from geo_outreach.analysis.coverage import compute_coverage
    from geo_outreach.analysis.headline import headline
    from geo_outreach.analysis.household_reach import prepare_households
    from geo_outreach.analysis.pipeline import analyse, run_analysis
    from geo_outreach.analysis.reach import office_discs, share_inside
    from geo_outreach.analysis.result import AnalysisResult
    from geo_outreach.config import AnalysisParams, ColumnMapping
    from geo_outreach.crs import choose_metric_crs
    from geo_outreach.inputs.prepare import InputPaths, PreparedInputs, prepare_inputs
    from geo_outreach.render.maps import coverage_map


def __getattr__(name: str) -> object:
    """Load a public name from its module on first use (PEP 562)."""
    if name in _PUBLIC:
        value = getattr(import_module(_PUBLIC[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'geo_outreach' has no attribute {name!r}")
