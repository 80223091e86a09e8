"""
geo-outreach: where BPJS Ketenagakerjaan's outreach falls short, on a map.

The pipeline, one module per stage: :mod:`io` (read any format) → :mod:`validate`
(collect every problem) → :mod:`reconcile` (codes and names to one key) →
:mod:`coverage` (rate, gap, uncovered) → :mod:`reach` (the 5 km rule) →
:mod:`priority` (rank villages) → :mod:`maps` and :mod:`export` (outputs).
:func:`pipeline.run_analysis` runs them all.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("geo-outreach")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0.0.0+unknown"
