"""email confirmed: when a person proved they read the address they signed up with

Accounts made before this revision (demo data, the command line, people who joined by an
invitation) count as confirmed from the moment they were created.

Revision ID: 0019_email_confirmed
Revises: 0017_review
Create Date: 2026-11-26 10:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0019_email_confirmed"
down_revision = "0018_pledge_resources"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("email_confirmed_at", sa.DateTime(timezone=True), nullable=True)
        )
    op.execute("UPDATE users SET email_confirmed_at = created_at")


def downgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("email_confirmed_at")
