"""Running a job where the backend put it: running → succeeded or failed, with progress and heartbeat.

Progress is written with ``update()`` in autocommit, outside any transaction of the job function, so other
processes see it while the job runs.
"""

from __future__ import annotations

import logging
import threading
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone, translation

from apps.core.errors import DomainError

from .models import TRANSITIONS, Job, JobStatus, stale_after
from .registry import JobContext, job_function

logger = logging.getLogger(__name__)


def _set(job_id: int, **fields: Any) -> None:
    fields["updated_at"] = timezone.now()
    Job.objects.filter(pk=job_id).update(**fields)


def report_progress(job_id: int, progress: int, stage: str = "") -> None:
    """Record how far a job got (0–100) and what it is doing; also its heartbeat."""
    _set(job_id, progress=max(0, min(100, int(progress))), stage=stage[:120])


def _move(job: Job, new: str) -> None:
    if new not in TRANSITIONS[job.status]:
        raise DomainError(f"任务状态为“{job.get_status_display()}”，不能改为“{JobStatus(new).label}”。")


@contextmanager
def heartbeat(job_id: int, every: float | None = None) -> Iterator[None]:
    """Beat the job's heartbeat from a side thread while the block runs, every quarter of the stale time.

    A job function reports progress only between its steps; a worker's job must not read as interrupted (and
    be reaped) during one long step. The beat stops with the process: a killed worker's job goes stale.
    """
    interval = every if every is not None else stale_after().total_seconds() / 4
    stop = threading.Event()

    def beat() -> None:
        try:
            while not stop.wait(interval):
                Job.objects.filter(pk=job_id, status=JobStatus.RUNNING).update(updated_at=timezone.now())
        finally:
            connection.close()  # this thread's own connection

    thread = threading.Thread(target=beat, name=f"job-{job_id}-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def job_run(*, job_id: int) -> Job:
    """Run a queued job: running → succeeded (with its result) or failed (with the error)."""
    with transaction.atomic():
        job = Job.objects.select_for_update().get(pk=job_id)
        if job.status != JobStatus.QUEUED:
            return job  # already taken by another runner
        _move(job, JobStatus.RUNNING)
        now = timezone.now()
        Job.objects.filter(pk=job_id).update(status=JobStatus.RUNNING, started_at=now, updated_at=now,
                                             attempts=job.attempts + 1, error="")
    fn = job_function(job.name)
    context = JobContext(job_id=job_id, report_progress=lambda progress, stage="": report_progress(
        job_id, progress, stage))
    try:
        # in the site's language on every backend: a worker has no request, and the inline backend must not write
        # a document in the language of the page that happened to ask for it
        with translation.override(settings.LANGUAGE_CODE):
            result = fn(context, **job.args)
    except Exception as exc:
        logger.exception("Job %s#%s failed", job.name, job_id)
        _set(job_id, status=JobStatus.FAILED, finished_at=timezone.now(),
             error=f"{exc}\n\n{traceback.format_exc()}"[:10000])
        if getattr(settings, "ECOCIV_JOB_RAISE", False):
            raise
    else:
        _set(job_id, status=JobStatus.SUCCEEDED, progress=100, finished_at=timezone.now(), result=result)
    return Job.objects.get(pk=job_id)
