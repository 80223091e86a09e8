"""
Time the progress store on SQLite and on PostgreSQL, from DIY size to national size.

Run: ``.venv/bin/python benchmarks/bench_store.py [--repeat 3] [--quick] [--no-postgres]``.

On a SQLite file in a temporary folder and on a throw-away PostgreSQL cluster
(``tests/postgres_cluster.py``: unix socket, no durability; skipped with the reason when
it cannot start) it prints the median of ``--repeat`` runs of:

1. DIY, importing one month: ``import_table`` on a bundled DEMO month file (read, check,
   match, store), a fresh month each run; and its two halves, reading and matching the
   file (``prepare_inputs``) and storing the matched rows (``import_snapshot``).
2. DIY, progress over 24 months (2023-01 to 2024-12, the DEMO table's participants
   perturbed, seeded, stored with ``import_snapshot``): ``monthly_series`` plus
   ``run_progress``, and the whole ``geo-outreach progress --database URL --out DIR
   --force`` as a subprocess (wall time, Python start-up and figures included).
3. National size: 84,000 generated villages (Kemendagri-style codes ``11.01.01.2001``,
   labour force 500-5,000, participants 10-60 % of it) x 24 months, each month stored
   with ``import_snapshot`` (median per month and total); ``monthly_series`` reading the
   2.0 M rows back; ``progress_report`` over them with a made-up villages table (~7,000
   districts, 514 regencies) and no office (the computation alone); the database's size.

``--quick`` runs the national step at 8,400 villages x 6 months, once. The table ends
with one line per backend to paste in a note.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from sqlalchemy import text

from geo_outreach.analysis.progress import progress_report
from geo_outreach.analysis.progress_run import run_progress
from geo_outreach.config import AnalysisParams
from geo_outreach.inputs.prepare import InputPaths, prepare_inputs
from geo_outreach.store.database import Store, open_store
from geo_outreach.store.demo import demo_month_files
from geo_outreach.store.months import BUNDLED_CODE_LIST
from geo_outreach.store.snapshot_files import import_table
from geo_outreach.store.snapshots import SnapshotSource, import_snapshot, monthly_series

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the checkout's tests/ helpers
from tests.postgres_cluster import ClusterUnavailableError, start_cluster

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from contextlib import AbstractContextManager

    FreshDatabase = Callable[[], AbstractContextManager[str]]

SEED = 20241231
DIY_MONTHS = 24
NATIONAL_VILLAGES, NATIONAL_MONTHS = 84_000, 24
QUICK_VILLAGES, QUICK_MONTHS = 8_400, 6
VILLAGES_PER_DISTRICT = 12
DISTRICTS_PER_REGENCY = 7_000 / 514
PROVINCES = ("11", "12", "13", "14", "15", "16", "17", "18", "19", "21", "31", "32", "33",
             "34", "35", "36", "51", "52", "53", "61", "62", "63", "64", "65", "71", "72",
             "73", "74", "75", "76", "81", "82", "91", "92", "93", "94", "95", "96")
"""The 38 Kemendagri province codes."""
IMPORTER = "bench_store"
CLI = Path(sys.executable).with_name("geo-outreach")


@dataclass
class Measure:
    """One row of the table: a task's run times on a backend, and the rows it handled."""

    task: str
    backend: str
    seconds: list[float]
    rows: int | None = None

    @property
    def median(self) -> float:
        """The median seconds."""
        return statistics.median(self.seconds)

    @property
    def rate(self) -> str:
        """Rows per second at the median, or empty."""
        return "" if self.rows is None else f"{self.rows / self.median:,.0f}"


def timed(run: Callable[[], object], repeat: int) -> list[float]:
    """Run ``repeat`` times and return the wall-clock seconds of each run."""
    return timed_each(lambda _: run(), repeat)


def timed_each(run: Callable[[int], object], repeat: int) -> list[float]:
    """Run ``repeat`` times, given the run's number (0, 1, ...); return each run's seconds."""
    seconds = []
    for index in range(repeat):
        start = time.perf_counter()
        run(index)
        seconds.append(time.perf_counter() - start)
    return seconds


def note(message: str) -> None:
    """Say on stderr what runs now (the national step takes minutes)."""
    print(message, file=sys.stderr, flush=True)


def run_command(command: list[str]) -> None:
    """Run a command; on failure stop with the end of what it wrote to stderr."""
    done = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} exited with {done.returncode}:\n"
                           f"{done.stderr[-2000:]}")


