"""
The store's schema (SQLAlchemy Core): what the migrations build and the queries use.

- ``snapshot_imports``: one row per imported file and month: who, when, which file
  (name and sha256), which boundaries it was matched against (their sha256 and code list),
  the tool's version, DEMO or not, and — once replaced — by which import and when.
- ``snapshot_villages``: one row per village of an import: the counts as matched.
- ``current_snapshots``: per month the import in force. Its primary key is the month, so
  a month never holds two, whatever runs at the same time.
- ``import_log``: every attempt to import a month, whatever came of it (revision 0002).
- ``field_plans``, ``field_plan_stops``, ``field_plan_routes``: the canvassing plans sent
  out, their stops and each team's day; ``field_outcomes``: what came back, one row per
  submission; ``outcome_imports``: every field export imported (revision 0003).
"""

from __future__ import annotations

from typing import Final

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
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

# --- field outcomes (revision 0003) --------------------------------------------------

PLAN_ID_LENGTH: Final = 80

field_plans = Table(
    "field_plans", metadata,
    Column("plan_id", String(PLAN_ID_LENGTH), primary_key=True),
    Column("office_id", String(100), nullable=False, index=True),
    Column("office_name", String(300), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("created_by", String(200), nullable=False),
    Column("start_date", Date, nullable=True),
    Column("teams", Integer, nullable=False),
    Column("days", Integer, nullable=False),
    Column("settings", Text, nullable=False),
    Column("boundaries_sha256", String(64), nullable=False),
    Column("tool_version", String(50), nullable=False),
    Column("is_demo", Boolean, nullable=False),
)
"""One row per canvassing plan sent out: whose, when, for which days, with which settings
(JSON)."""

field_plan_stops = Table(
    "field_plan_stops", metadata,
    Column("plan_id", String(PLAN_ID_LENGTH),
           ForeignKey("field_plans.plan_id", ondelete="CASCADE"), primary_key=True),
    Column("stop_id", String(120), primary_key=True),
    Column("team", Integer, nullable=False),
    Column("day", Integer, nullable=False),
    Column("visit_order", Integer, nullable=False),
    Column("planned_on", Date, nullable=True),
    Column("code", String(20), nullable=False),
    Column("village", String(300), nullable=False),
    Column("label", String(300), nullable=False),
    Column("households", Integer, nullable=False),
    Column("uncovered_workers", Float, nullable=True),
    Column("lat", Float, nullable=False),
    Column("lon", Float, nullable=False),
)
"""The stops of a plan, each with its team, day, place and households to visit, and its
village's uncovered workers when the plan was made (to spot impossible registrations)."""

field_plan_routes = Table(
    "field_plan_routes", metadata,
    Column("plan_id", String(PLAN_ID_LENGTH),
           ForeignKey("field_plans.plan_id", ondelete="CASCADE"), primary_key=True),
    Column("day", Integer, primary_key=True),
    Column("team", Integer, primary_key=True),
    Column("stops", Integer, nullable=False),
    Column("households", Integer, nullable=False),
    Column("planned_min", Float, nullable=False),
    Column("distance_km", Float, nullable=False),
)
"""Each team's planned day: stops, households and minutes (travel + visits)."""

outcome_imports = Table(
    "outcome_imports", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("file_name", String(500), nullable=False),
    Column("file_sha256", String(64), nullable=False),
    Column("file_format", String(20), nullable=False),
    Column("imported_by", String(200), nullable=False),
    Column("rows_read", Integer, nullable=False),
    Column("stored", Integer, nullable=False),
    Column("already_stored", Integer, nullable=False),
    Column("rejected", Integer, nullable=False),
    Column("tool_version", String(50), nullable=False),
)
"""Every import of a field export: the file, who, and what came of its rows."""

field_outcomes = Table(
    "field_outcomes", metadata,
    Column("submission_id", String(200), primary_key=True),
    Column("plan_id", String(PLAN_ID_LENGTH), ForeignKey("field_plans.plan_id"),
           nullable=False, index=True),
    Column("stop_id", String(120), nullable=False),
    Column("code", String(20), nullable=False, index=True),
    Column("team", Integer, nullable=True),
    Column("visited_on", Date, nullable=False),
    Column("outcome", String(40), nullable=False),
    Column("come_back_on", Date, nullable=True),
    Column("households", Integer, nullable=False),
    Column("workers_living", Integer, nullable=True),
    Column("workers_registered", Integer, nullable=False),
    Column("segment", String(20), nullable=False),
    Column("lat", Float, nullable=True),
    Column("lon", Float, nullable=True),
    Column("accuracy_m", Float, nullable=True),
    Column("gps_distance_m", Float, nullable=True),
    Column("gps_status", String(20), nullable=False),
    Column("started_at", String(40), nullable=False),
    Column("ended_at", String(40), nullable=False),
    Column("note", String(2000), nullable=False),
    Column("content_sha256", String(64), nullable=False),
    Column("import_id", Integer, ForeignKey("outcome_imports.id"), nullable=False),
)
"""One row per field submission, stored once by its submission id (the export's
instance id): what happened at the stop, where the phone was, and the GPS check."""
