"""feedback: the label's source, explicit (confirmed: the word asked; corrected: another word)

Earlier feedback asked about the model's answer, so a "yes" could store a wrong word: each stored label
is re-read against its round's word (the same word is ``confirmed``, any other ``corrected``) and
``confirmed`` follows it.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SAME_AS_ASKED = (
    "feedback.round_id IS NOT NULL AND feedback.correct_word_id = "
    "(SELECT rounds.word_id FROM rounds WHERE rounds.id = feedback.round_id)"
)


def upgrade() -> None:
    with op.batch_alter_table("feedback", schema=None) as batch_op:
        batch_op.add_column(sa.Column("source", sa.String(length=16), nullable=True))
    op.execute(
        f"UPDATE feedback SET source = CASE WHEN {SAME_AS_ASKED} THEN 'confirmed' ELSE 'corrected' END"
    )
    op.execute("UPDATE feedback SET confirmed = (source = 'confirmed')")
    with op.batch_alter_table("feedback", schema=None) as batch_op:
        batch_op.alter_column("source", existing_type=sa.String(length=16), nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("feedback", schema=None) as batch_op:
        batch_op.drop_column("source")
