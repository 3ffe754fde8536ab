"""The table of video restoration jobs: what was uploaded, where the work stands, who is doing it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from inkling.db.base import Base, utcnow


class RestoreJob(Base):
    """One uploaded clip to restore; its files live under the jobs directory, named by ``id``."""

    __tablename__ = "restore_jobs"
    __table_args__ = (Index("ix_restore_jobs_status_heartbeat_at", "status", "heartbeat_at"),)

    # a random URL-safe token: knowing it is what lets a client see the job and fetch its video
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    # queued | running | done | failed
    status: Mapped[str] = mapped_column(String(16), default="queued")
    # the uploaded file's name (for the download's name) and its container suffix
    filename: Mapped[str] = mapped_column(String(255))
    frames_total: Mapped[int] = mapped_column(Integer)
    frames_done: Mapped[int] = mapped_column(Integer, default=0)
    # who asked (``ip:<address>``): a client has a few jobs waiting at most
    client_key: Mapped[str] = mapped_column(String(128), index=True)
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    # the worker holding a running job writes this every few seconds; a stale one is taken over
    heartbeat_at: Mapped[datetime | None]
    # how often the job was (re)started: a job that keeps killing its worker is given up
    attempts: Mapped[int] = mapped_column(Integer, default=0)
