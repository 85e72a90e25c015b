"""stored matches: one row per offer and opportunity or need, with its scores, reasons
(null until stored: rebuilds store none; they are worked out when a match is shown),
the policy version that scored it, its ranks on each side, and its workflow state

Revision ID: 0011_matches
Revises: 0014_notifications
Create Date: 2026-11-25

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0011_matches"
down_revision = "0014_notifications"
branch_labels = None
depends_on = None

SCORES = ("score", "location_score", "toms_score", "fit_score")
STATES = (
    "suggested",
    "interest_expressed",
    "in_discussion",
    "agreed",
    "delivered",
    "verified",
    "declined",
    "withdrawn",
    "expired",
)


def upgrade():
    op.create_table(
        "matches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("offer_id", sa.Integer(), nullable=False),
        sa.Column("opportunity_id", sa.Integer(), nullable=True),
        sa.Column("need_id", sa.Integer(), nullable=True),
        *(sa.Column(name, sa.Float(), nullable=False) for name in SCORES),
        sa.Column("distance_m", sa.Float(), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=True),
        sa.Column("policy_version", sa.Integer(), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("seeker_rank", sa.Integer(), nullable=True),
        sa.Column("offer_rank", sa.Integer(), nullable=True),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "(opportunity_id IS NULL) <> (need_id IS NULL)", name=op.f("ck_matches_one_seeker")
        ),
        *(
            sa.CheckConstraint(
                f"{name} >= 0 AND {name} <= 1", name=op.f(f"ck_matches_{name}_in_range")
            )
            for name in SCORES
        ),
        sa.CheckConstraint("distance_m >= 0", name=op.f("ck_matches_distance_not_negative")),
        sa.CheckConstraint(
            "seeker_rank >= 1 AND offer_rank >= 1", name=op.f("ck_matches_ranks_from_one")
        ),
        sa.CheckConstraint(
            "state IN ({})".format(", ".join(f"'{state}'" for state in STATES)),
            name=op.f("ck_matches_state_known"),
        ),
        sa.ForeignKeyConstraint(
            ["offer_id"],
            ["offers.id"],
            name=op.f("fk_matches_offer_id_offers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["opportunity_id"],
            ["opportunities.id"],
            name=op.f("fk_matches_opportunity_id_opportunities"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["need_id"],
            ["needs.id"],
            name=op.f("fk_matches_need_id_needs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_matches")),
        sa.UniqueConstraint("offer_id", "opportunity_id", name="uq_matches_offer_opportunity"),
        sa.UniqueConstraint("offer_id", "need_id", name="uq_matches_offer_need"),
    )
    with op.batch_alter_table("matches", schema=None) as batch_op:
        batch_op.create_index("ix_matches_opportunity_best", ["opportunity_id", "score"])
        batch_op.create_index("ix_matches_need_best", ["need_id", "score"])
        batch_op.create_index("ix_matches_offer_best", ["offer_id", "score"])


def downgrade():
    with op.batch_alter_table("matches", schema=None) as batch_op:
        batch_op.drop_index("ix_matches_offer_best")
        batch_op.drop_index("ix_matches_need_best")
        batch_op.drop_index("ix_matches_opportunity_best")
    op.drop_table("matches")
