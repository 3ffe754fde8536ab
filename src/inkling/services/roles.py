"""User roles: ``player`` (everyone) and ``admin`` (the console under /admin). Changes are audited."""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from inkling.db.models import User
from inkling.services import audit


class Role(StrEnum):
    """What a user may do."""

    PLAYER = "player"
    ADMIN = "admin"


class UnknownUserError(LookupError):
    """No account by that name."""


def is_admin(user: User | None) -> bool:
    """Whether ``user`` is an account (not a guest) with the admin role."""
    return user is not None and not user.is_guest and user.role == Role.ADMIN


def set_role(session: Session, username: str, role: Role, actor: User | None = None) -> User:
    """Give account ``username`` (any letter case) ``role``; audited as ``promote_user``/``demote_user``."""
    user = session.scalars(select(User).where(func.lower(User.username) == username.strip().lower())).first()
    if user is None or user.is_guest:
        raise UnknownUserError(f"no account named {username!r}")
    previous = user.role
    user.role = role.value
    action = "promote_user" if role is Role.ADMIN else "demote_user"
    audit.record(session, actor, action, f"user:{user.username}", {"from": previous, "to": role.value})
    return user
