"""
The test databases behind ``database_url``: SQLite and the throw-away PostgreSQL cluster
(``tests/postgres_cluster.py``) behave alike for plain SQLAlchemy Core, and the cluster is
reachable through its unix socket only.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import sqlalchemy as sa

if TYPE_CHECKING:
    from collections.abc import Iterator

    from tests.postgres_cluster import PostgresCluster

metadata = sa.MetaData()
visits = sa.Table(
    "visits", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("village_code", sa.String(20), nullable=False),
    sa.Column("done", sa.Boolean, nullable=False),
)


@pytest.fixture
def engine(database_url: str) -> Iterator[sa.Engine]:
    """An engine on the empty database, with the ``visits`` table (created without
    ``checkfirst``: a left-over table from another test would fail here)."""
    engine = sa.create_engine(database_url)
    try:
        metadata.create_all(engine, checkfirst=False)
        yield engine
    finally:
        engine.dispose()


def count(connection: sa.Connection) -> int:
    return connection.execute(sa.select(sa.func.count()).select_from(visits)).scalar_one()


def insert_the_same_id_twice(engine: sa.Engine) -> None:
    with engine.begin() as connection:
        connection.execute(visits.insert(), {"id": 2, "village_code": "b", "done": True})
        connection.execute(visits.insert(), {"id": 2, "village_code": "c", "done": True})


def test_each_test_gets_an_empty_database(database_url: str) -> None:
    engine = sa.create_engine(database_url)
    try:
        assert sa.inspect(engine).get_table_names() == []
    finally:
        engine.dispose()


def test_committed_rows_are_kept(engine: sa.Engine) -> None:
    with engine.begin() as connection:
        connection.execute(visits.insert(), [
            {"id": 1, "village_code": "34.71.03.1001", "done": True},
            {"id": 2, "village_code": "34.04.07.2003", "done": False},
        ])
    with engine.connect() as connection:
        rows = connection.execute(sa.select(visits).order_by(visits.c.id)).all()
    assert [tuple(row) for row in rows] == [(1, "34.71.03.1001", True),
                                           (2, "34.04.07.2003", False)]


def test_a_rolled_back_transaction_leaves_nothing(engine: sa.Engine) -> None:
    with engine.connect() as connection:
        connection.execute(visits.insert(), {"id": 1, "village_code": "a", "done": True})
        connection.rollback()
        assert count(connection) == 0
    with pytest.raises(sa.exc.IntegrityError):
        insert_the_same_id_twice(engine)  # engine.begin() rolls back on the error
    with engine.connect() as connection:
        assert count(connection) == 0


def test_other_connections_see_committed_rows_only(engine: sa.Engine) -> None:
    with engine.connect() as writer, engine.connect() as reader:
        writer.execute(visits.insert(), {"id": 1, "village_code": "a", "done": False})
        assert count(writer) == 1  # its own uncommitted row
        assert count(reader) == 0
        writer.commit()
        assert count(reader) == 1


def _listening_socket_inodes() -> set[str]:
    inodes: set[str] = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if fields[3] == "0A":  # LISTEN
                inodes.add(fields[9])
    return inodes


@pytest.mark.postgresql
def test_the_cluster_listens_on_no_tcp_port(postgres_server: PostgresCluster) -> None:
    with postgres_server.connect() as connection:
        assert connection.execute("SHOW listen_addresses").fetchone() == ("",)
        assert connection.info.host == str(postgres_server.socket_dir)
    assert (postgres_server.socket_dir / f".s.PGSQL.{postgres_server.port}").is_socket()
    assert postgres_server.url().startswith("postgresql+psycopg://postgres@/geo_outreach_test?")

    if not Path("/proc/net/tcp").exists():
        pytest.skip("no /proc/net/tcp to list listening TCP sockets (not Linux)")
    pid = postgres_server.server_pid()
    fd_folder = Path(f"/proc/{pid}/fd")
    try:
        links = [str(fd.readlink()) for fd in fd_folder.iterdir()]
    except PermissionError:
        pytest.skip(f"cannot read {fd_folder} (another user's process)")
    server_sockets = {link[len("socket:["):-1] for link in links if link.startswith("socket:[")}
    assert server_sockets, "the postmaster holds no socket at all"
    assert not server_sockets & _listening_socket_inodes()
