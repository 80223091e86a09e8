"""
Two processes importing at once leave a consistent store, on SQLite and PostgreSQL.

Each process is a real ``geo-outreach snapshot import``; whichever order the database
serialises them in, no month is left half-stored, a month holds exactly one table in
force, and every attempt is in the import log.
"""

from __future__ import annotations

import subprocess
import sys
from typing import TYPE_CHECKING

from sqlalchemy import func, select

from geo_outreach.store.database import open_store
from geo_outreach.store.snapshots import import_history, stored_months
from geo_outreach.store.tables import import_log, snapshot_imports, snapshot_villages
from tests.store_builders import month_table

if TYPE_CHECKING:
    from pathlib import Path

RUN_CLI = "import sys; from geo_outreach.cli import main; sys.exit(main(sys.argv[1:]))"
IMPORT = [sys.executable, "-c", RUN_CLI, "snapshot", "import"]


def _start(database: str, month: str, path: Path, *extra: str) -> subprocess.Popen[str]:
    command = [*IMPORT, "--month", month, str(path), "--database", database, *extra]
    return subprocess.Popen(command, stdout=subprocess.PIPE,  # noqa: S603 - our own command
                            stderr=subprocess.PIPE, text=True)


def _finish(processes: list[subprocess.Popen[str]]) -> list[tuple[int, str]]:
    results = []
    for process in processes:
        out, err = process.communicate(timeout=240)
        results.append((process.returncode, out + err))
    return results


def _assert_consistent(database: str) -> None:
    store = open_store(database)
    try:
        with store.reading() as conn:
            stored = dict(conn.execute(select(snapshot_imports.c.id, snapshot_imports.c.villages)
                                       ).all())
            rows = dict(conn.execute(select(snapshot_villages.c.import_id, func.count())
                                     .group_by(snapshot_villages.c.import_id)).all())
        assert rows == stored  # every import whole: no half month
        months = stored_months(store)
        assert not months["month"].duplicated().any()
        history = import_history(store)
        assert history.groupby("month")["in_force"].sum().eq(1).all()
    finally:
        store.close()


def test_two_imports_of_one_new_month_store_one_and_refuse_the_other(
        database_url: str, tmp_path: Path):
    first = month_table(tmp_path, "a.csv", extra_participants=1)
    second = month_table(tmp_path, "b.csv", extra_participants=2)
    results = _finish([_start(database_url, "2024-10", first),
                       _start(database_url, "2024-10", second)])
    codes = sorted(code for code, _ in results)
    assert codes == [0, 1], results
    refused = next(text for code, text in results if code == 1)
    assert "already holds another table" in refused, refused  # the whole message if not
    _assert_consistent(database_url)
    store = open_store(database_url)
    try:
        assert len(import_history(store)) == 1
        with store.reading() as conn:
            outcomes = sorted(conn.execute(select(import_log.c.outcome)).scalars())
        assert outcomes == ["refused", "stored"]
    finally:
        store.close()


def test_two_processes_replacing_the_same_months_keep_every_table(
        database_url: str, tmp_path: Path):
    months = ("2024-08", "2024-09", "2024-10")
    processes = []
    for extra in (1, 2):
        path = month_table(tmp_path, f"table_{extra}.csv", extra_participants=extra,
                           rows=slice(0, 200))
        script = ("import sys; from geo_outreach.cli import main; "
                  f"sys.exit(any(main(['snapshot', 'import', '--month', month, {str(path)!r}, "
                  f"'--database', {database_url!r}, '--replace']) for month in {months!r}))")
        processes.append(subprocess.Popen([sys.executable, "-c", script],  # noqa: S603
                                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                          text=True))
    results = _finish(processes)
    assert [code for code, _ in results] == [0, 0], results
    _assert_consistent(database_url)
    store = open_store(database_url)
    try:
        assert list(stored_months(store)["month"]) == list(months)
        assert len(import_history(store)) == 6
    finally:
        store.close()
