"""
Classify synthetic households over DIY: speed, memory, and the geopandas baseline.

Run: ``.venv/bin/python benchmarks/bench_households.py [--sizes 1e6 1e7] [--repeat 3]
[--scaling] [--dask]``. For each size N it generates N seeded households (density following
village population) into a Parquet file with lat/lon columns, then times, each in a fresh
process so that its peak memory (max RSS) is its own:

- ``geo-outreach``: :func:`geo_outreach.analysis.households.classify_households` on the file
  (reading included): village, nearest office, distance, radius flag, H3 cell, rejects,
  duplicate ids;
- ``geopandas``: the straightforward route on the same file: points to a GeoDataFrame,
  ``to_crs``, ``sjoin`` for the village and ``sjoin_nearest`` for the office (no H3, no
  duplicate check);
- with ``--dask``: the Dask path on a local 2-worker cluster.

``--scaling`` adds 2M and 5M for the scaling curve. Prints a Markdown table of medians.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

OURS = """
import json, resource, sys, time
from geo_outreach.analysis.households import build_study_area, classify_households, HouseholdParams
from geo_outreach.analysis.pipeline import InputPaths, prepare_inputs
prepared = prepare_inputs(InputPaths())
start = time.perf_counter()
area = build_study_area(prepared.villages, prepared.offices, radius_km=5.0)
built = time.perf_counter()
result = classify_households(sys.argv[1], area, HouseholdParams())
done = time.perf_counter()
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": done - built, "setup": built - start, "peak_mb": peak,
                  "rows": len(result.households)}))
"""

BASELINE = """
import json, resource, sys, time
import geopandas as gpd, pandas as pd
from geo_outreach.analysis.pipeline import InputPaths, prepare_inputs
prepared = prepare_inputs(InputPaths())
villages = prepared.villages.to_crs("EPSG:32749")[["code", "geometry"]]
offices = prepared.offices.to_crs("EPSG:32749")[["office_id", "geometry"]]
start = time.perf_counter()
table = pd.read_parquet(sys.argv[1], columns=["id", "lat", "lon", "workers", "registered"])
points = gpd.GeoDataFrame(table, geometry=gpd.points_from_xy(table.lon, table.lat),
                          crs="EPSG:4326").to_crs("EPSG:32749")
joined = gpd.sjoin(points, villages, predicate="within", how="inner")
joined = gpd.sjoin_nearest(joined.drop(columns="index_right"), offices, distance_col="d")
done = time.perf_counter()
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": done - start, "peak_mb": peak, "rows": len(joined)}))
"""

DASK = """
import json, resource, sys, time
from geo_outreach.analysis.household_dask import classify_households_dask, dask_client
from geo_outreach.analysis.households import build_study_area, HouseholdParams
from geo_outreach.analysis.pipeline import InputPaths, prepare_inputs
prepared = prepare_inputs(InputPaths())
area = build_study_area(prepared.villages, prepared.offices, radius_km=5.0)
with dask_client("local") as client:
    start = time.perf_counter()
    result = classify_households_dask(sys.argv[1], area, HouseholdParams(), client=client)
    done = time.perf_counter()
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": done - start, "peak_mb": peak, "rows": len(result.households)}))
"""

GENERATE = """
import sys
import pyarrow as pa, pyarrow.parquet as pq
from geo_outreach.analysis.household_reach import demo_households
from geo_outreach.analysis.pipeline import InputPaths, prepare_inputs
prepared = prepare_inputs(InputPaths())
table = demo_households(prepared, count=int(sys.argv[2]))
pq.write_table(pa.Table.from_pandas(table, preserve_index=False), sys.argv[1],
               row_group_size=1_000_000)
"""


BASELINE_SIZES = {1_000_000, 10_000_000}
LARGE = 5_000_000  # above this, the slow baseline runs once


def run(code: str, *args: str) -> dict[str, float]:
    """Run a snippet in a fresh Python and return the JSON it prints."""
    output = subprocess.run([sys.executable, "-c", code, *args], check=True,  # noqa: S603
                            capture_output=True, text=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def median_of(code: str, path: Path, repeat: int) -> dict[str, float]:
    """Median seconds and max peak memory over ``repeat`` fresh runs."""
    runs = [run(code, str(path)) for _ in range(repeat)]
    return {"seconds": statistics.median(r["seconds"] for r in runs),
            "peak_mb": max(r["peak_mb"] for r in runs), "rows": runs[0]["rows"]}


def main() -> int:
    """Print the benchmark table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=float, nargs="+", default=[1e6, 1e7])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--scaling", action="store_true", help="also 2M and 5M")
    parser.add_argument("--dask", action="store_true", help="also the Dask path")
    parser.add_argument("--no-baseline", action="store_true")
    args = parser.parse_args()
    sizes = sorted({int(s) for s in args.sizes} | ({2_000_000, 5_000_000} if args.scaling
                                                   else set()))
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for size in sizes:
            path = Path(tmp) / f"households_{size}.parquet"
            start = time.perf_counter()
            subprocess.run([sys.executable, "-c", GENERATE, str(path), str(size)],  # noqa: S603
                           check=True)
            print(f"generated {size:,} households in {time.perf_counter() - start:.1f} s",
                  file=sys.stderr)
            ours = median_of(OURS, path, args.repeat)
            base = (None if args.no_baseline or size not in BASELINE_SIZES
                    else median_of(BASELINE, path, 1 if size > LARGE else args.repeat))
            dask = median_of(DASK, path, 1) if args.dask else None
            rows.append((size, ours, base, dask))
            path.unlink()
    print("\n| households | geo-outreach s | peak MB | geopandas s | peak MB | speed-up "
          "| Dask (2 workers) s |")
    print("|---|---|---|---|---|---|---|")
    for size, ours, base, dask in rows:
        base_cells = (f"{base['seconds']:.2f} | {base['peak_mb']:,.0f} | "
                      f"{base['seconds'] / ours['seconds']:.1f}×" if base else "– | – | –")
        dask_cell = f"{dask['seconds']:.2f}" if dask else "–"
        print(f"| {size:,} | {ours['seconds']:.2f} | {ours['peak_mb']:,.0f} | {base_cells} "
              f"| {dask_cell} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
