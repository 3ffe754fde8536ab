"""restore_jobs: video restoration jobs (issue 15), their state kept in the database

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "restore_jobs",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("frames_total", sa.Integer(), nullable=False),
        sa.Column("frames_done", sa.Integer(), nullable=False),
        sa.Column("client_key", sa.String(length=128), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_restore_jobs")),
    )
    with op.batch_alter_table("restore_jobs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_restore_jobs_client_key"), ["client_key"], unique=False)
        batch_op.create_index("ix_restore_jobs_status_heartbeat_at", ["status", "heartbeat_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("restore_jobs", schema=None) as batch_op:
        batch_op.drop_index("ix_restore_jobs_status_heartbeat_at")
        batch_op.drop_index(batch_op.f("ix_restore_jobs_client_key"))
    op.drop_table("restore_jobs")
