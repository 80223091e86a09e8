"""
Watch a page in Chromium for what would tell its user something broke.

Console errors and uncaught exceptions of the page and of every frame in it (a map's
iframe too) are recorded; requests to anything but the app's own server are aborted, and
recorded unless they ask a tile server for tiles (tiles are not reachable here).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Final
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from collections.abc import Callable

    from playwright.sync_api import ConsoleMessage, Page, Route

LOCAL_HOST: Final = "127.0.0.1"
TILE_HOSTS: Final = ("tile.openstreetmap.org",)


@dataclass
class Watch:
    """Everything the page logged or threw that would tell the user something broke."""

    problems: list[str] = field(default_factory=list)
    outside: list[str] = field(default_factory=list)


def is_tile_failure(message: ConsoleMessage) -> bool:
    """True for the console's note that a map tile could not be loaded (no network)."""
    host = urlsplit(message.location.get("url", "")).hostname or ""
    return message.text.startswith("Failed to load resource") and host.endswith(TILE_HOSTS)


STREAMLIT_PROBES: Final = ("_stcore/health", "_stcore/host-config")
"""What Streamlit's front end asks under a page's address, and is told 404."""


def page_failures(address: str) -> Callable[[ConsoleMessage], bool]:
    """
    Tell which failed loads are expected on an app page: a tile, or Streamlit's probes.

    Parameters
    ----------
    address
        The page's address in the app, e.g. ``kemajuan``.

    Returns
    -------
    callable
        True for a failed tile (no network) and Streamlit's probes under the address.
    """
    probes = {f"{address}/{probe}" for probe in STREAMLIT_PROBES}

    def expected(message: ConsoleMessage) -> bool:
        if not message.text.startswith("Failed to load resource"):
            return False
        url = urlsplit(message.location.get("url", ""))
        host = url.hostname or ""
        return host.endswith(TILE_HOSTS) or (host == LOCAL_HOST
                                             and url.path.strip("/") in probes)

    return expected


def watch(page: Page, *, expected: Callable[[ConsoleMessage], bool] = is_tile_failure
          ) -> Watch:
    """
    Record the page's console errors and uncaught exceptions; cut its network.

    Parameters
    ----------
    page
        The page, before it opens anything.
    expected
        Console errors that are no fault of the app (by default a tile that cannot load).

    Returns
    -------
    Watch
        Filled in while the page runs.
    """
    seen = Watch()

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error" and not expected(message):
            seen.problems.append(f"console error: {message.text} "
                                 f"(at {message.location.get('url')})")

    def local_only(route: Route) -> None:
        host = urlsplit(route.request.url).hostname or ""
        if host == LOCAL_HOST:
            route.continue_()
            return
        if not host.endswith(TILE_HOSTS):
            seen.outside.append(route.request.url)
        route.abort()

    page.on("console", on_console)
    page.on("pageerror", lambda error: seen.problems.append(f"page error: {error}"))
    page.route("**/*", local_only)
    return seen
