"""Field outcomes: the plans sent out, their stops and days, and what came back.

Revision ID: 0003_field_outcomes
Revises: 0002_import_log
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_field_outcomes"
down_revision = "0002_import_log"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the plan, stop, route, import and outcome tables."""
    op.create_table(
        "field_plans",
        sa.Column("plan_id", sa.String(80), primary_key=True),
        sa.Column("office_id", sa.String(100), nullable=False, index=True),
        sa.Column("office_name", sa.String(300), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("start_date", sa.Date, nullable=True),
        sa.Column("teams", sa.Integer, nullable=False),
        sa.Column("days", sa.Integer, nullable=False),
        sa.Column("settings", sa.Text, nullable=False),
        sa.Column("boundaries_sha256", sa.String(64), nullable=False),
        sa.Column("tool_version", sa.String(50), nullable=False),
        sa.Column("is_demo", sa.Boolean, nullable=False),
    )
    op.create_table(
        "field_plan_stops",
        sa.Column("plan_id", sa.String(80),
               sa.ForeignKey("field_plans.plan_id", ondelete="CASCADE"), primary_key=True),
        sa.Column("stop_id", sa.String(120), primary_key=True),
        sa.Column("team", sa.Integer, nullable=False),
        sa.Column("day", sa.Integer, nullable=False),
        sa.Column("visit_order", sa.Integer, nullable=False),
        sa.Column("planned_on", sa.Date, nullable=True),
        sa.Column("code", sa.String(20), nullable=False),
        sa.Column("village", sa.String(300), nullable=False),
        sa.Column("label", sa.String(300), nullable=False),
        sa.Column("households", sa.Integer, nullable=False),
        sa.Column("uncovered_workers", sa.Float, nullable=True),
        sa.Column("lat", sa.Float, nullable=False),
        sa.Column("lon", sa.Float, nullable=False),
    )
    op.create_table(
        "field_plan_routes",
        sa.Column("plan_id", sa.String(80),
               sa.ForeignKey("field_plans.plan_id", ondelete="CASCADE"), primary_key=True),
        sa.Column("day", sa.Integer, primary_key=True),
        sa.Column("team", sa.Integer, primary_key=True),
        sa.Column("stops", sa.Integer, nullable=False),
        sa.Column("households", sa.Integer, nullable=False),
        sa.Column("planned_min", sa.Float, nullable=False),
        sa.Column("distance_km", sa.Float, nullable=False),
    )
    op.create_table(
        "outcome_imports",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("file_name", sa.String(500), nullable=False),
        sa.Column("file_sha256", sa.String(64), nullable=False),
        sa.Column("file_format", sa.String(20), nullable=False),
        sa.Column("imported_by", sa.String(200), nullable=False),
        sa.Column("rows_read", sa.Integer, nullable=False),
        sa.Column("stored", sa.Integer, nullable=False),
        sa.Column("already_stored", sa.Integer, nullable=False),
        sa.Column("rejected", sa.Integer, nullable=False),
        sa.Column("tool_version", sa.String(50), nullable=False),
    )
    op.create_table(
        "field_outcomes",
        sa.Column("submission_id", sa.String(200), primary_key=True),
        sa.Column("plan_id", sa.String(80), sa.ForeignKey("field_plans.plan_id"),
               nullable=False, index=True),
        sa.Column("stop_id", sa.String(120), nullable=False),
        sa.Column("code", sa.String(20), nullable=False, index=True),
        sa.Column("team", sa.Integer, nullable=True),
        sa.Column("visited_on", sa.Date, nullable=False),
        sa.Column("outcome", sa.String(40), nullable=False),
        sa.Column("come_back_on", sa.Date, nullable=True),
        sa.Column("households", sa.Integer, nullable=False),
        sa.Column("workers_living", sa.Integer, nullable=True),
        sa.Column("workers_registered", sa.Integer, nullable=False),
        sa.Column("segment", sa.String(20), nullable=False),
        sa.Column("lat", sa.Float, nullable=True),
        sa.Column("lon", sa.Float, nullable=True),
        sa.Column("accuracy_m", sa.Float, nullable=True),
        sa.Column("gps_distance_m", sa.Float, nullable=True),
        sa.Column("gps_status", sa.String(20), nullable=False),
        sa.Column("started_at", sa.String(40), nullable=False),
        sa.Column("ended_at", sa.String(40), nullable=False),
        sa.Column("note", sa.String(2000), nullable=False),
        sa.Column("content_sha256", sa.String(64), nullable=False),
        sa.Column("import_id", sa.Integer, sa.ForeignKey("outcome_imports.id"), nullable=False),
    )


def downgrade() -> None:
    """Drop the field tables."""
    for table in ("field_outcomes", "outcome_imports", "field_plan_routes", "field_plan_stops",
                  "field_plans"):
        op.drop_table(table)
