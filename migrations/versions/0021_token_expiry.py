"""token expiry: every personal API token stops working on a set date

Tokens made before this revision expire 90 days after the migration runs, not 90 days
after they were made: counting from their creation would stop at once every integration
older than three months, with no warning to its owner. From the day it runs, each owner
sees the date on their account page and has the full 90 days to make a new token. New
tokens get `API_TOKEN_DAYS` (90 unless configured) from the moment they are made.

Revision ID: 0021_token_expiry
Revises: 0020_trades
Create Date: 2026-12-05 00:10:00

"""

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0021_token_expiry"
down_revision = "0020_trades"
branch_labels = None
depends_on = None

EXISTING_TOKENS_DAYS = 90


def upgrade():
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.add_column(sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True))
    tokens = sa.table("api_tokens", sa.column("expires_at", sa.DateTime(timezone=True)))
    expires = datetime.now(UTC) + timedelta(days=EXISTING_TOKENS_DAYS)
    op.execute(tokens.update().values(expires_at=expires))
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.alter_column(
            "expires_at", existing_type=sa.DateTime(timezone=True), nullable=False
        )


def downgrade():
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.drop_column("expires_at")
