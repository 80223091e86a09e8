"""
A throw-away PostgreSQL cluster for the tests: started once per session, stopped at the end.

The cluster lives in a fresh temporary folder (data, unix socket and log), in ``/dev/shm``
when that has room, and the folder is removed when the cluster stops. It listens on a unix
socket only (``listen_addresses = ''``), trusts local connections and runs without
durability (``fsync``, ``synchronous_commit`` and ``full_page_writes`` off): a crash loses
nothing worth keeping.

``initdb`` refuses to run as root. As root (here and on CI) the server binaries run as the
``postgres`` user through ``runuser``; any other user runs them directly. The superuser
role is always ``postgres``.

It is stopped whatever happens: by the caller (``try``/``finally`` or the ``with`` block
of :func:`postgres_cluster`), at interpreter exit (``atexit``), and, should the test
process be killed outright, by a small watchdog shell that stops the cluster and removes
its folder as soon as the test process has gone.

Binaries come from ``$GEO_OUTREACH_PG_BINDIR``, else ``pg_config --bindir``, else the newest
``/usr/lib/postgresql/*/bin``, else ``PATH``. When none is usable :func:`start_cluster`
raises :class:`ClusterUnavailableError` with the reason and the fix, which the fixtures
turn into a skip.
"""

from __future__ import annotations

import atexit
import contextlib
import itertools
import os
import pwd
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

if TYPE_CHECKING:
    from collections.abc import Iterator

    import psycopg

TEST_DATABASE = "geo_outreach_test"
"""The database created with the cluster."""
SUPERUSER = "postgres"
"""The cluster's superuser role (and, when running as root, the OS user of the server)."""
FIRST_PORT = 5433
"""The first port tried; it only names the socket file (no TCP port is opened)."""
BINDIR_ENV = "GEO_OUTREACH_PG_BINDIR"
"""An environment variable naming the folder of ``initdb`` and ``pg_ctl``."""
INSTALL_HINT = ("bash scripts/dev.sh test installs it (apt-get install postgresql) "
                "when run as root")
SERVER_SETTINGS = {
    "listen_addresses": "''",
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "max_connections": "50",
    "min_wal_size": "'32MB'",
    "max_wal_size": "'64MB'",
}
"""Appended to ``postgresql.conf``: unix socket only, speed over durability, little WAL
kept (the folder may be in memory)."""
SHARED_MEMORY = Path("/dev/shm")  # noqa: S108 - the folder itself is made by mkdtemp
"""Preferred parent of the folder when it has :data:`SHARED_MEMORY_MIN_BYTES` free: on a
2-core VM creating and dropping a database took ~15 ms there (tmpfs), ~250 ms on ext4."""
SHARED_MEMORY_MIN_BYTES = 1 << 30
"""Free space needed to use :data:`SHARED_MEMORY` (Docker's default of 64 MB is too small)."""
STARTUP_S = 60
"""Longest wait for the server to accept connections."""
MIN_SERVER_VERSION = 130000
"""``DROP DATABASE ... WITH (FORCE)`` needs PostgreSQL 13."""
PID_FILE_STATUS_LINE = 8
"""The line of ``postmaster.pid`` holding the server's status (PostgreSQL 10 and later)."""
COMMAND_S = 120.0
"""Longest wait for ``initdb`` or for the server to stop."""
TERMINATE_S = 5.0
"""Longest wait for the backends of a database being dropped to end."""
SOCKET_PATH_MAX = 107
"""Longest unix socket path Linux accepts (``sun_path`` less its terminating NUL)."""

_WATCHDOG = 'folder=$1; shift; read -r _; "$@" >/dev/null 2>&1; rm -rf "$folder"'
"""Shell script: wait for end of file on standard input (a pipe whose other end only the
test process holds, so it closes however that process ends), then stop the cluster and
remove its folder. Arguments: folder, stop command."""


class ClusterUnavailableError(RuntimeError):
    """PostgreSQL cannot run here; the message says why and how to fix it."""


def find_bindir() -> Path | None:
    """
    Return the folder holding ``initdb``, ``pg_ctl`` and ``postgres``, or None.

    Returns
    -------
    Path or None
        From ``$GEO_OUTREACH_PG_BINDIR`` if set (None when it lacks ``initdb``), else
        ``pg_config --bindir``, else the newest ``/usr/lib/postgresql/<version>/bin``, else
        the folder of ``initdb`` on ``PATH``.
    """
    if os.environ.get(BINDIR_ENV):
        chosen = Path(os.environ[BINDIR_ENV])
        return chosen if _has_server(chosen) else None
    candidates: list[Path] = []
    pg_config = shutil.which("pg_config")
    if pg_config:
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            out = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True,  # noqa: S603
                                 check=True, timeout=10).stdout.strip()
            candidates.append(Path(out))
    debian = sorted(Path("/usr/lib/postgresql").glob("*/bin"),
                    key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else -1,
                    reverse=True)
    candidates.extend(debian)
    on_path = shutil.which("initdb")
    if on_path:
        candidates.append(Path(on_path).parent)
    return next((folder for folder in candidates if _has_server(folder)), None)


