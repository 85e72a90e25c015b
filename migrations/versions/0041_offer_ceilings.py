"""offer ceilings: how high a seeker left out of an offer's top N may score, so that a save
in which a ranked seeker falls but stays above it needs no rescoring of every seeker against
the offer. Empty until the next rebuild: a missing ceiling is "not known" (scored in full,
as before).

Revision ID: 0041_offer_ceilings
Revises: 0040_match_rank_index
Create Date: 2026-12-05 21:30:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0041_offer_ceilings"
down_revision = "0040_match_rank_index"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "offer_ceilings",
        sa.Column("offer_id", sa.Integer(), nullable=False),
        sa.Column("seeker_column", sa.String(length=20), nullable=False),
        sa.Column("score", sa.Float(), nullable=True),
        sa.CheckConstraint(
            "seeker_column IN ('opportunity_id', 'need_id')",
            name=op.f("ck_offer_ceilings_seeker_column_known"),
        ),
        sa.ForeignKeyConstraint(
            ["offer_id"],
            ["offers.id"],
            name=op.f("fk_offer_ceilings_offer_id_offers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("offer_id", "seeker_column", name=op.f("pk_offer_ceilings")),
    )


def downgrade():
    op.drop_table("offer_ceilings")
