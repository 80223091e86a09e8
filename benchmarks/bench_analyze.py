"""
Time a full ``analyze`` on the bundled DIY data.

Run: ``.venv/bin/python benchmarks/bench_analyze.py [--repeat 7]``. Prints the median and
the spread of each stage: reading and checking the inputs, the analysis alone (what a
slider change in the app re-runs), writing the outputs, and the whole command.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

from geo_outreach.analysis.pipeline import analyse
from geo_outreach.cli import main as cli_main
from geo_outreach.config import AnalysisParams
from geo_outreach.inputs.prepare import InputPaths, prepare_inputs
from geo_outreach.publish.export import write_outputs

if TYPE_CHECKING:
    from collections.abc import Callable


def timed(run: Callable[[], object], repeat: int) -> list[float]:
    """Run ``repeat`` times and return the wall-clock seconds of each run."""
    seconds = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        seconds.append(time.perf_counter() - start)
    return seconds


def main() -> int:
    """Print a table of medians."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    params = AnalysisParams()
    prepared = prepare_inputs(InputPaths())
    result = analyse(prepared, params)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        rows = {
            "read + check + reconcile inputs": timed(lambda: prepare_inputs(InputPaths()),
                                                     args.repeat),
            "analyse (radius, target change)": timed(lambda: analyse(prepared, params),
                                                     args.repeat),
            "write 6 output files": timed(lambda: write_outputs(result, out / "w"), args.repeat),
            "geo-outreach analyze (whole CLI)": timed(
                lambda: cli_main(["analyze", "--force", "--out", str(out / "cli")]), args.repeat),
        }
    print(f"\n{len(result.villages)} villages, {len(result.offices)} offices, "
          f"{args.repeat} runs each\n")
    print("| step | median s | min s | max s |\n|---|---|---|---|")
    for name, seconds in rows.items():
        print(f"| {name} | {statistics.median(seconds):.3f} | {min(seconds):.3f} | "
              f"{max(seconds):.3f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
