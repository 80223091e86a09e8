"""
Which database the store uses.

``--database URL``, else ``GEO_OUTREACH_DATABASE_URL``, else a SQLite file in the user's
data folder.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Final

import platformdirs
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from geo_outreach._errors import StoreError

DATABASE_ENV: Final = "GEO_OUTREACH_DATABASE_URL"
"""The environment variable naming the store's database (a SQLAlchemy URL)."""

DATABASE_FILE: Final = "progress.db"
"""The default SQLite file's name, in the user's data folder."""

SUPPORTED_BACKENDS: Final = ("sqlite", "postgresql")


def default_database_path() -> Path:
    """
    Give the default SQLite file: ``progress.db`` in the user's data folder.

    Returns
    -------
    Path
        On Linux ``~/.local/share/geo-outreach/progress.db``; the folder is made on first use.
    """
    return platformdirs.user_data_path("geo-outreach", appauthor=False) / DATABASE_FILE


def database_url(option: str | None = None) -> str:
    """
    Choose the store's database.

    Parameters
    ----------
    option
        The ``--database`` value, if given: a SQLAlchemy URL
        (``sqlite:///path.db``, ``postgresql+psycopg://user@host/db``) or a plain path to a
        SQLite file.

    Returns
    -------
    str
        The URL: ``option``, else ``$GEO_OUTREACH_DATABASE_URL``, else the default file.

    Raises
    ------
    StoreError
        If the URL cannot be read or names a database the store does not support.
    """
    chosen = option or os.environ.get(DATABASE_ENV) or ""
    if not chosen:
        return f"sqlite:///{default_database_path()}"
    if "://" not in chosen:  # a plain path to a SQLite file
        return f"sqlite:///{Path(chosen).expanduser().resolve()}"
    try:
        url = make_url(chosen)
    except ArgumentError as err:
        raise StoreError(f"the database URL {chosen!r} cannot be read ({err})",
                         "write it as sqlite:///path/to/progress.db or "
                         "postgresql+psycopg://user@host:5432/database") from None
    if url.get_backend_name() not in SUPPORTED_BACKENDS:
        raise StoreError(f"the database {url.get_backend_name()!r} is not supported",
                         "use SQLite (sqlite:///path.db) or PostgreSQL "
                         "(postgresql+psycopg://user@host/database)")
    if url.get_backend_name() == "postgresql" and url.drivername != "postgresql+psycopg":
        url = url.set(drivername="postgresql+psycopg")
    return url.render_as_string(hide_password=False)


def shown_url(url: str) -> str:
    """
    Write a database URL for messages and manifests: the password hidden.

    Parameters
    ----------
    url
        A SQLAlchemy URL.

    Returns
    -------
    str
        The URL with ``***`` for its password.
    """
    return make_url(url).render_as_string(hide_password=True)
