"""The first release's schema: roster, log-in failures, progress, JP ledger, item scores.

Revision ID: 0001
Revises:
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "units",
        sa.Column("code", sa.String(32), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
    )
    op.create_table(
        "employees",
        sa.Column("username", sa.String(64), primary_key=True),
        sa.Column("nip", sa.String(18), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("unit_code", sa.String(32), sa.ForeignKey("units.code"), nullable=False),
        sa.Column("position", sa.String(200), nullable=False),
        sa.Column("position_type", sa.String(40), nullable=False),
        sa.Column("grade", sa.String(10), nullable=False),
        sa.Column("status", sa.String(8), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("courses", sa.String(400), nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_employees_nip", "employees", ["nip"], unique=True)
    op.create_index("ix_employees_unit_code", "employees", ["unit_code"])
    op.create_table(
        "login_failures",
        sa.Column("username", sa.String(64), primary_key=True),
        sa.Column("count", sa.Integer, nullable=False),
        sa.Column("last_failure", sa.DateTime, nullable=False),
    )
    op.create_table(
        "progress_events",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("event_id", sa.String(64), nullable=False, unique=True),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("module", sa.String(64), nullable=False),
        sa.Column("lesson", sa.String(64), nullable=False),
        sa.Column("exercise", sa.String(64), nullable=True),
        sa.Column("score", sa.Float, nullable=False),
        sa.Column("duration_s", sa.Float, nullable=False),
        sa.Column("client_ts", sa.String(40), nullable=False),
        sa.Column("received_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_progress_events_username", "progress_events", ["username"])
    op.create_index("ix_progress_events_module", "progress_events", ["module"])
    op.create_table(
        "jp_ledger",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("activity", sa.String(200), nullable=False),
        sa.Column("provider", sa.String(200), nullable=False),
        sa.Column("jp", sa.Float, nullable=False),
        sa.Column("source_ref", sa.String(120), nullable=False),
        sa.Column("start_date", sa.Date, nullable=False),
        sa.Column("end_date", sa.Date, nullable=False),
        sa.Column("certificate_no", sa.String(120), nullable=True),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.UniqueConstraint("username", "source_ref"),
    )
    op.create_index("ix_jp_ledger_username", "jp_ledger", ["username"])
    op.create_index("ix_jp_ledger_year", "jp_ledger", ["year"])
    op.create_table(
        "item_scores",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("course", sa.String(64), nullable=False),
        sa.Column("assignment", sa.String(64), nullable=False),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("notebook", sa.String(128), nullable=False),
        sa.Column("grade_id", sa.String(128), nullable=False),
        sa.Column("competency", sa.String(32), nullable=False),
        sa.Column("level", sa.Integer, nullable=False),
        sa.Column("score", sa.Float, nullable=False),
        sa.Column("max_score", sa.Float, nullable=False),
        sa.Column("needs_manual", sa.Boolean, nullable=False),
        sa.Column("synced_at", sa.DateTime, nullable=False),
        sa.UniqueConstraint("course", "assignment", "username", "notebook", "grade_id"),
    )
    op.create_index("ix_item_scores_course", "item_scores", ["course"])
    op.create_index("ix_item_scores_username", "item_scores", ["username"])
    op.create_index("ix_item_scores_competency", "item_scores", ["competency"])


def downgrade() -> None:
    for table in ("item_scores", "jp_ledger", "progress_events", "login_failures", "employees", "units"):
        op.drop_table(table)
