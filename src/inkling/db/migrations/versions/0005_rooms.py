"""rooms: drawing with friends (rooms, room_players, room_turns, room_strokes, room_guesses)

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON_DOCUMENT = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "rooms",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("is_private", sa.Boolean(), nullable=False),
        sa.Column("settings", JSON_DOCUMENT, nullable=False),
        sa.Column("state", JSON_DOCUMENT, nullable=False),
        sa.Column("phase", sa.String(length=16), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("creator_key", sa.String(length=128), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("next_tick_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("current_turn_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name=op.f("fk_rooms_created_by_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rooms")),
        sa.UniqueConstraint("code", name=op.f("uq_rooms_code")),
    )
    with op.batch_alter_table("rooms", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_rooms_created_by"), ["created_by"], unique=False)
        batch_op.create_index("ix_rooms_creator_key_created_at", ["creator_key", "created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_rooms_next_tick_at"), ["next_tick_at"], unique=False)
    op.create_table(
        "room_players",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("room_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("is_model", sa.Boolean(), nullable=False),
        sa.Column("seat", sa.Integer(), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("present", sa.Boolean(), nullable=False),
        sa.Column("kicked", sa.Boolean(), nullable=False),
        sa.Column("connections", sa.Integer(), nullable=False),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("joined_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["room_id"], ["rooms.id"], name=op.f("fk_room_players_room_id_rooms"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_room_players_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_room_players")),
        sa.UniqueConstraint("room_id", "user_id", name=op.f("uq_room_players_room_id_user_id")),
    )
    with op.batch_alter_table("room_players", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_room_players_room_id"), ["room_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_room_players_user_id"), ["user_id"], unique=False)
    op.create_table(
        "room_turns",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("room_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("drawer_id", sa.Integer(), nullable=False),
        sa.Column("word", sa.String(length=64), nullable=True),
        sa.Column("word_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("point_count", sa.Integer(), nullable=False),
        sa.Column("offered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("drawing_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("end_reason", sa.String(length=16), nullable=True),
        sa.Column("drawing_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["drawer_id"],
            ["room_players.id"],
            name=op.f("fk_room_turns_drawer_id_room_players"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["drawing_id"],
            ["drawings.id"],
            name=op.f("fk_room_turns_drawing_id_drawings"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["room_id"], ["rooms.id"], name=op.f("fk_room_turns_room_id_rooms"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["word_id"], ["words.id"], name=op.f("fk_room_turns_word_id_words"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_room_turns")),
        sa.UniqueConstraint("room_id", "number", name=op.f("uq_room_turns_room_id_number")),
    )
    with op.batch_alter_table("room_turns", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_room_turns_drawer_id"), ["drawer_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_room_turns_word_id"), ["word_id"], unique=False)
    op.create_table(
        "room_guesses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("room_id", sa.Integer(), nullable=False),
        sa.Column("turn_id", sa.Integer(), nullable=True),
        sa.Column("player_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(length=128), nullable=False),
        sa.Column("verdict", sa.String(length=8), nullable=True),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("audience", JSON_DOCUMENT, nullable=True),
        sa.Column("elapsed_ms", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["player_id"],
            ["room_players.id"],
            name=op.f("fk_room_guesses_player_id_room_players"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["room_id"], ["rooms.id"], name=op.f("fk_room_guesses_room_id_rooms"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["turn_id"],
            ["room_turns.id"],
            name=op.f("fk_room_guesses_turn_id_room_turns"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_room_guesses")),
    )
    with op.batch_alter_table("room_guesses", schema=None) as batch_op:
        batch_op.create_index(
            "ix_room_guesses_player_id_created_at", ["player_id", "created_at"], unique=False
        )
        batch_op.create_index("ix_room_guesses_room_id_id", ["room_id", "id"], unique=False)
        batch_op.create_index(batch_op.f("ix_room_guesses_turn_id"), ["turn_id"], unique=False)
    op.create_table(
        "room_strokes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("turn_id", sa.Integer(), nullable=False),
        sa.Column("op", sa.String(length=8), nullable=False),
        sa.Column("stroke", sa.Integer(), nullable=True),
        sa.Column("points", JSON_DOCUMENT, nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["turn_id"],
            ["room_turns.id"],
            name=op.f("fk_room_strokes_turn_id_room_turns"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_room_strokes")),
    )
    with op.batch_alter_table("room_strokes", schema=None) as batch_op:
        batch_op.create_index("ix_room_strokes_turn_id_id", ["turn_id", "id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("room_strokes", schema=None) as batch_op:
        batch_op.drop_index("ix_room_strokes_turn_id_id")
    op.drop_table("room_strokes")
    with op.batch_alter_table("room_guesses", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_room_guesses_turn_id"))
        batch_op.drop_index("ix_room_guesses_room_id_id")
        batch_op.drop_index("ix_room_guesses_player_id_created_at")
    op.drop_table("room_guesses")
    with op.batch_alter_table("room_turns", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_room_turns_word_id"))
        batch_op.drop_index(batch_op.f("ix_room_turns_drawer_id"))
    op.drop_table("room_turns")
    with op.batch_alter_table("room_players", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_room_players_user_id"))
        batch_op.drop_index(batch_op.f("ix_room_players_room_id"))
    op.drop_table("room_players")
    with op.batch_alter_table("rooms", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_rooms_next_tick_at"))
        batch_op.drop_index("ix_rooms_creator_key_created_at")
        batch_op.drop_index(batch_op.f("ix_rooms_created_by"))
    op.drop_table("rooms")
