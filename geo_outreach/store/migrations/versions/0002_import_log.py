"""The import log: every attempt to import a month, stored, unchanged or refused.

Revision ID: 0002_import_log
Revises: 0001_monthly_snapshots
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_import_log"
down_revision = "0001_monthly_snapshots"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the log and record the imports already stored as ``stored``."""
    log = op.create_table(
        "import_log",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("month", sa.String(7), nullable=False),
        sa.Column("file_name", sa.String(500), nullable=False),
        sa.Column("file_sha256", sa.String(64), nullable=False),
        sa.Column("imported_by", sa.String(200), nullable=False),
        sa.Column("outcome", sa.String(20), nullable=False),
        sa.Column("import_id", sa.Integer, sa.ForeignKey("snapshot_imports.id"),
                  nullable=True),
        sa.Column("detail", sa.String(1000), nullable=False, server_default=""),
    )
    imports = sa.table("snapshot_imports", sa.column("id"), sa.column("month"),
                       sa.column("file_name"), sa.column("file_sha256"),
                       sa.column("imported_by"), sa.column("imported_at"))
    op.execute(log.insert().from_select(
        ["at", "month", "file_name", "file_sha256", "imported_by", "outcome", "import_id"],
        sa.select(imports.c.imported_at, imports.c.month, imports.c.file_name,
                  imports.c.file_sha256, imports.c.imported_by, sa.literal("stored"),
                  imports.c.id)))


def downgrade() -> None:
    """Drop the log."""
    op.drop_table("import_log")
