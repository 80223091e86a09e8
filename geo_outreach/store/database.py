"""
Open the store: the engine, its schema migrated to the newest revision, and transactions.

Every write runs in one transaction (:meth:`Store.writing`): on SQLite it begins
``IMMEDIATE``, so two writers queue instead of failing half-way; on PostgreSQL the rows a
write reads are locked (``SELECT … FOR UPDATE``) and the month's primary key refuses a
second snapshot. Migrations run by themselves on first use, under a lock, so two processes
opening a new database at once migrate it once.
"""

from __future__ import annotations

import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Final

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, event, func, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError, ProgrammingError, SQLAlchemyError

from geo_outreach._errors import StoreError
from geo_outreach.store.location import database_url, shown_url

if TYPE_CHECKING:
    from collections.abc import Iterator

    from sqlalchemy.engine import Connection, Engine

MIGRATIONS: Final = "geo_outreach.store:migrations"
"""Where Alembic finds the migration scripts (a package resource)."""

SQLITE_BUSY_MS: Final = 60_000
"""How long a SQLite writer waits for another one to finish before giving up."""

LOCKED_RETRIES: Final = 5
"""How often opening a SQLite store another process is creating is tried again (0.25 s,
doubling: about 8 s in all, besides the busy timeout)."""

MIGRATION_LOCK: Final = 7_240_101
"""The PostgreSQL advisory lock held while the schema is migrated."""

WRITE_OPTION: Final = "geo_outreach_write"


@dataclass(frozen=True)
class Store:
    """
    An open progress store.

    Attributes
    ----------
    url
        The database's SQLAlchemy URL (see :func:`shown_url` before printing it).
    engine
        The SQLAlchemy engine.
    """

    url: str
    engine: Engine

    @property
    def backend(self) -> str:
        """``"sqlite"`` or ``"postgresql"``."""
        return self.engine.dialect.name

    @property
    def shown_url(self) -> str:
        """The URL with its password hidden, for messages and manifests."""
        return shown_url(self.url)

    @contextmanager
    def writing(self) -> Iterator[Connection]:
        """
        Give a connection inside one write transaction, committed at the end.

        Yields
        ------
        Connection
            Everything done through it commits together, or not at all if an
            exception leaves the block.
        """
        with self.engine.connect().execution_options(**{WRITE_OPTION: True}) as conn, \
                conn.begin():
            yield conn

    @contextmanager
    def reading(self) -> Iterator[Connection]:
        """
        Give a connection for reading, in one transaction (one consistent view).

        Yields
        ------
        Connection
            Read through it; nothing is written.
        """
        with self.engine.connect() as conn, conn.begin():
            yield conn

    def close(self) -> None:
        """Close the connections the store holds."""
        self.engine.dispose()


def _sqlite_engine(url: str) -> Engine:
    """Make an engine for a SQLite file: WAL journal, foreign keys on, writers queue."""
    path = make_url(url).database
    if path and path != ":memory:":
        try:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            shown = shown_url(url)
            reason = f"its folder cannot be made: {err.strerror or err}"
            raise StoreError(f"the database {shown} cannot be opened ({reason})",
                             "give --database a file in a folder you may write to",
                             label="open", args={"url": shown, "reason": reason}) from None
    engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_MS / 1000})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:  # noqa: ANN001 - DBAPI objects
        dbapi_connection.isolation_level = None  # SQLAlchemy emits BEGIN itself, below
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_MS}")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        writes = conn.get_execution_options().get(WRITE_OPTION, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if writes else "BEGIN")

    return engine


def _engine(url: str) -> Engine:
    if make_url(url).get_backend_name() == "sqlite":
        return _sqlite_engine(url)
    return create_engine(url, pool_pre_ping=True)


def _alembic_config(conn: Connection) -> Config:
    config = Config()
    config.set_main_option("script_location", MIGRATIONS)
    config.attributes["connection"] = conn
    return config


def head_revision() -> str:
    """
    Give the newest schema revision this version of geo-outreach knows.

    Returns
    -------
    str
        The Alembic revision id.
    """
    script = ScriptDirectory.from_config(_alembic_config(None))  # type: ignore[arg-type]
    head = script.get_current_head()
    assert head is not None  # the package ships its migrations
    return head


