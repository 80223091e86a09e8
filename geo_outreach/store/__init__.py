"""
The progress store: monthly participation snapshots, kept in a database.

SQLite in the user's data folder by default (no set-up), PostgreSQL on a branch or
provincial server (a database URL); the same SQLAlchemy code for both. The schema is
migrated by Alembic on first use (:func:`geo_outreach.store.database.open_store`).

Modules: :mod:`~geo_outreach.store.location` (which database), :mod:`~.database` (engine,
migrations, transactions), :mod:`~.tables` (the schema), :mod:`~.months` (month keys and
their checks), :mod:`~.snapshots` (import a month, read the series back).
"""
