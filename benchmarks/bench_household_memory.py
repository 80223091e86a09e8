"""
Peak memory of a whole ``geo-outreach analyze --households`` run against the register's rows.

Run: ``.venv/bin/python benchmarks/bench_household_memory.py [--sizes 1e6 1e7 2e7 5e7]``.
It generates 10 million seeded households over DIY once (density following village
population, as the DEMO layer), writes larger registers by repeating those rows with new
ids (so no id repeats), and runs the command on each in a fresh process, reporting wall
time, the peak resident memory (max RSS) and the rows used. The bound to hold: 1.5 GB
whatever the rows, because past ``SPILL_ROWS`` the classified households are kept on disk
chunk by chunk and every sum reads them back one chunk at a time.

Needs about 1.2 GB of disk per 50 million rows for the register and 3 GB for the run's
temporary files.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable

GENERATE = """
import sys
import pyarrow as pa, pyarrow.parquet as pq
from geo_outreach.analysis.household_reach import demo_households
from geo_outreach.inputs.prepare import InputPaths, prepare_inputs
prepared = prepare_inputs(InputPaths())
table = demo_households(prepared, count=int(sys.argv[2]))
pq.write_table(pa.Table.from_pandas(table, preserve_index=False), sys.argv[1],
               row_group_size=1_000_000)
"""

REPEAT = """
import sys
import pyarrow as pa, pyarrow.compute as pc, pyarrow.parquet as pq
source, target, rows = pq.ParquetFile(sys.argv[1]), sys.argv[2], int(sys.argv[3])
with pq.ParquetWriter(target, source.schema_arrow) as writer:
    written, copy = 0, 0
    while written < rows:
        for group in range(source.num_row_groups):
            if written >= rows:
                break
            batch = source.read_row_group(group)
            batch = batch.slice(0, min(len(batch), rows - written))
            ids = pc.add(pc.cast(batch["id"], pa.uint64()), pa.scalar(copy * 10**12, pa.uint64()))
            batch = batch.set_column(0, "id", pc.cast(ids, batch.schema.field("id").type))
            writer.write_table(batch, row_group_size=1_000_000)
            written += len(batch)
        copy += 1
"""

RUN = """
import json, resource, sys, time
from geo_outreach.cli import main
start = time.perf_counter()
code = main(["analyze", "--households", sys.argv[1], "--out", sys.argv[2]])
seconds = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"code": code, "seconds": seconds, "peak_mb": peak}))
"""


def python(code: str, *args: str) -> str:
    """Run a snippet in a fresh Python; return what it printed last."""
    done = subprocess.run([sys.executable, "-c", code, *args], check=True,  # noqa: S603
                          capture_output=True, text=True)
    return done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""


def _made(path: Path, write: Callable[[Path], object]) -> None:
    """Write a register under a temporary name, then rename it: no half file is reused."""
    partial = path.with_name(path.name + ".partial")
    write(partial)
    partial.replace(path)


def main() -> int:
    """Generate the registers, run each once in a fresh process, print a Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=float, nargs="+", default=[1e6, 1e7, 2e7, 5e7])
    parser.add_argument("--folder", type=Path, default=None,
                        help="where the registers are written (default: a temporary folder)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-household-memory-") as tmp:
        folder = args.folder or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        base = folder / "households_10000000.parquet"
        if not base.exists():
            _made(base, lambda partial: python(GENERATE, str(partial), "10000000"))
        print("| households | wall time | peak memory | rows used |")
        print("|---|---|---|---|")
        for size in (int(s) for s in args.sizes):
            path = folder / f"households_{size}.parquet"
            if not path.exists():
                _made(path, lambda partial, s=size: python(REPEAT, str(base), str(partial), str(s)))
            out = Path(tmp) / f"out_{size}"
            measured = json.loads(python(RUN, str(path), str(out)))
            if measured["code"] != 0:
                print(f"| {size:,} | failed (exit {measured['code']}) | | |")
                continue
            manifest = json.loads((out / "run.json").read_text(encoding="utf-8"))
            used = manifest["households"]["rows_used"]
            print(f"| {size:,} | {measured['seconds']:.1f} s | {measured['peak_mb']:,.0f} MB | "
                  f"{used:,} |", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
