"""Alembic migrations of the progress store's schema (see ``database.migrate``)."""
