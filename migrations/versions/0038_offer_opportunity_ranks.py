"""supplier rankings: that a published opportunity's suppliers were ranked and stored (by
which policy, when), even if none qualified, so its page reads that from storage instead of
ranking again on every view; filled from the rankings already stored. (An offer's own top
opportunities, `matches.offer_rank` for opportunities, need no change of schema.)

Revision ID: 0038_offer_opportunity_ranks
Revises: 0037_changed_rows
Create Date: 2026-12-05 10:40:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0038_offer_opportunity_ranks"
down_revision = "0037_changed_rows"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "supplier_rankings",
        sa.Column("opportunity_id", sa.Integer(), nullable=False),
        sa.Column("policy_version", sa.Integer(), nullable=False),
        sa.Column("ranked_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["opportunity_id"],
            ["opportunities.id"],
            name=op.f("fk_supplier_rankings_opportunity_id_opportunities"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("opportunity_id", name=op.f("pk_supplier_rankings")),
    )
    op.execute(
        "INSERT INTO supplier_rankings (opportunity_id, policy_version, ranked_at) "
        "SELECT opportunity_id, MAX(policy_version), MAX(computed_at) FROM supplier_matches "
        "WHERE opportunity_rank IS NOT NULL GROUP BY opportunity_id"
    )


def downgrade():
    op.drop_table("supplier_rankings")
