"""bulk: partners' own refs on organisations and listings (the key of spreadsheet
imports), and import runs with their progress and report

Revision ID: 0010_bulk
Revises: 0015_workflow
Create Date: 2026-11-25

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0010_bulk"
down_revision = "0015_workflow"
branch_labels = None
depends_on = None

_REF_TABLES = ("organisations", "offers", "opportunities", "needs")


def upgrade():
    op.create_table(
        "import_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("skip_invalid", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("rows_done", sa.Integer(), nullable=False),
        sa.Column("rows_total", sa.Integer(), nullable=False),
        sa.Column("report", sa.JSON(), nullable=True),
        sa.Column("started_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "status IN ('queued', 'running', 'done', 'rejected', 'failed')",
            name=op.f("ck_import_runs_status_known"),
        ),
        sa.CheckConstraint(
            "rows_done >= 0 AND rows_done <= rows_total", name=op.f("ck_import_runs_rows_in_range")
        ),
        sa.ForeignKeyConstraint(
            ["started_by_id"],
            ["users.id"],
            name=op.f("fk_import_runs_started_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_runs")),
    )
    for table in _REF_TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("external_ref", sa.String(length=60), nullable=True))
            batch_op.create_unique_constraint(
                batch_op.f(f"uq_{table}_external_ref"), ["external_ref"]
            )


def downgrade():
    for table in reversed(_REF_TABLES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(batch_op.f(f"uq_{table}_external_ref"), type_="unique")
            batch_op.drop_column("external_ref")
    op.drop_table("import_runs")
