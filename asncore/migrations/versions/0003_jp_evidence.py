"""JP from evidence the server controls (issue 10): re-evaluate module credits given under
the old rule.

Until this revision the competency service credited a module's JP as soon as a "lesson
done" event had arrived for each of its lessons, and events are whatever the learner's
token posts: one request could credit every module. The rule now (documented in
``services/kompetensi/progress.py``) asks for every declared exercise answered, real
server-side time between the module's first and last events, and a passed post-test.

A migration cannot judge that rule itself (the declared exercises and minutes live in the
published notebooks and module.yaml, the pass mark in the settings), so this revision:

1. creates ``jp_credit_reviews``;
2. moves every module credit of the ledger (``kind = 'platform'``, ``source_ref`` starting
   with ``modul:``) into it, with its year, dates, JP and creation time, ``outcome =
   'pending'``, and deletes it from ``jp_ledger``; HR-recorded activities are untouched;
3. leaves the re-evaluation to the service: at its start it looks at every learner with a
   post-test (and afterwards on every event, progress read and post-test sync); a pending
   credit whose evidence now meets the rule goes back to the ledger with its original
   year, dates and JP and its review row becomes ``recredited``. The progress events kept
   from before carry the server's own ``received_at``, so they are valid evidence.

A credit whose evidence never meets the rule stays out of the ledger; HR sees it in
``jp_credit_reviews`` (outcome ``pending``). Downgrading puts the pending credits back into
the ledger and drops the table.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01
"""

import datetime as dt

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

OLD_RULE = "kind = 'platform' AND source_ref LIKE 'modul:%'"
COLUMNS = "username, source_ref, year, activity, provider, jp, start_date, end_date"


def upgrade() -> None:
    op.create_table(
        "jp_credit_reviews",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("source_ref", sa.String(120), nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("activity", sa.String(200), nullable=False),
        sa.Column("provider", sa.String(200), nullable=False),
        sa.Column("jp", sa.Float, nullable=False),
        sa.Column("start_date", sa.Date, nullable=False),
        sa.Column("end_date", sa.Date, nullable=False),
        sa.Column("credited_at", sa.DateTime, nullable=False),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("reviewed_at", sa.DateTime, nullable=False),
        sa.UniqueConstraint("username", "source_ref"),
    )
    op.create_index("ix_jp_credit_reviews_username", "jp_credit_reviews", ["username"])
    conn = op.get_bind()
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    conn.execute(
        sa.text(f"INSERT INTO jp_credit_reviews ({COLUMNS}, credited_at, outcome, reviewed_at) "
                f"SELECT {COLUMNS}, COALESCE(created_at, :now), 'pending', :now "
                f"FROM jp_ledger WHERE {OLD_RULE}"),
        {"now": now},
    )
    conn.execute(sa.text(f"DELETE FROM jp_ledger WHERE {OLD_RULE}"))


def downgrade() -> None:
    conn = op.get_bind()
    conn.execute(
        sa.text(f"INSERT INTO jp_ledger ({COLUMNS}, kind, created_at) "
                f"SELECT {COLUMNS}, 'platform', credited_at FROM jp_credit_reviews r "
                "WHERE r.outcome = 'pending' AND NOT EXISTS (SELECT 1 FROM jp_ledger l "
                "WHERE l.username = r.username AND l.source_ref = r.source_ref)"),
    )
    op.drop_index("ix_jp_credit_reviews_username", table_name="jp_credit_reviews")
    op.drop_table("jp_credit_reviews")
