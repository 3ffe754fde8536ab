"""moderation: user roles, drawing reports and moderation state, the admin audit log, model lineage

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON_DOCUMENT = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    # a plain ADD COLUMN: SQLite's batch mode would rebuild users without its lower(username) index
    op.add_column("users", sa.Column("role", sa.String(length=16), server_default="player", nullable=False))
    with op.batch_alter_table("drawings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("moderation", sa.String(length=16), nullable=True))
        batch_op.create_index(batch_op.f("ix_drawings_moderation"), ["moderation"], unique=False)
    with op.batch_alter_table("models", schema=None) as batch_op:
        batch_op.add_column(sa.Column("parent_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("data_hash", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("metrics", JSON_DOCUMENT, nullable=True))
        batch_op.add_column(sa.Column("decision", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("decision_reason", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("champion_since", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f("ix_models_parent_id"), ["parent_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_models_parent_id_models"), "models", ["parent_id"], ["id"], ondelete="SET NULL"
        )
    # the serving models become the first champions; every model's metrics start empty
    op.execute("UPDATE models SET metrics = '{}'")
    op.execute("UPDATE models SET decision = 'champion', champion_since = created_at WHERE is_active")
    with op.batch_alter_table("models", schema=None) as batch_op:
        batch_op.alter_column("metrics", existing_type=JSON_DOCUMENT, nullable=False)

    op.create_table(
        "drawing_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("drawing_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["drawing_id"],
            ["drawings.id"],
            name=op.f("fk_drawing_reports_drawing_id_drawings"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_drawing_reports_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_drawing_reports")),
        sa.UniqueConstraint("drawing_id", "user_id", name=op.f("uq_drawing_reports_drawing_id_user_id")),
    )
    with op.batch_alter_table("drawing_reports", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_drawing_reports_created_at"), ["created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_drawing_reports_drawing_id"), ["drawing_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_drawing_reports_user_id"), ["user_id"], unique=False)

    op.create_table(
        "admin_audit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("target", sa.String(length=128), nullable=False),
        sa.Column("details", JSON_DOCUMENT, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["users.id"], name=op.f("fk_admin_audit_actor_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_admin_audit")),
    )
    with op.batch_alter_table("admin_audit", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_admin_audit_action"), ["action"], unique=False)
        batch_op.create_index(batch_op.f("ix_admin_audit_actor_id"), ["actor_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_admin_audit_created_at"), ["created_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("admin_audit", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_admin_audit_created_at"))
        batch_op.drop_index(batch_op.f("ix_admin_audit_actor_id"))
        batch_op.drop_index(batch_op.f("ix_admin_audit_action"))
    op.drop_table("admin_audit")
    with op.batch_alter_table("drawing_reports", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_drawing_reports_user_id"))
        batch_op.drop_index(batch_op.f("ix_drawing_reports_drawing_id"))
        batch_op.drop_index(batch_op.f("ix_drawing_reports_created_at"))
    op.drop_table("drawing_reports")
    with op.batch_alter_table("models", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_models_parent_id_models"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_models_parent_id"))
        for column in ("champion_since", "decided_at", "decision_reason", "decision", "metrics", "data_hash"):
            batch_op.drop_column(column)
        batch_op.drop_column("parent_id")
    with op.batch_alter_table("drawings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_drawings_moderation"))
        batch_op.drop_column("moderation")
    op.drop_index("uq_users_username_lower", table_name="users")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("role")
    op.create_index("uq_users_username_lower", "users", [sa.text("lower(username)")], unique=True)
