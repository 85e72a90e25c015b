"""evidence: files on a delivery (PDF, JPEG, PNG, kept outside static/), and a dispute as
a reason in a match's history

Revision ID: 0029_evidence
Revises: 0027_notices
Create Date: 2026-12-05 03:40:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0029_evidence"
down_revision = "0027_notices"
branch_labels = None
depends_on = None

DECLINE_REASONS = (
    "'not_relevant', 'too_far', 'no_capacity', 'timing', 'found_elsewhere', "
    "'evidence_rejected', 'other'"
)


def _reasons(extra: str = "") -> str:
    return f"reason IS NULL OR reason IN ({DECLINE_REASONS}{extra})"


def upgrade():
    op.create_table(
        "match_evidence_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("delivery_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("content_type", sa.String(length=40), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("stored_as", sa.String(length=64), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=True),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "content_type IN ('application/pdf', 'image/jpeg', 'image/png')",
            name=op.f("ck_match_evidence_files_type_accepted"),
        ),
        sa.CheckConstraint(
            "size_bytes > 0 AND size_bytes <= 10485760", name=op.f("ck_match_evidence_files_size")
        ),
        sa.CheckConstraint(
            "filename <> ''", name=op.f("ck_match_evidence_files_filename_not_empty")
        ),
        sa.ForeignKeyConstraint(
            ["delivery_id"],
            ["match_deliveries.id"],
            name=op.f("fk_match_evidence_files_delivery_id_match_deliveries"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by_id"],
            ["users.id"],
            name=op.f("fk_match_evidence_files_uploaded_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_match_evidence_files")),
        sa.UniqueConstraint("stored_as", name=op.f("uq_match_evidence_files_stored_as")),
    )
    with op.batch_alter_table("match_evidence_files", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_match_evidence_files_delivery_id"), ["delivery_id"], unique=False
        )
    with op.batch_alter_table("match_events", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_match_events_reason_known"), type_="check")
        batch_op.create_check_constraint(
            batch_op.f("ck_match_events_reason_known"), _reasons(", 'disputed'")
        )


def downgrade():
    op.execute("UPDATE match_events SET reason = NULL WHERE reason = 'disputed'")
    with op.batch_alter_table("match_events", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_match_events_reason_known"), type_="check")
        batch_op.create_check_constraint(batch_op.f("ck_match_events_reason_known"), _reasons())
    with op.batch_alter_table("match_evidence_files", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_match_evidence_files_delivery_id"))
    op.drop_table("match_evidence_files")
