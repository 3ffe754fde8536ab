"""Liveness and readiness: is the database reachable and migrated?"""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel

import inkling
from inkling.db.repositories.words import WordRepository
from inkling.web.api.errors import ANY_REQUEST
from inkling.web.deps import SessionDep

router = APIRouter(prefix="/api/v1", tags=["health"], responses=ANY_REQUEST)


class HealthPublic(BaseModel):
    """What ``GET /api/v1/health`` answers."""

    status: str
    version: str
    words: int


@router.get("/health", response_model=HealthPublic)
def health(session: SessionDep) -> HealthPublic:
    """Report the version and how many words the database holds."""
    words = WordRepository(session).count_words(enabled_only=True)
    return HealthPublic(status="ok", version=inkling.__version__, words=words)
