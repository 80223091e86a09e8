"""
Benchmark the app as its users see it: in Chromium, from the first byte to a drawn page.

Starts the app with Streamlit on a free port of 127.0.0.1 (a fresh server process per
round, so its caches start cold), drives headless Chromium (``/usr/bin/chromium``) with
Playwright (no host name resolves: only the app's server can be reached), and times:

* the first load: ``page.goto`` until the summary's numbers show, on the round's fresh
  server, then a second session on the same, now warm, server;
* a radius change on the map page (ArrowRight on the slider) until the new map is drawn
  in its iframe (village paths projected, not ``M0 0``), without and with the DEMO
  household points;
* eight sessions opening the app at once on the warm server (one Chromium, a context
  each), each until its summary's numbers show.

It prints each measure's median and worst over the rounds (the eight sessions: over every
session of every round) beside the aim, and with ``--json`` writes them to a file. The
server's CPU seconds during the second session and during the eight are printed too:
Chromium runs on the same machine, so the rest of the time is partly the browser's.

    .venv/bin/python benchmarks/bench_browser.py [--repeats 5] [--app PATH/app.py] [--json FILE]

``--app`` times another checkout's app (run from its folder, its folder first on the path).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the checkout's tests/ helpers
from tests.app_server import Server, app_server

if TYPE_CHECKING:
    from playwright.async_api import Browser, BrowserContext, Page

DEFAULT_APP = Path(__file__).resolve().parent.parent / "app.py"
DEFAULT_LOG = Path(tempfile.gettempdir()) / "geo-outreach-bench-browser.log"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-quic", "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"]
"""Chromium as the browser tests start it; no host name resolves, so only the app's
server (an address, not a name) can be reached, without intercepting every request."""
WAIT_MS = 120_000
"""Longest wait for one step (eight sessions share the machine's cores)."""
SESSIONS = 8
METRIC = '[data-testid="stMetricValue"]'
MAP_TAB = "Peta"
RADIUS_LABEL = "Radius dari kantor (km)"
HOUSEHOLDS_LABEL = "Titik rumah tangga"
HOUSEHOLDS_DEMO = "DEMO (sintetis)"
MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'
MIN_DRAWN_PATHS = 30
"""Village paths with a real shape before a map counts as drawn."""
MARK_MAPS = f"""() => document.querySelectorAll('{MAP_FRAME}').forEach(frame => {{
    frame.dataset.benchSeen = "1";
    if (frame.contentWindow) {{ frame.contentWindow.__benchSeen = true; }}
}})"""
"""JavaScript: mark the maps shown now (the iframe and its window). streamlit-folium draws
a changed map in a new iframe, which has no mark."""
NEW_IFRAME = f"""() => [...document.querySelectorAll('{MAP_FRAME}')]
    .some(frame => frame.dataset.benchSeen !== "1")"""
"""JavaScript: an unmarked map iframe is in the page (the server's new map has arrived)."""
NEW_MAP_DRAWN = f"""() => [...document.querySelectorAll('{MAP_FRAME}')].some(frame => {{
    const win = frame.contentWindow, doc = frame.contentDocument;
    if (!win || !doc || win.__benchSeen === true) {{ return false; }}
    const container = doc.querySelector(".leaflet-container");
    if (!container || container.getBoundingClientRect().height < 300) {{ return false; }}
    let drawn = 0;
    for (const path of doc.querySelectorAll("path.leaflet-interactive")) {{
        const d = (path.getAttribute("d") || "").trim();
        if (d !== "" && d !== "M0 0") {{ drawn += 1; }}
    }}
    return drawn >= {MIN_DRAWN_PATHS};
}})"""
"""JavaScript: an unmarked map in the page is drawn (sized, its villages projected)."""

FIRST_LOAD = "first load, fresh server (cold caches)"
WARM_LOAD = "second session, warm server"
RADIUS = "radius change until the map is redrawn"
RADIUS_HOUSEHOLDS = "radius change, DEMO household points"
RADIUS_ARRIVED = "  of which until its iframe appears"
RADIUS_HOUSEHOLDS_ARRIVED = "  of which until its iframe appears (household points)"
CROWD = f"{SESSIONS} sessions at once, each until its numbers"
CROWD_ALL = f"{SESSIONS} sessions at once, until the last one's numbers"
WARM_LOAD_CPU = "  server CPU seconds of the second session"
CROWD_CPU = f"  server CPU seconds of the {SESSIONS} sessions"
AIMS: dict[str, tuple[str, float]] = {
    FIRST_LOAD: ("median", 3.0), WARM_LOAD: ("median", 3.0), RADIUS: ("median", 1.0),
    RADIUS_HOUSEHOLDS: ("median", 1.0), CROWD: ("median", 3.0),
}
"""Each measure's aim: the statistic compared and the most seconds it may take."""


@dataclass
class Results:
    """The seconds measured, by measure, in the order they were first measured."""

    seconds: dict[str, list[float]] = field(default_factory=dict)

    def add(self, name: str, *values: float) -> None:
        """Record one or more timings of ``name``."""
        self.seconds.setdefault(name, []).extend(values)

    def summary(self) -> dict[str, dict[str, object]]:
        """Return, per measure, its timings, median, worst and aim."""
        out: dict[str, dict[str, object]] = {}
        for name, values in self.seconds.items():
            median = statistics.median(values)
            aim = AIMS.get(name)
            out[name] = {"seconds": [round(v, 3) for v in values], "median": round(median, 3),
                         "worst": round(max(values), 3),
                         "aim_s": aim[1] if aim else None,
                         "meets_aim": (median <= aim[1]) if aim else None}
        return out


# --- the browser --------------------------------------------------------------------
async def new_session(browser: Browser) -> tuple[BrowserContext, Page]:
    """Open a fresh context (no shared cookies or cache) and a page in it."""
    context = await browser.new_context(viewport={"width": 1400, "height": 900},
                                        locale="id-ID")
    context.set_default_timeout(WAIT_MS)
    return context, await context.new_page()


async def time_load(page: Page, url: str) -> float:
    """Seconds from ``page.goto`` until the summary's first number is visible."""
    start = time.perf_counter()
    await page.goto(url, wait_until="commit")
    await page.locator(METRIC).first.wait_for(state="visible")
    return time.perf_counter() - start


async def wait_for_new_map(page: Page) -> None:
    """Wait until a map not marked by :data:`MARK_MAPS` is drawn."""
    await page.wait_for_function(NEW_MAP_DRAWN, polling="raf", timeout=WAIT_MS)


async def time_radius_change(page: Page) -> tuple[float, float]:
    """
    Time ArrowRight on the radius slider until the new map is drawn.

    Returns
    -------
    tuple of float
        Seconds until the new map's iframe is in the page (the server ran the script and
        sent the map), and until the map is drawn in it.
    """
    slider = page.get_by_role("slider", name=RADIUS_LABEL)
    await slider.focus()
    await page.evaluate(MARK_MAPS)
    start = time.perf_counter()
    await slider.press("ArrowRight")
    await page.wait_for_function(NEW_IFRAME, polling="raf", timeout=WAIT_MS)
    arrived = time.perf_counter() - start
    await wait_for_new_map(page)
    return arrived, time.perf_counter() - start


async def open_map_page(page: Page) -> bool:
    """Open the map page (a link of the sidebar, or an older app's tab); False without one."""
    target = page.get_by_role("link", name=MAP_TAB, exact=True).or_(
        page.get_by_role("tab", name=MAP_TAB, exact=True))
    if await target.count() == 0:
        return False
    await page.evaluate(MARK_MAPS)
    await target.first.click()
    await wait_for_new_map(page)
    return True


async def show_households(page: Page) -> bool:
    """Switch the DEMO household points on and wait for the map; False without the choice."""
    radio = page.get_by_test_id("stRadio").filter(has_text=HOUSEHOLDS_LABEL)
    choice = radio.get_by_text(HOUSEHOLDS_DEMO, exact=True)
    if await choice.count() == 0:
        return False
    await page.evaluate(MARK_MAPS)
    await choice.click()
    await wait_for_new_map(page)
    return True


async def crowd(browser: Browser, url: str) -> tuple[list[float], float]:
    """Open the app in :data:`SESSIONS` contexts at once; each one's seconds and the last's."""
    sessions = [await new_session(browser) for _ in range(SESSIONS)]
    try:
        start = time.perf_counter()
        each = await asyncio.gather(*(time_load(page, url) for _, page in sessions))
        return list(each), time.perf_counter() - start
    finally:
        for context, _ in sessions:
            await context.close()


async def one_round(browser: Browser, server: Server, results: Results) -> None:
    """Measure everything once against a freshly started server."""
    url = server.url
    context, page = await new_session(browser)
    try:
        results.add(FIRST_LOAD, await time_load(page, url))
    finally:
        await context.close()
    context, page = await new_session(browser)
    try:
        cpu = server.cpu_seconds()
        results.add(WARM_LOAD, await time_load(page, url))
        results.add(WARM_LOAD_CPU, server.cpu_seconds() - cpu)
        if await open_map_page(page):
            arrived, drawn = await time_radius_change(page)
            results.add(RADIUS, drawn)
            results.add(RADIUS_ARRIVED, arrived)
            if await show_households(page):
                arrived, drawn = await time_radius_change(page)
                results.add(RADIUS_HOUSEHOLDS, drawn)
                results.add(RADIUS_HOUSEHOLDS_ARRIVED, arrived)
    finally:
        await context.close()
    cpu = server.cpu_seconds()
    each, last = await crowd(browser, url)
    results.add(CROWD, *each)
    results.add(CROWD_ALL, last)
    results.add(CROWD_CPU, server.cpu_seconds() - cpu)


async def run(app: Path, repeats: int, log: Path) -> Results:
    """Launch Chromium once; run ``repeats`` rounds, each on a fresh server."""
    from playwright.async_api import async_playwright  # noqa: PLC0415 - a dev dependency

    results = Results()
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, timeout=WAIT_MS)
        try:
            for _ in range(repeats):
                with app_server(app, log) as server:
                    await one_round(browser, server, results)
        finally:
            await browser.close()
    return results


