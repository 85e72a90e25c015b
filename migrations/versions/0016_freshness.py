"""freshness: the nudges sent about quiet matches, one per audience and quiet spell

Revision ID: 0016_freshness
Revises: 0012_charter_more
Create Date: 2026-11-25 14:30:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0016_freshness"
down_revision = "0012_charter_more"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "match_nudges",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("match_id", sa.Integer(), nullable=False),
        sa.Column("audience", sa.String(length=10), nullable=False),
        sa.Column("quiet_since", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["match_id"],
            ["matches.id"],
            name=op.f("fk_match_nudges_match_id_matches"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_match_nudges")),
        sa.UniqueConstraint(
            "match_id", "audience", "quiet_since", name=op.f("uq_match_nudges_spell")
        ),
    )
    with op.batch_alter_table("match_nudges", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_match_nudges_match_id"), ["match_id"], unique=False)


def downgrade():
    with op.batch_alter_table("match_nudges", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_match_nudges_match_id"))

    op.drop_table("match_nudges")
