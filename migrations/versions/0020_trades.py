"""trades as CPV codes and organisation types

A supplier's trades and an opportunity's are rows of CPV codes (or, from a partner's file,
the words written until staff classify them); an organisation has a type apart from its
role. Existing organisations have no type and no trades until someone gives them.

Revision ID: 0020_trades
Revises: 0019_email_confirmed
Create Date: 2026-12-05 00:04:28

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0020_trades"
down_revision = "0019_email_confirmed"
branch_labels = None
depends_on = None

# The types as this revision knows them (accounts.organisation_types at the time).
ORGANISATION_TYPE_KNOWN = (
    "organisation_type IN ('council', 'nhs', 'public_body', 'university', 'school', 'charity', "
    "'social_enterprise', 'community_group', 'housing_association', 'business')"
)


def upgrade():
    op.create_table(
        "organisation_trades",
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cpv_code", sa.String(length=8), nullable=True),
        sa.Column("written", sa.String(length=120), nullable=False),
        sa.CheckConstraint(
            "cpv_code IS NOT NULL OR written <> ''",
            name=op.f("ck_organisation_trades_code_or_words"),
        ),
        sa.CheckConstraint(
            "length(cpv_code) = 8", name=op.f("ck_organisation_trades_cpv_code_eight_digits")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_organisation_trades_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisation_trades")),
        sa.UniqueConstraint(
            "organisation_id", "cpv_code", name="uq_organisation_trades_organisation_code"
        ),
    )
    with op.batch_alter_table("organisation_trades", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_organisation_trades_organisation_id"), ["organisation_id"], unique=False
        )

    op.create_table(
        "opportunity_trades",
        sa.Column("opportunity_id", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cpv_code", sa.String(length=8), nullable=True),
        sa.Column("written", sa.String(length=120), nullable=False),
        sa.CheckConstraint(
            "cpv_code IS NOT NULL OR written <> ''",
            name=op.f("ck_opportunity_trades_code_or_words"),
        ),
        sa.CheckConstraint(
            "length(cpv_code) = 8", name=op.f("ck_opportunity_trades_cpv_code_eight_digits")
        ),
        sa.ForeignKeyConstraint(
            ["opportunity_id"],
            ["opportunities.id"],
            name=op.f("fk_opportunity_trades_opportunity_id_opportunities"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_opportunity_trades")),
        sa.UniqueConstraint(
            "opportunity_id", "cpv_code", name="uq_opportunity_trades_opportunity_code"
        ),
    )
    with op.batch_alter_table("opportunity_trades", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_opportunity_trades_opportunity_id"), ["opportunity_id"], unique=False
        )

    with op.batch_alter_table("organisations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("organisation_type", sa.String(length=30), nullable=True))
        batch_op.add_column(
            sa.Column(
                "organisation_type_written",
                sa.String(length=120),
                server_default="",
                nullable=False,
            )
        )
        batch_op.create_check_constraint(
            "organisation_type_known", sa.text(ORGANISATION_TYPE_KNOWN)
        )


def downgrade():
    with op.batch_alter_table("organisations", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_organisations_organisation_type_known"), type_="check")
        batch_op.drop_column("organisation_type_written")
        batch_op.drop_column("organisation_type")

    with op.batch_alter_table("opportunity_trades", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_opportunity_trades_opportunity_id"))

    op.drop_table("opportunity_trades")
    with op.batch_alter_table("organisation_trades", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_organisation_trades_organisation_id"))

    op.drop_table("organisation_trades")
