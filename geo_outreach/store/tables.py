"""
The store's schema (SQLAlchemy Core): what the migrations build and the queries use.

- ``snapshot_imports``: one row per imported file and month: who, when, which file
  (name and sha256), which boundaries it was matched against (their sha256 and code list),
  the tool's version, DEMO or not, and — once replaced — by which import and when.
- ``snapshot_villages``: one row per village of an import: the counts as matched.
- ``current_snapshots``: per month the import in force. Its primary key is the month, so
  a month never holds two, whatever runs at the same time.
- ``import_log``: every attempt to import a month, whatever came of it (revision 0002).
"""

from __future__ import annotations

from typing import Final

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
)

COUNT_COLUMNS: Final = ("labour_force", "employed", "participants", "pu", "bpu", "jakon", "pmi")
"""The counts kept per village and month, named as in the analysis."""

MONTH_LENGTH: Final = 7  # "2024-10"

metadata = MetaData()

snapshot_imports = Table(
    "snapshot_imports", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("month", String(MONTH_LENGTH), nullable=False, index=True),
    Column("file_name", String(500), nullable=False),
    Column("file_sha256", String(64), nullable=False),
    Column("rows_read", Integer, nullable=False),
    Column("villages", Integer, nullable=False),
    Column("imported_by", String(200), nullable=False),
    Column("imported_at", DateTime(timezone=True), nullable=False),
    Column("boundaries_name", String(500), nullable=False),
    Column("boundaries_sha256", String(64), nullable=False),
    Column("code_list", String(200), nullable=False),
    Column("tool_version", String(50), nullable=False),
    Column("is_demo", Boolean, nullable=False),
    Column("replaced_at", DateTime(timezone=True), nullable=True),
    Column("replaced_by", Integer, ForeignKey("snapshot_imports.id"), nullable=True),
)

snapshot_villages = Table(
    "snapshot_villages", metadata,
    Column("import_id", Integer, ForeignKey("snapshot_imports.id", ondelete="CASCADE"),
           primary_key=True),
    Column("code", String(20), primary_key=True),
    *(Column(name, Float, nullable=True) for name in COUNT_COLUMNS),
)

current_snapshots = Table(
    "current_snapshots", metadata,
    Column("month", String(MONTH_LENGTH), primary_key=True),
    Column("import_id", Integer, ForeignKey("snapshot_imports.id"), nullable=False,
           unique=True),
)

import_log = Table(
    "import_log", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("month", String(MONTH_LENGTH), nullable=False),
    Column("file_name", String(500), nullable=False),
    Column("file_sha256", String(64), nullable=False),
    Column("imported_by", String(200), nullable=False),
    Column("outcome", String(20), nullable=False),
    Column("import_id", Integer, ForeignKey("snapshot_imports.id"), nullable=True),
    Column("detail", String(1000), nullable=False, server_default=""),
)
"""Every import attempt: ``stored``, ``replaced``, ``unchanged`` or ``refused``."""
