"""HR reports: nested units, unit history, competency dictionary, required levels,
external JP activities with proof, assessment kind and submission time of item scores.

The dictionary and required levels are seeded with the rows frozen below (HR edits them
afterwards with ``asn-ambon kamus``): managerial and socio-cultural codes of PermenPANRB
38/2017, the agency's three technical codes, and the commonly cited required level by
position type for the managerial and socio-cultural ones. These rows never change: a later
change to the dictionary is a new migration or HR's own import. Existing employees get one
unit membership row from today so reports over periods have a starting point.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27
"""

import datetime as dt

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

# Frozen seed (2026-11-27): (code, name, kind). Never import live code here.
SEED_COMPETENCIES = [
    ("M.01", "Integritas", "managerial"),
    ("M.02", "Kerjasama", "managerial"),
    ("M.03", "Komunikasi", "managerial"),
    ("M.04", "Orientasi pada Hasil", "managerial"),
    ("M.05", "Pelayanan Publik", "managerial"),
    ("M.06", "Pengembangan Diri dan Orang Lain", "managerial"),
    ("M.07", "Mengelola Perubahan", "managerial"),
    ("M.08", "Pengambilan Keputusan", "managerial"),
    ("SK.01", "Perekat Bangsa", "sociocultural"),
    ("T.SPBE", "E-Government/SPBE", "technical"),
    ("T.PENGADUAN", "Pengelolaan Pengaduan", "technical"),
    ("T.WAKTU", "Manajemen Waktu", "technical"),
]
# Required level by position type for every managerial and socio-cultural code.
SEED_REQUIRED_BY_POSITION_TYPE = [
    ("JPT Madya", 5), ("JPT Pratama", 4), ("Administrator", 3), ("Pengawas", 2), ("Pelaksana", 1),
]


def seed_competencies() -> list[dict]:
    return [{"code": c, "name": n, "kind": k, "description": ""} for c, n, k in SEED_COMPETENCIES]


def seed_required_levels() -> list[dict]:
    return [
        {"position_type": ptype, "position": "", "competency": code, "level": level}
        for ptype, level in SEED_REQUIRED_BY_POSITION_TYPE
        for code, _, kind in SEED_COMPETENCIES
        if kind in ("managerial", "sociocultural")
    ]



def upgrade() -> None:
    with op.batch_alter_table("units") as batch:
        batch.add_column(sa.Column("parent_code", sa.String(32), nullable=True))
        batch.create_foreign_key("fk_units_parent_code", "units", ["parent_code"], ["code"])
    memberships = op.create_table(
        "unit_memberships",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("unit_code", sa.String(32), nullable=False),
        sa.Column("valid_from", sa.Date, nullable=False),
        sa.UniqueConstraint("username", "valid_from"),
    )
    op.create_index("ix_unit_memberships_username", "unit_memberships", ["username"])
    competencies = op.create_table(
        "competencies",
        sa.Column("code", sa.String(32), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("description", sa.String(1000), nullable=False),
    )
    required = op.create_table(
        "required_levels",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("position_type", sa.String(40), nullable=False),
        sa.Column("position", sa.String(200), nullable=False),
        sa.Column("competency", sa.String(32), sa.ForeignKey("competencies.code"), nullable=False),
        sa.Column("level", sa.Integer, nullable=False),
        sa.UniqueConstraint("position_type", "position", "competency"),
    )
    with op.batch_alter_table("jp_ledger") as batch:
        batch.add_column(sa.Column("kind", sa.String(16), nullable=False, server_default="platform"))
        batch.add_column(sa.Column("proof", sa.String(400), nullable=True))
    with op.batch_alter_table("item_scores") as batch:
        batch.add_column(sa.Column("kind", sa.String(8), nullable=False, server_default="other"))
        batch.add_column(sa.Column("submitted_at", sa.DateTime, nullable=True))

    op.bulk_insert(competencies, seed_competencies())
    op.bulk_insert(required, seed_required_levels())
    conn = op.get_bind()
    today = dt.date.today()
    rows = conn.execute(sa.text("SELECT username, unit_code FROM employees")).all()
    if rows:
        op.bulk_insert(memberships, [
            {"username": u, "unit_code": c, "valid_from": today} for u, c in rows
        ])


def downgrade() -> None:
    with op.batch_alter_table("item_scores") as batch:
        batch.drop_column("submitted_at")
        batch.drop_column("kind")
    with op.batch_alter_table("jp_ledger") as batch:
        batch.drop_column("proof")
        batch.drop_column("kind")
    op.drop_table("required_levels")
    op.drop_table("competencies")
    op.drop_table("unit_memberships")
    with op.batch_alter_table("units") as batch:
        batch.drop_constraint("fk_units_parent_code", type_="foreignkey")
        batch.drop_column("parent_code")
