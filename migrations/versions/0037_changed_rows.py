"""changed rows: a row-level log of what each commit wrote to the listings, organisations,
TOMs and charter topics, so a process keeping the published world loaded patches only the
rows that changed since it last read (brokerage/changes.py, brokerage/matches/kept.py)

Revision ID: 0037_changed_rows
Revises: 0036_partnership_districts
Create Date: 2026-12-05 10:40:00

"""

import secrets

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0037_changed_rows"
down_revision = "0036_partnership_districts"
branch_labels = None
depends_on = None


def upgrade():
    table = op.create_table(
        "changed_rows",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.Column("topic", sa.String(length=40), nullable=False),
        sa.Column("table_name", sa.String(length=60), nullable=True),
        sa.Column("row_id", sa.Integer(), nullable=True),
        sa.Column("links", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_changed_rows")),
    )
    # The log is never empty (pruning keeps the newest row): a reader always has a row to
    # start from, and a start that has gone means a full reload.
    op.bulk_insert(
        table,
        [{"version": secrets.randbits(62), "topic": "start", "links": {}}],
    )


def downgrade():
    op.drop_table("changed_rows")
