"""The public's voice as data (issue 11): IKM answer counts, SP4N-LAPOR! complaints and the
holiday calendar that working days skip.

- ``ikm_counts``: per unit, service, period and IKM element (U1-U9) the number of answers
  1, 2, 3 and 4; respondents' rows are never stored;
- ``complaints``: one row per LAPOR! report id, with the times of its steps (UTC);
- ``holidays``: national holidays and cuti bersama, kept by HR (``asn-ambon libur
  import``); no rows are seeded: the calendar is data HR imports each year
  (``examples/hari-libur-2026.csv`` for 2026).

Downgrading drops the three tables and their data.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ikm_counts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("unit_code", sa.String(32), sa.ForeignKey("units.code"), nullable=False),
        sa.Column("service", sa.String(200), nullable=False),
        sa.Column("period", sa.String(16), nullable=False),
        sa.Column("element", sa.String(4), nullable=False),
        sa.Column("answers_1", sa.Integer, nullable=False),
        sa.Column("answers_2", sa.Integer, nullable=False),
        sa.Column("answers_3", sa.Integer, nullable=False),
        sa.Column("answers_4", sa.Integer, nullable=False),
        sa.Column("imported_at", sa.DateTime, nullable=False),
        sa.UniqueConstraint("unit_code", "service", "period", "element"),
    )
    op.create_index("ix_ikm_counts_unit_code", "ikm_counts", ["unit_code"])
    op.create_index("ix_ikm_counts_period", "ikm_counts", ["period"])
    op.create_table(
        "complaints",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("unit_code", sa.String(32), sa.ForeignKey("units.code"), nullable=False),
        sa.Column("category", sa.String(200), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("received_at", sa.DateTime, nullable=False),
        sa.Column("verified_at", sa.DateTime, nullable=True),
        sa.Column("followed_up_at", sa.DateTime, nullable=True),
        sa.Column("closed_at", sa.DateTime, nullable=True),
        sa.Column("imported_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_complaints_unit_code", "complaints", ["unit_code"])
    op.create_index("ix_complaints_received_at", "complaints", ["received_at"])
    op.create_table(
        "holidays",
        sa.Column("day", sa.Date, primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("holidays")
    op.drop_index("ix_complaints_received_at", table_name="complaints")
    op.drop_index("ix_complaints_unit_code", table_name="complaints")
    op.drop_table("complaints")
    op.drop_index("ix_ikm_counts_period", table_name="ikm_counts")
    op.drop_index("ix_ikm_counts_unit_code", table_name="ikm_counts")
    op.drop_table("ikm_counts")
