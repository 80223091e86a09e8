"""
The app's pages, one module each: summary, map, priority, routes, share, data, glossary.

``app.py`` is the frame: it reads the inputs once, runs the analysis (cached) and hands
the result to each page, which only draws it.
"""