def schema_revision(conn: Connection) -> str | None:
    """
    Give the schema revision a database is at.

    Parameters
    ----------
    conn
        A connection to it.

    Returns
    -------
    str or None
        The Alembic revision id; None for an empty database.
    """
    return MigrationContext.configure(conn).get_current_revision()


def migrate(store: Store, revision: str = "head") -> None:
    """
    Bring the schema to a revision (by default the newest), under a lock.

    Parameters
    ----------
    store
        The store.
    revision
        An Alembic revision id, or ``"head"``.
    """
    with store.writing() as conn:
        if store.backend == "postgresql":
            conn.execute(select(func.pg_advisory_xact_lock(MIGRATION_LOCK)))
        command.upgrade(_alembic_config(conn), revision)


def open_store(url: str | None = None, *, upgrade: bool = True) -> Store:
    """
    Open the progress store, creating and migrating its schema when needed.

    Parameters
    ----------
    url
        A SQLAlchemy URL or a path to a SQLite file; None for
        ``$GEO_OUTREACH_DATABASE_URL`` or the default file (see
        :func:`geo_outreach.store.location.database_url`).
    upgrade
        Migrate the schema to the newest revision (default). False opens it as it is.

    Returns
    -------
    Store
        The open store.

    Raises
    ------
    StoreError
        If the database cannot be reached or was written by a newer geo-outreach.
    """
    chosen = database_url(url)
    store = Store(chosen, _engine(chosen))
    try:
        _migrated(store, upgrade=upgrade)
    except OperationalError as err:
        store.close()
        reason = _reason(err)
        raise StoreError(f"the database {store.shown_url} cannot be opened ({reason})",
                         "check the URL, that the server runs and accepts this user, and "
                         "that the folder is writable; or give --database sqlite:///FILE.db",
                         label="open", args={"url": store.shown_url, "reason": reason}) from None
    except ProgrammingError as err:
        store.close()
        reason = _reason(err)
        raise StoreError(f"the database {store.shown_url} refuses to create the store's tables "
                         f"({reason})", "ask the database's owner to let this user create "
                         "tables (GRANT CREATE ON SCHEMA public TO the user), or have the owner "
                         "run any geo-outreach snapshot command once", label="no_rights",
                         args={"url": store.shown_url, "reason": reason}) from None
    except SQLAlchemyError as err:
        store.close()
        reason = _reason(err)
        raise StoreError(f"the database {store.shown_url} cannot be opened ({reason})",
                         "check the URL and the server", label="open",
                         args={"url": store.shown_url, "reason": reason}) from None
    return store


def _migrated(store: Store, *, upgrade: bool) -> None:
    """Bring the schema up to date; on SQLite, wait out a new file another process sets up."""
    for attempt in range(LOCKED_RETRIES + 1):
        try:
            with store.reading() as conn:
                current = schema_revision(conn)
            if current != head_revision() and upgrade:
                _refuse_newer(store, current)
                migrate(store)
        except OperationalError as err:
            # two processes creating one SQLite file at once: setting its journal mode
            # can be refused ("locked") without waiting; the other one is done shortly
            if (store.backend != "sqlite" or "locked" not in str(err.orig)
                    or attempt == LOCKED_RETRIES):
                raise
            time.sleep(0.25 * 2 ** attempt)
        else:
            return


def _reason(err: SQLAlchemyError) -> str:
    """Give the database's own words, first line only."""
    orig = getattr(err, "orig", None)
    text = str(orig if orig is not None else err).strip()
    return text.splitlines()[0] if text else type(err).__name__


def _refuse_newer(store: Store, current: str | None) -> None:
    """Refuse a database whose schema comes from a newer geo-outreach than this one."""
    if current is None:
        return
    script = ScriptDirectory.from_config(_alembic_config(None))  # type: ignore[arg-type]
    try:
        script.get_revision(current)
    except Exception:  # noqa: BLE001 - alembic raises several types for an unknown id
        store.close()
        raise StoreError(
            f"the database {store.shown_url} was written by a newer geo-outreach "
            f"(schema {current})", "update geo-outreach (pip install -U geo-outreach) "
            "before using this database", label="newer",
            args={"url": store.shown_url, "revision": current}) from None
