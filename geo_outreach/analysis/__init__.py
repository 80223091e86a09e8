"""
Analysis: coverage, the straight-line 5 km rule, household points and priority.

Takes :class:`geo_outreach.inputs.prepare.PreparedInputs` and
:class:`geo_outreach.config.AnalysisParams`; returns
:class:`geo_outreach.analysis.result.AnalysisResult` (villages, offices, priority list and,
with household points, H3 cells). Imports only :mod:`geo_outreach.inputs` and the shared
modules.
"""
