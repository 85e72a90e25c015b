"""match rank indexes: a save reads the N-th score of every seeker's and every offer's
ranking (rank = TOP_N); these indexes cover that read, so it no longer scans the matches table.

Revision ID: 0040_match_rank_index
Revises: 0039_supplier_rank_index
Create Date: 2026-12-05 15:40:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0040_match_rank_index"
down_revision = "0039_supplier_rank_index"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        "ix_matches_seeker_nth", "matches", ["seeker_rank", "opportunity_id", "need_id", "score"]
    )
    op.create_index(
        "ix_matches_offer_nth",
        "matches",
        ["offer_rank", "opportunity_id", "need_id", "offer_id", "score"],
    )


def downgrade():
    op.drop_index("ix_matches_offer_nth", table_name="matches")
    op.drop_index("ix_matches_seeker_nth", table_name="matches")
