"""Monthly participation snapshots: imports, their villages, the month's current import.

Revision ID: 0001_monthly_snapshots
Revises:
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001_monthly_snapshots"
down_revision = None
branch_labels = None
depends_on = None

COUNTS = ("labour_force", "employed", "participants", "pu", "bpu", "jakon", "pmi")


def upgrade() -> None:
    """Create the three snapshot tables."""
    op.create_table(
        "snapshot_imports",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("month", sa.String(7), nullable=False),
        sa.Column("file_name", sa.String(500), nullable=False),
        sa.Column("file_sha256", sa.String(64), nullable=False),
        sa.Column("rows_read", sa.Integer, nullable=False),
        sa.Column("villages", sa.Integer, nullable=False),
        sa.Column("imported_by", sa.String(200), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("boundaries_name", sa.String(500), nullable=False),
        sa.Column("boundaries_sha256", sa.String(64), nullable=False),
        sa.Column("code_list", sa.String(200), nullable=False),
        sa.Column("tool_version", sa.String(50), nullable=False),
        sa.Column("is_demo", sa.Boolean, nullable=False),
        sa.Column("replaced_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("replaced_by", sa.Integer, sa.ForeignKey("snapshot_imports.id"),
                  nullable=True),
    )
    op.create_index("ix_snapshot_imports_month", "snapshot_imports", ["month"])
    op.create_table(
        "snapshot_villages",
        sa.Column("import_id", sa.Integer,
                  sa.ForeignKey("snapshot_imports.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("code", sa.String(20), primary_key=True),
        *(sa.Column(name, sa.Float, nullable=True) for name in COUNTS),
    )
    op.create_table(
        "current_snapshots",
        sa.Column("month", sa.String(7), primary_key=True),
        sa.Column("import_id", sa.Integer, sa.ForeignKey("snapshot_imports.id"),
                  nullable=False, unique=True),
    )


def downgrade() -> None:
    """Drop the three snapshot tables."""
    op.drop_table("current_snapshots")
    op.drop_table("snapshot_villages")
    op.drop_index("ix_snapshot_imports_month", table_name="snapshot_imports")
    op.drop_table("snapshot_imports")
