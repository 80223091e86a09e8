"""Drive the Streamlit app headless with AppTest, as a user's clicks do."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).parent.parent / "app.py")
TIMEOUT_S = 180
"""Longest wait for one script run (the first reads and analyses the bundled data)."""


def started_app() -> AppTest:
    """Run the app once on the bundled data; fail on any exception."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT_S)
    at.run()
    assert not at.exception, at.exception
    return at


def show(at: AppTest, page: str) -> None:
    """Open one of the app's pages (app_pages/<page>.py), as a click in the sidebar does."""
    at.switch_page(f"app_pages/{page}.py").run()
    assert not at.exception, at.exception
