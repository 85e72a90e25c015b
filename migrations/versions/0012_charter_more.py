"""charter more: staff choose the narratives the impact report quotes; KPI values counted
by another feature (the charter's signees and procurement pledges) name their source

Revision ID: 0012_charter_more
Revises: 0010_bulk
Create Date: 2026-11-25

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0012_charter_more"
down_revision = "0010_bulk"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("charter_check_in_records", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("in_report", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    with op.batch_alter_table("plan_kpi_values", schema=None) as batch_op:
        batch_op.add_column(sa.Column("source", sa.String(length=40), nullable=True))
        batch_op.create_unique_constraint(
            batch_op.f("uq_plan_kpi_values_kpi_source"), ["kpi_id", "source", "recorded_on"]
        )


def downgrade():
    with op.batch_alter_table("plan_kpi_values", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_plan_kpi_values_kpi_source"), type_="unique")
        batch_op.drop_column("source")
    with op.batch_alter_table("charter_check_in_records", schema=None) as batch_op:
        batch_op.drop_column("in_report")
