"""
Field: canvassing plans for the teams that go door to door.

Takes an analysis result, its road network and the planner's settings; returns
:class:`~geo_outreach.field.plan.RoutePlan` (stops, team routes, what was left out) and
writes walk sheets (CSV/XLSX/printable HTML) and GPX tracks per team.
"""
