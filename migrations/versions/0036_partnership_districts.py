"""partnership districts: a priority place's district is checked against the configured
partnership's districts by the form, no longer by a database constraint naming one county's

Revision ID: 0036_partnership_districts
Revises: 0028_supplier_matches
Create Date: 2026-12-05 07:40:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0036_partnership_districts"
down_revision = "0028_supplier_matches"
branch_labels = None
depends_on = None

# The districts the dropped constraint allowed, for the downgrade only.
FIRST_PARTNERSHIP_DISTRICTS = (
    "'Cherwell', 'Oxford', 'South Oxfordshire', 'Vale of White Horse', 'West Oxfordshire'"
)


def upgrade():
    with op.batch_alter_table("priority_places", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("ck_priority_places_local_authority_known"), type_="check"
        )


def downgrade():
    with op.batch_alter_table("priority_places", schema=None) as batch_op:
        batch_op.create_check_constraint(
            batch_op.f("ck_priority_places_local_authority_known"),
            f"local_authority IN ({FIRST_PARTNERSHIP_DISTRICTS})",
        )
