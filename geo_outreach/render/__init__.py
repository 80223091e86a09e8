"""
Render: what a person looks at, the interactive map, share files and static maps.

Takes an analysis result (and a route plan); returns folium maps, self-contained offline
HTML share files per kabupaten/kota and PNG/PDF maps. Everything shown passes
:func:`geo_outreach.privacy.shareable` and :mod:`geo_outreach.escape` first.
"""
