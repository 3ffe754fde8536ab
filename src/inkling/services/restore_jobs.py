"""Video restoration as background jobs: the state in the database, the files under the jobs directory.

A job is created queued (its upload checked against :data:`JOB_LIMITS` first); any server process's
worker claims it with a compare-and-set update (no lock held while it runs), beats a heartbeat while
it works, and marks it done or failed. A job whose heartbeat is older than :data:`STALE_AFTER` (its
process died) is claimed again and resumes from its checkpoint segments (``VideoJob``); a process that
shuts down puts its job back in the queue at once.
"""

from __future__ import annotations

import secrets
import shutil
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from inkling.db.base import utcnow
from inkling.db.restore_job_models import RestoreJob
from inkling.inference.video import VideoLimits, VideoRefused, probe
from inkling.services.restore_video import FrameRestorer, VideoCancelled, VideoJob

JOB_LIMITS = VideoLimits(max_seconds=15.0, max_pixels=1280 * 720, max_bytes=64 * 1024 * 1024)
MAX_WAITING_PER_CLIENT = 3  # queued or running jobs a client may have at once; one more gets 429
STALE_AFTER = timedelta(seconds=60)  # a running job's heartbeat older than this: its worker is gone
HEARTBEAT_EVERY_S = 2.0  # how often a worker writes progress and its heartbeat
MAX_ATTEMPTS = 3  # a job started this often without finishing is given up
OUTPUT_NAME = "restored.mp4"


class JobRefused(Exception):
    """The job cannot be made (``status``: the HTTP status it deserves)."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


def job_dir(jobs_dir: Path, job_id: str) -> Path:
    """The folder of a job's files."""
    return jobs_dir / job_id


def input_path(jobs_dir: Path, job_id: str) -> Path:
    """The uploaded clip."""
    return job_dir(jobs_dir, job_id) / "input.video"


def output_path(jobs_dir: Path, job_id: str) -> Path:
    """The restored video (there once the job is done)."""
    return job_dir(jobs_dir, job_id) / OUTPUT_NAME


def download_name(job: RestoreJob) -> str:
    """``NAME-restored.mp4`` after the upload's name."""
    stem = Path(job.filename).stem or "video"
    return f"{stem}-restored.mp4"


def create_job(session: Session, jobs_dir: Path, data: bytes, filename: str, client_key: str) -> RestoreJob:
    """Store the upload, check it (``JobRefused``: 413/415/422/429) and queue a job for it."""
    waiting = session.scalar(
        select(func.count())
        .select_from(RestoreJob)
        .where(RestoreJob.client_key == client_key, RestoreJob.status.in_(("queued", "running")))
    )
    if (waiting or 0) >= MAX_WAITING_PER_CLIENT:
        raise JobRefused(f"you have {waiting} videos waiting already; try again when one is done", 429)
    if JOB_LIMITS.max_bytes is not None and len(data) > JOB_LIMITS.max_bytes:
        raise JobRefused(f"the video is larger than {JOB_LIMITS.max_bytes // 2**20} MB", 413)
    job_id = secrets.token_urlsafe(18)
    folder = job_dir(jobs_dir, job_id)
    folder.mkdir(parents=True)
    path = input_path(jobs_dir, job_id)
    path.write_bytes(data)
    try:
        info = probe(path, JOB_LIMITS)
    except VideoRefused as error:
        shutil.rmtree(folder, ignore_errors=True)
        raise JobRefused(str(error).replace("input.video", "the upload"), error.status) from None
    name = Path(filename or "video").name[:200]
    job = RestoreJob(id=job_id, filename=name, frames_total=info.frames, client_key=client_key[:128])
    session.add(job)
    session.flush()
    return job


def _claimable(now: datetime) -> ColumnElement[bool]:
    return or_(
        RestoreJob.status == "queued",
        (RestoreJob.status == "running") & (RestoreJob.heartbeat_at < now - STALE_AFTER),
    )


def claim_next(session: Session, now: datetime | None = None) -> str | None:
    """Claim the oldest queued (or abandoned) job for this worker; its id, or None when there is none."""
    now = now or utcnow()
    candidates = session.execute(
        select(RestoreJob.id, RestoreJob.status, RestoreJob.heartbeat_at)
        .where(_claimable(now))
        .order_by(RestoreJob.created_at)
        .limit(5)
    ).all()
    for job_id, status, heartbeat in candidates:
        same = (
            RestoreJob.heartbeat_at.is_(None) if heartbeat is None else RestoreJob.heartbeat_at == heartbeat
        )
        claimed = session.execute(
            update(RestoreJob)
            .where(RestoreJob.id == job_id, RestoreJob.status == status, same)
            .values(
                status="running",
                heartbeat_at=now,
                started_at=func.coalesce(RestoreJob.started_at, now),
                attempts=RestoreJob.attempts + 1,
            )
        )
        session.commit()
        if claimed.rowcount == 1:
            return job_id
    return None


def _set(sessions: Callable[[], Session], job_id: str, **values: object) -> None:
    """Update one job's row in a short transaction of its own."""
    with sessions() as session:
        session.execute(update(RestoreJob).where(RestoreJob.id == job_id).values(**values))
        session.commit()


def requeue(sessions: Callable[[], Session], job_id: str) -> None:
    """Put a running job back in the queue (its worker is shutting down)."""
    _set(sessions, job_id, status="queued", heartbeat_at=None, attempts=RestoreJob.attempts - 1)


def run_job(
    sessions: Callable[[], Session],
    jobs_dir: Path,
    job_id: str,
    restorer: Callable[[], FrameRestorer],
    should_stop: Callable[[], bool],
    clock: Callable[[], float],
) -> str:
    """Run a claimed job to its end; its final status ("done", "failed", or "queued" when stopped)."""
    with sessions() as session:
        job = session.get(RestoreJob, job_id)
        attempts = job.attempts if job is not None else 0
    if job is None:
        return "failed"
    if attempts > MAX_ATTEMPTS:
        _set(sessions, job_id, status="failed", error="the restoration kept failing", finished_at=utcnow())
        return "failed"
    last = [clock()]

    def progress(done: int, total: int) -> None:
        if clock() - last[0] >= HEARTBEAT_EVERY_S or done == total:
            last[0] = clock()
            _set(sessions, job_id, frames_done=done, heartbeat_at=utcnow())

    source = input_path(jobs_dir, job_id)
    try:
        video = VideoJob(source, output_path(jobs_dir, job_id), probe(source))
        video.run(restorer(), progress, should_stop)
    except VideoCancelled:
        requeue(sessions, job_id)
        return "queued"
    except Exception as error:  # a job's failure is reported in its row, and the worker goes on
        _set(
            sessions,
            job_id,
            status="failed",
            error=f"{type(error).__name__}: {error}"[:500],
            finished_at=utcnow(),
        )
        return "failed"
    _set(
        sessions,
        job_id,
        status="done",
        frames_done=video.info.frames,
        finished_at=utcnow(),
        heartbeat_at=utcnow(),
    )
    return "done"
