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
SQLITE_SUFFIXES: Final = (".db", ".sqlite", ".sqlite3")
"""What a plain path given for the store must end in (a guard against a typo)."""


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
    chosen = (option or os.environ.get(DATABASE_ENV) or "").strip()
    if not chosen:
        return f"sqlite:///{default_database_path()}"
    if "://" not in chosen:  # a plain path to a SQLite file
        path = Path(chosen).expanduser()
        if path.suffix.lower() not in SQLITE_SUFFIXES:
            raise StoreError(f"{chosen!r} is neither a database URL nor a SQLite file name",
                             "give a file ending in .db (e.g. progress.db) or a URL such as "
                             "postgresql+psycopg://user@host/database", label="not_a_file",
                             args={"value": chosen})
        return f"sqlite:///{path.resolve()}"
    if chosen.startswith("postgres://"):  # as Heroku and some servers write it
        chosen = "postgresql://" + chosen.removeprefix("postgres://")
    try:
        url = make_url(chosen)
        url.port  # noqa: B018 - reading it checks that the port is a number
    except (ArgumentError, ValueError) as err:
        raise StoreError(f"the database URL {shown_text(chosen)!r} cannot be read ({err})",
                         "write it as sqlite:///path/to/progress.db or "
                         "postgresql+psycopg://user@host:5432/database", label="unreadable",
                         args={"value": shown_text(chosen)}) from None
    if url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:"):
        raise StoreError("an in-memory SQLite database keeps nothing once the command ends",
                         "give a file: sqlite:///path/to/progress.db", label="in_memory")
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


def shown_text(text: str) -> str:
    """
    Hide the password in a database URL that may not parse.

    Parameters
    ----------
    text
        What the user gave.

    Returns
    -------
    str
        ``user:***@host`` for ``user:secret@host``; the text as it is without one.
    """
    head, sep, rest = text.partition("://")
    if not sep or "@" not in rest:
        return text
    credentials, at, host = rest.rpartition("@")
    user = credentials.split(":", 1)[0]
    return f"{head}://{user}:***{at}{host}" if ":" in credentials else text