def _has_server(folder: Path) -> bool:
    return all(os.access(folder / name, os.X_OK) for name in ("initdb", "pg_ctl", "postgres"))


def _run_as() -> tuple[list[str], pwd.struct_passwd | None]:
    """The command prefix that runs server binaries, and the OS user to own the folder
    (None: the current user)."""
    if os.geteuid() != 0:
        return [], None
    try:
        user = pwd.getpwnam(SUPERUSER)
    except KeyError:
        raise ClusterUnavailableError(
            "running as root, and there is no 'postgres' user to run PostgreSQL as "
            f"(initdb refuses root): {INSTALL_HINT}, which creates it") from None
    runuser = shutil.which("runuser")
    if runuser is None:
        raise ClusterUnavailableError(
            "running as root without runuser (util-linux) to run PostgreSQL as the "
            "'postgres' user (initdb refuses root): run the tests as a non-root user")
    return [runuser, "-u", SUPERUSER, "--"], user


def _listening_tcp_ports() -> set[int]:
    """The local TCP ports something listens on (``/proc/net/tcp*``; empty elsewhere)."""
    ports: set[int] = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(OSError):
            for line in Path(table).read_text().splitlines()[1:]:
                fields = line.split()
                if fields[3] == "0A":  # LISTEN
                    ports.add(int(fields[1].rsplit(":", 1)[1], 16))
    return ports


def choose_port() -> int:
    """Return a port from :data:`FIRST_PORT` on that no other PostgreSQL socket file
    (``/tmp``, ``/var/run/postgresql``) and no TCP listener uses."""
    taken = _listening_tcp_ports()
    for port in range(FIRST_PORT, FIRST_PORT + 1000):
        sockets = (Path(folder, f".s.PGSQL.{port}")
                   for folder in ("/tmp", "/var/run/postgresql"))  # noqa: S108 - only looked at
        if port not in taken and not any(path.exists() for path in sockets):
            return port
    return FIRST_PORT


def _parent_folder() -> str | None:
    """:data:`SHARED_MEMORY` when it is roomy and writable, else None (the temp folder)."""
    try:
        stats = os.statvfs(SHARED_MEMORY)
    except OSError:
        return None
    roomy = stats.f_bavail * stats.f_frsize >= SHARED_MEMORY_MIN_BYTES
    return str(SHARED_MEMORY) if roomy and os.access(SHARED_MEMORY, os.W_OK | os.X_OK) else None


def _tail(path: Path, lines: int = 15) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


