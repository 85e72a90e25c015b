"""charter: a version counter on check-ins, so two corrections at once cannot silently
overwrite each other

Revision ID: 0018_check_in_version
Revises: 0017_review
Create Date: 2026-11-26 10:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0018_check_in_version"
down_revision = "0017_review"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("charter_check_ins", schema=None) as batch_op:
        batch_op.add_column(sa.Column("version", sa.Integer(), server_default="1", nullable=False))


def downgrade():
    with op.batch_alter_table("charter_check_ins", schema=None) as batch_op:
        batch_op.drop_column("version")
