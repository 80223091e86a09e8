"""
Benchmark the app's server side: the first run, and a rerun after a radius change.

Drives the app headless with Streamlit's AppTest on the bundled DIY data (no household
points, as the app starts), one fresh process per round, and prints the median of each
measure. With pages, a run draws only the page shown: the radius change is measured on the
summary page and on the map page (which builds the folium map), and so is opening the map
page; then the DEMO household points are turned on and the radius changed again on the map
page (hotspot cells drawn); then a plan of the Rute page's default size (KC Yogyakarta,
2 teams, 5 days, 30 villages) is made and drawn.

    .venv/bin/python benchmarks/bench_app.py [--repeats 5] [--app PATH/app.py]

``--app`` times another checkout's app (its folder goes first on ``sys.path``), e.g. an
older version for a comparison on the same machine.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

DEFAULT_APP = Path(__file__).resolve().parent.parent / "app.py"
RADII = (7.5, 10.0)


def one_round(app: Path, *, has_pages: bool) -> dict[str, float]:
    """Run the app as one session does; return the seconds of each measured step."""
    from streamlit.testing.v1 import AppTest  # noqa: PLC0415 - after the path is set

    seconds: dict[str, float] = {}
    at = AppTest.from_file(str(app), default_timeout=300)
    start = time.perf_counter()
    at.run()
    seconds["first run (read, check, classify, analyse)"] = time.perf_counter() - start
    start = time.perf_counter()
    AppTest.from_file(str(app), default_timeout=300).run()
    seconds["second session's first run (caches warm)"] = time.perf_counter() - start
    start = time.perf_counter()
    at.sidebar.slider(key="radius_km").set_value(RADII[0]).run()
    name = "radius change, summary page" if has_pages else "radius change (every tab drawn)"
    seconds[name] = time.perf_counter() - start
    if has_pages:
        start = time.perf_counter()
        at.switch_page("app_pages/map.py").run()
        seconds["open the map page"] = time.perf_counter() - start
        start = time.perf_counter()
        at.sidebar.slider(key="radius_km").set_value(RADII[1]).run()
        seconds["radius change, map page"] = time.perf_counter() - start
        start = time.perf_counter()
        at.sidebar.radio(key="households").set_value("demo").run()
        seconds["DEMO households on, map page (classify)"] = time.perf_counter() - start
        start = time.perf_counter()
        at.sidebar.slider(key="radius_km").set_value(RADII[0]).run()
        seconds["radius change, map page, DEMO households"] = time.perf_counter() - start
        at.sidebar.radio(key="households").set_value("none").run()
        at.switch_page("app_pages/routes.py").run()
        start = time.perf_counter()
        at.button(key="route_plan").click().run()
        seconds["plan routes, default size (2 teams, 5 days)"] = time.perf_counter() - start
    assert not at.exception, at.exception
    return seconds


def main() -> None:
    """Time the app's runs, each round in a fresh process, and print the medians."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--app", type=Path, default=DEFAULT_APP)
    parser.add_argument("--one-round", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    app = args.app.resolve()
    has_pages = "st.navigation" in app.read_text(encoding="utf-8")
    if args.one_round:  # in a fresh process: Streamlit's caches start empty
        sys.path.insert(0, str(app.parent))
        print(json.dumps(one_round(app, has_pages=has_pages)))
        return
    results: dict[str, list[float]] = {}
    for _ in range(args.repeats):
        done = subprocess.run(  # noqa: S603 - this script, on the app given
            [sys.executable, __file__, "--one-round", "--app", str(app)],
            capture_output=True, text=True, check=True)
        for name, seconds in json.loads(done.stdout.strip().splitlines()[-1]).items():
            results.setdefault(name, []).append(seconds)
    print(f"app: {app}  (medians of {args.repeats} fresh processes)")
    for name, seconds in results.items():
        print(f"  {name:45s} {statistics.median(seconds):6.2f} s "
              f"(min {min(seconds):.2f}, max {max(seconds):.2f})")


if __name__ == "__main__":
    main()
