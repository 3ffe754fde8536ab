"""The tables of moderation and administration: players' reports of drawings, the admin audit log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from inkling.db.base import Base, JsonDocument, utcnow


class DrawingReport(Base):
    """A player's (or guest's) report that a drawing does not belong: one per player and drawing."""

    __tablename__ = "drawing_reports"
    __table_args__ = (UniqueConstraint("drawing_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    drawing_id: Mapped[int] = mapped_column(ForeignKey("drawings.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # why, in the player's words (may be empty)
    reason: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class AdminAudit(Base):
    """One administrative action: who did what to which target, when, with its details."""

    __tablename__ = "admin_audit"

    id: Mapped[int] = mapped_column(primary_key=True)
    # the admin (null when done from the command line, or the account is gone)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    # the admin's name at the time, or ``cli``
    actor: Mapped[str] = mapped_column(String(64))
    # e.g. promote_model, rollback_model, hide_drawing, relabel_drawing, keep_drawing, promote_user
    action: Mapped[str] = mapped_column(String(32), index=True)
    # what it acted on, e.g. ``model:12``, ``drawing:345``, ``user:alice``
    target: Mapped[str] = mapped_column(String(128))
    details: Mapped[dict[str, Any]] = mapped_column(JsonDocument, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
