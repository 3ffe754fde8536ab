"""rounds: the word card is shown (shown_at) before the clock starts (started_at, null until then)

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("rounds", schema=None) as batch_op:
        batch_op.add_column(sa.Column("shown_at", sa.DateTime(timezone=True), nullable=True))
    op.execute("UPDATE rounds SET shown_at = started_at")
    with op.batch_alter_table("rounds", schema=None) as batch_op:
        batch_op.alter_column("shown_at", existing_type=sa.DateTime(timezone=True), nullable=False)
        batch_op.alter_column("started_at", existing_type=sa.DateTime(timezone=True), nullable=True)


def downgrade() -> None:
    op.execute("UPDATE rounds SET started_at = shown_at WHERE started_at IS NULL")
    with op.batch_alter_table("rounds", schema=None) as batch_op:
        batch_op.alter_column("started_at", existing_type=sa.DateTime(timezone=True), nullable=False)
        batch_op.drop_column("shown_at")