class PostgresCluster:
    """
    A running throw-away cluster: where its socket is, URLs, and fresh databases.

    Made by :func:`start_cluster`; call :meth:`stop` (safe to call twice) when done.
    """

    def __init__(self, bindir: Path, folder: Path, port: int, run_as: list[str]) -> None:
        self.bindir = bindir
        self.folder = folder
        """The temporary folder: data in ``data/``, the unix socket, ``server.log``."""
        self.socket_dir = folder
        self.data_dir = folder / "data"
        self.log = folder / "server.log"
        self.port = port
        self.startup_s = float("nan")
        """Seconds from ``initdb`` to the first accepted connection."""
        self._run_as = run_as
        self._owner_pid = os.getpid()
        self._names = itertools.count(1)
        self._admin: psycopg.Connection | None = None
        self._server: subprocess.Popen[bytes] | None = None
        self._watchdog: subprocess.Popen[bytes] | None = None
        self._lifeline: int | None = None
        self._stopped = False

    def __repr__(self) -> str:
        return f"PostgresCluster(socket_dir={str(self.socket_dir)!r}, port={self.port})"

    def url(self, database: str = TEST_DATABASE) -> str:
        """
        Return the SQLAlchemy URL of ``database`` on this cluster (psycopg 3, unix socket).

        Returns
        -------
        str
            ``postgresql+psycopg://postgres@/DATABASE?host=SOCKETDIR&port=PORT``.
        """
        return (f"postgresql+psycopg://{SUPERUSER}@/{database}"
                f"?host={quote(str(self.socket_dir), safe='/')}&port={self.port}")

    def connect(self, database: str = "postgres") -> psycopg.Connection:
        """Return a new psycopg connection (autocommit) to ``database``; close it after."""
        import psycopg  # noqa: PLC0415 - only where PostgreSQL is used

        return psycopg.connect(host=str(self.socket_dir), port=self.port, user=SUPERUSER,
                               dbname=database, autocommit=True, connect_timeout=10)

    def _admin_connection(self) -> psycopg.Connection:
        if self._admin is None or self._admin.closed:
            self._admin = self.connect()
        return self._admin

    def create_database(self, name: str | None = None) -> str:
        """
        Create an empty database (a copy of ``template0``) and return its name.

        Parameters
        ----------
        name
            A plain lower-case identifier; default: a new ``geo_outreach_t<N>``.

        Returns
        -------
        str
            The database's name; pass it to :meth:`url` and :meth:`drop_database`.
        """
        from psycopg import sql  # noqa: PLC0415 - only where PostgreSQL is used

        name = name or f"geo_outreach_t{next(self._names)}"
        admin = self._admin_connection()
        # FILE_COPY (PostgreSQL 15+) copies template0's files instead of writing them
        # through the WAL: ~10 ms against ~22 ms for the default WAL_LOG (median, tmpfs).
        strategy = sql.SQL(" STRATEGY FILE_COPY" if admin.info.server_version >= 150000 else "")
        admin.execute(sql.SQL("CREATE DATABASE {} TEMPLATE template0{}").format(
            sql.Identifier(name), strategy))
        return name

    def drop_database(self, name: str) -> None:
        """Drop database ``name`` and end any connection still open to it."""
        from psycopg import sql  # noqa: PLC0415 - only where PostgreSQL is used

        admin = self._admin_connection()
        # DROP ... WITH (FORCE) (and pg_terminate_backend with a timeout) sleeps 100 ms at
        # a time while a backend is exiting, as one is just after its client closed the
        # connection: end them and watch them go, 2 ms at a time, before dropping.
        backends = ("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                    " WHERE datname = %s AND pid <> pg_backend_pid()")
        deadline = time.monotonic() + TERMINATE_S
        while admin.execute(backends, (name,)).fetchone() != (0,):
            if time.monotonic() > deadline:
                break  # DROP ... WITH (FORCE) ends what is left (and waits for it)
            time.sleep(0.002)
        admin.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))

    @contextlib.contextmanager
    def fresh_database(self) -> Iterator[str]:
        """
        Create an empty database for the ``with`` block; drop it on leaving.

        Yields
        ------
        str
            Its SQLAlchemy URL (see :meth:`url`).
        """
        name = self.create_database()
        try:
            yield self.url(name)
        finally:
            self.drop_database(name)

    def server_pid(self) -> int | None:
        """Return the process id of the postmaster, or None when it is not running."""
        try:
            return int((self.data_dir / "postmaster.pid").read_text().split()[0])
        except (OSError, ValueError, IndexError):
            return None

    def _ready(self) -> bool:
        """True once the postmaster reports "ready" (line 8 of ``postmaster.pid``)."""
        try:
            lines = (self.data_dir / "postmaster.pid").read_text().splitlines()
        except OSError:
            return False
        status = lines[PID_FILE_STATUS_LINE - 1:PID_FILE_STATUS_LINE]
        return [line.strip() for line in status] == ["ready"]

    def _pg(self, program: str, *args: str) -> list[str]:
        return [*self._run_as, str(self.bindir / program), *args]

    def _start(self) -> None:
        started = time.perf_counter()
        initdb = subprocess.run(  # noqa: S603
            self._pg("initdb", "-D", str(self.data_dir), "-U", SUPERUSER, "-A", "trust",
                     "-E", "UTF8", "--no-locale", "--no-sync", "--no-instructions"),
            cwd=self.folder, capture_output=True, text=True, check=False, timeout=COMMAND_S)
        if initdb.returncode != 0:
            raise ClusterUnavailableError(
                f"initdb failed ({initdb.returncode}): {(initdb.stderr or initdb.stdout)[-800:]}")
        settings = {**SERVER_SETTINGS, "port": str(self.port),
                    "unix_socket_directories": f"'{self.socket_dir}'"}
        with (self.data_dir / "postgresql.conf").open("a", encoding="utf-8") as conf:
            conf.write("\n# throw-away test cluster\n")
            conf.writelines(f"{key} = {value}\n" for key, value in settings.items())
        # The postmaster is a child of this process (in a session of its own, so a Ctrl-C
        # reaches the tests only): it is waited for when stopped and never left to init.
        with self.log.open("wb") as log:
            self._server = subprocess.Popen(  # noqa: S603
                self._pg("postgres", "-D", str(self.data_dir)), cwd=self.folder,
                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True)
        deadline = time.monotonic() + STARTUP_S
        while not self._ready():
            if self._server.poll() is not None:
                raise ClusterUnavailableError(
                    f"PostgreSQL exited with {self._server.returncode} while starting; "
                    f"its log ends:\n{_tail(self.log)}")
            if time.monotonic() > deadline:
                raise ClusterUnavailableError(
                    f"PostgreSQL did not start within {STARTUP_S} s; its log ends:\n"
                    f"{_tail(self.log)}")
            time.sleep(0.02)
        version = self._admin_connection().info.server_version
        if version < MIN_SERVER_VERSION:
            raise ClusterUnavailableError(
                f"PostgreSQL {version // 10000} in {self.bindir} is too old: the test databases "
                f"need {MIN_SERVER_VERSION // 10000} or later (15 on Debian 12); {INSTALL_HINT}")
        self.create_database(TEST_DATABASE)
        self.startup_s = time.perf_counter() - started

    def _start_watchdog(self) -> None:
        stop = self._pg("pg_ctl", "-D", str(self.data_dir), "-m", "immediate", "-s", "stop")
        read_end, self._lifeline = os.pipe()  # not inherited by other children (PEP 446)
        try:
            self._watchdog = subprocess.Popen(  # noqa: S603
                ["/bin/sh", "-c", _WATCHDOG, "sh", str(self.folder), *stop], cwd="/",
                stdin=read_end, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                start_new_session=True)
        finally:
            os.close(read_end)

    def _stop_watchdog(self) -> None:
        if self._watchdog is not None:
            self._watchdog.kill()  # a lone shell: no child is left behind
            self._watchdog.wait(timeout=10)
            self._watchdog = None
        if self._lifeline is not None:
            os.close(self._lifeline)
            self._lifeline = None

    def _stop_server(self) -> None:
        if self._server is None:
            return
        pid = self.server_pid()
        if self._server.poll() is None:
            # SIGQUIT is an immediate shutdown (no pg_ctl and its 100 ms polling). Root or
            # the same user may always signal it.
            with contextlib.suppress(ProcessLookupError):
                if pid is None:  # it did not get as far as writing postmaster.pid
                    os.killpg(self._server.pid, signal.SIGKILL)
                else:
                    os.kill(pid, signal.SIGQUIT)
        try:
            self._server.wait(timeout=COMMAND_S)
        except subprocess.TimeoutExpired:
            for victim in filter(None, (pid, self._server.pid)):
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.kill(victim, signal.SIGKILL)
            self._server.wait(timeout=COMMAND_S)
        self._server = None

    def stop(self) -> None:
        """Stop the server (immediate shutdown) and remove the folder. Safe to repeat."""
        if self._stopped or os.getpid() != self._owner_pid:  # not in a forked child
            return
        self._stopped = True
        atexit.unregister(self.stop)
        try:
            if self._admin is not None:
                self._admin.close()
            self._stop_watchdog()
            self._stop_server()
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)