def month_key(first_year: int, index: int) -> str:
    """Give the month ``index`` months after January of ``first_year``, as ``"YYYY-MM"``."""
    return f"{first_year + index // 12:04d}-{index % 12 + 1:02d}"


def bench_source(month: str, rows: int, *, boundaries: dict[str, str] | None = None,
                 is_demo: bool = False) -> SnapshotSource:
    """Make up a file record for a generated month (its own hash, so no 'same file' note)."""
    boundaries = boundaries or {"path": "generated", "sha256": ""}
    return SnapshotSource(
        file_name=f"bench_{month}.csv",
        file_sha256=hashlib.sha256(f"{IMPORTER} {month} {rows}".encode()).hexdigest(),
        rows_read=rows, boundaries_name=boundaries["path"],
        boundaries_sha256=boundaries["sha256"], code_list=BUNDLED_CODE_LIST, is_demo=is_demo)


def diy_months(base: pd.DataFrame, months: int) -> list[pd.DataFrame]:
    """Perturb the DEMO table's participants month by month (a slow rise and noise)."""
    rng = np.random.default_rng(SEED)
    counts = ["participants", "pu", "bpu", "jakon", "pmi"]
    tables = []
    for index in range(months):
        trend = 0.85 + 0.15 * index / max(months - 1, 1)
        factor = trend * rng.normal(1.0, 0.03, len(base))
        table = base.copy()
        table[counts] = (base[counts].mul(factor, axis=0)).round()
        table["participants"] = table["participants"].clip(upper=table["labour_force"])
        tables.append(table)
    return tables


