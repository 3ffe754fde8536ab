"""Which drawings may be shown and trained on: the moderation states that hide a drawing."""

from __future__ import annotations

from sqlalchemy import ColumnElement, or_

from inkling.db.models import Drawing

PENDING = ("reported", "flagged")  # waiting in the moderation queue
HIDDEN = (*PENDING, "hidden")  # never shown, never trains


def visible() -> ColumnElement[bool]:
    """SQL condition: the drawing may be shown in galleries (and may train)."""
    return or_(Drawing.moderation.is_(None), Drawing.moderation.not_in(HIDDEN))