def print_table(app: Path, repeats: int, summary: dict[str, dict[str, object]],
                load: tuple[float, float]) -> None:
    """Print each measure's median and worst beside its aim, and the machine's load."""
    print(f"app: {app}  ({repeats} rounds, a fresh server each; seconds)")
    print(f"  {os.cpu_count()} CPUs; 1-minute load average {load[0]:.1f} before, "
          f"{load[1]:.1f} after (this run's own browser and server count too)")
    print(f"  {'measure':58s} {'median':>7s} {'worst':>7s}   aim")
    for name, row in summary.items():
        aim = "" if row["aim_s"] is None else (
            f"median ≤ {row['aim_s']:g} s: {'met' if row['meets_aim'] else 'MISSED'}")
        print(f"  {name:58s} {row['median']:7.2f} {row['worst']:7.2f}   {aim}")


def main() -> None:
    """Parse the options, run the rounds, print the table (and write the JSON)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--repeats", type=int, default=5, help="rounds (default 5)")
    parser.add_argument("--app", type=Path, default=DEFAULT_APP)
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    parser.add_argument("--log", type=Path, default=DEFAULT_LOG,
                        help=f"the server's output (default {DEFAULT_LOG})")
    args = parser.parse_args()
    if args.repeats < 1:
        parser.error("--repeats must be at least 1")
    if not CHROMIUM.exists():
        parser.error(f"no Chromium at {CHROMIUM}: apt-get install -y chromium")
    app = args.app.resolve()
    load_before = os.getloadavg()[0]
    results = asyncio.run(run(app, args.repeats, args.log.resolve()))
    load = (load_before, os.getloadavg()[0])
    summary = results.summary()
    print_table(app, args.repeats, summary, load)
    if args.json:
        args.json.write_text(json.dumps({"app": str(app), "repeats": args.repeats,
                                         "cpus": os.cpu_count(), "load_average": load,
                                         "results": summary}, indent=2) + "\n",
                             encoding="utf-8")


if __name__ == "__main__":
    main()