def start_cluster() -> PostgresCluster:
    """
    Create and start a throw-away cluster with an empty :data:`TEST_DATABASE`.

    Returns
    -------
    PostgresCluster
        The running cluster; the caller stops it (it is also stopped at exit).

    Raises
    ------
    ClusterUnavailableError
        PostgreSQL is not installed, cannot run as this user, or did not start; the
        message says which and how to fix it.
    """
    bindir = find_bindir()
    if bindir is None:
        where = (f"no initdb in ${BINDIR_ENV}={os.environ[BINDIR_ENV]}"
                 if os.environ.get(BINDIR_ENV)
                 else "no initdb in `pg_config --bindir`, /usr/lib/postgresql/*/bin or PATH")
        raise ClusterUnavailableError(f"PostgreSQL 15 is not installed ({where}): {INSTALL_HINT}")
    run_as, user = _run_as()
    try:
        import psycopg  # noqa: F401, PLC0415 - checked before anything starts
    except ImportError:
        raise ClusterUnavailableError(
            "psycopg is not installed: pip install 'psycopg[binary]'") from None
    folder = Path(tempfile.mkdtemp(prefix="geo-outreach-pg-", dir=_parent_folder()))
    port = choose_port()
    if len(str(folder / f".s.PGSQL.{port}")) > SOCKET_PATH_MAX:
        shutil.rmtree(folder)
        raise ClusterUnavailableError(
            f"the socket path under {folder} is longer than {SOCKET_PATH_MAX} characters: "
            "set TMPDIR to a short folder such as /tmp")
    if user is not None:
        os.chown(folder, user.pw_uid, user.pw_gid)
    cluster = PostgresCluster(bindir, folder, port, run_as)
    atexit.register(cluster.stop)
    try:
        cluster._start_watchdog()  # first: nothing can be left behind after this
        cluster._start()
    except BaseException:
        cluster.stop()
        raise
    return cluster


@contextlib.contextmanager
def postgres_cluster() -> Iterator[PostgresCluster]:
    """
    Run a throw-away cluster for the ``with`` block (see :func:`start_cluster`).

    Yields
    ------
    PostgresCluster
        The running cluster; stopped and removed on leaving, whatever happens.
    """
    cluster = start_cluster()
    try:
        yield cluster
    finally:
        cluster.stop()

