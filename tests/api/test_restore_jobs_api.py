"""``/api/v1/jobs/restore``: a clip restored as a background job, surviving a restart; limits refuse."""

from __future__ import annotations

import time
from datetime import timedelta
from pathlib import Path

import av
import numpy as np
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select, update

from inkling.db.base import utcnow
from inkling.db.engine import session_scope
from inkling.db.restore_job_models import RestoreJob
from inkling.restore.video_synth import ClipSpec, make_clip, write_clip
from inkling.services import restore_jobs
from inkling.services.restore_jobs import create_job
from tests.api.conftest import seeded_client


def _photo() -> np.ndarray:
    rng = np.random.default_rng(0)
    return (255 * np.kron(rng.random((10, 13, 3)), np.ones((20, 20, 1)))).astype(np.uint8)


@pytest.fixture(scope="module")
def clip_bytes(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """A 2-second 64x48 clip (50 frames) with a tone."""
    path = tmp_path_factory.mktemp("clip") / "tiny.mp4"
    spec = ClipSpec(width=64, height=48, frames=50)
    write_clip(path, make_clip(_photo(), spec, seed=2).degraded, spec.rate)
    return path.read_bytes()


def _post(client: TestClient, data: bytes, name: str = "tiny.mp4"):
    return client.post("/api/v1/jobs/restore", files={"file": (name, data, "video/mp4")})


def _wait_done(client: TestClient, job_id: str, timeout: float = 120.0) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = client.get(f"/api/v1/jobs/restore/{job_id}").json()
        if job["status"] in ("done", "failed"):
            return job
        time.sleep(0.2)
    raise AssertionError(f"job {job_id} not done in {timeout} s: {job}")


def _check_video(content: bytes, tmp_path: Path) -> None:
    path = tmp_path / "out.mp4"
    path.write_bytes(content)
    with av.open(str(path)) as container:
        assert {s.type for s in container.streams} == {"video", "audio"}
        frames = list(container.decode(video=0))
    assert len(frames) == 50 and (frames[0].width, frames[0].height) == (64, 48)


def test_a_job_runs_to_completion(
    database_url: str, engine: Engine, clip_bytes: bytes, tmp_path: Path
) -> None:
    with seeded_client(database_url, engine, jobs_dir=tmp_path / "jobs") as client:
        response = _post(client, clip_bytes)  # anonymous, no CSRF token: as the picture restorer
        assert response.status_code == 202, response.text
        job = response.json()
        assert job["status"] in ("queued", "running") and job["frames_total"] == 50
        assert job["download_url"] is None
        assert client.get(f"/api/v1/jobs/restore/{job['id']}/video").status_code in (409, 200)
        done = _wait_done(client, job["id"])
        assert done["status"] == "done", done
        assert done["frames_done"] == 50 and done["progress"] == 1.0
        video = client.get(done["download_url"])
        assert video.status_code == 200 and video.headers["content-type"] == "video/mp4"
        assert "tiny-restored.mp4" in video.headers["content-disposition"]
        _check_video(video.content, tmp_path)
        assert client.get("/api/v1/jobs/restore/nope").status_code == 422  # not a job id at all
        assert client.get("/api/v1/jobs/restore/" + "A" * 24).status_code == 404  # no such job
    with session_scope(engine) as session:
        row = session.get(RestoreJob, job["id"])
        assert row.status == "done" and row.attempts == 1 and row.finished_at is not None


def test_jobs_survive_a_restart(database_url: str, engine: Engine, clip_bytes: bytes, tmp_path: Path) -> None:
    jobs_dir = tmp_path / "jobs"
    with session_scope(engine) as session:  # what a server left behind: one job queued, one half-run
        queued = create_job(session, jobs_dir, clip_bytes, "a.mp4", "ip:198.51.100.1").id
        running = create_job(session, jobs_dir, clip_bytes, "b.mp4", "ip:198.51.100.1").id
        session.flush()
        stale = utcnow() - timedelta(minutes=10)
        session.execute(
            update(RestoreJob)
            .where(RestoreJob.id == running)
            .values(status="running", heartbeat_at=stale, attempts=1)
        )
    with seeded_client(database_url, engine, jobs_dir=jobs_dir) as client:  # a new server process
        for job_id in (queued, running):
            done = _wait_done(client, job_id)
            assert done["status"] == "done", done
            _check_video(client.get(done["download_url"]).content, tmp_path)
    with session_scope(engine) as session:
        attempts = dict(session.execute(select(RestoreJob.id, RestoreJob.attempts)).all())
        assert attempts == {queued: 1, running: 2}


def test_limits_refuse_bad_clips(
    database_url: str, engine: Engine, clip_bytes: bytes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with seeded_client(database_url, engine, jobs_dir=tmp_path / "jobs") as client:
        response = _post(client, b"this is not a video", "notes.mp4")
        assert response.status_code == 415 and "not a video" in response.json()["detail"]
        response = client.post(
            "/api/v1/jobs/restore", content=clip_bytes, headers={"content-type": "video/mp4"}
        )
        assert response.status_code == 415
        too_long = restore_jobs.VideoLimits(max_seconds=1.0, max_pixels=1280 * 720, max_bytes=64 * 2**20)
        monkeypatch.setattr(restore_jobs, "JOB_LIMITS", too_long)
        response = _post(client, clip_bytes)
        assert response.status_code == 422 and "limit of 1 s" in response.json()["detail"]
        too_large = restore_jobs.VideoLimits(max_seconds=15.0, max_pixels=1280 * 720, max_bytes=1000)
        monkeypatch.setattr(restore_jobs, "JOB_LIMITS", too_large)
        assert _post(client, clip_bytes).status_code == 413
        too_big_frames = restore_jobs.VideoLimits(max_seconds=15.0, max_pixels=32 * 32, max_bytes=None)
        monkeypatch.setattr(restore_jobs, "JOB_LIMITS", too_big_frames)
        response = _post(client, clip_bytes)
        assert response.status_code == 413 and "too large" in response.json()["detail"]
        over_body = client.post(
            "/api/v1/jobs/restore",
            files={"file": ("big.mp4", b"\0" * (64 * 2**20 + 100 * 1024), "video/mp4")},
        )
        assert over_body.status_code == 413
    with session_scope(engine) as session:
        assert session.scalar(select(RestoreJob.id)) is None  # nothing refused was queued
    assert not any((tmp_path / "jobs").iterdir())  # and no file was left behind


def test_the_restore_page_offers_clips(database_url: str, engine: Engine, tmp_path: Path) -> None:
    with seeded_client(database_url, engine, jobs_dir=tmp_path / "jobs") as client:
        page = client.get("/restore")
        assert page.status_code == 200
        assert 'id="video-form"' in page.text and "js/restore_video.js" in page.text
        assert "/api/v1/jobs/restore" in client.get("/static/js/restore_video.js").text


def test_a_client_has_three_clips_waiting_at_most(engine: Engine, clip_bytes: bytes, tmp_path: Path) -> None:
    with session_scope(engine) as session:
        for _ in range(3):
            create_job(session, tmp_path, clip_bytes, "a.mp4", "ip:203.0.113.9")
        with pytest.raises(restore_jobs.JobRefused) as refused:
            create_job(session, tmp_path, clip_bytes, "a.mp4", "ip:203.0.113.9")
        assert refused.value.status == 429
        create_job(session, tmp_path, clip_bytes, "a.mp4", "ip:203.0.113.10")  # another client may
