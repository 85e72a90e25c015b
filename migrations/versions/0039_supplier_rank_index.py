"""supplier rank index: a covering index on supplier matches (supplier rank, organisation,
score), so an opportunity's save reads each supplier's N-th score from the index alone
instead of scanning about ten wide rows a supplier (issue 21).

Revision ID: 0039_supplier_rank_index
Revises: 0038_offer_opportunity_ranks
Create Date: 2026-12-05 15:35:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0039_supplier_rank_index"
down_revision = "0038_offer_opportunity_ranks"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("supplier_matches", schema=None) as batch_op:
        batch_op.create_index(
            "ix_supplier_matches_supplier_rank_score",
            ["supplier_rank", "organisation_id", "score"],
            unique=False,
        )


def downgrade():
    with op.batch_alter_table("supplier_matches", schema=None) as batch_op:
        batch_op.drop_index("ix_supplier_matches_supplier_rank_score")
