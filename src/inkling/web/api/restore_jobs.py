"""``/api/v1/jobs/restore``: restore a short video clip as a background job (upload, status, download).

The upload is checked (size, duration, frame size) and stored, a row is queued, and a worker thread
of any server process restores it (``inkling.web.restore_jobs_runtime``); the client polls the status
and fetches the video when it is done. Anonymous clients may use it, as the picture restorer; the
job's random id is what lets a client see it. No CSRF token is needed, as for the picture restorer:
a forged cross-site upload could only queue a job, which the limits and the per-client cap bound.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException, Path, Request
from fastapi.responses import FileResponse
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from inkling.db.restore_job_models import RestoreJob
from inkling.services.restore_jobs import JOB_LIMITS, JobRefused, create_job, download_name, output_path
from inkling.web.api.captcha import client_key
from inkling.web.api.errors import ANY_REQUEST, error_responses
from inkling.web.deps import SessionDep, SettingsDep
from inkling.web.uploads import media_type, multipart_file_body, uploaded_picture

router = APIRouter(prefix="/api/v1/jobs/restore", tags=["restore"], responses=ANY_REQUEST)
MAX_CLIP_BYTES = JOB_LIMITS.max_bytes or 64 * 1024 * 1024


class RestoreJobPublic(BaseModel):
    """A video restoration job as a client sees it."""

    id: str
    status: Literal["queued", "running", "done", "failed"]
    frames_done: int
    frames_total: int
    progress: float  # 0..1
    error: str | None
    status_url: str
    download_url: str | None  # there once the job is done

    @classmethod
    def of(cls, job: RestoreJob) -> RestoreJobPublic:
        base = f"{router.prefix}/{job.id}"
        return cls(
            id=job.id, status=job.status, frames_done=job.frames_done, frames_total=job.frames_total,
            progress=round(job.frames_done / max(job.frames_total, 1), 4), error=job.error, status_url=base,
            download_url=f"{base}/video" if job.status == "done" else None,
        )  # fmt: skip


def _create(request: Request, data: bytes, filename: str) -> RestoreJobPublic:
    """Store, check and queue the upload (in a worker thread, with a short session of its own)."""
    with request.app.state.sessions() as session:
        try:
            job = create_job(
                session, request.app.state.settings.jobs_dir, data, filename, client_key(request)
            )
        except JobRefused as error:
            raise HTTPException(error.status, str(error)) from None
        public = RestoreJobPublic.of(job)
        session.commit()
    return public


@router.post(
    "",
    status_code=202,
    responses=error_responses(
        413,
        415,
        422,
        429,
        described={
            413: f"An upload over {MAX_CLIP_BYTES // 2**20} MB, or frames over 1280x720",
            415: "Not multipart/form-data, or the upload is not a video FFmpeg can read",
            422: f"A clip over {JOB_LIMITS.max_seconds:.0f} s, a damaged video, or frames under 32x32 pixels",
            429: "Three of this client's videos are waiting already",
        },
    ),
    openapi_extra=multipart_file_body("file"),
)
async def create(request: Request) -> RestoreJobPublic:
    """Queue a clip (multipart field ``file``; <= 64 MB, <= 15 s, <= 1280x720): 202 and the job."""
    if media_type(request) != "multipart/form-data":
        raise HTTPException(415, "send the video as multipart/form-data in the field 'file'")
    data = await uploaded_picture(request, MAX_CLIP_BYTES)
    form = await request.form()
    upload = form.get("file") or form.get("image")
    filename = upload.filename if isinstance(upload, UploadFile) and upload.filename else "video.mp4"
    job = await run_in_threadpool(_create, request, data, filename)
    request.app.state.restore_jobs.wake()
    return job


# job ids are ``secrets.token_urlsafe(18)``: 24 URL-safe characters; anything else is 422 before any read
JobId = Annotated[str, Path(pattern=r"^[A-Za-z0-9_-]{24}$", description="the job's id (24 characters)")]


def _job(session: SessionDep, job_id: str) -> RestoreJob:
    job = session.get(RestoreJob, job_id[:64])
    if job is None:
        raise HTTPException(404, "no such job")
    return job


@router.get("/{job_id}", responses=error_responses(404, described={404: "No job of that id"}))
def status(job_id: JobId, session: SessionDep) -> RestoreJobPublic:
    """Where the job stands: queued, running (frames done), done (with the download URL) or failed."""
    return RestoreJobPublic.of(_job(session, job_id))


@router.get(
    "/{job_id}/video",
    response_class=FileResponse,
    responses={
        200: {"content": {"video/mp4": {}}, "description": "the restored video (H.264, audio kept)"},
        **error_responses(404, 409, described={404: "No job of that id", 409: "The job is not done (yet)"}),
    },
)
def video(job_id: JobId, session: SessionDep, settings: SettingsDep) -> FileResponse:
    """The restored video of a finished job."""
    job = _job(session, job_id)
    if job.status != "done":
        raise HTTPException(409, f"the job is {job.status}")
    path = output_path(settings.jobs_dir, job.id)
    if not path.is_file():
        raise HTTPException(404, "the restored video is gone")
    return FileResponse(path, media_type="video/mp4", filename=download_name(job))
