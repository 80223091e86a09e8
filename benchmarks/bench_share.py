"""
Size and speed of the shared map of each DIY kabupaten/kota, with every layer.

Run: ``.venv/bin/python benchmarks/bench_share.py [--repeat 5] [--docs]``. Uses the
bundled data with the DEMO household points and the bundled road network (so the hotspot
and road-catchment layers are in). For each
kabupaten/kota it prints the HTML file's size, the time to build it, the time to first
render in headless Chromium (navigation start until every village polygon and the legend
are drawn, measured in the page, with the network off) and the time to draw the PNG.
Medians of ``--repeat`` runs. ``--docs`` also writes ``docs/share-sleman.png`` for the
README. Needs Chromium at /usr/bin/chromium and the playwright package.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

from playwright.sync_api import sync_playwright

from geo_outreach.analysis.household_reach import prepare_households
from geo_outreach.analysis.pipeline import analyse
from geo_outreach.config import AnalysisParams
from geo_outreach.inputs.prepare import InputPaths, prepare_inputs
from geo_outreach.render.map_data import regency_names
from geo_outreach.render.share import write_share_map
from geo_outreach.render.share_layers import share_layers
from geo_outreach.render.static_map import static_map_bytes
from geo_outreach.roads import networks as roads
from geo_outreach.roads.reach import road_reach, with_road_reach

if TYPE_CHECKING:
    from collections.abc import Callable

    from playwright.sync_api import Browser, Route

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-quic"]
DOCS = Path(__file__).resolve().parent.parent / "docs"
DRAWN = ("document.querySelectorAll('.leaflet-interactive').length >= {count} && "
         "document.querySelector('.geo-outreach-legend') !== null")


def timed(run: Callable[[], object], repeat: int) -> float:
    """Return the median wall-clock seconds of ``repeat`` runs."""
    seconds = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        seconds.append(time.perf_counter() - start)
    return statistics.median(seconds)


def first_render_ms(browser: Browser, path: Path, villages: int, *,
                    screenshot: Path | None = None) -> float:
    """Open the file offline; return ms from navigation start until the map is drawn."""
    context = browser.new_context(viewport={"width": 1280, "height": 800}, offline=True)
    try:
        page = context.new_page()
        url = path.as_uri()

        def only_the_file(route: Route) -> None:
            if route.request.url == url:
                route.continue_()
            else:
                route.abort()

        page.route("**/*", only_the_file)
        page.goto(url, wait_until="commit")
        page.wait_for_function(DRAWN.format(count=villages), polling="raf", timeout=30_000)
        elapsed = float(page.evaluate("performance.now()"))
        if screenshot is not None:
            page.wait_for_timeout(200)
            page.screenshot(path=screenshot)
        return elapsed
    finally:
        context.close()


def main() -> int:
    """Print a Markdown table, one row per kabupaten/kota."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--docs", action="store_true",
                        help="also write docs/share-sleman.png")
    args = parser.parse_args()
    prepared = prepare_inputs(InputPaths())
    result = analyse(prepared, AnalysisParams(), households=prepare_households(prepared, None))
    result = with_road_reach(result, road_reach(result, roads.bundled_network()))
    rows = []
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for region in regency_names(result):
            path = Path(tmp) / "share.html"
            build_s = timed(lambda r=region, p=path: write_share_map(result, r, p), args.repeat)
            villages = len(share_layers(result, region).villages)
            render = statistics.median(first_render_ms(browser, path, villages)
                                       for _ in range(args.repeat))
            png_s = timed(lambda r=region: static_map_bytes(result, r, "png"), args.repeat)
            rows.append((region, villages, path.stat().st_size, build_s, render, png_s))
            if args.docs and region == "Kabupaten Sleman":
                first_render_ms(browser, path, villages, screenshot=DOCS / "share-sleman.png")
        browser.close()
    print(f"\nshared maps with all layers (DEMO households, bundled roads), median of "
          f"{args.repeat} runs\n")
    print("| kabupaten/kota | villages | HTML size | build HTML | first render in Chromium "
          "| PNG (200 dpi) |\n|---|---|---|---|---|---|")
    for region, villages, size, build_s, render, png_s in rows:
        print(f"| {region} | {villages} | {size / 1e6:.2f} MB | {build_s:.2f} s | "
              f"{render:.0f} ms | {png_s:.2f} s |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
