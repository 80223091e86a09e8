"""
The progress store on SQLite and PostgreSQL: migrations, monthly imports, history, months.

Every test here runs twice through the ``database_url`` fixture: once on a SQLite file,
once on a throw-away PostgreSQL cluster (skipped, with the reason, where there is none).
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import pandas as pd
import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError

from geo_outreach._errors import InputError, StoreError
from geo_outreach.inputs.file_kinds import file_sha256
from geo_outreach.inputs.prepare import InputPaths
from geo_outreach.store import snapshots as snapshot_module
from geo_outreach.store.database import head_revision, migrate, open_store, schema_revision
from geo_outreach.store.location import DATABASE_ENV, database_url, shown_url
from geo_outreach.store.snapshot_files import import_table
from geo_outreach.store.snapshots import (
    SnapshotSource,
    import_history,
    import_snapshot,
    monthly_series,
    stored_months,
)
from geo_outreach.store.tables import (
    current_snapshots,
    import_log,
    metadata,
    snapshot_imports,
    snapshot_villages,
)
from tests.store_builders import month_table

if TYPE_CHECKING:
    from pathlib import Path

    from geo_outreach.store.database import Store

TODAY = date(2026, 12, 2)


@pytest.fixture
def store(database_url: str):
    opened = open_store(database_url)
    yield opened
    opened.close()


def _import(store: Store, month: str, path: Path | None = None, **options: object):
    return import_table(store, month, InputPaths(participation=path), today=TODAY,
                        **options)[0]


def _counts(store: Store) -> dict[str, int]:
    with store.reading() as conn:
        return {table.name: conn.execute(select(func.count()).select_from(table)).scalar_one()
                for table in (snapshot_imports, snapshot_villages, current_snapshots)}


# ---- migrations -----------------------------------------------------------------------

def test_an_empty_database_is_migrated_to_the_schema_the_code_uses(store: Store):
    with store.engine.connect() as conn:
        assert schema_revision(conn) == head_revision()
        differences = compare_metadata(MigrationContext.configure(conn), metadata)
    assert differences == []


def test_migrating_from_the_previous_schema_keeps_the_data(database_url: str):
    old = open_store(database_url, upgrade=False)
    migrate(old, "0001_monthly_snapshots")
    with old.writing() as conn:
        import_id = conn.execute(insert(snapshot_imports).values(
            month="2024-09", file_name="september.csv", file_sha256="ab" * 32, rows_read=1,
            villages=1, imported_by="tester", imported_at=pd.Timestamp("2024-10-01", tz="UTC"),
            boundaries_name="bundled", boundaries_sha256="cd" * 32, code_list="test",
            tool_version="0.1.0", is_demo=False).returning(snapshot_imports.c.id)).scalar_one()
        conn.execute(insert(snapshot_villages).values(import_id=import_id, code="34.71.01.1001",
                                                      labour_force=100.0, participants=40.0))
        conn.execute(insert(current_snapshots).values(month="2024-09", import_id=import_id))
    old.close()

    store = open_store(database_url)  # migrates by itself on first use
    try:
        with store.reading() as conn:
            assert schema_revision(conn) == head_revision()
            logged = conn.execute(select(import_log)).mappings().all()
        assert [(row["month"], row["outcome"], row["import_id"]) for row in logged] == [
            ("2024-09", "stored", import_id)]
        series = monthly_series(store)
        assert series[["month", "code", "participants"]].to_dict("records") == [
            {"month": "2024-09", "code": "34.71.01.1001", "participants": 40.0}]
    finally:
        store.close()


def test_opening_twice_migrates_once(database_url: str):
    first = open_store(database_url)
    second = open_store(database_url)
    with second.reading() as conn:
        assert schema_revision(conn) == head_revision()
    first.close()
    second.close()


def test_a_database_from_a_newer_version_is_refused(store: Store, database_url: str):
    with store.writing() as conn:
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = '9999_future'")
    store.close()
    with pytest.raises(StoreError, match="newer geo-outreach"):
        open_store(database_url)


# ---- imports --------------------------------------------------------------------------

def test_import_records_who_when_which_file_and_which_boundaries(store: Store):
    outcome = _import(store, "2024-10", imported_by="Kepala KC Yogyakarta")
    assert (outcome.status, outcome.villages) == ("stored", 438)
    [record] = import_history(store).to_dict("records")
    assert record["month"] == "2024-10"
    assert record["imported_by"] == "Kepala KC Yogyakarta"
    assert len(record["file_sha256"]) == 64
    assert record["boundaries_name"] == "bundled:boundaries/diy.gpkg"
    assert len(record["boundaries_sha256"]) == 64
    assert "Kepmendagri" in record["code_list"]
    assert record["is_demo"]
    assert record["tool_version"]
    assert pd.Timestamp(record["imported_at"]).year >= 2026


def test_the_same_file_again_changes_nothing(store: Store):
    first = _import(store, "2024-10")
    before = (_counts(store), monthly_series(store))
    again = _import(store, "2024-10")
    assert again.status == "unchanged"
    assert again.import_id == first.import_id
    assert _counts(store) == before[0]
    pd.testing.assert_frame_equal(monthly_series(store), before[1])


def test_another_file_for_a_stored_month_needs_replace_and_keeps_the_history(
        store: Store, tmp_path: Path):
    first = _import(store, "2024-10")
    changed = month_table(tmp_path, "oktober_revisi.csv", extra_participants=1)
    with pytest.raises(StoreError, match="--replace") as refused:
        _import(store, "2024-10", changed)
    assert refused.value.label == "month_taken"
    assert _counts(store)["snapshot_imports"] == 1

    replaced = _import(store, "2024-10", changed, replace=True)
    assert (replaced.status, replaced.replaced_import) == ("replaced", first.import_id)
    history = import_history(store)
    assert list(history["in_force"]) == [False, True]
    assert history["replaced_by"].iloc[0] == replaced.import_id
    series = monthly_series(store)
    assert series["participants"].sum() == pytest.approx(614_371 + 438)
    assert list(stored_months(store)["import_id"]) == [replaced.import_id]
    with store.reading() as conn:
        outcomes = list(conn.execute(select(import_log.c.outcome).order_by(import_log.c.id))
                        .scalars())
    assert outcomes == ["stored", "refused", "replaced"]


def test_the_series_holds_each_month_in_force(store: Store, tmp_path: Path):
    _import(store, "2024-09", month_table(tmp_path, "sep.csv", rows=slice(0, 100)))
    _import(store, "2024-10")
    series = monthly_series(store)
    assert series.groupby("month")["code"].count().to_dict() == {"2024-09": 100, "2024-10": 438}
    assert list(series.columns) == ["month", "code", "labour_force", "employed", "participants",
                                    "pu", "bpu", "jakon", "pmi", "is_demo"]
    assert not series.duplicated(["month", "code"]).any()
    only = monthly_series(store, since="2024-10", codes=["34.01.01.2001"])
    assert only[["month", "code"]].to_dict("records") == [
        {"month": "2024-10", "code": "34.01.01.2001"}]


def test_the_same_file_for_two_months_is_noted(store: Store):
    _import(store, "2024-09")
    outcome = _import(store, "2024-10")
    assert outcome.status == "stored"
    assert outcome.notes == ("the same file is also stored for 2024-09: check the month",)


def test_a_failing_import_leaves_nothing(store: Store, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(snapshot_module, "INSERT_BATCH", 10)
    counts = pd.DataFrame({"code": [f"34.71.01.{1000 + i}" for i in range(25)],
                           "participants": 1.0})
    counts.loc[24, "code"] = None  # the third batch breaks a rule of the table
    source = SnapshotSource("broken.csv", "ef" * 32, 25, "bundled", "00" * 32, "test")
    with pytest.raises(IntegrityError, match=r"(?i)null|constraint"):
        import_snapshot(store, "2024-10", counts, source)
    assert _counts(store) == {"snapshot_imports": 0, "snapshot_villages": 0,
                              "current_snapshots": 0}


def test_a_table_with_errors_is_not_stored(store: Store, tmp_path: Path):
    broken = tmp_path / "rusak.csv"
    broken.write_text("kode_wilayah,angkatan_kerja,peserta_aktif\n34.01.01.2001,abc,5\n",
                      encoding="utf-8")
    with pytest.raises(InputError, match=r"rusak\.csv"):
        _import(store, "2024-10", broken)
    assert _counts(store)["snapshot_imports"] == 0


# ---- months ---------------------------------------------------------------------------

@pytest.mark.parametrize(("month", "says"), [
    ("10-2024", "YYYY-MM"), ("2024-13", "YYYY-MM"), ("Oktober 2024", "YYYY-MM"),
    ("2027-01", "future"), ("2021-12", "before 2022-01"),
])
def test_months_are_checked_before_anything_is_read(store: Store, month: str, says: str):
    with pytest.raises(InputError, match=says) as error:
        _import(store, month)
    assert error.value.problems[0].value == month
    assert _counts(store)["snapshot_imports"] == 0


def test_own_boundaries_allow_months_since_bpjs_began():
    from geo_outreach.store.snapshot_files import checked_month  # noqa: PLC0415

    own = InputPaths(boundaries="own.gpkg")
    assert checked_month("2018-08", own, today=TODAY) == "2018-08"
    with pytest.raises(InputError, match="2014"):
        checked_month("2013-12", own, today=TODAY)


# ---- where the store lives ------------------------------------------------------------

def test_database_url_option_then_environment_then_default(monkeypatch: pytest.MonkeyPatch,
                                                           tmp_path: Path):
    monkeypatch.setenv(DATABASE_ENV, "postgresql://user:secret@server/progress")
    assert database_url(None) == "postgresql+psycopg://user:secret@server/progress"
    assert shown_url(database_url(None)) == "postgresql+psycopg://user:***@server/progress"
    assert database_url(str(tmp_path / "mine.db")) == f"sqlite:///{tmp_path / 'mine.db'}"
    monkeypatch.delenv(DATABASE_ENV)
    assert database_url(None).endswith("geo-outreach/progress.db")


@pytest.mark.parametrize("url", ["mysql://server/db", "not a url://"])
def test_unsupported_or_unreadable_urls_say_what_to_write(url: str):
    with pytest.raises(StoreError, match="sqlite:///"):
        database_url(url)


def test_an_unreachable_server_is_one_clear_error(tmp_path: Path):
    with pytest.raises(StoreError, match="cannot be opened") as error:
        open_store(f"postgresql+psycopg://nobody@/none?host={tmp_path}")
    assert "--database" in error.value.fix


def test_the_demo_store_is_loaded_once_and_reloaded_when_the_tables_change(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    from geo_outreach.store import demo  # noqa: PLC0415

    path = tmp_path / "demo.db"
    first = demo.open_demo_store(path)
    assert list(stored_months(first)["month"]) == [f"2024-{m:02d}" for m in range(1, 11)]
    assert stored_months(first)["is_demo"].all()
    first.close()
    again = demo.open_demo_store(path)
    assert len(import_history(again)) == 10  # nothing imported twice
    again.close()

    changed = tmp_path / "demo_months"
    changed.mkdir()
    for file in demo.demo_month_files().values():
        (changed / file.name).write_bytes(file.read_bytes())
    october = changed / "demo_participation_2024-10.csv"
    october.write_text(month_table(tmp_path, "x.csv", extra_participants=1).read_text())
    monkeypatch.setattr(demo, "DEMO_FOLDER", changed)
    reloaded = demo.open_demo_store(path)
    history = import_history(reloaded)
    assert len(history) == 11  # only October came in again
    in_force = history[history["in_force"] & (history["month"] == "2024-10")]
    assert list(in_force["file_sha256"]) == [file_sha256(october)]
    reloaded.close()


# ---- what an operator meets -------------------------------------------------------------

@pytest.mark.postgresql
def test_a_user_who_may_not_create_tables_is_told_what_to_ask_for(postgres_server):
    with postgres_server.fresh_database() as url, postgres_server.connect() as conn:
        conn.execute("DROP ROLE IF EXISTS pembaca")
        conn.execute("CREATE ROLE pembaca LOGIN")
        try:
            reader = url.replace("postgres@", "pembaca@", 1)
            with pytest.raises(StoreError, match="GRANT CREATE") as error:
                open_store(reader)
            assert error.value.label == "no_rights"
        finally:
            conn.execute("DROP OWNED BY pembaca")
            conn.execute("DROP ROLE pembaca")


def test_a_writer_waiting_too_long_is_told_to_try_again(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch):
    import sqlite3  # noqa: PLC0415

    from geo_outreach.store import database  # noqa: PLC0415

    path = tmp_path / "sibuk.db"
    open_store(str(path)).close()
    monkeypatch.setattr(database, "SQLITE_BUSY_MS", 200)
    store = open_store(str(path))
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another import holds the write lock
    try:
        with pytest.raises(StoreError, match="busy") as error:
            _import(store, "2024-10")
        assert error.value.label == "busy"
    finally:
        holder.execute("ROLLBACK")
        holder.close()
        store.close()
    assert _counts(open_store(str(path))) == {"snapshot_imports": 0, "snapshot_villages": 0,
                                              "current_snapshots": 0}


@pytest.mark.parametrize(("given", "says"), [
    ("sqlite:///", "in-memory"), ("sqlite:///:memory:", "in-memory"),
    ("::", "neither a database URL"), ("postgresql://u:rahasia@host:port/db", "cannot be read"),
])
def test_addresses_that_would_lose_data_or_cannot_be_read_are_refused(given: str, says: str):
    with pytest.raises(StoreError, match=says) as error:
        database_url(given)
    assert "rahasia" not in str(error.value)


def test_postgres_urls_as_some_servers_write_them_are_accepted():
    assert database_url("postgres://u@db/progress") == "postgresql+psycopg://u@db/progress"


def test_the_same_file_matched_against_other_boundaries_is_another_table(store: Store):
    _import(store, "2024-10")
    other = SnapshotSource("bundled:boundaries/demo_participation.csv",
                           str(import_history(store)["file_sha256"].iloc[0]), 438,
                           "own.gpkg", "ab" * 32, "the user's boundary file")
    counts = monthly_series(store)[["code", "participants"]]
    with pytest.raises(StoreError, match="--replace"):
        import_snapshot(store, "2024-10", counts, other)
