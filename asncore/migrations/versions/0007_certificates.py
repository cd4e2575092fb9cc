"""E-certificates (issue 12, point 6): one per module credit, with a random public number.

- ``certificates``: number (unique, public), person and ``source_ref`` (``modul:<id>``, one
  per person and module), and what is printed: name, NIP, module title, JP, completion
  date; ``issued_at``. The rules are in ``asncore/certificates.py``.

Credits already in the ledger get their certificate here, not lazily: HR's pages and
downloads show the numbers at once and every existing credit is verifiable. For each
ledger row of kind ``platform`` with ``source_ref`` ``modul:%`` whose owner is in the roster,
this revision inserts a certificate (name and NIP from ``employees``, title from the
credit's activity without its ``E-learning: `` prefix, JP and end date from the credit) and
writes its number into the credit's empty ``certificate_no``. A credit whose owner is not
in the roster gets its certificate when the owner is (``certificates.issue_missing``).
The number generator is frozen here (same format: ``ASN-AMB-<year>-XXXX-XXXX``, 40 random
bits from :mod:`secrets`), never imported from live code.

Downgrading empties the ``certificate_no`` it filled and drops the table.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05
"""

from __future__ import annotations

import datetime as dt
import secrets

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
WIT = dt.timezone(dt.timedelta(hours=9))


def _number(year: int, taken: set[str]) -> str:
    while True:
        groups = ["".join(secrets.choice(ALPHABET) for _ in range(4)) for _ in range(2)]
        number = f"ASN-AMB-{year:04d}-{groups[0]}-{groups[1]}"
        if number not in taken:
            taken.add(number)
            return number


def upgrade() -> None:
    op.create_table(
        "certificates",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("number", sa.String(32), nullable=False),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("source_ref", sa.String(120), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("nip", sa.String(18), nullable=False),
        sa.Column("module_title", sa.String(200), nullable=False),
        sa.Column("jp", sa.Float, nullable=False),
        sa.Column("completed_on", sa.Date, nullable=False),
        sa.Column("issued_at", sa.DateTime, nullable=False),
        sa.UniqueConstraint("number"),
        sa.UniqueConstraint("username", "source_ref"),
    )
    op.create_index("ix_certificates_username", "certificates", ["username"])
    conn = op.get_bind()
    now = dt.datetime.now(dt.UTC)
    issued_at, year = now.replace(tzinfo=None), now.astimezone(WIT).year
    credits = conn.execute(sa.text(
        "SELECT l.id, l.username, l.source_ref, l.activity, l.jp, l.end_date, e.name, e.nip "
        "FROM jp_ledger l JOIN employees e ON e.username = l.username "
        "WHERE l.kind = 'platform' AND l.source_ref LIKE 'modul:%' ORDER BY l.id")).all()
    taken: set[str] = set()
    for entry_id, username, ref, activity, jp, end_date, name, nip in credits:
        number = _number(year, taken)
        title = activity.removeprefix("E-learning: ")
        conn.execute(sa.text(
            "INSERT INTO certificates (number, username, source_ref, name, nip, module_title, "
            "jp, completed_on, issued_at) VALUES (:number, :username, :ref, :name, :nip, "
            ":title, :jp, :end_date, :issued_at)"),
            {"number": number, "username": username, "ref": ref, "name": name, "nip": nip,
             "title": title, "jp": jp, "end_date": end_date, "issued_at": issued_at})
        conn.execute(sa.text(
            "UPDATE jp_ledger SET certificate_no = :number "
            "WHERE id = :id AND certificate_no IS NULL"), {"number": number, "id": entry_id})


def downgrade() -> None:
    op.get_bind().execute(sa.text(
        "UPDATE jp_ledger SET certificate_no = NULL "
        "WHERE certificate_no IN (SELECT number FROM certificates)"))
    op.drop_index("ix_certificates_username", table_name="certificates")
    op.drop_table("certificates")
