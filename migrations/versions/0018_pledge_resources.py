"""charter: toolkit resources signposted per pledge

Revision ID: 0018_pledge_resources
Revises: 0018_check_in_version
Create Date: 2026-11-26 10:30:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0018_pledge_resources"
down_revision = "0018_check_in_version"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "charter_pledge_resources",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pledge_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("url", sa.String(length=500), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("source", sa.String(length=500), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["pledge_id"],
            ["charter_pledges.id"],
            name=op.f("fk_charter_pledge_resources_pledge_id_charter_pledges"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_charter_pledge_resources")),
        sa.UniqueConstraint("pledge_id", "title", name="uq_charter_pledge_resources_pledge_title"),
    )
    with op.batch_alter_table("charter_pledge_resources", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_charter_pledge_resources_pledge_id"), ["pledge_id"], unique=False
        )


def downgrade():
    op.drop_table("charter_pledge_resources")
