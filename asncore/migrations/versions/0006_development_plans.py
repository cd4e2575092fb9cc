"""Development plans (issue 11, point 4): HR's plan per unit and evaluated period, its
items (module, person, reasons) and the module assignments an accepted plan writes.

- ``development_plans``: one per (unit, period); ``status`` draft | accepted, with who
  accepted it and when; ``target_period`` the period the plan is for;
- ``development_plan_items``: (plan, module, person) with the reasons in words;
- ``module_assignments``: one per (person, module, period), pointing at its plan.

No seed rows. Downgrading drops the three tables and their data.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "development_plans",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("unit_code", sa.String(32), sa.ForeignKey("units.code"), nullable=False),
        sa.Column("period", sa.String(16), nullable=False),
        sa.Column("target_period", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("score", sa.Float, nullable=True),
        sa.Column("reasons", sa.String(2000), nullable=False),
        sa.Column("created_by", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("accepted_by", sa.String(64), nullable=True),
        sa.Column("accepted_at", sa.DateTime, nullable=True),
        sa.UniqueConstraint("unit_code", "period"),
    )
    op.create_index("ix_development_plans_unit_code", "development_plans", ["unit_code"])
    op.create_index("ix_development_plans_period", "development_plans", ["period"])
    op.create_table(
        "development_plan_items",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("plan_id", sa.Integer,
                  sa.ForeignKey("development_plans.id", ondelete="CASCADE"), nullable=False),
        sa.Column("module", sa.String(64), nullable=False),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("reason", sa.String(1000), nullable=False),
        sa.Column("person_reason", sa.String(500), nullable=False),
        sa.UniqueConstraint("plan_id", "module", "username"),
    )
    op.create_index("ix_development_plan_items_plan_id", "development_plan_items", ["plan_id"])
    op.create_table(
        "module_assignments",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("module", sa.String(64), nullable=False),
        sa.Column("period", sa.String(16), nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("plan_id", sa.Integer,
                  sa.ForeignKey("development_plans.id", ondelete="SET NULL"), nullable=True),
        sa.Column("assigned_by", sa.String(64), nullable=False),
        sa.Column("assigned_at", sa.DateTime, nullable=False),
        sa.UniqueConstraint("username", "module", "period"),
    )
    for column in ("username", "year", "plan_id"):
        op.create_index(f"ix_module_assignments_{column}", "module_assignments", [column])


def downgrade() -> None:
    op.drop_table("module_assignments")
    op.drop_table("development_plan_items")
    op.drop_table("development_plans")