def national_villages(size: int) -> pd.DataFrame:
    """Villages with Kemendagri-style codes, each in a made-up district and regency."""
    districts = -(-size // VILLAGES_PER_DISTRICT)
    regencies = max(1, round(districts / DISTRICTS_PER_REGENCY))
    regency_codes = [f"{PROVINCES[r % len(PROVINCES)]}.{r // len(PROVINCES) + 1:02d}"
                     for r in range(regencies)]
    district_codes = [f"{regency_codes[d % regencies]}.{d // regencies + 1:02d}"
                      for d in range(districts)]
    district_of = np.arange(size) % districts
    regency_of = district_of % regencies
    codes = [f"{district_codes[d]}.{2001 + v // districts:04d}"
             for v, d in enumerate(district_of)]
    return pd.DataFrame({
        "code": codes,
        "name": [f"Desa {v + 1}" for v in range(size)],
        "district": [f"Kecamatan {d + 1}" for d in district_of],
        "regency": [f"Kabupaten {r + 1}" for r in regency_of],
        "district_code": [district_codes[d] for d in district_of],
        "regency_code": [regency_codes[r] for r in regency_of],
    })


def national_months(codes: pd.Series, months: int) -> Iterator[pd.DataFrame]:
    """Each month's counts: labour force 500-5,000, participants 10-60 % of it, drifting."""
    rng = np.random.default_rng(SEED)
    labour_force = rng.integers(500, 5_001, len(codes)).astype("float64")
    employed = np.round(labour_force * rng.uniform(0.90, 0.99, len(codes)))
    share = rng.uniform(0.10, 0.60, len(codes))
    drift = rng.uniform(-0.002, 0.006, len(codes))
    for index in range(months):
        noise = rng.normal(0.0, 0.005, len(codes))
        month_share = np.clip(share + drift * index + noise, 0.10, 0.60)
        yield pd.DataFrame({"code": codes.to_numpy(), "labour_force": labour_force,
                            "employed": employed,
                            "participants": np.round(labour_force * month_share)})


def database_bytes(store: Store, url: str) -> int:
    """Measure the database's size on disk: the SQLite file (and its WAL), or pg_database_size."""
    if store.backend == "postgresql":
        with store.reading() as conn:
            return int(conn.execute(text("SELECT pg_database_size(current_database())"))
                       .scalar_one())
    store.close()  # the last connection checkpoints the WAL into the file
    path = Path(url.removeprefix("sqlite:///"))
    return sum(p.stat().st_size for p in (path, Path(f"{path}-wal")) if p.exists())


def bench_diy_import(backend: str, fresh: FreshDatabase, repeat: int) -> list[Measure]:
    """Task 1: one DIY month, through ``import_table`` and in its two halves."""
    files = list(demo_month_files().values())
    paths = [InputPaths(participation=files[i % len(files)]) for i in range(repeat)]
    prepared = prepare_inputs(paths[0], with_offices=False)
    counts = prepared.participation.drop(columns=["row"], errors="ignore")
    villages = len(counts)
    with fresh() as url:
        store = open_store(url)
        try:
            whole = timed_each(lambda i: import_table(
                store, month_key(2022, i), paths[i], imported_by=IMPORTER), repeat)
            stored = timed_each(lambda i: import_snapshot(
                store, month_key(2016, i), counts,
                bench_source(month_key(2016, i), villages, is_demo=True,
                             boundaries=prepared.inputs["boundaries"]),
                imported_by=IMPORTER), repeat)
        finally:
            store.close()
    read = timed(lambda: prepare_inputs(paths[0], with_offices=False), repeat)
    opened = []
    for _ in range(repeat):
        with fresh() as url:
            start = time.perf_counter()
            open_store(url).close()
            opened.append(time.perf_counter() - start)
    return [Measure("open a new store (migrate the schema)", backend, opened),
            Measure("DIY: import one month (import_table)", backend, whole, villages),
            Measure("DIY:   of which read + check + match (prepare_inputs)", backend, read,
                    villages),
            Measure("DIY:   of which store (import_snapshot)", backend, stored, villages)]


def bench_diy_progress(backend: str, fresh: FreshDatabase, repeat: int) -> list[Measure]:
    """Task 2: progress over 24 DIY months, in the library and as the command."""
    prepared = prepare_inputs(InputPaths(), with_offices=False)
    base = prepared.participation.drop(columns=["row"], errors="ignore")
    places = prepare_inputs(InputPaths(), with_participation=False)
    params = AnalysisParams()
    rows = DIY_MONTHS * len(base)
    with fresh() as url, tempfile.TemporaryDirectory() as tmp:
        store = open_store(url)
        try:
            for index, table in enumerate(diy_months(base, DIY_MONTHS)):
                month = month_key(2023, index)
                import_snapshot(store, month, table,
                                bench_source(month, len(table), is_demo=True,
                                             boundaries=prepared.inputs["boundaries"]),
                                imported_by=IMPORTER)
            read = timed(lambda: monthly_series(store), repeat)
            series = monthly_series(store)
            computed = timed(lambda: run_progress(places, series, params), repeat)
            both = timed(lambda: run_progress(places, monthly_series(store), params), repeat)
        finally:
            store.close()
        command = [str(CLI), "progress", "--database", url, "--out", str(Path(tmp) / "out"),
                   "--force"]
        command_s = timed(lambda: run_command(command), repeat)
    return [Measure("DIY 24 months: monthly_series + run_progress", backend, both, rows),
            Measure("DIY 24 months:   of which monthly_series", backend, read, rows),
            Measure("DIY 24 months:   of which run_progress", backend, computed, rows),
            Measure("DIY 24 months: geo-outreach progress (subprocess)", backend,
                    command_s)]


def bench_national(backend: str, fresh: FreshDatabase, repeat: int, size: int,
                   months: int) -> tuple[list[Measure], int]:
    """Task 3: national size; returns the measures and the database's bytes."""
    villages = national_villages(size)
    pieces = pd.DataFrame({"code": pd.Series(dtype=str), "office_id": pd.Series(dtype=str),
                           "share": pd.Series(dtype="float64")})
    offices = pd.DataFrame({"office_id": pd.Series(dtype=str), "name": pd.Series(dtype=str)})
    rows = size * months
    with fresh() as url:
        store = open_store(url)
        try:
            per_month = []
            for index, counts in enumerate(national_months(villages["code"], months)):
                month = month_key(2023, index)
                start = time.perf_counter()
                import_snapshot(store, month, counts, bench_source(month, size),
                                imported_by=IMPORTER)
                per_month.append(time.perf_counter() - start)
                note(f"{backend}: national {month} stored in {per_month[-1]:.2f} s")
            held: dict[str, pd.DataFrame] = {}
            read = timed(lambda: held.update(series=monthly_series(store)), repeat)
            note(f"{backend}: {rows:,} rows read back in {statistics.median(read):.1f} s")
            series = held["series"]
            computed = timed(lambda: progress_report(series, villages, pieces, offices),
                             repeat)
            note(f"{backend}: progress_report in {statistics.median(computed):.1f} s")
            size_bytes = database_bytes(store, url)
        finally:
            store.close()
    label = f"national {size:,} x {months}"
    return [Measure(f"{label}: import one month (import_snapshot)", backend, per_month, size),
            Measure(f"{label}: import all {months} months (total)", backend,
                    [sum(per_month)], rows),
            Measure(f"{label}: monthly_series (read back)", backend, read, rows),
            Measure(f"{label}: progress_report", backend, computed, rows)], size_bytes


def bench_backend(backend: str, fresh: FreshDatabase, args: argparse.Namespace
                  ) -> tuple[list[Measure], str]:
    """Every task on one backend; returns the measures and the summary line."""
    note(f"{backend}: DIY import")
    measures = bench_diy_import(backend, fresh, args.repeat)
    note(f"{backend}: DIY progress over {DIY_MONTHS} months")
    measures += bench_diy_progress(backend, fresh, args.repeat)
    national, size_bytes = bench_national(backend, fresh, args.repeat, args.villages,
                                          args.months)
    measures += national
    by_task = {m.task.split(":", 1)[-1].strip(): m for m in measures}
    summary = (
        f"{backend}: DIY import {by_task['import one month (import_table)'].median:.2f} s/month"
        f" (store {by_task['of which store (import_snapshot)'].median:.3f} s); progress over "
        f"{DIY_MONTHS} months "
        f"{by_task['monthly_series + run_progress'].median:.2f} s in the library, "
        f"{by_task['geo-outreach progress (subprocess)'].median:.1f} s as the command; "
        f"national {args.villages:,} villages x {args.months}: "
        f"{national[0].median:.2f} s/month to store ({national[1].median:.0f} s in all), "
        f"{national[2].median:.1f} s to read {args.villages * args.months / 1e6:.1f} M rows, "
        f"{national[3].median:.1f} s progress_report, {size_bytes / 1e6:.0f} MB on disk")
    return measures, summary


@contextlib.contextmanager
def sqlite_databases() -> Iterator[FreshDatabase]:
    """Give a maker of fresh SQLite files in a temporary folder."""
    with tempfile.TemporaryDirectory() as tmp:
        made = iter(range(1, 1_000_000))

        @contextlib.contextmanager
        def fresh() -> Iterator[str]:
            path = Path(tmp) / f"store-{next(made)}.db"
            try:
                yield f"sqlite:///{path}"
            finally:
                for leftover in Path(tmp).glob(f"{path.name}*"):
                    leftover.unlink()

        yield fresh


def main() -> int:
    """Print a Markdown table of medians and one summary line per backend."""
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=None,
                        help="runs per measure (default 3; 1 with --quick)")
    parser.add_argument("--quick", action="store_true",
                        help=f"national size {QUICK_VILLAGES:,} villages x {QUICK_MONTHS} "
                             "months, one run")
    parser.add_argument("--no-postgres", action="store_true", help="SQLite only")
    args = parser.parse_args()
    if args.repeat is None:
        args.repeat = 1 if args.quick else 3
    args.villages, args.months = ((QUICK_VILLAGES, QUICK_MONTHS) if args.quick
                                  else (NATIONAL_VILLAGES, NATIONAL_MONTHS))
    measures, summaries, skipped = [], [], []
    with sqlite_databases() as fresh:
        found, summary = bench_backend("sqlite", fresh, args)
        measures += found
        summaries.append(summary)
    if args.no_postgres:
        skipped.append("PostgreSQL skipped: --no-postgres")
    else:
        try:
            cluster = start_cluster()
        except ClusterUnavailableError as err:
            skipped.append(f"PostgreSQL skipped: {err}")
        else:
            try:
                found, summary = bench_backend("postgresql", cluster.fresh_database, args)
                measures += found
                summaries.append(summary)
            finally:
                cluster.stop()
    order = list(dict.fromkeys(m.task for m in measures))
    measures.sort(key=lambda m: order.index(m.task))
    print(f"\nprogress store, median of {args.repeat} run(s); DIY: bundled DEMO data; "
          f"national: {args.villages:,} generated villages x {args.months} months\n")
    print("| task | backend | median s | rows/s |\n|---|---|---|---|")
    for m in measures:
        print(f"| {m.task} | {m.backend} | {m.median:.3f} | {m.rate} |")
    print()
    for line in [*skipped, *summaries]:
        print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
