"""
Write Leaflet into ``static/`` for the app (maintainers only; the files are committed).

The app's map is drawn by streamlit-folium, which loads Leaflet by URL. Streamlit serves
``static/`` at ``/app/static/``, so the app works with no internet. The files come from the
pinned ``xstatic-leaflet`` package (BSD-2-Clause, see ``static/LICENSE-leaflet.txt``), exactly
as :func:`geo_outreach.render.map_assets.leaflet_assets` inlines them into shared maps; a test
checks that they are still identical.

Run from the repository root: ``python scripts/vendor_leaflet.py``.
"""

from __future__ import annotations

from pathlib import Path

from geo_outreach.render.map_assets import leaflet_assets

STATIC = Path(__file__).resolve().parent.parent / "static"


def main() -> int:
    """Write static/leaflet.js and static/leaflet.css."""
    script, stylesheet = leaflet_assets()
    STATIC.mkdir(exist_ok=True)
    (STATIC / "leaflet.js").write_text(script, encoding="utf-8")
    (STATIC / "leaflet.css").write_text(stylesheet, encoding="utf-8")
    print(f"wrote {STATIC / 'leaflet.js'} and leaflet.css")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
