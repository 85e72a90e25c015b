"""contacts: a profile's contact (shown to members of organisations only, if chosen) and
an opportunity's tender notice

Revision ID: 0025_contacts
Revises: 0024_wards
Create Date: 2026-12-05 01:15:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0025_contacts"
down_revision = "0024_wards"
branch_labels = None
depends_on = None

CONTACT_COLUMNS = (
    ("contact_name", 120),
    ("contact_email", 254),
    ("contact_phone", 30),
)


def upgrade():
    with op.batch_alter_table("profiles", schema=None) as batch_op:
        for name, length in CONTACT_COLUMNS:
            batch_op.add_column(
                sa.Column(name, sa.String(length=length), nullable=False, server_default="")
            )
        batch_op.add_column(
            sa.Column("show_contact", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.create_check_constraint(
            batch_op.f("ck_profiles_shown_contact_named"),
            "NOT show_contact OR contact_name <> ''",
        )
    with op.batch_alter_table("opportunities", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("notice_url", sa.String(length=500), nullable=False, server_default="")
        )


def downgrade():
    with op.batch_alter_table("opportunities", schema=None) as batch_op:
        batch_op.drop_column("notice_url")
    with op.batch_alter_table("profiles", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_profiles_shown_contact_named"), type_="check")
        batch_op.drop_column("show_contact")
        for name, _ in reversed(CONTACT_COLUMNS):
            batch_op.drop_column(name)
