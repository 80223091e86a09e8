"""
Run the Streamlit app on 127.0.0.1 for browser tests and benchmarks, and stop it.

The server runs in a process group of its own, binds 127.0.0.1 only, and is stopped
(forcefully if it lingers) when the ``with`` block ends.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from http import HTTPStatus
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator

HOST = "127.0.0.1"
STARTUP_S = 90.0
"""Longest wait for Streamlit to answer its health check."""


def free_port() -> int:
    """Return a port of 127.0.0.1 that nothing listens on now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def healthy(url: str) -> bool:
    """Return True once Streamlit answers its health check (never through a proxy)."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(f"{url}/_stcore/health", timeout=2) as response:
            return response.status == HTTPStatus.OK
    except (urllib.error.URLError, OSError):
        return False


@dataclass(frozen=True)
class Server:
    """A running app server: its URL and process id."""

    url: str
    pid: int

    def cpu_seconds(self) -> float:
        """
        Return the CPU seconds the server process has used so far (user and system).

        Read from ``/proc`` (Linux); NaN where there is none.
        """
        try:
            fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return float("nan")
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@contextlib.contextmanager
def app_server(app: Path, log: Path, *, pythonpath: Path | None = None) -> Iterator[Server]:
    """
    Run the app with Streamlit on 127.0.0.1 in a process group of its own; yield its URL.

    Parameters
    ----------
    app
        The app's script; Streamlit runs from its folder (so that folder's
        ``.streamlit/config.toml`` applies).
    log
        Where the server's output goes.
    pythonpath
        A folder put first on the server's ``PYTHONPATH`` (default: the app's folder).

    Yields
    ------
    Server
        The server, once it answers its health check. It is stopped on leaving.
    """
    port = free_port()
    url = f"http://{HOST}:{port}"
    command = [sys.executable, "-m", "streamlit", "run", str(app),
               "--server.address", HOST, "--server.port", str(port),
               "--server.headless", "true", "--browser.gatherUsageStats", "false"]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, (
        str(pythonpath or app.parent), os.environ.get("PYTHONPATH"))))}
    with log.open("w", encoding="utf-8") as out:
        server = subprocess.Popen(command, cwd=app.parent, stdout=out,  # noqa: S603
                                  stderr=subprocess.STDOUT, env=env, start_new_session=True)
    try:
        deadline = time.monotonic() + STARTUP_S
        while not healthy(url):
            if server.poll() is not None:
                raise RuntimeError(f"streamlit exited with {server.returncode}; see {log}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"streamlit did not answer within {STARTUP_S:.0f} s; "
                                   f"see {log}")
            time.sleep(0.25)
        yield Server(url, server.pid)
    finally:
        stop(server)


def stop(server: subprocess.Popen[bytes]) -> None:
    """Stop the server's process group, forcefully if it lingers."""
    if server.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=10)
