"""Open a local HTML file in Chromium with the network cut, recording what the page did."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

    from playwright.sync_api import Page, Route


@dataclass
class Visit:
    """What a page did while it was open: every request, error and dialog."""

    url: str
    allowed: set[str] = field(default_factory=set)
    requests: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def open_offline(page: Page, path: Path, *also: Path) -> Visit:
    """
    Open a file with the network off; anything but the files named is aborted and logged.

    Console errors, page errors and dialogs are recorded in ``Visit.problems``.
    """
    visit = Visit(path.as_uri(), {path.as_uri(), *(other.as_uri() for other in also)})

    def only_the_files(route: Route) -> None:
        if route.request.url in visit.allowed:
            route.continue_()
        else:
            route.abort()

    page.context.set_offline(True)
    page.route("**/*", only_the_files)
    page.on("request", lambda request: visit.requests.append(request.url))
    page.on("pageerror", lambda error: visit.problems.append(f"error: {error}"))
    page.on("console", lambda message: visit.problems.append(f"console: {message.text}")
            if message.type == "error" else None)
    page.on("dialog", lambda dialog: (visit.problems.append(f"dialog: {dialog.message}"),
                                      dialog.dismiss()))
    page.goto(visit.url, wait_until="load")
    return visit
