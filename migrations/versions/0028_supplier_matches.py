"""supplier matches: an opportunity's stored suppliers, ranked as organisations, with the
offers that gave credit; kept while in the opportunity's or the supplier's top N

Revision ID: 0028_supplier_matches
Revises: 0026_topic_versions
Create Date: 2026-12-05 03:30:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0028_supplier_matches"
down_revision = "0026_topic_versions"
branch_labels = None
depends_on = None

SCORE_COLUMNS = (
    "score",
    "trade_score",
    "social_value_score",
    "place_score",
    "supplier_score",
    "size_factor",
)


def upgrade():
    op.create_table(
        "supplier_matches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("opportunity_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        *(sa.Column(name, sa.Float(), nullable=False) for name in SCORE_COLUMNS),
        sa.Column("distance_m", sa.Float(), nullable=True),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("offer_ids", sa.JSON(), nullable=False),
        sa.Column("policy_version", sa.Integer(), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("opportunity_rank", sa.Integer(), nullable=True),
        sa.Column("supplier_rank", sa.Integer(), nullable=True),
        *(
            sa.CheckConstraint(
                f"{name} >= 0 AND {name} <= 1",
                name=op.f(f"ck_supplier_matches_{name}_in_range"),
            )
            for name in SCORE_COLUMNS
        ),
        sa.CheckConstraint(
            "distance_m >= 0", name=op.f("ck_supplier_matches_distance_not_negative")
        ),
        sa.CheckConstraint(
            "opportunity_rank >= 1 AND supplier_rank >= 1",
            name=op.f("ck_supplier_matches_ranks_from_one"),
        ),
        sa.CheckConstraint(
            "opportunity_rank IS NOT NULL OR supplier_rank IS NOT NULL",
            name=op.f("ck_supplier_matches_ranked_somewhere"),
        ),
        sa.ForeignKeyConstraint(
            ["opportunity_id"],
            ["opportunities.id"],
            name=op.f("fk_supplier_matches_opportunity_id_opportunities"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_supplier_matches_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_supplier_matches")),
        sa.UniqueConstraint(
            "opportunity_id",
            "organisation_id",
            name=op.f("uq_supplier_matches_opportunity_supplier"),
        ),
    )
    with op.batch_alter_table("supplier_matches", schema=None) as batch_op:
        batch_op.create_index(
            "ix_supplier_matches_opportunity_rank", ["opportunity_id", "opportunity_rank"]
        )
        batch_op.create_index(
            "ix_supplier_matches_organisation_rank", ["organisation_id", "supplier_rank"]
        )


def downgrade():
    with op.batch_alter_table("supplier_matches", schema=None) as batch_op:
        batch_op.drop_index("ix_supplier_matches_organisation_rank")
        batch_op.drop_index("ix_supplier_matches_opportunity_rank")
    op.drop_table("supplier_matches")
