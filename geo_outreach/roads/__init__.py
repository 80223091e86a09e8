"""
Roads: road networks, snapping and the 5 km rule measured along roads.

Takes a road file (OSM XML/PBF, GraphML, road lines) or the bundled Kota Yogyakarta
network, and an :class:`~geo_outreach.analysis.result.AnalysisResult`; returns a
:class:`~geo_outreach.roads.model.RoadNetwork`, road-distance matrices and the road-reach
columns added to the result. :mod:`geo_outreach.roads._osm` is the only module that calls
osmnx.
"""
