"""
A whole household run against SedonaDB, the single-node spatial engine a user might pick.

Run: ``.venv/bin/python benchmarks/bench_household_peers.py [--sizes 1e6 5e6] [--runs 5]``
(needs ``pip install -e ".[peers]"``: SedonaDB, benchmark-only).

Both sides are whole processes on the same seeded Parquet register over DIY (the DEMO
layer's density), timed side by side: A and B run in turn (A B A B ..., after one warm-up
run each), each a fresh process whose wall time and peak memory (its own max RSS, from
``wait4``) are taken; the medians are printed, and the A/B ratio is taken pair by pair so a
drift in the machine's speed does not move it:

- **A, geo-outreach**: ``geo-outreach analyze --households FILE --out DIR --force``: every
  household's village (exact), nearest office, distance, H3 cell, duplicate ids, rejects,
  and the nine output files (villages, offices, priority, hexes with small counts
  suppressed, run manifest ...). The village lookup grid comes from its on-disk cache after
  the first (warm-up) run, as in daily use.
- **B, SedonaDB**: this file's ``sedona`` mode: the register, villages and offices from
  GeoParquet, ``ST_Transform`` to UTM 49S, ``ST_Intersects`` for the village, ``ST_KNN``
  for the nearest office, the sums per village and office written to one CSV. It does less:
  no H3, no duplicate or count checks, and a point on a shared boundary counts twice.

Prints a Markdown table per size.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve()
PYTHON = sys.executable
GEO_OUTREACH = str(Path(PYTHON).with_name("geo-outreach"))

SEDONA_QUERY = """
WITH h AS (
  SELECT id, workers, registered,
         ST_Transform(ST_SetSRID(ST_Point(lon, lat), 4326), 'EPSG:32749') AS geom
  FROM households),
inside AS (
  SELECT h.workers, h.registered, h.geom, v.code
  FROM h JOIN villages v ON ST_Intersects(h.geom, v.geometry)),
nearest AS (
  SELECT i.code, i.workers, i.registered, o.office_id,
         ST_Distance(i.geom, o.geometry) AS distance_m
  FROM inside i JOIN offices o ON ST_KNN(i.geom, o.geometry, 1, false))
SELECT code, office_id, count(*) AS households, sum(workers) AS workers,
       sum(workers - registered) AS uncovered_workers,
       sum(CASE WHEN distance_m <= 5000 THEN workers - registered ELSE 0 END)
         AS uncovered_within_radius
FROM nearest GROUP BY code, office_id
"""


def sedona(households: str, villages: str, offices: str, out: str) -> None:
    """Run the SedonaDB side: one query, its result written as CSV."""
    import sedonadb  # noqa: PLC0415 - a benchmark-only dependency

    db = sedonadb.connect()
    db.read_parquet(villages).to_view("villages")
    db.read_parquet(offices).to_view("offices")
    db.read_parquet(households).to_view("households")
    db.sql(SEDONA_QUERY).to_pandas().to_csv(out, index=False)


def _layers(folder: Path) -> tuple[Path, Path]:
    """Write the bundled villages and offices as GeoParquet in UTM 49S for SedonaDB."""
    from geo_outreach.inputs.prepare import InputPaths, prepare_inputs  # noqa: PLC0415

    prepared = prepare_inputs(InputPaths())
    villages, offices = folder / "villages.parquet", folder / "offices.parquet"
    prepared.villages.to_crs("EPSG:32749")[["code", "geometry"]].to_parquet(villages)
    prepared.offices.to_crs("EPSG:32749")[["office_id", "geometry"]].to_parquet(offices)
    return villages, offices


def _register(path: Path, rows: int) -> None:
    code = ("import sys, pyarrow as pa, pyarrow.parquet as pq\n"
            "from geo_outreach.analysis.household_reach import demo_households\n"
            "from geo_outreach.inputs.prepare import InputPaths, prepare_inputs\n"
            "table = demo_households(prepare_inputs(InputPaths()), count=int(sys.argv[2]))\n"
            "pq.write_table(pa.Table.from_pandas(table, preserve_index=False), sys.argv[1],"
            " row_group_size=1_000_000)\n")
    subprocess.run([PYTHON, "-c", code, str(path), str(rows)], check=True)  # noqa: S603


def timed(command: list[str]) -> tuple[float, float]:
    """Run a command in a fresh process; its wall seconds and peak memory (MiB)."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL,  # noqa: S603
                               stderr=subprocess.DEVNULL)
    _pid, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise subprocess.CalledProcessError(process.returncode, command)
    return seconds, usage.ru_maxrss / 1024


def side_by_side(ours: list[str], theirs: list[str], runs: int) -> str:
    """Time two commands in turn; a Markdown table of medians and the paired ratio."""
    timed(ours), timed(theirs)  # warm-up: caches, the lookup grid, the page cache
    pairs = [(timed(ours), timed(theirs)) for _ in range(runs)]
    ours_s = statistics.median(a[0] for a, _ in pairs)
    theirs_s = statistics.median(b[0] for _, b in pairs)
    ratio = statistics.median(a[0] / b[0] for a, b in pairs)
    return (f"| geo-outreach | {ours_s:.2f} s | {max(a[1] for a, _ in pairs):,.0f} MiB |\n"
            f"| SedonaDB | {theirs_s:.2f} s | {max(b[1] for _, b in pairs):,.0f} MiB |\n"
            f"| ratio (median of pairs) | {ratio:.2f} | |")


def main() -> int:
    """Generate the registers and time both sides in turn."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("mode", nargs="?", default="compare", choices=["compare", "sedona"])
    parser.add_argument("paths", nargs="*")
    parser.add_argument("--sizes", type=float, nargs="+", default=[1e6, 5e6])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    if args.mode == "sedona":
        sedona(*args.paths)
        return 0
    with tempfile.TemporaryDirectory(prefix="bench-peers-") as tmp:
        folder = Path(tmp)
        villages, offices = _layers(folder)
        for size in (int(s) for s in args.sizes):
            register = folder / f"households_{size}.parquet"
            _register(register, size)
            ours = [GEO_OUTREACH, "analyze", "--households", str(register),
                     "--out", str(folder / "out"), "--force"]
            theirs = [PYTHON, str(HERE), "sedona", str(register), str(villages), str(offices),
                      str(folder / "sedona.csv")]
            print(f"\n{size:,} households, whole processes, medians of {args.runs}:\n")
            print("| | wall time | peak memory |\n|---|---|---|")
            print(side_by_side(ours, theirs, args.runs), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
