"""charter sign-ups reserve nothing: a sign-up keeps the organisation's details as
submitted, links an organisation only once staff approve it, and may be flagged as a
possible duplicate of another signee

Existing sign-ups keep their organisation and take its name, kind and postcode.

Revision ID: 0022_signee_names
Revises: 0021_token_expiry
Create Date: 2026-12-05 00:10:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0022_signee_names"
down_revision = "0021_token_expiry"
branch_labels = None
depends_on = None

KINDS = "organisation_kind IN ('buyer', 'supplier', 'beneficiary', 'partner')"


def upgrade():
    with op.batch_alter_table("charter_signees", schema=None) as batch_op:
        batch_op.add_column(sa.Column("organisation_name", sa.String(length=160), nullable=True))
        batch_op.add_column(sa.Column("organisation_kind", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("postcode", sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column("possible_duplicate_of_id", sa.Integer(), nullable=True))
    op.execute(
        "UPDATE charter_signees SET "
        "organisation_name = (SELECT o.name FROM organisations o WHERE o.id = organisation_id), "
        "organisation_kind = (SELECT o.kind FROM organisations o WHERE o.id = organisation_id), "
        "postcode = (SELECT o.postcode FROM organisations o WHERE o.id = organisation_id)"
    )
    with op.batch_alter_table("charter_signees", schema=None) as batch_op:
        batch_op.alter_column("organisation_name", existing_type=sa.String(160), nullable=False)
        batch_op.alter_column("organisation_kind", existing_type=sa.String(20), nullable=False)
        batch_op.alter_column("postcode", existing_type=sa.String(8), nullable=False)
        batch_op.alter_column("organisation_id", existing_type=sa.Integer(), nullable=True)
        batch_op.create_foreign_key(
            batch_op.f("fk_charter_signees_possible_duplicate_of_id_charter_signees"),
            "charter_signees",
            ["possible_duplicate_of_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.create_index(
            batch_op.f("ix_charter_signees_possible_duplicate_of_id"),
            ["possible_duplicate_of_id"],
            unique=False,
        )
        batch_op.create_check_constraint(batch_op.f("ck_charter_signees_kind_known"), KINDS)
        batch_op.create_check_constraint(
            batch_op.f("ck_charter_signees_approved_has_organisation"),
            "status != 'approved' OR organisation_id IS NOT NULL",
        )


def downgrade():
    # Sign-ups never approved have no organisation to go back to.
    op.execute("DELETE FROM charter_signees WHERE organisation_id IS NULL")
    with op.batch_alter_table("charter_signees", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("ck_charter_signees_approved_has_organisation"), type_="check"
        )
        batch_op.drop_constraint(batch_op.f("ck_charter_signees_kind_known"), type_="check")
        batch_op.drop_index(batch_op.f("ix_charter_signees_possible_duplicate_of_id"))
        batch_op.drop_constraint(
            batch_op.f("fk_charter_signees_possible_duplicate_of_id_charter_signees"),
            type_="foreignkey",
        )
        batch_op.alter_column("organisation_id", existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column("possible_duplicate_of_id")
        batch_op.drop_column("postcode")
        batch_op.drop_column("organisation_kind")
        batch_op.drop_column("organisation_name")
