"""
Publish: outputs written as a whole, and a record of every file that leaves.

Takes result tables and rendered files; writes CSV/XLSX/GeoPackage outputs and run.json
through a staging folder published in one step, and appends one line per shared file to
the export log.
"""
