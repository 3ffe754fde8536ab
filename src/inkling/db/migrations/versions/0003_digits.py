"""digits: MNIST tables, drawn digits, captcha challenges

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON_DOCUMENT = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def _mnist_table(name: str) -> None:
    op.create_table(
        name,
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("label", sa.Integer(), nullable=False),
        sa.Column("pixels", sa.LargeBinary(), nullable=False),
        sa.CheckConstraint("label BETWEEN 0 AND 9", name=op.f(f"ck_{name}_label_digit")),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{name}")),
    )
    with op.batch_alter_table(name, schema=None) as batch_op:
        batch_op.create_index(batch_op.f(f"ix_{name}_label"), ["label"], unique=False)


def upgrade() -> None:
    _mnist_table("mnist_train")
    _mnist_table("mnist_test")
    op.create_table(
        "digit_drawings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ink", JSON_DOCUMENT, nullable=False),
        sa.Column("prediction", sa.Integer(), nullable=False),
        sa.Column("probabilities", JSON_DOCUMENT, nullable=False),
        sa.Column("model_id", sa.Integer(), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["model_id"], ["models.id"], name=op.f("fk_digit_drawings_model_id_models"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_digit_drawings_user_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_digit_drawings")),
    )
    with op.batch_alter_table("digit_drawings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_digit_drawings_created_at"), ["created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_digit_drawings_model_id"), ["model_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_digit_drawings_user_id"), ["user_id"], unique=False)

    op.create_table(
        "captcha_challenges",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("digit", sa.Integer(), nullable=False),
        sa.Column("client_key", sa.String(length=128), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("solved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("pass_hash", sa.String(length=64), nullable=True),
        sa.Column("pass_expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("pass_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_captcha_challenges")),
        sa.UniqueConstraint("pass_hash", name=op.f("uq_captcha_challenges_pass_hash")),
    )
    with op.batch_alter_table("captcha_challenges", schema=None) as batch_op:
        batch_op.create_index(
            "ix_captcha_challenges_client_created", ["client_key", "created_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_captcha_challenges_expires_at"), ["expires_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("captcha_challenges", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_captcha_challenges_expires_at"))
        batch_op.drop_index("ix_captcha_challenges_client_created")
    op.drop_table("captcha_challenges")
    with op.batch_alter_table("digit_drawings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_digit_drawings_user_id"))
        batch_op.drop_index(batch_op.f("ix_digit_drawings_model_id"))
        batch_op.drop_index(batch_op.f("ix_digit_drawings_created_at"))
    op.drop_table("digit_drawings")
    for name in ("mnist_test", "mnist_train"):
        with op.batch_alter_table(name, schema=None) as batch_op:
            batch_op.drop_index(batch_op.f(f"ix_{name}_label"))
        op.drop_table(name)
