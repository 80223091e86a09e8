"""
Time the field loop's import and report on SQLite and PostgreSQL.

Run: ``.venv/bin/python benchmarks/bench_outcomes.py [--repeat 3] [--rows 10000 50000]
[--no-postgres]``.

A plan of 2,000 stops (10 teams x 5 days x 40 stops) is stored; for each size an ODK
Central submissions CSV of that many doors at those stops is written (the question names
of the form, as ``tests/outcome_builders.py`` builds them). Medians of ``--repeat`` runs, a
fresh database each run:

1. ``read_outcomes`` alone (reading and checking the file);
2. ``import_outcomes`` into an empty store (checked against the plan, GPS, stored);
3. the same file again (every submission already stored: nothing written);
4. ``field_report`` over what is stored (team-and-week, village and stop tables).
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from geo_outreach.field.outcome_files import read_outcomes
from geo_outreach.field.outcome_import import import_outcomes
from geo_outreach.field.outcome_report import field_report
from geo_outreach.outcome_codes import OUTCOMES, REGISTERED
from geo_outreach.store.database import open_store
from geo_outreach.store.field_records import PlanRecord, save_plan

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the checkout's tests/ helpers
from tests.outcome_builders import Visit, central_csv, uuid
from tests.postgres_cluster import ClusterUnavailableError, start_cluster

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

PLAN_ID = "KC-BENCH-20261207-0800-beef"
TEAMS, DAYS, STOPS_PER_DAY = 10, 5, 40
SEED = 20261207


def _plan_stops() -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(SEED)
    count = TEAMS * DAYS * STOPS_PER_DAY
    team = np.repeat(np.arange(1, TEAMS + 1), DAYS * STOPS_PER_DAY)
    day = np.tile(np.repeat(np.arange(1, DAYS + 1), STOPS_PER_DAY), TEAMS)
    codes = [f"34.71.{k % 14 + 1:02d}.{1001 + k % 45}" for k in range(count)]
    stops = pd.DataFrame({
        "stop_id": [f"{c}-{k:04d}" for k, c in enumerate(codes)], "team": team, "day": day,
        "visit_order": np.tile(np.arange(1, STOPS_PER_DAY + 1), TEAMS * DAYS),
        "planned_on": [date(2026, 12, 7 + int(d) - 1) for d in day], "code": codes,
        "village": "Bench", "label": "Bench", "households": 30,
        "uncovered_workers": 1e6, "lat": rng.uniform(-7.83, -7.76, count),
        "lon": rng.uniform(110.34, 110.41, count)})
    routes = pd.DataFrame({"day": np.tile(np.arange(1, DAYS + 1), TEAMS),
                           "team": np.repeat(np.arange(1, TEAMS + 1), DAYS),
                           "stops": STOPS_PER_DAY, "households": 30 * STOPS_PER_DAY,
                           "planned_min": 360.0, "distance_km": 5.0})
    return stops, routes


def _export(rows: int, stops: pd.DataFrame, folder: Path) -> Path:
    rng = np.random.default_rng(SEED + rows)
    picked = stops.iloc[rng.integers(0, len(stops), rows)]
    outcome = rng.choice(OUTCOMES, rows)
    visits = [Visit(uuid(n), s.stop_id, o, plan_id=PLAN_ID, team=int(s.team),
                    visited_on=s.planned_on.isoformat(),
                    come_back_on="2026-12-20" if o == "kembali_lagi" else "",
                    workers_living=2, workers_registered=1 if o == REGISTERED else 0,
                    segment="bpu" if o == REGISTERED else "",
                    lat=float(s.lat) + 0.0003, lon=float(s.lon))
              for n, (s, o) in enumerate(zip(picked.itertuples(), outcome, strict=True))]
    return central_csv(visits, folder / f"kunjungan_{rows}.csv")


def _fresh_store(url: str) -> object:
    store = open_store(url)
    stops, routes = _plan_stops()
    save_plan(store, PlanRecord(PLAN_ID, "KC-BENCH", "KC Bench", "bench", date(2026, 12, 7),
                                TEAMS, DAYS, {}, "", is_demo=False), stops, routes)
    return store


def _median(run: Callable[[], object], repeat: int) -> float:
    seconds = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        seconds.append(time.perf_counter() - start)
    return statistics.median(seconds)


@contextlib.contextmanager
def _backends(folder: Path, *, postgres: bool) -> Iterator[list[tuple[str, Callable[[], str]]]]:
    counter = iter(range(1_000_000))
    backends: list[tuple[str, Callable[[], str]]] = [
        ("sqlite", lambda: f"sqlite:///{folder / f'bench_{next(counter)}.db'}")]
    cluster = None
    if postgres:
        try:
            cluster = start_cluster()
        except ClusterUnavailableError as err:
            print(f"postgresql skipped: {err}", file=sys.stderr)
    if cluster is not None:
        backends.append(("postgresql", lambda: cluster.url(cluster.create_database())))
    try:
        yield backends
    finally:
        if cluster is not None:
            cluster.stop()


def main() -> None:
    """Print the medians, one row per backend, size and step."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--rows", type=int, nargs="+", default=[10_000, 50_000])
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    stops, _ = _plan_stops()
    with tempfile.TemporaryDirectory() as tmp, _backends(Path(tmp), postgres=not args.no_postgres
                                                         ) as backends:
        folder = Path(tmp)
        exports = {rows: _export(rows, stops, folder) for rows in args.rows}
        print(f"{'backend':<11} {'rows':>7} {'read s':>8} {'import s':>9} {'again s':>8} "
              f"{'report s':>9} {'rows/s':>9}")
        for name, new_url in backends:
            for rows, path in exports.items():
                read_s = _median(lambda p=path: read_outcomes(p), args.repeat)
                first, again, report = [], [], []
                for _ in range(args.repeat):
                    store = _fresh_store(new_url())
                    for bucket, run in ((first, lambda s=store, p=path: import_outcomes(
                            s, p, imported_by="bench")), (again, lambda s=store, p=path:
                            import_outcomes(s, p, imported_by="bench")),
                            (report, lambda s=store: field_report(s, office_id="KC-BENCH"))):
                        start = time.perf_counter()
                        run()
                        bucket.append(time.perf_counter() - start)
                    store.close()
                imported = statistics.median(first)
                print(f"{name:<11} {rows:>7,} {read_s:>8.2f} {imported:>9.2f} "
                      f"{statistics.median(again):>8.2f} {statistics.median(report):>9.2f} "
                      f"{rows / imported:>9,.0f}")


if __name__ == "__main__":
    main()
