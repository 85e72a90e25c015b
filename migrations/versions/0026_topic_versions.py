"""topic versions: one row per topic that caches read, given a new version by every commit
that writes it (see brokerage/changes.py)

Revision ID: 0026_topic_versions
Revises: 0029_evidence
Create Date: 2026-12-05 03:50:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0026_topic_versions"
down_revision = "0029_evidence"
branch_labels = None
depends_on = None

# The topics as this revision knows them (brokerage.changes.TOPICS may grow: a later
# revision adds its rows).
TOPICS = (
    "organisations",
    "listings",
    "toms",
    "matches",
    "people",
    "plan",
    "charter",
    "notifications",
)


def upgrade():
    table = op.create_table(
        "topic_versions",
        sa.Column("topic", sa.String(length=40), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("topic", name=op.f("pk_topic_versions")),
    )
    op.bulk_insert(table, [{"topic": topic, "version": 0} for topic in TOPICS])


def downgrade():
    op.drop_table("topic_versions")
