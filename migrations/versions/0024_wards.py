"""priority places by ward: a place may hold wards (2013 boundaries) beside its postcode
prefixes; plan KPIs fed by the verified outcomes of TOMs measures; plan actions archived when a
reloaded file drops them after staff recorded progress

Revision ID: 0024_wards
Revises: 0023_identifiers
Create Date: 2026-12-05 01:05:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0024_wards"
down_revision = "0023_identifiers"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "priority_place_wards",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("place_id", sa.Integer(), nullable=False),
        sa.Column("ward_code", sa.String(length=9), nullable=False),
        sa.Column("ward_name", sa.String(length=120), nullable=False),
        sa.ForeignKeyConstraint(
            ["place_id"],
            ["priority_places.id"],
            name=op.f("fk_priority_place_wards_place_id_priority_places"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_priority_place_wards")),
        sa.UniqueConstraint(
            "place_id", "ward_code", name="uq_priority_place_wards_place_ward_code"
        ),
    )
    with op.batch_alter_table("priority_place_wards", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_priority_place_wards_place_id"), ["place_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_priority_place_wards_ward_code"), ["ward_code"], unique=False
        )
    op.create_table(
        "plan_kpi_measures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kpi_id", sa.Integer(), nullable=False),
        sa.Column("measure_code", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["kpi_id"],
            ["plan_kpis.id"],
            name=op.f("fk_plan_kpi_measures_kpi_id_plan_kpis"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_kpi_measures")),
        sa.UniqueConstraint("kpi_id", "measure_code", name="uq_plan_kpi_measures_kpi_code"),
    )
    with op.batch_alter_table("plan_kpi_measures", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_plan_kpi_measures_kpi_id"), ["kpi_id"], unique=False)
    with op.batch_alter_table("plan_actions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("archived_at", sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table("plan_actions", schema=None) as batch_op:
        batch_op.drop_column("archived_at")
    with op.batch_alter_table("plan_kpi_measures", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plan_kpi_measures_kpi_id"))
    op.drop_table("plan_kpi_measures")
    with op.batch_alter_table("priority_place_wards", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_priority_place_wards_ward_code"))
        batch_op.drop_index(batch_op.f("ix_priority_place_wards_place_id"))
    op.drop_table("priority_place_wards")
