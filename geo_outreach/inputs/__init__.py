"""
Inputs: read the user's files, check them and reconcile them to one village key.

Takes boundary polygons (any vector format and CRS), a participation table (CSV/XLSX with
official Indonesian headers), office locations, household points and the bundled DIY data.
Returns :class:`geo_outreach.inputs.prepare.PreparedInputs`: canonical columns in EPSG:4326,
every problem found (file, row, column, fix) and the match report. Imports no later stage.
"""
