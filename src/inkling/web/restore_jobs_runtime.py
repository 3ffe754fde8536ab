"""The video-restoration worker of a server process: a thread that claims jobs from the database.

It holds no state of its own: what it works on is claimed in the database (``claim_next``), its files
are under the jobs directory, and a job left by a process that died is claimed again once its
heartbeat is stale. The event loop never waits for it; an upload only wakes it.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from inkling.services.models import PredictorProvider
from inkling.services.restore import restore_predictor
from inkling.services.restore_jobs import claim_next, run_job
from inkling.services.restore_video import FrameRestorer

log = logging.getLogger(__name__)
POLL_S = 5.0  # how often an idle worker looks for work (an upload in this process wakes it at once)


class RestoreJobRunner:
    """One worker thread per process: claim a job, run it, repeat; stop puts a running job back."""

    def __init__(self, sessions: Callable[[], Session], provider: PredictorProvider, jobs_dir: Path) -> None:
        self.sessions, self.provider, self.jobs_dir = sessions, provider, jobs_dir
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Start the worker thread (once)."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._loop, name="restore-jobs", daemon=True)
            self._thread.start()

    def wake(self) -> None:
        """Look for work now (a job was just queued)."""
        self._wake.set()

    def stop(self, timeout: float) -> None:
        """Stop after the current frame (the job goes back to the queue) and wait up to ``timeout`` s."""
        self._stopping.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def _restorer(self) -> FrameRestorer:
        with self.sessions() as session:
            predictor = restore_predictor(session, self.provider)
            session.commit()
        return predictor.restore

    def _loop(self) -> None:
        while not self._stopping.is_set():
            try:
                with self.sessions() as session:
                    job_id = claim_next(session)
                if job_id is not None:
                    status = run_job(
                        self.sessions,
                        self.jobs_dir,
                        job_id,
                        self._restorer,
                        self._stopping.is_set,
                        time.monotonic,
                    )
                    log.info("restore job %s: %s", job_id, status)
                    continue
            except SQLAlchemyError as error:  # the database is away: try again later
                log.warning("restore jobs: %s", error)
            self._wake.wait(POLL_S)
            self._wake.clear()
