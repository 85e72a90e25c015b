"""identifiers: an organisation's Companies House and Charity Commission numbers

Both optional, and unique when set: two organisations never share one.

Revision ID: 0023_identifiers
Revises: 0022_signee_names
Create Date: 2026-12-05 00:45:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0023_identifiers"
down_revision = "0022_signee_names"
branch_labels = None
depends_on = None

COLUMNS = ("company_number", "charity_number")


def upgrade():
    with op.batch_alter_table("organisations", schema=None) as batch_op:
        for column in COLUMNS:
            batch_op.add_column(sa.Column(column, sa.String(length=8), nullable=True))
            batch_op.create_unique_constraint(batch_op.f(f"uq_organisations_{column}"), [column])


def downgrade():
    with op.batch_alter_table("organisations", schema=None) as batch_op:
        for column in reversed(COLUMNS):
            batch_op.drop_constraint(batch_op.f(f"uq_organisations_{column}"), type_="unique")
            batch_op.drop_column(column)
