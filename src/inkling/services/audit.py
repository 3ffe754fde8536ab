"""The admin audit log: every administrative action, who did it, to what, when. Functions flush only."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from inkling.db.base import utcnow
from inkling.db.models import User
from inkling.db.moderation_models import AdminAudit

CLI_ACTOR = "cli"  # the actor of actions taken on the command line


def record(
    session: Session,
    actor: User | None,
    action: str,
    target: str,
    details: dict[str, Any] | None = None,
    *,
    now: datetime | None = None,
) -> AdminAudit:
    """Add one audit row (``actor`` None: the command line)."""
    row = AdminAudit(
        actor_id=actor.id if actor is not None else None,
        actor=actor.username if actor is not None else CLI_ACTOR,
        action=action,
        target=target,
        details=details or {},
        created_at=now or utcnow(),
    )
    session.add(row)
    session.flush()
    return row


def recent(session: Session, limit: int = 50) -> list[AdminAudit]:
    """The latest audit rows, newest first."""
    query = select(AdminAudit).order_by(AdminAudit.created_at.desc(), AdminAudit.id.desc()).limit(limit)
    return list(session.scalars(query))
