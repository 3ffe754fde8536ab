"""The tables: users, words, drawings, games and rounds, registered models, feedback."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from inkling.db.base import Base, JsonDocument, utcnow


class User(Base):
    """A player; guests have no password and a generated name."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    is_guest: Mapped[bool] = mapped_column(Boolean, default=False)
    # player | admin (granted with `inkling users promote NAME`)
    role: Mapped[str] = mapped_column(String(16), default="player", server_default="player")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]


class WordCategory(Base):
    """A group of words a player can choose from (animals, food, ...)."""

    __tablename__ = "word_categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(128))
    description: Mapped[str] = mapped_column(Text, default="")

    words: Mapped[list[Word]] = relationship(back_populates="category", order_by="Word.text")


class Word(Base):
    """A word to draw, by its official Quick, Draw! name (e.g. ``The Eiffel Tower``)."""

    __tablename__ = "words"

    id: Mapped[int] = mapped_column(primary_key=True)
    text: Mapped[str] = mapped_column(String(128), unique=True)
    category_id: Mapped[int] = mapped_column(
        ForeignKey("word_categories.id", ondelete="RESTRICT"), index=True
    )
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    category: Mapped[WordCategory] = relationship(back_populates="words")


class Drawing(Base):
    """A drawing in Quick, Draw! raw ink, with the word it shows when known."""

    __tablename__ = "drawings"

    id: Mapped[int] = mapped_column(primary_key=True)
    ink: Mapped[list[Any]] = mapped_column(JsonDocument)
    word_id: Mapped[int | None] = mapped_column(ForeignKey("words.id", ondelete="SET NULL"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    # game | collect | feedback | digit | import
    source: Mapped[str] = mapped_column(String(16))
    stroke_count: Mapped[int] = mapped_column(Integer)
    point_count: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    # moderation: null (ordinary) | reported | flagged | hidden | kept | relabelled (services/moderation.py)
    moderation: Mapped[str | None] = mapped_column(String(16), index=True)

    word: Mapped[Word | None] = relationship()


class Game(Base):
    """A game of several rounds played by one user (or guest)."""

    __tablename__ = "games"
    __table_args__ = (CheckConstraint("rounds_total > 0", name="rounds_total_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    category_id: Mapped[int | None] = mapped_column(ForeignKey("word_categories.id", ondelete="SET NULL"))
    rounds_total: Mapped[int] = mapped_column(Integer)
    # playing | finished | abandoned
    status: Mapped[str] = mapped_column(String(16), default="playing")
    score: Mapped[int] = mapped_column(Integer, default=0)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]

    rounds: Mapped[list[Round]] = relationship(back_populates="game", order_by="Round.number")


class Round(Base):
    """One word drawn within a game, with what the model made of it."""

    __tablename__ = "rounds"
    __table_args__ = (UniqueConstraint("game_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    game_id: Mapped[int] = mapped_column(ForeignKey("games.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    word_id: Mapped[int] = mapped_column(ForeignKey("words.id", ondelete="RESTRICT"), index=True)
    drawing_id: Mapped[int | None] = mapped_column(ForeignKey("drawings.id", ondelete="SET NULL"))
    model_id: Mapped[int | None] = mapped_column(ForeignKey("models.id", ondelete="SET NULL"), index=True)
    # when the word card was shown
    shown_at: Mapped[datetime] = mapped_column(default=utcnow)
    # when the 20 s clock started (the player dismissed the card or drew); null while the card is up
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    # milliseconds from the round's start (started_at); first_stroke_ms null on a closed round: no ink
    first_stroke_ms: Mapped[int | None] = mapped_column(Integer)
    recognized_ms: Mapped[int | None] = mapped_column(Integer)
    drawing_ms: Mapped[int | None] = mapped_column(Integer)
    recognized: Mapped[bool] = mapped_column(Boolean, default=False)
    # distinct guesses the model made before naming the word
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    # the game's guess document: {"v": 1, "last": [[word, probability], ...], "at": ms, "said": [...]}
    guesses: Mapped[dict[str, Any]] = mapped_column(JsonDocument, default=dict)

    game: Mapped[Game] = relationship(back_populates="rounds")
    word: Mapped[Word] = relationship()
    drawing: Mapped[Drawing | None] = relationship()


class RegisteredModel(Base):
    """A model version: ONNX bytes plus metadata (classes, input contract, metrics, lineage)."""

    __tablename__ = "models"
    __table_args__ = (
        UniqueConstraint("name", "version"),
        Index("ix_models_task_active", "task", "is_active"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(128))
    version: Mapped[int] = mapped_column(Integer)
    # doodle | digit | restore
    task: Mapped[str] = mapped_column(String(16))
    onnx: Mapped[bytes] = mapped_column(LargeBinary)
    sha256: Mapped[str] = mapped_column(String(64))
    meta: Mapped[dict[str, Any]] = mapped_column("metadata", JsonDocument, default=dict)
    is_active: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # lineage (services/lineage.py): the model it was trained from, and the training set's content hash
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("models.id", ondelete="SET NULL"), index=True)
    data_hash: Mapped[str | None] = mapped_column(String(64))
    # evaluation results, e.g. {"benchmark": {"top1": 0.71}, "play": {"top1": 0.64}}
    metrics: Mapped[dict[str, Any]] = mapped_column(JsonDocument, default=dict)
    # champion | promoted | rejected | rolled_back (null: never decided), why, and when
    decision: Mapped[str | None] = mapped_column(String(16))
    decision_reason: Mapped[str | None] = mapped_column(Text)
    decided_at: Mapped[datetime | None]
    # when it last became the serving model of its task (rollback returns to the one before)
    champion_since: Mapped[datetime | None]


class Feedback(Base):
    """A player's confirmation or correction of what a drawing shows: labelled training data."""

    __tablename__ = "feedback"

    id: Mapped[int] = mapped_column(primary_key=True)
    drawing_id: Mapped[int] = mapped_column(ForeignKey("drawings.id", ondelete="CASCADE"), index=True)
    round_id: Mapped[int | None] = mapped_column(ForeignKey("rounds.id", ondelete="SET NULL"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    guessed_word_id: Mapped[int | None] = mapped_column(ForeignKey("words.id", ondelete="SET NULL"))
    correct_word_id: Mapped[int] = mapped_column(ForeignKey("words.id", ondelete="RESTRICT"), index=True)
    # true when the player confirmed the drawing shows the word they were asked to draw
    confirmed: Mapped[bool] = mapped_column(Boolean)
    # where correct_word_id comes from: confirmed (the word asked) | corrected (another official word)
    source: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


# A username is unique regardless of case ("Bob" and "bob" are the same account).
Index("uq_users_username_lower", func.lower(User.username), unique=True)


class WebSession(Base):
    """A browser session: the sha256 of its cookie token (never the token), owner and expiry."""

    __tablename__ = "web_sessions"

    # hex sha256 of the random cookie token
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # random per-session secret; CSRF tokens are an HMAC of it under settings.secret_key
    csrf_secret: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(index=True)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    user_agent: Mapped[str | None] = mapped_column(String(255))

    user: Mapped[User] = relationship()


class LoginAttempt(Base):
    """One log-in attempt, counted per key (``user:<name>`` or ``ip:<address>``) for rate limiting."""

    __tablename__ = "login_attempts"
    __table_args__ = (Index("ix_login_attempts_key_attempted_at", "key", "attempted_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(128))
    attempted_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    success: Mapped[bool] = mapped_column(Boolean, default=False)


class _MnistImage:
    """Columns shared by the MNIST tables: original index, label and 784 pixel bytes (row-major)."""

    # the image's index in the official split (0..59999 train, 0..9999 test)
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    label: Mapped[int] = mapped_column(Integer, index=True)
    # 28x28 uint8, white on black, row-major
    pixels: Mapped[bytes] = mapped_column(LargeBinary)


class MnistTrain(_MnistImage, Base):
    """One MNIST training image."""

    __tablename__ = "mnist_train"
    __table_args__ = (CheckConstraint("label BETWEEN 0 AND 9", name="label_digit"),)


class MnistTest(_MnistImage, Base):
    """One MNIST test image."""

    __tablename__ = "mnist_test"
    __table_args__ = (CheckConstraint("label BETWEEN 0 AND 9", name="label_digit"),)


class DigitDrawing(Base):
    """A digit a user drew on the digit pad, with what the model said about it."""

    __tablename__ = "digit_drawings"

    id: Mapped[int] = mapped_column(primary_key=True)
    # raw Quick, Draw!-style ink [[xs, ys, ts], ...]
    ink: Mapped[list[Any]] = mapped_column(JsonDocument)
    prediction: Mapped[int] = mapped_column(Integer)
    # ten probabilities, index = digit
    probabilities: Mapped[list[float]] = mapped_column(JsonDocument)
    model_id: Mapped[int | None] = mapped_column(ForeignKey("models.id", ondelete="SET NULL"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class CaptchaChallenge(Base):
    """A "draw this digit" challenge; the client holds the token, the server only its sha256."""

    __tablename__ = "captcha_challenges"
    __table_args__ = (Index("ix_captcha_challenges_client_created", "client_key", "created_at"),)

    # hex sha256 of the random challenge token
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    digit: Mapped[int] = mapped_column(Integer)
    # who asked (e.g. ``ip:<address>``), for per-client rate limits
    client_key: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(index=True)
    solved_at: Mapped[datetime | None]
    # failed solve attempts so far
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    # hex sha256 of the one-time pass issued on success; cleared when the pass is consumed
    pass_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    pass_expires_at: Mapped[datetime | None]
    pass_used_at: Mapped[datetime | None]


# the rooms' tables (drawing with friends) live in their own module; importing it registers them
from inkling.db import moderation_models, restore_job_models, room_models  # noqa: E402, F401
